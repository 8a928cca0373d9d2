"""The explorer page (Solara): levers on the left, both strategies side by side on the right, live.

A moved lever becomes two validated scenarios (:mod:`.levers`) whose replications run at once on the
warm pool (:mod:`.engine`), where a newer lever position cancels the older run; only a slider being
dragged (values close together) waits for a short pause. Results become the report's tables and
numbers, and the report's figure builders draw them on the same workers (:mod:`.charts`); the map
replays one typical run (:mod:`.region_view`). A setting shown before is remembered with all of it,
so going back only swaps what is shown. Every word comes from :mod:`diffusion_sim.publish.words` or, for the page's
own, :mod:`.words`.

Started by ``diffusion-sim explore`` (see :mod:`.server`), or by ``solara run diffusion_sim.explorer.app``
with the settings in the environment variable ``DIFFUSION_SIM_EXPLORER`` (JSON).
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import reacton.core
import solara
import solara.lab
from solara.alias import rv

from diffusion_sim.analysis.claims import CHANCE_WANTED
from diffusion_sim.errors import DiffusionSimError
from diffusion_sim.executors import default_workers
from diffusion_sim.explorer import levers as L
from diffusion_sim.explorer.charts import CHARTS, draw_figures, export_bytes, map_bytes
from diffusion_sim.explorer.engine import Engine, make_study, params_key
from diffusion_sim.explorer.export import scenario_toml
from diffusion_sim.explorer.region_view import (
    SHOWN_STATES,
    TypicalRun,
    map_svg,
    replay,
    state_counts,
    story,
)
from diffusion_sim.explorer.words import ex
from diffusion_sim.outcomes import MONTHS_TO_PATIENTS, PATIENT_TARGET_MONTH, PATIENTS_IN_YEAR
from diffusion_sim.params import Params
from diffusion_sim.publish.figures import Study
from diffusion_sim.publish.formats import LANGS, Lang, fmt_interval, fmt_number, fmt_percent, step_label
from diffusion_sim.publish.report.document import claim_rows, headline_numbers
from diffusion_sim.publish.style import STATE_COLOURS
from diffusion_sim.publish.words import (
    STATE_LABELS,
    TEXTS,
    claim_texts,
    headline_sentences,
    outcome_label,
    strategy_text,
    subject,
    t,
)

logger = logging.getLogger(__name__)
CONFIG_ENV = "DIFFUSION_SIM_EXPLORER"
CHART_TITLES = {"1-adoption": "fig_adoption_title", "2-patients": "fig_patients_title", "3-time-to-targets": "fig_targets_title"}
DEBOUNCE_S = 0.25  # a lever moved again within this time (a slider being dragged) waits this long for the next value
# every state change redraws the page (reacton walks all of its ~400 widgets: 40 ms or more of the server's
# time), so a run reports progress at most this often, and only once it has run this long (until then the
# status bar shows the page is busy without a count)
PROGRESS_S = 0.5
DEFAULT_SCENARIOS = ["scenarios/zuidwest-isolated.toml", "scenarios/zuidwest-collaborative.toml"]
MIN_REPLICATIONS = 100  # enough for stable medians in the Zuidwest region (docs/model.md)


@dataclass(frozen=True)
class Config:
    """What the command line passes to the page."""

    scenarios: list[str] = field(default_factory=lambda: list(DEFAULT_SCENARIOS))
    replications: int = MIN_REPLICATIONS
    workers: int = 0  # 0: one per core
    lang: str = "nl"
    months: int | None = None  # a shorter horizon to start with (tests)

    @classmethod
    def from_env(cls) -> Config:
        """The settings ``diffusion-sim explore`` left in the environment, or the defaults."""
        raw = os.environ.get(CONFIG_ENV)
        return cls(**json.loads(raw)) if raw else cls()

    def to_env(self) -> str:
        """The settings as the environment variable's value."""
        return json.dumps(self.__dict__)


# One pool of worker processes per server, shared by every browser tab (a meeting has one screen).
_engine: Engine | None = None
_engine_lock = threading.Lock()


