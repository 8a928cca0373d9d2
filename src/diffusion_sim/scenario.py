"""Scenario files: TOML <-> validated :class:`Params`.

A scenario may ``extends = "other.toml"`` (a path relative to itself); tables are merged key by key,
the extending file winning. Every problem becomes one :class:`ScenarioError` line that names the
file, the field and what is allowed, with a "did you mean" hint for unknown keys (the checks
themselves are :func:`diffusion_sim.params.validate` and :func:`diffusion_sim.params.change`).

Scenario files are written by one writer, :func:`to_toml` (tomlkit, so quotes, backslashes and any
text survive the round trip), used by calibration and the explorer's export. :func:`json_schema`
describes the file format for editors (``diffusion-sim schema``, ``docs/scenario.schema.json``).

A scenario may also say how unsure its values are, in an ``[uncertain]`` table:
``[uncertain."diffusion.q"]`` with ``low``, ``high``, ``source`` and optionally ``dist``, ``mode`` and
``relative`` (a :class:`~diffusion_sim.distributions.Prior`). The table becomes
``uncertainty.priors``: these priors replace the schema's in every parameter draw, and they are the
ranges ``diffusion-sim sensitivity`` varies.
"""

from __future__ import annotations

import difflib
import tomllib
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomlkit
from pydantic import ValidationError

from diffusion_sim.distributions import DISTS, Prior
from diffusion_sim.draws import profile_posterior
from diffusion_sim.errors import ScenarioError
from diffusion_sim.params import Params, change, merge_tables, validate

SCENARIO_KEYS = ("extends", "name", "description", "uncertain")
MAX_EXTENDS = 50  # files in one extends chain: far more than any real scenario needs, far less than Python's stack
UNCERTAIN_KEYS = ("low", "high", "source")  # required in every [uncertain] entry
PRIOR_KEYS = ("dist", "mode", "relative")  # optional: the distribution (default uniform over [low, high])


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None, files: list[Path] | None = None) -> Params:
    """Read a scenario file (following ``extends``), apply dotted ``overrides`` and validate.

    Its ``[uncertain]`` table (checked entry by entry, :func:`load_uncertain`) becomes
    ``uncertainty.priors``: the priors this scenario draws from and the ranges sensitivity analysis varies.
    ``files``, when given, receives every file read (the scenario, then those it extends), so that a
    caller keeping the result can tell when it is out of date.
    """
    path = Path(path)
    data = _read_chain(path, seen=(), files=files)
    table = _check_uncertain(path, data.pop("uncertain", {}))
    if table:
        section = data.setdefault("uncertainty", {})
        if isinstance(section, dict):
            section["priors"] = {**dict(section.get("priors") or {}), **table}
    data.setdefault("name", path.stem)
    section = data.get("uncertainty")
    if isinstance(section, dict) and isinstance(section.get("posterior_file"), str) and section["posterior_file"]:
        section["posterior_file"] = str(path.parent / section["posterior_file"])  # relative to the scenario file
    params = validate(data, str(path), file_keys=SCENARIO_KEYS)
    params = change(params, overrides, source="--set") if overrides else params
    if params.uncertainty.posterior_file:  # a bad posterior fails here, named, before anything runs
        try:
            profile_posterior(params)
        except ScenarioError as exc:
            raise ScenarioError(f"{path}: {exc}") from None
    return params


def load_uncertain(path: str | Path) -> dict[str, dict[str, Any]]:
    """The ``[uncertain]`` table of a scenario (following ``extends``): ``{dotted name: prior entry}``, each checked."""
    path = Path(path)
    return _check_uncertain(path, _read_chain(path, seen=()).get("uncertain", {}))


