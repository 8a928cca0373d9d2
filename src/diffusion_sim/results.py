"""Tidy result tables, written to a new folder atomically, with a manifest of what produced them.

A results folder holds:

- ``summary.csv``/``.parquet``: one row per (scenario, replication) with the derived outcomes;
- ``monthly.csv``/``.parquet``: one row per (scenario, replication, month), long format;
- ``states.parquet``: organisations per (scenario, replication, month, org_type, state), non-zero rows;
- ``org_events.parquet``: per organisation and replication the month of each event;
- ``organisations.csv``: the region's organisations (shared by all replications of a scenario);
- ``innovations.csv``/``.parquet``: one row per (scenario, replication, innovation) with that innovation's
  outcomes (a portfolio has several; the summary then adds them up, and its ``months_to_70pct`` is
  when every innovation has reached 70%);
- ``innovation_monthly.parquet``: adopters, share adopted and patients per (scenario, replication,
  innovation, month);
- ``paired.csv`` (two or more scenarios): per-replication differences against the first scenario;
- ``draws.csv``/``.parquet``: per (scenario, replication) its parameter draw and every value drawn (empty
  columns when parameters were not drawn);
- ``assumptions.csv``/``.parquet`` (with parameter draws): each uncertain parameter's share of the
  variance of each decision outcome, ranked (``analysis.summary.assumption_ranking``);
- ``manifest.json``: resolved parameters, seed, versions, command line, time and file hashes.

Every kind of study writes its folder through :func:`write_folder`, with a manifest of one shape
(:func:`manifest`). Everything is written into ``<name>.tmp-<pid>`` beside the target and renamed at
the end, so a folder is complete or absent; an existing folder is never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from diffusion_sim import __version__
from diffusion_sim.errors import ResultsError
from diffusion_sim.model.state import BARRIER_NAMES, STATE_NAMES
from diffusion_sim.outcomes import summarise
from diffusion_sim.params import ORG_TYPES, Params
from diffusion_sim.region import Region
from diffusion_sim.runner import EVENT_FIELDS, Replication

FORMAT_VERSION = 1
# a study's long tables are Parquet only (as CSV they grow to hundreds of MB); the region's organisations CSV only
LONG_TABLES = ("states", "org_events", "innovation_monthly")
CSV_ONLY = ("organisations",)
REQUIRED_FILES = ("manifest.json", "summary.parquet", "monthly.parquet", "states.parquet", "org_events.parquet",
                  "organisations.csv")


@dataclass
class ResultSet:
    """The tables of one run or comparison, in memory."""

    summary: pd.DataFrame
    monthly: pd.DataFrame
    states: pd.DataFrame
    org_events: pd.DataFrame
    organisations: pd.DataFrame
    manifest: dict[str, Any]
    paired: pd.DataFrame | None = None
    innovations: pd.DataFrame | None = None  # older folders have none
    innovation_monthly: pd.DataFrame | None = None
    draws: pd.DataFrame | None = None  # each replication's parameter draw
    assumptions: pd.DataFrame | None = None  # the ranking of the uncertain parameters (with draws)

    @property
    def scenarios(self) -> list[str]:
        """Scenario names in the order they were given."""
        return list(self.manifest["scenario_order"])


def build_tables(scenarios: list[Params], regions: list[Region], results: list[list[Replication]]) -> dict[str, pd.DataFrame]:
    """Turn replications into tidy frames, sorted by (scenario, replication, month)."""
    summary, monthly, states, events, organisations, innovations, innovation_monthly, draws = [], [], [], [], [], [], [], []
    for params, region, reps in zip(scenarios, regions, results, strict=True):
        name = params.name
        s = params.simulation
        months = np.arange(s.months + 1)
        # month m is the state at the end of the m-th simulated month (month 0: just before the first)
        cal_index = (s.start_month - 2) + months
        calendar = [f"{s.start_year + i // 12}-{i % 12 + 1:02d}" for i in cal_index]
        rows = []
        for rep in reps:
            row = {"scenario": name, "replication": rep.replication, "seed": s.seed, "draw": rep.draw}
            row.update(summarise(rep))
            rows.append(row)
        summary.append(pd.DataFrame(rows))
        draws.append(pd.DataFrame([{"scenario": name, "replication": rep.replication, "draw": rep.draw,
                                    **(rep.parameters or {})} for rep in reps]))
        innovations.append(_innovation_rows(name, reps, rows))
        innovation_monthly.append(_innovation_monthly(name, reps, months))

        r = len(reps)
        def stack(attr: str, reps: list[Replication] = reps) -> np.ndarray:
            return np.stack([getattr(rep, attr) for rep in reps])

        new_total = stack("new_patients").sum(axis=2)
        adopted = stack("state_counts")[:, :, :, STATE_NAMES.index("adopted")].sum(axis=2)
        impl = stack("implementation_cost").sum(axis=2)
        facil = stack("facilitation_cost")
        monthly.append(pd.DataFrame({
            "scenario": name,
            "replication": np.repeat([rep.replication for rep in reps], months.size),
            "month": np.tile(months, r),
            "calendar_month": np.tile(calendar, r),
            "adopters": adopted.ravel(),
            "eligible_orgs": np.repeat([rep.n_eligible for rep in reps], months.size),
            "share_eligible_adopted": stack("share_adopted").ravel(),
            "patients_enrolled": stack("enrolled").sum(axis=2).ravel(),
            "patients_new": new_total.ravel(),
            "patients_reached_additional": stack("reached_additional").ravel(),
            "implementation_cost_eur": impl.ravel(),
            "facilitation_cost_eur": facil.ravel(),
            "cost_cumulative_eur": np.cumsum(impl + facil, axis=1).ravel(),
            "organisations_supported": stack("supported").ravel(),
            "team_hours": stack("team_hours").ravel(),
            "places_by_time": stack("places")[:, :, 0].ravel(),
            "places_by_money": stack("places")[:, :, 1].ravel(),
            "reimbursing": stack("reimbursing").ravel(),
        }))

        counts = stack("state_counts")  # (r, M+1, T, S)
        ri, mi, ti, si = np.nonzero(counts)
        states.append(pd.DataFrame({
            "scenario": name,
            "replication": np.asarray([rep.replication for rep in reps])[ri],
            "month": mi.astype(np.int32),
            "org_type": pd.Categorical.from_codes(ti, ORG_TYPES),
            "state": pd.Categorical.from_codes(si, STATE_NAMES),
            "n_orgs": counts[ri, mi, ti, si],
        }))

        ev = np.stack([rep.events for rep in reps])  # (r, fields, n)
        n = ev.shape[2]
        frame = {"scenario": name, "replication": np.repeat([rep.replication for rep in reps], n),
                 "org_id": np.tile(np.arange(n, dtype=np.int32), r)}
        for k, f in enumerate(EVENT_FIELDS):
            frame[f] = ev[:, k, :].ravel()
        frame["final_state"] = pd.Categorical.from_codes(np.stack([rep.final_state for rep in reps]).ravel(), STATE_NAMES)
        barrier = np.stack([rep.main_barrier for rep in reps]).ravel()
        frame["main_barrier"] = pd.Categorical.from_codes(barrier, BARRIER_NAMES)  # -1 becomes missing
        events.append(pd.DataFrame(frame))

        org = region.to_frame()
        org.insert(0, "scenario", name)
        eligible = np.any([np.asarray(inn.eligible_types())[region.org_type] for inn in params.innovation_tracks()], axis=0)
        org["eligible"] = eligible
        org["origin"] = org["org_id"].isin(reps[0].origins) if reps else False
        organisations.append(org)

    return {
        "summary": pd.concat(summary, ignore_index=True),
        "monthly": pd.concat(monthly, ignore_index=True),
        "states": pd.concat(states, ignore_index=True),
        "org_events": pd.concat(events, ignore_index=True),
        "organisations": pd.concat(organisations, ignore_index=True),
        "innovations": pd.concat(innovations, ignore_index=True),
        "innovation_monthly": pd.concat(innovation_monthly, ignore_index=True),
        "draws": pd.concat(draws, ignore_index=True),
    }


def _per_innovation(rep: Replication) -> list[Replication]:
    return rep.tracks if rep.tracks else [rep]


def _innovation_rows(scenario: str, reps: list[Replication], summary_rows: list[dict]) -> pd.DataFrame:
    """One row per replication and innovation: that innovation's outcomes (a single one's are the summary's)."""
    rows = []
    for rep, summary_row in zip(reps, summary_rows, strict=True):
        for k, track in enumerate(_per_innovation(rep)):
            own = {c: summary_row[c] for c in summary_row if c not in ("scenario", "replication", "seed", "draw")}
            outcomes = summarise(track) if rep.tracks else own
            rows.append({"scenario": scenario, "replication": rep.replication, "innovation": track.innovation,
                         "position": k + 1, **outcomes})
    return pd.DataFrame(rows)


