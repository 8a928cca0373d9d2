"""Every number a scenario or the command line takes has finite, realistic limits, refused in one line (issue 18, item 5).

The schema is the one place the limits live: a numeric field without an upper bound let organisations.per_100k =
1e6 build 11 million organisations, clients_per_100k = inf write NaN for every patient outcome and a seed of 2**64
run the whole study before Parquet refused it. Options that set a schema field take its limits from there.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import SCENARIOS
from typer.testing import CliRunner

from diffusion_sim import innovations
from diffusion_sim.api import run_model
from diffusion_sim.cli import app
from diffusion_sim.cli.common import WORKERS_MAX
from diffusion_sim.draws import profile_posterior
from diffusion_sim.errors import ScenarioError
from diffusion_sim.params import ORG_TYPES, SEED_MAX, Params, bounds, change, names
from diffusion_sim.results import read_results
from diffusion_sim.scenario import json_schema, load_scenario

runner = CliRunner()
ISO = str(SCENARIOS / "zuidwest-isolated.toml")
COL = str(SCENARIOS / "zuidwest-collaborative.toml")
UNCERTAIN = str(SCENARIOS / "zuidwest-collaborative-uncertain.toml")
# population.distributions.* are distributions (Prior), whose ends are exempt below for the same reason
NUMERIC = [name for name, kind in names().items()
           if kind in ("float", "int") and not name.startswith("population.distributions.")]

# Numbers in the scenario format that have no bound of their own, each with the reason it needs none.
EXEMPT = {
    ("Prior", "low"): "a prior's ends are values (or factors) of the parameter it belongs to: draws are truncated to "
                      "that parameter's bounds, and Prior refuses ends that are not finite",
    ("Prior", "high"): "as low",
    ("Prior", "mode"): "must lie between low and high (Prior checks it)",
}


def _numeric_properties(schema: dict) -> list[tuple[str, str, dict]]:
    """(owner, field, property) of every number or whole number in the JSON schema, in its $defs and at the top."""
    out = []
    for owner, node in [("Params", schema), *schema["$defs"].items()]:
        for field, prop in node.get("properties", {}).items():
            parts = [prop, *prop.get("anyOf", [])]
            if any(p.get("type") in ("number", "integer") for p in parts):
                out.append((owner, field, prop))
    return out


def test_every_number_of_the_scenario_format_has_finite_limits_or_a_reason():
    found = _numeric_properties(json_schema())
    assert len(found) > 60, "the walk over the schema found its numbers"
    for owner, field, prop in found:
        parts = [prop, *prop.get("anyOf", [])]
        low = [p.get("minimum", p.get("exclusiveMinimum")) for p in parts if {"minimum", "exclusiveMinimum"} & p.keys()]
        high = [p.get("maximum", p.get("exclusiveMaximum")) for p in parts if {"maximum", "exclusiveMaximum"} & p.keys()]
        if (owner, field) in EXEMPT:
            assert not high, f"{owner}.{field} is exempt but bounded: drop it from EXEMPT"
            continue
        assert low and high, f"{owner}.{field} has no {'lower' if not low else 'upper'} bound; give it a realistic one"
        assert all(math.isfinite(x) for x in low + high)


@pytest.mark.parametrize("name", NUMERIC)
def test_every_numeric_parameter_refuses_what_lies_beyond_its_limits(name):
    low, high = bounds(name)
    assert math.isfinite(low) and math.isfinite(high) and low < high, name
    integer = names()[name] == "int"
    for value in (high + 1 if integer else high * 2 + 1, float("nan"), float("inf"), -float("inf"), 1e300):
        with pytest.raises(ScenarioError, match=rf"^--set: field '{re.escape(name)}': ") as err:
            change(Params(), {name: value}, source="--set")
        assert "\n" not in str(err.value)


def test_the_bounds_themselves_build_a_region_and_run():
    """Each new limit is a value the model can run with: the largest region rates, clients, spreads, euros, months."""
    values = {"region.municipalities": ["GM0664", "GM0687"], "simulation.months": 13, "simulation.seed": SEED_MAX}
    for block in ("organisations.per_100k", "organisations.clients_per_100k", "organisations.size_sigma",
                  "organisations.financial_room_eur", "innovation.implementation_cost_eur", "innovation.implementation_months"):
        values.update({f"{block}.{t}": bounds(f"{block}.{t}")[1] for t in ORG_TYPES})
    for name in ("region.hospitals_per_100k", "barriers.fit_scale_patients", "insurer.demand_threshold",
                 "origin.demonstration_radius_km", "innovation.complexity_factor.complicated"):
        values[name] = bounds(name)[1]
    out = run_model(**values, replications=2)
    assert np.isfinite(out["patients_final"]) and np.isfinite(out["total_cost_eur"])


def test_the_largest_seed_runs_and_is_written(tmp_path):
    """The seed's limit is the largest int64, what the results' Parquet tables hold: a run with it is written whole."""
    assert SEED_MAX == np.iinfo(np.int64).max
    res = runner.invoke(app, ["run", ISO, "--seed", str(SEED_MAX), "-n", "2", "--months", "3", "-w", "1", "-q",
                              "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    assert load_scenario(ISO, {"simulation.seed": SEED_MAX}).simulation.seed == SEED_MAX
    written = read_results(tmp_path / "o")
    assert written.manifest["seed"] == SEED_MAX and (written.summary["seed"] == SEED_MAX).all()


def _one_line(res) -> str:
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in res.output, res.output
    return lines[0]


@pytest.mark.parametrize("args, message", [
    (["--set", "organisations.per_100k.gp_practice=1e6"], "field 'organisations.per_100k.gp_practice': Input should be "
                                                          "less than or equal to 500"),
    (["--set", "organisations.per_100k.gp_practice=inf"], "Input should be a finite number, got inf"),
    (["--set", "organisations.per_100k.gp_practice=1e300"], "less than or equal to 500"),
    (["--set", "organisations.clients_per_100k.hospital=inf"], "field 'organisations.clients_per_100k.hospital': Input "
                                                               "should be a finite number"),
    (["--set", "diffusion.q=nan"], "field 'diffusion.q': Input should be a finite number, got nan"),
    (["--set", "innovation.implementation_cost_eur.hospital=1e9"], "less than or equal to 10000000"),
    (["--set", "insurer.demand_threshold=100000"], "field 'insurer.demand_threshold': Input should be less than or equal "
                                                   "to 10000"),
    (["--seed", str(2**64)], "--seed: field 'simulation.seed': Input should be less than or equal to 9223372036854775807"),
    (["--seed", "-1"], "--seed: field 'simulation.seed': Input should be greater than or equal to 0"),
    (["--months", "0"], "--months: field 'simulation.months': Input should be greater than or equal to 1"),
    (["--months", "601"], "--months: field 'simulation.months': Input should be less than or equal to 600"),
    (["-n", "0"], "--replications 0: must be between 1 and 1,000,000"),
    (["-n", "2000000"], "--replications 2000000: must be between 1 and 1,000,000"),
    (["-w", "0"], f"--workers 0: must be between 1 and {WORKERS_MAX}"),
    (["-w", "100000"], f"--workers 100000: must be between 1 and {WORKERS_MAX}"),
])
def test_run_refuses_each_limit_in_one_line_before_computing(tmp_path, monkeypatch, args, message):
    monkeypatch.setattr("diffusion_sim.studies.compare.run_all", lambda *a, **k: pytest.fail("computed"))
    for command in (["run", ISO], ["compare", ISO, COL]):
        res = runner.invoke(app, [*command, *args, "--out", str(tmp_path / "o"), "-q"])
        assert res.exit_code == 2, res.output
        assert message in _one_line(res)
        assert not (tmp_path / "o").exists() and not any(tmp_path.iterdir())


@pytest.mark.parametrize("args, message", [
    (["explore", ISO, COL, "-n", "0"], "--replications 0: must be between 1 and 1,000,000"),
    (["explore", ISO, COL, "-n", "1000001"], "--replications 1000001: must be between 1 and 1,000,000"),
    (["explore", ISO, COL, "-w", "1000"], f"--workers 1000: must be between 1 and {WORKERS_MAX}"),
    (["explore", ISO, COL, "--months", "0"], "--months: field 'simulation.months'"),
    (["validate", "--draws", "0"], "--draws 0: must be between 1 and 1,000,000"),
    (["validate", "--draws", "400000"], "--draws 400000 x --replications 3: 1,200,000 runs, more than the 1,000,000"),
    (["validate", "--seed", str(2**63)], "--seed: field 'simulation.seed': Input should be less than or equal to"),
    (["validate", "--check-month", "601"], "--check-month: field 'insurer.fixed_start_month'"),
    (["validate", "--tolerance", "nan"], "--tolerance nan: must be a number from 0 to 1000"),
    (["validate", "--tolerance", "-1"], "--tolerance -1: must be a number from 0 to 1000"),
    (["validate", "--ec-factor", "inf"], "--ec-factor inf: must be a number from 1 to 1e+06"),
    (["validate", "--inventory-margin", "2"], "--inventory-margin 2: must be a number from 0 to 1"),
    (["validate", "-w", "0"], "--workers 0: must be between 1 and"),
    (["sweep", ISO, "--vary", "diffusion.q=0:1", "--design", "lhs", "--samples", "1000000000"],
     "--samples 1000000000: must be between 2 and 100,000"),
    (["sweep", ISO, "--vary", "diffusion.q=0:1", "--seed", str(2**64)], "--seed: field 'simulation.seed'"),
    (["sensitivity", UNCERTAIN, "--samples", "100000"], "--samples 100000: must be between 2 and 4,096"),
    (["sensitivity", UNCERTAIN, "--max-samples", "1"], "--max-samples 1: must be between 2 and 4,096"),
    (["sensitivity", UNCERTAIN, "--top", "0"], "--top 0: must be between 1 and"),
    (["sensitivity", UNCERTAIN, "-n", "0"], "--replications 0: must be between 1 and 1,000,000"),
    (["calibrate", ISO, "--target", "spread_beyond_origin=0.3", "--fit", "diffusion.q=0:1", "-n", "1"],
     "--replications 1: must be between 2 and 1,000,000"),
    (["calibrate", ISO, "--target", "spread_beyond_origin=0.3", "--fit", "diffusion.q=0:1", "--check", "10000000"],
     "--check 10000000: must be between 2 and 1,000,000"),
    (["calibrate", ISO, "--target", "spread_beyond_origin=0.3", "--fit", "diffusion.q=0:1", "--maxiter", "0"],
     "--maxiter 0: must be between 1 and 1,000"),
    (["calibrate", ISO, "--target", "spread_beyond_origin=0.3", "--fit", "diffusion.q=0:1", "--popsize", "100000"],
     "--popsize 100000: must be between 2 and 1,000"),
    (["what-it-takes", COL, "--claim", "adoption_target", "--budget", "0"], "--budget 0: must be between 1 and 1,000,000"),
    (["what-it-takes", COL, "--claim", "adoption_target", "--confirm", "1"], "--confirm 1: must be between 2 and"),
    (["what-it-takes", COL, "--claim", "adoption_target", "--seed", "-1"], "--seed: field 'simulation.seed'"),
    (["regions", ISO, "--region", "zuidwest", "-w", "257"], "--workers 257: must be between 1 and"),
])
def test_every_command_takes_its_limits_from_the_schema_in_one_line(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)  # a default results folder would appear here
    monkeypatch.setattr("diffusion_sim.executors.run_all", lambda *a, **k: pytest.fail("computed"))
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    assert message in _one_line(res)
    assert not any(tmp_path.iterdir()), "nothing is written"


def test_a_prior_wholly_outside_its_parameters_range_is_refused(tmp_path):
    """Draws are truncated to the range, so such a prior made every draw the range's limit, silently (q = 50 each time)."""
    path = tmp_path / "prior.toml"
    path.write_text(f'extends = "{ISO}"\n[uncertain."diffusion.q"]\nlow = 1e300\nhigh = 1e308\nsource = "x"\n')
    with pytest.raises(ScenarioError, match=r"field 'uncertainty.priors': the prior of 'diffusion.q' \(1e\+300 to 1e\+308\) "
                                            r"lies wholly outside its allowed range \(0 to 50\)"):
        load_scenario(path)
    path.write_text(f'extends = "{ISO}"\n[uncertain."diffusion.q"]\nlow = 40\nhigh = 80\nsource = "x"\n')
    assert load_scenario(path).uncertainty.priors["diffusion.q"].high == 80  # partly inside: truncated, as documented


