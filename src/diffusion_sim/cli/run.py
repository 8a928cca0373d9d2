"""Commands that run scenarios: ``run``, ``compare`` (with figures and report) and ``params``."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from diffusion_sim.cli.common import (
    Lang,
    Language,
    Months,
    NoReport,
    Out,
    Quiet,
    Replications,
    Scheduler,
    Seed,
    Sets,
    Ticker,
    Workers,
    app,
    err_console,
    fail,
    load,
    out_console,
    progress_bar,
    workers_or_all,
)
from diffusion_sim.errors import DiffusionSimError, Interrupted, ResultsError, ScenarioError


def _study(paths: list[Path], replications: int | None, seed: int | None, months: int | None, out: Path | None,
           workers: int | None, sets: list[str] | None, quiet: bool, stem: str, scheduler: str | None = None,
           report_lang: str | None = None) -> None:
    from diffusion_sim.results import new_results_dir
    from diffusion_sim.studies.compare import run_study

    try:
        scenarios = load(paths, seed, months, sets)
        reps = replications or scenarios[0].simulation.replications
        folder = out or new_results_dir(Path("results"), stem)
        if folder.exists():
            raise ScenarioError(f"--out {folder}: already exists; results are never overwritten, choose another folder")
        n_workers = workers_or_all(workers)
        total = reps * len(scenarios)
        started = time.perf_counter()
        with progress_bar(quiet, "replications") as bar:
            result = run_study(scenarios, [str(p) for p in paths], folder, reps, n_workers, Ticker(bar, total, "replications"),
                               command=sys.argv, scheduler=scheduler)
    except DiffusionSimError as exc:
        raise fail(exc) from None
    except KeyboardInterrupt:
        err_console.print("diffusion-sim: interrupted; workers stopped, nothing was written")
        raise typer.Exit(code=Interrupted.exit_code) from None
    elapsed = time.perf_counter() - started
    outputs = _publish(result.folder, report_lang) if report_lang else []
    where = f"the Dask cluster at {scheduler}" if scheduler else f"{n_workers} worker(s)"
    _print_outcomes(result.outcomes)
    if result.differences is not None:
        _print_differences(result.differences)
    if result.innovations is not None:
        for (_, innovation), rows in result.innovations.groupby(["position", "innovation"], sort=True):
            _print_outcomes(rows, title=f"{innovation}: median (90% interval)")
    out_console.print(f"{total:,} replications in {elapsed:.1f} s on {where}; results in [bold]{result.folder}[/bold]")
    for path in outputs:
        out_console.print(f"wrote {path}", markup=False, highlight=False)


def _publish(folder: Path, lang: str) -> list[Path]:
    """The figures and the report, a separate step once the results folder is complete and in place.

    It reads the folder back as ``diffusion-sim report`` would and writes each output atomically on
    its own, so a failure here never costs the (expensive) results.
    """
    from diffusion_sim.publish.write import publish

    try:
        return publish(folder, lang)
    except (DiffusionSimError, OSError) as exc:
        raise fail(ResultsError(f"{folder}: results are complete, but writing the figures and report failed ({exc}); "
                                f"run 'diffusion-sim report {folder}' to try again")) from None
    except KeyboardInterrupt:
        err_console.print(f"diffusion-sim: interrupted while writing the figures and report; the results are complete in "
                          f"{folder}; run 'diffusion-sim report {folder}' to write them")
        raise typer.Exit(code=Interrupted.exit_code) from None


def _print_outcomes(table: Any, title: str = "Outcomes over replications: median (90% interval)") -> None:
    from diffusion_sim.publish.terminal import format_interval

    scenarios = list(dict.fromkeys(table["scenario"]))
    t = Table(title=title, title_justify="left")
    t.add_column("Outcome", ratio=2)
    for s in scenarios:
        t.add_column(s, justify="right", ratio=2)
    for _, rows in table.groupby("outcome", sort=False):
        fields = ["median", "low", "high", "unit", "reached"]
        cells = [format_interval(*rows[rows["scenario"] == s].iloc[0][fields]) for s in scenarios]
        t.add_row(rows.iloc[0]["label"], *cells)
    out_console.print(t)


def _print_differences(table: Any) -> None:
    from diffusion_sim.publish.terminal import format_interval

    for name, rows in table.groupby("scenario", sort=False):
        t = Table(title=f"{name} minus {rows.iloc[0]['reference']}, paired by replication: median (90% interval)",
                  title_justify="left")
        t.add_column("Difference", ratio=3)
        t.add_column("median (90% interval)", justify="right", ratio=2)
        t.add_column("pairs", justify="right")
        for _, r in rows.iterrows():
            t.add_row(r["label"], format_interval(r["median"], r["low"], r["high"], r["unit"]), str(r["pairs"]))
        out_console.print(t)


@app.command()
def run(scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")], replications: Replications = None,
        seed: Seed = None, months: Months = None, out: Out = None, workers: Workers = None, set_: Sets = None,
        quiet: Quiet = False, scheduler: Scheduler = None) -> None:
    """Run one scenario and write a new results folder."""
    _study([scenario], replications, seed, months, out, workers, set_, quiet, stem=scenario.stem, scheduler=scheduler)


@app.command()
def compare(scenarios: Annotated[list[Path], typer.Argument(help="Two or more scenario files; the first is the reference.")],
            replications: Replications = None, seed: Seed = None, months: Months = None, out: Out = None,
            workers: Workers = None, set_: Sets = None, quiet: Quiet = False, scheduler: Scheduler = None,
            lang: Lang = Language.nl, no_report: NoReport = False) -> None:
    """Run scenarios with common random numbers and report paired differences against the first.

    The results folder also gets the figures and the report (HTML and PDF) in --lang, unless --no-report.
    """
    if len(scenarios) < 2:
        err_console.print("diffusion-sim: compare needs at least two scenario files")
        raise typer.Exit(code=2)
    _study(scenarios, replications, seed, months, out, workers, set_, quiet, stem="compare", scheduler=scheduler,
           report_lang=None if no_report else lang.value)


@app.command()
def params() -> None:
    """List every parameter with its default, unit and source."""
    from diffusion_sim.params import Params, flat_fields
    from diffusion_sim.publish.terminal import parameter_list

    out_console.print(parameter_list(flat_fields(), Params().model_dump(mode="json"), out_console.width), markup=False,
                      highlight=False, soft_wrap=True)
