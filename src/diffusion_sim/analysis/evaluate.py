"""Evaluate a design: every point's replications through the executors, as one tidy table.

Point ``k``, replication ``i`` runs with replication ``i``'s random streams (common random numbers:
two points differ only by their parameter values), because every point is one scenario given to
:func:`diffusion_sim.executors.run_all`. Points are run in batches; with a work folder each finished
batch is saved at once (one Parquet file per batch, written atomically), so an interrupted study can
go on where it stopped and a finished point is never run twice.

The per-point statistics defined here (:func:`point_outcomes`) are *the* outcome definitions of
sweeps, sensitivity analysis, calibration and :func:`diffusion_sim.api.run_model`:

- most outcomes: the mean over replications, with its Monte Carlo standard error (MCSE);
- a time to target (``months_to_70pct``, ``months_to_1000_patients``): a replication that does not
  reach the target within the horizon counts as ``horizon + 1`` (right-censored, so the mean is a
  restricted mean and a lower bound); the share that reached it is its own outcome
  (``reached_70pct``, ``reached_1000_patients``);
- ``cost_per_patient_eur``: total cost over all replications divided by patients reached over all
  replications (a ratio of means, defined whenever any replication reached a patient; MCSE by the
  delta method).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from diffusion_sim import __version__
from diffusion_sim.errors import ResultsError
from diffusion_sim.executors import run_all
from diffusion_sim.params import Params
from diffusion_sim.results import atomic_folder, environment, file_hashes
from diffusion_sim.runner import summarise

from .space import Dimension, apply

Progress = Callable[[int], None]

# point outcome -> (label, unit); the names a --target or an analysis may use
POINT_OUTCOMES: dict[str, tuple[str, str]] = {
    "patients_12m": ("Additional patients reached in 12 months", "patients"),
    "patients_final": ("Additional patients reached by the horizon", "patients"),
    "share_adopted_final": ("Eligible organisations using it at the horizon", "share"),
    "adopted_beyond_origin": ("Organisations that adopted (beyond the origin)", "organisations"),
    "spread_beyond_origin": ("Share of replications in which it spread beyond the origin", "share"),
    "months_to_1000_patients": ("Months until 1,000 additional patients (not reached = horizon + 1)", "months"),
    "reached_1000_patients": ("Share of replications reaching 1,000 additional patients", "share"),
    "months_to_70pct": ("Months until 70% of eligible organisations (not reached = horizon + 1)", "months"),
    "reached_70pct": ("Share of replications reaching 70% of eligible organisations", "share"),
    "total_cost_eur": ("Implementation + facilitation cost", "EUR"),
    "cost_per_patient_eur": ("Cost per additional patient reached (ratio of means)", "EUR"),
}
CENSORED = {"months_to_70pct": "reached_70pct", "months_to_1000_patients": "reached_1000_patients"}
KEY_OUTCOMES = ("patients_12m", "months_to_70pct", "cost_per_patient_eur")


# ---------------------------------------------------------------------------- running points
def run_points(
    base: Params,
    design: pd.DataFrame,
    dims: list[Dimension],
    replications: int,
    workers: int = 1,
    progress: Progress | None = None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Run ``replications`` replications at every design row; one tidy row per (point, replication).

    ``scheduler`` (a Dask scheduler address) is passed to the executors only when given.
    """
    names = [d.column for d in dims]
    scenarios = [apply(base, {n: _python(row[n]) for n in names}, source="design point") for _, row in design.iterrows()]
    where = {"scheduler": scheduler} if scheduler else {}
    results = run_all(scenarios, replications, workers=workers, progress=progress, **where)
    rows = []
    for (_, point), reps in zip(design.iterrows(), results, strict=True):
        fixed = {"point": int(point["point"]), **{n: _python(point[n]) for n in names}}
        for rep in reps:
            rows.append({**fixed, "replication": rep.replication, **summarise(rep)})
    frame = pd.DataFrame(rows)
    return frame.sort_values(["point", "replication"], kind="stable").reset_index(drop=True)


