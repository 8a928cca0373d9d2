"""A lone innovation's whole run in one compiled call: the stakeholders' month, then the organisations', to the horizon.

Why: with the organisations' month compiled (``kernel.py``) a replication still spent about three
quarters of its run in Python between the compiled calls, some 50 microseconds a month: Mesa's
clock, the insurer, the team's budget and places, the month's scalars and the record (issue 17).
Bulk runs (no Mesa agent views, a team of its own, nothing else scheduled on Mesa's clock) now step
through the months here.

The insurer and the team are stated in plain Python in ``agents.py``, and one month in
``DiffusionModel.step``: that is what a portfolio, Mesa's tools and the explorer's views step month by
month, and the readable statement of the decisions. This follows them line by line and leaves the
model exactly as stepping it would (every record, every organisation's state, the stakeholders, the
random streams' positions, Mesa's clock): ``tests/test_horizon.py`` checks it on every case of
``tests/test_kernel.py`` and with parameter draws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import objmode

from diffusion_sim.compiled import compiled
from diffusion_sim.model import kernel, rules
from diffusion_sim.model.state import NOT_YET

if TYPE_CHECKING:
    from diffusion_sim.model.model import DiffusionModel

# the insurer's settings (``insurer``, integers) and its state (``arranging_since``, ``reimbursing_since``)
(I_REIMBURSES, I_ROUTE_NONE, I_HAS_FIXED_START, I_FIXED_START, I_DEMAND_THRESHOLD, I_NEGOTIATION, I_CONTRACT_MONTH,
 I_START_MONTH) = range(8)
N_INSURER = 8
# the team's settings (``team``, floats)
(T_WORKS, T_BUDGET, T_HOURS, T_NETWORK, T_NETWORK_HOURS, T_EVENT_COST, T_EVENT_HOURS, T_SUPPORT_HOURS, T_SUPPORT_COST,
 T_SHARING, T_ACROSS_TYPES, T_LEARNING_FALL, T_COST_SHARE) = range(13)
N_TEAM = 13
# the team's budget as it stands (``budget``): money left, hours left, hours used this month
B_MONEY, B_HOURS_LEFT, B_HOURS_USED = range(3)


def can_run(model: DiffusionModel) -> bool:
    """Whether ``model`` may run to its horizon here: no agent views, a team of its own, only its monthly step scheduled."""
    return (not model.collect_data and model.team.owns_budget and model.team.share is None and model.team.active
            and len(model._event_list) == 1 and model._default_schedule.next_scheduled_time == model.time + 1)


def run_to_horizon(model: DiffusionModel) -> None:
    """Run months ``model.steps + 1`` to ``model.months`` as ``model.step()`` would, and leave Mesa's clock where it would."""
    p, f, ins, team, budget = model.params, model.params.facilitation, model.insurer, model.team, model.team.budget
    start = model.steps + 1
    insurer = np.zeros(N_INSURER, dtype=np.int64)
    insurer[I_REIMBURSES] = p.insurer.reimburses
    insurer[I_ROUTE_NONE] = model.innovation.reimbursement_route == "none"
    insurer[I_HAS_FIXED_START] = p.insurer.fixed_start_month is not None
    insurer[I_FIXED_START] = p.insurer.fixed_start_month or 0
    insurer[I_DEMAND_THRESHOLD] = p.insurer.demand_threshold
    insurer[I_NEGOTIATION] = p.insurer.negotiation_months
    insurer[I_CONTRACT_MONTH] = p.insurer.contract_month
    insurer[I_START_MONTH] = p.simulation.start_month
    settings = np.zeros(N_TEAM)
    settings[T_WORKS] = budget.works
    settings[T_BUDGET] = f.budget_eur_per_year
    settings[T_HOURS] = f.team_members * f.hours_per_member_per_month
    settings[T_NETWORK] = f.knowledge_network
    settings[T_NETWORK_HOURS] = f.knowledge_network_hours_per_month
    settings[T_EVENT_COST] = f.event_cost_eur
    settings[T_EVENT_HOURS] = f.event_hours
    settings[T_SUPPORT_HOURS] = f.support_hours_per_org_month
    settings[T_SUPPORT_COST] = f.support_cost_eur_per_month
    settings[T_SHARING] = team.knowledge_sharing()
    settings[T_ACROSS_TYPES] = f.knowledge_sharing_across_types
    settings[T_LEARNING_FALL] = f.regional_learning_per_doubling
    settings[T_COST_SHARE] = p.insurer.cost_share
    event_months = np.array([m in budget.event_months_of_year for m in range(12)])
    stakes = np.array([ins.arranging_since, ins.reimbursing_since, team.supported_now, model._n_adopted])
    money = np.array([budget.budget_left, budget.hours_left, budget.hours_used])
    origins = model._origin_idx
    origin_enrolled = np.zeros((model.months + 1, origins.size))
    g = model._phase_streams
    model._month[kernel.M_CARRYOVER] = model.carryover
    meeting = months_loop(
        start, model.months, len(model.origins), model._n_eligible, insurer, settings, event_months, stakes, money,
        np.asarray(model._p_discontinue), model._attendance_miss, model._u_facilitation, *g, model._u,
        model.orgs.state, model.orgs.due, model.orgs.supported, model.orgs.months, model.orgs.main_barrier,
        model.orgs.implementation_cost, model.orgs.target_patients, model.go_live, model.ties.flags, model.ties._counts,
        model.ties._flags_seen, model.ties._indptr, model.ties._indices, model._fixed, model.chain, model.is_origin,
        model.experienced_elsewhere, model.region.org_type, team.type_rank, model._month, model._by_type,
        model.barrier_weights, model._experienced_by_type, model._enrolled_now, float(model.innovation.ramp_months),
        model._turnover, model._shared_seen, origins, origin_enrolled, model.state_counts, model.enrolled, model.new_patients,
        model.reached_additional, model._new, model.implementation_cost, model.facilitation_cost, model.team_hours,
        model.share_adopted, model.supported_count, model.places, model.budget_added, model.reimbursing, kernel.BETAINCINV,
    )
    model.meeting[start:] = meeting[start:]
    distinct = model.distinct_share[origins]
    for t in range(start, model.months + 1):  # as DiffusionModel._record computes it (a dot product, not a loop sum)
        model.enrolled_origins[t] = float(origin_enrolled[t] @ distinct)
    # the stakeholders as the last month left them
    ins.arranging_since, ins.reimbursing_since = int(stakes[0]), int(stakes[1])
    team.supported_now, model._n_adopted = int(stakes[2]), int(stakes[3])
    team.places = (int(model.places[-1, 0]), int(model.places[-1, 1]))
    budget.budget_left, budget.hours_left, budget.hours_used = (float(v) for v in money)
    budget.meeting = bool(model.meeting[-1])
    model.ties.flags_changed()  # the last month moved flags after the counts were brought up to date
    # Mesa's clock: the steps taken, and the next step scheduled a month after the last, as stepping leaves it
    steps = model.months - model.steps
    clock = model._default_schedule
    model._event_list.remove(clock._current_event)
    model.steps, model.time = model.months, float(model.months)
    clock._execution_count += steps
    clock._schedule_next(model.time + 1.0)
    model.running = False


