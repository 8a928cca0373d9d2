"""``figures`` and ``report``: from results folders, without running the model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from diffusion_sim.cli.common import (
    FigureFormat,
    Lang,
    Language,
    Population,
    Searched,
    app,
    fail,
    interrupted,
    out_console,
)
from diffusion_sim.errors import DiffusionSimError, WriteError

ResultsDirs = Annotated[list[Path], typer.Argument(metavar="RESULTS_DIR", help="Results folders written by run or compare.")]
Formats = Annotated[list[FigureFormat] | None,
                    typer.Option("--format", help="File format; repeat for several (default: png and svg).")]
NoVerify = Annotated[bool, typer.Option("--no-verify", help="Use the folder even if its files no longer match the SHA-256 "
                                                            "its manifest records (edited or damaged since written).")]
KEPT = "each figures folder and report is the previous one or a complete new one, never half written"


@app.command(short_help="Write the figures of results folders (NL or EN).")
def figures(results: ResultsDirs, lang: Lang = Language.nl, format_: Formats = None, no_verify: NoVerify = False) -> None:
    """Write publication-ready figures into RESULTS_DIR/figures-<lang>/ (300 dpi PNG and vector files)."""
    try:
        from diffusion_sim.publish.figures import write_figures

        written = write_figures(results, lang.value, tuple(f.value for f in format_) if format_ else ("png", "svg"),
                                verify=not no_verify)
    except DiffusionSimError as exc:
        raise fail(exc) from None
    except OSError as exc:
        raise fail(WriteError(f"{exc.filename or results[0]}: cannot write the figures ({exc.strerror or exc})")) from None
    except KeyboardInterrupt:
        raise interrupted(KEPT) from None
    for path in written:
        out_console.print(f"wrote {path}", markup=False, highlight=False)


@app.command(short_help="Write the HTML and PDF report of results folders.")
def report(results: ResultsDirs, lang: Lang = Language.nl, no_verify: NoVerify = False, searched: Searched = None,
           population: Population = None) -> None:
    """Write a self-contained HTML page and a PDF with headline numbers, figures, assumptions and method."""
    try:
        from diffusion_sim.publish.write import write_report

        written = write_report(results, lang.value, verify=not no_verify, searched=searched, population=population)
    except DiffusionSimError as exc:
        raise fail(exc) from None
    except OSError as exc:
        raise fail(WriteError(f"{exc.filename or results[0]}: cannot write the report ({exc.strerror or exc})")) from None
    except KeyboardInterrupt:
        raise interrupted(KEPT) from None
    for path in written:
        out_console.print(f"wrote {path}", markup=False, highlight=False)


