"""Calibration: fit chosen parameters so that the model reproduces observed targets.

**Targets** are point outcomes (``outcomes.py``): the mean over replications of an outcome, e.g.
``spread_beyond_origin=0.35`` asks that 35% of replications (each one innovation's attempt to spread)
see at least one organisation beyond the origin adopt and reach patients within the horizon.

**Loss.** ``sum over targets of ((simulated - target) / scale)^2`` with ``scale = |target|`` (1 for a
zero target): relative squared errors, so targets in different units weigh alike. With common random
numbers (the same replications 0..R-1 at every candidate) the loss is a deterministic, piecewise
constant function of the parameters: its steps are the Monte Carlo resolution.

**Optimiser.** :func:`scipy.optimize.differential_evolution`, a population method that needs no
gradients and is not fooled by plateaus or steps; ``vectorized=True`` hands us a whole generation at
once, which runs as one batch through the executors. Integer parameters use its ``integrality``.

**Fit quality.** The best point is rounded to four significant digits (the value written to the
file) and run again on fresh replications (``R .. R + check - 1``, not used in fitting): the table
gives target, achieved value and its Monte Carlo standard error (MCSE) for both, and
``z = (achieved - target) / MCSE`` on the fresh replications. A target counts as **reached** when the
fresh replications' mean lies within :data:`REACHED_Z` MCSE of it (equals it, with no Monte Carlo
error at all) and within :data:`REACHED_RELATIVE` of it (relative, as the loss; a few noisy
replications cannot make a distant value count). A fit that misses any target is reported as not
calibrated, whatever the optimiser says about its own convergence (it converges just as well to the
best of a range that holds no answer).

The study around it (candidates through the executors, the fitted scenario file, the results
folder) is :mod:`diffusion_sim.studies.calibrate`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import differential_evolution

from diffusion_sim.errors import ScenarioError
from diffusion_sim.outcomes import point_names
from diffusion_sim.params import Params

from .space import Dimension

CALIBRATION_SPAWN_KEY = 0xCA11B
REACHED_Z = 3.0  # a target is reached when the fresh replications' mean is within this many MCSE of it...
REACHED_RELATIVE = 0.10  # ...and within this share of it (of 1 for a zero target, as the loss scales)


@dataclass
class CalibrationResult:
    """The fitted values, how well they fit, and every evaluated candidate."""

    fitted: dict[str, Any]
    fit: pd.DataFrame
    history: pd.DataFrame
    message: str
    generations: int
    evaluations: int
    loss: float
    replications: int
    check_replications: int
    params: Params

    @property
    def calibrated(self) -> bool:
        """Whether every target is reached on the fresh replications (:func:`reached`)."""
        return bool(self.fit["reached"].all())

    @property
    def optimiser(self) -> str:
        """What the optimiser said, in words that cannot be read as a verdict on the fit."""
        after = f"{self.generations} generation{'' if self.generations == 1 else 's'}"
        if "successfully" in self.message:
            return f"the optimiser converged after {after}"
        return f"the optimiser stopped after {after} ({self.message.rstrip('.')})"


def reached(value: float, target: float, mcse: float, z_max: float = REACHED_Z,
            relative: float = REACHED_RELATIVE) -> bool:
    """Whether a mean over fresh replications reaches its target: within ``z_max`` MCSE and ``relative`` of it."""
    if not np.isfinite(value):
        return False
    off = abs(value - target)
    if off > relative * _scale(target):
        return False
    return bool(off <= z_max * mcse) if mcse > 0 else bool(np.isclose(value, target, rtol=1e-9, atol=1e-12))


def at_edge(dims: list[Dimension], fitted: dict[str, Any]) -> list[str]:
    """Fitted parameters that ended at a bound of their range: the answer may lie outside what was searched."""
    out = []
    for d in dims:
        span = float(d.high) - float(d.low)
        v = float(fitted[d.name])
        if span > 0 and min(v - float(d.low), float(d.high) - v) <= 0.01 * span:
            out.append(d.name)
    return out


def parse_targets(specs: list[str]) -> dict[str, float]:
    """``NAME=VALUE`` -> ``{name: value}``; an unknown outcome is an error listing the allowed ones."""
    if not specs:
        raise ScenarioError("--target: give at least one target, e.g. --target spread_beyond_origin=0.35")
    out: dict[str, float] = {}
    for spec in specs:
        name, sep, raw = spec.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ScenarioError(f"--target {spec}: expected NAME=VALUE, e.g. spread_beyond_origin=0.35")
        if name not in point_names():
            raise ScenarioError(
                f"--target {spec}: '{name}' is not an outcome the model produces; allowed: {', '.join(point_names())}"
            )
        try:
            value = float(raw)
        except ValueError:
            raise ScenarioError(f"--target {spec}: VALUE '{raw.strip()}' must be a number") from None
        if not np.isfinite(value):
            raise ScenarioError(f"--target {spec}: VALUE must be a finite number")
        if name in out:
            raise ScenarioError(f"--target {name}: given twice")
        out[name] = value
    return out


def _scale(value: float) -> float:
    return abs(value) if value != 0 else 1.0


def loss_of(row: dict[str, float] | pd.Series, targets: dict[str, float]) -> float:
    """Sum of relative squared errors; infinite when an outcome is undefined (e.g. no patient reached)."""
    total = 0.0
    for name, value in targets.items():
        sim = float(row[name])
        if not np.isfinite(sim):
            return float("inf")
        total += ((sim - value) / _scale(value)) ** 2
    return total


Evaluate = Callable[[pd.DataFrame], pd.DataFrame]


def check_dimensions(dims: list[Dimension]) -> None:
    """Each fitted parameter must be numeric with room to move (else one clear line)."""
    if not dims:
        raise ScenarioError("--fit: give at least one parameter to fit, e.g. --fit diffusion.p=0:0.02")
    for d in dims:
        if d.kind == "bool":
            raise ScenarioError(f"--fit {d.name}: a true/false parameter cannot be fitted; fix it with --set")
        if not d.high > d.low:
            raise ScenarioError(f"--fit {d.name}: LOW must be less than HIGH to leave room for fitting")


def fit(dims: list[Dimension], targets: dict[str, float], evaluate_points: Evaluate, seed: int, maxiter: int = 15,
        popsize: int = 10, tol: float = 0.01, atol: float = 1e-3) -> tuple[dict[str, Any], pd.DataFrame, str, int]:
    """Fit ``dims`` (each within its range) to ``targets`` by differential evolution.

    ``evaluate_points(design)`` runs a design (a ``point`` column and one column per dimension) and
    returns its point statistics indexed by point (:func:`diffusion_sim.outcomes.point_outcomes`); each
    distinct candidate is evaluated once. Returns the fitted values (rounded to four significant
    digits), every evaluated candidate with its loss, the optimiser's message and its generations.
    """
    check_dimensions(dims)
    history: list[dict[str, Any]] = []
    cache: dict[tuple, float] = {}

    def run(points: list[tuple]) -> None:
        new = [p for p in dict.fromkeys(points) if p not in cache]
        if not new:
            return
        design = pd.DataFrame(new, columns=[d.name for d in dims])
        design.insert(0, "point", np.arange(len(new)))
        stats = evaluate_points(design)
        generation = 1 + max((h["generation"] for h in history), default=-1)
        for k, key in enumerate(new):
            row = stats.loc[k]
            cache[key] = loss_of(row, targets)
            history.append(
                {
                    "generation": generation,
                    **dict(zip(design.columns[1:], key, strict=True)),
                    **{t: float(row[t]) for t in targets},
                    **{f"{t}_mcse": float(row[f"{t}_mcse"]) for t in targets},
                    "loss": cache[key],
                }
            )

    def objective(x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(x.T).reshape(-1, len(dims))  # vectorized: columns are candidates
        keys = [tuple(d.cast(v) for d, v in zip(dims, row, strict=True)) for row in x]
        run(keys)
        return np.array([cache[k] for k in keys])

    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(CALIBRATION_SPAWN_KEY,)))
    opt = differential_evolution(
        objective,
        bounds=[(d.low, d.high) for d in dims],
        rng=rng,
        popsize=popsize,
        maxiter=maxiter,
        tol=tol,
        atol=atol,
        polish=False,
        vectorized=True,
        updating="deferred",
        init="latinhypercube",
        integrality=[d.kind == "int" for d in dims],
    )
    fitted = {d.name: round_fitted(d, v) for d, v in zip(dims, np.atleast_1d(opt.x), strict=True)}
    return fitted, pd.DataFrame(history), str(opt.message), int(opt.nit)


def round_fitted(dim: Dimension, value: float) -> Any:
    """The value written to the fitted file: integers rounded, others to four significant digits, within range."""
    if dim.kind == "int":
        return int(round(value))
    rounded = float(f"{value:.4g}")
    return min(max(rounded, dim.low), dim.high)


