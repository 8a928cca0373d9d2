"""Run and compare: one or more scenarios with common random numbers, one results folder.

The one function behind ``diffusion-sim run`` and ``compare``; it owns the order
scenario -> parameters -> region -> runs -> tables -> folder. The figures and the report are a
separate step afterwards (``publish/``), which reads the folder back as ``diffusion-sim report`` does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from diffusion_sim.analysis.summary import StudyNumbers, assumption_ranking, innovation_table
from diffusion_sim.errors import DiffusionSimError, ScenarioError
from diffusion_sim.executors import run_all
from diffusion_sim.model import build_model
from diffusion_sim.outcomes import paired_differences
from diffusion_sim.params import Params
from diffusion_sim.region import Region, build_region
from diffusion_sim.results import CSV_ONLY, LONG_TABLES, StreamedTables, manifest, scratch_folder, write_folder


@dataclass
class StudyResult:
    """Where the results went and the tables to print."""

    folder: Path
    outcomes: pd.DataFrame
    differences: pd.DataFrame | None
    innovations: pd.DataFrame | None = None  # per innovation, when a scenario runs a portfolio
    assumptions: pd.DataFrame | None = None  # which uncertain parameter explains most of each decision outcome
    team: dict | None = None  # per scenario with a team: its hours, money and which of them binds (medians)
    claims: pd.DataFrame | None = None  # the initiative's claims: chance, verdict and what they are measured on
    months: int = 0
    numbers: StudyNumbers | None = None  # the tables above, for the report (publish.write.publish), not computed again


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


def checked_region(params: Params, source: str) -> Region:
    """Build the scenario's region and one model on it, so that bad region or origin settings fail here, named."""
    try:
        region = build_region(params)
        build_model(params, region=region, agent_views=False)
    except DiffusionSimError as exc:
        raise ScenarioError(f"{source}: {exc}") from None
    return region


def run_study(scenarios: list[Params], sources: list[str], out: Path, replications: int | None = None,
              workers: int = 1, progress: Callable[[int], None] | None = None,
              command: list[str] | None = None, scheduler: str | None = None,
              answered: Callable[[StudyResult], None] | None = None) -> StudyResult:
    """Run every scenario ``replications`` times (replication i shares its streams) and write ``out``.

    ``answered(result)`` gets the numbers as soon as they are computed, before the folder is written
    (seconds for a large study): the command line prints them then. A failure to write still fails.
    """
    align(scenarios)
    reps = replications or scenarios[0].simulation.replications
    regions = [checked_region(p, src) for p, src in zip(scenarios, sources, strict=True)]
    with scratch_folder() as scratch:
        # each chunk becomes table rows as it comes back, the long tables on disk (10,000 replications fit in 1 GB)
        streamed = StreamedTables(scenarios, regions, scratch, out)
        run_all(scenarios, reps, workers=workers, progress=progress, scheduler=scheduler, collect=streamed.add)
        return _finish(scenarios, sources, regions, streamed.tables(), out, reps, workers, command, scheduler, answered)


def _finish(scenarios: list[Params], sources: list[str], regions: list[Region], tables: dict, out: Path, reps: int,
            workers: int, command: list[str] | None, scheduler: str | None,
            answered: Callable[[StudyResult], None] | None) -> StudyResult:
    """Differences, ranking and claims from the per-replication rows; then the folder, written whole."""
    order = [p.name for p in scenarios]
    months = scenarios[0].simulation.months
    paired = paired_differences(tables["summary"], order, months) if len(order) > 1 else None
    if paired is not None:
        tables["paired"] = paired
    ranking = assumption_ranking(tables["summary"], paired, tables["draws"], order, seed=scenarios[0].simulation.seed)
    if ranking is not None:
        tables["assumptions"] = ranking
    numbers = StudyNumbers(tables["summary"], paired, order, months, tables.get("innovations"))
    result = StudyResult(
        folder=out,
        outcomes=numbers.outcomes,
        differences=numbers.differences,
        innovations=innovation_table(tables["innovations"], order) if any(p.portfolio.innovations for p in scenarios) else None,
        assumptions=ranking,
        team=numbers.team,
        claims=numbers.claims if len(order) > 1 else None,
        months=months,
        numbers=numbers,
    )
    if answered is not None:
        answered(result)
    kind = "compare" if len(scenarios) > 1 else "run"
    meta = manifest(kind, scenarios, sources, replications=reps, workers=workers, scheduler=scheduler, command=command,
                    regions=regions)
    write_folder(out, tables, meta, parquet_only=LONG_TABLES, csv_only=CSV_ONLY)
    return result
