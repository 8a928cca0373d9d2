"""A one-page report from a results folder: headline sentences, key numbers, figures, assumptions, method.

The report is built once as a :class:`Document` (plain strings and PNG bytes) and then rendered twice:
as one self-contained HTML page (figures embedded, no links, so it opens offline) and as an A4 PDF
composed with matplotlib's ``PdfPages`` (pure Python, no browser or TeX needed). Both show the same
strings, so they always agree, and every number comes from :mod:`diffusion_sim.analysis.summary`,
exactly as the command line's summary table does.

Files are written next to the results as ``report-<lang>.html`` and ``report-<lang>.pdf``, through
temporary files that are renamed only when both are complete.
"""

from __future__ import annotations

import base64
import html
import io
import math
import os
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from diffusion_sim.analysis.summary import OUTCOMES, TIME_OUTCOMES, difference_table, innovation_table, outcome_table
from diffusion_sim.params import DEFAULT_PROFILE, Params, flat_fields
from diffusion_sim.publish.assumptions import KEY_ASSUMPTIONS, PORTFOLIO_ASSUMPTIONS, PROFILE_SOURCE, fmt_parameter
from diffusion_sim.publish.figures import (
    Study,
    figure_names,
    figures_dirname,
    load_study,
    make_figure,
    portfolio_innovations,
    render_figures,
)
from diffusion_sim.publish.formats import MONTHS_LONG, Lang, check_lang, fmt_interval, fmt_number, fmt_percent, month_label
from diffusion_sim.publish.style import house_style, save
from diffusion_sim.publish.words import OUTCOME_LABELS, headline_sentences, innovation_label, strategy_text, subject, t
from diffusion_sim.results import replace_atomically

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
    for outcome in OUTCOMES:
        label = OUTCOME_LABELS[outcome][lang].format(months=months)
        cells, small = [label], [""]
        for name in order:
            q = numbers["outcomes"][name][outcome]
            cells.append(fmt_interval(q, q["unit"], lang))
            small.append(t("reached_in", lang, share=fmt_percent(q["reached"], lang)) if outcome in TIME_OUTCOMES else "")
        for name in others:
            if outcome in TIME_OUTCOMES:
                q = diffs[name].get(f"{outcome}_saved")
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
            share, patients, target = (q[(scenario, k)] for k in ("share_adopted_final", "patients_final", "months_to_70pct"))
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
    )


_FIG_KEYS = {"1-adoption": "adoption", "2-patients": "patients", "3-time-to-targets": "targets", "4-cost": "money",
             "5-map": "map", "6-who-adopts": "types", "7-innovations": "innovations"}


# --- HTML --------------------------------------------------------------------------------------


def _cell_html(text: str, emphasise_median: bool) -> str:
    """Escaped cell text, lines kept; the median before its "(interval)" in bold."""
    e = html.escape
    if emphasise_median and " (" in text:
        median, rest = text.split(" (", 1)
        return f'<b>{e(median)}</b> <span class="iv">({e(rest)}</span>'
    return "<br>".join(e(line) for line in text.split("\n"))