def _innovation_monthly(scenario: str, reps: list[Replication], months: np.ndarray) -> pd.DataFrame:
    """Adopters, share adopted and additional patients per replication, innovation and month."""
    adopted = STATE_NAMES.index("adopted")
    tracks = [(rep.replication, track) for rep in reps for track in _per_innovation(rep)]
    m = months.size
    return pd.DataFrame({
        "scenario": scenario,
        "replication": np.repeat([r for r, _ in tracks], m),
        "innovation": np.repeat([t.innovation for _, t in tracks], m),
        "month": np.tile(months, len(tracks)),
        "adopters": np.concatenate([t.state_counts[:, :, adopted].sum(axis=1) for _, t in tracks]),
        "eligible_orgs": np.repeat([t.n_eligible for _, t in tracks], m),
        "share_eligible_adopted": np.concatenate([t.share_adopted for _, t in tracks]),
        "patients_reached_additional": np.concatenate([t.reached_additional for _, t in tracks]),
    })


def manifest(kind: str, scenarios: list[Params], sources: list[str], *, replications: int, workers: int = 1,
             scheduler: str | None = None, command: list[str] | None = None, regions: list[Region] | None = None,
             settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """What produced a results folder, in the one shape every kind of study writes; enough to run it again.

    ``kind`` names the study (compare, run, sweep, sensitivity, calibration, regions, validation);
    ``settings`` holds what only that kind has (the design, the ranges, the regions, the facts...).
    :func:`write_folder` adds the file hashes, and a study may add ``results`` (headline numbers).
    """
    first = scenarios[0].simulation
    described: dict[str, Any] = {}
    for k, (p, src) in enumerate(zip(scenarios, sources, strict=True)):
        entry: dict[str, Any] = {"file": src, "parameters": p.model_dump(mode="json")}
        if regions is not None:
            entry.update(organisations=int(regions[k].n), ties=regions[k].tie_counts)
        described[p.name] = entry
    return {
        "format_version": FORMAT_VERSION,
        "kind": kind,
        "package": "diffusion-sim",
        "version": __version__,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command if command is not None else sys.argv,
        "seed": first.seed,
        "replications": replications,
        "months": first.months,
        "workers": workers,
        "executor": f"dask:{scheduler}" if scheduler else ("processes" if workers > 1 else "serial"),
        "scenario_order": [p.name for p in scenarios],
        "scenarios": described,
        "settings": settings or {},
        "environment": environment(),
    }


def environment() -> dict[str, str]:
    """Versions of Python and the libraries that shape the numbers, for manifests."""
    import mesa
    import scipy

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
        "mesa": mesa.__version__,
    }


