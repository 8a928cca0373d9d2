import math

import numpy as np
import pandas as pd
import pytest

from diffusion_sim.analysis.uncertainty import (
    _weighted_quantiles,
    block_means,
    median_mcse,
    quantile_mcse,
    variance_parts,
)


def nested(draws, m, parameter_sd, chance_sd, seed):
    """m replications per draw: a draw effect with sd parameter_sd plus chance with sd chance_sd."""
    rng = np.random.default_rng(seed)
    blocks = np.repeat(np.arange(draws), m)
    return parameter_sd * rng.standard_normal(draws)[blocks] + chance_sd * rng.standard_normal(draws * m), blocks


# ---------------------------------------------------------------- variance_parts
def test_variance_parts_matches_a_hand_computed_anova():
    # draw means 2 and 6: MSW = (2 + 2) / 2 = 2, MSB = 2 x (4 + 4) / 1 = 16, n0 = 2, parameters = (16 - 2) / 2 = 7
    parts = variance_parts([1, 3, 5, 7], [0, 0, 1, 1])
    assert parts["chance"] == pytest.approx(2.0)
    assert parts["parameters"] == pytest.approx(7.0)
    assert parts["total"] == pytest.approx(9.0)
    assert parts["parameter_share"] == pytest.approx(7 / 9)
    assert (parts["draws"], parts["per_draw"], parts["replications"]) == (2, 2.0, 4)


def test_variance_parts_recovers_known_parameter_and_chance_variance_m2():
    values, blocks = nested(2000, 2, parameter_sd=2.0, chance_sd=1.0, seed=1)
    parts = variance_parts(values, blocks)
    # share 4 / 5; its sampling sd here is about 0.008
    assert parts["parameter_share"] == pytest.approx(0.8, abs=0.03)
    assert parts["parameters"] == pytest.approx(4.0, abs=0.5)
    assert parts["chance"] == pytest.approx(1.0, abs=0.1)
    assert parts["total"] == pytest.approx(parts["parameters"] + parts["chance"])
    assert parts["total"] == pytest.approx(np.var(values, ddof=1), rel=0.05)


def test_variance_parts_m4_mostly_chance():
    values, blocks = nested(1000, 4, parameter_sd=1.0, chance_sd=2.0, seed=2)
    parts = variance_parts(values, blocks)
    assert parts["parameter_share"] == pytest.approx(0.2, abs=0.05)
    assert parts["per_draw"] == 4.0


def test_variance_parts_unequal_blocks_with_singletons():
    values, blocks = nested(3000, 5, parameter_sd=1.0, chance_sd=1.0, seed=3)
    rng = np.random.default_rng(4)
    keep = np.arange(5)[None, :] < rng.integers(1, 6, size=3000)[:, None]  # 1..5 values per draw
    parts = variance_parts(values[keep.ravel()], blocks[keep.ravel()])
    assert parts["per_draw"] == pytest.approx(3.0, abs=0.1)
    assert parts["parameter_share"] == pytest.approx(0.5, abs=0.04)
    assert parts["chance"] == pytest.approx(1.0, abs=0.06)


def test_variance_parts_unequal_sizes_use_n0_not_the_mean_size():
    # draws {4} and {1, 2, 3}: MSB = 1 x 1.5^2 + 3 x 0.5^2 = 3, MSW = 2 / 2 = 1, n0 = (4 - 10 / 4) / 1 = 1.5
    parts = variance_parts([4, 1, 2, 3], ["a", "b", "b", "b"])
    assert parts["parameters"] == pytest.approx((3 - 1) / 1.5)  # the mean size, 2, would give 1
    assert parts["chance"] == pytest.approx(1.0)


def test_variance_parts_drops_nan_values():
    values, blocks = nested(500, 3, parameter_sd=1.5, chance_sd=1.0, seed=5)
    holed = values.copy()
    holed[::7] = np.nan
    keep = ~np.isnan(holed)
    assert variance_parts(holed, blocks) == variance_parts(values[keep], blocks[keep])
    assert variance_parts(holed, blocks)["replications"] == keep.sum()


def test_variance_parts_cannot_split_with_one_replication_per_draw():
    values, blocks = nested(300, 1, parameter_sd=1.0, chance_sd=1.0, seed=6)
    parts = variance_parts(values, blocks)
    assert math.isnan(parts["parameters"]) and math.isnan(parts["chance"]) and math.isnan(parts["parameter_share"])
    assert parts["total"] == pytest.approx(np.var(values, ddof=1))
    # a draw whose second value is NaN leaves only singletons: same answer
    values2 = np.column_stack([values, np.full(300, np.nan)]).ravel()
    assert math.isnan(variance_parts(values2, np.repeat(np.arange(300), 2))["parameter_share"])


