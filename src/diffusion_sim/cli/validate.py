"""``validate``: the test against reality (heart-failure telemonitoring in the Netherlands, 2012-2019)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from diffusion_sim.cli.common import (
    Quiet,
    Scheduler,
    Seed,
    Ticker,
    Workers,
    app,
    check_field,
    check_number,
    check_replications,
    claim,
    fail,
    interrupted,
    out_console,
    progress_bar,
    workers_or_all,
)
from diffusion_sim.errors import DiffusionSimError

Mapping = Annotated[str, typer.Option("--mapping", help="share: compare patients on Harteraad's scale; count: raw model counts.")]


@app.command(short_help="Fit to the Dutch facts 2012-2018; predict 2019.")
def validate(
    scenario: Annotated[Path, typer.Argument(help="The validation scenario with its [uncertain] prior.")] = Path(
        "scenarios/validation-nl-2012.toml"),
    out: Annotated[Path | None, typer.Option("--out", help="Folder to write (default: a new folder under results/).")] = None,
    draws: Annotated[int, typer.Option("--draws", help="Parameter sets from the prior (Latin hypercube).")] = 2000,
    replications: Annotated[int, typer.Option("--replications", "-n", help="Replications per parameter set.")] = 3,
    seed: Seed = None,
    tolerance: Annotated[float, typer.Option("--tolerance", help="Accepted relative distance from 1,200 users "
                                                                      "in 2018.")] = 0.25,
    ec_factor: Annotated[float, typer.Option("--ec-factor", help="Accepted factor around the 414 Effective "
                                                                      "Cardio patients.")] = 2.0,
    inventory_margin: Annotated[float, typer.Option("--inventory-margin", help="Accepted distance (share of "
                                                    "hospitals) outside the 2013 inventory's 23-35%.")] = 0.03,
    mapping: Mapping = "share",
    check_month: Annotated[int, typer.Option("--check-month", help="Re-run the accepted runs with reimbursement "
                                                                          "from this month (0: skip).")] = 49,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing --out folder (whole, once the new "
                                                                "one is complete).")] = False,
    predictive: Annotated[bool, typer.Option("--predictive-check/--no-predictive-check", help="Run every accepted "
                                             "parameter set again on new random numbers (posterior predictive check).")] = True,
    ship: Annotated[bool, typer.Option("--ship-posterior", help="Copy the fitted posterior into the package "
                                       "(src/diffusion_sim/innovations/), where scenarios using the profile draw "
                                       "from it.")] = False,
    workers: Workers = None, quiet: Quiet = False, scheduler: Scheduler = None,
) -> None:
    """Fit the isolated strategy to the Dutch facts up to 2018 and predict 2019, out of sample (docs/validation.md)."""
    from diffusion_sim.analysis.validation import PREDICTED, Acceptance, accepted_ranges
    from diffusion_sim.errors import ScenarioError
    from diffusion_sim.params import bounds
    from diffusion_sim.publish.analysis_figures import validation_figures
    from diffusion_sim.studies.validate import predictive_check, reimbursement_check, run_validation, ship_posterior, write

    started = time.perf_counter()
    try:
        if mapping not in ("share", "count"):
            raise ScenarioError(f"--mapping {mapping}: allowed: share, count")
        check_replications(replications)
        check_replications(draws, "--draws")
        high = int(bounds("simulation.replications")[1])
        if draws * replications > high:  # every run is kept until the end, as a scenario's replications are
            raise ScenarioError(f"--draws {draws} x --replications {replications}: {draws * replications:,} runs, more "
                                f"than the {high:,} a scenario may have (simulation.replications)")
        check_field(seed, "--seed", "simulation.seed")
        if check_month:  # 0 skips the check; any other month is the insurer's fixed start month
            check_field(check_month, "--check-month", "insurer.fixed_start_month")
        # the largest values in effect leave a fact out (tests and what-if checks do); beyond them only typos lie
        check_number(tolerance, "--tolerance", 0, 1000, "a relative distance from 1,200 users")
        check_number(ec_factor, "--ec-factor", 1, 1e6, "a factor around 414 patients")
        check_number(inventory_margin, "--inventory-margin", 0, 1, "a share of hospitals")
        if out is not None and out.exists() and not overwrite:
            raise ScenarioError(f"--out {out}: already exists; pass --overwrite to replace it")
        n_workers = workers_or_all(workers)
        reservation = claim(out, "validation", overwrite=overwrite)
        folder = reservation.out
        with reservation, progress_bar(quiet, "validation") as bar:
            tick = Ticker(bar, draws * replications, f"{draws} parameter sets x {replications} replications")
            acceptance = Acceptance(tolerance, ec_factor, mapping, inventory_margin)
            v = run_validation(scenario, draws, replications, seed, acceptance, n_workers, tick, scheduler)
            checks = {}
            if check_month:
                tick.plan(int(v.accepted.sum()))
                checks["reimbursement_check"] = reimbursement_check(v, check_month, n_workers, tick, scheduler)
            again = None
            if predictive:
                tick.plan(int(v.accepted.sum()))
                again = predictive_check(v, n_workers, tick, scheduler)
            summary = write(v, folder, overwrite=overwrite, checks=checks, command=sys.argv, workers=n_workers,
                            scheduler=scheduler, draw=validation_figures, predictive=again)
        shipped = ship_posterior(folder) if ship else []
    except DiffusionSimError as exc:
        raise fail(exc) from None
    except KeyboardInterrupt:
        raise interrupted("workers stopped, nothing was written") from None
    out_console.print(f"accepted {summary['accepted']} of {summary['runs']} runs ({summary['acceptance_rate']:.1%})")
    for name, label in PREDICTED.items():
        r = v.prediction[name]
        out_console.print(f"{label}: {r['median']:.1%} (90% interval {r['q05']:.1%} - {r['q95']:.1%})")
    out_console.print("fitted parameters: accepted median (90% range) | prior")
    for row in accepted_ranges(v).to_dict("records"):
        out_console.print(f"  {row['parameter']}: {row['accepted_median']:.3g} ({row['accepted_q05']:.3g}-"
                          f"{row['accepted_q95']:.3g}) | {row['prior_low']:g}-{row['prior_high']:g} {row['prior_scale']}",
                          markup=False, highlight=False)
    check = summary.get("predictive_check", {}).get("share_meeting")
    if check:
        out_console.print("posterior predictive check (accepted sets, new random numbers): share meeting")
        out_console.print("  " + ", ".join(f"{k} {x:.0%}" for k, x in check.items()), markup=False, highlight=False)
    out_console.print(f"written to {folder} in {time.perf_counter() - started:.0f} s on {n_workers} worker(s)")
    for path in shipped:
        out_console.print(f"posterior shipped: {path.name}")
