"""Figures from a small results folder: each one is drawn, and what it shows is checked against the tables."""

import io
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text
from PIL import Image
from tests.conftest import make_compare_folder

from diffusion_sim.errors import ResultsError
from diffusion_sim.model.state import BARRIER_NAMES
from diffusion_sim.outcomes import quantiles
from diffusion_sim.params import ORG_TYPES
from diffusion_sim.publish import figures, style
from diffusion_sim.publish.figures import FIGURES, load_study, make_figure, reached_by_month, typical_replication, write_figures
from diffusion_sim.publish.formats import MONTHS_SHORT, fmt_percent
from diffusion_sim.publish.style import STRATEGY_COLOURS, house_style, strategy_colours

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
MONTHS, REPS = 24, 4

# English words that must not appear anywhere in a Dutch figure (whole words, case as written)
ENGLISH = ("Months", "months", "month", "Month", "patients", "Patients", "organisations", "Organisations", "Adoption",
           "adoption", "Target", "target", "median", "never", "Isolated", "Collaborative", "Hospital", "GP", "practice",
           "Home care", "Cost", "cost", "reached", "eligible", "scenarios", "runs per", "thousand", "first user",
           "within", "Jan", "Mar", "May", "Oct", "since", "the", "and", "run", "runs", "Runs", "seed")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return make_compare_folder(tmp_path_factory.mktemp("results"), MONTHS, REPS)


@pytest.fixture(scope="module")
def study(folder):
    return load_study(folder)


@pytest.fixture
def low_dpi(monkeypatch):
    monkeypatch.setattr(style, "DPI", 40)  # content is the same at any resolution; keep tests fast


def draw(study, name, lang="en"):
    with house_style():
        fig = make_figure(study, name, lang)
        fig.savefig(io.BytesIO(), format="png", dpi=30)  # lays out and formats every tick label
    return fig


def by_gid(fig, gid):
    return fig.findobj(lambda a: a.get_gid() == gid)


def texts(fig):
    return [t.get_text() for t in fig.findobj(Text) if t.get_text() and t.get_visible()]


def test_no_report_leaves_only_tables(folder):
    assert not any(p.name.startswith(("figures-", "report-", ".")) for p in folder.iterdir())


@pytest.mark.parametrize("name", list(FIGURES))
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_figure_has_title_caption_and_units(study, name, lang):
    fig = draw(study, name, lang)
    caption = [t.get_text() for t in by_gid(fig, "caption")]
    assert len(caption) == 1
    assert (f"{REPS} runs per scenario" if lang == "en" else f"{REPS} simulaties per scenario") in caption[0]
    labels = ("Isolated", "Collaborative") if lang == "en" else ("Zelfstandig", "Samenwerkend")
    assert all(label in caption[0] for label in labels)
    for ax in fig.get_axes():
        if ax.get_xticks().size and ax.xaxis.get_visible() and name != "5-map":
            assert ax.get_xlabel(), f"{name}: an x axis without a label"


def test_adoption_draws_the_70_percent_target(study):
    fig = draw(study, "1-adoption")
    (line,) = by_gid(fig, "target_70")
    assert list(line.get_ydata()) == [0.70, 0.70]
    assert list(line.get_xdata()) == [0, 1]  # across the whole axis
    monthly = study.results.monthly
    for name in study.order:
        (median,) = by_gid(fig, f"median:{name}")
        wide = monthly[monthly["scenario"] == name].pivot(index="replication", columns="month",
                                                          values="share_eligible_adopted")
        np.testing.assert_allclose(median.get_ydata(), wide.median(axis=0).to_numpy())


def test_month_ticks_name_the_month_that_ended_as_monthly_csv_does(study):
    fig = draw(study, "1-adoption")
    ax = fig.get_axes()[0]
    monthly = study.results.monthly
    for tick in ax.get_xticklabels():
        number, label = tick.get_text().split("\n")
        if int(number) == 0:
            assert label == "start"
            continue
        year, month = monthly.loc[monthly["month"] == int(number), "calendar_month"].iloc[0].split("-")
        assert label == f"{MONTHS_SHORT['en'][int(month) - 1]} {year}"


