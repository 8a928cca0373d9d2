"""The compiled month (model/kernel.py) equals the array formulation it replaced, bit for bit.

``reference_month`` is one month as the model computed it before the update was compiled (commit
205288d: ``DiffusionModel.step``, ``_record``, ``_uniforms``, ``_tie_counts``, ``_awareness_coefficients``;
``FacilitationTeam.act``, ``_by_priority``, ``_broker``; ``Insurer.act``; ``TeamBudget``), in plain NumPy.
It runs on a deep copy of the model taken before ``model.step()``; then every array of the two is
compared with exact equality, month by month over the horizon. The reference keeps its own random
streams (drawn or skipped as the old code did: the model may draw months ahead), its own list of
brokered ties, and recounts the tie counts in full from the state and event-month arrays, so it shares
none of the compiled update's bookkeeping. What it cannot see: the last bits of a probability that
is only compared with a uniform (a reordered product there changes nothing observable).
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from scipy import sparse

from diffusion_sim.model import DiffusionModel, kernel
from diffusion_sim.model import mechanisms as mech
from diffusion_sim.model.portfolio import PortfolioModel
from diffusion_sim.model.state import N_STATES, NOT_YET, OrgArrays, OrgState
from diffusion_sim.params import ORG_TYPES
from diffusion_sim.region import build_region
from diffusion_sim.rng import stream
from diffusion_sim.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
N_TYPES = len(ORG_TYPES)
PHASES = ("awareness", "consideration", "decision", "implementation", "discontinuation", "reconsideration")
RECORDS = ("state_counts", "enrolled", "new_patients", "reached_additional", "share_adopted", "implementation_cost",
           "facilitation_cost", "supported_count", "reimbursing", "meeting")
ORG_FIELDS = tuple(f.name for f in dataclasses.fields(OrgArrays))


# ------------------------------------------------------------------ the reference: one month, old code
@dataclasses.dataclass
class Ledger:
    """What the reference carries from month to month itself: its random streams and the ties it brokered.

    The streams are its own (a model may draw several months of uniforms ahead), made as the old model
    made them; ``brokered`` lists (organisation, adopter) in the order the team introduced them.
    """

    streams: dict[str, np.random.Generator]
    brokered: list[tuple[int, int]]

    @classmethod
    def of(cls, model, track: int = 0) -> Ledger:
        """Fresh streams for ``model`` (an innovation's ``track`` in a portfolio), past the implementation-time draw."""
        seed, n = model.params.simulation.seed, model.region.n
        streams = {name: stream(seed, model.replication, name, track) for name in (*PHASES, "facilitation")}
        noise = np.exp(model.innovation.implementation_months_sigma * streams["implementation"].standard_normal(n))
        assert_array_equal(model.duration_noise, noise, strict=True)
        return cls(streams, [])


def uniforms(m, gen: np.random.Generator, needed: bool) -> np.ndarray | None:
    """One uniform per organisation when needed, else the same stream position skipped (old ``_uniforms``)."""
    if needed:
        return gen.random(m.region.n)
    gen.bit_generator.advance(m.region.n)
    return None


def broker_arrays(m, brokered: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the brokered ties, both directions, as the old model kept them."""
    if not brokered:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pairs = np.array(brokered, dtype=np.int64)
    return np.concatenate([pairs[:, 0], pairs[:, 1]]), np.concatenate([pairs[:, 1], pairs[:, 0]])


def tie_counts(m, brokered: list[tuple[int, int]]) -> np.ndarray:
    """Ties that adopted, have experience, run it as primary adopter: a full recount from the state arrays."""
    orgs = m.orgs
    adopted = orgs.state == OrgState.ADOPTED
    ever = orgs.month_adopted != NOT_YET  # nobody adopts twice: discontinued and failed are final
    as_primary = adopted & ((m.primary > 0) | m.is_origin)  # origins count as primary adopters
    flags = np.stack([adopted, ever, as_primary], axis=1).astype(np.float64)
    rows, cols = broker_arrays(m, brokered)
    ties = m.region.ties + sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=m.region.ties.shape)
    return np.asarray(ties @ flags)


def tied(m, brokered: list[tuple[int, int]], i: int) -> np.ndarray:
    """Organisations ``i`` is tied to, brokered ties included (old ``DiffusionModel.tied``)."""
    ties = m.region.ties
    own = ties.indices[ties.indptr[i]: ties.indptr[i + 1]]
    return np.concatenate([own, [b for a, b in brokered if a == i], [a for a, b in brokered if b == i]]).astype(np.int64)


def insurer_act(m, t: int, adopters_beyond_origin: int) -> None:
    """Old ``Insurer.act``: arrange once demand is shown (or when engaged), contract at the window, or a fixed start."""
    p, ins = m.params, m.insurer
    if not p.insurer.reimburses or ins.reimbursing_since != NOT_YET or m.innovation.reimbursement_route == "none":
        return
    if p.insurer.fixed_start_month is not None:
        if t >= p.insurer.fixed_start_month:
            ins.reimbursing_since = t
        return
    if ins.arranging_since == NOT_YET and adopters_beyond_origin >= p.insurer.demand_threshold:
        ins.arranging_since = t
    if ins.arranging_since != NOT_YET and t >= ins.arranging_since + p.insurer.negotiation_months:
        if (p.simulation.start_month + t - 2) % 12 + 1 == p.insurer.contract_month:
            ins.reimbursing_since = t


def open_month(budget, f, t: int) -> float:
    """Old ``TeamBudget.open_month``: refill yearly, hold a planned meeting if affordable; returns its cost."""
    if (t - 1) % 12 == 0:
        budget.budget_left = f.budget_eur_per_year
    planned = {int(12 * j / f.events_per_year) for j in range(f.events_per_year)}
    budget.meeting = ((t - 1) % 12) in planned and f.budget_eur_per_year > 0 and f.event_cost_eur <= budget.budget_left
    if not budget.meeting:
        return 0.0
    budget.budget_left -= f.event_cost_eur
    return f.event_cost_eur


def by_priority(m, idx: np.ndarray, tie_break: np.ndarray | None = None) -> np.ndarray:
    """Old ``_by_priority``: priority type, then most patients, then the draw."""
    keys = [-m.orgs.target_patients[idx], m.team.type_rank[idx]]
    if tie_break is not None:
        keys.insert(0, tie_break)
    return idx[np.lexsort(keys)]


def team_act(m, t: int, ties: np.ndarray, own: Ledger, opens_budget: bool) -> tuple[float, bool, int]:
    """Old ``FacilitationTeam.act`` and ``_broker``; returns (cost, meeting, organisations supported)."""
    f, team, orgs = m.params.facilitation, m.team, m.orgs
    budget, brokered = team.budget, own.brokered
    cost = open_month(budget, f, t) if opens_budget else 0.0
    meeting = budget.meeting and team.active
    capacity = team.capacity if team.active else 0
    if capacity <= 0 or f.budget_eur_per_year <= 0:
        affordable = 0
    elif f.support_cost_eur_per_month <= 0:
        affordable = capacity
    else:
        affordable = int(min(capacity, max(budget.budget_left, 0.0) // f.support_cost_eur_per_month))
    if affordable == 0:
        orgs.supported[:] = False
        return cost, meeting, 0
    on_way = (orgs.state >= OrgState.UNAWARE) & (orgs.state <= OrgState.IMPLEMENTING)
    if m.chain.any():  # a chain partner without a partner that runs it, not yet deciding, gets no place
        on_way &= ~(m.chain & (ties[:, 2] == 0) & (orgs.state <= OrgState.AWARE))
    caseload = by_priority(m, (orgs.supported & on_way).nonzero()[0])[:affordable]
    free = affordable - caseload.size
    if free > 0:
        on_way[caseload] = False
        on_way &= ~m.is_origin
        candidates = on_way.nonzero()[0]
        if candidates.size:
            order = by_priority(m, candidates, own.streams["facilitation"].random(candidates.size))
            caseload = np.concatenate([caseload, order[:free]])
    orgs.supported[:] = False
    orgs.supported[caseload] = True
    cost += caseload.size * f.support_cost_eur_per_month
    budget.budget_left -= caseload.size * f.support_cost_eur_per_month
    if f.broker_ties_per_month and caseload.size:
        pending = caseload[~team.brokered[caseload]]
        adopters = (orgs.state == OrgState.ADOPTED).nonzero()[0]
        region = m.region
        x, y = region.x_km[adopters], region.y_km[adopters]
        made = 0
        for i in pending[: 2 * f.broker_ties_per_month].tolist():
            if made >= f.broker_ties_per_month:
                break
            known = np.zeros(region.n, dtype=bool)
            known[tied(m, brokered, i)] = True
            known[i] = True
            free_ = ~known[adopters]
            if not free_.any():
                continue
            d2 = (x[free_] - region.x_km[i]) ** 2 + (y[free_] - region.y_km[i]) ** 2
            brokered.append((i, int(adopters[free_][np.argmin(d2)])))
            team.brokered[i] = True
            made += 1
    return cost, meeting, int(caseload.size)


def reference_month(m, own: Ledger, opens_budget: bool = True) -> None:
    """Month ``m.steps + 1`` of ``m`` (a copy) in the old array formulation, phases 0-6, drawing from ``own``'s streams.

    ``opens_budget``: False for a portfolio's track, whose portfolio opens the shared budget.
    """
    t = m.steps + 1
    p = m.params
    f = p.facilitation
    orgs, region = m.orgs, m.region
    state = orgs.state
    n = region.n
    n_in = m.state_counts[t - 1].sum(axis=0).tolist()  # per state at the end of last month
    brokered, u_ = own.brokered, own.streams

    ties = tie_counts(m, brokered)  # last month's adopters drive influence and learning
    n_experienced = int((orgs.month_adopted != NOT_YET).sum())
    adopted_prev = (state == OrgState.ADOPTED).nonzero()[0]
    enrolled_before = np.zeros(n)  # what each adopter had enrolled last month
    live = t - 1 - m.go_live[adopted_prev] + 1
    enrolled_before[adopted_prev] = mech.enrolled_patients(orgs.target_patients[adopted_prev], live, m.innovation.ramp_months)

    # 0. stakeholders act
    insurer_act(m, t, adopted_prev.size - int((state[m.is_origin] == OrgState.ADOPTED).sum()))
    team_cost, meeting, supported_now = team_act(m, t, ties, own, opens_budget)
    supported = orgs.supported
    reimbursing = m.insurer.reimbursing_since != NOT_YET

    # 1. awareness
    became_aware = 0
    u = uniforms(m, u_["awareness"], n_in[OrgState.UNAWARE] > 0)
    if u is not None:
        idx = (state == OrgState.UNAWARE).nonzero()[0]
        rows, _ = broker_arrays(m, brokered)
        tie_total = np.diff(region.ties.indptr).astype(np.float64) + np.bincount(rows, minlength=n).astype(np.float64)
        per_month = m.innovativeness_factor / mech.MONTHS_PER_YEAR
        outside = p.diffusion.p * per_month + m.demonstration_reach / mech.MONTHS_PER_YEAR
        imitation = p.diffusion.q * per_month / np.maximum(tie_total, 1.0)
        miss = np.exp(-(outside[idx] + imitation[idx] * ties[idx, 0]))
        if meeting:
            miss *= 1.0 - f.event_awareness
        hit = u[idx] >= miss
        if supported_now:
            hit |= supported[idx]
        hears = idx[hit]
        state[hears] = OrgState.AWARE
        orgs.month_aware[hears] = t
        became_aware = hears.size

    # 2. consideration
    started = 0
    u = uniforms(m, u_["consideration"], n_in[OrgState.AWARE] + became_aware > 0)
    if u is not None:
        idx = (state == OrgState.AWARE).nonzero()[0]
        consider = mech.monthly_probability(p.diffusion.consideration_per_year * m.innovativeness_factor)
        hit = u[idx] < consider[idx]
        if supported_now:
            hit |= supported[idx]
        if m.chain.any():
            hit &= ~(m.chain & (ties[:, 2] == 0))[idx]
        starts = idx[hit]
        state[starts] = OrgState.DECIDING
        orgs.month_deciding[starts] = t
        speed = 1.0 - f.support_time_reduction * supported[starts]
        orgs.due[starts] = t + np.rint(p.diffusion.decision_months * speed).astype(np.int32)
        started = starts.size

    sharing = f.knowledge_sharing if m.team.active or (m.team.was_active and p.portfolio.knowledge_sharing_persists) else 0.0
    shared = float(mech.learning_multiplier(sharing * n_experienced, f.regional_learning_per_doubling))

    def learning(k: np.ndarray) -> np.ndarray:
        return np.minimum(mech.learning_multiplier(ties[k, 1], p.barriers.own_learning_per_doubling), shared)

    # 3. decision
    none = np.zeros(0, dtype=np.int64)
    idx = ((state == OrgState.DECIDING) & (orgs.due <= t)).nonzero()[0] if n_in[OrgState.DECIDING] + started else none
    u = uniforms(m, u_["decision"], idx.size > 0)
    n_implementing = 0
    if idx.size:
        rate_learned = learning(idx)
        net_cost = m.type_cost[idx] * rate_learned * (1.0 - p.insurer.cost_share * reimbursing)
        gap = (1.0 - p.barriers.knowhow_per_adopted_tie) ** (ties[idx, 1] + sharing * n_experienced)
        gap *= 1.0 - f.support_knowhow * supported[idx]
        strengths = mech.barrier_strengths(net_cost, region.financial_room[idx], gap, region.staff_capacity[idx],
                                           orgs.target_patients[idx], p.barriers.fit_scale_patients)
        prob = mech.adoption_probability(strengths, m.barrier_weights)
        go = u[idx] < prob
        adopt, reject = idx[go], idx[~go]
        state[adopt] = OrgState.IMPLEMENTING
        orgs.month_implementing[adopt] = t
        cost = m.type_cost[adopt] * rate_learned[go]
        orgs.implementation_cost[adopt] = cost
        m.implementation_cost[t] = np.bincount(region.org_type[adopt], weights=cost, minlength=N_TYPES)
        speed = 1.0 - f.support_time_reduction * supported[adopt]
        duration = m.type_months[adopt] * rate_learned[go] * speed * m.duration_noise[adopt]
        if m.carryover:
            duration = duration * (1.0 - m.carryover * m.experienced_elsewhere[adopt])
        orgs.due[adopt] = t + np.rint(duration).astype(np.int32)
        state[reject] = OrgState.REJECTED
        orgs.month_rejected[reject] = t
        orgs.main_barrier[reject] = np.argmax(m.barrier_weights[:, None] * strengths[:, ~go], axis=0)
        n_implementing = adopt.size

    # 4. implementation
    busy = n_in[OrgState.IMPLEMENTING] + n_implementing
    idx = ((state == OrgState.IMPLEMENTING) & (orgs.due <= t)).nonzero()[0] if busy else none
    u = uniforms(m, u_["implementation"], idx.size > 0)
    if idx.size:
        failure = min(1.0, m.innovation.implementation_failure * m.innovation.complexity_multiplier())
        fail = failure * learning(idx) * (1.0 - f.support_failure_reduction * supported[idx])
        if m.carryover:
            fail = fail * (1.0 - m.carryover * m.experienced_elsewhere[idx])
        ok = u[idx] >= fail
        done, lost = idx[ok], idx[~ok]
        state[done] = OrgState.ADOPTED
        orgs.month_adopted[done] = t
        m.go_live[done] = t
        state[lost] = OrgState.FAILED
        orgs.month_failed[lost] = t

    # 5. discontinuation (not the origin) and reconsideration
    idx = adopted_prev[~m.is_origin[adopted_prev]]
    u = uniforms(m, u_["discontinuation"], idx.size > 0)
    if idx.size:
        rate = m.innovation.discontinuation_per_year * m.innovation.complexity_multiplier()
        if not reimbursing:
            rate *= m.innovation.discontinuation_unreimbursed_factor
        stops = idx[u[idx] < mech.monthly_probability(rate)]
        state[stops] = OrgState.DISCONTINUED
        orgs.month_discontinued[stops] = t
    idx = ((state == OrgState.REJECTED) & (orgs.month_rejected < t)).nonzero()[0] if n_in[OrgState.REJECTED] else none
    u = uniforms(m, u_["reconsideration"], idx.size > 0)
    if idx.size:
        reopens = idx[u[idx] < mech.monthly_probability(p.diffusion.reconsideration_per_year)]
        state[reopens] = OrgState.AWARE

    # 6. record
    m.facilitation_cost[t] = team_cost
    m.meeting[t] = meeting
    types = region.org_type.astype(np.int64)
    m.state_counts[t] = np.bincount(types * N_STATES + state, minlength=N_TYPES * N_STATES).reshape(N_TYPES, N_STATES)
    idx = (state == OrgState.ADOPTED).nonzero()[0]
    enrolled = mech.enrolled_patients(orgs.target_patients[idx], t - m.go_live[idx] + 1, m.innovation.ramp_months)
    before = enrolled_before[idx]
    turnover = float(mech.monthly_share(m.innovation.patient_turnover_per_year))
    new = np.maximum(enrolled - before, 0.0) + before * turnover
    distinct = m.distinct_share[idx]
    enrolled, new = enrolled * distinct, new * distinct
    m.enrolled[t] = np.bincount(region.org_type[idx], weights=enrolled, minlength=N_TYPES)
    m.new_patients[t] = np.bincount(region.org_type[idx], weights=new, minlength=N_TYPES)
    m.reached_additional[t] = m.reached_additional[t - 1] + new.sum() - new[m.is_origin[idx]].sum()
    n_eligible = int(orgs.eligible.sum())
    m.share_adopted[t] = idx.size / n_eligible if n_eligible else 0.0
    m.supported_count[t] = supported_now
    m.reimbursing[t] = reimbursing
    m.team.supported_now = supported_now
    m.running = t < m.months


def reference_portfolio_month(pm, own: list[Ledger]) -> None:
    """``PortfolioModel.step`` with each track's month from ``reference_month``."""
    t = pm.steps + 1
    f, pp = pm.params.facilitation, pm.params.portfolio
    pm.meeting_cost[t] = open_month(pm.budget, f, t)
    n = len(pm.tracks)
    k = (t - 1) // pp.months_per_innovation
    active = list(range(n)) if pp.schedule == "simultaneous" or k >= n else [k]
    shift = t % len(active)
    order = active[shift:] + active[:shift]
    places, extra = divmod(f.support_capacity_per_month, len(active))
    for j, k in enumerate(order):
        pm.tracks[k].team.capacity = places + (j < extra)
        pm.tracks[k].team.activate(t)
        pm.active[t, k] = True
    for k, track in enumerate(pm.tracks):
        if k not in active:
            track.team.deactivate()
    implemented = np.stack([tr.orgs.month_adopted != NOT_YET for tr in pm.tracks])
    for k, track in enumerate(pm.tracks):
        track.experienced_elsewhere = (implemented.sum(axis=0) - implemented[k]) > 0
    for k in order + [k for k in range(n) if k not in active]:
        reference_month(pm.tracks[k], own[k], opens_budget=False)
    for k in order:
        pm.tracks[k].facilitation_cost[t] += pm.meeting_cost[t] / len(order)


# ------------------------------------------------------------------ comparison
def assert_same_month(model, ref, own: Ledger, where: str) -> None:
    """Every array, the team's caseload and brokered ties, the insurer and the team's stream position, exactly equal."""
    brokered = own.brokered
    for name in ORG_FIELDS:
        assert_array_equal(getattr(model.orgs, name), getattr(ref.orgs, name), err_msg=f"{where}: orgs.{name}", strict=True)
    for name in (*RECORDS, "go_live", "experienced_elsewhere"):
        assert_array_equal(getattr(model, name), getattr(ref, name), err_msg=f"{where}: {name}", strict=True)
    assert model.running == ref.running, where
    assert model.team.supported_now == ref.team.supported_now, where
    assert model.team.budget.budget_left == ref.team.budget.budget_left, where
    assert model.team.budget.meeting == ref.team.budget.meeting, where
    assert_array_equal(model.team.brokered, ref.team.brokered, err_msg=f"{where}: team.brokered", strict=True)
    assert (model.insurer.arranging_since, model.insurer.reimbursing_since) == \
        (ref.insurer.arranging_since, ref.insurer.reimbursing_since), where
    # the team draws only when it fills places; the phases' draws show in every decision above
    assert model._u_facilitation.bit_generator.state == own.streams["facilitation"].bit_generator.state, where
    rows, _ = broker_arrays(ref, brokered)
    assert_array_equal(model.ties.brokered_degree, np.bincount(rows, minlength=ref.region.n).astype(np.float64),
                       err_msg=f"{where}: brokered ties per organisation", strict=True)
    for i in np.flatnonzero(model.ties.brokered_degree).tolist():
        assert sorted(model.ties.tied(i).tolist()) == sorted(tied(ref, brokered, i).tolist()), f"{where}: ties of {i}"
    # the counts the model keeps up to date from the changes (model.ties) against a full recount
    assert_array_equal(model.ties.counts(), tie_counts(ref, brokered), err_msg=f"{where}: tie counts", strict=True)


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
                                              "facilitation.support_capacity_per_month": 8}, 0),
}


@pytest.mark.parametrize("case", list(CASES))
def test_compiled_month_equals_array_month(case):
    """Month by month over the horizon, the compiled month leaves the model exactly as the old array month."""
    file, changes, replication = CASES[case]
    params = load_scenario(SCENARIOS / file, changes)
    model = DiffusionModel(params, replication=replication, region=build_region(params), agent_views=False)
    own = Ledger.of(model)
    for t in range(1, model.months + 1):
        ref = copy.deepcopy(model)
        reference_month(ref, own)
        model.step()
        assert_same_month(model, ref, own, f"{case}, month {t}")
    assert not model.running


def test_portfolio_with_carryover_equals_array_month():
    """Three tracks sharing a team and its budget, with carry-over: each track's month as the old one."""
    params = load_scenario(SCENARIOS / "zuidwest-portfolio-sequential.toml", {"simulation.months": 48})
    assert params.portfolio.carryover > 0
    pm = PortfolioModel(params, region=build_region(params), agent_views=False)
    own = [Ledger.of(track, k) for k, track in enumerate(pm.tracks)]
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
