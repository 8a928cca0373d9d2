"""Invariants, determinism, common random numbers and the isolated/collaborative equivalence."""

from __future__ import annotations

import dataclasses

import mesa
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diffusion_sim.errors import ScenarioError
from diffusion_sim.model import DiffusionModel, OrgState, kernel
from diffusion_sim.model.agents import Organisation
from diffusion_sim.outcomes import summarise
from diffusion_sim.params import change
from diffusion_sim.region import build_region
from diffusion_sim.runner import run_replication

# every effect of the team at its null (0, or an odds ratio of 1); its levers, money and people stay
NO_EFFECT = {
    "facilitation.support_awareness": 0.0,
    "facilitation.support_consideration": 0.0,
    "facilitation.support_decision_odds_ratio": 1.0,
    "facilitation.support_failure_reduction": 0.0,
    "facilitation.support_time_reduction": 0.0,
    "facilitation.event_attendance": {t: 0.0 for t in ("hospital", "gp_practice", "elderly_care", "home_care",
                                                       "mental_health", "pharmacy")},
    "facilitation.knowledge_sharing": 0.0,
    "facilitation.insurer_engaged": False,  # the insurer's own lever: it changes when reimbursement comes
}
# what the team's work costs: the only records an effect-free team may change
TEAM_ACCOUNTS = ("facilitation_cost", "supported", "team_hours", "places", "budget_added")


def same(a, b, skip: tuple[str, ...] = ()) -> bool:
    """Every array of two replications equal, bit for bit (but those in ``skip``)."""
    for field in dataclasses.fields(a):
        if field.name in skip:
            continue
        x, y = getattr(a, field.name), getattr(b, field.name)
        if not np.array_equal(np.asarray(x), np.asarray(y), equal_nan=np.asarray(x).dtype.kind == "f"):
            return False
    return True


def check_invariants(rep, n_orgs: int) -> None:
    counts = rep.state_counts  # (months+1, types, states)
    assert np.all(counts.sum(axis=(1, 2)) == n_orgs), "states must sum to the population every month"
    eligible_now = counts[:, :, OrgState.UNAWARE:].sum(axis=(1, 2))
    assert np.all(eligible_now == rep.n_eligible), "eligible organisations never appear or vanish"
    assert np.all(counts[:, :, OrgState.ADOPTED].sum(axis=1) <= rep.n_eligible)
    assert np.all(np.diff(rep.reached_additional) >= -1e-9), "cumulative reach never falls"
    assert np.all(rep.enrolled >= 0) and np.all(rep.new_patients >= 0)
    assert np.all(rep.implementation_cost >= 0) and np.all(rep.facilitation_cost >= 0)
    assert np.all((rep.share_adopted >= 0) & (rep.share_adopted <= 1))
    # an organisation's events happen in the order of the process
    aware, deciding, implementing, adopted = rep.events[:4]
    started = implementing >= 0
    assert np.all(aware[deciding >= 0] <= deciding[deciding >= 0])
    assert np.all(deciding[started] <= implementing[started])
    assert np.all(implementing[adopted >= 0] <= adopted[adopted >= 0])


