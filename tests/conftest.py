"""Shared fixtures: scenario paths and small synthetic regions with known structure."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from diffusion_sim.params import ORG_TYPES, Params
from diffusion_sim.region import Region
from diffusion_sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


# The model's mechanisms are tested at the scenarios' own values: these fixtures switch parameter draws off
# (tests of the draws themselves load the scenarios as shipped).
FIXED = {"uncertainty.draws": False}


@pytest.fixture
def isolated() -> Params:
    return load_scenario(SCENARIOS / "zuidwest-isolated.toml", FIXED)


@pytest.fixture
def collaborative() -> Params:
    return load_scenario(SCENARIOS / "zuidwest-collaborative.toml", FIXED)


def complete_region(n: int, org_type: str = "hospital") -> Region:
    """n identical organisations in one municipality, everyone tied to everyone (the mean-field limit)."""
    muni = pd.DataFrame({"code": ["GM0664"], "name": ["Goes"], "population": [n], "lat": [51.5], "lon": [3.9],
                         "area_km2": [1.0]})
    ones = np.ones((n, n)) - np.eye(n)
    zeros = np.zeros(n)
    return Region(
        name="complete",
        municipalities=muni,
        org_type=np.full(n, ORG_TYPES.index(org_type), dtype=np.int8),
        municipality=np.zeros(n, dtype=np.int32),
        lat=np.full(n, 51.5),
        lon=np.full(n, 3.9),
        x_km=zeros.copy(),
        y_km=zeros.copy(),
        patients=np.full(n, 1000.0),
        organisations=Params().organisations,
        room_z=zeros.copy(),
        staff_u=np.full(n, 0.5),
        innovativeness=zeros.copy(),
        ties=sparse.csr_matrix(ones),
        org_name=np.full(n, "", dtype=object),
    )


def make_compare_folder(root: Path, months: int, reps: int) -> Path:
    """A tiny results folder, as `diffusion-sim compare --no-report` writes it, for figure and report tests."""
    from diffusion_sim.studies.compare import run_study

    files = [SCENARIOS / "zuidwest-isolated.toml", SCENARIOS / "zuidwest-collaborative.toml"]
    scenarios = [load_scenario(f, {"simulation.months": months}) for f in files]
    out = root / "compare-test"
    run_study(scenarios, [str(f) for f in files], out, reps, 1,
              command=["diffusion-sim", "compare", *map(str, files), "-n", str(reps), "--months", str(months)])
    return out
