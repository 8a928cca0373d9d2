"""Executors: serial, local processes and a real Dask LocalCluster give the same numbers, bit for bit."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pytest
from tests.conftest import SCENARIOS

from diffusion_sim.executors import ExecutorError, chunks, run_all
from diffusion_sim.params import change


def flat(results):
    return [[{f.name: getattr(rep, f.name) for f in dataclasses.fields(rep)} for rep in reps] for reps in results]


def assert_identical(a, b):
    for reps_a, reps_b in zip(flat(a), flat(b), strict=True):
        for ra, rb in zip(reps_a, reps_b, strict=True):
            for key in ra:
                assert np.array_equal(np.asarray(ra[key]), np.asarray(rb[key])), key


@pytest.fixture
def short(isolated, collaborative):
    return [change(p, {"simulation.months": 18}) for p in (isolated, collaborative)]


def test_chunks_cover_every_replication_once():
    work = list(chunks([list(range(95)), list(range(95))], 2))
    for s in (0, 1):
        reps = sorted(r for t, rs in work if t == s for r in rs)
        assert reps == list(range(95))
    assert all(len(rs) >= 10 for _, rs in work[:-1])


def test_explicit_replication_numbers_and_a_reduce_give_the_same_runs(short):
    """run_all with one list of replication numbers per scenario, reduced where they ran, on 1 and 2 workers."""
    from diffusion_sim.outcomes import summarise

    lists = [[7, 3, 11], [0, 25, 1, 2, 3, 4, 5, 6, 8, 9, 10, 12]]
    runs = run_all(short, lists, workers=1)
    assert [[r.replication for r in reps] for reps in runs] == lists
    expected = [[summarise(r) for r in reps] for reps in runs]
    for workers in (1, 2):
        rows = run_all(short, lists, workers=workers, reduce=_summary_of)
        np.testing.assert_equal(rows, expected)


def _summary_of(rep, params, region):
    """Reduce a replication to its summary row (module level, so that it pickles)."""
    from diffusion_sim.outcomes import summarise

    return summarise(rep)


FORKED_RUN = """
import dataclasses, sys, threading
import numpy as np
from diffusion_sim import executors
from diffusion_sim.params import change
from diffusion_sim.scenario import load_scenario

short = [change(load_scenario(f), {"simulation.months": 18}) for f in sys.argv[1:]]
assert threading.active_count() == 1 and executors.process_context().get_start_method() == "fork"
serial, forked = executors.run_all(short, 25, workers=1), executors.run_all(short, 25, workers=2)
for a, b in zip(serial, forked, strict=True):
    for ra, rb in zip(a, b, strict=True):
        for f in dataclasses.fields(ra):
            assert np.array_equal(np.asarray(getattr(ra, f.name)), np.asarray(getattr(rb, f.name))), f.name
