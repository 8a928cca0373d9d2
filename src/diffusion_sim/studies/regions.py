"""The same strategy in several regions: reach per euro and months to the targets, region by region.

A proposal that says where the concept should go next needs the same scenario run in each candidate
region with everything else equal. This module owns the order names -> per-region parameters ->
replications (through the executors, common random numbers) -> one tidy table -> medians with 90%
intervals -> figure -> one results folder, written atomically:

- ``regions.csv``: one row per (region, scenario, replication): the outcomes of
  :func:`diffusion_sim.outcomes.summarise`, the region's name, kind, inhabitants, organisations,
  eligible organisations and origin, reach per EUR 1,000 and patients per 100,000 inhabitants;
- ``regions_paired.csv`` (with a reference): one row per (region, scenario, replication) of a
  strategy: its paired differences against the reference, named as in ``compare``'s ``paired.csv``
  (:func:`diffusion_sim.outcomes.paired_rows`), and extra patients per extra EUR 1,000;
- ``region_summary.csv``: one row per (region, scenario, outcome): median, 5% and 95% quantile, how
  often a time target was reached and over how many replications (or pairs);
- ``regions.png`` / ``regions.svg``: reach per EUR 1,000 per region and scenario (and, with a
  reference, extra patients per extra EUR 1,000);
- ``manifest.json``: command, seed, replications, the resolved parameters of every scenario in every
  region, the origin rule, versions and file hashes.

**A region name** is a shipped preset (``zuidwest``, ``rotterdam-rijnmond``, ``nederland``), a province
(CBS spelling, e.g. ``Utrecht``, ``Fryslân``; case and accents do not matter) or a comma-separated list of CBS
municipality codes (``GM0664,GM0687``). It replaces the scenario's ``[region]`` choice; every other
parameter stays as the scenario file (and ``--set``) gives it.

**The origin rule.** The organisation that already runs the innovation usually lies outside the other
regions. The scenario's origin municipalities (``origin.municipality`` and
``origin.further_municipalities``) that lie in the region are kept; when none does, the origin moves to
the region's most populous municipality that has an eligible organisation of the origin's type (ties:
the first in CBS code order). Tables and the manifest say where the origin went and whether it moved
(``origin_moved``).

**Reach per euro** is additional patients reached by the horizon (patients newly put on the innovation
at organisations other than the origin) per EUR 1,000 of implementation plus facilitation cost, per
replication, then median and 90% interval over replications. **Extra patients per extra EUR 1,000** is
the ratio of the paired differences (strategy minus reference, replication by replication) where the
extra cost is positive. The targets (``outcomes.py``) are the
initiative's absolute targets, whatever the region's size; patients per 100,000 inhabitants compare
large and small regions fairly.

Replication ``i`` of every scenario in every region uses replication ``i``'s random streams, so the
numbers are the same for the same seed on one worker, many or a Dask cluster.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from diffusion_sim.analysis.regions import EXTRA_PER_EUR, PAIRED_OUTCOMES, REGION_OUTCOMES, add_rates, summary_table
from diffusion_sim.errors import DiffusionSimError, RegionError, ResultsError, ScenarioError
from diffusion_sim.executors import run_all
from diffusion_sim.model import build_model
from diffusion_sim.outcomes import paired_rows, summarise
from diffusion_sim.params import ORG_TYPES, OriginParams, Params, change
from diffusion_sim.region import Region, build_region, municipalities_for, preset_names
from diffusion_sim.results import manifest, write_folder
from diffusion_sim.studies.compare import align
from diffusion_sim.studies.points import Progress

KINDS = ("preset", "province", "municipalities")
CODE = re.compile(r"^GM\d{4}$", re.IGNORECASE)
ORIGIN_RULE = (
    "origin municipalities of the scenario that lie in the region are kept; when none does, the origin moves to the "
    "region's most populous municipality that has an eligible organisation of the origin's type"
)

# --- region names ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionChoice:
    """A region as named on the command line and what it sets in ``[region]``."""

    name: str
    kind: str  # one of KINDS
    value: str | tuple[str, ...]

    def changes(self) -> dict[str, Any]:
        """Dotted parameter changes that select this region (the other two ways are cleared)."""
        if self.kind == "preset":
            return {"region.preset": self.value, "region.province": "", "region.municipalities": ()}
        if self.kind == "province":
            return {"region.province": self.value, "region.municipalities": ()}
        return {"region.province": "", "region.municipalities": tuple(self.value)}


def parse_region(name: str) -> RegionChoice:
    """Read one ``--region`` value: a preset, a province or comma-separated CBS municipality codes.

    Presets and provinces match without regard to case or accents; anything else is a one-line ``RegionError``
    with the closest presets, provinces or municipalities (the last shown with their CBS code).
    """
    text = name.strip()
    if not text:
        raise RegionError("--region: empty name; give a preset, a province or CBS municipality codes")
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if "," in text or all(CODE.match(p) for p in parts):
        codes = tuple(p.upper() for p in parts)
        try:
            municipalities_for(codes=codes)
        except RegionError as exc:
            raise RegionError(f"--region {text}: {exc}") from None
        return RegionChoice(text, "municipalities", codes)
    table = municipalities_for("nederland")
    presets = preset_names()
    provinces = sorted(table["province"].unique())
    for kind, names in (("preset", presets), ("province", provinces)):
        if text in names:
            return RegionChoice(text, kind, text)
    for kind, names in (("preset", presets), ("province", provinces)):
        folded = [n for n in names if _fold(n) == _fold(text)]
        if len(folded) == 1:
            return RegionChoice(text, kind, folded[0])
    raise _unknown_region(text, presets, provinces, table)


def _unknown_region(text: str, presets: list[str], provinces: list[str], table: pd.DataFrame) -> RegionError:
    """A one-line error naming ``text``, with the closest regions first, then municipalities (with their code)."""
    code_of = dict(zip(table["name"], table["code"], strict=True))
    regions = {_fold(n): n for n in [*provinces, *presets]}
    towns = {_fold(n): n for n in code_of if _fold(n) not in regions}

    def close(pool: dict[str, str], n: int) -> list[str]:
        return [pool[c] for c in difflib.get_close_matches(_fold(text), list(pool), n=n, cutoff=0.5)]

    near = [repr(c) for c in close(regions, 3)]
    near += [f"'{code_of[c]}' ({c})" for c in close(towns, 3 - len(near))] if len(near) < 3 else []
    hint = f"; did you mean {', '.join(near)}?" if near else "."
    return RegionError(
        f"--region {text}: unknown region {text!r}{hint} A region is a preset ({', '.join(presets)}), a province "
        f"(CBS spelling, e.g. Zeeland, Fryslân) or CBS municipality codes (e.g. GM0664,GM0687)"
    )


def _fold(name: str) -> str:
    """A name without case or accents, for matching (Fryslan finds Fryslân)."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


