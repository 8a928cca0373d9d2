"""Medians and 90% intervals of the outcomes, per scenario and for paired differences.

Differences are taken per replication before quantiles (common random numbers make the pairs
comparable). A target that is not reached within the horizon has no month; the tables say how often
it was reached, and the median is "not reached" when fewer than half of the replications reached it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# outcome column -> (label, unit)
OUTCOMES: dict[str, tuple[str, str]] = {
    "patients_12m": ("Additional patients reached in 12 months", "patients"),
    "patients_final": ("Additional patients reached by the horizon", "patients"),
    "share_adopted_final": ("Eligible organisations using it at the horizon", "share"),
    "adopted_beyond_origin": ("Organisations that adopted (beyond the origin)", "organisations"),
    "months_to_1000_patients": ("Months until 1,000 additional patients", "months"),
    "months_to_70pct": ("Months until 70% of eligible organisations", "months"),
    "implementation_cost_eur": ("Implementation cost", "EUR"),
    "facilitation_cost_eur": ("Facilitation cost", "EUR"),
    "total_cost_eur": ("Implementation + facilitation cost", "EUR"),
    "cost_per_patient_eur": ("Cost per additional patient reached", "EUR"),
}
TIME_OUTCOMES = ("months_to_1000_patients", "months_to_70pct")
# differences shown instead of the difference of a ratio: extra cost per extra patient, paired by replication
INCREMENTAL = {"incremental_cost_per_patient_eur": ("Extra cost per extra patient reached", "EUR")}
LOW, HIGH = 0.05, 0.95


def months_saved(reference: pd.Series, other: pd.Series, horizon: int | None) -> pd.Series:
    """Months by which ``other`` reaches a target before ``reference``, per replication.

    A target not reached counts as reached at ``horizon + 1``, so a saving involving it is a lower
    bound; when neither reaches it the saving is unknown (NaN).
    """
    cap = float(horizon + 1) if horizon else np.nan
    ref = reference.fillna(cap)
    oth = other.fillna(cap)
    saved = ref - oth
    return saved.where(~(reference.isna() & other.isna()))


def quantiles(values: pd.Series, censored: bool = False) -> dict[str, float]:
    """Median and 5%/95% quantiles; for a time to target, NaN (not reached) ranks above every month."""
    v = values.to_numpy(dtype=float)
    n = v.size
    if n == 0:
        return {"median": np.nan, "low": np.nan, "high": np.nan, "reached": np.nan}
    if censored:
        ranked = np.where(np.isnan(v), np.inf, v)
        q = np.quantile(ranked, [0.5, LOW, HIGH], method="inverted_cdf")
        return {"median": float(q[0]), "low": float(q[1]), "high": float(q[2]), "reached": float(np.mean(~np.isnan(v)))}
    finite = v[~np.isnan(v)]
    if finite.size == 0:
        return {"median": np.nan, "low": np.nan, "high": np.nan, "reached": np.nan}
    q = np.quantile(finite, [0.5, LOW, HIGH])
    return {"median": float(q[0]), "low": float(q[1]), "high": float(q[2]), "reached": np.nan}


def outcome_table(summary: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """One row per (scenario, outcome): median, 5% and 95% quantile, share reaching time targets."""
    rows = []
    for name in order:
        sub = summary[summary["scenario"] == name]
        for col, (label, unit) in OUTCOMES.items():
            q = quantiles(sub[col], censored=col in TIME_OUTCOMES)
            rows.append({"scenario": name, "outcome": col, "label": label, "unit": unit, **q, "replications": len(sub)})
    return pd.DataFrame(rows)


# the outcomes shown per innovation of a portfolio
INNOVATION_OUTCOMES = ("eligible_orgs", "share_adopted_final", "months_to_70pct", "patients_12m", "patients_final",
                       "implementation_cost_eur")
ELIGIBLE_LABEL = ("Organisations with the target group", "organisations")


def innovation_table(innovations: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Per innovation, one row per (scenario, outcome), as :func:`outcome_table` gives for a scenario."""
    rows = []
    for (position, innovation), sub in innovations.groupby(["position", "innovation"], sort=True):
        for name in order:
            mine = sub[sub["scenario"] == name]
            if mine.empty:
                continue
            for col in INNOVATION_OUTCOMES:
                label, unit = ELIGIBLE_LABEL if col == "eligible_orgs" else OUTCOMES[col]
                q = quantiles(mine[col], censored=col in TIME_OUTCOMES)
                rows.append({"innovation": innovation, "position": position, "scenario": name, "outcome": col,
                             "label": label, "unit": unit, **q, "replications": len(mine)})
    return pd.DataFrame(rows)


def difference_table(paired: pd.DataFrame) -> pd.DataFrame:
    """One row per (scenario, outcome) of paired differences against the reference scenario."""
    rows = []
    columns = [c for c in OUTCOMES if c not in (*TIME_OUTCOMES, "cost_per_patient_eur")]
    columns += [*INCREMENTAL, *(f"{c}_saved" for c in TIME_OUTCOMES)]
    for name, sub in paired.groupby("scenario", sort=False):
        for col in columns:
            base = col.removesuffix("_saved")
            label, unit = INCREMENTAL.get(base) or OUTCOMES[base]
            if col.endswith("_saved"):
                label = label.replace("Months until", "Months saved to reach")
            known = sub[col].dropna()
            q = quantiles(known)
            rows.append({"scenario": name, "reference": sub["reference"].iloc[0], "outcome": col, "label": label,
                         "unit": unit, **q, "pairs": len(known)})
    return pd.DataFrame(rows)


def format_value(value: float, unit: str) -> str:
    """A number as people read it in a table: thousands separated, shares as percentages."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "-"
    if np.isinf(value):
        return "not reached"
    if unit == "share":
        return f"{100 * value:.0f}%"
    if unit == "EUR":
        return f"EUR {value:,.0f}"
    if unit == "months":
        return f"{value:.0f}"
    return f"{value:,.0f}"


def format_interval(median: float, low: float, high: float, unit: str, reached: float = float("nan")) -> str:
    """``median (low to high)`` for a terminal table, the unit written once; times say how often they were reached."""
    def bare(v: float) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return "-"
        if np.isinf(v):
            return "n.r."
        return format_value(v, unit).removeprefix("EUR ")

    if all(isinstance(v, float) and np.isnan(v) for v in (median, low, high)):
        return "no replication to compare"
    if reached == reached:  # a time to target
        if reached == 0:
            return "never within the horizon"
        if np.isinf(median):
            return f"not reached in most; {100 * reached:.0f}% reach it"
        return f"{format_value(median, unit)} ({bare(low)} to {bare(high)}); {100 * reached:.0f}% reach it"
    return f"{format_value(median, unit)} ({bare(low)} to {bare(high)})"
