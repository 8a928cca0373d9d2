"""``figures`` and ``report``: from results folders, without running the model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from diffusion_sim.cli.common import FigureFormat, Lang, Language, app, fail, out_console
from diffusion_sim.errors import DiffusionSimError

ResultsDirs = Annotated[list[Path], typer.Argument(metavar="RESULTS_DIR", help="Results folders written by run or compare.")]
Formats = Annotated[list[FigureFormat] | None,
                    typer.Option("--format", help="File format; repeat for several (default: png and svg).")]


@app.command()
def figures(results: ResultsDirs, lang: Lang = Language.nl, format_: Formats = None) -> None:
    """Write publication-ready figures into RESULTS_DIR/figures-<lang>/ (300 dpi PNG and vector files)."""
    from diffusion_sim.publish.figures import write_figures

    try:
        written = write_figures(results, lang.value, tuple(f.value for f in format_) if format_ else ("png", "svg"))
    except DiffusionSimError as exc:
        raise fail(exc) from None
    for path in written:
        out_console.print(f"wrote {path}", markup=False, highlight=False)


@app.command()
def report(results: ResultsDirs, lang: Lang = Language.nl) -> None:
    """Write a self-contained HTML page and a PDF with headline numbers, figures, assumptions and method."""
    from diffusion_sim.publish.write import write_report

    try:
        written = write_report(results, lang.value)
    except DiffusionSimError as exc:
        raise fail(exc) from None
    for path in written:
        out_console.print(f"wrote {path}", markup=False, highlight=False)


