"""Faults that must end in one line, before any work is lost: output places, damaged folders, bad input, workers.

Each case runs the command line in this process (Typer's runner) with a small scenario; the fault tests
that need real processes and signals are in ``test_faults.py``.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from tests.conftest import SCENARIOS, make_compare_folder
from typer.testing import CliRunner

from diffusion_sim import executors, results
from diffusion_sim.cli import app
from diffusion_sim.errors import ScenarioError
from diffusion_sim.executors import ExecutorError, WorkerLost, run_all
from diffusion_sim.params import bounds, change
from diffusion_sim.processes import start_time
from diffusion_sim.scenario import load_scenario

runner = CliRunner()
ISO = str(SCENARIOS / "zuidwest-isolated.toml")
COL = str(SCENARIOS / "zuidwest-collaborative.toml")
SMALL = ("-n", "2", "--months", "3", "-w", "1", "-q")


def invoke(*args: str):
    return runner.invoke(app, list(args))


def one_line(res) -> str:
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1, res.output
    assert "Traceback" not in res.output
    return lines[0]


def dead_pid() -> int:
    """The id of a process that has ended (and been collected)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def no_computing(monkeypatch):
    """Fail the test if any replication is computed: the checks must come first."""
    calls = []
    monkeypatch.setattr("diffusion_sim.studies.compare.run_all", lambda *a, **k: calls.append(a) or pytest.fail("computed"))
    return calls


# --- where results go: refused before computing -----------------------------------------------------------


def test_out_problems_are_refused_before_computing(tmp_path, no_computing):
    (tmp_path / "file").write_text("x")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    long = "x" * 250
    cases = {
        str(tmp_path / "file" / "sub"): "is a file, not a folder",
        str(tmp_path / "dangling"): "is a symbolic link to",
        str(tmp_path / "dangling" / "sub"): "is a symbolic link to",
        str(tmp_path / "made" / "for" / long): "the name is too long",
        str(tmp_path / "file"): "already exists",
    }
    for out, message in cases.items():
        started = time.perf_counter()
        res = invoke("run", ISO, *SMALL, "--out", out)
        assert res.exit_code == 2, (out, res.output)
        line = one_line(res)
        assert line.startswith(f"diffusion-sim: --out {out}") and message in line, line
        assert time.perf_counter() - started < 10
    assert not (tmp_path / "made").exists(), "the parents made for a refused --out are removed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling", "file"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_place_is_refused(tmp_path, no_computing):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        res = invoke("run", ISO, *SMALL, "--out", str(ro / "out"))
        assert res.exit_code == 2 and "permission denied" in one_line(res)
    finally:
        ro.chmod(0o755)


@pytest.mark.parametrize("where", ["scratch", "folder", "long csv"])
def test_full_disk_while_writing_is_one_line_and_leaves_nothing(tmp_path, monkeypatch, where):
    """The disk fills while a chunk's long tables are put aside, while the folder is written, or while its long
    CSV is written by the process beside it: one line, after the answer once the answer was printed, and nothing left."""
    def full(self, path, *args, **kwargs):
        Path(path).write_bytes(b"PAR1")  # a partial file, as a full disk leaves
        raise OSError(errno.ENOSPC, "No space left on device")

    def full_scratch(self, key, frame):
        raise OSError(errno.ENOSPC, "No space left on device")

    if where == "scratch":
        monkeypatch.setattr(results.SpilledTable, "add", full_scratch)
    elif where == "folder":
        monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    else:
        monkeypatch.setattr(results.SpilledTable, "to_csv", full)  # runs in the forked helper, which inherits this
    out = tmp_path / "new" / "deeper" / "out"
    res = invoke("run", ISO, *SMALL, "--out", str(out))
    assert res.exit_code == 1
    lines = [line for line in res.output.splitlines() if line.strip()]
    if where == "scratch":  # during the run: nothing but the line
        assert len(lines) == 1, res.output
    else:  # after the answer
        assert "Outcomes over replications" in lines[0] and "diffusion-sim:" not in res.output.split("Outcomes")[0]
    assert "No space left on device" in lines[-1] and str(out) in lines[-1] and "nothing was written" in lines[-1]
    assert not (tmp_path / "new").exists(), "no temporary folder, and the parents made for it are removed"


