"""DiffusionModel: a Mesa model of a proven innovation spreading between a region's care organisations.

One ``step()`` is one month, in seven phases:

0. stakeholders act: the insurer moves towards reimbursement, the facilitation team plans its support
   and meetings within its hours (in kind) and its yearly budget;
1. awareness: unaware organisations hear of it from outside (Bass p), from adopting ties (Bass q), from
   the origin's demonstrations, from a regional meeting or because the team approaches them;
2. consideration: aware organisations start a decision process (sooner when supported:
   ``facilitation.support_consideration``);
3. decision: at the end of the process the barriers decide between implementing and rejecting;
4. implementation: at its end an implementation succeeds (adopted) or fails;
5. discontinuation: adopters abandon it at a yearly rate; organisations that rejected it reopen;
6. record: counts per state and type, patients enrolled and newly reached, costs.

Influence and learning read last month's state (synchronous update), every phase draws one random
number per organisation from its own stream, and the team's choices use a stream draw, not the
order of agents: so results do not depend on activation order, and scenarios that agree on a
decision make it identically (common random numbers).

The stakeholders act in plain Python methods; phases 1-6 for every organisation run in one compiled
pass over the arrays (``kernel.py``). The rules it computes are stated phase by phase as plain NumPy
in ``rules.py``, which the compiled pass equals bit for bit (``tests/test_kernel.py``).
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from diffusion_sim.draws import drawn, region_realisation
from diffusion_sim.errors import ScenarioError
from diffusion_sim.model import horizon, kernel, rules
from diffusion_sim.model.agents import FacilitationTeam, Insurer, Organisation, OriginOrganisation, TeamBudget
from diffusion_sim.model.state import N_STATES, NOT_YET, OrgArrays, OrgState
from diffusion_sim.model.ties import Ties
from diffusion_sim.params import ORG_TYPES, InnovationParams, Params, change
from diffusion_sim.region import Region, build_region, financial_room, staff_beta
from diffusion_sim.rng import seed_sequence, stream

N_TYPES = len(ORG_TYPES)
UNIFORMS_PER_DRAW = 2**16  # uniforms drawn at once per phase stream: several months' worth in small regions


class DiffusionModel(mesa.Model):
    """The innovation-decision process of every care organisation in a region, month by month.

    Args:
        params: all inputs; defaults to the Zuidwest isolated baseline.
        replication: index of the replication, which selects the random streams.
        rng: a root seed that replaces ``params.simulation.seed`` (for Mesa's ``batch_run``).
        region: a prebuilt region for ``params`` (saves rebuilding it for every replication).
        agent_views: create one Mesa agent per organisation and collect Mesa's DataCollector every month
            (readable views for Mesa's tools; bulk runs switch it off and read the arrays).
        innovation: the innovation to run (default ``params.innovation``); a portfolio passes each of its own.
        track: position of the innovation in a portfolio, which selects its random streams (0: the plain ones).
        team_budget: the facilitation team's budget when a portfolio shares it between innovations; the
            portfolio then opens each month, sets the team's capacity and says when it works on this one.
        **overrides: parameter changes as ``section__field=value``, as Mesa's tools pass them.
    """

    def __init__(self, params: Params | None = None, *, replication: int = 0, rng: Any = None,
                 region: Region | None = None, agent_views: bool = True, scenario: Any = None,
                 innovation: InnovationParams | None = None, track: int = 0, team_budget: TeamBudget | None = None,
                 **overrides: Any) -> None:
        params = resolve_params(params, rng, overrides, type(self).__name__)
        realisation = region_realisation(params, replication)  # the region its draw runs on (0 without draws)
        params, self.drawn_values = drawn(params, replication)  # this replication's parameter draw, if the scenario draws
        seed = params.simulation.seed
        # Mesa's generator from NumPy's own SeedSequence (model.rng.spawn works); the model's streams seeded compiled
        super().__init__(rng=seed_sequence(seed, replication, "mesa", track), scenario=scenario)  # scenario: unused here
        opened = rules.model_streams(seed, replication, track)
        self._u_awareness, self._u_consider = opened["awareness"], opened["consideration"]
        self._u_decision, self._u_implement = opened["decision"], opened["implementation"]
        self._u_discontinue, self._u_reconsider = opened["discontinuation"], opened["reconsideration"]
        self._u_facilitation = opened["facilitation"]
        self.params = params
        self.innovation = innovation if innovation is not None else params.innovation
        self.replication = replication
        self.track = track
        self.region = region if region is not None else build_region(params, realisation)
        self.months = params.simulation.months
        self.running = True

        # the phases' streams, in the order of the rows of the month's uniforms (kernel.U_*)
        self._phase_streams = (self._u_awareness, self._u_consider, self._u_decision, self._u_implement,
                               self._u_discontinue, self._u_reconsider)

        self._setup_arrays()
        # how much longer or shorter than typical each organisation's implementation would take (log-normal)
        sigma = self.innovation.implementation_months_sigma
        self.duration_noise = np.exp(sigma * self._u_implement.standard_normal(self.region.n))
        self._fixed[:, kernel.F_DURATION_NOISE] = self.duration_noise
        self.origins = [OriginOrganisation(self, i) for i in self._origin_indices()]
        self.origin = self.origins[0]
        self.insurer = Insurer(self)
        self.team = FacilitationTeam(self, team_budget)
        if team_budget is None:  # on its own, the team works on this innovation from the start
            self.team.activate(0)
        self.collect_data = agent_views
        if agent_views:
            others = np.delete(np.arange(self.region.n), [o.index for o in self.origins])
            Organisation.create_agents(self, others.size, index=others)
        self._start_origin()
        self._set_awareness_coefficients()
        self._setup_records()
        self._record(0)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "adopters": lambda m: int(m.state_counts[m.steps].sum(axis=0)[OrgState.ADOPTED]),
                "share_eligible_adopted": lambda m: float(m.share_adopted[m.steps]),
                "patients_enrolled": lambda m: float(m.enrolled[m.steps].sum()),
                "patients_reached_additional": lambda m: float(m.reached_additional[m.steps]),
                "cost_eur": lambda m: float(m.implementation_cost[: m.steps + 1].sum()
                                            + m.facilitation_cost[: m.steps + 1].sum()),
            }
        )
        if self.collect_data:
            self.datacollector.collect(self)

    # ----------------------------------------------------------------- set-up
    def _setup_arrays(self) -> None:
        p, inn, region = self.params, self.innovation, self.region
        t = region.org_type
        share = np.asarray(inn.target_share.as_tuple())[t]
        uptake = np.asarray(inn.uptake.as_tuple())[t]
        target = region.patients * share * uptake
        self.distinct_share = np.asarray(inn.distinct_patients.as_tuple())[t]
        eligible = np.asarray(inn.eligible_types())[t]
        roles = np.asarray(inn.roles.as_tuple())[t]
        self.primary = ((roles == "primary") & eligible).astype(np.float64)
        self.chain = (roles == "chain") & eligible  # starts only once a tied primary adopter runs it
        complexity = inn.complexity_multiplier()
        self.failure_probability = min(1.0, inn.implementation_failure * complexity)
        self.discontinuation_rate = inn.discontinuation_per_year * complexity
        # portfolio carry-over: organisations that implemented another innovation of it are faster and fail less
        self.carryover = 0.0
        self.experienced_elsewhere = np.zeros(region.n, dtype=bool)
        self.orgs = OrgArrays.empty(region.n, eligible, target)
        self.ties = Ties(region.ties)
        self._experienced_by_type = np.zeros(N_TYPES, dtype=np.int64)  # ever adopted, per type: what the network shares
        self.innovativeness_factor = np.exp(p.diffusion.innovativeness_effect * region.innovativeness)
        consider = p.diffusion.consideration_per_year * self.innovativeness_factor
        self.type_cost = np.asarray(inn.implementation_cost_eur.as_tuple())[t]
        self.type_months = np.asarray(inn.implementation_months.as_tuple())[t]
        b = p.barriers
        self.barrier_weights = np.array([b.financial_weight, b.knowhow_weight, b.staff_weight, b.fit_weight])
        # what the compiled monthly update reads: fixed attributes as columns, the month's scalars, its uniforms
        fixed = self._fixed = np.zeros((region.n, kernel.N_FIXED))
        fixed[:, kernel.F_CONSIDER] = rules.monthly_probability(consider)
        fixed[:, kernel.F_CONSIDER_SUPPORTED] = rules.monthly_probability(consider * (1.0 + p.facilitation.support_consideration))
        # room and free staff time: each organisation's place in its type's spread (the region's), the spread (the parameters)
        self.financial_room = financial_room(t, region.room_z, p.organisations)
        fixed[:, kernel.F_FINANCIAL_ROOM] = self.financial_room
        staff_a, staff_b = staff_beta(p.organisations)
        fixed[:, kernel.F_STAFF_A] = staff_a[t]
        fixed[:, kernel.F_STAFF_B] = staff_b[t]
        fixed[:, kernel.F_STAFF_U] = region.staff_u
        fixed[:, kernel.F_STAFF_CAPACITY] = np.nan  # worked out when first read (kernel.staff_capacity)
        fixed[:, kernel.F_TARGET] = target
        fixed[:, kernel.F_TYPE_COST] = self.type_cost
        fixed[:, kernel.F_TYPE_MONTHS] = self.type_months
        fixed[:, kernel.F_PRIMARY] = self.primary
        fixed[:, kernel.F_DISTINCT] = self.distinct_share
        month = self._month = np.zeros(kernel.N_MONTH)
        month[kernel.M_SUPPORT_TIME] = p.facilitation.support_time_reduction
        month[kernel.M_DECISION_MONTHS] = p.diffusion.decision_months
        fall = b.own_learning_per_doubling  # Wright's exponent, as rules.learning_multiplier computes it (0: no learning)
        month[kernel.M_OWN_EXPONENT] = np.log2(1.0 - fall) if fall > 0 else 0.0
        month[kernel.M_KNOWHOW_BASE] = 1.0 - b.knowhow_per_adopted_tie
        month[kernel.M_SUPPORT_MISS] = 1.0 - p.facilitation.support_awareness
        month[kernel.M_SUPPORT_ODDS] = p.facilitation.support_decision_odds_ratio
        month[kernel.M_FIT_SCALE] = b.fit_scale_patients
        month[kernel.M_FAILURE] = self.failure_probability
        month[kernel.M_SUPPORT_FAILURE] = p.facilitation.support_failure_reduction
        month[kernel.M_RECONSIDER] = rules.monthly_probability(p.diffusion.reconsideration_per_year)
        # each phase's uniforms for several months at once: the same numbers, month by month, as one draw a month
        self._u_months = max(1, min(self.months, UNIFORMS_PER_DRAW // max(region.n, 1)))
        self._u = np.empty((len(kernel.PHASE_STREAMS), self._u_months, region.n))
        self._by_type = np.ones((N_TYPES, kernel.N_BY_TYPE))  # a meeting's miss, shared learning, shared experience
        self._by_type[:, kernel.T_SHARED_EXPOSURE] = 0.0
        self._shared_seen = np.full(N_TYPES, np.nan)  # the shared experience the learning multipliers were computed for
        self._attendance_miss = 1.0 - np.asarray(p.facilitation.event_attendance.as_tuple())
        rate = self.discontinuation_rate  # monthly, while not reimbursed and while reimbursed
        self._p_discontinue = (float(rules.monthly_probability(rate * inn.discontinuation_unreimbursed_factor)),
                               float(rules.monthly_probability(rate)))

    def _origin_indices(self) -> list[int]:
        """The organisations that already run it: one per origin municipality, without repeats."""
        o = self.params.origin
        found = [self._origin_index(o.municipality, "origin.municipality")]
        for code in o.further_municipalities:
            i = self._origin_index(code, "origin.further_municipalities")
            if i not in found:
                found.append(i)
        if o.early_adopter_share > 0:  # early adopters: a random share of the other eligible organisations of that type
            org_type = ORG_TYPES.index(self.params.origin_type(self.innovation))
            others = np.setdiff1d(np.flatnonzero((self.region.org_type == org_type) & self.orgs.eligible), found)
            k = int(round(o.early_adopter_share * others.size))
            picked = stream(self.params.simulation.seed, self.replication, "origins", self.track).permutation(others)[:k]
            found.extend(int(i) for i in np.sort(picked))
        return found

    def _origin_index(self, code: str, field: str) -> int:
        region = self.region
        org_type = self.params.origin_type(self.innovation)
        where = np.flatnonzero(region.municipality_codes == code)
        if where.size == 0:
            largest = region.municipality_codes[0] if region.municipality_codes.size else "?"
            raise ScenarioError(f"field '{field}': {code} is not in the region; give one of its CBS codes, e.g. {largest}")
        candidates = np.flatnonzero((region.org_type == ORG_TYPES.index(org_type)) & self.orgs.eligible)
        if candidates.size == 0:
            present = sorted({ORG_TYPES[k] for k in np.unique(region.org_type[self.orgs.eligible])})
            raise ScenarioError(f"field 'origin.org_type': the region has no eligible {org_type} organisation; "
                                f"it has: {', '.join(present)}")
        m = where[0]
        seat = np.flatnonzero(region.municipality[candidates] == m)
        if seat.size:  # an organisation of that type in the municipality itself; else the nearest
            candidates = candidates[seat]
        d2 = (region.lon[candidates] - region.municipality_lon[m]) ** 2 * np.cos(np.radians(region.municipality_lat[m])) ** 2
        d2 = d2 + (region.lat[candidates] - region.municipality_lat[m]) ** 2
        return int(candidates[np.argmin(d2)])

    def _start_origin(self) -> None:
        i = np.array([o.index for o in self.origins])
        orgs = self.orgs
        orgs.state[i] = OrgState.ADOPTED
        for field in (orgs.month_aware, orgs.month_deciding, orgs.month_implementing, orgs.month_adopted):
            field[i] = 0
        ramp = self.innovation.ramp_months
        self.go_live = np.full(self.region.n, NOT_YET, dtype=np.int32)
        self.go_live[i] = -int(np.ceil(ramp))  # already at full use
        self.is_origin = np.zeros(self.region.n, dtype=bool)
        self.is_origin[i] = True
        self._origin_idx = i
        self.ties.flags[i] = 1.0  # origins run it as primary adopters (their type is a primary one)
        self.ties.flags_changed()
        np.add.at(self._experienced_by_type, self.region.org_type[i].astype(np.int64), 1)
        o = self.params.origin
        dx = self.region.x_km[:, None] - self.region.x_km[i]
        dy = self.region.y_km[:, None] - self.region.y_km[i]
        near = (np.hypot(dx, dy).min(axis=1) <= o.demonstration_radius_km) & ~self.is_origin
        self.demonstration_reach = np.where(near, o.demonstration_per_year, 0.0)

    def _setup_records(self) -> None:
        m = self.months + 1
        self.state_counts = np.zeros((m, N_TYPES, N_STATES), dtype=np.int32)
        self.enrolled = np.zeros((m, N_TYPES))
        self.new_patients = np.zeros((m, N_TYPES))
        self.reached_additional = np.zeros(m)
        self.enrolled_origins = np.zeros(m)  # distinct patients on it at the origins (what runs without any spread)
        self.share_adopted = np.zeros(m)
        self.implementation_cost = np.zeros((m, N_TYPES))
        self.facilitation_cost = np.zeros(m)
        self.supported_count = np.zeros(m, dtype=np.int32)
        self.team_hours = np.zeros(m)  # the team's hours on this innovation (in kind)
        self.budget_added = np.zeros(m)  # money the team's budget received (the yearly refill)
        self.places = np.zeros((m, 2), dtype=np.int32)  # organisations the team could support: by its time, by its money
        self.reimbursing = np.zeros(m, dtype=bool)
        self.meeting = np.zeros(m, dtype=bool)
        self._enrolled_now = np.zeros(self.region.n)
        self._new = np.zeros(self.region.n)  # scratch space for the record: new patients per adopter
        self._turnover = float(rules.monthly_share(self.innovation.patient_turnover_per_year))
        self._n_eligible = int(self.orgs.eligible.sum())

    # ------------------------------------------------------------- helpers
    @property
    def staff_capacity(self) -> np.ndarray:
        """Free staff time of every organisation at this model's parameters (the run itself works out only what it reads)."""
        return self.staff_capacity_of(np.arange(self.region.n))

    def staff_capacity_of(self, idx: np.ndarray) -> np.ndarray:
        """Free staff time of organisations ``idx``, indices or a mask (:func:`kernel.staff_capacity`)."""
        which = np.arange(self.region.n)[idx]  # NumPy's indexing checks it: the compiled code does not
        return kernel.staff_capacities(self._fixed, which, kernel.BETAINCINV)

    def calendar_month(self, step: int) -> int:
        """Calendar month (1-12) that step ``step`` covers: step 1 is ``simulation.start_month``."""
        return (self.params.simulation.start_month + step - 2) % 12 + 1

    def _set_awareness_coefficients(self) -> None:
        """Monthly awareness hazard = outside + imitation x (adopted ties), per organisation.

        outside = (Bass p x innovativeness + the origin's demonstrations) / 12,
        imitation = Bass q x innovativeness / (number of ties) / 12 (Bass 1969 per tie share); a
        number of ties is fixed for the run.
        """
        d = self.params.diffusion
        self._per_month = self.innovativeness_factor / rules.MONTHS_PER_YEAR
        self._fixed[:, kernel.F_OUTSIDE] = d.p * self._per_month + self.origin.demonstration_hazard() / rules.MONTHS_PER_YEAR
        self._fixed[:, kernel.F_IMITATION] = d.q * self._per_month / np.maximum(self.ties.degree, 1.0)

    # ---------------------------------------------------------------- step
    def step(self) -> None:
        """One month of the innovation-decision process (phases in the module docstring)."""
        t = self.steps  # Mesa has already counted this step
        p = self.params
        f = p.facilitation
        orgs = self.orgs
        # last month's adopters drive influence and learning (synchronous update)
        tie_counts = self.ties.counts()
        experienced = self._experienced_by_type.astype(np.float64)

        # 0. stakeholders act
        self.insurer.act(t, self._n_adopted - len(self.origins))
        team_cost, meeting = self.team.act(t, self._u_facilitation)
        team = self.team  # its hours on this innovation; a portfolio adds each innovation's part of the shared overheads
        self.team_hours[t] = team.budget.hours_used if team.owns_budget else team.supported_now * f.support_hours_per_org_month

        # 1-5. every organisation through the phases, in one compiled pass
        row = (t - 1) % self._u_months
        if row == 0:
            for block, gen in zip(self._u, self._phase_streams, strict=True):
                gen.random(out=block)  # one uniform per organisation, phase and month, used or not (common random numbers)
        month = self._month
        by_type = self._by_type
        by_type[:, kernel.T_MEETING_MISS] = self._attendance_miss if meeting else 1.0
        sharing = self.team.knowledge_sharing()  # the region's experience shared with every organisation, by type
        exposure = sharing * (experienced + f.knowledge_sharing_across_types * (experienced.sum() - experienced))
        if not np.array_equal(exposure, self._shared_seen):
            by_type[:, kernel.T_SHARED_LEARNING] = rules.learning_multiplier(exposure, f.regional_learning_per_doubling)
            by_type[:, kernel.T_SHARED_EXPOSURE] = exposure
            self._shared_seen = exposure
        month[kernel.M_COST_FACTOR] = 1.0 - p.insurer.cost_share * self.insurer.reimbursing
        month[kernel.M_DISCONTINUE] = self._p_discontinue[self.insurer.reimbursing]
        month[kernel.M_CARRYOVER] = self.carryover
        kernel.advance_month(t, orgs.state, orgs.due, orgs.supported, orgs.months, orgs.main_barrier,
                             orgs.implementation_cost, self.go_live, self.ties.flags, self._fixed, tie_counts, self.chain,
                             self.is_origin, self.experienced_elsewhere, self.region.org_type, self._u[:, row], month,
                             by_type, self.barrier_weights, self.implementation_cost[t], self._experienced_by_type,
                             kernel.BETAINCINV)
        self.ties.flags_changed()

        # 6. record
        self.facilitation_cost[t] = team_cost
        self.meeting[t] = meeting
        self._record(t)
        if self.collect_data:
            self.datacollector.collect(self)
        if t >= self.months:
            self.running = False

    # -------------------------------------------------------------- record
    def _record(self, t: int) -> None:
        """Counts per type and state, patients enrolled and newly reached, support and reimbursement."""
        n_adopted = kernel.record_month(t, self.orgs.state, self.region.org_type, self.go_live, self.is_origin, self._fixed,
                                        self._enrolled_now, float(self.innovation.ramp_months), self._turnover,
                                        self.state_counts[t], self.enrolled[t], self.new_patients[t],
                                        self.reached_additional, self._new)
        self._n_adopted = n_adopted
        o = self._origin_idx
        self.enrolled_origins[t] = float(self._enrolled_now[o] @ self.distinct_share[o])
        self.share_adopted[t] = n_adopted / self._n_eligible if self._n_eligible else 0.0
        self.supported_count[t] = self.team.supported_now
        self.places[t] = self.team.places
        if (t - 1) % 12 == 0 and t > 0 and self.team.budget.works:
            self.budget_added[t] = self.params.facilitation.budget_eur_per_year
        self.reimbursing[t] = self.insurer.reimbursing

    def run(self) -> DiffusionModel:
        """Run to the horizon (``simulation.months``) and return the model."""
        if self.running and self.steps < self.months:
            if horizon.can_run(self):  # a bulk run: the same months, in one compiled call
                horizon.run_to_horizon(self)
            else:
                self.run_for(self.months - self.steps)  # Mesa's clock: one step a month, and any events scheduled
        return self


def resolve_params(params: Params | None, rng: Any, overrides: dict[str, Any], who: str) -> Params:
    """Parameters as Mesa's tools pass them: ``rng`` an integer root seed, overrides as ``section__field=value``."""
    params = params or Params()
    changes = dict(overrides)
    if rng is not None:
        if isinstance(rng, bool) or not isinstance(rng, int | np.integer):
            raise ScenarioError(f"{who}: rng must be an integer root seed, got {type(rng).__name__}")
        changes["simulation.seed"] = int(rng)
    return change(params, changes, source=who)
