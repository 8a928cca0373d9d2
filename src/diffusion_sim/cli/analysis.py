"""Policy analysis commands: ``sweep``, ``sensitivity`` and ``calibrate`` (studies in ``studies/``)."""

from __future__ import annotations

import sys
import time
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from diffusion_sim.cli.common import (
    DrawParameters,
    Lang,
    Language,
    Months,
    Out,
    Outcomes,
    Quiet,
    Replications,
    Scheduler,
    Seed,
    Sets,
    Ticker,
    Varies,
    Workers,
    app,
    check_count,
    check_replications,
    claim,
    fail,
    interrupted,
    load,
    out_console,
    progress_bar,
    workers_or_all,
)
from diffusion_sim.errors import DiffusionSimError, ScenarioError

# Sensitivity's sample sizes: 16 times the largest default (Sobol' 256 base samples, Morris 80 trajectories), so a
# typo cannot plan billions of design points; a ranking that needs more is better narrowed with fewer parameters.
SAMPLES_MAX = 4096


@app.command(short_help="Vary parameters over a design; common random numbers.")
def sweep(scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")], vary: Varies,
          design: Annotated[str, typer.Option("--design", help="grid (every combination) or lhs (Latin hypercube).")] = "grid",
          samples: Annotated[int | None, typer.Option(
              "--samples", help="Points of an lhs design (default 10 per parameter).")] = None,
          replications: Replications = None, seed: Seed = None, months: Months = None, out: Out = None, workers: Workers = None,
          set_: Sets = None, outcome: Outcomes = None,
          resume: Annotated[bool, typer.Option(
              "--resume", help="Continue an interrupted sweep with the same arguments.")] = False,
          quiet: Quiet = False, scheduler: Scheduler = None, draw_parameters: DrawParameters = False,
          lang: Lang = Language.nl) -> None:
    """Run a parameter study with common random numbers; write a tidy table, figures and heat maps."""
    from diffusion_sim.analysis.space import parse_ranges
    from diffusion_sim.analysis.sweep import PLOTTED
    from diffusion_sim.publish.analysis_figures import sweep_figures
    from diffusion_sim.publish.terminal import sweep_table
    from diffusion_sim.studies.sweep import MAX_POINTS, plan_sweep, run_sweep

    started = time.perf_counter()
    plan = None
    try:
        check_replications(replications)
        check_count(samples, "--samples", 2, MAX_POINTS, "the most points a sweep may have")
        base = load([scenario], seed, months, set_)[0]
        dims = parse_ranges(vary, base)
        plan = plan_sweep(base, str(scenario), dims, design, samples, replications, out, stem=scenario.stem,  # type: ignore[arg-type]
                          draws=draw_parameters)
        n_workers = workers_or_all(workers)
        with claim(out, "sweep", default=plan.out), progress_bar(quiet, "sweep") as bar:
            tick = Ticker(bar, plan.total, f"{len(plan.design)} points x {plan.replications} replications")
            result = run_sweep(plan, n_workers, tick, resume=resume, outcomes=outcome, command=sys.argv, scheduler=scheduler,
                               draw=partial(sweep_figures, lang=lang.value))
    except DiffusionSimError as exc:
        raise fail(exc) from None
    except KeyboardInterrupt:
        where = f"finished points are kept in {plan.work_path}, run the same command with --resume to go on" \
            if plan and plan.work_path.is_dir() else "nothing was written"
        raise interrupted(where) from None
    elapsed = time.perf_counter() - started
    table = sweep_table(result.points, [d.column for d in dims], PLOTTED, lang.value, out_console.width)
    out_console.print(table, markup=False, highlight=False, soft_wrap=True)
    resumed = f" ({result.resumed_points} points resumed from earlier work)" if result.resumed_points else ""
    out_console.print(f"{plan.total:,} replications in {elapsed:.1f} s on {n_workers} worker(s){resumed}; "
                      f"results in [bold]{result.folder}[/bold]")