def test_runs_with_one_out_collide_in_one_line(tmp_path, no_computing):
    """Another live process holds the name: refused at once, naming that process."""
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        results.lock_path(out).write_text(f"{holder.pid}\n")
        res = invoke("run", ISO, *SMALL, "--out", str(out))
        assert res.exit_code == 2
        line = one_line(res)
        assert f"another diffusion-sim run (process {holder.pid}) is writing results there" in line
        assert results.lock_path(out).read_text().strip() == str(holder.pid), "another run's lock is never removed"
    finally:
        holder.kill()
        holder.wait()


def test_default_names_skip_a_name_another_run_holds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = results.reserve_new(Path("results"), "run")
    second = results.reserve_new(Path("results"), "run")
    try:
        assert first.out != second.out
        assert results.lock_path(first.out).is_file() and results.lock_path(second.out).is_file()
    finally:
        first.release()
        second.release()
    assert not list(Path("results").iterdir()), "released names leave nothing"


# --- what killed runs leave behind ---------------------------------------------------------------------


def test_leftovers_of_killed_runs_are_removed_never_a_live_ones(tmp_path):
    gone, live = dead_pid(), os.getppid()
    root = tmp_path / "results"
    root.mkdir()
    for name in (f".a.tmp-{gone}", f".b.tmp-{live}"):
        (root / name).mkdir()
        (root / name / "summary.parquet").write_bytes(b"partial")
    (root / ".c.lock").write_text(f"{gone}\n")
    (root / ".d.lock").write_text(f"{live}\n")
    reused = start_time(live) is not None  # where the system says when a process started (Linux)
    if reused:  # a live process's id, but it started at another time: the id was given again, the run is gone
        (root / ".e.lock").write_text(f"{live} 1\n")
    res = invoke("run", ISO, *SMALL, "--out", str(root / "new"))
    assert res.exit_code == 0, res.output
    left = sorted(p.name for p in root.iterdir())
    assert left == [f".b.tmp-{live}", ".d.lock", "new"]

    folder = root / "new"
    (folder / f".figures-en.tmp-{gone}").mkdir()
    (folder / f".figures-en.old-{gone}").mkdir()  # killed between moving the old figures aside and the new in place
    (folder / f".figures-en.old-{gone}" / "kept.png").write_bytes(b"old")
    (folder / f".report-en.html.tmp-{gone}").write_text("<html")
    assert results.remove_stale(folder)
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith((".", "figures"))) == ["figures-en"]
    assert (folder / "figures-en" / "kept.png").read_bytes() == b"old", "the previous figures are put back"


# --- reading results folders back ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    return make_compare_folder(tmp_path_factory.mktemp("results"), 6, 2)


def damaged(compared: Path, tmp_path: Path, name: str, content: bytes | None = None, manifest=None) -> Path:
    work = tmp_path / "work"
    shutil.copytree(compared, work)
    if content is not None:
        (work / name).write_bytes(content)
    if manifest is not None:
        meta = json.loads((work / "manifest.json").read_text())
        (work / "manifest.json").write_text(json.dumps(manifest(meta)))
    return work


def _manifest_list(meta):
    return [meta]


def _months_text(meta):
    return {**meta, "months": "6"}


def _no_parameters(meta):
    return {**meta, "scenarios": {name: {"file": "x.toml"} for name in meta["scenarios"]}}


MANIFESTS = {
    "a list": (_manifest_list, "not a manifest (a JSON object is expected, it holds a list)"),
    "months as text": (_months_text, "field 'months' must be a whole number, it is '6'"),
    "no parameters": (_no_parameters, "scenario 'isolated' has no parameters in 'scenarios'"),
}


