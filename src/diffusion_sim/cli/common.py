"""The command line's shared parts: the Typer app, its options, one error wrapper, progress, loading scenarios.

The command line parses, calls one library function, prints and maps errors to exit statuses: bad
input ends with one line on stderr and exit status 2; Ctrl-C ends with status 130 (SIGTERM does the
same and exits with 143, see ``diffusion_sim.__main__``). Nothing here computes model results, and
nothing heavy is imported until a command runs, so ``--help`` is quick.

A command that writes a results folder holds its name from the start (:func:`claim`), so a folder
that cannot be written, or that another run is writing, is refused before anything is computed.
"""

from __future__ import annotations

import contextlib
import time
import tomllib
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from diffusion_sim.errors import DiffusionSimError, Interrupted, ScenarioError

app = typer.Typer(
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish and PowerShell
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: click wraps at any width and never cuts an option name or a word
    help="Simulate how a proven healthcare innovation spreads between a region's care organisations.",
)
out_console = Console()
err_console = Console(stderr=True)


def _show_version(value: bool) -> None:
    if value:
        from diffusion_sim import __version__

        out_console.print(f"diffusion-sim {__version__}", markup=False, highlight=False)
        raise typer.Exit()


@app.callback()
def _options(version: Annotated[bool, typer.Option("--version", "-V", callback=_show_version, is_eager=True,
                                                   help="Show the version and exit.")] = False) -> None:
    """Simulate how a proven healthcare innovation spreads between a region's care organisations."""

# Options that set a schema field take their limits from the schema (params.py), checked in one line each before
# anything runs (check_replications, check_field); no limit is repeated here.
Replications = Annotated[int | None, typer.Option("--replications", "-n",
                                                  help="Replications per scenario (default: the scenario's).")]