def test_invariants_zuidwest(isolated, collaborative):
    region = build_region(isolated)
    for params in (isolated, collaborative):
        for r in range(3):
            check_invariants(run_replication(params, r, region), region.n)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    p=st.floats(0, 2), q=st.floats(0, 5), budget=st.floats(0, 100_000), members=st.integers(0, 20),
    hours=st.floats(0, 40), failure=st.floats(0, 1), discontinuation=st.floats(0, 3), sharing=st.floats(0, 1),
    decision=st.integers(0, 12), reimburses=st.booleans(), odds=st.floats(0, 10), rep=st.integers(0, 1000),
)
def test_invariants_hold_for_any_valid_parameters(collaborative, p, q, budget, members, hours, failure, discontinuation,
                                                   sharing, decision, reimburses, odds, rep):
    params = change(collaborative, {
        "diffusion.p": p, "diffusion.q": q, "facilitation.budget_eur_per_year": budget,
        "facilitation.team_members": members, "facilitation.hours_per_member_per_month": hours,
        "innovation.implementation_failure": failure, "innovation.discontinuation_per_year": discontinuation,
        "facilitation.knowledge_sharing": sharing, "diffusion.decision_months": decision, "insurer.reimburses": reimburses,
        "facilitation.support_decision_odds_ratio": odds, "simulation.months": 24,
    })
    rep_ = run_replication(params, rep)
    check_invariants(rep_, build_region(params).n)
    spent = rep_.facilitation_cost.reshape(-1)[1:]
    used = rep_.team_hours[1:]
    f = params.facilitation
    for year in range(2):  # the team never spends more than a year's budget in a year, nor more hours than it has
        assert spent[12 * year: 12 * (year + 1)].sum() <= budget + 1e-6
    assert (used <= members * hours + 1e-9).all()
    assert (rep_.supported <= np.minimum(rep_.places[:, 0], rep_.places[:, 1])).all()
    assert ((rep_.supported[1:] == 0) | (budget > 0) & (members > 0)).all()
    assert f.team_members == members


def test_a_team_without_effect_changes_nothing_but_its_costs(isolated, collaborative):
    """Every team effect at its null, with the team's money, people, meetings and network all there: the isolated result.

    Bit for bit in everything but what the team's work costs (its money, hours and caseload): no
    rule of the model gives the team influence except through a named effect (issue 15).
    """
    no_effect = change(collaborative, NO_EFFECT)
    assert no_effect.facilitation.team_members > 0 and no_effect.facilitation.budget_eur_per_year > 0
    region = build_region(isolated)
    for r in range(6):
        a, b = run_replication(isolated, r, region), run_replication(no_effect, r, region)
        assert same(a, b, skip=TEAM_ACCOUNTS), f"replication {r}"
        assert b.supported.sum() > 0 and b.team_hours.sum() > 0  # the team did work, to no effect
    # and each effect alone does change something
    for name, value in (("facilitation.support_decision_odds_ratio", 2.76), ("facilitation.support_awareness", 0.9),
                        ("facilitation.knowledge_sharing", 0.8)):
        one = change(no_effect, {name: value})
        assert not all(same(run_replication(isolated, r, region), run_replication(one, r, region), skip=TEAM_ACCOUNTS)
                       for r in range(6)), name


def test_budget_without_levers_changes_nothing_but_cost(isolated, collaborative):
    """A budget alone does nothing: only the levers it pays for change outcomes."""
    budget_only = change(isolated, {"facilitation.budget_eur_per_year": 10_000.0, "facilitation.events_per_year": 4,
                                    "facilitation.knowledge_network": True})  # money and plans, but no people
    region = build_region(isolated)
    a, b = run_replication(isolated, 0, region), run_replication(budget_only, 0, region)
    assert same(a, b)


def test_same_seed_same_numbers_different_seed_different(isolated):
    a = run_replication(isolated, 3)
    b = run_replication(isolated, 3)
    assert same(a, b)
    c = run_replication(isolated, 4)
    assert not same(a, c)
    other_root = change(isolated, {"simulation.seed": 7})
    assert not same(a, run_replication(other_root, 3))


def test_collaboration_helps_over_replications(isolated, collaborative):
    """Paired by replication, the shipped collaborative scenario reaches more patients and organisations."""
    region = build_region(isolated)
    iso = [summarise(run_replication(isolated, r, region)) for r in range(30)]
    col = [summarise(run_replication(collaborative, r, region)) for r in range(30)]
    diff = np.array([c["patients_final"] - i["patients_final"] for c, i in zip(col, iso, strict=True)])
    assert diff.mean() > 3 * diff.std(ddof=1) / np.sqrt(diff.size)
    assert np.median([c["share_adopted_final"] for c in col]) > np.median([i["share_adopted_final"] for i in iso])


