"""Commands that run scenarios: ``run``, ``compare`` (with figures and report) and ``params``."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from diffusion_sim.cli.common import (
    Lang,
    Language,
    Months,
    NoReport,
    Out,
    ParameterDraws,
    Population,
    Quiet,
    Replications,
    Scheduler,
    Searched,
    Seed,
    Sets,
    Ticker,
    Workers,
    app,
    check_replications,
    claim,
    err_console,
    fail,
    interrupted,
    load,
    out_console,
    progress_bar,
    status_line,
    workers_or_all,
)
from diffusion_sim.errors import DiffusionSimError, ResultsError

if TYPE_CHECKING:  # imported when a command runs, so that --help stays quick
    from diffusion_sim.analysis.summary import StudyNumbers


def _study(paths: list[Path], replications: int | None, seed: int | None, months: int | None, out: Path | None,
           workers: int | None, sets: list[str] | None, quiet: bool, stem: str, scheduler: str | None = None,
           report_lang: str | None = None, draws: bool | None = None, searched: list[Path] | None = None,
           population: Path | None = None) -> None:
    folder: Path | None = None
    try:
        check_replications(replications)
        scenarios = load(paths, seed, months, sets, draws)
        answers = _searched(searched, [p.name for p in scenarios])
        scale_ups = _population(population)
        from diffusion_sim.studies.compare import run_study  # the model and the tables, once the input is known good

        reps = replications or scenarios[0].simulation.replications
        n_workers = workers_or_all(workers)
        total = reps * len(scenarios)
        answered = False
        with claim(out, stem) as folder, contextlib.ExitStack() as writing:
            started = time.perf_counter()
            with progress_bar(quiet, "replications") as bar:

                def answer(computed: Any) -> None:  # the answer first: writing the folder, figures and report take seconds
                    nonlocal answered
                    bar.stop()  # its line goes before the answer is printed
                    _print_answer(computed, scenarios, paths, answers, scale_ups)
                    answered = True
                    writing.enter_context(status_line(quiet, "writing the results folder ..."))

                result = run_study(scenarios, [str(p) for p in paths], folder, reps, n_workers,
                                   Ticker(bar, total, "replications"), command=sys.argv, scheduler=scheduler,
                                   answered=answer)
    except DiffusionSimError as exc:
        raise fail(exc) from None
    except KeyboardInterrupt:
        if folder is not None and folder.is_dir():  # stopped just after the folder was put in place
            raise interrupted(f"the results are complete in {folder}") from None
        raise interrupted("the results folder was not written" if answered else "workers stopped, nothing was written") \
            from None
    elapsed = time.perf_counter() - started
    try:
        where = f"the Dask cluster at {scheduler}" if scheduler else f"{n_workers} worker(s)"
        out_console.print(f"{total:,} replications in {elapsed:.1f} s on {where}; results in [bold]{result.folder}[/bold]")
        if report_lang:
            with status_line(quiet, f"drawing the figures and writing the report ({report_lang}) ..."):
                outputs = _publish(result.folder, report_lang, searched, population, result.numbers)
            for path in outputs:
                out_console.print(f"wrote {path}", markup=False, highlight=False)
    except KeyboardInterrupt:
        raise interrupted(_kept(result.folder, report_lang)) from None


def _print_answer(result: Any, scenarios: list[Any], paths: list[Path], answers: dict, scale_ups: dict | None) -> None:
    """The outcomes, differences, team, assumption ranking and claims of a study, as the terminal shows them."""
    _print_outcomes(result.outcomes)
    if result.differences is not None:
        _print_differences(result.differences)
    if result.innovations is not None:
        for (_, innovation), rows in result.innovations.groupby(["position", "innovation"], sort=True):
            _print_outcomes(rows, title=f"{innovation}: median (90% interval)")
    if result.team:
        from diffusion_sim.publish.words import team_sentence

        for name, q in result.team.items():
            sentence = team_sentence(name, q, result.months, "en")
            out_console.print(sentence[:1].upper() + sentence[1:], markup=False, highlight=False)
    if result.assumptions is not None:
        _print_assumptions(result.assumptions, scenarios[0].name)
    if result.claims is not None and not result.claims.empty:
        names = [p.name for p in scenarios]
        _print_claims(result.claims, names, result.months, dict(zip(names, map(str, paths), strict=True)), answers,
                      scale_ups)


def _kept(folder: Path, lang: str | None) -> str:
    """What a stop after the results folder was written leaves: said precisely, with the commands that finish it."""
    from diffusion_sim.publish.figures import figures_dirname
    from diffusion_sim.publish.write import report_paths

    text = f"the results are complete in {folder}"
    if lang is None:
        return text
    figures, (html, pdf) = folder / figures_dirname(lang), report_paths(folder, lang)  # type: ignore[arg-type]
    outputs = (figures, html, pdf)
    kept = [p.name for p in outputs if p.exists()]
    missing = [p.name for p in outputs if not p.exists()]
    if kept:
        text += f", with {', '.join(kept)}"
    if missing:
        todo = ([f"'diffusion-sim figures {folder} --lang {lang}'"] if not figures.exists() else []) + \
               ([f"'diffusion-sim report {folder} --lang {lang}'"] if not (html.exists() and pdf.exists()) else [])
        text += f"; not written: {', '.join(missing)} (run {' and '.join(todo)} to write them)"
    return text


def _searched(folders: list[Path] | None, order: list[str]) -> dict[tuple[str, str], dict]:
    """The answers of ``--what-it-takes`` folders, checked before anything runs (analysis.search.answers_for)."""
    if not folders:
        return {}
    from diffusion_sim.analysis.search import answers_for

    return answers_for(folders, order)


def _population(folder: Path | None) -> dict | None:
    """Claim 3's answer from a ``--population`` folder, checked before anything runs."""
    if folder is None:
        return None
    from diffusion_sim.analysis.population import population_answer

    return population_answer(folder)


