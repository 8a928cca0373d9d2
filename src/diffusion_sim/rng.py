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
_PCG_MULT, _M64, _M128 = 0x2360ED051FC65DA44385DF649FCCF645, (1 << 64) - 1, (1 << 128) - 1


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
    for a draw of 80 parameters, as much as a replication's whole run (issue 17). Here the names'
    seed sequences are hashed side by side in uint32 arrays (only the name's word differs) and each
    PCG64 is seeded and stepped once in Python integers.
    """
    run = _words(seed)
    run += [0] * (_POOL - len(run))  # a spawn key pads the run entropy to the pool (NumPy >= 1.19)
    entropy = [np.full(len(names), w, dtype=np.uint32) for w in (*run, *_words(draw + 1), *_words(PARAMETER_STREAM))]
    entropy += [np.array([_name_key(n) for n in names], dtype=np.uint64).astype(np.uint32)]  # crc32: one word each
    hash_const = _INIT_A

    def hashmix(value: np.ndarray) -> np.ndarray:
        nonlocal hash_const
        value = value ^ np.uint32(hash_const)
        hash_const = (hash_const * _MULT_A) & _M32
        value = value * np.uint32(hash_const)
        return value ^ (value >> np.uint32(16))

    def mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        result = np.uint32(_MIX_MULT_L) * x - np.uint32(_MIX_MULT_R) * y
        return result ^ (result >> np.uint32(16))

    pool = [hashmix(entropy[i]) for i in range(_POOL)]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                pool[dst] = mix(pool[dst], hashmix(pool[src]))
    for word in entropy[_POOL:]:
        for dst in range(_POOL):
            pool[dst] = mix(pool[dst], hashmix(word))
    state, hash_b = [], _INIT_B  # generate_state(4, np.uint64): eight words from the pool in turn
    for k in range(8):
        value = pool[k % _POOL] ^ np.uint32(hash_b)
        hash_b = (hash_b * _MULT_B) & _M32
        value = value * np.uint32(hash_b)
        state.append((value ^ (value >> np.uint32(16))).tolist())
    out = []
    for w in zip(*state, strict=True):
        v = [w[2 * j] | (w[2 * j + 1] << 32) for j in range(4)]  # little-endian pairs of words
        inc = ((((v[2] << 64) | v[3]) << 1) | 1) & _M128
        x = (((inc + ((v[0] << 64) | v[1])) & _M128) * _PCG_MULT + inc) & _M128  # pcg64 seeding: step, add, step
        x = (x * _PCG_MULT + inc) & _M128  # the first output: step, then XSL-RR
        rot = x >> 122
        xored = ((x >> 64) ^ x) & _M64
        out.append(((((xored >> rot) | (xored << ((64 - rot) & 63))) & _M64) >> 11) * (1.0 / 9007199254740992.0))
    return out


def posterior_index(seed: int, draw: int, source: str, n_rows: int) -> int:
    """Which row of a posterior sample (named ``source``) parameter draw ``draw`` takes."""
    key = (draw + 1, PARAMETER_STREAM, _name_key(f"posterior:{source}"))
    return int(np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key)).integers(n_rows))


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
