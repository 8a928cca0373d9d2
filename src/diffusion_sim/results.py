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
(:func:`manifest`). Everything is written into ``.<name>.tmp-<pid>`` beside the target and renamed at
the end, so a folder is complete or absent; an existing folder is never overwritten.

A run holds its folder's name from the moment it starts (:class:`Reservation`: a ``.<name>.lock``
file with its process id, made only if absent), so two runs never compute for the same folder, and
a place that cannot be written is refused before anything is computed. What a killed run leaves
behind (``.<name>.tmp-<pid>``, ``.<name>.old-<pid>``, a lock) is removed by the next writer in that
folder once that process is gone (:func:`remove_stale`); a live process's files are never touched.

:func:`read_results` checks the manifest's shape and every file against the SHA-256 the manifest
records, and names the file that is damaged or was changed.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from diffusion_sim import __version__
from diffusion_sim.errors import ResultsError, WriteError
from diffusion_sim.executors import HelperLost, alongside
from diffusion_sim.model.state import BARRIER_NAMES, STATE_NAMES
from diffusion_sim.outcomes import summarise
from diffusion_sim.params import ORG_TYPES, Params
from diffusion_sim.processes import alive, start_time
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


class SpilledTable:
    """A long table kept on disk as it grows, chunk by chunk, and written out in (scenario, replication) order.

    A 10,000-replication comparison's monthly, state and event tables take gigabytes as data frames;
    held as parts in a scratch folder, a run keeps one chunk in memory at a time. Each part is a
    :func:`build_tables` frame, so the table written is the one :func:`build_tables` would give whole.
    The parts are Arrow IPC files with LZ4-compressed buffers: for the default comparison's 290 MB of
    long tables they take 50 MB of scratch space and about 0.45 s of the run's main process to write
    and read back, against 0.7 s as Parquet parts; and they keep the frames' Arrow schema, so the
    Parquet file written from them is the one a whole frame gives.
    """

    def __init__(self, scratch: Path, name: str) -> None:
        self.scratch, self.name = scratch, name
        self.parts: dict[tuple[int, int], Path] = {}  # (scenario index, first replication) -> its part

    def add(self, key: tuple[int, int], frame: pd.DataFrame) -> None:
        """Put one chunk's rows aside; ``key`` orders it among the others."""
        import pyarrow as pa

        path = self.scratch / f"{self.name}-{len(self.parts)}.arrow"
        table = pa.Table.from_pandas(frame, preserve_index=False)
        options = pa.ipc.IpcWriteOptions(compression="lz4")
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema, options=options) as writer:
            writer.write_table(table)
        self.parts[key] = path

    def arrow_tables(self) -> Iterator[Any]:
        """The parts in order, one at a time, as Arrow tables (memory-mapped)."""
        import pyarrow as pa

        for key in sorted(self.parts):
            with pa.memory_map(str(self.parts[key])) as source:
                yield pa.ipc.open_file(source).read_all()

    def frames(self) -> Iterator[pd.DataFrame]:
        """The parts in order, one at a time."""
        for table in self.arrow_tables():
            yield table.to_pandas()

    def to_parquet(self, path: Path, index: bool = False) -> None:
        """One Parquet file of every part in order (``index`` as ``DataFrame.to_parquet``'s: its parts have none)."""
        if index:
            raise ValueError("a spilled table has no index to write")
        import pyarrow.parquet as pq

        writer = None
        try:
            for table in self.arrow_tables():
                writer = writer or pq.ParquetWriter(path, table.schema)
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()

    def to_csv(self, path: Path) -> None:
        """One CSV file of every part in order, as ``DataFrame.to_csv`` writes the whole."""
        for k, frame in enumerate(self.frames()):
            frame.to_csv(path, mode="w" if k == 0 else "a", header=k == 0, index=False)