@compiled()
def calendar_month(step, start_month):
    """``DiffusionModel.calendar_month``: the calendar month (1-12) that step ``step`` covers."""
    return (start_month + step - 2) % 12 + 1


@compiled()
def insurer_acts(t, adopters_beyond_origin, insurer, stakes):
    """``Insurer.act``: start arranging when demand is shown, contract at the window (or start at a fixed month)."""
    if insurer[I_REIMBURSES] == 0 or stakes[1] != NOT_YET or insurer[I_ROUTE_NONE] != 0:
        return
    if insurer[I_HAS_FIXED_START] != 0:
        if t >= insurer[I_FIXED_START]:
            stakes[1] = t
        return
    if stakes[0] == NOT_YET and adopters_beyond_origin >= insurer[I_DEMAND_THRESHOLD]:
        stakes[0] = t
    if stakes[0] != NOT_YET and t >= stakes[0] + insurer[I_NEGOTIATION]:
        if calendar_month(t, insurer[I_START_MONTH]) == insurer[I_CONTRACT_MONTH]:
            stakes[1] = t


@compiled()
def use_hours(money, hours):
    """``TeamBudget._use_hours``."""
    money[B_HOURS_LEFT] -= hours
    money[B_HOURS_USED] += hours


@compiled()
def open_month(t, team, event_months, money):
    """``TeamBudget.open_month``: refill money and time, pay the network and a planned meeting; (its cost, a meeting)."""
    works = team[T_WORKS] != 0.0
    if (t - 1) % 12 == 0:
        money[B_MONEY] = team[T_BUDGET]
    money[B_HOURS_LEFT] = team[T_HOURS] if works else 0.0
    money[B_HOURS_USED] = 0.0
    if team[T_NETWORK] != 0.0 and works:
        use_hours(money, min(money[B_HOURS_LEFT], team[T_NETWORK_HOURS]))
    planned = event_months[(t - 1) % 12]
    meeting = planned and works and team[T_EVENT_COST] <= money[B_MONEY] and team[T_EVENT_HOURS] <= money[B_HOURS_LEFT]
    if not meeting:
        return 0.0, False
    money[B_MONEY] -= team[T_EVENT_COST]
    use_hours(money, team[T_EVENT_HOURS])
    return team[T_EVENT_COST], True


