"""One palette and one house style for everything the tool draws: study figures, analysis figures, maps.

A strategy has the same colour in every figure of every study, a type of organisation the same colour
and marker, and every figure the same fonts, grid and file settings, because all of them take these
from here. Colours are Okabe & Ito (2008) for strategies and series (they stay distinct for the common
forms of colour blindness) and Paul Tol's "muted" scheme for organisation types, so a type is never
mistaken for a strategy.

Figures are drawn on :class:`matplotlib.figure.Figure` objects (no pyplot, no global backend) inside
:func:`house_style`, and written with :func:`save`, so files are reproducible byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import matplotlib as mpl
from matplotlib.figure import Figure

# Okabe & Ito (2008), "Color Universal Design". Known strategies keep their colour in every figure
# and every study, and no colour stands for two strategies: vermillion is scaling alone (also the
# portfolio without a team), blue the regional team with one innovation, green and reddish purple
# the team's two ways with a portfolio. Other scenarios take the remaining colours in their study's order.
OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000",
}
STRATEGY_COLOURS = {"isolated": OKABE_ITO["vermillion"], "collaborative": OKABE_ITO["blue"],
                    "isolated-portfolio": OKABE_ITO["vermillion"], "one-at-a-time": OKABE_ITO["green"],
                    "all-at-once": OKABE_ITO["purple"]}
_SPARE_COLOURS = (OKABE_ITO["orange"], OKABE_ITO["sky_blue"], OKABE_ITO["black"], OKABE_ITO["yellow"],
                  OKABE_ITO["green"], OKABE_ITO["purple"])
# Series that are not strategies (levels of a swept parameter, fitted and target values), in this order.
# the barriers at a decision: none of the strategies' colours (vermillion, blue, orange), so no bar reads as a strategy
BARRIER_COLOURS = {"financial": OKABE_ITO["purple"], "knowhow": OKABE_ITO["yellow"], "staff": OKABE_ITO["green"],
                   "fit": "#8C8C8C"}
SERIES_COLOURS = tuple(OKABE_ITO[name] for name in ("blue", "orange", "green", "vermillion", "purple", "sky_blue",
                                                    "yellow", "black"))
# States of an organisation on the explorer's map, in the order of its legend. The map shares its page with the
# strategies' figures, so it uses neither of their colours (vermillion, blue), and no two states share a hue
# (deciding and rejected were two oranges): on the way in grey, yellow, sky blue, orange; using it green; out
# reddish purple, dark brown, near black. Checked for the three colour-vision deficiencies (Machado et al. 2009)
# in tests/test_figures.py.
STATE_COLOURS: dict[str, str] = {
    "unaware": "#DDDDDD", "aware": OKABE_ITO["yellow"], "deciding": OKABE_ITO["sky_blue"],
    "implementing": OKABE_ITO["orange"], "adopted": OKABE_ITO["green"], "rejected": OKABE_ITO["purple"],
    "failed": "#7F3B08", "discontinued": "#222222",
}
# Organisation types use Paul Tol's "muted" scheme, so they are never mistaken for a strategy.
TYPE_COLOURS = {"hospital": "#882255", "gp_practice": "#44AA99", "home_care": "#DDCC77", "elderly_care": "#CC6677",
                "mental_health": "#999933", "pharmacy": "#88CCEE"}
TYPE_MARKERS = {"hospital": "s", "gp_practice": "o", "home_care": "^", "elderly_care": "D", "mental_health": "v",
                "pharmacy": "P"}
TYPE_SIZES = {"hospital": 50.0, "gp_practice": 12.0, "home_care": 24.0, "elderly_care": 16.0, "mental_health": 16.0,
              "pharmacy": 9.0}
GREY, LIGHT = "#555555", "#BBBBBB"

# Sizes in inches: 7.2 in is a full A4 text width at 90%, and scales up cleanly to a 16:9 slide.
WIDTH = 7.2
DPI = 300
# The analysis figures (sweeps, sensitivity, calibration, validation) are wide working pictures read
# on a screen, not copied into a proposal: half the resolution keeps their files small.
ANALYSIS_DPI = 150
CAPTION_IN = 0.26  # inches kept free at the bottom of every figure for its caption line
FORMATS = ("png", "svg", "pdf")
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9.5,
    "axes.labelcolor": "#222222",
    "axes.edgecolor": "#777777",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#E6E6E6",
    "grid.linewidth": 0.7,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "figure.titlesize": 12,
    "figure.titleweight": "bold",
    "figure.facecolor": "white",
    "savefig.dpi": DPI,
    "savefig.facecolor": "white",
    "pdf.fonttype": 42,  # TrueType: text stays text in the PDF (searchable, editable)
    "text.parse_math": False,  # names and labels are plain text: a scenario called "$x$" is drawn as typed, never as math
    "svg.hashsalt": "diffusion-sim",  # the same figure gives the same SVG file
}


def strategy_colours(order: list[str]) -> dict[str, str]:
    """Colour per scenario: fixed for known strategies, the next free Okabe-Ito colour for the others."""
    colours: dict[str, str] = {}
    spare = [c for c in _SPARE_COLOURS if c not in STRATEGY_COLOURS.values()]
    for name in order:
        if name in STRATEGY_COLOURS:
            colours[name] = STRATEGY_COLOURS[name]
    for name in order:
        if name not in colours:
            colours[name] = spare.pop(0) if spare else GREY
    return colours


@contextmanager
def house_style() -> Iterator[None]:
    """Matplotlib settings of every figure, applied only while one is drawn and saved."""
    with mpl.rc_context(STYLE):
        yield


def save(fig: Figure, target: Path | IO[bytes], fmt: str | None = None, dpi: float | None = None) -> None:
    """Save at :data:`DPI` (PNG; ``dpi`` if given) or as vectors (SVG, PDF), with no time stamp so files are reproducible."""
    fmt = fmt or Path(str(target)).suffix.lstrip(".")
    metadata: dict[str, Any] = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt, {})
    fig.savefig(target, format=fmt, dpi=DPI if dpi is None else dpi, metadata=metadata)
