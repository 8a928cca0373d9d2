from pathlib import Path

import numpy as np
import pytest
from SALib.test_functions import Ishigami
from typer.testing import CliRunner

from diffusion_sim.analysis.sensitivity import analyse
from diffusion_sim.analysis.space import Dimension, uncertain_dimensions
from diffusion_sim.cli import app
from diffusion_sim.errors import ScenarioError
from diffusion_sim.publish.analysis_figures import tornado
from diffusion_sim.scenario import load_scenario
from diffusion_sim.studies.sensitivity import run_sensitivity

ROOT = Path(__file__).resolve().parents[1]
UNCERTAIN = ROOT / "scenarios" / "zuidwest-collaborative-uncertain.toml"


def toy(X):
    """Known answer: b matters most (4 b^2), then c, then a, and d not at all; plus a little noise."""
    rng = np.random.default_rng(0)
    return {"y": 0.5 * X[:, 0] + 4 * X[:, 1] ** 2 + 1.0 * X[:, 2] + 0 * X[:, 3] + 0.01 * rng.standard_normal(len(X))}


def test_morris_ranks_the_known_influential_parameter_first():
    dims = [Dimension(n, 0, 1) for n in "abcd"]
    result = analyse(dims, toy, ["y"], "morris", seed=11)
    ranked = list(result.indices["parameter"])
    assert ranked == ["b", "c", "a", "d"]
    assert result.converged
    top = result.indices.iloc[0]
    assert top["mu_star"] - top["mu_star_conf"] > result.indices.iloc[1]["mu_star"] + result.indices.iloc[1]["mu_star_conf"]


def test_sobol_reproduces_ishigami_indices_and_grows_until_ranked():
    dims = [Dimension(f"x{i}", -np.pi, np.pi) for i in range(3)]
    result = analyse(dims, lambda X: {"y": Ishigami.evaluate(X)}, ["y"], "sobol", start=256, max_size=1024, seed=5)
    si = result.indices.set_index("parameter").loc[["x0", "x1", "x2"]]
    # analytic values (Ishigami, a=7, b=0.1) lie within the reported 95% intervals
    for index, truth in (("ST", [0.5576, 0.4424, 0.2437]), ("S1", [0.3139, 0.4424, 0.0])):
        assert (np.abs(si[index] - truth) <= si[f"{index}_conf"] + 0.01).all(), si
    assert list(result.indices["parameter"]) == ["x0", "x1", "x2"] and result.converged
    assert list(result.rounds["size"]) == sorted(result.rounds["size"]) and len(result.rounds) >= 2


def test_the_uncertain_table_gives_priors_and_changes_no_value():
    with_ranges = load_scenario(UNCERTAIN)
    plain = load_scenario(ROOT / "scenarios" / "zuidwest-collaborative.toml")
    skip = {"description": True, "uncertainty": {"priors"}}
    assert with_ranges.model_dump(exclude=skip) == plain.model_dump(exclude=skip)
    assert with_ranges.uncertainty.priors["diffusion.q"].low == 0.15 and not plain.uncertainty.priors
    dims = uncertain_dimensions(UNCERTAIN, with_ranges)
    assert len(dims) >= 10 and all(d.source and d.low < d.high for d in dims)
    assert {d.name for d in dims} >= {"barriers.financial_weight", "barriers.knowhow_weight", "barriers.staff_weight"}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('[uncertain."diffusion.q"]\nlow = 0.1\nhigh = 0.3\n', r"missing 'source'"),
        (
            '[uncertain."diffusion.q"]\nlow = 0.1\nhigh = 0.3\nsource = "x"\nhihg = 1\n',
            r"unknown key 'hihg'; did you mean 'high'\?",
        ),
        (
            '[uncertain."diffusion.qq"]\nlow = 0.1\nhigh = 0.3\nsource = "x"\n',
            r"unknown parameter 'diffusion.qq'; did you mean 'diffusion.q'\?",
        ),
        ('[uncertain."diffusion.q"]\nlow = 0.3\nhigh = 0.1\nsource = "x"\n', r"low 0.3 is greater than high 0.1"),
        ('[uncertain."diffusion.q"]\nlow = "a"\nhigh = 0.1\nsource = "x"\n', r"'low' must be a number"),
        (
            '[uncertain."barriers.fit_weight"]\nlow = 0.5\nhigh = 2\nsource = "x"\n',
            r"field 'barriers.fit_weight'.*less than or equal to 1",
        ),
        ("[uncertain]\nx = 1\n", r"must be a table"),
    ],
)
def test_bad_uncertain_entries_are_one_clear_line(tmp_path, entry, message):
    path = tmp_path / "s.toml"
    path.write_text(f'extends = "{ROOT / "scenarios" / "zuidwest-collaborative.toml"}"\n{entry}', encoding="utf-8")
    with pytest.raises(ScenarioError, match=message) as info:  # refused where the scenario is read, or where the range is used
        uncertain_dimensions(path, load_scenario(path))
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_morris_on_the_model_writes_indices_and_tornado(tmp_path):
    base = load_scenario(UNCERTAIN, {"simulation.months": 12})
    dims = [
        Dimension("diffusion.q", 0.15, 0.5),
        Dimension("facilitation.support_decision_odds_ratio", 1.0, 2.76),
        Dimension("innovation.ramp_months", 12, 24),
    ]
    result = run_sensitivity(
        base,
        str(UNCERTAIN),
        dims,
        tmp_path / "sa",
        "morris",
        ["patients_12m", "months_to_70pct"],
        replications=3,
        start=4,
        max_size=4,
        draw=tornado,
    )
    names = {p.name for p in (tmp_path / "sa").iterdir()}
    assert {"indices.csv", "design.parquet", "rounds.csv", "tornado-morris.png", "manifest.json"} <= names
    idx = result.indices
    # 70% is never reached within 12 months: censored at 13 everywhere, so no variation and a note says so
    assert (idx.loc[idx["outcome"] == "months_to_70pct", "mu_star"] == 0).all()
    assert any("months_to_70pct" in n and "same value" in n for n in result.notes)
    # a longer ramp can only slow the first year's enrolment
    ramp = idx[(idx["outcome"] == "patients_12m") & (idx["parameter"] == "innovation.ramp_months")].iloc[0]
    assert ramp["mu"] <= 0


def test_cli_sensitivity_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bad = CliRunner().invoke(app, ["sensitivity", str(UNCERTAIN), "--method", "fast", "-q"])
    assert bad.exit_code == 2 and "allowed: morris, sobol" in bad.output
    none = CliRunner().invoke(app, ["sensitivity", str(ROOT / "scenarios" / "zuidwest-isolated.toml"), "-q"])
    assert none.exit_code == 2 and "no [uncertain] table" in none.output
    out = CliRunner().invoke(app, ["sensitivity", str(UNCERTAIN), "--outcome", "patients_13m", "-q"])
    assert out.exit_code == 2 and "allowed: patients_12m" in out.output
    assert not (tmp_path / "results").exists()