def engine(workers: int = 0) -> Engine:
    """The server's engine, started on first use."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = Engine(workers or default_workers())
            _engine.start()
        return _engine


@dataclass(frozen=True)
class Start:
    """The scenarios the page starts from and its lever values there."""

    reference: Params
    strategy: Params
    values: dict[str, Any]


def load_start(config: Config) -> Start:
    """Read the scenario files; apply a starting horizon if the command line gave one."""
    reference, strategy = L.starting_pair(config.scenarios)
    values = L.initial_values(strategy)
    if config.months:
        values["simulation.months"] = config.months
        reference, strategy = L.apply(reference, strategy, values)
    return Start(reference, strategy, values)


@dataclass
class Outcome:
    """One finished comparison: the tables and numbers the figures and sentences are drawn from.

    Everything the page shows from it is computed once, off the page's render, so a lever moved back
    to this setting only swaps what is shown.
    """

    generation: int
    key: str
    reference: Params
    strategy: Params
    study: Study
    numbers: dict[str, Any]
    claims: list[dict[str, Any]]  # the report's claims table rows (claim_rows)
    runs: dict[str, TypicalRun]  # typical runs replayed so far, by scenario name; shared by every showing


def _remember_answer(answers: dict[str, Any], key: str, answer: Any, keep: int = 8) -> None:
    """Keep the last ``keep`` answers of this page, newest last."""
    answers.pop(key, None)
    answers[key] = answer
    while len(answers) > keep:
        answers.pop(next(iter(answers)))


# --- small pieces ----------------------------------------------------------------------------------


@solara.component
def Hover(text: str, children: list[Any]) -> Any:
    """A tooltip under its children, wide enough to read a source in a few lines."""
    def attach() -> None:
        for child in children:
            solara.get_widget(child).v_on = "tooltip.on"  # type: ignore[attr-defined]

    solara.use_effect(attach, children)
    return rv.Tooltip(bottom=True, max_width=420, open_delay=150, v_slots=[{"name": "activator", "variable": "tooltip",
                                                                             "children": children}],
                      children=[rv.Html(tag="div", class_="ds-tip", children=[text])])


def typed(lever: L.Lever, value: Any, lang: Lang) -> str:
    """A number lever's value as its text box shows it (the page's decimal mark; the box reads both)."""
    text = str(int(value)) if lever.integer else f"{float(value):.10g}"
    return text.replace(".", ",") if lang == "nl" else text


@solara.component
def LeverControl(lever: L.Lever, values: solara.Reactive[dict[str, Any]], refused: solara.Reactive[dict[str, Any]],
                 start: Start, lang: Lang, on_move: Callable[[], None]) -> None:
    """One lever: its name and value (hover: default and source), and the control.

    Whatever the control sends (typed text, a slider position, or anything else arriving over the
    websocket) goes through :func:`levers.check` before it is stored, formatted or used: a refused
    entry is kept in ``refused`` (the page names the lever) and the last valid value stays in ``values``.
    """
    current = values.value
    value = current[lever.key]
    params = start.strategy

    def set_value(raw: Any) -> None:
        try:
            checked = L.check(lever, raw, params)
        except L.LeverError as exc:
            entry = (raw if isinstance(raw, str) else L.shown(raw), exc.technical, exc.value)
            if refused.value.get(lever.key) != entry:
                refused.value = {**refused.value, lever.key: entry}
            return
        if lever.key in refused.value:
            refused.value = {k: v for k, v in refused.value.items() if k != lever.key}
        if checked == values.value.get(lever.key):
            return
        on_move()
        values.value = {**values.value, lever.key: checked}

    disabled = (lever.key == L.FIXED_START_FIELD and not current[L.FIXED_START]) or (
        lever.key in (L.FIXED_START, L.FIXED_START_FIELD) and not current["insurer.reimburses"])
    tip = L.hover(lever, start.values[lever.key], lang, params)
    with solara.Column(gap="2px", classes=["ds-lever", lever.css] + (["ds-disabled"] if disabled else [])):
        if lever.control == "switch":
            with solara.Row(gap="8px", style={"align-items": "center"}):
                solara.Switch(value=bool(value), on_value=set_value, disabled=disabled, classes=["ds-switch"])
                Hover(tip, children=[rv.Html(tag="span", class_="ds-label", children=[L.label(lever, lang)])])
            return
        with solara.Row(justify="space-between", gap="8px", style={"align-items": "baseline", "flex-wrap": "wrap"}):
            Hover(tip, children=[rv.Html(tag="span", class_="ds-label", children=[L.label(lever, lang)])])
            if lever.control == "slider":
                rv.Html(tag="span", class_="ds-value", children=[L.show(lever, value, lang, params)])
        if lever.control == "slider":  # Vuetify's slider itself: its raw value reaches check(), no cast before
            lo, hi = L.slider_range(lever, current, start.values)
            rv.Slider(v_model=int(value) if lever.integer else float(value), on_v_model=set_value, min=lo, max=hi,
                      step=lever.step, thumb_label=False, hide_details=True, disabled=disabled)
        elif lever.control == "select":
            items = [{"text": L.show(lever, k, lang), "value": k} for k in L.eligible_types(params)]
            rv.Select(items=items, v_model=value, on_v_model=set_value, dense=True, hide_details=True, outlined=True,
                      class_="ds-select")
        else:  # typed: the text as typed goes to check(), so nan, 1e309 or 400 digits get the page's message
            entry = refused.value.get(lever.key)
            suffix = None if lever.key == "insurer.demand_threshold" else L.show(lever, value, lang, params)
            TypedNumber(value=entry[0] if entry else typed(lever, value, lang), error=entry is not None, suffix=suffix or "",
                        event_commit=set_value)


@solara.component
def Download(data: Callable[[], bytes], filename: str, label: str, mime_type: str = "application/octet-stream") -> None:
    """solara.FileDownload that makes its bytes on a click from the newest ``data``.

    FileDownload restarts a thread whenever its data function changes, and each restart redraws the
    whole page: a new function at every shown answer made the page's eleven buttons add redraws to each
    answer. Here the function it gets stays the same and calls the ``data`` of the page's last render.
    """
    latest = solara.use_ref(data)
    latest.current = data
    stable = solara.use_memo(lambda: lambda: latest.current(), [])
    solara.FileDownload(stable, filename=filename, label=label, mime_type=mime_type)


# A typed number's box (typed.vue): the text goes to the server with the commit (Enter or leaving the box), so the
# page never reads a box whose latest text is still on its way; a redraw meanwhile keeps what is being typed.
TypedNumber = solara.component_vue(str(Path(__file__).with_name("typed.vue")))(
    lambda value, error, suffix, event_commit=None: None)


@solara.component
def LeverPanel(values: solara.Reactive[dict[str, Any]], refused: solara.Reactive[dict[str, Any]], start: Start, lang: Lang,
               on_move: Callable[[], None]) -> None:
    """The levers in three groups: the team (strategy only), the insurer and horizon (both), and the advanced assumptions."""
    strategy_name = strategy_text(start.strategy.name, "label", lang)

    def reset() -> None:
        on_move()
        refused.value = {}
        values.value = dict(start.values)

    rv.Html(tag="h2", class_="ds-h2", children=[ex("levers", lang)])
    rv.Html(tag="h3", class_="ds-h3", children=[ex("team", lang, strategy=strategy_name)])
    for lever in L.LEVERS:
        if lever.scope == "strategy" and not lever.advanced:
            LeverControl(lever, values, refused, start, lang, on_move)
    rv.Html(tag="h3", class_="ds-h3", children=[ex("shared", lang)])
    for lever in L.LEVERS:
        if lever.scope == "both" and not lever.advanced:
            LeverControl(lever, values, refused, start, lang, on_move)
    with solara.Details(summary=ex("advanced", lang), expand=False):
        rv.Html(tag="p", class_="ds-note", children=[ex("advanced_note", lang)])
        for lever in L.LEVERS:
            if lever.advanced:
                LeverControl(lever, values, refused, start, lang, on_move)
    solara.Button(ex("reset", lang), on_click=reset, outlined=True, classes=["ds-reset"], style={"margin-top": "12px"})


@solara.component
def StatusBar(state: str, progress: solara.Reactive[tuple[int, int]], ready_text: str, lang: Lang, generation: int,
              timings: dict[str, float]) -> None:
    """Progress while runs compute, then how long the answer took.

    ``data-state`` tells tests when figures are current; ``data-timings`` says where the last answer's time went
    on the server (seconds from the lever move to the end of each stage), for the timing test.
    """
    done, total = progress.value
    if state == "running":
        text = ex("running", lang, done=fmt_number(done, lang), total=fmt_number(total, lang))
    elif state == "waiting":
        text = ex("starting", lang)
    elif state == "drawing":
        text = ex("drawing", lang)
    else:
        text = ready_text
    busy = state in ("waiting", "running", "drawing")
    with rv.Html(tag="div", class_="ds-status", attributes={"data-state": state, "data-generation": str(generation),
                                                             "data-timings": json.dumps(timings)}):
        if busy:
            value = 100 * done / total if (state == "running" and total) else True
            solara.ProgressLinear(value, color="primary")
        else:
            solara.ProgressLinear(False)
        rv.Html(tag="div", class_="ds-status-text", children=[text])
        if busy and generation > 0:
            rv.Html(tag="div", class_="ds-note", children=[ex("stale", lang)])


def _q(numbers: dict[str, Any], name: str, outcome: str) -> dict[str, float]:
    return numbers["outcomes"][name][outcome]


@solara.component
def KeyNumbers(outcome: Outcome, lang: Lang) -> None:
    """Four numbers a room asks for first, the chosen strategy above the reference; same formats as the report."""
    numbers = outcome.numbers
    ref, strat = outcome.reference.name, outcome.strategy.name
    summary = outcome.study.results.summary

    def chance(name: str) -> float:
        v = summary.loc[summary["scenario"] == name, MONTHS_TO_PATIENTS].to_numpy(dtype=float)
        return float((v <= PATIENT_TARGET_MONTH).mean()) if v.size else float("nan")

    cards = [
        (PATIENTS_IN_YEAR, outcome_label(PATIENTS_IN_YEAR, lang),
         lambda n: fmt_interval(_q(numbers, n, PATIENTS_IN_YEAR), "patients", lang),
         _q(numbers, strat, PATIENTS_IN_YEAR)["median"]),
        ("share_adopted_final", outcome_label("share_adopted_final", lang) + f" ({outcome.strategy.simulation.months} "
         f"{TEXTS['months_unit'][lang]})", lambda n: fmt_interval(_q(numbers, n, "share_adopted_final"), "share", lang),
         _q(numbers, strat, "share_adopted_final")["median"]),
        ("chance_12", ex("chance_12", lang), lambda n: fmt_percent(chance(n), lang), chance(strat)),
        ("cost_per_patient_eur", outcome_label("cost_per_patient_eur", lang),
         lambda n: fmt_interval(_q(numbers, n, "cost_per_patient_eur"), "EUR", lang),
         _q(numbers, strat, "cost_per_patient_eur")["median"]),
    ]
    with rv.Html(tag="div", class_="ds-cards"):
        for key, title, text, raw in cards:
            with rv.Html(tag="div", class_=f"ds-card ds-card-{key}"):
                rv.Html(tag="div", class_="ds-card-title", children=[title])
                for name, cls in ((strat, "strategy"), (ref, "reference")):
                    colour = outcome.study.colours[name]
                    attrs = {"data-value": repr(float(raw))} if cls == "strategy" else {}
                    with rv.Html(tag="div", class_=f"ds-card-row ds-card-row-{cls} ds-{key}-{cls}", attributes=attrs):
                        rv.Html(tag="div", class_="ds-card-who", style_=f"color:{colour}",
                                children=[strategy_text(name, "label", lang)])
                        rv.Html(tag="div", class_=f"ds-card-value ds-card-value-{cls}", children=[text(name)])
        rv.Html(tag="div", class_="ds-note ds-cards-note", children=[ex("median_note", lang)])


@solara.component
def Claims(outcome: Outcome, lang: Lang) -> None:
    """The report's claims table for these results: each claim's chance in calibrated words, what the model finds."""
    study = outcome.study
    # the explorer's setting has no file until it is exported (below)
    rows = [{**row, "file": ex("claims_file", lang)} for row in outcome.claims]
    runs = int((study.results.summary["scenario"] == study.order[0]).sum())
    rv.Html(tag="h2", class_="ds-h2", children=[t("h_claims", lang)])
    header = [t("col_claim", lang), t("col_chance", lang), t("col_finding", lang), t("col_takes", lang)]
    with rv.Html(tag="table", class_="ds-claims"):
        with rv.Html(tag="tr"):
            for text in header:
                rv.Html(tag="th", children=[text])
        for row in rows:
            with rv.Html(tag="tr", class_=f"ds-claim-{row['claim']}",
                         attributes={"data-chance": repr(float(row.get("chance", float("nan"))))}):
                for text in claim_texts(row, study.order, study.months, lang):
                    rv.Html(tag="td", children=[text])
    note = t("claims_note", lang, reps=fmt_number(runs, lang), wanted=fmt_percent(CHANCE_WANTED, lang))
    rv.Html(tag="div", class_="ds-note", children=[f"{note} {ex('claims_file_note', lang)}"])


@solara.component
def Headline(outcome: Outcome, lang: Lang) -> None:
    """The report's opening sentences for these results."""
    rv.Html(tag="h2", class_="ds-h2", children=[t("h_headline", lang)])
    with rv.Html(tag="ul", class_="ds-headline"):
        for sentence in headline_sentences(outcome.numbers, lang):
            rv.Html(tag="li", children=[sentence])


