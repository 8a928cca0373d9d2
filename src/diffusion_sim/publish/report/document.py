"""The report as a :class:`Document`: everything it says in one language, built from a results folder.

The report is built once as plain strings and PNG bytes (headline sentences, key numbers, figures,
assumptions, method) and then rendered twice, by :mod:`.html` and :mod:`.pdf`, so both show the
same strings and always agree. Every number comes from :mod:`diffusion_sim.analysis.summary`,
exactly as the command line's summary table does.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from matplotlib.figure import FigureBase

from diffusion_sim.analysis.summary import difference_table, innovation_table, outcome_table
from diffusion_sim.outcomes import MONTHS_TO_ADOPTION, SHOWN, TIME_OUTCOMES, saved_name
from diffusion_sim.params import DEFAULT_PROFILE, Params, flat_fields
from diffusion_sim.publish.assumptions import KEY_ASSUMPTIONS, PORTFOLIO_ASSUMPTIONS, PROFILE_SOURCE, fmt_parameter
from diffusion_sim.publish.figures import (
    Study,
    draw_figure,
    figure_height,
    figure_names,
    make_figure,
    portfolio_innovations,
)
from diffusion_sim.publish.formats import MONTHS_LONG, Lang, check_lang, fmt_interval, fmt_number, fmt_percent, month_label
from diffusion_sim.publish.style import house_style, save
from diffusion_sim.publish.words import headline_sentences, innovation_label, outcome_label, strategy_text, subject, t

DIFF_UNITS = {"share": "share", "EUR": "EUR", "months": "months"}


@dataclass
class Table:
    """Rows of already formatted cells; ``keys`` name each row and column for tests and the explorer."""

    header: list[str]
    rows: list[list[str]]
    row_keys: list[str] = field(default_factory=list)
    col_keys: list[str] = field(default_factory=list)
    subtext: list[list[str]] = field(default_factory=list)  # a second, smaller line per cell ("" for none)


@dataclass
class Document:
    """Everything the report says, in one language, before it becomes HTML or PDF."""

    lang: Lang
    title: str
    subtitle: str
    headline: list[str]
    numbers: Table
    numbers_note: str
    innovations: Table | None  # a portfolio: each innovation's numbers
    innovations_note: str
    figures: list[tuple[str, str, str, bytes]]  # (name, title, reading note, PNG bytes)
    assumptions: Table
    assumptions_note: str
    method_text: str
    method: list[tuple[str, str, bool]]  # (label, value, value is code)
    footer: str
    colours: dict[str, str]
    version: str
    # name -> (height in inches at figures.WIDTH, draw into a part of a page): the PDF draws figures as vectors
    drawers: dict[str, tuple[float, Callable[[FigureBase], None]]] = field(default_factory=dict)


# --- numbers -----------------------------------------------------------------------------------


def headline_numbers(study: Study) -> dict[str, Any]:
    """Medians, intervals and shares reaching targets, from the same functions as the summary table.

    Returns ``{"order", "months", "outcomes": {scenario: {outcome: q}}, "differences": {scenario: {outcome: q}}}``
    where ``q`` holds ``median``, ``low``, ``high`` and ``reached`` (see :func:`analysis.summary.quantiles`).
    """
    rs = study.results
    table = outcome_table(rs.summary, study.order)
    outcomes: dict[str, dict[str, dict[str, float]]] = {}
    for row in table.itertuples(index=False):
        outcomes.setdefault(row.scenario, {})[row.outcome] = {"median": row.median, "low": row.low, "high": row.high,
                                                               "reached": row.reached, "unit": row.unit}
    differences: dict[str, dict[str, dict[str, float]]] = {}
    if rs.paired is not None and len(rs.paired) and len(study.order) > 1:
        for row in difference_table(rs.paired).itertuples(index=False):
            differences.setdefault(row.scenario, {})[row.outcome] = {"median": row.median, "low": row.low, "high": row.high,
                                                                     "pairs": row.pairs, "unit": row.unit}
    return {"order": study.order, "months": study.months, "outcomes": outcomes, "differences": differences}


def numbers_table(numbers: dict[str, Any], lang: Lang) -> Table:
    """Key numbers: median (90% interval) per scenario, how often time targets were reached, paired differences."""
    order = numbers["order"]
    months = numbers["months"]
    diffs = numbers["differences"]
    others = [n for n in order[1:] if n in diffs]
    header = [t("col_outcome", lang)] + [strategy_text(n, "label", lang) for n in order]
    header += [t("col_difference", lang, name=strategy_text(n, "label", lang), ref=strategy_text(order[0], "label", lang))
               for n in others]
    rows, subtext, keys = [], [], []
    for outcome in SHOWN:
        label = outcome_label(outcome, lang, months=months)
        cells, small = [label], [""]
        for name in order:
            q = numbers["outcomes"][name][outcome]
            cells.append(fmt_interval(q, q["unit"], lang))
            small.append(t("reached_in", lang, share=fmt_percent(q["reached"], lang)) if outcome in TIME_OUTCOMES else "")
        for name in others:
            if outcome in TIME_OUTCOMES:
                q = diffs[name].get(saved_name(outcome))
                text = fmt_interval(q, "months", lang) if q is not None and q["pairs"] else "–"
                cells.append(text)
                small.append(t("months_sooner", lang) if q is not None and q["pairs"] else "")
            elif outcome == "cost_per_patient_eur":  # a difference of ratios misleads: extra cost per extra patient
                q = diffs[name].get("incremental_cost_per_patient_eur")
                known = q is not None and q["pairs"]
                cells.append(fmt_interval(q, "EUR", lang) if known else "–")
                small.append(t("incremental_note", lang) if known else "")
            else:
                q = diffs[name][outcome]
                cells.append(_signed(fmt_interval(q, DIFF_UNITS.get(q["unit"], ""), lang), q["median"]))
                small.append("")
        rows.append(cells)
        subtext.append(small)
        keys.append(outcome)
    return Table(header=header, rows=rows, row_keys=keys, col_keys=["outcome", *order, *[f"diff:{n}" for n in others]],
                 subtext=subtext)


def innovations_table(study: Study, lang: Lang) -> Table | None:
    """A portfolio's innovations: organisations using each at the end and patients reached, per scenario."""
    names = portfolio_innovations(study)
    if not names:
        return None
    table = innovation_table(study.results.innovations, study.order)
    header = [t("col_innovation", lang)]
    for scenario in study.order:
        label = strategy_text(scenario, "label", lang)
        header += [t("col_inn_share", lang, name=label), t("col_inn_patients", lang, name=label)]
    rows, subtext = [], []
    for name in names:
        mine = table[table["innovation"] == name]
        q = {(r.scenario, r.outcome): r._asdict() for r in mine.itertuples(index=False)}
        eligible = q[(study.order[0], "eligible_orgs")]["median"]
        cells = [innovation_label(name, lang)]
        small = [t("inn_eligible", lang, n=fmt_number(int(eligible), lang))]
        for scenario in study.order:
            share, patients, target = (q[(scenario, k)] for k in ("share_adopted_final", "patients_final", MONTHS_TO_ADOPTION))
            cells += [fmt_interval(share, "share", lang), fmt_interval(patients, "patients", lang)]
            small += [t("reached_70_in", lang, share=fmt_percent(target["reached"], lang)), ""]
        rows.append(cells)
        subtext.append(small)
    return Table(header=header, rows=rows, row_keys=names, subtext=subtext,
                 col_keys=["innovation", *[f"{k}:{n}" for n in study.order for k in ("share", "patients")]])


