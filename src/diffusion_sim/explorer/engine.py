"""Run paired replications for the explorer: a warm process pool, a memory of finished runs, stale work dropped.

What runs is the same as for ``diffusion-sim run``: :func:`diffusion_sim.runner.run_chunk` on chunks of
replications of one scenario, each result put in its slot by replication number. A replication's
numbers depend only on its parameters and its number (common random numbers, see ``rng.py``), so
the explorer's numbers are the command line's, bit for bit, however the work is cut.

Three things make a moved lever answer quickly:

- the worker processes start once, with the model imported, and stay (``executors.run_all`` starts a
  pool for every call, which is right for a batch job and slow for a page);
- finished replications are remembered per parameter set, so a lever of the team reruns only the
  strategy (the reference has not changed) and moving a lever back costs nothing;
- a run asked for by an older lever position stops at once: its chunks that have not started are
  cancelled, the one or two already running finish and are remembered;
- the same warm workers draw the page's figures, two at once (:meth:`Engine.submit`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from diffusion_sim import __version__
from diffusion_sim.executors import fork_server_context, stop
from diffusion_sim.executors import pool as worker_pool
from diffusion_sim.explorer.charts import warm_up
from diffusion_sim.outcomes import paired_differences
from diffusion_sim.params import Params
from diffusion_sim.publish.figures import Study
from diffusion_sim.publish.style import strategy_colours
from diffusion_sim.results import ResultSet, build_tables, manifest
from diffusion_sim.runner import Replication, region_for, run_chunk

Progress = Callable[[int, int], None]  # (replications done, replications needed)
T = TypeVar("T")


def _warm() -> int:
    """A task that makes each worker start, import the model and load matplotlib's fonts before the first lever moves."""
    warm_up()
    return 0


