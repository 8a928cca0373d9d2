"""Parameter uncertainty in a comparison's replications: how much of the spread is ours to reduce, and where to start.

A comparison under parameter uncertainty runs a **nested design**: ``m`` consecutive replications share
one parameter draw (``draw = replication // m``), and replication ``i`` uses the same draw in every
scenario (paired). So each outcome has one value per replication, a block id (the draw) per value,
and per block the drawn parameter values. This module only does arithmetic on those numbers; it runs
nothing, writes nothing and prints nothing.

**Law of total variance** (:func:`variance_parts`). ``Var(Y) = Var(E[Y | theta]) + E[Var(Y | theta)]``:
the spread of an outcome over replications is part *parameters* (the draws differ: what measuring
would reduce) and part *chance* (same draw, different random numbers: what no measurement removes).
With ``m >= 2`` replications per draw, the one-way random-effects ANOVA separates them; with ``m = 1``
it cannot, and says so with NaN.

**Monte Carlo error of a quantile** (:func:`quantile_mcse`, :func:`median_mcse`). Replications that
share a draw are correlated (they share its parameter values), so the independent units are the
draws, not the replications: the bootstrap resamples whole blocks. Resampling single replications
would treat ``m`` correlated values as ``m`` independent ones and understate the error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

# Bootstrap draws get their own spawn key, apart from the model's (rep + 1, stream) keys and the other
# analyses' (sensitivity 0x5A1B, calibration 0xCA11B): 0xB10C, "block", for the bootstrap over draws.
# Quantile errors use (0xB10C,).
BOOTSTRAP_SPAWN_KEY = 0xB10C
_CHUNK = 128  # bootstrap resamples handled at once (bounds memory at _CHUNK x replications numbers)


def _generator(seed: int, *purpose: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(BOOTSTRAP_SPAWN_KEY, *purpose)))


def _clean(values: ArrayLike, blocks: ArrayLike) -> tuple[np.ndarray, np.ndarray, int]:
    """Values without NaN, their block codes 0..k-1, and k; blocks left without a value disappear."""
    y = np.asarray(values, dtype=float).ravel()
    b = np.asarray(blocks).ravel()
    if y.shape != b.shape:
        raise ValueError(f"values and blocks differ in length: {y.size} and {b.size}")
    keep = ~np.isnan(y)
    codes, uniques = pd.factorize(b[keep])
    if (codes < 0).any():
        raise ValueError("a block id is missing (NaN or None)")
    return y[keep], codes, len(uniques)


def variance_parts(values: ArrayLike, blocks: ArrayLike) -> dict[str, float]:
    """Split the variance over replications into parameter uncertainty and chance (law of total variance).

    One-way random-effects ANOVA with the draws as groups: MSW (the within-draw mean square) estimates
    the chance variance ``E[Var(Y | theta)]``; MSB (between draws) estimates ``chance + n0 x parameters``,
    so the parameter variance ``Var(E[Y | theta])`` is ``max(0, (MSB - MSW) / n0)``. ``n0 = (N - sum n_i^2
    / N) / (k - 1)`` is the effective draw size; it equals ``m`` when every draw has ``m`` values and
    handles unequal sizes (replications lost, NaN values dropped). A draw left with one value adds
    nothing to MSW but still to MSB, as in any unbalanced one-way ANOVA.

    With one value per draw (``m = 1``) chance cannot be told apart from parameters, since every draw
    is seen once: ``parameters``, ``chance`` and ``parameter_share`` are then NaN and ``total`` is the
    plain sample variance. With a single draw, ``chance`` is its variance and ``parameters`` is NaN.

    Args:
        values: one outcome's value per replication; NaN values (no value) are dropped, so censor a
            time to a target first (``outcomes.censor``) if NaN there means "not reached".
        blocks: the draw of each replication (``replication // m``), any hashable ids.

    Returns:
        ``total`` (= parameters + chance when both are estimable: the estimated variance of one
        replication's value), ``parameters``, ``chance``, ``parameter_share`` (parameters / total, in
        0..1; NaN when the total is 0 or the split is not estimable), ``draws`` (k, draws with a value),
        ``per_draw`` (mean values per draw, N / k), ``replications`` (N) and ``mean``.
    """
    y, codes, k = _clean(values, blocks)
    n_total = y.size
    out = {"total": np.nan, "parameters": np.nan, "chance": np.nan, "parameter_share": np.nan,
           "draws": k, "per_draw": n_total / k if k else np.nan, "replications": n_total,
           "mean": float(y.mean()) if n_total else np.nan}
    if n_total < 2:
        return out
    centred = y - y.mean()  # centring first keeps the sums of squares exact for large means
    sizes = np.bincount(codes, minlength=k).astype(float)
    means = np.bincount(codes, weights=centred, minlength=k) / sizes
    ss_within = float(np.sum((centred - means[codes]) ** 2))
    ss_between = float(np.sum(sizes * means**2))
    df_within, df_between = n_total - k, k - 1
    if df_within == 0:  # m = 1: every draw seen once
        out["total"] = float(np.var(y, ddof=1))
        return out
    msw = ss_within / df_within
    if df_between == 0:  # one draw: all the variance we see is chance
        out["chance"] = out["total"] = msw
        return out
    msb = ss_between / df_between
    n0 = float(n_total - np.sum(sizes**2) / n_total) / df_between
    parameters = max(0.0, (msb - msw) / n0)
    total = parameters + msw
    out.update(total=total, parameters=parameters, chance=msw, parameter_share=parameters / total if total > 0 else np.nan)
    return out


def _block_counts(rng: np.random.Generator, k: int, resamples: int) -> np.ndarray:
    """How often each of k blocks is drawn in each resample of k blocks with replacement: (resamples, k)."""
    picks = rng.integers(0, k, size=(resamples, k))
    rows = np.repeat(np.arange(resamples), k)
    return np.bincount(rows * k + picks.ravel(), minlength=resamples * k).reshape(resamples, k)


def _weighted_quantiles(sorted_values: np.ndarray, weights: np.ndarray, q: float) -> np.ndarray:
    """Quantile ``q`` of each row's sample: sorted_values[i] repeated weights[r, i] times (numpy's linear rule).

    Equal to ``np.quantile`` of the expanded sample, without building it: the value at expanded rank
    ``r`` is the first one whose cumulative weight exceeds ``r``.
    """
    cum = np.cumsum(weights, axis=1)
    size = cum[:, -1]
    position = (size - 1) * q
    below = np.floor(position)
    frac = position - below
    above = np.minimum(below + 1, size - 1)
    stride = float(size.max() + 1)  # shifting row r by r x stride makes all rows one increasing sequence
    offset = np.arange(len(size)) * stride
    flat = (cum + offset[:, None]).ravel()
    n = sorted_values.size
    first = np.arange(len(size)) * n
    lo = np.searchsorted(flat, below + offset, side="right") - first
    hi = np.searchsorted(flat, above + offset, side="right") - first
    return sorted_values[lo] + frac * (sorted_values[hi] - sorted_values[lo])


def quantile_mcse(values: ArrayLike, blocks: ArrayLike, q: float, resamples: int = 1000, seed: int = 0) -> float:
    """Monte Carlo standard error of quantile ``q`` of the values, by bootstrap over blocks (draws).

    Draws are the independent units: replications within a draw share its parameter values and are
    correlated, so each resample takes k whole draws with replacement (all their values), and the
    standard deviation of the resampled quantiles is the error. With one value per draw this is the
    ordinary bootstrap. The quantile is numpy's default (linear interpolation). Deterministic for a
    seed: the generator is ``SeedSequence(seed, spawn_key=(BOOTSTRAP_SPAWN_KEY,))``.

    NaN values are dropped. For a time to a target, where NaN means "not reached", drop nothing
    silently: censor it first (``outcomes.censor``) or use the reached indicator.

    Args:
        values: one outcome's value per replication.
        blocks: the draw of each replication.
        q: the quantile, 0..1.
        resamples: bootstrap resamples (the error's own relative error is about 1 / sqrt(2 x resamples)).
        seed: root of the bootstrap draws.

    Returns:
        The standard error; NaN with fewer than two draws.
    """
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must lie in 0..1, got {q}")
    y, codes, k = _clean(values, blocks)
    if k < 2 or resamples < 2:
        return float("nan")
    order = np.argsort(y, kind="stable")
    sorted_values, sorted_codes = y[order], codes[order]
    counts = _block_counts(_generator(seed), k, resamples)
    estimates = np.concatenate([_weighted_quantiles(sorted_values, counts[s:s + _CHUNK][:, sorted_codes], q)
                                for s in range(0, resamples, _CHUNK)])
    return float(np.std(estimates, ddof=1))


def median_mcse(values: ArrayLike, blocks: ArrayLike, resamples: int = 1000, seed: int = 0) -> float:
    """Monte Carlo standard error of the median, by bootstrap over blocks: :func:`quantile_mcse` at q = 0.5."""
    return quantile_mcse(values, blocks, 0.5, resamples=resamples, seed=seed)


def block_means(frame: pd.DataFrame, blocks: ArrayLike | str) -> pd.DataFrame:
    """Each outcome's mean over the replications of each draw: one row per parameter draw.

    NaN values are left out of a mean (a draw with no value gets NaN). A time to a target that is NaN
    when not reached must be censored (``outcomes.censor``) or turned into its reached indicator first,
    or the mean would count only the replications that reached it.

    Args:
        frame: one row per replication, one column per outcome.
        blocks: the draw of each row, or the name of the column of ``frame`` that holds it.

    Returns:
        One row per draw (index ``draw``, in order of the ids), one column per outcome.
    """
    if isinstance(blocks, str):
        frame, ids = frame.drop(columns=blocks), frame[blocks].to_numpy()
    else:
        ids = np.asarray(blocks).ravel()
        if ids.size != len(frame):
            raise ValueError(f"frame has {len(frame)} rows but blocks has {ids.size} ids")
    return frame.groupby(pd.Index(ids, name="draw"), sort=True).mean()
