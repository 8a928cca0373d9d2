"""Shipped innovation profiles: one TOML file per innovation, every value with its source (README.md here).

A scenario names a profile in ``[innovation] profile = "..."``; :class:`diffusion_sim.params.InnovationParams`
starts from the profile's values and the scenario's keys win.
"""

from __future__ import annotations

import difflib
import tomllib
from functools import cache
from importlib import resources
from typing import Any


def profile_names() -> list[str]:
    """Names of the shipped innovation profiles (``src/diffusion_sim/innovations/*.toml``)."""
    return list(_profile_files())


@cache
def _profile_files() -> tuple[str, ...]:
    folder = resources.files(__name__)
    return tuple(sorted(f.name.removesuffix(".toml") for f in folder.iterdir() if f.name.endswith(".toml")))


@cache
def _profile_table(name: str) -> dict[str, Any]:
    return tomllib.loads((resources.files(__name__) / f"{name}.toml").read_text(encoding="utf-8"))


def profile_data(name: str) -> dict[str, Any]:
    """The values of a shipped innovation profile, as a nested dict; unknown names suggest close matches."""
    names = _profile_files()
    if name not in names:
        close = difflib.get_close_matches(name, names, n=2, cutoff=0.4)
        hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
        raise ValueError(f"unknown innovation profile '{name}'; {hint}shipped profiles: {', '.join(names)}")
    # read once; every caller gets its own copy (a profile is a flat table of values and per-type tables)
    data = {k: dict(v) if isinstance(v, dict) else v for k, v in _profile_table(name).items()}
    data["profile"] = name
    return data