def _publish(folder: Path, lang: str, searched: list[Path] | None = None, population: Path | None = None,
             numbers: StudyNumbers | None = None) -> list[Path]:
    """The figures and the report, a separate step once the results folder is complete and in place.

    It reads the folder back as ``diffusion-sim report`` would (taking the run's summary ``numbers``
    rather than computing them again) and writes each output atomically on its own, so a failure here
    never costs the (expensive) results.
    """
    try:
        from diffusion_sim.publish.write import publish

        return publish(folder, lang, searched=searched, population=population, numbers=numbers)
    except (DiffusionSimError, OSError) as exc:
        raise fail(ResultsError(f"{folder}: results are complete, but writing the figures and report failed ({exc}); "
                                f"run 'diffusion-sim report {folder}' to try again")) from None


def _print_outcomes(table: Any, title: str = "Outcomes over replications: median (90% interval)") -> None:
    from diffusion_sim.publish.terminal import format_interval, format_parts, parts_note

    scenarios = list(dict.fromkeys(table["scenario"]))
    drawn = "parameter_share" in table and table["parameter_share"].notna().any()
    t = Table(title=title + (parts_note() if drawn else ""), title_justify="left")
    t.add_column("Outcome", ratio=2)
    for s in scenarios:
        t.add_column(s, justify="right", ratio=2)
    for _, rows in table.groupby("outcome", sort=False):
        fields = ["median", "low", "high", "unit", "reached"]
        cells = []
        for s in scenarios:
            r = rows[rows["scenario"] == s].iloc[0]
            cells.append(format_interval(*r[fields]) + (format_parts(r) if drawn else ""))
        t.add_row(rows.iloc[0]["label"], *cells)
    out_console.print(t)


def _print_differences(table: Any) -> None:
    from diffusion_sim.publish.terminal import format_interval, format_parts, parts_note

    drawn = "parameter_share" in table and table["parameter_share"].notna().any()
    for name, rows in table.groupby("scenario", sort=False):
        t = Table(title=f"{name} minus {rows.iloc[0]['reference']}, paired by replication: median (90% interval)"
                        + (parts_note() if drawn else ""), title_justify="left")
        t.add_column("Difference", ratio=3)
        t.add_column("median (90% interval)", justify="right", ratio=2)
        t.add_column("pairs", justify="right")
        for _, r in rows.iterrows():
            cell = format_interval(r["median"], r["low"], r["high"], r["unit"]) + (format_parts(r) if drawn else "")
            t.add_row(r["label"], cell, str(r["pairs"]))
        out_console.print(t)


