"""Every entry point of issue 17, timed the way a user meets it, so before and after can be compared.

Rows (each a function below; ``--rows`` picks some):

- ``startup``: ``diffusion-sim --help`` and a bad-input error (``run nonexistent.toml``), wall, in a new process;
- ``run_model``: one replication per call against the marginal cost of a replication inside one call,
  for both Zuidwest scenarios and for a parameter change between calls (fixed cost = call - replication);
- ``morris``: a SALib Morris design (20 parameters, 10 trajectories, 210 points) through ``run_model``
  against the same replications through the runner (``change`` + ``run_chunk``);
- ``compare``: the README's first command, warm (the median of three runs after a first), wall, CPU, and
  when its answer reached the terminal;
- ``scale``: ``compare -n 10000`` (parameter draws and the assumption ranking), wall and peak resident
  memory of the command and its workers together;
- ``core``: ``benchmarks/bench.py`` cold ratio to its NumPy reference at 1x, 10x, 100x;
- ``explorer``: the Chromium timing test in ``tests/test_explorer.py`` (lever moves with 100 replications).

    python benchmarks/entry_points.py                      # every row (about 10 minutes)
    python benchmarks/entry_points.py --rows startup run_model morris

Machines here are shared and noisy: compare ratios measured in one run, report medians. Commands run
with Python's bytecode cache allowed (``PYTHONDONTWRITEBYTECODE`` removed), as on a user's machine;
with ``PYTHONPATH=<another checkout>/src`` they time that checkout's code instead (before and after in one sitting).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("diffusion-sim"))
ISOLATED, COLLABORATIVE = ROOT / "scenarios/zuidwest-isolated.toml", ROOT / "scenarios/zuidwest-collaborative.toml"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(cmd: list[str]) -> float:
    return timed_command(cmd)[0]


def timed_command(cmd: list[str], marker: str = "") -> tuple[float, float, float]:
    """Wall seconds and CPU seconds (user + system, the command and every worker it waited for) of ``cmd``,
    and the seconds until a line of its output holding ``marker`` was printed (NaN if none did).

    On a shared machine the wall time follows other people's load; the CPU time much less so.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    answered = math.nan
    with subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as proc:
        for line in proc.stdout:  # type: ignore[union-attr]
            if marker and marker in line and math.isnan(answered):
                answered = time.perf_counter() - t
    elapsed = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), answered


def median_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def startup() -> dict:
    return {"help_s": statistics.median(wall([CLI, "--help"]) for _ in range(5)),
            "bad_input_s": statistics.median(wall([CLI, "run", "nonexistent.toml"]) for _ in range(5))}


def run_model_row() -> dict:
    from diffusion_sim.api import run_model

    out = {}
    for name, path in (("isolated", ISOLATED), ("collaborative", COLLABORATIVE)):
        run_model(scenario=path)  # compiled code and imports loaded
        # the one-replication calls run the same replications 0-20 as the 21-replication call: replications differ
        # in cost (one with more adopters runs longer), so running replication 0 only would count its extra as fixed
        one = median_of(lambda p=path: [run_model(scenario=p, replication=r) for r in range(21)], 3) / 21
        many = median_of(lambda p=path: run_model(scenario=p, replications=21), 5)
        per_rep = (many - one) / 20
        out[name] = {"call_s": one, "replication_s": per_rep, "fixed_s": one - per_rep,
                     "fixed_over_replication": (one - per_rep) / per_rep}
    qs = iter([0.3, 0.35] * 20)
    one = median_of(lambda: run_model(scenario=COLLABORATIVE, diffusion__q=next(qs)), 15)
    per_rep = out["collaborative"]["replication_s"]
    out["parameter_change"] = {"call_s": one, "fixed_s": one - per_rep, "fixed_over_replication": (one - per_rep) / per_rep}
    return out


def morris_points() -> tuple[list[str], list[dict]]:
    """20 model parameters (none that shapes the region) with their prior ranges, and a Morris design over them."""
    from SALib.sample import morris

    from diffusion_sim.params import bounds, get, priors
    from diffusion_sim.scenario import load_scenario

    base = load_scenario(COLLABORATIVE)
    names, ranges = [], []
    for name, prior in priors().items():
        if name.startswith(("organisations.", "network.", "region.")) or len(names) == 20:
            continue
        value = get(base, name)
        if not isinstance(value, float):
            continue
        lo, hi = prior.bounds(value)
        allowed = bounds(name)
        lo, hi = max(lo, allowed[0]), min(hi, allowed[1])
        if hi > lo:
            names.append(name)
            ranges.append([lo, hi])
    design = morris.sample({"num_vars": len(names), "names": names, "bounds": ranges}, 10, seed=1)
    return names, [dict(zip(names, map(float, row), strict=True)) for row in design]


