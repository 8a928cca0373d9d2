"""The command line's tables at 80 columns (and in a file): names whole and copyable, headers distinct, nothing cut."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from diffusion_sim.analysis.regions import EXTRA_PER_EUR
from diffusion_sim.analysis.sweep import PLOTTED
from diffusion_sim.cli import app
from diffusion_sim.outcomes import MONTHS_TO_ADOPTION, MONTHS_TO_PATIENTS, saved_name
from diffusion_sim.params import flat_fields
from diffusion_sim.publish.terminal import Column, regions_tables, render, sensitivity_tables, sweep_table

CLI = Path(sys.executable).with_name("diffusion-sim")
LONG = ["innovation.implementation_cost_eur.hospital", "facilitation.regional_learning_per_doubling", "diffusion.p"]


def _fits(text: str, width: int = 80) -> None:
    for line in text.splitlines():
        assert len(line) <= width or " " not in line.strip(), f"{len(line)} > {width}: {line!r}"
    assert "…" not in text and "..." not in text


def test_params_at_80_columns_shows_every_name_whole_at_the_start_of_a_line():
    done = subprocess.run([str(CLI), "params"], capture_output=True, text=True, env={**os.environ, "COLUMNS": "80"},
                          timeout=60, check=True)
    starts = {line.split(" = ", 1)[0] for line in done.stdout.splitlines() if " = " in line and not line.startswith(" ")}
    missing = [name for name in flat_fields() if name not in starts]
    assert not missing, f"not shown whole: {missing}"
    _fits(done.stdout)


@pytest.mark.parametrize("command", ["", "run", "compare", "params", "sweep", "sensitivity", "calibrate", "regions",
                                     "validate", "figures", "report", "explore"])
def test_help_is_not_cut_at_80_columns(command):
    result = CliRunner().invoke(app, [*([command] if command else []), "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert "…" not in result.output, result.output
    listed = result.output.partition("Commands:")[2].splitlines()
    assert not [line for line in listed if line.rstrip().endswith("...")], result.output  # no summary cut short


def test_render_keeps_names_whole_and_puts_them_on_a_line_of_their_own_when_narrow():
    columns = [Column("rank"), Column("parameter", "left", name=True), Column("value"), Column("a long header that wraps")]
    rows = [["1", LONG[0], "12.345", "yes"], ["2", LONG[2], "3", "no"]]
    wide = render(columns, rows, 200)
    assert wide.splitlines()[0].split() == ["rank", "parameter", "value", "a", "long", "header", "that", "wraps"]
    middle = render(columns, rows, 60)  # the rank and the name on a line of their own, the rest below
    assert any(line.split() == ["1", LONG[0]] for line in middle.splitlines()), middle
    narrow = render(columns, rows, 40)  # not even both: the name on a line of its own, whole
    lines = narrow.splitlines()
    assert f"parameter = {LONG[0]}" in lines, narrow
    assert all(len(line) <= 40 or LONG[0] in line for line in lines), narrow


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_sweep_table_at_80_columns(lang):
    rng = np.random.default_rng(1)
    points = pd.DataFrame({LONG[0]: [1000.0, 2000.0], LONG[1]: [0.1, 0.2]})
    for o in PLOTTED:
        points[o], points[o + "_mcse"] = rng.random(2) * 100, rng.random(2)
    text = sweep_table(points, LONG[:2], PLOTTED, lang, 80)
    _fits(text)
    assert all(name in text.split() for name in LONG[:2])
    assert "e+" not in text and "patients_" not in text
    assert ("1.000" if lang == "nl" else "1,000") in text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_sensitivity_table_at_80_columns(lang):
    rows = [{"outcome": "patients_12m", "rank": k + 1, "parameter": p, "mu_star": 2700.0 / (k + 1), "mu_star_conf": 10.0,
             "sigma": 0.258, "separated_from_next": k == 0, "noise_share": 0.1} for k, p in enumerate(LONG)]
    text = sensitivity_tables(pd.DataFrame(rows), "morris", lang, 80)
    _fits(text)
    assert all(p in text.split() for p in LONG)
    assert "2.7e+03" not in text and ("2.700" if lang == "nl" else "2,700") in text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_regions_tables_at_80_columns(lang):
    head = {"region": "rotterdam-rijnmond", "population": 1_400_057, "eligible_orgs": 522,
            "origin_municipality_name": "Rotterdam", "origin_moved": True}
    rows = []
    for s in ("isolated", "collaborative"):
        for o, unit in (("reach_per_eur_1000", "ratio"), (MONTHS_TO_PATIENTS, "months"), (MONTHS_TO_ADOPTION, "months"),
                        ("patients_final", "patients"), ("patients_final_per_100k", "patients"), ("total_cost_eur", "EUR")):
            timed = unit == "months"
            rows.append({**head, "scenario": s, "reference": "", "outcome": o, "unit": unit, "median": 12.0 if timed else 0.258,
                         "low": 10.0, "high": float("inf") if timed else 2700.0, "reached": 0.6 if timed else float("nan"),
                         "n": 4})
    for o, unit in ((EXTRA_PER_EUR, "ratio"), (saved_name(MONTHS_TO_PATIENTS), "months"), ("total_cost_eur", "EUR")):
        rows.append({**head, "scenario": "collaborative", "reference": "isolated", "outcome": o, "unit": unit,
                     "median": 1.5, "low": -2.0, "high": 3.0, "reached": float("nan"), "n": 4})
    text = regions_tables(pd.DataFrame(rows), lang, 80)
    _fits(text)
    assert "rotterdam-rijnmond" in text.split(":")[0]
    assert "0.258" not in text and "2.7e+03" not in text