def new_results_dir(results_root: Path, stem: str) -> Path:
    """A fresh folder name under ``results_root`` (a time stamp, with a counter if needed)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = results_root / f"{stem}-{stamp}"
    path, k = base, 1
    while path.exists():
        k += 1
        path = Path(f"{base}-{k}")
    return path


@contextmanager
def atomic_folder(out: str | Path) -> Iterator[Path]:
    """A temporary folder beside ``out`` to write into; renamed to ``out`` only if the block succeeds.

    Refuses an existing ``out`` (results are never overwritten); on any error, or Ctrl-C, the
    temporary folder is removed and nothing is left behind.
    """
    out = Path(out)
    if out.exists():
        raise ResultsError(f"{out}: already exists; results are never overwritten, choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        yield tmp
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def replace_atomically(build: Callable[[Path], Any], target: Path) -> Any:
    """Run ``build(tmp)`` on a fresh hidden folder beside ``target``, then put it in ``target``'s place.

    A reader sees the old folder or the new one, never a half-written one; a failure leaves the old
    one untouched and removes the temporary one.
    """
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}"
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        result = build(tmp)
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not target.exists():
            os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return result


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in ``folder``, for the manifest."""
    return {p.name: sha256(p) for p in sorted(folder.iterdir()) if p.is_file()}


