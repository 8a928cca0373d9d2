"""Print the parameter table of docs/model.md from the schema and the two Zuidwest scenarios.

Every leaf of :class:`diffusion_sim.params.Params` becomes one row: its value in the isolated
scenario, its value in the collaborative scenario where that differs, and the field's description
split at the first ";" into unit and source (the schema's "unit; source" convention).

Usage (from the repository root)::

    .venv/bin/python docs/make_parameter_table.py                       # print the table
    .venv/bin/python docs/make_parameter_table.py --update docs/model.md  # replace it in place

``--update`` rewrites only the text between ``<!-- params:start -->`` and ``<!-- params:end -->``.
A note is printed to stderr if the isolated scenario differs from the package defaults, or if the
collaborative scenario changes anything outside ``facilitation.*`` (docs/model.md sec. 4 says it
changes only the team's levers), or if a description has no "unit; source" split.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from diffusion_sim.params import Params, flat_fields
from diffusion_sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
START, END = "<!-- params:start -->", "<!-- params:end -->"
SKIP = {"name", "description"}  # scenario labels, not model inputs
TEAM = "facilitation."  # the only section the collaborative scenario is meant to change


def value_at(params: Params, dotted: str) -> Any:
    """The value of a dotted field, e.g. ``diffusion.p``."""
    node: Any = params
    for key in dotted.split("."):
        node = getattr(node, key)
    return node


def fmt(value: Any) -> str:
    """A value as it would be written in a scenario file; per-type blocks as ``type value`` pairs."""
    if isinstance(value, BaseModel):
        return "; ".join(f"{k} {fmt(v)}" for k, v in value.model_dump().items())
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return str(value)


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ").strip()


def table() -> str:
    """The Markdown table, one row per parameter."""
    defaults = Params()
    isolated = load_scenario(SCENARIOS / "zuidwest-isolated.toml")
    collaborative = load_scenario(SCENARIOS / "zuidwest-collaborative.toml")
    lines = [
        "| Parameter | Isolated (default) | Collaborative, where different | Unit | Source or ASSUMPTION |",
        "|---|---|---|---|---|",
    ]
    for dotted, info in flat_fields().items():
        if dotted in SKIP:
            continue
        iso = value_at(isolated, dotted)
        col = value_at(collaborative, dotted)
        if iso != value_at(defaults, dotted):
            print(f"note: {dotted} in zuidwest-isolated.toml ({fmt(iso)}) differs from the package default "
                  f"({fmt(value_at(defaults, dotted))})", file=sys.stderr)
        if col != iso and not dotted.startswith(TEAM):
            print(f"note: zuidwest-collaborative.toml changes {dotted} ({fmt(iso)} -> {fmt(col)}), outside "
                  f"{TEAM}*; update docs/model.md sec. 4", file=sys.stderr)
        unit, _, source = (info.description or "").partition(";")
        if not source:
            print(f"note: the description of {dotted} has no ';' between unit and source", file=sys.stderr)
        lines.append("| " + " | ".join(cell(x) for x in (
            f"`{dotted}`", fmt(iso), "" if col == iso else fmt(col), unit, source or "(none given)",
        )) + " |")
    return "\n".join(lines)


def update(path: Path, text: str) -> None:
    """Replace the block between the markers in ``path`` with ``text``."""
    doc = path.read_text(encoding="utf-8")
    head, sep1, rest = doc.partition(START)
    _, sep2, tail = rest.partition(END)
    if not (sep1 and sep2):
        raise SystemExit(f"{path}: markers {START} / {END} not found")
    path.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str]) -> None:
    """Print the table, or write it into the file given after ``--update``."""
    text = table()
    if len(argv) == 2 and argv[0] == "--update":
        update(Path(argv[1]), text)
    elif argv:
        raise SystemExit("usage: make_parameter_table.py [--update docs/model.md]")
    else:
        print(text)


if __name__ == "__main__":
    main(sys.argv[1:])
