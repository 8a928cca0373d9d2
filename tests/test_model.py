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

ZERO_FACILITATION = {
    "facilitation.budget_eur_per_year": 0.0,
    "facilitation.support_capacity_per_month": 0,
    "facilitation.support_knowhow": 0.0,
    "facilitation.support_failure_reduction": 0.0,
    "facilitation.support_time_reduction": 0.0,
    "facilitation.events_per_year": 0,
    "facilitation.event_awareness": 0.0,
    "facilitation.knowledge_sharing": 0.0,
    "facilitation.broker_ties_per_month": 0,
    "facilitation.insurer_engaged": False,
}


def same(a, b) -> bool:
    """Every array of two replications equal, bit for bit."""
    for field in dataclasses.fields(a):
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
    p=st.floats(0, 2), q=st.floats(0, 5), budget=st.floats(0, 100_000), capacity=st.integers(0, 20),
    failure=st.floats(0, 1), discontinuation=st.floats(0, 3), sharing=st.floats(0, 1),
    decision=st.integers(0, 12), reimburses=st.booleans(), broker=st.integers(0, 5), rep=st.integers(0, 1000),
)
def test_invariants_hold_for_any_valid_parameters(collaborative, p, q, budget, capacity, failure, discontinuation,
                                                   sharing, decision, reimburses, broker, rep):
    params = change(collaborative, {
        "diffusion.p": p, "diffusion.q": q, "facilitation.budget_eur_per_year": budget,
        "facilitation.support_capacity_per_month": capacity, "innovation.implementation_failure": failure,
        "innovation.discontinuation_per_year": discontinuation, "facilitation.knowledge_sharing": sharing,
        "diffusion.decision_months": decision, "insurer.reimburses": reimburses,
        "facilitation.broker_ties_per_month": broker, "simulation.months": 24,
    })
    rep_ = run_replication(params, rep)
    check_invariants(rep_, build_region(params).n)
    spent = rep_.facilitation_cost.reshape(-1)[1:]
    for year in range(2):  # the team never spends more than a year's budget in a year
        assert spent[12 * year: 12 * (year + 1)].sum() <= budget + 1e-6


def test_zero_facilitation_equals_isolated(isolated, collaborative):
    """Isolated and collaborative differ only in parameter values: with no budget and no effect, nothing differs."""
    zeroed = change(collaborative, ZERO_FACILITATION)
    region = build_region(isolated)
    for r in range(5):
        assert same(run_replication(isolated, r, region), run_replication(zeroed, r, region))


def test_budget_without_levers_changes_nothing_but_cost(isolated, collaborative):
    """A budget alone does nothing: only the levers it pays for change outcomes."""
    budget_only = change(isolated, {"facilitation.budget_eur_per_year": 10_000.0})
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


def test_brokered_tie_counts_at_once(isolated):
    model = DiffusionModel(isolated, agent_views=False)
    origin = model.origin.index
    stranger = next(i for i in range(model.region.n) if i != origin and i not in set(model.ties.tied(origin).tolist()))
    before = model.ties.counts()[stranger, 0]
    model.ties.broker(stranger, origin)
    assert model.ties.counts()[stranger, 0] == before + 1
    assert origin in set(model.ties.tied(stranger).tolist())
    # both ends' imitation coefficient (Bass q per tie) follows their new number of ties at once
    recomputed = DiffusionModel(isolated, agent_views=False)
    recomputed.ties.broker(stranger, origin)
    recomputed._set_awareness_coefficients()  # every organisation's coefficients from its number of ties
    np.testing.assert_array_equal(model._fixed, recomputed._fixed)
    before_tie = DiffusionModel(isolated, agent_views=False)._fixed[stranger, kernel.F_IMITATION]
    assert model._fixed[stranger, kernel.F_IMITATION] < before_tie  # one more tie: each tie weighs less


def test_free_meetings_happen(collaborative):
    params = change(collaborative, {"facilitation.event_cost_eur": 0.0, "simulation.months": 12})
    model = DiffusionModel(params, agent_views=False).run()
    assert model.meeting.sum() == collaborative.facilitation.events_per_year


def test_finished_models_are_freed(isolated):
    """Replications must not accumulate: a finished model (and its agents) is garbage once dropped."""
    import gc
    import weakref

    model = DiffusionModel(change(isolated, {"simulation.months": 6}))
    model.run()
    ref = weakref.ref(model)
    agent_ref = weakref.ref(model.origin)
    del model
    gc.collect()
    assert ref() is None and agent_ref() is None


def test_tie_counts_kept_up_to_date_equal_a_full_recount(collaborative):
    """The counts are updated from the changes only; month by month they must equal a recount from scratch."""
    from scipy import sparse

    model = DiffusionModel(collaborative, replication=3, agent_views=False)
    brokered = 0
    for _ in range(36):
        model.step()
        ties = model.ties
        counts = ties.counts().copy()
        n = model.region.n
        extra = sparse.coo_matrix((np.ones(ties.brokered_rows.size), (ties.brokered_rows, ties.brokered_cols)), shape=(n, n))
        np.testing.assert_array_equal(counts, (model.region.ties + extra.tocsr()) @ ties.flags)
        brokered = ties.brokered_rows.size
    assert brokered > 0 and model.ties.flags[:, 0].sum() > 3  # the check saw brokered ties and adopters
