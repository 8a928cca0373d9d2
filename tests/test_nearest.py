"""The grid's k nearest neighbours are the k-d tree's, order included, also where distances tie."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from diffusion_sim.region.nearest import grid_nearest, nearest


def tree(points, queries, k):
    _, nn = cKDTree(points).query(queries, k=k)
    return np.asarray(nn).reshape(len(queries), k)


@pytest.mark.parametrize(("n", "k"), [(1, 1), (2, 2), (7, 7), (50, 3), (2000, 1), (2000, 11), (3000, 16)])
def test_equals_the_kd_tree(n, k):
    rng = np.random.default_rng(n + k)
    points = rng.normal(size=(n, 2)) * [80.0, 30.0]
    outside = rng.normal(size=(300, 2)) * 200.0  # many queries beyond the points' extent
    assert np.array_equal(nearest(points, points, k), tree(points, points, k))
    assert np.array_equal(nearest(points, outside, k), tree(points, outside, k))


def test_shared_places_are_ordered_as_the_kd_tree_orders_them():
    rng = np.random.default_rng(1)
    seats = np.repeat(rng.normal(size=(40, 2)), 5, axis=0)  # five organisations at each of 40 seats
    grid = np.stack(np.meshgrid(np.arange(12.0), np.arange(9.0)), axis=-1).reshape(-1, 2)  # equal distances everywhere
    for points in (seats, grid, np.zeros((6, 2))):
        for k in (1, 4, 6):
            assert np.array_equal(nearest(points, points, k), tree(points, points, k))


def test_k_beyond_the_points_is_refused():
    with pytest.raises(ValueError, match="k = 3 nearest of 2 points"):
        nearest(np.zeros((2, 2)), np.zeros((1, 2)), 3)


def test_a_coordinate_that_is_not_finite_is_refused_as_the_k_d_tree_refuses_it():
    points = np.random.default_rng(0).random((50, 2))
    for bad in (np.nan, np.inf):
        broken = points.copy()
        broken[7, 0] = bad
        with pytest.raises(ValueError, match="finite"):
            nearest(broken, points[:3], 2)
        with pytest.raises(ValueError, match="finite"):
            nearest(points, broken[5:9], 2)


def test_no_queries_no_neighbours():
    points = np.random.default_rng(2).random((40, 2))
    assert nearest(points, np.zeros((0, 2)), 3).shape == (0, 3) == tree(points, np.zeros((0, 2)), 3).shape


def test_an_untied_row_is_the_start_of_every_longer_search():
    """What a small search first relies on (Sites.nearest_orgs): where the grid reports no tie, its k nearest are the
    first k of the m nearest, whoever answers that row of the longer search (grid or k-d tree)."""
    rng = np.random.default_rng(3)
    lattice = np.stack(np.meshgrid(np.arange(12.0), np.arange(9.0)), axis=-1).reshape(-1, 2)
    seats = np.repeat(rng.normal(size=(40, 2)), 3, axis=0)
    mixed = np.concatenate([seats, rng.normal(size=(200, 2))])
    ties = []
    for points in (lattice, seats, mixed):
        queries = np.concatenate([points, lattice + 0.5, lattice / 3, rng.normal(size=(200, 2)) * 4])
        for k, m in ((1, 2), (4, 16), (4, 100)):
            few, tied = grid_nearest(points, queries, k)
            assert np.array_equal(few[~tied], nearest(points, queries, m)[~tied, :k])
            assert np.array_equal(few[~tied], tree(points, queries, k)[~tied])
            ties.append(tied.mean())
    assert min(ties) > 0 and sum(t < 1 for t in ties) == 6  # ties everywhere; untied rows but where all share places
