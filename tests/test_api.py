import math
from pathlib import Path

import pytest

from diffusion_sim.api import OUTCOMES, run_model
from diffusion_sim.errors import ScenarioError

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SHORT = {"simulation__months": 12}


def test_returns_every_outcome_as_float():
    out = run_model(**SHORT)
    assert list(out) == list(OUTCOMES)
    assert all(isinstance(v, float) for v in out.values())
    # a time to target is censored at horizon + 1 and comes with its share reached, never NaN
    assert out["months_to_70pct"] == 13.0 and out["reached_70pct"] == 0.0


def test_dotted_and_double_underscore_names_are_the_same_and_runs_are_repeatable():
    a = run_model(**SHORT, diffusion__q=0.4, replication=3)
    b = run_model(**{"simulation.months": 12, "diffusion.q": 0.4}, replication=3)
    assert a == b


def test_replications_average_single_runs():
    single = [run_model(**SHORT, replication=i)["patients_final"] for i in range(3)]
    mean = run_model(**SHORT, replications=3)["patients_final"]
    assert math.isclose(mean, sum(single) / 3, rel_tol=1e-12)


def test_scenario_file_and_seed():
    collab = run_model(scenario=SCENARIOS / "zuidwest-collaborative.toml", **SHORT, replications=2)
    iso = run_model(scenario=SCENARIOS / "zuidwest-isolated.toml", **SHORT, replications=2)
    assert collab["adopted_beyond_origin"] > iso["adopted_beyond_origin"]
    assert run_model(**SHORT, seed=1) != run_model(**SHORT, seed=2)


def test_unknown_name_is_named_with_a_hint():
    with pytest.raises(ScenarioError, match=r"unknown parameter 'diffusion.qq'; did you mean 'diffusion.q'\?"):
        run_model(diffusion__qq=0.3)


def test_value_out_of_range_is_named():
    with pytest.raises(ScenarioError, match=r"field 'diffusion.q'.*greater than or equal to 0"):
        run_model(diffusion__q=-1)


def test_kept_scenario_and_region_never_change_an_answer(tmp_path):
    from diffusion_sim.api import KEPT

    path = tmp_path / "s.toml"
    path.write_text('extends = "base.toml"\n', encoding="utf-8")
    (tmp_path / "base.toml").write_text("[diffusion]\nq = 0.2\n", encoding="utf-8")
    KEPT.clear()
    first = run_model(scenario=path, **SHORT)
    assert run_model(scenario=path, **SHORT) == first  # kept: the same answer
    (tmp_path / "base.toml").write_text("[diffusion]\nq = 0.2\n[simulation]\nseed = 7\n", encoding="utf-8")
    changed = run_model(scenario=path, **SHORT)  # a file it extends changed on disk: read again, region rebuilt
    KEPT.clear()
    assert changed == run_model(scenario=path, **SHORT) != first
