"""Figures of sweeps, sensitivity analyses and calibrations (matplotlib, written as PNG files).

Colours are the Okabe-Ito palette (readable with colour-vision deficiencies). Every band says what
it is: a dark band is the 95% confidence interval of the mean (Monte Carlo error, shrinks with more
replications); a light band is the 5-95% range of single replications (the model's own spread).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from diffusion_sim.outcomes import CATALOGUE, TIME_OUTCOMES, point_outcomes  # noqa: E402
from diffusion_sim.outcomes import point_names as _point_names  # noqa: E402

POINT_OUTCOMES = _point_names()
CENSORED = {name: CATALOGUE[name].reached for name in TIME_OUTCOMES}
from .space import Dimension  # noqa: E402

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
DPI = 150
MAX_LINES = 6


def _style(ax: plt.Axes) -> None:
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _fmt(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "on" if value else "off"
    if isinstance(value, float | np.floating):
        if abs(value) >= 100 or float(value).is_integer():
            return f"{value:,.0f}"
        return f"{value:.3g}"
    return f"{value:,}" if isinstance(value, int | np.integer) else str(value)


def _label(outcome: str, width: int = 40) -> str:
    """An outcome's axis label with its unit, wrapped so that it fits beside a plot."""
    label, unit = POINT_OUTCOMES.get(outcome, (outcome, ""))
    return textwrap.fill(f"{label}" + (f" [{unit}]" if unit and unit not in label else ""), width)


def _replication_values(tidy: pd.DataFrame, outcome: str, horizon: int) -> pd.Series:
    """Per-replication values of an outcome, as plotted in the light band."""
    if outcome in CENSORED:
        return tidy[outcome].fillna(float(horizon + 1))
    if outcome in CENSORED.values():
        source = next(k for k, v in CENSORED.items() if v == outcome)
        return tidy[source].notna().astype(float)
    return tidy[outcome]


def _group_stats(tidy: pd.DataFrame, keys: list[str], outcome: str, horizon: int) -> pd.DataFrame:
    stats = point_outcomes(tidy, horizon, by=keys)
    values = _replication_values(tidy, outcome, horizon)
    q = values.groupby([tidy[k] for k in keys]).quantile([0.05, 0.95]).unstack()
    q.columns = ["q05", "q95"]
    stats = stats.merge(q.reset_index(), on=keys, how="left")
    return stats.rename(columns={outcome: "mean", f"{outcome}_mcse": "mcse"})[[*keys, "mean", "mcse", "q05", "q95"]]


def sweep_figures(
    tidy: pd.DataFrame, dims: list[Dimension], outcomes: list[str], horizon: int, design: str, folder: Path
) -> list[str]:
    """One figure per outcome (a panel per varied parameter) and, for a grid of two or more, heat maps."""
    written = []
    for outcome in outcomes:
        written.append(_sweep_lines(tidy, dims, outcome, horizon, design, folder))
    if design == "grid" and len(dims) >= 2 and all(len(d.grid()) > 1 for d in dims[:2]):
        for outcome in outcomes:
            written.append(_heatmap(tidy, dims, outcome, horizon, folder))
    return written


def _sweep_lines(tidy: pd.DataFrame, dims: list[Dimension], outcome: str, horizon: int, design: str, folder: Path) -> str:
    n = len(dims)
    fig, axes = plt.subplots(1, n, figsize=(5.2 * n, 4.0), squeeze=False, sharey=True)
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
                color=OKABE_ITO[0],
                ecolor="#88aacc",
                elinewidth=0.8,
                capsize=0,
                label="point mean ± 95% CI",
            )
        else:
            groups = [(None, tidy)] if colour_by is None else list(tidy.groupby(colour_by, sort=True))
            for g, (level, sub) in enumerate(groups):
                stats = _group_stats(sub, [x], outcome, horizon).sort_values(x)
                xs = stats[x].astype(float).to_numpy()
                colour = OKABE_ITO[g % len(OKABE_ITO)]
                name = "mean" if level is None else f"{colour_by} = {_fmt(level)}"
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
            ax.set_xticks([0, 1], ["off", "on"])
        ax.set_xlabel(x)
        if j == 0:
            ax.set_ylabel(_label(outcome))
        _style(ax)
        ax.legend(fontsize=8, frameon=False, loc="best")
    note = (
        "lines: mean over replications; dark band: 95% CI of the mean; light band: 5-95% of single replications"
        if design == "grid"
        else "dots: mean per design point with 95% CI"
    )
    averaged = (
        " (averaged over the other varied parameters)"
        if len(dims) > 2 or (len(dims) == 2 and design == "grid" and colour_by is None)
        else ""
    )
    fig.suptitle(f"{POINT_OUTCOMES.get(outcome, (outcome,))[0]}: {reps} replications per point{averaged}", fontsize=11)
    fig.text(0.01, 0.01, note, fontsize=7.5, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 0.95))
    name = f"sweep-{outcome}.png"
    fig.savefig(folder / name, dpi=DPI)
    plt.close(fig)
    return name


