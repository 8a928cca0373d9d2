"""Levers: the parameters a policy maker moves, and how their values become two validated scenarios.

A lever is a field of the parameter schema with a control (slider, switch, select or typed number),
a range for the control and a *scope*: team levers change only the chosen strategy, shared levers
(the insurer, the horizon, the uncertain model assumptions) change the strategy and the reference
alike, so the comparison stays one of strategies under the same conditions. Values go through
:func:`diffusion_sim.params.change`, the same schema check as ``--set`` on the command line; a
value the schema refuses becomes a :class:`LeverError` that names the lever in the page's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from diffusion_sim.errors import DiffusionSimError, ScenarioError
from diffusion_sim.explorer.words import EXPLORER_LEVERS, ex
from diffusion_sim.params import ORG_TYPES, Params, change, flat_fields
from diffusion_sim.publish.assumptions import KEY_ASSUMPTIONS, fmt_parameter
from diffusion_sim.publish.formats import Lang, month_label
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

    def __init__(self, technical: str, key: str | None = None, value: Any = None) -> None:
        super().__init__(technical)
        self.technical = technical
        self.key = key
        self.value = value

    def text(self, lang: Lang) -> str:
        """One sentence for the page: the lever and its value, or that the combination is not allowed."""
        if self.key is None:
            detail = ex("invalid_combination", lang)
        else:
            detail = ex("invalid_value", lang, label=label(BY_KEY[self.key], lang), value=_plain(self.value, lang))
        return ex("invalid", lang, detail=detail)


def _plain(value: Any, lang: Lang) -> str:
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",") if lang == "nl" else f"{value:g}"
    return str(value)


def get(params: Params, dotted: str) -> Any:
    """The value of a dotted field, e.g. ``insurer.cost_share``."""
    node: Any = params
    for part in dotted.split("."):
        node = getattr(node, part)
    return node


# --- words -------------------------------------------------------------------------------------


def _spec(lever: Lever) -> dict[str, Any]:
    return KEY_ASSUMPTIONS.get(lever.key) or EXPLORER_LEVERS[lever.key]


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
        return ex("month_value", lang, m=int(value), label=month_label(sim.start_year, sim.start_month, int(value), lang))
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