Seed = Annotated[int | None, typer.Option("--seed", help="Root seed, 0 to 2**63-1 (default: the scenario's).")]
Months = Annotated[int | None, typer.Option("--months", help="Horizon in months (default: the scenario's).")]
Out = Annotated[Path | None, typer.Option("--out", help="Results folder to create (default: a new folder under results/).")]
Workers = Annotated[int | None, typer.Option("--workers", "-w", help="Worker processes (default: one per core).")]
# A sane most: as many as the hardware threads of a large server. Each worker holds a model and its region (0.6-0.7 GB
# in a Zuidwest run, issue 18), so 256 already asks for some 170 GB; a typo (-w 10000) is refused, not forked.
WORKERS_MAX = 256
Sets = Annotated[list[str] | None, typer.Option(
    "--set", help="Override a parameter, e.g. --set diffusion.q=0.3 (every name: diffusion-sim params).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
ParameterDraws = Annotated[bool | None, typer.Option(
    "--parameter-draws/--no-parameter-draws",
    help="Draw the uncertain parameters per replication (default: the scenario's uncertainty.draws, on in the shipped "
         "scenarios); --no-parameter-draws holds them at their central values, so intervals show chance only.")]
DrawParameters = Annotated[bool, typer.Option(
    "--draw-parameters", help="Also draw every parameter the design does not vary from its prior, per replication "
                              "(default: held at the scenario's central value).")]


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
Population = Annotated[Path | None, typer.Option(
    "--population", help="A results folder of diffusion-sim population: its answer fills claim 3's row (the share of "
                         "scale-ups that succeed); without it the row says to run that command.")]


Searched = Annotated[list[Path] | None, typer.Option(
    "--what-it-takes", metavar="DIR", help="A folder written by 'diffusion-sim what-it-takes' for one of the compared "
    "strategies: its answer fills that claim's 'what it would take' in the claims table. Repeat for each claim.")]


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


def interrupted(message: str) -> typer.Exit:
    """The one way a stop by Ctrl-C (or SIGTERM) leaves a command: one line saying what was kept, status 130."""
    err_console.print(f"diffusion-sim: interrupted; {message}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code=Interrupted.exit_code)


def claim(out: Path | None, stem: str, option: str = "--out", overwrite: bool = False, default: Path | None = None,
          kind: str = "folder") -> Any:
    """Hold the results folder's name from now on: ``out``, else ``default``, else a new folder under results/ after ``stem``.

    Returns a held :class:`~diffusion_sim.results.Reservation` (a context manager that gives the name up);
    a place that cannot be written, or another run's folder, is refused here, before anything is computed.
    """
    from diffusion_sim.results import Reservation, reserve_new

    if out is not None:
        return Reservation(out, option=option, overwrite=overwrite, kind=kind).acquire()
    if default is not None:
        return Reservation(default, option="", overwrite=overwrite, kind=kind).acquire()
    return reserve_new(Path("results"), stem, option)


def check_replications(n: int | None, option: str = "--replications", least: int | None = None) -> int | None:
    """``n`` within the schema's limit for replications (``simulation.replications``), before anything is allocated.

    ``least``: a command that needs more than the schema's lowest (a spread over replications needs two).
    """
    if n is None:
        return None
    from diffusion_sim.params import bounds

    low, high = bounds("simulation.replications")
    low = max(low, least or low)
    if not low <= n <= high:
        raise ScenarioError(f"{option} {n}: must be between {low:,.0f} and {high:,.0f} (the limit of "
                            "simulation.replications)")
    return n


def check_field(value: Any, option: str, field: str) -> Any:
    """``value`` of ``option`` as the schema allows it for ``field``, before anything runs; the one line ``--set`` gives."""
    if value is not None:
        from diffusion_sim.params import Params, change

        change(Params(), {field: value}, source=option)
    return value


def check_count(n: int | None, option: str, low: int, high: int, why: str) -> int | None:
    """A whole number of ``option`` within ``low``..``high`` (``why`` says where the limit comes from)."""
    if n is not None and not low <= n <= high:
        raise ScenarioError(f"{option} {n}: must be between {low:,} and {high:,} ({why})")
    return n


def check_number(x: float, option: str, low: float, high: float, why: str) -> float:
    """A finite number of ``option`` within ``low``..``high`` (``nan`` and ``inf`` pass Click's ranges, not this)."""
    import math

    if not (math.isfinite(x) and low <= x <= high):
        raise ScenarioError(f"{option} {x:g}: must be a number from {low:g} to {high:g} ({why})")
    return x


def workers_or_all(workers: int | None) -> int:
    """The workers asked for (1 to :data:`WORKERS_MAX`), else one per core this process may use."""
    from diffusion_sim.executors import default_workers

    check_count(workers, "--workers", 1, WORKERS_MAX, "a sane most: each worker holds a model and its region")
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
        except RecursionError:
            raise ScenarioError(f"--set {key.strip()}: the value is nested too deeply") from None
        changes[key.strip()] = value
    return changes


def load(paths: list[Path], seed: int | None, months: int | None, sets: list[str] | None,
         draws: bool | None = None) -> list[Any]:
    """The scenario files with ``--set``, ``--seed``, ``--months`` and ``--[no-]parameter-draws`` applied.

    Each error names the option it came from.
    """
    from diffusion_sim.params import change
    from diffusion_sim.scenario import load_scenario

    scenarios = [load_scenario(p, parse_sets(sets)) for p in paths]
    for option, name, value in (("--seed", "simulation.seed", seed), ("--months", "simulation.months", months),
                                ("--parameter-draws", "uncertainty.draws", draws)):
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


@contextlib.contextmanager
def status_line(quiet: bool, text: str) -> Iterator[None]:
    """One line on the terminal saying what runs now (``text``), gone when it is done.

    For the quiet seconds after the replications (figures, report). Drawn once, with no refresh
    thread, for the same reason as :func:`progress_bar`.
    """
    with Progress(TextColumn("{task.description}"), console=err_console, disable=quiet, transient=True,
                  auto_refresh=False) as bar:
        bar.add_task(text)
        bar.refresh()
        yield


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


