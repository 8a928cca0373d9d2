"""Run a design: every point's replications through the executors, as one tidy table.

Point ``k``, replication ``i`` runs with replication ``i``'s random streams (common random numbers:
two points differ only by their parameter values), because every point is one scenario given to
:func:`diffusion_sim.executors.run_all`. Points are run in batches; with a work folder each finished
batch is saved at once (one Parquet file per batch, written atomically), so an interrupted study can
go on where it stopped and a finished point is never run twice.

The per-point statistics of the tidy rows are :func:`diffusion_sim.outcomes.point_outcomes`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from diffusion_sim.analysis.space import Dimension, apply
from diffusion_sim.errors import ResultsError
from diffusion_sim.executors import run_all
from diffusion_sim.outcomes import summarise
from diffusion_sim.params import Params
from diffusion_sim.results import remove_stale

Progress = Callable[[int], None]

# ---------------------------------------------------------------------------- running points
def run_points(
    base: Params,
    design: pd.DataFrame,
    dims: list[Dimension],
    replications: int,
    workers: int = 1,
    progress: Progress | None = None,
    scheduler: str | None = None,
    draws: bool = False,
) -> pd.DataFrame:
    """Run ``replications`` replications at every design row; one tidy row per (point, replication).

    A design varies what it is given and holds every other parameter at the scenario's value; with
    ``draws`` the others are drawn per replication from their priors as in ``compare`` (the design's
    own parameters stay fixed at the point's values). ``scheduler`` (a Dask scheduler address) is
    passed to the executors only when given.
    """
    names = [d.column for d in dims]
    hold = {"uncertainty.draws": draws, "uncertainty.fixed": tuple(dict.fromkeys((*base.uncertainty.fixed, *names)))}
    scenarios = [apply(base, {**hold, **{n: _python(row[n]) for n in names}}, source="design point")
                 for _, row in design.iterrows()]
    where = {"scheduler": scheduler} if scheduler else {}
    results = run_all(scenarios, replications, workers=workers, progress=progress, **where)
    rows = []
    for (_, point), reps in zip(design.iterrows(), results, strict=True):
        fixed = {"point": int(point["point"]), **{n: _python(point[n]) for n in names}}
        for rep in reps:
            rows.append({**fixed, "replication": rep.replication, **summarise(rep)})
    frame = pd.DataFrame(rows)
    return frame.sort_values(["point", "replication"], kind="stable").reset_index(drop=True)


def _python(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def batch_size(replications: int, workers: int) -> int:
    """Points per batch: about 200 replications per worker, so a batch takes seconds to a minute."""
    return max(1, -(-200 * max(1, workers) // max(1, replications)))


def evaluate(
    base: Params,
    design: pd.DataFrame,
    dims: list[Dimension],
    replications: int,
    workers: int = 1,
    progress: Progress | None = None,
    work: WorkFolder | None = None,
    scheduler: str | None = None,
    draws: bool = False,
) -> pd.DataFrame:
    """Run every design point not yet in ``work``, batch by batch; returns the tidy rows of all points."""
    done = work.finished() if work is not None else pd.DataFrame()
    finished = set(done["point"].unique()) if not done.empty else set()
    todo = design[~design["point"].isin(finished)]
    frames = [done] if not done.empty else []
    size = batch_size(replications, workers)
    for start in range(0, len(todo), size):
        batch = run_points(base, todo.iloc[start : start + size], dims, replications, workers, progress, scheduler, draws)
        if work is not None:
            work.save(batch)
        frames.append(batch)
    if not frames:
        return pd.DataFrame()
    tidy = pd.concat(frames, ignore_index=True)
    return tidy.sort_values(["point", "replication"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------- resumable work folder
class WorkFolder:
    """Finished batches of a study that is still running: ``<out>.partial/`` beside the final folder.

    ``manifest.json`` records what is being computed (a fingerprint of the scenario, ranges, design
    and replications); a re-run with ``resume=True`` and the same fingerprint skips every point in a
    saved batch. Each batch file is written to a temporary name and renamed, so a batch is either
    complete or absent.
    """

    def __init__(self, path: Path, fingerprint: dict[str, Any], resume: bool) -> None:
        self.path = Path(path)
        self.fingerprint = json.loads(json.dumps(fingerprint, default=str))
        if self.path.exists():
            if not resume:
                raise ResultsError(
                    f"{self.path}: unfinished work of an earlier run is here; add --resume to continue it, "
                    "or delete the folder to start again"
                )
            try:
                saved = json.loads((self.path / "manifest.json").read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                raise ResultsError(
                    f"{self.path}: not a work folder of this program (no readable manifest.json); delete it"
                ) from None
            if saved.get("fingerprint") != self.fingerprint:
                raise ResultsError(
                    f"{self.path}: was started with different arguments (scenario, ranges, design or "
                    "replications); use the same arguments to resume, or delete the folder"
                )
            remove_stale(self.path)  # a batch a killed run was writing
        else:
            self.path.mkdir(parents=True)
            meta = {"fingerprint": self.fingerprint, "created_utc": _now()}
            (self.path / "manifest.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    def finished(self) -> pd.DataFrame:
        """All rows of saved batches."""
        files = sorted(self.path.glob("batch-*.parquet"))
        return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True) if files else pd.DataFrame()

    def save(self, batch: pd.DataFrame) -> Path:
        """Write one finished batch atomically."""
        k = len(list(self.path.glob("batch-*.parquet")))
        final = self.path / f"batch-{k:05d}.parquet"
        tmp = self.path / f".batch-{k:05d}.tmp-{os.getpid()}"
        batch.to_parquet(tmp, index=False)
        os.replace(tmp, final)
        return final

    def remove(self) -> None:
        """Delete the work folder once the final results are in place."""
        shutil.rmtree(self.path, ignore_errors=True)


def fingerprint_id(fingerprint: dict[str, Any]) -> str:
    """A short stable hash of a study's arguments (names default output folders)."""
    text = json.dumps(fingerprint, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