@solara.component
def Charts(svgs: dict[str, str] | None, lang: Lang, stale: bool, order: list[str], colours: dict[str, str]) -> None:
    """The report's first three figures, one legend for the first two; dimmed while newer results are computed."""
    if not svgs:
        return
    with rv.Html(tag="div", class_="ds-chart-legend"):
        for name in order:
            with rv.Html(tag="span", class_="ds-legend-item"):
                rv.Html(tag="span", class_="ds-line", style_=f"background:{colours[name]}")
                rv.Html(tag="span", children=[strategy_text(name, "label", lang)])
        for key, cls in (("band_median", "ds-line"), ("band_50", "ds-band50"), ("band_90", "ds-band90")):
            with rv.Html(tag="span", class_="ds-legend-item"):
                rv.Html(tag="span", class_=cls)
                rv.Html(tag="span", children=[t(key, lang)])
    with rv.Html(tag="div", class_="ds-charts" + (" ds-stale" if stale else "")):
        for name in CHARTS:
            with rv.Html(tag="div", class_=f"ds-chart ds-chart-{name}"):
                rv.Html(tag="h3", class_="ds-chart-title", children=[t(CHART_TITLES[name], lang)])
                solara.HTML(unsafe_innerHTML=svgs[name])


MapView = solara.component_vue(str(Path(__file__).with_name("map.vue")))(lambda svg, event_select=None: None)