class StreamedTables:
    """The tables of :func:`build_tables`, built chunk by chunk as replications come back (``run_all(collect=...)``).

    Only the per-replication rows (summary, draws, innovations) stay in memory; the long tables
    (:data:`LONG_TABLES` and ``monthly``) go to :class:`SpilledTable` parts in ``scratch``. ``out`` is
    the results folder they are for, named if the scratch space runs out.
    """

    SPILLED = ("monthly", "states", "org_events", "innovation_monthly")

    def __init__(self, scenarios: list[Params], regions: list[Region], scratch: Path, out: Path) -> None:
        self.scenarios, self.regions, self.out = scenarios, regions, out
        self.spilled = {name: SpilledTable(scratch, name) for name in self.SPILLED}
        self.kept: dict[str, dict[tuple[int, int], pd.DataFrame]] = {}
        self.organisations: dict[int, tuple[int, pd.DataFrame]] = {}  # scenario -> (first replication, its frame)

    def add(self, s: int, replications: list[int], results: list[Replication]) -> None:
        """One chunk of scenario ``s``: its rows built, the long ones put aside, the chunk itself let go."""
        key = (s, replications[0])
        tables = build_tables([self.scenarios[s]], [self.regions[s]], [results])
        for name, frame in tables.items():
            if name in self.spilled:
                try:
                    self.spilled[name].add(key, frame)
                except OSError as exc:  # a full disk, say: the folder's own writer would say the same
                    raise WriteError(f"{self.out}: writing the results failed ({exc.strerror or exc}); "
                                     "nothing was written") from None
            elif name == "organisations":  # the scenario's first replication marks the origins, as build_tables does
                if s not in self.organisations or replications[0] < self.organisations[s][0]:
                    self.organisations[s] = (replications[0], frame)
            else:
                self.kept.setdefault(name, {})[key] = frame

    def tables(self) -> dict[str, pd.DataFrame | SpilledTable]:
        """Every table, in (scenario, replication) order: in-memory frames and spilled ones."""
        out: dict[str, pd.DataFrame | SpilledTable] = {
            name: pd.concat([parts[k] for k in sorted(parts)], ignore_index=True) for name, parts in self.kept.items()}
        out["organisations"] = pd.concat([self.organisations[s][1] for s in sorted(self.organisations)], ignore_index=True)
        out.update(self.spilled)
        return out


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
    """A fresh folder name under ``results_root`` (a time stamp, with a counter if needed).

    A name is taken while a folder or a run's reservation of it exists; :func:`reserve_new` holds the
    name it returns, so that two runs started in the same second get two folders.
    """
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = results_root / f"{stem}-{stamp}"
    path, k = base, 1
    while os.path.lexists(path) or os.path.lexists(lock_path(path)):
        k += 1
        path = Path(f"{base}-{k}")
    return path


# --- reserving a name, checking a place, cleaning up after killed runs -------------------------------

# what a writer leaves beside its target while it works: .NAME.tmp-PID (being written), .NAME.old-PID (the
# previous version, while it is being replaced) and .NAME.lock (the name held by a run)
_LEFT = re.compile(r"^\.(?P<name>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)$")
_LOCK = re.compile(r"^\.(?P<name>.+)\.lock$")
LOCK_GRACE_SECONDS = 60  # a lock without a readable process id is someone's that is being made, unless older


def lock_path(out: Path) -> Path:
    """The file that holds ``out``'s name for the run writing it."""
    return out.parent / f".{out.name}.lock"


def temp_path(out: Path, kind: str = "tmp", pid: int | None = None) -> Path:
    """Where ``out`` is built (``tmp``) or its previous version kept while replaced (``old``) by process ``pid``."""
    return out.parent / f".{out.name}.{kind}-{os.getpid() if pid is None else pid}"


def _lock_text() -> str:
    """What a lock holds: this process's id and, where the system tells it, when it started."""
    return f"{os.getpid()} {start_time(os.getpid()) or ''}".strip() + "\n"


def _lock_owner(lock: Path) -> tuple[int, str | None] | None:
    """(process id, start time or None) in a lock file; None while it is being written or if unreadable."""
    try:
        text = lock.read_text(encoding="ascii").split()
        return (int(text[0]), text[1] if len(text) > 1 else None) if text else None
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _ours(owner: tuple[int, str | None] | None) -> bool:
    return owner is not None and owner[0] == os.getpid() and owner[1] in (None, start_time(os.getpid()))


def _gone(pid: int, started: str | None = None) -> bool:
    """Whether what process ``pid`` (started at ``started``, if known) left is a killed run's: not ours, not running."""
    return not _ours((pid, started)) and not alive(pid, started)


def _lock_is_stale(lock: Path) -> bool:
    owner = _lock_owner(lock)
    if owner is not None:
        return _gone(*owner)
    try:
        return time.time() - lock.stat().st_mtime > LOCK_GRACE_SECONDS
    except OSError:
        return False


