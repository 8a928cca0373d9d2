"""The test against reality as a study: prior draws through the executors, the fit, the 2019 prediction, one folder.

``diffusion-sim validate`` runs it. Every parameter set of the prior sample becomes one scenario with
its own replication numbers (``draw x R + k``, never repeated, so no two runs share random numbers);
each run is reduced where it ran to its outcomes and four monthly series
(:func:`diffusion_sim.analysis.validation.record`), accepted or not by the facts, and the accepted
runs predict 2019. The folder holds ``simulations``, ``accepted``, ``parameters`` and ``sensitivity``
(CSV), the figure, and a manifest whose ``results`` give the prediction and the fit's summary.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from diffusion_sim import __version__
from diffusion_sim.analysis.validation import (
    CHAIN_UPTAKE_RATIO,
    EFFECTIVE_CARDIO_PATIENTS,
    FACTS,
    HARTERAAD_USERS,
    INVENTORY_2013,
    LOG_UNIFORM,
    PREDICTED,
    Acceptance,
    Simulations,
    Validation,
    accepted_ranges,
    apply_draw,
    apply_draw_values,
    interval,
    predict,
    prior_dimensions,
    prior_draws,
    record,
    sensitivity,
)
from diffusion_sim.errors import ResultsError
from diffusion_sim.executors import Progress, run_all
from diffusion_sim.params import Params, change
from diffusion_sim.results import manifest, write_folder
from diffusion_sim.scenario import load_scenario
from diffusion_sim.studies.compare import checked_region

DEFAULT_SCENARIO = Path("scenarios/validation-nl-2012.toml")


def simulate(base: Params, draws: pd.DataFrame, replications: int, workers: int = 1, progress: Progress | None = None,
             scheduler: str | None = None) -> Simulations:
    """Run ``replications`` replications of every parameter set through the executors."""
    names = [c for c in draws.columns if c != "draw"]
    values = [{n: row[n] for n in names} for row in draws.to_dict("records")]
    scenarios = [apply_draw(base, v) for v in values]
    lists = [[int(d) * replications + k for k in range(replications)] for d in draws["draw"]]
    records = run_all(scenarios, lists, workers=workers, progress=progress, scheduler=scheduler, reduce=record)
    flat = [r for runs in records for r in runs]
    tagged = [{"draw": int(d), **v} for d, v, runs in zip(draws["draw"], values, records, strict=True) for _ in runs]
    return Simulations.of(flat, tagged)


def run_validation(scenario: str | Path = DEFAULT_SCENARIO, draws: int = 2000, replications: int = 3, seed: int | None = None,
                   acceptance: Acceptance | None = None, workers: int = 1, progress: Progress | None = None,
                   scheduler: str | None = None) -> Validation:
    """Draw from the prior, run, accept by the facts and predict 2019; deterministic for ``seed``."""
    start = time.perf_counter()
    base = load_scenario(scenario)
    seed = base.simulation.seed if seed is None else int(seed)
    base = change(base, {"simulation.seed": seed}, source="--seed")
    base = change(base, {"uncertainty.draws": False}, source="validation")  # it draws from its own prior sample
    checked_region(base, str(scenario))
    dims = prior_dimensions(scenario, base)
    sample = prior_draws(dims, draws, seed)
    sims = simulate(base, sample, replications, workers, progress, scheduler)
    acceptance = acceptance or Acceptance()
    accepted = acceptance.mask(sims.table)
    return Validation(dims, sample, sims, acceptance, accepted, predict(sims.table, accepted), base, seed, replications,
                      time.perf_counter() - start, extra={"scenario": str(scenario)})


def reimbursement_check(v: Validation, month: int, workers: int = 1, progress: Progress | None = None,
                        scheduler: str | None = None) -> dict[str, Any]:
    """Re-run the accepted runs with reimbursement from ``month`` instead: how the prediction moves."""
    table = v.sims.table[v.accepted]
    names = [d.name for d in v.dims]
    base = change(v.params, {"insurer.fixed_start_month": month}, source="reimbursement check")
    rows = table.to_dict("records")
    scenarios = [apply_draw(base, {n: row[n] for n in names}) for row in rows]
    lists = [[int(row["replication"])] for row in rows]
    records = run_all(scenarios, lists, workers=workers, progress=progress, scheduler=scheduler, reduce=record)
    again = pd.DataFrame([r[0]["row"] for r in records])
    still = v.acceptance.mask(again) if len(again) else np.zeros(0, dtype=bool)
    return {"fixed_start_month": month, "runs": len(again), "still_accepted": int(still.sum()),
            "prediction": {name: interval(again[name]) for name in PREDICTED} if len(again) else {}}


# Fresh replication numbers for the posterior predictive check: far above any the fit used (set x R + k).
PREDICTIVE_OFFSET = 10_000_000


def predictive_check(v: Validation, workers: int = 1, progress: Progress | None = None,
                     scheduler: str | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The posterior predictive check: every accepted parameter set run again on new random numbers.

    A run accepted by the fit meets the facts by construction; run again with a replication number
    it never had, it shows how well the posterior reproduces each fact (median and 90% interval of
    each fitted quantity, and how often each condition holds) when chance is not selected for.
    """
    table = v.sims.table[v.accepted]
    names = [d.name for d in v.dims]
    rows = table.to_dict("records")
    scenarios = [apply_draw(v.params, {n: row[n] for n in names}) for row in rows]
    lists = [[PREDICTIVE_OFFSET + j] for j in range(len(rows))]
    records = run_all(scenarios, lists, workers=workers, progress=progress, scheduler=scheduler, reduce=record)
    again = pd.DataFrame([r[0]["row"] for r in records])
    if again.empty:
        return again, {}
    a = v.acceptance
    conditions = {
        "users_2018": Acceptance(a.tolerance, 1e9, a.mapping, 1e9).mask(again),
        "effective_cardio": Acceptance(1e9, a.ec_factor, a.mapping, 1e9).mask(again),
        "inventory_2013": Acceptance(1e9, 1e9, a.mapping, a.inventory_margin).mask(again),
        "spread_beyond_origins": np.asarray(again["hospitals_beyond_origins_2018"] >= 1),
        "all": a.mask(again),
    }
    facts = {
        "users_2018_harteraad": {"observed": HARTERAAD_USERS, **interval(again["users_2018_harteraad"])},
        "origin_patients_2014_harteraad": {"observed": EFFECTIVE_CARDIO_PATIENTS,
                                           **interval(again["origin_patients_2014_harteraad"])},
        "hospital_share_2013_03": {"observed_low": INVENTORY_2013["low"], "observed_high": INVENTORY_2013["high"],
                                   **interval(again["hospital_share_2013_03"])},
    }
    return again, {"runs": len(again), "replication_offset": PREDICTIVE_OFFSET, "facts": facts,
                   "share_meeting": {k: float(np.mean(m)) for k, m in conditions.items()},
                   "prediction": {name: interval(again[name]) for name in PREDICTED}}


