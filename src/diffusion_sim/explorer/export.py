"""The explorer's settings as a scenario file that ``diffusion-sim run`` reads back to the same numbers.

The file is self-contained: every parameter is written out (no ``extends``), so it runs wherever it is
saved. Comments at the top say which levers moved away from the starting scenario. A parameter that
is unset (``None``) is left out, which is what the schema's default means.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from diffusion_sim import __version__
from diffusion_sim.params import Params, flat_fields


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back to the same float
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} to TOML")


def _table(lines: list[str], path: list[str], data: dict[str, Any]) -> None:
    scalars = {k: v for k, v in data.items() if not isinstance(v, dict) and v is not None}
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    if path and (scalars or not tables):
        lines.append("")
        lines.append(f"[{'.'.join(path)}]")
    for key, value in scalars.items():
        lines.append(f"{key} = {_value(value)}")
    for key, value in tables.items():
        _table(lines, [*path, key], value)


def changed(start: Params, now: Params) -> list[tuple[str, Any, Any]]:
    """(dotted name, starting value, current value) of every parameter that differs."""
    a, b = start.model_dump(mode="json"), now.model_dump(mode="json")
    out = []
    for dotted in flat_fields():
        x, y = a, b
        for part in dotted.split("."):
            x, y = x[part], y[part]
        if x != y:
            out.append((dotted, x, y))
    return out


def scenario_toml(params: Params, start: Params | None = None, replications: int | None = None) -> str:
    """``params`` as a complete scenario file; ``replications`` (the explorer's) is written into it."""
    data = params.model_dump(mode="json")
    if replications is not None:
        data["simulation"]["replications"] = int(replications)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# Scenario '{params.name}' exported from the diffusion-sim {__version__} explorer on {stamp}.",
        "# Every parameter is written out; `diffusion-sim run THIS_FILE` gives the explorer's numbers.",
    ]
    moved = changed(start, params) if start is not None else []
    if moved:
        lines.append("# Changed from the starting scenario:")
        lines += [f"#   {name}: {_value(old) if old is not None else 'unset'} -> {_value(new) if new is not None else 'unset'}"
                  for name, old, new in moved]
    top = {k: v for k, v in data.items() if not isinstance(v, dict)}
    lines.append("")
    for key, value in top.items():
        if value is not None:
            lines.append(f"{key} = {_value(value)}")
    _table(lines, [], {k: v for k, v in data.items() if isinstance(v, dict)})
    return "\n".join(lines) + "\n"