def morris_row() -> dict:
    from diffusion_sim.api import run_model
    from diffusion_sim.params import change
    from diffusion_sim.runner import run_chunk
    from diffusion_sim.scenario import load_scenario

    names, points = morris_points()
    base = load_scenario(COLLABORATIVE)
    run_model(scenario=COLLABORATIVE)

    def through_api() -> None:
        for point in points:
            run_model(scenario=COLLABORATIVE, **point)

    def through_runner() -> None:
        for point in points:
            run_chunk(change(base, point), [0])

    api, runner = median_of(through_api, 3), median_of(through_runner, 3)
    return {"parameters": len(names), "points": len(points), "run_model_s": api, "runner_s": runner, "ratio": api / runner}


def compare_row(warm_runs: int = 3) -> dict:
    """The first run (cold: compiled code loaded from Numba's cache, files read) and the median of the warm ones.

    Also when the answer (its first line, the outcomes table's title) reached the terminal.
    """
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [CLI, "compare", str(ISOLATED), str(COLLABORATIVE), "-q"]
        runs = [timed_command([*cmd, "--out", f"{tmp}/c{k}"], "Outcomes over") for k in range(1 + warm_runs)]
    warm = runs[1:]
    return {"cold_s": runs[0][0], "warm_s": statistics.median(r[0] for r in warm),
            "warm_cpu_s": statistics.median(r[1] for r in warm), "warm_runs_s": [r[0] for r in warm],
            "warm_answer_s": statistics.median(r[2] for r in warm)}


def tree_peak_memory(cmd: list[str]) -> tuple[float, float, float, float]:
    """Wall and CPU seconds, and peak memory (MB) of ``cmd`` and its children together, sampled every 0.5 s.

    Two peaks: the sum of resident sizes (counts pages that forked workers share with the parent once
    per process, so it overstates) and the sum of proportional set sizes (shared pages split between
    the processes sharing them: what the machine actually holds).
    """
    import psutil

    peak_rss = peak_pss = 0.0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    watched = psutil.Process(proc.pid)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_rss, peak_pss
        while not done.is_set():
            rss = pss = 0
            for p in [watched, *watched.children(recursive=True)]:
                try:
                    info = p.memory_full_info()
                    rss, pss = rss + info.rss, pss + info.pss
                except psutil.Error:
                    pass
            peak_rss, peak_pss = max(peak_rss, rss / 2**20), max(peak_pss, pss / 2**20)
            done.wait(0.5)

    sampler = threading.Thread(target=sample)
    sampler.start()
    proc.wait()
    elapsed = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    done.set()
    sampler.join()
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), peak_rss, peak_pss


def scale_row() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        elapsed, cpu, rss, pss = tree_peak_memory([CLI, "compare", str(ISOLATED), str(COLLABORATIVE), "-n", "10000",
                                                   "--no-report", "-q", "--out", f"{tmp}/c"])
        written = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file()) / 2**20
    return {"wall_s": elapsed, "cpu_s": cpu, "peak_rss_mb_all_processes": rss, "peak_pss_mb_all_processes": pss,
            "folder_mb": written}


def core_row() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, str(ROOT / "benchmarks/bench.py"), "--sizes", "1", "10", "100", "--json",
                        f"{tmp}/b.json"], check=True, capture_output=True, cwd=ROOT, env=ENV)
        sizes = json.loads(Path(f"{tmp}/b.json").read_text())["sizes"]
    return {f"{r['tiles']}x": {"ratio_cold": r["ratio_model_to_numpy"], "model_ms": 1e3 * r["model_s_per_rep_cold"],
                               "numpy_ms": 1e3 * r["numpy_s_per_rep"],
                               # what every study pays: the region of a realisation is built once per process
                               "ratio_region_reused": r["model_s_per_rep_region_reused"] / r["numpy_s_per_rep"],
                               "model_region_reused_ms": 1e3 * r["model_s_per_rep_region_reused"]} for r in sizes}


def explorer_row() -> dict:
    env = {**ENV, "DIFFUSION_SIM_EXPLORER_BENCH": "1"}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "tests/test_explorer.py",
                           "-k", "test_lever_to_figures_time"], capture_output=True, text=True, cwd=ROOT, env=env)
    moves = re.findall(r"^(.+?) \(100 replications a strategy, 60 months\): median ([\d.]+) s of (\d+) "
                       r"\(([\d.]+)-([\d.]+)\); server: (.*?) s; page ([\d.]+) s", done.stdout, flags=re.M)
    return {"moves": [{"move": what, "median_s": float(med), "moves": int(n), "range_s": [float(lo), float(hi)],
                       "server": server, "page_s": float(page)} for what, med, n, lo, hi, server, page in moves],
            "passed": done.returncode == 0}


ROWS = {"startup": startup, "run_model": run_model_row, "morris": morris_row, "compare": compare_row, "scale": scale_row,
        "core": core_row, "explorer": explorer_row}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", nargs="+", choices=list(ROWS), default=list(ROWS))
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    result = {}
    for row in args.rows:
        result[row] = ROWS[row]()
        print(row, json.dumps(result[row], indent=1), flush=True)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