def test_more_budget_never_less_reach(collaborative):
    """Over replications (common random numbers) a larger budget buys no less reach, within statistical tolerance."""
    region = build_region(collaborative)
    means = []
    for budget in (0.0, 5_000.0, 10_000.0, 40_000.0):
        params = change(collaborative, {"facilitation.budget_eur_per_year": budget, "simulation.months": 36})
        reach = np.array([summarise(run_replication(params, r, region))["patients_final"] for r in range(20)])
        means.append((reach.mean(), reach.std(ddof=1) / np.sqrt(reach.size)))
    for (lo, lo_se), (hi, hi_se) in zip(means, means[1:], strict=False):
        assert hi >= lo - 3 * np.hypot(lo_se, hi_se)
    assert means[-1][0] > means[0][0]


def test_reimbursement_lowers_the_financial_barrier(isolated):
    region = build_region(isolated)
    never = change(isolated, {"insurer.reimburses": False})
    early = change(isolated, {"insurer.demand_threshold": 0, "insurer.negotiation_months": 0})
    a = np.mean([summarise(run_replication(never, r, region))["adopted_beyond_origin"] for r in range(20)])
    b = np.mean([summarise(run_replication(early, r, region))["adopted_beyond_origin"] for r in range(20)])
    assert b > a


def test_insurer_contracts_at_the_window(isolated):
    params = change(isolated, {"facilitation.insurer_engaged": True, "insurer.negotiation_months": 6,
                                       "insurer.contract_month": 1, "simulation.start_month": 1})
    model = DiffusionModel(params, agent_views=False).run()
    # arranging from month 0, 6 months' negotiation; step 1 covers January, so the next January is step 13
    assert model.insurer.reimbursing_since == 13
    assert not model.reimbursing[12] and model.reimbursing[13]
    twelve = change(params, {"insurer.negotiation_months": 12})
    assert DiffusionModel(twelve, agent_views=False).run().insurer.reimbursing_since == 13


def test_mesa_model_agents_and_datacollector(isolated):
    model = DiffusionModel(change(isolated, {"simulation.months": 12}))
    orgs = model.agents_by_type[Organisation]
    assert len(orgs) == model.region.n - 1  # the origin is an OriginOrganisation
    states = orgs.groupby("state").count()
    assert sum(states.values()) == model.region.n - 1
    model.run()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 13
    assert frame["patients_reached_additional"].is_monotonic_increasing
    story = model.origin.story()
    assert story["state"] == "adopted" and story["adopted"] == 0


def test_mesa_batch_run_works():
    results = mesa.batch_run(
        DiffusionModel,
        parameters={"facilitation__budget_eur_per_year": [0.0, 10_000.0], "simulation__months": 6},
        rng=[1, 2],
        max_steps=6,
        number_processes=1,
        display_progress=False,
    )
    assert len(results) == 4
    assert all(r["Step"] == 6 for r in results)


def test_unknown_override_is_rejected():
    with pytest.raises(ScenarioError, match="unknown parameter 'diffusion.nonsense'"):
        DiffusionModel(diffusion__nonsense=1)


def test_every_phase_draws_one_uniform_per_organisation_each_month(collaborative, monkeypatch):
    """Common random numbers: organisation k's uniform in month t is number (t-1) x n + k of its phase's stream,
    however many months are drawn at once, and whether or not anyone needed it."""
    from diffusion_sim.model import model as model_module
    from diffusion_sim.rng import stream

    params = change(collaborative, {"simulation.months": 7})
    model = DiffusionModel(params, replication=2, agent_views=False).run()
    n = model.region.n
    assert model._u_months == 7  # the Zuidwest region draws every month at once
    fresh = stream(params.simulation.seed, 2, "reconsideration").random((7, n))
    assert np.array_equal(model._u[kernel.U_RECONSIDERATION], fresh)
    monkeypatch.setattr(model_module, "UNIFORMS_PER_DRAW", n)  # one month per draw
    monthly = DiffusionModel(params, replication=2, agent_views=False).run()
    assert monthly._u_months == 1
    for name in ("state_counts", "enrolled", "reached_additional", "implementation_cost", "facilitation_cost"):
        assert np.array_equal(getattr(model, name), getattr(monthly, name)), name
    assert np.array_equal(model.orgs.months, monthly.orgs.months)