def posterior_sample(v: Validation) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The profile's fitted parameters as shipped: one row per accepted run, and the fit's provenance.

    Only the innovation profile's own parameters travel to other regions (uptake per type, the ramp);
    the others fitted with them (outside influence, demonstrations, early adopters) describe the
    Netherlands in 2012-2018 and are summarised in the provenance, not shipped. A parameter set
    accepted in k of its replications appears k times, as rejection ABC with a stochastic model weighs it.
    """
    table = v.sims.table[v.accepted]
    values = [apply_draw_values({d.name: row[d.name] for d in v.dims}) for row in table.to_dict("records")]
    fitted = [d.name for d in v.dims if d.name.startswith("innovation.")]
    columns = fitted + sorted({k for row in values for k in row if k.startswith("innovation.")} - set(fitted))  # tied last
    rows = pd.DataFrame([{"draw": int(r["draw"]), "replication": int(r["replication"]), **{c: vals[c] for c in columns}}
                         for r, vals in zip(table.to_dict("records"), values, strict=True)])
    stats = {c: interval(rows[c]) for c in columns}
    provenance = {
        "profile": v.params.innovation.profile,
        "what": "joint posterior sample of the profile's fitted parameters: one row per accepted run",
        "method": "approximate Bayesian computation by rejection (Pritchard et al. 1999; Beaumont 2010): parameter sets "
                  "from the prior by Latin hypercube, several replications each, a run accepted when it meets every fact",
        "facts": FACTS,
        "acceptance": asdict(v.acceptance),
        "priors": [{"name": d.name, "low": d.low, "high": d.high,
                    "scale": "log-uniform" if d.name in LOG_UNIFORM else "uniform", "source": d.source} for d in v.dims],
        "tied": {f"innovation.uptake.{t}": f"innovation.uptake.hospital x {r:.6g}" for t, r in CHAIN_UPTAKE_RATIO.items()},
        "scenario": v.extra.get("scenario", ""),
        "seed": v.seed,
        "parameter_sets": len(v.draws),
        "replications_per_set": v.replications,
        "runs": int(v.accepted.size),
        "accepted": int(v.accepted.sum()),
        "accepted_parameter_sets": int(table["draw"].nunique()),
        "fit_statistics": stats,
        "not_shipped": {d.name: interval(table[d.name]) for d in v.dims if not d.name.startswith("innovation.")},
    }
    return rows, provenance


def summary(v: Validation, checks: dict[str, Any] | None = None) -> dict[str, Any]:
    """The fit and the prediction in numbers: what the manifest's ``results`` hold."""
    acc = v.accepted
    table = v.sims.table
    return {
        "parameter_sets": len(v.draws),
        "replications_per_set": v.replications,
        "runs": int(acc.size),
        "accepted": int(acc.sum()),
        "acceptance_rate": float(acc.mean()) if acc.size else float("nan"),
        "accepted_parameter_sets": int(table.loc[acc, "draw"].nunique()),
        "acceptance": asdict(v.acceptance),
        "conditions_met": {
            "users_2018": int(Acceptance(v.acceptance.tolerance, 1e9, v.acceptance.mapping, 1e9).mask(table).sum()),
            "effective_cardio": int(Acceptance(1e9, v.acceptance.ec_factor, v.acceptance.mapping, 1e9).mask(table).sum()),
            "inventory_2013": int(Acceptance(1e9, 1e9, v.acceptance.mapping, v.acceptance.inventory_margin).mask(table).sum()),
            "spread_beyond_origins": int((table["hospitals_beyond_origins_2018"] >= 1).sum()),
        },
        "harteraad_scale": v.sims.scale,
        "model_heart_failure_population": float(table["hf_population"].iloc[0]),
        "prediction": v.prediction,
        "accepted_hospitals_live_2019": interval(table.loc[acc, "hospitals_live_2019"]),
        "accepted_hospitals_live_2018": interval(table.loc[acc, "hospitals_live_2018"]),
        "accepted_hospital_share_2013_03": interval(table.loc[acc, "hospital_share_2013_03"]),
        "accepted_origin_patients_2014_harteraad": interval(table.loc[acc, "origin_patients_2014_harteraad"]),
        "accepted_users_2018_harteraad": interval(table.loc[acc, "users_2018_harteraad"]),
        "accepted_hospital_share_with_patients_2019": interval(table.loc[acc, "hospital_share_with_patients_2019"]),
        "accepted_users_2019_harteraad": interval(table.loc[acc, "users_2019_harteraad"]),
        "prior_prediction": {name: interval(table[name]) for name in PREDICTED},
        "seconds_simulation": v.seconds,
        **(checks or {}),
    }