print("identical")
"""


def test_processes_equal_serial():
    """Workers forked from the running process (the default on Linux with no other Python thread): the same numbers.

    Run in a fresh process, as other tests may leave a thread running here (Mesa's batch_run starts one).
    """
    files = [str(SCENARIOS / f"zuidwest-{name}.toml") for name in ("isolated", "collaborative")]
    done = subprocess.run([sys.executable, "-c", FORKED_RUN, *files], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "identical", done.stderr[-2000:]


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


def test_tables_streamed_chunk_by_chunk_equal_the_tables_built_whole(short, tmp_path):
    """A study writes its long tables chunk by chunk (issue 17: memory); the files hold what build_tables gives whole."""
    import pandas as pd

    from diffusion_sim.region import build_region
    from diffusion_sim.results import build_tables
    from diffusion_sim.studies.compare import run_study

    reps = 30  # two or three chunks per scenario, arriving in any order on 2 workers
    assert len(list(chunks([list(range(reps))] * 2, 2))) > 2
    folder = run_study(short, ["a", "b"], tmp_path / "streamed", reps, workers=2).folder
    whole = build_tables(short, [build_region(p) for p in short], run_all(short, reps, workers=1))
    for name, frame in whole.items():
        written = pd.read_parquet(folder / f"{name}.parquet") if name != "organisations" else \
            pd.read_csv(folder / "organisations.csv")
        expected = frame if name != "organisations" else pd.read_csv(_csv(frame, tmp_path))
        pd.testing.assert_frame_equal(written, expected.reset_index(drop=True), check_exact=True, obj=name)
    assert (folder / "monthly.csv").read_text() == whole["monthly"].to_csv(index=False)


def _csv(frame, tmp_path):
    path = tmp_path / "organisations.csv"
    frame.to_csv(path, index=False)
    return path


def test_a_region_kept_between_chunks_is_never_changed_by_a_run():
    """run_chunk keeps each region for the process (runner.region_for): a run must leave it as it was built."""
    import pickle

    from tests.conftest import SCENARIOS

    from diffusion_sim import runner
    from diffusion_sim.outcomes import summarise
    from diffusion_sim.region import build_region
    from diffusion_sim.scenario import load_scenario

    params = load_scenario(SCENARIOS / "zuidwest-collaborative.toml", {"simulation.months": 24})
    runner._REGIONS.clear()
    first = [summarise(r) for r in runner.run_chunk(params, [0, 1, 2, 3])]
    kept = dict(runner._REGIONS)
    assert kept, "the chunk kept its regions"
    for key, region in kept.items():
        assert pickle.dumps(region) == pickle.dumps(build_region(params, key[-1])), "a run changed a kept region"
    again = [summarise(r) for r in runner.run_chunk(params, [0, 1, 2, 3])]  # from the kept regions
    runner._REGIONS.clear()
    fresh = [summarise(r) for r in runner.run_chunk(params, [0, 1, 2, 3])]  # built anew
    import pandas as pd

    pd.testing.assert_frame_equal(pd.DataFrame(first), pd.DataFrame(again))  # NaN (targets not met) compares equal here
    pd.testing.assert_frame_equal(pd.DataFrame(first), pd.DataFrame(fresh))


def test_a_chunk_leaves_no_finished_model_behind():
    """A finished model is a reference cycle; run_chunk collects it before returning, so workers do not grow."""
    import gc

    from diffusion_sim.model import DiffusionModel
    from diffusion_sim.runner import COLLECT_EVERY, run_chunk
    from diffusion_sim.scenario import load_scenario

    params = load_scenario(SCENARIOS / "zuidwest-collaborative.toml", {"simulation.months": 12})
    gc.disable()  # only run_chunk's own collection may free them
    try:
        reps = run_chunk(params, list(range(COLLECT_EVERY)))  # in this (unfrozen) process: once every COLLECT_EVERY
        alive = sum(isinstance(o, DiffusionModel) for o in gc.get_objects())
    finally:
        gc.enable()
    assert len(reps) == COLLECT_EVERY and alive == 0



ALONGSIDE = """
import multiprocessing, os, threading, time
from diffusion_sim.errors import ScenarioError
from diffusion_sim.executors import HelperLost, alongside

def fails():
    raise ScenarioError("x.toml: field 'a': not allowed")

assert threading.active_count() == 1  # so the job is forked
with alongside(os.getpid) as result:
    assert result() not in (os.getpid(), None) and result() == result()  # elsewhere; asked twice, one answer
try:
    with alongside(fails) as result:
        result()
except ScenarioError as exc:
    assert "field 'a'" in str(exc)  # the one line, as before
    assert "in the helper process" in exc.__notes__[0] and "in fails" in exc.__notes__[0]  # and where it happened
else:
    raise AssertionError("the job's error was not raised")
try:
    with alongside(lambda: os._exit(3)) as result:
        result()
except HelperLost as exc:
    assert "exit status 3" in str(exc)
started = time.perf_counter()
try:
    with alongside(lambda: time.sleep(60)):
        raise KeyboardInterrupt  # Ctrl-C here while the job runs
except KeyboardInterrupt:
    pass
with alongside(lambda: time.sleep(60)):
    pass  # a block that never waits does not leave its job running either
assert time.perf_counter() - started < 5 and multiprocessing.active_children() == []
fork = os.fork
def no_fork():
    raise BlockingIOError(11, "Resource temporarily unavailable")
os.fork = no_fork  # no process to be had: the job runs here
try:
    with alongside(os.getpid) as result:
        assert result() == os.getpid()
    try:
        with alongside(fails) as result:
            result()
    except ScenarioError:
        pass
    else:
        raise AssertionError("the job's error was not raised")
finally:
    os.fork = fork
print("ok")
"""


def test_alongside_runs_the_job_beside_and_gives_back_its_result_or_error_and_leaves_nothing_running():
    """Run in a fresh process: with another Python thread running here (other tests start some) it would not fork."""
    done = subprocess.run([sys.executable, "-c", ALONGSIDE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


def test_alongside_runs_the_job_here_when_forking_is_not_safe(monkeypatch):
    import os

    from diffusion_sim import executors

    monkeypatch.setattr(executors.threading, "active_count", lambda: 2)  # another Python thread runs
    with executors.alongside(os.getpid) as result:
        assert result() == os.getpid()
