"""The claims: when each holds in a run, its chance with an interval over draws, and the calibrated words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diffusion_sim.analysis.claims import LIKELIHOOD_SCALE, chance, claim_chance, likelihood
from diffusion_sim.outcomes import MONTHS_TO_ADOPTION, PATIENT_TARGET, PATIENTS_IN_YEAR


@pytest.mark.parametrize("p, key", [(1.0, "virtually_certain"), (0.99, "virtually_certain"), (0.95, "very_likely"),
                                    (0.8, "likely"), (0.5, "about_as_likely_as_not"), (0.2, "unlikely"),
                                    (0.05, "very_unlikely"), (0.0, "exceptionally_unlikely"), (float("nan"), "unknown")])
def test_a_chance_gets_the_narrowest_ipcc_term(p, key):
    assert likelihood(p) == key
    assert [k for _, k in LIKELIHOOD_SCALE][::-1] == sorted((k for _, k in LIKELIHOOD_SCALE),
                                                             key=lambda k: dict((v, lo) for lo, v in LIKELIHOOD_SCALE)[k])


def test_a_claim_holds_where_the_target_is_met():
    rows = pd.DataFrame({PATIENTS_IN_YEAR: [PATIENT_TARGET - 1, PATIENT_TARGET, 5000, 0],
                         MONTHS_TO_ADOPTION: [np.nan, 30, np.nan, np.nan], "draw": [0, 0, 1, 1]})
    assert claim_chance("patients_in_year", rows)["chance"] == 0.5
    out = claim_chance("adoption_target", rows)
    assert out["chance"] == 0.25 and out["likelihood"] == "unlikely"


def test_the_interval_resamples_whole_draws_and_covers_the_truth():
    rng = np.random.default_rng(3)
    # each draw has its own chance (parameter uncertainty); replications within a draw share it
    p = rng.uniform(0, 1, 400)
    draws = np.repeat(np.arange(400), 2)
    holds = rng.random(800) < p[draws]
    out = chance(holds, draws)
    assert out["low"] < 0.5 < out["high"] and out["high"] - out["low"] < 0.12
    # certain and impossible claims have no spread
    assert chance(np.ones(10, bool))["low"] == 1.0 and chance(np.zeros(10, bool))["high"] == 0.0
