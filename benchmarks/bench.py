"""Speed and scale benchmark: the full model against a plain NumPy limit of its core dynamics.

For the Zuidwest region (1x) and synthetic regions of 10x and 100x its size (``region.tiles``) it
reports seconds per 60-month replication (region and network built, as a cold start, and with the
region reused as the runner does), organisation-months per second, peak memory, the speed-up from
1 to 2 workers, and the ratio to a vectorised NumPy implementation of the Bass-like core (awareness
from outside and from adopting ties over a k-nearest-neighbour network, adoption, state counts per
type each month) written here and timed in the same process on the same organisations.

    python benchmarks/bench.py                 # all sizes
    python benchmarks/bench.py --sizes 1 10    # quicker
    python benchmarks/bench.py --throughput    # also 1,000 replications via the CLI and 100 paired via the API

Machines here are shared and noisy: compare ratios measured in one run, not absolute times across runs.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

from diffusion_sim.executors import run_all
from diffusion_sim.params import ORG_TYPES, change
from diffusion_sim.region import build_region
from diffusion_sim.runner import forget_regions, run_replication
from diffusion_sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
MONTHS = 60


def numpy_limit(x_km: np.ndarray, y_km: np.ndarray, org_type: np.ndarray, seed: int, k: int = 6,
                p: float = 0.03, q: float = 0.4) -> np.ndarray:
    """Plain vectorised Bass dynamics on a kNN network, network built included. Returns adopters per month."""
    n = x_km.size
    xy = np.column_stack([x_km, y_km])
    _, nn = cKDTree(xy).query(xy, k=k + 1)
    rows = np.repeat(np.arange(n), k)
    a = sparse.csr_matrix((np.ones(rows.size), (rows, nn[:, 1:].ravel())), shape=(n, n))
    a = ((a + a.T) > 0).astype(np.float64).tocsr()
    degree = np.asarray(a.sum(axis=1)).ravel()
    rng = np.random.default_rng(seed)
    adopted = np.zeros(n, dtype=bool)
    adopted[0] = True
    counts = np.zeros((MONTHS + 1, len(ORG_TYPES), 2), dtype=np.int64)
    for t in range(1, MONTHS + 1):
        exposure = (a @ adopted.astype(np.float64)) / np.maximum(degree, 1)
        hazard = -np.expm1(-(p + q * exposure) / 12)
        adopted |= rng.random(n) < hazard
        counts[t] = np.bincount(org_type * 2 + adopted, minlength=2 * len(ORG_TYPES)).reshape(-1, 2)
    return counts


def timed(fn, repeats: int) -> float:
    """Median seconds of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def rss_mb() -> float:
    """This process's resident memory now (Linux), not its lifetime peak: growth over replications shows here."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb(fn) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def bench_size(base, tiles: int, repeats: int, worker_reps: int) -> dict:
    params = change(base, {"region.tiles": tiles, "simulation.months": MONTHS})
    region = build_region(params)
    n = region.n
    run_replication(params, 0, region)  # warm up imports and caches
    cold = timed(lambda: run_replication(params, 1), repeats)
    # the same replication and draw (it runs on realisation 0, this region): the difference is building the region
    # and its Beta quantiles at the draw; replication 2, a different draw, is about half as long at 100x
    warm = timed(lambda: run_replication(params, 1, region), repeats)
    ref = timed(lambda: numpy_limit(region.x_km, region.y_km, region.org_type.astype(np.int64), 1), repeats)
    mem = peak_mb(lambda: run_replication(params, 3))
    reps = [change(params, {"simulation.replications": worker_reps})]
    # each from no kept region: the one-worker run (in this process) would leave its regions to the forked workers
    forget_regions()
    one = timed(lambda: run_all(reps, worker_reps, workers=1), 1)
    forget_regions()
    two = timed(lambda: run_all(reps, worker_reps, workers=2), 1)
    return {
        "tiles": tiles,
        "organisations": n,
        "model_s_per_rep_cold": cold,
        "model_s_per_rep_region_reused": warm,
        "numpy_s_per_rep": ref,
        "ratio_model_to_numpy": cold / ref,
        "org_months_per_s": n * MONTHS / cold,
        "us_per_org_month": 1e6 * cold / (n * MONTHS),
        "peak_mb": mem,
        "speedup_1_to_2_workers": one / two,
        "worker_reps": worker_reps,
    }


def throughput() -> dict:
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "diffusion_sim", "run", str(ROOT / "scenarios/zuidwest-collaborative.toml"),
               "-n", "1000", "--out", f"{tmp}/r", "-q", "--workers", "2"]
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        out["cli_1000_reps_s"] = time.perf_counter() - t
    iso = load_scenario(ROOT / "scenarios/zuidwest-isolated.toml")
    col = load_scenario(ROOT / "scenarios/zuidwest-collaborative.toml")
    t = time.perf_counter()
    run_all([iso, col], 100, workers=2)
    out["api_100_paired_s"] = time.perf_counter() - t
    # memory over 1,000 replications in one process: finished models must be freed
    region = build_region(col)
    rss = []
    for r in range(1000):
        run_replication(col, r, region)
        if r in (99, 999):
            gc.collect()
            rss.append(rss_mb())
    out["rss_mb_after_100_and_1000_reps"] = rss
    out["rss_mb_peak_of_this_process"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--throughput", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    base = load_scenario(ROOT / "scenarios/zuidwest-collaborative.toml")
    rows = []
    for tiles in args.sizes:
        repeats = {1: 20, 10: 5}.get(tiles, 3)
        worker_reps = {1: 200, 10: 40}.get(tiles, 20)  # chunks hold at least 10 replications
        rows.append(bench_size(base, tiles, repeats, worker_reps))
        r = rows[-1]
        print(f"{r['tiles']:>4}x {r['organisations']:>7,} orgs | model {r['model_s_per_rep_cold']*1e3:9.1f} ms/rep "
              f"(region reused {r['model_s_per_rep_region_reused']*1e3:8.1f}) | numpy {r['numpy_s_per_rep']*1e3:8.1f} ms | "
              f"ratio {r['ratio_model_to_numpy']:5.1f}x | {r['org_months_per_s']/1e6:6.2f} M org-months/s | "
              f"{r['us_per_org_month']:.3f} us/org-month | peak {r['peak_mb']:7.1f} MB | "
              f"1->2 workers {r['speedup_1_to_2_workers']:.2f}x",
              flush=True)
    if len(rows) > 1:
        print(f"linearity: us/org-month at {rows[-1]['tiles']}x / at {rows[0]['tiles']}x = "
              f"{rows[-1]['us_per_org_month'] / rows[0]['us_per_org_month']:.2f}")
    result = {"sizes": rows, "cpu_count": os.cpu_count()}
    if args.throughput:
        result["throughput"] = throughput()
        print(json.dumps(result["throughput"], indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
