"""The README's first command in this process, with each step after the replications timed (wall and CPU).

Steps: the assumption ranking, writing the results folder, and publishing: reading the folder back,
the figures as PNG and SVG, the vector PDF (HTML and the rest are what publishing leaves over). CPU is
this process's, threads included (Arrow and BLAS use more than one core in places); the replications'
CPU is the parent's only (turning chunks into table rows), its two workers' is not counted.

    python benchmarks/after_runs.py --repeat 3
    PYTHONPATH=../before/src python benchmarks/after_runs.py --repeat 3   # another checkout's code, same sitting
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = [ROOT / "scenarios" / "zuidwest-isolated.toml", ROOT / "scenarios" / "zuidwest-collaborative.toml"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import diffusion_sim.publish.write as write
    import diffusion_sim.studies.compare as compare
    from diffusion_sim.cli.common import load
    from diffusion_sim.cli.run import _publish

    spent: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])

    def timed(module: object, name: str, step: str) -> None:
        inner = getattr(module, name)

        def step_timed(*a: object, **k: object) -> object:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return inner(*a, **k)
            finally:
                spent[step][0] += time.perf_counter() - wall
                spent[step][1] += time.process_time() - cpu

        setattr(module, name, step_timed)

    for module, name, step in ((compare, "run_all", "replications"), (compare, "assumption_ranking", "ranking"),
                               (compare, "write_folder", "folder"),
                               (write, "load_study", "read back"), (write, "render_figures", "figures"),
                               (write, "render_pdf", "pdf")):
        timed(module, name, step)
    runs: list[dict[str, tuple[float, float]]] = []
    for k in range(args.repeat + 1):  # the first run warms the caches (Numba, fonts) and is not counted
        spent.clear()
        with tempfile.TemporaryDirectory() as tmp:
            scenarios = load(FILES, None, None, None, None)
            wall, cpu = time.perf_counter(), time.process_time()
            result = compare.run_study(scenarios, [str(f) for f in FILES], Path(tmp) / "cmp", None, 2)
            _publish(result.folder, "nl", numbers=result.numbers)
            spent["after the replications"] = [time.perf_counter() - wall - spent["replications"][0],
                                               time.process_time() - cpu - spent["replications"][1]]
        if k:
            runs.append({step: (w, c) for step, (w, c) in spent.items()})
            print(" ".join(f"{step} {w:.2f}/{c:.2f}" for step, (w, c) in runs[-1].items()), file=sys.stderr)
    print(f"median of {len(runs)} (wall / CPU of this process, s):")
    for step in runs[0]:
        wall = statistics.median(r[step][0] for r in runs)
        cpu = statistics.median(r[step][1] for r in runs)
        print(f"  {step:24} {wall:6.2f} {cpu:6.2f}")


if __name__ == "__main__":
    main()
