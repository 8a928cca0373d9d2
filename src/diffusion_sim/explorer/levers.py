"""Levers: the parameters a policy maker moves, and how their values become two validated scenarios.

A lever is a field of the parameter schema with a control (slider, switch, select or typed number),
a range for the control and a *scope*: team levers change only the chosen strategy, shared levers
(the insurer, the horizon, the uncertain model assumptions) change the strategy and the reference
alike, so the comparison stays one of strategies under the same conditions. Values go through
:func:`diffusion_sim.params.change`, the same schema check as ``--set`` on the command line; a
value the schema refuses becomes a :class:`LeverError` that names the lever in the page's language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from diffusion_sim.errors import DiffusionSimError, ScenarioError
from diffusion_sim.explorer.words import ex
from diffusion_sim.params import ORG_TYPES, Params, change, flat_fields
from diffusion_sim.publish.assumptions import KEY_ASSUMPTIONS, PARAMETER_WORDS, fmt_parameter
from diffusion_sim.publish.formats import Lang, fmt_number, step_label
from diffusion_sim.publish.words import ORG_TYPE_LABELS
from diffusion_sim.studies.compare import align

Scope = Literal["strategy", "both"]
Control = Literal["slider", "switch", "select", "number"]
FIXED_START = "insurer.fixed_start"  # a switch of the page only: on, insurer.fixed_start_month takes the slider's month
FIXED_START_FIELD = "insurer.fixed_start_month"


@dataclass(frozen=True)
class Lever:
    """One control on the page, bound to one parameter (``key``) of the schema."""

    key: str
    scope: Scope
    control: Control
    lo: float = 0.0
    hi: float = 1.0
    step: float = 1.0
    integer: bool = False
    advanced: bool = False

    @property
    def css(self) -> str:
        """A class name for the control's container, for tests and styling."""
        return "ds-lever-" + self.key.replace(".", "-").replace("_", "-")


LEVERS: tuple[Lever, ...] = (
    # the regional team: only the chosen strategy
    Lever("facilitation.budget_eur_per_year", "strategy", "slider", 0, 50_000, 1_000),
    Lever("facilitation.team_members", "strategy", "slider", 0, 15, 1, integer=True),
    Lever("facilitation.hours_per_member_per_month", "strategy", "slider", 0, 24, 1),
    Lever("facilitation.knowledge_network", "strategy", "switch"),
    Lever("facilitation.events_per_year", "strategy", "slider", 0, 12, 1, integer=True),
    Lever("facilitation.priority_types", "strategy", "select"),
    Lever("facilitation.insurer_engaged", "strategy", "switch"),
    # the insurer and the horizon: both strategies
    Lever("insurer.reimburses", "both", "switch"),
    Lever(FIXED_START, "both", "switch"),
    Lever("insurer.fixed_start_month", "both", "slider", 1, 60, 1, integer=True),
    Lever("insurer.cost_share", "both", "slider", 0, 1, 0.05),
    Lever("simulation.months", "both", "slider", 12, 120, 6, integer=True),
    # uncertain model assumptions: typed, checked by the schema, in the advanced panel
    Lever("diffusion.p", "both", "number", advanced=True),
    Lever("diffusion.q", "both", "number", advanced=True),
    Lever("innovation.implementation_failure", "both", "number", advanced=True),
    Lever("innovation.discontinuation_per_year", "both", "number", advanced=True),
    Lever("innovation.ramp_months", "both", "number", advanced=True),
    Lever("barriers.own_learning_per_doubling", "both", "number", advanced=True),
    Lever("insurer.negotiation_months", "both", "number", integer=True, advanced=True),
    Lever("insurer.demand_threshold", "both", "number", integer=True, advanced=True),
    Lever("facilitation.support_decision_odds_ratio", "strategy", "number", advanced=True),
    Lever("facilitation.support_awareness", "strategy", "number", advanced=True),
    Lever("facilitation.support_consideration", "strategy", "number", advanced=True),
    Lever("facilitation.support_failure_reduction", "strategy", "number", advanced=True),
    Lever("facilitation.support_time_reduction", "strategy", "number", advanced=True),
    Lever("facilitation.knowledge_sharing", "strategy", "number", advanced=True),
    Lever("facilitation.regional_learning_per_doubling", "strategy", "number", advanced=True),
    Lever("facilitation.support_hours_per_org_month", "strategy", "number", advanced=True),
    Lever("facilitation.support_cost_eur_per_month", "strategy", "number", advanced=True),
)
BY_KEY: dict[str, Lever] = {lever.key: lever for lever in LEVERS}


