"""The initiative's claims as the model can answer them: when each holds in a run, its chance, and a verdict in words.

Multinnoveren makes four claims (its own words, translated; DOMAIN.md sec. 1; the targets themselves
are set once, in :mod:`diffusion_sim.outcomes`):

1. with regional collaboration, within a year at least one proven innovation reaches the patient
   target (:data:`PATIENTS_IN_YEAR_CLAIM`);
2. next, several proven innovations reach the adoption target among the organisations with the
   matching target group (:data:`ADOPTION_CLAIM`; for a portfolio every innovation must reach it);
3. the share of scale-ups that succeed goes up from the 35% that reach the patient today (answered
   by ``diffusion-sim population``, not by a comparison of one innovation);
4. the region saves development time and cost (answered from the paired differences of a comparison).

A claim about one strategy **holds in a run** when that run meets the target; its **chance** is the
share of runs in which it holds, over parameter draws and chance alike, with a 90% interval from a
bootstrap over the draws (replications sharing a draw are resampled together). The **verdict** puts
the chance into the calibrated-language scale of the IPCC (Mastrandrea et al. 2010, *Guidance Note for
Lead Authors of the IPCC Fifth Assessment Report on Consistent Treatment of Uncertainties*), whose
ranges nest; here each chance gets the narrowest range that holds it, so the words never overlap.

This module only computes: it runs nothing and formats nothing (words in ``publish/words.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from diffusion_sim.analysis.uncertainty import resampled_sums
from diffusion_sim.outcomes import (
    ADOPTION_TARGET,
    MONTHS_TO_ADOPTION,
    MONTHS_TO_PATIENTS,
    PATIENT_TARGET,
    PATIENTS_IN_USE,
    PATIENTS_IN_YEAR,
)

# The IPCC's likelihood terms, narrowest first: (lowest chance, key). "about as likely as not" is 33-66%.
LIKELIHOOD_SCALE: tuple[tuple[float, str], ...] = (
    (0.99, "virtually_certain"),
    (0.90, "very_likely"),
    (0.66, "likely"),
    (0.33, "about_as_likely_as_not"),
    (0.10, "unlikely"),
    (0.01, "very_unlikely"),
    (0.0, "exceptionally_unlikely"),
)
# Below this chance a claim gets "what it would take" (the "say, 80%"; ASSUMPTION: a funder's bar).
CHANCE_WANTED = 0.80
# the claims `diffusion-sim what-it-takes` searches (analysis/search.py CLAIMS); claim 4 is read off the costs table
SEARCHED_CLAIMS = ("patients_in_year", "adoption_target")


def likelihood(chance: float) -> str:
    """The calibrated-language key of a chance (``publish/words.py`` has the words): 0.85 -> ``likely``."""
    if not np.isfinite(chance):
        return "unknown"
    for lowest, key in LIKELIHOOD_SCALE:
        if chance >= lowest:
            return key
    return LIKELIHOOD_SCALE[-1][1]


@dataclass(frozen=True)
class Claim:
    """One claim about one strategy's runs: when it holds, and the outcome it is measured on."""

    key: str
    outcome: str  # the summary column the target is measured on
    holds: Callable[[pd.DataFrame], np.ndarray]  # summary rows of one strategy -> whether the claim holds in each


PATIENTS_IN_YEAR_CLAIM = Claim(
    "patients_in_year", PATIENTS_IN_YEAR,
    lambda rows: (rows[PATIENTS_IN_YEAR] >= PATIENT_TARGET).to_numpy(),
)
ADOPTION_CLAIM = Claim(
    "adoption_target", "share_adopted_final",
    # reached within the horizon (a portfolio: when every innovation has reached it, outcomes.summarise)
    lambda rows: rows[MONTHS_TO_ADOPTION].notna().to_numpy(),
)
CLAIMS: dict[str, Claim] = {c.key: c for c in (PATIENTS_IN_YEAR_CLAIM, ADOPTION_CLAIM)}


def chance(holds: np.ndarray, draws: np.ndarray | None = None, resamples: int = 1000, seed: int = 0,
           level: float = 0.90) -> dict[str, float]:
    """The share of runs in which a claim holds, with a bootstrap interval over the draws (or the runs).

    Replications that share a parameter draw are correlated, so whole draws are resampled; without
    draws (or draw -1) every run is its own block.
    """
    h = np.asarray(holds, dtype=float)
    n = h.size
    if n == 0:
        return {"chance": np.nan, "low": np.nan, "high": np.nan, "runs": 0}
    sums, sizes = resampled_sums([h, np.ones(n)], draws, 0xC1A1, resamples, seed)
    boot = sums / sizes
    tails = ((1.0 - level) / 2.0, (1.0 + level) / 2.0)
    low, high = np.quantile(boot, tails)
    return {"chance": float(h.mean()), "low": float(low), "high": float(high), "runs": int(n)}


