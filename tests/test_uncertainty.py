import math

import numpy as np
import pandas as pd
import pytest

from diffusion_sim.analysis.uncertainty import (
    RESIDUAL,
    _weighted_quantiles,
    block_means,
    median_mcse,
    quantile_mcse,
    rank_parameters,
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


# ---------------------------------------------------------------- rank_parameters
def uniform_theta(n, names, seed, low=0.0, high=1.0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.uniform(low, high, (n, len(names))), columns=names, index=pd.RangeIndex(n, name="draw"))


def shares(table, outcome="y"):
    rows = table[(table["outcome"] == outcome) & (table["parameter"] != RESIDUAL)]
    return rows.set_index("parameter")


def test_rank_parameters_linear_known_order_and_null_parameter_near_zero():
    n = 4000
    theta = uniform_theta(n, ["t1", "t2", "t3"], seed=13)
    noise = 0.3 * np.random.default_rng(14).standard_normal(n)
    y = 3 * theta["t1"] + 0.3 * theta["t2"] + 0 * theta["t3"] + noise
    table = rank_parameters(theta, pd.DataFrame({"y": y}), seed=1)
    got = shares(table)
    assert list(got.index) == ["t1", "t2", "t3"]
    assert list(got["rank"]) == [1, 2, 3]
    var_y = (9 + 0.09) / 12 + 0.09
    assert got.loc["t1", "share"] == pytest.approx(0.75 / var_y, abs=0.02)
    assert got.loc["t2", "share"] == pytest.approx(0.0075 / var_y, abs=0.006)
    assert abs(got.loc["t3", "share"]) < 0.003
    assert got.loc["t3", "low"] <= 0.0 <= got.loc["t3", "high"]
    assert got.loc["t1", "low"] <= got.loc["t1", "share"] <= got.loc["t1", "high"]
    residual = table[table["parameter"] == RESIDUAL].iloc[0]
    assert residual["share"] == pytest.approx(0.09 / var_y, abs=0.02)  # the noise: what no parameter explains


def ishigami(theta, a=7.0, b=0.1):
    x1, x2, x3 = (theta[c].to_numpy() for c in theta.columns)
    return np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)


def test_rank_parameters_reproduces_ishigami_first_order_indices():
    theta = uniform_theta(4000, ["x1", "x2", "x3"], seed=15, low=-np.pi, high=np.pi)
    table = rank_parameters(theta, pd.DataFrame({"y": ishigami(theta)}), seed=2)
    got = shares(table)
    # analytic first-order indices (a = 7, b = 0.1); S13 = 0.2437 is an interaction: the residual
    assert got.loc["x1", "share"] == pytest.approx(0.3139, abs=0.04)
    assert got.loc["x2", "share"] == pytest.approx(0.4424, abs=0.04)
    assert got.loc["x3", "share"] == pytest.approx(0.0, abs=0.04)
    assert list(got.index) == ["x2", "x1", "x3"]
    residual = table.loc[table["parameter"] == RESIDUAL, "share"].iloc[0]
    assert residual == pytest.approx(1 - 0.3139 - 0.4424, abs=0.05)


def test_rank_parameters_binary_outcome_threshold():
    theta = uniform_theta(2000, ["t1", "t2", "t3"], seed=16)
    met = (theta["t1"] > 0.5).astype(float)
    got = shares(rank_parameters(theta, pd.DataFrame({"y": met}), seed=3))
    assert got.index[0] == "t1"
    assert got.loc["t1", "share"] > 0.85
    assert got.loc[["t2", "t3"], "share"].max() < 0.01


def test_rank_parameters_is_deterministic_for_a_seed():
    theta = uniform_theta(500, ["t1", "t2"], seed=17)
    out = pd.DataFrame({"y": theta["t1"] + np.random.default_rng(18).standard_normal(500)})
    first = rank_parameters(theta, out, resamples=200, seed=4)
    pd.testing.assert_frame_equal(first, rank_parameters(theta, out, resamples=200, seed=4))
    other = rank_parameters(theta, out, resamples=200, seed=5)
    pd.testing.assert_series_equal(first["share"], other["share"])  # only the intervals are random
    assert not np.allclose(first["low"], other["low"], equal_nan=True)


def test_rank_parameters_interval_of_a_null_parameter_covers_zero():
    # eight levels: seven columns fit about 7 / n of pure noise; the bootstrap shares inherit that bias unless shifted
    n, rng = 200, np.random.default_rng(26)
    theta = pd.DataFrame({f"d{j}": rng.integers(0, 8, n).astype(float) for j in range(10)})
    covered = []
    for s in range(5):
        y = np.random.default_rng(27 + s).standard_normal(n)
        got = shares(rank_parameters(theta, pd.DataFrame({"y": y}), resamples=300, seed=s))
        covered += list((got["low"] <= 0.0) & (0.0 <= got["high"]))
    assert np.mean(covered) >= 0.85


