"""What it would take: the least costly setting of a region's levers that makes a claim hold with the wanted chance.

For a claim of :mod:`diffusion_sim.analysis.claims` this module searches the levers a region controls
for the least costly setting under which the claim holds in at least ``wanted`` (80%) of the runs,
or says that no setting within the levers' ranges does and gives the closest one. It only computes:
the runs come from an ``evaluate`` function it is given (:mod:`diffusion_sim.studies.search` runs the
model; the tests give a synthetic one), and it formats nothing.

**Levers** (:data:`LEVERS`, with the realistic range a region controls as default, :func:`default_levers`):
the team's people and hours, its money, its meetings, its knowledge network, whether the insurer takes
part, whom the team approaches first, the insurer's cost share and the month it starts paying, the
horizon (the adoption claim only: the patients claim is measured at month 12) and which shipped proven
innovation the region starts with. Each numeric lever is a discrete, ordered set of values from least
to most *intense* (more people, more money, an earlier insurer); "whom first" and "which innovation" are
choices without an order.

**Cost of a setting** (:func:`setting_stats`; the one definition, also in docs/analysis.md): what the
region puts in, the mean over runs of

- the team's money actually spent (``facilitation_cost_eur``: support and meetings, never the unspent budget),
- the team's hours actually given, valued in kind (``team_in_kind_cost_eur``, at the in-kind rate),
- the insurer's payments towards set-up costs (``insurer_cost_eur``: its cost share of every set-up cost
  booked while it reimburses), counted in every setting so that raising the share or starting earlier
  costs what it pays;

over the run's horizon (12 months for the patients claim). The organisations' own set-up costs, net of
the insurer's share, are a consequence and not a lever: reported (``organisations_eur``), not counted.
Settings are compared by this expected (mean) cost, on the same replications (common random numbers).

**Method.** Every setting is first *screened* on replications ``0..screen-1`` (the same for every
setting, so comparisons are paired), then the chosen one is *confirmed* on fresh replications
``screen..screen+confirm-1`` (fresh, so the chance reported is not inflated by having been selected).
With parameter draws on, each replication carries its own draw, so the chance includes parameter
uncertainty. A setting *meets* the claim when its chance is at least ``wanted``.

1. *Corners*: for every combination of the choice levers (innovation x whom first: a *category*), the
   setting with every ordered lever at its most intense value. If none meets the claim, no setting does
   as long as each lever helps monotonically; the answer is "not reachable within these levers", and the
   closest setting is the best corner (highest chance, then the highest progress towards the target),
   trimmed of what does not improve it (step 3 with "as good as the corner" for "meets": a chance at most
   2 points lower and at least 95% of its progress, the mean share of the target reached, 1 where it holds).
2. *Path*: for every category whose corner meets it, bisection along the straight path (on each lever's
   ladder of values) from the scenario's own setting to the corner, for the first point that meets it.
3. *Trim*: from that point, each ordered lever alone is lowered by bisection to its least intense value
   that still meets the claim; then, in order of the cost each of those saves, the levers are lowered in
   turn (a coordinate descent; a trim is kept only if the mean cost does not rise). Categories are trimmed
   in order of the cost of their path point, as far as the budget goes.
4. *Confirm*: the cheapest trimmed setting is run on the fresh replications. It is **accepted only if its
   confirmed chance is at least** ``wanted``; the 90% interval (a bootstrap over parameter draws,
   :func:`diffusion_sim.analysis.claims.chance`) is reported beside it, and ``margin_clear`` says whether
   its lower end also clears ``wanted``. If it is not accepted, the search backs off towards the path
   point and the corner (bisection on the confirmation replications), then tries the next category.

The search is deterministic for a seed. Its cost in runs is bounded by ``budget``; when the budget runs
out, the best setting found so far is confirmed and the answer says the search stopped early.

**The answer** (:func:`answer_of` reads it back from a results folder) is a plain dict:

- ``claim``, ``wanted``; ``verdict``: ``reachable``, ``not_reachable`` or ``undecided`` (the budget ran out
  before any setting could be confirmed); ``reachable`` (bool); ``already_holds`` (the scenario as it is
  meets it at confirmation);
- the setting shown, the answer when reachable and the closest setting otherwise: ``changes`` (only what
  differs from the scenario, ``{dotted name: value}``), ``set_args`` (the same as ``--set`` arguments),
  ``setting`` (every lever's value), ``chance``, ``low``, ``high`` (90% interval), ``runs``, ``margin_clear``,
  ``cost_eur`` (mean per run over ``months``), ``cost_parts`` (``team_money_eur``, ``team_time_eur``,
  ``insurer_eur``), ``organisations_eur``, ``outcome`` (the claim's outcome: ``name``, ``median``, ``low``,
  ``high``), ``months``;
- ``closest``: the same dict as the setting shown when not reachable, else None;
- ``scenario``: the scenario as it is, on the confirmation replications (``chance``, ``low``, ``high``,
  ``cost_eur``, ``cost_parts``, ``organisations_eur``, ``outcome``, ``runs``);
- ``search``: settings tried, runs, replications, budget, ``stopped_by_budget`` and ``notes``.
"""

from __future__ import annotations

import difflib
import json
import math
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from diffusion_sim.draws import uncertain
from diffusion_sim.errors import ResultsError, ScenarioError
from diffusion_sim.innovations import profile_data, profile_names
from diffusion_sim.outcomes import ADOPTION_TARGET, MONTHS_TO_ADOPTION, PATIENT_TARGET, PATIENT_TARGET_MONTH, quantiles
from diffusion_sim.params import ORG_TYPES, InnovationParams, Params, bounds, change, get, kind, normalise
from diffusion_sim.results import read_manifest

