"""The ``diffusion-sim`` command's entry point (also ``python -m diffusion_sim``): signals first, then the command line.

This module imports nothing heavy, so that stopping works from the first moment, before the command
line and the model are imported (about 1.5 s):

- Ctrl-C (SIGINT) stops a run cleanly (workers stopped, temporary files removed, nothing half
  written), says so in one line and exits with status 130;
- SIGTERM (what ``kill``, systemd and ``docker stop`` send) and SIGHUP (the terminal closed) do
  exactly what Ctrl-C does and exit with 128 + the signal's number, as shells report a process
  stopped by it: 143 for SIGTERM, 129 for SIGHUP;
- a second signal while the command is already finishing ends it at once, without a traceback.

``diffusion-sim --version`` is answered here, without importing the command line.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

INTERRUPTED = 130  # Ctrl-C, as errors.Interrupted says
_received: list[int] = []  # the stop signals this process has received, in order


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where Ctrl-C would be, so that every clean-up path for Ctrl-C runs for them too."""


def _stop(signum: int, _frame: object) -> None:
    first = not _received
    _received.append(signum)
    if first:  # a repeated SIGTERM lets the clean-up that the first one started finish
        raise Stopped(signum)


def _exit_now(signum: int, _frame: object) -> None:
    for stream in (sys.stdout, sys.stderr):  # what was printed stays printed
        with contextlib.suppress(Exception):  # a closed or broken stream: nothing more to keep
            stream.flush()
    os._exit(128 + signum)


def install_signal_handlers() -> None:
    """SIGTERM and SIGHUP stop the command as Ctrl-C does; a signal someone chose to ignore (``nohup``) stays ignored."""
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) == signal.SIG_DFL:
            signal.signal(number, _stop)


def _finishing() -> None:
    """From here on a stop signal ends the process at once: the work is done or already given up."""
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) not in (signal.SIG_IGN, None):
            signal.signal(number, _exit_now)


def exit_status(code: int) -> int:
    """A stop by Ctrl-C exits with 130; by SIGTERM or SIGHUP with 128 + its number."""
    if code == INTERRUPTED and _received:
        return 128 + _received[0]
    return code


def _uncaught_interrupt(exc: BaseException) -> bool:
    """Whether the command line stopped on Ctrl-C that no command caught (Typer turns it into a silent exit 130)."""
    seen = exc.__context__
    while seen is not None:
        if isinstance(seen.__cause__, KeyboardInterrupt):
            return True
        seen = seen.__context__
    return False


def _say_interrupted() -> None:
    """The line every command says on a stop it did not handle itself (the exit status tells which signal)."""
    print("diffusion-sim: interrupted; nothing was written", file=sys.stderr, flush=True)


def main() -> None:
    """Run the ``diffusion-sim`` command with signals handled as the module docstring says."""
    install_signal_handlers()
    code = 0
    try:
        if sys.argv[1:] in (["--version"], ["-V"]):
            from diffusion_sim import __version__

            print(f"diffusion-sim {__version__}")
            return
        from diffusion_sim.cli import run_app

        run_app()
    except KeyboardInterrupt:
        _say_interrupted()
        code = INTERRUPTED
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:  # sys.exit("message")
            print(exc.code, file=sys.stderr)
            code = 1
        if code == INTERRUPTED and _uncaught_interrupt(exc):
            _say_interrupted()
    finally:
        _finishing()
    sys.exit(exit_status(code))


if __name__ == "__main__":
    main()
