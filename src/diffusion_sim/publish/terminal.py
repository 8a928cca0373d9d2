"""What the command line prints: its tables, laid out for the terminal's width, and the text in their cells.

:func:`render` is the one table layout: it never cuts a cell, wraps the columns that may wrap, and
keeps names whole (a parameter name must be copyable into ``--set``); when the names do not leave
room for the other columns it puts each row's name on a line of its own with the other columns
below it. Output to a file is laid out for 80 columns. The analyses' tables (``sweep``,
``sensitivity``, ``regions``, ``calibrate``) and ``params`` are built here, in the ``--lang`` of the
command, with the number formats of the report (:mod:`diffusion_sim.publish.formats`); ``compare``
and ``run`` print English cells made by :func:`format_interval`.
"""

from __future__ import annotations

import shlex
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from diffusion_sim.analysis.regions import EXTRA_PER_EUR
from diffusion_sim.outcomes import MONTHS_TO_ADOPTION, MONTHS_TO_PATIENTS, point_names, saved_name
from diffusion_sim.publish.formats import (
    DASH,
    FORMAT_WORDS,
    Lang,
    fmt_measure,
    fmt_number,
    fmt_percent,
    fmt_range,
    fmt_value,
)
from diffusion_sim.publish.words import (
    CLAIM_WORDS,
    a,
    decision_label,
    outcome_label,
    point_label,
    strategy_text,
    t,
    target_fields,
)


