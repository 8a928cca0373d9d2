"""Figures of the analyses: sweeps, heat maps, sensitivity tornados, calibration, regions and the validation test.

The analysis modules (:mod:`diffusion_sim.analysis`) compute; these functions only draw what they
computed, from their tables and result objects, and write PNG files (or return a ``Figure``) exactly
where the analysis folder expects them. They use the one palette and house style of
:mod:`diffusion_sim.publish.style`, so a strategy has the same colour here as in the study figures,
and draw on :class:`matplotlib.figure.Figure` objects (no pyplot, no global backend).

Every band says what it is: a dark band is the 95% confidence interval of the mean (Monte Carlo
error, shrinks with more replications); a light band is the 5-95% range of single replications (the
model's own spread). They are in the ``lang`` of the command that draws them (``--lang``), with the
words of :mod:`diffusion_sim.publish.words` and the number formats of the report, saved at
:data:`~diffusion_sim.publish.style.ANALYSIS_DPI`. A parameter is named by its label where one is
written, with its dotted name (the one ``--set`` and ``--vary`` take) below it. The validation figure
stays in English.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from diffusion_sim import __version__
from diffusion_sim.analysis.space import Dimension
from diffusion_sim.analysis.validation import (
    EFFECTIVE_CARDIO_END,
    EFFECTIVE_CARDIO_PATIENTS,
    HARTERAAD_MONTH,
    HARTERAAD_USERS,
    INVENTORY_2013,
    PREDICTION_MONTH,
    Validation,
    month_dates,
    step_of,
)
from diffusion_sim.outcomes import CATALOGUE, TIME_OUTCOMES, point_names, point_outcomes
from diffusion_sim.publish.assumptions import parameter_label
from diffusion_sim.publish.formats import Lang, fmt_measure, fmt_number
from diffusion_sim.publish.style import (
    ANALYSIS_DPI,
    CAPTION_IN,
    GREY,
    LIGHT,
    OKABE_ITO,
    SERIES_COLOURS,
    WIDTH,
    house_style,
    save,
    strategy_colours,
)
from diffusion_sim.publish.words import a, point_label, strategy_text

MAX_LINES = 6  # levels of a second swept parameter drawn as separate lines; more are averaged over
MEAN_COLOUR = SERIES_COLOURS[0]  # means and fitted points
ERROR_COLOUR = to_rgba(MEAN_COLOUR, 0.45)  # their confidence intervals: the same colour, lighter
SECOND_COLOUR = SERIES_COLOURS[1]  # a second statistic beside the mean (Sobol S1, the best fit)
TARGET_COLOUR = SERIES_COLOURS[3]  # a calibration target


def _fmt(value: object, lang: Lang, unit: str = "") -> str:
    """A varied value or a statistic in the report's number format: on/off, 1.234, 12,5%."""
    if isinstance(value, bool | np.bool_):
        return a("on" if value else "off", lang)
    if isinstance(value, int | np.integer):
        return fmt_number(float(value), lang)
    if isinstance(value, float | np.floating):
        return fmt_measure(float(value), unit, lang)
    return str(value)


def _label(outcome: str, lang: Lang, width: int = 40) -> str:
    """An outcome's axis label, wrapped so that it fits beside a plot (shares read in %, euros in €)."""
    unit = point_names().get(outcome, (outcome, ""))[1]
    shown = {"share": "%", "EUR": "€"}.get(unit, "")
    return textwrap.fill(point_label(outcome, lang) + (f" ({shown})" if shown else ""), width)


def _parameter(name: str, lang: Lang, width: int = 40) -> str:
    """A parameter as an axis names it: its label where one is written, its dotted name below."""
    label = parameter_label(name, lang)
    return name if label == name else f"{textwrap.fill(label, width)}\n({name})"


def _tick(value: float, lang: Lang, percent: bool = False) -> str:
    v = 100 * value if percent else value
    decimals = next((d for d in range(4) if abs(v * 10**d - round(v * 10**d)) < 1e-6), 4)
    return fmt_number(v, lang, decimals) + ("%" if percent else "")