def _set_whole(target: solara.Reactive[Any], raw: Any, lo: int, hi: int) -> None:
    """Set a whole number the page sent (map month, clicked organisation); anything else is ignored."""
    if isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw) and float(raw).is_integer() \
            and lo <= raw <= hi:
        target.set(int(raw))


@solara.component
def RegionPanel(outcome: Outcome, lang: Lang) -> None:
    """The map of a typical run at a chosen month, and the story of the organisation clicked."""
    which = solara.use_reactive(outcome.strategy.name)
    month = solara.use_reactive(min(12, outcome.strategy.simulation.months))
    selected = solara.use_reactive(None)
    names = [outcome.reference.name, outcome.strategy.name]
    if which.value not in names:
        which.value = outcome.strategy.name
    params = outcome.strategy if which.value == outcome.strategy.name else outcome.reference
    horizon = params.simulation.months
    if month.value > horizon:
        month.value = horizon

    def do_replay() -> TypicalRun:
        if params.name not in outcome.runs:
            outcome.runs[params.name] = replay(params, outcome.study.results.summary)
        return outcome.runs[params.name]

    run = solara.use_memo(do_replay, [outcome.generation, which.value])
    m = month.value
    svg = solara.use_memo(lambda: map_svg(run, m, lang, selected.value), [run, m, lang, selected.value])
    sim = params.simulation
    shown = step_label(sim.start_year, sim.start_month, m, lang)
    rv.Html(tag="h2", class_="ds-h2", children=[ex("map_title", lang, label=shown, m=m) if m else ex("map_title_start", lang)])
    with rv.Html(tag="div", class_="ds-region"):
        with rv.Html(tag="div", class_="ds-map-col"):
            with solara.Row(gap="16px", style={"align-items": "center", "flex-wrap": "wrap"}):
                rv.Html(tag="span", class_="ds-label", children=[ex("map_show", lang)])
                with solara.ToggleButtonsSingle(value=which.value, on_value=which.set, classes=["ds-map-which"]):
                    for name in names:
                        solara.Button(strategy_text(name, "label", lang), value=name)
            with rv.Html(tag="div", class_="ds-map-month"):
                with solara.Row(justify="space-between"):
                    rv.Html(tag="span", class_="ds-label", children=[ex("map_month", lang)])
                    rv.Html(tag="span", class_="ds-value",
                            children=[ex("month_value", lang, m=m, label=step_label(sim.start_year, sim.start_month, m, lang))])
                rv.Slider(v_model=m, min=0, max=horizon, step=1, thumb_label=False, hide_details=True,
                          on_v_model=lambda raw: _set_whole(month, raw, 0, horizon))
            MapView(svg=svg, event_select=lambda raw: _set_whole(selected, raw, 0, len(run.states[-1]) - 1))
            counts = state_counts(run, m)
            with rv.Html(tag="div", class_="ds-legend"):
                for s in SHOWN_STATES:
                    with rv.Html(tag="span", class_="ds-legend-item"):
                        rv.Html(tag="span", class_="ds-swatch", style_=f"background:{STATE_COLOURS[s]}")
                        rv.Html(tag="span", children=[f"{STATE_LABELS[s][lang]} ({fmt_number(counts[s], lang)})"])
            rv.Html(tag="div", class_="ds-note", children=[
                ex("map_typical", lang, rep=run.replication, n=fmt_number(run.adopted, lang)) + " "
                + ex("map_eligible", lang, n=fmt_number(sum(counts.values()), lang)) + " " + ex("map_click", lang)])
            with solara.Row(gap="8px", classes=["ds-downloads"]):
                for fmt in ("png", "svg"):
                    Download(lambda fmt=fmt: map_bytes(run, m, lang, fmt),
                             filename=f"explorer-map-{params.name}-month{m}-{lang}.{fmt}",
                             label=f"{ex('map_figure', lang)} {fmt.upper()}")
        with rv.Html(tag="div", class_="ds-story"):
            StoryPanel(run, selected.value, m, lang)