@compiled()
def places(team, money):
    """``TeamBudget.places``: organisations the team could support now, (by its hours left, by its money left)."""
    if team[T_WORKS] == 0.0:
        return 0, 0
    by_time = int(max(money[B_HOURS_LEFT], 0.0) // team[T_SUPPORT_HOURS])
    per = team[T_SUPPORT_COST]
    by_money = by_time if per <= 0 else int(max(money[B_MONEY], 0.0) // per)
    return by_time, by_money


@compiled()
def months_loop(start, months, n_origins, n_eligible, insurer, team, event_months, stakes, money, p_discontinue,
                attendance_miss, facilitation, g_awareness, g_consideration, g_decision, g_implementation,
                g_discontinuation, g_reconsideration, u, state, due, supported, event_month, main_barrier, org_cost,
                target, go_live, flags, tie_counts, flags_seen, indptr, indices, fixed, chain, is_origin,
                experienced_elsewhere, org_type, type_rank, month, by_type, weights, experienced_by_type, enrolled_now,
                ramp, turnover, seen, origins, origin_enrolled, state_counts, enrolled, new_patients, reached, new,
                implementation_cost, facilitation_cost, team_hours, share_adopted, supported_count, places_kept,
                budget_added, reimbursing, betaincinv):
    """Months ``start`` to ``months``, each as ``DiffusionModel.step``; returns whether each month had a meeting.

    ``stakes`` holds the insurer's arranging and reimbursing months, the team's supported count and the
    adopters at the last record; ``money`` the team's budget. Both are updated in place.
    """
    n = state.size
    n_types = by_type.shape[0]
    u_months = u.shape[1]
    meetings = np.zeros(months + 1, dtype=np.bool_)
    experienced = np.zeros(n_types)
    exposure = np.zeros(n_types)
    for t in range(start, months + 1):
        # last month's adopters drive influence and learning (synchronous update)
        kernel.update_tie_counts(tie_counts, flags, flags_seen, indptr, indices)
        for k in range(n_types):
            experienced[k] = float(experienced_by_type[k])
        # 0. stakeholders act: the insurer, then the team (FacilitationTeam.act, on its own budget)
        insurer_acts(t, stakes[3] - n_origins, insurer, stakes)
        cost, meeting = open_month(t, team, event_months, money)
        by_time, by_money = places(team, money)
        places_kept[t, 0] = by_time
        places_kept[t, 1] = by_money
        affordable = min(by_time, by_money)
        if affordable == 0:
            if stakes[2] != 0:
                supported[:] = False
                stakes[2] = 0
        else:
            caseload, candidates = kernel.team_places(state, supported, chain, tie_counts, is_origin, type_rank, target,
                                                      affordable)
            if candidates.size:  # free places: filled by the team's order, a draw ordering equal priorities
                caseload = np.concatenate((caseload, kernel.by_priority(candidates, type_rank, target,
                                                                        facilitation.random(candidates.size),
                                                                        affordable - caseload.size)))
            supported[:] = False
            supported[caseload] = True
            stakes[2] = caseload.size
            spent = caseload.size * team[T_SUPPORT_COST]
            money[B_MONEY] -= spent
            use_hours(money, caseload.size * team[T_SUPPORT_HOURS])
            cost += spent
        team_hours[t] = money[B_HOURS_USED]

        # 1-5. every organisation through the phases
        row = (t - 1) % u_months
        if row == 0:  # one uniform per organisation, phase and month, used or not (common random numbers)
            u[0] = g_awareness.random(u_months * n).reshape((u_months, n))
            u[1] = g_consideration.random(u_months * n).reshape((u_months, n))
            u[2] = g_decision.random(u_months * n).reshape((u_months, n))
            u[3] = g_implementation.random(u_months * n).reshape((u_months, n))
            u[4] = g_discontinuation.random(u_months * n).reshape((u_months, n))
            u[5] = g_reconsideration.random(u_months * n).reshape((u_months, n))
        for k in range(n_types):
            by_type[k, kernel.T_MEETING_MISS] = attendance_miss[k] if meeting else 1.0
        total = 0.0
        for k in range(n_types):
            total += experienced[k]
        changed = False
        for k in range(n_types):
            exposure[k] = team[T_SHARING] * (experienced[k] + team[T_ACROSS_TYPES] * (total - experienced[k]))
            changed = changed or not exposure[k] == seen[k]  # seen starts as NaN: the first month computes it
        if changed:  # the learning multiplier as the step computes it: NumPy's array power, whose last bit can differ
            fall = team[T_LEARNING_FALL]  # from a scalar power's (SIMD), so it is called, not restated
            with objmode(learned="float64[:]"):
                learned = np.asarray(rules.learning_multiplier(exposure, fall), dtype=np.float64)
            for k in range(n_types):
                by_type[k, kernel.T_SHARED_LEARNING] = learned[k]
                by_type[k, kernel.T_SHARED_EXPOSURE] = exposure[k]
                seen[k] = exposure[k]
        reimbursed = stakes[1] != NOT_YET
        month[kernel.M_COST_FACTOR] = 1.0 - team[T_COST_SHARE] * (1.0 if reimbursed else 0.0)
        month[kernel.M_DISCONTINUE] = p_discontinue[1] if reimbursed else p_discontinue[0]
        kernel.advance_month(t, state, due, supported, event_month, main_barrier, org_cost, go_live, flags, fixed,
                             tie_counts, chain, is_origin, experienced_elsewhere, org_type, u[:, row], month, by_type,
                             weights, implementation_cost[t], experienced_by_type, betaincinv)

        # 6. record (DiffusionModel._record)
        facilitation_cost[t] = cost
        meetings[t] = meeting
        adopted = kernel.record_month(t, state, org_type, go_live, is_origin, fixed, enrolled_now, ramp, turnover,
                                      state_counts[t], enrolled[t], new_patients[t], reached, new)
        stakes[3] = adopted
        for j in range(origins.size):
            origin_enrolled[t, j] = enrolled_now[origins[j]]
        share_adopted[t] = adopted / n_eligible if n_eligible else 0.0
        supported_count[t] = stakes[2]
        if (t - 1) % 12 == 0 and t > 0 and team[T_WORKS] != 0.0:
            budget_added[t] = team[T_BUDGET]
        reimbursing[t] = stakes[1] != NOT_YET
    return meetings