def chunk_size(replications: int, workers: int) -> int:
    """Replications per task: small enough that a stale run stops within a second, about four tasks per worker."""
    return max(2, min(10, -(-replications // (4 * max(workers, 1)))))


def params_key(params: Params) -> str:
    """What identifies a parameter set's runs: every value, the name included."""
    return params.model_dump_json()


class Engine:
    """Replications on a pool of ``workers`` processes (in the calling thread when ``workers`` is 1).

    Safe to share between browser sessions: each :meth:`run` waits only for its own chunks, and a
    chunk another session already started is shared rather than run twice.
    """

    def __init__(self, workers: int, keep: int = 16) -> None:
        self.workers = max(1, int(workers))
        self.keep = keep
        self._lock = threading.RLock()  # re-entrant: cancelling a future runs its done-callback at once
        self._pool: ProcessPoolExecutor | None = None
        self._done: OrderedDict[str, dict[int, Replication]] = OrderedDict()
        self._flying: dict[tuple[str, tuple[int, ...]], Future[list[Replication]]] = {}
        self._waiters: dict[Future[list[Replication]], int] = {}

    # ------------------------------------------------------------------ pool
    def start(self) -> None:
        """Start the worker processes now, so the first run does not wait for them."""
        if self.workers > 1:
            pool = self._get_pool()
            for _ in range(self.workers):
                pool.submit(_warm)

    def _get_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # a fork server: the Solara server runs threads, so its workers must not be forked from it
                self._pool = worker_pool(self.workers, fork_server_context())
            return self._pool

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """``fn(*args)`` on a warm worker, or here and now when there is one worker (``fn`` and ``args`` must pickle)."""
        if self.workers <= 1:
            done: Future[T] = Future()
            try:
                done.set_result(fn(*args))
            except Exception as exc:
                done.set_exception(exc)
            return done
        pool = self._get_pool()
        try:
            return pool.submit(fn, *args)
        except BrokenProcessPool:  # a worker died: the next call starts a fresh pool
            with self._lock:
                self._pool = None
            raise

    def close(self) -> None:
        """Stop the workers now; pending and running chunks are dropped."""
        with self._lock:
            executor, self._pool = self._pool, None
            self._flying.clear()
            self._waiters.clear()
        if executor is not None:
            stop(executor)

    # ---------------------------------------------------------------- memory
    def _remember(self, key: str, reps: list[Replication]) -> None:
        with self._lock:
            slot = self._done.setdefault(key, {})
            for rep in reps:
                slot[rep.replication] = rep
            self._done.move_to_end(key)
            while len(self._done) > self.keep:
                self._done.popitem(last=False)

    def _missing(self, key: str, replications: int) -> list[int]:
        with self._lock:
            have = self._done.get(key, {})
            if key in self._done:
                self._done.move_to_end(key)
            return [r for r in range(replications) if r not in have]

    def cached(self, params: Params, replications: int) -> bool:
        """Whether every replication of ``params`` is already remembered."""
        return not self._missing(params_key(params), replications)

    # ------------------------------------------------------------------- run
    def run(self, scenarios: list[Params], replications: int, progress: Progress | None = None,
            cancelled: Callable[[], bool] | None = None) -> list[list[Replication]] | None:
        """``replications`` replications of each scenario, as ``results[scenario][replication]``; None if cancelled."""
        cancelled = cancelled or (lambda: False)
        keys = [params_key(p) for p in scenarios]
        todo: list[tuple[int, list[int]]] = []
        for s, key in enumerate(keys):
            if key in keys[:s]:
                continue
            missing = self._missing(key, replications)
            size = chunk_size(len(missing), self.workers)
            todo += [(s, missing[i:i + size]) for i in range(0, len(missing), size)]
        need = sum(len(reps) for _, reps in todo)
        done = 0
        if progress:
            progress(0, need)
        if self.workers <= 1:
            for s, reps in todo:
                if cancelled():
                    return None
                self._remember(keys[s], run_chunk(scenarios[s], reps))
                done += len(reps)
                if progress:
                    progress(done, need)
        else:
            if not self._run_in_pool(scenarios, keys, todo, need, progress, cancelled):
                return None
        with self._lock:
            slots = [self._done.get(key, {}) for key in keys]
            results = [[slot[r] for r in range(replications)] for slot in slots]
        return results

    def _submit(self, pool: ProcessPoolExecutor, key: str, scenario: Params, reps: list[int]) -> Future[list[Replication]]:
        """A future for this chunk: the one already in flight (another run's) or a new one; counts its waiters."""
        tag = (key, tuple(reps))
        with self._lock:
            fut = self._flying.get(tag)
            if fut is None or fut.cancelled():
                try:
                    fut = pool.submit(run_chunk, scenario, reps)
                except BrokenProcessPool:  # a worker died: the next run starts a fresh pool
                    self._pool = None
                    raise
                self._flying[tag] = fut
                self._waiters[fut] = 0
                fut.add_done_callback(lambda f, tag=tag: self._landed(tag, f))
            self._waiters[fut] = self._waiters.get(fut, 0) + 1
            return fut

    def _release(self, fut: Future[list[Replication]], cancel: bool) -> None:
        """This run no longer waits for ``fut``; cancel it if nobody else does and it has not started."""
        with self._lock:
            if fut.done():
                self._waiters.pop(fut, None)
                return
            left = self._waiters.get(fut, 1) - 1
            self._waiters[fut] = left
            if cancel and left <= 0:
                fut.cancel()  # only chunks not yet started; a running chunk finishes and is remembered

    def _run_in_pool(self, scenarios: list[Params], keys: list[str], todo: list[tuple[int, list[int]]], need: int,
                     progress: Progress | None, cancelled: Callable[[], bool]) -> bool:
        pool = self._get_pool()
        mine: dict[Future[list[Replication]], tuple[int, list[int]]] = {}
        for s, reps in todo:
            mine[self._submit(pool, keys[s], scenarios[s], reps)] = (s, reps)
        done = 0
        pending = set(mine)
        try:
            while pending:
                if cancelled():
                    for fut in pending:
                        self._release(fut, cancel=True)
                    pending = set()
                    return False
                finished, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                for fut in finished:
                    self._release(fut, cancel=False)
                    s, reps = mine[fut]
                    if fut.cancelled():  # another run gave it up just before this one asked for it: ask again
                        again = self._submit(pool, keys[s], scenarios[s], reps)
                        mine[again] = (s, reps)
                        pending.add(again)
                        continue
                    fut.result()  # a worker's error surfaces here
                    done += len(reps)
                if finished and progress:
                    progress(done, need)
        finally:
            for fut in pending:
                self._release(fut, cancel=True)
        return True

    def _landed(self, tag: tuple[str, tuple[int, ...]], fut: Future[list[Replication]]) -> None:
        with self._lock:
            if self._flying.get(tag) is fut:
                del self._flying[tag]
            self._waiters.pop(fut, None)
        if not fut.cancelled() and fut.exception() is None:
            self._remember(tag[0], fut.result())


def make_study(scenarios: list[Params], results: list[list[Replication]], replications: int) -> Study:
    """The figures' and report's view of in-memory results: the same tables a results folder holds."""
    regions = [region_for(p, 0) for p in scenarios]  # built once per process, not once per lever move
    tables = build_tables(scenarios, regions, results)
    order = [p.name for p in scenarios]
    paired = paired_differences(tables["summary"], order, scenarios[0].simulation.months) if len(order) > 1 else None
    meta = manifest("explore", scenarios, ["explorer"] * len(scenarios), replications=replications, workers=0,
                    command=["diffusion-sim", "explore"], regions=regions)
    rs = ResultSet(summary=tables["summary"], monthly=tables["monthly"], states=tables["states"],
                   org_events=tables["org_events"], organisations=tables["organisations"], manifest=meta, paired=paired)
    sim = scenarios[0].simulation
    return Study(results=rs, folder=None, order=order, colours=strategy_colours(order), months=sim.months,  # type: ignore[arg-type]
                 start_year=sim.start_year, start_month=sim.start_month, replications=replications, seed=sim.seed,
                 version=__version__)
