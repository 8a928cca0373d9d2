"""The compiled month (model/kernel.py) equals the monthly rules as arrays (model/rules.py), bit for bit.

``rules.reference_month`` is one month in plain NumPy, phase by phase: the readable statement of the
rules, and the array formulation the compiled month replaced (commit 205288d). It runs on a deep
copy of the model taken before ``model.step()``; then every array of the two is compared with exact
equality, month by month over the horizon. The reference keeps its own random streams (the model may
draw months ahead) and recounts the tie counts in full from the state and event-month arrays, so it
shares none of the compiled update's bookkeeping (``model.ties``).
What it cannot see: the last bits of a probability that is only compared with a uniform (a
reordered product there changes nothing observable).
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from diffusion_sim.model import DiffusionModel, kernel
from diffusion_sim.model.portfolio import PortfolioModel
from diffusion_sim.model.rules import Ledger, reference_month, reference_portfolio_month, tie_counts
from diffusion_sim.model.state import OrgArrays
from diffusion_sim.region import build_region
from diffusion_sim.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
RECORDS = ("state_counts", "enrolled", "new_patients", "reached_additional", "share_adopted", "implementation_cost",
           "facilitation_cost", "supported_count", "reimbursing", "meeting", "team_hours", "places", "budget_added")
ORG_FIELDS = tuple(f.name for f in dataclasses.fields(OrgArrays))


# ------------------------------------------------------------------ comparison
def ledger_of(model, track: int = 0) -> Ledger:
    """The reference's ledger for a model just set up; its set-up draw (implementation-time noise) equals the model's."""
    own = Ledger.of(model, track)
    assert_array_equal(model.duration_noise, own.duration_noise, strict=True)
    return own


def assert_same_month(model, ref, own: Ledger, where: str) -> None:
    """Every array, the team's caseload, money and hours, the insurer and the team's stream position, exactly equal."""
    for name in ORG_FIELDS:
        assert_array_equal(getattr(model.orgs, name), getattr(ref.orgs, name), err_msg=f"{where}: orgs.{name}", strict=True)
    for name in (*RECORDS, "go_live", "experienced_elsewhere"):
        assert_array_equal(getattr(model, name), getattr(ref, name), err_msg=f"{where}: {name}", strict=True)
    assert model.running == ref.running, where
    assert model.team.supported_now == ref.team.supported_now, where
    assert model.team.budget.budget_left == ref.team.budget.budget_left, where
    assert model.team.budget.meeting == ref.team.budget.meeting, where
    assert (model.team.budget.hours_left, model.team.budget.hours_used) == \
        (ref.team.budget.hours_left, ref.team.budget.hours_used), where
    assert (model.insurer.arranging_since, model.insurer.reimbursing_since) == \
        (ref.insurer.arranging_since, ref.insurer.reimbursing_since), where
    # the team draws only when it fills places; the phases' draws show in every decision above
    assert model._u_facilitation.bit_generator.state == own.streams["facilitation"].bit_generator.state, where
    # the counts the model keeps up to date from the changes (model.ties) against a full recount
    assert_array_equal(model.ties.counts(), tie_counts(ref), err_msg=f"{where}: tie counts", strict=True)


CASES = {
    "isolated": ("zuidwest-isolated.toml", {}, 0),
    "collaborative": ("zuidwest-collaborative.toml", {}, 0),
    "collaborative-rep3": ("zuidwest-collaborative.toml", {}, 3),
    "chain-partners-medication-review": (
        "zuidwest-collaborative.toml", {"innovation.profile": "structured-medication-review", "origin.org_type": "pharmacy"}, 1
    ),
    "chain-partners-copd": ("zuidwest-collaborative.toml", {"innovation.profile": "copd-remote-monitoring"}, 2),
    "no-ramp": ("zuidwest-collaborative.toml", {"innovation.ramp_months": 0}, 0),
    # isolated: no shared experience, so an organisation's own learning alone sets its cost, time and failure
    "no-own-learning": ("zuidwest-isolated.toml", {"barriers.own_learning_per_doubling": 0.0}, 1),
    "own-learning-halves": ("zuidwest-isolated.toml", {"barriers.own_learning_per_doubling": 0.5}, 2),
    "insurer-fixed-start": ("zuidwest-isolated.toml", {"insurer.fixed_start_month": 7}, 0),
    # every transition often: decisions in the month they start, failures, discontinuation, reopening
    "busy": ("zuidwest-collaborative.toml", {"diffusion.p": 0.5, "diffusion.decision_months": 0,
                                              "innovation.discontinuation_per_year": 1.0,
                                              "diffusion.reconsideration_per_year": 2.0,
                                              "facilitation.team_members": 12}, 0),
    # the team's hours bind (few members), then its money (a small budget): both limits in one run
    "hours-bind": ("zuidwest-collaborative.toml", {"facilitation.team_members": 2, "facilitation.knowledge_network": False}, 1),
    "money-binds": ("zuidwest-collaborative.toml", {"facilitation.budget_eur_per_year": 3000.0}, 0),
    # learning fully shared across types, and support with no effect on the odds (the null skips the transform)
    "shared-across-types": ("zuidwest-collaborative.toml", {"facilitation.knowledge_sharing_across_types": 1.0,
                                                              "facilitation.support_decision_odds_ratio": 1.0}, 2),
}


@pytest.mark.parametrize("case", list(CASES))
def test_compiled_month_equals_array_month(case):
    """Month by month over the horizon, the compiled month leaves the model exactly as the old array month."""
    file, changes, replication = CASES[case]
    # the scenario's own values: this tests the rules, not the draws (an array power can differ from a scalar one in
    # its last bit for an arbitrary exponent, and the reference computes with arrays)
    params = load_scenario(SCENARIOS / file, {**changes, "uncertainty.draws": False})
    model = DiffusionModel(params, replication=replication, region=build_region(params), agent_views=False)
    own = ledger_of(model)
    for t in range(1, model.months + 1):
        ref = copy.deepcopy(model)
        reference_month(ref, own)
        model.step()
        assert_same_month(model, ref, own, f"{case}, month {t}")
    assert not model.running


def test_portfolio_with_carryover_equals_array_month():
    """Three tracks sharing a team and its budget, with carry-over: each track's month as the old one."""
    params = load_scenario(SCENARIOS / "zuidwest-portfolio-sequential.toml",
                           {"simulation.months": 48, "uncertainty.draws": False})
    assert params.portfolio.carryover > 0
    pm = PortfolioModel(params, region=build_region(params), agent_views=False)
    own = [ledger_of(track, k) for k, track in enumerate(pm.tracks)]
    for t in range(1, pm.months + 1):
        ref = copy.deepcopy(pm)
        reference_portfolio_month(ref, own)
        pm.step()
        assert_array_equal(pm.meeting_cost, ref.meeting_cost, err_msg=f"month {t}: meeting_cost", strict=True)
        assert_array_equal(pm.active, ref.active, err_msg=f"month {t}: active", strict=True)
        for k, (track, ref_track) in enumerate(zip(pm.tracks, ref.tracks, strict=True)):
            assert track.carryover == ref_track.carryover > 0
            assert_same_month(track, ref_track, own[k], f"portfolio track {k}, month {t}")
    assert any(track.experienced_elsewhere.any() for track in pm.tracks), "carry-over never came into play"