def _table_html(table: Table, widths: list[float], classes: list[str], colours: dict[str, str], css: str,
                mark_differences: bool = False) -> str:
    """A table with fixed column widths (percent); ``classes`` per column ("num", "source" or "")."""
    e = html.escape
    cols = "".join(f'<col style="width:{w:.1f}%">' for w in widths)
    head = []
    for j, h in enumerate(table.header):
        key = table.col_keys[j] if j < len(table.col_keys) else ""
        swatch = f'<span class="swatch" style="background:{colours[key]}"></span>' if key in colours else ""
        klass = f' class="{classes[j]}"' if classes[j] else ""
        head.append(f"<th{klass}>{swatch}{e(h)}</th>")
    body = []
    for i, row in enumerate(table.rows):
        values = [c for j, c in enumerate(row) if table.col_keys[j] in colours]
        differs = mark_differences and len(set(values)) > 1
        cells = []
        for j, cell in enumerate(row):
            attrs = f' data-row="{e(table.row_keys[i])}" data-col="{e(table.col_keys[j])}"' if table.row_keys else ""
            small = table.subtext[i][j] if table.subtext else ""
            inner = _cell_html(cell, classes[j] == "num" and not mark_differences)
            if differs and table.col_keys[j] in colours:
                inner = f"<b>{inner}</b>"
            inner += f"<small>{e(small)}</small>" if small else ""
            klass = f' class="{classes[j]}"' if classes[j] else ""
            cells.append(f"<td{klass}{attrs}>{inner}</td>")
        body.append(("<tr class=\"differs\">" if differs else "<tr>") + "".join(cells) + "</tr>")
    return (f'<table class="{css}">\n<colgroup>{cols}</colgroup>\n<thead><tr>{"".join(head)}</tr></thead>\n<tbody>\n'
            + "\n".join(body) + "\n</tbody>\n</table>")


def _split(n: int, first: float, last: float) -> list[float]:
    """Column widths in percent: a first (label) column, an optional last one, the rest shared equally."""
    middle = n - 1 - (1 if last else 0)
    share = (100.0 - first - last) / middle
    return [first, *[share] * middle, *([last] if last else [])]


def render_html(doc: Document) -> str:
    """The report as one self-contained HTML page (figures as embedded PNG)."""
    e = html.escape
    template = Template(resources.files("diffusion_sim").joinpath("templates/report.html").read_text(encoding="utf-8"))
    figures = []
    for name, title, note, png in doc.figures:
        data = base64.b64encode(png).decode("ascii")
        figures.append(f'<figure id="fig-{e(name)}">\n<img src="data:image/png;base64,{data}" alt="{e(title)}">\n'
                       f"<figcaption>{e(note)}</figcaption>\n</figure>")
    n_cols = len(doc.numbers.header)
    method = "\n".join(f"<dt>{e(k)}</dt><dd>{'<code>' + e(v) + '</code>' if code else e(v)}</dd>" for k, v, code in doc.method)
    return template.substitute(
        lang=doc.lang,
        version=e(doc.version),
        title=e(doc.title),
        subtitle=e(doc.subtitle),
        h_headline=e(t("h_headline", doc.lang)),
        headline="\n".join(f"<li>{e(s)}</li>" for s in doc.headline),
        h_numbers=e(t("h_numbers", doc.lang)),
        numbers_table=_table_html(doc.numbers, _split(n_cols, 31.0 if n_cols <= 4 else 22.0, 0.0),
                                  ["", *["num"] * (n_cols - 1)], doc.colours, "numbers"),
        numbers_note=e(doc.numbers_note),
        innovations=_innovations_html(doc),
        h_figures=e(t("h_figures", doc.lang)),
        figures="\n".join(figures),
        h_assumptions=e(t("h_assumptions", doc.lang)),
        assumptions_table=_table_html(doc.assumptions, _split(len(doc.assumptions.header), 27.0, 33.0),
                                      ["", *["value"] * (len(doc.assumptions.header) - 2), "source"], doc.colours,
                                      "assumptions", mark_differences=True),
        assumptions_note=e(doc.assumptions_note),
        h_method=e(t("h_method", doc.lang)),
        method_text=e(doc.method_text),
        method=method,
        footer=e(doc.footer),
    )


def _innovations_html(doc: Document) -> str:
    """The per-innovation section of a portfolio's report (empty for one innovation)."""
    if doc.innovations is None:
        return ""
    n_cols = len(doc.innovations.header)
    table = _table_html(doc.innovations, _split(n_cols, 26.0, 0.0), ["", *["num"] * (n_cols - 1)], doc.colours, "innovations")
    return (f'<section id="innovations">\n<h2>{html.escape(t("h_innovations", doc.lang))}</h2>\n{table}\n'
            f'<p class="note">{html.escape(doc.innovations_note)}</p>\n</section>')