# --- per-region parameters and the origin rule ---------------------------------------------------


def origin_municipalities(params: Params) -> tuple[str, ...]:
    """The CBS codes of the scenario's origins: ``origin.municipality`` and any further origin municipalities.

    Reads whichever list field the schema has (``further_municipalities`` now; a plain ``municipalities``
    list, if the schema ever gets one, replaces the single code).
    """
    o = params.origin
    many = tuple(getattr(o, "municipalities", ()) or ())
    if many:
        return many
    return (o.municipality, *tuple(getattr(o, "further_municipalities", ()) or ()))


def origin_candidates(params: Params, region: Region) -> np.ndarray:
    """Indices of the region's municipalities that can host the origin: an eligible organisation of the origin's type.

    With a portfolio of innovations, a municipality must have one for every innovation (the origin's type
    per innovation is :meth:`Params.origin_type`; eligibility is the innovation's ``eligible_types``).
    """
    ok = np.ones(len(region.municipalities), dtype=bool)
    for innovation in params.innovation_tracks():
        t = ORG_TYPES.index(params.origin_type(innovation))
        eligible = np.asarray(innovation.eligible_types())[region.org_type]
        has = np.zeros_like(ok)
        has[np.unique(region.municipality[(region.org_type == t) & eligible])] = True
        ok &= has
    return np.flatnonzero(ok)


def choose_origin(params: Params, region: Region) -> tuple[str, ...]:
    """The origin rule: keep the origin municipalities inside the region, else its most populous one that can host it.

    The model then places the origin at an organisation of its type in that municipality, as for any scenario.
    """
    inside = set(region.municipality_codes)
    kept = tuple(c for c in origin_municipalities(params) if c in inside)
    if kept:
        return kept
    candidates = origin_candidates(params, region)
    if candidates.size == 0:
        raise RegionError(f"region {region.name!r} has no eligible {params.origin.org_type} organisation to run the "
                          f"innovation first (origin.org_type)")
    population = region.municipalities["population"].to_numpy()[candidates]
    return (str(region.municipality_codes[candidates[np.argmax(population)]]),)  # argmax: the first of equals


