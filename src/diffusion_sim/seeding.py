"""NumPy's SeedSequence and PCG64 seeding restated, compiled, for the many generators a replication opens.

A SeedSequence and a Generator cost about 10 microseconds through NumPy's objects: a parameter draw of
80 names was as long as a replication's whole run, and a model opens eight streams (issue 17). The
seed sequences a call asks for share their root seed and every spawn-key entry but the last few (the
*tail*), so the pool is mixed once up to them, then each tail, its state and (for parameter draws)
the first PCG64 output, all in compiled code. ``tests/test_distributions.py`` holds
every result equal to NumPy's own, bit for bit. Imported by :mod:`diffusion_sim.rng` when first used,
so a command that only checks its input does not load Numba.
"""

from __future__ import annotations

import operator

import numpy as np

from diffusion_sim.compiled import compiled


def generators(seed: int, key: tuple[int, ...], tails: list[tuple[int, ...]]) -> list[np.random.Generator]:
    """``np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(*key, *tail)))`` for each tail."""
    return [np.random.Generator(np.random.PCG64(_Generated(words))) for words in _states(seed, key, tails)]


def first_uniforms(seed: int, key: tuple[int, ...], tails: list[tuple[int, ...]]) -> np.ndarray:
    """The first ``random()`` of each of :func:`generators`, without making them."""
    return _first_uniforms(_states(seed, key, tails))


# NumPy's SeedSequence (numpy/random/bit_generator.pyx) and PCG64 (pcg64.h) constants
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_MULT_L, _MIX_MULT_R, _POOL, _M32 = 0xCA01F9DD, 0x4973F715, 4, 0xFFFFFFFF
_PCG_MULT, _M64 = 0x2360ED051FC65DA44385DF649FCCF645, (1 << 64) - 1


def _words(n: int) -> list[int]:
    """An integer as NumPy's SeedSequence takes it: 32-bit words, least significant first (0 is one word)."""
    n = operator.index(n)  # a Python int, as NumPy makes it: a NumPy integer would overflow in the mixing
    if n < 0:
        raise ValueError(f"a seed sequence takes integers of at least 0, got {n}")  # as NumPy says it
    words = [n & _M32]
    while n := n >> 32:
        words.append(n & _M32)
    return words


def _states(seed: int, key: tuple[int, ...], tails: list[tuple[int, ...]]) -> np.ndarray:
    """``SeedSequence(seed, spawn_key=(*key, *tail)).generate_state(4, np.uint64)`` for each tail, as rows.

    The tails' entries must take one number of 32-bit words each call (they are mixed side by side).
    """
    run = _words(seed)
    run += [0] * (_POOL - len(run))  # a spawn key pads the run entropy to the pool (NumPy >= 1.19)
    shared = np.array([*run, *(w for k in key for w in _words(k))], dtype=np.uint64)
    tail_words = np.array([[w for k in tail for w in _words(k)] for tail in tails], dtype=np.uint64)
    return _mixed_states(shared, tail_words.reshape(len(tails), tail_words.size // max(len(tails), 1)))


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


@compiled(inline="always")
def _hashmix(value, h, mult=_MULT_A):
    """SeedSequence's hashmix: the mixed word and the next hash constant (32-bit words held in uint64).

    Mixing entropy steps the constant by ``_MULT_A``, generating the state by ``_MULT_B``.
    """
    value ^= h
    h = (h * np.uint64(mult)) & _U32
    value = (value * h) & _U32
    return value ^ (value >> np.uint64(16)), h


@compiled(inline="always")
def _mix(x, y):
    result = (np.uint64(_MIX_MULT_L) * x - np.uint64(_MIX_MULT_R) * y) & _U32
    return result ^ (result >> np.uint64(16))


@compiled()
def _mixed_states(shared: np.ndarray, tails: np.ndarray) -> np.ndarray:
    """SeedSequence.mix_entropy of ``shared`` then of each row of ``tails``, and generate_state(4, np.uint64) of each.

    The shared words (at least the pool's four: the run entropy is padded) are mixed once.
    """
    pool = np.empty(_POOL, dtype=np.uint64)
    h = np.uint64(_INIT_A)
    for i in range(_POOL):
        pool[i], h = _hashmix(shared[i], h)
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                value, h = _hashmix(pool[src], h)
                pool[dst] = _mix(pool[dst], value)
    for word in shared[_POOL:]:
        for dst in range(_POOL):
            value, h = _hashmix(word, h)
            pool[dst] = _mix(pool[dst], value)
    states = np.empty((tails.shape[0], _POOL), dtype=np.uint64)
    mixed = np.empty(_POOL, dtype=np.uint64)
    for i in range(tails.shape[0]):
        mixed[:] = pool
        h_tail = h
        for word in tails[i]:
            for dst in range(_POOL):
                value, h_tail = _hashmix(word, h_tail)
                mixed[dst] = _mix(mixed[dst], value)
        hash_b = np.uint64(_INIT_B)  # eight 32-bit words from the pool in turn, paired little-endian
        for k in range(2 * _POOL):
            value, hash_b = _hashmix(mixed[k % _POOL], hash_b, _MULT_B)
            if k % 2 == 0:
                states[i, k // 2] = value
            else:
                states[i, k // 2] |= value << np.uint64(32)
    return states


@compiled()
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


@compiled(inline="always")
def _add128(a_hi, a_lo, b_hi, b_lo):
    lo = a_lo + b_lo
    return a_hi + b_hi + np.uint64(lo < a_lo), lo


@compiled(inline="always")
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