# --- PDF ---------------------------------------------------------------------------------------

A4 = (8.27, 11.69)
MARGIN = 0.6  # inches
TEXT_W = A4[0] - 2 * MARGIN
INK, MUTED, RULE = "#1f1f1f", "#5a5a5a", "#d0d0d0"


class _Pages:
    """A4 pages filled top to bottom with wrapped text, tables and images; text stays text in the PDF."""

    def __init__(self, pdf: PdfPages, doc: Document) -> None:
        self.pdf = pdf
        self.doc = doc
        self.fig: Figure | None = None
        self.y = 0.0  # inches from the top of the page
        self.number = 0
        self._measure = RendererAgg(100, 100, 72)  # 1 pixel = 1 point

    # text measurement and wrapping on the real font metrics
    def width(self, text: str, size: float, bold: bool = False) -> float:
        prop = FontProperties(family="DejaVu Sans", size=size, weight="bold" if bold else "normal")
        w, _h, _d = self._measure.get_text_width_height_descent(text, prop, ismath=False)
        return w / 72

    def wrap(self, text: str, size: float, width: float, bold: bool = False) -> list[str]:
        lines: list[str] = []
        for para in text.split("\n"):
            line = ""
            for word in para.split(" "):
                trial = f"{line} {word}" if line else word
                if line and self.width(trial, size, bold) > width:
                    lines.append(line)
                    line = word
                else:
                    line = trial
            lines.append(line)
        return lines

    def new_page(self) -> None:
        self.close_page()
        self.fig = Figure(figsize=A4)
        self.number += 1
        self.y = MARGIN
        self.fig.text(MARGIN / A4[0], 0.35 / A4[1], self.doc.title, fontsize=7, color=MUTED, ha="left", va="bottom")
        self.fig.text(1 - MARGIN / A4[0], 0.35 / A4[1], t("page", self.doc.lang, n=self.number), fontsize=7, color=MUTED,
                      ha="right", va="bottom")

    def close_page(self) -> None:
        if self.fig is not None:
            self.pdf.savefig(self.fig)
            self.fig = None

    def room(self, height: float) -> None:
        if self.fig is None or self.y + height > A4[1] - MARGIN - 0.2:
            self.new_page()

    def text(self, x: float, text: str, size: float, bold: bool = False, color: str = INK) -> None:
        assert self.fig is not None
        self.fig.text(x / A4[0], 1 - self.y / A4[1], text, fontsize=size, fontweight="bold" if bold else "normal",
                      color=color, ha="left", va="top")

    def para(self, text: str, size: float = 9.5, bold: bool = False, color: str = INK, indent: float = 0.0,
             bullet: str | None = None, after: float = 0.08) -> None:
        lines = self.wrap(text, size, TEXT_W - indent, bold)
        step = size * 1.38 / 72
        if len(lines) <= 6:  # a short paragraph is never split over two pages
            self.room(len(lines) * step)
        for k, line in enumerate(lines):
            self.room(step)
            if bullet and k == 0:
                self.text(MARGIN + indent - 0.16, bullet, size, bold, color)
            self.text(MARGIN + indent, line, size, bold, color)
            self.y += step
        self.y += after

    def heading(self, text: str, keep: float = 0.9) -> None:
        self.room(0.5 + keep)
        self.y += 0.14
        self.text(MARGIN, text, 12.5, bold=True)
        self.y += 0.27
        assert self.fig is not None
        self.fig.add_artist(_rule(self.y, 1.2, INK))
        self.y += 0.1

    def table(self, table: Table, widths: list[float], numeric: set[int], size: float = 8.0,
              bold_rows: set[int] | None = None, bold_cols: set[int] | None = None) -> None:
        """Rows of wrapped cells; the header (if any) repeats on a new page and never stands alone at a page end."""
        step = size * 1.3 / 72
        pad = 0.05

        def cell_lines(row: list[str], subtext: list[str] | None, bold: bool) -> list[list[tuple[str, bool]]]:
            out = []
            for j, cell in enumerate(row):
                lines = [(s, False) for s in self.wrap(cell, size, widths[j] - 2 * pad, bold)]
                if subtext and subtext[j]:
                    lines += [(s, True) for s in self.wrap(subtext[j], size - 1, widths[j] - 2 * pad)]
                out.append(lines)
            return out

        def height(row_lines: list[list[tuple[str, bool]]]) -> float:
            return max(len(c) for c in row_lines) * step + 2 * pad

        def draw(row_lines: list[list[tuple[str, bool]]], bold: bool | set[int], line_colour: str, lw: float) -> None:
            before = self.number
            self.room(height(row_lines))
            if self.number != before and header and bold is not True:  # moved to a new page: repeat the header
                draw(header, True, INK, 1.0)
            assert self.fig is not None
            x = MARGIN
            for j, lines in enumerate(row_lines):
                heavy = bold is True or (isinstance(bold, set) and j in bold)
                for k, (line, small) in enumerate(lines):
                    xx = x + widths[j] - pad if j in numeric else x + pad
                    self.fig.text(xx / A4[0], 1 - (self.y + pad + k * step) / A4[1], line, fontsize=size - (1 if small else 0),
                                  fontweight="bold" if heavy and not small else "normal", color=MUTED if small else INK,
                                  ha="right" if j in numeric else "left", va="top")
                x += widths[j]
            self.y += height(row_lines)
            self.fig.add_artist(_rule(self.y, lw, line_colour))

        header = cell_lines(table.header, None, True) if any(table.header) else None
        bodies = [cell_lines(row, table.subtext[i] if table.subtext else None, False) for i, row in enumerate(table.rows)]
        if header:
            self.room(height(header) + (height(bodies[0]) if bodies else 0))
            draw(header, True, INK, 1.0)
        for i, lines in enumerate(bodies):
            draw(lines, (bold_cols or set()) if i in (bold_rows or set()) else False, RULE, 0.5)
        self.y += 0.1

    def image(self, png: bytes, width: float = TEXT_W) -> None:
        from PIL import Image  # a dependency of matplotlib

        with Image.open(io.BytesIO(png)) as im:
            arr = np.asarray(im.convert("RGB"))  # 8-bit RGB: a third of the size and time of float RGBA
        h = width * arr.shape[0] / arr.shape[1]
        self.room(h + 0.1)
        assert self.fig is not None
        ax = self.fig.add_axes((MARGIN / A4[0], 1 - (self.y + h) / A4[1], width / A4[0], h / A4[1]))
        ax.imshow(arr, interpolation="none")
        ax.set_axis_off()
        self.y += h + 0.08