def test_a_deep_copy_keeps_event_months_one_truth(collaborative):
    """The event months are rows of one array; a copied model must keep writing and reading the same rows."""
    model = DiffusionModel(collaborative, agent_views=False)
    for _ in range(3):
        model.step()
    twin = copy.deepcopy(model)
    for _ in range(9):
        model.step()
        twin.step()
    assert_array_equal(twin.orgs.month_aware, twin.orgs.months[0])
    assert_array_equal(twin.orgs.month_aware, model.orgs.month_aware)
    assert (model.orgs.month_aware > 3).any()  # organisations became aware after the copy


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 127, 128, 129, 255, 256, 1000, 4097, 100_003])
def test_pairwise_sum_equals_numpy_sum(n):
    """The record's totals are summed as np.sum sums, so the compiled record keeps NumPy's numbers to the last bit."""
    rng = np.random.default_rng(n)
    for lo in (0, 3):
        a = rng.random(lo + n) * 10.0 ** rng.uniform(-3, 4, lo + n)
        assert kernel.pairwise_sum(a, lo, n) == a[lo:].sum()


@pytest.mark.parametrize("seed", range(40))
def test_the_teams_first_places_are_the_head_of_its_full_order(seed):
    """kernel.by_priority picks a few places one by one and sorts for many; both must be the head of np.lexsort's
    order (rules.by_priority), ties in type and patients included, with and without a tie-breaking draw."""
    rng = np.random.default_rng(seed)
    n_orgs = int(rng.integers(1, 300))
    type_rank = rng.integers(0, 3, n_orgs)
    target = rng.integers(0, 4, n_orgs).astype(float) * (1.0 if seed % 2 else 0.0)  # many equal, or all 0.0
    target[rng.random(n_orgs) < 0.1] = -0.0  # equal to 0.0 for the order, as for a sort
    orgs = np.sort(rng.choice(n_orgs, int(rng.integers(0, n_orgs + 1)), replace=False))
    for tie_break in (np.empty(0), rng.random(orgs.size), rng.integers(0, 2, orgs.size).astype(float)):
        keys = [-target[orgs], type_rank[orgs]] if not tie_break.size else [tie_break, -target[orgs], type_rank[orgs]]
        full = orgs[np.lexsort(keys)]
        for first in {0, 1, 2, 5, orgs.size // 8, orgs.size // 8 + 1, orgs.size, orgs.size + 3}:
            assert_array_equal(kernel.by_priority(orgs, type_rank, target, tie_break, first), full[:first], strict=True)


def test_compiled_beta_quantile_equals_scipys_ufunc_bit_for_bit():
    """kernel.BETAINCINV (SciPy's cython_special) gives the ufunc's bits, across shapes, tails and edge uniforms."""
    from scipy import special

    from diffusion_sim.model.kernel import (
        BETAINCINV,
        F_STAFF_A,
        F_STAFF_B,
        F_STAFF_CAPACITY,
        F_STAFF_U,
        N_FIXED,
        staff_capacities,
    )

    rng = np.random.default_rng(3)
    n = 20_000
    mean = np.clip(rng.choice([1e-6, 0.01, 0.05, 0.15, 0.3, 0.5, 0.8, 1 - 1e-6], n), 1e-6, 1 - 1e-6)
    conc = rng.choice([0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 50.0, 500.0], n) * rng.uniform(0.5, 2.0, n)
    u = rng.random(n)
    u[:8] = [0.0, 5e-324, 1e-300, 1e-12, 0.5, 1 - 1e-16, 0.9999999, 0.25]
    fixed = np.full((n, N_FIXED), np.nan)
    fixed[:, F_STAFF_A], fixed[:, F_STAFF_B], fixed[:, F_STAFF_U] = mean * conc, (1 - mean) * conc, u
    expected = special.betaincinv(mean * conc, (1 - mean) * conc, u)
    got = staff_capacities(fixed, np.arange(n), BETAINCINV)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(fixed[:, F_STAFF_CAPACITY], expected)  # kept for the next read
