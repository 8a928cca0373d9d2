"""The monthly rules in plain NumPy: one month of the model, phase by phase, as the readable statement of what it does.

One month (one ``step()``) runs in seven phases. Section numbers are those of ``docs/model.md``,
which gives every formula and where its numbers come from; most behavioural numbers are
ASSUMPTIONs (its section 7).

0. Stakeholders act (:func:`insurer_act`, :func:`team_act`). The insurer starts arranging
   reimbursement once enough organisations beyond the origin run the innovation, or at once when
   engaged in the team, and contracts at its yearly window (3.3.8). The facilitation team refills its
   yearly money and monthly hours, pays its knowledge network's hours and a planned meeting it can
   afford, and fills the places its hours and money still cover in priority order (3.3.9).
1. Awareness (:func:`awareness`): UNAWARE -> AWARE, from outside (Bass p), from the share of its
   own ties that use it (Bass q), from the origin's demonstrations, from a meeting (by type), or from
   the team's approach when it supports the organisation (3.3.2).
2. Consideration (:func:`consideration`): AWARE -> DECIDING at a yearly rate, faster when
   supported; a chain partner waits for a tied primary adopter (3.3.3).
3. Decision (:func:`decision`): when the decision is due, four barriers (Greenhalgh et al. 2004)
   decide between IMPLEMENTING and REJECTED, with better odds when supported (Baskerville et al.
   2012); learning from ties and from the experience the network shares (Wright 1936) lowers cost
   and time (3.3.4, 3.3.5).
4. Implementation (:func:`implementation`): when due, it succeeds (ADOPTED) or fails (FAILED) (3.3.6).
5. Discontinuation, then reconsideration (:func:`discontinuation`, :func:`reconsideration`):
   adopters other than the origin abandon it at a yearly rate, higher while it is not reimbursed;
   organisations that rejected it in an earlier month open up again (3.3.7).
6. Record (:func:`record`): organisations per type and state, patients enrolled and newly reached,
   costs, support and reimbursement (3.3.10).

Influence and learning read the start of the month (:class:`Month`: the tie counts and the
region's experience from last month's state), so the update is synchronous; state changes within
the month are applied phase by phase and later phases see them. Each phase draws one uniform per
organisation from its own stream every month, used or not, and organisation ``i`` uses the
``i``-th: scenarios that agree on a decision make it identically (common random numbers, ``rng.py``).
The team draws from its own stream only when it fills places, to order equal priorities.

**These rules and the code that runs.** The model does not call :func:`reference_month`: it runs
the month as one compiled pass over the organisations (``kernel.py``), each organisation through
phases 1-5 in turn, because as arrays a month is about a hundred small NumPy operations, most of it
call overhead. :func:`reference_month` states the same month as arrays in the same order of
operations, and ``tests/test_kernel.py`` checks, month by month over the horizon, that the compiled
month leaves a model exactly as this one does, every array bit for bit. A rule changes here and in
``kernel.py`` together, and that test says whether they still agree. The model does use the small
pure functions at the top (rates, the learning curve) to set up what the compiled month reads.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

import numpy as np

from diffusion_sim.model.state import N_STATES, NOT_YET, OrgState
from diffusion_sim.params import ORG_TYPES
from diffusion_sim.rng import streams

if TYPE_CHECKING:
    from diffusion_sim.model.agents import TeamBudget
    from diffusion_sim.model.model import DiffusionModel
    from diffusion_sim.model.portfolio import PortfolioModel

MONTHS_PER_YEAR = 12.0
N_TYPES = len(ORG_TYPES)
PHASES = ("awareness", "consideration", "decision", "implementation", "discontinuation", "reconsideration")


# ---------------------------------------------------------------------------------------- rates and curves
def monthly_probability(rate_per_year: np.ndarray | float) -> np.ndarray | float:
    """π(r) = 1 - exp(-r / 12): the probability of at least one event in a month for a Poisson rate given per year (3.3.1)."""
    return -np.expm1(-np.asarray(rate_per_year) / MONTHS_PER_YEAR)


def monthly_share(share_per_year: float) -> float:
    """σ(s) = 1 - (1 - s)^(1/12): the monthly probability that compounds to ``share_per_year`` over twelve months.

    Used for patient turnover, a share of patients leaving within a year (3.3.10).
    """
    return 1.0 - (1.0 - share_per_year) ** (1.0 / MONTHS_PER_YEAR)


def learning_multiplier(experience: np.ndarray | float, fall_per_doubling: float) -> np.ndarray:
    """Wright's (1936) learning curve W(x; f) = (1 + x)^(-b), b = -log2(1 - f): effort falls by f per doubling (3.3.4).

    It multiplies set-up cost, implementation time and failure; no learning (1) when f is 0.
    """
    if fall_per_doubling <= 0:
        return np.ones_like(np.asarray(experience, dtype=float))
    b = -np.log2(1.0 - fall_per_doubling)
    return (1.0 + np.asarray(experience, dtype=float)) ** (-b)


def barrier_strengths(net_cost: np.ndarray, financial_room: np.ndarray, knowhow_gap: np.ndarray,
                      staff_capacity: np.ndarray, target_patients: np.ndarray, fit_scale: float) -> np.ndarray:
    """Strength (0..1) of each barrier at a decision, shape (4, n): financial, know-how, staff, fit (3.3.5).

    After Greenhalgh et al.'s (2004) determinants: slack resources (cost against financial room),
    absorptive capacity (the know-how gap), staff capacity, and fit (poor with few patients).
    """
    financial = net_cost / (net_cost + financial_room)
    staff = 1.0 - staff_capacity
    fit = np.exp(-target_patients / fit_scale)
    return np.stack([financial, knowhow_gap, staff, fit])


def adoption_probability(strengths: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """P(adopt at the end of a decision) = product over barriers of (1 - weight x strength) (3.3.5; weights ASSUMPTIONs)."""
    return np.prod(1.0 - weights[:, None] * strengths, axis=0)


def enrolled_patients(target_patients: np.ndarray, months_live: np.ndarray, ramp_months: float) -> np.ndarray:
    """Patients on the innovation at an adopter, rising linearly to full use over ``ramp_months`` (3.3.10)."""
    if ramp_months <= 0:
        return np.where(months_live >= 0, target_patients, 0.0)
    return target_patients * np.minimum(np.maximum(months_live / ramp_months, 0.0), 1.0)  # as np.clip, with less overhead


# ---------------------------------------------------------------------------------------- what the rules carry
@dataclasses.dataclass
class Ledger:
    """What the rules carry from month to month beside the model's arrays: their own random streams.

    The streams are made as the model makes them (:func:`model_streams`), so the rules draw the model's
    numbers without sharing its generators; ``duration_noise`` is each organisation's implementation-time factor
    exp(σ ε), drawn once at set-up from the implementation stream before any monthly draw (3.1).
    """

    streams: dict[str, np.random.Generator]
    duration_noise: np.ndarray

    @classmethod
    def of(cls, model: DiffusionModel, track: int = 0) -> Ledger:
        """The ledger of a model just set up (innovation ``track`` of a portfolio), before its first month."""
        opened = model_streams(model.params.simulation.seed, model.replication, track)
        noise = np.exp(model.innovation.implementation_months_sigma * opened["implementation"].standard_normal(model.region.n))
        return cls(opened, noise)


def model_streams(seed: int, replication: int, track: int = 0) -> dict[str, np.random.Generator]:
    """Fresh generators of a replication's model streams by name: each phase's (:data:`PHASES`) and the team's."""
    names = (*PHASES, "facilitation")
    return dict(zip(names, streams(seed, replication, names, track), strict=True))


