"""Publication-ready figures from a results folder, without running the model again.

Six figures, each one message a reader can take in at a glance and copy into a proposal or a slide:

1. ``adoption``: share of eligible organisations using the innovation, median with 50%/90% bands, 70% target;
2. ``patients``: additional patients reached (cumulative), with the patient target (``outcomes.py``) at its month;
3. ``targets``: share of runs that reached each target by a given month, and how many never did;
4. ``cost``: total cost against reach, and cost per additional patient;
5. ``map``: organisations at their coordinates, coloured by when they adopted in a typical run;
6. ``types``: organisations using it, by type, stacked, per strategy;
7. ``innovations`` (portfolios only): share of eligible organisations using each innovation, 70% target.

Every figure uses the same colour for the same strategy (Okabe & Ito 2008, a palette that stays
distinct for the common forms of colour blindness; :mod:`diffusion_sim.publish.style` holds it and the
house style), units on every axis, and a caption line with the number of runs and the scenarios. All
text comes from :mod:`diffusion_sim.publish.words`, so ``lang="nl"`` gives a figure without English
in it. Figures are drawn on :class:`matplotlib.figure.Figure` objects (no pyplot, no global backend),
so they can be saved alone or composed into the report's pages.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure, FigureBase
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from diffusion_sim.analysis.summary import StudyNumbers
from diffusion_sim.errors import ResultsError
from diffusion_sim.model.state import BARRIER_NAMES, STATE_NAMES
from diffusion_sim.outcomes import (
    ADOPTION_TARGET,
    MONTHS_TO_ADOPTION,
    MONTHS_TO_PATIENTS,
    PATIENT_TARGET,
    PATIENT_TARGET_MONTH,
    PATIENTS_IN_YEAR,
)
from diffusion_sim.params import ORG_TYPES
from diffusion_sim.publish.formats import (
    DASH,
    Lang,
    calendar_month,
    check_lang,
    fmt_eur,
    fmt_number,
    fmt_percent,
    month_label,
    step_label,
)
from diffusion_sim.publish.style import (
    BARRIER_COLOURS,
    CAPTION_IN,
    FORMATS,
    GREY,
    LIGHT,
    TYPE_COLOURS,
    TYPE_MARKERS,
    TYPE_SIZES,
    WIDTH,
    house_style,
    save,
    strategy_colours,
)
from diffusion_sim.publish.words import ORG_TYPE_LABELS, innovation_label, strategy_text, t
from diffusion_sim.results import ResultSet, read_results, replace_atomically

# What each figure needs from a results folder, beyond the files read_results checks.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "summary": ("scenario", "replication", PATIENTS_IN_YEAR, "patients_final", "share_adopted_final", "adopted_beyond_origin",
                MONTHS_TO_PATIENTS, MONTHS_TO_ADOPTION, "implementation_cost_eur", "facilitation_cost_eur",
                "total_cost_eur", "cost_per_patient_eur"),
    "monthly": ("scenario", "replication", "month", "share_eligible_adopted", "patients_reached_additional"),
    "states": ("scenario", "replication", "month", "org_type", "state", "n_orgs"),
    "org_events": ("scenario", "replication", "org_id", "month_adopted"),
    "organisations": ("scenario", "org_id", "org_type", "name", "municipality", "lat", "lon", "eligible", "origin"),
}
REQUIRED_MANIFEST = ("version", "seed", "replications", "months", "scenario_order", "scenarios")


@dataclass
class Study:
    """A checked results folder plus what every figure needs to label itself."""

    results: ResultSet
    folder: Path
    order: list[str]
    colours: dict[str, str]
    months: int
    start_year: int
    start_month: int
    replications: int
    seed: int
    version: str
    # the summary tables (the run's own, when it passes them; else computed from the folder when first asked for)
    numbers: StudyNumbers | None = None

    def __post_init__(self) -> None:
        if self.numbers is None:
            rs = self.results
            self.numbers = StudyNumbers(rs.summary, rs.paired, self.order, self.months, rs.innovations)

    @cached_property
    def adopted_by_type(self) -> dict[str, np.ndarray]:
        """Per scenario, organisations using it per month (0..horizon) and type (:data:`ORG_TYPES`), summed over runs.

        Counted once, by category codes, from the state rows (millions at thousands of runs): the
        figure file and the report's page both draw from it.
        """
        st = self.results.states
        adopted = _codes(st["state"], STATE_NAMES) == STATE_NAMES.index("adopted")
        types, months, n = _codes(st["org_type"], ORG_TYPES), st["month"].to_numpy(), st["n_orgs"].to_numpy()
        width = len(ORG_TYPES)
        out = {}
        for name in self.order:
            keep = adopted & (st["scenario"] == name).to_numpy() & (types >= 0) & (months <= self.months)
            counts = np.bincount(months[keep] * width + types[keep], weights=n[keep], minlength=(self.months + 1) * width)
            out[name] = counts.astype(np.int64).reshape(self.months + 1, width)
        return out

    @cached_property
    def rejections(self) -> dict[str, np.ndarray]:
        """Per scenario, rejections by type (:data:`ORG_TYPES`) and main barrier (:data:`BARRIER_NAMES`), summed over runs.

        Counted once, by codes, from the event rows: the figure file and the report's page both draw from it.
        """
        events, orgs = self.results.org_events, self.results.organisations
        if "month_rejected" not in events:
            return {name: np.zeros((len(ORG_TYPES), len(BARRIER_NAMES)), dtype=np.int64) for name in self.order}
        rejected = (events["month_rejected"] >= 0).to_numpy()
        barriers, ids = _codes(events["main_barrier"], BARRIER_NAMES), events["org_id"].to_numpy()
        out = {}
        for name in self.order:
            mine = orgs[orgs["scenario"] == name]
            type_of = np.full(int(max(mine["org_id"].max(), ids.max(initial=0))) + 1, -1)
            type_of[mine["org_id"].to_numpy()] = _codes(mine["org_type"], ORG_TYPES)
            keep = rejected & (events["scenario"] == name).to_numpy() & (barriers >= 0)
            types = type_of[ids[keep]]
            known = types >= 0
            flat = types[known] * len(BARRIER_NAMES) + barriers[keep][known]
            out[name] = np.bincount(flat, minlength=len(ORG_TYPES) * len(BARRIER_NAMES)).reshape(len(ORG_TYPES), -1)
        return out

    def label(self, name: str, lang: Lang) -> str:
        """The scenario's name as a reader sees it."""
        return strategy_text(name, "label", lang)

    def caption(self, lang: Lang) -> str:
        """The caption line under every figure: runs, scenarios, seed and version."""
        names = ", ".join(self.label(n, lang) for n in self.order)
        return t("caption", lang, reps=fmt_number(self.replications, lang), scenarios=names, seed=self.seed,
                 version=self.version)

    def month_axis(self, lang: Lang) -> str:
        """The x-axis label of a time axis, naming the calendar month the simulation starts."""
        return t("month_axis", lang, start=month_label(self.start_year, self.start_month, 0, lang))