@app.command(short_help="Rank uncertain parameters by their effect (Morris, Sobol).")
def sensitivity(scenario: Annotated[Path, typer.Argument(help="Scenario TOML file with an \\[uncertain] table.")],
                method: Annotated[str, typer.Option(
                    "--method", help="morris (screening) or sobol (variance shares).")] = "morris",
                replications: Annotated[int, typer.Option(
                    "--replications", "-n", help="Replications averaged per design point.")] = 10,
                samples: Annotated[int | None, typer.Option(
                    "--samples", help="First sample size: Morris trajectories (10) or "
                                             "Sobol' base samples (64, a power of two).")] = None,
                max_samples: Annotated[int | None, typer.Option(
                    "--max-samples", help="Largest sample size when growing until the ranking holds (80 / 256).")] = None,
                top: Annotated[int, typer.Option("--top", help="Top ranks that must be resolved.")] = 3,
                seed: Seed = None, months: Months = None, out: Out = None, workers: Workers = None, set_: Sets = None,
                outcome: Outcomes = None, quiet: Quiet = False, scheduler: Scheduler = None,
                draw_parameters: DrawParameters = False, lang: Lang = Language.nl) -> None:
    """Rank the scenario's uncertain parameters by their effect on the key outcomes (SALib)."""
    from diffusion_sim.analysis.sensitivity import METHODS
    from diffusion_sim.analysis.space import uncertain_dimensions
    from diffusion_sim.params import names
    from diffusion_sim.publish.analysis_figures import tornado
    from diffusion_sim.publish.terminal import sensitivity_tables
    from diffusion_sim.studies.points import fingerprint_id
    from diffusion_sim.studies.sensitivity import run_sensitivity

    started = time.perf_counter()
    try:
        if method not in METHODS:
            raise ScenarioError(f"--method {method}: unknown method; allowed: {', '.join(METHODS)}")
        check_replications(replications)
        for option, value in (("--samples", samples), ("--max-samples", max_samples)):
            check_count(value, option, 2, SAMPLES_MAX, "16x the largest default, 256 Sobol' base samples")
        check_count(top, "--top", 1, len(names()), "the number of parameters")
        base = load([scenario], seed, months, set_)[0]
        dims = uncertain_dimensions(scenario, base)
        key = fingerprint_id({'s': base.model_dump(mode='json'), 'm': method, 'n': replications, 'o': outcome, 'k': samples,
                              'K': max_samples, **({'d': True} if draw_parameters else {})})
        folder = out or Path("results") / f"sensitivity-{scenario.stem}-{method}-{key}"
        n_workers = workers_or_all(workers)
        with claim(out, "sensitivity", default=folder), progress_bar(quiet, "sensitivity") as bar:
            tick = Ticker(bar, 0, f"{method}: {len(dims)} parameters x {replications} replications per point")
            result = run_sensitivity(base, str(scenario), dims, folder, method, outcome, replications, n_workers, tick, tick.plan,  # type: ignore[arg-type]
                                     samples, max_samples, top, command=sys.argv, scheduler=scheduler,
                                     draw=partial(tornado, lang=lang.value), draws=draw_parameters)
    except DiffusionSimError as exc:
        raise fail(exc) from None
    except KeyboardInterrupt:
        raise interrupted("workers stopped, nothing was written") from None
    out_console.print(sensitivity_tables(result.indices, method, lang.value, out_console.width), markup=False,
                      highlight=False, soft_wrap=True)
    for note in result.notes:
        out_console.print(f"note: {note}")
    status = "converged" if result.converged else "NOT converged (see notes)"
    out_console.print(f"{method}: sample size {result.size}, {result.points:,} design points x {replications} replications, "
                      f"{status}; {time.perf_counter() - started:.1f} s on {n_workers} worker(s)")