@solara.component
def StoryPanel(run: TypicalRun, selected: int | None, month: int, lang: Lang) -> None:
    """One organisation's story: type, size, the month of each step, and why it stopped where it did."""
    rv.Html(tag="h3", class_="ds-h3", children=[ex("story_title", lang)])
    if selected is None or selected not in run.agents:
        rv.Html(tag="p", class_="ds-note", children=[ex("story_none", lang)])
        return
    s = story(run, selected, month, lang)
    rv.Html(tag="div", class_="ds-story-name", children=[s["title"]])
    with rv.Html(tag="table", class_="ds-story-table"):
        for label_, value in s["rows"]:
            with rv.Html(tag="tr"):
                rv.Html(tag="th", children=[label_])
                rv.Html(tag="td", children=[value])
        for label_, value, colour in (s["state_at"], s["state_end"]):
            with rv.Html(tag="tr"):
                rv.Html(tag="th", children=[label_])
                with rv.Html(tag="td"):
                    rv.Html(tag="span", class_="ds-swatch", style_=f"background:{colour}")
                    rv.Html(tag="span", children=[value])
    if s["events"]:
        rv.Html(tag="div", class_="ds-label", children=[ex("story_events", lang)])
        with rv.Html(tag="ul", class_="ds-events"):
            for e in s["events"]:
                later = f" ({ex('story_later', lang)})" if e["later"] else ""
                rv.Html(tag="li", class_="ds-later" if e["later"] else "", children=[f"{e['when']}: {e['text']}{later}"])
    if s["why"]:
        rv.Html(tag="p", class_="ds-why", children=[s["why"]])
    if s["note"]:
        rv.Html(tag="p", class_="ds-note", children=[s["note"]])


