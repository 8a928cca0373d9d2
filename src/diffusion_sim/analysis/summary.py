"""Medians and 90% intervals of the outcomes, per scenario, per innovation and for paired differences.

The outcomes, their units, the summary rule and the paired differences are the catalogue's
(:mod:`diffusion_sim.outcomes`); this module lays them out as tables. A target that is not reached
within the horizon has no month; the tables say how often it was reached, and the median is "not
reached" when fewer than half of the replications reached it.

Where the replications drew their parameters (a ``draw`` column, several replications a draw), each
row also says how much of the spread comes from the parameters and how much from chance
(:func:`~diffusion_sim.analysis.uncertainty.variance_parts`), and the Monte Carlo error of the median
(:func:`~diffusion_sim.analysis.uncertainty.median_mcse`, resampling whole draws);
:func:`assumption_ranking` says which uncertain parameter to measure first.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from diffusion_sim.analysis.claims import answer_claims
from diffusion_sim.analysis.uncertainty import RESIDUAL, median_mcse, rank_parameters, resampled_sums, variance_parts
from diffusion_sim.outcomes import (
    ADOPTION_TARGET,
    CATALOGUE,
    INCREMENTAL_COST,
    INNOVATION_OUTCOMES,
    PATIENT_TARGET,
    PATIENTS_IN_YEAR,
    SHOWN,
    censor,
    paired_names,
    quantiles,
)

# ratios of two random quantities: a replication with few extra patients makes a huge ratio, so their
# variance (and its split) says more about those outliers than about the parameters; only the MC error is given
RATIOS = ("cost_per_patient_eur", INCREMENTAL_COST)


def _uncertainty(values: pd.Series, draws: pd.Series | None, censored: bool, horizon: int | None,
                 ratio: bool = False) -> dict[str, float]:
    """Parameter and chance variance, the parameters' share, and the median's Monte Carlo error of one outcome."""
    if draws is None or (draws < 0).all():
        return {"parameter_share": np.nan, "mcse": np.nan}
    v = censor(values, horizon) if censored and horizon is not None else values
    share = np.nan if ratio else variance_parts(v.to_numpy(dtype=float), draws.to_numpy())["parameter_share"]
    keep = v.notna().to_numpy()
    mcse = median_mcse(v.to_numpy(dtype=float)[keep], draws.to_numpy()[keep]) if keep.sum() >= 4 else np.nan
    return {"parameter_share": share, "mcse": mcse}


def outcome_table(summary: pd.DataFrame, order: list[str], horizon: int | None = None) -> pd.DataFrame:
    """One row per (scenario, outcome): median, 5% and 95% quantile, share reaching time targets.

    With parameter draws also ``parameter_share`` (of the variance over replications, the part due to
    the parameters; the rest is chance) and ``mcse`` (Monte Carlo standard error of the median).
    """
    rows = []
    for name in order:
        sub = summary[summary["scenario"] == name]
        draws = sub["draw"] if "draw" in sub else None
        for col in SHOWN:
            o = CATALOGUE[col]
            q = quantiles(sub[col], censored=o.censored)
            rows.append({"scenario": name, "outcome": col, "label": o.label, "unit": o.unit, **q, "replications": len(sub),
                         **_uncertainty(sub[col], draws, o.censored, horizon, col in RATIOS)})
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
    """One row per (scenario, outcome) of paired differences against the reference scenario (with draws: their parts)."""
    rows = []
    for name, sub in paired.groupby("scenario", sort=False):
        for col, (label, unit) in paired_names().items():
            if col == INCREMENTAL_COST:
                rows.append({"scenario": name, "reference": sub["reference"].iloc[0], "outcome": col, "label": label,
                             "unit": unit, **incremental_ratio(sub), "parameter_share": np.nan, "mcse": np.nan})
                continue
            known = sub[col].dropna()
            draws = sub.loc[known.index, "draw"] if "draw" in sub else None
            rows.append({"scenario": name, "reference": sub["reference"].iloc[0], "outcome": col, "label": label,
                         "unit": unit, **quantiles(known), "pairs": len(known),
                         **_uncertainty(known, draws, censored=False, horizon=None, ratio=col in RATIOS)})
    return pd.DataFrame(rows)


def incremental_ratio(pairs: pd.DataFrame, resamples: int = 1000, seed: int = 0) -> dict[str, float]:
    """Extra cost per extra patient: the mean cost increment over the mean patient increment, over ALL pairs.

    No pair is dropped (a pair where collaboration reached fewer patients counts as it is). The 90%
    interval is a bootstrap over pairs, resampling whole parameter draws where the pairs drew them.
    NaN when the mean patient increment is not positive (the ratio then means nothing).
    """
    cost, extra = pairs["cost_all_payers_eur"].to_numpy(float), pairs["patients_final"].to_numpy(float)
    ok = np.isfinite(cost) & np.isfinite(extra)
    cost, extra = cost[ok], extra[ok]
    n = int(ok.sum())
    out = {"median": np.nan, "low": np.nan, "high": np.nan, "reached": np.nan, "pairs": n}
    if n == 0 or extra.mean() <= 0:
        return out
    draws = pairs["draw"].to_numpy()[ok] if "draw" in pairs else None
    num, den = resampled_sums([cost, extra], draws, 0x1CE2, resamples, seed)
    boot = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.inf)  # no extra patients in a resample: no finite ratio
    low, high = np.quantile(boot, [0.05, 0.95], method="inverted_cdf")
    out.update(median=float(cost.mean() / extra.mean()), low=float(low), high=float(high))
    return out


# --- the team's time and money ------------------------------------------------------------------------
TEAM_OUTCOMES = ("team_hours", "team_in_kind_cost_eur", "facilitation_cost_eur", "budget_unspent_eur", "months_time_bound",
                 "months_money_bound")


def team_numbers(summary: pd.DataFrame, order: list[str]) -> dict[str, dict[str, float]]:
    """Per scenario with a team (hours given or money spent): the median of each team outcome over replications.

    Which constraint binds: ``months_time_bound`` counts the months in which the team's hours allowed
    fewer support places than its money, ``months_money_bound`` the reverse.
    """
    out: dict[str, dict[str, float]] = {}
    for name in order:
        sub = summary[summary["scenario"] == name]
        if not all(c in sub for c in TEAM_OUTCOMES) or sub.empty:
            continue
        if sub["team_hours"].max() <= 0 and sub["facilitation_cost_eur"].max() <= 0:
            continue
        out[name] = {c: float(sub[c].median()) for c in TEAM_OUTCOMES}
    return out


class StudyNumbers:
    """A comparison's summary tables, each computed once, when first asked for.

    With parameter draws each table takes about a second at 2,000 pairs (every median's Monte Carlo
    error resamples whole draws). A run prints them and its report says them, so the run hands its
    numbers to the report instead of the report computing them again from the folder it just wrote.
    """

    def __init__(self, summary: pd.DataFrame, paired: pd.DataFrame | None, order: list[str], horizon: int,
                 innovations: pd.DataFrame | None = None) -> None:
        self.summary, self.paired, self.order, self.horizon, self.innovations = summary, paired, order, horizon, innovations

    @cached_property
    def outcomes(self) -> pd.DataFrame:
        """:func:`outcome_table` of every scenario."""
        return outcome_table(self.summary, self.order, self.horizon)

    @cached_property
    def differences(self) -> pd.DataFrame | None:
        """:func:`difference_table` against the reference; None without a second scenario."""
        if self.paired is None or not len(self.paired) or len(self.order) < 2:
            return None
        return difference_table(self.paired)

    @cached_property
    def team(self) -> dict[str, dict[str, float]]:
        """:func:`team_numbers` of every scenario with a team."""
        return team_numbers(self.summary, self.order)

    @cached_property
    def claims(self) -> pd.DataFrame:
        """:func:`~diffusion_sim.analysis.claims.answer_claims` (no rows without a second scenario)."""
        return answer_claims(self.summary, self.paired, self.order, self.horizon, self.innovations)


# --- which assumption to measure first ----------------------------------------------------------------
# the outcomes a decision turns on (labels in publish/words.py, "decision_<key>")
DECISION_OUTCOMES = ("patients_12m_difference", "patients_final_difference", "patient_target_reached",
                     "adoption_target_reached")


def decision_outcomes(summary: pd.DataFrame, paired: pd.DataFrame | None, order: list[str]) -> pd.DataFrame:
    """The outcomes a decision turns on, one value per replication (with its draw), for each strategy against the reference.

    Paired differences in patients at 12 months and at the horizon, and whether each target was met
    (the patient target within its months; the adoption target by the horizon: ``outcomes``) in the
    strategy itself: an indicator whose mean per draw is the chance of the target under that draw.
    Columns are ``<key>:<strategy>`` (keys: :data:`DECISION_OUTCOMES`).
    """
    columns: dict[str, np.ndarray] = {}
    for name in order[1:]:
        if paired is not None:
            mine = paired[paired["scenario"] == name]
            columns[f"patients_12m_difference:{name}"] = mine[PATIENTS_IN_YEAR].to_numpy()
            columns[f"patients_final_difference:{name}"] = mine["patients_final"].to_numpy()
        own = summary[summary["scenario"] == name]
        columns[f"patient_target_reached:{name}"] = (own[PATIENTS_IN_YEAR] >= PATIENT_TARGET).astype(float).to_numpy()
        columns[f"adoption_target_reached:{name}"] = (own["share_adopted_final"] >= ADOPTION_TARGET).astype(float).to_numpy()
    frame = pd.DataFrame(columns)
    frame["draw"] = summary.loc[summary["scenario"] == order[0], "draw"].to_numpy()
    return frame


def drawn_parameters(draws: pd.DataFrame) -> pd.DataFrame:
    """One row per parameter draw, one column per parameter that varies between draws.

    A parameter tied to another (a fixed multiple of it, such as chain partners' uptake in a fitted
    posterior) says nothing the other does not: it is kept once, under the first name.
    """
    first = draws[draws["scenario"] == draws["scenario"].iloc[0]]
    theta = first.drop(columns=["scenario", "replication"]).groupby("draw").first()
    theta = theta.loc[theta.index >= 0, [c for c in theta.columns if theta[c].nunique(dropna=True) > 1]]
    theta = theta.astype(float)
    corr = np.corrcoef(theta.to_numpy().T) if theta.shape[1] > 1 else np.ones((1, 1))  # every pair at once
    keep: list[int] = []
    for j in range(theta.shape[1]):
        if not any(abs(corr[j, k]) > 1 - 1e-9 for k in keep):
            keep.append(j)
    return theta.iloc[:, keep]


def assumption_ranking(summary: pd.DataFrame, paired: pd.DataFrame | None, draws: pd.DataFrame, order: list[str],
                       resamples: int = 200, seed: int = 0) -> pd.DataFrame | None:
    """Each uncertain parameter's first-order share of each decision outcome's variance over the draws.

    Uses only the replications already run (their draws and outcomes). None when the replications
    did not draw parameters, or drew too few (fewer than 20 draws).
    """
    if "draw" not in summary or (summary["draw"] < 0).all():
        return None
    theta = drawn_parameters(draws)
    if len(theta) < 20 or theta.shape[1] == 0:
        return None
    outcomes = decision_outcomes(summary, paired, order).groupby("draw").mean().loc[theta.index]
    table = rank_parameters(theta, outcomes, resamples=resamples, seed=seed)
    table["residual"] = table["parameter"] == RESIDUAL
    # the noise floor: the largest share any parameter gets once its values are shuffled over the draws
    # (so it explains nothing): with few draws and many parameters, the top of a ranking can be this noise
    shuffled = theta.apply(lambda c: np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x5EED,)))
                           .permutation(c.to_numpy())).set_axis(theta.index)
    null = rank_parameters(shuffled, outcomes, resamples=0, seed=seed)
    floor = null[null["parameter"] != RESIDUAL].groupby("outcome", sort=False)["share"].max()
    table["noise_floor"] = table["outcome"].map(floor)
    table["draws"] = len(theta)
    table.attrs["draws"] = len(theta)
    return table
