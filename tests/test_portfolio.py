"""Innovation profiles and portfolios: one team and one budget serving several innovations."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from tests.conftest import SCENARIOS
from typer.testing import CliRunner

from diffusion_sim.cli import app
from diffusion_sim.errors import ScenarioError
from diffusion_sim.innovations import profile_names
from diffusion_sim.model import DiffusionModel, PortfolioModel
from diffusion_sim.model.state import NOT_YET, OrgState
from diffusion_sim.outcomes import summarise
from diffusion_sim.params import InnovationParams, Params, change
from diffusion_sim.region import build_region
from diffusion_sim.results import build_tables
from diffusion_sim.runner import run_replication
from diffusion_sim.scenario import load_scenario

PROFILES = ("heart-failure-telemonitoring", "copd-remote-monitoring", "structured-medication-review")


def arrays_equal(a, b, skip: tuple[str, ...] = ()) -> bool:
    """Every array of two single-innovation replications equal, bit for bit."""
    for field in dataclasses.fields(a):
        if field.name in ("tracks", *skip):
            continue
        x, y = np.asarray(getattr(a, field.name)), np.asarray(getattr(b, field.name))
        if not np.array_equal(x, y, equal_nan=x.dtype.kind == "f"):
            return False
    return True


@pytest.fixture(scope="module")
def short() -> dict[str, Params]:
    names = {"isolated": "zuidwest-portfolio-isolated", "sequential": "zuidwest-portfolio-sequential",
             "simultaneous": "zuidwest-portfolio-simultaneous"}
    return {k: load_scenario(SCENARIOS / f"{v}.toml", {"simulation.months": 36, "uncertainty.draws": False})
            for k, v in names.items()}


@pytest.fixture(scope="module")
def region(short):
    return build_region(short["sequential"])


# ---------------------------------------------------------------- profiles
def test_shipped_profiles_load_and_the_default_is_the_schema_default():
    assert set(PROFILES) <= set(profile_names())
    for name in PROFILES:
        inn = InnovationParams.model_validate({"profile": name})
        assert inn.primary_types(), name
        fields = type(inn.roles).model_fields
        for org_type, share, role in zip(fields, inn.target_share.as_tuple(), inn.roles.as_tuple(), strict=True):
            assert (role == "none") <= (share == 0), (name, org_type)
    # the field defaults written in params.py (documentation) agree with the shipped default profile
    written = {k: f.default for k, f in InnovationParams.model_fields.items()}
    loaded = Params().innovation
    for key, default in written.items():
        assert getattr(loaded, key) == default, key


def test_a_scenario_key_replaces_the_profiles_and_a_new_profile_resets_the_section():
    base = Params()
    changed = change(base, {"innovation.ramp_months": 6})
    assert changed.innovation.ramp_months == 6 and changed.innovation.uptake == base.innovation.uptake
    copd = change(changed, {"innovation.profile": "copd-remote-monitoring"})
    assert copd.innovation.name.startswith("Remote monitoring for COPD")
    assert copd.innovation.ramp_months == InnovationParams.model_validate({"profile": "copd-remote-monitoring"}).ramp_months


@pytest.mark.parametrize("changes, message", [
    ({"innovation.profile": "copd-monitoring"},
     r"unknown innovation profile 'copd-monitoring'; did you mean 'copd-remote-monitoring'"),
    ({"portfolio.innovations": ["heart-failure-telemonitoring", "medication-review"]},
     r"did you mean 'structured-medication-review'"),
    ({"innovation.roles": {"hospital": "chain", "gp_practice": "chain", "home_care": "chain"}},
     r"no organisation type runs it on its own"),
    ({"origin.org_type": "gp_practice"}, r"field 'origin.org_type': 'gp_practice' does not run .* on its own; allowed: hospital"),
])
def test_bad_innovation_settings_are_one_clear_line(changes, message):
    with pytest.raises(ScenarioError, match=message) as err:
        change(Params(), changes)
    assert "\n" not in str(err.value)


def test_unknown_innovation_in_a_scenario_file_exits_2_naming_file_and_close_match(tmp_path):
    bad = tmp_path / "bad.toml"
    parent = (SCENARIOS / "zuidwest-collaborative.toml").as_posix()
    bad.write_text(f'extends = "{parent}"\n[portfolio]\ninnovations = ["copd-remote-monitorin"]\n')
    res = CliRunner().invoke(app, ["run", str(bad), "-n", "1", "--months", "2", "--out", str(tmp_path / "out"), "-q"])
    assert res.exit_code == 2
    line = res.output.strip()
    assert "\n" not in line and "bad.toml" in line and "copd-remote-monitoring" in line
    assert not (tmp_path / "out").exists()


def test_reimbursement_route_and_complexity_act_on_the_model(isolated):
    region = build_region(isolated)
    tariff_params = change(isolated, {"innovation.reimbursement_route": "existing_tariff"})
    tariff = DiffusionModel(tariff_params, region=region, agent_views=False).run()
    assert tariff.reimbursing.all()
    never = DiffusionModel(change(isolated, {"innovation.reimbursement_route": "none", "insurer.fixed_start_month": 2}),
                           region=region, agent_views=False).run()
    assert not never.reimbursing.any()
    for complexity, factor in (("simple", 0.5), ("complicated", 1.0), ("complex", 2.0)):
        m = DiffusionModel(change(isolated, {"innovation.complexity": complexity}), region=region, agent_views=False)
        assert m.failure_probability == pytest.approx(min(1.0, 0.25 * factor))
        assert m.discontinuation_rate == pytest.approx(0.06 * factor)


def test_chain_partners_start_only_after_a_tied_primary_adopter(collaborative):
    region = build_region(collaborative)
    starts_checked = 0
    for rep in range(4):
        m = DiffusionModel(collaborative, replication=rep, region=region, agent_views=False).run()
        adopted_by = m.orgs.month_adopted
        for i in np.flatnonzero(m.chain & (m.orgs.month_deciding != NOT_YET)):
            ties = m.ties.tied(i)
            primary_ties = ties[m.primary[ties] > 0]
            adopted = adopted_by[primary_ties]
            assert ((adopted != NOT_YET) & (adopted < m.orgs.month_deciding[i])).any(), (rep, i)
            starts_checked += 1
    assert starts_checked > 20  # the check saw real cases


def test_further_origins_run_it_from_month_zero(isolated):
    params = change(isolated, {"origin.further_municipalities": ["GM0758", "GM0748"]})  # Breda, Bergen op Zoom
    m = DiffusionModel(params, agent_views=False)
    assert len(m.origins) == 3 and m.is_origin.sum() == 3
    assert (m.orgs.state[m.is_origin] == OrgState.ADOPTED).all()
    codes = {m.region.municipality_codes[m.region.municipality[o.index]] for o in m.origins}
    assert {"GM0664", "GM0758"} <= codes and len(codes) == 3  # Bravis's main site is in Roosendaal, nearest to Bergen op Zoom
    rep = run_replication(params, 0)
    assert summarise(rep)["adopted_beyond_origin"] == (rep.events[3] >= 1).sum()  # origins adopted at 0, not counted
    with pytest.raises(ScenarioError, match=r"origin.further_municipalities': GM9999 is not in the region"):
        DiffusionModel(change(isolated, {"origin.further_municipalities": ["GM9999"]}), agent_views=False)


# ---------------------------------------------------------------- portfolio
@pytest.mark.parametrize("schedule", ["sequential", "simultaneous"])
def test_a_portfolio_of_one_is_the_single_innovation_model(collaborative, schedule):
    region = build_region(collaborative)
    one = change(collaborative, {"portfolio.innovations": ["heart-failure-telemonitoring"], "portfolio.schedule": schedule})
    for rep in range(3):
        single = run_replication(collaborative, rep, region)
        portfolio = run_replication(one, rep, region)
        assert arrays_equal(single, portfolio)
        assert arrays_equal(single, portfolio.tracks[0])  # its support and, alone, the whole of the meetings


def test_patients_and_costs_per_innovation_add_up_to_the_portfolio(short, region):
    params = short["simultaneous"]
    reps = [run_replication(params, r, region) for r in range(3)]
    for rep in reps:
        assert len(rep.tracks) == 3
        np.testing.assert_allclose(rep.reached_additional, sum(t.reached_additional for t in rep.tracks))
        np.testing.assert_allclose(rep.implementation_cost, sum(t.implementation_cost for t in rep.tracks), rtol=1e-6)
        np.testing.assert_allclose(rep.facilitation_cost, sum(t.facilitation_cost for t in rep.tracks))
        assert rep.n_eligible == sum(t.n_eligible for t in rep.tracks)
        for t in rep.tracks:  # invariants per innovation
            assert (t.state_counts.sum(axis=(1, 2)) == region.n).all()
            assert (np.diff(t.reached_additional) >= -1e-9).all()
            assert (t.share_adopted <= 1).all()
    tables = build_tables([params], [region], [reps])
    columns = ["patients_final", "patients_12m", "implementation_cost_eur", "facilitation_cost_eur", "adopted_beyond_origin"]
    per = tables["innovations"].groupby("replication")[columns].sum()
    total = tables["summary"].set_index("replication")[columns]
    pd.testing.assert_frame_equal(per, total, check_exact=False, rtol=1e-6)
    # the portfolio reaches 70% when every innovation has: never earlier than its slowest innovation
    slowest = tables["innovations"].groupby("replication")["months_to_70pct"].max(skipna=False)
    np.testing.assert_array_equal(slowest.to_numpy(), tables["summary"]["months_to_70pct"].to_numpy())


def test_sequential_team_works_on_one_innovation_at_a_time(short, region):
    seq = PortfolioModel(short["sequential"], region=region, agent_views=False).run()
    assert [k for k in range(3) if seq.active[1, k]] == [0]
    assert [k for k in range(3) if seq.active[13, k]] == [1]
    assert [k for k in range(3) if seq.active[25, k]] == [2]
    assert seq.active[36].tolist() == [False, False, True] and seq.worked_on(37) == [0, 1, 2]  # then all three
    assert seq.tracks[1].supported_count[1:13].sum() == 0 and seq.tracks[0].supported_count[1:13].sum() > 0
    sim = PortfolioModel(short["simultaneous"], region=region, agent_views=False).run()
    assert sim.active[1:].all()
    assert all(t.supported_count[1:13].sum() > 0 for t in sim.tracks)
    # one budget: the team never spends more than its yearly budget, meetings included
    for m in (seq, sim):
        spent = sum(t.facilitation_cost for t in m.tracks)  # each carries its part of the meetings
        yearly = np.add.reduceat(spent[1:], np.arange(0, 36, 12))
        assert (yearly <= short["sequential"].facilitation.budget_eur_per_year + 1e-6).all()
        assert yearly.max() > 0


def test_carryover_makes_later_implementations_fail_less(short, region):
    """Common random numbers: the same draws, with and without carry-over, over 12 replications."""
    base = change(short["isolated"], {"innovation.implementation_failure": 0.5, "portfolio.carryover": 0.0})
    failed = {}
    for carry in (0.0, 0.8):
        params = change(base, {"portfolio.carryover": carry})
        failed[carry] = [sum(int((t.final_state == OrgState.FAILED).sum()) for t in run_replication(params, r, region).tracks)
                         for r in range(12)]
    assert np.mean(failed[0.8]) < np.mean(failed[0.0])


def test_compare_prints_each_innovation_and_writes_the_tables(tmp_path):
    files = [SCENARIOS / "zuidwest-portfolio-sequential.toml", SCENARIOS / "zuidwest-portfolio-simultaneous.toml"]
    out = tmp_path / "cmp"
    res = CliRunner().invoke(app, ["compare", *map(str, files), "-n", "3", "--months", "24", "--out", str(out), "-q",
                                   "--no-report", "--workers", "1"])
    assert res.exit_code == 0, res.output
    for name in ("Home telemonitoring for chronic heart failure", "Remote monitoring for COPD", "Structured medication review"):
        assert name in res.output
    innovations = pd.read_csv(out / "innovations.csv")
    assert len(innovations) == 2 * 3 * 3
    assert set(innovations["scenario"]) == {"one-at-a-time", "all-at-once"}
    monthly = pd.read_parquet(out / "innovation_monthly.parquet")
    assert len(monthly) == 2 * 3 * 3 * 25


def test_the_team_gives_no_place_to_a_chain_partner_that_cannot_start(collaborative):
    """Support goes to organisations that can move: not to a GP practice or home care with no tied hospital running it."""
    model = DiffusionModel(collaborative, replication=1, agent_views=False)
    places = 0
    for _ in range(36):
        tie_counts = model.ties.counts().copy()  # what the team reads when it fills its places this month
        model.step()
        supported = model.orgs.supported
        places += int(supported.sum())
        blocked = model.chain & (model.orgs.state <= OrgState.AWARE) & (tie_counts[:, 2] == 0)
        assert not (supported & blocked & (model.orgs.month_aware < model.steps)).any()
    assert places > 30


def test_innovation_settings_apply_to_the_portfolio_innovation_with_that_profile(short, region):
    changed = change(short["isolated"], {"innovation.implementation_failure": 0.9})
    tracks = changed.innovation_tracks()
    assert [t.implementation_failure for t in tracks] == [0.9, 0.25, 0.25]
    assert tracks[0].profile == "heart-failure-telemonitoring"