def format_value(value: float, unit: str) -> str:
    """A number as people read it in a table: thousands separated, shares as percentages."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "-"
    if np.isinf(value):
        return "not reached"
    if unit == "share":
        return f"{round(100 * value) + 0:.0f}%"  # + 0: a share just below 0 reads 0%, not -0%
    if unit == "EUR":
        return f"EUR {value:,.0f}"
    if unit == "months":
        return f"{value:.0f}"
    return f"{value:,.0f}"


def format_interval(median: float, low: float, high: float, unit: str, reached: float = float("nan")) -> str:
    """``median (low to high)`` for a terminal table, the unit written once; times say how often they were reached."""
    def bare(v: float) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return "-"
        if np.isinf(v):
            return "n.r."
        return format_value(v, unit).removeprefix("EUR ")

    if all(isinstance(v, float) and np.isnan(v) for v in (median, low, high)):
        return "no replication to compare"
    if reached == reached:  # a time to target
        if reached == 0:
            return "never within the horizon"
        share = "<1%" if reached < 0.005 else f"{100 * reached:.0f}%"
        if np.isinf(median):
            return f"not reached in most; {share} reach it"
        return f"{format_value(median, unit)} ({bare(low)} to {bare(high)}); {share} reach it"
    return f"{format_value(median, unit)} ({bare(low)} to {bare(high)})"


def format_parts(row: pd.Series) -> str:
    """A second line for a cell under parameter draws: the parameters' share of the spread and the median's MC error.

    Empty when the outcome does not vary; no error for a median that is "not reached".
    """
    share, mcse = row.get("parameter_share", np.nan), row.get("mcse", np.nan)
    if share != share and (mcse != mcse or mcse == 0):
        return ""
    parts = [f"param. {100 * share:.0f}%"] if share == share else []
    if mcse == mcse and not np.isinf(row["median"]):
        error = f"{100 * mcse:.1f}%" if row["unit"] == "share" else format_value(mcse, row["unit"])
        parts.append(f"MC ±{error}")
    return "\n" + ", ".join(parts) if parts else ""


def parts_note() -> str:
    """What the second line of a cell says (see :func:`format_parts`)."""
    return ("\nparam.: share of the spread due to parameter uncertainty (the rest is chance);"
            "\nMC: Monte Carlo error of the median (more replications shrink it)")


def assumption_lines(table: pd.DataFrame, reference: str, top: int = 3) -> list[str]:
    """Which assumption to measure first: the ``top`` parameters per decision outcome, each with its share (90% interval).

    A share at or below the noise floor (what a parameter without effect gets), or whose interval
    reaches 0, cannot be told from no effect with these draws: it is marked.
    """
    draws = table.attrs.get("draws") or (int(table["draws"].iloc[0]) if "draws" in table and len(table) else None)
    lines = ["Which assumption to measure first: the share of each outcome's variance",
             "that knowing a parameter exactly would remove (90% interval)"
             + (f", from {draws:,} draws" if draws else "")]
    for outcome, rows in table.groupby("outcome", sort=False):
        ranked = rows[~rows["residual"]].head(top)
        label = decision_label(outcome, reference, "en")
        if ranked["share"].isna().all():
            note = ranked["note"].iloc[0] if len(ranked) else "nothing to rank"
            lines += [f"  {label}:", f"    {note}: nothing to rank" if note == "outcome does not vary" else f"    {note}"]
            continue
        lines.append(f"  {label}:")
        floor = rows["noise_floor"].iloc[0] if "noise_floor" in rows else np.nan
        if floor == floor:
            lines.append(f"    (a parameter without effect gets up to {100 * floor:.0f}% here)")
        for r in ranked.itertuples(index=False):
            unclear = " - within noise" if r.share <= floor or not r.low > 0 else ""
            lines.append(f"    {r.rank}. {r.parameter}")
            lines.append(f"       {100 * r.share:.0f}% ({100 * r.low:.0f}-{100 * r.high:.0f}%){unclear}")
    return lines


def format_ratio(value: float) -> str:
    """A ratio (patients per EUR 1,000) with as many digits as it needs: 1,234, 12.3 or 1.23; NaN is a dash."""
    if value != value:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


# --- the one table layout ------------------------------------------------------------------------

GAP = "  "  # between columns
INDENT = "    "  # the columns under a name of their own
HEADER_MAX = 24  # a header wider than its column's cells wraps at this width


@dataclass(frozen=True)
class Column:
    """A column: its header (may wrap at spaces), alignment, and whether its cells are names (never wrapped)."""

    header: str
    align: Literal["left", "right"] = "right"
    name: bool = False


def _lines(text: str, width: int | None) -> list[str]:
    """``text`` as lines of at most ``width`` (wrapped at spaces, a longer word kept whole); its own line breaks kept."""
    out: list[str] = []
    for part in str(text).split("\n"):
        if width is None or len(part) <= width:
            out.append(part)
        else:
            out.extend(textwrap.wrap(part, width, break_long_words=False, break_on_hyphens=False) or [""])
    return out


def _longest_word(text: str) -> int:
    return max((len(w) for w in str(text).split()), default=0)


def _widths(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[int] | None:
    """Column widths that fit ``width``, or None if the names alone leave no room."""
    def natural_width(k: int, col: Column) -> int:
        cells = max([len(line) for r in rows for line in str(r[k]).split("\n")] or [0])
        header = max(len(line) for line in col.header.split("\n"))
        return max(cells, header if col.name else min(header, max(cells, HEADER_MAX)))

    natural = [natural_width(k, col) for k, col in enumerate(columns)]
    least = [natural[k] if col.name else max(_longest_word(col.header), *(_longest_word(line) for r in rows
                                                                          for line in str(r[k]).split("\n")), 1)
             for k, col in enumerate(columns)]
    room = width - len(GAP) * (len(columns) - 1)
    if sum(natural) <= room:
        return natural
    if sum(least) > room:
        return None
    spare, give = room - sum(least), [n - m for n, m in zip(natural, least, strict=True)]
    total = sum(give) or 1
    out = [m + int(spare * g / total) for m, g in zip(least, give, strict=True)]
    return out


def _row(columns: Sequence[Column], cells: Sequence[str], widths: list[int], indent: str = "") -> list[str]:
    wrapped = [_lines(c, w) for c, w in zip(cells, widths, strict=True)]
    out = []
    for i in range(max(len(w) for w in wrapped)):
        parts = []
        for col, w, lines in zip(columns, widths, wrapped, strict=True):
            text = lines[i] if i < len(lines) else ""
            parts.append(text.ljust(w) if col.align == "left" else text.rjust(w))
        out.append((indent + GAP.join(parts)).rstrip())
    return out


def _header(columns: Sequence[Column], widths: list[int], indent: str = "") -> list[str]:
    return [*_row(columns, [c.header for c in columns], widths, indent),
            (indent + GAP.join("-" * w for w in widths)).rstrip()]


def render(columns: Sequence[Column], rows: Sequence[Sequence[str] | None], width: int, title: str = "",
           notes: Sequence[str] = ()) -> str:
    """A table as text at most ``width`` wide where it can be: names whole, other cells wrapped, headers distinct.

    ``rows`` hold one string per column (a newline breaks a line); ``None`` is a blank line between groups.
    If the name columns leave too little room, each row's leading columns up to its last name go on a
    line of their own and the other columns are laid out below them, indented, under headers of their own.
    """
    table = [None if r is None else [str(c) for c in r] for r in rows]
    cells = [r for r in table if r is not None]
    out = _lines(title, width) if title else []
    widths = _widths(columns, cells, width)
    if widths is not None:
        out += _header(columns, widths)
        for row in table:
            out += [""] if row is None else _row(columns, row, widths)
    else:
        last_name = max(k for k, c in enumerate(columns) if c.name)
        lead, rest = list(columns[: last_name + 1]), list(columns[last_name + 1:])
        sub = _widths(rest, [r[last_name + 1:] for r in cells], width - len(INDENT)) \
            or [max(_longest_word(c.header), 1) for c in rest]
        lead_widths = [max(len(c.header), *(len(r[k]) for r in cells)) for k, c in enumerate(lead)]
        aligned = sum(lead_widths) + len(GAP) * (len(lead) - 1) <= width

        def lead_lines(texts: Sequence[str]) -> list[str]:
            """Aligned under the headers where the names fit on one line, else ``header = value``, one a line."""
            if aligned:
                return [GAP.join(x.ljust(w) for x, w in zip(texts, lead_widths, strict=True)).rstrip()]
            return [f"{c.header} = {x}" for c, x in zip(lead, texts, strict=True)]

        if aligned:
            out += lead_lines([c.header for c in lead])
        out += _header(rest, sub, INDENT)
        for row in table:
            if row is None:
                out.append("")
                continue
            out += lead_lines(row[: last_name + 1])
            out += _row(rest, row[last_name + 1:], sub, INDENT)
    for note in notes:
        out += _lines(note, width)
    return "\n".join(out)


# --- params ----------------------------------------------------------------------------------------


def toml_value(value: Any) -> str:
    """A parameter value as ``--set NAME=VALUE`` and a scenario file take it (an unset value reads "unset")."""
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return repr(value)


def parameter_list(fields: Mapping[str, Any], defaults: Mapping[str, Any], width: int) -> str:
    """``diffusion-sim params``: every parameter as ``name = default`` on a line of its own, its unit and source below.

    The name is never wrapped or cut, so it can be copied into ``--set``; the rest wraps at ``width``.
    """
    out = _lines("Parameters with their defaults (the Zuidwest isolated baseline) and, below each, its unit and "
                 "source. Change one with --set NAME=VALUE.", width)
    for name, info in fields.items():
        value: Any = defaults
        for part in name.split("."):
            value = value[part]
        out.append("")
        head = f"{name} = "
        wrapped = textwrap.wrap(toml_value(value), max(width - len(head), 20), break_long_words=False,
                                break_on_hyphens=False) or [""]
        out.append(head + wrapped[0])
        out += [INDENT + line for line in wrapped[1:]]
        out += [INDENT + line for line in _lines(info.description or "", width - len(INDENT))]
    return "\n".join(out)


# --- the analyses' tables, in the command's language -----------------------------------------------


def _varied(value: Any, lang: Lang) -> str:
    """A varied parameter's value: on/off, or a number in the language's format with the digits it has."""
    if isinstance(value, bool | np.bool_):
        return a("on" if value else "off", lang)
    if isinstance(value, str):
        return value
    v = float(value)
    decimals = 0 if v.is_integer() else min(len(f"{v:g}".partition(".")[2]), 6)
    return fmt_number(v, lang, decimals)


def sweep_table(points: pd.DataFrame, names: Sequence[str], outcomes: Sequence[str], lang: Lang, width: int,
                limit: int = 60) -> str:
    """The sweep's points: the varied values (headed by the full parameter names) and each outcome's mean ± MCSE."""
    units = {k: u for k, (_, u) in point_names().items()}
    columns = [Column(n, "right", name=True) for n in names] + [Column(point_label(o, lang)) for o in outcomes]
    rows = []
    for _, r in points.head(limit).iterrows():
        cells = [_varied(r[n], lang) for n in names]
        cells += [f"{fmt_measure(r[o], units.get(o, ''), lang)} ± {fmt_measure(r[o + '_mcse'], units.get(o, ''), lang)}"
                  for o in outcomes]
        rows.append(cells)
    notes = [a("sweep_more", lang, n=fmt_number(len(points) - limit, lang))] if len(points) > limit else []
    return render(columns, rows, width, a("sweep_title", lang), notes)


def sensitivity_tables(indices: pd.DataFrame, method: str, lang: Lang, width: int) -> str:
    """Per outcome, the parameters by rank: the main index with its 95% CI, the second index, and whether it is separated."""
    metric, second = ("mu_star", "sigma") if method == "morris" else ("ST", "S1")
    shown = {"mu_star": "μ*", "sigma": "σ", "ST": "ST", "S1": "S1"}
    units = {k: u for k, (_, u) in point_names().items()}
    out = []
    for outcome, rows in indices.groupby("outcome", sort=False):
        unit = units.get(str(outcome), "") if method == "morris" else ""
        noise = rows["noise_share"].iloc[0]
        noise_text = fmt_percent(noise, lang, 1) if noise == noise else a("sens_no_variation", lang)
        columns = [Column(a("col_rank", lang)), Column(a("col_parameter", lang), "left", name=True),
                   Column(shown[metric]), Column(a("col_ci", lang)), Column(shown[second]),
                   Column(a("col_separated", lang), "left")]
        table = []
        for _, r in rows.iterrows():
            low, high = r[metric] - r[metric + "_conf"], r[metric] + r[metric + "_conf"]
            table.append([str(r["rank"]), r["parameter"], fmt_measure(r[metric], unit, lang),
                          fmt_range(fmt_measure(low, unit, lang), fmt_measure(high, unit, lang), lang),
                          fmt_measure(r[second], unit, lang), t("yes" if r["separated_from_next"] else "no", lang)])
        title = a("sens_title", lang, outcome=point_label(str(outcome), lang), metric=shown[metric], noise=noise_text)
        out.append(render(columns, table, width, title))
    return "\n\n".join(out)


def _interval(r: pd.Series, lang: Lang) -> str:
    """``median (low–high)`` of a regions row; a time says how often it is reached, a missed one "never"."""
    unit = "EUR" if r["unit"] == "EUR" else "share" if r["unit"] == "share" else ""
    if r["outcome"].startswith("months_saved") and r["n"] == 0:
        return a("reg_neither", lang)
    if all(v != v for v in (r["median"], r["low"], r["high"])):
        return DASH
    reached = r.get("reached", float("nan"))
    if reached == reached:  # a time to a target
        if reached == 0:
            return a("reg_never", lang)
        share = a("reg_reach_it", lang, share=fmt_percent(reached, lang))
        if np.isinf(r["median"]):
            return f"{FORMAT_WORDS['not_reached'][lang]}; {share}"
        bounds = fmt_range(fmt_value(r["low"], "months", lang), fmt_value(r["high"], "months", lang), lang)
        return f"{fmt_number(r['median'], lang)} ({bounds}); {share}"
    def fmt(v: float) -> str:  # counts and euros as the report writes them; a ratio with the digits it needs
        return fmt_measure(v, unit, lang) if r["unit"] in ("ratio", "share") else fmt_value(v, unit, lang)

    return f"{fmt(r['median'])} ({fmt_range(fmt(r['low']), fmt(r['high']), lang)})"


def regions_tables(summary: pd.DataFrame, lang: Lang, width: int) -> str:
    """Per region: its size and first user, the outcomes per scenario and, with a reference, the paired differences."""
    plain = summary[summary["reference"] == ""]
    paired = summary[summary["reference"] != ""]
    scenarios = list(dict.fromkeys(plain["scenario"]))
    rows_plain = [("reach_per_eur_1000", a("reg_per_eur", lang)),
                  (MONTHS_TO_PATIENTS, outcome_label(MONTHS_TO_PATIENTS, lang)),
                  (MONTHS_TO_ADOPTION, outcome_label(MONTHS_TO_ADOPTION, lang)),
                  ("patients_final", point_label("patients_final", lang)),
                  ("patients_final_per_100k", a("reg_per_100k", lang)),
                  ("total_cost_eur", point_label("total_cost_eur", lang))]
    rows_paired = [(EXTRA_PER_EUR, a("reg_extra_per_eur", lang)),
                   (saved_name(MONTHS_TO_PATIENTS), a("reg_saved_patients", lang)),
                   (saved_name(MONTHS_TO_ADOPTION), a("reg_saved_70", lang)),
                   ("patients_final", a("reg_extra_patients", lang)), ("total_cost_eur", a("reg_extra_cost", lang))]

    def cell(frame: pd.DataFrame, region: str, scenario: str, outcome: str) -> str:
        row = frame[(frame["region"] == region) & (frame["scenario"] == scenario) & (frame["outcome"] == outcome)]
        return DASH if row.empty else _interval(row.iloc[0], lang)

    out = []
    for region, sub in summary.groupby("region", sort=False):
        first = sub.iloc[0]
        origin = str(first["origin_municipality_name"]) + (a("reg_moved", lang) if first["origin_moved"] else "")
        title = a("reg_title", lang, region=region, inhabitants=fmt_number(first["population"], lang),
                  eligible=fmt_number(first["eligible_orgs"], lang), origin=origin)
        columns = [Column(a("reg_outcomes", lang), "left")] + [Column(strategy_text(s, "label", lang)) for s in scenarios]
        rows = [[label, *(cell(plain, region, s, o) for s in scenarios)] for o, label in rows_plain]
        out.append(render(columns, rows, width, title))
        mine = paired[paired["region"] == region]
        if not mine.empty:
            pairs = list(dict.fromkeys(mine["scenario"]))
            heads = [a("reg_paired", lang, name=strategy_text(s, "label", lang),
                       ref=strategy_text(mine[mine["scenario"] == s]["reference"].iloc[0], "label", lang)) for s in pairs]
            columns = [Column("", "left")] + [Column(h) for h in heads]
            rows = [[label, *(cell(paired, region, s, o) for s in pairs)] for o, label in rows_paired]
            out.append(render(columns, rows, width))
    return "\n\n".join(out)


def calibration_table(fit: pd.DataFrame, lang: Lang, width: int) -> str:
    """Target against what the fitted values give, on the fitting and on fresh runs, how far off and whether reached."""
    units = {k: u for k, (_, u) in point_names().items()}
    columns = [Column(a("col_target", lang), "left", name=True), Column(a("col_target_value", lang)),
               Column(a("col_fitting_runs", lang)), Column(a("col_fresh_runs", lang)), Column(a("col_off_by", lang)),
               Column(a("col_within", lang), "left")]
    rows = []
    for _, r in fit.iterrows():
        unit = units.get(str(r["target"]), "")

        def m(v: float, unit: str = unit) -> str:
            return fmt_measure(v, unit, lang)

        off = m(r["distance"])
        rows.append([r["target"], m(r["value"]),
                     f"{m(r['fitted_value'])} ± {m(r['fitted_mcse'])} (n = {fmt_number(r['fitted_replications'], lang)})",
                     f"{m(r['check_value'])} ± {m(r['check_mcse'])} (n = {fmt_number(r['check_replications'], lang)})",
                     off if off.startswith(("−", "-")) or r["distance"] == 0 else f"+{off}",
                     t("yes" if r["reached"] else "no", lang)])
    return render(columns, rows, width, a("cal_title", lang))


# --- what it would take (issue 16) -------------------------------------------------------------
WIDTH = 80


def _chance_text(a: Mapping[str, Any]) -> str:
    return (f"chance {format_value(a['chance'], 'share')} (90% interval {format_value(a['low'], 'share')} to "
            f"{format_value(a['high'], 'share')}, {a['runs']:,} runs)")


def _outcome_text(outcome: Mapping[str, Any] | None) -> str:
    if not outcome:
        return ""
    unit = "share" if outcome["name"] == "share_adopted_final" else "patients"
    text = f"{outcome['name']}: median {format_interval(outcome['median'], outcome['low'], outcome['high'], unit)}"
    if "reached" in outcome and outcome["reached"] == outcome["reached"]:
        text += (f"; months to 70%: "
                 f"{format_interval(outcome['months_median'], outcome['months_low'], outcome['months_high'], 'months',
                                    outcome['reached'])}")
    return text


def _cost_text(a: Mapping[str, Any], months: int | None) -> list[str]:
    parts = a.get("cost_parts") or {}
    over = f" over {months} months" if months else ""
    return [f"cost {format_value(a['cost_eur'], 'EUR')}{over} (mean): team money "
            f"{format_value(parts.get('team_money_eur', np.nan), 'EUR')}, team time "
            f"{format_value(parts.get('team_time_eur', np.nan), 'EUR')}, insurer "
            f"{format_value(parts.get('insurer_eur', np.nan), 'EUR')}",
            f"organisations' own set-up costs (not counted): {format_value(a['organisations_eur'], 'EUR')}"]


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False) or [""]


def what_it_takes_lines(answer: Mapping[str, Any]) -> list[str]:
    """The answer of ``what-it-takes`` for the terminal (see ``analysis.search`` for its fields).

    Prose is wrapped at 80 columns; each ``--set`` argument is one whole, shell-quoted line to copy.
    """
    claim = answer["claim"]
    words = CLAIM_WORDS[claim]["en"].format(**target_fields("en")) if claim in CLAIM_WORDS else claim
    lines = _wrap(f"What it would take: {claim} ({words}) with a chance of at least "
                  f"{format_value(answer['wanted'], 'share')}, at the least expected cost")
    scenario = answer.get("scenario")
    months = answer.get("months")
    if scenario:
        lines += _wrap(f"The scenario as it is: {_chance_text(scenario)}", "")
        lines += _wrap(_outcome_text(scenario.get("outcome")), "  ")
        for text in _cost_text(scenario, None):
            lines += _wrap(text, "  ")
    verdict = answer["verdict"]
    if verdict == "undecided" and answer.get("chance") is None:
        lines += _wrap("No answer: the search stopped at its budget of runs before a setting could be confirmed; "
                       "give a larger --budget.")
    else:
        if verdict == "reachable":
            head = ("Answer: the claim already holds; the least costly setting found" if answer.get("already_holds")
                    else "Answer: the least costly setting found")
            head += " (changes from the scenario):" if answer.get("set_args") else ": the scenario as it is"
        elif verdict == "not_reachable":
            head = "Answer: NOT REACHABLE within these levers. The closest setting (changes from the scenario):"
        else:
            head = "No answer within the budget; the best confirmed setting (changes from the scenario):"
        lines += _wrap(head)
        for arg in answer.get("set_args") or []:  # whole and shell-quoted, to copy (a long one may pass 80 columns)
            lines.append(f"  --set {shlex.quote(arg)}" + ("  # no fixed month: leave it out" if arg.endswith("=none") else ""))
        clear = "" if answer.get("margin_clear") or verdict != "reachable" else "; its interval reaches below the wanted chance"
        lines += _wrap(_chance_text(answer) + clear, "  ")
        lines += _wrap(_outcome_text(answer.get("outcome")), "  ")
        for text in _cost_text(answer, months):
            lines += _wrap(text, "  ")
    for note in (answer.get("search") or {}).get("notes") or []:
        lines += _wrap(f"Note: {note}.")
    return lines



# --- claim 3: a population of innovations -------------------------------------------------------


def _points(value: float, lang: Lang) -> str:
    """A difference of shares in percentage points, signed: "+54.5" (en) or "+54,5" (nl)."""
    text = fmt_number(100 * value, lang, 1)
    return text if text == DASH or text.startswith(("−", "-")) or value == 0 else "+" + text


def _chance(value: float, lang: Lang) -> str:
    if value != value:
        return DASH
    if value > 0.999:
        return ">" + fmt_percent(0.999, lang, 1)
    return "<" + fmt_percent(0.001, lang, 1) if value < 0.001 else fmt_percent(value, lang, 1)


def _significant(value: float, lang: Lang) -> str:
    """A knob's value to three significant digits, with the language's decimal sign: 0.083 (en), 0,083 (nl)."""
    text = f"{value:.3g}"
    return text.replace(".", ",") if lang == "nl" else text


def population_tables(answer: Mapping[str, Any], by_attribute: pd.DataFrame | None = None,
                      differ: pd.DataFrame | None = None, calibration: Mapping[str, Any] | None = None,
                      lang: Lang = "en", width: int = WIDTH) -> str:
    """What ``diffusion-sim population`` prints: the success shares, their paired difference and the knob, within ``width``.

    ``answer`` is :func:`diffusion_sim.analysis.population.claim_answer`'s; ``by_attribute`` and ``differ``
    the study's tables; ``calibration`` the study's calibration (when ``--calibrate`` ran).
    """
    names = list(answer["strategies"])
    pct = lambda v: fmt_percent(v, lang, 1)  # noqa: E731
    label = lambda n: strategy_text(n, "label", lang)  # noqa: E731
    columns = [Column("", "left", name=True), Column(a("pop_col_share", lang)), Column(a("pop_col_interval", lang)),
               Column(a("pop_col_mcse", lang))]
    rows: list[list[str] | None] = []
    for key, name in zip(("isolated", "collaborative"), names, strict=False):
        s = answer[key]
        rows.append([label(name), pct(s["share"]), fmt_range(pct(s["low"]), pct(s["high"]), lang),
                     fmt_number(100 * s["mcse"], lang, 1)])
    notes: list[str] = []
    if len(names) > 1:
        d = answer["difference"]
        rows.append([a("pop_difference", lang, name=label(names[1]), ref=label(names[0])), _points(d["mean"], lang),
                     fmt_range(_points(d["low"], lang), _points(d["high"], lang), lang), fmt_number(100 * d["mcse"], lang, 1)])
        notes.append(a("pop_chance", lang, name=label(names[1]), ref=label(names[0]),
                       chance=_chance(answer["chance_higher"], lang)))
        if differ is not None and len(differ):
            r = differ.iloc[0]
            notes.append(a("pop_more_often", lang, name=label(names[1]), more=int(r["more_often"]), same=int(r["as_often"]),
                           less=int(r["less_often"])))
    notes.append(a("pop_note", lang))
    if answer.get("success_months"):
        notes.append(a("pop_success", lang, definition=a("pop_definition", lang, months=answer["success_months"])))
    title = a("pop_title", lang, n=fmt_number(answer["innovations"], lang), reps=answer["replications"])
    out = [render(columns, rows, width, title, notes)]

    knob = answer.get("calibrated_knob") or {}
    lines: list[str] = []
    if knob:
        lines.append(a("pop_knob", lang, name=knob["name"], value=_significant(knob["value"], lang),
                       parameters=", ".join(knob["parameters"])))
        if answer.get("tolerance") is not None:
            iso = answer["isolated"]
            lines.append(a("pop_against_claim", lang, claimed=fmt_percent(answer["target"], lang),
                           off=_points(iso["share"] - answer["target"], lang),
                           tolerance=fmt_number(100 * answer["tolerance"], lang, 1),
                           within=t("yes" if answer.get("within_tolerance") else "no", lang)))
    if calibration:
        lines.append(a("pop_calibrated", lang, n=calibration["evaluations"], value=_significant(calibration["value"], lang),
                       share=pct(calibration["fitting_share"]), mcse=fmt_number(100 * calibration["fitting_mcse"], lang, 1),
                       innovations=calibration["fitting_innovations"], fresh=pct(calibration["fresh_share"]),
                       fresh_mcse=fmt_number(100 * calibration["fresh_mcse"], lang, 1),
                       fresh_n=calibration["fresh_innovations"]))
        lines.append(a("pop_put_it", lang))
        lines += ["  [population]", f"  calibration_scale = {calibration['value']:g}  # CALIBRATED: the initiative's "
                  f"{100 * answer['target']:.0f}%, not evidence"]
    if lines:
        out.append("\n".join(part for line in lines for part in (_lines(line, width) if not line.startswith("  ") else [line])))

    if by_attribute is not None and len(by_attribute) and len(names):
        shown = names[:2]
        columns = [Column(a("pop_col_attribute", lang), "left", name=True), Column(a("pop_col_value", lang), "left", name=True),
                   Column(a("pop_col_innovations", lang)), *(Column(label(n)) for n in shown)]
        rows = []
        for attribute, sub in by_attribute.groupby("attribute", sort=False):
            if rows:
                rows.append(None)
            for k, (_, r) in enumerate(sub.iterrows()):
                rows.append([str(attribute) if k == 0 else "", str(r["value"]), fmt_number(r["innovations"], lang),
                             *(pct(r[n]) for n in shown)])
        out.append(render(columns, rows, width, a("pop_by_attribute", lang)))
    return "\n\n".join(out)
