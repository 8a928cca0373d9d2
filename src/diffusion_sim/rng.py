"""Named random streams: one per decision, derived from the root seed and the replication only.

A stream never depends on the scenario, the worker or how many other organisations drew before, so
replication ``i`` of every scenario sees the same random numbers for the same decision (common random
numbers, as in Starsim). Every monthly mechanism draws a full vector ``u = g.random(n_orgs)`` and
organisation ``k`` uses ``u[k]``.
"""

from __future__ import annotations

import zlib

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
    "parameters",  # reserved: parameter draws (PARAMETER_STREAM below), never a model stream
    "origins",  # which further organisations already run it at month 0 (origin.early_adopter_share)
    "population",  # reserved: the attributes of innovation k of a population (POPULATION_STREAM below), never a model stream
)

# The region's build stream: realisation r uses replication index REGION_REPLICATION with track r,
# shared by every scenario (draws.region_realisation says which realisation a replication runs on).
REGION_REPLICATION = -1


def seed_sequence(seed: int, rep: int, name: str, track: int = 0) -> np.random.SeedSequence:
    """The seed sequence of stream ``name`` in replication ``rep`` under root ``seed``.

    ``track`` is the position of an innovation in a portfolio: the first (or only) innovation uses the
    plain streams, so a portfolio of one draws exactly what the single-innovation model draws.
    """
    return np.random.SeedSequence(seed, spawn_key=_stream_key(rep, name, track))


def _stream_key(rep: int, name: str, track: int) -> tuple[int, ...]:
    """The spawn key of stream ``name``: (replication + 1, the stream's index), and the track after it if not 0."""
    return (rep + 1, STREAMS.index(name), track) if track else (rep + 1, STREAMS.index(name))


def stream(seed: int, rep: int, name: str, track: int = 0) -> np.random.Generator:
    """A fresh generator for stream ``name`` in replication ``rep`` (and innovation ``track`` of a portfolio)."""
    return np.random.default_rng(seed_sequence(seed, rep, name, track))


# ---------------------------------------------------------------- parameter draws
# A parameter stream's key is (draw + 1, PARAMETER_STREAM, crc32 of the parameter's name): its second
# element is no model stream's index, so parameter draws never touch the model's random numbers.
PARAMETER_STREAM = STREAMS.index("parameters")


def _name_key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def parameter_uniform(seed: int, draw: int, name: str) -> float:
    """The uniform number that parameter ``name`` turns into a value in parameter draw ``draw``.

    It depends on the root seed, the draw and the name only: every scenario that draws the same
    parameter in the same draw gets the same number, whatever else it draws (paired comparisons).
    It is the first ``random()`` of ``np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(draw + 1,
    PARAMETER_STREAM, crc32(name))))``, computed for all names of a draw at once (:func:`parameter_uniforms`).
    """
    return parameter_uniforms(seed, draw, [name])[0]


def parameter_uniforms(seed: int, draw: int, names: list[str]) -> list[float]:
    """:func:`parameter_uniform` of each of ``names``, equal to it bit for bit (``tests/test_distributions.py``).

    Why not NumPy's objects: a SeedSequence and a Generator per name cost about 10 microseconds, 0.8 ms
    for a draw of 80 parameters, as much as a replication's whole run (issue 17).
    """
    from diffusion_sim import seeding  # compiled: imported when first needed, not by every command line

    return seeding.first_uniforms(seed, (draw + 1, PARAMETER_STREAM), [(_name_key(n),) for n in names]).tolist()


def streams(seed: int, rep: int, names: tuple[str, ...], track: int = 0) -> list[np.random.Generator]:
    """Fresh generators for several streams of replication ``rep``, each the one :func:`stream` gives, bit for bit.

    A model opens seven; NumPy's SeedSequence and PCG64 seeding took 10 microseconds each (issue 17).
    """
    from diffusion_sim import seeding

    return seeding.generators(seed, (rep + 1,), [_stream_key(rep, name, track)[1:] for name in names])


def spawned(seed: int, rep: int, name: str, n: int, track: int = 0) -> list[np.random.Generator]:
    """Generators of the ``n`` children of :func:`seed_sequence`, as ``seed_sequence(...).spawn(n)`` gives them, bit for bit."""
    from diffusion_sim import seeding

    return seeding.generators(seed, _stream_key(rep, name, track), [(child,) for child in range(n)])


def posterior_index(seed: int, draw: int, source: str, n_rows: int) -> int:
    """Which row of a posterior sample (named ``source``) parameter draw ``draw`` takes."""
    from diffusion_sim import seeding

    key = (draw + 1, PARAMETER_STREAM)
    return int(seeding.generators(seed, key, [(_name_key(f"posterior:{source}"),)])[0].integers(n_rows))


# ---------------------------------------------------------------- a population of innovations
# An attribute's key is (innovation + 1, POPULATION_STREAM, crc32 of the attribute's name): like a parameter draw's,
# its second element is no model stream's index, so drawing a population never touches the model's random numbers.
POPULATION_STREAM = STREAMS.index("population")


def population_uniform(seed: int, innovation: int, name: str) -> float:
    """The uniform number that attribute ``name`` of innovation ``innovation`` of a population turns into a value.

    It depends on the root seed, the innovation's number and the attribute's name only: innovation k is
    the same in every strategy (paired), whatever the other attributes' distributions.
    """
    key = (innovation + 1, POPULATION_STREAM, _name_key(name))
    return float(np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key)).random())