def _rule(y: float, lw: float, colour: str) -> Any:
    from matplotlib.lines import Line2D

    return Line2D([MARGIN / A4[0], 1 - MARGIN / A4[0]], [1 - y / A4[1]] * 2, linewidth=lw, color=colour)


def render_pdf(doc: Document, path: Path) -> None:
    """The report as an A4 PDF: the same text, tables and figures as the HTML page."""
    with house_style(), PdfPages(path, metadata={"Title": doc.title, "Creator": f"diffusion-sim {doc.version}",
                                                 "CreationDate": None}) as pdf:
        pages = _Pages(pdf, doc)
        pages.new_page()
        pages.para(doc.title, 17, bold=True, after=0.02)
        pages.para(doc.subtitle, 10, color=MUTED, after=0.15)
        pages.heading(t("h_headline", doc.lang))
        for k, sentence in enumerate(doc.headline):
            pages.para(sentence, 10.5 if k == 0 else 9.5, bold=k == 0, indent=0.2, bullet="•", after=0.05)
        pages.heading(t("h_numbers", doc.lang))
        n = len(doc.numbers.header)
        first = 2.3
        pages.table(doc.numbers, [first] + [(TEXT_W - first) / (n - 1)] * (n - 1), numeric=set(range(1, n)))
        pages.para(doc.numbers_note, 8, color=MUTED)
        if doc.innovations is not None:
            pages.heading(t("h_innovations", doc.lang), keep=2.0)
            n = len(doc.innovations.header)
            first = 1.9
            pages.table(doc.innovations, [first] + [(TEXT_W - first) / (n - 1)] * (n - 1), numeric=set(range(1, n)), size=7.5)
            pages.para(doc.innovations_note, 8, color=MUTED)
        pages.heading(t("h_figures", doc.lang))
        for _name, _title, note, png in doc.figures:
            pages.room(TEXT_W * 0.62)
            pages.image(png)
            pages.para(note, 8, color=MUTED, after=0.2)
        pages.heading(t("h_assumptions", doc.lang), keep=2.5)
        n = len(doc.assumptions.header)
        label_w, source_w = 1.65, 2.15
        value_w = (TEXT_W - label_w - source_w) / (n - 2)
        differs = {i for i, row in enumerate(doc.assumptions.rows) if len(set(row[1:-1])) > 1}
        pages.table(doc.assumptions, [label_w] + [value_w] * (n - 2) + [source_w], numeric=set(), size=7.5,
                    bold_rows=differs, bold_cols=set(range(1, n - 1)))
        pages.para(doc.assumptions_note, 8, color=MUTED)
        pages.heading(t("h_method", doc.lang))
        pages.para(doc.method_text, 9)
        pages.table(Table(header=["", ""], rows=[[k, v] for k, v, _code in doc.method]), [1.9, TEXT_W - 1.9], numeric=set(),
                    size=8)
        pages.para(doc.footer, 8, color=MUTED)
        pages.close_page()


