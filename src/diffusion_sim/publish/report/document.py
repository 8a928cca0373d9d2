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
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from matplotlib.figure import FigureBase

from diffusion_sim.analysis.claims import CHANCE_WANTED, answers_with_population
from diffusion_sim.analysis.summary import innovation_table
from diffusion_sim.outcomes import MONTHS_TO_ADOPTION, SHOWN, TIME_OUTCOMES, quantiles, saved_name
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
from diffusion_sim.publish.formats import (
    MONTHS_LONG,
    Lang,
    check_lang,
    fmt_eur,
    fmt_interval,
    fmt_number,
    fmt_percent,
    fmt_value,
    month_label,
)
from diffusion_sim.publish.style import house_style, save
from diffusion_sim.publish.words import (
    COST_LABELS,
    claim_texts,
    decision_label,
    headline_sentences,
    innovation_label,
    outcome_label,
    strategy_text,
    subject,
    t,
)

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
    claims: Table
    claims_note: str
    headline: list[str]
    numbers: Table
    numbers_note: str
    costs: Table
    costs_note: str
    ranking: Table | None  # which assumption to measure first (with parameter draws)
    ranking_note: str
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

    def with_pngs(self, pngs: dict[str, bytes]) -> Document:
        """The same document with the figures' PNG bytes (name -> bytes) that the HTML page embeds."""
        return replace(self, figures=[(name, title, note, pngs[name]) for name, title, note, _ in self.figures])


# --- numbers -----------------------------------------------------------------------------------


def headline_numbers(study: Study) -> dict[str, Any]:
    """Medians, intervals and shares reaching targets, from the same functions as the summary table.

    Returns ``{"order", "months", "outcomes": {scenario: {outcome: q}}, "differences": {scenario: {outcome: q}}}``
    where ``q`` holds ``median``, ``low``, ``high`` and ``reached`` (see :func:`analysis.summary.quantiles`).
    """
    rs = study.results
    outcomes: dict[str, dict[str, dict[str, float]]] = {}
    for row in study.numbers.outcomes.itertuples(index=False):
        outcomes.setdefault(row.scenario, {})[row.outcome] = {"median": row.median, "low": row.low, "high": row.high,
                                                               "reached": row.reached, "unit": row.unit,
                                                               "parameter_share": row.parameter_share, "mcse": row.mcse}
    differences: dict[str, dict[str, dict[str, float]]] = {}
    if study.numbers.differences is not None:
        for row in study.numbers.differences.itertuples(index=False):
            differences.setdefault(row.scenario, {})[row.outcome] = {"median": row.median, "low": row.low, "high": row.high,
                                                                     "pairs": row.pairs, "unit": row.unit,
                                                                     "parameter_share": row.parameter_share, "mcse": row.mcse}
    draws = rs.summary.loc[rs.summary["scenario"] == study.order[0], "draw"] if "draw" in rs.summary else None
    drawn = draws is not None and bool((draws >= 0).any())
    return {"order": study.order, "months": study.months, "outcomes": outcomes, "differences": differences,
            "team": study.numbers.team,
            "draws": int(draws.nunique()) if drawn else 0,
            "per_draw": round(len(draws) / draws.nunique()) if drawn else 0}


def parts_text(q: dict[str, Any], lang: Lang) -> str:
    """The small line under a number drawn with parameter uncertainty: the parameters' share and the median's MC error."""
    share, mcse = q.get("parameter_share", math.nan), q.get("mcse", math.nan)
    if math.isnan(mcse) or math.isinf(q["median"]):
        return ""
    error = fmt_percent(mcse, lang, 1) if q["unit"] == "share" else fmt_value(mcse, q["unit"], lang)
    if math.isnan(share):  # a ratio: only the error of its median
        return t("mc_small", lang, mcse=error)
    return t("parts_small", lang, share=fmt_percent(share, lang), mcse=error)


