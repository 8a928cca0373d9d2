"""Where replications run: in this process, or on local worker processes.

*What* runs (``runner.run_chunk``) is apart from *where*. Work is cut into chunks of replications of
one scenario; each result comes back tagged with ``(scenario index, replication)`` and is put in its
slot, so the order in which chunks finish never changes the output.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from diffusion_sim.params import Params
from diffusion_sim.runner import Replication, run_chunk

Progress = Callable[[int], None]


def default_workers() -> int:
    """As many workers as this process may use cores."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def chunks(scenarios: list[Params], replications: int, workers: int) -> Iterator[tuple[int, list[int]]]:
    """Split the work into (scenario index, replications) so every worker gets a few chunks.

    Chunks hold at least 10 replications (start-up and pickling stay small) and each worker gets
    about four of them (for an even finish).
    """
    size = max(10, -(-replications // max(1, 4 * workers)))
    for s in range(len(scenarios)):
        for start in range(0, replications, size):
            yield s, list(range(start, min(start + size, replications)))


def run_all(scenarios: list[Params], replications: int, workers: int = 1,
            progress: Progress | None = None) -> list[list[Replication]]:
    """Run ``replications`` replications of each scenario; returns results[scenario][replication]."""
    results: list[list[Replication | None]] = [[None] * replications for _ in scenarios]
    work = list(chunks(scenarios, replications, workers))

    def store(s: int, reps: list[Replication]) -> None:
        for rep in reps:
            results[s][rep.replication] = rep
        if progress:
            progress(len(reps))

    if workers <= 1 or len(work) == 1:
        for s, reps in work:
            store(s, run_chunk(scenarios[s], reps))
    else:
        _run_in_processes(scenarios, work, workers, store)
    return results  # type: ignore[return-value]


def _run_in_processes(scenarios: list[Params], work: list[tuple[int, list[int]]], workers: int,
                      store: Callable[[int, list[Replication]], None]) -> None:
    context = multiprocessing.get_context("forkserver")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        pending: dict[Future[list[Replication]], int] = {
            pool.submit(run_chunk, scenarios[s], reps): s for s, reps in work
        }
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                store(pending.pop(fut), fut.result())
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.terminate()
        raise
    pool.shutdown(wait=True)
