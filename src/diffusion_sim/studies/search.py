"""What it would take, as a study: the search of :mod:`diffusion_sim.analysis.search` run on the model, one results folder.

Every setting the search asks for becomes one scenario (the scenario file with the setting's changes
applied through :func:`diffusion_sim.params.change`, a changed lever that the scenario draws held out of
the draws),
run through the executors on the same replications as every other setting: ``0..screen-1`` when
screening, ``screen..screen+confirm-1`` when confirming (common random numbers: replication ``i`` of
every setting shares its random streams and its parameter draw). Only one summary row per run comes
back (:func:`search_row`), with the insurer's payments towards set-up costs added.

The folder holds ``settings.csv``/``.parquet`` (every setting tried, screened or confirmed: its levers,
chance with interval, progress, cost and its parts, the claim's outcome), ``runs.parquet`` (one row per
setting, phase and replication), ``answer.csv``/``.parquet`` (one row) and ``manifest.json``, whose
``results.answer`` is the full answer (:func:`diffusion_sim.analysis.search.answer_of`).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from diffusion_sim.analysis.search import (
    HORIZON,
    SCREEN,
    Lever,
    Note,
    SearchOptions,
    SearchResult,
    Setting,
    changes_from,
    search,
)
from diffusion_sim.errors import ResultsError
from diffusion_sim.executors import run_all
from diffusion_sim.outcomes import PATIENT_TARGET_MONTH, summarise
from diffusion_sim.params import Params, change
from diffusion_sim.region import Region
from diffusion_sim.results import manifest, write_folder
from diffusion_sim.runner import Replication
from diffusion_sim.studies.compare import checked_region

Progress = Callable[[int], None]
COST_DEFINITION = (
    "cost of a setting = mean over runs of the team's money actually spent (facilitation_cost_eur) + the team's hours "
    "actually given, valued at the in-kind rate (team_in_kind_cost_eur) + the insurer's payments towards set-up costs "
    "(insurer_cost_eur: its cost share of every set-up cost booked while it reimburses), over the run's horizon; the "
    "organisations' own set-up costs net of the insurer's share (organisations_eur) are reported, not counted"
)


def search_row(rep: Replication, params: Params, region: Region) -> dict[str, Any]:
    """One run's summary row, its parameter draw and what the insurer paid towards set-up costs (computed where it ran)."""
    row = summarise(rep)
    tracks = rep.tracks or [rep]
    paid = sum(float((t.implementation_cost.sum(axis=1) * t.reimbursing).sum()) for t in tracks)
    row["insurer_cost_eur"] = params.insurer.cost_share * paid
    row["draw"] = rep.draw
    row["replication"] = rep.replication
    return row


def evaluation_base(params: Params, claim: str) -> Params:
    """The scenario as the search runs it: the patients claim needs only its first 12 months (and costs are counted over them)."""
    if claim == "patients_in_year":
        return change(params, {"simulation.months": PATIENT_TARGET_MONTH}, source="what-it-takes")
    return params


def scenario_for(base: Params, setting: Setting) -> Params:
    """The scenario of one setting: exactly the changes the answer reports (``changes_from``), so ``--set`` reproduces it.

    Levers at the scenario's own value stay as the scenario has them; a changed lever the scenario draws
    is held out of the draws. An empty setting is the scenario as it is.
    """
    return change(base, changes_from(base, setting), source="setting") if setting else base


def run_search(base: Params, source: str, claim: str, levers: list[Lever], out: Path, options: SearchOptions,
               workers: int = 1, progress: Progress | None = None, plan: Progress | None = None, note: Note | None = None,
               command: list[str] | None = None, scheduler: str | None = None) -> tuple[SearchResult, Path]:
    """Search what it would take for ``claim`` in scenario ``base`` and write the results folder ``out``.

    ``plan(k)`` is told before each batch how many runs it adds; ``progress(k)`` as they finish; ``note``
    what the search is doing.
    """
    out = Path(out)
    if out.exists():
        raise ResultsError(f"{out}: already exists; results are never overwritten, choose another --out")
    run_base = evaluation_base(base, claim)
    checked_region(run_base, source)
    where = {"scheduler": scheduler} if scheduler else {}

    def evaluate(settings: list[Setting], phase: str) -> list[pd.DataFrame]:
        first = 0 if phase == SCREEN else options.screen
        n = options.screen if phase == SCREEN else options.confirm
        scenarios = [scenario_for(run_base, s) for s in settings]
        if plan:
            plan(n * len(scenarios))
        reps = list(range(first, first + n))
        results = run_all(scenarios, [reps] * len(scenarios), workers=workers, progress=progress, reduce=search_row,
                          **where)
        return [pd.DataFrame(rows) for rows in results]

    for lever in levers:  # every end of every range must give a valid scenario before anything runs
        if lever.ordered:
            for value in (lever.values[0], lever.values[-1]):
                scenario_for(run_base, {lever.name: value})
    result = search(claim, levers, base, evaluate, options, note)
    answer = result.answer
    meta = manifest(
        "what-it-takes", [run_base], [source], replications=options.screen + options.confirm, workers=workers,
        scheduler=scheduler, command=command,
        settings={
            "claim": claim,
            "wanted": options.wanted,
            "levers": answer["levers"],
            "screen_replications": options.screen,
            "confirm_replications": options.confirm,
            "budget_runs": options.budget,
            "chance_tolerance": options.chance_tolerance,
            "progress_tolerance": options.progress_tolerance,
            "cost_definition": COST_DEFINITION,
            "common_random_numbers": "every setting runs replications 0..screen-1 when screened and "
                                     "screen..screen+confirm-1 when confirmed, each with its random streams and draw",
            "parameter_draws": run_base.uncertainty.draws,
            "horizon_searched": HORIZON in answer["levers"],
        },
    )
    meta["results"] = {"answer": answer}
    tables = {"settings": result.settings, "runs": result.runs, "answer": answer_table(answer)}
    folder = write_folder(out, tables, meta, parquet_only=("runs",))
    return result, folder


def answer_table(answer: dict[str, Any]) -> pd.DataFrame:
    """The answer as one row: verdict, the setting as ``--set`` arguments, chance and interval, cost and outcome."""
    outcome = answer.get("outcome") or {}
    parts = answer.get("cost_parts") or {}
    scenario = answer.get("scenario") or {}
    row = {
        "claim": answer["claim"], "wanted": answer["wanted"], "verdict": answer["verdict"],
        "shown": "answer" if answer["reachable"] else ("closest" if answer["verdict"] == "not_reachable" else "best confirmed"),
        "set": " ".join(f"--set {shlex.quote(a)}" for a in answer.get("set_args") or []),
        "chance": answer.get("chance"), "chance_low": answer.get("low"), "chance_high": answer.get("high"),
        "runs": answer.get("runs"), "cost_eur": answer.get("cost_eur"), **parts,
        "organisations_eur": answer.get("organisations_eur"), "months": answer.get("months"),
        "outcome": outcome.get("name"), "outcome_median": outcome.get("median"), "outcome_low": outcome.get("low"),
        "outcome_high": outcome.get("high"), "scenario_chance": scenario.get("chance"),
        "scenario_cost_eur": scenario.get("cost_eur"),
    }
    return pd.DataFrame([{k: (np.nan if v is None else v) for k, v in row.items()}])