def ranking_table(study: Study, lang: Lang, top: int = 3) -> Table | None:
    """Which assumption to measure first: per decision outcome the ``top`` parameters and their shares."""
    ranking = study.results.assumptions
    if ranking is None or ranking.empty:
        return None
    rows, keys, subtext = [], [], []
    for outcome, sub in ranking.groupby("outcome", sort=False):
        label = decision_label(outcome, study.order[0], lang)
        ranked = sub[~sub["residual"].astype(bool)].head(top)
        if ranked["share"].isna().all():
            rows.append([label, t("ranking_flat", lang)])
            subtext.append(["", ""])
            keys.append(outcome)
            continue
        floor = float(sub["noise_floor"].iloc[0]) if "noise_floor" in sub else math.nan
        lines = []
        for r in ranked.itertuples(index=False):
            within = r.share <= floor or not r.low > 0
            mark = f" ({t('ranking_within', lang)})" if within else ""
            lines.append(f"{r.rank}. {r.parameter}: {fmt_percent(r.share, lang)} ({fmt_percent(r.low, lang)}–"
                         f"{fmt_percent(r.high, lang)}){mark}")
        rows.append([label, "\n".join(lines)])
        subtext.append([t("ranking_noise", lang, floor=fmt_percent(floor, lang)) if floor == floor else "", ""])
        keys.append(outcome)
    return Table(header=[t("col_decision", lang), t("col_rank", lang)], rows=rows, row_keys=keys,
                 col_keys=["outcome", "parameters"], subtext=subtext)


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
            small.append(t("reached_in", lang, share=fmt_percent(q["reached"], lang)) if outcome in TIME_OUTCOMES
                         else parts_text(q, lang))
        for name in others:
            if outcome in TIME_OUTCOMES:
                q = diffs[name].get(saved_name(outcome))
                text = fmt_interval(q, "months", lang) if q is not None and q["pairs"] else "–"
                cells.append(text)
                small.append(t("months_sooner_pairs", lang, pairs=fmt_number(q["pairs"], lang), after=months + 1)
                             if q is not None and q["pairs"] else "")
            elif outcome == "cost_per_patient_eur":  # a difference of ratios misleads: extra cost per extra patient
                q = diffs[name].get("incremental_cost_per_patient_eur")
                known = q is not None and q["pairs"]
                cells.append(fmt_interval(q, "EUR", lang) if known else "–")
                small.append(t("incremental_note", lang) if known else "")
            else:
                q = diffs[name][outcome]
                cells.append(_signed(fmt_interval(q, DIFF_UNITS.get(q["unit"], ""), lang), q["median"]))
                small.append(parts_text(q, lang))
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


# --- the claims (page 1) -------------------------------------------------------------------------


def claims_table(study: Study, lang: Lang, searched: dict[tuple[str, str], dict] | None = None,
                 population: dict | None = None) -> tuple[Table, int]:
    """One row per claim for each strategy against the reference: its chance in words, what the model finds, what it would take.

    Returns the table and the number of runs per strategy. ``searched`` holds the answers of
    ``what-it-takes`` folders by (claim, strategy) (:func:`diffusion_sim.studies.search.answers_for`); a
    claim below the wanted chance without one names the command that searches it. Claim 3 is
    ``population``, the answer of ``diffusion-sim population`` (a property of many innovations, not of
    this comparison), or without it a pointer to that command.
    """
    rows_in = claim_rows(study, searched, population)
    rows = [claim_texts(row, study.order, study.months, lang) for row in rows_in]
    keys = [f"{row['claim']}:{row['strategy']}" for row in rows_in]
    header = [t("col_claim", lang), t("col_chance", lang), t("col_finding", lang), t("col_takes", lang)]
    reps = int((study.results.summary["scenario"] == study.order[0]).sum())
    return Table(header=header, rows=rows, row_keys=keys, col_keys=["claim", "chance", "finding", "takes"],
                 subtext=[[""] * 4 for _ in rows]), reps


def claim_rows(study: Study, searched: dict[tuple[str, str], dict] | None = None,
               population: dict | None = None) -> list[dict]:
    """The claims' answers for ``study`` in the table's order, each with its scenario file and any search answer.

    ``population`` is claim 3's answer (:func:`diffusion_sim.analysis.population.population_answer`), if any.
    """
    rs = study.results
    rows = answers_with_population(study.numbers.claims, population)
    for row in rows:
        row["file"] = rs.manifest["scenarios"].get(row["strategy"], {}).get("file", "") if row["strategy"] else ""
        answer = (searched or {}).get((row["claim"], row["strategy"]))
        if answer is not None:
            row["what_it_takes"] = answer
    return rows


def costs_table(study: Study, lang: Lang) -> Table:
    """Costs by payer and the set-up per organisation that took it up: median (90% interval) per strategy and paired."""
    rs = study.results
    others = [n for n in study.order[1:] if rs.paired is not None]
    header = [t("col_payer", lang), *(strategy_text(n, "label", lang) for n in study.order),
              *(t("col_difference", lang, name=strategy_text(n, "label", lang), ref=strategy_text(study.order[0], "label", lang))
                for n in others)]
    rows, keys = [], []
    for col, labels in COST_LABELS.items():
        if col not in rs.summary:
            continue
        unit = "months" if col.endswith("months_per_adopter") else "EUR"
        cells = [labels[lang]]
        for name in study.order:
            cells.append(fmt_interval(quantiles(rs.summary.loc[rs.summary["scenario"] == name, col]), unit, lang))
        for name in others:
            diff = rs.paired.loc[rs.paired["scenario"] == name, col] if col in rs.paired else None
            cells.append(_signed(fmt_interval(quantiles(diff), unit, lang), quantiles(diff)["median"]) if diff is not None
                         else "–")
        rows.append(cells)
        keys.append(col)
    return Table(header=header, rows=rows, row_keys=keys, col_keys=["payer", *study.order, *[f"diff:{n}" for n in others]])


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
    # every other parameter whose value differs between the compared scenarios, so none is hidden
    shown = tuple(keys)
    for dotted, values in _differing(chosen).items():
        if dotted.startswith(shown) or dotted == "name" or dotted.startswith(("description", "uncertainty.priors")):
            continue
        field = fields.get(dotted) or fields.get(dotted.rsplit(".", 1)[0])
        description = (field.description or "") if field is not None else ""
        label, _, source = description.partition("; ")
        rows.append([f"{label or dotted} ({dotted})", *(_plain(v, lang) for v in values), source or "–"])
        keys.append(dotted)
    return Table(header=header, rows=rows, row_keys=keys, col_keys=["assumption", *study.order, "source"])


