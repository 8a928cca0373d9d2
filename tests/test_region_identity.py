"""Every region is what it was, bit for bit: a speed-up of the region build may not change one.

The digests in ``region_identity.json`` were computed from the region build as it stood before the
build was made faster (main at b5c64e0, issue 17), by running this file as a script. Each case hashes
every array of the region (types, places, sizes, attributes, names), the CSR of its ties and the tie
counts, over presets, a province, municipality lists, tiles 1/10/100, realisations, seeds and network
edge cases (no ties, more candidates than organisations, a type with none or one, no hospitals, all
organisations at their municipal seat, where nearest-neighbour distances tie). If a region is meant to
change, write the digests again (``python tests/test_region_identity.py``) and say why in the commit.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from diffusion_sim.params import change
from diffusion_sim.region import build_region
from diffusion_sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
DIGESTS = Path(__file__).with_name("region_identity.json")
BASE = {"uncertainty.draws": False}
ZUIDWEST_TWO = ("GM0664", "GM0718")  # Goes (Adrz main site) and Vlissingen (an Adrz site)
NO_TYPE = {f"organisations.per_100k.{t}": 0.0 for t in ("elderly_care", "mental_health")}

# name: (parameter changes, realisations)
CASES: dict[str, tuple[dict, tuple[int, ...]]] = {
    "zuidwest": ({}, (0, 1, 2, 5)),
    "zuidwest-seed-7": ({"simulation.seed": 7}, (0, 3)),
    "zuidwest-10x": ({"region.tiles": 10}, (0, 1)),
    "zuidwest-100x": ({"region.tiles": 100}, (0, 1)),
    "rotterdam-rijnmond": ({"region.preset": "rotterdam-rijnmond"}, (0, 1)),
    "rotterdam-rijnmond-10x": ({"region.preset": "rotterdam-rijnmond", "region.tiles": 10}, (0,)),
    "nederland": ({"region.preset": "nederland"}, (0,)),
    "province-zeeland": ({"region.province": "Zeeland"}, (0, 1)),
    "province-utrecht": ({"region.province": "Utrecht"}, (0,)),
    "goes-vlissingen": ({"region.municipalities": ZUIDWEST_TWO}, (0, 1)),
    "goes": ({"region.municipalities": ("GM0664",)}, (0,)),
    "oosterhout": ({"region.municipalities": ("GM0826",)}, (0,)),  # a hospital whose main site lies outside
    "no-hospitals": ({"region.province": "Utrecht", "region.hospitals_per_100k": 0.0}, (0,)),
    "one-hospital-seat-shared": ({"region.municipalities": ("GM0599",), "region.hospitals_per_100k": 3.0}, (0,)),
    "all-at-the-seat": ({"region.preset": "rotterdam-rijnmond", "region.jitter_km": 0.0}, (0, 1)),
    "all-at-the-seat-zuidwest": ({"region.jitter_km": 0.0, "region.tiles": 4}, (0,)),
    "no-ties": ({"network.distance_ties": 0, "network.peer_ties": 0, "network.gp_pharmacies": 0,
                 "network.home_care_gps": 0, "network.second_hospital_share": 0.0}, (0,)),
    "many-ties": ({"network.distance_ties": 50, "network.peer_ties": 50, "network.peer_candidates": 500,
                   "network.gp_pharmacies": 10, "network.home_care_gps": 50, "network.second_hospital_share": 1.0},
                  (0, 1)),
    "many-ties-small": ({"region.municipalities": ZUIDWEST_TWO, "network.distance_ties": 50, "network.peer_ties": 50,
                         "network.peer_candidates": 500, "network.gp_pharmacies": 10, "network.home_care_gps": 50},
                        (0,)),
    "one-candidate": ({"network.peer_candidates": 1, "network.peer_ties": 3}, (0,)),
    "types-missing": (NO_TYPE, (0,)),
    "one-of-a-type": ({"region.municipalities": ("GM0664",), "organisations.per_100k.mental_health": 1.5,
                       "organisations.per_100k.home_care": 0.5}, (0, 1)),
}


def digest(region) -> dict[str, str]:
    """A digest of each array of the region (dtype, shape and bytes), of its ties and of its tie counts."""
    arrays = {name: getattr(region, name) for name in (
        "org_type", "municipality", "lat", "lon", "x_km", "y_km", "patients", "financial_room", "staff_capacity",
        "room_z", "staff_u", "innovativeness")}
    arrays |= {"ties.indptr": region.ties.indptr, "ties.indices": region.ties.indices, "ties.data": region.ties.data}
    out = {name: hashlib.sha256(f"{a.dtype}{a.shape}".encode() + np.ascontiguousarray(a).tobytes()).hexdigest()[:16]
           for name, a in arrays.items()}
    out["org_name"] = hashlib.sha256("\n".join(map(str, region.org_name)).encode()).hexdigest()[:16]
    out["tie_counts"] = json.dumps(region.tie_counts, sort_keys=True)
    return out


def digests() -> dict[str, dict[str, str]]:
    base = load_scenario(ROOT / "scenarios/zuidwest-collaborative.toml", BASE)
    out = {}
    for name, (changes, realisations) in CASES.items():
        params = change(base, changes)
        for r in realisations:
            out[f"{name}/{r}"] = digest(build_region(params, r))
    return out


@pytest.mark.parametrize("name", CASES)
def test_region_equals_its_digest(name):
    pinned = json.loads(DIGESTS.read_text(encoding="utf-8"))
    changes, realisations = CASES[name]
    params = change(load_scenario(ROOT / "scenarios/zuidwest-collaborative.toml", BASE), changes)
    for r in realisations:
        got, want = digest(build_region(params, r)), pinned[f"{name}/{r}"]
        assert got == want, f"{name}/{r}: " + ", ".join(k for k in want if got.get(k) != want[k])


if __name__ == "__main__":
    DIGESTS.write_text(json.dumps(digests(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