def test_turnover_share_compounds_to_the_yearly_share():
    from diffusion_sim.model.rules import monthly_share

    m = monthly_share(0.33)
    assert abs((1 - (1 - m) ** 12) - 0.33) < 1e-12


def test_the_team_is_limited_by_its_hours_or_its_money_and_says_which(collaborative):
    """Places = min(hours left / hours per organisation, money left / cost per organisation); unspent money shows."""
    region = build_region(collaborative)
    few_people = change(collaborative, {"facilitation.team_members": 1, "facilitation.knowledge_network": False,
                                        "facilitation.events_per_year": 0})
    rep = run_replication(few_people, 0, region)
    row = summarise(rep)
    assert (rep.places[1:, 0] == 1).all() and (rep.supported[1:] <= 1).all()  # 8 hours: one organisation
    assert row["months_time_bound"] == few_people.simulation.months and row["budget_unspent_eur"] > 0
    little_money = change(collaborative, {"facilitation.budget_eur_per_year": 1000.0, "facilitation.events_per_year": 0})
    rep = run_replication(little_money, 0, region)
    row = summarise(rep)
    assert row["months_money_bound"] > 0 and row["budget_unspent_eur"] < 250  # it spends nearly all of it
    assert rep.facilitation_cost[1:13].sum() <= 1000.0




@pytest.mark.parametrize("scenario, changes", [
    ("isolated", {}),
    ("collaborative", {}),
    # what made q look harmful before (issue 15): many early decisions, while barriers are high
    ("collaborative", {"diffusion.consideration_per_year": 4.0, "barriers.financial_weight": 1.0, "diffusion.p": 0.03}),
    ("collaborative", {"innovation.profile": "copd-remote-monitoring"}),  # chain partners
])
def test_more_word_of_mouth_never_lowers_reach_beyond_chance(scenario, changes, isolated, collaborative):
    """Raising Bass q, all else equal (common random numbers), never lowers patients reached by more than chance."""
    base = change({"isolated": isolated, "collaborative": collaborative}[scenario], {**changes, "simulation.months": 48})
    region = build_region(base)
    diffs = []
    for q_low, q_high in ((0.15, 0.3), (0.3, 0.6)):
        low, high = change(base, {"diffusion.q": q_low}), change(base, {"diffusion.q": q_high})
        d = np.array([summarise(run_replication(high, r, region))["patients_final"]
                      - summarise(run_replication(low, r, region))["patients_final"] for r in range(30)])
        se = d.std(ddof=1) / np.sqrt(d.size) if d.std() > 0 else 0.0
        assert d.mean() >= -3 * se - 1e-9, (q_low, q_high, d.mean(), se)
        diffs.append(d.mean())
    assert max(diffs) > 0 or scenario == "isolated"  # it does something where ties matter


def test_mesas_generator_is_numpys_own_and_spawns(collaborative):
    """The model's internal streams are seeded by compiled code; Mesa's generator, which users reach, is NumPy's own."""
    from diffusion_sim.rng import seed_sequence

    m = DiffusionModel(collaborative, replication=3, agent_views=False)
    expected = seed_sequence(collaborative.simulation.seed, 3, "mesa")
    seeded = m.rng.bit_generator.seed_seq
    assert (seeded.entropy, seeded.spawn_key) == (expected.entropy, expected.spawn_key)
    assert len(m.rng.spawn(2)) == 2


def test_staff_capacity_of_takes_indices_or_a_mask_and_refuses_a_place_outside(collaborative):
    m = DiffusionModel(collaborative, replication=np.int64(2), agent_views=False)  # as mesa.batch_run passes it
    mask = np.zeros(m.region.n, dtype=bool)
    mask[[3, 7]] = True
    np.testing.assert_array_equal(m.staff_capacity_of(mask), m.staff_capacity_of(np.array([3, 7])))
    np.testing.assert_array_equal(m.staff_capacity_of(np.array([3, 7])), m.staff_capacity[[3, 7]])
    with pytest.raises(IndexError):
        m.staff_capacity_of(np.array([m.region.n]))