class LeverError(DiffusionSimError):
    """Lever values the parameter schema refuses; ``text(lang)`` says which, ``technical`` the schema's own line."""

    exit_code = 2

    def __init__(self, technical: str, key: str | None = None, value: Any = None, allowed: bool = False) -> None:
        super().__init__(technical)
        self.technical = technical
        self.key = key
        self.value = value
        self.allowed = allowed  # say what the lever takes (a value that is no number, or outside the schema's range)

    def text(self, lang: Lang) -> str:
        """One sentence for the page: the lever and its value (and what it takes), or that the combination is not allowed."""
        if self.key is None:
            detail = ex("invalid_combination", lang)
        else:
            lever = BY_KEY[self.key]
            detail = ex("invalid_value", lang, label=label(lever, lang), value=_plain(self.value, lang))
            if self.allowed and lever.control in ("slider", "number"):
                detail += f" ({allowed(lever, lang)})"
        return ex("invalid", lang, detail=detail)


def _plain(value: Any, lang: Lang) -> str:
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",") if lang == "nl" else f"{value:g}"
    return str(value)


def _limits(field: str) -> tuple[float | None, bool, float | None, bool]:
    """(lowest, whether it is excluded, highest, whether it is excluded) of a numeric field in the schema; None where open."""
    lo = hi = None
    lo_open = hi_open = False
    for meta in flat_fields()[field].metadata:
        for name, is_lo, excluded in (("ge", True, False), ("gt", True, True), ("le", False, False), ("lt", False, True)):
            bound = getattr(meta, name, None)
            if bound is None:
                continue
            if is_lo:
                lo, lo_open = float(bound), excluded
            else:
                hi, hi_open = float(bound), excluded
    return lo, lo_open, hi, hi_open


def allowed(lever: Lever, lang: Lang) -> str:
    """What a numeric lever takes, from the schema's range: "a number from 0 to 1", "a whole number of at least 1"."""
    field = FIXED_START_FIELD if lever.key == FIXED_START else lever.key
    lo, lo_open, hi, hi_open = _limits(field)
    if lever.integer and hi is None:
        hi = float(MAX_WHOLE)
    kind = "whole" if lever.integer else "number"

    def num(v: float) -> str:
        return fmt_number(v, lang, 0 if float(v).is_integer() else len(f"{v:g}".partition(".")[2]))

    if lo is None and hi is None:
        return ex(f"allowed_{kind}", lang)
    if hi is None:
        return ex(f"allowed_{kind}_{'above' if lo_open else 'from'}", lang, lo=num(lo))  # type: ignore[arg-type]
    if lo is None:
        return ex(f"allowed_{kind}_to", lang, hi=num(hi))
    if lo_open:
        return ex(f"allowed_{kind}_above_to", lang, lo=num(lo), hi=num(hi))
    return ex(f"allowed_{kind}_between", lang, lo=num(lo), hi=num(hi))


# --- checking what arrives from the page ---------------------------------------------------------

MAX_TYPED = 32  # characters of a typed number: more is no value anyone means (a 400-digit number is refused here)
MAX_WHOLE = 2**31 - 1  # the largest count a lever takes where the schema sets no maximum (the compiled model counts in int32)
SHOWN = 24  # characters of a refused entry repeated in the message


def shown(raw: Any) -> str:
    """A refused entry as the message repeats it: short, on one line, whatever it was."""
    text = raw.strip() if isinstance(raw, str) else "null" if raw is None else repr(raw)
    text = " ".join(text.split()) or '""'
    return text if len(text) <= SHOWN else f"{text[:SHOWN - 4]}… ({len(text):,} characters)"