def _check_uncertain(path: Path, table: Any) -> dict[str, dict[str, Any]]:
    """Each entry's form (the keys of a prior, numbers where numbers go, a source); the prior itself is checked by the schema.

    Whether the name is a parameter and the range allowed is checked where the range is used, against
    the parameter schema (``Params`` and ``analysis/space.py``).
    """
    if not isinstance(table, dict):
        raise ScenarioError(f"{path}: field 'uncertain': must be a table of [uncertain.\"section.name\"] entries")
    out: dict[str, dict[str, Any]] = {}
    for name, entry in table.items():
        where = f"{path}: [uncertain.\"{name}\"]"
        if not isinstance(entry, dict):
            raise ScenarioError(f"{where}: must be a table with {', '.join(UNCERTAIN_KEYS)}, e.g. low = 0.15, high = 0.25, "
                                f"source = \"DOMAIN.md sec. 4\" (quote a dotted name)")
        extra = sorted(set(entry) - set(UNCERTAIN_KEYS) - set(PRIOR_KEYS))
        if extra:
            allowed = (*UNCERTAIN_KEYS, *PRIOR_KEYS)
            close = difflib.get_close_matches(extra[0], allowed, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ScenarioError(f"{where}: unknown key '{extra[0]}'{hint} Allowed here: {', '.join(allowed)}")
        missing = [k for k in UNCERTAIN_KEYS if k not in entry]
        if missing:
            raise ScenarioError(f"{where}: missing '{missing[0]}'; each uncertain parameter needs {', '.join(UNCERTAIN_KEYS)}")
        for key in ("low", "high", "mode"):
            if key in entry and (isinstance(entry[key], bool | str) or not isinstance(entry[key], int | float)):
                raise ScenarioError(f"{where}: '{key}' must be a number, got {entry[key]!r}")
        if not isinstance(entry["source"], str) or not entry["source"].strip():
            raise ScenarioError(f"{where}: 'source' must say where the range comes from (a citation or ASSUMPTION)")
        if "dist" in entry and entry["dist"] not in DISTS:
            raise ScenarioError(f"{where}: dist '{entry['dist']}' is not a distribution; allowed: {', '.join(DISTS)}")
        try:
            Prior.model_validate(entry)
        except ValidationError as exc:
            raise ScenarioError(f"{where}: {str(exc.errors()[0]['msg']).removeprefix('Value error, ')}") from None
        out[str(name)] = dict(entry)
    return out


def _read_chain(path: Path, seen: tuple[Path, ...], files: list[Path] | None = None) -> dict[str, Any]:
    where = f"{seen[-1]}: field 'extends': " if seen else ""
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: Python 3.12's word for a loop of symbolic links
        raise ScenarioError(f"{where}{path}: cannot be followed ({exc}); a symbolic link loop?") from None
    if resolved in seen:
        chain = " -> ".join(p.name for p in (*seen, resolved))
        raise ScenarioError(f"{seen[-1]}: field 'extends': circular chain {chain}; a scenario may not extend itself")
    if len(seen) >= MAX_EXTENDS:
        raise ScenarioError(f"{seen[0]}: field 'extends': a chain of more than {MAX_EXTENDS} files (at {path}); "
                            "extend a scenario that holds the shared values instead")
    if not path.is_file():
        raise ScenarioError(f"{where}{path}: file not found; give the path of a scenario .toml file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: malformed TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a UTF-8 text file; a scenario is a TOML file") from None
    except RecursionError:
        raise ScenarioError(f"{path}: arrays or tables nested too deeply to be a scenario") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if files is not None:
        files.append(resolved)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ScenarioError(f"{path}: field 'extends': must be a file name in quotes, got {parent!r}")
    base = _read_chain(path.parent / parent, seen=(*seen, resolved), files=files)
    base.pop("name", None)
    base.pop("description", None)
    return merge_tables(base, data)


def to_toml(data: Mapping[str, Any], header: list[str] | tuple[str, ...] = (), comments: Mapping[str, str] | None = None) -> str:
    """A scenario file's text: ``data`` (nested tables) with ``header`` comment lines and per-key trailing ``comments``.

    ``comments`` maps dotted keys (``"diffusion.q"``) to a one-line remark. Values that are ``None``
    (an unset optional parameter) and empty tables are left out, which is what the schema's default
    means. Comment text is kept on one line, so no text can add a key to the file.
    """
    comments = comments or {}
    doc = tomlkit.document()
    for line in header:
        doc.add(tomlkit.comment(_one_line(line)))
    if header:
        doc.add(tomlkit.nl())
    _fill(doc, data, "", comments)
    return tomlkit.dumps(doc)


def _one_line(text: str) -> str:
    """``text`` as one comment line: line breaks of any kind become spaces, other control characters an escape."""
    flat = " ".join(str(text).split())
    return "".join(f"\\x{ord(ch):02x}" if unicodedata.category(ch) == "Cc" else ch for ch in flat)


def _fill(container: Any, data: Mapping[str, Any], prefix: str, comments: Mapping[str, str]) -> None:
    tables = []
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, Mapping):
            tables.append((key, value))
            continue
        item = tomlkit.item(list(value) if isinstance(value, tuple) else value)
        remark = comments.get(f"{prefix}{key}")
        if remark:
            item.comment(_one_line(remark))
        container.add(key, item)
    for key, value in tables:
        table = tomlkit.table(is_super_table=not any(not isinstance(v, Mapping) for v in value.values() if v is not None))
        _fill(table, value, f"{prefix}{key}.", comments)
        container.add(key, table)


def json_schema() -> dict[str, Any]:
    """The scenario file format as a JSON Schema (draft 2020-12), made from the parameter schema, for editors.

    Every parameter with its default, range and "unit; source" description, plus the keys only a file
    has: ``extends`` and the ``[uncertain]`` table. Priors are left out (they belong to the schema's
    parameter draws, not to what a file may say).
    """
    schema = _without_priors(Params.model_json_schema())
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    schema["title"] = "diffusion-sim scenario"
    schema["description"] = ("A diffusion-sim scenario file (TOML). Every key is optional; a missing key takes its "
                             "default, or the value of the file named by 'extends'.")
    properties = schema["properties"]
    properties["extends"] = {"type": "string", "description": "another scenario file, as a path relative to this one, "
                             "whose values this one starts from (tables are merged key by key, this file winning)"}
    properties["uncertain"] = {
        "type": "object",
        "description": "how unsure values are: [uncertain.\"section.name\"] with low, high, source and optionally "
                       "dist, mode, relative; the ranges sensitivity analysis varies and parameter draws use",
        "additionalProperties": {"$ref": "#/$defs/Prior"},
    }
    return schema


def _without_priors(node: Any, in_properties: bool = False) -> Any:
    """``node`` without the ``prior`` entries the parameter fields carry (a field named ``prior`` would stay)."""
    if isinstance(node, dict):
        return {k: _without_priors(v, k == "properties") for k, v in node.items() if in_properties or k != "prior"}
    if isinstance(node, list):
        return [_without_priors(v) for v in node]
    return node
