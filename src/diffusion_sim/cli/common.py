"""The command line's shared parts: the Typer app, its options, one error wrapper, progress, loading scenarios.

The command line parses, calls one library function, prints and maps errors to exit statuses: bad
input ends with one line on stderr and exit status 2; Ctrl-C ends with status 130. Nothing here
computes model results, and nothing heavy is imported until a command runs, so ``--help`` is quick.
"""

from __future__ import annotations

import time
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from diffusion_sim.errors import DiffusionSimError, ScenarioError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Simulate how a proven healthcare innovation spreads between a region's care organisations.",
)
out_console = Console()
err_console = Console(stderr=True)

Replications = Annotated[int | None, typer.Option("--replications", "-n", min=1,
                                                  help="Replications per scenario (default: the scenario's).")]
Seed = Annotated[int | None, typer.Option("--seed", min=0, help="Root seed (default: the scenario's).")]
Months = Annotated[int | None, typer.Option("--months", min=1, help="Horizon in months (default: the scenario's).")]
Out = Annotated[Path | None, typer.Option("--out", help="Results folder to create (default: a new folder under results/).")]
Workers = Annotated[int | None, typer.Option("--workers", "-w", min=1, help="Worker processes (default: one per core).")]
Sets = Annotated[list[str] | None, typer.Option(
    "--set", help="Override a parameter, e.g. --set diffusion.q=0.3 (every name: diffusion-sim params).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]


class Language(StrEnum):
    """Languages of figures and report."""

    nl = "nl"
    en = "en"


class FigureFormat(StrEnum):
    """File formats of figures."""

    png = "png"
    svg = "svg"
    pdf = "pdf"


Lang = Annotated[Language, typer.Option("--lang", help="Language of figures and report: text, month names and number formats.")]
NoReport = Annotated[bool, typer.Option("--no-report", help="Do not write figures and the report into the results folder.")]


Scheduler = Annotated[str | None, typer.Option("--scheduler", envvar="DIFFUSION_SIM_SCHEDULER", show_envvar=True,
                                               help="Run on a Dask cluster: address of its scheduler, e.g. tcp://10.0.0.5:8786.")]


Varies = Annotated[list[str], typer.Option(
    "--vary", help="PARAM=LOW:HIGH[:STEPS], e.g. diffusion.q=0.1:0.3:5; "
                   "true/false parameters as PARAM=false:true. Repeat for each parameter.")]
Outcomes = Annotated[list[str] | None, typer.Option(
    "--outcome", help="Outcome to plot or analyse (repeatable; default: the key outcomes).")]


def fail(exc: DiffusionSimError) -> typer.Exit:
    """The one way an error leaves the command line: one line on stderr, the error's exit status."""
    err_console.print(f"diffusion-sim: {exc}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code=exc.exit_code)


def workers_or_all(workers: int | None) -> int:
    """The workers asked for, else one per core this process may use."""
    from diffusion_sim.executors import default_workers

    return workers or default_workers()


def parse_sets(sets: list[str] | None) -> dict[str, Any]:
    """``--set KEY=VALUE`` options as parameter changes (values read as TOML, else as text)."""
    changes: dict[str, Any] = {}
    for item in sets or []:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ScenarioError(f"--set {item}: expected KEY=VALUE, e.g. facilitation.budget_eur_per_year=20000")
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        changes[key.strip()] = value
    return changes


def load(paths: list[Path], seed: int | None, months: int | None, sets: list[str] | None) -> list[Any]:
    """The scenario files with ``--set``, ``--seed`` and ``--months`` applied, each error naming its option."""
    from diffusion_sim.params import change
    from diffusion_sim.scenario import load_scenario

    scenarios = [load_scenario(p, parse_sets(sets)) for p in paths]
    for option, name, value in (("--seed", "simulation.seed", seed), ("--months", "simulation.months", months)):
        if value is not None:
            scenarios = [change(p, {name: value}, source=option) for p in scenarios]
    return scenarios


def progress_bar(quiet: bool, label: str) -> Progress:
    """Replications done, rate and time left, redrawn as work comes back.

    No drawing thread, so that local workers can be forked from this process (``executors``).
    """
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                    TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(), console=err_console, disable=quiet,
                    transient=True, auto_refresh=False)


class Ticker:
    """Advances a Rich task by replications and shows the rate; ``plan`` grows the total (adaptive designs)."""

    def __init__(self, bar: Progress, total: int | None, label: str) -> None:
        self.bar, self.started = bar, time.perf_counter()
        self.task = bar.add_task(label, total=total, rate="")

    def __call__(self, k: int) -> None:
        """``k`` more replications are done."""
        done = self.bar.tasks[0].completed + k
        rate = done / max(time.perf_counter() - self.started, 1e-9)
        self.bar.update(self.task, advance=k, rate=f"{rate:,.0f}/s", refresh=True)

    def plan(self, k: int) -> None:
        """``k`` more replications are planned."""
        total = (self.bar.tasks[0].total or 0) + k
        self.bar.update(self.task, total=total, refresh=True)


