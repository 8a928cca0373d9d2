"""The share of innovations that scale up (claim 3): per strategy, paired, with Monte Carlo intervals; and its calibration.

The runs of ``diffusion-sim population`` are a population of innovations (``population.py``), each
run in every strategy with the same replications. A run's success is the catalogue's
(:func:`diffusion_sim.outcomes.scale_up`); here it is only counted.

- **The unit is the innovation.** A strategy's **success share** is the mean over innovations of
  each innovation's share of successful replications (every innovation has as many). Its **Monte
  Carlo error** is the standard deviation of those innovation means over the square root of their
  number: it holds chance within an innovation and which innovations were drawn, and more
  innovations shrink it. Every replication draws its parameters, so the share averages over the
  parameters' uncertainty; it is a chance, not a range of worlds.
- **Intervals** are 90% percentile intervals of a bootstrap over innovations (each resampled
  innovation keeps all its replications: replications are nested in innovations, the cluster
  bootstrap of a mean).
- **Paired difference**: per innovation, its share in a strategy minus its share in the reference
  (the same innovation, the same replications, common random numbers), then the same bootstrap over
  innovations. ``chance_higher`` is the share of bootstrap resamples in which the strategy's
  population share is above the reference's.
- **Calibration** (:func:`calibrate_scale`): the one population-level knob,
  ``population.calibration_scale``, found by bracketing on a log scale so that the reference
  strategy's share meets the initiative's 35% (its own claim) within the stated tolerance. With
  common random numbers the share is a step function of the knob, rising with it.

This module only computes; the runs and the folder are ``studies/population.py``'s.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from diffusion_sim.errors import ResultsError
from diffusion_sim.outcomes import SCALE_UP_SHARE_CLAIMED, scale_up
from diffusion_sim.params import Params
from diffusion_sim.region import Region
from diffusion_sim.results import read_study
from diffusion_sim.runner import Replication

LEVEL = 0.90  # the 90% intervals every table prints
RESAMPLES = 2000
BOOTSTRAP_SPAWN_KEY = 0x5CA1E


def record(rep: Replication, params: Params, region: Region) -> dict[str, float]:
    """What one run of a population keeps (reduced where it ran): the catalogue's scale-up outcome and its draw."""
    return {"draw": float(rep.draw), **scale_up(rep, params.population.success_months)}


# ---------------------------------------------------------------------------------------------- shares
def innovation_shares(runs: pd.DataFrame) -> pd.DataFrame:
    """Each innovation's share of successful replications: rows innovations, columns strategies (in their order)."""
    order = list(dict.fromkeys(runs["strategy"]))
    table = runs.pivot_table(index="innovation", columns="strategy", values="scaled_up", aggfunc="mean", sort=True)
    return table[order]


