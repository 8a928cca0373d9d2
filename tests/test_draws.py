"""Parameter draws: paired across scenarios, nested (m replications a draw), recorded, and wider than chance alone."""

from __future__ import annotations

import numpy as np
import pytest
from tests.conftest import SCENARIOS
from typer.testing import CliRunner

from diffusion_sim.cli import app
from diffusion_sim.draws import STRUCTURAL, draw_index, draw_values, region_realisation, uncertain
from diffusion_sim.outcomes import summarise
from diffusion_sim.params import change, get
from diffusion_sim.region import build_region
from diffusion_sim.runner import run_replication
from diffusion_sim.scenario import load_scenario

ISO, COL = SCENARIOS / "zuidwest-isolated.toml", SCENARIOS / "zuidwest-collaborative.toml"


def test_replication_i_of_every_scenario_sees_the_same_draw():
    iso, col = load_scenario(ISO), load_scenario(COL)
    assert iso.uncertainty.draws and col.uncertainty.draws  # on by default
    for r in (0, 1, 7):
        a, b = draw_values(iso, r), draw_values(col, r)
        assert a and a == b  # the team's levers differ, never its effects' priors or the other parameters
    assert draw_values(iso, 4) == draw_values(iso, 5) != draw_values(iso, 6)  # two replications a draw
    assert draw_index(iso, 5) == 2


def test_draws_stay_inside_the_allowed_ranges_and_hold_what_is_fixed_or_structural():
    base = change(load_scenario(COL), {"uncertainty.fixed": ("diffusion.q",)})
    names = set(uncertain(base))
    assert "diffusion.q" not in names and not any(n.startswith(STRUCTURAL) for n in names)
    assert {"innovation.uptake.hospital", "facilitation.support_decision_odds_ratio", "barriers.staff_weight"} <= names
    for r in range(0, 40, 2):
        values = draw_values(base, r)
        assert "diffusion.q" not in values
        drawn = change(base, values)  # validates every value against the schema
        assert get(drawn, "diffusion.q") == get(base, "diffusion.q")
    off = change(base, {"uncertainty.draws": False})
    assert draw_values(off, 3) == {}


def test_a_draw_is_each_priors_value_for_its_uniform_whatever_scenario_came_before():
    """draw_values works out a scenario's priors once; each value must still be Prior.value of the parameter's own
    uniform at the scenario's value (the definition), also right after another scenario was drawn."""
    from diffusion_sim.params import bounds, kind, leaves
    from diffusion_sim.rng import parameter_uniform

    col = load_scenario(COL)
    wider = change(col, {"diffusion.decision_months": 9, "organisations.financial_room_eur.hospital": 2e6})
    for params in (col, wider, col, change(col, {"uncertainty.fixed": ("innovation.uptake.hospital",)})):
        current = leaves(params)
        for r in (0, 6, 31):
            values = draw_values(params, r)
            drawn_priors = {n: p for n, p in uncertain(params).items() if n in current and n in values}
            assert len(drawn_priors) > 50
            for name, prior in drawn_priors.items():
                expected = prior.value(parameter_uniform(params.simulation.seed, draw_index(params, r), name),
                                       float(current[name]), *bounds(name), integer=kind(name) == "int")
                if kind(name) == "int":
                    expected = int(expected)
                if name not in _posterior_names(params):
                    assert values[name] == expected and type(values[name]) is type(expected), name
    room = "organisations.financial_room_eur.hospital"  # a relative prior: it follows the scenario's own value
    assert draw_values(wider, 0)[room] != draw_values(col, 0)[room]
    assert "innovation.uptake.hospital" not in draw_values(change(col, {"uncertainty.fixed": ("innovation.uptake.hospital",)}), 0)


def _posterior_names(params) -> set[str]:
    from diffusion_sim.draws import profile_posterior

    sample = profile_posterior(params)
    return set(sample.rows[0]) if sample is not None else set()


