"""Priors: each distribution's inverse CDF, truncation to the allowed range, and the parameter streams."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from diffusion_sim.distributions import Prior
from diffusion_sim.rng import parameter_uniform, posterior_index, stream

PRIORS = [
    Prior(dist="uniform", low=0.1, high=0.3, source="test"),
    Prior(dist="loguniform", low=0.01, high=0.4, source="test"),
    Prior(dist="triangular", low=0.0, mode=0.2, high=1.0, source="test"),
    Prior(dist="normal", low=5.0, high=15.0, source="test"),
    Prior(dist="lognormal", low=1.0, high=2.76, source="test"),
]


@pytest.mark.parametrize("prior", PRIORS, ids=lambda p: p.dist)
def test_the_inverse_is_the_inverse_and_a_sample_has_the_stated_quantiles(prior):
    for u in (0.01, 0.05, 0.3, 0.5, 0.9, 0.95):
        assert prior.cdf(prior.ppf(u)) == pytest.approx(u, abs=1e-9)
    x = np.array([prior.ppf(u) for u in np.random.default_rng(1).random(20_000)])
    if prior.dist in ("normal", "lognormal"):  # low and high are the 5th and 95th percentiles
        assert np.quantile(x, [0.05, 0.95]) == pytest.approx([prior.low, prior.high], rel=0.03)
    else:
        assert prior.low <= x.min() and x.max() <= prior.high
    if prior.dist == "lognormal":
        assert np.median(x) == pytest.approx(np.sqrt(prior.low * prior.high), rel=0.02)


def test_truncation_keeps_draws_inside_the_allowed_range_without_a_pile_at_the_edge():
    prior = Prior(dist="normal", low=0.0, high=1.0, source="test")  # 5% below 0
    x = np.array([prior.value(u, lower=0.0, upper=1.0) for u in np.linspace(0.0005, 0.9995, 2000)])
    assert x.min() >= 0.0 and x.max() <= 1.0
    assert (x == 0.0).mean() < 0.001  # mapped into the allowed part, not clipped
    assert Prior(dist="uniform", low=2.0, high=9.0, source="t").value(0.5, integer=True, lower=0, upper=20) == 6.0


def test_a_relative_prior_scales_with_the_scenario_value():
    rel = Prior(dist="uniform", low=0.5, high=2.0, relative=True, source="test")
    assert rel.value(0.0, base=10.0) == pytest.approx(5.0) and rel.value(1.0, base=10.0) == pytest.approx(20.0)
    assert rel.value(0.5, base=0.0) == 0.0


@pytest.mark.parametrize("spec, message", [
    ({"dist": "gamma", "low": 0, "high": 1}, "Input should be"),
    ({"dist": "uniform", "low": 2, "high": 1}, "low 2 is greater than high 1"),
    ({"dist": "loguniform", "low": 0, "high": 1}, "needs low > 0"),
    ({"dist": "triangular", "low": 0, "high": 1}, "needs low <= mode <= high"),
    ({"dist": "uniform", "low": 0, "high": 1, "mode": 0.5}, "mode is for triangular"),
])
def test_a_bad_prior_is_refused(spec, message):
    with pytest.raises(ValidationError, match=message):
        Prior(**spec, source="test")


def test_parameter_streams_depend_on_seed_draw_and_name_only_and_never_touch_the_model_streams():
    a = parameter_uniform(7, 3, "diffusion.q")
    assert a == parameter_uniform(7, 3, "diffusion.q")
    assert len({a, parameter_uniform(7, 4, "diffusion.q"), parameter_uniform(7, 3, "diffusion.p"),
                parameter_uniform(8, 3, "diffusion.q")}) == 4
    model = stream(7, 3, "awareness").random()
    assert a != model and 0 <= posterior_index(7, 3, "hf", 10) < 10
    us = np.array([parameter_uniform(1, d, "x") for d in range(2000)])
    assert abs(us.mean() - 0.5) < 0.02 and abs(np.mean(us < 0.1) - 0.1) < 0.02


def test_a_relative_prior_keeps_zero_at_zero_and_a_loguniform_prior_tolerates_a_tiny_lower_bound():
    assert Prior(dist="uniform", low=0.5, high=2.0, relative=True, source="t").value(0.7, base=0.0, lower=0.0, upper=1.0) == 0.0
    log = Prior(dist="loguniform", low=5.0, high=20.0, source="t")
    assert 5.0 <= log.value(0.3, lower=5e-324, upper=float("inf")) <= 20.0


def test_normal_quantiles_are_scipys():
    from scipy.stats import norm

    from diffusion_sim.distributions import Z95

    assert Z95 == float(norm.ppf(0.95))
    prior = Prior(dist="normal", low=1.0, high=3.0, source="test")
    for u in (1e-9, 0.05, 0.3, 0.5, 0.95):
        assert prior.ppf(u) == 2.0 + (1.0 / Z95) * float(norm.ppf(u))


@pytest.mark.parametrize("seed", [0, 1, 20251204, 2**32 - 1, 2**32, 2**63 - 1, 12345678901234567890])
def test_parameter_uniforms_equal_numpys_seed_sequence_and_generator_bit_for_bit(seed):
    """rng.parameter_uniforms restates NumPy's SeedSequence and PCG64; it must give what NumPy's own objects give."""
    import zlib

    from diffusion_sim.params import names
    from diffusion_sim.rng import PARAMETER_STREAM, parameter_uniforms

    keys = [*sorted(names()), "x", "é ünïcode", ""]
    for draw in (0, 1, 999, 2**32 - 2, 2**32 + 3):
        numpys = [float(np.random.default_rng(np.random.SeedSequence(
            seed, spawn_key=(draw + 1, PARAMETER_STREAM, zlib.crc32(k.encode("utf-8"))))).random()) for k in keys]
        assert parameter_uniforms(seed, draw, keys) == numpys
    assert parameter_uniforms(seed, 0, []) == []


@pytest.mark.parametrize("seed", [0, 20251204, 2**32, 12345678901234567890, 2**130 + 5])
def test_streams_equal_numpys_seed_sequence_and_generator_bit_for_bit(seed):
    """rng.streams and rng.spawned seed generators without NumPy's SeedSequence; each must be the one NumPy's objects open."""
    from diffusion_sim.rng import REGION_REPLICATION, STREAMS, seed_sequence, spawned, stream, streams

    for rep in (REGION_REPLICATION, 0, 1, 999, 2**32 - 1, 2**32 + 7):
        for track in (0, 1, 2**32 + 1):
            for name, opened in zip(STREAMS, streams(seed, rep, STREAMS, track), strict=True):
                numpys = stream(seed, rep, name, track)
                assert opened.bit_generator.state == numpys.bit_generator.state, (rep, track, name)
                assert (opened.random(3) == numpys.random(3)).all() and opened.integers(2**62) == numpys.integers(2**62)
    assert streams(seed, 0, ()) == []
    for rep, name, track in ((REGION_REPLICATION, "region", 0), (REGION_REPLICATION, "region", 17), (5, "mesa", 2**33)):
        children = seed_sequence(seed, rep, name, track).spawn(4)
        for child, opened in zip(children, spawned(seed, rep, name, 4, track), strict=True):
            assert opened.bit_generator.state == np.random.default_rng(child).bit_generator.state, (rep, name, track)


def test_compiled_seeding_takes_numpy_integers_as_numpy_does():
    """mesa.batch_run passes replications as NumPy integers; NumPy's SeedSequence takes them, and so must ours."""
    from diffusion_sim.rng import parameter_uniforms, stream, streams

    for kind in (np.int64, np.int32, np.uint64):
        assert streams(20261125, kind(3), ("decision",))[0].random() == stream(20261125, 3, "decision").random()
        assert parameter_uniforms(kind(20261125), kind(1), ["diffusion.q"]) == parameter_uniforms(20261125, 1, ["diffusion.q"])


def test_posterior_index_equals_numpys_generator():
    """rng.posterior_index seeds its generator without NumPy's SeedSequence; it must pick NumPy's row."""
    import zlib

    from diffusion_sim.rng import PARAMETER_STREAM, posterior_index

    for seed in (0, 20251204, 2**64 + 1):
        for draw in (0, 7, 2**32):
            for source, rows in (("hf", 400), ("diabetes", 1), ("x", 2**40 + 3)):
                key = (draw + 1, PARAMETER_STREAM, zlib.crc32(f"posterior:{source}".encode()))
                numpys = int(np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key)).integers(rows))
                assert posterior_index(seed, draw, source, rows) == numpys


def test_parameter_uniforms_refuse_a_negative_seed_as_numpy_does():
    from diffusion_sim.rng import parameter_uniforms

    with pytest.raises(ValueError):
        np.random.SeedSequence(-1)
    with pytest.raises(ValueError, match="at least 0"):
        parameter_uniforms(-1, 0, ["a"])
    with pytest.raises(ValueError, match="at least 0"):
        parameter_uniforms(1, -2, ["a"])  # draw -2 is key word -1