def check(lever: Lever, raw: Any, params: Params) -> Any:
    """A value from the page for ``lever``, checked before anything formats or uses it.

    Whatever arrives (a typed text, a slider's position, or anything a changed page sends over its
    websocket: ``"abc"``, ``null``, a list) comes back as a value of the lever's own kind that the
    parameter schema accepts for that field, or raises :class:`LeverError` naming the lever. Numbers
    must be finite (``nan``, ``1e309`` and ``-1e309`` are refused even where the schema has no bound),
    whole for a count, and at most :data:`MAX_TYPED` characters when typed. Combinations of values are
    checked afterwards, by :func:`apply`.
    """
    def refuse(technical: str, with_range: bool = True) -> LeverError:
        return LeverError(f"{lever.key}: {technical}", lever.key, shown(raw), allowed=with_range)

    if lever.control == "switch":
        if isinstance(raw, bool):
            return raw
        raise refuse("expected true or false", with_range=False)
    if lever.control == "select":
        if isinstance(raw, str) and raw in eligible_types(params):
            return raw
        raise refuse(f"expected one of {', '.join(eligible_types(params))}", with_range=False)
    value: float
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise refuse("expected a number")
    if isinstance(raw, str):
        text = raw.strip()
        if len(text) > MAX_TYPED:
            raise refuse(f"a number of at most {MAX_TYPED} characters")
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # a Dutch decimal comma
        try:
            value = float(text.replace("−", "-"))
        except ValueError:
            raise refuse("expected a number") from None
    else:
        try:
            value = float(raw)
        except OverflowError:
            raise refuse("too large a number") from None
    if not math.isfinite(value):
        raise refuse("expected a finite number")
    if lever.integer:
        if not value.is_integer():
            raise refuse("expected a whole number")
        if abs(value) > MAX_WHOLE:
            raise refuse("too large a number")
        number: float | int = int(value)
    else:
        number = value
    field = FIXED_START_FIELD if lever.key == FIXED_START else lever.key
    try:
        change(params, {field: number}, source="explorer")
    except ScenarioError as exc:
        raise LeverError(str(exc), lever.key, shown(raw) if isinstance(raw, str) or lever.integer else number,
                         allowed=True) from None
    return number


def get(params: Params, dotted: str) -> Any:
    """The value of a dotted field, e.g. ``insurer.cost_share``."""
    node: Any = params
    for part in dotted.split("."):
        node = getattr(node, part)
    return node


# --- words -------------------------------------------------------------------------------------


def _spec(lever: Lever) -> dict[str, Any]:
    return KEY_ASSUMPTIONS.get(lever.key) or PARAMETER_WORDS[lever.key]


def label(lever: Lever, lang: Lang) -> str:
    """The lever's name on the page (the report's wording where the report names the parameter)."""
    return str(_spec(lever)[lang])


def show(lever: Lever, value: Any, lang: Lang, params: Params | None = None) -> str:
    """A lever's value as the page shows it, with its unit, in the report's number formats."""
    spec = _spec(lever)
    kind = spec["kind"]
    if kind == "type":
        return ORG_TYPE_LABELS[str(value)][lang]
    if kind == "month":
        sim = (params or Params()).simulation
        return ex("month_value", lang, m=int(value), label=step_label(sim.start_year, sim.start_month, int(value), lang))
    return fmt_parameter(value, spec, lang)


def source(lever: Lever, lang: Lang) -> str:
    """Where the default comes from: the schema's description after "unit;" (English) or its Dutch version."""
    if lang == "nl":
        return str(_spec(lever)["nl_source"])
    field = FIXED_START_FIELD if lever.key == FIXED_START else lever.key
    description = flat_fields()[field].description or ""
    return description.split("; ", 1)[-1]


def hover(lever: Lever, default: Any, lang: Lang, params: Params | None = None) -> str:
    """The hover text: the default value and its source, or the word assumption."""
    return ex("default_source", lang, value=show(lever, default, lang, params), source=source(lever, lang))


# --- values ------------------------------------------------------------------------------------


def eligible_types(params: Params) -> list[str]:
    """Organisation types that can run the innovation (target share above zero), the choices for "approach first"."""
    return [t for t in ORG_TYPES if getattr(params.innovation.target_share, t) > 0]


def initial_values(strategy: Params) -> dict[str, Any]:
    """Every lever's value in the starting strategy."""
    values: dict[str, Any] = {}
    for lever in LEVERS:
        if lever.key == FIXED_START:
            values[lever.key] = strategy.insurer.fixed_start_month is not None
        elif lever.key == FIXED_START_FIELD:
            values[lever.key] = strategy.insurer.fixed_start_month or min(6, strategy.simulation.months)
        elif lever.key == "facilitation.priority_types":
            order = strategy.facilitation.priority_types
            values[lever.key] = order[0] if order else eligible_types(strategy)[0]
        else:
            values[lever.key] = get(strategy, lever.key)
    return values


