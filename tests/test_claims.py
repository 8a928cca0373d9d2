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


def test_extra_cost_per_extra_patient_is_a_ratio_of_means_over_all_pairs():
    from diffusion_sim.analysis.summary import incremental_ratio

    # three pairs; the second reached fewer patients with collaboration and must not be dropped
    pairs = pd.DataFrame({"cost_all_payers_eur": [1000.0, 500.0, 3000.0], "patients_final": [10.0, -5.0, 25.0],
                          "draw": [0, 1, 2]})
    out = incremental_ratio(pairs)
    assert out["median"] == pytest.approx(4500.0 / 30.0)  # (1000 + 500 + 3000) / (10 - 5 + 25)
    assert out["pairs"] == 3 and out["low"] <= out["median"] <= out["high"]
    # dropping the pair with fewer patients would have given 4000 / 35: not what is reported
    assert out["median"] != pytest.approx(4000.0 / 35.0)
    assert np.isnan(incremental_ratio(pairs.assign(patients_final=[-1.0, -1.0, 0.0]))["median"])


def test_a_target_never_reached_counts_the_horizon_and_the_saving_stops_growing_there():
    from diffusion_sim.analysis.claims import months_saved_within, restricted_mean_months, share_reached_by

    never = pd.Series([np.nan] * 4)
    reached = pd.Series([10.0, 20.0, np.nan, 30.0])
    assert restricted_mean_months(never, 60) == 60.0
    assert restricted_mean_months(reached, 60) == pytest.approx((10 + 20 + 60 + 30) / 4)
    assert share_reached_by(reached, 60)[[9, 10, 30, 60]].tolist() == [0.0, 0.25, 0.75, 0.75]
    saved = {h: months_saved_within(never, reached.clip(upper=h), h)["mean"] for h in (60, 120)}
    # the reference never reaches it: the saving is bounded by the horizon and grows with it only up to it
    assert saved[60] == pytest.approx(60 - (10 + 20 + 60 + 30) / 4)
    assert saved[120] <= 120 and saved[120] > saved[60]
    assert months_saved_within(never, never, 60)["mean"] == 0.0


def test_claims_table_answers_a_certain_and_an_impossible_claim():
    from diffusion_sim.analysis.claims import answer_claims

    n = 40
    base = {PATIENTS_IN_YEAR: np.zeros(n), "patients_in_use_12m": np.zeros(n), "share_adopted_final": np.full(n, 0.1),
            MONTHS_TO_ADOPTION: np.full(n, np.nan), "months_to_1000_patients": np.full(n, np.nan),
            "replication": np.arange(n), "draw": np.arange(n) // 2}
    iso = pd.DataFrame({**base, "scenario": "iso"})
    col = pd.DataFrame({**base, "scenario": "col", PATIENTS_IN_YEAR: np.full(n, 5000.0), "share_adopted_final": 0.1})
    table = answer_claims(pd.concat([iso, col]), None, ["iso", "col"], 60).set_index("claim")
    assert table.loc["patients_in_year", "chance"] == 1.0 and table.loc["patients_in_year", "likelihood"] == "virtually_certain"
    assert table.loc["adoption_target", "chance"] == 0.0 and table.loc["adoption_target", "short"]
    assert table.loc["adoption_target", "detail"]["gap"]["median"] == pytest.approx(0.6)


def test_a_portfolios_adoption_claim_is_about_every_innovation_and_names_each():
    from diffusion_sim.publish.words import claim_texts

    inn = [{"innovation": name, "chance": 0.0, "share": {"median": share}, "gap": {"median": 0.7 - share}}
           for name, share in (("Home telemonitoring for heart failure", 0.07), ("Remote monitoring for COPD", 0.12))]
    row = {"claim": "adoption_target", "strategy": "col", "chance": 0.0, "low": 0.0, "high": 0.0,
           "likelihood": "exceptionally_unlikely", "median": 0.1, "median_low": 0.05, "median_high": 0.2, "short": True,
           "file": "portfolio.toml", "detail": {"months_to": {"median": float("inf")}, "gap": {"median": 0.6},
                                                "innovations": inn}}
    claim, _chance, finding, takes = claim_texts(row, ["iso", "col"], 60, "en")
    assert claim.startswith("Every innovation reaches 70%")
    assert "Remote monitoring for COPD: 0% chance; 12% use it, 58% short" in finding
    assert takes == "not searched yet: diffusion-sim what-it-takes portfolio.toml --claim adoption_target"
    one = {**row, "detail": {**row["detail"], "innovations": inn[:1]}}
    assert claim_texts(one, ["iso", "col"], 60, "en")[0].startswith("70% of the organisations with the target group")
