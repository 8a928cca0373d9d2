"""The shipped heart-failure posterior: it loads, matches its hash, reproduces its recorded fit, and scenarios draw from it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import SCENARIOS
from typer.testing import CliRunner

from diffusion_sim.analysis.validation import CHAIN_UPTAKE_RATIO, FACTS, interval
from diffusion_sim.cli import app
from diffusion_sim.draws import draw_values
from diffusion_sim.errors import ScenarioError
from diffusion_sim.innovations import posterior, profile_data, read_posterior
from diffusion_sim.params import change
from diffusion_sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
PROFILE = "heart-failure-telemonitoring"
SHIPPED = ROOT / "src" / "diffusion_sim" / "innovations" / f"{PROFILE}.posterior.csv"
DOCS = ROOT / "docs" / "validation"


def test_the_shipped_posterior_loads_with_its_provenance_and_is_the_documented_one():
    sample = posterior(PROFILE)
    assert sample is not None and len(sample.rows) == sample.provenance["accepted"] >= 300
    assert sample.parameters[0] == "innovation.uptake.hospital"  # the fitted one first, tied ones last
    p = sample.provenance
    assert p["profile"] == PROFILE and p["seed"] == 20261125 and "rejection" in p["method"]
    assert [f["fact"] for f in p["facts"]] == [f["fact"] for f in FACTS]
    assert {d["name"] for d in p["priors"]} >= {"innovation.uptake.hospital", "origin.early_adopter_share"}
    # the copy in docs/validation is the same file, byte for byte (what the validation page describes)
    assert (DOCS / "posterior.csv").read_bytes() == SHIPPED.read_bytes()
    assert json.loads((DOCS / "posterior.json").read_text()) == p


def test_the_posterior_reproduces_its_recorded_fit_statistics():
    sample = posterior(PROFILE)
    for name, recorded in sample.provenance["fit_statistics"].items():
        values = np.array([row[name] for row in sample.rows])
        again = interval(values)
        assert again["n"] == recorded["n"]
        for key in ("median", "q05", "q95"):
            assert again[key] == pytest.approx(recorded[key], rel=1e-12), (name, key)
    # every row lies in the prior; chain partners are tied to the hospital as recorded
    priors = {d["name"]: d for d in sample.provenance["priors"]}
    for row in sample.rows:
        for name, value in row.items():
            if name in priors:
                assert priors[name]["low"] <= value <= priors[name]["high"]
        for org_type, ratio in CHAIN_UPTAKE_RATIO.items():
            assert row[f"innovation.uptake.{org_type}"] == pytest.approx(row["innovation.uptake.hospital"] * ratio)


def test_the_profile_central_values_are_the_posterior_medians():
    stats = posterior(PROFILE).provenance["fit_statistics"]
    profile = profile_data(PROFILE)
    for org_type in ("hospital", "gp_practice", "home_care"):
        assert profile["uptake"][org_type] == pytest.approx(stats[f"innovation.uptake.{org_type}"]["median"], abs=0.001)
    assert profile["ramp_months"] == pytest.approx(stats["innovation.ramp_months"]["median"], abs=0.5)


def test_a_changed_byte_or_another_profile_is_refused():
    raw = SHIPPED.read_bytes()
    meta = SHIPPED.with_suffix(".json").read_text(encoding="utf-8")
    edited = raw.replace(b"0.0", b"0.1", 1)
    with pytest.raises(ValueError, match="SHA-256"):
        read_posterior(PROFILE, edited, meta, where="x.csv")
    with pytest.raises(ValueError, match="not 'copd-remote-monitoring'"):
        read_posterior("copd-remote-monitoring", raw, meta, where="x.csv")


def test_zuidwest_scenarios_draw_the_profile_from_the_posterior_and_may_hold_a_value():
    params = load_scenario(SCENARIOS / "zuidwest-collaborative.toml")
    rows = {round(row["innovation.uptake.hospital"], 15) for row in posterior(PROFILE).rows}
    seen = set()
    for r in range(0, 60, 2):
        values = draw_values(params, r)
        assert round(values["innovation.uptake.hospital"], 15) in rows
        seen.add(values["innovation.uptake.hospital"])
    assert len(seen) > 20  # different rows for different draws
    held = change(params, {"uncertainty.fixed": ("innovation.uptake.hospital",)})
    assert "innovation.uptake.hospital" not in draw_values(held, 4)
    assert "innovation.ramp_months" in draw_values(held, 4)


def test_a_scenario_may_name_its_own_posterior_file(tmp_path):
    shutil.copy(SHIPPED, tmp_path / "mine.csv")
    shutil.copy(SHIPPED.with_suffix(".json"), tmp_path / "mine.json")
    path = tmp_path / "own.toml"
    path.write_text(f'extends = "{(SCENARIOS / "zuidwest-isolated.toml").as_posix()}"\n'
                    '[uncertainty]\nposterior_file = "mine.csv"\n', encoding="utf-8")
    params = load_scenario(path)
    assert draw_values(params, 6) == draw_values(load_scenario(SCENARIOS / "zuidwest-isolated.toml"), 6)


@pytest.mark.parametrize("setup, message", [
    ("missing", "no such file"),
    ("other", "not 'heart-failure-telemonitoring'"),
    ("edited", "SHA-256"),
])
def test_a_bad_posterior_file_is_one_line_exit_2_and_writes_nothing(tmp_path, setup, message):
    if setup != "missing":
        data = SHIPPED.read_bytes()
        meta = json.loads(SHIPPED.with_suffix(".json").read_text(encoding="utf-8"))
        if setup == "other":
            meta["profile"] = "copd-remote-monitoring"
        else:
            data = data.replace(b"0.0", b"0.1", 1)
        (tmp_path / "post.csv").write_bytes(data)
        (tmp_path / "post.json").write_text(json.dumps(meta), encoding="utf-8")
    path = tmp_path / "bad.toml"
    path.write_text(f'extends = "{(SCENARIOS / "zuidwest-isolated.toml").as_posix()}"\n'
                    '[uncertainty]\nposterior_file = "post.csv"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="uncertainty.posterior_file"):
        load_scenario(path)
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["run", str(path), "-n", "2", "--months", "6", "--out", str(out), "-q"])
    assert res.exit_code == 2 and message in res.output and "bad.toml" in res.output
    assert res.output.strip().count("\n") == 0 and not out.exists()
