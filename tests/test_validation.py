"""The out-of-sample validation (issue #9): scenario and calendar, outcome functions by a second route, fit and prediction."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diffusion_sim.analysis import validation as V
from diffusion_sim.model import DiffusionModel, rules
from diffusion_sim.model.state import OrgState
from diffusion_sim.params import ORG_TYPES, change
from diffusion_sim.publish.analysis_figures import validation_figures
from diffusion_sim.region import build_region
from diffusion_sim.runner import record
from diffusion_sim.scenario import load_scenario
from diffusion_sim.studies import validate as S

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "validation-nl-2012.toml"
HOSPITAL = ORG_TYPES.index("hospital")


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SCENARIO)


# --------------------------------------------------------------------------- scenario and calendar
def test_scenario_calendar_maps_2016_to_the_reimbursement_month(scenario):
    s = scenario.simulation
    assert (s.start_year, s.start_month, s.months) == (2012, 1, 96)
    assert V.step_of(scenario, 2016, 1) == 49
    assert V.step_of(scenario, 2016, 6) == 54 == scenario.insurer.fixed_start_month  # HartWacht, June 2016
    assert (V.step_of(scenario, 2014, 12), V.step_of(scenario, 2018, 4), V.step_of(scenario, 2019, 12)) == (36, 76, 96)
    short = change(scenario, {"simulation.months": 56})
    region = build_region(short)
    m = DiffusionModel(short, replication=0, region=region, agent_views=False)
    for step in range(1, 97):  # the helper agrees with the model's own calendar
        assert m.calendar_month(step) == V.calendar_of(scenario, step)[1]
        assert V.step_of(scenario, *V.calendar_of(scenario, step)) == step
    assert V.calendar_of(scenario, 49) == (2016, 1) and V.calendar_of(scenario, 96) == (2019, 12)
    m.run()
    first = int(np.flatnonzero(m.reimbursing)[0])
    assert V.calendar_of(scenario, first) == (2016, 6) and m.reimbursing[first:].all()
    # six distinct origin hospitals, one in each named municipality, then the early adopters (a share of the other 64)
    idx = [o.index for o in m.origins]
    assert len(set(idx)) == len(idx) and (region.org_type[idx] == HOSPITAL).all()
    codes = set(region.municipality_codes[region.municipality[idx[:6]]])
    assert codes == {scenario.origin.municipality, *scenario.origin.further_municipalities}
    assert len(idx) == 6 + round(scenario.origin.early_adopter_share * 64)
    assert region.name == "nederland" and (region.org_type == HOSPITAL).sum() == 70


def test_scenario_is_isolated_and_declares_a_small_prior(scenario):
    f = scenario.facilitation
    assert f.budget_eur_per_year == 0 and f.team_members == 0 and f.events_per_year == 0
    assert not f.knowledge_network and not f.insurer_engaged
    dims = V.prior_dimensions(SCENARIO, scenario)
    assert 2 <= len(dims) <= 5
    assert all(d.source for d in dims)
    assert {d.name for d in dims} >= V.LOG_UNIFORM


def test_prior_draws_are_a_latin_hypercube_on_the_declared_scales(scenario):
    dims = V.prior_dimensions(SCENARIO, scenario)
    n = 40
    draws = V.prior_draws(dims, n, seed=11)
    assert list(draws["draw"]) == list(range(n))
    for d in dims:
        x = draws[d.name].to_numpy(dtype=float)
        assert (x >= d.low).all() and (x <= d.high).all()
        unit = (np.log(x / d.low) / np.log(d.high / d.low)) if d.name in V.LOG_UNIFORM else (x - d.low) / (d.high - d.low)
        assert sorted(np.floor(unit * n).astype(int)) == list(range(n))  # one draw in each stratum
    pd.testing.assert_frame_equal(draws, V.prior_draws(dims, n, seed=11))
    assert not draws.equals(V.prior_draws(dims, n, seed=12))


def test_chain_uptake_is_tied_to_the_hospital(scenario):
    p = V.apply_draw(scenario, {"innovation.uptake.hospital": 0.06, "diffusion.p": 0.02})
    assert p.innovation.uptake.hospital == pytest.approx(0.06)
    assert p.innovation.uptake.gp_practice == pytest.approx(0.04)
    assert p.innovation.uptake.home_care == pytest.approx(0.05)
    assert p.diffusion.p == pytest.approx(0.02)


# --------------------------------------------------------------------------- outcome functions, second route
@pytest.fixture(scope="module")
def small():
    """Zuidwest, 2012-2019, two origins, brisk spread and discontinuation, so every path is exercised."""
    p = load_scenario(ROOT / "scenarios" / "zuidwest-isolated.toml", {"uncertainty.draws": False,
        "simulation.months": 96, "simulation.start_year": 2012, "diffusion.p": 2.0,
        "origin.further_municipalities": ["GM0758"], "innovation.ramp_months": 7.5,
        "innovation.discontinuation_per_year": 0.5, "insurer.fixed_start_month": 54})
    return DiffusionModel(p, replication=3, region=build_region(p), agent_views=False).run()


def as_run(m):
    """What the validation reads of a finished model: its record, as the runner reduces it where it ran."""
    return V.Run(record(m), m.params, m.region)


def hand_enrolled(m, step):
    """Per organisation, patients enrolled at ``step`` from the written-out rule (docs/model.md 3.3.10)."""
    live = (m.orgs.month_adopted >= 0) & (m.orgs.month_adopted <= step)
    live &= (m.orgs.month_discontinued < 0) | (m.orgs.month_discontinued > step)
    ramp = m.innovation.ramp_months
    frac = np.clip((step - m.go_live + 1) / ramp, 0.0, 1.0)
    return np.where(live, m.orgs.target_patients * frac * m.distinct_share, 0.0), live


def test_adopted_at_matches_the_recorded_state_counts(small):
    m = small
    steps = np.arange(m.months + 1)
    live = V.adopted_at(as_run(m), steps)
    per_type = np.stack([np.bincount(m.region.org_type[row], minlength=len(ORG_TYPES)) for row in live])
    np.testing.assert_array_equal(per_type, m.state_counts[:, :, OrgState.ADOPTED])
    np.testing.assert_array_equal(live[-1], m.orgs.state == OrgState.ADOPTED)
    assert (m.orgs.state == OrgState.DISCONTINUED).any()  # the case covers discontinuation


def test_national_and_hospital_outcomes_by_a_second_route(small):
    m, run = small, as_run(small)
    enrolled = V.national_enrolled(run)
    for step in (0, 1, 20, 36, 54, 76, 96):
        by_hand, live = hand_enrolled(m, step)
        assert enrolled[step] == pytest.approx(by_hand.sum(), rel=1e-6)  # the record keeps patients as float32
        hosp = live & (m.region.org_type == HOSPITAL)
        share = m.innovation.target_share.hospital
        expected = by_hand[hosp].sum() / (m.region.patients[hosp] * share).sum()
        assert V.offering_share(run, step) == pytest.approx(expected, rel=1e-6)
        assert V.hospitals_live_share(run, step) == pytest.approx(hosp.sum() / (m.region.org_type == HOSPITAL).sum())
    np.testing.assert_allclose(V.offering_share(run)[[0, 96]], [V.offering_share(run, 0), V.offering_share(run, 96)])
    # the model's heart-failure population: 13.8 per 1,000 inhabitants (two halves of 0.0069)
    pop = m.region.municipalities["population"].sum()
    assert V.heart_failure_population(run) == pytest.approx(2 * 0.0069 * pop, rel=1e-9)
    assert V.harteraad_scale(run) * V.heart_failure_population(run) == pytest.approx(V.HARTERAAD_PATIENTS)


def test_origin_patients_follow_the_closed_form(small):
    m, run = small, as_run(small)
    idx = [o.index for o in m.origins]
    full = m.orgs.target_patients[idx].sum()  # hospitals count in full (distinct share 1)
    sigma = rules.monthly_share(m.innovation.patient_turnover_per_year)
    assert V.origin_patients_through(run, 0) == pytest.approx(full) == pytest.approx(m.enrolled[0].sum())
    assert V.origin_patients_through(run, 36) == pytest.approx(full * (1 + 36 * sigma), rel=1e-9)
    series = V.origin_patients_series(run, 36)
    assert series.shape == (37,) and (np.diff(series) > 0).all()


def test_outcomes_table_row_agrees_with_the_functions(small):
    run = as_run(small)
    row = V.outcomes(run)
    scale = V.harteraad_scale(run)
    assert row["users_2018_harteraad"] == pytest.approx(V.national_enrolled(run)[76] * scale)
    assert row["share_2018"] == pytest.approx(row["users_2018_harteraad"] / V.HARTERAAD_PATIENTS)
    assert row["origin_patients_2014_harteraad"] == pytest.approx(V.origin_patients_through(run, 36) * scale)
    assert row["hospital_share_2019"] == pytest.approx(row["hospitals_live_2019"] / row["hospital_orgs"])
    assert row["offering_share_2019"] == pytest.approx(V.offering_share(run, 96))
    assert row["hospitals_beyond_origins_2018"] == row["hospitals_live_2018"] - 2  # the two origins never stop


# --------------------------------------------------------------------------- acceptance and prediction
def test_acceptance_applies_each_fact_with_its_tolerance():
    table = pd.DataFrame({
        "users_2018_harteraad": [1200, 1499, 1501, 901, 1200, 1200, 1200, 1200, 1200, 1200],
        "enrolled_2018": [2100, 2100, 2100, 2100, 1200, 2100, 2100, 2100, 2100, 2100],
        "origin_patients_2014_harteraad": [414, 414, 414, 414, 414, 200, 414, 414, 414, 414],
        "origin_patients_2014": [720, 720, 720, 720, 414, 350, 720, 720, 720, 720],
        "hospitals_beyond_origins_2018": [3, 3, 3, 3, 3, 3, 0, 3, 3, 3],
        # 23.3%-35% of hospitals in March 2013, give or take 3 points: 20.3%-38% accepted
        "hospital_share_2013_03": [0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.20, 0.21, 0.381],
    })
    expected = [True, True, False, True, True, False, False, False, True, False]
    np.testing.assert_array_equal(V.Acceptance().mask(table), expected)
    np.testing.assert_array_equal(V.Acceptance(mapping="count").mask(table), [False] * 4 + [True] + [False] * 5)
    np.testing.assert_array_equal(V.Acceptance(inventory_margin=1.0).mask(table), expected[:7] + [True, True, True])
    with pytest.raises(ValueError, match="mapping"):
        V.Acceptance(mapping="other").mask(table)


def test_interval_is_median_and_90_percent():
    res = V.interval(np.arange(1, 102, dtype=float))
    assert (res["median"], res["q05"], res["q95"], res["n"]) == (51.0, 6.0, 96.0, 101)
    assert np.isnan(V.interval(np.array([np.nan]))["median"])


def test_the_validation_is_deterministic_for_a_seed():
    # accept everything that spread, so the prediction is defined
    loose = V.Acceptance(tolerance=10.0, ec_factor=1e6, inventory_margin=1.0)
    a = S.run_validation(SCENARIO, draws=3, replications=1, seed=7, acceptance=loose)
    b = S.run_validation(SCENARIO, draws=3, replications=1, seed=7, acceptance=loose)
    pd.testing.assert_frame_equal(a.sims.table, b.sims.table)
    np.testing.assert_array_equal(a.sims.enrolled, b.sims.enrolled)
    assert a.prediction == b.prediction and a.prediction["hospital_share_2019"]["n"] >= 1
    assert list(a.sims.table["replication"]) == [0, 1, 2]  # draw x replications + k: never repeated
    c = S.run_validation(SCENARIO, draws=3, replications=1, seed=8, acceptance=loose)
    assert not a.draws.equals(c.draws)


def test_written_rows_rerun_exactly(tmp_path, scenario):
    loose = V.Acceptance(tolerance=10.0, ec_factor=1e6, inventory_margin=1.0)
    v = S.run_validation(SCENARIO, draws=2, replications=1, seed=5, acceptance=loose, workers=2)
    results = S.write(v, tmp_path / "out", draw=validation_figures)
    assert {f.name for f in (tmp_path / "out").iterdir()} == {
        "simulations.csv", "accepted.csv", "parameters.csv", "sensitivity.csv", "manifest.json", "validation.png",
        "posterior.csv", "posterior.json"}
    assert results["runs"] == 2 and results["accepted"] == int(v.accepted.sum())
    meta = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert meta["kind"] == "validation" and meta["results"]["runs"] == 2 and set(meta["files"]) >= {"simulations.csv"}
    row = pd.read_csv(tmp_path / "out" / "simulations.csv").iloc[-1]
    names = [d.name for d in v.dims]
    params = V.apply_draw(v.params, {n: row[n] for n in names})
    model = DiffusionModel(params, replication=int(row["replication"]), region=build_region(params), agent_views=False).run()
    again = V.outcomes(as_run(model))
    assert again["users_2018_harteraad"] == pytest.approx(row["users_2018_harteraad"], rel=1e-5)
    assert again["hospital_share_2019"] == pytest.approx(row["hospital_share_2019"], rel=1e-5)
    from diffusion_sim.errors import ResultsError

    with pytest.raises(ResultsError, match="already exists"):
        S.write(v, tmp_path / "out")
    S.write(v, tmp_path / "out", overwrite=True)  # replaced whole, no temporary folder left beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["results"]["runs"] == 2


def test_the_validate_command_writes_the_folder(tmp_path):
    from typer.testing import CliRunner

    from diffusion_sim.cli import app

    out = tmp_path / "v"
    res = CliRunner().invoke(app, ["validate", str(SCENARIO), "--draws", "2", "-n", "1", "--check-month", "0", "--out",
                                   str(out), "-q", "-w", "1", "--tolerance", "10", "--ec-factor", "1000000"])
    assert res.exit_code == 0, res.output
    assert (out / "validation.png").is_file() and "accepted" in res.output
    again = CliRunner().invoke(app, ["validate", str(SCENARIO), "--draws", "2", "--out", str(out), "-q"])
    assert again.exit_code == 2 and "already exists" in again.output
