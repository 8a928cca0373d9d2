import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from diffusion_sim.analysis.calibrate import parse_targets, reached
from diffusion_sim.analysis.space import Dimension, apply
from diffusion_sim.cli import app
from diffusion_sim.errors import ResultsError, ScenarioError
from diffusion_sim.outcomes import point_outcomes
from diffusion_sim.scenario import load_scenario
from diffusion_sim.studies.calibrate import calibrate, fitted_scenario_text, write_fitted_scenario
from diffusion_sim.studies.points import evaluate

ROOT = Path(__file__).resolve().parents[1]
ISOLATED = ROOT / "scenarios" / "zuidwest-isolated.toml"
REPS = 12


@pytest.fixture(scope="module")
def short():
    return load_scenario(ISOLATED, {"simulation.months": 24})


def simulated_target(base, name, value, outcome):
    """'Observed' data: the model's own mean outcome at a known parameter value."""
    import pandas as pd

    dim = Dimension(name, value, value)
    design = pd.DataFrame({"point": [0], name: [value]})
    tidy = evaluate(base, design, [dim], REPS)
    return float(point_outcomes(tidy, base.simulation.months)[outcome].iloc[0])


def test_calibration_recovers_a_known_parameter(short):
    # patients reached grow steadily with hospital uptake, so with common random numbers the loss has one clear minimum
    truth = 0.3
    target = simulated_target(short, "innovation.uptake.hospital", truth, "patients_final")
    dims = [Dimension("innovation.uptake.hospital", 0.05, 0.8)]
    result = calibrate(short, dims, {"patients_final": target}, replications=REPS, check_replications=12, maxiter=8, popsize=6)
    assert abs(result.fitted["innovation.uptake.hospital"] - truth) < 0.05, result.history.sort_values("loss").head()
    row = result.fit.iloc[0]
    assert abs(row["fitted_value"] - target) / target < 0.05
    assert abs(row["z"]) < 4  # fresh replications agree within Monte Carlo error
    assert result.history["loss"].min() == pytest.approx(result.history.sort_values("loss")["loss"].iloc[0])


def test_fitted_file_extends_the_original_and_loads_back(short, tmp_path):
    dims = [Dimension("diffusion.q", 0.0, 0.3)]
    base = apply(short, {"diffusion.p": 0.0})
    result = calibrate(base, dims, {"spread_beyond_origin": 0.5}, replications=4, check_replications=4, maxiter=1, popsize=3)
    out = tmp_path / "fitted.toml"
    text = fitted_scenario_text(result, base, ISOLATED, out, dims, {"spread_beyond_origin": 0.5}, ["diffusion-sim", "calibrate"])
    write_fitted_scenario(text, out, result.fitted)
    loaded = load_scenario(out)
    assert loaded.diffusion.q == result.fitted["diffusion.q"]
    assert loaded.diffusion.p == 0.0 and loaded.simulation.months == 24  # the conditions of the fit are kept
    # the fit holds the other parameters at their central values; a file that drew them would undo it
    assert short.uncertainty.draws and not loaded.uncertainty.draws
    assert "z = " in text and "extends = " in text
    with pytest.raises(ResultsError, match="never overwritten"):
        write_fitted_scenario(text, out, result.fitted)


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        (["spread=0.35"], r"'spread' is not an outcome the model produces; allowed: patients_12m, "),
        (["spread_beyond_origin=lots"], r"VALUE 'lots' must be a number"),
        (["spread_beyond_origin"], r"expected NAME=VALUE"),
        ([], r"give at least one target"),
    ],
)
def test_bad_targets_are_named(specs, message):
    with pytest.raises(ScenarioError, match=message):
        parse_targets(specs)


def test_cli_calibrate_errors_write_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["calibrate", str(ISOLATED), "--out", str(tmp_path / "f.toml"), "-q"]
    bad_target = CliRunner().invoke(app, [*args, "--target", "reach=0.35", "--fit", "diffusion.q=0:0.3"])
    assert bad_target.exit_code == 2 and "'reach' is not an outcome" in bad_target.output
    bad_fit = CliRunner().invoke(app, [*args, "--target", "spread_beyond_origin=0.35", "--fit", "diffusion.qq=0:0.3"])
    assert bad_fit.exit_code == 2 and "did you mean 'diffusion.q'" in bad_fit.output
    bad_range = CliRunner().invoke(app, [*args, "--target", "spread_beyond_origin=0.35", "--fit", "diffusion.q=0.3:0"])
    assert bad_range.exit_code == 2 and "LOW 0.3 is greater than HIGH 0" in bad_range.output
    assert not (tmp_path / "f.toml").exists() and not (tmp_path / "results").exists()


