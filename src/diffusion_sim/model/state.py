"""Adoption states and the arrays that hold every organisation's state (one slot per organisation)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np


class OrgState(IntEnum):
    """Rogers' innovation-decision process, with the failure paths.

    ``INELIGIBLE`` organisations do not serve the innovation's target group and never move.
    """

    INELIGIBLE = 0
    UNAWARE = 1
    AWARE = 2
    DECIDING = 3
    IMPLEMENTING = 4
    ADOPTED = 5
    REJECTED = 6
    FAILED = 7
    DISCONTINUED = 8


STATE_NAMES: tuple[str, ...] = tuple(s.name.lower() for s in OrgState)
N_STATES = len(OrgState)


class Barrier(IntEnum):
    """Barriers at the decision, in the order their strengths are stored."""

    FINANCIAL = 0
    KNOWHOW = 1
    STAFF = 2
    FIT = 3


BARRIER_NAMES: tuple[str, ...] = tuple(b.name.lower() for b in Barrier)
NOT_YET = -1  # month value of an event that has not happened
EVENTS: tuple[str, ...] = ("aware", "deciding", "implementing", "adopted", "rejected", "failed", "discontinued")


class EventMonth:
    """One event's row of :attr:`OrgArrays.months`, read by the event's name (a view: one truth)."""

    def __init__(self, event: str) -> None:
        self.row = EVENTS.index(event)

    def __get__(self, orgs: OrgArrays | None, owner: type | None = None) -> np.ndarray:
        return self if orgs is None else orgs.months[self.row]  # type: ignore[return-value]


@dataclass
class OrgArrays:
    """Mutable per-organisation state; fixed attributes live in the :class:`~diffusion_sim.region.Region`.

    ``months`` holds the month each event happened, or ``NOT_YET``: one row per event in
    :data:`EVENTS`, read by name as ``month_aware`` and so on (views of its rows, so a copy of the
    whole stays one truth). ``due`` is the month the current decision or implementation ends.
    ``main_barrier`` is the barrier that weighed most at a rejection.
    """

    state: np.ndarray
    eligible: np.ndarray
    target_patients: np.ndarray
    due: np.ndarray
    supported: np.ndarray
    main_barrier: np.ndarray
    implementation_cost: np.ndarray
    months: np.ndarray

    month_aware = EventMonth("aware")
    month_deciding = EventMonth("deciding")
    month_implementing = EventMonth("implementing")
    month_adopted = EventMonth("adopted")
    month_rejected = EventMonth("rejected")
    month_failed = EventMonth("failed")
    month_discontinued = EventMonth("discontinued")

    @classmethod
    def empty(cls, n: int, eligible: np.ndarray, target_patients: np.ndarray) -> OrgArrays:
        """All eligible organisations unaware, the others ineligible, no events yet."""
        months = np.full((len(EVENTS), n), NOT_YET, dtype=np.int32)
        state = np.where(eligible, OrgState.UNAWARE, OrgState.INELIGIBLE).astype(np.int8)
        return cls(
            state=state,
            eligible=eligible,
            target_patients=target_patients,
            due=np.full(n, NOT_YET, dtype=np.int32),
            supported=np.zeros(n, dtype=bool),
            main_barrier=np.full(n, -1, dtype=np.int8),
            implementation_cost=np.zeros(n),
            months=months,
        )

