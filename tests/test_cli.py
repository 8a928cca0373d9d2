"""The command line: results folders, never overwriting, and one-line errors with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from tests.conftest import SCENARIOS
from typer.testing import CliRunner

from diffusion_sim.cli import app

runner = CliRunner()
ISO = str(SCENARIOS / "zuidwest-isolated.toml")
COL = str(SCENARIOS / "zuidwest-collaborative.toml")


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_run_writes_a_complete_folder(tmp_path):
    out = tmp_path / "iso"
    res = invoke("run", ISO, "-n", "4", "--months", "18", "--out", str(out), "-w", "1", "-q")
    assert res.exit_code == 0, res.output
    for f in ("summary.csv", "summary.parquet", "monthly.csv", "monthly.parquet", "states.parquet",
              "org_events.parquet", "organisations.csv", "manifest.json"):
        assert (out / f).is_file(), f
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["replication"]) == [0, 1, 2, 3]
    monthly = pd.read_csv(out / "monthly.csv")
    assert len(monthly) == 4 * 19
    meta = json.loads((out / "manifest.json").read_text())
    assert meta["replications"] == 4 and meta["months"] == 18
    assert meta["scenarios"]["isolated"]["parameters"]["simulation"]["months"] == 18
    assert set(meta["files"]) >= {"summary.csv", "states.parquet"}
    assert "Additional patients" in res.output
    assert not list(tmp_path.glob(".*tmp*")), "no temporary folder left behind"


def test_existing_folder_is_never_overwritten(tmp_path):
    out = tmp_path / "iso"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    res = invoke("run", ISO, "-n", "2", "--months", "6", "--out", str(out), "-q")
    assert res.exit_code == 2
    assert "already exists" in res.output
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_compare_pairs_replications_and_is_worker_independent(tmp_path):
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"cmp{workers}"
        res = invoke("compare", ISO, COL, "-n", "24", "--months", "24", "--out", str(out), "-w", workers, "-q",
                     "--no-report")
        assert res.exit_code == 0, res.output
        outs.append(out)
    a = pd.read_parquet(outs[0] / "summary.parquet")
    b = pd.read_parquet(outs[1] / "summary.parquet")
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(pd.read_parquet(outs[0] / "states.parquet"), pd.read_parquet(outs[1] / "states.parquet"))
    paired = pd.read_csv(outs[0] / "paired.csv")
    assert set(paired["scenario"]) == {"collaborative"} and len(paired) == 24
    iso = a[a.scenario == "isolated"].set_index("replication")
    col = a[a.scenario == "collaborative"].set_index("replication")
    diff = (col["patients_final"] - iso["patients_final"]).to_numpy()
    assert (paired.sort_values("replication")["patients_final"].to_numpy() == diff).all()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


BAD = {
    "malformed": ('extends = "zuidwest-base.toml"\n[simulation\nmonths = 3\n', "malformed TOML"),
    "unknown_key": ('[diffusion]\nqq = 0.3\n', "unknown field 'diffusion.qq'; did you mean 'q'?"),
    "unknown_section": ('[facilitaton]\nbudget_eur_per_year = 1\n', "did you mean 'facilitation'?"),
    "wrong_type": ('[simulation]\nmonths = "sixty"\n', "field 'simulation.months'"),
    "probability": ('[innovation]\nimplementation_failure = 1.5\n',
                    "field 'innovation.implementation_failure': Input should be less than or equal to 1"),
    "negative_budget": ('[facilitation]\nbudget_eur_per_year = -5\n', "field 'facilitation.budget_eur_per_year'"),
    "zero_horizon": ('[simulation]\nmonths = 0\n', "field 'simulation.months': Input should be greater than or equal to 1"),
    "negative_count": ('[network]\npeer_ties = -1\n', "field 'network.peer_ties'"),
    "per_type_key": ('[innovation.uptake]\nhospitl = 0.3\n', "did you mean 'hospital'?"),
    "missing_extends": ('extends = "nowhere.toml"\n', "nowhere.toml: file not found"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_one_line_exit_2_nothing_written(tmp_path, case):
    text, message = BAD[case]
    path = write(tmp_path, f"{case}.toml", text)
    out = tmp_path / "out"
    res = invoke("run", str(path), "-n", "2", "--out", str(out), "-q")
    assert res.exit_code == 2, res.output
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1, res.output
    assert message in lines[0]
    assert str(path) in lines[0] or "nowhere.toml" in lines[0]
    assert "Traceback" not in res.output
    assert not out.exists()


def test_circular_extends(tmp_path):
    write(tmp_path, "a.toml", 'extends = "b.toml"\n')
    b = write(tmp_path, "b.toml", 'extends = "a.toml"\n')
    res = invoke("run", str(b), "--out", str(tmp_path / "o"), "-q")
    assert res.exit_code == 2
    assert "circular" in res.output and "Traceback" not in res.output


def test_missing_file_and_bad_set(tmp_path):
    res = invoke("run", str(tmp_path / "none.toml"), "-q")
    assert res.exit_code == 2 and "file not found" in res.output
    res = invoke("run", ISO, "--set", "diffusion.qq=0.3", "--out", str(tmp_path / "o"), "-q")
    assert res.exit_code == 2 and "--set: unknown parameter 'diffusion.qq'; did you mean 'diffusion.q'?" in res.output
    res = invoke("run", ISO, "--set", "diffusion.q=-1", "--out", str(tmp_path / "o"), "-q")
    assert res.exit_code == 2 and "diffusion.q" in res.output
    assert not (tmp_path / "o").exists()


def test_bad_region_is_one_line_naming_the_file(tmp_path):
    path = write(tmp_path, "r.toml", f'extends = "{SCENARIOS / "zuidwest-base.toml"}"\n[region]\npreset = "rotterdam"\n')
    res = invoke("run", str(path), "-n", "2", "--out", str(tmp_path / "o"), "-q")
    assert res.exit_code == 2
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and str(path) in lines[0] and "rotterdam-rijnmond" in lines[0]
    path = write(tmp_path, "o.toml", f'extends = "{SCENARIOS / "zuidwest-base.toml"}"\n[region]\npreset = "rotterdam-rijnmond"\n')
    res = invoke("run", str(path), "-n", "2", "--out", str(tmp_path / "o"), "-q")
    assert res.exit_code == 2 and "origin.municipality" in res.output and "GM" in res.output
    assert not (tmp_path / "o").exists()


def test_set_error_shows_the_given_value(tmp_path):
    res = invoke("run", ISO, "--set", "innovation.implementation_failure=1.5", "--out", str(tmp_path / "o"), "-q")
    assert res.exit_code == 2 and "got 1.5" in res.output
