"""The ``diffusion-sim`` command: a thin shell of Typer commands, one module per group.

``common`` holds the app, its options and the one error wrapper; ``run`` the studies (run, compare,
params), ``analysis`` sweep, sensitivity and calibrate, ``regions``, ``search`` what-it-takes, ``population``
(claim 3), ``validate``, ``publish`` (figures and report) and ``explore``. Each command parses, calls one
library function, prints, and maps errors to exit statuses.
"""

from __future__ import annotations

import gc

from diffusion_sim.cli import analysis, explore, population, publish, regions, run, search, validate  # noqa: F401  (they register commands)
from diffusion_sim.cli.common import app

# --help lists the commands in this order: the everyday ones first
ORDER = ("run", "compare", "report", "figures", "explore", "regions", "what-it-takes", "population", "sweep", "sensitivity",
         "calibrate", "validate", "params", "schema")
app.registered_commands.sort(key=lambda c: ORDER.index(n) if (n := c.name or c.callback.__name__.replace("_", "-"))
                             in ORDER else len(ORDER))

__all__ = ["app", "main", "run_app"]


def run_app() -> None:
    """Run the Typer app on ``sys.argv``; signals and Ctrl-C are handled around it by :mod:`diffusion_sim.__main__`."""
    try:
        app()
    finally:
        gc.freeze()  # the work is done and written: spare the exit a last collection over every object (about 1 s)


def main() -> None:
    """The ``diffusion-sim`` command, as :func:`diffusion_sim.__main__.main` runs it (kept for older installs)."""
    from diffusion_sim.__main__ import main as entry

    entry()
