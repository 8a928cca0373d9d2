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

**Which assumption to measure first** (:func:`rank_parameters`). For each uncertain parameter
``theta_j`` and outcome ``Y``, the first-order variance share ``S_j = Var(E[Y | theta_j]) / Var(Y)``:
the expected fraction of the outcome's variance that would go if ``theta_j`` were known exactly. It is
estimated from the draws a comparison already ran, with no extra runs, by regressing the outcome on
``theta_j`` alone (a metamodel), as Strong, Oakley & Brennan (2014, Med Decis Making 34:311-326) do
for partial EVPI from a probabilistic sensitivity analysis sample. Assumptions and choices:

- *Why a smoother.* ``E[Y | theta_j]`` has an unknown shape (saturating, U-shaped, a threshold), so a
  linear fit would miss variance a parameter does explain. A natural cubic regression spline with
  knots at quantiles is flexible enough for smooth one-dimensional curves, linear beyond its outer
  knots (so it does not swing at the ends, where draws are sparse), and, being a linear model with
  few columns, fits in one least-squares solve and bootstraps cheaply. Its degrees of freedom (1 to
  8; 1 is a straight line) and its scale, ``theta_j`` itself or its rank (the share does not change
  under an increasing transform of a parameter; ranks spread the knots under a long-tailed prior),
  are chosen per parameter and outcome by generalised cross-validation (GCV). A parameter with at
  most 8 distinct values gets one mean per value instead: the exact regression on a discrete one.
- *Small-sample bias.* A fit with ``df`` columns explains about ``df / n`` of the variance of pure
  noise. The share is the adjusted R^2, ``1 - (RSS / (n - p)) / (TSS / (n - 1))`` (``p = df + 1``
  coefficients), which equals (variance of the fitted values minus its expected value under no effect)
  / total variance, so a parameter without effect gets a share near 0, not near ``df / n``. Estimates
  below 0 (the fit explains less than chance would) are reported as 0. GCV's pick of the best fit
  leaves a little bias: in our trials a parameter without effect averaged about 1.5 / n.
- *Interval.* A 90% interval by bootstrap over blocks (draws), shifted by the bootstrap's own bias:
  in the resampled world the "true" share is the full sample's raw R^2, so each resampled share is
  moved by (adjusted - raw R^2 of the full sample). The spline's knots, scale and df stay those of
  the full sample, so the interval leaves out the uncertainty of that choice (in our trials it
  covered the true share 84-90% of the time).
- *Outcomes* are block means over a draw's replications (:func:`block_means`), so ``Var(Y)`` is the
  variance of block means: parameter variance plus chance variance / m. Binary outcomes (a target
  met, 0/1 or its block mean) work the same way: the share is then of the variance of a probability.
- *The residual* is ``1 - sum of the shares`` (floored at 0): what no single parameter explains on its
  own, which is interactions between parameters (their effects depend on each other) plus the chance
  left in the block means (about ``chance / m`` from :func:`variance_parts`, over the block means'
  variance). What is left beyond chance is interactions; when that is large, one-at-a-time ranking
  misleads and pairs of parameters matter.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

# Bootstrap draws get their own spawn key, apart from the model's (rep + 1, stream) keys and the other
# analyses' (sensitivity 0x5A1B, calibration 0xCA11B): 0xB10C, "block", for the bootstrap over draws.
# Quantile errors use (0xB10C,); the ranking's intervals use (0xB10C, 1).
BOOTSTRAP_SPAWN_KEY = 0xB10C
RESIDUAL = "(residual)"  # the parameter name of the row with what no single parameter explains
DF_CANDIDATES = (1, 2, 3, 4, 5, 6, 8)  # spline degrees of freedom GCV chooses from (1: a straight line)
DISCRETE_LEVELS = 8  # a parameter with at most this many distinct values gets one mean per value
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


