from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from diffusion_sim.analysis.space import Dimension, lhs_design, parse_ranges
from diffusion_sim.analysis.sweep import monotone_check
from diffusion_sim.cli import app
from diffusion_sim.errors import ResultsError, ScenarioError
from diffusion_sim.publish.analysis_figures import sweep_figures
from diffusion_sim.scenario import load_scenario
from diffusion_sim.studies import points as evaluate_module
from diffusion_sim.studies.sweep import plan_sweep, run_sweep

ROOT = Path(__file__).resolve().parents[1]
COLLAB = ROOT / "scenarios" / "zuidwest-collaborative.toml"


@pytest.fixture(scope="module")
def collab():
    return load_scenario(COLLAB, {"simulation.months": 24})


def test_more_budget_never_lowers_reach(collab, tmp_path):
    dims = parse_ranges(["facilitation.budget_eur_per_year=0:15000:4"], collab)
    plan = plan_sweep(collab, str(COLLAB), dims, replications=16, out=tmp_path / "budget")
    result = run_sweep(plan, workers=1, draw=sweep_figures)
    tidy = pd.read_parquet(result.folder / "sweep.parquet")
    for outcome in ("patients_final", "adopted_beyond_origin"):
        steps = monotone_check(tidy, dims, "facilitation.budget_eur_per_year", outcome, z=3.0)
        assert not steps["significant_fall"].any(), steps
    reach = result.points.set_index("facilitation.budget_eur_per_year")["patients_final"]
    assert reach.loc[10000.0] > 3 * reach.loc[0.0]  # the team's support matters, not only the ceiling
    assert sorted(tidy["replication"].unique()) == list(range(16))
    assert {"sweep.csv", "points.parquet", "sweep-patients_final.png", "manifest.json"} <= {
        p.name for p in result.folder.iterdir()
    }


def test_grid_of_two_writes_heat_maps_and_pairs_replications(collab, tmp_path):
    dims = parse_ranges(["facilitation.budget_eur_per_year=0:10000:2", "insurer.reimburses=false:true"], collab)
    plan = plan_sweep(collab, "x", dims, replications=4, out=tmp_path / "two")
    result = run_sweep(plan, workers=1, outcomes=["patients_12m"], draw=sweep_figures)
    names = {p.name for p in result.folder.iterdir()}
    assert {"heatmap-patients_12m.png", "sweep-patients_12m.png"} <= names
    assert len(result.points) == 4
    # common random numbers: at zero budget the team does nothing, so point outcomes depend only on the insurer
    tidy = pd.read_parquet(result.folder / "sweep.parquet")
    assert tidy.groupby("point")["replication"].apply(list).map(tuple).nunique() == 1


def test_interrupted_sweep_resumes_without_redoing_points(collab, tmp_path, monkeypatch):
    dims = parse_ranges(["diffusion.q=0.1:0.5:4"], collab)
    out = tmp_path / "resume"
    plan = plan_sweep(collab, "x", dims, replications=3, out=out)
    monkeypatch.setattr(evaluate_module, "batch_size", lambda reps, workers: 1)
    calls = []
    real = evaluate_module.run_points

    def flaky(base, design, *args, **kwargs):
        calls.append(list(design["point"]))
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(base, design, *args, **kwargs)

    monkeypatch.setattr(evaluate_module, "run_points", flaky)
    with pytest.raises(KeyboardInterrupt):
        run_sweep(plan, workers=1)
    assert not out.exists() and len(list(plan.work_path.glob("batch-*.parquet"))) == 2
    with pytest.raises(ResultsError, match="--resume"):
        run_sweep(plan, workers=1)
    calls.clear()
    result = run_sweep(plan, workers=1, resume=True)
    assert calls == [[2], [3]] and result.resumed_points == 2
    assert not plan.work_path.exists()
    monkeypatch.setattr(evaluate_module, "run_points", real)
    straight = run_sweep(plan_sweep(collab, "x", dims, replications=3, out=tmp_path / "straight"), workers=1)
    pd.testing.assert_frame_equal(
        pd.read_parquet(result.folder / "sweep.parquet"), pd.read_parquet(straight.folder / "sweep.parquet")
    )


def test_lhs_design_is_reproducible_and_in_range():
    dims = [Dimension("diffusion.q", 0.1, 0.3), Dimension("insurer.demand_threshold", 1, 5, "int")]
    a, b = lhs_design(dims, 12, 7), lhs_design(dims, 12, 7)
    pd.testing.assert_frame_equal(a, b)
    assert a["diffusion.q"].between(0.1, 0.3).all() and set(a["insurer.demand_threshold"]) <= {1, 2, 3, 4, 5}
    assert not a.equals(lhs_design(dims, 12, 8))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "facilitation.budget=0:1",
            r"unknown parameter 'facilitation.budget'; did you mean 'facilitation.budget_eur_per_year'\? "
            r"Allowed in 'facilitation'",
        ),
        ("innovation.uptake.hospitl=0:1", r"did you mean 'innovation.uptake.hospital'"),
        ("diffusion.q=0.5:0.1", r"LOW 0.5 is greater than HIGH 0.1"),
        ("diffusion.q=0:60", r"field 'diffusion.q': Input should be less than or equal to 50"),
        ("diffusion.q=a:b", r"'a' is not a number"),
        ("insurer.reimburses=0:1", r"takes true or false"),
        ("innovation.name=0:1", r"not a number or true/false and cannot be varied"),
        ("diffusion.q=0:1:1", r"STEPS 1 must be at least 2"),
        ("diffusion.q", r"expected NAME=LOW:HIGH"),
    ],
)
def test_bad_ranges_are_named(collab, spec, message):
    with pytest.raises(ScenarioError, match=message):
        parse_ranges([spec], collab)


def test_cli_sweep_error_is_one_line_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["sweep", str(COLLAB), "--vary", "diffusion.qq=0:1", "-q"])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "did you mean 'diffusion.q'" in result.output
    assert not (tmp_path / "results").exists()
    result = CliRunner().invoke(app, ["sweep", str(COLLAB), "--vary", "diffusion.q=0.3:0.1", "-q"])
    assert result.exit_code == 2 and "LOW 0.3 is greater than HIGH 0.1" in result.output


def test_cli_sweep_runs_and_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = [
        "sweep",
        str(COLLAB),
        "--vary",
        "diffusion.q=0.2:0.4:2",
        "--design",
        "grid",
        "-n",
        "2",
        "--months",
        "6",
        "-w",
        "1",
        "-q",
    ]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    folders = list((tmp_path / "results").iterdir())
    assert len(folders) == 1 and (folders[0] / "sweep.parquet").is_file()
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 2 and "already exists" in again.output
    assert np.isfinite(pd.read_csv(folders[0] / "points.csv")["patients_final"]).all()