def tie_counts(m: DiffusionModel) -> np.ndarray:
    """Per organisation, its ties that run it now (a_i), ever ran it (n_i), run it now as primary adopter: a full recount.

    Over the region's ties (3.3, notation). The origins count as primary adopters; nobody adopts
    twice (FAILED and DISCONTINUED are final), so "ever" is an adoption month.
    """
    orgs = m.orgs
    adopted = orgs.state == OrgState.ADOPTED
    ever = orgs.month_adopted != NOT_YET
    as_primary = adopted & ((m.primary > 0) | m.is_origin)
    flags = np.stack([adopted, ever, as_primary], axis=1).astype(np.float64)
    return np.asarray(m.region.ties @ flags)


@dataclasses.dataclass(frozen=True)
class Month:
    """What the phases of month ``t`` read beside the organisations' own state: the start of the month and phase 0.

    Attributes:
        t: the month (step) being simulated, 1-based.
        ties: :func:`tie_counts` at the start of the month (last month's state: a synchronous update).
        degree: k_i, each organisation's number of ties.
        supported: S_i, in the team's caseload this month.
        meeting: whether a regional meeting about the innovation takes place this month.
        reimbursing: R, whether the insurer reimburses this month.
        shared_experience: per organisation type, the experience the knowledge network shares with it:
            knowledge_sharing x (adopters of its type + across_types x adopters of other types), cumulative.
        shared_learning: per type, L_net, the learning curve at that experience (3.3.4).
    """

    t: int
    ties: np.ndarray
    degree: np.ndarray
    supported: np.ndarray
    meeting: bool
    reimbursing: bool
    shared_experience: np.ndarray
    shared_learning: np.ndarray


