"""``population``: the share of innovations that scale up, isolated against collaborative (claim 3; ``studies/population.py``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from diffusion_sim.cli.common import (
    Months,
    Out,
    Quiet,
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
from diffusion_sim.errors import DiffusionSimError, Interrupted

DEFAULTS = [Path("scenarios/zuidwest-population-isolated.toml"), Path("scenarios/zuidwest-population-collaborative.toml")]


@app.command()
def population(
    scenarios: Annotated[list[Path] | None, typer.Argument(
        help="Scenario files with the same [population]; the first is the reference (isolated). Default: "
             "scenarios/zuidwest-population-isolated.toml and -collaborative.toml.")] = None,
    innovations: Annotated[int | None, typer.Option(
        "--innovations", min=1, help="Innovations drawn (default: the scenario's population.innovations).")] = None,
    replications: Annotated[int | None, typer.Option(
        "--replications", "-n", min=1,
        help="Replications per innovation and strategy (default: the scenario's population.replications).")] = None,
    calibrate: Annotated[bool, typer.Option(
        "--calibrate", help="First fit population.calibration_scale so that the first scenario's share is the initiative's "
                            "35%, check it on fresh innovations, then run every scenario with it.")] = False,
    seed: Seed = None, months: Months = None, out: Out = None, workers: Workers = None, set_: Sets = None,
    quiet: Quiet = False, scheduler: Scheduler = None,
) -> None:
    """Draw a population of innovations and run each in every strategy: the share that scales up, paired (claim 3)."""
    from diffusion_sim.publish.terminal import population_lines
    from diffusion_sim.results import new_results_dir
    from diffusion_sim.studies.population import plan_population, run_population

    paths = scenarios or DEFAULTS
    try:
        loaded = load(paths, seed, months, set_)
        folder = out or new_results_dir(Path("results"), "population")
        plan = plan_population(loaded, [str(p) for p in paths], folder, innovations, replications, calibrate)
        n_workers = workers_or_all(workers)
        with progress_bar(quiet, "population") as bar:
            tick = Ticker(bar, 0, f"{plan.innovations} innovations x {plan.replications} replications")
            result = run_population(plan, n_workers, tick, tick.plan, scheduler, command=sys.argv)
    except DiffusionSimError as exc:
        raise fail(exc) from None
    except KeyboardInterrupt:
        err_console.print("diffusion-sim: interrupted; workers stopped, nothing was written")
        raise typer.Exit(code=Interrupted.exit_code) from None
    lines = population_lines(result.answer, result.by_attribute, result.differ, result.calibration)
    out_console.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)
    for note in result.notes:
        out_console.print(f"note: {note}", markup=False, highlight=False)
    where = f"the Dask cluster at {scheduler}" if scheduler else f"{n_workers} worker(s)"
    out_console.print(f"{result.runs:,} runs in {result.seconds:.0f} s on {where}; results in {result.folder}",
                      markup=False, highlight=False)