def resampled_sums(columns: list[np.ndarray], draws: ArrayLike | None, spawn: int, resamples: int = 1000,
                   seed: int = 0) -> list[np.ndarray]:
    """Each column's sum in every bootstrap resample of whole parameter draws: a (resamples,) array per column.

    Replications that share a draw are correlated, so whole draws are resampled; without draws (or all
    draws -1) every run is its own block. Append ``np.ones(n)`` to get each resample's number of runs.
    ``spawn`` keys the generator to its purpose, so two statistics of one table resample independently.
    """
    n = len(columns[0])
    blocks = np.arange(n) if draws is None or (np.asarray(draws) < 0).all() else np.asarray(draws)
    ids, codes = np.unique(blocks, return_inverse=True)
    counts = _multinomial_counts(ids.size, resamples, seed, spawn)
    return [counts @ np.bincount(codes, weights=np.asarray(c, dtype=float), minlength=ids.size) for c in columns]


@lru_cache(maxsize=1)
def _multinomial_counts(k: int, resamples: int, seed: int, spawn: int) -> np.ndarray:
    """How often each of k blocks is drawn in each resample (a multinomial per resample): (resamples, k), read-only.

    Kept for the next call: every claim of a table with the same draws resamples them the same way (issue 17).
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(spawn,)))
    counts = rng.multinomial(k, np.full(k, 1.0 / k), size=resamples).astype(float)
    counts.flags.writeable = False
    return counts


@lru_cache(maxsize=1)
def _block_counts(k: int, resamples: int, seed: int, *purpose: int) -> np.ndarray:
    """How often each of k blocks is drawn in each resample of k blocks with replacement: (resamples, k), read-only.

    Kept for the next call: every outcome of a table with the same draws resamples them the same way,
    and drawing them was most of a median's error at 20,000 replications (34 outcomes, issue 17).
    """
    picks = _generator(seed, *purpose).integers(0, k, size=(resamples, k))
    rows = np.repeat(np.arange(resamples), k)
    counts = np.bincount(rows * k + picks.ravel(), minlength=resamples * k).reshape(resamples, k).astype(float)
    counts.flags.writeable = False  # whole numbers as floats: products with them run in BLAS, exactly (< 2**53)
    return counts


def _weighted_quantiles(sorted_values: np.ndarray, weights: np.ndarray, q: float, start: int = 0,
                        before: np.ndarray | None = None, size: np.ndarray | None = None) -> np.ndarray:
    """Quantile ``q`` of each row's sample: sorted_values[i] repeated weights[r, i] times (numpy's linear rule).

    Equal to ``np.quantile`` of the expanded sample to rounding (NumPy interpolates from the upper value when the
    fraction is at least a half), without building it: the value at expanded rank
    ``r`` is the first one whose cumulative weight exceeds ``r``. The weights may cover only
    ``sorted_values[start:]`` (a window), with ``before`` the weight of each row before it and ``size`` its
    total; the window must hold both values the quantile interpolates between (:func:`_resampled_quantiles`).
    """
    cum = np.cumsum(weights, axis=1)
    if before is not None:
        cum = cum + before[:, None]
    size = cum[:, -1] if size is None else size
    position = (size - 1) * q
    below = np.floor(position)
    frac = position - below
    above = np.minimum(below + 1, size - 1)
    stride = float(max(size.max(), cum.max()) + 1)  # shifting row r by r x stride makes all rows one increasing sequence
    offset = np.arange(len(size)) * stride
    flat = (cum + offset[:, None]).ravel()
    first = np.arange(len(size)) * weights.shape[1] - start
    lo = np.searchsorted(flat, below + offset, side="right") - first
    hi = np.searchsorted(flat, above + offset, side="right") - first
    return sorted_values[lo] + frac * (sorted_values[hi] - sorted_values[lo])


def _resampled_quantiles(sorted_values: np.ndarray, sorted_codes: np.ndarray, counts: np.ndarray, q: float,
                         half_width: int | None = None) -> np.ndarray:
    """Quantile ``q`` of every bootstrap resample (``counts``: how often each block is drawn), as the full expansion gives.

    Why a window: a resample's quantile lies close to the sample's own, so only the sorted values around
    it are expanded (``half_width`` each side, 8 standard errors of a rank by default); the weight below
    the window is one product of the counts with each block's number of values there. A resample whose
    quantile falls outside the window is computed over all values. Cumulative weights are whole numbers,
    so every estimate equals the full computation's bit for bit; at 20,000 replications it is about
    four times faster (issue 17).
    """
    n, k = sorted_values.size, counts.shape[1]
    width = half_width if half_width is not None else max(256, int(8 * np.sqrt(n)))
    centre = int(q * (n - 1))
    a, b = max(0, centre - width), min(n, centre + width + 1)
    per_block = np.bincount(sorted_codes, minlength=k).astype(float)
    before_window = np.bincount(sorted_codes[:a], minlength=k).astype(float)
    window_codes = sorted_codes[a:b]
    out = []
    for s in range(0, len(counts), _CHUNK):
        c = counts[s:s + _CHUNK]
        if b - a == n:
            out.append(_weighted_quantiles(sorted_values, c[:, sorted_codes], q))
            continue
        size, before = c @ per_block, c @ before_window
        weights = c[:, window_codes]
        estimates = _weighted_quantiles(sorted_values, weights, q, start=a, before=before, size=size)
        position = np.floor((size - 1) * q)
        outside = (before > position) | (before + weights.sum(axis=1) <= np.minimum(position + 1, size - 1))
        if outside.any():
            estimates[outside] = _weighted_quantiles(sorted_values, c[outside][:, sorted_codes], q)
        out.append(estimates)
    return np.concatenate(out)


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
    counts = _block_counts(k, resamples, seed)
    return float(np.std(_resampled_quantiles(sorted_values, sorted_codes, counts, q), ddof=1))


def median_mcse(values: ArrayLike, blocks: ArrayLike, resamples: int = 1000, seed: int = 0) -> float:
    """Monte Carlo standard error of the median, by bootstrap over blocks: :func:`quantile_mcse` at q = 0.5."""
    return quantile_mcse(values, blocks, 0.5, resamples=resamples, seed=seed)


def block_means(frame: pd.DataFrame, blocks: ArrayLike | str) -> pd.DataFrame:
    """Each outcome's mean over the replications of each draw: the rows :func:`rank_parameters` takes.

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