def write_folder(out: str | Path, tables: dict[str, pd.DataFrame], meta: dict[str, Any], *,
                 parquet_only: Collection[str] = (), csv_only: Collection[str] = (),
                 extras: Callable[[Path], list[str]] | None = None, overwrite: bool = False) -> Path:
    """The one results-folder writer: every table as Parquet and CSV, ``extras`` (e.g. figures), then ``manifest.json``.

    Tables in ``parquet_only`` (long ones, hundreds of MB as CSV) get no CSV, those in ``csv_only`` no
    Parquet. ``extras(folder)`` writes further files into the folder being built and returns their
    names (the command line passes the figures, so no study imports the drawing code). The manifest
    records the SHA-256 of every file. The folder appears complete or not at all; an existing folder
    is refused, or, with ``overwrite``, replaced whole only once the new one is complete.
    """
    out = Path(out)

    def build(tmp: Path) -> None:
        for name, frame in tables.items():
            if name not in csv_only:
                frame.to_parquet(tmp / f"{name}.parquet", index=False)
            if name not in parquet_only:
                frame.to_csv(tmp / f"{name}.csv", index=False)
        written = dict(meta)
        if extras is not None:
            written["figures"] = extras(tmp)
        written["files"] = file_hashes(tmp)
        (tmp / "manifest.json").write_text(json.dumps(written, indent=2, default=str) + "\n", encoding="utf-8")

    if overwrite and out.exists():
        replace_atomically(build, out)
    else:
        with atomic_folder(out) as tmp:
            build(tmp)
    return out


def read_results(folder: str | Path) -> ResultSet:
    """Read a results folder back, with a clear error for anything missing or from another format."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(f"{folder}: not a results folder (it does not exist)")
    missing = [f for f in REQUIRED_FILES if not (folder / f).is_file()]
    if missing:
        raise ResultsError(f"{folder}: incomplete results folder, missing {', '.join(missing)}")
    try:
        meta = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ResultsError(f"{folder / 'manifest.json'}: unreadable manifest ({exc})") from None
    version = meta.get("format_version")
    if version != FORMAT_VERSION:
        raise ResultsError(f"{folder}: results format {version!r}, this version reads format {FORMAT_VERSION}; "
                           "run the scenario again")
    paired = folder / "paired.parquet"
    optional = {name: pd.read_parquet(folder / f"{name}.parquet") if (folder / f"{name}.parquet").is_file() else None
                for name in ("innovations", "innovation_monthly", "draws", "assumptions")}
    return ResultSet(
        summary=pd.read_parquet(folder / "summary.parquet"),
        monthly=pd.read_parquet(folder / "monthly.parquet"),
        states=pd.read_parquet(folder / "states.parquet"),
        org_events=pd.read_parquet(folder / "org_events.parquet"),
        organisations=pd.read_csv(folder / "organisations.csv"),
        manifest=meta,
        paired=pd.read_parquet(paired) if paired.is_file() else None,
        **optional,
    )


def sha256(path: Path) -> str:
    """SHA-256 of a file, in hex."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
