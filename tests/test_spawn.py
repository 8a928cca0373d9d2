"""Windows has neither ``fork`` nor ``forkserver``: every place that starts worker processes works with ``spawn``.

Two places start local workers: ``executors.run_all`` (run, compare, sweep, sensitivity, calibrate, regions,
validate, what-it-takes; ``tests/test_reliability.py::test_spawned_workers_give_the_same_numbers``) and the
explorer's warm pool (``explorer/engine.py``), tested here. Both take their start method from
``executors.fork_server_context``, which falls back to ``spawn`` where there is no fork server.
"""

from __future__ import annotations

import multiprocessing

import numpy as np
from tests.conftest import SCENARIOS

from diffusion_sim import executors
from diffusion_sim.executors import run_all
from diffusion_sim.explorer import engine as explorer_engine
from diffusion_sim.params import change
from diffusion_sim.scenario import load_scenario


def test_without_a_fork_server_workers_are_spawned(monkeypatch):
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert executors.fork_server_context().get_start_method() == "spawn"


def test_the_explorers_spawned_workers_give_run_alls_numbers(monkeypatch):
    monkeypatch.setattr(explorer_engine, "fork_server_context", lambda: multiprocessing.get_context("spawn"))
    pair = [change(load_scenario(SCENARIOS / name), {"simulation.months": 12})
            for name in ("zuidwest-isolated.toml", "zuidwest-collaborative.toml")]
    expected = run_all(pair, 6, workers=1)
    engine = explorer_engine.Engine(2)
    try:
        got = engine.run(pair, 6)
        assert engine._pool is not None and engine._pool._mp_context.get_start_method() == "spawn"
    finally:
        engine.close()
    for g, e in zip(got, expected, strict=True):
        for a, b in zip(g, e, strict=True):
            for field in ("state_counts", "reached_additional", "events", "final_state", "facilitation_cost"):
                assert np.array_equal(getattr(a, field), getattr(b, field)), field
