"""Where replications run: in this process, on local worker processes, or on a Dask cluster.

*What* runs (``runner.run_chunk``) is apart from *where*. Work is cut into chunks of replications of
one scenario; each result comes back tagged with ``(scenario index, replication)`` and is put in its
slot, so the order in which chunks finish never changes the output: the same seed gives the same
numbers, bit for bit, serially, on N processes or on a cluster.

A Dask cluster is used when a scheduler address is given (``--scheduler tcp://HOST:PORT`` or the
environment variable ``DIFFUSION_SIM_SCHEDULER``); only this module imports ``distributed``.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import socket
import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from diffusion_sim.errors import DiffusionSimError
from diffusion_sim.params import Params
from diffusion_sim.processes import watch_parent
from diffusion_sim.runner import Reduce, run_chunk, warm_up

Progress = Callable[[int], None]
Store = Callable[[int, list[int], list[Any]], None]
SCHEDULER_ENV = "DIFFUSION_SIM_SCHEDULER"


class ExecutorError(DiffusionSimError):
    """The chosen executor cannot run (for example, no Dask scheduler at the given address)."""

    exit_code = 2


class WorkerLost(DiffusionSimError):
    """A local worker process died (killed, or out of memory); the run stopped and wrote nothing."""

    exit_code = 1


def default_workers() -> int:
    """As many workers as this process may use cores."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


MAX_CHUNK = 500  # replications: one chunk's results in memory when they come back (about 20 MB)


