"""DiffusionModel: a Mesa model of a proven innovation spreading between a region's care organisations.

One ``step()`` is one month, in seven phases:

0. stakeholders act: the insurer moves towards reimbursement, the facilitation team plans its support,
   meetings and brokered ties, paid from its yearly budget;
1. awareness: unaware organisations hear of it from outside (Bass p), from adopting ties (Bass q), from
   the origin's demonstrations, from a regional meeting or because the team approaches them;
2. consideration: aware organisations start a decision process (at once when supported);
3. decision: at the end of the process the barriers decide between implementing and rejecting;
4. implementation: at its end an implementation succeeds (adopted) or fails;
5. discontinuation: adopters abandon it at a yearly rate; organisations that rejected it reopen;
6. record: counts per state and type, patients enrolled and newly reached, costs.

Influence and learning read last month's state (synchronous update), every phase draws one random
number per organisation from its own stream, and the team's choices use a stream draw, not the
order of agents: so results do not depend on activation order, and scenarios that agree on a
decision make it identically (common random numbers).
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from diffusion_sim.errors import ScenarioError
from diffusion_sim.model import mechanisms as mech
from diffusion_sim.model.agents import FacilitationTeam, Insurer, Organisation, OriginOrganisation
from diffusion_sim.model.state import N_STATES, NOT_YET, OrgArrays, OrgState
from diffusion_sim.params import ORG_TYPES, Params
from diffusion_sim.region import Region, build_region
from diffusion_sim.rng import seed_sequence, stream
from diffusion_sim.scenario import override

N_TYPES = len(ORG_TYPES)


class DiffusionModel(mesa.Model):
    """The innovation-decision process of every care organisation in a region, month by month.

    Args:
        params: all inputs; defaults to the Zuidwest isolated baseline.
        replication: index of the replication, which selects the random streams.
        rng: a root seed that replaces ``params.simulation.seed`` (for Mesa's ``batch_run``).
        region: a prebuilt region for ``params`` (saves rebuilding it for every replication).
        agent_views: create one Mesa agent per organisation (readable views; off for bulk runs).
        **overrides: parameter changes as ``section__field=value``, as Mesa's tools pass them.
    """

    def __init__(self, params: Params | None = None, *, replication: int = 0, rng: Any = None,
                 region: Region | None = None, agent_views: bool = True, **overrides: Any) -> None:
        params = params or Params()
        changes = {k.replace("__", "."): v for k, v in overrides.items()}
        if rng is not None and not isinstance(rng, np.random.SeedSequence | np.random.Generator):
            changes["simulation.seed"] = int(rng)
        if changes:
            params = override(params, changes, source="DiffusionModel")
        seed = params.simulation.seed
        super().__init__(rng=seed_sequence(seed, replication, "mesa"))
        self.params = params
        self.replication = replication
        self.region = region if region is not None else build_region(params)
        self.months = params.simulation.months
        self.running = True

        self._u_awareness = stream(seed, replication, "awareness")
        self._u_consider = stream(seed, replication, "consideration")
        self._u_decision = stream(seed, replication, "decision")
        self._u_implement = stream(seed, replication, "implementation")
        self._u_discontinue = stream(seed, replication, "discontinuation")
        self._u_reconsider = stream(seed, replication, "reconsideration")
        self._u_facilitation = stream(seed, replication, "facilitation")

        self._setup_arrays()
        self.origin = OriginOrganisation(self, self._origin_index())
        self.insurer = Insurer(self)
        self.team = FacilitationTeam(self)
        if agent_views:
            Organisation.create_agents(self, self.region.n - 1, index=np.delete(np.arange(self.region.n), self.origin.index))
        self._start_origin()
        self._setup_records()
        self._record(0)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "adopters": lambda m: int(m.state_counts[m.steps].sum(axis=0)[OrgState.ADOPTED]),
                "share_eligible_adopted": lambda m: float(m.share_adopted[m.steps]),
                "patients_enrolled": lambda m: float(m.enrolled[m.steps].sum()),
                "patients_reached_additional": lambda m: float(m.reached_additional[m.steps]),
                "cost_eur": lambda m: float(m.implementation_cost[: m.steps + 1].sum() + m.facilitation_cost[: m.steps + 1].sum()),
            }
        )
        self.datacollector.collect(self)

    # ----------------------------------------------------------------- set-up
    def _setup_arrays(self) -> None:
        p, region = self.params, self.region
        t = region.org_type
        share = np.asarray(p.innovation.target_share.as_tuple())[t]
        uptake = np.asarray(p.innovation.uptake.as_tuple())[t]
        target = region.patients * share * uptake
        eligible = share > 0
        self.orgs = OrgArrays.empty(region.n, eligible, target)
        self.zeros = np.zeros(region.n)
        self.degree = np.asarray(region.ties.sum(axis=1)).ravel()
        self.extra_ties = np.zeros(region.n)
        self._broker_i: list[int] = []
        self._broker_j: list[int] = []
        self.innovativeness_factor = np.exp(p.diffusion.innovativeness_effect * region.innovativeness)
        self.type_cost = np.asarray(p.innovation.implementation_cost_eur.as_tuple())[t]
        self.type_months = np.asarray(p.innovation.implementation_months.as_tuple())[t]
        b = p.barriers
        self.barrier_weights = np.array([b.financial_weight, b.knowhow_weight, b.staff_weight, b.fit_weight])
        self.type_onehot = np.zeros((N_TYPES, region.n))
        self.type_onehot[t, np.arange(region.n)] = 1.0

    def _origin_index(self) -> int:
        o, region = self.params.origin, self.region
        codes = region.municipalities["code"].to_numpy()
        where = np.flatnonzero(codes == o.municipality)
        if where.size == 0:
            raise ScenarioError(f"field 'origin.municipality': {o.municipality} is not in region '{region.name}'")
        candidates = np.flatnonzero((region.org_type == ORG_TYPES.index(o.org_type)) & self.orgs.eligible)
        if candidates.size == 0:
            raise ScenarioError(f"field 'origin.org_type': region '{region.name}' has no {o.org_type} organisation")
        m = where[0]
        seat_x = region.municipalities["lon"].to_numpy()[m]
        seat_y = region.municipalities["lat"].to_numpy()[m]
        d2 = (region.lon[candidates] - seat_x) ** 2 + (region.lat[candidates] - seat_y) ** 2
        return int(candidates[np.argmin(d2)])

    def _start_origin(self) -> None:
        i = self.origin.index
        orgs = self.orgs
        orgs.state[i] = OrgState.ADOPTED
        for field in (orgs.month_aware, orgs.month_deciding, orgs.month_implementing, orgs.month_adopted):
            field[i] = 0
        ramp = self.params.innovation.ramp_months
        self.go_live = np.full(self.region.n, NOT_YET, dtype=np.int32)
        self.go_live[i] = -int(np.ceil(ramp))  # already at full use
        self.is_origin = np.zeros(self.region.n, dtype=bool)
        self.is_origin[i] = True
        o = self.params.origin
        dx = self.region.x_km - self.region.x_km[i]
        dy = self.region.y_km - self.region.y_km[i]
        near = (np.hypot(dx, dy) <= o.demonstration_radius_km) & ~self.is_origin
        self.demonstration_reach = np.where(near, o.demonstration_per_year, 0.0)

    def _setup_records(self) -> None:
        m = self.months + 1
        self.state_counts = np.zeros((m, N_TYPES, N_STATES), dtype=np.int32)
        self.enrolled = np.zeros((m, N_TYPES))
        self.new_patients = np.zeros((m, N_TYPES))
        self.reached_additional = np.zeros(m)
        self.share_adopted = np.zeros(m)
        self.implementation_cost = np.zeros((m, N_TYPES))
        self.facilitation_cost = np.zeros(m)
        self.supported_count = np.zeros(m, dtype=np.int32)
        self.reimbursing = np.zeros(m, dtype=bool)
        self.meeting = np.zeros(m, dtype=bool)
        self._enrolled_now = np.zeros(self.region.n)
        self._turnover = float(mech.monthly_probability(self.params.innovation.patient_turnover_per_year))
        self._n_eligible = int(self.orgs.eligible.sum())

    # ------------------------------------------------------------- helpers
    def calendar_month(self, month: int) -> int:
        """Calendar month (1-12) of simulation month ``month`` (month 0 is ``simulation.start_month``)."""
        return (self.params.simulation.start_month - 1 + month) % 12 + 1

    def add_brokered_tie(self, i: int, j: int) -> None:
        """A tie the facilitation team brokered between ``i`` and ``j`` (counts for exposure and know-how)."""
        self._broker_i += [i, j]
        self._broker_j += [j, i]
        self.extra_ties[i] += 1
        self.extra_ties[j] += 1

    def _adopted_ties(self, adopted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(number of ties that adopted, share of ties that adopted), brokered ties included."""
        a = adopted.astype(np.float64)
        count = self.region.ties @ a
        if self._broker_i:
            count = count + np.bincount(self._broker_i, weights=a[self._broker_j], minlength=a.size)
        total = self.degree + self.extra_ties
        share = np.divide(count, total, out=np.zeros_like(count), where=total > 0)
        return count, share

    # ---------------------------------------------------------------- step
    def step(self) -> None:
        """One month of the innovation-decision process (phases in the module docstring)."""
        t = self.steps  # Mesa has already counted this step
        p = self.params
        orgs = self.orgs
        state = orgs.state
        n = state.size

        # draw every stream every month so that no decision's numbers depend on another's
        u_aware = self._u_awareness.random(n)
        u_meet = self._u_awareness.random(n)
        u_consider = self._u_consider.random(n)
        u_decide = self._u_decision.random(n)
        u_duration = self._u_implement.standard_normal(n)
        u_success = self._u_implement.random(n)
        u_stop = self._u_discontinue.random(n)
        u_reopen = self._u_reconsider.random(n)
        u_team = self._u_facilitation.random(n)

        # last month's state drives influence and learning (synchronous update)
        adopted_prev = state == OrgState.ADOPTED
        experienced = orgs.month_adopted != NOT_YET
        n_adopted_ties, exposure = self._adopted_ties(adopted_prev)
        n_experienced_ties, _ = self._adopted_ties(experienced)

        # 0. stakeholders act
        self.insurer.act(t, int(adopted_prev.sum() - adopted_prev[self.origin.index]))
        team_cost, meeting = self.team.act(t, u_team)
        supported = orgs.supported

        # 1. awareness
        unaware = state == OrgState.UNAWARE
        hazard = mech.awareness_hazard(p.diffusion.p, p.diffusion.q, exposure, self.innovativeness_factor,
                                       self.origin.demonstration_hazard())
        hears = u_aware < mech.monthly_probability(hazard)
        if meeting:
            hears |= u_meet < p.facilitation.event_awareness
        becomes_aware = unaware & (hears | supported)
        state[becomes_aware] = OrgState.AWARE
        orgs.month_aware[becomes_aware] = t

        # 2. consideration
        f = p.facilitation
        aware = state == OrgState.AWARE
        consider_p = mech.monthly_probability(p.diffusion.consideration_per_year * self.innovativeness_factor)
        starts = aware & ((u_consider < consider_p) | supported)
        state[starts] = OrgState.DECIDING
        orgs.month_deciding[starts] = t
        speed = 1.0 - f.support_time_reduction * supported
        orgs.due[starts] = t + np.rint(p.diffusion.decision_months * speed[starts]).astype(np.int32)

        # learning from experience: own ties (isolated) or the region's shared experience
        own = mech.learning_multiplier(n_experienced_ties, p.barriers.own_learning_per_doubling)
        shared = mech.learning_multiplier(f.knowledge_sharing * experienced.sum(), f.regional_learning_per_doubling)
        learning = np.minimum(own, shared)

        # 3. decision
        deciding_done = (state == OrgState.DECIDING) & (orgs.due <= t)
        if deciding_done.any():
            idx = np.flatnonzero(deciding_done)
            reimbursed = self.insurer.reimbursing
            net_cost = self.type_cost[idx] * learning[idx] * (1.0 - p.insurer.cost_share * reimbursed)
            k = p.barriers.knowhow_per_adopted_tie
            gap = (1.0 - k) ** (n_experienced_ties[idx] + f.knowledge_sharing * experienced.sum())
            gap = gap * (1.0 - f.support_knowhow * supported[idx])
            strengths = mech.barrier_strengths(net_cost, self.region.financial_room[idx], gap,
                                               self.region.staff_capacity[idx], orgs.target_patients[idx],
                                               p.barriers.fit_scale_patients)
            prob = mech.adoption_probability(strengths, self.barrier_weights)
            orgs.adoption_probability[idx] = prob
            go = u_decide[idx] < prob
            adopt, reject = idx[go], idx[~go]
            state[adopt] = OrgState.IMPLEMENTING
            orgs.month_implementing[adopt] = t
            cost = self.type_cost[adopt] * learning[adopt]
            orgs.implementation_cost[adopt] = cost
            self.implementation_cost[t] = np.bincount(self.region.org_type[adopt], weights=cost, minlength=N_TYPES)
            duration = self.type_months[adopt] * learning[adopt] * speed[adopt]
            duration = duration * np.exp(p.innovation.implementation_months_sigma * u_duration[adopt])
            orgs.due[adopt] = t + np.rint(duration).astype(np.int32)
            state[reject] = OrgState.REJECTED
            orgs.month_rejected[reject] = t
            weighted = self.barrier_weights[:, None] * strengths[:, ~go]
            orgs.main_barrier[reject] = np.argmax(weighted, axis=0)

        # 4. implementation
        implementing_done = (state == OrgState.IMPLEMENTING) & (orgs.due <= t)
        if implementing_done.any():
            fail_p = p.innovation.implementation_failure * learning * (1.0 - f.support_failure_reduction * supported)
            ok = implementing_done & (u_success >= fail_p)
            bad = implementing_done & ~ok
            state[ok] = OrgState.ADOPTED
            orgs.month_adopted[ok] = t
            self.go_live[ok] = t
            state[bad] = OrgState.FAILED
            orgs.month_failed[bad] = t

        # 5. discontinuation and reconsideration
        rate = p.innovation.discontinuation_per_year
        if not self.insurer.reimbursing:
            rate = rate * p.innovation.discontinuation_unreimbursed_factor
        stops = adopted_prev & (state == OrgState.ADOPTED) & ~self.is_origin & (u_stop < mech.monthly_probability(rate))
        state[stops] = OrgState.DISCONTINUED
        orgs.month_discontinued[stops] = t
        reopens = (state == OrgState.REJECTED) & (orgs.month_rejected < t)
        reopens &= u_reopen < mech.monthly_probability(p.diffusion.reconsideration_per_year)
        state[reopens] = OrgState.AWARE

        self.facilitation_cost[t] = team_cost
        self.meeting[t] = meeting
        self._record(t)
        self.datacollector.collect(self)
        if t >= self.months:
            self.running = False

    # -------------------------------------------------------------- record
    def _record(self, t: int) -> None:
        orgs, region = self.orgs, self.region
        flat = region.org_type.astype(np.int64) * N_STATES + orgs.state
        self.state_counts[t] = np.bincount(flat, minlength=N_TYPES * N_STATES).reshape(N_TYPES, N_STATES)
        adopted = orgs.state == OrgState.ADOPTED
        live = np.where(adopted, t - self.go_live + 1, -1)
        enrolled = np.where(adopted, mech.enrolled_patients(orgs.target_patients, live, self.params.innovation.ramp_months), 0.0)
        if t == 0:
            new = enrolled.copy()
        else:
            still = adopted & (self._enrolled_now > 0)
            new = np.maximum(enrolled - self._enrolled_now, 0.0) + np.where(still, self._enrolled_now * self._turnover, 0.0)
        self._enrolled_now = enrolled
        self.enrolled[t] = self.type_onehot @ enrolled
        self.new_patients[t] = self.type_onehot @ new
        additional = new.sum() - new[self.origin.index] if t > 0 else 0.0
        self.reached_additional[t] = (self.reached_additional[t - 1] if t > 0 else 0.0) + additional
        self.share_adopted[t] = adopted.sum() / self._n_eligible if self._n_eligible else 0.0
        self.supported_count[t] = int(orgs.supported.sum())
        self.reimbursing[t] = self.insurer.reimbursing

    def run(self) -> DiffusionModel:
        """Run to the horizon (``simulation.months``) and return the model."""
        while self.running and self.steps < self.months:
            self.step()
        return self