def _codes(column: pd.Series, names: tuple[str, ...]) -> np.ndarray:
    """Each row's position in ``names`` (-1 for any other value): categories recoded, not text compared row by row."""
    return np.asarray(pd.Categorical(column, categories=list(names)).codes)


def load_study(folder: str | Path, verify: bool = True, numbers: StudyNumbers | None = None) -> Study:
    """Read and check a results folder; a ``ResultsError`` names anything missing or changed before anything is drawn.

    ``verify``: check every file against the SHA-256 in its manifest (:func:`~diffusion_sim.results.read_results`).
    ``numbers``: the summary tables of the run that wrote the folder, so they are not computed again.
    """
    folder = Path(folder)
    rs = read_results(folder, verify=verify)
    missing_meta = [k for k in REQUIRED_MANIFEST if k not in rs.manifest]
    if missing_meta:
        raise ResultsError(f"{folder / 'manifest.json'}: missing {', '.join(missing_meta)}; it comes from an older "
                           f"version, run the scenarios again")
    for table, columns in REQUIRED_COLUMNS.items():
        frame = getattr(rs, table)
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ResultsError(f"{folder}: table {table} lacks column(s) {', '.join(missing)}; it comes from an older "
                               f"version, run the scenarios again")
    order = list(rs.manifest["scenario_order"])
    for name in order:
        if name not in rs.manifest["scenarios"]:
            raise ResultsError(f"{folder / 'manifest.json'}: scenario {name!r} has no parameters in 'scenarios'")
        if not (rs.summary["scenario"] == name).any():
            raise ResultsError(f"{folder}: summary has no rows for scenario {name!r}")
    sim = rs.manifest["scenarios"][order[0]].get("parameters", {}).get("simulation", {})
    return Study(results=rs, folder=folder, order=order, colours=strategy_colours(order), months=int(rs.manifest["months"]),
                 start_year=int(sim.get("start_year", 2027)), start_month=int(sim.get("start_month", 1)),
                 replications=int(rs.manifest["replications"]), seed=int(rs.manifest["seed"]),
                 version=str(rs.manifest["version"]), numbers=numbers)


# --- helpers -----------------------------------------------------------------------------------


def _finish(fig: FigureBase, study: Study, title: str, lang: Lang) -> None:
    fig.suptitle(title, x=0.01, ha="left")


def _month_ticks(ax: Any, study: Study, lang: Lang, compact: bool = False) -> None:
    """Ticks every year (every half year for short horizons), labelled with month number and calendar month.

    The calendar month is the one that has just ended there ("12 / dec 2027": the state after the first
    year), as in monthly.csv. ``compact`` panels (two side by side) show only the month number; the axis label names the start.
    """
    step = 6 if study.months <= 24 else 12
    ticks = list(range(0, study.months + 1, step))
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    if compact:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt_number(int(x), lang)))
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(
            lambda x, _pos: f"{int(x)}\n{step_label(study.start_year, study.start_month, int(x), lang)}"))
    ax.set_xlim(0, study.months)
    ax.set_xlabel(study.month_axis(lang))


def _ylabel(ax: Any, text: str, width: int = 36) -> None:
    """A y-axis label, on two lines when it would not fit along a short axis (Dutch labels run long)."""
    ax.set_ylabel("\n".join(textwrap.wrap(text, width)) if len(text) > width else text)


def _percent_axis(ax: Any, lang: Lang, axis: str = "y") -> None:
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_percent(v, lang)))


def _number_axis(ax: Any, lang: Lang, axis: str = "y", scale: float = 1.0) -> None:
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_number(v / scale, lang)))


