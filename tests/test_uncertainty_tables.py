"""What compare and the report say about parameter uncertainty: the split of each spread, the MC error, the ranking, the team."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.conftest import SCENARIOS
from typer.testing import CliRunner

from diffusion_sim.analysis.summary import assumption_ranking, decision_outcomes, drawn_parameters, outcome_table
from diffusion_sim.cli import app
from diffusion_sim.outcomes import PATIENT_TARGET, PATIENTS_IN_YEAR, SHOWN
from diffusion_sim.publish.words import team_sentence


def synthetic(n_draws: int = 300, per_draw: int = 2, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A two-scenario study whose paired difference depends on parameter ``a`` only (``c`` is tied to ``a``)."""
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0, 1, n_draws), rng.uniform(0, 1, n_draws)
    draw = np.repeat(np.arange(n_draws), per_draw)
    reps = draw.size
    base = {c: np.zeros(reps) for c in SHOWN}
    rows = []
    for name, effect in (("iso", 0.0), ("col", 1.0)):
        frame = pd.DataFrame(base)
        frame["scenario"], frame["replication"], frame["draw"] = name, np.arange(reps), draw
        frame["patients_final"] = 100 + effect * 400 * a[draw] + rng.normal(0, 40, reps)
        frame[PATIENTS_IN_YEAR] = effect * 1500 * (a[draw] > 0.5) + rng.normal(0, 10, reps)
        frame["share_adopted_final"] = 0.1 + effect * 0.2 * b[draw]
        frame["months_to_1000_patients"] = np.nan
        frame["months_to_70pct"] = np.nan
        rows.append(frame)
    summary = pd.concat(rows, ignore_index=True)
    iso, col = (summary[summary["scenario"] == s].reset_index(drop=True) for s in ("iso", "col"))
    paired = pd.DataFrame({"replication": np.arange(reps), "scenario": "col", "reference": "iso", "draw": draw,
                           PATIENTS_IN_YEAR: col[PATIENTS_IN_YEAR] - iso[PATIENTS_IN_YEAR],
                           "patients_final": col["patients_final"] - iso["patients_final"]})
    draws = pd.concat([pd.DataFrame({"scenario": s, "replication": np.arange(reps), "draw": draw, "p.a": a[draw],
                                     "p.b": b[draw], "p.c": 2 * a[draw]}) for s in ("iso", "col")], ignore_index=True)
    return summary, paired, draws


def test_the_split_of_a_spread_and_the_median_error_come_with_draws_only():
    summary, _, _ = synthetic()
    table = outcome_table(summary, ["iso", "col"], 60).set_index(["scenario", "outcome"])
    col = table.loc[("col", "patients_final")]
    # Var(400 a) = 400^2 / 12 = 13,333 against chance 40^2 = 1,600: parameters about 89%
    assert 0.8 < col["parameter_share"] < 0.95
    assert 0 < col["mcse"] < 20
    iso = table.loc[("iso", "patients_final")]
    assert iso["parameter_share"] < 0.2  # the reference does not depend on the parameters
    no_draws = summary.assign(draw=-1)
    plain = outcome_table(no_draws, ["iso", "col"], 60)
    assert plain["parameter_share"].isna().all() and plain["mcse"].isna().all()


def test_the_ranking_puts_the_influential_parameter_first_drops_tied_ones_and_knows_its_noise():
    summary, paired, draws = synthetic()
    theta = drawn_parameters(draws)
    assert list(theta.columns) == ["p.a", "p.b"]  # p.c = 2 p.a says nothing more
    ranking = assumption_ranking(summary, paired, draws, ["iso", "col"], resamples=100)
    for outcome in ("patients_final_difference:col", "patients_12m_difference:col", "patient_target_reached:col"):
        rows = ranking[(ranking["outcome"] == outcome) & ~ranking["residual"]]
        first = rows.iloc[0]
        assert first["parameter"] == "p.a" and first["share"] > 0.5 and first["low"] > 0.3, outcome
        assert first["share"] > rows["noise_floor"].iloc[0]
        assert rows.iloc[1]["share"] <= rows["noise_floor"].iloc[0] + 0.05  # p.b explains nothing here
    adoption = ranking[(ranking["outcome"] == "adoption_target_reached:col")]
    assert adoption["share"].isna().all()  # 70% is never reached: nothing to rank
    assert assumption_ranking(summary.assign(draw=-1), paired, draws, ["iso", "col"]) is None


def test_decision_outcomes_are_the_paired_differences_and_the_targets():
    summary, paired, _ = synthetic(n_draws=10)
    frame = decision_outcomes(summary, paired, ["iso", "col"])
    col = summary[summary["scenario"] == "col"]
    assert np.array_equal(frame["patient_target_reached:col"], (col[PATIENTS_IN_YEAR] >= PATIENT_TARGET).astype(float))
    assert np.allclose(frame["patients_final_difference:col"], paired["patients_final"])


@pytest.mark.parametrize("time, money, words", [(45, 0, "people's time, not its money"), (0, 30, "its money, not"),
                                                  (0, 0, "equally many")])
def test_the_team_sentence_says_which_constraint_binds(time, money, words):
    q = {"team_hours": 2000, "team_in_kind_cost_eur": 120_000, "facilitation_cost_eur": 40_000, "budget_unspent_eur": 10_000,
         "months_time_bound": time, "months_money_bound": money}
    text = team_sentence("collaborative", q, 60, "en")
    assert words in text and "2,000 hours" in text and "unspent" in text
    assert "natura" in team_sentence("collaborative", q, 60, "nl")


def test_compare_prints_the_split_the_ranking_and_the_team_and_can_draw_nothing(tmp_path):
    files = [str(SCENARIOS / "zuidwest-isolated.toml"), str(SCENARIOS / "zuidwest-collaborative.toml")]
    runner = CliRunner()
    res = runner.invoke(app, ["compare", *files, "-n", "40", "--months", "24", "--out", str(tmp_path / "a"), "-q",
                              "--no-report"])
    assert res.exit_code == 0, res.output
    assert "param." in res.output and "MC ±" in res.output and "Which assumption to measure first" in res.output
    assert "the team gives" in res.output and "limits how many organisations" in res.output
    assert (pd.read_parquet(tmp_path / "a" / "summary.parquet")["draw"] >= 0).all()
    res = runner.invoke(app, ["compare", *files, "-n", "40", "--months", "24", "--out", str(tmp_path / "b"), "-q",
                              "--no-report", "--no-parameter-draws"])
    assert res.exit_code == 0, res.output
    assert "param." not in res.output and "Which assumption" not in res.output
    assert (pd.read_parquet(tmp_path / "b" / "summary.parquet")["draw"] == -1).all()
    assert not (tmp_path / "b" / "assumptions.parquet").exists()
