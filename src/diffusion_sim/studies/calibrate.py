"""Calibration as a study: candidates through the executors, a check on fresh replications, the fitted file.

:func:`diffusion_sim.analysis.calibrate.fit` optimises; here every candidate is the mean of
``replications`` replications (common random numbers, :mod:`diffusion_sim.studies.points`), the best
point is run again on fresh replications, and two things are written: the fitted scenario file (it
``extends`` the original and sets only the fitted values, with the fit's quality in its header, through
the one scenario writer; never over an existing file, and read back to check it gives the fitted
values) and a results folder with the fit, every candidate and the figure.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from diffusion_sim import __version__
from diffusion_sim.analysis.calibrate import (
    REACHED_RELATIVE,
    REACHED_Z,
    CalibrationResult,
    at_edge,
    check_dimensions,
    fit,
    loss_of,
    reached,
)
from diffusion_sim.analysis.space import Dimension, apply
from diffusion_sim.errors import ResultsError
from diffusion_sim.outcomes import point_outcomes
from diffusion_sim.params import NAME_MAX, TEXT_MAX, Params, differences, get
from diffusion_sim.results import manifest, remove_stale, temp_path, write_folder
from diffusion_sim.scenario import load_scenario, to_toml
from diffusion_sim.studies.points import Progress, evaluate


def calibrate(
    base: Params,
    dims: list[Dimension],
    targets: dict[str, float],
    replications: int = 100,
    check_replications: int = 400,
    workers: int = 1,
    progress: Progress | None = None,
    seed: int | None = None,
    maxiter: int = 15,
    popsize: int = 10,
    tol: float = 0.01,
    atol: float = 1e-3,
    scheduler: str | None = None,
) -> CalibrationResult:
    """Fit ``dims`` (each within its range) to ``targets`` by differential evolution; check on fresh replications.

    Every candidate is the mean of ``replications`` replications with common random numbers, run
    through the executors (:func:`diffusion_sim.analysis.calibrate.fit` does the optimising).
    """
    check_dimensions(dims)
    horizon = base.simulation.months

    def evaluate_points(design: pd.DataFrame) -> pd.DataFrame:
        tidy = evaluate(base, design, dims, replications, workers, progress, scheduler=scheduler)
        return point_outcomes(tidy, horizon).set_index("point")

    root = base.simulation.seed if seed is None else seed
    fitted, history, message, generations = fit(dims, targets, evaluate_points, root, maxiter, popsize, tol, atol)
    params = apply(base, fitted, source="fitted values")
    checked = _check(base, dims, fitted, targets, replications, check_replications, workers, progress, scheduler)
    return CalibrationResult(
        fitted=fitted,
        fit=checked,
        history=history,
        message=message,
        generations=generations,
        evaluations=len(history),
        loss=float(loss_of(checked.set_index("target")["fitted_value"], targets)),
        replications=replications,
        check_replications=check_replications,
        params=params,
    )


def _check(
    base: Params,
    dims: list[Dimension],
    fitted: dict[str, Any],
    targets: dict[str, float],
    replications: int,
    check: int,
    workers: int,
    progress: Progress | None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Target versus achieved at the rounded fit: on the fitting replications and on fresh ones."""
    design = pd.DataFrame([fitted])
    design.insert(0, "point", [0])
    tidy = evaluate(base, design, dims, replications + check, workers, progress, scheduler=scheduler)
    horizon = base.simulation.months
    in_fit = point_outcomes(tidy[tidy["replication"] < replications], horizon).iloc[0]
    fresh = point_outcomes(tidy[tidy["replication"] >= replications], horizon).iloc[0]
    rows = []
    for name, value in targets.items():
        mcse = float(fresh[f"{name}_mcse"])
        diff = float(fresh[name]) - value
        got = float(fresh[name])
        rows.append(
            {
                "target": name,
                "value": value,
                "fitted_value": float(in_fit[name]),
                "fitted_mcse": float(in_fit[f"{name}_mcse"]),
                "fitted_replications": replications,
                "check_value": float(fresh[name]),
                "check_mcse": mcse,
                "check_replications": check,
                "z": diff / mcse if mcse > 0 else (0.0 if diff == 0 else float("inf")),
                "distance": diff,
                "reached": reached(got, value, mcse),
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- writing the fitted scenario
def fitted_scenario_text(
    result: CalibrationResult,
    base: Params,
    source: Path,
    out: Path,
    dims: list[Dimension],
    targets: dict[str, float],
    command: list[str] | None,
) -> str:
    """The fitted scenario file: ``extends`` the original, sets the fitted values, records the fit."""
    parent = os.path.relpath(Path(source).resolve(), Path(out).resolve().parent)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    target_text = ", ".join(f"{k} = {v:g}" for k, v in targets.items())
    header = []
    if not result.calibrated:
        header.append(f"NOT CALIBRATED: the best fit found misses {target_text} (see the fit below). Kept to inspect, "
                      "not to use as a calibrated scenario.")
    header += [
        f"Made by `diffusion-sim calibrate` (diffusion-sim {__version__}) on {stamp}; do not edit by hand,",
        "run the command again. Only the fitted values and the conditions of the fit differ from the scenario it extends.",
    ]
    if command:
        header.append(f"Command: {' '.join(command)}")
    header.append(
        f"Optimiser: scipy.optimize.differential_evolution; {result.optimiser}; "
        f"{result.evaluations} candidates of {result.replications} replications each."
    )
    header.append(f"Fit (targets are means over replications; MCSE = Monte Carlo standard error; reached = within "
                  f"{REACHED_Z:g} MCSE and {REACHED_RELATIVE:.0%} of the target on the fresh replications):")
    for _, r in result.fit.iterrows():
        verdict = "reached" if r["reached"] else f"MISSED, off by {r['distance']:+.4g}"
        header.append(
            f"  {r['target']} = {r['value']:g}: {r['fitted_value']:.4g} ± {r['fitted_mcse']:.2g} on the "
            f"{r['fitted_replications']} fitting replications; {r['check_value']:.4g} ± {r['check_mcse']:.2g} on "
            f"{r['check_replications']} fresh ones (z = {r['z']:+.2f}): {verdict}"
        )
    header.append("Ranges searched: " + ", ".join(f"{d.name} in [{d.low:g}, {d.high:g}]" for d in dims))
    edge = at_edge(dims, result.fitted)
    if edge:
        header.append(f"At the edge of its range (the answer may lie outside it): {', '.join(edge)}")
    suffix, what = ("-calibrated", f"calibrated to {target_text}") if result.calibrated else \
        ("-best-fit", f"best fit to {target_text}, which it misses")
    description = f"{base.description.rstrip('.')}; {what}" if base.description else what
    data: dict[str, Any] = {
        "extends": parent,
        "name": base.name[: NAME_MAX - len(suffix)] + suffix,
        "description": description[:TEXT_MAX],
    }
    comments: dict[str, str] = {}

    def put(name: str, value: Any, remark: str) -> None:
        *tables, key = name.split(".")
        node = data
        for table in tables:
            node = node.setdefault(table, {})
        node[key] = value
        comments[name] = remark

    original = load_scenario(source)
    for name, was, now in differences(original, base):  # conditions set for the fit (--set, --seed, --months)
        if name not in result.fitted and name not in ("name", "description"):
            put(name, now, f"condition of the calibration (was {was!r})")
    for name, value in result.fitted.items():
        verdict = "CALIBRATED to" if result.calibrated else "BEST FIT, NOT CALIBRATED: misses"
        put(name, value, f"{verdict} {target_text} (was {get(original, name):g})")
    if base.uncertainty.draws:  # the fit holds the other parameters at their central values (studies.points)
        put("uncertainty.draws", False, "condition of the calibration: fitted with every other parameter at its central "
            "value; drawing them per replication would undo the fit")
    return to_toml(data, header, comments)


def write_fitted_scenario(text: str, out: Path, fitted: dict[str, Any]) -> Path:
    """Write the fitted file atomically (never over an existing file) and check that it loads to the fit."""
    out = Path(out)
    if out.exists():
        raise ResultsError(f"{out}: already exists; a fitted scenario is never overwritten, choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(out.parent)  # what a killed calibration left
    tmp = temp_path(out)
    tmp.write_text(text, encoding="utf-8")
    try:
        loaded = load_scenario(tmp)
        for name, value in fitted.items():
            got = get(loaded, name)
            if got != value:
                raise ResultsError(f"{out}: the written file gives {name} = {got!r}, not the fitted {value!r}")
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out


def run_calibration(
    base: Params,
    source: Path,
    dims: list[Dimension],
    targets: dict[str, float],
    out: Path | None,
    results: Path,
    replications: int = 100,
    check_replications: int = 400,
    workers: int = 1,
    progress: Progress | None = None,
    maxiter: int = 15,
    popsize: int = 10,
    command: list[str] | None = None,
    scheduler: str | None = None,
    draw: Callable[[pd.DataFrame, list[str], dict[str, float], Path], list[str]] | None = None,
) -> tuple[CalibrationResult, Path, Path]:
    """Calibrate, then write the fitted scenario file and a results folder (fit, history, ``draw``'s figure).

    With ``out`` None the fitted file goes into the (new) results folder as ``<scenario>-calibrated.toml``,
    or ``<scenario>-best-fit.toml`` when the fit misses a target, so the command never collides with an
    earlier fit; else it is written to ``out``, never over an existing file. ``draw(history, fitted
    names, targets, folder)`` is :func:`diffusion_sim.publish.analysis_figures.calibration_figure`.
    """
    for path, what in ((out, "a fitted scenario"), (results, "results")):
        if path is not None and Path(path).exists():
            raise ResultsError(f"{path}: already exists; {what} are never overwritten, choose another path")
    result = calibrate(
        base,
        dims,
        targets,
        replications,
        check_replications,
        workers,
        progress,
        maxiter=maxiter,
        popsize=popsize,
        scheduler=scheduler,
    )
    inside = out is None
    file_name = f"{Path(source).stem}-{'calibrated' if result.calibrated else 'best-fit'}.toml"
    fitted_file = Path(results) / file_name if inside else Path(out)  # type: ignore[arg-type]
    text = fitted_scenario_text(result, base, source, fitted_file, dims, targets, command)
    meta = manifest(
        "calibration", [base], [str(source)], replications=replications, workers=workers, scheduler=scheduler,
        command=command,
        settings={
            "targets": targets,
            "dimensions": [asdict(d) for d in dims],
            "fitted": result.fitted,
            "calibrated": result.calibrated,
            "optimiser": "scipy.optimize.differential_evolution",
            "message": result.message,
            "generations": result.generations,
            "evaluations": result.evaluations,
            "check_replications": check_replications,
            "scenario_written": str(fitted_file),
        },
    )

    def extras(folder: Path) -> list[str]:
        figures = draw(result.history, [d.name for d in dims], targets, folder) if draw else []
        if inside:  # beside the fit it records, checked in the folder being built (the same depth as the final one)
            write_fitted_scenario(text, folder / file_name, result.fitted)
        return figures

    folder = write_folder(results, {"fit": result.fit, "history": result.history}, meta, extras=extras)
    written = fitted_file if inside else write_fitted_scenario(text, fitted_file, result.fitted)
    return result, written, folder