def _bands(monthly: pd.DataFrame, scenario: str, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Months and the 5/25/50/75/95% quantiles of ``column`` over replications, month by month."""
    sub = monthly[monthly["scenario"] == scenario]
    wide = sub.pivot(index="replication", columns="month", values=column).sort_index(axis=1)
    q = np.quantile(wide.to_numpy(dtype=float), [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    return wide.columns.to_numpy(), q


def _band_plot(ax: Any, study: Study, column: str, lang: Lang) -> float:
    """Median line and 50%/90% bands per strategy; returns the highest value drawn."""
    top = 0.0
    for name in study.order:
        months, q = _bands(study.results.monthly, name, column)
        colour = study.colours[name]
        ax.fill_between(months, q[0], q[4], color=colour, alpha=0.13, linewidth=0)
        ax.fill_between(months, q[1], q[3], color=colour, alpha=0.28, linewidth=0)
        ax.plot(months, q[2], color=colour, linewidth=2.2, label=study.label(name, lang), gid=f"median:{name}")
        top = max(top, float(np.nanmax(q[4])))
    return top


def _band_handles(study: Study, lang: Lang) -> list[Any]:
    """The key of a band plot: each strategy's colour, then the median and the two bands."""
    handles: list[Any] = [Line2D([], [], color=study.colours[n], linewidth=2.2, label=study.label(n, lang))
                          for n in study.order]
    return handles + [
        Line2D([], [], color=GREY, linewidth=2.2, label=t("band_median", lang)),
        Patch(facecolor=GREY, alpha=0.45, label=t("band_50", lang)),
        Patch(facecolor=GREY, alpha=0.18, label=t("band_90", lang)),
    ]


def _band_legend(ax: Any, study: Study, lang: Lang, loc: str) -> None:
    ax.legend(handles=_band_handles(study, lang), loc=loc, ncols=1, handlelength=1.8, borderaxespad=0.3)


# --- 1. adoption -------------------------------------------------------------------------------


def adoption(study: Study, lang: Lang, fig: FigureBase) -> FigureBase:
    """Share of eligible organisations using the innovation, with the 70% target drawn."""
    ax = fig.add_subplot()
    _band_plot(ax, study, "share_eligible_adopted", lang)
    ax.axhline(ADOPTION_TARGET, color="#222222", linewidth=1.1, linestyle=(0, (5, 3)), gid="target_70", zorder=1)
    ax.annotate(t("target_70", lang), xy=(study.months, ADOPTION_TARGET), xytext=(-3, 4), textcoords="offset points",
                ha="right", va="bottom", fontsize=8.5, color="#222222")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_locator(FixedLocator(np.linspace(0, 1, 6)))
    _percent_axis(ax, lang)
    _ylabel(ax, t("fig_adoption_y", lang), 48)
    _month_ticks(ax, study, lang)
    _band_legend(ax, study, lang, loc="upper left")
    _finish(fig, study, t("fig_adoption_title", lang), lang)
    return fig


# --- 2. patients -------------------------------------------------------------------------------


def patients(study: Study, lang: Lang, fig: FigureBase) -> FigureBase:
    """Additional patients reached over time, with the patient target drawn at its month (``outcomes.py``)."""
    ax = fig.add_subplot()
    top = _band_plot(ax, study, "patients_reached_additional", lang)
    target_month = min(PATIENT_TARGET_MONTH, study.months)
    ax.plot([0, target_month], [PATIENT_TARGET, PATIENT_TARGET], color="#222222", linewidth=1.2, linestyle=(0, (5, 3)),
            gid="target_1000_level", zorder=4)
    ax.plot([target_month, target_month], [0, PATIENT_TARGET], color="#222222", linewidth=1.2, linestyle=(0, (1, 2)),
            gid="target_1000_month", zorder=4)
    ax.plot([target_month], [PATIENT_TARGET], marker="o", markersize=6, markerfacecolor="white", markeredgecolor="#222222",
            markeredgewidth=1.5, linestyle="none", gid="target_1000", zorder=5)
    ymax = max(top, PATIENT_TARGET) * 1.08
    ax.annotate(t("target_1000", lang).replace(": ", ":\n", 1), xy=(0, PATIENT_TARGET), xytext=(4, 5),
                textcoords="offset points", ha="left", va="bottom", fontsize=8.5, color="#222222", linespacing=1.15,
                path_effects=[patheffects.withStroke(linewidth=3, foreground="white")], zorder=6)
    ax.set_ylim(0, ymax)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    _number_axis(ax, lang)
    _ylabel(ax, t("fig_patients_y", lang), 48)
    _month_ticks(ax, study, lang)
    # under the panel: the target's words take the upper left, where figure 1 keeps its key
    handles = _band_handles(study, lang)
    _figure_legend(fig, handles, ncols=min(len(handles), 3), fontsize=8.5, handlelength=1.8)
    _finish(fig, study, t("fig_patients_title", lang), lang)
    return fig


# --- 3. time to targets ------------------------------------------------------------------------


def reached_by_month(values: pd.Series, months: int) -> np.ndarray:
    """Share of runs that reached a target by each month 0..months (NaN = never within the horizon)."""
    v = values.to_numpy(dtype=float)
    grid = np.arange(months + 1)
    if v.size == 0:
        return np.zeros(grid.size)
    return (v[None, :] <= grid[:, None]).mean(axis=1)  # NaN compares False: never reached


def _label_never(ax: Any, study: Study, finals: dict[str, float], lang: Lang) -> None:
    """Write "x% never" at the right end of each curve, moved apart where curves end close together."""
    placed: list[float] = []
    for name in sorted(finals, key=lambda n: finals[n]):
        y = finals[name]
        y = y - 0.05 if y > 0.85 else y + 0.05
        while any(abs(y - p) < 0.085 for p in placed):
            y += 0.085
        placed.append(y)
        ax.text(study.months - 0.5, y, f"{fmt_percent(1 - finals[name], lang)} {t('never_word', lang)}", ha="right",
                va="center", fontsize=8.5, fontweight="bold", color=study.colours[name], zorder=6, gid=f"never:{name}",
                path_effects=[patheffects.withStroke(linewidth=3, foreground="white")])


def _figure_legend(fig: FigureBase, handles: list[Any], ncols: int, **kwargs: Any) -> Any:
    """A legend under the panels and above the caption line (constrained layout keeps room for it)."""
    return fig.legend(handles=handles, loc="outside lower center", ncols=ncols, handletextpad=0.4, columnspacing=1.4,
                      **kwargs)


def targets(study: Study, lang: Lang, fig: FigureBase) -> FigureBase:
    """Per target, the share of runs that reached it by each month, and the share that never did."""
    axes = fig.subplots(1, 2, sharey=True)
    summary = study.results.summary
    grid = np.arange(study.months + 1)
    for ax, column, panel in zip(axes, (MONTHS_TO_PATIENTS, MONTHS_TO_ADOPTION), ("panel_1000", "panel_70"),
                                 strict=True):
        finals = {}
        for name in study.order:
            values = summary.loc[summary["scenario"] == name, column]
            share = reached_by_month(values, study.months)
            finals[name] = float(share[-1])
            ax.step(grid, share, where="post", color=study.colours[name], linewidth=2.2, gid=f"reached:{name}")
        any_reached = any(v > 0 for v in finals.values())
        _label_never(ax, study, finals, lang)
        if column == MONTHS_TO_PATIENTS and study.months >= PATIENT_TARGET_MONTH:
            ax.axvline(PATIENT_TARGET_MONTH, color="#222222", linewidth=1.0, linestyle=(0, (1, 2)), zorder=1,
                       gid=f"target_month_{PATIENT_TARGET_MONTH}")
        if not any_reached:
            ax.text(0.5, 0.55, "\n".join(textwrap.wrap(t("never_all", lang, months=study.months), 26)), transform=ax.transAxes,
                    ha="center", va="center", fontsize=9, color=GREY, gid="never_all")
        ax.set_title(t(panel, lang))
        ax.set_ylim(-0.02, 1.02)
        ax.yaxis.set_major_locator(FixedLocator(np.linspace(0, 1, 6)))
        _percent_axis(ax, lang)
        _month_ticks(ax, study, lang, compact=True)
    _ylabel(axes[0], t("fig_targets_y", lang), 40)
    handles = [Line2D([], [], color=study.colours[n], linewidth=2.2, label=study.label(n, lang)) for n in study.order]
    handles.append(Line2D([], [], linestyle="none", label=t("never_note", lang, never=t("never_word", lang),
                                                                  months=study.months)))
    _figure_legend(fig, handles, ncols=len(handles))
    _finish(fig, study, t("fig_targets_title", lang), lang)
    return fig


# --- 4. money ----------------------------------------------------------------------------------


def cost(study: Study, lang: Lang, fig: FigureBase) -> FigureBase:
    """Total cost against patients reached (one dot per run) and cost per additional patient per strategy."""
    ax_a, ax_b = fig.subplots(1, 2, width_ratios=[1.25, 1])
    summary = study.results.summary
    for name in study.order:
        sub = summary[summary["scenario"] == name]
        colour = study.colours[name]
        ax_a.scatter(sub["patients_final"], sub["total_cost_eur"] / 1000, s=12, color=colour, alpha=0.45, linewidths=0,
                     label=study.label(name, lang))
        ax_a.scatter([sub["patients_final"].median()], [sub["total_cost_eur"].median() / 1000], s=90, marker="P",
                     color=colour, edgecolors="white", linewidths=0.9, zorder=5, gid=f"median_cost:{name}")
    ax_a.set_xlabel(t("fig_money_x", lang))
    _ylabel(ax_a, t("fig_money_y", lang), 48)
    ax_a.set_title(t("fig_money_panel_a", lang), fontsize=9)
    ax_a.set_xlim(left=0)
    ax_a.set_ylim(bottom=0)
    _number_axis(ax_a, lang, "x")
    _number_axis(ax_a, lang, "y")
    ax_a.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=True))
    handles = [Line2D([], [], marker="o", linestyle="none", color=study.colours[n], alpha=0.6, markersize=5,
                      label=study.label(n, lang)) for n in study.order]
    handles.append(Line2D([], [], marker="P", linestyle="none", color=GREY, markersize=8, label=t("band_median", lang)))
    ax_a.legend(handles=handles, loc="upper left", borderaxespad=0.3)

    rng = np.random.default_rng(0)  # jitter only spreads the dots for the eye
    ys = np.arange(len(study.order))[::-1]
    for y, name in zip(ys, study.order, strict=True):
        values = summary.loc[summary["scenario"] == name, "cost_per_patient_eur"].dropna().to_numpy(dtype=float)
        colour = study.colours[name]
        if values.size == 0:
            continue
        q = np.quantile(values, [0.05, 0.25, 0.5, 0.75, 0.95])
        ax_b.scatter(values, y + rng.uniform(-0.18, 0.18, values.size), s=8, color=colour, alpha=0.3, linewidths=0)
        ax_b.plot([q[0], q[4]], [y, y], color=colour, linewidth=1.6, solid_capstyle="butt")
        ax_b.plot([q[1], q[3]], [y, y], color=colour, linewidth=6, solid_capstyle="butt", alpha=0.8)
        ax_b.plot([q[2]], [y], marker="o", markersize=8, color="white", markeredgecolor=colour, markeredgewidth=2,
                  gid=f"median_per_patient:{name}")
        ax_b.annotate(fmt_eur(q[2], lang), xy=(q[2], y + 0.24), ha="center", va="bottom", fontsize=9, color="#222222",
                      fontweight="bold", path_effects=[patheffects.withStroke(linewidth=3, foreground="white")], zorder=6)
    ax_b.set_yticks(ys, [study.label(n, lang) for n in study.order])
    for tick, name in zip(ax_b.get_yticklabels(), study.order, strict=True):
        tick.set_color(study.colours[name])
        tick.set_fontweight("bold")
    ax_b.set_ylim(-0.6, len(study.order) - 0.4)
    ax_b.set_xlim(left=0)
    ax_b.grid(axis="y", visible=False)
    key = [Line2D([], [], marker="o", markersize=7, color="white", markeredgecolor=GREY, markeredgewidth=2, linestyle="none",
                  label=t("band_median", lang)),
           Line2D([], [], color=GREY, linewidth=6, alpha=0.8, label=t("band_50", lang)),
           Line2D([], [], color=GREY, linewidth=1.6, label=t("band_90", lang))]
    ax_b.legend(handles=key, loc="lower right", fontsize=8, handlelength=1.6, borderaxespad=0.2)
    ax_b.set_xlabel(t("fig_money_per_patient", lang))
    ax_b.set_title(t("fig_money_panel_b", lang), fontsize=9)
    _number_axis(ax_b, lang, "x")
    ax_b.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=True))
    _finish(fig, study, t("fig_money_title", lang), lang)
    return fig


