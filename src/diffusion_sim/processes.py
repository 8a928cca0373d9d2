"""Processes: is one still running, and ending a worker process when the process it works for is gone.

Two facts the rest of the package leans on, on every platform:

- :func:`alive` tells whether a process id still runs, so that a later run can remove the temporary
  files of a run that was killed (``results.py``) and never those of one that is still writing;
- :func:`watch_parent` makes a worker process end itself as soon as the process it works for ends,
  however that ended (Ctrl-C, ``kill``, ``kill -9``, out of memory). Without it a worker whose
  parent was killed waits for work forever: it holds both ends of its own task queue, so it never
  sees the queue close, and a fork server stays up for as long as one of its workers does.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import select
import sys
import threading
import time

POLL_SECONDS = 0.5  # how often a worker looks for its parent where the system cannot tell it at once


def alive(pid: int, started: str | None = None) -> bool:
    """Whether a process with this id is running (a zombie, dead but not yet reaped, counts as gone).

    ``started`` (from :func:`start_time`, where the system tells it) tells a process apart from a later
    one that was given the same id, as happens after a container restarts.
    """
    if pid <= 0:
        return False
    if started and start_time(pid) not in (None, started):
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # pragma: no cover - not run on Linux CI
        return _alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except OSError:
        return False
    return not _zombie(pid)


def start_time(pid: int) -> str | None:
    """When process ``pid`` started, in clock ticks since boot (Linux's /proc); None where unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        return stat[stat.rfind(b")") + 2:].split()[19].decode()
    except (OSError, IndexError):
        return None


def _zombie(pid: int) -> bool:
    """A process that has ended but whose parent has not collected it yet (Linux's /proc says so)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2:][:1] in (b"Z", b"X")


def _alive_windows(pid: int) -> bool:  # pragma: no cover - not run on Linux CI
    """``os.kill(pid, 0)`` would end the process on Windows; ask for its exit code instead."""
    import _winapi

    try:
        handle = _winapi.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    except OSError:
        return False
    try:
        return _winapi.GetExitCodeProcess(handle) == 259  # STILL_ACTIVE
    finally:
        _winapi.CloseHandle(handle)


def watch_parent(parent_pid: int) -> threading.Thread:
    """End this process (exit status 1) as soon as ``parent_pid`` has ended; call it first thing in a worker.

    On Linux the kernel tells at once (a pidfd becomes readable when the process ends); elsewhere a
    daemon thread looks every :data:`POLL_SECONDS`: on Windows at the handle of the process that
    started this one, on other systems at whether the parent still runs. The worker is ended with
    ``os._exit``: whatever it was computing is for a process that can no longer receive it.
    """
    thread = threading.Thread(target=_watch, args=(parent_pid,), name="diffusion-sim-parent-watch", daemon=True)
    thread.start()
    return thread


def _watch(parent_pid: int) -> None:
    pidfd = None
    if hasattr(os, "pidfd_open"):
        try:
            pidfd = os.pidfd_open(parent_pid)
        except ProcessLookupError:
            os._exit(1)
        except OSError:  # an old kernel: fall back to looking
            pidfd = None
    if pidfd is not None:
        while True:
            with contextlib.suppress(InterruptedError):
                ready, _, _ = select.select([pidfd], [], [])
                if ready:
                    os._exit(1)
    parent = multiprocessing.parent_process()
    if sys.platform == "win32" and parent is not None and parent.pid == parent_pid:  # pragma: no cover
        parent.join()  # waits on the parent's process handle
        os._exit(1)
    first_ppid = os.getppid()
    while True:
        time.sleep(POLL_SECONDS)
        if os.getppid() != first_ppid or not alive(parent_pid):
            os._exit(1)
