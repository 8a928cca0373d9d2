"""How many replications the default comparison needs for headline medians that hold between root seeds.

Runs the README's comparison (Zuidwest isolated against collaborative, parameter draws on) at a few
replication counts, each under several root seeds, straight through the study function (no figures
or report), and prints, per headline outcome, the medians across seeds and their largest relative
distance from the seeds' mean median. The default replication count in ``scenarios/zuidwest-base.toml``
is chosen from this table.

    .venv/bin/python benchmarks/headline_stability.py                       # 500, 1000, 2000; 4 seeds
    .venv/bin/python benchmarks/headline_stability.py --reps 1000 4000 --seeds 6
    .venv/bin/python benchmarks/headline_stability.py --reps 2000 --realisations 50

Medians of near-zero outcomes (first-year patients) cannot move "less than 5%" in any useful sense;
they are shown with their absolute spread.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from diffusion_sim.outcomes import PATIENT_TARGET, PATIENTS_IN_YEAR
from diffusion_sim.params import change
from diffusion_sim.scenario import load_scenario
from diffusion_sim.studies.compare import run_study

ROOT = Path(__file__).resolve().parents[1]
FILES = (ROOT / "scenarios" / "zuidwest-isolated.toml", ROOT / "scenarios" / "zuidwest-collaborative.toml")
SEEDS = (20261125, 1, 2, 3, 4, 5, 6, 7)


def headline(folder: Path) -> dict[str, float]:
    """The headline medians of one comparison folder."""
    summary = pd.read_parquet(folder / "summary.parquet")
    paired = pd.read_parquet(folder / "paired.parquet")
    col = summary[summary["scenario"] == "collaborative"]
    iso = summary[summary["scenario"] == "isolated"]
    return {
        "collaborative patients_final": float(col["patients_final"].median()),
        "isolated patients_final": float(iso["patients_final"].median()),
        "difference patients_final": float(paired["patients_final"].median()),
        "collaborative share_adopted_final": float(col["share_adopted_final"].median()),
        "isolated share_adopted_final": float(iso["share_adopted_final"].median()),
        "collaborative patients_12m": float(col[PATIENTS_IN_YEAR].median()),
        f"chance of {PATIENT_TARGET} patients by the horizon": float(col["months_to_1000_patients"].notna().mean()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, nargs="+", default=[500, 1000, 2000])
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--realisations", type=int, default=None,
                    help="uncertainty.region_realisations (default: the scenario's)")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for reps in args.reps:
            for seed in SEEDS[: args.seeds]:
                changes = {"simulation.seed": seed}
                if args.realisations:
                    changes["uncertainty.region_realisations"] = args.realisations
                scenarios = [change(load_scenario(f), changes) for f in FILES]
                out = Path(tmp) / f"{reps}-{seed}"
                start = time.perf_counter()
                run_study(scenarios, [str(f) for f in FILES], out, reps, args.workers)
                seconds = time.perf_counter() - start
                rows.append({"replications": reps, "seed": seed, "seconds": seconds, **headline(out)})
                print(f"{reps} replications, seed {seed}: {seconds:.1f} s", flush=True)
    table = pd.DataFrame(rows)
    measures = [c for c in table.columns if c not in ("replications", "seed", "seconds")]
    print()
    for reps, sub in table.groupby("replications"):
        print(f"{reps} replications per strategy ({sub['seconds'].median():.1f} s a comparison, no figures):")
        for m in measures:
            values = sub[m].to_numpy()
            mean = values.mean()
            rel = np.max(np.abs(values - mean)) / abs(mean) if mean else float("nan")
            print(f"  {m:45s} medians {', '.join(f'{v:,.3g}' for v in values):40s} max rel. distance {rel:6.1%}")


if __name__ == "__main__":
    main()
