"""The parameter space of a study: which parameters vary, over which range, and at which points.

One place turns the user's words (``--vary facilitation.budget_eur_per_year=0:50000:6``, ``--fit``,
an ``[uncertain]`` table) into :class:`Dimension` objects, checks every name against the parameter
schema (with a "did you mean" hint) and every range against the field's allowed values, and applies
a point's values to a scenario through full validation (``Params.model_validate``, never
``model_copy``). Sweeps, sensitivity analysis and calibration all start here.

Names are those of :func:`diffusion_sim.params.names`: dotted leaf names, with one name per
organisation type for per-type blocks (``innovation.target_share.hospital``).
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from diffusion_sim.errors import ScenarioError
from diffusion_sim.params import Kind, Params, change, get, kind, names, normalise
from diffusion_sim.scenario import load_uncertain

DEFAULT_STEPS = 5
# LHS and other design draws get their own spawn key, disjoint from the model's (rep + 1, stream) keys
DESIGN_SPAWN_KEY = (0xDE5167,)


@dataclass(frozen=True)
class Dimension:
    """One varied parameter: its dotted name, range, kind and (for grids) number of steps."""

    name: str
    low: float
    high: float
    kind: Kind = "float"
    steps: int | None = None
    source: str = ""

    @property
    def column(self) -> str:
        """Column name in result tables (the dotted name)."""
        return self.name

    def grid(self) -> list[Any]:
        """Grid values from low to high: ``steps`` evenly spaced, integers rounded, true/false both."""
        if self.kind == "bool":
            return sorted({bool(self.low), bool(self.high)})
        steps = self.steps or DEFAULT_STEPS
        values = np.linspace(self.low, self.high, steps) if self.high > self.low else np.array([self.low])
        out = [self.cast(v) for v in values]
        return list(dict.fromkeys(out))  # rounding integers can repeat a value

    def scale(self, unit: np.ndarray) -> list[Any]:
        """Map values in [0, 1] (an LHS or Sobol' draw) onto the range, cast to the parameter's kind."""
        return [self.cast(self.low + u * (self.high - self.low)) for u in np.asarray(unit, dtype=float)]

    def cast(self, value: Any) -> Any:
        """A design value as the parameter takes it: integers rounded, true/false above one half."""
        if self.kind == "bool":
            return bool(float(value) >= 0.5)
        if self.kind == "int":
            return int(round(float(value)))
        return float(value)


# ---------------------------------------------------------------------------- names and values
def resolve(name: str, what: str) -> Kind:
    """The kind of parameter ``name`` if it can be varied (a number or true/false); else one clear line.

    ``what`` prefixes the message (``--vary x=...``, ``file.toml: [uncertain."x"]``). Names and their
    kinds come from the parameter schema (:func:`diffusion_sim.params.kind`).
    """
    key = normalise(name)
    found = kind(key, what)
    if found is None:
        section = key.rsplit(".", 1)[0]
        numeric = [k for k, v in names().items() if v is not None and k.startswith(section + ".")]
        raise ScenarioError(
            f"{what}: '{key}' is not a number or true/false and cannot be varied; "
            f"numeric parameters in its section: {', '.join(numeric) or 'none'}"
        )
    return found


def apply(params: Params, values: dict[str, Any], source: str = "<parameters>") -> Params:
    """``params`` with a design point's ``values`` set (through the one door, :func:`diffusion_sim.params.change`)."""
    return change(params, values, source=source)


def check_range(params: Params, dim: Dimension, what: str) -> None:
    """Both ends of ``dim`` must be values the parameter allows in this scenario (else one clear line)."""
    if dim.kind != "bool" and dim.low > dim.high:
        raise ScenarioError(f"{what}: LOW {_num(dim.low)} is greater than HIGH {_num(dim.high)}; give the range as LOW:HIGH")
    for end in (dim.low, dim.high):
        apply(params, {dim.name: dim.cast(end)}, source=what)


def _num(v: float) -> str:
    return f"{v:g}"


# ---------------------------------------------------------------------------- parsing the user's words
def _scalar(text: str, what: str) -> float | bool:
    raw = text.strip()
    try:
        value = tomllib.loads(f"v = {raw.lower() if raw.lower() in ('true', 'false') else raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = None
    if isinstance(value, bool) or isinstance(value, int | float):
        return value
    raise ScenarioError(f"{what}: '{raw}' is not a number or true/false")


def parse_range(spec: str, params: Params, option: str = "--vary") -> Dimension:
    """``NAME=LOW:HIGH[:STEPS]`` -> a checked :class:`Dimension` (true/false ranges are ``false:true``)."""
    what = f"{option} {spec}"
    name, sep, rng = spec.partition("=")
    name = normalise(name.strip())
    if not sep or not name:
        raise ScenarioError(f"{what}: expected NAME=LOW:HIGH[:STEPS], e.g. facilitation.budget_eur_per_year=0:50000:6")
    kind = resolve(name, what)
    parts = rng.split(":")
    if len(parts) not in (2, 3) or not all(p.strip() for p in parts):
        raise ScenarioError(f"{what}: expected NAME=LOW:HIGH[:STEPS], e.g. {name}=0:1:5")
    low, high = _scalar(parts[0], what), _scalar(parts[1], what)
    steps = None
    if len(parts) == 3:
        try:
            steps = int(parts[2])
        except ValueError:
            raise ScenarioError(f"{what}: STEPS '{parts[2]}' must be a whole number of at least 2") from None
        if steps < 2:
            raise ScenarioError(f"{what}: STEPS {steps} must be at least 2")
    if (kind == "bool") != (isinstance(low, bool) and isinstance(high, bool)):
        allowed = "true or false" if kind == "bool" else "numbers"
        raise ScenarioError(f"{what}: '{name}' takes {allowed}, got {parts[0].strip()}:{parts[1].strip()}")
    dim = Dimension(name=name, low=float(low), high=float(high), kind=kind, steps=steps)
    check_range(params, dim, what)
    return dim


def parse_ranges(specs: list[str], params: Params, option: str = "--vary") -> list[Dimension]:
    """Several ranges; a parameter may appear only once."""
    dims = [parse_range(s, params, option) for s in specs]
    names = [d.name for d in dims]
    for n in names:
        if names.count(n) > 1:
            raise ScenarioError(f"{option} {n}: given twice; vary each parameter once")
    return dims


def uncertain_dimensions(path: str | Path, params: Params) -> list[Dimension]:
    """The ``[uncertain]`` declaration of a scenario file as checked dimensions (sources kept)."""
    table = load_uncertain(path)
    if not table:
        raise ScenarioError(
            f"{path}: no [uncertain] table; declare the uncertain parameters, e.g. "
            '[uncertain."diffusion.q"] low = 0.15, high = 0.25, source = "DOMAIN.md sec. 4"'
        )
    dims = []
    for name, entry in table.items():
        what = f'{path}: [uncertain."{name}"]'
        kind = resolve(name, what)
        low, high = entry["low"], entry["high"]
        if kind == "bool":
            raise ScenarioError(f"{what}: '{name}' is true/false; sensitivity ranges need a numeric parameter")
        if isinstance(low, bool) or isinstance(high, bool):
            raise ScenarioError(f"{what}: 'low' and 'high' must be numbers for '{name}'")
        if entry.get("relative"):  # factors of the scenario's own value
            base = float(get(params, name))
            low, high = low * base, high * base
        dim = Dimension(name=normalise(name), low=float(low), high=float(high), kind=kind, source=entry["source"].strip())
        if dim.low >= dim.high:
            raise ScenarioError(f"{what}: low {_num(dim.low)} must be less than high {_num(dim.high)}")
        check_range(params, dim, what)
        dims.append(dim)
    return dims


# ---------------------------------------------------------------------------- designs
def grid_design(dims: list[Dimension]) -> pd.DataFrame:
    """Full factorial design: one row per combination of grid values, in the order the ranges were given."""
    values = [d.grid() for d in dims]
    rows = list(itertools.product(*values))
    return _frame(dims, rows)


def lhs_design(dims: list[Dimension], samples: int, seed: int) -> pd.DataFrame:
    """Latin hypercube design of ``samples`` points (scipy.stats.qmc), reproducible from ``seed``."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=DESIGN_SPAWN_KEY))
    unit = qmc.LatinHypercube(d=len(dims), rng=rng).random(samples)
    rows = list(zip(*[d.scale(unit[:, j]) for j, d in enumerate(dims)], strict=True))
    return _frame(dims, rows)


def _frame(dims: list[Dimension], rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[d.column for d in dims])
    for d in dims:
        frame[d.column] = frame[d.column].astype({"bool": bool, "int": "int64", "float": "float64"}[d.kind])
    frame.insert(0, "point", np.arange(len(frame), dtype=np.int64))
    return frame