def _axis(ax: Axes, lang: Lang, unit: str = "", axis: str = "y") -> None:
    """Tick labels in the report's number format: 1.234 and 12,5% in Dutch, 1,234 and 12.5% in English."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(lambda v, _pos: _tick(v, lang, unit == "share")))


def _unit(outcome: str) -> str:
    return point_names().get(outcome, ("", ""))[1]


def _replication_values(tidy: pd.DataFrame, outcome: str, horizon: int) -> pd.Series:
    """Per-replication values of an outcome, as plotted in the light band."""
    if outcome in TIME_OUTCOMES:
        return tidy[outcome].fillna(float(horizon + 1))
    reached = {CATALOGUE[k].reached: k for k in TIME_OUTCOMES}
    if outcome in reached:
        source = reached[outcome]
        return tidy[source].notna().astype(float)
    return tidy[outcome]


def _group_stats(tidy: pd.DataFrame, keys: list[str], outcome: str, horizon: int) -> pd.DataFrame:
    stats = point_outcomes(tidy, horizon, by=keys)
    values = _replication_values(tidy, outcome, horizon)
    q = values.groupby([tidy[k] for k in keys]).quantile([0.05, 0.95]).unstack()
    q.columns = ["q05", "q95"]
    stats = stats.merge(q.reset_index(), on=keys, how="left")
    return stats.rename(columns={outcome: "mean", f"{outcome}_mcse": "mcse"})[[*keys, "mean", "mcse", "q05", "q95"]]


# --- sweeps ------------------------------------------------------------------------------------


def sweep_figures(
    tidy: pd.DataFrame, dims: list[Dimension], outcomes: list[str], horizon: int, design: str, folder: Path, lang: Lang = "nl"
) -> list[str]:
    """One figure per outcome (a panel per varied parameter) and, for a grid of two or more, heat maps."""
    written = []
    for outcome in outcomes:
        written.append(_sweep_lines(tidy, dims, outcome, horizon, design, folder, lang))
    if design == "grid" and len(dims) >= 2 and all(len(d.grid()) > 1 for d in dims[:2]):
        for outcome in outcomes:
            written.append(_heatmap(tidy, dims, outcome, horizon, folder, lang))
    return written


def _sweep_lines(tidy: pd.DataFrame, dims: list[Dimension], outcome: str, horizon: int, design: str, folder: Path,
                 lang: Lang) -> str:
    n = len(dims)
    with house_style():
        fig = Figure(figsize=(5.2 * n, 4.0))
        axes = fig.subplots(1, n, squeeze=False, sharey=True)
        reps = int(tidy.groupby("point").size().max())
        for j, (ax, dim) in enumerate(zip(axes[0], dims, strict=True)):
            x = dim.column
            others = [d for k, d in enumerate(dims) if k != j]
            colour_by = None
            if design == "grid" and others and 1 < tidy[others[0].column].nunique() <= MAX_LINES:
                colour_by = others[0].column
            if design == "lhs":
                stats = _group_stats(tidy, ["point", x], outcome, horizon)
                ax.errorbar(
                    stats[x],
                    stats["mean"],
                    yerr=1.96 * stats["mcse"],
                    fmt="o",
                    ms=3.5,
                    color=MEAN_COLOUR,
                    ecolor=ERROR_COLOUR,
                    elinewidth=0.8,
                    capsize=0,
                    label=a("sweep_point_mean", lang),
                )
            else:
                groups = [(None, tidy)] if colour_by is None else list(tidy.groupby(colour_by, sort=True))
                for g, (level, sub) in enumerate(groups):
                    stats = _group_stats(sub, [x], outcome, horizon).sort_values(x)
                    xs = stats[x].astype(float).to_numpy()
                    colour = SERIES_COLOURS[g % len(SERIES_COLOURS)]
                    name = a("sweep_mean", lang) if level is None else f"{colour_by} = {_fmt(level, lang)}"
                    ax.fill_between(xs, stats["q05"], stats["q95"], color=colour, alpha=0.12, linewidth=0)
                    ax.fill_between(
                        xs,
                        stats["mean"] - 1.96 * stats["mcse"],
                        stats["mean"] + 1.96 * stats["mcse"],
                        color=colour,
                        alpha=0.35,
                        linewidth=0,
                    )
                    ax.plot(xs, stats["mean"], marker="o", ms=4, color=colour, label=name)
            if dim.kind == "bool":
                ax.set_xticks([0, 1], [a("off", lang), a("on", lang)])
            else:
                _axis(ax, lang, axis="x")
            ax.set_xlabel(_parameter(x, lang))
            _axis(ax, lang, _unit(outcome))
            if j == 0:
                ax.set_ylabel(_label(outcome, lang))
            ax.set_axisbelow(True)
            ax.legend(fontsize=8, frameon=False, loc="best")
        note = a("sweep_note_grid", lang) if design == "grid" else a("sweep_note_lhs", lang)
        averaged = (
            a("sweep_averaged", lang)
            if len(dims) > 2 or (len(dims) == 2 and design == "grid" and colour_by is None)
            else ""
        )
        fig.suptitle(textwrap.fill(a("sweep_fig_title", lang, outcome=point_label(outcome, lang), reps=fmt_number(reps, lang),
                                     averaged=averaged), 40 + 45 * n), fontsize=11)
        fig.text(0.01, 0.01, note, fontsize=7.5, color=GREY)
        fig.tight_layout(rect=(0, 0.04, 1, 0.95))
        name = f"sweep-{outcome}.png"
        save(fig, folder / name, dpi=ANALYSIS_DPI)
    return name


def _heatmap(tidy: pd.DataFrame, dims: list[Dimension], outcome: str, horizon: int, folder: Path, lang: Lang) -> str:
    x_name, y_name = dims[0].column, dims[1].column
    stats = point_outcomes(tidy, horizon, by=[x_name, y_name])
    table = stats.pivot(index=y_name, columns=x_name, values=outcome).sort_index(ascending=False)
    with house_style():
        fig = Figure(figsize=(1.1 * table.shape[1] + 3.0, 0.7 * table.shape[0] + 2.2))
        ax = fig.subplots()
        im = ax.imshow(table.to_numpy(dtype=float), cmap="viridis", aspect="auto")
        ax.grid(False)  # an image: every cell is labelled with its value
        ax.set_xticks(range(table.shape[1]), [_fmt(v, lang) for v in table.columns], rotation=0)
        ax.set_yticks(range(table.shape[0]), [_fmt(v, lang) for v in table.index])
        ax.set_xlabel(_parameter(x_name, lang))
        ax.set_ylabel(_parameter(y_name, lang))
        values = table.to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        mid = (finite.min() + finite.max()) / 2 if finite.size else 0
        for (r, c), v in np.ndenumerate(values):
            if np.isfinite(v):
                ax.text(c, r, _fmt(float(v), lang, _unit(outcome)), ha="center", va="center", fontsize=8,
                        color="white" if v < mid else "black")
        bar = fig.colorbar(im, ax=ax, label=_label(outcome, lang))
        _axis(bar.ax, lang, _unit(outcome))
        extra = a("heatmap_extra", lang) if len(dims) > 2 else ""
        ax.set_title(textwrap.fill(a("heatmap_title", lang, outcome=point_label(outcome, lang), extra=extra), 60), fontsize=10)
        fig.tight_layout()
        name = f"heatmap-{outcome}.png"
        save(fig, folder / name, dpi=ANALYSIS_DPI)
    return name


# --- sensitivity and calibration ---------------------------------------------------------------


def tornado(indices: pd.DataFrame, method: str, folder: Path, lang: Lang = "nl") -> list[str]:
    """Ranked horizontal bars of the main index per outcome, with 95% confidence intervals."""
    metric, conf = ("mu_star", "mu_star_conf") if method == "morris" else ("ST", "ST_conf")
    outcomes = list(dict.fromkeys(indices["outcome"]))
    n_par = indices["parameter"].nunique()
    with house_style():
        fig = Figure(figsize=(7.4 * len(outcomes), 0.38 * n_par + 2.2))
        axes = fig.subplots(1, len(outcomes), squeeze=False)
        for ax, outcome in zip(axes[0], outcomes, strict=True):
            sub = indices[indices["outcome"] == outcome].sort_values(metric, ascending=True, na_position="first")
            y = np.arange(len(sub))
            values = sub[metric].to_numpy(dtype=float)
            if method == "sobol":
                ax.barh(y + 0.2, sub["S1"].clip(lower=0), height=0.38, color=SECOND_COLOUR, label=a("sens_s1", lang))
                ax.barh(
                    y - 0.2,
                    np.nan_to_num(values),
                    height=0.38,
                    xerr=sub[conf],
                    color=MEAN_COLOUR,
                    error_kw={"elinewidth": 0.8, "ecolor": GREY},
                    label=a("sens_st", lang),
                )
                ax.legend(fontsize=8, frameon=False, loc="lower right")
            else:
                ax.barh(y, np.nan_to_num(values), xerr=sub[conf], color=MEAN_COLOUR, error_kw={"elinewidth": 0.8, "ecolor": GREY})
            ax.set_yticks(y, sub["parameter"], fontsize=8)
            unit = _unit(outcome)
            shown = {"share": " (%)", "EUR": " (€)"}.get(unit, "")
            xlabel = a("sens_mu_axis", lang) + shown if method == "morris" else a("sens_sobol_axis", lang)
            ax.set_xlabel(xlabel, fontsize=9)
            _axis(ax, lang, unit if method == "morris" else "", axis="x")
            ax.set_title(textwrap.fill(point_label(outcome, lang), 45), fontsize=10)
            if not np.isfinite(values).any() or np.nanmax(np.abs(values)) == 0:
                ax.set_xlim(0, 1)
                ax.text(
                    0.5,
                    0.5,
                    a("sens_flat", lang),
                    transform=ax.transAxes,
                    ha="center",
                    va="center",
                    fontsize=9,
                    color=GREY,
                )
            ax.set_axisbelow(True)
        fig.suptitle(a("sens_fig_title", lang, method=a("sens_morris" if method == "morris" else "sens_sobol", lang)),
                     fontsize=11)
        fig.tight_layout()
        name = f"tornado-{method}.png"
        save(fig, folder / name, dpi=ANALYSIS_DPI)
    return [name]


def calibration_figure(history: pd.DataFrame, fitted: list[str], targets: dict[str, float], folder: Path,
                       lang: Lang = "nl") -> list[str]:
    """Each fitted parameter against each target's simulated value, with the target line."""
    rows, cols = len(targets), len(fitted)
    with house_style():
        fig = Figure(figsize=(5.4 * cols, 4.0 * rows))
        axes = fig.subplots(rows, cols, squeeze=False)
        for r, (name, value) in enumerate(targets.items()):
            for c, par in enumerate(fitted):
                ax = axes[r][c]
                ax.errorbar(
                    history[par],
                    history[name],
                    yerr=1.96 * history[f"{name}_mcse"],
                    fmt="o",
                    ms=3,
                    color=MEAN_COLOUR,
                    ecolor=ERROR_COLOUR,
                    elinewidth=0.7,
                    label=a("cal_evaluated", lang),
                )
                ax.axhline(value, color=TARGET_COLOUR, linestyle="--",
                           label=a("cal_target", lang, value=_fmt(float(value), lang, _unit(name))))
                best = history.loc[history["loss"].idxmin()]
                ax.plot([best[par]], [best[name]], marker="*", ms=12, color=SECOND_COLOUR, label=a("cal_best", lang),
                        linestyle="none")
                ax.set_xlabel(_parameter(par, lang))
                ax.set_ylabel(_label(name, lang))
                _axis(ax, lang, axis="x")
                _axis(ax, lang, _unit(name))
                ax.set_axisbelow(True)
                ax.legend(fontsize=8, frameon=False)
        fig.suptitle(a("cal_fig_title", lang), fontsize=11)
        fig.tight_layout()
        name = "calibration.png"
        save(fig, folder / name, dpi=ANALYSIS_DPI)
    return [name]