def _bootstrap_weights(n: int, seed: int, resamples: int) -> np.ndarray:
    """How often each of ``n`` innovations appears in each bootstrap resample, shape (resamples, n); seeded."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(BOOTSTRAP_SPAWN_KEY,)))
    return rng.multinomial(n, np.full(n, 1.0 / n), size=resamples).astype(float) / n


def share_table(runs: pd.DataFrame, seed: int = 0, resamples: int = RESAMPLES) -> pd.DataFrame:
    """One row per strategy (its share) and one per strategy after the first (its paired difference from the first).

    Columns: ``strategy``, ``reference`` (empty for a share), ``value`` (the share or the difference),
    ``low`` and ``high`` (90% bootstrap interval), ``mcse``, ``chance_higher`` (differences only),
    ``innovations`` and ``replications`` (per innovation).
    """
    per = innovation_shares(runs)
    order = list(per.columns)
    n = len(per)
    reps = int(runs.groupby(["strategy", "innovation"]).size().min()) if len(runs) else 0
    weights = _bootstrap_weights(n, seed, resamples) if n else np.zeros((0, 0))
    tails = ((1.0 - LEVEL) / 2.0, (1.0 + LEVEL) / 2.0)
    rows = []

    def row(strategy: str, reference: str, values: np.ndarray, higher: float = float("nan")) -> dict[str, Any]:
        boot = weights @ values if n else np.array([np.nan])
        low, high = np.quantile(boot, tails) if n else (np.nan, np.nan)
        mcse = float(np.std(values, ddof=1) / math.sqrt(n)) if n > 1 else float("nan")
        return {"strategy": strategy, "reference": reference, "value": float(values.mean()) if n else float("nan"),
                "low": float(low), "high": float(high), "mcse": mcse, "chance_higher": higher,
                "innovations": n, "replications": reps}

    for name in order:
        rows.append(row(name, "", per[name].to_numpy()))
    ref = per[order[0]].to_numpy()
    for name in order[1:]:
        diff = per[name].to_numpy() - ref
        higher = float(np.mean(weights @ diff > 0)) if n else float("nan")
        rows.append(row(name, order[0], diff, higher))
    return pd.DataFrame(rows)


def how_innovations_differ(runs: pd.DataFrame) -> pd.DataFrame:
    """Per strategy after the first: how many innovations scale up more often, as often, or less often than in the first."""
    per = innovation_shares(runs)
    order = list(per.columns)
    rows = []
    for name in order[1:]:
        diff = per[name] - per[order[0]]
        rows.append({"strategy": name, "reference": order[0], "more_often": int((diff > 0).sum()),
                     "as_often": int((diff == 0).sum()), "less_often": int((diff < 0).sum())})
    return pd.DataFrame(rows)


def share_by_attribute(runs: pd.DataFrame, innovations: pd.DataFrame, attribute: str) -> pd.DataFrame:
    """The success share per strategy for each value of a categorical attribute (e.g. ``primary_type``)."""
    per = innovation_shares(runs).reset_index()
    merged = per.merge(innovations[["innovation", attribute]], on="innovation")
    table = merged.groupby(attribute, sort=True)[list(innovation_shares(runs).columns)].mean()
    table.insert(0, "innovations", merged.groupby(attribute, sort=True).size())
    return table.reset_index()


# ---------------------------------------------------------------------------------------------- calibration
def calibrate_scale(evaluate: Callable[[float], float], target: float = SCALE_UP_SHARE_CLAIMED, tolerance: float = 0.03,
                    low: float = 1e-3, high: float = 10.0, resolution: float = 0.0,
                    max_evaluations: int = 24) -> tuple[float, pd.DataFrame]:
    """The knob value whose share is nearest ``target`` (within ``tolerance`` if it can be), and every evaluation.

    ``evaluate(scale)`` returns the reference strategy's success share at that value (always on the
    same innovations and replications). The share moves one way with the scale (it rises for the
    shipped knob, how word travels; it falls for a knob on failure or abandonment), so the answer is
    bracketed between ``low`` and ``high`` and found by regula falsi on ``log(scale)`` (the Illinois variant,
    which cannot stall at one end). It stops when the share is within ``resolution`` of the target
    (half of one run's weight: no closer is possible), when the bracket is narrower than 0.5%, or after
    ``max_evaluations``. The value returned is rounded to three significant digits and evaluated
    again, so that the share reported is the share of the value written down.

    Raises ``ValueError`` when the target lies outside what ``low`` and ``high`` give.
    """
    history: list[dict[str, float]] = []
    sign = 1.0  # -1 when the share falls with the scale: then the search runs on the share's mirror image

    def f(x: float, exact: float | None = None) -> float:
        scale = exact if exact is not None else math.exp(x)
        share = float(evaluate(scale))
        history.append({"evaluation": len(history) + 1, "scale": scale, "share": share})
        return sign * (share - target)

    a, b = math.log(low), math.log(high)
    fa, fb = f(a, exact=low), f(b, exact=high)
    if fa > 0 and fb < 0:
        sign, fa, fb = -1.0, -fa, -fb
    if fa > 0 or fb < 0:
        raise ValueError(f"the share runs from {history[0]['share']:.3f} at scale {low:g} to {history[1]['share']:.3f} at "
                         f"{high:g} and does not cross {target:g} in between")
    side = 0
    while len(history) < max_evaluations and b - a > math.log(1.005):
        x = (a * fb - b * fa) / (fb - fa) if fb != fa else (a + b) / 2.0
        if not a < x < b:
            x = (a + b) / 2.0
        fx = f(x)
        if abs(fx) <= resolution:
            break
        if fx < 0:
            a, fa = x, fx
            if side == -1:
                fb /= 2.0
            side = -1
        else:
            b, fb = x, fx
            if side == 1:
                fa /= 2.0
            side = 1
    best = min(history, key=lambda h: (abs(h["share"] - target), h["evaluation"]))
    scale = float(f"{best['scale']:.3g}")
    if scale != best["scale"]:
        f(math.log(scale), exact=scale)
    frame = pd.DataFrame(history)
    frame["chosen"] = frame["evaluation"] == frame["evaluation"].iloc[-1] if scale != best["scale"] else \
        frame["evaluation"] == best["evaluation"]
    chosen_share = float(frame.loc[frame["chosen"], "share"].iloc[0])
    frame["within_tolerance"] = (frame["share"] - target).abs() <= tolerance
    if abs(chosen_share - target) > tolerance:
        frame.attrs["note"] = f"nearest share {chosen_share:.3f} is outside {target:g} +- {tolerance:g}"
    return scale, frame


# ---------------------------------------------------------------------------------------------- the claim's answer
def population_answer(folder: str | Path, verify: bool = True) -> dict[str, Any]:
    """Claim 3's answer from a folder written by ``diffusion-sim population``, as the report's claims table takes it.

    The folder is read as every results folder is (its manifest checked, and with ``verify`` every file
    against the SHA-256 the manifest records) and must be a ``population`` one; a :class:`ResultsError`
    names what is wrong. The dict is :func:`claim_answer`'s: ``isolated_share``, ``collaborative_share``,
    ``difference`` (``median``, ``low``, ``high``), ``chance_higher`` and what they rest on, which is what
    :func:`diffusion_sim.analysis.claims.answers_with_population` passes on to the claims table.
    """
    manifest, tables = read_study(folder, "population", ("runs",), verify=verify)
    if len(manifest.get("scenario_order", [])) < 2:
        raise ResultsError(f"{folder}: a population study of one strategy; claim 3 compares the isolated and the "
                           "collaborative one")
    return claim_answer({"runs": tables["runs"], "manifest": manifest})


def claim_answer(folder_or_tables: str | Path | Mapping[str, Any], seed: int | None = None) -> dict[str, Any]:
    """Claim 3 as the claims table needs it: the isolated and collaborative success shares, paired, with intervals.

    ``folder_or_tables`` is a folder written by ``diffusion-sim population`` or a mapping with a
    ``runs`` table (its columns ``strategy``, ``innovation``, ``replication`` and ``scaled_up``, strategies
    in the order they were given, the reference first) and, optionally, the folder's ``manifest``
    (a dict) for the knob, the target and the tolerance. Returns a dict with:

    - ``isolated_share``, ``collaborative_share``: the success share of the first (reference) and the
      second strategy (NaN if there is none); ``isolated``, ``collaborative``: each as a dict with
      ``share``, ``low``, ``high`` (90% bootstrap interval over innovations) and ``mcse``;
    - ``difference``: ``{"median", "low", "high", "mean", "mcse"}`` of the paired difference, second
      minus first (median and interval of the bootstrap over innovations; ``mean`` the point estimate);
    - ``chance_higher``: the share of bootstrap resamples in which the second strategy's share is the higher;
    - ``innovations``, ``replications`` (per innovation and strategy), ``strategies`` (their names);
    - ``calibrated_knob``: ``{"name", "value", "parameters"}`` (None without a manifest); ``target``
      (the initiative's 0.35, its own claim), ``tolerance``, ``within_tolerance`` (whether the isolated
      share is within it), ``success_months``;
    - ``definition``: one line saying what a success is.

    Pure: it reads the folder's tables and computes, nothing else. ``seed`` fixes the bootstrap (default:
    the folder's root seed, else 0).
    """
    if isinstance(folder_or_tables, (str, Path)):
        manifest, tables = read_study(folder_or_tables, "population", ("runs",))
        runs = tables["runs"]
    else:
        if "runs" not in folder_or_tables:
            raise ResultsError("claim_answer: give a population results folder or a mapping with a 'runs' table")
        runs, manifest = folder_or_tables["runs"], folder_or_tables.get("manifest")
    settings = (manifest or {}).get("settings", {})
    root = seed if seed is not None else int((manifest or {}).get("seed", 0))
    table = share_table(runs, root)
    shares = table[table["reference"] == ""].reset_index(drop=True)
    diffs = table[table["reference"] != ""].reset_index(drop=True)

    def as_dict(r: pd.Series | None) -> dict[str, float]:
        if r is None:
            return {"share": float("nan"), "low": float("nan"), "high": float("nan"), "mcse": float("nan")}
        return {"share": r["value"], "low": r["low"], "high": r["high"], "mcse": r["mcse"]}

    iso = shares.iloc[0] if len(shares) else None
    col = shares.iloc[1] if len(shares) > 1 else None
    d = diffs.iloc[0] if len(diffs) else None
    per = innovation_shares(runs) if len(runs) else pd.DataFrame()
    boot_median = float("nan")
    if d is not None and len(per):
        values = (per.iloc[:, 1] - per.iloc[:, 0]).to_numpy()
        boot_median = float(np.median(_bootstrap_weights(len(values), root, RESAMPLES) @ values))
    target = float(settings.get("target", SCALE_UP_SHARE_CLAIMED))
    tolerance = settings.get("tolerance")
    knob = settings.get("calibrated_knob")
    return {
        "isolated_share": as_dict(iso)["share"],
        "collaborative_share": as_dict(col)["share"],
        "isolated": as_dict(iso),
        "collaborative": as_dict(col),
        "difference": {"median": boot_median, "low": float(d["low"]) if d is not None else float("nan"),
                       "high": float(d["high"]) if d is not None else float("nan"),
                       "mean": float(d["value"]) if d is not None else float("nan"),
                       "mcse": float(d["mcse"]) if d is not None else float("nan")},
        "chance_higher": float(d["chance_higher"]) if d is not None else float("nan"),
        "innovations": int(table["innovations"].iloc[0]) if len(table) else 0,
        "replications": int(table["replications"].iloc[0]) if len(table) else 0,
        "strategies": list(shares["strategy"]),
        "calibrated_knob": knob,
        "target": target,
        "tolerance": float(tolerance) if tolerance is not None else None,
        "within_tolerance": (bool(abs(as_dict(iso)["share"] - target) <= float(tolerance))
                             if tolerance is not None and iso is not None else None),
        "success_months": settings.get("success_months"),
        "definition": settings.get("success_definition", ""),
    }
