"""Global sensitivity analysis with SALib: sample -> evaluate -> analyze, grown until the ranking holds.

The only module that imports SALib. :func:`analyse` is generic: it takes the uncertain
:class:`~diffusion_sim.analysis.space.Dimension` objects and any function from a design matrix to
outputs, so the same code runs on the model and on test functions with known answers.

**Methods.** Morris elementary effects (screening: mu*, the mean absolute effect of moving one
parameter by 2/3 of its range, with a bootstrap 95% CI) and Sobol' variance indices (first-order S1
and total ST with bootstrap 95% CIs; Saltelli/Jansen estimators on a scrambled Sobol' sequence).

**Convergence.** The sample grows by doubling (Morris: more trajectories; Sobol': more base samples,
reusing every point already run) until, for every outcome, each of the ``top`` highest-ranked
parameters is either *separated* from the next one (their CIs do not overlap) or both are *precise*
(CI half-width within ``rel_tol`` of the index, so an overlap is a real near-tie, not noise), or the
budget ``max_size`` is spent. The result says which, and the table marks every rank that is
separated from the next.

**The model is stochastic.** Each design point is the mean of ``replications`` replications with
common random numbers (replication i at every point uses the same streams), so elementary effects
compare like with like. The share of each outcome's variance over the design that is Monte Carlo
noise (mean squared MCSE / variance) is reported; if it is large, raise the replications.

**Censoring.** "Months to 70%" counts a replication that does not reach 70% within the horizon as
``horizon + 1`` (see ``evaluate.py``); when no point reaches it the outcome has no variance and its
indices are reported as zero with a note, and ``reached_70pct``/``share_adopted_final`` can be
analysed instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from diffusion_sim.errors import ScenarioError
from diffusion_sim.outcomes import KEY_OUTCOMES, point_names

from .space import Dimension

Method = Literal["morris", "sobol"]
METHODS: tuple[str, ...] = ("morris", "sobol")
# SALib draws get their own spawn key, disjoint from the model's (rep + 1, stream) keys
SA_SPAWN_KEY = 0x5A1B
DEFAULTS = {"morris": (10, 80), "sobol": (64, 256)}  # (first size, largest size): trajectories or base samples
Model = Callable[[np.ndarray], dict[str, np.ndarray]]


@dataclass
class SensitivityResult:
    """Indices, the rounds it took, whether the ranking converged, and every evaluated point."""

    method: str
    indices: pd.DataFrame
    rounds: pd.DataFrame
    converged: bool
    size: int
    points: int
    notes: list[str] = field(default_factory=list)
    design: pd.DataFrame | None = None


def problem(dims: list[Dimension]) -> dict:
    """SALib's problem dict from the uncertain dimensions."""
    return {"num_vars": len(dims), "names": [d.name for d in dims], "bounds": [[d.low, d.high] for d in dims]}


def _generator(seed: int, round_: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(SA_SPAWN_KEY, round_)))


