"""Figures and report into a results folder: written whole or not at all, never half.

The report goes next to the results as ``report-<lang>.html`` and ``report-<lang>.pdf``, through
temporary files that are renamed only when both are complete; :func:`publish` also draws the figures
folder (once, for both the folder and the report) and replaces it atomically.
"""

from __future__ import annotations

import os
from pathlib import Path

from diffusion_sim.analysis.population import population_answer
from diffusion_sim.analysis.search import answers_for
from diffusion_sim.analysis.summary import StudyNumbers
from diffusion_sim.publish.figures import figure_names, figures_dirname, load_study, render_figures
from diffusion_sim.publish.formats import Lang, check_lang
from diffusion_sim.publish.report.document import Document, build_document
from diffusion_sim.publish.report.html import render_html
from diffusion_sim.publish.report.pdf import render_pdf
from diffusion_sim.results import remove_stale, replace_atomically, temp_path


def report_paths(folder: Path, lang: Lang) -> tuple[Path, Path]:
    """Where the report of ``folder`` in ``lang`` goes."""
    return folder / f"report-{lang}.html", folder / f"report-{lang}.pdf"


def _write_report_files(doc: Document, folder: Path) -> list[Path]:
    """Write HTML and PDF to temporary names, then rename both; a failure leaves the old report (or none)."""
    html_path, pdf_path = report_paths(folder, doc.lang)
    tmp_html, tmp_pdf = temp_path(html_path), temp_path(pdf_path)
    remove_stale(folder)  # what a killed run left: its temporary report files
    try:
        tmp_html.write_text(render_html(doc), encoding="utf-8")
        render_pdf(doc, tmp_pdf)
        os.replace(tmp_html, html_path)
        os.replace(tmp_pdf, pdf_path)
    finally:
        for tmp in (tmp_html, tmp_pdf):
            tmp.unlink(missing_ok=True)
    return [html_path, pdf_path]


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
        doc = (build_document(study, lang, searched=found) if answer is None
               else build_document(study, lang, searched=found, population=answer))
        written += _write_report_files(doc, study.folder)
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

    def build(tmp: Path) -> Document:
        render_figures(study, lang, tmp, formats)
        pngs = {name: (tmp / f"{name}.png").read_bytes() for name in figure_names(study)}
        return build_document(study, lang, pngs, answers, scale_ups)

    doc = replace_atomically(build, target)
    return [target, *_write_report_files(doc, study.folder)]
