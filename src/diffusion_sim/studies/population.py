"""Claim 3 as a study: a population of innovations, each run in every strategy on the same replications, one folder.

``diffusion-sim population`` runs it. The order is: strategies (scenario files with the same
``[population]``) -> innovation k of each (``population.py``: drawn once, the same in every strategy) ->
replications ``k x R .. k x R + R - 1`` of each through the executors, each run reduced where it ran
to its scale-up outcome (:func:`diffusion_sim.analysis.population.record`) -> shares, paired
differences and intervals (``analysis/population.py``) -> one results folder:

- ``innovations``: one row per innovation, its drawn attributes;
- ``runs``: one row per innovation, strategy and replication: success and what it rests on;
- ``shares``: per strategy its success share, and per later strategy its paired difference from the first;
- ``by_attribute``: the success share per strategy for each primary type, complexity, route and evidence class;
- ``calibration`` (with ``--calibrate``): every value of the knob tried and its share;
- ``manifest.json``: the strategies' parameters, the population, the success definition, the answer.

With ``calibrate``, the knob ``population.calibration_scale`` is first fitted so that the first
strategy (which must have no team: it is the isolated one) meets the initiative's 35% on these
innovations, then checked on as many fresh innovations (numbers N to 2N - 1), and every strategy runs
with the fitted value. The fitted value is not written into any scenario file: the command prints the
line to put there.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from diffusion_sim.analysis.population import (
    calibrate_scale,
    claim_answer,
    how_innovations_differ,
    innovation_shares,
    record,
    share_by_attribute,
    share_table,
)
from diffusion_sim.errors import ScenarioError
from diffusion_sim.executors import Progress, run_all
from diffusion_sim.outcomes import SCALE_UP_FIELDS, SCALE_UP_MIN_PATIENTS, SCALE_UP_SHARE_CLAIMED
from diffusion_sim.params import ORG_TYPES, Params, change, differences
from diffusion_sim.population import ATTRIBUTES, Innovation, draw_innovation, innovation_params, replication_numbers
from diffusion_sim.results import manifest, write_folder
from diffusion_sim.studies.compare import align, checked_region

DEFAULT_SCENARIOS = ("scenarios/zuidwest-population-isolated.toml", "scenarios/zuidwest-population-collaborative.toml")
KNOB = "population.calibration_scale"
SCALE_RANGE = (1e-3, 10.0)  # where the knob is searched
BY = ("primary_type", "complexity", "reimbursement_route", "evidence")


def success_definition(months: int) -> str:
    """The success of a scale-up in one line (the catalogue's definition, ``outcomes.scale_up``, with its numbers)."""
    return (f"within {months} months at least {SCALE_UP_MIN_PATIENTS:g} patient reached beyond the organisation that ran it "
            f"first, and at month {months} at least one organisation beyond it still running it")


@dataclass
class PopulationPlan:
    """A population study before it runs: its strategies, how many innovations and replications, where it goes."""

    strategies: list[Params]
    sources: list[str]
    innovations: int
    replications: int
    calibrate: bool = False

    @property
    def total(self) -> int:
        """Runs of the comparison itself (calibration adds its own)."""
        return self.innovations * self.replications * len(self.strategies)


@dataclass
class PopulationResult:
    """Where the folder went, and the numbers to print."""

    folder: Path
    shares: pd.DataFrame
    answer: dict[str, Any]
    by_attribute: pd.DataFrame
    differ: pd.DataFrame
    calibration: dict[str, Any] | None = None
    seconds: float = 0.0
    runs: int = 0
    notes: list[str] = field(default_factory=list)


def plan_population(scenarios: list[Params], sources: list[str], innovations: int | None = None,
                    replications: int | None = None, calibrate: bool = False) -> PopulationPlan:
    """Check the strategies (one population, the same seed and horizon, room for the success window) and size the study.

    Nothing runs and nothing is written (the command line holds the results folder's name). Every
    problem is one :class:`ScenarioError` naming the file and the field.
    """
    for option, name, value in (("--innovations", "population.innovations", innovations),
                                ("--replications", "population.replications", replications)):
        if value is not None:
            scenarios = [change(p, {name: value}, source=option) for p in scenarios]
    align(scenarios)
    first = scenarios[0]
    for p, source in zip(scenarios[1:], sources[1:], strict=True):
        differ = [name for name, _, _ in differences(first, p) if name.startswith("population.")]
        if differ:
            raise ScenarioError(f"{source}: field '{differ[0]}': differs from {sources[0]}; compared strategies need the same "
                                "[population], so that innovation k is the same innovation in each")
    pop, months = first.population, first.simulation.months
    if pop.success_months > months:
        raise ScenarioError(f"{sources[0]}: field 'population.success_months': {pop.success_months} months is beyond the "
                            f"horizon of {months} months (simulation.months); give --months {pop.success_months} or more")
    if calibrate:
        f = first.facilitation
        if f.budget_eur_per_year > 0 and f.team_members > 0:
            raise ScenarioError(f"{sources[0]}: field 'facilitation.budget_eur_per_year': --calibrate fits the first "
                                "scenario to the isolated 35%, so it must have no team (budget or members 0)")
    for p, source in zip(scenarios, sources, strict=True):
        for t in ORG_TYPES:  # each primary type the population can draw must have an origin in the region
            if getattr(pop.primary_type, t) > 0:
                checked_region(innovation_params(p, _example(p, t)), f"{source} (innovations run by {t})")
    return PopulationPlan(scenarios, sources, pop.innovations, pop.replications, calibrate)


def _example(params: Params, org_type: str) -> Innovation:
    """An innovation of ``params``'s population run by ``org_type`` (for checking the region only)."""
    inn = draw_innovation(params, 0)
    changes = dict(inn.changes)
    for t in ORG_TYPES:
        mine = t == org_type
        changes[f"innovation.roles.{t}"] = "primary" if mine else "none"
        changes[f"innovation.target_share.{t}"] = getattr(params.population.target_share, t) if mine else 0.0
        changes[f"innovation.uptake.{t}"] = inn.attributes["uptake"] if mine else 0.0
    changes["origin.org_type"] = org_type
    return Innovation(inn.index, {**inn.attributes, "primary_type": org_type}, changes)


def innovations_table(params: Params, ks: range) -> pd.DataFrame:
    """The drawn attributes of innovations ``ks`` (the same whichever strategy draws them)."""
    return pd.DataFrame([draw_innovation(params, k).attributes for k in ks], columns=["innovation", *ATTRIBUTES,
                                                                                        "awareness_factor"])


def simulate(strategies: list[Params], ks: range, replications: int, workers: int = 1, progress: Progress | None = None,
             scheduler: str | None = None) -> pd.DataFrame:
    """Run innovations ``ks`` in every strategy, ``replications`` each, paired; one row per run (the ``runs`` table)."""
    scenarios, lists, tags = [], [], []
    for s in strategies:
        for k in ks:
            scenarios.append(innovation_params(s, draw_innovation(s, k)))
            lists.append(replication_numbers(k, replications))
            tags.append((s.name, k))
    results = run_all(scenarios, lists, workers=workers, progress=progress, scheduler=scheduler, reduce=record)
    rows = []
    for (strategy, k), numbers, outs in zip(tags, lists, results, strict=True):
        for r, (number, out) in enumerate(zip(numbers, outs, strict=True)):
            rows.append({"strategy": strategy, "innovation": k, "replication": r, "replication_number": number,
                         "draw": int(out["draw"]), **{f: out[f] for f in SCALE_UP_FIELDS}})
    return pd.DataFrame(rows, columns=["strategy", "innovation", "replication", "replication_number", "draw",
                                       *SCALE_UP_FIELDS])


def population_share(runs: pd.DataFrame) -> float:
    """The success share of one strategy's runs: the mean over innovations of each one's share of successful runs."""
    return float(innovation_shares(runs).iloc[:, 0].mean())


def calibrate(plan: PopulationPlan, workers: int = 1, progress: Progress | None = None,
              planned: Callable[[int], None] | None = None, scheduler: str | None = None) -> dict[str, Any]:
    """Fit ``population.calibration_scale`` so the first strategy's share meets 35% on the plan's innovations; check it fresh.

    Returns the fitted value, every evaluation (``history``), the share on the fitting innovations and
    on ``N`` fresh ones (numbers N to 2N - 1), each with its Monte Carlo error, and ``fresh_z``: the
    fresh share's distance from 35% in Monte Carlo errors of the two shares together.
    """
    first = plan.strategies[0]
    n, reps = plan.innovations, plan.replications
    tolerance = first.population.calibration_tolerance
    seen: dict[float, pd.DataFrame] = {}

    def evaluate(scale: float) -> float:
        if planned:
            planned(n * reps)
        p = change(first, {KNOB: scale}, source="--calibrate")
        seen[scale] = simulate([p], range(n), reps, workers, progress, scheduler)
        return population_share(seen[scale])

    try:
        scale, history = calibrate_scale(evaluate, SCALE_UP_SHARE_CLAIMED, tolerance, *SCALE_RANGE,
                                         resolution=0.5 / (n * reps))
    except ValueError as exc:
        raise ScenarioError(f"--calibrate: {KNOB} in [{SCALE_RANGE[0]:g}, {SCALE_RANGE[1]:g}] cannot give the isolated "
                            f"share of {SCALE_UP_SHARE_CLAIMED:g}: {exc}") from None
    if planned:
        planned(n * reps)
    fresh = simulate([change(first, {KNOB: scale}, source="--calibrate")], range(n, 2 * n), reps, workers, progress,
                     scheduler)
    fit = share_table(seen[scale], first.simulation.seed).iloc[0]
    check = share_table(fresh, first.simulation.seed).iloc[0]
    both = math.hypot(fit["mcse"], check["mcse"])
    return {"value": scale, "history": history, "fitting_share": float(fit["value"]), "fitting_mcse": float(fit["mcse"]),
            "fitting_innovations": n, "fresh_share": float(check["value"]), "fresh_mcse": float(check["mcse"]),
            "fresh_innovations": n,
            "fresh_z": float((check["value"] - fit["value"]) / both) if both > 0 else float("nan"),
            "within_tolerance": abs(float(fit["value"]) - SCALE_UP_SHARE_CLAIMED) <= tolerance,
            "evaluations": len(history), "note": history.attrs.get("note", "")}


def run_population(plan: PopulationPlan, out: str | Path, workers: int = 1, progress: Progress | None = None,
                   planned: Callable[[int], None] | None = None, scheduler: str | None = None,
                   command: list[str] | None = None) -> PopulationResult:
    """Run the planned study (calibrating first if planned) and write its folder ``out`` (complete or not at all)."""
    started = time.perf_counter()
    strategies = plan.strategies
    calibration = None
    runs_done = 0
    if plan.calibrate:
        calibration = calibrate(plan, workers, progress, planned, scheduler)
        runs_done += (len(calibration["history"]) + 1) * plan.innovations * plan.replications
        strategies = [change(p, {KNOB: calibration["value"]}, source="--calibrate") for p in strategies]
    first = strategies[0]
    pop = first.population
    if planned:
        planned(plan.total)
    runs = simulate(strategies, range(plan.innovations), plan.replications, workers, progress, scheduler)
    runs_done += plan.total
    innovations = innovations_table(first, range(plan.innovations))
    seed = first.simulation.seed
    shares = share_table(runs, seed)
    by_attribute = pd.concat([share_by_attribute(runs, innovations, a).rename(columns={a: "value"}).assign(attribute=a)
                              for a in BY], ignore_index=True)
    by_attribute = by_attribute[["attribute", "value", *[c for c in by_attribute.columns if c not in ("attribute", "value")]]]
    differ = how_innovations_differ(runs)
    settings = {
        "innovations": plan.innovations,
        "replications_per_innovation": plan.replications,
        "success_months": pop.success_months,
        "success_definition": success_definition(pop.success_months),
        "target": SCALE_UP_SHARE_CLAIMED,
        "target_source": "the initiative's own claim (\"only 35% of innovations reach the patient\"); no source found "
                         "(DOMAIN.md sec. 5)",
        "tolerance": pop.calibration_tolerance,
        "calibrated_knob": {"name": KNOB, "value": pop.calibration_scale, "parameters": list(pop.calibration_parameters),
                            "calibrated_now": calibration is not None},
        "population": pop.model_dump(mode="json"),
        "pairing": "innovation k is drawn from streams keyed by the root seed and k only; its replication r is "
                   "replication number k x R + r in every strategy (the same model streams and parameter draw)",
        "intervals": "90% percentile intervals of a bootstrap over innovations (replications nested); MCSE: standard "
                     "deviation of the innovations' shares over the square root of their number",
    }
    tables: dict[str, pd.DataFrame] = {"innovations": innovations, "runs": runs, "shares": shares,
                                       "by_attribute": by_attribute}
    if calibration is not None:
        tables["calibration"] = calibration["history"]
        settings["calibration"] = {k: v for k, v in calibration.items() if k != "history"}
    answer = claim_answer({"runs": runs, "manifest": {"seed": seed, "settings": settings}})
    seconds = time.perf_counter() - started
    meta = manifest("population", strategies, plan.sources, replications=plan.replications, workers=workers,
                    scheduler=scheduler, command=command, settings=settings)
    meta["results"] = {**_plain(answer), "runs": runs_done, "seconds": round(seconds, 1)}
    folder = write_folder(out, tables, meta)
    notes = [calibration["note"]] if calibration and calibration["note"] else []
    return PopulationResult(folder, shares, answer, by_attribute, differ, calibration, seconds, runs_done, notes)


def _plain(value: Any) -> Any:
    """A value for JSON: NaN becomes None, numpy numbers plain ones."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float | np.floating):
        return None if math.isnan(float(value)) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value
