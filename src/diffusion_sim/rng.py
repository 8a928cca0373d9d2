"""Named random streams: one per decision, derived from the root seed and the replication only.

A stream never depends on the scenario, the worker or how many other organisations drew before, so
replication ``i`` of every scenario sees the same random numbers for the same decision (common random
numbers, as in Starsim). Every monthly mechanism draws a full vector ``u = g.random(n_orgs)`` and
organisation ``k`` uses ``u[k]``.
"""

from __future__ import annotations

import numpy as np

STREAMS: tuple[str, ...] = (
    "region",
    "awareness",
    "consideration",
    "decision",
    "implementation",
    "discontinuation",
    "reconsideration",
    "facilitation",
    "mesa",
)

# The region is one realisation per root seed, shared by every replication and scenario.
REGION_REPLICATION = -1


def seed_sequence(seed: int, rep: int, name: str) -> np.random.SeedSequence:
    """The seed sequence of stream ``name`` in replication ``rep`` under root ``seed``."""
    return np.random.SeedSequence(seed, spawn_key=(rep + 1, STREAMS.index(name)))


def stream(seed: int, rep: int, name: str) -> np.random.Generator:
    """A fresh generator for stream ``name`` in replication ``rep``."""
    return np.random.default_rng(seed_sequence(seed, rep, name))


def region_stream(seed: int) -> np.random.Generator:
    """The generator that draws the region (organisations and ties) for a root seed."""
    return stream(seed, REGION_REPLICATION, "region")