def _python(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def batch_size(replications: int, workers: int) -> int:
    """Points per batch: about 200 replications per worker, so a batch takes seconds to a minute."""
    return max(1, -(-200 * max(1, workers) // max(1, replications)))


def evaluate(
    base: Params,
    design: pd.DataFrame,
    dims: list[Dimension],
    replications: int,
    workers: int = 1,
    progress: Progress | None = None,
    work: WorkFolder | None = None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Run every design point not yet in ``work``, batch by batch; returns the tidy rows of all points."""
    done = work.finished() if work is not None else pd.DataFrame()
    finished = set(done["point"].unique()) if not done.empty else set()
    todo = design[~design["point"].isin(finished)]
    frames = [done] if not done.empty else []
    size = batch_size(replications, workers)
    for start in range(0, len(todo), size):
        batch = run_points(base, todo.iloc[start : start + size], dims, replications, workers, progress, scheduler)
        if work is not None:
            work.save(batch)
        frames.append(batch)
    if not frames:
        return pd.DataFrame()
    tidy = pd.concat(frames, ignore_index=True)
    return tidy.sort_values(["point", "replication"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------- point statistics
def point_outcomes(tidy: pd.DataFrame, horizon: int, by: str | list[str] = "point") -> pd.DataFrame:
    """One row per point: ``<outcome>`` (the statistic above), ``<outcome>_mcse`` and the replications used."""
    t = tidy.copy()
    cap = float(horizon + 1)
    for col, reached in CENSORED.items():
        t[reached] = t[col].notna().astype(float)
        t[col] = t[col].fillna(cap)
    grouped = t.groupby(by, sort=True)
    n = grouped.size()
    out = pd.DataFrame(index=n.index)
    out["replications"] = n
    for col in POINT_OUTCOMES:
        if col == "cost_per_patient_eur":
            continue
        mean = grouped[col].mean()
        sd = grouped[col].std(ddof=1).fillna(0.0)
        out[col] = mean
        out[f"{col}_mcse"] = sd / np.sqrt(n)
    cost, pat = grouped["total_cost_eur"], grouped["patients_final"]
    mx, my = cost.mean(), pat.mean()
    ratio = mx / my.where(my > 0)
    cov = t.assign(_xy=t["total_cost_eur"] * t["patients_final"]).groupby(by, sort=True)["_xy"].mean() - mx * my
    var = (cost.var(ddof=1) - 2 * ratio * cov + ratio**2 * pat.var(ddof=1)).clip(lower=0) / (my**2 * n)
    out["cost_per_patient_eur"] = ratio
    out["cost_per_patient_eur_mcse"] = np.sqrt(var)
    return out.reset_index()


def outcomes_of(tidy: pd.DataFrame, horizon: int) -> dict[str, float]:
    """The point statistics of one set of replications, as a plain dict (for :func:`run_model`)."""
    row = point_outcomes(tidy.assign(_one=0), horizon, by="_one").iloc[0]
    return {k: float(row[k]) for k in POINT_OUTCOMES}


# ---------------------------------------------------------------------------- resumable work folder
class WorkFolder:
    """Finished batches of a study that is still running: ``<out>.partial/`` beside the final folder.

    ``manifest.json`` records what is being computed (a fingerprint of the scenario, ranges, design
    and replications); a re-run with ``resume=True`` and the same fingerprint skips every point in a
    saved batch. Each batch file is written to a temporary name and renamed, so a batch is either
    complete or absent.
    """

    def __init__(self, path: Path, fingerprint: dict[str, Any], resume: bool) -> None:
        self.path = Path(path)
        self.fingerprint = json.loads(json.dumps(fingerprint, default=str))
        if self.path.exists():
            if not resume:
                raise ResultsError(
                    f"{self.path}: unfinished work of an earlier run is here; add --resume to continue it, "
                    "or delete the folder to start again"
                )
            try:
                saved = json.loads((self.path / "manifest.json").read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                raise ResultsError(
                    f"{self.path}: not a work folder of this program (no readable manifest.json); delete it"
                ) from None
            if saved.get("fingerprint") != self.fingerprint:
                raise ResultsError(
                    f"{self.path}: was started with different arguments (scenario, ranges, design or "
                    "replications); use the same arguments to resume, or delete the folder"
                )
        else:
            self.path.mkdir(parents=True)
            meta = {"fingerprint": self.fingerprint, "created_utc": _now()}
            (self.path / "manifest.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    def finished(self) -> pd.DataFrame:
        """All rows of saved batches."""
        files = sorted(self.path.glob("batch-*.parquet"))
        return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True) if files else pd.DataFrame()

    def save(self, batch: pd.DataFrame) -> Path:
        """Write one finished batch atomically."""
        k = len(list(self.path.glob("batch-*.parquet")))
        final = self.path / f"batch-{k:05d}.parquet"
        tmp = self.path / f".batch-{k:05d}.tmp-{os.getpid()}"
        batch.to_parquet(tmp, index=False)
        os.replace(tmp, final)
        return final

    def remove(self) -> None:
        """Delete the work folder once the final results are in place."""
        shutil.rmtree(self.path, ignore_errors=True)


def fingerprint_id(fingerprint: dict[str, Any]) -> str:
    """A short stable hash of a study's arguments (names default output folders)."""
    text = json.dumps(fingerprint, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


# ---------------------------------------------------------------------------- writing an analysis folder
def analysis_manifest(kind: str, base: Params, source: str, command: list[str] | None, **extra: Any) -> dict[str, Any]:
    """What produced an analysis folder: the scenario, the settings and the software versions."""
    return {
        "kind": kind,
        "package": "diffusion-sim",
        "version": __version__,
        "created_utc": _now(),
        "command": command if command is not None else sys.argv,
        "scenario_file": source,
        "scenario": base.model_dump(mode="json"),
        **extra,
        "environment": environment(),
    }


def write_folder(
    out: Path, tables: dict[str, pd.DataFrame], meta: dict[str, Any], figures: Callable[[Path], list[str]] | None = None
) -> Path:
    """Write tables (Parquet and CSV), figures and ``manifest.json`` into ``out`` atomically; never overwrite."""
    with atomic_folder(out) as tmp:
        for name, frame in tables.items():
            frame.to_parquet(tmp / f"{name}.parquet", index=False)
            frame.to_csv(tmp / f"{name}.csv", index=False)
        meta = dict(meta)
        meta["figures"] = figures(tmp) if figures is not None else []
        meta["files"] = file_hashes(tmp)
        (tmp / "manifest.json").write_text(json.dumps(meta, indent=2, default=str) + "\n", encoding="utf-8")
    return Path(out)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
