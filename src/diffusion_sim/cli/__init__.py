"""The ``diffusion-sim`` command: a thin shell of Typer commands, one module per group.

``common`` holds the app, its options and the one error wrapper; ``run`` the studies (run, compare,
params), ``analysis`` sweep, sensitivity and calibrate, ``regions``, ``search`` what-it-takes, ``validate``,
``publish`` (figures and report) and ``explore``. Each command parses, calls one library function, prints, and maps errors
to exit statuses.
"""

from __future__ import annotations

import gc
import sys

from diffusion_sim.cli import analysis, explore, publish, regions, run, search, validate  # noqa: F401  (they register commands)
from diffusion_sim.cli.common import app, err_console
from diffusion_sim.errors import Interrupted

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``diffusion-sim`` command."""
    try:
        app()
    except KeyboardInterrupt:
        err_console.print("diffusion-sim: interrupted; nothing was written")
        sys.exit(Interrupted.exit_code)
    finally:
        gc.freeze()  # the work is done and written: spare the exit a last collection over every object (about 1 s)
