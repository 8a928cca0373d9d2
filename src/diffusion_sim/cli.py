"""The command line: parse, call one library function, print, map errors to exit statuses.

Bad input ends with one line on stderr and exit status 2; Ctrl-C ends with status 130 and nothing
written. Nothing here computes model results.
"""

from __future__ import annotations

import gc
import sys
import time
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from diffusion_sim.errors import DiffusionSimError, Interrupted, ScenarioError
from diffusion_sim.executors import default_workers

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Simulate how a proven healthcare innovation spreads between a region's care organisations.",
)
out_console = Console()
err_console = Console(stderr=True)

Replications = Annotated[int | None, typer.Option("--replications", "-n", min=1,
                                                  help="Replications per scenario (default: the scenario's).")]
Seed = Annotated[int | None, typer.Option("--seed", min=0, help="Root seed (default: the scenario's).")]
Months = Annotated[int | None, typer.Option("--months", min=1, help="Horizon in months (default: the scenario's).")]
Out = Annotated[Path | None, typer.Option("--out", help="Results folder to create (default: a new folder under results/).")]
Workers = Annotated[int | None, typer.Option("--workers", "-w", min=1, help="Worker processes (default: one per core).")]
Sets = Annotated[list[str] | None, typer.Option(
    "--set", help="Override a parameter, e.g. --set facilitation.budget_eur_per_year=20000.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]


class Language(StrEnum):
    """Languages of figures and report."""

    nl = "nl"
    en = "en"


class FigureFormat(StrEnum):
    """File formats of figures."""

    png = "png"
    svg = "svg"
    pdf = "pdf"


Lang = Annotated[Language, typer.Option("--lang", help="Language of figures and report: text, month names and number formats.")]
NoReport = Annotated[bool, typer.Option("--no-report", help="Do not write figures and the report into the results folder.")]


Scheduler = Annotated[str | None, typer.Option("--scheduler", envvar="DIFFUSION_SIM_SCHEDULER", show_envvar=True,
                                               help="Run on a Dask cluster: address of its scheduler, e.g. tcp://10.0.0.5:8786.")]


def main() -> None:
    """Entry point of the ``diffusion-sim`` command."""
    try:
        app()
    except KeyboardInterrupt:
        err_console.print("diffusion-sim: interrupted; nothing was written")
        sys.exit(Interrupted.exit_code)
    finally:
        gc.freeze()  # the work is done and written: spare the exit a last collection over every object (about 1 s)


def _parse_sets(sets: list[str] | None) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for item in sets or []:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ScenarioError(f"--set {item}: expected KEY=VALUE, e.g. facilitation.budget_eur_per_year=20000")
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        changes[key.strip()] = value
    return changes


def _load(paths: list[Path], seed: int | None, months: int | None, sets: list[str] | None) -> list[Any]:
    from diffusion_sim.params import change
    from diffusion_sim.scenario import load_scenario

    scenarios = [load_scenario(p, _parse_sets(sets)) for p in paths]
    for option, name, value in (("--seed", "simulation.seed", seed), ("--months", "simulation.months", months)):
        if value is not None:
            scenarios = [change(p, {name: value}, source=option) for p in scenarios]
    return scenarios


def _study(paths: list[Path], replications: int | None, seed: int | None, months: int | None, out: Path | None,
           workers: int | None, sets: list[str] | None, quiet: bool, stem: str, scheduler: str | None = None,
           report_lang: str | None = None) -> None:
    from diffusion_sim.results import new_results_dir
    from diffusion_sim.study import run_study

    try:
        scenarios = _load(paths, seed, months, sets)
        reps = replications or scenarios[0].simulation.replications
        folder = out or new_results_dir(Path("results"), stem)
        if folder.exists():
            raise ScenarioError(f"--out {folder}: already exists; results are never overwritten, choose another folder")
        n_workers = workers or default_workers()
        total = reps * len(scenarios)
        started = time.perf_counter()
        with _progress_bar(quiet, "replications") as bar:
            result = run_study(scenarios, [str(p) for p in paths], folder, reps, n_workers, _Ticker(bar, total, "replications"),
                               command=sys.argv, scheduler=scheduler, report_lang=report_lang)
    except DiffusionSimError as exc:
        err_console.print(f"diffusion-sim: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(code=exc.exit_code) from None
    except KeyboardInterrupt:
        err_console.print("diffusion-sim: interrupted; workers stopped, nothing was written")
        raise typer.Exit(code=Interrupted.exit_code) from None
    elapsed = time.perf_counter() - started
    where = f"the Dask cluster at {scheduler}" if scheduler else f"{n_workers} worker(s)"
    _print_outcomes(result.outcomes)
    if result.differences is not None:
        _print_differences(result.differences)
    if result.innovations is not None:
        for (_, innovation), rows in result.innovations.groupby(["position", "innovation"], sort=True):
            _print_outcomes(rows, title=f"{innovation}: median (90% interval)")
    out_console.print(f"{total:,} replications in {elapsed:.1f} s on {where}; results in [bold]{result.folder}[/bold]")
    for path in result.outputs:
        out_console.print(f"wrote {path}", markup=False, highlight=False)


def _print_outcomes(table: Any, title: str = "Outcomes over replications: median (90% interval)") -> None:
    from diffusion_sim.analysis.summary import format_interval

    scenarios = list(dict.fromkeys(table["scenario"]))
    t = Table(title=title, title_justify="left")
    t.add_column("Outcome", ratio=2)
    for s in scenarios:
        t.add_column(s, justify="right", ratio=2)
    for _, rows in table.groupby("outcome", sort=False):
        fields = ["median", "low", "high", "unit", "reached"]
        cells = [format_interval(*rows[rows["scenario"] == s].iloc[0][fields]) for s in scenarios]
        t.add_row(rows.iloc[0]["label"], *cells)
    out_console.print(t)


def _print_differences(table: Any) -> None:
    from diffusion_sim.analysis.summary import format_interval

    for name, rows in table.groupby("scenario", sort=False):
        t = Table(title=f"{name} minus {rows.iloc[0]['reference']}, paired by replication: median (90% interval)",
                  title_justify="left")
        t.add_column("Difference", ratio=3)
        t.add_column("median (90% interval)", justify="right", ratio=2)
        t.add_column("pairs", justify="right")
        for _, r in rows.iterrows():
            t.add_row(r["label"], format_interval(r["median"], r["low"], r["high"], r["unit"]), str(r["pairs"]))
        out_console.print(t)


@app.command()
def run(scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")], replications: Replications = None,
        seed: Seed = None, months: Months = None, out: Out = None, workers: Workers = None, set_: Sets = None,
        quiet: Quiet = False, scheduler: Scheduler = None) -> None:
    """Run one scenario and write a new results folder."""
    _study([scenario], replications, seed, months, out, workers, set_, quiet, stem=scenario.stem, scheduler=scheduler)


@app.command()
def compare(scenarios: Annotated[list[Path], typer.Argument(help="Two or more scenario files; the first is the reference.")],
            replications: Replications = None, seed: Seed = None, months: Months = None, out: Out = None,
            workers: Workers = None, set_: Sets = None, quiet: Quiet = False, scheduler: Scheduler = None,
            lang: Lang = Language.nl, no_report: NoReport = False) -> None:
    """Run scenarios with common random numbers and report paired differences against the first.

    The results folder also gets the figures and the report (HTML and PDF) in --lang, unless --no-report.
    """
    if len(scenarios) < 2:
        err_console.print("diffusion-sim: compare needs at least two scenario files")
        raise typer.Exit(code=2)
    _study(scenarios, replications, seed, months, out, workers, set_, quiet, stem="compare", scheduler=scheduler,
           report_lang=None if no_report else lang.value)


@app.command()
def params() -> None:
    """List every parameter with its default, unit and source."""
    from diffusion_sim.params import Params, flat_fields

    t = Table(title="Parameters (defaults: Zuidwest isolated baseline)", title_justify="left")
    t.add_column("parameter")
    t.add_column("default")
    t.add_column("unit; source")
    defaults = Params().model_dump(mode="json")
    for key, info in flat_fields().items():
        value: Any = defaults
        for part in key.split("."):
            value = value[part]
        t.add_row(key, str(value), info.description or "")
    out_console.print(t)



# ----------------------------------------------------------------------------------------------------
# Policy analysis (issue 5): sweep, sensitivity, calibrate. Each parses, calls one library function,
# prints and maps DiffusionSimError to one stderr line + exit status; the work is in analysis/.
# ----------------------------------------------------------------------------------------------------
Varies = Annotated[list[str], typer.Option(
    "--vary", help="PARAM=LOW:HIGH[:STEPS], e.g. facilitation.budget_eur_per_year=0:50000:6; "
                   "true/false parameters as PARAM=false:true. Repeat for each parameter.")]
Outcomes = Annotated[list[str] | None, typer.Option(
    "--outcome", help="Outcome to plot or analyse (repeatable; default: the key outcomes).")]


def _fail(exc: DiffusionSimError) -> typer.Exit:
    err_console.print(f"diffusion-sim: {exc}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code=exc.exit_code)


def _progress_bar(quiet: bool, label: str) -> Progress:
    """Replications done, rate and time left, redrawn as work comes back.

    No drawing thread, so that local workers can be forked from this process (``executors``).
    """
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                    TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(), console=err_console, disable=quiet,
                    transient=True, auto_refresh=False)


class _Ticker:
    """Advances a Rich task by replications and shows the rate; ``plan`` grows the total (adaptive designs)."""

    def __init__(self, bar: Progress, total: int | None, label: str) -> None:
        self.bar, self.started = bar, time.perf_counter()
        self.task = bar.add_task(label, total=total, rate="")

    def __call__(self, k: int) -> None:
        done = self.bar.tasks[0].completed + k
        rate = done / max(time.perf_counter() - self.started, 1e-9)
        self.bar.update(self.task, advance=k, rate=f"{rate:,.0f}/s", refresh=True)

    def plan(self, k: int) -> None:
        total = (self.bar.tasks[0].total or 0) + k
        self.bar.update(self.task, total=total, refresh=True)


@app.command()
def sweep(scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")], vary: Varies,
          design: Annotated[str, typer.Option("--design", help="grid (every combination) or lhs (Latin hypercube).")] = "grid",
          samples: Annotated[int | None, typer.Option(
              "--samples", min=2, help="Points of an lhs design (default 10 per parameter).")] = None,
          replications: Replications = None, seed: Seed = None, months: Months = None, out: Out = None, workers: Workers = None,
          set_: Sets = None, outcome: Outcomes = None,
          resume: Annotated[bool, typer.Option(
              "--resume", help="Continue an interrupted sweep with the same arguments.")] = False,
          quiet: Quiet = False, scheduler: Scheduler = None) -> None:
    """Run a parameter study with common random numbers; write a tidy table, figures and heat maps."""
    from diffusion_sim.analysis.space import parse_ranges
    from diffusion_sim.analysis.sweep import plan_sweep, run_sweep

    started = time.perf_counter()
    plan = None
    try:
        base = _load([scenario], seed, months, set_)[0]
        dims = parse_ranges(vary, base)
        plan = plan_sweep(base, str(scenario), dims, design, samples, replications, out, stem=scenario.stem)  # type: ignore[arg-type]
        n_workers = workers or default_workers()
        with _progress_bar(quiet, "sweep") as bar:
            tick = _Ticker(bar, plan.total, f"{len(plan.design)} points x {plan.replications} replications")
            result = run_sweep(plan, n_workers, tick, resume=resume, outcomes=outcome, command=sys.argv, scheduler=scheduler)
    except DiffusionSimError as exc:
        raise _fail(exc) from None
    except KeyboardInterrupt:
        where = f"; finished points are kept in {plan.work_path}, run the same command with --resume to go on" if plan else ""
        err_console.print(f"diffusion-sim: interrupted{where}")
        raise typer.Exit(code=Interrupted.exit_code) from None
    elapsed = time.perf_counter() - started
    _print_points(result.points, [d.column for d in dims])
    resumed = f" ({result.resumed_points} points resumed from earlier work)" if result.resumed_points else ""
    out_console.print(f"{plan.total:,} replications in {elapsed:.1f} s on {n_workers} worker(s){resumed}; "
                      f"results in [bold]{result.folder}[/bold]")


def _print_points(points: Any, names: list[str]) -> None:
    from diffusion_sim.analysis.sweep import PLOTTED

    t = Table(title="Sweep: mean over replications ± Monte Carlo standard error", title_justify="left")
    for n in names:
        t.add_column(n, justify="right")
    shown = (*PLOTTED,)
    for o in shown:
        t.add_column(o, justify="right")
    for _, r in points.head(60).iterrows():
        cells = [str(r[n]) if isinstance(r[n], bool | str) else f"{r[n]:,.6g}" for n in names]
        cells += [f"{r[o]:,.3g} ± {r[o + '_mcse']:,.2g}" for o in shown]
        t.add_row(*cells)
    out_console.print(t)
    if len(points) > 60:
        out_console.print(f"... {len(points) - 60} more points in points.csv")


@app.command()
def sensitivity(scenario: Annotated[Path, typer.Argument(help="Scenario TOML file with an \\[uncertain] table.")],
                method: Annotated[str, typer.Option(
                    "--method", help="morris (screening) or sobol (variance shares).")] = "morris",
                replications: Annotated[int, typer.Option(
                    "--replications", "-n", min=1, help="Replications averaged per design point.")] = 10,
                samples: Annotated[int | None, typer.Option(
                    "--samples", min=2, help="First sample size: Morris trajectories (10) or "
                                             "Sobol' base samples (64, a power of two).")] = None,
                max_samples: Annotated[int | None, typer.Option(
                    "--max-samples", min=2, help="Largest sample size when growing until the ranking holds (80 / 256).")] = None,
                top: Annotated[int, typer.Option("--top", min=1, help="Top ranks that must be resolved.")] = 3,
                seed: Seed = None, months: Months = None, out: Out = None, workers: Workers = None, set_: Sets = None,
                outcome: Outcomes = None, quiet: Quiet = False, scheduler: Scheduler = None) -> None:
    """Rank the scenario's uncertain parameters by their effect on the key outcomes (SALib)."""
    from diffusion_sim.analysis.evaluate import fingerprint_id
    from diffusion_sim.analysis.sensitivity import METHODS, run_sensitivity
    from diffusion_sim.analysis.space import uncertain_dimensions

    started = time.perf_counter()
    try:
        if method not in METHODS:
            raise ScenarioError(f"--method {method}: unknown method; allowed: {', '.join(METHODS)}")
        base = _load([scenario], seed, months, set_)[0]
        dims = uncertain_dimensions(scenario, base)
        key = fingerprint_id({'s': base.model_dump(mode='json'), 'm': method, 'n': replications, 'o': outcome, 'k': samples,
                              'K': max_samples})
        folder = out or Path("results") / f"sensitivity-{scenario.stem}-{method}-{key}"
        n_workers = workers or default_workers()
        with _progress_bar(quiet, "sensitivity") as bar:
            tick = _Ticker(bar, 0, f"{method}: {len(dims)} parameters x {replications} replications per point")
            result = run_sensitivity(base, str(scenario), dims, folder, method, outcome, replications, n_workers, tick, tick.plan,  # type: ignore[arg-type]
                                     samples, max_samples, top, command=sys.argv, scheduler=scheduler)
    except DiffusionSimError as exc:
        raise _fail(exc) from None
    _print_indices(result.indices, method)
    for note in result.notes:
        out_console.print(f"note: {note}")
    status = "converged" if result.converged else "NOT converged (see notes)"
    out_console.print(f"{method}: sample size {result.size}, {result.points:,} design points x {replications} replications, "
                      f"{status}; {time.perf_counter() - started:.1f} s on {n_workers} worker(s)")


def _print_indices(indices: Any, method: str) -> None:
    metric = "mu_star" if method == "morris" else "ST"
    for outcome_name, rows in indices.groupby("outcome", sort=False):
        noise = rows["noise_share"].iloc[0]
        noise_text = f"{noise:.1%}" if noise == noise else "n/a: no variation"
        t = Table(title=f"{outcome_name}: {metric} with 95% CI (noise share {noise_text})", title_justify="left")
        for col in ("rank", "parameter", metric, "95% CI", "S1" if method == "sobol" else "sigma", "separated from next"):
            t.add_column(col, justify="left" if col == "parameter" else "right")
        for _, r in rows.iterrows():
            second = r["S1"] if method == "sobol" else r["sigma"]
            t.add_row(str(r["rank"]), r["parameter"], f"{r[metric]:.4g}",
                      f"[{r[metric] - r[metric + '_conf']:.3g}, {r[metric] + r[metric + '_conf']:.3g}]", f"{second:.3g}",
                      "yes" if r["separated_from_next"] else "no")
        out_console.print(t)


@app.command()
def calibrate(scenario: Annotated[Path, typer.Argument(help="Scenario TOML file to start from.")],
              target: Annotated[list[str], typer.Option("--target", help="NAME=VALUE, an outcome's mean over replications, "
                                                                         "e.g. spread_beyond_origin=0.35. Repeatable.")],
              fit: Annotated[list[str], typer.Option(
                  "--fit", help="PARAM=LOW:HIGH to fit within, e.g. diffusion.q=0:0.25. Repeatable.")],
              replications: Annotated[int, typer.Option("--replications", "-n", min=2, help="Replications per candidate.")] = 100,
              check: Annotated[int, typer.Option("--check", min=2, help="Fresh replications to check the fit on.")] = 400,
              maxiter: Annotated[int, typer.Option(
                  "--maxiter", min=1, help="Generations of differential evolution at most.")] = 15,
              popsize: Annotated[int, typer.Option(
                  "--popsize", min=2, help="Candidates per generation per fitted parameter.")] = 10,
              seed: Seed = None, months: Months = None, workers: Workers = None, set_: Sets = None,
              out: Annotated[Path | None, typer.Option(
                  "--out", help="Fitted scenario file to write (default: <scenario>-calibrated.toml beside it).")] = None,
              results: Annotated[Path | None, typer.Option("--results", help="Folder for the fit's tables and figure.")] = None,
              quiet: Quiet = False, scheduler: Scheduler = None) -> None:
    """Fit parameters to observed targets and write the fitted scenario file with the fit's quality."""
    from diffusion_sim.analysis.calibrate import parse_targets, run_calibration
    from diffusion_sim.analysis.space import parse_ranges
    from diffusion_sim.results import new_results_dir

    started = time.perf_counter()
    try:
        targets = parse_targets(target)
        base = _load([scenario], seed, months, set_)[0]
        dims = parse_ranges(fit, base, option="--fit")
        fitted_file = out or scenario.with_name(f"{scenario.stem}-calibrated.toml")
        folder = results or new_results_dir(Path("results"), f"calibrate-{scenario.stem}")
        n_workers = workers or default_workers()
        with _progress_bar(quiet, "calibrate") as bar:
            tick = _Ticker(bar, None, f"calibrating {', '.join(d.name for d in dims)}")
            result, written, folder = run_calibration(base, scenario, dims, targets, fitted_file, folder, replications, check,
                                                      n_workers, tick, maxiter, popsize, command=sys.argv, scheduler=scheduler)
    except DiffusionSimError as exc:
        raise _fail(exc) from None
    t = Table(title="Calibration: target vs achieved (mean ± Monte Carlo standard error)", title_justify="left")
    for col in ("target", "value", "fitting replications", "fresh replications", "z"):
        t.add_column(col, justify="right")
    for _, r in result.fit.iterrows():
        fitted = f"{r['fitted_value']:.4g} ± {r['fitted_mcse']:.2g} (n={r['fitted_replications']})"
        t.add_row(r["target"], f"{r['value']:g}", fitted,
                  f"{r['check_value']:.4g} ± {r['check_mcse']:.2g} (n={r['check_replications']})", f"{r['z']:+.2f}")
    out_console.print(t)
    for name, value in result.fitted.items():
        out_console.print(f"fitted {name} = {value}")
    out_console.print(f"{result.evaluations} candidates in {result.generations} generations ({result.message}); "
                      f"{time.perf_counter() - started:.1f} s on {n_workers} worker(s)")
    out_console.print(f"fitted scenario: [bold]{written}[/bold]; fit tables and figure: [bold]{folder}[/bold]")


# ----------------------------------------------------------------------------------------------------
# Regions (issue 9): the same strategy in several regions, reach per euro and months to the targets.
# Parses, calls analysis.regions.run_region_comparison, prints its tables; the work is there.
# ----------------------------------------------------------------------------------------------------
RegionNames = Annotated[list[str], typer.Option(
    "--region", help="A shipped preset (zuidwest, rotterdam-rijnmond, nederland), a province (CBS spelling, e.g. Utrecht, "
                     "Fryslân) or comma-separated CBS municipality codes (GM0664,GM0687). Repeat for each region.")]
Reference = Annotated[Path | None, typer.Option("--reference", help="Scenario to compare against in every region, replication "
                                                                   "by replication, e.g. scenarios/zuidwest-isolated.toml.")]


@app.command()
def regions(scenario: Annotated[Path, typer.Argument(help="Scenario TOML file: the strategy to repeat elsewhere.")],
            region: RegionNames, reference: Reference = None, replications: Replications = None, seed: Seed = None,
            months: Months = None, workers: Workers = None, set_: Sets = None, out: Out = None, quiet: Quiet = False,
            scheduler: Scheduler = None) -> None:
    """Run a scenario in several regions (common random numbers): reach per euro and months to the targets per region.

    The origin moves to a region's most populous municipality with an eligible organisation of its type
    when the scenario's origin lies outside it (docs/regions.md).
    """
    from diffusion_sim.analysis.regions import display_tables, run_region_comparison
    from diffusion_sim.results import new_results_dir

    paths = [reference, scenario] if reference is not None else [scenario]
    started = time.perf_counter()
    try:
        scenarios = _load(paths, seed, months, set_)
        folder = out or new_results_dir(Path("results"), "regions")
        n_workers = workers or default_workers()
        with _progress_bar(quiet, "regions") as bar:
            tick = _Ticker(bar, None, f"{len(region)} region(s) x {len(paths)} scenario(s)")
            result = run_region_comparison(scenarios, [str(p) for p in paths], region, folder, replications, n_workers, tick,
                                           command=sys.argv, scheduler=scheduler, on_plan=tick.plan)
    except DiffusionSimError as exc:
        raise _fail(exc) from None
    except KeyboardInterrupt:
        err_console.print("diffusion-sim: interrupted; workers stopped, nothing was written")
        raise typer.Exit(code=Interrupted.exit_code) from None
    for title, frame in display_tables(result.summary):
        t = Table(title=title, title_justify="left")
        for k, col in enumerate(frame.columns):  # a narrow terminal folds a long number rather than cutting it off
            t.add_column(col, justify="left" if k < 2 else "right", overflow="fold")
        for k, row in enumerate(frame.itertuples(index=False)):
            if k and row[0]:
                t.add_section()  # a line before each region
            t.add_row(*map(str, row))
        out_console.print(t)
    total = len(result.tidy)
    out_console.print(f"{total:,} replications in {time.perf_counter() - started:.1f} s on "
                      f"{f'the Dask cluster at {scheduler}' if scheduler else f'{n_workers} worker(s)'}; "
                      f"results in [bold]{result.folder}[/bold]")


# ----------------------------------------------------------------------------------------------------
# Figures and report (issue 3): from results folders that run/compare wrote, without running the model.
# ----------------------------------------------------------------------------------------------------
ResultsDirs = Annotated[list[Path], typer.Argument(metavar="RESULTS_DIR", help="Results folders written by run or compare.")]
Formats = Annotated[list[FigureFormat] | None,
                    typer.Option("--format", help="File format; repeat for several (default: png and svg).")]


@app.command()
def figures(results: ResultsDirs, lang: Lang = Language.nl, format_: Formats = None) -> None:
    """Write publication-ready figures into RESULTS_DIR/figures-<lang>/ (300 dpi PNG and vector files)."""
    from diffusion_sim.publish.figures import write_figures

    try:
        written = write_figures(results, lang.value, tuple(f.value for f in format_) if format_ else ("png", "svg"))
    except DiffusionSimError as exc:
        raise _fail(exc) from None
    for path in written:
        out_console.print(f"wrote {path}", markup=False, highlight=False)


@app.command()
def report(results: ResultsDirs, lang: Lang = Language.nl) -> None:
    """Write a self-contained HTML page and a PDF with headline numbers, figures, assumptions and method."""
    from diffusion_sim.publish.write import write_report

    try:
        written = write_report(results, lang.value)
    except DiffusionSimError as exc:
        raise _fail(exc) from None
    for path in written:
        out_console.print(f"wrote {path}", markup=False, highlight=False)


# ----------------------------------------------------------------------------------------------------
# Scenario explorer (issue 8): a local web page with levers, both strategies side by side, live.
# Parses, checks the address, prints it and serves until Ctrl-C; the page is diffusion_sim/explorer/.
# ----------------------------------------------------------------------------------------------------
ExploreScenarios = Annotated[list[Path] | None, typer.Argument(
    help="Scenario files: the reference then the strategy, or one strategy (the reference is it without the team). "
         "Default: scenarios/zuidwest-isolated.toml scenarios/zuidwest-collaborative.toml.")]
Host = Annotated[str | None, typer.Option("--host", help="Address to listen on (default 127.0.0.1, this machine only); "
                                                         "any other address must be given here explicitly.")]
ExplorePort = Annotated[int, typer.Option("--port", min=0, max=65535, help="Port (0: any free port).")]
ExploreRuns = Annotated[int, typer.Option("--replications", "-n", min=1,
                                          help="Runs per strategy for every update (100 or more for stable medians).")]
EXPLORE_DEFAULT = ["scenarios/zuidwest-isolated.toml", "scenarios/zuidwest-collaborative.toml"]


@app.command()
def explore(scenarios: ExploreScenarios = None, host: Host = None, port: ExplorePort = 8765, replications: ExploreRuns = 100,
            months: Months = None, workers: Workers = None, lang: Lang = Language.nl) -> None:
    """Start the scenario explorer in the browser: move levers, compare with isolated scaling, export the scenario."""
    import json

    from diffusion_sim.explorer.levers import starting_pair
    from diffusion_sim.explorer.server import check_host, check_port, free_port, serve

    paths = [str(p) for p in scenarios] if scenarios else list(EXPLORE_DEFAULT)
    try:
        address, remote = check_host(host)
        starting_pair(paths)  # bad files stop here, with the usual one-line message
        chosen = port or free_port(address)
        check_port(address, chosen)
    except DiffusionSimError as exc:
        raise _fail(exc) from None
    try:
        import solara  # noqa: F401
    except ImportError:
        err_console.print('diffusion-sim: the explorer needs its extra packages: pip install -e ".[explore]"', markup=False)
        raise typer.Exit(code=2) from None
    if replications < 100:
        err_console.print(f"note: {replications} runs per strategy; medians move between updates below 100", markup=False)
    if remote:
        err_console.print(f"warning: --host {address} lets other machines on the network open the explorer (no password)",
                          markup=False)
    config = json.dumps({"scenarios": [str(Path(p).resolve()) for p in paths], "replications": replications,
                         "workers": workers or default_workers(), "lang": lang.value, "months": months})
    serve(address, chosen, config, on_ready=lambda url: out_console.print(
        f"diffusion-sim explorer: open {url} in a browser (Ctrl-C stops it)", markup=False, highlight=False))
# --- end scenario explorer ----------------------------------------------------------------------------
