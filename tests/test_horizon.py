"""A bulk run in one compiled call (model/horizon.py) leaves the model exactly as stepping it month by month.

``DiffusionModel.step`` with the stakeholders of ``agents.py`` is the readable month; ``run()`` without
agent views goes through ``horizon.months_loop``. Both are run on the same scenario and replication and
every record, every organisation's array, the stakeholders, the random streams' positions and Mesa's
clock are compared with exact equality: on every case of ``tests/test_kernel.py`` (each mechanism and
limit), with parameter draws (arbitrary exponents and rates), and from the middle of a run.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from test_kernel import CASES, RECORDS, SCENARIOS

from diffusion_sim.model import DiffusionModel, horizon
from diffusion_sim.model.state import OrgArrays
from diffusion_sim.region import build_region
from diffusion_sim.scenario import load_scenario

ORG_FIELDS = tuple(f.name for f in dataclasses.fields(OrgArrays))
KEPT = (*RECORDS, "enrolled_origins", "go_live", "experienced_elsewhere", "_experienced_by_type", "_enrolled_now", "_u",
        "_by_type", "_month", "_shared_seen", "_n_adopted", "steps", "time", "running")


def stepped(model: DiffusionModel) -> DiffusionModel:
    while model.running:
        model.step()
    return model


def assert_same_model(a: DiffusionModel, b: DiffusionModel, where: str) -> None:
    for name in ORG_FIELDS:
        assert_array_equal(getattr(a.orgs, name), getattr(b.orgs, name), err_msg=f"{where}: orgs.{name}", strict=True)
    for name in KEPT:
        assert_array_equal(getattr(a, name), getattr(b, name), err_msg=f"{where}: {name}", strict=True)
    assert_array_equal(a.ties.counts(), b.ties.counts(), err_msg=f"{where}: tie counts", strict=True)
    ins_a, ins_b = a.insurer, b.insurer
    assert (ins_a.arranging_since, ins_a.reimbursing_since) == (ins_b.arranging_since, ins_b.reimbursing_since), where
    ta, tb = a.team, b.team
    assert (ta.supported_now, ta.places) == (tb.supported_now, tb.places), where
    assert vars(ta.budget) == vars(tb.budget), where
    for ga, gb in zip((*a._phase_streams, a._u_facilitation), (*b._phase_streams, b._u_facilitation), strict=True):
        assert ga.bit_generator.state == gb.bit_generator.state, f"{where}: a random stream's position"
    # Mesa's clock: the steps taken and the next step scheduled a month after the last
    assert a._default_schedule.next_scheduled_time == b._default_schedule.next_scheduled_time == a.months + 1, where
    assert a._default_schedule.execution_count == b._default_schedule.execution_count == a.months, where
    assert len(a._event_list) == len(b._event_list) == 1, where


def pair(file: str, changes: dict, replication: int) -> tuple[DiffusionModel, DiffusionModel]:
    params = load_scenario(SCENARIOS / file, changes)
    region = build_region(params)
    return tuple(DiffusionModel(params, replication=replication, region=region, agent_views=False) for _ in range(2))


@pytest.mark.parametrize("draws", [False, True], ids=["own-values", "drawn"])
@pytest.mark.parametrize("case", list(CASES))
def test_compiled_run_equals_stepping(case, draws):
    file, changes, replication = CASES[case]
    compiled, plain = pair(file, {**changes, "uncertainty.draws": draws}, replication)
    assert horizon.can_run(compiled)
    compiled.run()
    assert_same_model(compiled, stepped(plain), f"{case}, draws {draws}")


@pytest.mark.parametrize("replication", range(8))
def test_compiled_run_equals_stepping_over_draws(replication):
    """Many parameter draws of the collaborative scenario: the team's money, hours, meetings and the insurer vary."""
    compiled, plain = pair("zuidwest-collaborative.toml", {"simulation.months": 36}, replication)
    assert_same_model(compiled.run(), stepped(plain), f"replication {replication}")


