"""Global sensitivity analysis as a study: the model as SALib sees it, run through the executors, one folder.

:func:`diffusion_sim.analysis.sensitivity.analyse` samples and analyses (SALib); here each design
point becomes the mean of ``replications`` replications with common random numbers, run in batches
(:mod:`diffusion_sim.studies.points`), and the indices, the design, the rounds and the tornado chart are
written as one results folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from diffusion_sim.analysis.sensitivity import Method, SensitivityResult, analyse, check_outcomes
from diffusion_sim.analysis.space import Dimension
from diffusion_sim.errors import ResultsError
from diffusion_sim.outcomes import point_names, point_outcomes
from diffusion_sim.params import Params
from diffusion_sim.results import manifest, write_folder
from diffusion_sim.studies.points import Progress, evaluate


class ModelOutputs:
    """The simulation as a function of a design matrix, for :func:`analyse`.

    Each distinct point runs once, as the mean of ``replications`` replications (common random
    numbers), through the executors; repeated points come from a cache.
    """

    def __init__(
        self,
        base: Params,
        dims: list[Dimension],
        outcomes: list[str],
        replications: int,
        workers: int,
        progress: Progress | None,
        scheduler: str | None = None,
        draws: bool = False,
    ) -> None:
        self.scheduler, self.draws = scheduler, draws
        self.base, self.dims, self.outcomes = base, dims, outcomes
        self.replications, self.workers, self.progress = replications, workers, progress
        self.cache: dict[tuple, dict[str, float]] = {}

    def __call__(self, X: np.ndarray) -> dict[str, np.ndarray]:
        """Outcome arrays for the rows of ``X`` (values are cast to each parameter's kind first)."""
        keys = [tuple(d.cast(v) for d, v in zip(self.dims, row, strict=True)) for row in X]
        new = list(dict.fromkeys(k for k in keys if k not in self.cache))
        if new:
            design = pd.DataFrame(new, columns=[d.name for d in self.dims])
            design.insert(0, "point", np.arange(len(new)))
            tidy = evaluate(
                self.base, design, self.dims, self.replications, self.workers, self.progress, scheduler=self.scheduler,
                draws=self.draws,
            )
            stats = point_outcomes(tidy, self.base.simulation.months).set_index("point")
            for k, key in enumerate(new):
                self.cache[key] = stats.loc[k].to_dict()
        skipped = (len(keys) - len(new)) * self.replications
        if self.progress and skipped:
            self.progress(skipped)
        return {o: np.array([self.cache[k][o] for k in keys]) for o in self.outcomes}

    def noise_share(self, outcome: str) -> float:
        """Mean squared Monte Carlo error of the point means over the variance of the point means."""
        vals = np.array([v[outcome] for v in self.cache.values()], dtype=float)
        mcse = np.array([v[f"{outcome}_mcse"] for v in self.cache.values()], dtype=float)
        ok = np.isfinite(vals) & np.isfinite(mcse)
        var = np.var(vals[ok], ddof=1) if ok.sum() > 1 else 0.0
        return float(np.mean(mcse[ok] ** 2) / var) if var > 0 else float("nan")


def run_sensitivity(
    base: Params,
    source: str,
    dims: list[Dimension],
    out: Path,
    method: Method = "morris",
    outcomes: list[str] | None = None,
    replications: int = 10,
    workers: int = 1,
    progress: Progress | None = None,
    planned: Callable[[int], None] | None = None,
    start: int | None = None,
    max_size: int | None = None,
    top: int = 3,
    rel_tol: float = 0.1,
    seed: int | None = None,
    command: list[str] | None = None,
    scheduler: str | None = None,
    draw: Callable[[pd.DataFrame, str, Path], list[str]] | None = None,
    draws: bool = False,
) -> SensitivityResult:
    """Analyse the scenario's uncertain parameters and write the indices, design, rounds and ``draw``'s chart.

    ``draw(indices, method, folder)`` is the tornado chart (:func:`diffusion_sim.publish.analysis_figures.tornado`).
    """
    chosen = check_outcomes(outcomes)
    if out.exists():
        raise ResultsError(f"{out}: already exists; results are never overwritten, choose another --out")
    root = base.simulation.seed if seed is None else seed
    outputs = ModelOutputs(base, dims, chosen, replications, workers, progress, scheduler, draws)
    scaled_planned = (lambda rows: planned(rows * replications)) if planned else None
    result = analyse(dims, outputs, chosen, method, start, max_size, top, rel_tol, seed=root, planned=scaled_planned)
    noise = {o: outputs.noise_share(o) for o in chosen}
    result.indices["noise_share"] = result.indices["outcome"].map(noise)
    meta = manifest(
        "sensitivity", [base], [source], replications=replications, workers=workers, scheduler=scheduler, command=command,
        settings={
            "method": method,
            "outcomes": chosen,
            "dimensions": [asdict(d) for d in dims],
            "replications_per_point": replications,
            "size": result.size,
            "points": result.points,
            "distinct_points_run": len(outputs.cache),
            "converged": result.converged,
            "top": top,
            "rel_tol": rel_tol,
            "seed": root,
            "notes": result.notes,
            "noise_share": noise,
            "outcome_definitions": {o: point_names()[o][0] for o in chosen},
            "parameter_draws": draws,
        },
    )
    extras = (lambda folder: draw(result.indices, method, folder)) if draw else None
    tables = {"indices": result.indices, "rounds": result.rounds, "design": result.design}
    result_folder = write_folder(out, tables, meta, extras=extras)
    result.notes.append(f"written to {result_folder}")
    return result