def test_a_replication_records_its_draw_and_runs_with_it():
    params = load_scenario(ISO, {"simulation.months": 12})
    rep = run_replication(params, 5)
    assert rep.draw == 2 and rep.parameters == draw_values(params, 5)
    fixed = change(params, {**rep.parameters, "uncertainty.draws": False})
    again = run_replication(fixed, 5, build_region(params, region_realisation(params, 5)))
    assert np.array_equal(rep.reached_additional, again.reached_additional)  # the draw and its region are all that changed


def test_each_draw_runs_on_a_realisation_of_the_region_and_without_draws_on_the_seeds_own():
    params = load_scenario(ISO)
    r = params.uncertainty.region_realisations
    assert [region_realisation(params, i) for i in (0, 1, 2, 3)] == [0, 0, 1, 1]  # two replications a draw
    assert region_realisation(params, 2 * r) == 0 and region_realisation(params, 2 * r + 2) == 1
    off = change(params, {"uncertainty.draws": False})
    assert {region_realisation(off, i) for i in range(10)} == {0}
    a, b = build_region(params, 0), build_region(params, 1)
    assert a.n == b.n and np.array_equal(a.org_type, b.org_type) and np.array_equal(a.municipality, b.municipality)
    assert not np.array_equal(a.patients, b.patients) and not np.array_equal(a.room_z, b.room_z)
    assert np.array_equal(build_region(params, 1).patients, b.patients)  # deterministic
    # realisation 0 is the region every chance-only study has always used: the root seed's
    assert np.array_equal(build_region(off).patients, a.patients)


def test_parameter_uncertainty_widens_the_intervals():
    """Over the same replications (common random numbers), drawn parameters spread the outcome more than chance alone.

    The drawn priors are wide and centred on the scenario's values (a skewed prior, such as hospital
    uptake's log-uniform one, also moves the centre, which is a different question). Chance dominates
    this outcome (coefficient of variation about 0.7), so the priors must be wide to show through.
    """
    base = load_scenario(COL, {"simulation.months": 36})
    centred = {"barriers.staff_weight": {"low": 0.0, "high": 1.0, "source": "test"},
               "facilitation.support_decision_odds_ratio": {"low": 1.16, "high": 2.16, "source": "test"},
               "innovation.uptake.hospital": {"low": 0.2, "high": 1.8, "relative": True, "source": "test"}}
    others = tuple(n for n in uncertain(base) if n not in centred)
    base = change(base, {"uncertainty.priors": centred, "uncertainty.fixed": others, "uncertainty.posterior": False})
    region = build_region(base)
    chance = change(base, {"uncertainty.draws": False})
    spread = {}
    for name, params in (("chance", chance), ("both", base)):
        values = np.array([summarise(run_replication(params, r, region))["patients_final"] for r in range(80)])
        spread[name] = values.std()
    assert spread["both"] > 1.05 * spread["chance"], spread


@pytest.mark.parametrize("entry, message", [
    ('dist = "gamma"\nlow = 0.1\nhigh = 0.3\nsource = "x"', "dist 'gamma' is not a distribution; allowed: uniform"),
    ('low = 0.3\nhigh = 0.1\nsource = "x"', "low 0.3 is greater than high 0.1"),
    ('dist = "loguniform"\nlow = 0\nhigh = 0.3\nsource = "x"', "needs low > 0"),
])
def test_a_bad_distribution_is_one_line_exit_2_and_writes_nothing(tmp_path, entry, message):
    path = tmp_path / "bad.toml"
    path.write_text(f'extends = "{ISO.as_posix()}"\n[uncertain."diffusion.q"]\n{entry}\n', encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["run", str(path), "-n", "2", "--months", "6", "--out", str(out), "-q"])
    assert res.exit_code == 2 and message in res.output and "bad.toml" in res.output
    assert res.output.strip().count("\n") == 0 and not out.exists()