def remove_stale(folder: Path) -> list[Path]:
    """Remove from ``folder`` what killed runs left there; returns what was removed or put back.

    A temporary folder or file (``.NAME.tmp-PID``) and a lock whose process is gone are removed; a
    previous version (``.NAME.old-PID``) goes back to ``NAME`` if a run was killed between moving it
    aside and putting the new one in place, and is removed otherwise. Anything of a running process,
    this one included, is left alone.
    """
    done: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return done
    for entry in entries:
        left, lock = _LEFT.match(entry.name), _LOCK.match(entry.name)
        try:
            if left and _gone(int(left["pid"])):
                target = entry.parent / left["name"]
                if left["kind"] == "old" and not os.path.lexists(target):
                    os.replace(entry, target)
                elif entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
                done.append(entry)
            elif lock and entry.is_file() and _lock_is_stale(entry):
                entry.unlink()
                done.append(entry)
        except OSError:  # another run cleaned it up first, or it is not ours to remove
            continue
    return done


SCRATCH_PREFIX = "diffusion-sim-tables-"
_SCRATCH = re.compile(rf"^{SCRATCH_PREFIX}(?:(?P<pid>\d+)-(?P<started>\d*)-)?.+$")
SCRATCH_GRACE_SECONDS = 24 * 3600  # one without a process id (before 5 Dec 2026) is a killed run's once this old


@contextmanager
def scratch_folder(where: str | Path | None = None) -> Iterator[Path]:
    """A scratch folder for a run's long tables while it runs (:class:`StreamedTables`), removed afterwards.

    Named for this process (its id and start time), so that the next run removes what a run that was
    killed outright left behind (``kill -9``, out of memory): for 10,000 pairs a few hundred MB of the
    system's temporary space. ``where``: the folder to make it in (the system's temporary folder).
    """
    root = Path(where or tempfile.gettempdir())
    for entry in _scratch_of_gone_runs(root):
        shutil.rmtree(entry, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-{start_time(os.getpid()) or ''}-",
                                     dir=root) as scratch:
        yield Path(scratch)


def _scratch_of_gone_runs(root: Path) -> list[Path]:
    """The scratch folders in ``root`` of runs that are no longer running (never this process's, never a live one's)."""
    gone = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return gone
    for entry in entries:
        found = _SCRATCH.match(entry.name)
        if not found or not entry.is_dir() or entry.is_symlink():
            continue
        try:
            if found["pid"] is None:
                if time.time() - entry.stat().st_mtime > SCRATCH_GRACE_SECONDS:
                    gone.append(entry)
            elif _gone(int(found["pid"]), found["started"] or None):
                gone.append(entry)
        except OSError:
            continue
    return gone


class FolderTaken(ResultsError):
    """Another running process holds this results folder's name."""


def _problem(exc: OSError, option: str, out: Path, where: Path) -> ResultsError:
    """One line for a place that cannot be written."""
    head = f"{option} {out}" if option else f"{out}"
    code = exc.errno
    if code in (errno.EACCES, errno.EPERM):
        return ResultsError(f"{head}: cannot write in {where} (permission denied); choose another folder")
    if code == errno.EROFS:
        return ResultsError(f"{head}: {where} is on a read-only file system; choose another folder")
    if code == errno.ENAMETOOLONG:
        return ResultsError(f"{head}: the name is too long for the file system ({len(out.name.encode())} bytes, and "
                            "writing needs a temporary name about 20 bytes longer); choose a shorter name")
    if code == errno.ENOSPC:
        return ResultsError(f"{head}: no space left on the device of {where}")
    if code == errno.ENOTDIR:
        return ResultsError(f"{head}: {where} is not a folder")
    return ResultsError(f"{head}: cannot write in {where} ({exc.strerror or exc})")


