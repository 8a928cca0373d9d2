"""Shipped innovation profiles: one TOML file per innovation, every value with its source (README.md here).

A scenario names a profile in ``[innovation] profile = "..."``; :class:`diffusion_sim.params.InnovationParams`
starts from the profile's values and the scenario's keys win.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
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


@dataclass(frozen=True)
class PosteriorSample:
    """A profile's fitted parameters: equally weighted rows of a joint sample, and how they were made.

    ``provenance`` records the facts, priors, method, seed and acceptance of the fit and the SHA-256
    of the rows' file; :func:`posterior` refuses a file whose hash does not match.
    """

    name: str
    rows: tuple[dict[str, float], ...]
    provenance: dict[str, Any]

    @property
    def parameters(self) -> tuple[str, ...]:
        """The fitted parameters' names."""
        return tuple(self.rows[0]) if self.rows else ()


@cache
def posterior(name: str) -> PosteriorSample | None:
    """The shipped posterior sample of profile ``name`` (``<name>.posterior.csv`` and ``.json``), or None if it has none."""
    folder = resources.files(__name__)
    rows_file = folder / f"{name}.posterior.csv"
    if not rows_file.is_file():
        return None
    return read_posterior(name, rows_file.read_bytes(), (folder / f"{name}.posterior.json").read_text(encoding="utf-8"),
                          where=f"innovations/{name}.posterior.csv")


@cache
def posterior_from_file(path: str, name: str) -> PosteriorSample:
    """A posterior sample from ``path`` (a CSV with its provenance ``.json`` beside it) for profile ``name``."""
    rows = Path(path)
    meta = rows.with_suffix(".json")
    for f in (rows, meta):
        if not f.is_file():
            raise ValueError(f"{f}: no such file (a posterior is a CSV with its provenance JSON beside it, as "
                             "'diffusion-sim validate' writes posterior.csv and posterior.json)")
    try:
        return read_posterior(name, rows.read_bytes(), meta.read_text(encoding="utf-8"), where=str(rows))
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, csv.Error) as exc:
        raise ValueError(f"{rows}: not a posterior sample ({exc})") from None


def read_posterior(name: str, raw: bytes, provenance: str, where: str) -> PosteriorSample:
    """A posterior sample from its CSV bytes and provenance JSON; refused unless the CSV's SHA-256 is the recorded one."""
    meta = json.loads(provenance)
    digest = hashlib.sha256(raw).hexdigest()
    if meta.get("sha256") != digest:
        raise ValueError(f"{where}: its SHA-256 ({digest[:12]}...) is not the one its provenance records "
                         f"({str(meta.get('sha256'))[:12]}...); fit it again with 'diffusion-sim validate --ship-posterior'")
    if meta.get("profile") != name:
        raise ValueError(f"{where}: its provenance is for profile {meta.get('profile')!r}, not {name!r}")
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8")))
    columns = [c for c in (reader.fieldnames or []) if c not in ("draw", "replication")]
    try:
        rows = tuple({c: float(r[c]) for c in columns} for r in reader)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where}: a value is not a number ({exc})") from None
    if not rows or not columns:
        raise ValueError(f"{where}: no parameter rows")
    return PosteriorSample(name, rows, meta)
