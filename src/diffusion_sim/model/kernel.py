"""The monthly update of every organisation, compiled with Numba: one pass over the organisations.

Why compiled: at regional sizes (hundreds to thousands of organisations) the array version of a month
was about a hundred small NumPy operations of 2-8 microseconds each, most of it call overhead, so a
replication cost 8-11 times a plain NumPy Bass model (issue 7). Here each organisation goes through
phases 1-5 of the month in order (see ``model.py``), then the month is recorded.

This equals the phase-by-phase array statement of the rules (``rules.reference_month``) exactly,
as ``tests/test_kernel.py`` checks month by month: within a month no organisation reads another's
change (influence and learning read last month's tie counts and the region's experience at the start
of the month), every decision uses the organisation's own uniform from its phase's stream, sums over
organisations run in index order as ``np.bincount`` does, and every formula keeps the array version's
order of operations. Totals that NumPy sums pairwise are summed the same way (``pairwise_sum``).
"""

from __future__ import annotations

import ctypes

import numpy as np
from numba.extending import get_cython_function_address

from diffusion_sim.compiled import compiled
from diffusion_sim.model.state import OrgState

INELIGIBLE = int(OrgState.INELIGIBLE)
UNAWARE = int(OrgState.UNAWARE)
AWARE = int(OrgState.AWARE)
DECIDING = int(OrgState.DECIDING)
IMPLEMENTING = int(OrgState.IMPLEMENTING)
ADOPTED = int(OrgState.ADOPTED)
REJECTED = int(OrgState.REJECTED)
FAILED = int(OrgState.FAILED)
DISCONTINUED = int(OrgState.DISCONTINUED)

# rows of the uniforms drawn for a month, one stream each (``rng.STREAMS``)
PHASE_STREAMS = ("awareness", "consideration", "decision", "implementation", "discontinuation", "reconsideration")
U_AWARENESS, U_CONSIDERATION, U_DECISION, U_IMPLEMENTATION, U_DISCONTINUATION, U_RECONSIDERATION = range(6)

# columns of the organisations' fixed attributes (``fixed``), set up once per model
(F_OUTSIDE, F_IMITATION, F_CONSIDER, F_CONSIDER_SUPPORTED, F_FINANCIAL_ROOM, F_STAFF_CAPACITY, F_TARGET, F_TYPE_COST,
 F_TYPE_MONTHS, F_DURATION_NOISE, F_PRIMARY, F_DISTINCT, F_STAFF_A, F_STAFF_B, F_STAFF_U) = range(15)
N_FIXED = 15

# the month's scalars (``month``), set by the model before each month
(M_SUPPORT_MISS, M_SUPPORT_TIME, M_DECISION_MONTHS, M_OWN_EXPONENT, M_COST_FACTOR, M_KNOWHOW_BASE, M_SUPPORT_ODDS,
 M_FIT_SCALE, M_FAILURE, M_SUPPORT_FAILURE, M_CARRYOVER, M_DISCONTINUE, M_RECONSIDER) = range(13)
N_MONTH = 13

# the month's values per organisation type (``by_type``): a meeting's miss, the shared learning and experience
T_MEETING_MISS, T_SHARED_LEARNING, T_SHARED_EXPOSURE = range(3)
N_BY_TYPE = 3


# SciPy's betaincinv for compiled code: cython_special's double version calls the Boost routine the ufunc calls, so
# both give the same bits (tests/test_kernel.py). Compiled functions take it as an argument: a pointer held in the
# code itself would not survive numba's cache into another process.
def _betaincinv() -> ctypes._CFuncPtr:
    import scipy.special.cython_special as special

    # its double version, as Cython names fused functions; checked by signature, as a SciPy release could reorder them
    name = "__pyx_fuse_0betaincinv"
    get_name = ctypes.pythonapi.PyCapsule_GetName
    get_name.restype, get_name.argtypes = ctypes.c_char_p, [ctypes.py_object]
    signature = get_name(special.__pyx_capi__[name]).decode()
    if signature != "double (double, double, double, int __pyx_skip_dispatch)":
        raise ImportError(f"scipy.special.cython_special.{name} is '{signature}', not betaincinv's double version")
    prototype = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_double, ctypes.c_double, ctypes.c_int)
    return prototype(get_cython_function_address("scipy.special.cython_special", name))


BETAINCINV = _betaincinv()


@compiled()
def staff_capacity(fixed, i, betaincinv):
    """Organisation ``i``'s free staff time, worked out the first time it is read and kept in ``fixed``.

    The Beta quantile (shapes ``F_STAFF_A``, ``F_STAFF_B``) of the organisation's place in its type's
    spread (``F_STAFF_U``). Only an organisation that decides reads it, in most runs fewer than half
    of them, and each quantile costs about a microsecond: computing all of them was the largest part
    of setting up a large model (issue 17).
    """
    capacity = fixed[i, F_STAFF_CAPACITY]
    if np.isnan(capacity):
        capacity = betaincinv(fixed[i, F_STAFF_A], fixed[i, F_STAFF_B], fixed[i, F_STAFF_U], 0)
        fixed[i, F_STAFF_CAPACITY] = capacity
    return capacity


