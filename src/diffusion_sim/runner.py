"""Run replications: pure, picklable functions from parameters to compact arrays.

``run_chunk`` is what every executor calls. A :class:`Replication` holds plain numpy arrays (small to
pickle); ``outcomes.py`` derives each replication's outcomes from them and ``results.py`` the tidy tables.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from diffusion_sim.draws import draw_index, drawn, region_realisation
from diffusion_sim.model import DiffusionModel, PortfolioModel, build_model
from diffusion_sim.model.state import OrgState
from diffusion_sim.params import Params, change
from diffusion_sim.region import Region, build_region, region_key

EVENT_FIELDS = ("month_aware", "month_deciding", "month_implementing", "month_adopted", "month_rejected",
                "month_failed", "month_discontinued")


@dataclass
class Replication:
    """What one replication produced: monthly records (month 0..M) and each organisation's events."""

    replication: int
    state_counts: np.ndarray  # (M+1, types, states)
    enrolled: np.ndarray  # (M+1, types)
    new_patients: np.ndarray  # (M+1, types)
    reached_additional: np.ndarray  # (M+1,)
    share_adopted: np.ndarray  # (M+1,)
    implementation_cost: np.ndarray  # (M+1, types)
    facilitation_cost: np.ndarray  # (M+1,)
    supported: np.ndarray  # (M+1,)
    team_hours: np.ndarray  # (M+1,) the team's hours on it, in kind
    budget_added: np.ndarray  # (M+1,) money the team's budget received that month (at the start of each year)
    places: np.ndarray  # (M+1, 2) organisations the team could support: by its hours, by its money
    reimbursing: np.ndarray  # (M+1,)
    events: np.ndarray  # (len(EVENT_FIELDS), n_orgs) int16
    final_state: np.ndarray  # (n_orgs,) int8
    main_barrier: np.ndarray  # (n_orgs,) int8
    n_eligible: int
    origins: np.ndarray  # (n_origins,) the organisations that ran it at month 0
    enrolled_beyond: np.ndarray | None = None  # (M+1,) distinct patients on it at organisations other than the origins
    running_cost: np.ndarray | None = None  # (M+1,) EUR running cost of the patients on it beyond the origins, all payers
    insurer_cost: np.ndarray | None = None  # (M+1,) EUR of set-up and running cost the insurer pays (while reimbursing)
    in_kind_rate: float = 0.0  # EUR per hour of the team's time
    draw: int = -1  # the parameter draw it ran with (-1: none, the scenario's own values)
    parameters: dict[str, Any] | None = None  # the values drawn for it
    innovation: str = ""  # the innovation's name; a portfolio's combined record joins them with " + "
    tracks: list[Replication] | None = None  # a portfolio: one record per innovation, in its order


def run_replication(params: Params, replication: int, region: Region | None = None) -> Replication:
    """Run one replication to the horizon, with its parameter draw; the region defaults to the one the seed draws.

    A portfolio returns its combined record (organisation-innovation pairs, patients and costs added
    up) with one record per innovation in ``tracks``.
    """
    region = region if region is not None else build_region(params, region_realisation(params, replication))
    return simulate(*drawn(params, replication), replication, region)


def simulate(params: Params, values: dict[str, Any], replication: int, region: Region) -> Replication:
    """Run ``params`` (already drawn: ``values`` are the drawn values) as replication ``replication``.

    The model draws a replication's parameters itself when given undrawn ones (so Mesa's tools and
    every other entry point get the same draw); the runner draws once per draw for a chunk and says so.
    """
    m = build_model(params, replication=replication, region=region, agent_views=False).run()
    rep = combine(m, [record(track) for track in m.tracks]) if isinstance(m, PortfolioModel) else record(m)
    if values:
        rep.draw, rep.parameters = draw_index(params, replication), values
    return rep


def record(m: DiffusionModel) -> Replication:
    """What one innovation's model produced, as compact arrays.

    Beyond the model's own records it prices what the origins do not already run: the running cost
    of the patients beyond the origins (``running_cost_eur_per_patient_year``, from month 1), and the
    insurer's part while it reimburses: ``insurer.cost_share`` of each set-up cost and the running
    cost (ASSUMPTION: a contract pays the service per patient, as HartWacht did).
    """
    orgs = m.orgs
    events = np.stack([getattr(orgs, f) for f in EVENT_FIELDS]).astype(np.int16)
    beyond = np.maximum(m.enrolled.sum(axis=1) - m.enrolled_origins, 0.0)
    running = beyond * m.innovation.running_cost_eur_per_patient_year / 12.0
    running[0] = 0.0  # month 0 is the state before the first simulated month
    insurer = m.reimbursing * (m.implementation_cost.sum(axis=1) * m.params.insurer.cost_share + running)
    return Replication(
        enrolled_beyond=beyond,
        running_cost=running,
        insurer_cost=insurer,
        replication=m.replication,
        state_counts=m.state_counts,
        enrolled=m.enrolled.astype(np.float32),
        new_patients=m.new_patients.astype(np.float32),
        reached_additional=m.reached_additional,
        share_adopted=m.share_adopted,
        implementation_cost=m.implementation_cost.astype(np.float32),
        facilitation_cost=m.facilitation_cost,
        supported=m.supported_count,
        team_hours=m.team_hours,
        budget_added=m.budget_added,
        places=m.places,
        in_kind_rate=m.params.facilitation.in_kind_rate_eur_per_hour,
        reimbursing=m.reimbursing,
        events=events,
        final_state=orgs.state.copy(),
        main_barrier=orgs.main_barrier.copy(),
        n_eligible=int(orgs.eligible.sum()),
        origins=np.array([o.index for o in m.origins], dtype=np.int64),
        innovation=m.innovation.name,
    )


