"""Languages and number formats: how a number, a share, an amount or a month reads in Dutch and English.

Every figure, the report and the explorer format their numbers here, so ``1.234`` and ``12,5%`` in
Dutch, ``1,234`` and ``12.5%`` in English, and a typographic minus and dash, are the same everywhere.
The few words a format needs ("not reached", "to", "start") are kept here as :data:`FORMAT_WORDS`;
:data:`diffusion_sim.publish.words.TEXTS` includes them, so ``t("to", lang)`` finds them too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

Lang = Literal["nl", "en"]
LANGS: tuple[str, ...] = ("nl", "en")
MINUS = "\u2212"  # a typographic minus, so "-5" cannot be read as a dash
NBSP = "\u00a0"  # keeps "€ 1.234" on one line
DASH = "\u2013"  # en dash for ranges: 120–390

# The words inside formatted numbers and month labels, keyed as in words.TEXTS (which includes them).
FORMAT_WORDS: dict[str, dict[str, str]] = {
    "not_reached": {"en": "not reached", "nl": "niet bereikt"},
    "to": {"en": "to", "nl": "tot"},
    "start_tick": {"en": "start", "nl": "start"},
}

# --- numbers -----------------------------------------------------------------------------------


def check_lang(lang: str) -> Lang:
    """Return ``lang`` if it is a supported language; a ``ValueError`` names the choices otherwise."""
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: choose one of {', '.join(LANGS)}")
    return lang  # type: ignore[return-value]


def fmt_number(value: float, lang: Lang, decimals: int = 0) -> str:
    """A number with the language's separators: 1.234,5 (nl) or 1,234.5 (en); NaN becomes a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    text = f"{abs(value):,.{decimals}f}"
    if lang == "nl":
        text = text.translate(str.maketrans(",.", ".,"))
    negative = value < 0 and text.strip("0.,") != ""
    return (MINUS if negative else "") + text


def fmt_percent(share: float, lang: Lang, decimals: int = 0) -> str:
    """A share (0..1) as a percentage: 12,5% (nl) or 12.5% (en)."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return DASH
    return fmt_number(100 * share, lang, decimals) + "%"


def fmt_eur(value: float, lang: Lang) -> str:
    """Euros without cents: € 1.234 (nl, with the customary space) or €1,234 (en)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    sign = MINUS if value < 0 and round(abs(value)) > 0 else ""
    return f"{sign}€{NBSP}{fmt_number(abs(value), lang)}" if lang == "nl" else f"{sign}€{fmt_number(abs(value), lang)}"


def fmt_value(value: float, unit: str, lang: Lang) -> str:
    """A value in the unit :data:`diffusion_sim.analysis.summary.OUTCOMES` gives it (share, EUR, months, counts)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    if math.isinf(value):
        return FORMAT_WORDS["not_reached"][lang]
    if unit == "share":
        return fmt_percent(value, lang)
    if unit == "EUR":
        return fmt_eur(value, lang)
    return fmt_number(value, lang)


def _digits(x: float) -> int:
    """Decimals a statistic needs to show its size: none from 100, one from 10, two below (three below 0.1)."""
    x = abs(x)
    return 0 if x >= 100 or x == 0 else 1 if x >= 10 else 2 if x >= 0.1 else 3


def fmt_measure(value: float, unit: str, lang: Lang) -> str:
    """A statistic of an analysis (a mean, an effect, a standard error) in its unit with the digits it needs.

    ``1.234``, ``12,3`` or ``0,12`` patients; shares as percentages (``25,8%``), euros with the sign; NaN a dash.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    if math.isinf(value):
        return FORMAT_WORDS["not_reached"][lang]
    if unit == "share":
        return fmt_number(100 * value, lang, _digits(100 * value)) + "%"
    text = fmt_number(value, lang, _digits(value))
    if unit == "EUR":
        sign = MINUS if text.startswith(MINUS) else ""
        text = text.removeprefix(MINUS)
        return f"{sign}€{NBSP}{text}" if lang == "nl" else f"{sign}€{text}"
    return text


def fmt_range(low: str, high: str, lang: Lang) -> str:
    """A 90% interval from two formatted bounds: 120–390, or "−1.032 tot −9" when a bound is negative."""
    if low.startswith(MINUS) or high.startswith(MINUS):
        return f"{low} {FORMAT_WORDS['to'][lang]} {high}"
    return f"{low}{DASH}{high}"


def fmt_interval(q: Mapping[str, float], unit: str, lang: Lang) -> str:
    """Median and 90% interval as in the report's tables: ``228 (120–390)``; just "not reached" for a missed target."""
    if q["median"] is not None and math.isinf(q["median"]):
        return FORMAT_WORDS["not_reached"][lang]
    interval = fmt_range(fmt_value(q["low"], unit, lang), fmt_value(q["high"], unit, lang), lang)
    return f"{fmt_value(q['median'], unit, lang)} ({interval})"


# --- months ------------------------------------------------------------------------------------

MONTHS_SHORT = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
}
MONTHS_LONG = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"),
}


def calendar_month(start_year: int, start_month: int, month: int) -> tuple[int, int]:
    """(year, month 1-12) of simulation month ``month`` when month 0 is ``start_month`` of ``start_year``."""
    index = start_month - 1 + month
    return start_year + index // 12, index % 12 + 1


def month_label(start_year: int, start_month: int, month: int, lang: Lang, long: bool = False) -> str:
    """Calendar label of simulated month ``month`` (0 = the first): "jan 2028" / "Jan 2028" (or the full name)."""
    year, m = calendar_month(start_year, start_month, month)
    names = MONTHS_LONG if long else MONTHS_SHORT
    return f"{names[lang][m - 1]} {year}"


def step_label(start_year: int, start_month: int, step: int, lang: Lang) -> str:
    """Label of result month ``step``: the state at the end of the step-th simulated month (results.py).

    Step 12 of a January start is "dec 2027", as in the ``calendar_month`` column of monthly.csv; step 0,
    the state before the first simulated month, is "start".
    """
    return FORMAT_WORDS["start_tick"][lang] if step <= 0 else month_label(start_year, start_month, step - 1, lang)