@compiled()
def staff_capacities(fixed, idx, betaincinv):
    """:func:`staff_capacity` of each organisation in ``idx``."""
    out = np.empty(idx.size)
    for j in range(idx.size):
        out[j] = staff_capacity(fixed, idx[j], betaincinv)
    return out


@compiled()
def power(base: float, exponent: float) -> float:
    """``base ** exponent`` as NumPy computes an array to a scalar power (its shortcuts for -1, 0, 0.5, 1, 2)."""
    if exponent == -1.0:
        return 1.0 / base
    if exponent == 0.0:
        return 1.0
    if exponent == 0.5:
        return np.sqrt(base)
    if exponent == 1.0:
        return base
    if exponent == 2.0:
        return base * base
    return base**exponent


@compiled()
def learning(ties_experienced: float, month: np.ndarray, shared: float) -> float:
    """Wright learning over the organisation's own ties, or the experience shared with its type if larger."""
    own = 1.0 if month[M_OWN_EXPONENT] == 0.0 else power(1.0 + ties_experienced, month[M_OWN_EXPONENT])
    return min(own, shared)


@compiled()
def advance_month(t, state, due, supported, months, main_barrier, org_cost, go_live, flags, fixed, ties, chain,
                  is_origin, experienced_elsewhere, org_type, u, month, by_type, weights, cost_row, adopted_by_type,
                  betaincinv):
    """Phases 1-5 of month ``t`` for every organisation; returns how many adopted this month.

    ``months`` holds the event months, one row per event in the order of ``state.EVENTS``; ``u`` one
    uniform per organisation from each phase's stream; ``by_type`` the month's values per
    organisation type; ``cost_row`` receives the month's implementation costs per type and
    ``adopted_by_type`` counts this month's adopters per type; ``betaincinv`` is :data:`BETAINCINV`.
    """
    n = state.size
    support_time = month[M_SUPPORT_TIME]
    carryover = month[M_CARRYOVER]
    odds = month[M_SUPPORT_ODDS]
    adopted = 0
    for i in range(n):
        s = state[i]
        if s == INELIGIBLE:
            continue
        was_adopted = s == ADOPTED
        sup = 1.0 if supported[i] else 0.0
        kind = org_type[i]
        # 1. awareness: Bass p and q, demonstrations, a meeting, or the team's approach
        if s == UNAWARE:
            miss = np.exp(-(fixed[i, F_OUTSIDE] + fixed[i, F_IMITATION] * ties[i, 0]))
            miss *= by_type[kind, T_MEETING_MISS]
            if supported[i]:
                miss *= month[M_SUPPORT_MISS]
            if u[U_AWARENESS, i] >= miss:
                s = AWARE
                months[0, i] = t
        # 2. consideration (faster when supported); a chain partner waits for a tied primary adopter
        if s == AWARE:
            hit = u[U_CONSIDERATION, i] < (fixed[i, F_CONSIDER_SUPPORTED] if supported[i] else fixed[i, F_CONSIDER])
            if hit and not (chain[i] and ties[i, 2] == 0):
                s = DECIDING
                months[1, i] = t
                due[i] = t + np.int32(np.rint(month[M_DECISION_MONTHS] * (1.0 - support_time * sup)))
        # 3. decision: the barriers decide between implementing and rejecting (better odds with support)
        if s == DECIDING and due[i] <= t:
            rate_learned = learning(ties[i, 1], month, by_type[kind, T_SHARED_LEARNING])
            net_cost = fixed[i, F_TYPE_COST] * rate_learned * month[M_COST_FACTOR]
            gap = month[M_KNOWHOW_BASE] ** (ties[i, 1] + by_type[kind, T_SHARED_EXPOSURE])
            financial = net_cost / (net_cost + fixed[i, F_FINANCIAL_ROOM])
            staff = 1.0 - staff_capacity(fixed, i, betaincinv)
            fit = np.exp(-fixed[i, F_TARGET] / month[M_FIT_SCALE])
            prob = (1.0 - weights[0] * financial) * (1.0 - weights[1] * gap)
            prob = prob * (1.0 - weights[2] * staff) * (1.0 - weights[3] * fit)
            if supported[i] and odds != 1.0:
                prob = odds * prob / (1.0 - prob + odds * prob)
            if u[U_DECISION, i] < prob:
                s = IMPLEMENTING
                months[2, i] = t
                cost = fixed[i, F_TYPE_COST] * rate_learned
                org_cost[i] = cost
                cost_row[kind] += cost
                duration = fixed[i, F_TYPE_MONTHS] * rate_learned * (1.0 - support_time * sup) * fixed[i, F_DURATION_NOISE]
                if carryover != 0.0:
                    duration = duration * (1.0 - carryover * (1.0 if experienced_elsewhere[i] else 0.0))
                due[i] = t + np.int32(np.rint(duration))
            else:
                s = REJECTED
                months[4, i] = t
                weighed = (weights[0] * financial, weights[1] * gap, weights[2] * staff, weights[3] * fit)
                best = 0
                for b in range(1, 4):
                    if weighed[b] > weighed[best]:
                        best = b
                main_barrier[i] = best
        # 4. implementation: success or failure at the end
        if s == IMPLEMENTING and due[i] <= t:
            fail = month[M_FAILURE] * learning(ties[i, 1], month, by_type[kind, T_SHARED_LEARNING])
            fail *= 1.0 - month[M_SUPPORT_FAILURE] * sup
            if carryover != 0.0:
                fail = fail * (1.0 - carryover * (1.0 if experienced_elsewhere[i] else 0.0))
            if u[U_IMPLEMENTATION, i] >= fail:
                s = ADOPTED
                months[3, i] = t
                go_live[i] = t
                flags[i, 0] = 1.0
                flags[i, 1] = 1.0
                flags[i, 2] = fixed[i, F_PRIMARY]
                adopted += 1
                adopted_by_type[kind] += 1
            else:
                s = FAILED
                months[5, i] = t
        # 5. discontinuation (not the origin) and reconsideration
        if was_adopted and not is_origin[i]:
            if u[U_DISCONTINUATION, i] < month[M_DISCONTINUE]:
                s = DISCONTINUED
                months[6, i] = t
                flags[i, 0] = 0.0
                flags[i, 2] = 0.0
        elif s == REJECTED and months[4, i] < t:
            if u[U_RECONSIDERATION, i] < month[M_RECONSIDER]:
                s = AWARE
        state[i] = s
    return adopted