def test_rank_parameters_share_of_a_null_parameter_is_not_of_order_df_over_n():
    n, rng = 200, np.random.default_rng(19)
    theta = uniform_theta(n, [f"t{j}" for j in range(20)], seed=20)
    table = rank_parameters(theta, pd.DataFrame({"y": rng.standard_normal(n)}), resamples=0)
    null = shares(table)["share"]
    assert null.min() >= 0.0
    assert null.mean() < 2 / n  # raw R^2 of the fits would average 1 / n to 8 / n each


def test_rank_parameters_table_shape_fixed_parameter_constant_outcome_and_nan():
    n = 600
    theta = uniform_theta(n, ["t1", "t2"], seed=21)
    theta["fixed"] = 0.25
    rng = np.random.default_rng(22)
    y = np.sin(3 * theta["t1"]) + 0.1 * rng.standard_normal(n)
    holed = y.copy()
    holed[::5] = np.nan
    outcomes = pd.DataFrame({"z_first": holed, "constant": 1.0, "y": y})
    table = rank_parameters(theta, outcomes, resamples=100, seed=6)
    assert list(table.columns) == ["outcome", "parameter", "share", "low", "high", "rank", "df", "note"]
    assert list(table["outcome"].unique()) == ["z_first", "constant", "y"]  # the outcomes' order, kept
    for _, rows in table.groupby("outcome", sort=False):
        assert list(rows["parameter"])[-1] == RESIDUAL
        ranked = rows[rows["parameter"] != RESIDUAL]
        if ranked["share"].notna().all():
            assert ranked["share"].is_monotonic_decreasing
            assert list(ranked["rank"]) == [1, 2, 3]
    fixed = shares(table, "y").loc["fixed"]
    assert fixed["share"] == 0.0 and "fixed" in fixed["note"]
    constant = shares(table, "constant")
    assert constant["share"].isna().all() and (constant["note"] == "outcome does not vary").all()
    # a NaN outcome leaves its draws out for that outcome only: the same shares as without those draws
    keep = ~np.isnan(holed)
    alone = rank_parameters(theta[keep], pd.DataFrame({"z_first": holed[keep]}), resamples=0)
    np.testing.assert_allclose(shares(table, "z_first")["share"], shares(alone, "z_first")["share"])


def test_rank_parameters_discrete_and_long_tailed_parameters():
    n, rng = 3000, np.random.default_rng(23)
    theta = pd.DataFrame({"level": rng.integers(0, 3, n).astype(float), "tailed": rng.lognormal(0.0, 1.0, n)})
    # a jump by level (no smooth curve), and an effect proportional to a lognormal parameter
    effect = np.array([0.0, 2.0, -1.0])[theta["level"].astype(int)]
    y = effect + theta["tailed"] / theta["tailed"].std() * effect.std() + 0.1 * rng.standard_normal(n)
    got = shares(rank_parameters(theta, pd.DataFrame({"y": y}), resamples=0))
    assert got.loc["level", "df"] == 2  # one mean per level
    assert got.loc["level", "share"] == pytest.approx(0.5, abs=0.05)
    assert got.loc["tailed", "share"] == pytest.approx(0.5, abs=0.06)


def test_rank_parameters_aligns_on_draw_ids_and_rejects_duplicates():
    theta = uniform_theta(300, ["t1"], seed=24)
    out = pd.DataFrame({"y": 2 * theta["t1"] + 0.1 * np.random.default_rng(25).standard_normal(300)})
    shuffled = out.sample(frac=1.0, random_state=0)
    pd.testing.assert_frame_equal(rank_parameters(theta, out, resamples=0), rank_parameters(theta, shuffled, resamples=0),
                                  check_exact=False, rtol=1e-10)
    with pytest.raises(ValueError):
        rank_parameters(pd.concat([theta, theta]), out)


def test_mid_ranks_equal_scipys_rankdata_with_ties():
    from scipy.stats import rankdata

    from diffusion_sim.analysis.uncertainty import mid_ranks

    rng = np.random.default_rng(3)
    for _ in range(300):
        n = int(rng.integers(1, 80))
        x = rng.integers(0, int(rng.integers(1, 12)), n) * 0.25 if rng.random() < 0.5 else rng.lognormal(size=n)
        assert np.array_equal(mid_ranks(x), rankdata(x))


@pytest.mark.parametrize("half_width", [0, 3, 40, None])
def test_resampled_quantiles_in_a_window_equal_the_full_expansion(half_width):
    """The window around the sample's quantile gives every resample's quantile as the full expansion, bit for bit,
    also when it is too narrow and resamples fall outside it (they are computed in full)."""
    from diffusion_sim.analysis.uncertainty import _block_counts, _resampled_quantiles

    rng = np.random.default_rng(11)
    for n, ties in ((400, False), (400, True), (7, False)):
        values = np.sort(rng.integers(0, 9, n) * 1.0 if ties else rng.lognormal(size=n))
        codes = rng.permutation(np.repeat(np.arange((n + 1) // 2), 2)[:n])
        k = codes.max() + 1
        counts = _block_counts(k, 300, 5)
        for q in (0.0, 0.05, 0.5, 0.95, 1.0):
            full = _weighted_quantiles(values, counts[:, codes], q)
            np.testing.assert_array_equal(_resampled_quantiles(values, codes, counts, q, half_width), full)
