"""The report as one self-contained HTML page: figures embedded, no links, so it opens offline.

The page is :file:`report.html` (a :class:`string.Template` next to this module) filled with a
:class:`~.document.Document`'s strings and tables.
"""

from __future__ import annotations

import base64
import html
from importlib import resources
from string import Template

from diffusion_sim.publish.report.document import Document, Table
from diffusion_sim.publish.words import t


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
    template = Template(resources.files("diffusion_sim.publish.report").joinpath("report.html").read_text(encoding="utf-8"))
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
        h_claims=e(t("h_claims", doc.lang)),
        claims_table=_table_html(doc.claims, [20.0, 16.0, 30.0, 34.0], ["", "", "", ""], doc.colours, "claims"),
        claims_note=e(doc.claims_note),
        h_appendix=e(t("h_appendix", doc.lang)),
        h_headline=e(t("h_headline", doc.lang)),
        headline="\n".join(f"<li>{e(s)}</li>" for s in doc.headline),
        h_numbers=e(t("h_numbers", doc.lang)),
        numbers_table=_table_html(doc.numbers, _split(n_cols, 31.0 if n_cols <= 4 else 22.0, 0.0),
                                  ["", *["num"] * (n_cols - 1)], doc.colours, "numbers"),
        numbers_note=e(doc.numbers_note),
        innovations=_costs_html(doc) + _ranking_html(doc) + _innovations_html(doc),
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


def _costs_html(doc: Document) -> str:
    """Costs by payer, and the set-up per organisation that took it up."""
    n_cols = len(doc.costs.header)
    table = _table_html(doc.costs, _split(n_cols, 31.0, 0.0), ["", *["num"] * (n_cols - 1)], doc.colours, "costs")
    return (f'<section id="costs">\n<h2>{html.escape(t("h_costs", doc.lang))}</h2>\n{table}\n'
            f'<p class="note">{html.escape(doc.costs_note)}</p>\n</section>')


def _ranking_html(doc: Document) -> str:
    """Which assumption to measure first (empty without parameter draws)."""
    if doc.ranking is None:
        return ""
    table = _table_html(doc.ranking, [34.0, 66.0], ["", ""], doc.colours, "ranking")
    return (f'<section id="ranking">\n<h2>{html.escape(t("h_ranking", doc.lang))}</h2>\n{table}\n'
            f'<p class="note">{html.escape(doc.ranking_note)}</p>\n</section>')
