"""The report: its numbers equal the summary table, Dutch is Dutch, it is self-contained and never half written."""

import base64
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.conftest import make_compare_folder
from typer.testing import CliRunner

from diffusion_sim.analysis.summary import difference_table, outcome_table
from diffusion_sim.cli import app
from diffusion_sim.errors import ResultsError
from diffusion_sim.outcomes import SHOWN as OUTCOMES
from diffusion_sim.outcomes import TIME_OUTCOMES
from diffusion_sim.params import flat_fields
from diffusion_sim.publish import figures, style, write
from diffusion_sim.publish.assumptions import KEY_ASSUMPTIONS
from diffusion_sim.publish.figures import load_study
from diffusion_sim.publish.formats import (
    fmt_eur,
    fmt_interval,
    fmt_number,
    fmt_percent,
    fmt_range,
    fmt_value,
    month_label,
    step_label,
)
from diffusion_sim.publish.report.document import build_document
from diffusion_sim.publish.report.html import render_html
from diffusion_sim.publish.report.pdf import TEXT_W
from diffusion_sim.publish.words import OUTCOME_LABELS, STRATEGY_LABELS, TEXTS, headline_sentences
from diffusion_sim.publish.write import write_report

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
FILES = [SCENARIOS / "zuidwest-isolated.toml", SCENARIOS / "zuidwest-collaborative.toml"]
MONTHS, REPS = 24, 4
runner = CliRunner()

# Labels the English report uses; none may be left in the Dutch one (whole words, as written).
ENGLISH = ("In brief", "Key numbers", "Figures", "Key assumptions", "Assumption", "ASSUMPTION", "Source", "Outcome",
           "patients", "Patients", "months", "Months", "month", "organisations", "Organisations", "reached", "not reached",
           "median", "interval", "runs", "run", "Isolated", "Collaborative", "Hospital", "GP practice", "Home care",
           "per year", "cost", "Cost", "with", "With", "when", "against", "the", "and", "of", "sooner", "Seed", "Horizon",
           "Command", "Results folder", "Runs", "seed", "Jan", "Mar", "May", "Oct", "yes", "no", "DERIVED", "sec.", "et al.")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return make_compare_folder(tmp_path_factory.mktemp("results"), MONTHS, REPS)


@pytest.fixture(scope="module")
def study(folder):
    return load_study(folder)


@pytest.fixture(autouse=True)
def low_dpi(monkeypatch):
    monkeypatch.setattr(style, "DPI", 40)  # what the report says does not depend on the resolution


@pytest.fixture(scope="module")
def pages(study):
    """The English and Dutch HTML (figures drawn once per language for the whole module)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(style, "DPI", 40)
        docs = {lang: build_document(study, lang) for lang in ("en", "nl")}
    return docs, {lang: render_html(doc) for lang, doc in docs.items()}


@pytest.fixture
def cached_document(monkeypatch, pages):
    """Tests of how files are written reuse the module's documents instead of drawing the figures again."""
    monkeypatch.setattr(write, "build_document", lambda study, lang, *args, **kwargs: pages[0][lang])
    monkeypatch.setattr(write, "figure_pngs", lambda study, lang: {n: png for n, _, _, png in pages[0][lang].figures})