def report_subject(study: Study, lang: Lang) -> tuple[str, str]:
    """What the report is about, mid-sentence: the innovation (or how many) and the region."""
    params = study.results.manifest["scenarios"][study.order[0]].get("parameters", {})
    names = portfolio_innovations(study) or [params.get("innovation", {}).get("name", Params().innovation.name)]
    return subject(names, params.get("region", {}), lang)


def _signed(text: str, value: float) -> str:
    """A difference reads as a change: "+227", with the typographic minus already in negative numbers."""
    return "+" + text if value is not None and not math.isnan(value) and value > 0 else text


# --- assumptions and method --------------------------------------------------------------------


def _lookup(parameters: dict[str, Any], dotted: str) -> Any:
    node: Any = parameters
    for part in dotted.split("."):
        node = node[part]
    return node


def assumptions_table(study: Study, lang: Lang) -> Table:
    """The key assumptions with their values in each scenario and their sources (params.py descriptions).

    A portfolio shows its own settings instead of one innovation's values (each innovation's are in its
    profile); a single innovation other than the default names its profile as the source.
    """
    fields = flat_fields()
    scenarios = study.results.manifest["scenarios"]
    chosen = [scenarios[n]["parameters"] for n in study.order]
    portfolio = any(p.get("portfolio", {}).get("innovations") for p in chosen)
    profiles = {p.get("innovation", {}).get("profile", DEFAULT_PROFILE) for p in chosen}
    specs = {k: v for k, v in KEY_ASSUMPTIONS.items() if not (portfolio and k.startswith("innovation."))}
    if portfolio:
        specs.update(PORTFOLIO_ASSUMPTIONS)
    header = [t("col_assumption", lang)] + [strategy_text(n, "label", lang) for n in study.order] + [t("col_source", lang)]
    rows, keys = [], []
    for dotted, spec in specs.items():
        cells = [spec[lang]]
        for params in chosen:
            try:
                value = _lookup(params, dotted)
            except KeyError:
                cells.append("–")
                continue
            eligible = tuple(k for k, v in params["innovation"]["target_share"].items() if v > 0)
            cells.append(fmt_parameter(value, spec, lang, eligible if isinstance(value, dict) else None))
        description = fields[dotted].description or "" if dotted in fields else ""
        source = description.split("; ", 1)[1] if "; " in description else description
        if dotted.startswith("innovation.") and profiles != {DEFAULT_PROFILE}:
            cells.append(PROFILE_SOURCE[lang].format(name=", ".join(sorted(profiles))))
        else:
            cells.append(spec["nl_source"] if lang == "nl" else source)
        rows.append(cells)
        keys.append(dotted)
    return Table(header=header, rows=rows, row_keys=keys, col_keys=["assumption", *study.order, "source"])