@compiled()
def block_sum(a, lo, n):
    """NumPy's sum of at most 128 numbers: eight running sums, combined pairwise, then the rest."""
    if n < 8:
        total = 0.0
        for i in range(lo, lo + n):
            total += a[i]
        return total
    r = a[lo: lo + 8].copy()
    i = 8
    while i < n - (n % 8):
        for j in range(8):
            r[j] += a[lo + i + j]
        i += 8
    total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    while i < n:
        total += a[lo + i]
        i += 1
    return total


@compiled()
def pairwise_sum(a, lo, n):
    """The sum of ``a[lo:lo + n]`` as ``np.sum`` computes it (NumPy's pairwise summation), so totals agree bit for bit.

    NumPy halves the range (at a multiple of 8) until at most 128 numbers remain and adds the halves;
    this walks the same tree with a stack, as cached Numba functions cannot call themselves.
    """
    starts = np.empty(64, dtype=np.int64)
    sizes = np.empty(64, dtype=np.int64)
    stage = np.zeros(64, dtype=np.int64)  # 0: split next, 1: left done, 2: both done
    values = np.empty(64)
    starts[0], sizes[0], stage[0] = lo, n, 0
    depth, n_values = 1, 0
    while depth:
        top = depth - 1
        size = sizes[top]
        if size <= 128:
            values[n_values] = block_sum(a, starts[top], size)
            n_values += 1
            depth -= 1
            continue
        half = size // 2
        half -= half % 8
        if stage[top] < 2:
            first = stage[top] == 0
            stage[top] += 1
            starts[depth] = starts[top] if first else starts[top] + half
            sizes[depth] = half if first else size - half
            stage[depth] = 0
            depth += 1
        else:
            n_values -= 1
            values[n_values - 1] = values[n_values - 1] + values[n_values]
            depth -= 1
    return values[0]