def _cost_rates(study: Study, lang: Lang) -> dict[str, str]:
    """The running cost per patient-year and the in-kind hourly rate the costs were priced at (the reference's values)."""
    params = study.results.manifest["scenarios"][study.order[-1]].get("parameters", {})
    rate = params.get("innovation", {}).get("running_cost_eur_per_patient_year", math.nan)
    in_kind = params.get("facilitation", {}).get("in_kind_rate_eur_per_hour", math.nan)
    return {"rate": fmt_eur(rate, lang), "in_kind": fmt_eur(in_kind, lang)}


def _differing(chosen: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Every finest dotted name whose value differs between the scenarios' resolved parameters, with each value."""
    def walk(node: Any, prefix: str, out: dict[str, Any]) -> dict[str, Any]:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{prefix}{k}.", out)
        else:
            out[prefix.rstrip(".")] = node
        return out

    flat = [walk(p, "", {}) for p in chosen]
    names = dict.fromkeys(k for f in flat for k in f)
    return {k: [f.get(k) for f in flat] for k in names if len({repr(f.get(k)) for f in flat}) > 1}


def _plain(value: Any, lang: Lang) -> str:
    """A parameter value without a known format: numbers with the language's separators, lists joined."""
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    if isinstance(value, int | float):
        return fmt_number(float(value), lang, 0 if float(value).is_integer() else 2)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "–"
    return "–" if value is None else str(value)


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


def figure_pngs(study: Study, lang: Lang) -> dict[str, bytes]:
    """Every figure of ``study`` as PNG bytes (name -> bytes), as the HTML page embeds them."""
    pngs = {}
    with house_style():
        for name in figure_names(study):
            buf = io.BytesIO()
            save(make_figure(study, name, lang), buf, "png")
            pngs[name] = buf.getvalue()
    return pngs


def build_document(study: Study, lang: str, pngs: dict[str, bytes] | None = None,
                   searched: dict[tuple[str, str], dict] | None = None, population: dict | None = None) -> Document:
    """Everything the report says in ``lang``; figures are drawn unless ``pngs`` (name -> PNG bytes) are given.

    The PDF draws its figures itself (``Document.drawers``): a document for the PDF alone may take
    empty bytes for each figure, and :meth:`Document.with_pngs` adds the pictures later.

    ``searched``: the answers of ``what-it-takes`` folders for the claims table (:func:`claims_table`);
    ``population``: claim 3's answer (:func:`diffusion_sim.analysis.population.population_answer`), if any.
    """
    lang = check_lang(lang)
    numbers = headline_numbers(study)
    claims, reps = claims_table(study, lang, searched, population)
    if pngs is None:
        pngs = figure_pngs(study, lang)
    scenario_names = ", ".join(strategy_text(n, "label", lang) for n in study.order)
    subject = report_subject(study, lang)
    figures = [(name, t(f"fig_{_FIG_KEYS[name]}_title", lang), t(f"read_{_FIG_KEYS[name]}", lang), pngs[name])
               for name in figure_names(study)]
    return Document(
        lang=lang,
        title=t("report_title", lang, innovation=subject[0], region=subject[1]),
        subtitle=t("report_subtitle", lang, scenarios=" / ".join(strategy_text(n, "long", lang) for n in study.order)),
        claims=claims,
        claims_note=t("claims_note", lang, reps=fmt_number(reps, lang), wanted=fmt_percent(CHANCE_WANTED, lang)),
        headline=headline_sentences(numbers, lang),
        numbers=numbers_table(numbers, lang),
        numbers_note=t("numbers_note", lang, reps=fmt_number(study.replications, lang), months=study.months) + " "
        + (t("parts_note", lang, draws=fmt_number(numbers["draws"], lang), per_draw=numbers["per_draw"]) if numbers["draws"]
           else t("chance_only_note", lang)),
        costs=costs_table(study, lang),
        costs_note=t("costs_note", lang, months=study.months, **_cost_rates(study, lang)),
        ranking=ranking_table(study, lang),
        ranking_note=t("ranking_note", lang, draws=fmt_number(numbers["draws"], lang)),
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
             "5-map": "map", "6-who-adopts": "types", "7-why-not": "why",
             "8-innovations": "innovations"}