# ---------------------------------------------------------------------------------------- 0. stakeholders act
def insurer_act(m: DiffusionModel, t: int, adopters_beyond_origin: int) -> None:
    """The insurer arranges reimbursement once demand shows (or when engaged in the team) and contracts at its window (3.3.8).

    Demand is ``demand_threshold`` organisations beyond the origin running it at the end of last
    month; the contract takes effect in the first ``contract_month`` at least ``negotiation_months``
    after arranging started (a yearly purchasing cycle, DOMAIN.md sec. 6). Precedent for reimbursing
    at all: HartWacht, Zilveren Kruis, since 2016. A fixed start month (a policy lever) replaces all
    of that; an innovation without a reimbursement route is never reimbursed.
    """
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


def open_month(budget: TeamBudget, t: int) -> float:
    """The team's month opens: money refilled yearly (steps 1, 13, ...), hours monthly; overheads paid first (3.3.9).

    The team works at all only with money and people. Its hours are members x hours each (in kind);
    the knowledge network, when run, takes its hours first; a planned meeting (in the months
    ⌊12 j / E⌋ of the team's year, E meetings a year) is held if the money and hours left cover it.
    Returns the meeting's cost.
    """
    f = budget.f
    works = f.budget_eur_per_year > 0 and f.team_members > 0
    if (t - 1) % 12 == 0:
        budget.budget_left = f.budget_eur_per_year
    budget.hours_left = f.team_members * f.hours_per_member_per_month if works else 0.0
    budget.hours_used = 0.0
    if f.knowledge_network and works:
        network = min(budget.hours_left, f.knowledge_network_hours_per_month)
        budget.hours_left -= network
        budget.hours_used += network
    planned = {int(12 * j / f.events_per_year) for j in range(f.events_per_year)}
    budget.meeting = (((t - 1) % 12) in planned and works and f.event_cost_eur <= budget.budget_left
                      and f.event_hours <= budget.hours_left)
    if not budget.meeting:
        return 0.0
    budget.budget_left -= f.event_cost_eur
    budget.hours_left -= f.event_hours
    budget.hours_used += f.event_hours
    return f.event_cost_eur


def by_priority(m: DiffusionModel, idx: np.ndarray, tie_break: np.ndarray | None = None) -> np.ndarray:
    """``idx`` in the team's order: its priority types first, then most target patients, then ``tie_break``, then index.

    Most patients per contact first (``priority_types``: an ASSUMPTION).
    """
    keys = [-m.orgs.target_patients[idx], m.team.type_rank[idx]]
    if tie_break is not None:
        keys.insert(0, tie_break)
    return idx[np.lexsort(keys)]