def visible_text(page: str) -> str:
    """What a reader sees: no embedded images, tags, or code (file names, the command line)."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"<code>.*?</code>", " ", page, flags=re.S)
    page = re.sub(r'src="data:[^"]*"', " ", page)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


def cell(page: str, row: str, col: str) -> str:
    m = re.search(rf'<td[^>]*data-row="{re.escape(row)}" data-col="{re.escape(col)}"[^>]*>(.*?)</td>', page, flags=re.S)
    assert m, (row, col)
    inner = re.sub(r"<small>.*?</small>", "", m.group(1))
    return html.unescape(re.sub(r"<[^>]+>", "", inner)).strip()


def headline(page: str) -> list[str]:
    block = re.search(r'<ul class="headline">(.*?)</ul>', page, flags=re.S).group(1)
    return [html.unescape(s) for s in re.findall(r"<li>(.*?)</li>", block, flags=re.S)]


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_table_numbers_equal_the_summary_table(study, pages, lang):
    page = pages[1][lang]
    table = outcome_table(study.results.summary, study.order)
    for row in table.itertuples(index=False):
        q = {"median": row.median, "low": row.low, "high": row.high}
        assert cell(page, row.outcome, row.scenario) == fmt_interval(q, row.unit, lang).replace("\n", "")
        if row.outcome in TIME_OUTCOMES:
            assert fmt_percent(row.reached, lang) in re.search(
                rf'data-row="{row.outcome}" data-col="{row.scenario}".*?</td>', page, flags=re.S).group(0)
    diffs = difference_table(study.results.paired)
    for row in diffs.itertuples(index=False):
        if row.outcome.startswith("months_saved_to_"):
            continue
        # the cost-per-patient row shows the extra cost per extra patient, not a difference of two ratios
        where = "cost_per_patient_eur" if row.outcome == "incremental_cost_per_patient_eur" else row.outcome
        if where not in OUTCOMES:
            continue  # not a key number (the costs by payer are in the appendix table)
        text = cell(page, where, f"diff:{row.scenario}")
        expected = fmt_interval({"median": row.median, "low": row.low, "high": row.high}, row.unit, lang) if row.pairs else "–"
        assert text.lstrip("+") == expected


def test_headline_numbers_equal_the_summary_table(study, pages):
    page = pages[1]["en"]
    summary = study.results.summary
    first = headline(page)[0]
    collab = summary.loc[summary["scenario"] == "collaborative", "patients_12m"].to_numpy()
    isolated = summary.loc[summary["scenario"] == "isolated", "patients_12m"].to_numpy()
    lo, hi = np.quantile(collab, [0.05, 0.95])
    expected = (f"With regional collaboration, the innovation reaches a median of {fmt_number(np.median(collab), 'en')} more "
                f"patients in the first 12 months (90% interval {fmt_range(fmt_number(lo, 'en'), fmt_number(hi, 'en'), 'en')}), "
                f"against {fmt_number(np.median(isolated), 'en')} when organisations scale on their own.")
    assert first == expected
    # the same sentence in the PDF: both are rendered from one Document
    docs = pages[0]
    assert docs["en"].headline == headline(page)
    paired = difference_table(study.results.paired).set_index("outcome").loc["patients_12m"]
    assert f"a median of {fmt_number(paired['median'], 'en')} patients more" in headline(page)[1]


def test_dutch_headline_uses_dutch_numbers(study, pages):
    first = headline(pages[1]["nl"])[0]
    table = outcome_table(study.results.summary, study.order).set_index(["scenario", "outcome"])
    q = table.loc[("collaborative", "patients_12m")]
    assert first.startswith(f"Met regionale samenwerking bereikt de innovatie in de eerste 12 maanden een mediaan van "
                            f"{fmt_number(q['median'], 'nl')} extra patiënten (90%-interval ")
    assert first.endswith("als organisaties zelfstandig opschalen.")


def test_headline_sentences_for_a_single_scenario_and_missed_targets():
    q = {"median": 1234.4, "low": 900.0, "high": 1500.0, "reached": 0.25, "unit": "patients"}
    never = {"median": np.inf, "low": 30.0, "high": np.inf, "reached": 0.25, "unit": "months"}
    numbers = {"order": ["isolated"], "months": 60, "differences": {},
               "outcomes": {"isolated": {"patients_12m": q, "months_to_1000_patients": never, "months_to_70pct": never,
                                         "share_adopted_final": {"median": 0.333}, "cost_all_payers_eur": {"median": 1e5},
                                         "cost_per_patient_eur": {"median": 81.0}}}}
    en = headline_sentences(numbers, "en")
    nl = headline_sentences(numbers, "nl")
    assert en[0] == ("When organisations scale on their own, the innovation reaches a median of 1,234 more patients in the "
                     "first 12 months (90% interval 900–1,500).")
    assert "only 25% of runs reach 1,000 additional patients within 60 months" in en[1]
    assert nl[0].startswith("Als organisaties zelfstandig opschalen, bereikt de innovatie in de eerste 12 maanden een mediaan "
                            "van 1.234")
    assert "33%" in nl[2] and "€\u00a0100.000" in nl[3] and "€\u00a081 per" in nl[3]


def test_number_formats_follow_the_language():
    assert fmt_number(1234.5, "nl", 1) == "1.234,5" and fmt_number(1234.5, "en", 1) == "1,234.5"
    assert fmt_percent(0.125, "nl", 1) == "12,5%" and fmt_percent(0.125, "en", 1) == "12.5%"
    assert fmt_eur(1000, "nl") == "€\u00a01.000" and fmt_eur(1000, "en") == "€1,000"
    assert fmt_number(-5, "en") == "\u22125" and fmt_number(-0.2, "en") == "0"
    assert fmt_value(np.inf, "months", "nl") == "niet bereikt"
    assert fmt_range("\u22125", "3", "nl") == "\u22125 tot 3"
    assert month_label(2027, 1, 14, "nl") == "mrt 2028" and month_label(2027, 11, 2, "en") == "Jan 2028"
    assert step_label(2027, 1, 12, "nl") == "dec 2027" and step_label(2027, 1, 0, "en") == "start"


def test_texts_cover_every_outcome_and_language():
    assert set(OUTCOME_LABELS) == set(OUTCOMES)
    for table in (TEXTS, OUTCOME_LABELS):
        for key, value in table.items():
            assert set(value) == {"en", "nl"}, key
    for forms in STRATEGY_LABELS.values():
        assert all(set(v) == {"en", "nl"} for v in forms.values())


def test_dutch_sources_follow_params_descriptions():
    """A changed source in params.py must be translated too: same years, aanname where ASSUMPTION, afgeleid where DERIVED."""
    fields = flat_fields()
    year = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
    for key, spec in KEY_ASSUMPTIONS.items():
        assert key in fields, key
        english = (fields[key].description or "").split("; ", 1)[-1]
        dutch = spec["nl_source"]
        assert set(year.findall(english)) <= set(year.findall(dutch)), key
        assert ("ASSUMPTION" in english) == ("aanname" in dutch.lower()), key
        assert ("DERIVED" in english) == ("afgeleid" in dutch.lower()), key


def test_assumptions_show_each_scenarios_value_and_source(study, pages):
    page = pages[1]["en"]
    assert cell(page, "facilitation.budget_eur_per_year", "isolated") == "€0 per year"
    assert cell(page, "facilitation.budget_eur_per_year", "collaborative") == "€10,000 per year"
    description = flat_fields()["diffusion.q"].description
    assert cell(page, "diffusion.q", "source") == description.split("; ", 1)[1]
    assert "<tr class=\"differs\">" in page
    nl = pages[1]["nl"]
    assert cell(nl, "facilitation.budget_eur_per_year", "collaborative") == "€\u00a010.000 per jaar"
    assert cell(nl, "facilitation.regional_learning_per_doubling", "isolated") == "17,5%"


# --- language and form --------------------------------------------------------------------------


def test_dutch_report_has_no_english_labels(pages):
    text = visible_text(pages[1]["nl"])
    for word in ENGLISH:
        assert not re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text), f"English '{word}' in the Dutch report"
    assert 'lang="nl"' in pages[1]["nl"]
    assert "jan 2027" in text and "januari 2027" in text  # Dutch month names


def test_english_report_is_english(pages):
    text = visible_text(pages[1]["en"])
    for word in ("patiënten", "maanden", "Zelfstandig", "aanname", "Kerncijfers"):
        assert word not in text


def test_html_is_self_contained(pages, study):
    page = pages[1]["en"]
    assert not re.search(r"""(src|href)=["'](https?:|//|file:)""", page)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    images = re.findall(r'<img src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == len(figures.FIGURES)
    assert all(base64.b64decode(b).startswith(b"\x89PNG") for b in images)
    assert f"<code>{study.folder.name}</code>" in page


# --- files ---------------------------------------------------------------------------------------


def test_write_report_writes_html_and_pdf(folder, tmp_path, cached_document):
    work = tmp_path / "r"
    shutil.copytree(folder, work)
    written = write_report([work], "nl")
    assert written == [work / "report-nl.html", work / "report-nl.pdf"]
    pdf = (work / "report-nl.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 4
    assert not [p for p in work.iterdir() if p.name.startswith(".")]
    if shutil.which("pdftotext"):  # the PDF says what the HTML says
        text = subprocess.run(["pdftotext", "-layout", str(work / "report-nl.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout
        first = headline((work / "report-nl.html").read_text(encoding="utf-8"))[0]
        number = re.search(r"mediaan van ([\d.]+) extra", first).group(1)
        assert f"mediaan van {number} extra" in " ".join(text.split())


def test_pdf_draws_figures_as_vectors_with_text(folder, tmp_path, cached_document):
    """No picture of a figure in the PDF (they were 306-ppi rasters): the figures' lines, and their words as text."""
    work = tmp_path / "r"
    shutil.copytree(folder, work)
    write_report([work], "nl")
    pdf = (work / "report-nl.pdf").read_bytes()
    assert not re.search(rb"/Subtype\s*/Image", pdf), "a raster image in the report PDF"
    if shutil.which("pdftotext"):
        text = " ".join(subprocess.run(["pdftotext", str(work / "report-nl.pdf"), "-"], capture_output=True, text=True,
                                       check=True).stdout.split())
        for words in ("Maanden sinds de start", "Doel: 70% van de geschikte organisaties", "eerste gebruiker",
                      "simulaties per scenario"):  # axis labels, targets, the map's legend, the caption line
            assert words in text, words


def test_pdf_lines_are_the_greedy_fill_word_by_word(pages):
    """Lines are found from the words' widths and checked whole; they break where filling word by word breaks."""
    from diffusion_sim.publish.report.pdf import _Pages

    def greedy(p: _Pages, text: str, size: float, width: float, bold: bool) -> list[str]:
        lines = []
        for para in text.split("\n"):
            line = ""
            for word in (piece for w in para.split(" ") for piece in p._pieces(w, size, width, bold)):
                trial = f"{line} {word}" if line else word
                if line and p.width(trial, size, bold) > width:
                    lines.append(line)
                    line = word
                else:
                    line = trial
            lines.append(line)
        return lines

    doc = pages[0]["nl"]
    p = _Pages(None, doc)  # type: ignore[arg-type]  (measuring only)
    texts = [doc.subtitle, doc.claims_note, doc.numbers_note, doc.method_text, *doc.headline, "", "a  b\n\nc",
             *[c for table in (doc.claims, doc.assumptions) for row in table.rows for c in row]]
    for text in texts:
        for size, width, bold in ((6.2, 0.8, False), (7.5, 1.65, True), (9.5, 3.0, False), (9.5, TEXT_W, False)):
            assert p.wrap(text, size, width, bold) == greedy(p, text, size, width, bold), (text, size, width)
    # spaces doubled, leading and trailing, with breaks falling on them (a scenario's name may hold any of these)
    rng = np.random.default_rng(3)
    spaced = ["abcde  abcde", " leading", "  two leading", "abcde   ", "   ", "a b  c d   e"]
    spaced += [" ".join(rng.choice(["", "ab", "abcdef", "x", "zorgorganisaties"], int(rng.integers(1, 12))))
               for _ in range(200)]
    for text in spaced:
        for width in (p.width("abcde", 9) + 0.001, 0.3, 0.6, 1.0, 1e-3):
            assert p.wrap(text, 9, width) == greedy(p, text, 9, width, False), (text, width)


def test_failed_report_leaves_the_old_one(folder, tmp_path, monkeypatch, cached_document):
    work = tmp_path / "r"
    shutil.copytree(folder, work)
    write_report([work], "en")
    before = (work / "report-en.html").read_bytes()

    def boom(doc, path):
        path.write_bytes(b"%PDF-half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(write, "render_pdf", boom)
    with pytest.raises(RuntimeError):
        write_report([work], "en")
    assert (work / "report-en.html").read_bytes() == before
    assert (work / "report-en.pdf").read_bytes().startswith(b"%PDF-1")
    assert not [p for p in work.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("missing", ["summary.parquet", "org_events.parquet", "manifest.json"])
def test_missing_file_is_named_and_nothing_is_written(folder, tmp_path, missing):
    work = tmp_path / "r"
    shutil.copytree(folder, work)
    (work / missing).unlink()
    with pytest.raises(ResultsError, match=re.escape(missing)):
        write_report([work], "en")
    assert not list(work.glob("report-*")) and not [p for p in work.iterdir() if p.name.startswith(".")]


def test_older_format_is_refused(folder, tmp_path):
    work = tmp_path / "r"
    shutil.copytree(folder, work)
    meta = json.loads((work / "manifest.json").read_text())
    del meta["scenario_order"]
    meta["format_version"] = 0
    (work / "manifest.json").write_text(json.dumps(meta))
    with pytest.raises(ResultsError, match="format 0"):
        write_report([work], "en")
    assert not list(work.glob("report-*"))


def test_missing_column_is_named(folder, tmp_path):
    work = tmp_path / "r"
    shutil.copytree(folder, work)
    monthly = pd.read_parquet(work / "monthly.parquet").drop(columns=["patients_reached_additional"])
    monthly.to_parquet(work / "monthly.parquet", index=False)
    with pytest.raises(ResultsError, match="monthly.parquet: changed since it was written"):
        write_report([work], "en")
    with pytest.raises(ResultsError, match="monthly.*patients_reached_additional"):  # unverified: the column check
        write_report([work], "en", verify=False)
    assert not list(work.glob("report-*"))


# --- command line --------------------------------------------------------------------------------


def test_cli_report_and_figures(folder, tmp_path, cached_document):
    work = tmp_path / "r"
    shutil.copytree(folder, work)
    res = runner.invoke(app, ["report", str(work), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "report-en.html" in res.output and (work / "report-en.pdf").is_file()
    res = runner.invoke(app, ["figures", str(work), "--lang", "nl", "--format", "png"])
    assert res.exit_code == 0, res.output
    assert sorted(p.suffix for p in (work / "figures-nl").iterdir()) == [".png"] * len(figures.FIGURES)


def test_cli_missing_folder_is_one_line_exit_2(tmp_path):
    for command in ("report", "figures"):
        res = runner.invoke(app, [command, str(tmp_path / "nope")])
        assert res.exit_code == 2, res.output
        assert "nope" in res.output and "Traceback" not in res.output
        assert len([line for line in res.output.splitlines() if line.strip()]) == 1
    res = runner.invoke(app, ["report", str(tmp_path), "--lang", "de"])
    assert res.exit_code == 2


def test_compare_writes_figures_and_report_by_default(tmp_path):
    out = tmp_path / "cmp"
    res = runner.invoke(app, ["compare", *map(str, FILES), "-n", "2", "--months", "13", "-w", "1", "-q", "--out", str(out),
                              "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert (out / "figures-en" / "1-adoption.png").is_file() and (out / "figures-en" / "1-adoption.svg").is_file()
    assert (out / "report-en.html").is_file() and (out / "report-en.pdf").is_file()
    assert (out / "summary.parquet").is_file()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]


def test_the_runs_numbers_make_the_report_the_folder_makes(tmp_path):
    """``compare`` hands its summary tables to the report rather than have them computed again: same tables, same report."""
    from diffusion_sim.scenario import load_scenario
    from diffusion_sim.studies.compare import run_study

    scenarios = [load_scenario(f, {"simulation.months": 13}) for f in FILES]
    result = run_study(scenarios, [str(f) for f in FILES], tmp_path / "cmp", 6, 1)
    from_folder, from_run = load_study(result.folder), load_study(result.folder, numbers=result.numbers)
    for name in ("outcomes", "differences", "claims"):
        pd.testing.assert_frame_equal(getattr(from_run.numbers, name), getattr(from_folder.numbers, name))
    assert from_run.numbers.team == from_folder.numbers.team
    pngs = dict.fromkeys(figures.figure_names(from_folder), b"")
    assert render_html(build_document(from_run, "nl", pngs)) == render_html(build_document(from_folder, "nl", pngs))


def test_months_saved_rows_show_the_paired_saving(study, pages):
    """Each time target's difference column holds the months saved (the catalogue's paired outcome), not a dash."""
    page = pages[1]["en"]
    diffs = difference_table(study.results.paired)
    for outcome in TIME_OUTCOMES:
        row = diffs[diffs["outcome"] == f"months_saved_to_{outcome.removeprefix('months_to_')}"].iloc[0]
        text = cell(page, outcome, f"diff:{row['scenario']}")
        expected = fmt_interval({"median": row["median"], "low": row["low"], "high": row["high"]}, "months", "en")
        assert text.lstrip("+") == (expected if row["pairs"] else "–")
