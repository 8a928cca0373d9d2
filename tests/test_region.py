"""The Zuidwest region: counts follow the sourced rates, the network is well formed and reproducible."""

from __future__ import annotations

import numpy as np

from diffusion_sim.params import ORG_TYPES, change
from diffusion_sim.region import build_region, municipalities_for

ZUIDWEST_POPULATION = 1_118_617  # CBS 1 Jan 2024, 13 Zeeland + 16 RWB municipalities


def test_zuidwest_municipalities():
    muni = municipalities_for("zuidwest")
    assert len(muni) == 29
    assert muni["population"].sum() == ZUIDWEST_POPULATION
    assert (muni["province"] == "Zeeland").sum() == 13


def test_counts_follow_rates(isolated):
    region = build_region(isolated)
    counts = np.bincount(region.org_type, minlength=len(ORG_TYPES))
    rates = isolated.organisations.per_100k
    for t in ("gp_practice", "pharmacy", "home_care", "elderly_care", "mental_health"):
        expected = ZUIDWEST_POPULATION * getattr(rates, t) / 1e5
        assert abs(counts[ORG_TYPES.index(t)] - expected) <= 1, t
    assert counts[ORG_TYPES.index("hospital")] == 4  # Adrz, ZorgSaam, Bravis, Amphia


def test_patients_add_up_to_population(isolated):
    region = build_region(isolated)
    for t in ("hospital", "gp_practice", "pharmacy"):
        total = region.patients[region.org_type == ORG_TYPES.index(t)].sum()
        assert abs(total - ZUIDWEST_POPULATION) < 1, t  # everyone has a GP, a pharmacy, a hospital


def test_network_is_symmetric_without_self_ties(isolated):
    region = build_region(isolated)
    a = region.ties
    assert (a != a.T).nnz == 0
    assert a.diagonal().sum() == 0
    assert np.all(np.diff(a.indptr) > 0), "every organisation has at least one tie"


def test_gps_are_tied_to_a_hospital(isolated):
    region = build_region(isolated)
    hospital = region.org_type == ORG_TYPES.index("hospital")
    gps = np.flatnonzero(region.org_type == ORG_TYPES.index("gp_practice"))
    tied = np.asarray(region.ties[gps][:, hospital].sum(axis=1)).ravel()
    assert np.all(tied >= 1)


def test_region_is_reproducible_from_the_seed(isolated):
    a, b = build_region(isolated), build_region(isolated)
    assert np.array_equal(a.x_km, b.x_km) and (a.ties != b.ties).nnz == 0
    assert np.array_equal(a.financial_room, b.financial_room)
    c = build_region(change(isolated, {"simulation.seed": 1}))
    assert not np.array_equal(a.x_km, c.x_km)


def test_organisations_lie_near_their_municipality(isolated):
    region = build_region(isolated)
    muni = region.municipalities
    d_lat = np.abs(region.lat - muni["lat"].to_numpy()[region.municipality])
    assert np.quantile(d_lat, 0.99) < 0.25  # degrees, about 28 km


def test_other_regions_build_and_run(isolated):
    from diffusion_sim.outcomes import summarise
    from diffusion_sim.runner import run_replication

    rijnmond = change(isolated, {"region.preset": "rotterdam-rijnmond", "origin.municipality": "GM0599",
                                         "simulation.months": 12})
    region = build_region(rijnmond)
    assert len(region.municipalities) == 14
    assert abs(region.patients[region.org_type == ORG_TYPES.index("gp_practice")].sum()
               - region.municipalities["population"].sum()) < 1
    assert summarise(run_replication(rijnmond, 0, region))["eligible_orgs"] > 100
    zeeland = change(isolated, {"region.province": "Zeeland", "simulation.months": 12})
    assert len(build_region(zeeland).municipalities) == 13


def test_one_municipality_runs(isolated):
    from diffusion_sim.runner import run_replication

    one = change(isolated, {"region.municipalities": ("GM0664",), "simulation.months": 12})
    rep = run_replication(one, 0)
    assert rep.state_counts.sum(axis=(1, 2))[0] == build_region(one).n


def test_whole_country_runs_a_short_horizon(isolated):
    from diffusion_sim.runner import run_replication

    nl = change(isolated, {"region.preset": "nederland", "simulation.months": 6})
    region = build_region(nl)
    assert region.municipalities["population"].sum() == 17_942_942
    hospitals = (region.org_type == ORG_TYPES.index("hospital")).sum()
    assert 60 <= hospitals <= 80  # 69 hospital organisations nationally (VZinfo 2023)
    rep = run_replication(nl, 0, region)
    assert rep.state_counts[-1].sum() == region.n


def test_unknown_region_names_get_close_matches(isolated):
    import pytest

    from diffusion_sim.errors import RegionError

    with pytest.raises(RegionError, match="did you mean 'zuidwest'"):
        build_region(change(isolated, {"region.preset": "zuidwst"}))
    with pytest.raises(RegionError, match="did you mean 'Zeeland'"):
        build_region(change(isolated, {"region.province": "Zeland"}))
    with pytest.raises(RegionError, match="GM0665"):
        build_region(change(isolated, {"region.municipalities": ("GM0665",)}))