def write(v: Validation, out: Path, overwrite: bool = False, checks: dict[str, Any] | None = None,
          command: list[str] | None = None, workers: int = 1, scheduler: str | None = None,
          draw: Callable[[Validation, Path], list[str]] | None = None,
          predictive: tuple[pd.DataFrame, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Write the validation folder (tables as CSV, ``draw``'s figure, the manifest with the results); returns the results.

    The folder is written complete or not at all; an existing ``out`` is replaced, whole and only once
    the new one is complete, with ``overwrite``.
    """
    out = Path(out)
    if out.exists() and not overwrite:
        raise ResultsError(f"{out}: already exists; pass --overwrite to replace it "
                           "(the old folder stays until the new one is complete)")
    table = v.sims.table.copy()
    table.insert(2, "accepted", v.accepted)
    # parameters in full (a row re-runs exactly: apply_draw + its replication number), outcomes to 6 digits
    names = {d.name for d in v.dims}
    for col in table.columns:
        if col not in names and table[col].dtype.kind == "f":
            table[col] = [float(f"{x:.6g}") for x in table[col]]
    tables = {"simulations": table, "accepted": table[v.accepted], "parameters": accepted_ranges(v),
              "sensitivity": sensitivity(v)}
    if predictive is not None and len(predictive[0]):
        tables["predictive_check"] = predictive[0]
    results = summary(v, checks)
    if predictive is not None:
        results["predictive_check"] = predictive[1]
    posterior_csv, provenance = posterior_files(v, command)
    results["posterior"] = {k: provenance[k] for k in ("accepted", "accepted_parameter_sets", "fit_statistics", "sha256")}
    meta = manifest("validation", [v.params], [v.extra.get("scenario", "")], replications=v.replications, workers=workers,
                    scheduler=scheduler, command=command,
                    settings={"draws": len(v.draws), "dimensions": [asdict(d) for d in v.dims],
                              "acceptance": asdict(v.acceptance)})
    meta["results"] = results
    def extras(folder: Path) -> list[str]:
        (folder / "posterior.csv").write_text(posterior_csv, encoding="utf-8")
        (folder / "posterior.json").write_text(json.dumps(provenance, indent=1) + "\n", encoding="utf-8")
        return draw(v, folder) if draw else []  # the figures (the manifest hashes every file)

    write_folder(out, tables, meta, csv_only=tuple(tables), extras=extras, overwrite=overwrite)
    return results


def posterior_files(v: Validation, command: list[str] | None = None) -> tuple[str, dict[str, Any]]:
    """The shippable posterior: its CSV text and its provenance, which records the CSV's SHA-256."""
    rows, provenance = posterior_sample(v)
    text = rows.to_csv(index=False, lineterminator="\n")
    provenance = {**provenance, "command": " ".join(command or []), "diffusion_sim": __version__,
                  "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    return text, provenance


def ship_posterior(folder: Path, target: Path | None = None) -> list[Path]:
    """Copy a validation folder's posterior into the package (or ``target``), where scenarios using the profile draw from it.

    Each file is written beside its target and renamed over it, so a reader never sees half a file.
    """
    meta = json.loads((folder / "posterior.json").read_text(encoding="utf-8"))
    target = target or Path(str(resources.files("diffusion_sim.innovations")))
    written = []
    for suffix in ("csv", "json"):
        path = target / f"{meta['profile']}.posterior.{suffix}"
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        shutil.copyfile(folder / f"posterior.{suffix}", tmp)
        os.replace(tmp, path)
        written.append(path)
    return written
