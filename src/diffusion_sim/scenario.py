"""Scenario files: TOML -> validated :class:`Params`.

A scenario may ``extends = "other.toml"`` (a path relative to itself); tables are merged key by key,
the extending file winning. Every problem becomes one :class:`ScenarioError` line that names the
file, the field and what is allowed, with a "did you mean" hint for unknown keys.

A scenario may also declare which parameters are uncertain, for sensitivity analysis, in an
``[uncertain]`` table: ``[uncertain."diffusion.q"]`` with ``low``, ``high`` and ``source``. It is not a
model input: :func:`load_scenario` sets it aside and :func:`load_uncertain` reads it.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from diffusion_sim.errors import ScenarioError
from diffusion_sim.params import Params, PerTypeAmount, PerTypeShare, merge_tables

SCENARIO_KEYS = ("extends", "name", "description", "uncertain")
UNCERTAIN_KEYS = ("low", "high", "source")


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None) -> Params:
    """Read a scenario file (following ``extends``), apply dotted ``overrides`` and validate."""
    path = Path(path)
    data = _read_chain(path, seen=())
    data.pop("uncertain", None)  # a declaration for sensitivity analysis, not a model input
    data.setdefault("name", path.stem)
    params = validate(data, source=str(path))
    return override(params, overrides, source="--set") if overrides else params


def load_uncertain(path: str | Path) -> dict[str, dict[str, Any]]:
    """The ``[uncertain]`` table of a scenario (following ``extends``): ``{dotted name: {low, high, source}}``.

    Only the form of each entry is checked here (three keys, numbers or true/false, a source text);
    whether the name is a parameter and the range is allowed is checked where the range is used
    (``analysis/space.py``), against the parameter schema.
    """
    path = Path(path)
    table = _read_chain(path, seen=()).get("uncertain", {})
    if not isinstance(table, dict):
        raise ScenarioError(f"{path}: field 'uncertain': must be a table of [uncertain.\"section.name\"] entries")
    out: dict[str, dict[str, Any]] = {}
    for name, entry in table.items():
        where = f"{path}: [uncertain.\"{name}\"]"
        if not isinstance(entry, dict):
            raise ScenarioError(f"{where}: must be a table with {', '.join(UNCERTAIN_KEYS)}, e.g. low = 0.15, high = 0.25, "
                                f"source = \"DOMAIN.md sec. 4\" (quote a dotted name)")
        extra = sorted(set(entry) - set(UNCERTAIN_KEYS))
        if extra:
            close = difflib.get_close_matches(extra[0], UNCERTAIN_KEYS, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ScenarioError(f"{where}: unknown key '{extra[0]}'{hint} Allowed here: {', '.join(UNCERTAIN_KEYS)}")
        missing = [k for k in UNCERTAIN_KEYS if k not in entry]
        if missing:
            raise ScenarioError(f"{where}: missing '{missing[0]}'; each uncertain parameter needs {', '.join(UNCERTAIN_KEYS)}")
        for key in ("low", "high"):
            if isinstance(entry[key], str) or not isinstance(entry[key], int | float | bool):
                raise ScenarioError(f"{where}: '{key}' must be a number or true/false, got {entry[key]!r}")
        if not isinstance(entry["source"], str) or not entry["source"].strip():
            raise ScenarioError(f"{where}: 'source' must say where the range comes from (a citation or ASSUMPTION)")
        out[str(name)] = dict(entry)
    return out


def validate(data: dict[str, Any], source: str = "<parameters>") -> Params:
    """Validate a nested dict of parameters, turning pydantic's report into one clear line."""
    try:
        return Params.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(f"{source}: {_describe(exc, data)}") from None


def _read_chain(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    resolved = path.resolve()
    if resolved in seen:
        chain = " -> ".join(p.name for p in (*seen, resolved))
        raise ScenarioError(f"{seen[-1]}: field 'extends': circular chain {chain}; a scenario may not extend itself")
    if not path.is_file():
        where = f"{seen[-1]}: field 'extends': " if seen else ""
        raise ScenarioError(f"{where}{path}: file not found; give the path of a scenario .toml file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: malformed TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a UTF-8 text file; a scenario is a TOML file") from None
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ScenarioError(f"{path}: field 'extends': must be a file name in quotes, got {parent!r}")
    base = _read_chain(path.parent / parent, seen=(*seen, resolved))
    base.pop("name", None)
    base.pop("description", None)
    return merge_tables(base, data)


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that owns the field at ``loc`` (all but its last part)."""
    model: type[BaseModel] = Params
    for part in loc[:-1]:
        info = model.model_fields.get(str(part))
        ann = info.annotation if info else None
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            return None
        model = ann
    return model


def _describe(exc: ValidationError, data: dict[str, Any]) -> str:
    err = exc.errors()[0]
    loc = tuple(p for p in err["loc"] if not isinstance(p, int))
    field = ".".join(str(p) for p in loc) or "(top level)"
    kind = err["type"]
    if kind == "extra_forbidden":
        owner = _model_at(loc)
        allowed = sorted(owner.model_fields) if owner else []
        if owner is Params:
            allowed = sorted({*allowed, *SCENARIO_KEYS})
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown field '{field}'{hint} Allowed here: {', '.join(allowed)}"
    owner = _model_at(loc)
    info = owner.model_fields.get(str(loc[-1])) if owner and loc else None
    got = _lookup(data, loc)
    got_text = f", got {got!r}" if got is not _MISSING and not isinstance(got, dict) else ""
    unit = ""
    if info is not None and info.description and owner not in (PerTypeShare, PerTypeAmount):
        unit = f" ({info.description.split(';')[0]})"
    message = str(err["msg"]).removeprefix("Value error, ")
    named = re.match(r"([a-z_]+(?:\.[a-z_]+)+): (.*)", message)
    if not loc and named:  # a check across sections names the field it is about
        field, message = named.groups()
    return f"field '{field}': {message}{got_text}{unit}"


_MISSING = object()


def _lookup(data: Any, loc: tuple[Any, ...]) -> Any:
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return _MISSING
    return node


def override(params: Params, changes: dict[str, Any], source: str = "--set") -> Params:
    """Apply dotted-key ``changes`` to ``params``; a wrong name or value is one clear ScenarioError."""
    from diffusion_sim.params import flat_fields, with_overrides

    try:
        return with_overrides(params, changes)
    except KeyError as exc:
        name = str(exc.args[0])
        known = list(flat_fields())
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else "; `diffusion-sim params` lists them"
        raise ScenarioError(f"{source}: unknown parameter '{name}'{hint}") from None
    except ValidationError as exc:
        data = params.model_dump()
        for dotted, value in changes.items():  # report the value that was given, not the one it replaced
            node = data
            *parents, last = dotted.split(".")
            for key in parents:
                node = node.setdefault(key, {}) if isinstance(node, dict) else {}
            if isinstance(node, dict):
                node[last] = value
        raise ScenarioError(f"{source}: {_describe(exc, data)}") from None
    except ValueError as exc:  # an unknown innovation profile
        raise ScenarioError(f"{source}: field 'innovation.profile': {exc}") from None
