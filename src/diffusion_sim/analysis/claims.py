"""The initiative's claims as the model can answer them: when each holds in a run, its chance, and a verdict in words.

Multinnoveren makes four claims (its own words, translated; DOMAIN.md sec. 1):

1. with regional collaboration, within a year at least one proven innovation reaches at least
   1,000 more patients in the region (:data:`PATIENTS_IN_YEAR_CLAIM`);
2. next, several proven innovations reach at least 70% of the organisations with the matching target
   group (:data:`ADOPTION_CLAIM`; for a portfolio every innovation must reach it);
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

from diffusion_sim.outcomes import MONTHS_TO_ADOPTION, PATIENT_TARGET, PATIENTS_IN_YEAR

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
    blocks = np.arange(n) if draws is None or (np.asarray(draws) < 0).all() else np.asarray(draws)
    ids, codes = np.unique(blocks, return_inverse=True)
    sums = np.bincount(codes, weights=h, minlength=ids.size)
    sizes = np.bincount(codes, minlength=ids.size).astype(float)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0xC1A1,)))
    counts = rng.multinomial(ids.size, np.full(ids.size, 1.0 / ids.size), size=resamples).astype(float)
    boot = (counts @ sums) / (counts @ sizes)
    tails = ((1.0 - level) / 2.0, (1.0 + level) / 2.0)
    low, high = np.quantile(boot, tails)
    return {"chance": float(h.mean()), "low": float(low), "high": float(high), "runs": int(n)}


def claim_chance(claim: Claim | str, rows: pd.DataFrame, **kwargs: float) -> dict[str, float]:
    """The chance that ``claim`` holds over one strategy's summary rows (with their ``draw`` column if any)."""
    c = CLAIMS[claim] if isinstance(claim, str) else claim
    draws = rows["draw"].to_numpy() if "draw" in rows else None
    out = chance(c.holds(rows), draws, **kwargs)
    return {**out, "likelihood": likelihood(out["chance"])}
