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


@dataclass
class OrgArrays:
    """Mutable per-organisation state; fixed attributes live in the :class:`~diffusion_sim.region.Region`.

    Month fields hold the month an event happened, or ``NOT_YET``; they are the rows of ``months``
    (one row per event in :data:`EVENTS`), which the compiled monthly update writes. ``due`` is the
    month the current decision or implementation ends. ``main_barrier`` is the barrier that weighed
    most at a rejection.
    """

    state: np.ndarray
    eligible: np.ndarray
    target_patients: np.ndarray
    due: np.ndarray
    supported: np.ndarray
    month_aware: np.ndarray
    month_deciding: np.ndarray
    month_implementing: np.ndarray
    month_adopted: np.ndarray
    month_rejected: np.ndarray
    month_failed: np.ndarray
    month_discontinued: np.ndarray
    main_barrier: np.ndarray
    implementation_cost: np.ndarray
    months: np.ndarray

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
            **{f"month_{event}": months[k] for k, event in enumerate(EVENTS)},
            main_barrier=np.full(n, -1, dtype=np.int8),
            implementation_cost=np.zeros(n),
            months=months,
        )
