"""The same strategy in several regions: the numbers (reach per euro, per inhabitant, paired, summarised).

The study that plans and runs the regions and writes the folder is :mod:`diffusion_sim.studies.regions`;
this module holds the region outcomes and their summary table. **Reach per euro** is additional
patients reached by the horizon per EUR 1,000 of implementation plus facilitation cost, per
replication, then median and 90% interval over replications. **Extra patients per extra EUR 1,000** is
the ratio of the paired differences (strategy minus reference, replication by replication) where the
extra cost is positive. The targets (``outcomes.py``) are the initiative's absolute targets, whatever
the region's size; patients per 100,000 inhabitants compare large and small regions fairly.
"""

from __future__ import annotations

import pandas as pd

from diffusion_sim.outcomes import CATALOGUE, PATIENTS_IN_YEAR, TIME_OUTCOMES, paired_names, quantiles, saved_name

# outcome column -> (label, unit); per scenario, medians and 90% intervals over replications
REGION_OUTCOMES: dict[str, tuple[str, str]] = {
    PATIENTS_IN_YEAR: (CATALOGUE[PATIENTS_IN_YEAR].label, "patients"),
    "patients_final": (CATALOGUE["patients_final"].label, "patients"),
    "patients_12m_per_100k": (f"{CATALOGUE[PATIENTS_IN_YEAR].label} per 100,000 inhabitants", "patients"),
    "patients_final_per_100k": (f"{CATALOGUE['patients_final'].label} per 100,000 inhabitants", "patients"),
    **{k: (CATALOGUE[k].label, CATALOGUE[k].unit) for k in ("share_adopted_final", *TIME_OUTCOMES, "implementation_cost_eur",
                                                            "facilitation_cost_eur", "total_cost_eur")},
    "reach_per_eur_1000": ("Additional patients reached by the horizon per EUR 1,000 spent", "ratio"),
}
EXTRA_PER_EUR = "extra_patients_per_extra_eur_1000"
# paired differences, strategy minus reference, taken per replication before quantiles (names as in paired.csv)
PAIRED_OUTCOMES: dict[str, tuple[str, str]] = {
    **{k: paired_names()[k] for k in (PATIENTS_IN_YEAR, "patients_final", "total_cost_eur")},
    EXTRA_PER_EUR: ("Extra patients per extra EUR 1,000 (where the extra cost > 0)", "ratio"),
    **{saved_name(k): paired_names()[saved_name(k)] for k in TIME_OUTCOMES},
}


def add_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Add reach per EUR 1,000 and patients per 100,000 inhabitants to summary rows (in place; also returned).

    Reach per EUR 1,000 is undefined (NaN) in a replication that spent nothing.
    """
    pop = frame["population"]
    cost = frame["total_cost_eur"]
    frame["reach_per_eur_1000"] = (frame["patients_final"] / cost * 1000).where(cost > 0)
    frame["patients_12m_per_100k"] = frame[PATIENTS_IN_YEAR] / pop * 1e5
    frame["patients_final_per_100k"] = frame["patients_final"] / pop * 1e5
    return frame


def summary_table(tidy: pd.DataFrame, paired: pd.DataFrame) -> pd.DataFrame:
    """One row per (region, scenario, outcome): median, 5% and 95% quantile, share reaching a time target, n.

    Times to a target rank a miss above every month (the median is ``inf``, "not reached", when fewer
    than half the replications reach it); paired rows (``reference`` set) summarise per-replication
    differences, leaving out pairs where a difference is undefined (``n`` counts the rest).
    """
    rows = []
    keys = ["region", "region_kind", "population", "municipalities", "organisations", "origin_municipality",
            "origin_municipality_name", "origin_moved"]
    for (region, scenario), sub in tidy.groupby(["region", "scenario"], sort=False):
        head = {k: sub[k].iloc[0] for k in keys}
        head["eligible_orgs"] = int(sub["eligible_orgs"].iloc[0])
        for col, (label, unit) in REGION_OUTCOMES.items():
            censored = col in TIME_OUTCOMES
            q = quantiles(sub[col], censored=censored)
            rows.append({**head, "scenario": scenario, "reference": "", "outcome": col, "label": label, "unit": unit,
                         **q, "n": int(len(sub) if censored else sub[col].notna().sum())})
        mine = paired[(paired["region"] == region) & (paired["scenario"] == scenario)] if len(paired) else paired
        if len(mine):
            for col, (label, unit) in PAIRED_OUTCOMES.items():
                known = mine[col].dropna()
                rows.append({**head, "scenario": scenario, "reference": mine["reference"].iloc[0], "outcome": col,
                             "label": label, "unit": unit, **quantiles(known), "n": int(len(known))})
    return pd.DataFrame(rows)
