"""Figures and report into a results folder: written whole or not at all, never half.

The report goes next to the results as ``report-<lang>.html`` and ``report-<lang>.pdf``, through
temporary files that are renamed only when both are complete; :func:`publish` also draws the figures
folder (once, for both the folder and the report) and replaces it atomically.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from pathlib import Path

from diffusion_sim.analysis.population import population_answer
from diffusion_sim.analysis.search import answers_for
from diffusion_sim.analysis.summary import StudyNumbers
from diffusion_sim.errors import WriteError
from diffusion_sim.executors import HelperLost, alongside
from diffusion_sim.publish.figures import Study, figure_names, figures_dirname, load_study, render_figures
from diffusion_sim.publish.formats import Lang, check_lang
from diffusion_sim.publish.report.document import Document, build_document, figure_pngs
from diffusion_sim.publish.report.html import render_html
from diffusion_sim.publish.report.pdf import render_pdf
from diffusion_sim.results import remove_stale, replace_atomically, temp_path


def report_paths(folder: Path, lang: Lang) -> tuple[Path, Path]:
    """Where the report of ``folder`` in ``lang`` goes."""
    return folder / f"report-{lang}.html", folder / f"report-{lang}.pdf"


def _write_report_files(doc: Document, folder: Path, pictures: Callable[[], dict[str, bytes]]) -> list[Path]:
    """Write HTML and PDF to temporary names, then rename both; a failure leaves the old report (or none).

    The PDF draws its figures as vectors (``doc.drawers``), so it is rendered alongside ``pictures()``,
    which gives the PNG bytes the HTML page embeds (and, for :func:`publish`, writes the figure files):
    the two longest steps of a report, about 2.7 s and 2.2 s for the default comparison, on two cores.
    """
    html_path, pdf_path = report_paths(folder, doc.lang)
    tmp_html, tmp_pdf = temp_path(html_path), temp_path(pdf_path)
    remove_stale(folder)  # what a killed run left: its temporary report files
    try:
        with alongside(partial(render_pdf, doc, tmp_pdf)) as pdf_rendered:
            pngs = pictures()
            try:
                pdf_rendered()
            except HelperLost as exc:
                raise WriteError(f"{pdf_path}: drawing the report failed ({exc}); the report was not written, "
                                 "the previous one (if any) is kept") from None
        tmp_html.write_text(render_html(doc.with_pngs(pngs)), encoding="utf-8")
        os.replace(tmp_html, html_path)
        os.replace(tmp_pdf, pdf_path)
    finally:
        for tmp in (tmp_html, tmp_pdf):
            tmp.unlink(missing_ok=True)
    return [html_path, pdf_path]


def _words_only(study: Study, lang: Lang, searched: dict | None, population: dict | None) -> Document:
    """The report's document before its pictures (:meth:`Document.with_pngs` adds them)."""
    return build_document(study, lang, dict.fromkeys(figure_names(study), b""), searched, population)


def write_report(folders: list[str | Path], lang: str = "nl", verify: bool = True,
                 searched: list[str | Path] | None = None, population: str | Path | None = None) -> list[Path]:
    """Write ``report-<lang>.html`` and ``.pdf`` into each results folder; returns the files written.

    Every folder is read and checked first (``verify``: its files against the manifest's SHA-256), so
    one bad folder stops the command before anything is written. ``searched``: ``what-it-takes``
    folders; each answers one claim of one compared strategy and fills that row's "what it would take".
    ``population`` is a folder of ``diffusion-sim population``, whose answer fills claim 3's row of every report.
    """
    lang = check_lang(lang)
    studies = [load_study(f, verify) for f in folders]
    answers = [answers_for(searched or [], study.order) for study in studies]
    answer = population_answer(population, verify) if population is not None else None
    written: list[Path] = []
    for study, found in zip(studies, answers, strict=True):
        doc = _words_only(study, lang, found, answer)
        written += _write_report_files(doc, study.folder, partial(figure_pngs, study, lang))
    return written


def publish(folder: str | Path, lang: str = "nl", formats: tuple[str, ...] = ("png", "svg"),
            searched: list[str | Path] | None = None, population: str | Path | None = None,
            numbers: StudyNumbers | None = None) -> list[Path]:
    """Figures and report for one results folder, drawing each figure once (what ``compare`` does by default).

    ``searched``: ``what-it-takes`` folders whose answers fill the claims table; ``population``: a folder
    of ``diffusion-sim population`` for claim 3's row (:func:`write_report`). ``numbers``: the summary
    tables of the run that just wrote ``folder`` (``StudyResult.numbers``), so they are not computed again.
    """
    lang = check_lang(lang)
    study = load_study(folder, numbers=numbers)
    answers = answers_for(searched or [], study.order)
    scale_ups = population_answer(population) if population is not None else None
    target = study.folder / figures_dirname(lang)
    formats = tuple(dict.fromkeys(("png", *formats)))

    def build(tmp: Path) -> dict[str, bytes]:
        render_figures(study, lang, tmp, formats)
        return {name: (tmp / f"{name}.png").read_bytes() for name in figure_names(study)}

    doc = _words_only(study, lang, answers, scale_ups)
    return [target, *_write_report_files(doc, study.folder, lambda: replace_atomically(build, target))]