@solara.component
def ExportPanel(outcome: Outcome, start: Start, lang: Lang, replications: int) -> None:
    """The settings as scenario files, the outcomes per run, and the figures as the report draws them."""
    rv.Html(tag="h2", class_="ds-h2", children=[ex("export", lang)])
    with solara.Row(gap="10px", style={"flex-wrap": "wrap"}, classes=["ds-downloads"]):
        for params, first, cls in ((outcome.strategy, start.strategy, "strategy"),
                                   (outcome.reference, start.reference, "reference")):
            with rv.Html(tag="div", class_=f"ds-export-toml-{cls}"):
                Download(lambda p=params, f=first: scenario_toml(p, f, replications).encode("utf-8"),
                         filename=f"{params.name}-explorer.toml", mime_type="application/toml",
                         label=ex("export_scenario", lang, name=strategy_text(params.name, "label", lang)))
        with rv.Html(tag="div", class_="ds-export-csv"):
            Download(lambda: outcome.study.results.summary.to_csv(index=False).encode("utf-8"),
                     filename="explorer-outcomes.csv", mime_type="text/csv", label=ex("export_numbers", lang))
    rv.Html(tag="p", class_="ds-note", children=[ex("export_note", lang)])
    rv.Html(tag="div", class_="ds-label", children=[ex("export_figures", lang)])
    with solara.Row(gap="10px", style={"flex-wrap": "wrap"}, classes=["ds-downloads"]):
        for name in CHARTS:
            for fmt in ("png", "svg"):
                Download(lambda name=name, fmt=fmt: export_bytes(outcome.study, name, lang, fmt),
                         filename=f"explorer-{name}-{lang}.{fmt}",
                         label=f"{t(CHART_TITLES[name], lang)} {fmt.upper()}")


