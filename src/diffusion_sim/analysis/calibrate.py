"""Calibration: fit chosen parameters so that the model reproduces observed targets.

**Targets** are point outcomes (``outcomes.py``): the mean over replications of an outcome, e.g.
``spread_beyond_origin=0.35`` asks that 35% of replications (each one innovation's attempt to spread)
see at least one organisation beyond the origin adopt and reach patients within the horizon.

**Loss.** ``sum over targets of ((simulated - target) / scale)^2`` with ``scale = |target|`` (1 for a
zero target): relative squared errors, so targets in different units weigh alike. With common random
numbers (the same replications 0..R-1 at every candidate) the loss is a deterministic, piecewise
constant function of the parameters: its steps are the Monte Carlo resolution.

**Optimiser.** :func:`scipy.optimize.differential_evolution`, a population method that needs no
gradients and is not fooled by plateaus or steps; ``vectorized=True`` hands us a whole generation at
once, which runs as one batch through the executors. Integer parameters use its ``integrality``.

**Fit quality.** The best point is rounded to four significant digits (the value written to the
file) and run again on fresh replications (``R .. R + check - 1``, not used in fitting): the table
gives target, achieved value and its Monte Carlo standard error (MCSE) for both, and
``z = (achieved - target) / MCSE`` on the fresh replications.

The fitted scenario file ``extends`` the original and sets only the fitted values, with the fit's
quality in its header comments; it is written atomically, never over an existing file, and read
back to check it gives the fitted parameters.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import differential_evolution

from diffusion_sim import __version__
from diffusion_sim.errors import ResultsError, ScenarioError
from diffusion_sim.outcomes import point_names, point_outcomes
from diffusion_sim.params import Params, differences, get
from diffusion_sim.scenario import load_scenario, to_toml

from .evaluate import Progress, analysis_manifest, evaluate, write_folder
from .space import Dimension, apply

CALIBRATION_SPAWN_KEY = 0xCA11B


@dataclass
class CalibrationResult:
    """The fitted values, how well they fit, and every evaluated candidate."""

    fitted: dict[str, Any]
    fit: pd.DataFrame
    history: pd.DataFrame
    message: str
    generations: int
    evaluations: int
    loss: float
    replications: int
    check_replications: int
    params: Params


def parse_targets(specs: list[str]) -> dict[str, float]:
    """``NAME=VALUE`` -> ``{name: value}``; an unknown outcome is an error listing the allowed ones."""
    if not specs:
        raise ScenarioError("--target: give at least one target, e.g. --target spread_beyond_origin=0.35")
    out: dict[str, float] = {}
    for spec in specs:
        name, sep, raw = spec.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ScenarioError(f"--target {spec}: expected NAME=VALUE, e.g. spread_beyond_origin=0.35")
        if name not in point_names():
            raise ScenarioError(
                f"--target {spec}: '{name}' is not an outcome the model produces; allowed: {', '.join(point_names())}"
            )
        try:
            value = float(raw)
        except ValueError:
            raise ScenarioError(f"--target {spec}: VALUE '{raw.strip()}' must be a number") from None
        if not np.isfinite(value):
            raise ScenarioError(f"--target {spec}: VALUE must be a finite number")
        if name in out:
            raise ScenarioError(f"--target {name}: given twice")
        out[name] = value
    return out


def _scale(value: float) -> float:
    return abs(value) if value != 0 else 1.0


def loss_of(row: dict[str, float] | pd.Series, targets: dict[str, float]) -> float:
    """Sum of relative squared errors; infinite when an outcome is undefined (e.g. no patient reached)."""
    total = 0.0
    for name, value in targets.items():
        sim = float(row[name])
        if not np.isfinite(sim):
            return float("inf")
        total += ((sim - value) / _scale(value)) ** 2
    return total


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
    """Fit ``dims`` (each within its range) to ``targets`` by differential evolution; check on fresh replications."""
    if not dims:
        raise ScenarioError("--fit: give at least one parameter to fit, e.g. --fit diffusion.p=0:0.02")
    for d in dims:
        if d.kind == "bool":
            raise ScenarioError(f"--fit {d.name}: a true/false parameter cannot be fitted; fix it with --set")
        if not d.high > d.low:
            raise ScenarioError(f"--fit {d.name}: LOW must be less than HIGH to leave room for fitting")
    horizon = base.simulation.months
    history: list[dict[str, Any]] = []
    cache: dict[tuple, float] = {}

    def run(points: list[tuple]) -> None:
        new = [p for p in dict.fromkeys(points) if p not in cache]
        if not new:
            return
        design = pd.DataFrame(new, columns=[d.name for d in dims])
        design.insert(0, "point", np.arange(len(new)))
        tidy = evaluate(base, design, dims, replications, workers, progress, scheduler=scheduler)
        stats = point_outcomes(tidy, horizon).set_index("point")
        generation = 1 + max((h["generation"] for h in history), default=-1)
        for k, key in enumerate(new):
            row = stats.loc[k]
            cache[key] = loss_of(row, targets)
            history.append(
                {
                    "generation": generation,
                    **dict(zip(design.columns[1:], key, strict=True)),
                    **{t: float(row[t]) for t in targets},
                    **{f"{t}_mcse": float(row[f"{t}_mcse"]) for t in targets},
                    "loss": cache[key],
                }
            )

    def objective(x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(x.T).reshape(-1, len(dims))  # vectorized: columns are candidates
        keys = [tuple(d.cast(v) for d, v in zip(dims, row, strict=True)) for row in x]
        run(keys)
        return np.array([cache[k] for k in keys])

    root = base.simulation.seed if seed is None else seed
    rng = np.random.default_rng(np.random.SeedSequence(root, spawn_key=(CALIBRATION_SPAWN_KEY,)))
    opt = differential_evolution(
        objective,
        bounds=[(d.low, d.high) for d in dims],
        rng=rng,
        popsize=popsize,
        maxiter=maxiter,
        tol=tol,
        atol=atol,
        polish=False,
        vectorized=True,
        updating="deferred",
        init="latinhypercube",
        integrality=[d.kind == "int" for d in dims],
    )
    fitted = {d.name: _round(d, v) for d, v in zip(dims, np.atleast_1d(opt.x), strict=True)}
    params = apply(base, fitted, source="fitted values")
    fit = _check(base, dims, fitted, targets, replications, check_replications, workers, progress, scheduler)
    frame = pd.DataFrame(history)
    return CalibrationResult(
        fitted=fitted,
        fit=fit,
        history=frame,
        message=str(opt.message),
        generations=int(opt.nit),
        evaluations=len(frame),
        loss=float(loss_of(fit.set_index("target")["fitted_value"], targets)),
        replications=replications,
        check_replications=check_replications,
        params=params,
    )


def _round(dim: Dimension, value: float) -> Any:
    if dim.kind == "int":
        return int(round(value))
    rounded = float(f"{value:.4g}")
    return min(max(rounded, dim.low), dim.high)


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
    header = [
        f"Calibrated by `diffusion-sim calibrate` (diffusion-sim {__version__}) on {stamp}; do not edit by hand,",
        "run the command again. Only the fitted values and the conditions of the fit differ from the scenario it extends.",
    ]
    if command:
        header.append(f"Command: {' '.join(command)}")
    header.append(
        f"Optimiser: scipy.optimize.differential_evolution, {result.generations} generations, "
        f"{result.evaluations} candidates of {result.replications} replications each ({result.message.rstrip('.')})."
    )
    header.append("Fit (targets are means over replications; MCSE = Monte Carlo standard error):")
    for _, r in result.fit.iterrows():
        header.append(
            f"  {r['target']} = {r['value']:g}: {r['fitted_value']:.4g} ± {r['fitted_mcse']:.2g} on the "
            f"{r['fitted_replications']} fitting replications; {r['check_value']:.4g} ± {r['check_mcse']:.2g} on "
            f"{r['check_replications']} fresh ones (z = {r['z']:+.2f})"
        )
    header.append("Ranges searched: " + ", ".join(f"{d.name} in [{d.low:g}, {d.high:g}]" for d in dims))
    target_text = ", ".join(f"{k} = {v:g}" for k, v in targets.items())
    data: dict[str, Any] = {
        "extends": parent,
        "name": f"{base.name}-calibrated",
        "description": f"{base.description.rstrip('.')}; calibrated to {target_text}",
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
        put(name, value, f"CALIBRATED to {target_text} (was {get(original, name):g})")
    return to_toml(data, header, comments)


def write_fitted_scenario(text: str, out: Path, fitted: dict[str, Any]) -> Path:
    """Write the fitted file atomically (never over an existing file) and check that it loads to the fit."""
    out = Path(out)
    if out.exists():
        raise ResultsError(f"{out}: already exists; a fitted scenario is never overwritten, choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
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
    out: Path,
    results: Path,
    replications: int = 100,
    check_replications: int = 400,
    workers: int = 1,
    progress: Progress | None = None,
    maxiter: int = 15,
    popsize: int = 10,
    command: list[str] | None = None,
    scheduler: str | None = None,
) -> tuple[CalibrationResult, Path, Path]:
    """Calibrate, then write the fitted scenario file and a results folder (fit, history, figure)."""
    for path, what in ((out, "a fitted scenario"), (results, "results")):
        if Path(path).exists():
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
    text = fitted_scenario_text(result, base, source, out, dims, targets, command)
    meta = analysis_manifest(
        "calibration",
        base,
        str(source),
        command,
        targets=targets,
        dimensions=[asdict(d) for d in dims],
        fitted=result.fitted,
        optimiser="scipy.optimize.differential_evolution",
        message=result.message,
        generations=result.generations,
        evaluations=result.evaluations,
        replications=replications,
        check_replications=check_replications,
        scenario_written=str(out),
    )

    def figures(folder: Path) -> list[str]:
        from diffusion_sim.publish.analysis_figures import calibration_figure

        return calibration_figure(result.history, [d.name for d in dims], targets, folder)

    folder = write_folder(results, {"fit": result.fit, "history": result.history}, meta, figures)
    written = write_fitted_scenario(text, out, result.fitted)
    return result, written, folder