@compiled()
def record_month(t, state, org_type, go_live, is_origin, fixed, enrolled_now, ramp, turnover, counts, enrolled_row,
                 new_row, reached, new):
    """Counts per type and state, patients enrolled and newly reached per type, and the cumulative reach beyond the origins.

    ``reached`` is the record of cumulative extra patients (``reached[t]`` is set from ``reached[t - 1]``);
    ``new`` is scratch space of one slot per organisation. Returns the number of adopters.
    """
    counts[:] = 0
    k = 0
    origin_new = np.empty(0)
    n_origin = 0
    for i in range(state.size):
        s = state[i]
        counts[org_type[i], s] += 1
        if s != ADOPTED:
            enrolled_now[i] = 0.0
            continue
        target = fixed[i, F_TARGET]
        live = t - go_live[i] + 1
        if ramp <= 0.0:
            enrolled = target if live >= 0 else 0.0
        else:
            enrolled = target * min(max(live / ramp, 0.0), 1.0)
        before = enrolled_now[i]
        reached_now = enrolled if t == 0 else max(enrolled - before, 0.0) + before * turnover
        enrolled_now[i] = enrolled
        distinct = fixed[i, F_DISTINCT]  # chain partners' patients are partly counted elsewhere already
        enrolled_row[org_type[i]] += enrolled * distinct
        new_row[org_type[i]] += reached_now * distinct
        new[k] = reached_now * distinct
        if is_origin[i]:
            if n_origin == origin_new.size:
                origin_new = np.concatenate((origin_new, np.empty(max(4, n_origin))))
            origin_new[n_origin] = new[k]
            n_origin += 1
        k += 1
    if t > 0:
        reached[t] = reached[t - 1] + pairwise_sum(new, 0, k) - pairwise_sum(origin_new, 0, n_origin)
    return k


@compiled()
def update_tie_counts(counts, flags, flags_seen, indptr, indices):
    """Bring the tie counts up to date: pass on the flags that moved since ``flags_seen`` to each organisation's ties.

    Every count is a sum of 0s and 1s, so the result equals a full recount exactly, whatever the order.
    """
    n, width = flags.shape
    for j in range(n):
        moved = False
        for c in range(width):
            if flags[j, c] != flags_seen[j, c]:
                moved = True
        if moved:
            for e in range(indptr[j], indptr[j + 1]):
                for c in range(width):
                    counts[indices[e], c] += flags[j, c] - flags_seen[j, c]
    flags_seen[:] = flags


# ---------------------------------------------------------------- the facilitation team's places
@compiled()
def by_priority(orgs, type_rank, target, tie_break, first):
    """The first ``first`` of ``orgs`` in the team's order: priority type, most patients, ``tie_break`` (if any), index.

    The order of stable sorts from the last key to the first, which is what ``np.lexsort`` does
    (``rules.by_priority``). The team fills one to five free places a month among a hundred or more
    candidates, so a few places are picked one by one rather than sorting every candidate (issue 17).
    """
    n = orgs.size
    first = min(first, n)
    if first * 8 > n:
        order = np.arange(n)
        if tie_break.size:
            order = order[np.argsort(tie_break[order], kind="mergesort")]
        order = order[np.argsort(-target[orgs[order]], kind="mergesort")]
        order = order[np.argsort(type_rank[orgs[order]], kind="mergesort")]
        return orgs[order[:first]]
    picked = np.empty(first, dtype=orgs.dtype)
    taken = np.zeros(n, dtype=np.bool_)
    for j in range(first):
        best = -1
        for i in range(n):  # ahead of the best so far; on equal keys the earlier (lower index) stays, as stable sorts keep it
            if taken[i]:
                continue
            if best < 0 or _ahead(orgs[i], orgs[best], i, best, type_rank, target, tie_break):
                best = i
        taken[best] = True
        picked[j] = orgs[best]
    return picked


@compiled()
def _ahead(a, b, ia, ib, type_rank, target, tie_break):
    """Whether organisation ``a`` (at ``ia`` among the candidates) comes before ``b`` (at ``ib``) in the team's order."""
    if type_rank[a] != type_rank[b]:
        return type_rank[a] < type_rank[b]
    if target[a] != target[b]:
        return target[a] > target[b]
    if tie_break.size and tie_break[ia] != tie_break[ib]:
        return tie_break[ia] < tie_break[ib]
    return ia < ib


@compiled()
def on_the_way(s, waits_for_partner):
    """Whether an organisation in state ``s`` is on its way to using it and can move (the team may support it)."""
    return UNAWARE <= s <= IMPLEMENTING and not (waits_for_partner and s <= AWARE)


@compiled()
def team_places(state, supported, chain, ties, is_origin, type_rank, target, affordable):
    """Whom the team keeps supporting, in its order, and who could fill its free places.

    The supported that are still on their way keep their place, up to ``affordable``. If places are
    left, every other organisation on its way (not the origins) is a candidate, in index order.
    A chain partner with no tie that runs it as primary adopter cannot start yet: it gets no place,
    nor keeps one. Returns (caseload, candidates); no candidates when no place is free.
    """
    on_way = np.zeros(state.size, dtype=np.bool_)
    for i in range(state.size):
        on_way[i] = on_the_way(state[i], chain[i] and ties[i, 2] == 0)
    caseload = by_priority(np.nonzero(on_way & supported)[0], type_rank, target, np.empty(0), affordable)
    if caseload.size >= affordable:
        return caseload, np.empty(0, dtype=np.int64)
    on_way[caseload] = False
    return caseload, np.nonzero(on_way & ~is_origin)[0]
