"""What the command line prints: numbers and intervals as text for a terminal table (English).

The report and the explorer have their own, bilingual formats (:mod:`diffusion_sim.publish.formats`);
these are the terminal's: plain ASCII-friendly text, costs with "EUR", times with how often they were
reached, and the regions study's multi-line cells.
"""

from __future__ import annotations

import shlex
import textwrap
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from diffusion_sim.analysis.regions import EXTRA_PER_EUR
from diffusion_sim.outcomes import MONTHS_TO_ADOPTION, MONTHS_TO_PATIENTS, saved_name
from diffusion_sim.publish.words import decision_label


def format_value(value: float, unit: str) -> str:
    """A number as people read it in a table: thousands separated, shares as percentages."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "-"
    if np.isinf(value):
        return "not reached"
    if unit == "share":
        return f"{100 * value:.0f}%"
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


def format_cell(median: float, low: float, high: float, unit: str, reached: float = float("nan")) -> str:
    """A table cell: the median on one line, the 90% interval below it and, for a time to target, how often it is met.

    A time to target not met in most replications reads "n.r." (not reached), one never met "never".
    """
    if all(v != v for v in (median, low, high)):
        return "-"
    if reached == reached:  # a time to target
        if reached == 0:
            return "never"
        share = f"{100 * reached:.0f}% reach it"
        if np.isinf(median):
            return f"n.r.\n{share}"
        return f"{format_value(median, unit)}\n({_bare(low, unit)} to {_bare(high, unit)})\n{share}"
    if unit == "ratio":
        return f"{format_ratio(median)}\n({format_ratio(low)} to {format_ratio(high)})"
    text = format_interval(median, low, high, unit)
    head, sep, tail = text.partition(" (")
    return f"{head}\n({tail}" if sep else text


def _bare(value: float, unit: str) -> str:
    return "n.r." if np.isinf(value) else format_value(value, unit)


def format_ratio(value: float) -> str:
    """A ratio (patients per EUR 1,000) with as many digits as it needs: 1,234, 12.3 or 1.23; NaN is a dash."""
    if value != value:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def display_tables(summary: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The tables to print: each region's outcomes per scenario, then one row per region with the paired differences.

    Cells are strings (the median, the 90% interval below it); costs in thousands of euros, so the tables
    fit a terminal. In the first table a region's name is given on its first row only (a printer may draw
    a line there); a moved origin is marked with an asterisk.
    """
    scenarios = list(dict.fromkeys(summary["scenario"]))
    paired = summary[summary["reference"] != ""]
    plain = summary[summary["reference"] == ""]

    def cell(region: str, scenario: str, outcome: str, frame: pd.DataFrame = plain) -> str:
        row = frame[(frame["region"] == region) & (frame["scenario"] == scenario) & (frame["outcome"] == outcome)]
        if row.empty:
            return "-"
        r = row.iloc[0]
        if outcome.startswith("months_saved") and r["n"] == 0:
            return "neither\nreaches it"
        if r["unit"] == "EUR":  # in EUR 1,000
            return format_cell(r["median"] / 1e3, r["low"] / 1e3, r["high"] / 1e3, "patients")
        return format_cell(r["median"], r["low"], r["high"], r["unit"], r["reached"])

    outcomes, differences = [], []
    for region, sub in summary.groupby("region", sort=False):
        first = sub.iloc[0]
        origin = f"{first['origin_municipality_name']}" + (" *" if first["origin_moved"] else "")
        facts = f"{int(first['population']):,} inh.\n{int(first['eligible_orgs']):,} eligible\norigin {origin}"
        for k, s in enumerate(scenarios):
            outcomes.append({
                "Region": f"{region}\n{facts}" if k == 0 else "",
                "Scenario": s,
                "Patients\nper EUR\n1,000": cell(region, s, "reach_per_eur_1000"),
                "Months to\n+1,000\npatients": cell(region, s, MONTHS_TO_PATIENTS),
                "Months\nto 70%": cell(region, s, MONTHS_TO_ADOPTION),
                "Patients\nby the\nhorizon": cell(region, s, "patients_final"),
                "Per\n100,000\ninh.": cell(region, s, "patients_final_per_100k"),
                "Cost,\nEUR\n1,000": cell(region, s, "total_cost_eur"),
            })
        for s in scenarios[1:]:
            ref = paired[paired["scenario"] == s]["reference"].iloc[0]
            differences.append({
                "Region": str(region),
                "Difference": f"{s}\nminus {ref}",
                "Extra\npatients per\nextra EUR\n1,000": cell(region, s, EXTRA_PER_EUR, paired),
                "Months\nsaved to\n+1,000": cell(region, s, saved_name(MONTHS_TO_PATIENTS), paired),
                "Months\nsaved\nto 70%": cell(region, s, saved_name(MONTHS_TO_ADOPTION), paired),
                "Extra\npatients\nby the\nhorizon": cell(region, s, "patients_final", paired),
                "Extra\ncost, EUR\n1,000": cell(region, s, "total_cost_eur", paired),
            })
    tables = [("Per region and scenario: median (90% interval) over replications. inh.: inhabitants; * origin moved into "
               "the region; n.r.: not reached; never: in no replication within the horizon", pd.DataFrame(outcomes))]
    if differences:
        tables.append(("Per region, paired by replication: median (90% interval)", pd.DataFrame(differences)))
    return tables


# --- what it would take (issue 16) -------------------------------------------------------------
CLAIM_TEXT = {"patients_in_year": "1,000 more patients within 12 months",
              "adoption_target": "70% of the organisations with the target group"}
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
    lines = _wrap(f"What it would take: {claim} ({CLAIM_TEXT.get(claim, claim)}) with a chance of at least "
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
