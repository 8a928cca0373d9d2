"""The explorer's figures: the report's own figure builders, drawn for a screen and for export.

On the page a figure is inline SVG with its text kept as text (crisp at any size, readable by a
screen reader, and a Dutch page can be checked for English words). Its size in inches is smaller
than the report's, so that its type comes out larger when the figure fills half a laptop screen or
a projected wall. Export uses :func:`diffusion_sim.publish.figures.make_figure`, so a downloaded figure is
the report's, at the report's size.
"""

from __future__ import annotations

import io
import re
import textwrap
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter

from diffusion_sim.explorer.region_view import TypicalRun, map_figure
from diffusion_sim.publish.figures import FIGURES, Study, make_figure
from diffusion_sim.publish.formats import Lang, fmt_number
from diffusion_sim.publish.style import house_style, save

CHARTS = ("1-adoption", "2-patients", "3-time-to-targets")  # shown in this order, the first two side by side
# inches and how much larger than the report's every text is: a 5-inch figure whose text is 1.3 times the
# report's reads at 14 px or more in a half-width column of a 1366-pixel laptop screen and grows on a projector
SCREEN_SIZE = {"1-adoption": (5.0, 3.5), "2-patients": (5.0, 3.5), "3-time-to-targets": (8.6, 3.5)}
SCREEN_TEXT = {"1-adoption": 1.3, "2-patients": 1.3, "3-time-to-targets": 1.2}
SHARED_LEGEND = ("1-adoption", "2-patients")  # on the page their legend is HTML, one for both (see the explorer's Charts)
# matplotlib's rc settings are process-wide: two browser tabs (or a language switch during a run) draw one at a time
_DRAWING = threading.RLock()
_SIZE_ATTRS = re.compile(r'<svg([^>]*?)\swidth="[^"]*"\s+height="[^"]*"')


def _enlarge(fig: Figure, factor: float) -> None:
    """Every text of ``fig`` ``factor`` times larger, tick labels included (also those drawn later)."""
    ticks = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                ticks.update((tick.label1, tick.label2))
        ax.tick_params(labelsize=FontProperties(size=mpl.rcParams["xtick.labelsize"]).get_size_in_points() * factor)
    for text in fig.findobj(Text):
        if text not in ticks:
            text.set_fontsize(text.get_fontsize() * factor)


def screen_svg(study: Study, name: str, lang: Lang) -> str:
    """One figure as inline SVG that scales to its container's width, its text kept as text."""
    builder, _height = FIGURES[name]
    with _DRAWING, house_style(), mpl.rc_context({"svg.fonttype": "none"}):
        fig = Figure(figsize=SCREEN_SIZE[name], layout="constrained")
        fig.get_layout_engine().set(w_pad=0.04, h_pad=0.04, hspace=0, wspace=0)
        builder(study, lang, fig)
        if name in SHARED_LEGEND:
            for ax in fig.axes:
                if ax.get_legend() is not None:
                    ax.get_legend().remove()
                # month numbers only: calendar labels under every tick collide in a half-width column (the axis
                # label names the starting month, as in the report's two-panel figures)
                ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt_number(int(x), lang)))
        title = getattr(fig, "_suptitle", None)
        if title is not None:  # the page sets the title above the figure in its own type, where it can wrap
            title.remove()
            fig._suptitle = None
        for ax in fig.axes:  # long axis labels on two lines, so larger type still fits beside the axes
            label = ax.get_ylabel()
            if len(label) > 30:
                ax.set_ylabel(textwrap.fill(label, width=max(24, len(label) // 2 + 4)))
        _enlarge(fig, SCREEN_TEXT[name])
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    return _SIZE_ATTRS.sub(r'<svg\1 width="100%"', text, count=1)


def draw_figures(submit: Callable[..., Future[str]], study: Study, lang: Lang) -> Callable[[], dict[str, str]]:
    """Start drawing the page's figures through ``submit``; call the result to wait for them.

    ``submit`` is the engine's: its two warm workers draw two figures at once. A worker gets the tables
    the figures read (summary and monthly), not the per-organisation ones, which would take longer to
    send than to draw. The widest figure goes first, so three figures on two workers end together.
    """
    r = study.results
    drawn_from = replace(study, results=replace(r, states=r.states.iloc[:0], org_events=r.org_events.iloc[:0],
                                                organisations=r.organisations.iloc[:0]))
    futures = {name: submit(screen_svg, drawn_from, name, lang) for name in sorted(CHARTS, key=lambda n: -SCREEN_SIZE[n][0])}
    return lambda: {name: futures[name].result() for name in CHARTS}


def warm_up() -> str:
    """Draw a small figure with text once, so this process's first page figure does not load fonts and the SVG writer."""
    with _DRAWING, house_style(), mpl.rc_context({"svg.fonttype": "none"}):
        fig = Figure(figsize=(1, 1), layout="constrained")
        fig.add_subplot().set_title("0")
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
    return buf.getvalue()


def export_bytes(study: Study, name: str, lang: Lang, fmt: str) -> bytes:
    """One figure exactly as the report draws it (300 dpi PNG or SVG)."""
    with _DRAWING, house_style():
        fig = make_figure(study, name, lang)
        buf = io.BytesIO()
        save(fig, buf, fmt)
    return buf.getvalue()


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """Any figure as PNG or SVG, saved as the report saves its figures."""
    buf = io.BytesIO()
    with _DRAWING, house_style():
        save(fig, buf, fmt)
    return buf.getvalue()


def map_bytes(run: TypicalRun, month: int, lang: Lang, fmt: str) -> bytes:
    """The region's map at ``month`` (see :func:`~diffusion_sim.explorer.region_view.map_figure`) as PNG or SVG."""
    with _DRAWING:
        return figure_bytes(map_figure(run, month, lang), fmt)
