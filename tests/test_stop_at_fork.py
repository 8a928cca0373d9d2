"""A stop that lands while the workers are being forked (issue 18, items 1 and 6, found by re-running the attacks).

Ctrl-C sent the moment the first worker appeared used to be swallowed by a fork handler ("Exception ignored
in ... _releaseLock", the run went on and exited 0), or to leave a just-forked worker the pool never recorded:
never stopped, it kept the command waiting for it at exit, for ever. Stop signals are now held while workers
are forked (``executors.stop_signals_held``) and delivered right after.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
from tests.test_faults import COL, ISO, assert_all_gone, start

from diffusion_sim.executors import STOP_SIGNALS, start_worker, stop_signals_held

pytestmark = pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")


def test_a_stop_while_forking_waits_until_the_fork_is_done():
    with pytest.raises(KeyboardInterrupt):
        with stop_signals_held():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            reached = True  # the signal waited
        pytest.fail("the held signal is delivered when the block ends")
    assert reached
    assert not set(STOP_SIGNALS) & signal.pthread_sigmask(signal.SIG_BLOCK, [])


def test_a_worker_forked_while_signals_are_held_lets_them_through(monkeypatch):
    monkeypatch.setattr("diffusion_sim.executors.watch_parent", lambda pid: None)
    saved = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    try:
        with stop_signals_held():
            start_worker(os.getpid())  # what a worker runs first, with the mask it inherited
            assert not set(STOP_SIGNALS) & signal.pthread_sigmask(signal.SIG_BLOCK, [])
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_stop_the_moment_workers_appear_is_one_line_and_leaves_nothing(tmp_path, sig):
    for k in range(6):
        out = tmp_path / f"o{k}"
        proc = start("compare", ISO, COL, "-n", "400", "--months", "12", "-w", "2", "-q", "--no-report", "--out", str(out),
                     cwd=tmp_path)
        me = psutil.Process(proc.pid)
        deadline = time.monotonic() + 60
        while proc.poll() is None and not me.children() and time.monotonic() < deadline:
            time.sleep(0.0005)
        kids = me.children(recursive=True)
        proc.send_signal(sig)
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            for p in [me, *me.children(recursive=True)]:
                p.kill()
            pytest.fail("the command hung after the stop")
        assert_all_gone(kids)
        assert proc.returncode == 128 + sig, err  # 400 replications cannot finish before it: 0 means it was swallowed
        assert err.strip() == "diffusion-sim: interrupted; workers stopped, nothing was written", err
        assert not out.exists()