# --- 5. map ------------------------------------------------------------------------------------


def typical_replication(summary: pd.DataFrame, scenario: str) -> tuple[int, float]:
    """The replication whose number of adopting organisations is nearest the median (ties: lowest number)."""
    sub = summary[summary["scenario"] == scenario]
    median = float(sub["adopted_beyond_origin"].median())
    distance = (sub["adopted_beyond_origin"] - median).abs()
    best = sub.assign(_d=distance).sort_values(["_d", "replication"]).iloc[0]
    return int(best["replication"]), float(best["adopted_beyond_origin"])


def bare_map_axes(ax: Axes) -> None:
    """A map panel: true proportions, no ticks, grid or frame (the report's map and the explorer's)."""
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)


def adoption_periods(months: int, start_year: int, start_month: int, lang: Lang) -> list[tuple[int, int, str]]:
    """Bins (first step, last step, label) for colouring adoption months: half years, years or longer.

    Step m is the state at the end of the m-th simulated month (results.py), so steps 1..12 of a
    January start are the calendar year itself; step 0 (only the first user) joins the first bin.
    """
    width = 6 if months <= 36 else 12
    while months / width > 8:
        width += 12
    edges = list(range(0, months, width)) or [0]  # offsets of simulated months, 0 = the first
    bins = []
    for k, lo in enumerate(edges):
        hi = edges[k + 1] - 1 if k + 1 < len(edges) else months - 1
        (y0, m0), (y1, m1) = calendar_month(start_year, start_month, lo), calendar_month(start_year, start_month, hi)
        a = month_label(start_year, start_month, lo, lang)
        b = month_label(start_year, start_month, hi, lang)
        if m0 == 1 and m1 == 12:
            label = str(y0) if y0 == y1 else f"{y0}{DASH}{y1}"
        elif lo == hi:
            label = a
        else:
            label = f"{a.split()[0]}{DASH}{b}" if y0 == y1 else f"{a} {DASH} {b}"
        bins.append((0 if k == 0 else lo + 1, hi + 1, label))
    return bins


