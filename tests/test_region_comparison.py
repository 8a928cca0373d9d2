"""`diffusion-sim regions`: the same strategy in several regions (issue 9).

A tiny comparison (one municipality and a province, 3 replications, 24 months) is run once on one
worker and once on two; the tests read its folder back.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from tests.conftest import SCENARIOS
from typer.testing import CliRunner

from diffusion_sim.cli import app
from diffusion_sim.params import ORG_TYPES
from diffusion_sim.region import build_region, municipalities_for
from diffusion_sim.scenario import load_scenario
from diffusion_sim.studies.regions import parse_region, plan_region

runner = CliRunner()
ISO = str(SCENARIOS / "zuidwest-isolated.toml")
COL = str(SCENARIOS / "zuidwest-collaborative.toml")
REPS, MONTHS = 3, 24
REGIONS = ("GM0664", "Zeeland")


def regions_cli(out, workers: str):
    args = ["regions", COL, "--reference", ISO, "-n", str(REPS), "--months", str(MONTHS), "-w", workers, "-q", "--lang", "en",
            "--out", str(out)]
    for name in REGIONS:
        args += ["--region", name]
    return runner.invoke(app, args)


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("regions")
    outs = {}
    for workers in ("1", "2"):
        res = regions_cli(root / f"w{workers}", workers)
        assert res.exit_code == 0, res.output
        outs[workers] = (root / f"w{workers}", res.output)
    return outs


def test_folder_has_the_tables_figure_and_manifest(folders):
    out, output = folders["1"]
    tables = [f"{t}.{ext}" for t in ("region_summary", "regions", "regions_paired") for ext in ("csv", "parquet")]
    assert sorted(p.name for p in out.iterdir()) == sorted(["manifest.json", "regions.png", "regions.svg", *tables])
    assert not list(out.parent.glob(".*tmp*")), "no temporary folder left behind"
    tidy = pd.read_csv(out / "regions.csv", dtype={"origin_municipality": str})
    expected = {"region", "region_kind", "population", "eligible_orgs", "origin_municipality", "origin_moved", "scenario",
                "replication", "patients_12m", "patients_final", "months_to_1000_patients", "months_to_70pct",
                "total_cost_eur", "reach_per_eur_1000", "patients_final_per_100k"}
    assert expected <= set(tidy.columns)
    paired_rows = pd.read_csv(out / "regions_paired.csv")
    assert {"region", "scenario", "reference", "replication", "patients_final", "total_cost_eur",
            "extra_patients_per_extra_eur_1000", "months_saved_to_1000_patients"} <= set(paired_rows.columns)
    assert len(paired_rows) == len(REGIONS) * REPS and set(paired_rows["scenario"]) == {"collaborative"}
    assert len(tidy) == len(REGIONS) * 2 * REPS
    assert list(tidy.groupby(["region", "scenario"], sort=False).size().index) == [
        ("GM0664", "isolated"), ("GM0664", "collaborative"), ("Zeeland", "isolated"), ("Zeeland", "collaborative")]
    assert set(tidy["region_kind"]) == {"municipalities", "province"}
    assert (tidy["origin_municipality"] == "GM0664").all() and not tidy["origin_moved"].any()  # Goes lies in both
    population = tidy.groupby("region")["population"].agg(["min", "max"])
    assert population.loc["GM0664"].tolist() == [39_682, 39_682]  # CBS, 1 January 2024
    zeeland = int(municipalities_for(province="Zeeland")["population"].sum())
    assert population.loc["Zeeland"].tolist() == [zeeland, zeeland]

    summary = pd.read_csv(out / "region_summary.csv")
    assert {"region", "scenario", "reference", "outcome", "median", "low", "high", "reached", "n"} <= set(summary.columns)
    paired = summary[summary["reference"].notna()]
    assert set(paired["scenario"]) == {"collaborative"} and set(paired["reference"]) == {"isolated"}
    assert set(paired["outcome"]) >= {"extra_patients_per_extra_eur_1000", "months_saved_to_1000_patients"}

    meta = json.loads((out / "manifest.json").read_text())
    assert meta["kind"] == "regions" and meta["replications"] == REPS and meta["months"] == MONTHS
    regions = meta["settings"]["regions"]
    assert meta["seed"] == 20261125 and meta["settings"]["reference"] == "isolated"
    assert regions["GM0664"]["scenarios"]["collaborative"]["parameters"]["region"]["municipalities"] == ["GM0664"]
    assert regions["Zeeland"]["scenarios"]["isolated"]["parameters"]["region"]["province"] == "Zeeland"
    assert regions["Zeeland"]["scenarios"]["isolated"]["parameters"]["simulation"]["months"] == MONTHS
    assert set(meta["files"]) == {"regions.png", "regions.svg", *tables} and meta["figures"] == ["regions.png", "regions.svg"]
    assert "python" in meta["environment"]
    assert "Zeeland" in output and "GM0664" in output and "minus" in output and "replications in" in output


def test_per_replication_rows_are_consistent(folders):
    tidy = pd.read_csv(folders["1"][0] / "regions.csv")
    pairs = pd.read_csv(folders["1"][0] / "regions_paired.csv")
    spent = tidy["total_cost_eur"] > 0
    assert spent.sum() >= len(tidy) - 2  # nearly every run spends something
    np.testing.assert_allclose(tidy.loc[spent, "reach_per_eur_1000"],
                               tidy.loc[spent, "patients_final"] / tidy.loc[spent, "total_cost_eur"] * 1000)
    np.testing.assert_allclose(tidy["patients_final_per_100k"], tidy["patients_final"] / tidy["population"] * 1e5)
    np.testing.assert_allclose(tidy["total_cost_eur"], tidy["implementation_cost_eur"] + tidy["facilitation_cost_eur"])
    for _region, sub in tidy.groupby("region"):
        iso = sub[sub["scenario"] == "isolated"].set_index("replication")
        col = sub[sub["scenario"] == "collaborative"].set_index("replication")
        diff = pairs[pairs["region"] == _region].set_index("replication")
        assert (diff["reference"] == "isolated").all()
        extra = col["patients_final"] - iso["patients_final"]
        extra_cost = col["total_cost_eur"] - iso["total_cost_eur"]
        np.testing.assert_allclose(diff["patients_final"], extra)
        np.testing.assert_allclose(diff["total_cost_eur"], extra_cost)
        ratio = (extra / extra_cost * 1000).where(extra_cost > 0)
        np.testing.assert_allclose(diff["extra_patients_per_extra_eur_1000"], ratio)
        assert (col["facilitation_cost_eur"] > 0).all() and (iso["facilitation_cost_eur"] == 0).all()

    summary = pd.read_csv(folders["1"][0] / "region_summary.csv")
    for (region, scenario), sub in tidy.groupby(["region", "scenario"]):
        row = summary[(summary["region"] == region) & (summary["scenario"] == scenario)
                      & (summary["outcome"] == "reach_per_eur_1000") & summary["reference"].isna()].iloc[0]
        assert row["median"] == pytest.approx(np.nanmedian(sub["reach_per_eur_1000"]))
        assert row["low"] <= row["median"] <= row["high"]


def test_same_seed_same_numbers_on_one_and_two_workers(folders):
    one, two = folders["1"][0], folders["2"][0]
    for name in ("regions.csv", "region_summary.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(one / name), pd.read_csv(two / name))
    spread = pd.read_csv(one / "regions.csv").groupby(["region", "scenario"])["patients_final"].nunique()
    assert (spread > 1).any(), "replications differ from one another (the comparison is not trivially equal)"


@pytest.mark.parametrize(("name", "close"), [("Utrcht", "'Utrecht'"), ("zuidwst", "'zuidwest'"), ("GM0665", "GM0965")])
def test_unknown_region_is_one_line_and_exit_2(tmp_path, name, close):
    out = tmp_path / "never"
    res = runner.invoke(app, ["regions", COL, "--region", "Zeeland", "--region", name, "-n", "2", "--months", "6",
                              "--out", str(out), "-q"])
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert len(lines) == 1, res.output
    assert name in lines[0] and close in lines[0] and "did you mean" in lines[0]
    assert not out.exists()


def test_region_names_resolve_to_presets_provinces_and_codes():
    assert (parse_region("rotterdam-rijnmond").kind, parse_region("rotterdam-rijnmond").value) == ("preset", "rotterdam-rijnmond")
    assert parse_region("fryslan").value == "Fryslân"  # case and accents do not matter
    assert parse_region("Groningen").kind == "province"  # the municipality is GM0014
    codes = parse_region("gm0664, GM0687")
    assert (codes.kind, codes.value) == ("municipalities", ("GM0664", "GM0687"))
    res = runner.invoke(app, ["regions", COL, "--region", "Zeeland", "--region", "zeeland", "-n", "2", "-q"])
    assert res.exit_code == 2 and "give each region once" in res.output


def test_origin_rule_moves_the_origin_inside_the_region():
    base = load_scenario(SCENARIOS / "zuidwest-isolated.toml", {"simulation.months": 12})
    # Utrecht: Goes lies outside; the origin goes to the most populous municipality with a hospital
    plan = plan_region([base], parse_region("Utrecht"))
    params = plan.params[0]
    region = build_region(params)
    hospital_munis = np.unique(region.municipality[region.org_type == ORG_TYPES.index("hospital")])
    pop = region.municipalities["population"].to_numpy()
    expected = region.municipality_codes[hospital_munis[np.argmax(pop[hospital_munis])]]
    assert plan.origin_moved == [True]
    assert params.origin.municipality == expected == plan.origin[0][0] == "GM0344"
    assert plan.origin_names[0] == ("Utrecht",)

    # Middelburg (50,004) is more populous than Goes (39,682) but has no hospital: the origin skips it
    from_breda = load_scenario(SCENARIOS / "zuidwest-isolated.toml", {"simulation.months": 12, "origin.municipality": "GM0758"})
    plan = plan_region([from_breda], parse_region("GM0687,GM0664"))
    assert plan.origin == [("GM0664",)] and plan.origin_moved == [True]
    assert plan.params[0].origin.municipality == "GM0664"
    assert plan.params[0].region.municipalities == ("GM0687", "GM0664")

    # an origin inside the region stays where the scenario put it
    plan = plan_region([base], parse_region("Zeeland"))
    assert plan.origin == [("GM0664",)] and plan.origin_moved == [False]


def test_existing_folder_is_never_overwritten(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    res = runner.invoke(app, ["regions", COL, "--region", "GM0664", "-n", "2", "--months", "6", "--out", str(out), "-q"])
    assert res.exit_code == 2 and "already exists" in res.output
    assert list(out.iterdir()) == []


def test_the_scenarios_own_region_gives_the_numbers_of_compare():
    """--region zuidwest changes nothing in the Zuidwest scenarios: the same rows as a plain run of each."""
    from diffusion_sim.executors import run_all
    from diffusion_sim.outcomes import summarise
    from diffusion_sim.studies.regions import plan_regions, run_regions

    scenarios = [load_scenario(SCENARIOS / f, {"simulation.months": 12}) for f in ("zuidwest-isolated.toml",
                                                                                   "zuidwest-collaborative.toml")]
    plans = plan_regions(scenarios, ["zuidwest"])
    assert [p.model_dump() for p in plans[0].params] == [p.model_dump() for p in scenarios]
    tidy, _ = run_regions(plans, 2)
    plain = run_all(scenarios, 2)
    for s, params in enumerate(scenarios):
        rows = tidy[tidy["scenario"] == params.name].reset_index(drop=True)
        expected = pd.DataFrame([summarise(rep) for rep in plain[s]])
        pd.testing.assert_frame_equal(rows[expected.columns], expected)


def test_origins_inside_the_region_are_kept_when_there_are_several():
    """With further origins, those inside the region stay; Goes (outside Utrecht) is dropped, not replaced."""
    two = load_scenario(SCENARIOS / "zuidwest-isolated.toml",
                        {"simulation.months": 12, "origin.further_municipalities": ("GM0307",)})  # Amersfoort
    plan = plan_region([two], parse_region("Utrecht"))
    assert plan.origin == [("GM0307",)] and plan.origin_moved == [True]
    assert plan.params[0].origin.municipality == "GM0307"
    assert plan.params[0].origin.further_municipalities == ()
    both = plan_region([two], parse_region("GM0664,GM0307"))
    assert both.origin == [("GM0664", "GM0307")] and both.origin_moved == [False]
