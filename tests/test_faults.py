"""Fault tests on the real command line: real processes, real signals, and nothing may be left behind.

Each test starts ``diffusion-sim`` (the installed entry point, as a user would) in a subprocess, stops
it the way ``kill``, systemd, ``docker stop``, the out-of-memory killer or Ctrl-C would, and checks
that no process it started survives it (psutil), that it ends with one line rather than a traceback,
and that it leaves no half-written folder. Scenarios are small so that the file stays quick.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from tests.conftest import SCENARIOS

ISO = str(SCENARIOS / "zuidwest-isolated.toml")
COL = str(SCENARIOS / "zuidwest-collaborative.toml")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def command() -> list[str]:
    """The installed ``diffusion-sim`` beside this Python, else the same entry point through ``-m``."""
    script = Path(sys.executable).with_name("diffusion-sim")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "diffusion_sim"]


def start(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([*command(), *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)


def descendants_when(proc: subprocess.Popen, count: int, timeout: float = 120) -> list[psutil.Process]:
    """The processes ``proc`` started, once there are at least ``count`` of them (its workers are up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"ended before it could be stopped: {proc.communicate()}"
        kids = psutil.Process(proc.pid).children(recursive=True)
        if len(kids) >= count:
            return kids
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} processes started within {timeout} s")


