"""``explore``: the scenario explorer in the browser (the page is ``diffusion_sim/explorer/``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from diffusion_sim.cli.common import (
    Lang,
    Language,
    Months,
    Workers,
    app,
    check_replications,
    err_console,
    fail,
    interrupted,
    out_console,
    workers_or_all,
)
from diffusion_sim.errors import DiffusionSimError

ExploreScenarios = Annotated[list[Path] | None, typer.Argument(
    help="Scenario files: the reference then the strategy, or one strategy (the reference is it without the team). "
         "Default: scenarios/zuidwest-isolated.toml scenarios/zuidwest-collaborative.toml.")]
Host = Annotated[str | None, typer.Option("--host", help="Address to listen on (default 127.0.0.1, this machine only); "
                                                         "any other address must be given here explicitly.")]
ExplorePort = Annotated[int, typer.Option("--port", min=0, max=65535, help="Port (0: any free port).")]
ExploreRuns = Annotated[int, typer.Option("--replications", "-n",
                                          help="Runs per strategy for every update (100 or more for stable medians).")]
EXPLORE_DEFAULT = ["scenarios/zuidwest-isolated.toml", "scenarios/zuidwest-collaborative.toml"]


@app.command(short_help="Open the scenario explorer in the browser.")
def explore(scenarios: ExploreScenarios = None, host: Host = None, port: ExplorePort = 8765, replications: ExploreRuns = 100,
            months: Months = None, workers: Workers = None, lang: Lang = Language.nl) -> None:
    """Start the scenario explorer in the browser: move levers, compare with isolated scaling, export the scenario."""
    import json

    from diffusion_sim.explorer.server import check_host, check_port, free_port, serve

    paths = [str(p) for p in scenarios] if scenarios else list(EXPLORE_DEFAULT)
    try:
        address, remote = check_host(host)
        check_replications(replications)
        n_workers = workers_or_all(workers)
        _check_buildable(paths, months)  # bad files, and scenarios whose region cannot be built, stop here
        chosen = port or free_port(address)
        check_port(address, chosen)
    except DiffusionSimError as exc:
        raise fail(exc) from None
    try:
        import solara  # noqa: F401
    except ImportError:
        err_console.print('diffusion-sim: the explorer needs its extra packages: pip install -e ".[explore]"', markup=False)
        raise typer.Exit(code=2) from None
    if replications < 100:
        err_console.print(f"note: {replications} runs per strategy; medians move between updates below 100", markup=False)
    if remote:
        err_console.print(f"warning: --host {address} lets other machines on the network open the explorer (no password)",
                          markup=False)
    config = json.dumps({"scenarios": [str(Path(p).resolve()) for p in paths], "replications": replications,
                         "workers": n_workers, "lang": lang.value, "months": months})
    try:
        serve(address, chosen, config, on_ready=lambda url: out_console.print(
            f"diffusion-sim explorer: open {url} in a browser (Ctrl-C stops it)", markup=False, highlight=False))
    except KeyboardInterrupt:
        raise interrupted("the explorer has stopped") from None


def _check_buildable(paths: list[str], months: int | None) -> None:
    """Load the starting scenarios with ``--months`` and build their regions and models, as the page will.

    So a scenario that cannot run stops the command with the usual one-line message before it
    listens, rather than showing an error page.
    """
    from diffusion_sim.explorer.levers import starting_pair
    from diffusion_sim.params import change
    from diffusion_sim.studies.compare import checked_region

    pair = starting_pair(paths)
    if months is not None:
        pair = tuple(change(p, {"simulation.months": months}, source="--months") for p in pair)
    sources = paths if len(paths) == 2 else [f"{paths[0]} (without the team)", paths[0]]
    for params, source in reversed(list(zip(pair, sources, strict=True))):  # the file given last (the strategy) first
        checked_region(params, source)