@pytest.mark.parametrize("case", sorted(MANIFESTS))
def test_manifest_of_the_wrong_shape_is_one_line(compared, tmp_path, case):
    edit, message = MANIFESTS[case]
    work = damaged(compared, tmp_path, "manifest.json", manifest=edit)
    res = invoke("figures", str(work), "--lang", "en")
    assert res.exit_code == 2
    line = one_line(res)
    assert str(work / "manifest.json") in line and message in line, line


def test_damaged_and_edited_files_are_named(compared, tmp_path):
    summary = (compared / "summary.parquet").read_bytes()
    cases = {  # file, new content, message with verification, message without
        "summary.parquet": (summary[: len(summary) // 2], "not a readable Parquet table"),
        "states.parquet": (b"scenario,replication\nisolated,0\n", "not a readable Parquet table"),
        "organisations.csv": ((compared / "organisations.csv").read_bytes().replace(b"a", b"\xe9", 5),
                              "not a readable CSV (UTF-8) table"),
    }
    for k, (name, (content, unverified)) in enumerate(cases.items()):
        work = damaged(compared, tmp_path / str(k), name, content)
        res = invoke("report", str(work), "--lang", "en")
        assert res.exit_code == 2
        line = one_line(res)
        assert f"{work / name}: changed since it was written" in line, line
        res = invoke("report", str(work), "--lang", "en", "--no-verify")
        assert res.exit_code == 2
        line = one_line(res)
        assert f"{work / name}: {unverified}" in line, line
        assert not list(work.glob("report-*")) and not (work / "figures-en").exists()


def test_edited_numbers_never_reach_a_report(compared, tmp_path):
    work = damaged(compared, tmp_path, "summary.csv")
    frame = pd.read_csv(work / "summary.csv")
    frame["patients_final"] *= 10
    frame.to_csv(work / "summary.csv", index=False)
    res = invoke("report", str(work), "--lang", "en")
    assert res.exit_code == 2 and f"{work / 'summary.csv'}: changed since it was written" in one_line(res)
    (work / "paired.csv").unlink()
    res = invoke("figures", str(work), "--lang", "en")
    assert res.exit_code == 2 and f"{work / 'paired.csv'}: missing" in one_line(res)


# --- stopping: what was kept is said precisely ---------------------------------------------------------


def test_the_answer_is_printed_before_the_folder_is_written_and_a_stop_then_writes_nothing(tmp_path, monkeypatch):
    """compare prints its numbers once they are computed; a stop while the folder is written keeps nothing."""
    seen = {}

    def stopped(out, *args, **kwargs):
        seen["folder existed"] = Path(out).exists()
        raise KeyboardInterrupt

    monkeypatch.setattr("diffusion_sim.studies.compare.write_folder", stopped)
    out = tmp_path / "cmp"
    res = invoke("compare", ISO, COL, *SMALL, "--lang", "en", "--out", str(out))
    assert res.exit_code == 130
    answer, stop = res.output.split("diffusion-sim: interrupted")
    assert "The initiative's claims" in answer and "replications in" not in answer
    assert one_line(SimpleNamespace(output="diffusion-sim: interrupted" + stop)) == \
        "diffusion-sim: interrupted; the results folder was not written"
    assert seen == {"folder existed": False} and not out.exists() and not list(tmp_path.iterdir())


def test_stop_during_the_figures_of_compare_says_what_was_kept(tmp_path, monkeypatch):
    def stopped(folder, lang, **answers):
        (Path(folder) / "figures-en").mkdir()
        raise KeyboardInterrupt

    monkeypatch.setattr("diffusion_sim.publish.write.publish", stopped)
    out = tmp_path / "cmp"
    res = invoke("compare", ISO, COL, *SMALL, "--lang", "en", "--out", str(out))
    assert res.exit_code == 130
    answer, stop = res.output.split("diffusion-sim: interrupted")  # the answer came first, once the folder was complete
    assert "The initiative's claims" in answer and "replications in" in answer
    line = one_line(SimpleNamespace(output="diffusion-sim: interrupted" + stop))
    assert f"the results are complete in {out}, with figures-en" in line
    assert "not written: report-en.html, report-en.pdf" in line and f"diffusion-sim report {out} --lang en" in line
    assert "nothing was written" not in line
    assert (out / "summary.parquet").is_file()


@pytest.mark.parametrize("command", ["figures", "report"])
def test_stop_of_figures_and_report_is_one_line(compared, command, monkeypatch):
    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(f"diffusion_sim.publish.{'figures.write_figures' if command == 'figures' else 'write.write_report'}",
                        stopped)
    res = invoke(command, str(compared))
    assert res.exit_code == 130
    assert "interrupted; each figures folder and report is the previous one or a complete new one" in one_line(res)


# --- bad input and limits --------------------------------------------------------------------------------


def test_replications_over_the_schema_limit_are_refused_at_once(tmp_path, no_computing):
    high = int(bounds("simulation.replications")[1])
    started = time.perf_counter()
    for command in (["run", ISO], ["compare", ISO, COL]):
        res = invoke(*command, "-n", "1000000000", "--out", str(tmp_path / "o"), "-q")
        assert res.exit_code == 2
        assert f"--replications 1000000000: must be between 1 and {high:,}" in one_line(res)
    assert time.perf_counter() - started < 10 and not (tmp_path / "o").exists()


def test_months_and_seed_errors_name_their_option(tmp_path, no_computing):
    res = invoke("run", ISO, "--months", "601", "-q", "--out", str(tmp_path / "o"))
    assert res.exit_code == 2 and one_line(res).startswith("diffusion-sim: --months: field 'simulation.months'")
    res = invoke("explore", ISO, COL, "--months", "601")
    assert res.exit_code == 2 and one_line(res).startswith("diffusion-sim: --months: field 'simulation.months'")


def test_scenario_files_that_would_overflow_are_one_line(tmp_path):
    base = SCENARIOS / "zuidwest-isolated.toml"
    (tmp_path / "c0.toml").write_text(f'extends = "{base}"\n')
    for k in range(1, 61):
        (tmp_path / f"c{k}.toml").write_text(f'extends = "c{k - 1}.toml"\n')
    with pytest.raises(ScenarioError, match="a chain of more than 50 files"):
        load_scenario(tmp_path / "c60.toml")
    load_scenario(tmp_path / "c40.toml")  # a long chain within the bound still loads

    (tmp_path / "loop1.toml").symlink_to(tmp_path / "loop2.toml")
    (tmp_path / "loop2.toml").symlink_to(tmp_path / "loop1.toml")
    with pytest.raises(ScenarioError, match="symbolic link loop"):
        load_scenario(tmp_path / "loop1.toml")

    for depth, message in ((3000, "nested too deeply"), (300, "Input should be a valid integer, got [[[")):
        path = tmp_path / f"deep{depth}.toml"
        path.write_text(f'extends = "{base}"\n[simulation]\nmonths = {"[" * depth}1{"]" * depth}\n')
        with pytest.raises(ScenarioError, match=message.replace("[", r"\[")) as err:
            load_scenario(path)
        assert len(str(err.value)) < 300
    res = invoke("run", ISO, "--set", f"simulation.months={'[' * 3000}{']' * 3000}", "-q")
    assert res.exit_code == 2 and "--set simulation.months: the value is nested too deeply" in one_line(res)


# --- executors ------------------------------------------------------------------------------------------


def _die_in_worker(rep, params, region):
    """A reduce that kills the worker it runs in, as the out-of-memory killer would (module level: it pickles)."""
    os.kill(os.getpid(), 9)


def test_a_dead_worker_is_one_line_and_stops_the_others(isolated):
    import psutil

    short = [change(isolated, {"simulation.months": 2})]
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with pytest.raises(WorkerLost, match="a worker process died") as err:
        run_all(short, 24, workers=2, reduce=_die_in_worker)
    assert "\n" not in str(err.value)
    deadline = time.monotonic() + 5
    while True:
        new = [p for p in psutil.Process().children(recursive=True)
               if p.pid not in before and p.status() != psutil.STATUS_ZOMBIE and "forkserver" not in " ".join(p.cmdline())
               and "resource_tracker" not in " ".join(p.cmdline())]
        if not new or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not new, "the other worker is stopped too"


def test_spawned_workers_give_the_same_numbers(tmp_path, monkeypatch):
    """The start method Windows has (and macOS uses by default): a comparison bit for bit equal to one worker."""
    import multiprocessing

    monkeypatch.setattr(executors, "process_context", lambda: multiprocessing.get_context("spawn"))
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        res = invoke("compare", ISO, COL, "-n", "12", "--months", "6", "-w", workers, "-q", "--no-report", "--out", str(out))
        assert res.exit_code == 0, res.output
        outs.append(out)
    assert json.loads((outs[1] / "manifest.json").read_text())["executor"] == "processes"
    for table in ("summary", "monthly", "states", "org_events"):
        one, two = (pd.read_parquet(out / f"{table}.parquet") for out in outs)
        pd.testing.assert_frame_equal(one, two)


def test_bad_scheduler_addresses_are_one_line_within_seconds(isolated, monkeypatch):
    short = [change(isolated, {"simulation.months": 2})]
    with pytest.raises(ExecutorError, match="--scheduler foo: not a scheduler address"):
        run_all(short, 2, scheduler="foo")

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    monkeypatch.setattr(executors, "CONNECT_SECONDS", 1)
    address = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    started = time.perf_counter()
    try:
        with pytest.raises(ExecutorError, match="something listens there but it is not a Dask scheduler"):
            run_all(short, 2, scheduler=address)
    finally:
        listener.close()
    assert time.perf_counter() - started < 10


# --- the explorer stops before listening ---------------------------------------------------------------------


def test_explore_refuses_a_foreign_host_and_an_unbuildable_scenario(tmp_path, monkeypatch):
    monkeypatch.setattr("diffusion_sim.explorer.server.serve", lambda *a, **k: pytest.fail("listened"))
    res = invoke("explore", "--host", "192.0.2.1", "--port", "0")  # TEST-NET-1: never this machine's
    assert res.exit_code == 2 and one_line(res).startswith("diffusion-sim: --host 192.0.2.1: not an address of this machine")
    bad = tmp_path / "bad.toml"
    bad.write_text(f'extends = "{SCENARIOS / "zuidwest-collaborative.toml"}"\n[origin]\nmunicipality = "GM0363"\n')
    res = invoke("explore", str(bad), "--port", "0")
    assert res.exit_code == 2
    assert str(bad) in one_line(res) and "origin" in res.output


# --- text that reaches matplotlib and TOML ------------------------------------------------------------------


def test_dollar_signs_in_names_are_drawn_as_typed():
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from diffusion_sim.publish.style import house_style

    with house_style():
        fig, ax = plt.subplots()
        title = ax.set_title(r"team $\frac$ and $x^$")  # invalid math text: a ValueError when parsed
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
    assert title.get_text() == r"team $\frac$ and $x^$"


def test_exported_scenario_keeps_any_name_in_its_place(collaborative):
    from diffusion_sim.explorer.export import scenario_toml

    for name in ("evil\n[facilitation]\nbudget_eur_per_year = 1", "bell\x07 and del\x7f", "line\u2028sep", "cr\rlf"):
        p = change(collaborative, {"name": name})
        data = tomllib.loads(scenario_toml(p, start=collaborative))
        assert data["name"] == name
        assert data["facilitation"]["budget_eur_per_year"] == collaborative.facilitation.budget_eur_per_year
        assert np.isclose(data["diffusion"]["q"], collaborative.diffusion.q)


# --- conventions -----------------------------------------------------------------------------------------


def test_scenario_schema_is_up_to_date_and_fits_the_shipped_scenarios():
    from diffusion_sim.scenario import json_schema

    shipped = json.loads((SCENARIOS.parent / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    assert shipped == json_schema(), "regenerate it: diffusion-sim schema > docs/scenario.schema.json"
    res = invoke("schema")
    assert res.exit_code == 0 and json.loads(res.stdout) == shipped
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(shipped)
    for path in sorted(SCENARIOS.glob("*.toml")):
        assert not list(validator.iter_errors(tomllib.loads(path.read_text(encoding="utf-8")))), path
    assert list(validator.iter_errors({"simulation": {"months": "sixty", "bogus": 1}}))


def test_version_completion_licence_and_citation():
    from diffusion_sim import __version__

    res = invoke("--version")
    assert res.exit_code == 0 and res.stdout.strip() == f"diffusion-sim {__version__}"
    res = runner.invoke(app, ["--show-completion", "bash"], prog_name="diffusion-sim")
    assert res.exit_code == 0 and "_DIFFUSION_SIM_COMPLETE=complete_bash" in res.stdout
    root = SCENARIOS.parent
    assert "MIT License" in (root / "LICENSE").read_text() and "diffusion-sim contributors" in (root / "LICENSE").read_text()
    citation = (root / "CITATION.cff").read_text()
    assert f'version: "{__version__}"' in citation and "cff-version: 1.2.0" in citation


def test_docs_name_no_path_of_a_particular_machine():
    root = SCENARIOS.parent
    files = [root / "README.md", *(root / "docs").rglob("*"), *(root / "src").rglob("*")]
    found = []
    for path in files:
        if not path.is_file() or path.suffix not in (".md", ".py", ".toml", ".csv", ".json", ".html", ".vue", ".css"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(root)}: {m}" for m in ("/work/", "/home/", "/root/", "/Users/", "C:\\Users") if m in text]
    assert not found, found


def test_scratch_folders_of_killed_runs_are_removed_never_a_live_ones(tmp_path):
    """A run killed outright leaves its long tables' scratch folder (hundreds of MB at 10,000 pairs); the next removes it."""
    dead, live = dead_pid(), os.getppid()
    names = {
        "dead": f"{results.SCRATCH_PREFIX}{dead}--abc123",
        "dead with its start": f"{results.SCRATCH_PREFIX}{dead}-12345-abc123",
        "live": f"{results.SCRATCH_PREFIX}{live}-{start_time(live) or ''}-abc123",
        "live, another start": f"{results.SCRATCH_PREFIX}{live}-1-abc123",  # its id, given to a later process
        "this process": f"{results.SCRATCH_PREFIX}{os.getpid()}--abc123",
        "old, a day old": f"{results.SCRATCH_PREFIX}abc123xy",
        "old, recent": f"{results.SCRATCH_PREFIX}zz9_xy12",
        "not ours": "another-tool-123--abc",
    }
    for name in names.values():
        (tmp_path / name).mkdir()
        (tmp_path / name / "monthly-0.arrow").write_bytes(b"x")
    day_ago = time.time() - results.SCRATCH_GRACE_SECONDS - 60
    os.utime(tmp_path / names["old, a day old"], (day_ago, day_ago))
    with results.scratch_folder(tmp_path) as scratch:
        assert scratch.is_dir() and scratch.parent == tmp_path and scratch.name.startswith(
            f"{results.SCRATCH_PREFIX}{os.getpid()}-")
        left = {p.name for p in tmp_path.iterdir()} - {scratch.name}
    removed = {k for k, name in names.items() if name not in left}
    assert removed == {"dead", "dead with its start", "live, another start", "old, a day old"}
    assert not scratch.exists()
