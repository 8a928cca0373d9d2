"""PortfolioModel: one facilitation team with one budget serving several innovations in one region.

Each innovation runs as its own :class:`DiffusionModel` on the shared region, with its own random
streams (its position in the portfolio selects them, so replication i of every portfolio with the
same innovations in the same order shares them). What ties the innovations together:

- the team's yearly budget and its meetings (:class:`TeamBudget`, opened once a month here);
- which innovations the team works on: one at a time for ``portfolio.months_per_innovation`` months
  each and then all of them (sequential), or all from the start (simultaneous); its places are split
  evenly between the innovations it works on, and who draws on the budget first rotates monthly;
- carry-over: an organisation that implemented another innovation of the portfolio (by last month)
  implements faster and fails less, by ``portfolio.carryover``.

A portfolio of one innovation runs exactly as the single-innovation model (tested).
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from diffusion_sim.draws import drawn, region_realisation
from diffusion_sim.model.agents import TeamBudget
from diffusion_sim.model.model import DiffusionModel, resolve_params
from diffusion_sim.model.state import NOT_YET, OrgState
from diffusion_sim.params import Params
from diffusion_sim.region import Region, build_region
from diffusion_sim.rng import seed_sequence


class PortfolioModel(mesa.Model):
    """Several proven innovations spreading at once in one region, sharing one facilitation team.

    Args are those of :class:`DiffusionModel`; the innovations are ``params.portfolio.innovations``.
    """

    def __init__(self, params: Params | None = None, *, replication: int = 0, rng: Any = None,
                 region: Region | None = None, agent_views: bool = True, scenario: Any = None, **overrides: Any) -> None:
        params = resolve_params(params, rng, overrides, type(self).__name__)
        realisation = region_realisation(params, replication)  # the region its draw runs on (0 without draws)
        params, self.drawn_values = drawn(params, replication)  # one draw for the whole portfolio: its tracks share it
        super().__init__(rng=seed_sequence(params.simulation.seed, replication, "mesa"), scenario=scenario)
        self.params = params
        self.replication = replication
        self.region = region if region is not None else build_region(params, realisation)
        self.months = params.simulation.months
        self.running = True
        self.budget = TeamBudget(params.facilitation)
        self.innovations = params.innovation_tracks()
        self.tracks = [
            DiffusionModel(params, replication=replication, region=self.region, agent_views=agent_views,
                           innovation=innovation, track=k, team_budget=self.budget)
            for k, innovation in enumerate(self.innovations)
        ]
        for track in self.tracks:
            track.carryover = params.portfolio.carryover
        for k in self.worked_on(1):  # the team takes up its first innovations at the start, as a lone team does
            self.tracks[k].team.activate(0)
        self.meeting_cost = np.zeros(self.months + 1)  # also shared out into the innovations' facilitation costs
        self.active = np.zeros((self.months + 1, len(self.tracks)), dtype=bool)  # which innovations the team works on
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "adopters": lambda m: sum(int(t.state_counts[t.steps].sum(axis=0)[OrgState.ADOPTED]) for t in m.tracks),
                "patients_reached_additional": lambda m: float(sum(t.reached_additional[t.steps] for t in m.tracks)),
            }
        )
        if agent_views:
            self.datacollector.collect(self)
        self.collect_data = agent_views

    def worked_on(self, month: int) -> list[int]:
        """Positions of the innovations the team works on in ``month`` (1-based)."""
        n = len(self.tracks)
        p = self.params.portfolio
        if p.schedule == "simultaneous":
            return list(range(n))
        k = (month - 1) // p.months_per_innovation
        return [k] if k < n else list(range(n))

    def step(self) -> None:
        """One month: open the team's budget, assign its places, pass on experience, step every innovation."""
        t = self.steps
        self.meeting_cost[t] = self.budget.open_month(t)
        overhead_hours = self.budget.hours_used  # the network's and a meeting's hours, shared like the meeting's cost
        active = self.worked_on(t)
        shift = t % len(active)
        order = active[shift:] + active[:shift]  # who draws on the budget first rotates month by month
        places, extra = divmod(self.budget.places()[0], len(active))  # the team's hours, split evenly
        for j, k in enumerate(order):
            self.tracks[k].team.share = places + (j < extra)
            self.tracks[k].team.activate(t)
            self.active[t, k] = True
        for k, track in enumerate(self.tracks):
            if k not in active:
                track.team.deactivate()
        if len(self.tracks) > 1:
            implemented = np.stack([tr.orgs.month_adopted != NOT_YET for tr in self.tracks])
            count = implemented.sum(axis=0)
            for k, track in enumerate(self.tracks):
                track.experienced_elsewhere = (count - implemented[k]) > 0
        for k in order + [k for k in range(len(self.tracks)) if k not in active]:
            self.tracks[k].step()
        for k in order:  # the meeting and the network served every innovation worked on: each carries an equal part
            self.tracks[k].facilitation_cost[t] += self.meeting_cost[t] / len(order)
            self.tracks[k].team_hours[t] += overhead_hours / len(order)
        if self.collect_data:
            self.datacollector.collect(self)
        if t >= self.months:
            self.running = False

    def run(self) -> PortfolioModel:
        """Run to the horizon (``simulation.months``) and return the model."""
        if self.running and self.steps < self.months:
            self.run_for(self.months - self.steps)  # Mesa's clock: one step a month, and any events scheduled
        return self


def build_model(params: Params, **kwargs: Any) -> DiffusionModel | PortfolioModel:
    """The model a scenario asks for: a portfolio when it lists several innovations, else the single-innovation model."""
    return PortfolioModel(params, **kwargs) if params.portfolio.innovations else DiffusionModel(params, **kwargs)