class Reservation:
    """This process's hold on a results folder's name, from the start of a run until its folder is in place.

    :meth:`acquire` refuses, in one line and before anything is computed, a name that exists (or is a
    dangling symbolic link), a place under a file or that cannot be written, a name too long for the
    file system, and a name another running process holds (:class:`FolderTaken`). It creates missing
    parent folders; :meth:`release` removes the lock and, if the folder did not appear, the parent
    folders it created that are still empty. Holding a name again in the same process is allowed (the
    command line holds it, and the writer holds it once more while writing).
    """

    def __init__(self, out: str | Path, option: str = "--out", overwrite: bool = False, kind: str = "folder") -> None:
        self.out = Path(out)
        self.option = option
        self.kind = kind
        self.overwrite = overwrite
        self.owner = False
        self.created: list[Path] = []

    def __enter__(self) -> Path:
        if not self.owner:
            self.acquire()
        return self.out

    def __exit__(self, *_exc: object) -> None:
        self.release()

    def _fail(self, message: str) -> ResultsError:
        head = f"{self.option} {self.out}" if self.option else f"{self.out}"
        return ResultsError(f"{head}: {message}")

    def acquire(self) -> Reservation:
        """Hold the name, or raise a :class:`ResultsError` saying why it cannot be written."""
        out = self.out
        if out.name in ("", ".", ".."):
            raise self._fail(f"give the path of a new {self.kind}, e.g. results/my-run")
        if os.path.lexists(out):
            if out.is_symlink() and not out.exists():
                raise self._fail(f"is a symbolic link to {os.readlink(out)}, which does not exist; choose another {self.kind}")
            if not (self.overwrite and out.is_dir()):
                raise self._fail(f"already exists; results are never overwritten, choose another {self.kind}")
        self._make_parents()
        try:
            remove_stale(out.parent)
            self._lock()
            probe = temp_path(out, "tmp")
            if probe.exists():
                shutil.rmtree(probe)
            probe.mkdir()
            probe.rmdir()
        except OSError as exc:
            self.release()
            raise _problem(exc, self.option, out, out.parent) from None
        except BaseException:
            self.release()
            raise
        return self

    def _make_parents(self) -> None:
        missing: list[Path] = []
        parent = self.out.parent
        while not os.path.lexists(parent) and parent != parent.parent:
            missing.append(parent)
            parent = parent.parent
        if parent.is_symlink() and not parent.exists():
            raise self._fail(f"{parent} is a symbolic link to {os.readlink(parent)}, which does not exist")
        if os.path.lexists(parent) and not parent.is_dir():
            raise self._fail(f"{parent} is a file, not a folder")
        for folder in reversed(missing):
            try:
                folder.mkdir()
            except FileExistsError:  # made meanwhile by someone else: theirs, not ours to remove
                continue
            except OSError as exc:
                self.release()
                raise _problem(exc, self.option, self.out, folder.parent) from None
            self.created.append(folder)

    def _lock(self) -> None:
        lock = lock_path(self.out)
        for _ in range(2):
            try:
                fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                owner = _lock_owner(lock)
                if _ours(owner):
                    return  # held already by this process (the command line), not ours to release
                if _lock_is_stale(lock):
                    lock.unlink(missing_ok=True)
                    continue
                who = f"process {owner[0]}" if owner is not None else "another process"
                raise FolderTaken(f"{self.option + ' ' if self.option else ''}{self.out}: another diffusion-sim run "
                                  f"({who}) is writing results there; choose another {self.kind} (or, if no such run "
                                  f"is going, delete {lock})") from None
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(_lock_text())
            self.owner = True
            return
        raise FolderTaken(f"{self.option + ' ' if self.option else ''}{self.out}: another diffusion-sim run is taking "
                          f"this name; choose another {self.kind}")

    def release(self) -> None:
        """Give the name up; remove the parent folders this reservation made if the folder did not appear."""
        if self.owner:
            self.owner = False
            lock_path(self.out).unlink(missing_ok=True)
        if not os.path.lexists(self.out):
            for folder in reversed(self.created):
                try:
                    folder.rmdir()
                except OSError:
                    break
        self.created = []


def reserve_new(results_root: Path, stem: str, option: str = "--out") -> Reservation:
    """Hold a fresh name under ``results_root`` (see :func:`new_results_dir`); another run's name is skipped."""
    for _ in range(1000):
        try:
            return Reservation(new_results_dir(results_root, stem), option="").acquire()
        except FolderTaken:
            continue
    raise ResultsError(f"{results_root}: no free folder name for {stem}; give one with {option}")  # pragma: no cover