def test_a_hospital_whose_main_site_lies_outside_the_region_is_placed_at_its_site_inside(isolated):
    """Vlissingen has an Adrz site (main site Goes), Oosterhout an Amphia site (main site Breda)."""
    for code, name in (("GM0718", "Adrz"), ("GM0826", "Amphia")):
        params = change(isolated, {"region.municipalities": (code,), "origin.municipality": code})
        region = build_region(params)
        hospitals = np.flatnonzero(region.org_type == ORG_TYPES.index("hospital"))
        assert [region.org_name[i] for i in hospitals] == [name]
        assert np.isclose(region.patients[hospitals].sum(), region.municipalities["population"].sum())


def test_hospitals_sharing_a_seat_share_its_catchment(isolated):
    """Rotterdam seats three hospital organisations (placed by rate): each serves a third, none is left empty."""
    rijnmond = change(isolated, {"region.preset": "rotterdam-rijnmond", "origin.municipality": "GM0599"})
    region = build_region(rijnmond)
    hospitals = np.flatnonzero(region.org_type == ORG_TYPES.index("hospital"))
    names = {region.org_name[i]: region.patients[i] for i in hospitals}
    rotterdam = [v for k, v in names.items() if k.startswith("Hospital Rotterdam")]
    assert len(rotterdam) == 3 and np.allclose(rotterdam, rotterdam[0])
    assert np.isclose(sum(names.values()), region.municipalities["population"].sum())
    nl = build_region(change(isolated, {"region.preset": "nederland"}))
    assert nl.patients[nl.org_type == ORG_TYPES.index("hospital")].min() > 50_000


def test_a_model_works_out_free_staff_time_where_it_is_read_with_the_regions_bits():
    """The run computes free staff time only for organisations that decide; each value, and the whole array on
    request, equals attributes() at the model's parameters bit for bit (SciPy's ufunc against its cython_special)."""
    from diffusion_sim.model import DiffusionModel
    from diffusion_sim.model.kernel import F_STAFF_CAPACITY
    from diffusion_sim.params import Params
    from diffusion_sim.region import attributes

    params = change(Params(), {"organisations.staff_capacity_concentration": 2.0, "simulation.months": 24})
    region = build_region(params)
    model = DiffusionModel(params, region=region, agent_views=False).run()
    read = ~np.isnan(model._fixed[:, F_STAFF_CAPACITY])
    decided = model.orgs.months[1] >= 0  # the month each organisation started deciding (origins: month 0)
    assert 0 < read.sum() < region.n
    assert not (read & ~decided).any()  # nobody who never decided had it worked out
    expected = attributes(region.org_type, region.room_z, region.staff_u, model.params.organisations)[1]  # its draw
    np.testing.assert_array_equal(model._fixed[read, F_STAFF_CAPACITY], expected[read])
    np.testing.assert_array_equal(model.staff_capacity, expected)


def test_regions_share_their_fixed_part_read_only(isolated):
    """What does not depend on the seed (types, municipalities, names) is built once and shared, and cannot be changed."""
    import pytest

    a, b = build_region(isolated), build_region(change(isolated, {"simulation.seed": 1}), 1)
    assert a.org_type is b.org_type and a.org_name is b.org_name and a.municipality_codes is b.municipality_codes
    assert not np.array_equal(a.x_km, b.x_km)
    for shared in (a.org_type, a.municipality, a.org_name, a.municipality_codes, a.municipality_lat):
        with pytest.raises(ValueError, match="read-only"):
            shared[0] = shared[1]
    a.municipalities.loc[0, "population"] = 0  # each region's table is its own
    assert b.municipalities.loc[0, "population"] > 0


def test_a_region_of_hospitals_alone_builds(isolated):
    others = {f"organisations.per_100k.{t}": 0.0 for t in ORG_TYPES if t != "hospital"}
    region = build_region(change(isolated, others))
    assert region.n == 4 and (region.org_type == ORG_TYPES.index("hospital")).all()
    assert np.isclose(region.patients.sum(), ZUIDWEST_POPULATION)


def test_nearest_hospital_organisations_equal_those_of_the_full_search_where_sites_tie():
    """Sites.nearest_orgs searches a few sites first, all ``m`` only where those tie or lack ``k`` organisations: the
    same as searching ``m`` for every place, also with several organisations at one place, sites at equal distances
    and every organisation's sites close together."""
    from diffusion_sim.region.build import Sites, _first_distinct
    from diffusion_sim.region.nearest import nearest

    rng = np.random.default_rng(5)
    lattice = np.stack(np.meshgrid(np.arange(6.0), np.arange(5.0)), axis=-1).reshape(-1, 2)
    cases = {
        "shared places": (np.repeat(rng.normal(size=(6, 2)) * 5, 3, axis=0), rng.integers(0, 9, 18)),
        "lattice": (lattice, rng.integers(0, 7, lattice.shape[0])),
        "clusters": (np.repeat(rng.normal(size=(8, 2)) * 10, 5, axis=0) + rng.normal(size=(40, 2)) * 0.1,
                     np.repeat(np.arange(8), 5)),
    }
    for name, (xy, org) in cases.items():
        sites = Sites(xy[:, 0].copy(), xy[:, 1].copy(), org)
        places = np.concatenate([xy, lattice + 0.5, lattice, rng.normal(size=(300, 2)) * 5])  # at and between the sites
        for k in (1, 2, 3):
            m = min(org.size, 8 * min(k, np.unique(org).size))
            full, _ = _first_distinct(org[nearest(xy, places, m)], min(k, np.unique(org).size))
            assert np.array_equal(sites.nearest_orgs(places[:, 0], places[:, 1], k), full), (name, k)