def _heatmap(tidy: pd.DataFrame, dims: list[Dimension], outcome: str, horizon: int, folder: Path) -> str:
    a, b = dims[0].column, dims[1].column
    stats = point_outcomes(tidy, horizon, by=[a, b])
    table = stats.pivot(index=b, columns=a, values=outcome).sort_index(ascending=False)
    fig, ax = plt.subplots(figsize=(1.1 * table.shape[1] + 3.0, 0.7 * table.shape[0] + 2.2))
    im = ax.imshow(table.to_numpy(dtype=float), cmap="viridis", aspect="auto")
    ax.set_xticks(range(table.shape[1]), [_fmt(v) for v in table.columns], rotation=0)
    ax.set_yticks(range(table.shape[0]), [_fmt(v) for v in table.index])
    ax.set_xlabel(a)
    ax.set_ylabel(b)
    values = table.to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    mid = (finite.min() + finite.max()) / 2 if finite.size else 0
    for (r, c), v in np.ndenumerate(values):
        if np.isfinite(v):
            ax.text(c, r, _fmt(float(v)), ha="center", va="center", fontsize=8, color="white" if v < mid else "black")
    fig.colorbar(im, ax=ax, label=_label(outcome))
    extra = " (mean over the other varied parameters)" if len(dims) > 2 else ""
    ax.set_title(f"{POINT_OUTCOMES.get(outcome, (outcome,))[0]}: mean over replications{extra}", fontsize=10)
    fig.tight_layout()
    name = f"heatmap-{outcome}.png"
    fig.savefig(folder / name, dpi=DPI)
    plt.close(fig)
    return name


def tornado(indices: pd.DataFrame, method: str, folder: Path) -> list[str]:
    """Ranked horizontal bars of the main index per outcome, with 95% confidence intervals."""
    metric, conf = ("mu_star", "mu_star_conf") if method == "morris" else ("ST", "ST_conf")
    outcomes = list(dict.fromkeys(indices["outcome"]))
    n_par = indices["parameter"].nunique()
    fig, axes = plt.subplots(1, len(outcomes), figsize=(7.4 * len(outcomes), 0.38 * n_par + 2.2), squeeze=False)
    for ax, outcome in zip(axes[0], outcomes, strict=True):
        sub = indices[indices["outcome"] == outcome].sort_values(metric, ascending=True, na_position="first")
        y = np.arange(len(sub))
        values = sub[metric].to_numpy(dtype=float)
        if method == "sobol":
            ax.barh(y + 0.2, sub["S1"].clip(lower=0), height=0.38, color=OKABE_ITO[1], label="first order S1")
            ax.barh(
                y - 0.2,
                np.nan_to_num(values),
                height=0.38,
                xerr=sub[conf],
                color=OKABE_ITO[0],
                error_kw={"elinewidth": 0.8, "ecolor": "#333333"},
                label="total ST ± 95% CI",
            )
            ax.legend(fontsize=8, frameon=False, loc="lower right")
        else:
            ax.barh(
                y, np.nan_to_num(values), xerr=sub[conf], color=OKABE_ITO[0], error_kw={"elinewidth": 0.8, "ecolor": "#333333"}
            )
        ax.set_yticks(y, sub["parameter"], fontsize=8)
        unit = POINT_OUTCOMES.get(outcome, ("", ""))[1]
        xlabel = (
            "mu* (mean |elementary effect|, ± 95% CI)" + (f" [{unit}]" if unit else "") if method == "morris" else "Sobol' index"
        )
        ax.set_xlabel(xlabel, fontsize=9)
        ax.set_title(textwrap.fill(POINT_OUTCOMES.get(outcome, (outcome,))[0], 45), fontsize=10)
        if not np.isfinite(values).any() or np.nanmax(np.abs(values)) == 0:
            ax.set_xlim(0, 1)
            ax.text(
                0.5,
                0.5,
                "no variation in this outcome\nover the sampled ranges",
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=9,
                color="#555555",
            )
        _style(ax)
    fig.suptitle(f"Sensitivity ({'Morris elementary effects' if method == 'morris' else 'Sobol indices'}), ranked", fontsize=11)
    fig.tight_layout()
    name = f"tornado-{method}.png"
    fig.savefig(folder / name, dpi=DPI)
    plt.close(fig)
    return [name]


def calibration_figure(history: pd.DataFrame, fitted: list[str], targets: dict[str, float], folder: Path) -> list[str]:
    """Each fitted parameter against each target's simulated value, with the target line."""
    rows, cols = len(targets), len(fitted)
    fig, axes = plt.subplots(rows, cols, figsize=(5.4 * cols, 4.0 * rows), squeeze=False)
    for r, (name, value) in enumerate(targets.items()):
        for c, par in enumerate(fitted):
            ax = axes[r][c]
            ax.errorbar(
                history[par],
                history[name],
                yerr=1.96 * history[f"{name}_mcse"],
                fmt="o",
                ms=3,
                color=OKABE_ITO[0],
                ecolor="#88aacc",
                elinewidth=0.7,
                label="evaluated (± 95% CI)",
            )
            ax.axhline(value, color=OKABE_ITO[3], linestyle="--", label=f"target {value:g}")
            best = history.loc[history["loss"].idxmin()]
            ax.plot([best[par]], [best[name]], marker="*", ms=12, color=OKABE_ITO[1], label="best fit", linestyle="none")
            ax.set_xlabel(par)
            ax.set_ylabel(_label(name))
            _style(ax)
            ax.legend(fontsize=8, frameon=False)
    fig.suptitle("Calibration: every evaluated point", fontsize=11)
    fig.tight_layout()
    name = "calibration.png"
    fig.savefig(folder / name, dpi=DPI)
    plt.close(fig)
    return [name]