def combine(m: PortfolioModel, tracks: list[Replication]) -> Replication:
    """A portfolio's record: counts over organisation-innovation pairs, patients and costs added up.

    Each organisation's events are its earliest over the innovations; its final state and main barrier
    are those of the first innovation it is eligible for (per innovation they are in ``tracks``).
    """
    def total(attr: str) -> np.ndarray:
        return np.sum([getattr(r, attr) for r in tracks], axis=0)

    adopted = total("state_counts")[:, :, OrgState.ADOPTED].sum(axis=1)
    eligible = sum(r.n_eligible for r in tracks)
    events = np.stack([r.events for r in tracks]).astype(np.int32)
    events = np.where(events < 0, np.iinfo(np.int32).max, events).min(axis=0)
    events = np.where(events == np.iinfo(np.int32).max, -1, events).astype(np.int16)
    first = np.argmax(np.stack([r.final_state != OrgState.INELIGIBLE for r in tracks]), axis=0)
    cols = np.arange(first.size)
    return Replication(
        replication=m.replication,
        state_counts=total("state_counts"),
        enrolled=total("enrolled"),
        new_patients=total("new_patients"),
        reached_additional=total("reached_additional"),
        share_adopted=adopted / eligible if eligible else np.zeros(adopted.shape),
        implementation_cost=total("implementation_cost"),
        facilitation_cost=total("facilitation_cost"),  # support, and each innovation's part of the meetings
        supported=total("supported"),
        team_hours=total("team_hours"),
        budget_added=tracks[0].budget_added,  # one budget for the whole portfolio
        places=total("places"),
        enrolled_beyond=total("enrolled_beyond"),
        running_cost=total("running_cost"),
        insurer_cost=total("insurer_cost"),
        in_kind_rate=tracks[0].in_kind_rate,
        reimbursing=np.any([r.reimbursing for r in tracks], axis=0),
        events=events,
        final_state=np.stack([r.final_state for r in tracks])[first, cols],
        main_barrier=np.stack([r.main_barrier for r in tracks])[first, cols],
        n_eligible=eligible,
        origins=np.unique(np.concatenate([r.origins for r in tracks])),
        innovation=" + ".join(r.innovation for r in tracks),
        tracks=tracks,
    )


Reduce = Callable[[Replication, Params, Region], Any]

# Regions this process has built, by everything build_region reads (region_key). A worker runs many
# chunks of the same scenarios, and with parameter draws a chunk of a few hundred replications meets
# every realisation of the region: built once per process instead of once per chunk (10,000 pairs: 80
# chunks x 50 realisations). A region is never changed by a run; about 0.15 MB each, at most REGIONS_KEPT.
_REGIONS: dict[tuple, Region] = {}
REGIONS_KEPT = 128


def region_for(params: Params, realisation: int) -> Region:
    """The region ``build_region(params, realisation)`` gives, built once per process."""
    key = region_key(params, realisation)
    region = _REGIONS.get(key)
    if region is None:
        if len(_REGIONS) >= REGIONS_KEPT:
            _REGIONS.pop(next(iter(_REGIONS)))  # the oldest
        region = _REGIONS[key] = build_region(params, realisation)
    return region


def forget_regions() -> None:
    """Forget every region this process keeps (:func:`region_for`)."""
    _REGIONS.clear()


def run_chunk(params: Params, replications: list[int], reduce: Reduce | None = None) -> list[Any]:
    """Run several replications of one scenario, building its region once (the unit executors ship).

    With ``reduce`` (a module-level function, so that it pickles), each replication is reduced where it
    ran, ``reduce(replication, params, region)`` with the parameters it ran with (its draw), and only
    that comes back: a study that needs a few numbers per run ships those, not every run's arrays.
    """
    out, cache = [], {}
    for r in replications:
        d = draw_index(params, r)
        if d not in cache:  # consecutive replications share a draw: draw it once
            cache = {d: drawn(params, r)}
        p_r, values = cache[d]
        region = region_for(params, region_realisation(params, r))
        rep = simulate(p_r, values, r, region)
        out.append(reduce(rep, p_r, region) if reduce is not None else rep)
    collect_finished_models(len(replications))
    return out


# A finished model is a reference cycle (Mesa's agents and their model), freed only by a collection of the
# oldest generation; those came so rarely that a worker grew by about 20 MB every 1,000 replications (350 MB
# each at 10,000 pairs). So a process collects after every COLLECT_EVERY replications (after each chunk in a
# large command line run, whose chunks are executors.MAX_CHUNK). A full collection scans everything the
# process holds: 75 ms in a command's process, 1-2 ms in a worker, which froze what it inherited
# (executors.start_worker); the explorer's chunks of ten replications (30 ms) would pay for it many times
# over if it followed each of them.
COLLECT_EVERY = 500
_uncollected = [0]


def collect_finished_models(replications: int) -> None:
    """Collect the finished models once COLLECT_EVERY replications ran since the last collection (see above)."""
    _uncollected[0] += replications
    if _uncollected[0] >= COLLECT_EVERY:
        gc.collect()
        _uncollected[0] = 0


def warm_up(params: Params) -> None:
    """Load the compiled monthly update into this process with two months of ``params``.

    It comes from Numba's cache (or is compiled once); worker processes forked afterwards start with it ready.
    """
    short = change(params, {"simulation.months": 2, "uncertainty.draws": False}, source="warm-up")
    run_replication(short, 0)