def claim_chance(claim: Claim | str, rows: pd.DataFrame, **kwargs: float) -> dict[str, float]:
    """The chance that ``claim`` holds over one strategy's summary rows (with their ``draw`` column if any)."""
    c = CLAIMS[claim] if isinstance(claim, str) else claim
    draws = rows["draw"].to_numpy() if "draw" in rows else None
    out = chance(c.holds(rows), draws, **kwargs)
    return {**out, "likelihood": likelihood(out["chance"])}


# --- times to a target, censored at the horizon ---------------------------------------------------------
def restricted_mean_months(months: np.ndarray | pd.Series, horizon: int) -> float:
    """Mean months to a target within the horizon: a run that never reaches it counts the whole horizon.

    This is the restricted mean time (the area under the not-yet-reached curve up to the horizon). It
    is exact whatever share of runs reaches the target, and a strategy that never reaches it scores
    ``horizon``: a saving computed from it is a saving *within the horizon*, not a lower bound that
    grows with the horizon without end.
    """
    t = _within(months, horizon)
    return float(np.mean(t)) if t.size else np.nan


def _within(months: np.ndarray | pd.Series, horizon: int) -> np.ndarray:
    """Months to a target, a run that never reaches it (NaN) counted as the whole horizon."""
    t = np.asarray(months, dtype=float)
    return np.where(np.isnan(t), horizon, np.minimum(t, horizon))


def share_reached_by(months: np.ndarray | pd.Series, horizon: int) -> np.ndarray:
    """The share of runs that have reached a target by each month 0..horizon (its cumulative distribution)."""
    t = np.asarray(months, dtype=float)
    steps = np.arange(horizon + 1)
    return (t[None, :] <= steps[:, None]).mean(axis=1) if t.size else np.full(steps.size, np.nan)


def months_saved_within(reference: pd.Series, other: pd.Series, horizon: int, draws: np.ndarray | None = None,
                        resamples: int = 1000, seed: int = 0) -> dict[str, float]:
    """Restricted mean months saved to a target within the horizon (paired), with a bootstrap interval over draws."""
    saved = _within(reference, horizon) - _within(other, horizon)
    n = saved.size
    if n == 0:
        return {"mean": np.nan, "low": np.nan, "high": np.nan, "pairs": 0}
    sums, sizes = resampled_sums([saved, np.ones(n)], draws, 0x5AFE, resamples, seed)
    boot = sums / sizes
    low, high = np.quantile(boot, [0.05, 0.95])
    return {"mean": float(saved.mean()), "low": float(low), "high": float(high), "pairs": n,
            "reference_never": float(np.isnan(reference.to_numpy(float)).mean()),
            "other_never": float(np.isnan(other.to_numpy(float)).mean())}


# --- the claims table -------------------------------------------------------------------------------------
def _interval(values: pd.Series) -> dict[str, float]:
    v = values.dropna().to_numpy(float)
    if v.size == 0:
        return {"median": np.nan, "median_low": np.nan, "median_high": np.nan}
    lo, med, hi = np.quantile(v, [0.05, 0.5, 0.95])
    return {"median": float(med), "median_low": float(lo), "median_high": float(hi)}


def saves_time_and_cost(pairs: pd.DataFrame) -> np.ndarray:
    """Claim 4 in a pair: set-up cost per organisation that started is lower, and its months to routine use no longer.

    Measured per organisation that took it up, so a strategy is not credited for reaching fewer; a
    pair in which either strategy has no adopter cannot show a saving (it does not hold).
    """
    cost = pairs["setup_cost_per_adopter_eur"].to_numpy(float)
    months = pairs["setup_months_per_adopter"].to_numpy(float)
    return (np.nan_to_num(cost, nan=np.inf) < 0) & (np.nan_to_num(months, nan=np.inf) <= 0)