def slider_range(lever: Lever, values: dict[str, Any], start: dict[str, Any]) -> tuple[float, float]:
    """The slider's range: the lever's own, widened to hold the starting value; months end at the horizon."""
    hi = lever.hi
    if lever.key == FIXED_START_FIELD:
        hi = max(int(values["simulation.months"]), 1)
    hi = max(hi, float(start.get(lever.key, hi)), float(values.get(lever.key, hi)))
    lo = min(lever.lo, float(start.get(lever.key, lever.lo)), float(values.get(lever.key, lever.lo)))
    return lo, hi


def changes(values: dict[str, Any], strategy: Params) -> tuple[dict[str, Any], dict[str, Any]]:
    """Dotted parameter changes for (the reference, the strategy) from lever values."""
    both: dict[str, Any] = {}
    only: dict[str, Any] = {}
    for lever in LEVERS:
        if lever.key == FIXED_START:
            continue
        value = values[lever.key]
        if lever.key == FIXED_START_FIELD:
            value = int(value) if values[FIXED_START] else None
        elif lever.key == "facilitation.priority_types":
            rest = [t for t in strategy.facilitation.priority_types if t != value]
            value = (value, *rest)
        elif lever.integer and isinstance(value, float) and value.is_integer():
            value = int(value)
        (both if lever.scope == "both" else only)[lever.key] = value
    return both, {**both, **only}


def apply(reference: Params, strategy: Params, values: dict[str, Any]) -> tuple[Params, Params]:
    """The reference and the strategy with the levers' values, validated by the parameter schema.

    Raises :class:`LeverError` naming the first lever whose value the schema refuses, or the
    combination when each value alone is fine.
    """
    both, only = changes(values, strategy)
    try:
        pair = (change(reference, both, source="explorer"), change(strategy, only, source="explorer"))
        align(list(pair))
        return pair
    except ScenarioError as exc:
        technical = str(exc)
    for key, value in only.items():  # find the lever to blame, in the page's order
        try:
            change(strategy, {key: value}, source="explorer")
        except ScenarioError:
            shown = values[key] if key in values else value
            raise LeverError(technical, key, shown) from None
    raise LeverError(technical)


def warnings(values: dict[str, Any], lang: Lang) -> list[str]:
    """Settings that run but cannot do what they seem to say."""
    out = []
    if values[FIXED_START] and values["insurer.reimburses"] and int(values[FIXED_START_FIELD]) > int(values["simulation.months"]):
        out.append(ex("after_horizon", lang, m=int(values[FIXED_START_FIELD]), months=int(values["simulation.months"])))
    return out


# --- the two scenarios the page starts from ------------------------------------------------------


def isolated_version(strategy: Params) -> Params:
    """Isolated scaling under the same conditions: ``strategy`` with every lever of the team at its default (off)."""
    from diffusion_sim.params import FacilitationParams

    team_off = {f"facilitation.{k}": v for k, v in FacilitationParams().model_dump().items()}
    team_off["name"] = "isolated"
    team_off["description"] = f"{strategy.name} without the regional team"
    return change(strategy, team_off, source="explorer")


def starting_pair(paths: list[str]) -> tuple[Params, Params]:
    """(reference, strategy) from scenario files: two files as ``compare`` takes them, or one strategy alone.

    With one file the reference is the same scenario without the team (:func:`isolated_version`).
    Raises :class:`~diffusion_sim.errors.ScenarioError` for a file that cannot be used.
    """
    from diffusion_sim.scenario import load_scenario

    if not paths or len(paths) > 2:
        raise ScenarioError(f"explore: give one or two scenario files (the reference first), got {len(paths)}")
    if len(paths) == 1:
        strategy = load_scenario(paths[0])
        reference = isolated_version(strategy)
    else:
        reference, strategy = load_scenario(paths[0]), load_scenario(paths[1])
    for path, params in zip(paths[-2:], [reference, strategy][-len(paths):], strict=True):
        if params.portfolio.innovations:
            raise ScenarioError(f"{path}: field 'portfolio.innovations': the explorer shows one innovation at a time; "
                                "compare portfolios with 'diffusion-sim compare', "
                                "or remove [portfolio] to explore one innovation")
    align([reference, strategy])
    return reference, strategy
