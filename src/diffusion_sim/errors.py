"""Errors the library raises; only the command line turns them into exit statuses."""


class DiffusionSimError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = 1


class ScenarioError(DiffusionSimError):
    """A scenario file or parameter set that cannot be used as given (bad input)."""

    exit_code = 2


class ResultsError(DiffusionSimError):
    """A results folder that is missing, incomplete or would be overwritten."""

    exit_code = 2


class WriteError(DiffusionSimError):
    """Results that could not be written where they were going (disk full, permissions changed midway)."""

    exit_code = 1


class RegionError(DiffusionSimError):
    """A region that cannot be built from the shipped data (unknown name or code)."""

    exit_code = 2


class Interrupted(DiffusionSimError):
    """The user stopped a run (Ctrl-C; SIGTERM exits with 143, see ``diffusion_sim.__main__``); nothing was written."""

    exit_code = 130