def test_patients_draws_1000_at_month_12(study):
    fig = draw(study, "2-patients")
    (marker,) = by_gid(fig, "target_1000")
    assert list(marker.get_xdata()) == [12] and list(marker.get_ydata()) == [1000]
    (level,) = by_gid(fig, "target_1000_level")
    assert list(level.get_ydata()) == [1000, 1000] and list(level.get_xdata()) == [0, 12]
    (month,) = by_gid(fig, "target_1000_month")
    assert list(month.get_xdata()) == [12, 12]
    ax = marker.axes
    assert ax.get_ylim()[1] > 1000  # the target is inside the axes


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("name", ["1-adoption", "2-patients"])
def test_the_key_covers_neither_the_targets_words_nor_its_marks(study, name, lang):
    """The legend of a band plot once sat on figure 2's "Target: 1,000 additional patients" and its marker."""
    from matplotlib.legend import Legend

    fig = draw(study, name, lang)
    renderer = fig._get_renderer()  # the one the drawing above laid it out with
    (key,) = fig.findobj(Legend)
    box = key.get_window_extent(renderer)
    words = [t for t in fig.findobj(Text) if t.get_text().startswith(("Target", "Doel"))]
    marks = [a for a in fig.findobj() if a.get_gid() in ("target_1000", "target_1000_level")]  # figure 2's point
    assert words and (marks or name != "2-patients")
    for artist in (*words, *marks):
        assert not box.overlaps(artist.get_window_extent(renderer)), f"{name}: the key covers {artist}"


def test_time_to_targets_shows_share_reached_and_never(study):
    fig = draw(study, "3-time-to-targets")
    summary = study.results.summary
    for column, panel in (("months_to_1000_patients", 0), ("months_to_70pct", 1)):
        ax = fig.get_axes()[panel]
        for name in study.order:
            values = summary.loc[summary["scenario"] == name, column]
            reached = quantiles(values, censored=True)["reached"]  # the summary table's "reached in x%"
            (line,) = [a for a in by_gid(fig, f"reached:{name}") if a.axes is ax]
            assert line.get_ydata()[-1] == pytest.approx(reached)
            assert list(line.get_ydata()) == list(reached_by_month(values, MONTHS))
            (label,) = [a for a in by_gid(fig, f"never:{name}") if a.axes is ax]
            assert label.get_text().startswith(fmt_percent(1 - reached, "en"))


def test_reached_by_month_treats_nan_as_never():
    share = reached_by_month(pd.Series([3.0, np.nan, 5.0, np.nan]), 6)
    assert list(share) == [0, 0, 0, 0.25, 0.25, 0.5, 0.5]


def test_cost_medians_match_summary(study):
    fig = draw(study, "4-cost")
    summary = study.results.summary
    for name in study.order:
        sub = summary[summary["scenario"] == name]
        (median,) = by_gid(fig, f"median_cost:{name}")
        expected = [sub["patients_final"].median(), sub["total_cost_eur"].median() / 1000]
        np.testing.assert_allclose(median.get_offsets()[0], expected)
        (pp,) = by_gid(fig, f"median_per_patient:{name}")
        assert pp.get_xdata()[0] == pytest.approx(np.quantile(sub["cost_per_patient_eur"].dropna(), 0.5))


def test_map_shows_the_typical_replication(study):
    fig = draw(study, "5-map")
    rs = study.results
    for name in study.order:
        rep, n = typical_replication(rs.summary, name)
        sub = rs.summary[rs.summary["scenario"] == name]
        distance = (sub["adopted_beyond_origin"] - sub["adopted_beyond_origin"].median()).abs()
        assert distance[sub["replication"] == rep].iloc[0] == distance.min()
        orgs = rs.organisations[rs.organisations["scenario"] == name]
        ev = rs.org_events[(rs.org_events["scenario"] == name) & (rs.org_events["replication"] == rep)]
        merged = orgs.merge(ev, on="org_id")
        expected = int(((merged["month_adopted"] >= 0) & merged["eligible"] & ~merged["origin"]).sum())
        drawn = sum(len(c.get_offsets()) for c in by_gid(fig, f"adopted:{name}"))
        assert drawn == expected
        assert len(by_gid(fig, f"origin:{name}")) == 1
    words = texts(fig)
    assert "Goes" in words and "Breda" in words  # municipality names for orientation
    assert any(w.endswith("km") for w in words)  # a scale bar gives the map its unit


