"""The numbers the tool writes, pinned: small studies run end to end and fingerprinted table by table.

Shared by ``test_baseline.py`` (which compares with the checked-in ``baseline.json``) and
``update_baseline.py`` (which rewrites it, with a note of what changed and why). A refactor never
runs the update; a deliberate change to the model's numbers does, and says so in its commit.

Each study runs through :func:`diffusion_sim.studies.compare.run_study` into a temporary folder, as
``diffusion-sim compare --no-report`` does, and every table is read back from its Parquet file. A
table's fingerprint is a SHA-256 per column over its kind (integer, float, true/false or text) and
its values, so a changed number names its table and column; a few medians are kept in plain numbers
so that a changed baseline can be read.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BASELINE = Path(__file__).with_name("baseline.json")

# name -> (scenario files, overrides, replications); small, so the test takes seconds
STUDIES: dict[str, tuple[tuple[str, ...], dict[str, Any], int]] = {
    "zuidwest": (("zuidwest-isolated.toml", "zuidwest-collaborative.toml"), {"simulation.months": 36}, 8),
    "portfolio": (("zuidwest-portfolio-isolated.toml", "zuidwest-portfolio-sequential.toml"), {"simulation.months": 30}, 4),
    "rotterdam": (("zuidwest-isolated.toml", "zuidwest-collaborative.toml"),
                  {"simulation.months": 24, "region.preset": "rotterdam-rijnmond", "origin.municipality": "GM0599"}, 4),
}
TABLES = ("summary", "monthly", "paired", "innovations", "innovation_monthly", "org_events", "states")
READABLE = ("patients_12m", "patients_final", "share_adopted_final", "total_cost_eur")


def column_hash(series: pd.Series) -> str:
    """SHA-256 of a column's kind and values (NaN and missing hash alike; floats by their exact bits)."""
    values = series.to_numpy()
    kind = series.dtype.kind
    h = hashlib.sha256()
    if kind in "iu":
        h.update(b"int")
        h.update(np.asarray(values, dtype=np.int64).tobytes())
    elif kind == "f":
        h.update(b"float")
        h.update(np.asarray(values, dtype=np.float64).tobytes())
    elif kind == "b":
        h.update(b"bool")
        h.update(np.asarray(values, dtype=np.bool_).tobytes())
    else:
        h.update(b"text")
        h.update("\x1f".join("" if pd.isna(v) else str(v) for v in values).encode())
    return h.hexdigest()[:16]


def fingerprint(folder: Path) -> dict[str, Any]:
    """Per table: rows and one hash per column; plus the median of a few outcomes per scenario."""
    out: dict[str, Any] = {"tables": {}, "medians": {}}
    for name in TABLES:
        path = folder / f"{name}.parquet"
        if not path.is_file():
            continue
        frame = pd.read_parquet(path)
        out["tables"][name] = {"rows": len(frame), "columns": {c: column_hash(frame[c]) for c in frame.columns}}
    summary = pd.read_parquet(folder / "summary.parquet")
    for scenario, sub in summary.groupby("scenario", sort=False):
        out["medians"][str(scenario)] = {c: float(f"{sub[c].median():.6g}") for c in READABLE if c in sub}
    return out


def run(name: str, root: Path) -> dict[str, Any]:
    """Run one study into a folder under ``root`` and fingerprint what was written."""
    from diffusion_sim.scenario import load_scenario
    from diffusion_sim.studies.compare import run_study

    files, overrides, reps = STUDIES[name]
    paths = [SCENARIOS / f for f in files]
    scenarios = [load_scenario(p, overrides) for p in paths]
    out = root / name
    run_study(scenarios, [str(p) for p in paths], out, reps, 1, command=["baseline", name])
    return fingerprint(out)


def fingerprints() -> dict[str, Any]:
    """Every study's fingerprint."""
    with tempfile.TemporaryDirectory() as tmp:
        return {name: run(name, Path(tmp)) for name in STUDIES}


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between two sets of fingerprints, one line per table, column or median."""
    lines = []
    for study in sorted(set(old) | set(new)):
        a, b = old.get(study), new.get(study)
        if a is None or b is None:
            lines.append(f"{study}: {'added' if a is None else 'removed'}")
            continue
        for table in sorted(set(a["tables"]) | set(b["tables"])):
            ta, tb = a["tables"].get(table), b["tables"].get(table)
            if ta is None or tb is None:
                lines.append(f"{study}/{table}: {'added' if ta is None else 'removed'}")
                continue
            if ta["rows"] != tb["rows"]:
                lines.append(f"{study}/{table}: {ta['rows']} -> {tb['rows']} rows")
            for col in sorted(set(ta["columns"]) | set(tb["columns"])):
                ca, cb = ta["columns"].get(col), tb["columns"].get(col)
                if ca != cb:
                    what = "added" if ca is None else "removed" if cb is None else "changed"
                    lines.append(f"{study}/{table}.{col}: {what}")
        for scenario in sorted(set(a["medians"]) | set(b["medians"])):
            ma, mb = a["medians"].get(scenario, {}), b["medians"].get(scenario, {})
            for col in sorted(set(ma) | set(mb)):
                if ma.get(col) != mb.get(col):
                    lines.append(f"{study}/{scenario} median {col}: {ma.get(col)} -> {mb.get(col)}")
    return lines
