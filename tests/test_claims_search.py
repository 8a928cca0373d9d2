"""What it would take in the claims table: a search folder's answer fills its claim's row, nothing else does."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import make_compare_folder
from typer.testing import CliRunner

from diffusion_sim.analysis import search
from diffusion_sim.analysis.claims import SEARCHED_CLAIMS
from diffusion_sim.analysis.search import answers_for
from diffusion_sim.cli import app
from diffusion_sim.errors import ResultsError
from diffusion_sim.publish.figures import figure_names, load_study
from diffusion_sim.publish.report.document import build_document

ROOT = Path(__file__).resolve().parents[1]
ISOLATED, COLLAB = ROOT / "scenarios" / "zuidwest-isolated.toml", ROOT / "scenarios" / "zuidwest-collaborative.toml"
TINY = ["--lever", "facilitation.team_members=0:8:4", "-n", "4", "--confirm", "4", "--budget", "200", "-w", "1", "-q"]


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("claims-search")
    compare = make_compare_folder(root, 24, 4)
    found = {}
    for name, scenario in (("collaborative", COLLAB), ("isolated", ISOLATED)):
        out = root / f"wit-{name}"
        res = CliRunner().invoke(app, ["what-it-takes", str(scenario), "--claim", "patients_in_year", *TINY, "--out", str(out)])
        assert res.exit_code == 0, res.output
        found[name] = out
    return compare, found


def _claims(study, lang, searched=None):
    pngs = {name: b"" for name in figure_names(study)}  # the claims table does not look at the figures
    return build_document(study, lang, pngs, searched).claims


def test_the_searchable_claims_are_the_ones_the_search_knows():
    assert set(SEARCHED_CLAIMS) == set(search.CLAIMS)


def test_an_answer_fills_its_claims_row_and_an_unsearched_claim_names_the_command(folders):
    compare, wit = folders
    study = load_study(compare)
    found = answers_for([wit["collaborative"]], study.order)
    assert list(found) == [("patients_in_year", "collaborative")]
    for lang, words in (("en", "not reachable within the levers searched"),
                        ("nl", "niet haalbaar binnen de onderzochte knoppen")):
        table = _claims(study, lang, found)
        rows = dict(zip(table.row_keys, table.rows, strict=True))
        assert words in rows["patients_in_year:collaborative"][3]
        # claim 2 was not searched: its cell names the command that would, with the compared scenario's file
        assert f"diffusion-sim what-it-takes {COLLAB} --claim adoption_target" in rows["adoption_target:collaborative"][3]
    before = dict(zip(*(lambda t: (t.row_keys, t.rows))(_claims(study, "en")), strict=True))
    assert "not searched yet" in before["patients_in_year:collaborative"][3]


def test_an_answer_for_another_scenario_or_a_second_one_is_refused(folders):
    compare, wit = folders
    order = load_study(compare).order
    with pytest.raises(ResultsError, match="'isolated', which is not a strategy compared here"):
        answers_for([wit["isolated"]], order)
    with pytest.raises(ResultsError, match="a second answer for claim patients_in_year"):
        answers_for([wit["collaborative"], wit["collaborative"]], order)
    with pytest.raises(ResultsError, match="not a what-it-takes results folder"):
        answers_for([compare], order)


def test_report_and_compare_refuse_a_wrong_search_folder_with_one_line(folders, tmp_path):
    compare, wit = folders
    res = CliRunner().invoke(app, ["report", str(compare), "--what-it-takes", str(wit["isolated"])])
    assert res.exit_code == 2 and "not a strategy compared here" in res.output and "Traceback" not in res.output
    out = tmp_path / "never"
    res = CliRunner().invoke(app, ["compare", str(ISOLATED), str(COLLAB), "-n", "2", "--months", "6", "-q", "-w", "1",
                                   "--out", str(out), "--what-it-takes", str(wit["isolated"])])
    assert res.exit_code == 2 and "not a strategy compared here" in res.output
    assert not out.exists()  # refused before anything ran


def test_the_pdf_breaks_a_path_wider_than_its_column():
    from diffusion_sim.publish.report.pdf import _Pages

    pages = _Pages(None, None)  # type: ignore[arg-type]  (measuring only)
    text = "not searched yet: diffusion-sim what-it-takes /a/very/long/folder/name/scenarios/zuidwest-collaborative.toml"
    lines = pages.wrap(text, 7.8, 1.5)
    assert all(pages.width(line, 7.8) <= 1.5 for line in lines), lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost
    assert pages.wrap("x" * 400, 7.8, 1.0) and all(pages.width(s, 7.8) <= 1.0 for s in pages.wrap("x" * 400, 7.8, 1.0))


def test_small_type_is_measured_as_the_pdf_draws_it():
    """The claims table shrinks its type to stay on page 1; the wrap must then measure small type truly (no pixel hinting)."""
    from diffusion_sim.publish.report.pdf import _Pages

    pages = _Pages(None, None)  # type: ignore[arg-type]
    text = "Telemonitoring bij COPD: kans 0%; 12% gebruikt het, 58% te weinig"
    assert pages.width(text, 6.2) == pytest.approx(pages.width(text, 12.4) / 2, rel=0.02)
