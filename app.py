"""Mesa's own SolaraViz for modellers: one replication of the collaborative scenario, month by month, agent by agent.

Run it with ``solara run app.py`` (after ``pip install -e ".[explore]"``). The policy explorer with both
strategies, many replications and exports is ``diffusion-sim explore``; this page is Mesa's standard
view of a single model: play, step and reset, team levers as sliders, the DataCollector's reporters as
plots and the organisations on a map coloured by their state.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import solara
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz, make_plot_component
from mesa.visualization.utils import update_counter

from diffusion_sim.model import DiffusionModel
from diffusion_sim.model.state import STATE_NAMES
from diffusion_sim.params import ORG_TYPES
from diffusion_sim.publish.style import STATE_COLOURS
from diffusion_sim.publish.words import STATE_LABELS
from diffusion_sim.scenario import load_scenario

SCENARIO = Path(__file__).resolve().parent / "scenarios" / "zuidwest-collaborative.toml"


class AgentView(DiffusionModel):
    """The model as SolaraViz rebuilds it on Reset: keyword arguments only, on the collaborative scenario.

    Mesa 3.5's Reset also passes ``scenario`` (a ``mesa.experimental.scenarios.Scenario``); its seed is
    not the model's root seed (``simulation.seed``), so it is set aside and ``replication`` chooses the
    random streams instead.
    """

    def __init__(self, *, scenario: Any = None, replication: int = 0, **overrides: Any) -> None:
        super().__init__(load_scenario(SCENARIO), replication=int(replication), **overrides)


@solara.component
def OrganisationMap(model: DiffusionModel) -> None:
    """Organisations that can use the innovation at their coordinates, coloured by their current state."""
    update_counter.get()
    region = model.region
    eligible = np.flatnonzero(model.orgs.eligible)
    kx = np.cos(np.radians(float(np.mean(region.lat))))
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.subplots()
    markers = {"hospital": "s", "gp_practice": "o", "home_care": "^"}
    for kind in ("hospital", "home_care", "gp_practice"):
        idx = eligible[region.org_type[eligible] == ORG_TYPES.index(kind)]
        colours = [STATE_COLOURS.get(STATE_NAMES[s], "#DDDDDD") for s in model.orgs.state[idx]]
        ax.scatter(region.lon[idx] * kx, region.lat[idx], c=colours, s=40 if kind == "hospital" else 14,
                   marker=markers.get(kind, "o"), edgecolors="#555555", linewidths=0.3)
    ax.set_aspect("equal")
    ax.set_axis_off()
    counts = np.bincount(model.orgs.state[eligible], minlength=len(STATE_NAMES))
    ax.set_title(", ".join(f"{STATE_LABELS[s]['en']} {counts[STATE_NAMES.index(s)]}" for s in STATE_COLOURS
                           if counts[STATE_NAMES.index(s)]), fontsize=10, loc="left")
    solara.FigureMatplotlib(fig)


_start = load_scenario(SCENARIO).facilitation
model_params: dict[str, Any] = {  # short labels: Mesa's sidebar is narrow
    "replication": {"type": "SliderInt", "value": 0, "min": 0, "max": 199, "step": 1, "label": "Replication"},
    "facilitation__budget_eur_per_year": {"type": "SliderFloat", "value": _start.budget_eur_per_year, "min": 0,
                                          "max": 50_000, "step": 1_000, "label": "Team budget (EUR/year)"},
    "facilitation__team_members": {"type": "SliderInt", "value": _start.team_members, "min": 0, "max": 15, "step": 1,
                                   "label": "Team members"},
    "facilitation__knowledge_network": {"type": "Checkbox", "value": _start.knowledge_network, "label": "Knowledge network"},
    "facilitation__events_per_year": {"type": "SliderInt", "value": _start.events_per_year, "min": 0, "max": 12, "step": 1,
                                      "label": "Meetings per year"},
    "facilitation__insurer_engaged": {"type": "Checkbox", "value": _start.insurer_engaged, "label": "Insurer in the team"},
}

page = SolaraViz(
    AgentView(),
    components=[
        (OrganisationMap, 0),
        make_plot_component("adopters"),
        make_plot_component("share_eligible_adopted"),
        make_plot_component("patients_reached_additional"),
    ],
    model_params=model_params,
    name="diffusion-sim: one collaborative run, agent by agent",
)