def _origin_changes(codes: tuple[str, ...]) -> dict[str, Any]:
    """The origin fields that put the origins at ``codes``, for whichever fields the schema has."""
    fields = OriginParams.model_fields
    if "municipalities" in fields:
        return {"origin.municipalities": codes}
    if "further_municipalities" in fields:
        return {"origin.municipality": codes[0], "origin.further_municipalities": codes[1:]}
    return {"origin.municipality": codes[0]}


@dataclass
class RegionRun:
    """One region with each scenario's resolved parameters (origin rule applied) and what the tables report."""

    choice: RegionChoice
    params: list[Params]  # one per scenario, in the study's order
    population: int
    municipalities: int
    organisations: int
    origin: list[tuple[str, ...]]  # per scenario
    origin_names: list[tuple[str, ...]]
    origin_moved: list[bool]


def plan_region(scenarios: list[Params], choice: RegionChoice) -> RegionRun:
    """Each scenario in ``choice``'s region, the origin moved by the rule where needed; checked by building one model."""
    source = f"--region {choice.name}"
    resolved, origins, names, moved = [], [], [], []
    region = None
    for base in scenarios:
        try:
            p = change(base, choice.changes(), source=source)
            region = build_region(p)
            codes = choose_origin(p, region)
            shifted = codes != origin_municipalities(p)
            if shifted:
                p = change(p, _origin_changes(codes), source=source)
            build_model(p, region=region, agent_views=False)  # bad region or origin settings fail here, named
        except DiffusionSimError as exc:
            text = str(exc)
            raise RegionError(text if text.startswith(source) else f"{source}: {text}") from None
        lookup = dict(zip(region.municipality_codes, region.municipalities["name"], strict=True))
        resolved.append(p)
        origins.append(codes)
        names.append(tuple(str(lookup[c]) for c in codes))
        moved.append(shifted)
    assert region is not None
    return RegionRun(choice=choice, params=resolved, population=int(region.municipalities["population"].sum()),
                     municipalities=len(region.municipalities), organisations=region.n, origin=origins,
                     origin_names=names, origin_moved=moved)


def plan_regions(scenarios: list[Params], names: list[str]) -> list[RegionRun]:
    """Resolve every ``--region`` name and plan each; a region named twice (in any spelling) is an error."""
    align(scenarios)
    if not names:
        raise RegionError("--region: give at least one region, e.g. --region zuidwest --region Utrecht")
    choices = [parse_region(n) for n in names]
    seen: dict[tuple[str, Any], str] = {}
    for c in choices:
        key = (c.kind, tuple(sorted(c.value)) if c.kind == "municipalities" else c.value)
        if key in seen:
            raise RegionError(f"--region {c.name}: the same region as --region {seen[key]}; give each region once")
        seen[key] = c.name
    return [plan_region(scenarios, c) for c in choices]


# --- runs and tables ---------------------------------------------------------------------------


