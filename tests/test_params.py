"""The one door for parameter values (params.change, get, names, differences) and the one scenario writer."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest
from tests.conftest import SCENARIOS
from typer.testing import CliRunner

from diffusion_sim.api import run_model
from diffusion_sim.cli import app
from diffusion_sim.errors import ScenarioError
from diffusion_sim.explorer.export import scenario_toml
from diffusion_sim.model import DiffusionModel
from diffusion_sim.params import Params, change, differences, get, kind, names
from diffusion_sim.scenario import load_scenario, to_toml

NASTY = 'a "quoted" name \\ with a backslash, ünïcødé and € \u2013 and\na newline'


def test_every_entry_point_accepts_the_same_names_and_values():
    """run_model, DiffusionModel(**kw) and --set all go through params.change: same names, same checks."""
    profile = change(Params(), {"innovation.profile": "copd-remote-monitoring"}).innovation
    assert profile.name.startswith("Remote monitoring for COPD")
    model = DiffusionModel(innovation__profile="copd-remote-monitoring", simulation__months=3, uncertainty__draws=False,
                           agent_views=False)
    assert model.params.innovation == profile
    direct = run_model(innovation__profile="copd-remote-monitoring", simulation__months=13)
    dotted = run_model(**{"innovation.profile": "copd-remote-monitoring", "simulation.months": 13})
    np.testing.assert_equal(direct, dotted)
    assert direct != run_model(simulation__months=13)
    for call in (lambda: run_model(diffusion__qq=0.3), lambda: DiffusionModel(diffusion__qq=0.3, agent_views=False),
                 lambda: change(Params(), {"diffusion.qq": 0.3}, source="run_model")):
        with pytest.raises(ScenarioError, match=r"unknown parameter 'diffusion.qq'; did you mean 'diffusion.q'\? "
                                                 r"Allowed in 'diffusion': diffusion.p, diffusion.q"):
            call()


def test_per_type_values_are_changed_one_type_or_the_whole_block():
    one = change(Params(), {"innovation.uptake.hospital": 0.05})
    assert one.innovation.uptake.hospital == 0.05 and one.innovation.uptake.gp_practice == Params().innovation.uptake.gp_practice
    whole = change(Params(), {"innovation.uptake": {**Params().innovation.uptake.model_dump(), "hospital": 0.05}})
    assert whole == one
    assert get(one, "innovation.uptake.hospital") == 0.05 == get(one, "innovation__uptake__hospital")
    assert kind("innovation.uptake.hospital") == "float" and kind("insurer.reimburses") == "bool"
    assert kind("facilitation.priority_types") is None and "innovation.uptake" in names()
    assert differences(Params(), one) == [("innovation.uptake.hospital", Params().innovation.uptake.hospital, 0.05)]


@pytest.mark.parametrize("changes, message", [
    ({"diffusion.q": -1}, r"run_model: field 'diffusion.q': Input should be greater than or equal to 0, got -1"),
    ({"facilitation": 3}, r"run_model: field 'facilitation'"),
    ({"nonsense": 3}, r"run_model: unknown parameter 'nonsense'; Allowed sections: barriers, diffusion"),
    ({"innovation.profile": "copd"}, r"run_model: field 'innovation.profile': unknown innovation profile 'copd'"),
])
def test_a_bad_change_is_one_line_naming_the_source_and_field(changes, message):
    with pytest.raises(ScenarioError, match=message) as err:
        change(Params(), changes, source="run_model")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("field, limit", [("name", 80), ("innovation.name", 80), ("description", 300),
                                          ("innovation.target_group", 300)])
def test_free_text_shown_in_figures_and_reports_has_a_length_limit(field, limit):
    assert get(change(Params(), {field: "n" * limit}), field) == "n" * limit
    with pytest.raises(ScenarioError) as err:
        change(Params(), {field: "n" * 5000})
    assert f"field '{field}': at most {limit} characters, got 5,000" in str(err.value)
    assert len(str(err.value)) < 200, "the error repeats the value, not all of it"


def test_seed_and_months_errors_name_their_own_option(tmp_path):
    res = CliRunner().invoke(app, ["run", str(SCENARIOS / "zuidwest-isolated.toml"), "--months", "601",
                                   "--out", str(tmp_path / "o"), "-q"])
    assert res.exit_code == 2 and "--months: field 'simulation.months'" in res.output and "--set" not in res.output


def test_the_writer_round_trips_any_text_and_nested_tables():
    data = Params(name=NASTY, description="back\\slash \"q\" 'single' # not a comment").model_dump(mode="json")
    remarks = {"diffusion.q": "a\nremark", "innovation.uptake.hospital": "x"}
    text = to_toml(data, header=["line one", "line\ntwo = 3"], comments=remarks)
    read = tomllib.loads(text)
    unset_dropped = {k: v for k, v in data["insurer"].items() if v is not None}
    empty_dropped = {k: v for k, v in data["uncertainty"].items() if v != {}}  # no priors of its own: the default
    population = data["population"] | {"distributions": {  # a population's distributions leave their mode unset
        name: {k: v for k, v in prior.items() if v is not None} for name, prior in data["population"]["distributions"].items()}}
    assert read == data | {"insurer": unset_dropped, "uncertainty": empty_dropped, "population": population}
    assert "two" not in read, "a header line cannot add a key"
    again = Params.model_validate(read)
    assert again == Params.model_validate(data)
    assert 'hospital = ' in text and "[innovation.uptake]" in text


def test_a_nasty_scenario_survives_the_explorer_export_and_runs_back_to_the_same_numbers(tmp_path):
    start = load_scenario(SCENARIOS / "zuidwest-collaborative.toml", {"simulation.months": 12})
    nasty = change(start, {"name": NASTY, "description": 'say "hi" \\o/ ünï', "facilitation.budget_eur_per_year": 12345.678})
    path = tmp_path / "exported.toml"
    path.write_text(scenario_toml(nasty, start, replications=3), encoding="utf-8")
    back = load_scenario(path)
    assert back == change(nasty, {"simulation.replications": 3})
    same = run_model(**{"facilitation.budget_eur_per_year": 12345.678}, scenario=SCENARIOS / "zuidwest-collaborative.toml",
                     simulation__months=12, replications=2)
    np.testing.assert_equal(run_model(scenario=path, replications=2), same)