@pytest.mark.parametrize("bad", ["inf", "nan", "1e6"])
def test_a_posterior_with_a_value_out_of_range_is_refused_whole_before_any_draw(tmp_path, bad):
    """One bad row used to stop a run only when a replication drew it, after the work before it."""
    shipped = Path(innovations.__file__).with_name("heart-failure-telemonitoring.posterior.csv")
    rows = shipped.read_text().splitlines()
    column = rows[0].split(",").index("innovation.ramp_months")
    cells = rows[7].split(",")
    cells[column] = bad
    rows[7] = ",".join(cells)
    raw = ("\n".join(rows) + "\n").encode()
    (tmp_path / "post.csv").write_bytes(raw)
    meta = json.loads(shipped.with_suffix(".json").read_text()) | {"sha256": hashlib.sha256(raw).hexdigest()}
    (tmp_path / "post.json").write_text(json.dumps(meta))
    scenario = tmp_path / "post.toml"
    scenario.write_text(f'extends = "{ISO}"\n[uncertainty]\nposterior_file = "post.csv"\n')
    shown = re.escape(f"{float(bad):g}")
    with pytest.raises(ScenarioError, match=rf"posterior_file': .*post.csv: row 7: innovation.ramp_months = {shown} "
                                            r"is outside its allowed range \(0 to 120\)"):
        profile_posterior(load_scenario(scenario))
    res = runner.invoke(app, ["run", str(scenario), "-n", "4", "--months", "3", "-w", "1", "-q", "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "row 7: innovation.ramp_months" in _one_line(res)
    assert not (tmp_path / "o").exists()