def team_act(m: DiffusionModel, t: int, ties: np.ndarray, own: Ledger, opens_budget: bool) -> tuple[float, bool, int]:
    """The facilitation team's month: money, hours and meeting, then its caseload (3.3.9).

    Its places are as many organisations as its hours left (``support_hours_per_org_month`` each)
    and its money left (``support_cost_eur_per_month`` each) both cover; in a portfolio the portfolio
    gives each innovation its share of the places the hours cover. Organisations in its caseload that
    are still on their way (UNAWARE to IMPLEMENTING) and can move keep their place, in priority order;
    free places go to others on their way, not the origins, in the same order with a draw from the
    team's stream ordering equal priorities. A chain partner not yet deciding without a tie that runs
    it as primary adopter cannot move, so it neither gets nor keeps a place. ``opens_budget`` is False
    for an innovation of a portfolio, whose portfolio opens the shared month.

    Returns (money spent in EUR, whether a meeting about the innovation takes place, organisations supported).
    """
    f, team, orgs = m.params.facilitation, m.team, m.orgs
    budget = team.budget
    cost = open_month(budget, t) if opens_budget else 0.0
    meeting = budget.meeting and team.active
    works = f.budget_eur_per_year > 0 and f.team_members > 0
    if team.active and works:
        by_time = int(max(budget.hours_left, 0.0) // f.support_hours_per_org_month)
        per = f.support_cost_eur_per_month
        by_money = by_time if per <= 0 else int(max(budget.budget_left, 0.0) // per)
    else:
        by_time = by_money = 0
    if team.share is not None:
        by_time = min(by_time, team.share)
    team.places = (by_time, by_money)
    affordable = min(by_time, by_money)
    if affordable == 0:
        orgs.supported[:] = False
        return cost, meeting, 0
    on_way = (orgs.state >= OrgState.UNAWARE) & (orgs.state <= OrgState.IMPLEMENTING)
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
    budget.hours_left -= caseload.size * f.support_hours_per_org_month
    budget.hours_used += caseload.size * f.support_hours_per_org_month
    return cost, meeting, int(caseload.size)


# ---------------------------------------------------------------------------------------- 1-5. the organisations
def awareness(m: DiffusionModel, month: Month, u: np.ndarray) -> None:
    """1. UNAWARE -> AWARE: outside influence, imitation of its ties, demonstrations, a meeting, or the team's approach (3.3.2).

    Monthly hazard = (p + q x a_i / k_i) x g_i / 12 + d_i / 12: Bass (1969) p and q, with q acting on
    the share of the organisation's own ties that use it (Coleman et al. 1957); g_i = exp(β z_i) its
    innovativeness; d_i the origin's demonstrations within their radius. A meeting reaches a share
    ``event_attendance`` of each type, and the team's approach a supported organisation with
    probability ``support_awareness``, both folded into the same draw (DOMAIN.md sec. 9: support does
    not make awareness instantaneous).
    """
    p, f, orgs = m.params, m.params.facilitation, m.orgs
    idx = (orgs.state == OrgState.UNAWARE).nonzero()[0]
    per_month = m.innovativeness_factor / MONTHS_PER_YEAR
    outside = p.diffusion.p * per_month + m.demonstration_reach / MONTHS_PER_YEAR
    imitation = p.diffusion.q * per_month / np.maximum(month.degree, 1.0)
    miss = np.exp(-(outside[idx] + imitation[idx] * month.ties[idx, 0]))
    meeting_miss = 1.0 - np.asarray(f.event_attendance.as_tuple()) if month.meeting else np.ones(N_TYPES)
    miss *= meeting_miss[m.region.org_type[idx]]
    approached = month.supported[idx]
    miss[approached] *= 1.0 - f.support_awareness
    hears = idx[u[idx] >= miss]
    orgs.state[hears] = OrgState.AWARE
    orgs.month_aware[hears] = month.t


def consideration(m: DiffusionModel, month: Month, u: np.ndarray) -> None:
    """2. AWARE -> DECIDING at the rate π(consideration_per_year x g_i), x (1 + support_consideration) when supported (3.3.3).

    A chain partner starts only when a tie of its runs the innovation as primary adopter (it joins a
    care chain someone else runs; DOMAIN.md sec. 7). The decision takes ``decision_months``, shortened
    by ``support_time_reduction`` when supported.
    """
    p, f, orgs = m.params, m.params.facilitation, m.orgs
    idx = (orgs.state == OrgState.AWARE).nonzero()[0]
    rate = p.diffusion.consideration_per_year * m.innovativeness_factor
    consider = np.where(month.supported, monthly_probability(rate * (1.0 + f.support_consideration)), monthly_probability(rate))
    hit = u[idx] < consider[idx]
    waits_for_partner = m.chain & (month.ties[:, 2] == 0)
    starts = idx[hit & ~waits_for_partner[idx]]
    orgs.state[starts] = OrgState.DECIDING
    orgs.month_deciding[starts] = month.t
    speed = 1.0 - f.support_time_reduction * month.supported[starts]
    orgs.due[starts] = month.t + np.rint(p.diffusion.decision_months * speed).astype(np.int32)


def learning(m: DiffusionModel, month: Month, idx: np.ndarray) -> np.ndarray:
    """L_i = min(W(n_i; own_learning_per_doubling), L_net): learning from its ties' experience or the network's (3.3.4).

    W is computed one organisation at a time (the C library's pow, as the compiled month does):
    NumPy's vectorised power may differ from it in the last bit for some exponents.
    """
    fall = m.params.barriers.own_learning_per_doubling
    if fall > 0:
        exponent = float(np.log2(1.0 - fall))
        own = np.array([math.pow(1.0 + x, exponent) for x in month.ties[idx, 1]])
    else:
        own = np.ones(idx.size)
    return np.minimum(own, month.shared_learning[m.region.org_type[idx]])


def decision(m: DiffusionModel, month: Month, u: np.ndarray, duration_noise: np.ndarray) -> None:
    """3. DECIDING, when due -> IMPLEMENTING with P(adopt) = Π (1 - w_j b_j) over four barriers, else REJECTED (3.3.5).

    The set-up cost is the type's cost times the learning curve L_i, less the insurer's share while
    it reimburses; the know-how gap closes by ``knowhow_per_adopted_tie`` with each tie and each
    adopter whose experience the network shares. Support multiplies the odds of implementing by
    ``support_decision_odds_ratio`` (Baskerville et al. 2012, DOMAIN.md sec. 9). On
    adoption the gross cost is booked now and the implementation takes the type's months times L_i,
    less with support and, in a portfolio, with experience of another of its innovations
    (``carryover``), times the organisation's duration noise. A rejection records the barrier that
    weighed most.
    """
    p, f, orgs, region, t = m.params, m.params.facilitation, m.orgs, m.region, month.t
    idx = ((orgs.state == OrgState.DECIDING) & (orgs.due <= t)).nonzero()[0]
    rate_learned = learning(m, month, idx)
    net_cost = m.type_cost[idx] * rate_learned * (1.0 - p.insurer.cost_share * month.reimbursing)
    gap = (1.0 - p.barriers.knowhow_per_adopted_tie) ** (month.ties[idx, 1] + month.shared_experience[region.org_type[idx]])
    strengths = barrier_strengths(net_cost, m.financial_room[idx], gap, m.staff_capacity_of(idx),
                                  orgs.target_patients[idx], p.barriers.fit_scale_patients)
    prob = adoption_probability(strengths, m.barrier_weights)
    odds = f.support_decision_odds_ratio
    if odds != 1.0:
        helped = month.supported[idx]
        prob[helped] = odds * prob[helped] / (1.0 - prob[helped] + odds * prob[helped])
    go = u[idx] < prob
    adopt, reject = idx[go], idx[~go]
    orgs.state[adopt] = OrgState.IMPLEMENTING
    orgs.month_implementing[adopt] = t
    cost = m.type_cost[adopt] * rate_learned[go]
    orgs.implementation_cost[adopt] = cost
    m.implementation_cost[t] = np.bincount(region.org_type[adopt], weights=cost, minlength=N_TYPES)
    speed = 1.0 - f.support_time_reduction * month.supported[adopt]
    duration = m.type_months[adopt] * rate_learned[go] * speed * duration_noise[adopt]
    duration = duration * (1.0 - m.carryover * m.experienced_elsewhere[adopt])
    orgs.due[adopt] = t + np.rint(duration).astype(np.int32)
    orgs.state[reject] = OrgState.REJECTED
    orgs.month_rejected[reject] = t
    orgs.main_barrier[reject] = np.argmax(m.barrier_weights[:, None] * strengths[:, ~go], axis=0)


def implementation(m: DiffusionModel, month: Month, u: np.ndarray) -> None:
    """4. IMPLEMENTING, when due -> ADOPTED (live from now) or FAILED, which is final (3.3.6).

    P(fail) = min(1, implementation_failure x c) x L_i, less with support and with carry-over; c is
    the NASSS complexity factor (Greenhalgh et al. 2017: simple 0.5, complicated 1, complex 2).
    """
    f, orgs, t = m.params.facilitation, m.orgs, month.t
    idx = ((orgs.state == OrgState.IMPLEMENTING) & (orgs.due <= t)).nonzero()[0]
    failure = min(1.0, m.innovation.implementation_failure * m.innovation.complexity_multiplier())
    fail = failure * learning(m, month, idx) * (1.0 - f.support_failure_reduction * month.supported[idx])
    fail = fail * (1.0 - m.carryover * m.experienced_elsewhere[idx])
    ok = u[idx] >= fail
    done, lost = idx[ok], idx[~ok]
    orgs.state[done] = OrgState.ADOPTED
    orgs.month_adopted[done] = t
    m.go_live[done] = t
    orgs.state[lost] = OrgState.FAILED
    orgs.month_failed[lost] = t


def discontinuation(m: DiffusionModel, month: Month, adopted_before: np.ndarray, u: np.ndarray) -> None:
    """5a. ADOPTED at the end of last month, not an origin -> DISCONTINUED, which is final (3.3.7).

    At the rate π(discontinuation_per_year x c), times ``discontinuation_unreimbursed_factor`` while
    it is not reimbursed (running costs unpaid; Wiltsey Stirman et al. 2012, NASSS).
    """
    orgs, inn = m.orgs, m.innovation
    idx = adopted_before[~m.is_origin[adopted_before]]
    rate = inn.discontinuation_per_year * inn.complexity_multiplier()
    if not month.reimbursing:
        rate *= inn.discontinuation_unreimbursed_factor
    stops = idx[u[idx] < monthly_probability(rate)]
    orgs.state[stops] = OrgState.DISCONTINUED
    orgs.month_discontinued[stops] = month.t


def reconsideration(m: DiffusionModel, month: Month, u: np.ndarray) -> None:
    """5b. REJECTED in an earlier month -> AWARE at the rate π(reconsideration_per_year): rejection is not final (3.3.7)."""
    orgs = m.orgs
    idx = ((orgs.state == OrgState.REJECTED) & (orgs.month_rejected < month.t)).nonzero()[0]
    reopens = idx[u[idx] < monthly_probability(m.params.diffusion.reconsideration_per_year)]
    orgs.state[reopens] = OrgState.AWARE


# ---------------------------------------------------------------------------------------- 6. record
def record(m: DiffusionModel, month: Month, enrolled_before: np.ndarray, team_cost: float, supported_now: int,
           team_hours: float) -> None:
    """6. Counts per type and state, patients enrolled and newly reached, costs, support and reimbursement (3.3.10).

    New patients are the growth of enrolment plus the replaced leavers, σ(patient_turnover_per_year)
    of last month's enrolled; both count distinct patients only (``distinct_patients`` per type).
    "Additional" patients are those reached beyond the origins, cumulated over the months.
    ``enrolled_before`` holds what each adopter had enrolled at the end of last month.
    """
    orgs, region, t = m.orgs, m.region, month.t
    state = orgs.state
    m.facilitation_cost[t] = team_cost
    m.meeting[t] = month.meeting
    types = region.org_type.astype(np.int64)
    m.state_counts[t] = np.bincount(types * N_STATES + state, minlength=N_TYPES * N_STATES).reshape(N_TYPES, N_STATES)
    idx = (state == OrgState.ADOPTED).nonzero()[0]
    enrolled = enrolled_patients(orgs.target_patients[idx], t - m.go_live[idx] + 1, m.innovation.ramp_months)
    before = enrolled_before[idx]
    turnover = float(monthly_share(m.innovation.patient_turnover_per_year))
    new = np.maximum(enrolled - before, 0.0) + before * turnover
    distinct = m.distinct_share[idx]
    enrolled, new = enrolled * distinct, new * distinct
    m.enrolled[t] = np.bincount(region.org_type[idx], weights=enrolled, minlength=N_TYPES)
    m.new_patients[t] = np.bincount(region.org_type[idx], weights=new, minlength=N_TYPES)
    m.reached_additional[t] = m.reached_additional[t - 1] + new.sum() - new[m.is_origin[idx]].sum()
    n_eligible = int(orgs.eligible.sum())
    m.share_adopted[t] = idx.size / n_eligible if n_eligible else 0.0
    m.supported_count[t] = supported_now
    m.places[t] = m.team.places
    m.team_hours[t] = team_hours
    if (t - 1) % 12 == 0 and t > 0 and m.params.facilitation.budget_eur_per_year > 0 and m.params.facilitation.team_members > 0:
        m.budget_added[t] = m.params.facilitation.budget_eur_per_year
    m.reimbursing[t] = month.reimbursing
    m.team.supported_now = supported_now
    m.running = t < m.months


# ---------------------------------------------------------------------------------------- one month
def reference_month(m: DiffusionModel, own: Ledger, opens_budget: bool = True) -> None:
    """Month ``m.steps + 1`` of ``m``, phases 0-6, drawing from ``own``'s streams: what ``m.step()`` does, as arrays.

    Changes ``m`` in place (pass a copy to compare it with the model's own step) and ``own``.
    ``opens_budget``: False for an innovation of a portfolio, whose portfolio opens the shared budget.
    """
    t = m.steps + 1
    p, orgs, n = m.params, m.orgs, m.region.n
    # the start of the month: last month's adopters drive influence and learning (synchronous update)
    ties = tie_counts(m)
    ever = orgs.month_adopted != NOT_YET
    experienced = np.bincount(m.region.org_type[ever], minlength=N_TYPES).astype(np.float64)  # per type
    adopted_before = (orgs.state == OrgState.ADOPTED).nonzero()[0]
    enrolled_before = np.zeros(n)
    live = t - 1 - m.go_live[adopted_before] + 1
    enrolled_before[adopted_before] = enrolled_patients(orgs.target_patients[adopted_before], live, m.innovation.ramp_months)

    # 0. stakeholders act
    insurer_act(m, t, adopted_before.size - int((orgs.state[m.is_origin] == OrgState.ADOPTED).sum()))
    team_cost, meeting, supported_now = team_act(m, t, ties, own, opens_budget)
    team, f = m.team, p.facilitation
    hours = team.budget.hours_used if opens_budget else supported_now * f.support_hours_per_org_month
    runs_network = f.knowledge_network and f.budget_eur_per_year > 0 and f.team_members > 0
    keeps = team.was_active and p.portfolio.knowledge_sharing_persists
    sharing = f.knowledge_sharing if runs_network and (team.active or keeps) else 0.0
    shared = sharing * (experienced + f.knowledge_sharing_across_types * (experienced.sum() - experienced))
    month = Month(
        t=t,
        ties=ties,
        degree=np.diff(m.region.ties.indptr).astype(np.float64),
        supported=orgs.supported,
        meeting=meeting,
        reimbursing=m.insurer.reimbursing_since != NOT_YET,
        shared_experience=shared,
        shared_learning=learning_multiplier(shared, f.regional_learning_per_doubling),
    )

    # 1-5. every organisation through the phases, one uniform per organisation from each phase's stream
    u = {phase: own.streams[phase].random(n) for phase in PHASES}
    awareness(m, month, u["awareness"])
    consideration(m, month, u["consideration"])
    decision(m, month, u["decision"], own.duration_noise)
    implementation(m, month, u["implementation"])
    discontinuation(m, month, adopted_before, u["discontinuation"])
    reconsideration(m, month, u["reconsideration"])

    # 6. record
    record(m, month, enrolled_before, team_cost, supported_now, hours)


def reference_portfolio_month(pm: PortfolioModel, own: list[Ledger]) -> None:
    """A portfolio's month (3.3.14): one budget and meeting, the team's places split, carry-over, each innovation's month.

    The team works on one innovation at a time for ``months_per_innovation`` months and then on all
    (sequential), or on all from the start (simultaneous); its places are split evenly and who draws
    on the budget first rotates monthly. An organisation that implemented another innovation of the
    portfolio by last month has carry-over. A meeting's cost is shared by the innovations worked on.
    """
    t = pm.steps + 1
    f, pp = pm.params.facilitation, pm.params.portfolio
    pm.meeting_cost[t] = open_month(pm.budget, t)
    overhead = pm.budget.hours_used
    n = len(pm.tracks)
    k = (t - 1) // pp.months_per_innovation
    active = list(range(n)) if pp.schedule == "simultaneous" or k >= n else [k]
    shift = t % len(active)
    order = active[shift:] + active[:shift]
    works = f.budget_eur_per_year > 0 and f.team_members > 0
    by_time = int(max(pm.budget.hours_left, 0.0) // f.support_hours_per_org_month) if works else 0
    places, extra = divmod(by_time, len(active))
    for j, k in enumerate(order):
        pm.tracks[k].team.share = places + (j < extra)
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
        pm.tracks[k].team_hours[t] += overhead / len(order)