# The page's style sheet, shipped beside this module (package data).
CSS = resources.files("diffusion_sim.explorer").joinpath("page.css").read_text(encoding="utf-8")


@solara.component
def Page() -> None:
    """The whole page: levers, status, key numbers, sentences, figures, the region and the exports."""
    config = solara.use_memo(Config.from_env, [])
    lang_r = solara.use_reactive(config.lang if config.lang in ("nl", "en") else "nl")
    lang: Lang = lang_r.value  # type: ignore[assignment]

    def load() -> tuple[Start | None, str]:
        try:
            return load_start(config), ""
        except DiffusionSimError as exc:
            return None, str(exc)

    start, start_error = solara.use_memo(load, [])
    # every hook runs on every render (Solara's rules of hooks), also when the scenarios could not be read
    values = solara.use_reactive(dict(start.values) if start else {})  # every value here passed levers.check
    refused = solara.use_reactive({})  # lever key -> (entry as sent, the check's line, as the message repeats it)
    outcome = solara.use_reactive(None)
    phase = solara.use_reactive("waiting")
    progress = solara.use_reactive((0, 0))
    run_error = solara.use_reactive("")
    svgs = solara.use_reactive(None)  # (generation, lang, {name: svg})
    timings = solara.use_reactive({})  # the last answer's stages: seconds from the lever move to the end of each
    moved_at = solara.use_ref(time.perf_counter())
    moved_gap = solara.use_ref(math.inf)  # seconds between the last two lever moves
    generation = solara.use_ref(0)
    answers = solara.use_ref({})  # key -> (Outcome, {lang: figures}): a lever moved back answers at once
    replications = max(int(config.replications), 1)
    batch = reacton.core.get_render_context()  # what is set inside `with batch:` is shown in one render

    def make_mark_moved() -> Callable[[], None]:
        def mark_moved() -> None:
            now = time.perf_counter()
            moved_gap.current, moved_at.current = now - moved_at.current, now
        return mark_moved

    # one function for the page's life: the lever panel's arguments then stay equal, so it is redrawn only when
    # a lever changes, not at every progress tick (a redraw sets each text box again, under the typing hand)
    mark_moved = solara.use_memo(make_mark_moved, [])

    def validate() -> tuple[tuple[Params, Params] | None, L.LeverError | None]:
        if start is None:
            return None, None
        for lever in L.LEVERS:  # a refused entry starts no run until it is corrected or reset
            if lever.key in refused.value:
                _, technical, shown = refused.value[lever.key]
                return None, L.LeverError(technical, lever.key, shown, allowed=True)
        try:
            return L.apply(start.reference, start.strategy, values.value), None
        except L.LeverError as exc:
            return None, exc

    pair, lever_error = solara.use_memo(validate, [values.value, refused.value])
    key = params_key(pair[0]) + params_key(pair[1]) if pair else ""

    def compute(cancel: threading.Event) -> None:
        if pair is None:
            return
        asked_at = moved_at.current
        stages: dict[str, float] = {}

        def stage(name: str) -> None:
            stages[name] = time.perf_counter() - asked_at

        if moved_gap.current < DEBOUNCE_S:  # a slider being dragged: wait for where it stops
            phase.set("waiting")
            if cancel.wait(DEBOUNCE_S):
                return
            stage("wait")
        try:
            known = answers.current.get(key)
            if known is None:
                eng = engine(config.workers)
                reported = [asked_at]

                def report(done: int, total: int) -> None:
                    now = time.perf_counter()
                    if not cancel.is_set() and now - reported[0] >= PROGRESS_S:
                        reported[0] = now
                        with batch:
                            phase.set("running")
                            progress.set((done, total))

                results = eng.run(list(pair), replications, progress=report, cancelled=cancel.is_set)
                if results is None or cancel.is_set():
                    return
                stage("run")
                study = make_study(list(pair), results, replications)
                stage("tables")
                figures = draw_figures(eng.submit, study, lang)  # on the workers, while this thread does the rest
                answer = Outcome(generation=0, key=key, reference=pair[0], strategy=pair[1], study=study,
                                 numbers=headline_numbers(study), claims=claim_rows(study), runs={})
                answer.runs[pair[1].name] = replay(pair[1], study.results.summary)  # the map shows the strategy first
                stage("numbers")
                known = (answer, {lang: figures()})
                stage("figures")
            answer, drawn = known
            if lang not in drawn:  # a shown setting in another language: its figures, drawn before it is shown
                phase.set("drawing")
                drawn[lang] = draw_figures(engine(config.workers).submit, answer.study, lang)()
                stage("figures")
            if cancel.is_set():
                return
            _remember_answer(answers.current, key, known)
            generation.current += 1
            answer = replace(answer, generation=generation.current)
            stage("total")
            with batch:
                run_error.set("")
                svgs.set((answer.generation, lang, drawn[lang]))
                outcome.set(answer)
                timings.set(stages)
                phase.set("ready")
        except DiffusionSimError as exc:
            run_error.set(ex("failed", lang, message=str(exc)))
            phase.set("error")
        except Exception as exc:  # never a stack trace on the page; the log has it
            logger.exception("explorer run failed")
            run_error.set(ex("failed", lang, message=type(exc).__name__))
            phase.set("error")

    def answer_in_background() -> Callable[[], None]:
        cancel = threading.Event()
        threading.Thread(target=compute, args=(cancel,), name="explorer-answer", daemon=True).start()
        return cancel.set  # a newer setting or language, or the page closing, stops this one

    # a plain thread (it carries the page's context), not solara.use_thread, whose every change of state redraws
    # the whole page: three or four redraws an answer
    solara.use_effect(answer_in_background, [key, lang])
    current = outcome.value

    stale = (current is None or current.key != key or svgs.value is None
             or svgs.value[0] != current.generation or svgs.value[1] != lang)
    if "total" in timings.value and current is not None:
        ready_text = ex("ready", lang, seconds=fmt_number(timings.value["total"], lang, 1),
                        reps=fmt_number(replications, lang))
    else:
        ready_text = ""
    state = phase.value if pair is not None else "invalid"
    if state == "ready" and stale:
        state = "drawing"

    def set_lang(value: Any) -> None:
        if value in LANGS:
            mark_moved()  # answered like a lever: the status says how long the figures in this language took
            lang_r.set(value)

    solara.Style(CSS)
    innovation, region = subject([start.strategy.innovation.name if start else Params().innovation.name],
                                 start.strategy.region.model_dump() if start else {}, lang)
    title = ex("title", lang, innovation=innovation, region=region)
    solara.Title(title)
    if start is None:
        solara.Error(ex("invalid", lang, detail=start_error), classes=["ds-error"])
        return
    with rv.Html(tag="div", class_="ds-root"):
        with rv.Html(tag="div", class_="ds-side"):
            LeverPanel(values, refused, start, lang, mark_moved)
        with rv.Html(tag="div", class_="ds-main"):
            with rv.Html(tag="div", class_="ds-top"):
                rv.Html(tag="h1", class_="ds-title",
                        children=[title])
                with solara.ToggleButtonsSingle(value=lang, on_value=set_lang, classes=["ds-lang"]):
                    solara.Button("NL", value="nl")
                    solara.Button("EN", value="en")
            StatusBar(state, progress, ready_text, lang, current.generation if current else 0, timings.value)
            if lever_error is not None:
                solara.Error(lever_error.text(lang), classes=["ds-error"])
                with solara.Details(summary=ex("technical", lang)):
                    rv.Html(tag="code", children=[lever_error.technical])
            for warning in L.warnings(values.value, lang):
                solara.Warning(warning, classes=["ds-warning"])
            if run_error.value:
                solara.Error(run_error.value, classes=["ds-error"])
            if current is not None:
                KeyNumbers(current, lang)
                Claims(current, lang)
                Charts(svgs.value[2] if svgs.value is not None else None, lang, stale, current.study.order,
                       current.study.colours)
                Headline(current, lang)
                RegionPanel(current, lang)
                ExportPanel(current, start, lang, replications)