def analyse(
    dims: list[Dimension],
    model: Model,
    outcomes: list[str],
    method: Method = "morris",
    start: int | None = None,
    max_size: int | None = None,
    top: int = 3,
    rel_tol: float = 0.1,
    levels: int = 4,
    seed: int = 1,
    conf_level: float = 0.95,
    resamples: int = 1000,
    planned: Callable[[int], None] | None = None,
) -> SensitivityResult:
    """Sample, evaluate ``model`` and analyse, doubling the sample until the top ranks are resolved.

    Args:
        dims: the uncertain parameters and their ranges.
        model: maps an (n, len(dims)) array of parameter values to ``{outcome: (n,) array}``.
        outcomes: which outputs of ``model`` to analyse.
        method: ``"morris"`` or ``"sobol"``.
        start: first sample size (Morris trajectories; Sobol' base samples, a power of two).
        max_size: largest sample size before giving up on convergence.
        top: how many top-ranked parameters must be resolved.
        rel_tol: CI half-width, relative to the index, below which an overlap counts as a real tie.
        levels: Morris grid levels (even).
        seed: root of the sampling and bootstrap draws.
        conf_level: level of the confidence intervals.
        resamples: bootstrap resamples for the intervals.
        planned: called with the number of new rows before each round (for progress bars).
    """
    if method not in METHODS:
        raise ScenarioError(f"--method {method}: unknown method; allowed: {', '.join(METHODS)}")
    if len(dims) < 2:
        raise ScenarioError("sensitivity analysis needs at least two uncertain parameters")
    first, largest = DEFAULTS[method]
    size = start or first
    largest = max(max_size or largest, size)
    if method == "sobol" and (size & (size - 1) or largest & (largest - 1)):
        raise ScenarioError(f"--samples/--max-samples: Sobol' base samples must be powers of two, got {size} and {largest}")
    prob = problem(dims)
    X = np.empty((0, len(dims)))
    Y: dict[str, np.ndarray] = {o: np.empty(0) for o in outcomes}
    rounds, round_ = [], 0
    while True:
        if method == "morris":
            new_traj = size - (X.shape[0] // (len(dims) + 1))
            new = morris_sample.sample(prob, new_traj, num_levels=levels, seed=_generator(seed, round_))
            if planned:
                planned(new.shape[0])
            out = model(new)
            X = np.vstack([X, new])
            Y = {o: np.concatenate([Y[o], np.asarray(out[o], dtype=float)]) for o in outcomes}
        else:
            X = sobol_sample.sample(prob, size, calc_second_order=False, scramble=True, seed=seed)
            if planned:
                planned(X.shape[0])
            out = model(X)
            Y = {o: np.asarray(out[o], dtype=float) for o in outcomes}
        indices, notes = _indices(prob, dims, X, Y, outcomes, method, levels, conf_level, resamples, seed, round_)
        unresolved = _unresolved(indices, method, top, rel_tol)
        rounds.append(
            {
                "round": round_ + 1,
                "size": size,
                "points": X.shape[0],
                "converged": not unresolved,
                "unresolved": "; ".join(unresolved),
            }
        )
        if not unresolved or size >= largest:
            break
        size = min(2 * size, largest)
        round_ += 1
    design = pd.DataFrame(X, columns=[d.name for d in dims])
    for o in outcomes:
        design[o] = Y[o]
    result = SensitivityResult(
        method, indices, pd.DataFrame(rounds), converged=not unresolved, size=size, points=X.shape[0], notes=notes, design=design
    )
    if unresolved:
        result.notes.append(f"ranking not resolved at the largest sample ({size}): {'; '.join(unresolved)}")
    return result


def _indices(
    prob: dict,
    dims: list[Dimension],
    X: np.ndarray,
    Y: dict[str, np.ndarray],
    outcomes: list[str],
    method: str,
    levels: int,
    conf_level: float,
    resamples: int,
    seed: int,
    round_: int,
) -> tuple[pd.DataFrame, list[str]]:
    frames, notes = [], []
    for o in outcomes:
        y = Y[o].copy()
        bad = ~np.isfinite(y)
        if bad.all():
            notes.append(f"{o}: undefined at every point; no indices")
            continue
        if bad.any():
            notes.append(
                f"{o}: undefined at {int(bad.sum())} of {y.size} points (no patient reached); set to the largest value seen there"
            )
            y[bad] = np.nanmax(y[~bad])
        gen = _generator(seed, 1000 + round_)
        constant = np.ptp(y) == 0
        if constant:
            notes.append(f"{o}: the same value ({y[0]:g}) at every point over these ranges; all indices are zero")
        if method == "morris":
            if constant:
                si = {k: np.zeros(len(dims)) for k in ("mu", "mu_star", "sigma", "mu_star_conf")}
            else:
                si = morris_analyze.analyze(
                    prob, X, y, num_resamples=resamples, conf_level=conf_level, num_levels=levels, seed=gen
                )
            frame = pd.DataFrame({k: np.asarray(si[k], dtype=float) for k in ("mu_star", "mu_star_conf", "mu", "sigma")})
            frame["mu_star_relative"] = frame["mu_star"] / frame["mu_star"].max() if frame["mu_star"].max() > 0 else 0.0
            metric = "mu_star"
        else:
            if constant:
                si = {k: np.zeros(len(dims)) for k in ("S1", "S1_conf", "ST", "ST_conf")}
            else:
                si = sobol_analyze.analyze(
                    prob, y, calc_second_order=False, num_resamples=resamples, conf_level=conf_level, seed=gen
                )
            frame = pd.DataFrame({k: np.asarray(si[k], dtype=float) for k in ("ST", "ST_conf", "S1", "S1_conf")})
            metric = "ST"
        frame.insert(0, "parameter", [d.name for d in dims])
        frame.insert(0, "outcome", o)
        frame["low"] = [d.low for d in dims]
        frame["high"] = [d.high for d in dims]
        frame["source"] = [d.source for d in dims]
        frame = frame.sort_values(metric, ascending=False, kind="stable").reset_index(drop=True)
        frame.insert(1, "rank", np.arange(1, len(frame) + 1))
        conf = frame[f"{metric}_conf"].to_numpy()
        val = frame[metric].to_numpy()
        separated = np.append(val[:-1] - conf[:-1] > val[1:] + conf[1:], True)
        frame["separated_from_next"] = separated
        frames.append(frame)
    return pd.concat(frames, ignore_index=True), notes


def _unresolved(indices: pd.DataFrame, method: str, top: int, rel_tol: float) -> list[str]:
    """Adjacent pairs among the top ranks that are neither separated nor both precisely estimated."""
    metric = "mu_star" if method == "morris" else "ST"
    out = []
    for outcome, sub in indices.groupby("outcome", sort=False):
        val = sub[metric].to_numpy()
        conf = sub[f"{metric}_conf"].to_numpy()
        if not np.any(val > 0):
            continue
        scale = np.abs(val).max()
        for i in range(min(top, len(val) - 1)):
            separated = val[i] - conf[i] > val[i + 1] + conf[i + 1]
            precise = all(conf[k] <= rel_tol * max(abs(val[k]), 0.05 * scale) for k in (i, i + 1))
            if not (separated or precise):
                out.append(f"{outcome}: ranks {i + 1}-{i + 2} ({sub['parameter'].iloc[i]}, {sub['parameter'].iloc[i + 1]})")
    return out


def check_outcomes(outcomes: list[str] | None) -> list[str]:
    """The outcomes to analyse (default the key three); an unknown name is an error listing the allowed ones."""
    chosen = list(outcomes or KEY_OUTCOMES)
    for o in chosen:
        if o not in point_names():
            raise ScenarioError(f"--outcome {o}: not an outcome of the model; allowed: {', '.join(point_names())}")
    return chosen


