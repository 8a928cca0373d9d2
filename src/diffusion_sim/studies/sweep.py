"""Parameter sweeps: a grid or Latin hypercube over chosen parameters, with common random numbers.

``run_sweep`` owns the order design -> points -> replications (through the executors, resumable) ->
one tidy table -> per-point statistics -> figures -> one results folder, written atomically:

- ``sweep.parquet``/``.csv``: one row per (point, replication) with the varied parameters' values and
  every summary outcome of the replication (the tidy table);
- ``points.parquet``/``.csv``: one row per point with each outcome's statistic, its Monte Carlo standard
  error and the 5/50/95% quantiles of single replications (definitions in ``outcomes.py``);
- ``sweep-<outcome>.png``: each outcome against each varied parameter with uncertainty bands;
  ``heatmap-<outcome>.png`` for a grid over two or more parameters;
- ``manifest.json``: scenario, ranges, design, replications, seed, versions, command, file hashes.

Point ``k`` replication ``i`` uses replication ``i``'s streams, so differences between points are
paired. Unfinished work lives in ``<out>.partial/`` until the folder is complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from diffusion_sim.analysis.space import Dimension, grid_design, lhs_design
from diffusion_sim.analysis.sweep import PLOTTED, point_table
from diffusion_sim.errors import ResultsError, ScenarioError
from diffusion_sim.outcomes import point_names
from diffusion_sim.params import Params
from diffusion_sim.results import manifest, write_folder
from diffusion_sim.studies.points import Progress, WorkFolder, evaluate, fingerprint_id

Design = Literal["grid", "lhs"]
MAX_POINTS = 100_000
# draw(tidy, dims, outcomes, horizon, design, folder) -> file names: publish.analysis_figures.sweep_figures
SweepFigures = Callable[[pd.DataFrame, list[Dimension], list[str], int, str, Path], list[str]]


@dataclass
class SweepPlan:
    """A sweep before it runs: the design and where its results and unfinished work go."""

    base: Params
    source: str
    dims: list[Dimension]
    design_kind: Design
    design: pd.DataFrame
    replications: int
    fingerprint: dict
    out: Path
    draws: bool = False  # draw the parameters the design does not vary, per replication (else held at the scenario's)

    @property
    def work_path(self) -> Path:
        """Folder of finished batches while the sweep runs."""
        return self.out.parent / f"{self.out.name}.partial"

    @property
    def total(self) -> int:
        """Replications in the whole sweep."""
        return len(self.design) * self.replications


@dataclass
class SweepResult:
    """Where the sweep went and its per-point table."""

    folder: Path
    points: pd.DataFrame
    resumed_points: int


def plan_sweep(
    base: Params,
    source: str,
    dims: list[Dimension],
    design: Design = "grid",
    samples: int | None = None,
    replications: int | None = None,
    out: Path | None = None,
    results_root: Path = Path("results"),
    stem: str = "sweep",
    draws: bool = False,
) -> SweepPlan:
    """Build the design and the output names; nothing is run or written."""
    if not dims:
        raise ScenarioError("--vary: give at least one parameter range, e.g. --vary facilitation.budget_eur_per_year=0:50000:6")
    reps = replications or base.simulation.replications
    if design == "grid":
        if samples is not None:
            raise ScenarioError("--samples: only for --design lhs; a grid's size is set by each range's STEPS")
        frame = grid_design(dims)
    elif design == "lhs":
        n = samples or 10 * len(dims)
        frame = lhs_design(dims, n, base.simulation.seed)
    else:
        raise ScenarioError(f"--design {design}: unknown design; allowed: grid, lhs")
    if len(frame) > MAX_POINTS:
        raise ScenarioError(
            f"--vary: the grid has {len(frame):,} points, more than {MAX_POINTS:,}; use fewer STEPS or --design lhs"
        )
    fingerprint = {
        "kind": "sweep",
        "scenario": base.model_dump(mode="json"),
        "dimensions": [asdict(d) for d in dims],
        "design": design,
        "samples": len(frame),
        "replications": reps,
        **({"parameter_draws": True} if draws else {}),
    }
    folder = Path(out) if out is not None else results_root / f"sweep-{stem}-{fingerprint_id(fingerprint)}"
    return SweepPlan(base, source, dims, design, frame, reps, fingerprint, folder, draws)


def run_sweep(
    plan: SweepPlan,
    workers: int = 1,
    progress: Progress | None = None,
    resume: bool = False,
    outcomes: list[str] | None = None,
    command: list[str] | None = None,
    scheduler: str | None = None,
    draw: SweepFigures | None = None,
) -> SweepResult:
    """Run the planned sweep (skipping finished points when resuming) and write its folder (with ``draw``'s figures)."""
    plotted = list(outcomes or PLOTTED)
    unknown = [o for o in plotted if o not in point_names()]
    if unknown:
        raise ScenarioError(f"--outcome {unknown[0]}: not an outcome of the model; allowed: {', '.join(point_names())}")
    if plan.out.exists():
        raise ResultsError(
            f"{plan.out}: already exists (this sweep may have finished); results are never overwritten, choose another --out"
        )
    work = WorkFolder(plan.work_path, plan.fingerprint, resume=resume)
    resumed = work.finished()
    resumed_points = int(resumed["point"].nunique()) if not resumed.empty else 0
    if progress and resumed_points:
        progress(resumed_points * plan.replications)
    tidy = evaluate(plan.base, plan.design, plan.dims, plan.replications, workers, progress, work, scheduler, plan.draws)
    horizon = plan.base.simulation.months
    points = point_table(tidy, plan.dims, horizon)
    meta = manifest(
        "sweep", [plan.base], [plan.source], replications=plan.replications, workers=workers, scheduler=scheduler,
        command=command,
        settings={
            "dimensions": [asdict(d) for d in plan.dims],
            "design": plan.design_kind,
            "points": len(plan.design),
            "resumed_points": resumed_points,
            "outcome_definitions": {k: v[0] for k, v in point_names().items()},
            "common_random_numbers": "point k, replication i uses replication i's random streams",
            "parameter_draws": plan.draws,
        },
    )
    extras = (lambda folder: draw(tidy, plan.dims, plotted, horizon, plan.design_kind, folder)) if draw else None
    folder = write_folder(plan.out, {"sweep": tidy, "points": points}, meta, extras=extras)
    work.remove()
    return SweepResult(folder=folder, points=points, resumed_points=resumed_points)


