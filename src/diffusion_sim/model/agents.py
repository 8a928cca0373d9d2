"""Mesa agents: care organisations as readable views over the model's arrays, and the stakeholders.

An :class:`Organisation` holds only its slot ``index``; every attribute is a property over the arrays,
so there is one truth and two ways to read it. Stakeholders keep their decisions in plain methods
that the model calls once a month.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from diffusion_sim.model import kernel
from diffusion_sim.model.state import BARRIER_NAMES, NOT_YET, STATE_NAMES
from diffusion_sim.params import ORG_TYPES, FacilitationParams

if TYPE_CHECKING:
    from diffusion_sim.model.model import DiffusionModel


class Organisation(mesa.Agent):
    """A care organisation (hospital, GP practice, elderly care, home care, mental health care, pharmacy)."""

    def __init__(self, model: DiffusionModel, index: int) -> None:
        super().__init__(model)
        self.index = int(index)

    @property
    def org_type(self) -> str:
        """Type of care organisation."""
        return ORG_TYPES[self.model.region.org_type[self.index]]

    @property
    def state(self) -> str:
        """Current step of the innovation-decision process."""
        return STATE_NAMES[self.model.orgs.state[self.index]]

    @property
    def municipality(self) -> str:
        """Name of the municipality the organisation is in."""
        region = self.model.region
        return str(region.municipalities["name"].iloc[region.municipality[self.index]])

    @property
    def coordinates(self) -> tuple[float, float]:
        """(longitude, latitude) in WGS84."""
        return float(self.model.region.lon[self.index]), float(self.model.region.lat[self.index])

    @property
    def patients(self) -> float:
        """Patients or clients the organisation serves."""
        return float(self.model.region.patients[self.index])

    @property
    def target_patients(self) -> float:
        """Patients it would have on the innovation at full use."""
        return float(self.model.orgs.target_patients[self.index])

    @property
    def eligible(self) -> bool:
        """Whether it serves the innovation's target group."""
        return bool(self.model.orgs.eligible[self.index])

    def story(self) -> dict[str, object]:
        """The months of each event, and why it rejected the innovation if it did."""
        orgs = self.model.orgs
        events = {
            "aware": orgs.month_aware,
            "deciding": orgs.month_deciding,
            "implementing": orgs.month_implementing,
            "adopted": orgs.month_adopted,
            "rejected": orgs.month_rejected,
            "failed": orgs.month_failed,
            "discontinued": orgs.month_discontinued,
        }
        story: dict[str, object] = {"type": self.org_type, "municipality": self.municipality, "state": self.state}
        story.update({k: int(v[self.index]) for k, v in events.items() if v[self.index] != NOT_YET})
        if orgs.main_barrier[self.index] >= 0:
            story["main_barrier"] = BARRIER_NAMES[orgs.main_barrier[self.index]]
        return story


class OriginOrganisation(Organisation):
    """The organisation that already runs the proven innovation and demonstrates it to those nearby."""

    def demonstration_hazard(self) -> np.ndarray:
        """Yearly awareness hazard its demonstrations add to each organisation (it never stops running it)."""
        return self.model.demonstration_reach


class Insurer(mesa.Agent):
    """The health insurer: arranges reimbursement once there is demand, effective at a contract window.

    The innovation's reimbursement route decides whether it has to: an existing tariff pays from
    month 0, and an innovation without a route is never reimbursed.
    """

    def __init__(self, model: DiffusionModel) -> None:
        super().__init__(model)
        # engaged in the team, the insurer starts arranging when the team takes the innovation up; else it waits for demand
        self.arranging_since: int = NOT_YET
        route = model.innovation.reimbursement_route
        self.reimbursing_since: int = 0 if route == "existing_tariff" and model.params.insurer.reimburses else NOT_YET

    def engage(self, month: int) -> None:
        """The insurer, taking part in the facilitation team, starts arranging reimbursement now."""
        if self.arranging_since == NOT_YET:
            self.arranging_since = month

    @property
    def reimbursing(self) -> bool:
        """Whether the innovation's set-up cost is currently (partly) reimbursed."""
        return self.reimbursing_since != NOT_YET

    def act(self, month: int, adopters_beyond_origin: int) -> None:
        """Start arranging when demand is shown (or at once if engaged in the team); contract at the window."""
        p = self.model.params
        if not p.insurer.reimburses or self.reimbursing or self.model.innovation.reimbursement_route == "none":
            return
        if p.insurer.fixed_start_month is not None:  # a fixed start (explorer lever, issue 8) replaces demand and contract window
            if month >= p.insurer.fixed_start_month:
                self.reimbursing_since = month
            return
        if self.arranging_since == NOT_YET and adopters_beyond_origin >= p.insurer.demand_threshold:
            self.arranging_since = month
        if self.arranging_since != NOT_YET and month >= self.arranging_since + p.insurer.negotiation_months:
            if self.model.calendar_month(month) == p.insurer.contract_month:
                self.reimbursing_since = month


