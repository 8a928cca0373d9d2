"""Print the prior tables of docs/priors.md from the schema: every parameter with a prior, by section.

Each parameter with ``P(..., prior=Prior(...))`` in :mod:`diffusion_sim.params` becomes one row: its
default (the package defaults, i.e. the heart-failure profile), its distribution, the 90% range in
the parameter's own units (the 5th and 95th percentile of a draw, truncated to the allowed range and
rounded for whole-number parameters, as a draw would be) and the prior's source. A per-type block is
one row with the types whose default is not 0 (a relative prior keeps 0 at 0). A second table gives
the innovation's relative priors for the other shipped profiles, so one can see what the same prior
means there.

Usage (from the repository root)::

    .venv/bin/python docs/make_prior_table.py                         # print the tables
    .venv/bin/python docs/make_prior_table.py --update docs/priors.md  # replace them in place

``--update`` rewrites only the text between ``<!-- priors:start -->`` and ``<!-- priors:end -->``.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from diffusion_sim.distributions import Prior
from diffusion_sim.innovations import profile_names
from diffusion_sim.params import (
    DEFAULT_PROFILE,
    LEAF_BLOCKS,
    InnovationParams,
    Params,
    PortfolioParams,
    bounds,
    flat_fields,
    get,
    kind,
    priors,
)

START, END = "<!-- priors:start -->", "<!-- priors:end -->"


def drawn(name: str, prior: Prior, params: Params, u: float) -> float:
    """The value parameter ``name`` takes for uniform ``u``: truncated to its allowed range, whole if it is an integer."""
    base = float(get(params, name)) if prior.relative else 1.0
    lower, upper = bounds(name)
    return prior.value(u, base, lower, upper, integer=kind(name) == "int")


def num(x: float) -> str:
    """A number to three significant figures, with thousands separators for large ones."""
    if x == 0:
        return "0"
    rounded = float(f"{x:.3g}")
    return f"{rounded:,.0f}" if abs(rounded) >= 1000 else f"{rounded:g}"


def describe(prior: Prior, integer: bool) -> str:
    """The distribution in words: its shape, its ends (factors of the value if relative), and its mode."""
    lo, hi = (f"×{num(prior.low)}", f"×{num(prior.high)}") if prior.relative else (num(prior.low), num(prior.high))
    text = f"{prior.dist} {lo}–{hi}"
    if prior.dist in ("normal", "lognormal"):
        text = f"{prior.dist}, 5–95%: {lo}–{hi}"
    if prior.dist == "triangular":
        text += f", mode {'×' if prior.relative else ''}{num(prior.mode or 0.0)}"
    if prior.relative:
        text += " of the value"
    if integer:
        text += ", rounded"
    return text


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ").strip()


def block_rows(params: Params) -> list[tuple[str, str, str, str, str, str, str]]:
    """(section, name, default, distribution, 90% range, unit, source) per parameter with a prior, in schema order."""
    table = priors()
    rows = []
    for name, info in flat_fields().items():
        keys = [k for k in table if k == name or k.startswith(name + ".")]
        if not keys:
            continue
        prior = table[keys[0]]
        unit = (info.description or "").split(";")[0].strip()
        if info.annotation in LEAF_BLOCKS:
            parts = [(k.rsplit(".", 1)[1], float(get(params, k))) for k in keys]
            shown = [(t, v, k) for (t, v), k in zip(parts, keys, strict=True) if v != 0.0]
            default = "; ".join(f"{t} {num(v)}" for t, v, _ in shown)
            span = "; ".join(f"{t} {num(drawn(k, prior, params, 0.05))}–{num(drawn(k, prior, params, 0.95))}"
                             for t, _, k in shown)
            integer = False
        else:
            default = num(float(get(params, name)))
            span = f"{num(drawn(name, prior, params, 0.05))}–{num(drawn(name, prior, params, 0.95))}"
            integer = kind(name) == "int"
        rows.append((name.split(".")[0], name, default, describe(prior, integer), span, unit, prior.source))
    return rows


def other_profiles() -> list[str]:
    """Rows of the table of the innovation's relative priors for every shipped profile but the default."""
    table = priors()
    lines = ["| Profile | Parameter | Value | 90% range |", "|---|---|---|---|"]
    for profile in profile_names():
        if profile == DEFAULT_PROFILE:
            continue
        params = Params(innovation=InnovationParams.model_validate({"profile": profile}),
                        portfolio=PortfolioParams(innovations=(profile,)))  # a portfolio lets any primary type be origin
        for name, info in flat_fields().items():
            keys = [k for k in table if k == name or k.startswith(name + ".")]
            if not name.startswith("innovation.") or not keys or not table[keys[0]].relative:
                continue
            prior = table[keys[0]]
            cells = []
            for key in keys if info.annotation in LEAF_BLOCKS else [name]:
                value = float(get(params, key))
                if value == 0.0:
                    continue
                label = f"{key.rsplit('.', 1)[1]} " if key != name else ""
                lo, hi = drawn(key, prior, params, 0.05), drawn(key, prior, params, 0.95)
                cells.append((f"{label}{num(value)}", f"{label}{num(lo)}–{num(hi)}"))
            lines.append("| " + " | ".join(cell(x) for x in (
                f"`{profile}`", f"`{name}`", "; ".join(c[0] for c in cells), "; ".join(c[1] for c in cells))) + " |")
    return lines


def text() -> str:
    """The Markdown tables: a count per section, one table per section, then the other profiles."""
    rows = block_rows(Params())
    per_type = Counter(k.split(".")[0] for k in priors())
    fields = Counter(r[0] for r in rows)
    out = ["| Section | Parameters with a prior | Values drawn (each organisation type counted) |", "|---|---|---|"]
    out += [f"| {s} | {fields[s]} | {per_type[s]} |" for s in fields]
    out.append(f"| **all** | **{sum(fields.values())}** | **{sum(per_type.values())}** |")
    for section in fields:
        out += ["", f"### {section}", "",
                "| Parameter | Default | Distribution | 90% range | Unit | Source; what would narrow it |",
                "|---|---|---|---|---|---|"]
        out += ["| " + " | ".join(cell(x) for x in (f"`{name}`", default, dist, span, unit, source)) + " |"
                for s, name, default, dist, span, unit, source in rows if s == section]
    out += ["", "### The innovation's relative priors for the other profiles", ""] + other_profiles()
    return "\n".join(out)


def update(path: Path, body: str) -> None:
    """Replace the block between the markers in ``path`` with ``body``."""
    doc = path.read_text(encoding="utf-8")
    head, sep1, rest = doc.partition(START)
    _, sep2, tail = rest.partition(END)
    if not (sep1 and sep2):
        raise SystemExit(f"{path}: markers {START} / {END} not found")
    path.write_text(f"{head}{START}\n{body}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str]) -> None:
    """Print the tables, or write them into the file given after ``--update``."""
    body = text()
    if len(argv) == 2 and argv[0] == "--update":
        update(Path(argv[1]), body)
    elif argv:
        raise SystemExit("usage: make_prior_table.py [--update docs/priors.md]")
    else:
        print(body)


if __name__ == "__main__":
    main(sys.argv[1:])
