"""The command line: parse, call one library function, print, map errors to exit statuses.

Bad input ends with one line on stderr and exit status 2; Ctrl-C ends with status 130 and nothing
written. Nothing here computes model results.
"""

from __future__ import annotations

import sys
import time
import tomllib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from diffusion_sim.errors import DiffusionSimError, Interrupted, ScenarioError
from diffusion_sim.executors import default_workers

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Simulate how a proven healthcare innovation spreads between a region's care organisations.",
)
out_console = Console()
err_console = Console(stderr=True)

Replications = Annotated[int | None, typer.Option("--replications", "-n", min=1, help="Replications per scenario (default: the scenario's).")]
Seed = Annotated[int | None, typer.Option("--seed", min=0, help="Root seed (default: the scenario's).")]
Months = Annotated[int | None, typer.Option("--months", min=1, help="Horizon in months (default: the scenario's).")]
Out = Annotated[Path | None, typer.Option("--out", help="Results folder to create (default: a new folder under results/).")]
Workers = Annotated[int | None, typer.Option("--workers", "-w", min=1, help="Worker processes (default: one per core).")]
Sets = Annotated[list[str] | None, typer.Option("--set", help="Override a parameter, e.g. --set facilitation.budget_eur_per_year=20000.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]


def main() -> None:
    """Entry point of the ``diffusion-sim`` command."""
    try:
        app()
    except KeyboardInterrupt:
        err_console.print("diffusion-sim: interrupted; nothing was written")
        sys.exit(Interrupted.exit_code)


def _parse_sets(sets: list[str] | None) -> dict[str, Any]:
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


def _load(paths: list[Path], seed: int | None, months: int | None, sets: list[str] | None) -> list[Any]:
    from diffusion_sim.scenario import load_scenario

    overrides = _parse_sets(sets)
    if seed is not None:
        overrides["simulation.seed"] = seed
    if months is not None:
        overrides["simulation.months"] = months
    return [load_scenario(p, overrides) for p in paths]


def _study(paths: list[Path], replications: int | None, seed: int | None, months: int | None, out: Path | None,
           workers: int | None, sets: list[str] | None, quiet: bool, stem: str) -> None:
    from diffusion_sim.results import new_results_dir
    from diffusion_sim.study import run_study

    try:
        scenarios = _load(paths, seed, months, sets)
        reps = replications or scenarios[0].simulation.replications
        folder = out or new_results_dir(Path("results"), stem)
        if folder.exists():
            raise ScenarioError(f"--out {folder}: already exists; results are never overwritten, choose another folder")
        n_workers = workers or default_workers()
        total = reps * len(scenarios)
        started = time.perf_counter()
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
                      console=err_console, disable=quiet, transient=True) as bar:
            task = bar.add_task("replications", total=total, rate="")

            def advance(k: int) -> None:
                done = bar.tasks[0].completed + k
                rate = done / max(time.perf_counter() - started, 1e-9)
                bar.update(task, advance=k, rate=f"{rate:,.0f}/s")

            result = run_study(scenarios, [str(p) for p in paths], folder, reps, n_workers, advance, command=sys.argv)
    except DiffusionSimError as exc:
        err_console.print(f"diffusion-sim: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(code=exc.exit_code) from None
    elapsed = time.perf_counter() - started
    _print_outcomes(result.outcomes)
    if result.differences is not None:
        _print_differences(result.differences)
    out_console.print(f"{total:,} replications in {elapsed:.1f} s on {n_workers} worker(s); results in [bold]{result.folder}[/bold]")


def _print_outcomes(table: Any) -> None:
    from diffusion_sim.analysis.summary import format_value

    scenarios = list(dict.fromkeys(table["scenario"]))
    t = Table(title="Outcomes: median [90% interval]", title_justify="left")
    t.add_column("Outcome")
    for s in scenarios:
        t.add_column(s, justify="right")
    for outcome, rows in table.groupby("outcome", sort=False):
        cells = []
        for s in scenarios:
            r = rows[rows["scenario"] == s].iloc[0]
            text = f"{format_value(r['median'], r['unit'])} [{format_value(r['low'], r['unit'])}-{format_value(r['high'], r['unit'])}]"
            if r["reached"] == r["reached"]:  # a time to target: say how often it was reached
                text += f", reached in {100 * r['reached']:.0f}%"
            cells.append(text)
        t.add_row(rows.iloc[0]["label"], *cells)
    out_console.print(t)


def _print_differences(table: Any) -> None:
    from diffusion_sim.analysis.summary import format_value

    for name, rows in table.groupby("scenario", sort=False):
        t = Table(title=f"{name} minus {rows.iloc[0]['reference']}, paired by replication: median [90% interval]", title_justify="left")
        t.add_column("Difference")
        t.add_column("median [90% interval]", justify="right")
        t.add_column("pairs", justify="right")
        for _, r in rows.iterrows():
            text = f"{format_value(r['median'], r['unit'])} [{format_value(r['low'], r['unit'])} to {format_value(r['high'], r['unit'])}]"
            t.add_row(r["label"], text, str(r["pairs"]))
        out_console.print(t)


@app.command()
def run(scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")], replications: Replications = None,
        seed: Seed = None, months: Months = None, out: Out = None, workers: Workers = None, set_: Sets = None,
        quiet: Quiet = False) -> None:
    """Run one scenario and write a new results folder."""
    _study([scenario], replications, seed, months, out, workers, set_, quiet, stem=scenario.stem)


@app.command()
def compare(scenarios: Annotated[list[Path], typer.Argument(help="Two or more scenario files; the first is the reference.")],
            replications: Replications = None, seed: Seed = None, months: Months = None, out: Out = None,
            workers: Workers = None, set_: Sets = None, quiet: Quiet = False) -> None:
    """Run scenarios with common random numbers and report paired differences against the first."""
    if len(scenarios) < 2:
        err_console.print("diffusion-sim: compare needs at least two scenario files")
        raise typer.Exit(code=2)
    _study(scenarios, replications, seed, months, out, workers, set_, quiet, stem="compare")


@app.command()
def params() -> None:
    """List every parameter with its default, unit and source."""
    from diffusion_sim.params import Params, flat_fields

    t = Table(title="Parameters (defaults: Zuidwest isolated baseline)", title_justify="left")
    t.add_column("parameter")
    t.add_column("default")
    t.add_column("unit; source")
    defaults = Params().model_dump(mode="json")
    for key, info in flat_fields().items():
        value: Any = defaults
        for part in key.split("."):
            value = value[part]
        t.add_row(key, str(value), info.description or "")
    out_console.print(t)