def _date(iso: str, lang: Lang) -> str:
    try:
        when = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    month = MONTHS_LONG[lang][when.month - 1]
    return f"{when.day} {month} {when.year}"


def method_rows(study: Study, lang: Lang) -> list[tuple[str, str, bool]]:
    """How the numbers were produced: files, runs, horizon, seed, version, command."""
    m = study.results.manifest
    end = month_label(study.start_year, study.start_month, study.months - 1, lang)  # the last simulated month
    start = month_label(study.start_year, study.start_month, 0, lang)
    orgs = m["scenarios"][study.order[0]].get("organisations")
    command = m.get("command")
    rows = [(t("m_scenario_file", lang, name=strategy_text(n, "label", lang)),
             Path(str(m["scenarios"][n].get("file", ""))).name, True) for n in study.order]
    rows += [
        (t("m_reps", lang), fmt_number(study.replications, lang), False),
        (t("m_horizon", lang), f"{study.months} {t('months_unit', lang)} ({start} {t('to', lang)} {end})", False),
        (t("m_seed", lang), str(study.seed), False),
        (t("m_version", lang), f"diffusion-sim {study.version}", False),
    ]
    if orgs is not None:
        rows.append((t("m_orgs", lang), fmt_number(int(orgs), lang), False))
    if m.get("created_utc"):
        rows.append((t("m_created", lang), _date(m["created_utc"], lang), False))
    rows.append((t("m_folder", lang), study.folder.name, True))
    if command:
        shown = ["diffusion-sim", *command[1:]] if isinstance(command, list) else [str(command)]
        rows.append((t("m_command", lang), " ".join(str(c) for c in shown), True))
    return rows


# --- the document ------------------------------------------------------------------------------


def build_document(study: Study, lang: str, pngs: dict[str, bytes] | None = None) -> Document:
    """Everything the report says in ``lang``; figures are drawn unless ``pngs`` (name -> PNG bytes) are given."""
    lang = check_lang(lang)
    numbers = headline_numbers(study)
    if pngs is None:
        pngs = {}
        with house_style():
            for name in figure_names(study):
                buf = io.BytesIO()
                save(make_figure(study, name, lang), buf, "png")
                pngs[name] = buf.getvalue()
    scenario_names = ", ".join(strategy_text(n, "label", lang) for n in study.order)
    subject = report_subject(study, lang)
    figures = [(name, t(f"fig_{_FIG_KEYS[name]}_title", lang), t(f"read_{_FIG_KEYS[name]}", lang), pngs[name])
               for name in figure_names(study)]
    return Document(
        lang=lang,
        title=t("report_title", lang, innovation=subject[0], region=subject[1]),
        subtitle=t("report_subtitle", lang, scenarios=" / ".join(strategy_text(n, "long", lang) for n in study.order)),
        headline=headline_sentences(numbers, lang),
        numbers=numbers_table(numbers, lang),
        numbers_note=t("numbers_note", lang, reps=fmt_number(study.replications, lang), months=study.months),
        innovations=innovations_table(study, lang),
        innovations_note=t("innovations_note", lang, months=study.months),
        figures=figures,
        assumptions=assumptions_table(study, lang),
        assumptions_note=t("assumptions_note", lang),
        method_text=t("method_text", lang, version=study.version, reps=fmt_number(study.replications, lang),
                      months=study.months, start=month_label(study.start_year, study.start_month, 0, lang, long=True),
                      seed=study.seed, scenarios=scenario_names),
        method=method_rows(study, lang),
        footer=t("footer", lang, version=study.version),
        colours=study.colours,
        version=study.version,
        drawers={name: (figure_height(study, name), partial(draw_figure, study, name, lang)) for name in figure_names(study)},
    )


_FIG_KEYS = {"1-adoption": "adoption", "2-patients": "patients", "3-time-to-targets": "targets", "4-cost": "money",
             "5-map": "map", "6-who-adopts": "types", "7-innovations": "innovations"}