# ------------------------------------------------------------------- ranking the parameters
def _spline_basis(z: np.ndarray, df: int) -> np.ndarray:
    """Natural cubic spline basis of z (0..1) with ``df`` columns (no constant), knots at quantiles of z.

    Hastie, Tibshirani & Friedman (2009), eq. 5.4-5.5: ``z`` and ``d_k(z) - d_{K-1}(z)`` with
    ``d_k(z) = ((z - xi_k)^3_+ - (z - xi_K)^3_+) / (xi_K - xi_k)``, cubic between knots and linear
    outside them. K = df + 1 knots at evenly spaced quantile levels from 5% to 95% (Harrell's
    placement), so every stretch between knots holds about as many draws; tied knots merge.
    """
    if df <= 1:
        return z[:, None]
    knots = np.unique(np.quantile(z, np.linspace(0.05, 0.95, df + 1)))
    if knots.size < 3:
        return z[:, None]

    def d(k: int) -> np.ndarray:
        return (np.maximum(z - knots[k], 0.0) ** 3 - np.maximum(z - knots[-1], 0.0) ** 3) / (knots[-1] - knots[k])

    last = d(knots.size - 2)
    return np.column_stack([z] + [d(k) - last for k in range(knots.size - 2)])


def _orthonormal(columns: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the span of [1, columns]: a constant plus the regression's columns.

    Least squares on orthonormal columns is a matrix product, and the bootstrap's weighted normal
    equations stay well conditioned. Directions with no support (tied knots, a rank-deficient basis)
    are dropped, so the coefficient count p is the true rank. Built from the eigenvectors of the small
    p x p cross-product matrix (twice: the second pass restores the orthogonality the first loses to
    rounding, as in CholeskyQR2), which is several times faster than a QR of the tall matrix.
    """
    basis = np.column_stack([np.ones(len(columns)), columns])
    norms = np.linalg.norm(basis, axis=0)
    basis = basis / np.where(norms > 0, norms, 1.0)  # equal lengths: the eigenvalue cut compares like with like
    for _ in range(2):
        lam, vec = np.linalg.eigh(basis.T @ basis)
        keep = lam > lam[-1] * 1e-12
        basis = basis @ (vec[:, keep] / np.sqrt(lam[keep]))
    return basis


def _candidate_bases(x: np.ndarray) -> list[np.ndarray]:
    """The orthonormal regression bases GCV chooses from for one parameter's values x.

    Splines of every candidate df on two scales: x itself (scaled to 0..1), where an effect
    proportional to the parameter is a straight line even under a long-tailed prior, and x's
    mid-ranks (scaled to 0..1), where the knots are evenly spread whatever the prior, so a curve
    over a lognormal's crowded low end is fitted too. ``Var(E[Y | x])`` is the same on either scale
    (it does not change under an increasing transform of x), so GCV may pick whichever fits.
    """
    levels = np.unique(x)
    if levels.size <= DISCRETE_LEVELS:  # one mean per value: the exact regression on a discrete parameter
        return [_orthonormal((x[:, None] == levels[None, 1:]).astype(float))]
    most = max(1, min(max(DF_CANDIDATES), len(x) // 10, levels.size - 2))
    scales = ((x - levels[0]) / (levels[-1] - levels[0]), (mid_ranks(x) - 0.5) / len(x))
    return [_orthonormal(_spline_basis(z, df)) for z in scales for df in DF_CANDIDATES if df <= most]


def mid_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n of ``x``, ties sharing their mean rank: ``scipy.stats.rankdata(x)``, whose import alone took 0.4 s."""
    order = np.argsort(x, kind="mergesort")
    xs = x[order]
    first = np.r_[True, xs[1:] != xs[:-1]]  # where each run of equal values starts, in sorted order
    run = np.empty(x.size, dtype=np.intp)
    run[order] = np.cumsum(first)
    ends = np.r_[np.flatnonzero(first), x.size]
    return 0.5 * (ends[run] + ends[run - 1] + 1)


def _gcv_choice(bases: list[np.ndarray], y: np.ndarray) -> tuple[int, float]:
    """Which basis has the least GCV score, n RSS / (n - p)^2, and its raw R^2 (y is centred)."""
    n, tss = len(y), float(y @ y)
    best, best_score, best_rss = 0, np.inf, tss
    for c, q in enumerate(bases):
        rss = float(np.sum((y - q @ (q.T @ y)) ** 2))
        p = q.shape[1]
        score = n * rss / (n - p) ** 2 if n > p else np.inf
        if score < best_score:
            best, best_score, best_rss = c, score, rss
    return best, 1.0 - best_rss / tss


def _adjusted(r2: np.ndarray | float, n: np.ndarray | float, p: int) -> np.ndarray:
    """Adjusted R^2: the share of variance explained beyond the p - 1 columns' fit to pure noise."""
    return 1.0 - (1.0 - np.asarray(r2)) * (np.asarray(n) - 1.0) / (np.asarray(n) - p)


def _resampled_inverses(q: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """(Q' W Q)^-1 for every resample's counts W: the weighted normal equations' matrices, (resamples, p, p).

    A resample with counts w is weighted least squares with weights w, so no resample is ever built:
    the p (p + 1) / 2 distinct entries of every Q' W Q come from one product of the count matrix with
    the rows' outer products. They depend on the parameter only, so every outcome with the same draws
    reuses them.
    """
    p = q.shape[1]
    upper = np.triu_indices(p)
    outer = q[:, upper[0]] * q[:, upper[1]]
    gram = np.empty((len(counts), p, p))
    for s in range(0, len(counts), _CHUNK):
        entries = counts[s:s + _CHUNK] @ outer
        gram[s:s + _CHUNK, upper[0], upper[1]] = entries
        gram[s:s + _CHUNK, upper[1], upper[0]] = entries
    return np.linalg.pinv(gram, hermitian=True)  # pinv: a resample may miss a stretch between knots


def _resampled_r2(q: np.ndarray, y: np.ndarray, counts: np.ndarray, inverses: np.ndarray) -> np.ndarray:
    """Raw R^2 of the fit of y on basis q in each resample (NaN where a resample's y does not vary)."""
    sums = counts @ np.column_stack([q * y[:, None], np.ones_like(y), y, y * y])  # one pass over the counts
    cross, size, s1, s2 = sums[:, :-3], sums[:, -3], sums[:, -2], sums[:, -1]
    rss = s2 - np.einsum("bi,bij,bj->b", cross, inverses, cross)
    tss = s2 - s1 * s1 / size
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(tss > 0, 1.0 - rss / tss, np.nan)


class _Share(NamedTuple):
    parameter: str
    share: float
    low: float
    high: float
    df: float
    note: str
    resampled: np.ndarray | None  # the bias-shifted share in each resample, for the residual's interval


def rank_parameters(theta: pd.DataFrame, outcomes: pd.DataFrame, resamples: int = 500, seed: int = 0,
                    level: float = 0.90) -> pd.DataFrame:
    """Which assumption to measure first: each parameter's first-order share of each outcome's variance.

    ``S_j = Var(E[Y | theta_j]) / Var(Y)``, estimated by a GCV-chosen natural cubic regression spline of
    the outcome on ``theta_j`` alone (see the module docstring for why, and for the bias correction and
    the interval). Parameters are ranked per outcome, largest share first; ``(residual)`` rows say how
    much no single parameter explains (interactions and chance). Blocks (draws) are resampled jointly
    for every parameter and outcome, so intervals, including the residual's, come from one set of
    resamples, deterministic for a seed (``SeedSequence(seed, spawn_key=(BOOTSTRAP_SPAWN_KEY, 1))``).

    Args:
        theta: one row per draw (indexed by draw id), one column per uncertain parameter.
        outcomes: one row per draw (same ids; :func:`block_means`), one column per outcome.
            A NaN leaves that draw out for that outcome only.
        resamples: bootstrap resamples over draws for the intervals (0: no intervals).
        seed: root of the bootstrap draws.
        level: coverage of the interval.

    Returns:
        Columns ``outcome, parameter, share, low, high, rank, df, note``, sorted by outcome (in the
        order of ``outcomes``' columns) then descending share, each outcome closed by its
        ``(residual)`` row (no rank). ``df`` is the fit's degrees of freedom. A parameter with one fixed
        value gets share 0 and a note; an outcome that does not vary gets NaN shares and a note.
    """
    if theta.index.has_duplicates or outcomes.index.has_duplicates:
        raise ValueError("theta and outcomes need one row per draw: their index has duplicate draw ids")
    ids = theta.index.intersection(outcomes.index, sort=False)
    if ids.empty:
        raise ValueError("theta and outcomes share no draw ids")
    x_all = theta.loc[ids].to_numpy(dtype=float)
    y_all = outcomes.loc[ids].to_numpy(dtype=float)
    if np.isnan(x_all).any():
        raise ValueError("theta has NaN parameter values")
    tails = ((1.0 - level) / 2.0, (1.0 + level) / 2.0)
    counts_all = _block_counts(len(ids), resamples, seed, 1) if resamples > 0 else None
    prepared = [_prepare(y_all[:, k]) for k in range(y_all.shape[1])]
    # each set of draws' resample counts, taken once: outcomes with the same NaN pattern share them
    counts_of = {valid.tobytes(): counts_all[:, valid] for valid, _, _ in prepared} if counts_all is not None else {}
    shares: list[list[_Share]] = [[] for _ in prepared]
    for j, name in enumerate(theta.columns):
        # this parameter's bases and resampled matrices, shared by every outcome with the same draws
        bases: dict[bytes, list[np.ndarray]] = {}
        inverses: dict[tuple[bytes, int], np.ndarray] = {}
        for k, (valid, y, note) in enumerate(prepared):
            x = x_all[valid, j]
            if y is None:
                shares[k].append(_Share(name, np.nan, np.nan, np.nan, np.nan, note, None))
                continue
            if np.ptp(x) == 0:
                shares[k].append(_Share(name, 0.0, 0.0, 0.0, 0, "fixed value: nothing to explain", None))
                continue
            key, n = valid.tobytes(), len(y)
            if key not in bases:
                bases[key] = _candidate_bases(x)
            c, raw = _gcv_choice(bases[key], y)
            q = bases[key][c]
            p = q.shape[1]
            share = float(_adjusted(raw, n, p))
            resampled, low, high = None, np.nan, np.nan
            if counts_all is not None:
                counts = counts_of[key]
                if (key, c) not in inverses:
                    inverses[(key, c)] = _resampled_inverses(q, counts)
                r2 = _resampled_r2(q, y, counts, inverses[(key, c)])
                # the resampled world's true share is the full sample's raw R^2: shift by the estimator's bias
                resampled = np.clip(_adjusted(r2, counts.sum(axis=1), p) + (share - raw), 0.0, 1.0)
                low, high = np.nanquantile(resampled, tails)
            shares[k].append(_Share(name, max(0.0, share), float(low), float(high), p - 1, "", resampled))
    rows = [row for outcome, found in zip(outcomes.columns, shares, strict=True) for row in _outcome_rows(outcome, found, tails)]
    table = pd.DataFrame(rows, columns=["outcome", "parameter", "share", "low", "high", "rank", "df", "note"])
    table["rank"] = table["rank"].astype("Int64")
    table["df"] = table["df"].astype("Int64")
    return table


def _prepare(values: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, str]:
    """One outcome's draws with a value, those values centred and scaled to unit variance, or why not.

    The unit scale keeps the resampled sums of squares accurate whatever the outcome's unit (EUR).
    """
    valid = ~np.isnan(values)
    y = values[valid]
    if y.size < 4:
        return valid, None, "fewer than 4 draws with a value"
    y = y - y.mean()
    scale = float(np.sqrt(y @ y / y.size))
    if scale <= 1e-12 * max(1.0, float(np.abs(values[valid]).max())):
        return valid, None, "outcome does not vary"
    return valid, y / scale, ""


def _outcome_rows(outcome: str, shares: list[_Share], tails: tuple[float, float]) -> list[tuple]:
    """One outcome's rows, largest share first, closed by the residual: 1 - the sum of the shares, at least 0."""
    ranked = sorted(shares, key=lambda s: -s.share if np.isfinite(s.share) else np.inf)
    rows: list[tuple] = [(outcome, s.parameter, s.share, s.low, s.high, rank if np.isfinite(s.share) else pd.NA, s.df,
                          s.note) for rank, s in enumerate(ranked, start=1)]
    values = np.array([s.share for s in shares])
    residual, low, high = np.nan, np.nan, np.nan
    if values.size and np.isfinite(values).all():
        residual = max(0.0, 1.0 - float(values.sum()))
        if any(s.resampled is not None for s in shares):
            explained = sum(s.resampled if s.resampled is not None else 0.0 for s in shares)
            low, high = np.nanquantile(np.maximum(0.0, 1.0 - explained), tails)
    rows.append((outcome, RESIDUAL, residual, low, high, pd.NA, np.nan, "interactions and chance"))
    return rows