from .claims import CHANCE_WANTED, CLAIMS, Claim, chance

SCREEN, CONFIRM = "screen", "confirm"
PROFILE, PRIORITY, HORIZON, START_MONTH = ("innovation.profile", "facilitation.priority_types", "simulation.months",
                                           "insurer.fixed_start_month")
# The levers a region controls and their default (realistic) ranges: (low, high, step) for numbers, None for
# true/false and choices. ASSUMPTION: what a regional partnership could commit; the ends are the issue's.
LEVERS: dict[str, tuple[float, float, float] | None] = {
    "facilitation.team_members": (0, 20, 1),  # people (the proposal: about 6)
    "facilitation.hours_per_member_per_month": (0, 40, 1),  # hours each, a month (a quarter of a job at most)
    "facilitation.budget_eur_per_year": (0, 200_000, 1_000),  # EUR a year (the proposal: 10,000)
    "facilitation.events_per_year": (0, 12, 1),  # regional meetings a year (at most monthly)
    "facilitation.knowledge_network": None,  # off or on
    "facilitation.insurer_engaged": None,  # the insurer takes part in the team, or waits for demand
    PRIORITY: None,  # which type the team approaches first (each eligible type)
    "insurer.cost_share": (0.0, 1.0, 0.05),  # share of set-up cost the insurer pays
    START_MONTH: (1, 120, 1),  # the insurer pays from this month (the least intense: no fixed month, it follows demand)
    HORIZON: (12, 120, 1),  # months (adoption claim only)
    PROFILE: None,  # which shipped proven innovation it starts with
}
TRUE_FALSE = ("facilitation.knowledge_network", "facilitation.insurer_engaged")
CHOICES = (PRIORITY, PROFILE)
# what the claim's progress is measured against: the target of its outcome (0..1 of the way there)
TARGETS = {"patients_in_year": PATIENT_TARGET, "adoption_target": ADOPTION_TARGET}
COST_PARTS = {"team_money_eur": "facilitation_cost_eur", "team_time_eur": "team_in_kind_cost_eur",
              "insurer_eur": "insurer_cost_eur"}
MAX_VALUES = 10_000  # values one lever may take
SAME_COST = 0.5  # EUR: mean costs closer than this are equal (a lever without effect leaves every paired run as it was)
LADDER_POINTS = 9  # rungs of a lever's ladder for the path (quadratic spacing: finer at the cheap end)

Setting = dict[str, Any]
Evaluate = Callable[[list[Setting], str], list[pd.DataFrame]]
Note = Callable[[str], None]


# ---------------------------------------------------------------------------- levers
@dataclass(frozen=True)
class Lever:
    """One lever: its dotted name and the values it may take.

    ``values`` run from least to most intense for an ordered lever; for a choice they are the options
    (innovation profiles; for whom first, the organisation types that may come first). ``start`` is the
    index of the scenario's own value (clipped into the range).
    """

    name: str
    values: tuple[Any, ...]
    ordered: bool = True
    start: int = 0

    def ladder(self) -> list[int]:
        """Indices of the rungs used for the path: quadratic spacing from least to most intense, and the start."""
        n = len(self.values)
        rungs = {round((j / (LADDER_POINTS - 1)) ** 2 * (n - 1)) for j in range(LADDER_POINTS)}
        return sorted(rungs | {self.start})

    def describe(self) -> dict[str, Any]:
        """The range searched, for the manifest and the answer."""
        if not self.ordered:
            return {"options": list(self.values)}
        numbers = [v for v in self.values if v is not None and not isinstance(v, bool)]
        out: dict[str, Any] = {"values": len(self.values)}
        if numbers:
            out.update(low=min(numbers), high=max(numbers))
        if any(isinstance(v, bool) for v in self.values):
            out["options"] = list(self.values)
        if None in self.values:
            out["none"] = "no fixed month: the insurer follows demand and its contract window"
        return out


def _grid(low: float, high: float, step: float, integer: bool) -> list[Any]:
    count = int(math.floor((high - low) / step + 1e-9)) + 1
    values = [low + k * step for k in range(count)]
    if high - values[-1] > 1e-9:
        values.append(high)
    return [int(round(v)) if integer else round(float(v), 10) for v in values]


def _numeric_lever(name: str, low: float, high: float, step: float, current: Any) -> Lever:
    integer = name == START_MONTH or kind(name) == "int"
    values = _grid(low, high, step, integer)
    if current is not None and low <= current <= high and current not in values:  # the scenario's own value is a rung
        values = sorted([*values, int(current) if integer else float(current)])
    if name == START_MONTH:  # earlier is more intense; none (follow demand) is the least
        values = [None, *sorted(values, reverse=True)]
        start = 0 if current is None else values.index(min(values[1:], key=lambda v: (abs(v - current), v)))
    else:
        start = int(np.argmin([abs(v - float(current)) for v in values]))
    return Lever(name, tuple(values), True, start)


def _true_false(name: str, options: Sequence[bool], current: bool) -> Lever:
    values = tuple(sorted(set(options)))
    return Lever(name, values, True, values.index(current) if current in values else 0)


def default_levers(params: Params, claim: str) -> list[Lever]:
    """Every lever the claim can use, over its default range (:data:`LEVERS`), starting at the scenario's values.

    The patients claim is measured at month 12: no horizon, and the insurer's start month only up to 12.
    A portfolio has no single innovation to choose.
    """
    return [default_lever(name, params, claim) for name in LEVERS if _applies(name, params, claim) is None]


