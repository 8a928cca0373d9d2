"""A study: run one or more scenarios with common random numbers and write one results folder.

This is the one function behind ``diffusion-sim run`` and ``compare``; it owns the order
scenario -> parameters -> region -> runs -> tables -> folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from diffusion_sim.analysis.summary import difference_table, innovation_table, outcome_table
from diffusion_sim.errors import DiffusionSimError, ResultsError, ScenarioError
from diffusion_sim.executors import run_all
from diffusion_sim.outcomes import paired_differences
from diffusion_sim.params import Params
from diffusion_sim.region import build_region
from diffusion_sim.results import build_tables, manifest, write_results


@dataclass
class StudyResult:
    """Where the results went and the tables to print."""

    folder: Path
    outcomes: pd.DataFrame
    differences: pd.DataFrame | None
    outputs: list[Path] = field(default_factory=list)  # figures folder and report files (issue 3)
    innovations: pd.DataFrame | None = None  # per innovation, when a scenario runs a portfolio (issue 9)


def align(scenarios: list[Params]) -> list[Params]:
    """Check that scenarios can be compared replication by replication (same seed and horizon, distinct names)."""
    names = [p.name for p in scenarios]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ScenarioError(f"field 'name': scenarios must have distinct names to be compared, '{dupes[0]}' appears twice")
    first = scenarios[0].simulation
    for p in scenarios[1:]:
        if p.simulation.seed != first.seed or p.simulation.months != first.months:
            raise ScenarioError(
                f"{p.name}: field 'simulation.seed'/'simulation.months': compared scenarios need the same seed and horizon "
                f"({first.seed}, {first.months} months), got ({p.simulation.seed}, {p.simulation.months}); use --seed/--months"
            )
    return scenarios


def _checked_region(params: Params, source: str):
    """Build the scenario's region and one model on it, so that bad region or origin settings fail here, named."""
    from diffusion_sim.model import build_model

    try:
        region = build_region(params)
        build_model(params, region=region, agent_views=False)
    except DiffusionSimError as exc:
        raise ScenarioError(f"{source}: {exc}") from None
    return region


def run_study(scenarios: list[Params], sources: list[str], out: Path, replications: int | None = None,
              workers: int = 1, progress: Callable[[int], None] | None = None,
              command: list[str] | None = None, scheduler: str | None = None,
              report_lang: str | None = None) -> StudyResult:
    """Run every scenario ``replications`` times (replication i shares its streams) and write ``out``.

    With ``report_lang`` ("nl" or "en") the figures and the report are written into the folder too.
    """
    align(scenarios)
    reps = replications or scenarios[0].simulation.replications
    regions = [_checked_region(p, src) for p, src in zip(scenarios, sources, strict=True)]
    results = run_all(scenarios, reps, workers=workers, progress=progress, scheduler=scheduler)
    tables = build_tables(scenarios, regions, results)
    order = [p.name for p in scenarios]
    paired = paired_differences(tables["summary"], order, scenarios[0].simulation.months) if len(order) > 1 else None
    if paired is not None:
        tables["paired"] = paired
    meta = manifest(scenarios, sources, regions, reps, workers, command)
    meta["executor"] = f"dask:{scheduler}" if scheduler else ("processes" if workers > 1 else "serial")
    folder = write_results(tables, meta, out)
    # --- figures and report (issue 3) ---------------------------------------------------------
    # A separate step after the results folder is complete and in place: it reads the folder back
    # as `diffusion-sim report` would and writes each output atomically on its own, so a failure
    # here never costs the (expensive) results and never leaves a half-written figure or report.
    outputs: list[Path] = []
    if report_lang:
        from diffusion_sim.publish.write import publish

        try:
            outputs = publish(folder, report_lang)
        except (DiffusionSimError, OSError) as exc:
            raise ResultsError(f"{folder}: results are complete, but writing the figures and report failed ({exc}); "
                               f"run 'diffusion-sim report {folder}' to try again") from exc
    # --- end figures and report ---------------------------------------------------------------
    return StudyResult(
        folder=folder,
        outcomes=outcome_table(tables["summary"], order),
        differences=difference_table(paired) if paired is not None else None,
        outputs=outputs,
        innovations=innovation_table(tables["innovations"], order) if any(p.portfolio.innovations for p in scenarios) else None,
    )