@contextmanager
def atomic_folder(out: str | Path) -> Iterator[Path]:
    """A temporary folder beside ``out`` to write into; renamed to ``out`` only if the block succeeds.

    Refuses an existing ``out`` (results are never overwritten) and a name another run holds; on any
    error, or Ctrl-C, the temporary folder is removed and nothing is left behind. A disk that fills up
    while writing gives one line (:class:`~diffusion_sim.errors.WriteError`).
    """
    out = Path(out)
    with Reservation(out, option=""):
        tmp = temp_path(out)
        try:
            tmp.mkdir()
            yield tmp
            os.replace(tmp, out)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if os.path.lexists(out):
                raise ResultsError(f"{out}: appeared while the results were written; results are never overwritten, "
                                   f"choose another --out") from None
            raise WriteError(f"{out}: writing the results failed ({exc.strerror or exc}); nothing was written") from None
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def replace_atomically(build: Callable[[Path], Any], target: Path) -> Any:
    """Run ``build(tmp)`` on a fresh hidden folder beside ``target``, then put it in ``target``'s place.

    A reader sees the old folder or the new one, never a half-written one; a failure leaves the old
    one untouched and removes the temporary one. What killed runs left beside ``target`` is cleaned first.
    """
    remove_stale(target.parent)
    tmp, old = temp_path(target, "tmp"), temp_path(target, "old")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir(parents=True)
        result = build(tmp)
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not target.exists():
            os.replace(old, target)
        if isinstance(exc, OSError):
            raise WriteError(f"{target}: writing failed ({exc.strerror or exc}); the previous version, if any, "
                             "is unchanged") from None
        raise
    shutil.rmtree(old, ignore_errors=True)
    return result


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in ``folder``, for the manifest."""
    return {p.name: sha256(p) for p in sorted(folder.iterdir()) if p.is_file()}


def write_folder(out: str | Path, tables: dict[str, pd.DataFrame | SpilledTable], meta: dict[str, Any], *,
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
        # a spilled table's CSV is the longest file (1.6 s of the default comparison's 2.4 s): written alongside
        long_csv = [(name, frame) for name, frame in tables.items()
                    if isinstance(frame, SpilledTable) and name not in parquet_only]

        def write_long_csv() -> None:
            for name, frame in long_csv:
                frame.to_csv(tmp / f"{name}.csv")

        with alongside(write_long_csv) if long_csv else nullcontext(lambda: None) as long_csv_written:
            for name, frame in tables.items():
                if name not in csv_only:
                    frame.to_parquet(tmp / f"{name}.parquet", index=False)
                if name not in parquet_only and not isinstance(frame, SpilledTable):
                    frame.to_csv(tmp / f"{name}.csv", index=False)
            try:
                long_csv_written()
            except HelperLost as exc:
                raise WriteError(f"{out}: writing the results failed ({exc}); nothing was written") from None
        written = dict(meta)
        if extras is not None:
            written["figures"] = extras(tmp)
        written["files"] = file_hashes(tmp)
        (tmp / "manifest.json").write_text(json.dumps(written, indent=2, default=str) + "\n", encoding="utf-8")

    if overwrite and out.exists():
        with Reservation(out, option="", overwrite=True):
            replace_atomically(build, out)
    else:
        with atomic_folder(out) as tmp:
            build(tmp)
    return out


def read_results(folder: str | Path, verify: bool = True) -> ResultSet:
    """Read a results folder back; a :class:`ResultsError` names the file that is missing, damaged or changed.

    With ``verify`` every file the manifest lists must still have the SHA-256 recorded when it was
    written, so that numbers edited (or damaged) since then never reach a figure or a report unnoticed.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(f"{folder}: not a results folder (it does not exist)")
    missing = [f for f in REQUIRED_FILES if not (folder / f).is_file()]
    if missing:
        raise ResultsError(f"{folder}: incomplete results folder, missing {', '.join(missing)}")
    meta = read_manifest(folder / "manifest.json", files=verify)
    if verify:
        verify_files(folder, meta["files"])
    paired = folder / "paired.parquet"
    optional = {name: _read(folder / f"{name}.parquet") if (folder / f"{name}.parquet").is_file() else None
                for name in ("innovations", "innovation_monthly", "draws", "assumptions")}
    return ResultSet(
        summary=_read(folder / "summary.parquet"),
        monthly=_read(folder / "monthly.parquet"),
        states=_read(folder / "states.parquet"),
        org_events=_read(folder / "org_events.parquet"),
        organisations=_read(folder / "organisations.csv"),
        manifest=meta,
        paired=_read(paired) if paired.is_file() else None,
        **optional,
    )