# --- writing -----------------------------------------------------------------------------------


def report_paths(folder: Path, lang: Lang) -> tuple[Path, Path]:
    """Where the report of ``folder`` in ``lang`` goes."""
    return folder / f"report-{lang}.html", folder / f"report-{lang}.pdf"


def _write_report_files(doc: Document, folder: Path) -> list[Path]:
    """Write HTML and PDF to temporary names, then rename both; a failure leaves the old report (or none)."""
    html_path, pdf_path = report_paths(folder, doc.lang)
    tmp_html = folder / f".{html_path.name}.tmp-{os.getpid()}"
    tmp_pdf = folder / f".{pdf_path.name}.tmp-{os.getpid()}"
    try:
        tmp_html.write_text(render_html(doc), encoding="utf-8")
        render_pdf(doc, tmp_pdf)
        os.replace(tmp_html, html_path)
        os.replace(tmp_pdf, pdf_path)
    finally:
        for tmp in (tmp_html, tmp_pdf):
            tmp.unlink(missing_ok=True)
    return [html_path, pdf_path]


def write_report(folders: list[str | Path], lang: str = "nl") -> list[Path]:
    """Write ``report-<lang>.html`` and ``.pdf`` into each results folder; returns the files written.

    Every folder is read and checked first, so one bad folder stops the command before anything is written.
    """
    lang = check_lang(lang)
    studies = [load_study(f) for f in folders]
    written: list[Path] = []
    for study in studies:
        written += _write_report_files(build_document(study, lang), study.folder)
    return written


def publish(folder: str | Path, lang: str = "nl", formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Figures and report for one results folder, drawing each figure once (what ``compare`` does by default)."""
    lang = check_lang(lang)
    study = load_study(folder)
    target = study.folder / figures_dirname(lang)
    formats = tuple(dict.fromkeys(("png", *formats)))

    def build(tmp: Path) -> Document:
        render_figures(study, lang, tmp, formats)
        pngs = {name: (tmp / f"{name}.png").read_bytes() for name in figure_names(study)}
        return build_document(study, lang, pngs)

    doc = replace_atomically(build, target)
    return [target, *_write_report_files(doc, study.folder)]

