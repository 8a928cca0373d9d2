"""What it would take: the search finds known thresholds and the cheapest of substitutes, pairs its runs, is
deterministic, and bad input is one line with exit status 2 and nothing written."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS
from typer.testing import CliRunner

from diffusion_sim.analysis.search import (
    SearchOptions,
    answer_of,
    categories,
    default_levers,
    parse_levers,
    search,
    set_argument,
)
from diffusion_sim.cli import app
from diffusion_sim.errors import ResultsError, ScenarioError
from diffusion_sim.outcomes import PATIENTS_IN_YEAR
from diffusion_sim.params import change
from diffusion_sim.scenario import load_scenario
from diffusion_sim.studies.search import evaluation_base, run_search, scenario_for, search_row

COLLAB = SCENARIOS / "zuidwest-collaborative.toml"
SCREEN, CONFIRM = 100, 400
TEAM, BUDGET, PROFILE = "facilitation.team_members", "facilitation.budget_eur_per_year", "innovation.profile"


@pytest.fixture(scope="module")
def collab():
    return load_scenario(COLLAB)


def synthetic(patients, cost_of, calls=None):
    """An evaluate function for the search: ``patients(setting, replications)`` and ``cost_of(setting)`` per run.

    Replications 0..SCREEN-1 screen, the next CONFIRM confirm; two replications share a draw, as in the model.
    """
    def evaluate(settings, phase):
        reps = np.arange(SCREEN) if phase == "screen" else np.arange(SCREEN, SCREEN + CONFIRM)
        frames = []
        for s in settings:
            if calls is not None:
                calls.append((phase, dict(s)))
            money, time, insurer = cost_of(s)
            frames.append(pd.DataFrame({
                PATIENTS_IN_YEAR: patients(s, reps), "share_adopted_final": 0.0, "months_to_70pct": np.nan,
                "draw": reps // 2, "replication": reps, "facilitation_cost_eur": float(money),
                "team_in_kind_cost_eur": float(time), "insurer_cost_eur": float(insurer), "implementation_cost_eur": 1000.0,
            }))
        return frames
    return evaluate


def options(**kw):
    return SearchOptions(screen=SCREEN, confirm=CONFIRM, budget=kw.pop("budget", 100_000), **kw)


def test_a_known_threshold_is_found_exactly(collab):
    # replication r holds once the team has at least 5 + r % 10 people: the chance is (team - 4) / 10 on the
    # screening and the confirmation runs alike, so 80% is reached at exactly 12 people; the budget only costs
    def patients(s, reps):
        need = 5 + reps % 10
        return np.where(s.get(TEAM, 6) >= need, 1000.0, 999.0 * s.get(TEAM, 6) / need)

    levers = parse_levers([f"{TEAM}=0:20", f"{BUDGET}=0:200000:1000"], collab, "patients_in_year")
    out = search("patients_in_year", levers, collab, synthetic(patients, lambda s: (s.get(BUDGET, 1e4), 500 * s.get(TEAM, 6), 0)),
                 options())
    a = out.answer
    assert a["verdict"] == "reachable" and a["reachable"] and not a["already_holds"]
    assert a["changes"] == {TEAM: 12, BUDGET: 0.0} and a["set_args"] == [f"{TEAM}=12", f"{BUDGET}=0"]
    assert a["chance"] == pytest.approx(0.8) and a["runs"] == CONFIRM and a["low"] < 0.8 < a["high"]
    assert not a["margin_clear"]  # accepted on its chance; the interval reaches below 80% and the answer says so
    assert a["cost_eur"] == 6000 and a["cost_parts"] == {"team_money_eur": 0.0, "team_time_eur": 6000.0, "insurer_eur": 0.0}
    assert a["scenario"]["chance"] == pytest.approx(0.2) and a["closest"] is None
    assert a["search"]["runs"] <= 100_000 and not a["search"]["stopped_by_budget"]


def test_the_cheapest_of_two_substitutes_is_found(collab):
    # each person brings 100 patients for EUR 300, each EUR 100 of budget one patient: the least costly way to
    # 1,000 patients is 10 people and no budget, although the path from the scenario raises both together
    levers = parse_levers([f"{TEAM}=0:20", f"{BUDGET}=0:200000:1000"], collab, "patients_in_year")
    ev = synthetic(lambda s, reps: np.full(reps.size, 100.0 * s[TEAM] + s[BUDGET] / 100) if s else np.zeros(reps.size),
                   lambda s: (s.get(BUDGET, 0), 300 * s.get(TEAM, 0), 0))
    a = search("patients_in_year", levers, collab, ev, options()).answer
    assert a["changes"] == {TEAM: 10, BUDGET: 0.0} and a["cost_eur"] == 3000 and a["chance"] == 1.0


def test_the_innovation_is_a_choice_and_moves_the_origin(collab):
    need = {"heart-failure-telemonitoring": 15, "copd-remote-monitoring": 8, "structured-medication-review": 3}
    levers = parse_levers([f"{TEAM}=0:20", PROFILE], collab, "patients_in_year")
    ev = synthetic(lambda s, reps: np.full(reps.size, 1000.0 if s and s[TEAM] >= need[s[PROFILE]] else 0.0),
                   lambda s: (0, 1000 * s.get(TEAM, 6), 0))
    a = search("patients_in_year", levers, collab, ev, options()).answer
    assert a["changes"] == {TEAM: 3, PROFILE: "structured-medication-review", "origin.org_type": "pharmacy"}
    assert a["cost_eur"] == 3000
    assert set_argument(PROFILE, "structured-medication-review") == f"{PROFILE}=structured-medication-review"


def test_not_reachable_gives_the_closest_setting_trimmed_of_what_does_not_help(collab):
    # reach grows by 40 a person up to 10 people, then by 1: never 1,000; the closest setting keeps 95% of the
    # best progress (410 patients at 20 people), which 10 people give (400)
    levers = parse_levers([f"{TEAM}=0:20", f"{BUDGET}=0:200000:1000"], collab, "patients_in_year")
    ev = synthetic(lambda s, reps: np.full(reps.size, 40.0 * min(s.get(TEAM, 6), 10) + max(s.get(TEAM, 6) - 10, 0)),
                   lambda s: (s.get(BUDGET, 1e4), 100 * s.get(TEAM, 6), 0))
    a = search("patients_in_year", levers, collab, ev, options()).answer
    assert a["verdict"] == "not_reachable" and not a["reachable"]
    assert a["changes"] == {TEAM: 10, BUDGET: 0.0} and a["chance"] == 0 and a["closest"]["changes"] == a["changes"]
    assert a["outcome"]["median"] == 400


def test_the_budget_bounds_the_search(collab):
    levers = parse_levers([f"{TEAM}=0:20", f"{BUDGET}=0:200000:1000"], collab, "patients_in_year")
    ev = synthetic(lambda s, reps: np.full(reps.size, 100.0 * s.get(TEAM, 0) + s.get(BUDGET, 0) / 100),
                   lambda s: (s.get(BUDGET, 0), 300 * s.get(TEAM, 0), 0))
    with pytest.raises(ScenarioError, match=r"--budget 500: too small for this search; it needs at least 1,000 runs"):
        search("patients_in_year", levers, collab, ev, options(budget=500))
    calls = []
    ev = synthetic(lambda s, reps: np.full(reps.size, 100.0 * s.get(TEAM, 0) + s.get(BUDGET, 0) / 100),
                   lambda s: (s.get(BUDGET, 0), 300 * s.get(TEAM, 0), 0), calls)
    a = search("patients_in_year", levers, collab, ev, options(budget=2_600)).answer
    used = sum(SCREEN if phase == "screen" else CONFIRM for phase, _ in calls)
    assert used == a["search"]["runs"] <= 2_600 and a["search"]["stopped_by_budget"]
    assert a["verdict"] == "reachable" and a["chance"] == 1.0 and "budget" in " ".join(a["search"]["notes"])


def test_default_levers_fit_the_claim(collab):
    one = {lv.name: lv for lv in default_levers(collab, "patients_in_year")}
    two = {lv.name: lv for lv in default_levers(collab, "adoption_target")}
    assert "simulation.months" not in one and two["simulation.months"].values[-1] == 120
    assert one["insurer.fixed_start_month"].values == (None, *range(12, 0, -1))
    assert one[TEAM].values[one[TEAM].start] == 6 and one[BUDGET].values[one[BUDGET].start] == 10_000
    assert one["insurer.cost_share"].values[-1] == 1.0 and len(one["insurer.cost_share"].values) == 21
    # whom first: every eligible type of each innovation (heart failure: hospitals, GP practices, home care)
    cats = categories([one["facilitation.priority_types"]], collab)
    assert [c["facilitation.priority_types"][0] for c in cats] == ["hospital", "gp_practice", "home_care"]


# ---------------------------------------------------------------------------- on the model
def tiny(claim="patients_in_year"):
    return SearchOptions(screen=6, confirm=8, budget=400)


# every barrier off and outside awareness high, on three municipalities and without parameter draws (chance only):
# 70% adoption comes within a few years
EASY = {"uncertainty.draws": False, "barriers.financial_weight": 0.0, "barriers.knowhow_weight": 0.0,
        "barriers.staff_weight": 0.0, "barriers.fit_weight": 0.0, "diffusion.p": 0.5,
        "region.municipalities": ["GM0664", "GM0687", "GM0654"]}


def test_the_horizon_that_makes_70pct_likely_is_found_on_a_small_region(collab, tmp_path):
    """A known threshold on the model: the least horizon within which 70% is reached in 80% of the runs.

    Established independently from one run of each replication over the longest horizon: the claim holds
    at horizon m in a run that reached 70% by month m (the first m months do not depend on the horizon).
    """
    from diffusion_sim.executors import run_all

    base = change(collab, EASY)
    opts = SearchOptions(screen=20, confirm=40, budget=2_000)
    long = pd.DataFrame(run_all([change(base, {"simulation.months": 96})], 60, reduce=search_row)[0])
    months = long["months_to_70pct"].to_numpy()
    screen, confirm = months[:20], months[20:]
    expected = min(m for m in range(12, 97) if np.mean(screen <= m) >= 0.8)
    assert 12 < expected < 96 and np.mean(confirm <= expected) >= 0.8  # so the screened threshold is also confirmed
    levers = parse_levers(["simulation.months=12:96"], base, "adoption_target")
    result, _ = run_search(base, str(COLLAB), "adoption_target", levers, tmp_path / "h", opts, workers=1)
    a = result.answer
    assert a["verdict"] == "reachable" and a["changes"] == {"simulation.months": expected} and a["months"] == expected
    assert a["chance"] == np.mean(confirm <= expected) and a["outcome"]["reached"] == a["chance"]


def test_settings_share_replications_and_draws(collab, tmp_path):
    """Common random numbers: every setting runs the same replications, each with the same parameter draw."""
    base = change(collab, {"simulation.seed": 7})
    levers = parse_levers([f"{TEAM}=0:8:4", "insurer.cost_share=0.5:1:0.5"], base, "patients_in_year")
    result, folder = run_search(base, str(COLLAB), "patients_in_year", levers, tmp_path / "w", tiny(), workers=1)
    runs = pd.read_parquet(folder / "runs.parquet")
    for phase, reps in (("screen", set(range(6))), ("confirm", set(range(6, 14)))):
        sub = runs[runs["phase"] == phase]
        assert all(set(g["replication"]) == reps for _, g in sub.groupby("setting"))
        assert (sub.groupby("replication")["draw"].nunique() == 1).all()
    # minimally different worlds: within 12 months the insurer pays nothing, so its share changes no run
    screen = runs[runs["phase"] == "screen"]
    settings = result.settings[result.settings["phase"] == "screen"]
    pairs = settings.groupby(TEAM)["setting"].apply(list)
    same = [p for p in pairs if len(p) > 1]
    assert same, "no two settings differ in the insurer's share only"
    for ids in same:
        a, b = (screen[screen["setting"] == i].sort_values("replication")[PATIENTS_IN_YEAR].to_numpy() for i in ids[:2])
        assert np.array_equal(a, b)
    assert answer_of(folder) == json.loads(json.dumps(result.answer, default=str))


def test_a_changed_lever_is_held_out_of_the_draws_and_set_args_reproduce_it(collab):
    from diffusion_sim.analysis.search import changes_from
    from diffusion_sim.cli.common import parse_sets
    from diffusion_sim.draws import drawn

    s = scenario_for(evaluation_base(collab, "patients_in_year"), {"insurer.cost_share": 0.9, TEAM: 3})
    assert s.uncertainty.fixed == ("insurer.cost_share",) and s.simulation.months == 12
    assert drawn(s, 5)[0].insurer.cost_share == 0.9 and s.facilitation.team_members == 3
    # at the scenario's own value a lever is the scenario's: drawn as before, so nothing changes
    same = scenario_for(collab, {"insurer.cost_share": 0.5, TEAM: 6})
    assert same == collab and drawn(same, 5)[0].insurer.cost_share != 0.5
    assert scenario_for(collab, {}) is collab
    # what the answer prints as --set arguments gives the very scenario the search ran
    setting = {"insurer.cost_share": 1.0, PROFILE: "structured-medication-review", TEAM: 9,
               "facilitation.priority_types": ("pharmacy", "hospital", "home_care", "gp_practice")}
    args = [set_argument(k, v) for k, v in changes_from(collab, setting).items()]
    assert load_scenario(COLLAB, parse_sets(args)) == scenario_for(collab, setting)


def test_the_insurer_pays_its_share_of_set_up_costs_booked_while_it_reimburses(collab):
    from diffusion_sim.runner import run_replication

    p = change(collab, {"insurer.fixed_start_month": 1, "insurer.cost_share": 0.4, "uncertainty.draws": False,
                        "simulation.months": 24})
    rep = run_replication(p, 3)
    row = search_row(rep, p, None)
    assert row["insurer_cost_eur"] == pytest.approx(0.4 * rep.implementation_cost[1:].sum(), rel=1e-6)
    assert row["insurer_cost_eur"] > 0 and row["replication"] == 3


def test_the_search_is_deterministic(collab, tmp_path):
    levers = parse_levers([f"{TEAM}=0:8:4"], collab, "patients_in_year")
    one, _ = run_search(collab, str(COLLAB), "patients_in_year", levers, tmp_path / "a", tiny(), workers=1)
    two, _ = run_search(collab, str(COLLAB), "patients_in_year", levers, tmp_path / "b", tiny(), workers=2)
    pd.testing.assert_frame_equal(one.settings, two.settings)
    assert one.answer == two.answer


# ---------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("args, message", [
    (["--claim", "patients"], "--claim patients: unknown claim; did you mean 'patients_in_year'? Allowed: patients_in_year, "
                              "adoption_target"),
    (["--claim", "patients_in_year", "--lever", "facilitation.team_member=0:5"],
     "'facilitation.team_member' is not a lever a region controls; did you mean 'facilitation.team_members'?"),
    (["--claim", "patients_in_year", "--lever", "diffusion.q=0:1"], "'diffusion.q' is not a lever a region controls"),
    (["--claim", "patients_in_year", "--lever", "facilitation.team_members=0:5000"],
     "field 'facilitation.team_members': HIGH 5000 is outside the allowed 0 to 1000"),
    (["--claim", "patients_in_year", "--lever", "insurer.cost_share=0.8:0.2"], "LOW 0.8 is greater than HIGH 0.2"),
    (["--claim", "patients_in_year", "--lever", "insurer.cost_share=0:1:0"], "STEP 0 must be greater than 0"),
    (["--claim", "patients_in_year", "--lever", "simulation.months=12:60"], "the horizon is no lever for it"),
    (["--claim", "patients_in_year", "--lever", "innovation.profile=copd"],
     "field 'innovation.profile': unknown option 'copd'"),
    (["--claim", "patients_in_year", "--lever", "facilitation.knowledge_network=0:1"], "a switch is searched as"),
    (["--claim", "patients_in_year", "--wanted", "1.5"], "--wanted 1.5: the chance the claim must hold with"),
    (["--claim", "patients_in_year", "--budget", "100"], "--budget 100: too small for this search"),
    (["--claim", "patients_in_year", "--set", "facilitation.team_members=-1"], "field 'facilitation.team_members'"),
])
def test_bad_input_is_one_line_exit_2_nothing_written(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["what-it-takes", str(COLLAB), *args, "-q", "--out", str(tmp_path / "out")])
    assert res.exit_code == 2, res.output
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], res.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "results").exists()


def test_a_bad_scenario_names_its_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(f'extends = "{COLLAB}"\n[facilitation]\nteam_membrs = 3\n', encoding="utf-8")
    res = CliRunner().invoke(app, ["what-it-takes", str(bad), "--claim", "adoption_target", "-q", "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and str(bad) in res.output and "team_members" in res.output
    assert not (tmp_path / "o").exists()


def test_answer_of_refuses_another_folder(tmp_path):
    with pytest.raises(ResultsError, match="not a what-it-takes results folder"):
        answer_of(tmp_path)


def test_cli_prints_the_answer_at_80_columns_and_never_overwrites(tmp_path):
    out = tmp_path / "wit"
    args = ["what-it-takes", str(COLLAB), "--claim", "patients_in_year", "--lever", f"{TEAM}=0:8:4", "-n", "6",
            "--confirm", "8", "--budget", "400", "-w", "1", "-q", "--out", str(out), "--lang", "en"]
    res = CliRunner().invoke(app, args, env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert max(len(line) for line in lines[:-1] if not line.startswith("  --set ")) <= 80, res.output
    assert " ".join(lines[:2]).startswith("To reach 1,000 more patients within 12 months with a chance of at least 80%: "
                                          "not reachable")  # the answer in one sentence in --lang, then the details
    assert any(line.startswith("What it would take: patients_in_year") for line in lines) and "NOT REACHABLE" in res.output
    a = answer_of(out)
    assert a["verdict"] == "not_reachable" and a["claim"] == "patients_in_year"
    assert {"settings.csv", "runs.parquet", "answer.csv", "manifest.json"} <= {p.name for p in out.iterdir()}
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 2 and "already exists" in again.output


def test_the_answer_reads_as_one_sentence_in_dutch_and_english(collab):
    from diffusion_sim.publish.words import what_it_takes_sentence

    def patients(s, reps):
        return np.where(s.get(TEAM, 6) >= 5 + reps % 10, 1000.0, 0.0)

    levers = parse_levers([f"{TEAM}=0:20", "insurer.cost_share"], collab, "patients_in_year")
    a = search("patients_in_year", levers, collab, synthetic(patients, lambda s: (0, 500 * s.get(TEAM, 6), 0)), options()).answer
    en, nl = what_it_takes_sentence(a, "en"), what_it_takes_sentence(a, "nl")
    assert en.startswith("To reach 1,000 more patients within 12 months with a chance of at least 80% it would take "
                         "a team of 12 people. The claim then holds with a chance of 80% (90% interval ")
    assert nl.startswith("Om 1.000 extra patiënten binnen 12 maanden met minstens 80% kans te halen is nodig: een team van 12 ")
    assert "€\u00a06.000" in nl and "team of" not in nl
    closest = {**a, "verdict": "not_reachable", "reachable": False}
    assert "niet haalbaar binnen de onderzochte knoppen" in what_it_takes_sentence(closest, "nl")
    assert "budget" in what_it_takes_sentence({**a, "verdict": "undecided", "chance": None}, "en")
