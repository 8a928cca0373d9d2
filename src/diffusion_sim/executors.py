"""Where replications run: in this process, on local worker processes, or on a Dask cluster.

*What* runs (``runner.run_chunk``) is apart from *where*. Work is cut into chunks of replications of
one scenario; each result comes back tagged with ``(scenario index, replication)`` and is put in its
slot, so the order in which chunks finish never changes the output: the same seed gives the same
numbers, bit for bit, serially, on N processes or on a cluster.

A Dask cluster is used when a scheduler address is given (``--scheduler tcp://HOST:PORT`` or the
environment variable ``DIFFUSION_SIM_SCHEDULER``); only this module imports ``distributed``.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from diffusion_sim.errors import DiffusionSimError
from diffusion_sim.params import Params
from diffusion_sim.runner import Replication, run_chunk, warm_up

Progress = Callable[[int], None]
SCHEDULER_ENV = "DIFFUSION_SIM_SCHEDULER"


class ExecutorError(DiffusionSimError):
    """The chosen executor cannot run (for example, no Dask scheduler at the given address)."""

    exit_code = 2


def default_workers() -> int:
    """As many workers as this process may use cores."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def chunks(n_scenarios: int, replications: int, workers: int) -> Iterator[tuple[int, list[int]]]:
    """Split the work into (scenario index, replications), large first and smaller towards the end.

    Each chunk takes a share of the work left (1 / (2 x workers)), and at least 10 replications, so
    start-up and pickling stay small and each chunk builds its region once, while the last chunks are
    small enough for the workers to finish together. A scenario's remainder under 10 joins its last chunk.
    """
    left = n_scenarios * replications
    for s in range(n_scenarios):
        start = 0
        while start < replications:
            size = min(max(10, -(-left // (2 * max(1, workers)))), replications - start)
            if replications - start - size < 10:
                size = replications - start
            yield s, list(range(start, start + size))
            start += size
            left -= size


def run_all(scenarios: list[Params], replications: int, workers: int = 1, progress: Progress | None = None,
            scheduler: str | None = None) -> list[list[Replication]]:
    """Run ``replications`` replications of each scenario; returns results[scenario][replication]."""
    results: list[list[Replication | None]] = [[None] * replications for _ in scenarios]

    def store(s: int, reps: list[Replication]) -> None:
        for rep in reps:
            results[s][rep.replication] = rep
        if progress:
            progress(len(reps))

    if scheduler:
        _run_on_dask(scenarios, replications, scheduler, store)
    else:
        work = list(chunks(len(scenarios), replications, workers))
        if workers <= 1 or len(work) == 1:
            for s, reps in work:
                store(s, run_chunk(scenarios[s], reps))
        else:
            _run_in_processes(scenarios, work, workers, store)
    return results  # type: ignore[return-value]


def ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops them cleanly (no traceback from every worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def process_context() -> multiprocessing.context.BaseContext:
    """How local workers start.

    On Linux, when this process runs no other Python thread, they are forked from it: they begin at
    once with everything imported and compiled (a fork server would spend about 2 s importing first).
    Otherwise (forking while another Python thread holds a lock can deadlock the child) they start
    from a fork server that imports the runner.
    """
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return fork_server_context()


def fork_server_context() -> multiprocessing.context.BaseContext:
    """Workers started from a fork server that imports the runner: safe whatever threads this process runs."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["diffusion_sim.runner"])
    return context


def _run_in_processes(scenarios: list[Params], work: list[tuple[int, list[int]]], workers: int,
                      store: Callable[[int, list[Replication]], None]) -> None:
    context = process_context()
    if context.get_start_method() == "fork":
        warm_up(scenarios[0])  # once here rather than in every worker
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=ignore_sigint)
    try:
        with warnings.catch_warnings():
            # Python warns about native threads too; here those are idle pools (BLAS, Arrow's allocator) that
            # register fork handlers, and no Python thread runs (checked above)
            warnings.filterwarnings("ignore", "This process .* is multi-threaded, use of fork", DeprecationWarning)
            first = pool.submit(run_chunk, scenarios[work[0][0]], work[0][1])  # forks every worker now
        pending: dict[Future[list[Replication]], int] = {first: work[0][0]}
        pending.update({pool.submit(run_chunk, scenarios[s], reps): s for s, reps in work[1:]})
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                store(pending.pop(fut), fut.result())
    except BaseException:
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            proc.terminate()
        raise
    pool.shutdown(wait=True)


def _run_on_dask(scenarios: list[Params], replications: int, address: str,
                 store: Callable[[int, list[Replication]], None]) -> None:
    """Submit chunks to a Dask ``distributed`` scheduler and collect them as they finish."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise ExecutorError(f"--scheduler {address}: the 'distributed' package is not installed ({exc})") from None
    try:
        client = Client(address, timeout="5s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ExecutorError(f"--scheduler {address}: no Dask scheduler answers there ({exc}); "
                            "start one with `dask scheduler`") from None
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        work = list(chunks(len(scenarios), replications, n_workers))
        futures = {client.submit(run_chunk, scenarios[s], reps, pure=False): s for s, reps in work}
        try:
            with client.as_current():
                for fut in as_completed(list(futures)):
                    store(futures[fut], fut.result())
        except BaseException:
            client.cancel(list(futures))
            raise
    finally:
        client.close()