def _print_claims(claims: Any, order: list[str], months: int, files: dict[str, str] | None = None,
                  searched: dict[tuple[str, str], dict] | None = None, population: dict | None = None) -> None:
    import textwrap

    from diffusion_sim.analysis.claims import answers_with_population
    from diffusion_sim.publish.words import claim_texts, t

    width = max(40, min(out_console.width, 100))

    def say(text: str, first: str = "   ", rest: str = "   ") -> None:
        out_console.print(textwrap.fill(text, width, initial_indent=first, subsequent_indent=rest), markup=False,
                          highlight=False)

    reps = int(claims["runs"].iloc[0])
    say(f"The initiative's claims, tested over {reps:,} runs a strategy (a projection, not a forecast):", "", "")
    for k, row in enumerate(answers_with_population(claims, population), start=1):
        row["file"] = (files or {}).get(row["strategy"], "")
        if (row["claim"], row["strategy"]) in (searched or {}):
            row["what_it_takes"] = searched[(row["claim"], row["strategy"])]  # type: ignore[index]
        claim, chance, finding, takes = claim_texts(row, order, months, "en")
        say(claim, f"{k}. ")
        for text in (chance, *finding.split("\n"), f"what it would take: {takes}" if takes != "–" else "–"):
            if text != "–":
                say(text)
    say(t("claims_scale", "en"), "", "")


def _print_assumptions(table: Any, reference: str, top: int = 3) -> None:
    from diffusion_sim.publish.terminal import assumption_lines

    out_console.print("\n".join(assumption_lines(table, reference, top)), markup=False, highlight=False)


@app.command(short_help="Run one scenario; write a new results folder.")
def run(scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")], replications: Replications = None,
        seed: Seed = None, months: Months = None, out: Out = None, workers: Workers = None, set_: Sets = None,
        quiet: Quiet = False, scheduler: Scheduler = None, parameter_draws: ParameterDraws = None) -> None:
    """Run one scenario and write a new results folder."""
    _study([scenario], replications, seed, months, out, workers, set_, quiet, stem=scenario.stem, scheduler=scheduler,
           draws=parameter_draws)


@app.command(short_help="Compare scenarios pair by pair; claims, figures, report.")
def compare(scenarios: Annotated[list[Path], typer.Argument(help="Two or more scenario files; the first is the reference.")],
            replications: Replications = None, seed: Seed = None, months: Months = None, out: Out = None,
            workers: Workers = None, set_: Sets = None, quiet: Quiet = False, scheduler: Scheduler = None,
            lang: Lang = Language.nl, no_report: NoReport = False, parameter_draws: ParameterDraws = None,
            searched: Searched = None, population: Population = None) -> None:
    """Run scenarios with common random numbers and report paired differences against the first.

    The results folder also gets the figures and the report (HTML and PDF) in --lang, unless --no-report.
    """
    if len(scenarios) < 2:
        err_console.print("diffusion-sim: compare needs at least two scenario files")
        raise typer.Exit(code=2)
    _study(scenarios, replications, seed, months, out, workers, set_, quiet, stem="compare", scheduler=scheduler,
           report_lang=None if no_report else lang.value, draws=parameter_draws, searched=searched,
           population=population)


@app.command(short_help="List every parameter with its default and source.")
def params() -> None:
    """List every parameter with its default, unit and source."""
    from diffusion_sim.params import Params, flat_fields
    from diffusion_sim.publish.terminal import parameter_list

    out_console.print(parameter_list(flat_fields(), Params().model_dump(mode="json"), out_console.width), markup=False,
                      highlight=False, soft_wrap=True)


@app.command(short_help="Print the scenario file format as a JSON Schema.")
def schema() -> None:
    """Print the scenario file format as a JSON Schema, for editors (docs/scenario.schema.json holds a copy)."""
    import json

    from diffusion_sim.scenario import json_schema

    sys.stdout.write(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")