class TeamBudget:
    """The facilitation team's money and time, shared by every innovation it works on.

    The money (``budget_eur_per_year``) is refilled at the start of each year of the run; the time
    (members x hours each, in kind) every month. A month first pays its overheads: the knowledge
    network's hours, and a planned meeting if the money and hours still cover it (one meeting serves
    every innovation the team works on). What is left decides how many organisations it can support:
    :meth:`places` says how many by time and by money, and which of the two binds.
    """

    def __init__(self, f: FacilitationParams) -> None:
        self.f = f
        self.budget_left = 0.0
        self.hours_left = 0.0
        self.hours_used = 0.0
        self.meeting = False
        year_months = [int(12 * j / f.events_per_year) for j in range(f.events_per_year)] if f.events_per_year else []
        self.event_months_of_year = frozenset(year_months)

    @property
    def works(self) -> bool:
        """Whether there is a team at all: money and people."""
        return self.f.budget_eur_per_year > 0 and self.f.team_members > 0

    def open_month(self, month: int) -> float:
        """Refill money (yearly) and time (monthly), pay the network's hours and a planned meeting; returns the meeting's cost."""
        f = self.f
        if (month - 1) % 12 == 0:
            self.budget_left = f.budget_eur_per_year
        self.hours_left = f.team_members * f.hours_per_member_per_month if self.works else 0.0
        self.hours_used = 0.0
        if f.knowledge_network and self.works:
            self._use_hours(min(self.hours_left, f.knowledge_network_hours_per_month))
        planned = ((month - 1) % 12) in self.event_months_of_year
        self.meeting = (planned and self.works and f.event_cost_eur <= self.budget_left and f.event_hours <= self.hours_left)
        if not self.meeting:
            return 0.0
        self.budget_left -= f.event_cost_eur
        self._use_hours(f.event_hours)
        return f.event_cost_eur

    def _use_hours(self, hours: float) -> None:
        self.hours_left -= hours
        self.hours_used += hours

    def places(self) -> tuple[int, int]:
        """Organisations the team could support now: (by its hours left, by its money left)."""
        f = self.f
        if not self.works:
            return 0, 0
        by_time = int(max(self.hours_left, 0.0) // f.support_hours_per_org_month)
        per = f.support_cost_eur_per_month
        by_money = by_time if per <= 0 else int(max(self.budget_left, 0.0) // per)
        return by_time, by_money

    def pay_support(self, organisations: int) -> float:
        """Pay ``organisations`` supported organisation-months from the money and the hours; returns the money spent."""
        cost = organisations * self.f.support_cost_eur_per_month
        self.budget_left -= cost
        self._use_hours(organisations * self.f.support_hours_per_org_month)
        return cost


class FacilitationTeam(mesa.Agent):
    """The regional facilitation team's work on one innovation: support, meetings and its knowledge network.

    Each month it keeps supporting the organisations in its caseload that are still on their way
    and can move (not a chain partner still waiting for a partner that runs it), fills free places
    by its priority (type order, then most patients, then a random draw), and pays for each supported
    organisation-month from its money and its hours. Its places are what both still cover; in a
    portfolio the portfolio shares them out and says when the team works on this innovation.
    """

    def __init__(self, model: DiffusionModel, budget: TeamBudget | None = None) -> None:
        super().__init__(model)
        f = model.params.facilitation
        self.owns_budget = budget is None
        self.budget = budget if budget is not None else TeamBudget(f)
        self.share: int | None = None  # places the portfolio gives this innovation this month (None: all it can)
        self.active = False
        self.was_active = False
        self.supported_now = 0
        self.places = (0, 0)  # this month's places by time and by money, before filling them
        rank = {t: i for i, t in enumerate(f.priority_types)}
        self.type_rank = np.array([rank.get(t, len(rank)) for t in ORG_TYPES])[model.region.org_type]

    def activate(self, month: int) -> None:
        """The team works on this innovation from ``month``; an engaged insurer starts arranging then."""
        self.active = True
        if not self.was_active:
            self.was_active = True
            if self.model.params.facilitation.insurer_engaged:
                self.model.insurer.engage(month)

    def deactivate(self) -> None:
        """The team works on other innovations: support and meetings about this one stop."""
        self.active = False

    def knowledge_sharing(self) -> float:
        """Share of the region's experience the network passes to every organisation (kept after the team moves on, if set)."""
        f = self.model.params.facilitation
        if not (f.knowledge_network and self.budget.works):
            return 0.0
        keeps = self.was_active and self.model.params.portfolio.knowledge_sharing_persists
        return f.knowledge_sharing if self.active or keeps else 0.0

    def act(self, month: int, rng: np.random.Generator) -> tuple[float, bool]:
        """Plan this month's work; returns (money spent in EUR, whether a meeting about this innovation takes place).

        ``rng`` is the facilitation stream, drawn from only when places are filled, so that the team's
        choices never shift any other decision's random numbers.
        """
        orgs = self.model.orgs
        cost = self.budget.open_month(month) if self.owns_budget else 0.0  # a portfolio opens the month itself
        meeting = self.budget.meeting and self.active
        by_time, by_money = self.budget.places() if self.active else (0, 0)
        if self.share is not None:
            by_time = min(by_time, self.share)
        self.places = (by_time, by_money)
        affordable = min(by_time, by_money)
        if affordable == 0:
            if self.supported_now:
                orgs.supported[:] = False
                self.supported_now = 0
            return cost, meeting
        model = self.model
        caseload, candidates = kernel.team_places(orgs.state, orgs.supported, model.chain, model.ties.counts(),
                                                  model.is_origin, self.type_rank, orgs.target_patients, affordable)
        if candidates.size:  # free places: filled by the team's order, a draw ordering equal priorities
            caseload = np.concatenate([caseload, kernel.by_priority(candidates, self.type_rank, orgs.target_patients,
                                                                    rng.random(candidates.size), affordable - caseload.size)])
        orgs.supported[:] = False
        orgs.supported[caseload] = True
        self.supported_now = int(caseload.size)
        cost += self.budget.pay_support(caseload.size)
        return cost, meeting