def assert_all_gone(kids: list[psutil.Process], within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    alive = kids
    while time.monotonic() < deadline:
        alive = []
        for k in kids:
            try:
                if k.is_running() and k.status() != psutil.STATUS_ZOMBIE:
                    alive.append(k)
            except psutil.NoSuchProcess:
                pass
        if not alive:
            return
        time.sleep(0.05)
    described = [(k.pid, " ".join(k.cmdline())[:80]) for k in alive]
    for k in alive:  # leave nothing behind for the next test either
        k.kill()
    raise AssertionError(f"left behind after {within} s: {described}")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_stopping_a_run_leaves_no_worker_and_no_half_folder(tmp_path, sig):
    out = tmp_path / "results" / "run"
    scratch = tmp_path / "tmp"  # the system's temporary folder, where the long tables wait while it runs
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    proc = start("run", ISO, "-n", "3000", "--months", "24", "-w", "2", "-q", "--out", str(out), cwd=tmp_path, env=env)
    kids = descendants_when(proc, 2)
    time.sleep(0.3)  # the workers are computing
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert_all_gone(kids)
    assert not out.exists()
    if sig == signal.SIGTERM:
        assert proc.returncode == 143, err
        assert err.strip() == "diffusion-sim: interrupted; workers stopped, nothing was written"
        assert not out.parent.exists(), "a stopped run removes its lock, and the folder it made for --out"
        assert not list(scratch.iterdir()), "its scratch folder is removed"
    else:  # killed outright: only the next run can clean up what it left (its lock, its scratch folder)
        assert proc.returncode == -signal.SIGKILL
        assert len(list(scratch.iterdir())) == 1
        again = subprocess.run([*command(), "run", ISO, "-n", "2", "--months", "3", "-w", "1", "-q", "--out",
                                str(out.parent / "again")], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                               env=env)
        assert again.returncode == 0, again.stderr
        assert sorted(p.name for p in out.parent.iterdir()) == ["again"]
        assert not list(scratch.iterdir()), "the killed run's scratch folder is removed by the next run"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_stopping_the_explorer_leaves_no_process(tmp_path, sig):
    pytest.importorskip("solara")
    proc = start("explore", ISO, COL, "--port", "0", "-n", "4", "--months", "12", "-w", "2", cwd=tmp_path)
    assert "open http://127.0.0.1:" in proc.stdout.readline()  # listening, its fork server and workers started
    kids = descendants_when(proc, 4)  # the resource tracker, the fork server and its two workers
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert_all_gone(kids)
    if sig == signal.SIGTERM:
        assert proc.returncode == 143, err
        assert "Traceback" not in err and err.strip().endswith("diffusion-sim: interrupted; the explorer has stopped")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_stopping_a_report_while_its_pdf_is_drawn_beside_it_leaves_no_process_and_no_half_report(tmp_path, sig):
    """The PDF is drawn by a forked helper while the command draws the pictures; a stop ends both, writes nothing."""
    out = tmp_path / "cmp"
    made = subprocess.run([*command(), "compare", ISO, COL, "-n", "4", "--months", "12", "-w", "1", "-q", "--no-report",
                           "--out", str(out)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    before = sorted(p.name for p in out.iterdir())
    proc = start("report", str(out), "--lang", "en", cwd=tmp_path)
    kids = descendants_when(proc, 1)  # the helper drawing the PDF
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert_all_gone(kids)
    if sig == signal.SIGTERM:
        assert proc.returncode == 143, err
        assert "Traceback" not in err and "each figures folder and report is the previous one" in err
        assert sorted(p.name for p in out.iterdir()) == before, "no report, and no temporary file of one"
    else:  # killed outright: the helper ends itself; what the two left is the next writer's to remove
        assert proc.returncode == -signal.SIGKILL
        again = subprocess.run([*command(), "report", str(out), "--lang", "en"], cwd=tmp_path, capture_output=True,
                               text=True, timeout=120)
        assert again.returncode == 0, again.stderr
        assert sorted(p.name for p in out.iterdir()) == sorted([*before, "report-en.html", "report-en.pdf"])


HELPER_DIES = """
import os, sys
from diffusion_sim import results
from diffusion_sim.publish import write
results.SpilledTable.to_csv = lambda self, path: os._exit(9)  # the helper dies while writing the long CSV ...
write.render_pdf = lambda doc, path: os._exit(9)  # ... or the PDF
sys.argv = ["diffusion-sim", *sys.argv[1:]]
from diffusion_sim.__main__ import main
main()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the helper is forked on Linux only")
def test_a_helper_that_dies_is_one_line_and_leaves_the_folder_whole_or_absent(tmp_path):
    out = tmp_path / "run"
    done = subprocess.run([sys.executable, "-c", HELPER_DIES, "run", ISO, "-n", "2", "--months", "3", "-w", "1", "-q",
                           "--out", str(out)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines() == [f"diffusion-sim: {out}: writing the results failed (a helper process "
                                                "died (exit status 9; killed, or out of memory?)); nothing was written"]
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    made = subprocess.run([*command(), "run", ISO, "-n", "2", "--months", "3", "-w", "1", "-q", "--out",
                           str(out)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    before = sorted(p.name for p in out.iterdir())
    done = subprocess.run([sys.executable, "-c", HELPER_DIES, "report", str(out), "--lang", "en"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"diffusion-sim: {out / 'report-en.pdf'}: drawing the report failed (a helper process died")
    assert line.endswith("the report was not written, the previous one (if any) is kept")
    assert sorted(p.name for p in out.iterdir()) == before


def handles(pid: int, sig: int) -> bool:
    """Whether process ``pid`` has a handler for ``sig`` installed (Linux's /proc says which signals it catches)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) >> (sig - 1) & 1)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_stop_while_starting_up_is_one_quiet_line(tmp_path, sig):
    """Ctrl-C while Python still imports the command line (its first second): exit 130 (143), one line, no traceback.

    The signal is sent as soon as the entry point has installed its handlers, so it lands in the imports.
    """
    proc = start("params", cwd=tmp_path)
    deadline = time.monotonic() + 30
    while not handles(proc.pid, signal.SIGTERM):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.002)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig, err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert err.strip() == "diffusion-sim: interrupted; nothing was written", err
    assert not out


def test_two_runs_started_together_both_end_well(tmp_path):
    """Default names in the same second get two folders; one --out for two runs gives one of them one line."""
    args = ("run", ISO, "-n", "6", "--months", "3", "-w", "1", "-q")
    pair = [start(*args, cwd=tmp_path) for _ in range(2)]
    done = [p.communicate(timeout=120) for p in pair]
    assert [p.returncode for p in pair] == [0, 0], done
    assert len(list((tmp_path / "results").iterdir())) == 2, "two folders, and no lock left"

    same = tmp_path / "same"
    pair = [start(*args, "--out", str(same), cwd=tmp_path) for _ in range(2)]
    done = [p.communicate(timeout=120) for p in pair]
    assert sorted(p.returncode for p in pair) == [0, 2], done
    loser = done[[p.returncode for p in pair].index(2)][1].strip()
    assert len(loser.splitlines()) == 1 and loser.startswith(f"diffusion-sim: --out {same}: "), loser
    assert "another diffusion-sim run" in loser or "already exists" in loser
    assert (same / "summary.parquet").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_version_is_quick_and_imports_nothing_heavy(tmp_path):
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "diffusion_sim", "--version"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("diffusion-sim ")
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert not imported & {"typer", "rich", "numpy", "pandas", "diffusion_sim.cli"}
    if shutil.which("bash") and os.path.exists(command()[0]):
        done = subprocess.run(command(), cwd=tmp_path, capture_output=True, text=True, timeout=60,
                              env={**os.environ, "_DIFFUSION_SIM_COMPLETE": "complete_bash", "COMP_WORDS": "diffusion-sim com",
                                   "COMP_CWORD": "1"})
        assert done.stdout.split() == ["compare"], done
