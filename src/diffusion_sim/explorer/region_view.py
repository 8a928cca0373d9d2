"""The region at a chosen month of a typical run: a map of organisations by state, and one organisation's story.

The typical run is the replication whose number of adopting organisations is nearest the median
(:func:`diffusion_sim.publish.figures.typical_replication`, as on the report's map). It is replayed as a regular
Mesa model with its agents, recording every organisation's state each month, so the map can show any
month and a click can read :meth:`Organisation.story`. The replay is the same replication the
summary counted: same parameters, same number, same random streams.

The map is plain SVG text (one element per organisation, its index in ``data-i``) that the page
shows inline; the figure to export draws the same with matplotlib.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from diffusion_sim.explorer.words import BARRIER_LABELS, ex
from diffusion_sim.model import DiffusionModel
from diffusion_sim.model.agents import Organisation
from diffusion_sim.model.state import STATE_NAMES
from diffusion_sim.params import ORG_TYPES, Params
from diffusion_sim.publish.figures import bare_map_axes, typical_replication
from diffusion_sim.publish.formats import Lang, fmt_number, step_label
from diffusion_sim.publish.style import STATE_COLOURS, house_style
from diffusion_sim.publish.words import ORG_TYPE_LABELS, STATE_LABELS, t

SHOWN_STATES = tuple(STATE_COLOURS)
EVENTS = ("aware", "deciding", "implementing", "adopted", "rejected", "failed", "discontinued")
VIEW_W = 1000.0  # SVG user units across the map
MARGIN = 24.0
LABELS = 14  # municipality names shown: the most populous


@dataclass
class TypicalRun:
    """One replication replayed with agents: states per month and the model to ask for stories."""

    scenario: str
    replication: int
    adopted: float
    params: Params
    states: np.ndarray  # (months + 1, organisations) int8
    model: DiffusionModel
    agents: dict[int, Organisation]

    @property
    def months(self) -> int:
        """The horizon."""
        return self.states.shape[0] - 1


def replay(params: Params, summary: Any) -> TypicalRun:
    """Replay the typical replication of ``params.name`` (chosen from ``summary``) month by month."""
    rep, adopted = typical_replication(summary, params.name)
    model = DiffusionModel(params, replication=rep, agent_views=True)
    states = [model.orgs.state.copy()]
    while model.running and model.steps < model.months:
        model.step()
        states.append(model.orgs.state.copy())
    agents = {a.index: a for a in model.agents if isinstance(a, Organisation)}
    return TypicalRun(scenario=params.name, replication=rep, adopted=adopted, params=params, states=np.stack(states),
                      model=model, agents=agents)


def _clean(name: str) -> str:
    return name.split(" (")[0]


def _projection(run: TypicalRun) -> tuple[np.ndarray, np.ndarray, float, Any]:
    """Organisation positions in SVG units (north up, true shape), the height, and a function for any lon/lat."""
    region = run.model.region
    lat0 = float(np.mean(region.lat))
    kx = np.cos(np.radians(lat0))
    x0, x1 = float(np.min(region.lon * kx)), float(np.max(region.lon * kx))
    y0, y1 = float(np.min(region.lat)), float(np.max(region.lat))
    scale = (VIEW_W - 2 * MARGIN) / max(x1 - x0, 1e-9)
    height = (y1 - y0) * scale + 2 * MARGIN

    def project(lon: Any, lat: Any) -> tuple[Any, Any]:
        return MARGIN + (np.asarray(lon) * kx - x0) * scale, MARGIN + (y1 - np.asarray(lat)) * scale

    x, y = project(region.lon, region.lat)
    return x, y, height, project


def org_title(run: TypicalRun, i: int, lang: Lang, places: np.ndarray | None = None) -> str:
    """How the page names an organisation: its own name (hospitals) or its type and municipality.

    ``places`` (:func:`_places`) saves the map looking up each organisation's municipality in a data frame.
    """
    agent = run.agents[i]
    own = str(run.model.region.org_name[i] or "")
    kind = ORG_TYPE_LABELS[agent.org_type][lang]
    place = places[i] if places is not None else _clean(agent.municipality)
    return f"{own} ({kind}, {place})" if own else f"{kind} {place} (nr. {i})"


def _places(run: TypicalRun) -> np.ndarray:
    """Every organisation's municipality as :func:`org_title` writes it."""
    region = run.model.region
    names = np.array([_clean(str(n)) for n in region.municipalities["name"]], dtype=object)
    return names[region.municipality]