def answer_claims(summary: pd.DataFrame, paired: pd.DataFrame | None, order: list[str], horizon: int,
                  innovations: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (claim, strategy other than the reference): its chance, verdict and the number it is measured on.

    Columns: ``claim``, ``strategy``, ``chance``, ``low``, ``high`` (90% interval over draws),
    ``likelihood`` (key of :data:`LIKELIHOOD_SCALE`), ``median``, ``median_low``, ``median_high`` (of
    the outcome the target is measured on, in ``unit``), ``short`` (whether the chance is below
    :data:`CHANCE_WANTED`) and ``detail`` (a dict of further numbers for the words: patients in use in
    month 12, months to the target, the gap to 70%, restricted mean months saved, per innovation).
    Claim 3 (the share of scale-ups that succeed) is not a property of one comparison: it is
    ``diffusion-sim population``'s answer, and has no row here.
    """
    rows = []
    ref = summary[summary["scenario"] == order[0]].reset_index(drop=True)
    for name in order[1:]:
        own = summary[summary["scenario"] == name].reset_index(drop=True)
        draws = own["draw"].to_numpy() if "draw" in own else None

        c1 = claim_chance(PATIENTS_IN_YEAR_CLAIM, own)
        in_use = _interval(own[PATIENTS_IN_USE]) if PATIENTS_IN_USE in own else {}
        rows.append({"claim": "patients_in_year", "strategy": name, **c1, **_interval(own[PATIENTS_IN_YEAR]),
                     "unit": "patients", "detail": {"in_use": in_use, "reference": claim_chance(PATIENTS_IN_YEAR_CLAIM, ref),
                                                    "months_to": _months(own, MONTHS_TO_PATIENTS, horizon)}})

        c2 = claim_chance(ADOPTION_CLAIM, own)
        gap = _interval(ADOPTION_TARGET - own["share_adopted_final"])
        detail: dict = {"months_to": _months(own, MONTHS_TO_ADOPTION, horizon), "gap": gap,
                        "reference": claim_chance(ADOPTION_CLAIM, ref)}
        if innovations is not None and not innovations.empty:
            detail["innovations"] = _per_innovation(innovations[innovations["scenario"] == name], horizon)
        rows.append({"claim": "adoption_target", "strategy": name, **c2, **_interval(own["share_adopted_final"]),
                     "unit": "share", "detail": detail})

        if paired is not None and not paired.empty:
            pairs = paired[paired["scenario"] == name].reset_index(drop=True)
            holds = saves_time_and_cost(pairs)
            c4 = chance(holds, pairs["draw"].to_numpy() if "draw" in pairs else None)
            saved = {t: months_saved_within(ref[t], own[t], horizon, draws) for t in (MONTHS_TO_PATIENTS, MONTHS_TO_ADOPTION)}
            rows.append({"claim": "time_and_cost", "strategy": name, **c4, "likelihood": likelihood(c4["chance"]),
                         **_interval(pairs["setup_cost_per_adopter_eur"]), "unit": "EUR",
                         "detail": {"setup_months": _interval(pairs["setup_months_per_adopter"]), "months_saved": saved}})
    table = pd.DataFrame(rows)
    if not table.empty:
        table["short"] = table["chance"] < CHANCE_WANTED
    return table


def _months(rows: pd.DataFrame, column: str, horizon: int) -> dict[str, float]:
    """When a target is reached: the share of runs by the horizon, the median month (NaN if most miss it), the restricted mean."""
    t = rows[column]
    reached = float(t.notna().mean()) if len(t) else np.nan
    median = float(t.median()) if reached >= 0.5 else np.nan
    return {"reached": reached, "median": median, "restricted_mean": restricted_mean_months(t, horizon)}


def _per_innovation(innovations: pd.DataFrame, horizon: int) -> list[dict]:
    """Claim 2 per innovation of a portfolio: its chance of 70%, when, and how far short it falls."""
    out = []
    for (position, innovation), sub in innovations.groupby(["position", "innovation"], sort=True):
        holds = sub[MONTHS_TO_ADOPTION].notna().to_numpy()
        out.append({"innovation": innovation, "position": int(position),
                    **chance(holds, sub["draw"].to_numpy() if "draw" in sub else None),
                    "months_to": _months(sub, MONTHS_TO_ADOPTION, horizon),
                    "share": _interval(sub["share_adopted_final"]),
                    "gap": _interval(ADOPTION_TARGET - sub["share_adopted_final"])})
    return out


def answers_with_population(answers: pd.DataFrame, population: dict | None = None) -> list[dict]:
    """The claims table's rows in the initiative's order, with claim 3 after claim 2 (answered or pointing elsewhere).

    ``population`` is ``diffusion-sim population``'s answer, if one was run
    (:func:`diffusion_sim.analysis.population.population_answer` reads it from its folder: the isolated
    and collaborative success shares, their paired ``difference`` with ``median``, ``low`` and ``high``,
    and ``chance_higher``); without it claim 3's row says where its answer comes from.
    """
    rows = answers.to_dict("records") if not answers.empty else []
    out: list[dict] = []
    for row in rows:
        out.append(row)
        if row["claim"] == "adoption_target" and row is rows[[r["claim"] for r in rows].index("adoption_target")]:
            out.append({"claim": "scale_ups", "strategy": "", "population": population})
    return out
