"""Sweep statistics: per-point tables and the direction check, from a sweep's tidy rows (numbers only).

The sweep itself (design -> executors -> folder) is :mod:`diffusion_sim.studies.sweep`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diffusion_sim.outcomes import CATALOGUE, PATIENTS_IN_YEAR, TIME_OUTCOMES, censor, point_outcomes

from .space import Dimension

PLOTTED = (PATIENTS_IN_YEAR, "patients_final", "share_adopted_final", "cost_per_patient_eur")


def point_table(tidy: pd.DataFrame, dims: list[Dimension], horizon: int) -> pd.DataFrame:
    """Per point: the varied values, each outcome's statistic and MCSE, and replication quantiles."""
    names = [d.column for d in dims]
    stats = point_outcomes(tidy, horizon)
    values = tidy.groupby("point", sort=True)[names].first().reset_index()
    table = values.merge(stats, on="point")
    for col in (*PLOTTED, *TIME_OUTCOMES):
        series = censor(tidy[col], horizon) if CATALOGUE[col].censored else tidy[col]
        q = series.groupby(tidy["point"]).quantile([0.05, 0.5, 0.95]).unstack()
        q.columns = [f"{col}_q05", f"{col}_median", f"{col}_q95"]
        table = table.merge(q.reset_index(), on="point", how="left")
    return table


def monotone_check(tidy: pd.DataFrame, dims: list[Dimension], parameter: str, outcome: str, z: float = 3.0) -> pd.DataFrame:
    """Paired differences of ``outcome`` between consecutive values of ``parameter``, all else equal.

    One row per step (and per combination of the other varied parameters) with the mean paired
    difference over replications, its standard error and whether it is a significant fall (below
    ``-z`` standard errors). Common random numbers make the pairs: replication i at both values.
    Used to check "more budget never lowers reach".
    """
    others = [d.column for d in dims if d.column != parameter]
    rows = []
    groups = tidy.groupby(others, sort=True) if others else [((), tidy)]
    for key, sub in groups:
        key = key if isinstance(key, tuple) else (key,)
        wide = sub.pivot(index="replication", columns=parameter, values=outcome).sort_index(axis=1)
        levels = list(wide.columns)
        for lo, hi in zip(levels[:-1], levels[1:], strict=True):
            diff = (wide[hi] - wide[lo]).dropna()
            se = float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else float("nan")
            mean = float(diff.mean())
            fall = bool(mean < -z * se) if se > 0 else bool(mean < 0)
            rows.append(
                {
                    **dict(zip(others, key, strict=True)),
                    "from": lo,
                    "to": hi,
                    "mean_difference": mean,
                    "se": se,
                    "significant_fall": fall,
                }
            )
    return pd.DataFrame(rows)
