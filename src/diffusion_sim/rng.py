"""Named random streams: one per decision, derived from the root seed and the replication only.

A stream never depends on the scenario, the worker or how many other organisations drew before, so
replication ``i`` of every scenario sees the same random numbers for the same decision (common random
numbers, as in Starsim). Every monthly mechanism draws a full vector ``u = g.random(n_orgs)`` and
organisation ``k`` uses ``u[k]``.
"""

from __future__ import annotations

import zlib

import numpy as np
from numba import njit

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
    key = (rep + 1, STREAMS.index(name)) if track == 0 else (rep + 1, STREAMS.index(name), track)
    return np.random.SeedSequence(seed, spawn_key=key)


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


# NumPy's SeedSequence (numpy/random/bit_generator.pyx) and PCG64 (pcg64.h) constants
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_MULT_L, _MIX_MULT_R, _POOL, _M32 = 0xCA01F9DD, 0x4973F715, 4, 0xFFFFFFFF
_PCG_MULT, _M64 = 0x2360ED051FC65DA44385DF649FCCF645, (1 << 64) - 1


def _words(n: int) -> list[int]:
    """An integer as NumPy's SeedSequence takes it: 32-bit words, least significant first (0 is one word)."""
    if n < 0:
        raise ValueError(f"a seed sequence takes integers of at least 0, got {n}")  # as NumPy says it
    words = [n & _M32]
    while n := n >> 32:
        words.append(n & _M32)
    return words


def parameter_uniforms(seed: int, draw: int, names: list[str]) -> list[float]:
    """:func:`parameter_uniform` of each of ``names``, equal to it bit for bit (``tests/test_distributions.py``).

    Why not NumPy's objects: a SeedSequence and a Generator per name cost about 10 microseconds, 0.8 ms
    for a draw of 80 parameters, as much as a replication's whole run (issue 17).
    """
    keys = [[_name_key(n)] for n in names]  # crc32: one word each
    return _first_uniforms(_states(seed, [*_words(draw + 1), *_words(PARAMETER_STREAM)], keys)).tolist()


def streams(seed: int, rep: int, names: tuple[str, ...], track: int = 0) -> list[np.random.Generator]:
    """Fresh generators for several streams of replication ``rep``, each the one :func:`stream` gives, bit for bit.

    A model opens eight; NumPy's SeedSequence and PCG64 seeding took 10 microseconds each (issue 17).
    """
    tails = [[STREAMS.index(name), *(_words(track) if track else ())] for name in names]
    return _generators(_states(seed, _words(rep + 1), tails))


def spawned(seed: int, rep: int, name: str, n: int, track: int = 0) -> list[np.random.Generator]:
    """Generators of the ``n`` children of :func:`seed_sequence`, as ``seed_sequence(...).spawn(n)`` gives them, bit for bit."""
    key = [*_words(rep + 1), *_words(STREAMS.index(name)), *(_words(track) if track else ())]
    return _generators(_states(seed, key, [[child] for child in range(n)]))


def _generators(states: np.ndarray) -> list[np.random.Generator]:
    return [np.random.Generator(np.random.PCG64(_Generated(words))) for words in states]


def _states(seed: int, key: list[int], tails: list[list[int]]) -> np.ndarray:
    """``SeedSequence(seed, spawn_key=(*key, *tail)).generate_state(4, np.uint64)`` for each tail, as rows.

    The sequences share every entropy word but their tails (which all have one length), so the pool is
    mixed once up to them, here in Python integers; each tail and its state follow in compiled code.
    """
    run = _words(seed)
    run += [0] * (_POOL - len(run))  # a spawn key pads the run entropy to the pool (NumPy >= 1.19)
    shared = [*run, *key]
    hash_const = _INIT_A

    def hashmix(value: int) -> int:
        nonlocal hash_const
        value ^= hash_const
        hash_const = (hash_const * _MULT_A) & _M32
        value = (value * hash_const) & _M32
        return value ^ (value >> 16)

    pool = [hashmix(shared[i]) for i in range(_POOL)]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                pool[dst] = _mix(pool[dst], hashmix(pool[src]))
    for word in shared[_POOL:]:
        for dst in range(_POOL):
            pool[dst] = _mix(pool[dst], hashmix(word))
    tail_words = np.array(tails, dtype=np.uint64).reshape(len(tails), len(tails[0]) if tails else 0)
    # the hash constant travels as the pool's fifth word: a NumPy scalar argument costs numba's dispatch 40 microseconds
    return _mixed_states(np.array([*pool, hash_const], dtype=np.uint64), tail_words)


def _mix(x: int, y: int) -> int:
    result = (_MIX_MULT_L * x - _MIX_MULT_R * y) & _M32
    return result ^ (result >> 16)