def test_compiled_run_continues_a_stepped_run():
    """Steps first, then the rest in one call: the same as stepping all the way."""
    compiled, plain = pair("zuidwest-collaborative.toml", {}, 5)
    for _ in range(13):
        compiled.step()
    assert horizon.can_run(compiled)
    assert_same_model(compiled.run(), stepped(plain), "after 13 steps")


def test_uniforms_drawn_in_several_blocks(monkeypatch):
    """A region too large for one block of uniforms draws them several times during the run, as the step does."""
    import diffusion_sim.model.model as model_module

    monkeypatch.setattr(model_module, "UNIFORMS_PER_DRAW", 7 * 592)  # a block of 7 months: refilled 9 times in 60
    compiled, plain = pair("zuidwest-collaborative.toml", {}, 2)
    assert compiled._u_months == 7
    assert_same_model(compiled.run(), stepped(plain), "blocks of 7 months")


def test_models_with_views_or_other_events_step_month_by_month():
    """Agent views (Mesa's DataCollector, one agent per organisation) and any other scheduled event keep Mesa's loop."""
    params = load_scenario(SCENARIOS / "zuidwest-collaborative.toml", {"simulation.months": 6})
    assert not horizon.can_run(DiffusionModel(params, agent_views=True))
    model = DiffusionModel(params, agent_views=False)
    seen = []

    def note() -> None:  # kept by name: Mesa holds a weak reference to an event's function
        seen.append(model.steps)

    model.schedule_event(note, at=3.5)
    assert not horizon.can_run(model)
    model.run()
    assert seen == [3] and model.steps == 6 and not model.running


def test_views_give_the_same_numbers_as_a_bulk_run():
    params = load_scenario(SCENARIOS / "zuidwest-collaborative.toml", {})
    region = build_region(params)
    bulk = DiffusionModel(params, replication=4, region=region, agent_views=False).run()
    views = DiffusionModel(params, replication=4, region=region, agent_views=True).run()
    for name in RECORDS:
        assert_array_equal(getattr(bulk, name), getattr(views, name), err_msg=name, strict=True)
    assert np.all(views.datacollector.get_model_vars_dataframe()["adopters"].to_numpy()
                  == bulk.state_counts[:, :, 5].sum(axis=1))


STAKEHOLDER_CASES = {
    "insurer-does-not-reimburse": {"insurer.reimburses": False},
    "existing-tariff": {"innovation.reimbursement_route": "existing_tariff"},
    "no-reimbursement-route": {"innovation.reimbursement_route": "none"},
    "insurer-from-month-1": {"insurer.fixed_start_month": 1},
    "contract-window-mid-run": {"simulation.start_month": 7, "insurer.contract_month": 3},
    "december-start": {"simulation.start_month": 12, "insurer.negotiation_months": 1},
    "members-without-money": {"facilitation.budget_eur_per_year": 0.0},
    "money-without-members": {"facilitation.team_members": 0},
    "one-euro": {"facilitation.budget_eur_per_year": 1.0},
    "free-support": {"facilitation.support_cost_eur_per_month": 0.0},
    "a-meeting-every-month": {"facilitation.events_per_year": 12},
    "no-network": {"facilitation.knowledge_network": False},
    "one-month": {"simulation.months": 1},
    "thirteen-months": {"simulation.months": 13},
}


@pytest.mark.parametrize("draws", [False, True], ids=["own-values", "drawn"])
@pytest.mark.parametrize("case", list(STAKEHOLDER_CASES))
def test_compiled_stakeholders_equal_stepping(case, draws):
    """The insurer's routes and contract windows, and the team's money and hours at their limits."""
    compiled, plain = pair("zuidwest-collaborative.toml", {**STAKEHOLDER_CASES[case], "uncertainty.draws": draws}, 3)
    assert_same_model(compiled.run(), stepped(plain), case)


@pytest.mark.parametrize("stepped_first", [1, 59])
def test_compiled_run_continues_from_any_month(stepped_first):
    compiled, plain = pair("zuidwest-collaborative.toml", {}, 6)
    for _ in range(stepped_first):
        compiled.step()
    assert_same_model(compiled.run(), stepped(plain), f"after {stepped_first} steps")