def test_who_adopts_stacks_to_mean_adopters(study):
    fig = draw(study, "6-who-adopts")
    monthly = study.results.monthly
    for name in study.order:
        polys = by_gid(fig, f"stack:{name}")
        top = polys[-1].get_paths()[0].vertices
        at_end = top[np.isclose(top[:, 0], MONTHS), 1].max()
        expected = monthly[(monthly["scenario"] == name) & (monthly["month"] == MONTHS)]["adopters"].mean()
        assert at_end == pytest.approx(expected)


def test_counts_by_type_equal_the_rows_grouped(study):
    """The who-adopts and why-not counts (category codes, counted once per study) equal the rows grouped by name."""
    rs = study.results
    for name in study.order:
        states = rs.states[(rs.states["state"] == "adopted") & (rs.states["scenario"] == name)]
        grouped = (states.groupby([states["month"].to_numpy(), states["org_type"].astype(str).to_numpy()])["n_orgs"].sum()
                   .unstack(fill_value=0).reindex(index=range(MONTHS + 1), columns=ORG_TYPES, fill_value=0))
        np.testing.assert_array_equal(study.adopted_by_type[name], grouped.to_numpy())

        events = rs.org_events[(rs.org_events["month_rejected"] >= 0) & (rs.org_events["scenario"] == name)]
        types = rs.organisations[rs.organisations["scenario"] == name].set_index("org_id")["org_type"]
        grouped = (events.assign(org_type=events["org_id"].map(types).to_numpy(), barrier=events["main_barrier"].to_numpy())
                   .groupby(["org_type", "barrier"]).size().unstack(fill_value=0)
                   .reindex(index=ORG_TYPES, columns=BARRIER_NAMES, fill_value=0))
        assert grouped.to_numpy().sum() > 0
        np.testing.assert_array_equal(study.rejections[name], grouped.to_numpy())


def test_same_colour_for_same_strategy_everywhere(study):
    assert strategy_colours(["collaborative", "isolated"]) == strategy_colours(["isolated", "collaborative"])
    assert strategy_colours(["a", "isolated", "b"])["isolated"] == STRATEGY_COLOURS["isolated"]
    others = strategy_colours(["a", "isolated", "b"])
    assert len(set(others.values())) == 3
    for name in ("1-adoption", "2-patients"):
        fig = draw(study, name)
        for s in study.order:
            (line,) = by_gid(fig, f"median:{s}")
            assert line.get_color() == STRATEGY_COLOURS[s]


@pytest.mark.parametrize("name", list(FIGURES))
def test_dutch_figures_have_no_english(study, name):
    fig = draw(study, name, "nl")
    words = texts(fig)
    joined = "\n".join(words)
    for word in ENGLISH:
        assert not re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", joined), f"{name}: English '{word}' in {joined!r}"
    if name in ("1-adoption", "2-patients"):
        assert "dec 2027" in joined and "jun 2028" in joined  # Dutch month names
    if name == "2-patients":
        assert "1.000" in joined and "1,000" not in joined  # Dutch thousands separator


def test_png_is_300_dpi_at_a4_width(study, tmp_path):
    with house_style():
        style.save(make_figure(study, "1-adoption", "en"), tmp_path / "a.png")
    with Image.open(tmp_path / "a.png") as im:
        assert round(im.info["dpi"][0]) == 300
        assert im.size[0] == round(style.WIDTH * 300)