def test_variance_parts_no_variance_gives_nan_share_and_no_parameter_effect_gives_zero():
    parts = variance_parts(np.full(20, 3.5), np.repeat(np.arange(10), 2))
    assert parts["total"] == 0.0
    assert math.isnan(parts["parameter_share"])
    values, blocks = nested(1000, 2, parameter_sd=0.0, chance_sd=1.0, seed=7)
    assert variance_parts(values, blocks)["parameter_share"] < 0.08


# ---------------------------------------------------------------- Monte Carlo error of quantiles
def test_weighted_quantiles_equal_numpy_on_the_expanded_sample():
    rng = np.random.default_rng(8)
    values = np.sort(rng.standard_normal(40))
    weights = rng.integers(0, 4, size=(25, 40))
    weights[:, 0] += 1  # no empty resample
    for q in (0.0, 0.05, 0.5, 0.9, 1.0):
        expected = [np.quantile(np.repeat(values, w), q) for w in weights]
        np.testing.assert_allclose(_weighted_quantiles(values, weights, q), expected, rtol=0, atol=1e-12)


def test_median_mcse_matches_the_analytic_se_of_a_median_for_iid_normal_data():
    n, sigma = 4000, 3.0
    values = sigma * np.random.default_rng(9).standard_normal(n)
    analytic = math.sqrt(math.pi / 2) * sigma / math.sqrt(n)  # 1.2533 sigma / sqrt(n)
    assert median_mcse(values, np.arange(n), seed=1) == pytest.approx(analytic, rel=0.15)


def test_median_mcse_counts_draws_not_replications_when_they_are_correlated():
    values, blocks = nested(1000, 4, parameter_sd=1.0, chance_sd=0.5, seed=10)
    by_draw = median_mcse(values, blocks, seed=2)
    naive = median_mcse(values, np.arange(values.size), seed=2)
    assert by_draw > 1.3 * naive
    # perfectly correlated copies carry the information of one: four copies of each draw's value give the
    # error of the draws' values alone (about twice the naive sqrt(4) too small one)
    single = np.random.default_rng(11).standard_normal(2000)
    copies = np.repeat(single, 4)
    assert median_mcse(copies, np.repeat(np.arange(2000), 4), seed=3) == pytest.approx(
        median_mcse(single, np.arange(2000), seed=3), rel=0.05)
    assert median_mcse(copies, np.arange(copies.size), seed=3) < 0.6 * median_mcse(single, np.arange(2000), seed=3)


def test_quantile_mcse_is_deterministic_for_a_seed_and_median_is_q_half():
    values, blocks = nested(300, 2, parameter_sd=1.0, chance_sd=1.0, seed=12)
    assert median_mcse(values, blocks, seed=5) == median_mcse(values, blocks, seed=5)
    assert median_mcse(values, blocks, seed=5) != median_mcse(values, blocks, seed=6)
    assert quantile_mcse(values, blocks, 0.5, seed=5) == median_mcse(values, blocks, seed=5)
    # a tail quantile is less precise than the median for normal data
    assert quantile_mcse(values, blocks, 0.95, seed=5) > median_mcse(values, blocks, seed=5)
    assert math.isnan(median_mcse([1.0, 2.0], [0, 0]))
    with pytest.raises(ValueError):
        quantile_mcse(values, blocks, 1.5)


# ---------------------------------------------------------------- block_means
def test_block_means_by_array_and_by_column_skip_nan():
    frame = pd.DataFrame({"a": [1.0, 3.0, 5.0, np.nan, 2.0], "b": [0, 1, 1, 1, 0], "draw": [1, 1, 0, 0, 2]})
    by_array = block_means(frame[["a", "b"]], frame["draw"].to_numpy())
    by_column = block_means(frame, "draw")
    pd.testing.assert_frame_equal(by_array, by_column)
    assert by_array.index.name == "draw" and list(by_array.index) == [0, 1, 2]
    assert by_array.loc[0, "a"] == 5.0 and by_array.loc[1, "a"] == 2.0 and by_array.loc[0, "b"] == 1.0
    with pytest.raises(ValueError):
        block_means(frame, [0, 1])