def _municipality_labels(orgs: pd.DataFrame, origin_municipality: str | None, k: int = 11) -> pd.DataFrame:
    """Centres of the municipalities with most organisations (and the origin's), where to print their names."""
    centres = orgs.groupby("municipality").agg(lat=("lat", "mean"), lon=("lon", "mean"), n=("org_id", "size"))
    chosen = centres.sort_values("n", ascending=False).head(k)
    if origin_municipality is not None and origin_municipality in centres.index and origin_municipality not in chosen.index:
        chosen = pd.concat([chosen, centres.loc[[origin_municipality]]])
    chosen = chosen.reset_index()
    chosen["label"] = chosen["municipality"].str.replace(r"\s*\(.*\)$", "", regex=True)
    return chosen


def region_map(study: Study, lang: Lang, fig: FigureBase) -> FigureBase:
    """Eligible organisations at their coordinates, coloured by when they adopted in a typical run, one panel per strategy."""
    rs = study.results
    n = len(study.order)
    rows, cols = _grid(n, 2)
    grid = np.atleast_1d(fig.subplots(rows, cols, sharex=True, sharey=True)).ravel()
    for ax in grid[n:]:
        ax.set_visible(False)
    axes = grid[:n]
    periods = adoption_periods(study.months, study.start_year, study.start_month, lang)
    cmap = mpl.colormaps["viridis"].reversed()
    period_colours = [cmap(0.08 + 0.84 * i / max(len(periods) - 1, 1)) for i in range(len(periods))]
    lat0 = float(rs.organisations["lat"].mean())
    kx = np.cos(np.radians(lat0))  # degrees of longitude shrink with latitude: keep the map's shape true
    for ax, name in zip(axes, study.order, strict=True):
        orgs = rs.organisations[rs.organisations["scenario"] == name]
        rep, adopted_n = typical_replication(rs.summary, name)
        ev = rs.org_events[(rs.org_events["scenario"] == name) & (rs.org_events["replication"] == rep)]
        month = orgs[["org_id"]].merge(ev[["org_id", "month_adopted"]], on="org_id", how="left")["month_adopted"]
        orgs = orgs.assign(month_adopted=month.fillna(-1).to_numpy(), x=orgs["lon"] * kx)
        eligible = orgs[orgs["eligible"].astype(bool)]
        never = eligible[eligible["month_adopted"] < 0]
        for org_type, group in never.groupby("org_type"):
            ax.scatter(group["x"], group["lat"], s=TYPE_SIZES.get(org_type, 10), marker=TYPE_MARKERS.get(org_type, "o"),
                       facecolors="none", edgecolors=LIGHT, linewidths=0.6, zorder=2)
        done = eligible[(eligible["month_adopted"] >= 0) & ~eligible["origin"].astype(bool)].sort_values("month_adopted",
                                                                                                      ascending=False)
        for (lo, hi, _label), colour in zip(periods, period_colours, strict=True):
            part = done[(done["month_adopted"] >= lo) & (done["month_adopted"] <= hi)]
            for org_type, group in part.groupby("org_type"):
                ax.scatter(group["x"], group["lat"], s=TYPE_SIZES.get(org_type, 10), marker=TYPE_MARKERS.get(org_type, "o"),
                           color=colour, edgecolors="white", linewidths=0.3, zorder=3, gid=f"adopted:{name}")
        origin = orgs[orgs["origin"].astype(bool)]
        ax.scatter(origin["x"], origin["lat"], s=170, marker="*", color="#111111", edgecolors="white", linewidths=0.8,
                   zorder=6, gid=f"origin:{name}")
        origin_muni = origin["municipality"].iloc[0] if len(origin) else None
        for _, row in _municipality_labels(orgs, origin_muni).iterrows():
            lift = 7 if row["municipality"] == origin_muni else 0  # keep the origin's star visible
            ax.annotate(row["label"], xy=(row["lon"] * kx, row["lat"]), xytext=(0, lift), textcoords="offset points",
                        fontsize=7, color="#222222", ha="center", va="bottom" if lift else "center", zorder=7,
                        path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])
        bare_map_axes(ax)
        ax.set_title(study.label(name, lang), color=study.colours[name])
        ax.text(0.0, -0.02, t("map_typical", lang, rep=rep, n=fmt_number(adopted_n, lang)), transform=ax.transAxes,
                ha="left", va="top", fontsize=7.5, color=GREY)
    # scale bar: 20 km in the map's units (degrees of latitude, 110.57 km each)
    ax = axes[0]
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    km = 20
    length = km / 110.57
    bx, by = x0 + 0.04 * (x1 - x0), y0 + 0.06 * (y1 - y0)
    ax.plot([bx, bx + length], [by, by], color="#222222", linewidth=2.5, solid_capstyle="butt", gid="scale_bar")
    ax.text(bx + length / 2, by + 0.02 * (y1 - y0), t("map_scale", lang, km=km), ha="center", va="bottom", fontsize=7.5)

    first = orgs[orgs["origin"].astype(bool)]
    origin_name = str(first["name"].iloc[0]) if len(first) else ""
    handles = [Line2D([], [], marker="o", linestyle="none", color=c, markersize=6, label=lab)
               for (_lo, _hi, lab), c in zip(periods, period_colours, strict=True)]
    handles.append(Line2D([], [], marker="o", linestyle="none", markerfacecolor="none", markeredgecolor=LIGHT,
                          markersize=6, label=t("map_never", lang, months=study.months)))
    handles.append(Line2D([], [], marker="*", linestyle="none", color="#111111", markersize=10,
                          label=t("map_origin", lang, name=origin_name)))
    present = [ot for ot in ORG_TYPES if ot in set(rs.organisations.loc[rs.organisations["eligible"].astype(bool), "org_type"])]
    type_handles = [Line2D([], [], marker=TYPE_MARKERS[ot], linestyle="none", markerfacecolor="none", markeredgecolor=GREY,
                           markersize=np.sqrt(TYPE_SIZES[ot]) * 0.9 + 2, label=ORG_TYPE_LABELS[ot][lang]) for ot in present]
    leg = fig.legend(handles=handles, loc="outside lower left", ncols=min(4, (len(handles) + 1) // 2),
                     title=t("map_legend", lang), title_fontsize=8.5, alignment="left", fontsize=8, handletextpad=0.3,
                     columnspacing=1.2)
    leg.get_title().set_fontweight("bold")
    fig.legend(handles=type_handles, loc="outside lower right", ncols=1, fontsize=8, handletextpad=0.3)
    _finish(fig, study, t("fig_map_title", lang), lang)
    return fig


def _grid(n: int, max_cols: int) -> tuple[int, int]:
    """Rows and columns for one panel per strategy: side by side up to ``max_cols``, then more rows."""
    cols = min(n, max_cols)
    return -(-n // cols), cols


# --- 6. who adopts -----------------------------------------------------------------------------


def types(study: Study, lang: Lang, fig: FigureBase) -> FigureBase:
    """Organisations using the innovation by type (mean over runs), stacked, one panel per strategy."""
    rs = study.results
    n = len(study.order)
    rows, cols = _grid(n, 3)
    grid = np.atleast_1d(fig.subplots(rows, cols, sharey=True)).ravel()
    for ax in grid[n:]:
        ax.set_visible(False)
    axes = grid[:n]
    eligible = rs.organisations[rs.organisations["eligible"].astype(bool)]
    shown = [ot for ot in ORG_TYPES if ot in set(eligible["org_type"])]
    grid = np.arange(study.months + 1)
    for ax, name in zip(axes, study.order, strict=True):
        reps = max(int((rs.summary["scenario"] == name).sum()), 1)
        table = study.adopted_by_type[name] / reps
        ax.stackplot(grid, *(table[:, ORG_TYPES.index(ot)] for ot in shown), colors=[TYPE_COLOURS[ot] for ot in shown],
                     linewidth=0.4, edgecolor="white", alpha=0.95, gid=f"stack:{name}")
        ax.set_title(study.label(name, lang), color=study.colours[name])
        _month_ticks(ax, study, lang, compact=True)
        _number_axis(ax, lang)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    if cols >= 3:  # narrow panels: one axis label in the middle of each row is enough
        for i, ax in enumerate(axes):
            if i % cols != cols // 2:
                ax.set_xlabel("")
    for i, ax in enumerate(axes):
        if i % cols == 0:
            _ylabel(ax, t("fig_types_y_portfolio" if portfolio_innovations(study) else "fig_types_y", lang), 34)
    counts = eligible[eligible["scenario"] == study.order[0]].groupby("org_type").size()
    handles = [Patch(facecolor=TYPE_COLOURS[ot], label=t("types_legend", lang, label=ORG_TYPE_LABELS[ot][lang],
                                                          n=fmt_number(int(counts.get(ot, 0)), lang)))
               for ot in shown]
    _figure_legend(fig, handles, ncols=len(handles), fontsize=8.5)
    _finish(fig, study, t("fig_types_title", lang), lang)
    return fig


# --- 7. why organisations say no -----------------------------------------------------------------

BARRIERS = BARRIER_NAMES  # financial, know-how, staff time, fit (model.state.Barrier)


def why_not(study: Study, lang: Lang, fig: FigureBase) -> FigureBase:
    """The main barrier when an organisation rejected it: per type and strategy, as rejections per run (mean over runs)."""
    rs = study.results
    n = len(study.order)
    axes = np.atleast_1d(fig.subplots(1, n, sharey=True, sharex=True)).ravel()
    for ax, name in zip(axes, study.order, strict=True):
        counts = study.rejections[name]
        reps = max(int((rs.summary["scenario"] == name).sum()), 1)
        rows = counts.sum(axis=1) > 0
        shown = [ot for ot, row in zip(ORG_TYPES, rows, strict=True) if row]
        table = counts[rows] / reps
        left = np.zeros(len(shown))
        y = np.arange(len(shown))
        for k, b in enumerate(BARRIERS):
            ax.barh(y, table[:, k], left=left, color=BARRIER_COLOURS[b], height=0.65, edgecolor="white",
                    linewidth=0.4, gid=f"barrier:{name}:{b}")
            left += table[:, k]
        ax.set_yticks(y, [ORG_TYPE_LABELS[ot][lang] for ot in shown])
        ax.invert_yaxis()
        ax.set_title(study.label(name, lang), color=study.colours[name])
        ax.set_xlabel(t("fig_why_x", lang))
        _number_axis(ax, lang, axis="x")
    handles = [Patch(facecolor=BARRIER_COLOURS[b], label=t(f"barrier_{b}", lang)) for b in BARRIERS]
    _figure_legend(fig, handles, ncols=2, fontsize=8.5)
    _finish(fig, study, t("fig_why_title", lang), lang)
    return fig


# --- 8. each innovation of a portfolio ------------------------------------------------------------


def portfolio_innovations(study: Study) -> list[str]:
    """The innovations of the study's portfolio in their order, or an empty list when there is none."""
    im = study.results.innovation_monthly
    if im is None or im["innovation"].nunique() < 2:
        return []
    return list(dict.fromkeys(im["innovation"]))


def innovations(study: Study, lang: Lang, fig: FigureBase) -> FigureBase:
    """Per innovation of a portfolio, the share of its eligible organisations using it, with the 70% target."""
    im = study.results.innovation_monthly
    names = portfolio_innovations(study)
    rows, cols = _grid(len(names), 3)
    grid = np.atleast_1d(fig.subplots(rows, cols, sharey=True)).ravel()
    for ax in grid[len(names):]:
        ax.set_visible(False)
    for i, (ax, name) in enumerate(zip(grid, names, strict=False)):
        sub = im[im["innovation"] == name]
        for scenario in study.order:
            months, q = _bands(sub, scenario, "share_eligible_adopted")
            colour = study.colours[scenario]
            ax.fill_between(months, q[0], q[4], color=colour, alpha=0.13, linewidth=0)
            ax.fill_between(months, q[1], q[3], color=colour, alpha=0.28, linewidth=0)
            ax.plot(months, q[2], color=colour, linewidth=2.0, gid=f"median:{scenario}:{name}")
        ax.axhline(ADOPTION_TARGET, color="#222222", linewidth=1.0, linestyle=(0, (5, 3)), gid=f"target_70:{name}", zorder=1)
        ax.set_title("\n".join(textwrap.wrap(innovation_label(name, lang), 26)), fontsize=9, loc="left")
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_locator(FixedLocator(np.linspace(0, 1, 6)))
        _percent_axis(ax, lang)
        _month_ticks(ax, study, lang, compact=True)
        if i % cols != cols // 2:
            ax.set_xlabel("")
        if i % cols == 0:
            _ylabel(ax, t("fig_adoption_y", lang), 34)
    handles = [Line2D([], [], color=study.colours[n], linewidth=2.2, label=study.label(n, lang)) for n in study.order]
    handles += [Patch(facecolor=GREY, alpha=0.18, label=t("band_90", lang)),
                Line2D([], [], color="#222222", linewidth=1.0, linestyle=(0, (5, 3)), label=t("target_70", lang))]
    _figure_legend(fig, handles, ncols=min(len(handles), 3), fontsize=8.5)
    _finish(fig, study, t("fig_innovations_title", lang), lang)
    return fig


# --- the set -----------------------------------------------------------------------------------

Builder = Callable[[Study, Lang, FigureBase], FigureBase]
# name -> (builder, height in inches at WIDTH); the order is the report's order
FIGURES: dict[str, tuple[Builder, float]] = {
    "1-adoption": (adoption, 4.3),
    "2-patients": (patients, 4.3),
    "3-time-to-targets": (targets, 3.9),
    "4-cost": (cost, 3.9),
    "5-map": (region_map, 4.0),
    "6-who-adopts": (types, 3.9),
    "7-why-not": (why_not, 3.7),
}
# drawn only when the study runs a portfolio of innovations
PORTFOLIO_FIGURES: dict[str, tuple[Builder, float]] = {
    "8-innovations": (innovations, 3.9),
}


def figure_names(study: Study) -> list[str]:
    """The figures this study gets, in the report's order."""
    return [*FIGURES, *(PORTFOLIO_FIGURES if portfolio_innovations(study) else ())]


_PANEL_ROWS = {"5-map": (2, 2.3), "6-who-adopts": (3, 2.4)}
# name -> (panels per row, inches per extra row)
_PANEL_COUNT = {"8-innovations": lambda study: len(portfolio_innovations(study))}


def figure_height(study: Study, name: str) -> float:
    """The height in inches of figure ``name`` at :data:`WIDTH`: its standard height, a row more per panel row."""
    _builder, height = FIGURES[name] if name in FIGURES else PORTFOLIO_FIGURES[name]
    if name in _PANEL_ROWS:  # one panel per strategy: a row more for every further two (three) strategies
        max_cols, row_height = _PANEL_ROWS[name]
        height += row_height * (_grid(len(study.order), max_cols)[0] - 1)
    if name in _PANEL_COUNT:  # one panel per innovation, three to a row
        height += 2.4 * (_grid(_PANEL_COUNT[name](study), 3)[0] - 1)
    return height


def draw_figure(study: Study, name: str, lang: Lang, fig: FigureBase, height: float | None = None) -> None:
    """Draw figure ``name`` into ``fig`` (a figure, or a part of a report page): its panels, then its caption line.

    ``fig`` must be laid out by a constrained layout engine (its own, or the page's).
    """
    builder = (FIGURES[name] if name in FIGURES else PORTFOLIO_FIGURES[name])[0]
    height = figure_height(study, name) if height is None else height
    # the caption gets its own strip, so legends under the panels never run into it
    content, strip = fig.subfigures(2, 1, height_ratios=[height - CAPTION_IN, CAPTION_IN])
    builder(study, check_lang(lang), content)
    strip.text(0.01, 0.5, study.caption(lang), ha="left", va="center", fontsize=7.5, color=GREY, gid="caption")


def make_figure(study: Study, name: str, lang: Lang) -> Figure:
    """Draw one of :data:`FIGURES` on a new figure of its standard size (call inside :func:`house_style`)."""
    height = figure_height(study, name)
    fig = Figure(figsize=(WIDTH, height), layout="constrained")
    fig.get_layout_engine().set(w_pad=0.05, h_pad=0.04, hspace=0, wspace=0)
    draw_figure(study, name, lang, fig, height)
    return fig


def render_figures(study: Study, lang: Lang, out: Path, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Draw every figure into the existing folder ``out``, once per format."""
    written = []
    with house_style():
        for name in figure_names(study):
            fig = make_figure(study, name, lang)
            for fmt in formats:
                path = out / f"{name}.{fmt}"
                save(fig, path)
                written.append(path)
    return written


def figures_dirname(lang: Lang) -> str:
    """Name of the figures folder inside a results folder."""
    return f"figures-{lang}"


def write_figures(folders: list[str | Path], lang: str = "nl", formats: tuple[str, ...] = ("png", "svg"),
                  verify: bool = True) -> list[Path]:
    """Write every figure of each results folder into ``<folder>/figures-<lang>/``; returns the folders written.

    Every folder is read and checked before anything is written, so a bad folder among several stops
    the command with nothing changed.
    """
    lang = check_lang(lang)
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"figure format {', '.join(bad) or '(none)'}: choose from {', '.join(FORMATS)}")
    studies = [load_study(f, verify) for f in folders]
    written = []
    for study in studies:
        target = study.folder / figures_dirname(lang)
        replace_atomically(lambda tmp, s=study: render_figures(s, lang, tmp, tuple(dict.fromkeys(formats))), target)
        written.append(target)
    return written
