"""``what-it-takes``: the least costly setting of a region's levers that makes a claim hold (``studies/search.py``)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from diffusion_sim.cli.common import (
    Lang,
    Language,
    Out,
    ParameterDraws,
    Quiet,
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

Levers = Annotated[list[str] | None, typer.Option(
    "--lever", help="A lever to search, repeatable (default: every lever over its default range, docs/analysis.md): NAME, "
                    "NAME=LOW:HIGH[:STEP], NAME=false:true, or NAME=A,B for innovation.profile and "
                    "facilitation.priority_types (the types that may be approached first).")]


@app.command("what-it-takes", short_help="The least costly setting that makes a claim hold.")
def what_it_takes(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file to start from.")],
    claim_name: Annotated[str, typer.Option("--claim", help="The claim: patients_in_year or adoption_target.")],
    lever: Levers = None,
    wanted: Annotated[float, typer.Option("--wanted", help="The chance the claim must hold with (0-1).")] = 0.8,
    replications: Annotated[int, typer.Option("--replications", "-n",
                                              help="Replications that screen each setting.")] = 100,
    confirm: Annotated[int, typer.Option("--confirm", help="Fresh replications that confirm the answer.")] = 400,
    budget: Annotated[int, typer.Option("--budget", help="Runs the whole search may use at most.")] = 20_000,
    seed: Seed = None, set_: Sets = None, out: Out = None, workers: Workers = None, quiet: Quiet = False,
    scheduler: Scheduler = None, parameter_draws: ParameterDraws = None, lang: Lang = Language.nl,
) -> None:
    """Search the region's levers for the least costly setting that makes a claim hold with the wanted chance."""
    from diffusion_sim.analysis.search import SearchOptions, check_claim, check_wanted, parse_levers
    from diffusion_sim.publish.terminal import what_it_takes_lines
    from diffusion_sim.publish.words import what_it_takes_sentence
    from diffusion_sim.studies.search import run_search

    started = time.perf_counter()
    try:
        check_claim(claim_name)
        check_replications(replications, least=2)
        check_replications(confirm, "--confirm", least=2)
        check_replications(budget, "--budget")  # runs in all: no more than one scenario may have
        options = SearchOptions(wanted=check_wanted(wanted), screen=replications, confirm=confirm, budget=budget)
        base = load([scenario], seed, None, set_, parameter_draws)[0]
        levers = parse_levers(lever or [], base, claim_name)
        n_workers = workers_or_all(workers)
        with claim(out, f"what-it-takes-{scenario.stem}-{claim_name}") as folder, progress_bar(quiet, "what-it-takes") as bar:
            tick = Ticker(bar, 0, f"{claim_name}: {len(levers)} levers")

            def note(text: str) -> None:
                bar.update(tick.task, description=text, refresh=True)

            result, folder = run_search(base, str(scenario), claim_name, levers, folder, options, n_workers, tick, tick.plan,
                                        note, command=sys.argv, scheduler=scheduler)
    except DiffusionSimError as exc:
        raise fail(exc) from None
    except KeyboardInterrupt:
        raise interrupted("workers stopped, nothing was written") from None
    out_console.print(what_it_takes_sentence(result.answer, lang.value) + "\n", markup=False, highlight=False)
    for line in what_it_takes_lines(result.answer):
        out_console.print(line, markup=False, highlight=False, soft_wrap=True)
    search = result.answer["search"]
    where = f"the Dask cluster at {scheduler}" if scheduler else f"{n_workers} worker(s)"
    out_console.print(f"{search['settings']:,} settings, {search['runs']:,} runs in {time.perf_counter() - started:.1f} s "
                      f"on {where}; results in {folder}", markup=False, highlight=False, soft_wrap=True)