@app.command(short_help="Fit parameters to observed targets; write the fit.")
def calibrate(scenario: Annotated[Path, typer.Argument(help="Scenario TOML file to start from.")],
              target: Annotated[list[str], typer.Option("--target", help="NAME=VALUE, an outcome's mean over replications, "
                                                                         "e.g. spread_beyond_origin=0.35. Repeatable.")],
              fit: Annotated[list[str], typer.Option(
                  "--fit", help="PARAM=LOW:HIGH to fit within, e.g. diffusion.q=0:0.25. Repeatable.")],
              replications: Annotated[int, typer.Option("--replications", "-n", help="Replications per candidate.")] = 100,
              check: Annotated[int, typer.Option("--check", help="Fresh replications to check the fit on.")] = 400,
              maxiter: Annotated[int, typer.Option(
                  "--maxiter", help="Generations of differential evolution at most.")] = 15,
              popsize: Annotated[int, typer.Option(
                  "--popsize", help="Candidates per generation per fitted parameter.")] = 10,
              seed: Seed = None, months: Months = None, workers: Workers = None, set_: Sets = None,
              out: Annotated[Path | None, typer.Option(
                  "--out", help="Fitted scenario file to write (default: inside the results folder).")] = None,
              results: Annotated[Path | None, typer.Option("--results", help="Folder for the fit's tables and figure.")] = None,
              quiet: Quiet = False, scheduler: Scheduler = None, lang: Lang = Language.nl) -> None:
    """Fit parameters to observed targets and write the fitted scenario file with the fit's quality.

    A fit whose best value misses a target on fresh replications (by more than 3 Monte Carlo standard
    errors or 10% of the target) is reported as not calibrated: its file is named
    <scenario>-best-fit.toml and the exit status is 1.
    """
    from diffusion_sim.analysis.calibrate import at_edge, parse_targets
    from diffusion_sim.analysis.space import parse_ranges
    from diffusion_sim.publish.analysis_figures import calibration_figure
    from diffusion_sim.publish.terminal import calibration_table
    from diffusion_sim.studies.calibrate import run_calibration

    started = time.perf_counter()
    try:
        check_replications(replications, least=2)
        check_replications(check, "--check", least=2)
        check_count(maxiter, "--maxiter", 1, 1000, "differential evolution settles within tens of generations")
        check_count(popsize, "--popsize", 2, 1000, "SciPy's default is 15")
        targets = parse_targets(target)
        base = load([scenario], seed, months, set_)[0]
        dims = parse_ranges(fit, base, option="--fit")
        n_workers = workers_or_all(workers)
        fitted_name = claim(out, "", kind="file") if out is not None else nullcontext()  # else inside the results folder
        with fitted_name, claim(results, f"calibrate-{scenario.stem}", option="--results") as folder, \
                progress_bar(quiet, "calibrate") as bar:
            tick = Ticker(bar, None, f"calibrating {', '.join(d.name for d in dims)}")
            result, written, folder = run_calibration(base, scenario, dims, targets, out, folder, replications, check,
                                                      n_workers, tick, maxiter, popsize, command=sys.argv, scheduler=scheduler,
                                                      draw=partial(calibration_figure, lang=lang.value))
    except DiffusionSimError as exc:
        raise fail(exc) from None
    except KeyboardInterrupt:
        raise interrupted("workers stopped, nothing was written") from None
    out_console.print(calibration_table(result.fit, lang.value, out_console.width), markup=False, highlight=False,
                      soft_wrap=True)
    verdict = "calibrated" if result.calibrated else "NOT calibrated: the best fit misses its target(s), see 'off by' above"
    for name, value in result.fitted.items():
        out_console.print(f"{'fitted' if result.calibrated else 'best fit'}: {name} = {value}", markup=False, highlight=False)
    edge = at_edge(dims, result.fitted)
    if edge:
        out_console.print(f"at the edge of the range searched (the answer may lie outside it): {', '.join(edge)}",
                          markup=False, highlight=False)
    out_console.print(f"{verdict}; {result.evaluations} candidates, {result.optimiser}; "
                      f"{time.perf_counter() - started:.1f} s on {n_workers} worker(s)", markup=False, highlight=False)
    out_console.print(f"scenario file: {written}", markup=False, highlight=False, soft_wrap=True)
    out_console.print(f"fit tables and figure: {folder}", markup=False, highlight=False, soft_wrap=True)
    if not result.calibrated:
        raise typer.Exit(code=1)