def test_write_figures_writes_png_and_vectors_atomically(folder, tmp_path, low_dpi):
    work = tmp_path / "r"
    shutil.copytree(folder, work)
    (out,) = write_figures([work], "en", ("png", "svg"))
    assert out == work / "figures-en"
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{n}.{f}" for n in FIGURES for f in ("png", "svg"))
    assert (out / "1-adoption.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    # again, as PDF only: the folder is replaced as a whole, nothing temporary is left behind
    write_figures([work], "en", ("pdf",))
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.pdf" for n in FIGURES)
    assert (out / "4-cost.pdf").read_bytes().startswith(b"%PDF")
    assert not [p for p in work.iterdir() if p.name.startswith(".")]


def test_failure_keeps_the_old_figures(folder, tmp_path, monkeypatch, low_dpi):
    work = tmp_path / "r"
    shutil.copytree(folder, work)
    write_figures([work], "nl", ("png",))
    before = sorted(p.name for p in (work / "figures-nl").iterdir())

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setitem(figures.FIGURES, "5-map", (boom, 4.0))
    with pytest.raises(RuntimeError):
        write_figures([work], "nl", ("svg",))
    assert sorted(p.name for p in (work / "figures-nl").iterdir()) == before
    assert not [p for p in work.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("missing", ["states.parquet", "manifest.json", "organisations.csv"])
def test_missing_file_is_named_and_nothing_is_written(folder, tmp_path, missing):
    work = tmp_path / "r"
    shutil.copytree(folder, work)
    (work / missing).unlink()
    with pytest.raises(ResultsError, match=re.escape(missing)):
        write_figures([work], "en")
    assert not (work / "figures-en").exists()
    assert not [p for p in work.iterdir() if p.name.startswith(".")]


def test_older_format_and_missing_columns_are_named(folder, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(folder, old)
    meta = json.loads((old / "manifest.json").read_text())
    meta["format_version"] = 0
    (old / "manifest.json").write_text(json.dumps(meta))
    with pytest.raises(ResultsError, match="format"):
        write_figures([old], "en")

    cols = tmp_path / "cols"
    shutil.copytree(folder, cols)
    summary = pd.read_parquet(cols / "summary.parquet").drop(columns=["months_to_70pct"])
    summary.to_parquet(cols / "summary.parquet", index=False)
    with pytest.raises(ResultsError, match="summary.parquet: changed since it was written"):  # the hashes catch it first
        write_figures([cols], "en")
    with pytest.raises(ResultsError, match="months_to_70pct"):  # and, unverified, the column check
        write_figures([cols], "en", verify=False)
    assert not (cols / "figures-en").exists()


def test_one_bad_folder_stops_all_before_writing(folder, tmp_path):
    good = tmp_path / "good"
    shutil.copytree(folder, good)
    with pytest.raises(ResultsError, match="does not exist"):
        write_figures([good, tmp_path / "nope"], "en")
    assert not (good / "figures-en").exists()


# --- one palette: a colour means one strategy; the map's states stay apart, also for colour-blind readers ---

_CVD = {  # Machado, Oliveira & Fernandes (2009), severity 1
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]),
}


def _lab(hex_colour: str, cvd: np.ndarray) -> np.ndarray:
    c = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    rgb = np.clip(cvd @ np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4), 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ rgb
    f = np.cbrt(np.maximum(xyz / np.array([0.95047, 1.0, 1.08883]), 0.008856))
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_a_colour_stands_for_one_strategy_and_the_map_does_not_reuse_them():
    from diffusion_sim.publish.style import STATE_COLOURS

    meaning = {"isolated": "alone", "isolated-portfolio": "alone", "collaborative": "team, one innovation",
               "one-at-a-time": "team, one at a time", "all-at-once": "team, all at once"}
    by_colour: dict[str, set[str]] = {}
    for name, colour in STRATEGY_COLOURS.items():
        by_colour.setdefault(colour, set()).add(meaning[name])
    assert all(len(m) == 1 for m in by_colour.values()), by_colour
    assert not {STRATEGY_COLOURS["isolated"], STRATEGY_COLOURS["collaborative"]} & set(STATE_COLOURS.values())
    for vision, matrix in _CVD.items():
        labs = {s: _lab(c, matrix) for s, c in STATE_COLOURS.items()}
        worst = min(np.linalg.norm(labs[a] - labs[b]) for a in labs for b in labs if a < b)
        assert worst > 15, (vision, worst)
    assert np.linalg.norm(_lab(STATE_COLOURS["deciding"], np.eye(3)) - _lab(STATE_COLOURS["rejected"], np.eye(3))) > 50