def default_lever(name: str, params: Params, claim: str) -> Lever:
    """One lever over its default range."""
    current = get(params, name)
    if name in TRUE_FALSE:
        return _true_false(name, (False, True), bool(current))
    if name == PROFILE:
        return Lever(name, tuple(profile_names()), False)
    if name == PRIORITY:
        return Lever(name, ORG_TYPES, False)
    low, high, step = LEVERS[name]  # type: ignore[misc]
    if name == START_MONTH:
        high = PATIENT_TARGET_MONTH if claim == "patients_in_year" else max(high, params.simulation.months)
    if name == HORIZON:
        high = max(high, params.simulation.months)
    return _numeric_lever(name, low, high, step, current)


def _applies(name: str, params: Params, claim: str) -> str | None:
    """Why a lever does not apply to this claim or scenario (None: it does)."""
    if name == HORIZON and claim == "patients_in_year":
        return (f"claim patients_in_year is measured at month {PATIENT_TARGET_MONTH}, so the horizon is no lever for it")
    if name == PROFILE and params.portfolio.innovations:
        return "the scenario runs a portfolio (portfolio.innovations), so there is no single innovation to choose"
    return None


def check_claim(claim: str) -> Claim:
    """The claim named ``claim``, or one line naming the allowed ones."""
    if claim not in CLAIMS:
        close = difflib.get_close_matches(claim, list(CLAIMS), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ScenarioError(f"--claim {claim}: unknown claim{hint} Allowed: {', '.join(CLAIMS)}")
    return CLAIMS[claim]


def check_wanted(wanted: float) -> float:
    """The wanted chance must lie in (0, 1]."""
    if not (0.0 < wanted <= 1.0) or math.isnan(wanted):
        raise ScenarioError(f"--wanted {wanted:g}: the chance the claim must hold with, above 0 and at most 1 (e.g. 0.8)")
    return wanted


def parse_levers(specs: Sequence[str], params: Params, claim: str) -> list[Lever]:
    """``--lever`` options as levers; none given: every default lever (:func:`default_levers`).

    Forms: ``NAME`` (its default range), ``NAME=LOW:HIGH[:STEP]`` for a number (the insurer's start month
    always also has "no fixed month"), ``NAME=false:true`` for a switch, ``NAME=A,B`` for a choice
    (innovation profiles; for ``facilitation.priority_types`` the types that may be approached first).
    """
    check_claim(claim)
    if not specs:
        return default_levers(params, claim)
    levers: list[Lever] = []
    for spec in specs:
        lever = parse_lever(spec, params, claim)
        if any(lv.name == lever.name for lv in levers):
            raise ScenarioError(f"--lever {lever.name}: given twice; give each lever once")
        levers.append(lever)
    return levers


def parse_lever(spec: str, params: Params, claim: str) -> Lever:
    """One ``--lever`` option, checked against the lever list, the claim and the parameter schema."""
    what = f"--lever {spec}"
    name, sep, text = spec.partition("=")
    name = normalise(name)
    if name not in LEVERS:
        close = difflib.get_close_matches(name, list(LEVERS), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ScenarioError(f"{what}: '{name}' is not a lever a region controls{hint} Levers: {', '.join(LEVERS)}")
    why = _applies(name, params, claim)
    if why:
        raise ScenarioError(f"{what}: {why}")
    if not sep:
        return default_lever(name, params, claim)
    text = text.strip()
    if name in CHOICES:
        options = tuple(dict.fromkeys(o.strip() for o in text.split(",") if o.strip()))
        if not options:
            raise ScenarioError(f"{what}: expected {name}=A,B,... (one or more options)")
        allowed = profile_names() if name == PROFILE else list(ORG_TYPES)
        for option in options:
            if option not in allowed:
                close = difflib.get_close_matches(option, allowed, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise ScenarioError(f"{what}: field '{name}': unknown option '{option}'{hint} Allowed: {', '.join(allowed)}")
        return Lever(name, options, False)
    parts = [p.strip() for p in text.split(":")]
    if name in TRUE_FALSE:
        if len(parts) != 2 or any(p.lower() not in ("true", "false") for p in parts):
            raise ScenarioError(f"{what}: a switch is searched as {name}=false:true (to fix it, use --set {name}=true)")
        return _true_false(name, tuple(p.lower() == "true" for p in parts), bool(get(params, name)))
    if len(parts) not in (2, 3) or not all(parts):
        raise ScenarioError(f"{what}: expected {name}=LOW:HIGH[:STEP], e.g. {_example(name)}")
    low, high = _number(parts[0], what), _number(parts[1], what)
    step = _number(parts[2], what) if len(parts) == 3 else float(LEVERS[name][2])  # type: ignore[index]
    lo_allowed, hi_allowed = bounds(name)
    if name == HORIZON and claim == "adoption_target":
        lo_allowed = max(lo_allowed, 1)
    for label, value in (("LOW", low), ("HIGH", high)):
        if not lo_allowed <= value <= hi_allowed:
            raise ScenarioError(f"{what}: field '{name}': {label} {value:g} is outside the allowed "
                                f"{lo_allowed:g} to {hi_allowed:g}")
    if low > high:
        raise ScenarioError(f"{what}: LOW {low:g} is greater than HIGH {high:g}; give the range as LOW:HIGH")
    if step <= 0:
        raise ScenarioError(f"{what}: STEP {step:g} must be greater than 0")
    if name in ("facilitation.team_members", "facilitation.events_per_year", START_MONTH, HORIZON) and (
            any(v != int(v) for v in (low, high, step))):
        raise ScenarioError(f"{what}: field '{name}' takes whole numbers, got {text}")
    if (high - low) / step + 1 > MAX_VALUES:
        raise ScenarioError(f"{what}: {int((high - low) / step) + 1:,} values, more than {MAX_VALUES:,}; use a larger STEP")
    for value in (low, high):  # each end must be a value the scenario accepts
        change(params, {name: int(value) if name in (START_MONTH, HORIZON) else value}, source=what)
    return _numeric_lever(name, low, high, step, get(params, name))


def _example(name: str) -> str:
    low, high, step = LEVERS[name]  # type: ignore[misc]
    return f"{name}={low:g}:{high:g}:{step:g}"


def _number(text: str, what: str) -> float:
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        value = None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(f"{what}: '{text}' is not a number")
    return float(value)


# ---------------------------------------------------------------------------- categories and settings
def priority_order(first: str, scenario_order: Sequence[str]) -> tuple[str, ...]:
    """The team's order with ``first`` first and the scenario's order after it."""
    return (first, *[t for t in scenario_order if t != first])


def eligible_types(params: Params, profile: str | None) -> list[str]:
    """The organisation types with a part in an innovation (the scenario's own, or a shipped profile as shipped)."""
    if params.portfolio.innovations:
        tracks = params.innovation_tracks()
        return [t for k, t in enumerate(ORG_TYPES) if any(inn.eligible_types()[k] for inn in tracks)]
    inn = params.innovation if profile in (None, params.innovation.profile) else InnovationParams.model_validate(
        profile_data(profile))
    return [t for t, e in zip(ORG_TYPES, inn.eligible_types(), strict=True) if e]


def categories(levers: Sequence[Lever], params: Params) -> list[Setting]:
    """Every combination of the choice levers: each innovation, each eligible type approached first.

    For an innovation none of whose eligible types may come first, the scenario's own order is kept.
    """
    by_name = {lv.name: lv for lv in levers}
    profiles: list[str | None] = list(by_name[PROFILE].values) if PROFILE in by_name else [None]
    out: list[Setting] = []
    for profile in profiles:
        base: Setting = {PROFILE: profile} if profile is not None else {}
        if PRIORITY not in by_name:
            out.append(base)
            continue
        allowed = eligible_types(params, profile)
        firsts = [t for t in by_name[PRIORITY].values if t in allowed]
        if not firsts:
            out.append({**base, PRIORITY: tuple(params.facilitation.priority_types)})
        for first in firsts:
            out.append({**base, PRIORITY: priority_order(first, params.facilitation.priority_types)})
    return out


def implied_changes(params: Params, setting: Setting) -> dict[str, Any]:
    """What else a setting changes: a new innovation whose primary types exclude the origin's type moves the origin.

    The origin is the organisation that already runs the innovation; it becomes one of the innovation's
    first primary type in the same municipality (``origin.org_type``).
    """
    profile = setting.get(PROFILE)
    if profile is None or profile == params.innovation.profile or params.portfolio.innovations:
        return {}
    primary = InnovationParams.model_validate(profile_data(profile)).primary_types()
    return {} if params.origin.org_type in primary else {"origin.org_type": primary[0]}


def changes_from(params: Params, setting: Setting) -> dict[str, Any]:
    """The values of ``setting`` that differ from the scenario's, with what they imply, in lever order.

    A lever the scenario draws (the insurer's cost share has a prior) is a decision once it is set: it
    joins ``uncertainty.fixed``, or every parameter draw would replace it. At the scenario's own value it
    stays as the scenario has it (drawn), so a setting that changes nothing is the scenario itself.
    """
    out: dict[str, Any] = {}
    for name in LEVERS:
        if name in setting:
            value = setting[name]
            current = get(params, name)
            if (tuple(current) if isinstance(current, list) else current) != value:
                out[name] = list(value) if isinstance(value, tuple) else value
    out.update(implied_changes(params, setting))
    drawn = uncertain(params) if params.uncertainty.draws else {}
    held = [name for name in out if name in drawn]
    if held:
        out["uncertainty.fixed"] = list(dict.fromkeys((*params.uncertainty.fixed, *held)))
    return out


def set_argument(name: str, value: Any) -> str:
    """A change as a ``--set`` argument (a value as TOML reads it; text without quotes, as ``--set`` accepts it)."""
    if value is None:
        return f"{name}=none"  # not expressible in TOML: said so where it is printed
    if isinstance(value, bool):
        return f"{name}={'true' if value else 'false'}"
    if isinstance(value, list | tuple):
        return f"{name}=[{','.join(json.dumps(v) for v in value)}]"
    if isinstance(value, float):
        return f"{name}={int(value)}" if value.is_integer() else f"{name}={value!r}"
    return f"{name}={value}"


def _key(setting: Setting) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in setting.items()))


# ---------------------------------------------------------------------------- one setting's numbers
@dataclass(frozen=True)
class Stats:
    """A setting's numbers over one set of replications."""

    chance: float
    low: float
    high: float
    progress: float  # mean share of the way to the target (1 in a run where the claim holds)
    cost: float
    parts: dict[str, float]
    organisations: float
    outcome: dict[str, float]
    runs: int


def setting_stats(claim: str, rows: pd.DataFrame) -> Stats:
    """Chance (with its interval over draws), progress, expected cost and the claim's outcome over ``rows``.

    ``rows`` are one setting's runs: the claim's outcome columns, ``draw`` (if drawn) and the cost columns
    of :data:`COST_PARTS` and ``implementation_cost_eur``.
    """
    c = CLAIMS[claim]
    holds = c.holds(rows)
    draws = rows["draw"].to_numpy() if "draw" in rows else None
    ch = chance(holds, draws)
    target = TARGETS.get(claim)
    if target:
        share = np.clip(np.nan_to_num(rows[c.outcome].to_numpy(dtype=float) / target), 0.0, 1.0)
        progress = float(np.where(holds, 1.0, share).mean())
    else:
        progress = float(holds.mean())
    parts = {k: float(rows[col].mean()) for k, col in COST_PARTS.items()}
    organisations = max(0.0, float((rows["implementation_cost_eur"] - rows["insurer_cost_eur"]).mean()))  # float32 sums
    q = quantiles(rows[c.outcome])
    outcome = {"name": c.outcome, "median": q["median"], "low": q["low"], "high": q["high"]}
    if claim == "adoption_target" and MONTHS_TO_ADOPTION in rows:
        t = quantiles(rows[MONTHS_TO_ADOPTION], censored=True)
        outcome.update(months_median=t["median"], months_low=t["low"], months_high=t["high"], reached=t["reached"])
    return Stats(ch["chance"], ch["low"], ch["high"], progress, float(sum(parts.values())), parts, organisations, outcome,
                 int(len(rows)))


# ---------------------------------------------------------------------------- the search
@dataclass
class SearchOptions:
    """How hard to search: replications per screening and confirmation, the run budget, the closeness tolerance."""

    wanted: float = CHANCE_WANTED
    screen: int = 100
    confirm: int = 400
    budget: int = 20_000
    # "as good as the best corner", for the closest setting: a chance at most 2 points lower and at least 95% of its progress
    chance_tolerance: float = 0.02
    progress_tolerance: float = 0.05
    path_points: int = 8

    def minimum_budget(self, n_categories: int) -> int:
        """Runs the search needs at least: the scenario and every corner screened, two settings confirmed."""
        return (1 + n_categories) * self.screen + 2 * self.confirm

    def reserve(self) -> int:
        """Runs kept back from screening for confirmation: the scenario, the answer and one back-off."""
        return 3 * self.confirm


class OutOfBudget(Exception):
    """The next batch would exceed the search's budget of runs."""


@dataclass
class SearchResult:
    """The answer (see the module docstring), every setting tried and every run."""

    answer: dict[str, Any]
    settings: pd.DataFrame
    runs: pd.DataFrame


@dataclass
class _Route:
    """One direction the search starts from: a category (the choice levers' values), some ordered levers held at least."""

    choice: Setting
    label: str
    held: tuple[str, ...] = ()  # ordered levers held at their least intense value on this route
    top: Stats | None = None
    current: dict[str, int] | None = None  # ordered levers' indices of the cheapest setting found that meets it
    path: dict[str, int] | None = None
    cost: float = math.inf


@dataclass
class Search:
    """One search (see the module docstring); :meth:`run` returns the :class:`SearchResult`."""

    claim: str
    levers: list[Lever]
    params: Params
    evaluate: Evaluate
    options: SearchOptions = field(default_factory=SearchOptions)
    note: Note | None = None

    def __post_init__(self) -> None:
        check_claim(self.claim)
        self.ordered = [lv for lv in self.levers if lv.ordered]
        self.cache: dict[tuple[str, tuple], Stats] = {}
        self.ids: dict[tuple, int] = {}
        self.settings_of: dict[int, Setting] = {}
        self.log: list[dict[str, Any]] = []
        self.frames: list[pd.DataFrame] = []
        self.used = 0
        self.notes: list[str] = []
        self.stopped = False
        self.routes = [_Route(c, self._label(c)) for c in categories(self.levers, self.params)]

    # ------------------------------------------------------------------ bookkeeping
    def _label(self, choice: Setting, held: tuple[str, ...] = ()) -> str:
        parts = []
        if PROFILE in choice:
            parts.append(str(choice[PROFILE]))
        if PRIORITY in choice:
            parts.append(f"{choice[PRIORITY][0]} first")
        parts += [f"{name} at its least" for name in held]
        return ", ".join(parts) or "the scenario's choices"

    def _say(self, text: str) -> None:
        if self.note:
            self.note(text)

    def setting(self, route: _Route, idx: dict[str, int]) -> Setting:
        """The full setting of a route at ordered-lever indices ``idx``."""
        return {**{lv.name: lv.values[idx[lv.name]] for lv in self.ordered}, **route.choice}

    def start(self, route: _Route) -> dict[str, int]:
        """The scenario's own values (clipped into the ranges), the route's held levers at their least."""
        return {lv.name: 0 if lv.name in route.held else lv.start for lv in self.ordered}

    def top(self, route: _Route) -> dict[str, int]:
        """Every ordered lever at its most intense value, the route's held levers at their least."""
        return {lv.name: 0 if lv.name in route.held else len(lv.values) - 1 for lv in self.ordered}

    def stats(self, settings: list[Setting], phase: str, stage: str) -> list[Stats]:
        """Each setting's numbers on the ``phase`` replications, running only what has not run (within the budget)."""
        n = self.options.screen if phase == SCREEN else self.options.confirm
        todo: list[Setting] = []
        for s in settings:
            if (phase, _key(s)) not in self.cache and all(_key(s) != _key(t) for t in todo):
                todo.append(s)
        if todo:
            limit = self.options.budget - (self.options.reserve() if phase == SCREEN else 0)
            if self.used + n * len(todo) > limit:
                self.stopped = True
                raise OutOfBudget
            frames = self.evaluate(todo, phase)
            self.used += n * len(todo)
            for s, rows in zip(todo, frames, strict=True):
                k = _key(s)
                sid = self.ids.setdefault(k, len(self.ids))
                self.settings_of[sid] = s
                st = setting_stats(self.claim, rows)
                self.cache[(phase, k)] = st
                self.log.append(self._row(sid, s, phase, stage, st))
                self.frames.append(rows.assign(setting=sid, phase=phase))
        return [self.cache[(phase, _key(s))] for s in settings]

    def _row(self, sid: int, s: Setting, phase: str, stage: str, st: Stats) -> dict[str, Any]:
        values = {name: (">".join(s[name]) if isinstance(s.get(name), tuple) else s.get(name)) for name in
                  [lv.name for lv in self.levers]}
        return {"setting": sid, "phase": phase, "stage": stage, "scenario_as_is": not s, **values,
                "meets": st.chance >= self.options.wanted, "chance": st.chance, "chance_low": st.low,
                "chance_high": st.high, "progress": st.progress, "cost_eur": st.cost, **st.parts,
                "organisations_eur": st.organisations, "outcome_median": st.outcome["median"],
                "outcome_low": st.outcome["low"], "outcome_high": st.outcome["high"], "runs": st.runs}

    def meets(self, st: Stats) -> bool:
        """The claim holds with at least the wanted chance."""
        return st.chance >= self.options.wanted

    def screened(self, route: _Route, idx: dict[str, int]) -> Stats:
        """The screening numbers of a setting that has run."""
        return self.cache[(SCREEN, _key(self.setting(route, idx)))]

    # ------------------------------------------------------------------ bisection, several at once
    def bisect(self, problems: list[tuple[Callable[[int], Setting], int, int]], ok: Callable[[Stats], bool], phase: str,
               stage: str) -> list[int]:
        """For each ``(make, lo, hi)``: the least ``i`` in ``[lo, hi]`` with ``ok`` at ``make(i)`` (taken as true at ``hi``).

        The problems advance together, one batch of midpoints per step (so the executors get work in bulk).
        """
        state = [[lo, hi] for _, lo, hi in problems]
        while True:
            active = [k for k, (lo, hi) in enumerate(state) if lo < hi]
            if not active:
                return [hi for _, hi in state]
            mids = {k: (state[k][0] + state[k][1]) // 2 for k in active}
            got = self.stats([problems[k][0](mids[k]) for k in active], phase, stage)
            for k, st in zip(active, got, strict=True):
                if ok(st):
                    state[k][1] = mids[k]
                else:
                    state[k][0] = mids[k] + 1

    # ------------------------------------------------------------------ stages
    def corners(self, routes: list[_Route], stage: str = "corner") -> list[_Route]:
        """Step 1: each route's corner (every ordered lever at its most intense); returns the routes whose corner meets it."""
        self._say(f"screening {len(routes)} corner setting(s)")
        got = self.stats([self.setting(r, self.top(r)) for r in routes], SCREEN, stage)
        for route, st in zip(routes, got, strict=True):
            route.top = st
            if self.meets(st):
                route.current = route.path = self.top(route)
                route.cost = st.cost
        return [r for r in routes if r.current is not None]

    def paths(self, routes: list[_Route]) -> None:
        """Step 2: per route, bisection along the path from the scenario's setting to the corner."""
        self._say(f"bisecting {len(routes)} path(s) from the scenario to a corner")
        k_max = self.options.path_points
        ladders = {lv.name: lv.ladder() for lv in self.ordered}

        def point(route: _Route, k: int) -> dict[str, int]:
            start, top, out = self.start(route), self.top(route), {}
            for lv in self.ordered:
                rungs = sorted(set(ladders[lv.name]) | {start[lv.name]})
                a, b = rungs.index(start[lv.name]), rungs.index(top[lv.name])
                out[lv.name] = rungs[a + round(k * (b - a) / k_max)]
            return out

        found = self.bisect([(lambda k, r=r: self.setting(r, point(r, k)), 0, k_max) for r in routes], self.meets, SCREEN,
                            "path")
        for route, k in zip(routes, found, strict=True):
            route.current = route.path = point(route, k)
            route.cost = self.screened(route, route.current).cost

    def trim(self, route: _Route, ok: Callable[[Stats], bool], stage: str = "trim") -> None:
        """Step 3: lower each ordered lever as far as ``ok`` still holds; then, biggest saving first, lower them in turn.

        A lever whose lowering saves nothing goes down only as far as the scenario's own value: among settings
        of equal expected cost the one closest to the scenario is kept, so the answer changes nothing in vain.
        """
        self._say(f"trimming the levers ({route.label})")
        assert route.current is not None
        cur, start = dict(route.current), self.start(route)
        here = self.stats([self.setting(route, cur)], SCREEN, stage)[0]
        names = [lv.name for lv in self.ordered if cur[lv.name] > 0]

        def lowered(name: str, base: dict[str, int]) -> Callable[[int], Setting]:
            return lambda i: self.setting(route, {**base, name: i})

        alone = self.bisect([(lowered(n, cur), 0, cur[n]) for n in names], ok, SCREEN, stage)
        saving = {n: (here.cost - self.screened(route, {**cur, n: i}).cost, i) for n, i in zip(names, alone, strict=True)}
        # where nothing is saved, the least value is the scenario's own (or the least that still meets the claim)
        least = {n: i if saving[n][0] > SAME_COST else max(i, min(cur[n], start[n])) for n, (_, i) in saving.items()}
        order = sorted((n for n in names if least[n] < cur[n] and saving[n][0] >= -SAME_COST), key=lambda n: -saving[n][0])
        first = dict(cur)
        for n in order:
            # with no other lever lowered yet, the bisection alone found it; otherwise its least value can only be higher
            i = least[n] if cur == first else self.bisect([(lowered(n, cur), least[n], cur[n])], ok, SCREEN, stage)[0]
            if i < cur[n]:
                st = self.stats([self.setting(route, {**cur, n: i})], SCREEN, stage)[0]
                if st.cost <= here.cost + SAME_COST and ok(st):
                    cur[n], here = i, st
                    route.current, route.cost = dict(cur), st.cost

    def held_routes(self, route: _Route) -> list[_Route]:
        """Routes that hold one more lever in use at its least: where one lever can stand in for another (a substitute)."""
        assert route.current is not None
        return [_Route(route.choice, self._label(route.choice, (*route.held, lv.name)), (*route.held, lv.name))
                for lv in self.ordered if route.current[lv.name] > 0 and lv.name not in route.held]

    def confirm(self, route: _Route) -> tuple[Setting, Stats] | None:
        """Step 4: the route's trimmed setting on fresh replications; if it falls short, back off towards the corner."""
        self._say(f"confirming ({route.label})")
        assert route.current is not None
        trimmed, path, top = route.current, route.path or route.current, self.top(route)
        chain = [trimmed]
        for lam in (0.25, 0.5, 0.75, 1.0):
            chain.append({n: round(trimmed[n] + lam * (path[n] - trimmed[n])) for n in trimmed})
        chain.append(top)
        settings = list({_key(s): s for s in (self.setting(route, i) for i in chain)}.values())
        first = self.stats([settings[0], {}], CONFIRM, "confirm")[0]
        if self.meets(first):
            return settings[0], first
        if len(settings) == 1 or not self.meets(self.stats([settings[-1]], CONFIRM, "back-off")[0]):
            self.notes.append(f"{route.label}: met the claim when screened but not on the confirmation runs")
            return None
        k = self.bisect([(lambda i: settings[i], 1, len(settings) - 1)], self.meets, CONFIRM, "back-off")[0]
        return settings[k], self.cache[(CONFIRM, _key(settings[k]))]

    # ------------------------------------------------------------------ the whole search
    def run(self) -> SearchResult:
        """Corners, paths, trims, substitutes and confirmation, within the budget; the answer with every setting tried."""
        need = self.options.minimum_budget(len(self.routes))
        if self.options.budget < need:
            raise ScenarioError(f"--budget {self.options.budget}: too small for this search; it needs at least {need:,} "
                                f"runs (the scenario and {len(self.routes)} corner(s) screened, two settings confirmed)")
        self._say("screening the scenario as it is")
        self.stats([{}], SCREEN, "scenario")
        reachable = self.corners(self.routes)
        found: tuple[Setting, Stats] | None = None
        if not reachable:
            return self._closest()
        done: list[_Route] = []
        try:
            self.paths(reachable)
            for route in sorted(reachable, key=lambda r: r.cost):
                self.trim(route, self.meets)
                done.append(route)
            for route in sorted(reachable, key=lambda r: r.cost):  # the cheapest category first
                more = self.corners(self.held_routes(route), stage="substitute corner")
                if more:
                    self.paths(more)
                    for other in sorted(more, key=lambda r: r.cost):
                        self.trim(other, self.meets, stage="substitute trim")
                        done.append(other)
        except OutOfBudget:
            self.notes.append("the search stopped at its budget of runs; a cheaper setting may exist")
        candidates = {id(r): r for r in [*done, *reachable]}.values()  # untrimmed routes still have a setting that meets it
        try:
            for route in sorted(candidates, key=lambda r: r.cost):
                if found is not None and route.cost >= found[1].cost:
                    break
                got = self.confirm(route)
                if got is not None and (found is None or got[1].cost < found[1].cost):
                    found = got
        except OutOfBudget:
            self.notes.append("the budget ran out while confirming")
            if found is None:  # reachable when screened, but not confirmed: no verdict
                return self._result(None, self._best_confirmed(), "undecided")
        if found is not None:
            return self._result(found, None, "reachable")
        return self._closest()

    def _best_confirmed(self) -> tuple[Setting, Stats] | None:
        tried = [(self.settings_of[self.ids[k]], st) for (phase, k), st in self.cache.items() if phase == CONFIRM and k]
        return max(tried, key=lambda t: (t[1].chance, t[1].progress, -t[1].cost), default=None)

    def _closest(self) -> SearchResult:
        """Not reachable: the best corner, trimmed of what does not make it better, confirmed."""
        best = max(self.routes, key=lambda r: (r.top.chance, r.top.progress, -r.top.cost))  # type: ignore[union-attr]
        ref, opts = best.top, self.options
        assert ref is not None

        def as_good(st: Stats) -> bool:
            return st.chance >= ref.chance - opts.chance_tolerance and st.progress >= (1 - opts.progress_tolerance) * ref.progress

        best.current = best.path = self.top(best)
        try:
            self.trim(best, as_good, stage="closest")
        except OutOfBudget:
            self.notes.append("the search stopped at its budget while trimming the closest setting")
        s = self.setting(best, best.current)
        try:
            st = self.stats([s, {}], CONFIRM, "confirm")[0]
        except OutOfBudget:
            self.notes.append("the budget ran out before the closest setting could be confirmed")
            return self._result(None, self._best_confirmed(), "undecided")
        if self.meets(st):
            self.notes.append("no setting met the claim when screened, but the closest did on the confirmation runs: "
                              "it is the answer, though a cheaper one may exist")
            return self._result((s, st), None, "reachable")
        return self._result(None, (s, st), "not_reachable")

    def _result(self, found: tuple[Setting, Stats] | None, closest: tuple[Setting, Stats] | None,
                verdict: str) -> SearchResult:
        scenario = self.cache.get((CONFIRM, ())) or self.cache.get((SCREEN, ()))
        shown = found or closest
        answer: dict[str, Any] = {"claim": self.claim, "wanted": self.options.wanted, "verdict": verdict,
                                  "reachable": found is not None,
                                  "already_holds": bool(scenario is not None and self.meets(scenario)
                                                        and (CONFIRM, ()) in self.cache)}
        answer.update(self._describe(*shown) if shown else self._describe(None, None))
        answer["closest"] = self._describe(*closest) if closest else None
        answer["scenario"] = _numbers(scenario) if scenario else None
        answer["levers"] = {lv.name: lv.describe() for lv in self.levers}
        answer["search"] = {"settings": len(self.ids), "runs": self.used, "screen_replications": self.options.screen,
                            "confirm_replications": self.options.confirm, "budget": self.options.budget,
                            "stopped_by_budget": self.stopped, "chance_tolerance": self.options.chance_tolerance,
                            "progress_tolerance": self.options.progress_tolerance, "notes": self.notes}
        settings = pd.DataFrame(self.log)
        runs = pd.concat(self.frames, ignore_index=True) if self.frames else pd.DataFrame()
        return SearchResult(answer=answer, settings=settings, runs=runs)

    def _describe(self, s: Setting | None, st: Stats | None) -> dict[str, Any]:
        if s is None or st is None:
            return {"changes": None, "set_args": None, "setting": None, **_numbers(None), "margin_clear": None,
                    "months": None}
        changes = changes_from(self.params, s)
        months = s.get(HORIZON, PATIENT_TARGET_MONTH if self.claim == "patients_in_year" else self.params.simulation.months)
        return {"changes": changes, "set_args": [set_argument(k, v) for k, v in changes.items()],
                "setting": {k: list(v) if isinstance(v, tuple) else v for k, v in s.items()}, **_numbers(st),
                "margin_clear": bool(st.low >= self.options.wanted), "months": int(months)}


def _numbers(st: Stats | None) -> dict[str, Any]:
    if st is None:
        return {"chance": None, "low": None, "high": None, "runs": None, "cost_eur": None, "cost_parts": None,
                "organisations_eur": None, "outcome": None}
    return {"chance": st.chance, "low": st.low, "high": st.high, "runs": st.runs, "cost_eur": st.cost,
            "cost_parts": dict(st.parts), "organisations_eur": st.organisations, "outcome": dict(st.outcome)}


def search(claim: str, levers: list[Lever], params: Params, evaluate: Evaluate, options: SearchOptions | None = None,
           note: Note | None = None) -> SearchResult:
    """Search ``levers`` for the least costly setting that makes ``claim`` hold (see the module docstring).

    ``evaluate(settings, phase)`` returns one frame of runs per setting: replications ``0..screen-1`` for
    ``phase == "screen"``, ``screen..screen+confirm-1`` for ``"confirm"``, the same for every setting. An
    empty setting is the scenario as it is; any other sets every lever (``{dotted name: value}``).
    """
    return Search(claim, levers, params, evaluate, options or SearchOptions(), note).run()


# ---------------------------------------------------------------------------- reading an answer back
def answer_of(folder: str | Path) -> dict[str, Any]:
    """The answer of a ``what-it-takes`` results folder (the dict of the module docstring), from its manifest.

    For the report and the claims table: they show ``verdict``, ``set_args`` (or ``changes``), ``chance``
    with ``low``-``high``, ``cost_eur`` and ``outcome``, and for ``not_reachable`` say it is the closest setting.
    """
    meta = _manifest(folder)
    if meta.get("kind") != "what-it-takes" or "answer" not in (meta.get("results") or {}):
        raise ResultsError(f"{folder}: not a what-it-takes results folder (its manifest is of kind {meta.get('kind')!r})")
    return meta["results"]["answer"]


def answers_for(folders: list[str | Path], order: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    """The answers of ``what-it-takes`` folders for a comparison of ``order``: ``{(claim, strategy): answer}``.

    A folder whose scenario is not one of the compared strategies (other than the reference), or a
    second answer to the same claim and strategy, is refused with a ``ResultsError`` naming the folder:
    a claims table never shows an answer to another question than its row asks.
    """
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for folder in folders:
        answer = answer_of(folder)
        strategy = _searched_scenario(folder)
        if strategy not in order[1:]:
            raise ResultsError(f"{folder}: searched scenario {strategy!r}, which is not a strategy compared here "
                               f"(compared against {order[0]!r}: {', '.join(order[1:])})")
        key = (str(answer["claim"]), strategy)
        if key in found:
            raise ResultsError(f"{folder}: a second answer for claim {key[0]} of {strategy!r}; give one folder per claim")
        found[key] = answer
    return found


def _searched_scenario(folder: str | Path) -> str:
    """The name of the scenario a ``what-it-takes`` folder searched (its manifest's first scenario)."""
    return str((_manifest(folder).get("scenario_order") or [""])[0])


def _manifest(folder: str | Path) -> dict[str, Any]:
    """A ``what-it-takes`` folder's manifest, read and checked by the one reader (``results.read_manifest``)."""
    path = Path(folder) / "manifest.json"
    if not path.is_file():
        raise ResultsError(f"{folder}: not a what-it-takes results folder (no manifest.json)")
    return read_manifest(path)