def state_counts(run: TypicalRun, month: int) -> dict[str, int]:
    """Eligible organisations per state at ``month``."""
    eligible = run.model.orgs.eligible
    codes = run.states[month][eligible]
    return {s: int(np.sum(codes == STATE_NAMES.index(s))) for s in SHOWN_STATES}


def map_svg(run: TypicalRun, month: int, lang: Lang, selected: int | None = None) -> str:
    """The map as SVG text: eligible organisations by state at ``month``, municipality names, a 20 km bar."""
    region = run.model.region
    x, y, height, project = _projection(run)
    eligible = np.flatnonzero(run.model.orgs.eligible)
    state = run.states[month]
    origin = run.model.origin.index
    places = _places(run)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {VIEW_W:.0f} {height:.0f}" class="ds-map-svg" '
             f'role="img" style="width:100%;height:auto;display:block">',
             f'<rect x="0" y="0" width="{VIEW_W:.0f}" height="{height:.0f}" fill="#FAFAF7"/>']
    # organisations: larger types drawn first, so small ones stay clickable on top
    order = sorted(eligible, key=lambda i: (-_size(ORG_TYPES[region.org_type[i]]), i))
    parts.append('<g stroke="#555" stroke-width="1">')
    for i in order:
        kind = ORG_TYPES[region.org_type[i]]
        name = STATE_NAMES[state[i]]
        colour = STATE_COLOURS.get(name, "#DDDDDD")
        tip = f"{org_title(run, i, lang, places)}: {STATE_LABELS[name][lang]}"
        parts.append(_marker(kind, float(x[i]), float(y[i]), colour, i, html.escape(tip)))
    parts.append("</g>")
    # municipality names over the dots, for orientation (clicks pass through them)
    munis = region.municipalities.sort_values("population", ascending=False).head(LABELS)
    parts.append('<g font-family="DejaVu Sans, sans-serif" font-size="19" fill="#444" text-anchor="middle" '
                 'stroke="#FAFAF7" stroke-width="5" paint-order="stroke" pointer-events="none">')
    for _, row in munis.iterrows():
        mx, my = project(row["lon"], row["lat"])
        parts.append(f'<text x="{mx:.1f}" y="{my - 22:.1f}">{html.escape(_clean(str(row["name"])))}</text>')
    parts.append("</g>")
    ox, oy = float(x[origin]), float(y[origin])
    parts.append(f'<path d="{_star(ox, oy, 17)}" fill="#111" stroke="#fff" stroke-width="2" pointer-events="none" '
                 f'class="ds-origin"/>')
    if selected is not None and 0 <= selected < region.n:
        sx, sy = float(x[selected]), float(y[selected])
        parts.append(f'<circle cx="{sx:.1f}" cy="{sy:.1f}" r="16" fill="none" stroke="#000" stroke-width="3.5" '
                     f'pointer-events="none" class="ds-map-selected"/>')
    # scale bar: 20 km
    km = 20.0
    x_a, _ = project(region.lon.min(), region.lat.min())
    x_b, _ = project(region.lon.min() + km / (111.32 * np.cos(np.radians(float(np.mean(region.lat))))), region.lat.min())
    bar = float(x_b - x_a)
    by = height - 14
    parts.append(f'<line x1="{MARGIN}" y1="{by}" x2="{MARGIN + bar:.1f}" y2="{by}" stroke="#222" stroke-width="4"/>')
    parts.append(f'<text x="{MARGIN + bar / 2:.1f}" y="{by - 8}" font-size="18" text-anchor="middle" '
                 f'font-family="DejaVu Sans, sans-serif" fill="#222">{t("map_scale", lang, km=int(km))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _colour(state: str) -> str:
    return STATE_COLOURS.get(state, "#DDDDDD")


def _size(kind: str) -> float:
    return {"hospital": 13.0, "home_care": 10.0}.get(kind, 7.5)


def _marker(kind: str, x: float, y: float, colour: str, i: int, tip: str) -> str:
    s = _size(kind)
    attrs = f'fill="{colour}" data-i="{i}" class="ds-org" style="cursor:pointer"'
    if kind == "hospital":
        box = f'x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" height="{2 * s:.1f}"'
        return f'<rect {box} {attrs}><title>{tip}</title></rect>'
    if kind == "home_care":
        pts = f"{x:.1f},{y - 1.2 * s:.1f} {x - s:.1f},{y + 0.8 * s:.1f} {x + s:.1f},{y + 0.8 * s:.1f}"
        return f'<polygon points="{pts}" {attrs}><title>{tip}</title></polygon>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s:.1f}" {attrs}><title>{tip}</title></circle>'


def _star(x: float, y: float, r: float) -> str:
    angles = np.pi / 2 + np.arange(10) * np.pi / 5
    radii = np.where(np.arange(10) % 2 == 0, r, r * 0.45)
    pts = [f"{x + rr * np.cos(a):.1f},{y - rr * np.sin(a):.1f}" for a, rr in zip(angles, radii, strict=True)]
    return "M" + " L".join(pts) + " Z"


def story(run: TypicalRun, i: int, month: int, lang: Lang) -> dict[str, Any]:
    """An organisation's story for the panel: who it is, its state at ``month`` and at the end, what happened when, and why.

    Built on :meth:`Organisation.story` (the model's own account); events after ``month`` are marked as later.
    """
    agent = run.agents[i]
    told = agent.story()
    sim = run.params.simulation
    when = lambda m: ex("month_value", lang, m=m, label=step_label(sim.start_year, sim.start_month, m, lang))  # noqa: E731
    rows = [
        (ex("story_municipality", lang), _clean(str(told["municipality"]))),
        (ex("story_size", lang), fmt_number(agent.patients, lang)),
        (ex("story_target", lang), fmt_number(agent.target_patients, lang, 0 if agent.target_patients >= 10 else 1)),
    ]
    events = sorted(((int(told[e]), e) for e in EVENTS if e in told), key=lambda p: (p[0], EVENTS.index(p[1])))
    lines = [{"month": m, "when": when(m), "text": ex(f"ev_{e}", lang), "later": m > month} for m, e in events]
    state_at = STATE_NAMES[run.states[month][i]]
    state_end = STATE_NAMES[run.states[-1][i]]
    out: dict[str, Any] = {
        "title": org_title(run, i, lang),
        "type": ORG_TYPE_LABELS[agent.org_type][lang],
        "rows": rows,
        "state_at": (ex("story_state_at", lang, m=month), STATE_LABELS[state_at][lang], _colour(state_at)),
        "state_end": (ex("story_at_end", lang, m=run.months), STATE_LABELS[state_end][lang], _colour(state_end)),
        "events": lines,
        "note": "",
        "why": "",
    }
    if i == run.model.origin.index:
        out["note"] = ex("story_origin", lang)
    elif not lines:
        out["note"] = ex("story_nothing", lang, months=run.months)
    barrier = told.get("main_barrier")
    if barrier and "rejected" in told:
        out["why"] = ex("story_why", lang, barrier=BARRIER_LABELS[str(barrier)][lang])
    return out


def map_figure(run: TypicalRun, month: int, lang: Lang) -> Figure:
    """The map as a matplotlib figure, for PNG and SVG export (the report's house style)."""
    region = run.model.region
    eligible = np.flatnonzero(run.model.orgs.eligible)
    state = run.states[month]
    kx = np.cos(np.radians(float(np.mean(region.lat))))
    markers = {"hospital": "s", "gp_practice": "o", "home_care": "^"}
    sizes = {"hospital": 60.0, "gp_practice": 16.0, "home_care": 30.0}
    with house_style():
        fig = Figure(figsize=(7.2, 4.6), layout="constrained")
        ax = fig.add_subplot()
        for kind in ("hospital", "home_care", "gp_practice"):
            idx = eligible[region.org_type[eligible] == ORG_TYPES.index(kind)]
            if idx.size == 0:
                continue
            colours = [STATE_COLOURS.get(STATE_NAMES[state[i]], "#DDDDDD") for i in idx]
            ax.scatter(region.lon[idx] * kx, region.lat[idx], s=sizes.get(kind, 16), marker=markers.get(kind, "o"), c=colours,
                       edgecolors="#555555", linewidths=0.4, zorder=3)
        o = run.model.origin.index
        ax.scatter([region.lon[o] * kx], [region.lat[o] + 0.012], s=150, marker="*", color="#111111", edgecolors="white",
                   linewidths=0.8, zorder=6)
        for _, row in region.municipalities.sort_values("population", ascending=False).head(LABELS).iterrows():
            ax.annotate(_clean(str(row["name"])), xy=(row["lon"] * kx, row["lat"]), xytext=(0, 5), textcoords="offset points",
                        ha="center", fontsize=7.5, color="#333333", zorder=7)
        bare_map_axes(ax)
        sim = run.params.simulation
        ax.set_title(ex("map_title", lang, label=step_label(sim.start_year, sim.start_month, month, lang), m=month) if month
                     else ex("map_title_start", lang))
        counts = state_counts(run, month)
        handles = [Line2D([], [], marker="o", linestyle="none", color=STATE_COLOURS[s], markeredgecolor="#555555", markersize=7,
                          label=f"{STATE_LABELS[s][lang]} ({counts[s]})") for s in SHOWN_STATES if counts[s]]
        fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=8)
    return fig