def read_manifest(path: Path, files: bool = True) -> dict[str, Any]:
    """A folder's ``manifest.json``, read and checked (:func:`check_manifest`); one line naming the file if not."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ResultsError(f"{path}: unreadable manifest ({str(exc).splitlines()[0]})") from None
    except OSError as exc:
        raise ResultsError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    check_manifest(meta, path, files=files)
    return meta


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_manifest(meta: Any, path: Path, files: bool = True) -> None:
    """The one manifest shape (see :func:`manifest`), checked field by field; one line naming ``path`` and the field."""
    if not isinstance(meta, dict):
        raise ResultsError(f"{path}: not a manifest (a JSON object is expected, it holds a {type(meta).__name__})")
    version = meta.get("format_version")
    if version != FORMAT_VERSION:
        raise ResultsError(f"{path.parent}: results format {version!r}, this version reads format {FORMAT_VERSION}; "
                           "run the scenario again")
    for key in ("seed", "replications", "months"):
        if key in meta and not _is_int(meta[key]):
            raise ResultsError(f"{path}: field '{key}' must be a whole number, it is {meta[key]!r}")
    order = meta.get("scenario_order")
    if not isinstance(order, list) or not order or not all(isinstance(n, str) for n in order):
        raise ResultsError(f"{path}: field 'scenario_order' must be a list of scenario names")
    scenarios = meta.get("scenarios")
    if not isinstance(scenarios, dict):
        raise ResultsError(f"{path}: field 'scenarios' must map each scenario's name to its parameters")
    for name in order:
        entry = scenarios.get(name)
        if not isinstance(entry, dict) or not isinstance(entry.get("parameters"), dict):
            raise ResultsError(f"{path}: scenario {name!r} has no parameters in 'scenarios'")
    if files:
        listed = meta.get("files")
        if not isinstance(listed, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in listed.items()):
            raise ResultsError(f"{path}: field 'files' must map each file's name to its SHA-256")
        for name in listed:
            if Path(name).name != name or name in ("", ".", ".."):
                raise ResultsError(f"{path}: field 'files' lists {name!r}, which is not a file of this folder")


def verify_files(folder: Path, hashes: dict[str, str]) -> None:
    """Every listed file is there with the SHA-256 it had when written; else one line naming the first that is not."""
    for name, digest in hashes.items():
        path = folder / name
        if not path.is_file():
            raise ResultsError(f"{path}: missing; manifest.json lists it among the results")
        try:
            actual = sha256(path)
        except OSError as exc:
            raise ResultsError(f"{path}: cannot be read ({exc.strerror or exc})") from None
        if actual != digest:
            raise ResultsError(f"{path}: changed since it was written (its SHA-256 is not the one manifest.json "
                               "records); run the study again, or pass --no-verify to use it as it is")


def _read(path: Path) -> pd.DataFrame:
    """A Parquet or CSV table; one line naming the file if it is not one."""
    try:
        if path.suffix == ".csv":
            return pd.read_csv(path, encoding="utf-8")
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow, pandas and the codec each raise their own kinds
        kind = "CSV (UTF-8)" if path.suffix == ".csv" else "Parquet"
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise ResultsError(f"{path}: not a readable {kind} table ({reason})") from None


def sha256(path: Path) -> str:
    """SHA-256 of a file, in hex."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_study(folder: str | Path, kind: str, tables: Collection[str],
               verify: bool = True) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """A study's folder read back: its manifest and the named tables (Parquet), with one clear error if it is not one.

    ``kind`` is the manifest's kind the folder must have (e.g. ``population``). The manifest is checked
    as :func:`read_results` checks it, and with ``verify`` every file it lists must still have its SHA-256.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(f"{folder}: not a results folder (it does not exist)")
    path = folder / "manifest.json"
    if not path.is_file():
        raise ResultsError(f"{folder}: not a results folder (no manifest.json)")
    meta = read_manifest(path, files=verify)
    if meta.get("kind") != kind:
        raise ResultsError(f"{folder}: a {meta.get('kind')!r} results folder, not a {kind!r} one")
    missing = [name for name in tables if not (folder / f"{name}.parquet").is_file()]
    if missing:
        raise ResultsError(f"{folder}: incomplete results folder, missing {', '.join(f'{m}.parquet' for m in missing)}")
    if verify:
        verify_files(folder, meta["files"])
    return meta, {name: _read(folder / f"{name}.parquet") for name in tables}