def run_regions(plans: list[RegionRun], replications: int, workers: int = 1, progress: Progress | None = None,
                scheduler: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every scenario in every region ``replications`` times through the executors; returns the tidy tables."""
    flat = [p for plan in plans for p in plan.params]
    results = run_all(flat, replications, workers=workers, progress=progress, scheduler=scheduler)
    k = 0
    per_run: list[list[list[dict[str, float]]]] = []
    for plan in plans:
        per_run.append([[summarise(rep) for rep in results[k + s]] for s in range(len(plan.params))])
        k += len(plan.params)
    return replication_table(plans, per_run)


def replication_table(plans: list[RegionRun], summaries: list[list[list[dict[str, float]]]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per (region, scenario, replication), sorted so, and the paired differences of each later scenario.

    ``summaries[r][s][i]`` is :func:`summarise` of replication ``i`` of scenario ``s`` in region ``r``; the
    first scenario is the reference. The second table holds, per (region, scenario, replication) of every
    later scenario, its outcomes minus the reference's (empty with one scenario).
    """
    frames, paired = [], []
    for plan, per_scenario in zip(plans, summaries, strict=True):
        reference = plan.params[0].name
        for s, (params, rows) in enumerate(zip(plan.params, per_scenario, strict=True)):
            frame = pd.DataFrame(rows)
            frame.insert(0, "replication", np.arange(len(rows)))
            head = {
                "region": plan.choice.name,
                "region_kind": plan.choice.kind,
                "region_value": plan.choice.value if isinstance(plan.choice.value, str) else ",".join(plan.choice.value),
                "population": plan.population,
                "municipalities": plan.municipalities,
                "organisations": plan.organisations,
                "origin_municipality": ",".join(plan.origin[s]),
                "origin_municipality_name": ", ".join(plan.origin_names[s]),
                "origin_moved": plan.origin_moved[s],
                "scenario": params.name,
                "seed": params.simulation.seed,
            }
            for i, (col, value) in enumerate(head.items()):
                frame.insert(i, col, value)
            add_rates(frame)
            frames.append(frame)
            if s > 0:
                diff = paired_rows(frames[-1 - s], frame, params.simulation.months)
                extra_cost = diff["total_cost_eur"]
                diff[EXTRA_PER_EUR] = (diff["patients_final"] / extra_cost * 1000).where(extra_cost > 0)
                for i, (col, value) in enumerate({"region": plan.choice.name, "scenario": params.name,
                                                  "reference": reference, "replication": frame["replication"]}.items()):
                    diff.insert(i, col, value)
                paired.append(diff)
    tidy = pd.concat(frames, ignore_index=True)
    return tidy, (pd.concat(paired, ignore_index=True) if paired else pd.DataFrame())


# --- the whole study -----------------------------------------------------------------------------


@dataclass
class RegionsResult:
    """Where the comparison went and its tables."""

    folder: Path
    tidy: pd.DataFrame
    paired: pd.DataFrame
    summary: pd.DataFrame
    plans: list[RegionRun]


def run_region_comparison(scenarios: list[Params], sources: list[str], names: list[str], out: Path,
                          replications: int | None = None, workers: int = 1, progress: Progress | None = None,
                          command: list[str] | None = None, scheduler: str | None = None,
                          on_plan: Callable[[int], None] | None = None,
                          draw: Callable[[pd.DataFrame, int, int, int, Path], list[str]] | None = None) -> RegionsResult:
    """Run ``scenarios`` (the reference first, when there are two or more) in every named region and write ``out``.

    ``on_plan`` is told the number of replications to run once the regions are resolved (for a progress
    bar); ``draw(summary, replications, seed, months, folder)`` writes the figure
    (:func:`diffusion_sim.publish.analysis_figures.regions_figures`).
    """
    out = Path(out)
    if out.exists():
        raise ResultsError(f"{out}: already exists; results are never overwritten, choose another --out")
    if len(scenarios) != len(sources):
        raise ScenarioError("each scenario needs its source file")
    plans = plan_regions(scenarios, names)
    reps = replications or scenarios[0].simulation.replications
    if on_plan:
        on_plan(reps * sum(len(p.params) for p in plans))
    tidy, paired = run_regions(plans, reps, workers, progress, scheduler)
    summary = summary_table(tidy, paired)
    sim = scenarios[0].simulation
    settings = {
        "reference": scenarios[0].name if len(scenarios) > 1 else None,
        "origin_rule": ORIGIN_RULE,
        "common_random_numbers": "replication i of every scenario in every region uses replication i's random streams",
        "outcome_definitions": {k: v[0] for k, v in {**REGION_OUTCOMES, **PAIRED_OUTCOMES}.items()},
        "regions": {
            plan.choice.name: {
                "kind": plan.choice.kind,
                "value": plan.choice.value if isinstance(plan.choice.value, str) else list(plan.choice.value),
                "municipalities": plan.municipalities,
                "population": plan.population,
                "organisations": plan.organisations,
                "scenarios": {
                    p.name: {"origin_municipality": list(plan.origin[s]), "origin_moved": plan.origin_moved[s],
                             "parameters": p.model_dump(mode="json")}
                    for s, p in enumerate(plan.params)
                },
            }
            for plan in plans
        },
    }
    meta = manifest("regions", scenarios, sources, replications=reps, workers=workers, scheduler=scheduler,
                    command=command, settings=settings)
    tables = {"regions": tidy, "region_summary": summary}
    if len(paired):
        tables["regions_paired"] = paired
    extras = (lambda folder: draw(summary, reps, sim.seed, sim.months, folder)) if draw else None
    write_folder(out, tables, meta, extras=extras)
    return RegionsResult(folder=out, tidy=tidy, paired=paired, summary=summary, plans=plans)
