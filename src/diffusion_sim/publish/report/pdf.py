"""The report as an A4 PDF: the same text, tables and figures as the HTML page, composed with matplotlib.

Pages are filled top to bottom by a small layout engine (:class:`_Pages`: wrapped text on the real
font metrics, tables whose header repeats on a new page, figures) and written with matplotlib's
``PdfPages``: pure Python, no browser or TeX needed, and text stays text in the PDF. Figures are
drawn onto the page itself, by the same builders as the figure files, into a part of the page (a
``SubFigure`` in a grid over the page that the page's constrained layout arranges): vectors with
selectable text, not pictures of them. The PDF has no tag structure (matplotlib writes none).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure, FigureBase
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D

from diffusion_sim.publish.report.document import Document, Table
from diffusion_sim.publish.style import WIDTH, house_style
from diffusion_sim.publish.words import t

A4 = (8.27, 11.69)
MARGIN = 0.6  # inches
TEXT_W = A4[0] - 2 * MARGIN
INK, MUTED, RULE = "#1f1f1f", "#5a5a5a", "#d0d0d0"
PAD = 0.05  # inches of room inside a table cell


class _Pages:
    """A4 pages filled top to bottom with wrapped text, tables and images; text stays text in the PDF."""

    def __init__(self, pdf: PdfPages, doc: Document) -> None:
        self.pdf = pdf
        self.doc = doc
        self.fig: Figure | None = None
        self.y = 0.0  # inches from the top of the page
        self.number = 0
        self.slots: list[tuple[float, float, Callable[[FigureBase], None]]] = []  # (top, height, draw) of this page
        self._measure = RendererAgg(100, 100, 720)  # 10 pixels a point: small type measured without hinting to whole pixels
        self._widths: dict[tuple[str, float, bool], float] = {}

    # text measurement and wrapping on the real font metrics
    def width(self, text: str, size: float, bold: bool = False) -> float:
        """Width in inches, measured once per text and font.

        Tables are measured at several sizes and again when drawn, and words recur, while each
        measurement lays the glyphs out afresh (about half a millisecond).
        """
        key = (text, size, bold)
        if key not in self._widths:
            prop = FontProperties(family="DejaVu Sans", size=size, weight="bold" if bold else "normal")
            w, _h, _d = self._measure.get_text_width_height_descent(text, prop, ismath=False)
            self._widths[key] = w / 720
        return self._widths[key]

    def wrap(self, text: str, size: float, width: float, bold: bool = False) -> list[str]:
        """Lines of at most ``width`` inches, each as full as it can be (a word wider than that on its own line)."""
        lines: list[str] = []
        for para in text.split("\n"):
            words = [piece for w in para.split(" ") for piece in self._pieces(w, size, width, bold)]
            first = 0
            while first < len(words):
                while first < len(words) - 1 and not words[first]:  # a line never starts with a double space's gap
                    first += 1
                last = self._last_word(words, first, size, width, bold)
                lines.append(" ".join(words[first:last + 1]))
                first = last + 1
        return lines

    def _last_word(self, words: list[str], first: int, size: float, width: float, bold: bool) -> int:
        """The last of ``words`` on the line that starts at ``first``: the most that fit, and at least one.

        Guessed from the words' own widths, then checked on the whole line: a line's measured width
        never shrinks as words are added (it spans every glyph laid out), so the line that fits and the
        next that does not settle it. Measuring each longer line word by word, as before, measured
        every line about ten times over (half a millisecond each).
        """
        def fits(last: int) -> bool:
            return self.width(" ".join(words[first:last + 1]), size, bold) <= width

        space = 0.32 * size / 72  # inches: DejaVu Sans's space is 0.318 em; only the guess depends on it
        last, guess = first, self.width(words[first], size, bold)
        while last + 1 < len(words) and guess + space + self.width(words[last + 1], size, bold) <= width:
            last += 1
            guess += space + self.width(words[last], size, bold)
        if last == first or fits(last):
            while last + 1 < len(words) and fits(last + 1):
                last += 1
        else:
            while last > first and not fits(last):
                last -= 1
        return last

    def _pieces(self, word: str, size: float, width: float, bold: bool) -> list[str]:
        """A word wider than the column (a path, say) in pieces that fit: broken after a slash, else anywhere."""
        if self.width(word, size, bold) <= width:
            return [word]
        pieces, piece = [], ""
        for part in word.replace("/", "/\0").split("\0"):  # keep each slash at the end of its piece
            for char in (part if self.width(part, size, bold) > width else [part]):
                if piece and self.width(piece + char, size, bold) > width:
                    pieces.append(piece)
                    piece = ""
                piece += char
        return pieces + [piece] if piece else pieces

    def new_page(self) -> None:
        self.close_page()
        self.fig = Figure(figsize=A4, layout="constrained")  # the layout arranges only the figures' parts
        self.fig.get_layout_engine().set(w_pad=0.05, h_pad=0.04, hspace=0, wspace=0)  # as figures.make_figure
        self.number += 1
        self.y = MARGIN
        self.fig.text(MARGIN / A4[0], 0.35 / A4[1], self.doc.title, fontsize=7, color=MUTED, ha="left", va="bottom")
        self.fig.text(1 - MARGIN / A4[0], 0.35 / A4[1], t("page", self.doc.lang, n=self.number), fontsize=7, color=MUTED,
                      ha="right", va="bottom")

    def close_page(self) -> None:
        if self.fig is not None:
            self._draw_figures()
            self.pdf.savefig(self.fig)
            self.fig = None

    def figure(self, height: float, draw: Callable[[FigureBase], None], width: float = TEXT_W) -> None:
        """Room for a figure drawn at ``width`` (its ``height`` is at :data:`~diffusion_sim.publish.style.WIDTH`)."""
        h = height * width / WIDTH
        self.room(h + 0.1)
        self.slots.append((self.y, h, draw))
        self.y += h + 0.08

    def _draw_figures(self) -> None:
        """Draw this page's figures into their places: a grid over the page whose cells are the figures' boxes."""
        if not self.slots:
            return
        assert self.fig is not None
        heights, top = [], 0.0
        for y, h, _draw in self.slots:
            heights += [max(y - top, 1e-3), h]
            top = y + h
        heights.append(max(A4[1] - top, 1e-3))
        grid = self.fig.add_gridspec(len(heights), 3, height_ratios=heights, width_ratios=[MARGIN, TEXT_W, MARGIN],
                                     hspace=0, wspace=0)
        for k, (_y, _h, draw) in enumerate(self.slots):
            draw(self.fig.add_subfigure(grid[2 * k + 1, 1]))
        self.slots = []

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

    def _cell_lines(self, row: list[str], subtext: list[str] | None, widths: list[float], size: float,
                    bold: bool) -> list[list[tuple[str, bool]]]:
        """Each cell of a table row wrapped to its column: (line, is it the smaller subtext)."""
        out = []
        for j, cell in enumerate(row):
            lines = [(s, False) for s in self.wrap(cell, size, widths[j] - 2 * PAD, bold)]
            if subtext and subtext[j]:
                lines += [(s, True) for s in self.wrap(subtext[j], size - 1, widths[j] - 2 * PAD)]
            out.append(lines)
        return out

    @staticmethod
    def _row_height(row_lines: list[list[tuple[str, bool]]], size: float) -> float:
        return max(len(c) for c in row_lines) * size * 1.3 / 72 + 2 * PAD

    def table_height(self, table: Table, widths: list[float], size: float) -> float:
        """The height in inches that :meth:`table` takes on one page at font ``size`` (without page breaks)."""
        rows = [self._cell_lines(table.header, None, widths, size, True)] if any(table.header) else []
        rows += [self._cell_lines(row, table.subtext[i] if table.subtext else None, widths, size, False)
                 for i, row in enumerate(table.rows)]
        return 0.1 + sum(self._row_height(r, size) for r in rows)

    def para_height(self, text: str, size: float) -> float:
        """The height in inches of :meth:`para` with the default spacing after it."""
        return len(self.wrap(text, size, TEXT_W)) * size * 1.38 / 72 + 0.08

    def left(self) -> float:
        """Inches left on this page before :meth:`room` starts a new one."""
        return A4[1] - MARGIN - 0.2 - self.y

    def table(self, table: Table, widths: list[float], numeric: set[int], size: float = 8.0,
              bold_rows: set[int] | None = None, bold_cols: set[int] | None = None) -> None:
        """Rows of wrapped cells; the header (if any) repeats on a new page and never stands alone at a page end."""
        step, pad = size * 1.3 / 72, PAD

        def cell_lines(row: list[str], subtext: list[str] | None, bold: bool) -> list[list[tuple[str, bool]]]:
            return self._cell_lines(row, subtext, widths, size, bold)

        def height(row_lines: list[list[tuple[str, bool]]]) -> float:
            return self._row_height(row_lines, size)

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


def _rule(y: float, lw: float, colour: str) -> Line2D:
    return Line2D([MARGIN / A4[0], 1 - MARGIN / A4[0]], [1 - y / A4[1]] * 2, linewidth=lw, color=colour)


def render_pdf(doc: Document, path: Path) -> None:
    """The report as an A4 PDF: the same text, tables and figures as the HTML page."""
    with house_style(), PdfPages(path, metadata={"Title": doc.title, "Creator": f"diffusion-sim {doc.version}",
                                                 "CreationDate": None}) as pdf:
        pages = _Pages(pdf, doc)
        pages.new_page()
        pages.para(doc.title, 17, bold=True, after=0.02)
        pages.para(doc.subtitle, 10, color=MUTED, after=0.15)
        # page 1: the claims, what the chances contain, and nothing else
        pages.heading(t("h_claims", doc.lang))
        widths = [1.45, 1.2, 2.1, TEXT_W - 4.75]
        # the largest type that keeps the table and its note on page 1 (more strategies, more rows)
        size = next((z for z in (7.8, 7.4, 7.0, 6.6, 6.2) if pages.table_height(doc.claims, widths, z)
                     + pages.para_height(doc.claims_note, z - 0.3) <= pages.left()), 6.2)
        pages.table(doc.claims, widths, numeric=set(), size=size)
        pages.para(doc.claims_note, size - 0.3, color=MUTED)
        # the appendix starts on a page of its own
        pages.new_page()
        pages.para(t("h_appendix", doc.lang), 15, bold=True, after=0.05)
        pages.heading(t("h_headline", doc.lang))
        for k, sentence in enumerate(doc.headline):
            pages.para(sentence, 10.5 if k == 0 else 9.5, bold=k == 0, indent=0.2, bullet="•", after=0.05)
        pages.heading(t("h_numbers", doc.lang))
        n = len(doc.numbers.header)
        first = 2.3
        pages.table(doc.numbers, [first] + [(TEXT_W - first) / (n - 1)] * (n - 1), numeric=set(range(1, n)))
        pages.para(doc.numbers_note, 8, color=MUTED)
        pages.heading(t("h_costs", doc.lang), keep=2.0)
        n = len(doc.costs.header)
        pages.table(doc.costs, [2.3] + [(TEXT_W - 2.3) / (n - 1)] * (n - 1), numeric=set(range(1, n)), size=7.5)
        pages.para(doc.costs_note, 8, color=MUTED)
        if doc.ranking is not None:
            pages.heading(t("h_ranking", doc.lang), keep=2.0)
            pages.table(doc.ranking, [2.3, TEXT_W - 2.3], numeric=set(), size=7.5)
            pages.para(doc.ranking_note, 8, color=MUTED)
        if doc.innovations is not None:
            pages.heading(t("h_innovations", doc.lang), keep=2.0)
            n = len(doc.innovations.header)
            first = 1.9
            pages.table(doc.innovations, [first] + [(TEXT_W - first) / (n - 1)] * (n - 1), numeric=set(range(1, n)), size=7.5)
            pages.para(doc.innovations_note, 8, color=MUTED)
        pages.heading(t("h_figures", doc.lang), keep=TEXT_W * 0.62)  # never a heading without its first figure
        for name, _title, note, png in doc.figures:
            pages.room(TEXT_W * 0.62)
            if name in doc.drawers:  # as vectors on the page
                height, draw = doc.drawers[name]
                pages.figure(height, draw)
            else:  # a document built from picture files only
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