# --- regions -----------------------------------------------------------------------------------


def regions_figure(summary: pd.DataFrame, replications: int, seed: int, months: int, lang: Lang = "nl") -> Figure:
    """Reach per EUR 1,000 per region and scenario, median and 90% interval, as a matplotlib ``Figure`` (no pyplot).

    With a reference, a second panel shows extra patients per extra EUR 1,000 (paired by replication).

    Colours and style are the study figures': the same strategy has the same colour everywhere.
    """
    plain = summary[summary["reference"] == ""]
    paired = summary[summary["reference"] != ""]
    regions = list(dict.fromkeys(summary["region"]))
    scenarios = list(dict.fromkeys(plain["scenario"]))
    colours = strategy_colours(scenarios)
    n = len(regions)
    offsets = np.linspace(-0.17, 0.17, len(scenarios)) if len(scenarios) > 1 else np.zeros(1)

    def get(frame: pd.DataFrame, region: str, scenario: str, outcome: str) -> pd.Series | None:
        row = frame[(frame["region"] == region) & (frame["scenario"] == scenario) & (frame["outcome"] == outcome)]
        return row.iloc[0] if not row.empty else None

    def interval(ax: Axes, y: float, r: pd.Series | None, colour: str) -> None:
        if r is None or r["median"] != r["median"]:
            return
        ax.plot([r["low"], r["high"]], [y, y], color=colour, linewidth=2.0, solid_capstyle="butt", zorder=3)
        for end in (r["low"], r["high"]):
            ax.plot([end, end], [y - 0.07, y + 0.07], color=colour, linewidth=1.2, zorder=3)
        ax.plot([r["median"]], [y], marker="o", markersize=7, color="white", markeredgecolor=colour, markeredgewidth=2,
                zorder=4, linestyle="none")
        ax.annotate(fmt_measure(r["median"], "", lang), (r["high"], y), xytext=(5, 0), textcoords="offset points", va="center",
                    fontsize=7.5, color=colour)

    def room(axis: Axes) -> None:
        """Space right of the widest whisker for its median's label."""
        axis.margins(x=0.05)
        low, high = axis.get_xlim()
        axis.set_xlim(low, high + 0.14 * (high - low))

    def labels() -> list[str]:
        out = []
        for region in regions:
            r = summary[summary["region"] == region].iloc[0]
            pop = r["population"]
            size = (a("million", lang, n=fmt_number(pop / 1e6, lang, 2)) if pop >= 1e6
                    else a("thousand", lang, n=fmt_number(pop / 1e3, lang)))
            origin = r["origin_municipality_name"] + (a("reg_fig_moved", lang) if r["origin_moved"] else "")
            name = region if len(region) <= 26 else f"{region[:24]}…"  # a long list of codes
            out.append(a("reg_fig_region", lang, name=name, size=size, origin=origin))
        return out

    with house_style():
        height = 1.6 + 0.8 * n
        fig = Figure(figsize=(WIDTH, height), layout="constrained")
        fig.get_layout_engine().set(w_pad=0.05, h_pad=0.04, hspace=0, wspace=0)
        # the caption gets its own strip, as in figures.make_figure, so the legend never runs into it
        content, strip = fig.subfigures(2, 1, height_ratios=[height - CAPTION_IN, CAPTION_IN])
        two = not paired.empty
        axes = content.subplots(1, 2, sharey=True, width_ratios=[1.4, 1]) if two else [content.subplots(1, 1)]
        ax = axes[0]
        y = np.arange(n)
        for k, s in enumerate(scenarios):
            for j, region in enumerate(regions):
                interval(ax, y[j] + offsets[k], get(plain, region, s, "reach_per_eur_1000"), colours[s])
        ax.set_yticks(y, labels(), fontsize=8)
        ax.set_ylim(n - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
        room(ax)
        ax.set_xlim(left=0)
        _axis(ax, lang, axis="x")
        ax.set_xlabel(a("reg_fig_reach_x", lang, months=months))
        ax.set_title(a("reg_fig_reach", lang))
        if two:
            bx = axes[1]
            for k, s in enumerate(scenarios[1:], start=1):  # on the strategy's own row of the left panel
                for j, region in enumerate(regions):
                    interval(bx, y[j] + offsets[k], get(paired, region, s, "extra_patients_per_extra_eur_1000"), colours[s])
            bx.tick_params(axis="y", left=False)
            bx.grid(axis="y", visible=False)
            bx.axvline(0, color=GREY, linewidth=0.8, zorder=1)
            room(bx)
            ref = paired["reference"].iloc[0]
            names = ", ".join(strategy_text(s, "label", lang) for s in scenarios[1:])
            _axis(bx, lang, axis="x")
            bx.set_xlabel(a("reg_fig_extra_x", lang, names=names, ref=strategy_text(ref, "label", lang).lower()))
            bx.set_title(a("reg_fig_extra", lang))
        handles = [Line2D([], [], color=colours[s], marker="o", markerfacecolor="white", markeredgewidth=2, linewidth=2,
                          label=strategy_text(s, "label", lang)) for s in scenarios]
        content.legend(handles=handles, loc="outside lower center", ncols=len(handles), handletextpad=0.4, columnspacing=1.4,
                       title=a("reg_fig_legend", lang), title_fontsize=8.5)
        content.suptitle(a("reg_fig_title", lang), x=0.01, ha="left")
        strip.text(0.01, 0.5, a("reg_fig_caption", lang, reps=fmt_number(replications, lang), seed=seed, months=months,
                                version=__version__), ha="left", va="center", fontsize=7.5, color=GREY)
    return fig


# --- validation --------------------------------------------------------------------------------

# The validation figure's colours: fitted facts and the runs that agree with them, the prediction, the
# Effective Cardio origins, and every run of the prior (light grey, as dark as the earlier #999999 band).
FIT_COLOUR, PREDICTION_COLOUR, ORIGINS_COLOUR = OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["green"]
PRIOR_COLOUR, PRIOR_ALPHA = LIGHT, 0.22


def regions_figures(summary: pd.DataFrame, replications: int, seed: int, months: int, folder: Path,
                    lang: Lang = "nl") -> list[str]:
    """The regions study's figure as ``regions.png`` and ``regions.svg`` in ``folder`` (house style, reproducible SVG)."""
    fig = regions_figure(summary, replications, seed, months, lang)
    names = []
    with house_style():
        for fmt in ("png", "svg"):
            save(fig, folder / f"regions.{fmt}")
            names.append(f"regions.{fmt}")
    return names


def validation_figures(v: Validation, folder: Path) -> list[str]:
    """The validation figure as ``validation.png`` in ``folder``."""
    validation_figure(v, folder / "validation.png")
    return ["validation.png"]


def validation_figure(v: Validation, path: Path) -> None:
    """National patients 2012-2019 with the fitted facts; hospitals and patient share with the 2019 predictions."""
    p = v.params
    dates = month_dates(p)
    acc = v.accepted
    fact_step = step_of(p, *HARTERAAD_MONTH)
    ec_step = step_of(p, *EFFECTIVE_CARDIO_END)
    reimb = p.insurer.fixed_start_month
    right = pd.Timestamp(PREDICTION_MONTH[0] + 1, 7, 1)
    marker_x = pd.Timestamp(PREDICTION_MONTH[0] + 1, 3, 1)

    def band(ax: Axes, x: pd.DatetimeIndex, series: np.ndarray, colour: str, label: str, prior: bool = False,
             ls: str = "-") -> None:
        if series.shape[0] == 0:
            return
        lo, med, hi = np.nanpercentile(series, [5, 50, 95], axis=0)
        ax.fill_between(x, lo, hi, color=colour, alpha=PRIOR_ALPHA if prior else 0.3, lw=0, label=f"{label}, 90% band")
        if not prior:
            ax.plot(x, med, color=colour, lw=2, ls=ls, label=f"{label}, median")

    def frame(ax: Axes) -> None:
        ax.axvspan(pd.Timestamp(PREDICTION_MONTH[0], 1, 1), right, color=PREDICTION_COLOUR, alpha=0.08, lw=0)
        ax.axvline(dates[reimb], color=OKABE_ITO["black"], lw=0.8, ls=":")
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.set_xlim(dates[0], right)
        ax.tick_params(axis="x", labelrotation=45)
        ax.set_axisbelow(True)  # the grid behind the bands

    with house_style():
        fig = Figure(figsize=(17, 6.2))
        axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.45, 1, 1]})

        # A: national patients on Harteraad's scale, and the origins' patients in the Effective Cardio years
        ax = axes[0]
        scale = v.sims.scale
        users = v.sims.enrolled * scale
        band(ax, dates, users, PRIOR_COLOUR, "all runs (prior)", prior=True)
        band(ax, dates, users[acc], FIT_COLOUR, "accepted runs: patients enrolled nationally")
        origin = v.sims.origin_cumulative * scale
        band(ax, dates[: ec_step + 1], origin[acc], ORIGINS_COLOUR, "accepted runs: six origins' patients since Jan 2012",
             ls="--")
        f = v.acceptance.ec_factor
        ax.errorbar([dates[ec_step]], [EFFECTIVE_CARDIO_PATIENTS],
                    yerr=[[EFFECTIVE_CARDIO_PATIENTS * (1 - 1 / f)], [EFFECTIVE_CARDIO_PATIENTS * (f - 1)]],
                    fmt="s", color=ORIGINS_COLOUR, mec="black", ms=7, capsize=5, zorder=5,
                    label=f"FITTED: Effective Cardio 2012-14, 414 patients in six hospitals (×/÷{f:g} accepted)")
        tol = v.acceptance.tolerance
        ax.errorbar([dates[fact_step]], [HARTERAAD_USERS], yerr=[[HARTERAAD_USERS * tol], [HARTERAAD_USERS * tol]],
                    fmt="o", color=OKABE_ITO["black"], ms=7, capsize=5, zorder=5,
                    label=f"FITTED: Harteraad Apr 2018, ~1,200 of 142,000 patients (±{tol:.0%} accepted)")
        top = np.nanpercentile(users[acc], 95, axis=0).max() if acc.any() else HARTERAAD_USERS * 2
        ax.set_ylim(0, max(top, HARTERAAD_USERS * (1 + tol), EFFECTIVE_CARDIO_PATIENTS * f) * 1.6)
        frame(ax)
        ax.text(dates[reimb], ax.get_ylim()[1] * 0.03, " reimbursed from\n June 2016\n (HartWacht)", va="bottom", fontsize=8)
        ax.text(pd.Timestamp(PREDICTION_MONTH[0], 1, 20), ax.get_ylim()[1] * 0.03, "PREDICTED\n(out of\nsample)", va="bottom",
                fontsize=8, color=PREDICTION_COLOUR, fontweight="bold")
        ax.set_title("Patients on heart-failure telemonitoring, the Netherlands\n"
                     f"(model counts × 142,000 / {v.sims.table['hf_population'].iloc[0]:,.0f} model heart-failure patients)",
                     fontsize=10)
        ax.set_ylabel("patients (Harteraad's scale)")
        ax.legend(loc="upper left", fontsize=7.5, frameon=True, framealpha=0.9)

        # B and C: the two predictions over time, and their 2019 interval
        n_hospitals = int(v.sims.table["hospital_orgs"].iloc[0])
        panels = [
            (axes[1], v.sims.hospitals_live * 100, "hospital_share_2019",
             "(a) Hospital organisations running it", f"% of the {n_hospitals} hospital organisations"),
            (axes[2], v.sims.offering * 100, "offering_share_2019",
             "(b) Heart-failure patients on it, in the hospitals\nthat run it (enrolled / patients × target share)",
             "% of those hospitals' heart-failure patients"),
        ]
        for ax, series, name, title, ylabel in panels:
            band(ax, dates, series, PRIOR_COLOUR, "all runs (prior)", prior=True)
            band(ax, dates, series[acc], FIT_COLOUR, "accepted runs (fitted to 2012-2018)")
            res = v.prediction[name]
            if res["n"]:
                low, high = (res["median"] - res["q05"]) * 100, (res["q95"] - res["median"]) * 100
                label = (f"PREDICTED (out of sample), Dec 2019:\n{res['median']:.1%}, "
                         f"90% interval {res['q05']:.1%}-{res['q95']:.1%}")
                ax.errorbar([marker_x], [res["median"] * 100], yerr=[[low], [high]], fmt="D", color=PREDICTION_COLOUR, ms=8,
                            capsize=6, lw=2.5, zorder=5, label=label)
            if name == "hospital_share_2019":
                inv, margin = INVENTORY_2013, v.acceptance.inventory_margin
                mid = (inv["low"] + inv["high"]) / 2 * 100
                ax.errorbar([pd.Timestamp(*inv["date"], 15)], [mid],
                            yerr=[[mid - (inv["low"] - margin) * 100], [(inv["high"] + margin) * 100 - mid]],
                            fmt="o", color=OKABE_ITO["black"], ms=7, capsize=5, zorder=5,
                            label="FITTED: Hart&Vaatgroep/TNO inventory, early 2013:\n"
                                  f"23-35% of hospitals offered it (±{margin * 100:.0f} points accepted)")
            frame(ax)
            ax.set_title(title, fontsize=10)
            ax.set_ylabel(ylabel)
            ax.set_ylim(0, ax.get_ylim()[1] * 1.35)
            ax.legend(loc="upper left", fontsize=7.5, frameon=True, framealpha=0.9)
        fig.suptitle(f"Out-of-sample test of the isolated strategy from 2012: {int(acc.sum())} of "
                     f"{acc.size} runs agree with the 2012-2018 facts (fitted, blue/green); 2019 is predicted, not fitted "
                     "(orange)", fontsize=11)
        fig.tight_layout()
        save(fig, path, dpi=ANALYSIS_DPI)
