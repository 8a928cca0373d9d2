"""Medians and 90% intervals of the outcomes, per scenario, per innovation and for paired differences.

The outcomes, their units, the summary rule and the paired differences are the catalogue's
(:mod:`diffusion_sim.outcomes`); this module lays them out as tables. A target that is not reached
within the horizon has no month; the tables say how often it was reached, and the median is "not
reached" when fewer than half of the replications reached it.
"""

from __future__ import annotations

import pandas as pd

from diffusion_sim.outcomes import CATALOGUE, INNOVATION_OUTCOMES, SHOWN, paired_names, quantiles


def outcome_table(summary: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """One row per (scenario, outcome): median, 5% and 95% quantile, share reaching time targets."""
    rows = []
    for name in order:
        sub = summary[summary["scenario"] == name]
        for col in SHOWN:
            o = CATALOGUE[col]
            q = quantiles(sub[col], censored=o.censored)
            rows.append({"scenario": name, "outcome": col, "label": o.label, "unit": o.unit, **q, "replications": len(sub)})
    return pd.DataFrame(rows)


def innovation_table(innovations: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Per innovation, one row per (scenario, outcome), as :func:`outcome_table` gives for a scenario."""
    rows = []
    for (position, innovation), sub in innovations.groupby(["position", "innovation"], sort=True):
        for name in order:
            mine = sub[sub["scenario"] == name]
            if mine.empty:
                continue
            for col in INNOVATION_OUTCOMES:
                o = CATALOGUE[col]
                q = quantiles(mine[col], censored=o.censored)
                rows.append({"innovation": innovation, "position": position, "scenario": name, "outcome": col,
                             "label": o.label, "unit": o.unit, **q, "replications": len(mine)})
    return pd.DataFrame(rows)


def difference_table(paired: pd.DataFrame) -> pd.DataFrame:
    """One row per (scenario, outcome) of paired differences against the reference scenario."""
    rows = []
    for name, sub in paired.groupby("scenario", sort=False):
        for col, (label, unit) in paired_names().items():
            known = sub[col].dropna()
            rows.append({"scenario": name, "reference": sub["reference"].iloc[0], "outcome": col, "label": label,
                         "unit": unit, **quantiles(known), "pairs": len(known)})
    return pd.DataFrame(rows)