class _Generated(np.random.bit_generator.ISeedSequence):
    """A seed sequence whose state is already generated: PCG64 seeds itself from these four words as from a SeedSequence's."""

    def __init__(self, words: np.ndarray) -> None:
        self.words = words

    def generate_state(self, n_words: int, dtype: type = np.uint32) -> np.ndarray:
        if n_words != _POOL or dtype is not np.uint64:
            raise ValueError("holds the four 64-bit words PCG64 asks for, nothing else")
        return self.words


_U32 = np.uint64(_M32)
_PCG_MULT_HI, _PCG_MULT_LO = np.uint64(_PCG_MULT >> 64), np.uint64(_PCG_MULT & _M64)


@njit(cache=True)
def _mixed_states(pool: np.ndarray, tails: np.ndarray) -> np.ndarray:
    """Each row of ``tails`` mixed into a copy of ``pool`` (SeedSequence.mix_entropy), then generate_state(4, np.uint64).

    ``pool`` holds the four pool words and then the hash constant where the shared words left it.

    32-bit words are held in uint64 and masked after each product.
    """
    states = np.empty((tails.shape[0], _POOL), dtype=np.uint64)
    mixed = np.empty(_POOL, dtype=np.uint64)
    for i in range(tails.shape[0]):
        mixed[:] = pool[:_POOL]
        h = pool[_POOL]
        for word in tails[i]:
            for dst in range(_POOL):
                value = word ^ h
                h = (h * np.uint64(_MULT_A)) & _U32
                value = (value * h) & _U32
                value ^= value >> np.uint64(16)
                result = (np.uint64(_MIX_MULT_L) * mixed[dst] - np.uint64(_MIX_MULT_R) * value) & _U32
                mixed[dst] = result ^ (result >> np.uint64(16))
        hash_b = np.uint64(_INIT_B)  # eight 32-bit words from the pool in turn, paired little-endian
        for k in range(2 * _POOL):
            value = mixed[k % _POOL] ^ hash_b
            hash_b = (hash_b * np.uint64(_MULT_B)) & _U32
            value = (value * hash_b) & _U32
            value ^= value >> np.uint64(16)
            if k % 2 == 0:
                states[i, k // 2] = value
            else:
                states[i, k // 2] |= value << np.uint64(32)
    return states


@njit(cache=True)
def _first_uniforms(states: np.ndarray) -> np.ndarray:
    """The first ``random()`` of a PCG64 seeded with each row of ``states``; 128-bit numbers as (high, low) words."""
    out = np.empty(states.shape[0])
    for i in range(states.shape[0]):
        inc_hi = (states[i, 2] << np.uint64(1)) | (states[i, 3] >> np.uint64(63))
        inc_lo = (states[i, 3] << np.uint64(1)) | np.uint64(1)
        # pcg64 seeding (a step from 0 gives inc, add the state, step), then the first output (step, XSL-RR)
        hi, lo = _add128(inc_hi, inc_lo, states[i, 0], states[i, 1])
        hi, lo = _step128(hi, lo, inc_hi, inc_lo)
        hi, lo = _step128(hi, lo, inc_hi, inc_lo)
        xored = hi ^ lo
        rot = hi >> np.uint64(58)
        value = (xored >> rot) | (xored << ((np.uint64(64) - rot) & np.uint64(63)))
        out[i] = (value >> np.uint64(11)) * (1.0 / 9007199254740992.0)
    return out


@njit(cache=True, inline="always")
def _add128(a_hi, a_lo, b_hi, b_lo):
    lo = a_lo + b_lo
    return a_hi + b_hi + np.uint64(lo < a_lo), lo


@njit(cache=True, inline="always")
def _step128(hi, lo, inc_hi, inc_lo):
    """``state * PCG_MULT + inc`` modulo 2**128."""
    m_hi, m_lo = _PCG_MULT_HI, _PCG_MULT_LO
    a0, a1, b0, b1 = lo & _U32, lo >> np.uint64(32), m_lo & _U32, m_lo >> np.uint64(32)
    p00, p01, p10, p11 = a0 * b0, a0 * b1, a1 * b0, a1 * b1  # lo * m_lo in full, from 32-bit halves
    mid = (p00 >> np.uint64(32)) + (p01 & _U32) + (p10 & _U32)
    prod_lo = (p00 & _U32) | (mid << np.uint64(32))
    prod_hi = p11 + (p01 >> np.uint64(32)) + (p10 >> np.uint64(32)) + (mid >> np.uint64(32))
    prod_hi += hi * m_lo + lo * m_hi  # the cross terms' low words: the rest lies beyond 2**128
    return _add128(prod_hi, prod_lo, inc_hi, inc_lo)


def posterior_index(seed: int, draw: int, source: str, n_rows: int) -> int:
    """Which row of a posterior sample (named ``source``) parameter draw ``draw`` takes."""
    key = [*_words(draw + 1), *_words(PARAMETER_STREAM)]  # as SeedSequence(seed, spawn_key=(*key, crc32)) seeds it
    return int(_generators(_states(seed, key, [[_name_key(f"posterior:{source}")]]))[0].integers(n_rows))


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
