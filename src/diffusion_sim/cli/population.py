"""``population``: the share of innovations that scale up, isolated against collaborative (claim 3; ``studies/population.py``)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from diffusion_sim.cli.common import (
    Lang,
    Language,
    Months,
    Out,
    ParameterDraws,
    Quiet,
    Scheduler,
    Seed,
    Sets,
    Ticker,
    Workers,
    app,
    claim,
    fail,
    interrupted,
    load,
    out_console,
    progress_bar,
    workers_or_all,
)
from diffusion_sim.errors import DiffusionSimError

WIDTH = 80  # the table's width at most (narrower if the terminal is)


@app.command(short_help="Share of innovations that scale up (claim 3).")
def population(
    isolated: Annotated[Path, typer.Argument(
        metavar="SCENARIO_ISOLATED", help="Scenario file of the reference strategy, without a team, with a [population] "
                                          "(e.g. scenarios/zuidwest-population-isolated.toml).")],
    collaborative: Annotated[Path, typer.Argument(
        metavar="SCENARIO_COLLABORATIVE", help="Scenario file of the strategy to compare, with the same [population] "
                                               "(e.g. scenarios/zuidwest-population-collaborative.toml).")],
    innovations: Annotated[int | None, typer.Option(
        "--innovations", "-n", min=1, help="Innovations drawn (default: the scenario's population.innovations).")] = None,
    replications: Annotated[int | None, typer.Option(
        "--replications", min=1,
        help="Replications per innovation and strategy (default: the scenario's population.replications).")] = None,
    calibrate: Annotated[bool, typer.Option(
        "--calibrate", help="First fit population.calibration_scale so that the isolated share is the initiative's 35% "
                            "(its own claim), check it on fresh innovations, print the line for the scenario file, then "
                            "run both strategies with it.")] = False,
    seed: Seed = None, months: Months = None, out: Out = None, workers: Workers = None, set_: Sets = None,
    quiet: Quiet = False, scheduler: Scheduler = None, parameter_draws: ParameterDraws = None, lang: Lang = Language.nl,
) -> None:
    """Draw a population of innovations and run each alone and with the team: the share that scales up, paired (claim 3).

    Innovation k is the same in both strategies; success is reaching patients beyond the first
    organisation within population.success_months and still being in use then (docs/population.md).
    """
    from diffusion_sim.publish.terminal import population_tables
    from diffusion_sim.studies.population import plan_population, run_population

    paths = [isolated, collaborative]
    started = time.perf_counter()
    try:
        loaded = load(paths, seed, months, set_, parameter_draws)
        plan = plan_population(loaded, [str(p) for p in paths], innovations, replications, calibrate)
        n_workers = workers_or_all(workers)
        with claim(out, "population") as folder, progress_bar(quiet, "population") as bar:
            tick = Ticker(bar, 0, f"{plan.innovations} innovations x {plan.replications} replications")
            result = run_population(plan, folder, n_workers, tick, tick.plan, scheduler, command=sys.argv)
    except DiffusionSimError as exc:
        raise fail(exc) from None
    except KeyboardInterrupt:
        raise interrupted("workers stopped, nothing was written") from None
    width = min(out_console.width, WIDTH)
    out_console.print(population_tables(result.answer, result.by_attribute, result.differ, result.calibration, lang.value,
                                        width), markup=False, highlight=False, soft_wrap=True)
    for note in result.notes:
        out_console.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)
    where = f"the Dask cluster at {scheduler}" if scheduler else f"{n_workers} worker(s)"
    out_console.print(f"{result.runs:,} runs in {time.perf_counter() - started:.1f} s on {where}; results in {result.folder}",
                      markup=False, highlight=False, soft_wrap=True)
