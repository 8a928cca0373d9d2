"""``regions``: the same strategy in several regions (the study is ``studies/regions.py``)."""

from __future__ import annotations

import sys
import time
from functools import partial
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
    Replications,
    Scheduler,
    Seed,
    Sets,
    Ticker,
    Workers,
    app,
    check_replications,
    claim,
    fail,
    interrupted,
    load,
    out_console,
    progress_bar,
    workers_or_all,
)
from diffusion_sim.errors import DiffusionSimError

RegionNames = Annotated[list[str], typer.Option(
    "--region", help="A shipped preset (zuidwest, rotterdam-rijnmond, nederland), a province (CBS spelling, e.g. Utrecht, "
                     "Fryslân) or comma-separated CBS municipality codes (GM0664,GM0687). Repeat for each region.")]
Reference = Annotated[Path | None, typer.Option("--reference", help="Scenario to compare against in every region, replication "
                                                                   "by replication, e.g. the isolated scenario in scenarios/.")]


@app.command(short_help="Run a strategy in several Dutch regions.")
def regions(scenario: Annotated[Path, typer.Argument(help="Scenario TOML file: the strategy to repeat elsewhere.")],
            region: RegionNames, reference: Reference = None, replications: Replications = None, seed: Seed = None,
            months: Months = None, workers: Workers = None, set_: Sets = None, out: Out = None, quiet: Quiet = False,
            scheduler: Scheduler = None, parameter_draws: ParameterDraws = None, lang: Lang = Language.nl) -> None:
    """Run a scenario in several regions (common random numbers): reach per euro and months to the targets per region.

    The origin moves to a region's most populous municipality with an eligible organisation of its type
    when the scenario's origin lies outside it (docs/regions.md).
    """
    from diffusion_sim.publish.analysis_figures import regions_figures
    from diffusion_sim.publish.terminal import regions_tables
    from diffusion_sim.studies.regions import run_region_comparison

    paths = [reference, scenario] if reference is not None else [scenario]
    started = time.perf_counter()
    try:
        check_replications(replications)
        scenarios = load(paths, seed, months, set_, parameter_draws)
        n_workers = workers_or_all(workers)
        with claim(out, "regions") as folder, progress_bar(quiet, "regions") as bar:
            tick = Ticker(bar, None, f"{len(region)} region(s) x {len(paths)} scenario(s)")
            result = run_region_comparison(scenarios, [str(p) for p in paths], region, folder, replications, n_workers, tick,
                                           command=sys.argv, scheduler=scheduler, on_plan=tick.plan,
                                           draw=partial(regions_figures, lang=lang.value))
    except DiffusionSimError as exc:
        raise fail(exc) from None
    except KeyboardInterrupt:
        raise interrupted("workers stopped, nothing was written") from None
    out_console.print(regions_tables(result.summary, lang.value, out_console.width), markup=False, highlight=False,
                      soft_wrap=True)
    total = len(result.tidy)
    out_console.print(f"{total:,} replications in {time.perf_counter() - started:.1f} s on "
                      f"{f'the Dask cluster at {scheduler}' if scheduler else f'{n_workers} worker(s)'}; "
                      f"results in [bold]{result.folder}[/bold]")


