"""Executors: serial, local processes and a real Dask LocalCluster give the same numbers, bit for bit."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from diffusion_sim.executors import ExecutorError, chunks, run_all
from diffusion_sim.params import with_overrides


def flat(results):
    return [[{f.name: getattr(rep, f.name) for f in dataclasses.fields(rep)} for rep in reps] for reps in results]


def assert_identical(a, b):
    for reps_a, reps_b in zip(flat(a), flat(b), strict=True):
        for ra, rb in zip(reps_a, reps_b, strict=True):
            for key in ra:
                assert np.array_equal(np.asarray(ra[key]), np.asarray(rb[key])), key


@pytest.fixture
def short(isolated, collaborative):
    return [with_overrides(p, {"simulation.months": 18}) for p in (isolated, collaborative)]


def test_chunks_cover_every_replication_once():
    work = list(chunks(2, 95, 2))
    for s in (0, 1):
        reps = sorted(r for t, rs in work if t == s for r in rs)
        assert reps == list(range(95))
    assert all(len(rs) >= 10 for _, rs in work[:-1])


def test_processes_equal_serial(short):
    """Workers forked from this process (the default on Linux with no other Python thread): the same numbers."""
    import threading

    from diffusion_sim import executors

    if threading.active_count() > 1:
        pytest.skip("a thread left by another test: workers would start from the fork server (tested below)")
    assert executors.process_context().get_start_method() == "fork"
    serial = run_all(short, 25, workers=1)
    parallel = run_all(short, 25, workers=2)
    assert_identical(serial, parallel)


def test_fork_server_equals_serial(short, monkeypatch):
    """With another Python thread running, workers start from a fork server instead: the same numbers."""
    from diffusion_sim import executors

    monkeypatch.setattr(executors.threading, "active_count", lambda: 2)
    assert executors.process_context().get_start_method() == "forkserver"
    assert_identical(run_all(short, 12, workers=1), run_all(short, 12, workers=2))


def test_dask_local_cluster_equals_serial(short):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = run_all(short, 25, scheduler=cluster.scheduler_address)
    assert_identical(run_all(short, 25, workers=1), on_dask)


def test_unreachable_scheduler_is_a_clear_error(short):
    with pytest.raises(ExecutorError, match="no Dask scheduler answers"):
        run_all(short[:1], 2, scheduler="tcp://127.0.0.1:9")