def chunks(replications: list[list[int]], workers: int) -> Iterator[tuple[int, list[int]]]:
    """Split the work into (scenario index, replications), large first and smaller towards the end.

    ``replications[s]`` lists scenario ``s``'s replication numbers. Each chunk takes a share of the work
    left (1 / (2 x workers)), at least 10 replications and at most :data:`MAX_CHUNK`, so start-up and
    pickling stay small and each chunk builds its regions once, while the last chunks are small enough
    for the workers to finish together and no chunk's results fill the memory. A scenario's remainder
    under 10 joins its last chunk.
    """
    left = sum(len(reps) for reps in replications)
    for s, reps in enumerate(replications):
        start, n = 0, len(reps)
        while start < n:
            size = min(max(10, min(MAX_CHUNK, -(-left // (2 * max(1, workers))))), n - start)
            if n - start - size < 10:
                size = n - start
            yield s, reps[start:start + size]
            start += size
            left -= size


def replication_lists(n_scenarios: int, replications: int | Sequence[Sequence[int]]) -> list[list[int]]:
    """Every scenario's replication numbers: ``0..R-1`` for each when given a count, else as given."""
    if isinstance(replications, int):
        return [list(range(replications)) for _ in range(n_scenarios)]
    lists = [list(map(int, reps)) for reps in replications]
    if len(lists) != n_scenarios:
        raise ValueError(f"{len(lists)} replication lists for {n_scenarios} scenarios")
    return lists


def run_all(scenarios: list[Params], replications: int | Sequence[Sequence[int]], workers: int = 1,
            progress: Progress | None = None, scheduler: str | None = None, reduce: Reduce | None = None,
            collect: Store | None = None) -> list[list[Any]]:
    """Run each scenario's replications; returns ``results[scenario][k]`` for its ``k``-th replication.

    ``replications`` is a count (replications ``0..R-1`` of every scenario: common random numbers) or one
    list of replication numbers per scenario. With ``reduce`` each result is ``reduce(replication, params,
    region)``, computed where the replication ran (see :func:`diffusion_sim.runner.run_chunk`). With
    ``collect``, each chunk goes to ``collect(scenario index, replication numbers, results)`` as it comes
    back, in whatever order chunks finish, and nothing is kept here (the lists returned stay empty).
    """
    lists = replication_lists(len(scenarios), replications)
    slot = [{r: k for k, r in enumerate(reps)} for reps in lists]
    results: list[list[Any]] = [[] if collect else [None] * len(reps) for reps in lists]

    def store(s: int, reps: list[int], values: list[Any]) -> None:
        if collect:
            collect(s, reps, values)
        else:
            for r, value in zip(reps, values, strict=True):
                results[s][slot[s][r]] = value
        if progress:
            progress(len(values))

    work = list(chunks(lists, workers))
    if scheduler:
        _run_on_dask(scenarios, lists, scheduler, store, reduce)
    elif workers <= 1 or len(work) == 1:
        for s, reps in work:
            store(s, reps, run_chunk(scenarios[s], reps, reduce))
    else:
        _run_in_processes(scenarios, work, workers, store, reduce)
    return results


STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextlib.contextmanager
def stop_signals_held() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP wait (and act just after) while worker processes are forked from this one.

    A stop that lands inside ``fork`` is raised where nothing can handle it well: in a fork handler,
    which swallows it ("Exception ignored in ... _releaseLock", and the run went on to the end), or
    between the fork and the pool recording the new worker, which then was never stopped and the
    command hung at exit waiting for it (issue 18, found re-running its Ctrl-C attack). Here a stop is
    only noted, then raised again once the pool knows every worker: blocked in this thread (so a
    worker forked now starts with them blocked, until :func:`start_worker` lets them through), and
    noted by a stand-in handler should another thread of the process receive it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {s: h for s in STOP_SIGNALS if (h := signal.getsignal(s)) is not None}
    noted: list[int] = []
    for s in saved:
        signal.signal(s, lambda signum, _frame: noted.append(signum))
    masked = hasattr(signal, "pthread_sigmask")
    before = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS) if masked else set()
    try:
        yield
    finally:
        if masked:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)  # a stop that waited arrives now, and is noted
        for s, handler in saved.items():
            signal.signal(s, handler)
        if noted:
            signal.raise_signal(noted[0])  # to the handler it was meant for


def start_worker(parent_pid: int) -> None:
    """First thing in every local worker: leave Ctrl-C to the parent, and end when the parent ends.

    Ctrl-C reaches every process of the terminal; the parent stops the workers cleanly (no traceback
    from each of them). SIGTERM ends a worker at once (a forked worker would otherwise inherit the
    command line's handler, which finishes the running chunk first). If the parent is killed instead
    (``kill -9``, out of memory), the worker ends itself within a second rather than wait for work
    forever (:func:`diffusion_sim.processes.watch_parent`).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # forked while the parent held them (stop_signals_held)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    watch_parent(parent_pid)
    gc.freeze()  # what it inherits lives as long as it does: runner.collect_finished_models' collections skip it


def pool(workers: int, context: multiprocessing.context.BaseContext) -> ProcessPoolExecutor:
    """A pool of ``workers`` local processes started by ``context``, each ending with this process."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=start_worker, initargs=(os.getpid(),))


def process_context() -> multiprocessing.context.BaseContext:
    """How local workers start.

    On Linux, when this process runs no other Python thread, they are forked from it: they begin at
    once with everything imported and compiled (a fork server would spend about 2 s importing first).
    Otherwise (forking while another Python thread holds a lock can deadlock the child) they start
    from a fork server that imports the runner, or, where there is none (Windows), as fresh processes
    (``spawn``). The work sent to them is picklable and relies on nothing inherited, so every start
    method gives the same numbers.
    """
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return fork_server_context()


def fork_server_context() -> multiprocessing.context.BaseContext:
    """Workers started from a fork server that imports the runner, or spawned where no fork server exists.

    Safe whatever threads this process runs.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["diffusion_sim.runner"])
    return context


def stop(executor: ProcessPoolExecutor) -> None:
    """Stop a pool at once: drop the work not started and end the workers (their running chunks are lost)."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        proc.terminate()
    for proc in processes:
        proc.join(timeout=5)


class HelperLost(DiffusionSimError):
    """The process doing part of a command's work alongside it died (killed, or out of memory)."""

    exit_code = 1


@contextlib.contextmanager
def alongside(job: Callable[[], Any]) -> Iterator[Callable[[], Any]]:
    """Start ``job()`` in a process forked from this one, and go on; yields a function that waits for its result.

    For the independent parts of a command's last seconds, when the workers are done and a core is
    idle: a long CSV file while this process writes the rest of a folder, the PDF report while it
    draws the figure files. The fork inherits everything ``job`` needs (a closure over data frames
    and figure builders; nothing is pickled but the result) and starts as :func:`start_worker` does:
    Ctrl-C is left to this process and it ends when this process ends. Where forking is not safe
    (another Python thread runs here, or not on Linux) or no process can be had (out of memory, a
    process limit), ``job`` runs here and now instead, with the same outcome. An exception in ``job``
    is raised by the waiting function either way; leaving the block any other way than by waiting
    (an error, Ctrl-C) ends the process at once.
    """
    outcome: list[tuple[str, Any]] = []
    helper: multiprocessing.process.BaseProcess | None = None
    receive = send = None

    def result() -> Any:
        if not outcome:
            try:
                outcome.append(pickle.loads(receive.recv_bytes()))
            except EOFError:  # it ended without a word
                outcome.append(("lost", None))
            except Exception as exc:  # an exception that pickles but does not unpickle
                outcome.append(("error", HelperLost(f"a helper process failed, and what it said cannot be read ({exc})")))
            helper.join()
        status, value = outcome[0]
        if status == "lost":
            raise HelperLost(f"a helper process died (exit status {helper.exitcode}; killed, or out of memory?)")
        if status == "error":
            raise value
        return value

    try:
        if sys.platform.startswith("linux") and threading.active_count() == 1:
            context = multiprocessing.get_context("fork")
            receive, send = context.Pipe(duplex=False)
            # a daemon: should it outlive this block, Python's exit ends it rather than wait for it
            helper = context.Process(target=_helper_main, args=(job, send, os.getpid()), name="diffusion-sim-helper",
                                     daemon=True)
            # a stop that lands while forking is raised just after it, here, where the new process is ended
            with stop_signals_held(), warnings.catch_warnings():
                warnings.filterwarnings("ignore", "This process .* is multi-threaded, use of fork", DeprecationWarning)
                with contextlib.suppress(OSError):  # no process to be had (out of memory, a process limit)
                    helper.start()
            send.close()
        if helper is None or helper.pid is None:  # not forked: the job runs here, now
            try:
                outcome.append(("ok", job()))
            except Exception as exc:
                outcome.append(("error", exc))
        yield result
    finally:
        with stop_signals_held():  # a second Ctrl-C waits until the helper is gone
            for end in (send, receive):
                if end is not None:
                    end.close()
            if helper is not None and helper.pid is not None and helper.is_alive():  # stopped, failed, never asked
                helper.terminate()
                helper.join(timeout=5)
                if helper.is_alive():
                    helper.kill()
                    helper.join()


def _helper_main(job: Callable[[], Any], send: Any, parent_pid: int) -> None:
    """What :func:`alongside`'s forked process runs: ``job()``, its result or exception sent back."""
    start_worker(parent_pid)
    try:
        message: tuple[str, Any] = ("ok", job())
    except BaseException as exc:  # sent to the parent, which raises it, with where it happened here
        exc.add_note("in the helper process:\n" + "".join(traceback.format_exception(exc)).rstrip())
        message = ("error", exc)
    try:
        data = pickle.dumps(message)
    except Exception as exc:  # a result or exception that does not pickle: say what it was
        data = pickle.dumps(("error", HelperLost(f"a helper process failed: {message[1]!r} ({exc})")))
    send.send_bytes(data)
    send.close()


def _run_in_processes(scenarios: list[Params], work: list[tuple[int, list[int]]], workers: int, store: Store,
                      reduce: Reduce | None) -> None:
    context = process_context()
    if context.get_start_method() == "fork":
        warm_up(scenarios[0])  # once here rather than in every worker
    executor = pool(workers, context)
    try:
        with stop_signals_held():  # submitting starts the workers (all at once when forked, else one per submit)
            with warnings.catch_warnings():
                # Python warns about native threads too; here those are idle pools (BLAS, Arrow's allocator) that
                # register fork handlers, and no Python thread runs (checked above)
                warnings.filterwarnings("ignore", "This process .* is multi-threaded, use of fork", DeprecationWarning)
                first = executor.submit(run_chunk, scenarios[work[0][0]], work[0][1], reduce)  # forks every worker now
            pending: dict[Future[list[Any]], tuple[int, list[int]]] = {first: work[0]}
            pending.update({executor.submit(run_chunk, scenarios[s], reps, reduce): (s, reps) for s, reps in work[1:]})
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                s, reps = pending.pop(fut)
                store(s, reps, fut.result())
    except BrokenProcessPool:
        stop(executor)
        raise WorkerLost("a worker process died (killed, or out of memory?); the run stopped and nothing was written. "
                         "Try fewer --workers, or fewer replications at a time") from None
    except BaseException:
        stop(executor)
        raise
    executor.shutdown(wait=True)


def _run_on_dask(scenarios: list[Params], lists: list[list[int]], address: str, store: Store,
                 reduce: Reduce | None) -> None:
    """Submit chunks to a Dask ``distributed`` scheduler and collect them as they finish."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise ExecutorError(f"--scheduler {address}: the 'distributed' package is not installed ({exc})") from None
    _check_scheduler(address)
    try:
        client = Client(address, timeout=f"{CONNECT_SECONDS}s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ExecutorError(f"--scheduler {address}: no Dask scheduler answers there ({exc}); "
                            "start one with `dask scheduler`") from None
    except Exception as exc:  # a malformed address or a service that is not Dask
        raise ExecutorError(f"--scheduler {address}: cannot connect to a Dask scheduler there ({exc}); "
                            "give its address as tcp://HOST:PORT") from None
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        work = list(chunks(lists, n_workers))
        futures = {client.submit(run_chunk, scenarios[s], reps, reduce, pure=False): (s, reps) for s, reps in work}
        try:
            with client.as_current():
                for fut in as_completed(list(futures)):
                    store(*futures[fut], fut.result())
        except BaseException:
            client.cancel(list(futures))
            raise
    finally:
        client.close()


CONNECT_SECONDS = 5  # for a Dask scheduler to accept the connection and greet


def _check_scheduler(address: str) -> None:
    """Refuse, in one line and within seconds, an address that is malformed or where no Dask scheduler speaks.

    Dask's own client waits for a greeting without end when the port belongs to another kind of
    service, so for ``tcp://`` addresses this looks first: a Dask scheduler greets a new connection
    at once.
    """
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        host, port = parse_host_port(location) if scheme == "tcp" else (None, None)
    except (ValueError, TypeError) as exc:
        raise ExecutorError(f"--scheduler {address}: not a scheduler address ({exc}); "
                            "give it as tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786") from None
    if scheme != "tcp":
        return
    try:
        with socket.create_connection((host, port), timeout=CONNECT_SECONDS) as sock:
            sock.settimeout(CONNECT_SECONDS)
            greeting = sock.recv(1)
    except TimeoutError:
        raise ExecutorError(f"--scheduler {address}: something listens there but it is not a Dask scheduler (no "
                            f"greeting within {CONNECT_SECONDS} s); start one with `dask scheduler`") from None
    except OSError as exc:
        raise ExecutorError(f"--scheduler {address}: no Dask scheduler answers there ({exc.strerror or exc}); "
                            "start one with `dask scheduler`") from None
    if not greeting:
        raise ExecutorError(f"--scheduler {address}: the service there closed the connection; it is not a Dask "
                            "scheduler")