def test_a_scenario_with_quotes_backslashes_and_unicode_survives_calibration(tmp_path):
    """The fitted file comes from the one TOML writer: any name or description reads back, and runs the same."""
    nasty = tmp_path / "nasty.toml"
    nasty.write_text(f'extends = "{ISOLATED.as_posix()}"\nname = "Zeeland \\"eerst\\" \\\\ ünï"\n'
                     'description = "a \\"quoted\\" description, a back\\\\slash and € 10.000"\n'
                     '[simulation]\nmonths = 18\n', encoding="utf-8")
    base = load_scenario(nasty, {"innovation.uptake.hospital": 0.1})
    dims = [Dimension("diffusion.q", 0.0, 0.3)]
    result = calibrate(base, dims, {"spread_beyond_origin": 0.5}, replications=4, check_replications=4, maxiter=1, popsize=3)
    out = tmp_path / "sub" / "fitted.toml"
    text = fitted_scenario_text(result, base, nasty, out, dims, {"spread_beyond_origin": 0.5}, ["calibrate", 'a "b"\nc'])
    write_fitted_scenario(text, out, result.fitted)
    loaded = load_scenario(out)
    suffix = "-calibrated" if result.calibrated else "-best-fit"
    assert loaded.name == f'Zeeland "eerst" \\ ünï{suffix}' and "back\\slash and € 10.000" in loaded.description
    assert loaded.innovation.uptake.hospital == 0.1  # a per-type condition of the fit, as [innovation.uptake]
    # runs as the fit ran: the fitted values, and the other parameters at their central values
    assert apply(loaded, {"name": base.name, "description": base.description}) == apply(
        base, {**result.fitted, "uncertainty.draws": False})


FAST = ["-n", "6", "--check", "6", "--maxiter", "1", "--popsize", "2", "-w", "1", "-q"]


def test_reached_needs_both_monte_carlo_error_and_closeness():
    assert reached(0.36, 0.35, 0.01) and not reached(0.40, 0.35, 0.01)  # 5 MCSE off
    assert not reached(0.667, 0.35, 0.21)  # within 3 MCSE of a noisy mean, but 90% off
    assert not reached(1.0, 0.35, 0.0) and reached(0.35, 0.35, 0.0) and not reached(float("nan"), 0.35, 0.1)


def test_a_fit_that_misses_its_target_is_not_called_calibrated(tmp_path, monkeypatch):
    """With Bass p and the origin's demonstrations at their defaults every run spreads (1 ± 0): 0.35 cannot be met."""
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["calibrate", str(ISOLATED), "--target", "spread_beyond_origin=0.35",
                                   "--fit", "diffusion.q=0:0.25", "--lang", "en", *FAST], env={"COLUMNS": "80"})
    assert res.exit_code == 1, res.output
    assert "NOT calibrated" in res.output and "Optimization terminated successfully" not in res.output
    assert "+65.0%" in res.output  # how far off, in the target's unit
    folder = next((tmp_path / "results").iterdir())
    fit = pd.read_csv(folder / "fit.csv")
    assert not fit["reached"].any() and fit["distance"].iloc[0] == pytest.approx(0.65)
    best = folder / "zuidwest-isolated-best-fit.toml"
    text = best.read_text(encoding="utf-8")
    assert text.startswith("# NOT CALIBRATED") and "MISSED, off by +0.65" in text and "CALIBRATED to" not in text
    assert load_scenario(best).name == "isolated-best-fit"
    assert not (folder / "zuidwest-isolated-calibrated.toml").exists()


def test_the_readmes_calibrate_example_runs_as_written(tmp_path, monkeypatch):
    """README's command (with fewer, shorter runs appended) in a scratch copy: twice, without a clash or an exit 2."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(x for x in readme.replace("\\\n", " ").splitlines() if x.strip().startswith("diffusion-sim calibrate"))
    args = line.split("#")[0].split()[1:]
    assert "--set" in args, "the README's example carries the settings docs/analysis.md says the fit needs"
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    for _ in range(2):
        res = CliRunner().invoke(app, [*args, *FAST, "--months", "12"])
        assert res.exit_code in (0, 1), res.output  # a short fit may miss; it must not clash with the shipped file
        assert "already exists" not in res.output
    assert len(list((tmp_path / "results").iterdir())) == 2
    assert (tmp_path / "scenarios" / "zuidwest-isolated-calibrated.toml").read_bytes() == \
        (ROOT / "scenarios" / "zuidwest-isolated-calibrated.toml").read_bytes()
