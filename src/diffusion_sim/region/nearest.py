"""k nearest neighbours on a grid, returning exactly what ``cKDTree(points).query(queries, k)`` returns.

The region's ties come from nearest-neighbour queries. Building a k-d tree and querying it was most of
building a large region (issue 17); bucketing the points on a grid and searching rings of cells
outward is several times faster. Where distances tie, the two differ: a k-d tree orders equal
distances by how it walks its tree, which the grid cannot reproduce, and organisations can share a
place (hospitals at one municipal seat, everyone at the seat without jitter). So a query whose
``k + 1`` nearest are not all at clearly different distances (relative gap at most ``TIE``) is
answered by the k-d tree itself; every other query has one right answer, which both give.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from diffusion_sim.compiled import compiled

TIE = 1e-9  # relative gap in squared distance below which two neighbours count as tied
PER_CELL = 0.5  # points per grid cell on average: organisations cluster at municipal seats, so a query's cells hold more


def nearest(points: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Indices (queries x k) into ``points`` of each query's ``k`` nearest, nearest first, as the k-d tree orders them."""
    out, tied = grid_nearest(points, queries, k)
    if tied.any():
        rows = np.flatnonzero(tied)
        _, nn = cKDTree(points).query(queries[rows], k=k)
        out[rows] = np.asarray(nn).reshape(rows.size, k)
    return out


def grid_nearest(points: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The grid's answer: each query's ``k`` nearest, and whether any of its ``k + 1`` nearest tie.

    An untied row is the k-d tree's answer too, and the start of any longer search's for that query
    (its ``k`` nearest are unambiguous, and so is their order); a tied row is what :func:`nearest`
    asks the k-d tree again.
    """
    points = np.ascontiguousarray(points, dtype=np.float64)
    queries = np.ascontiguousarray(queries, dtype=np.float64)
    if not 0 < k <= points.shape[0]:
        raise ValueError(f"k = {k} nearest of {points.shape[0]} points")
    if not (np.isfinite(points).all() and np.isfinite(queries).all()):  # as cKDTree refuses them
        raise ValueError("points and queries must be finite")
    if queries.shape[0] == 0:  # (bucketing the points would be all the work)
        return np.zeros((0, k), dtype=np.int64), np.zeros(0, dtype=np.bool_)
    return _search(points, queries, k)


@compiled()
def _search(points, queries, k):
    """Each query's ``k`` nearest points, and whether any of its ``k + 1`` nearest tie."""
    # bucket the points by cell (a counting sort): PER_CELL a cell on average, square cells over the larger extent
    n = points.shape[0]
    x0, y0 = points[:, 0].min(), points[:, 1].min()
    span = max(points[:, 0].max() - x0, points[:, 1].max() - y0, 1e-9)
    cell = span / max(1, int(np.sqrt(n / PER_CELL)))
    nx = int((points[:, 0].max() - x0) / cell) + 1
    ny = int((points[:, 1].max() - y0) / cell) + 1
    cell_of = np.empty(n, dtype=np.int64)
    start = np.zeros(nx * ny + 1, dtype=np.int64)
    for p in range(n):
        cell_of[p] = min(int((points[p, 0] - x0) / cell), nx - 1) * ny + min(int((points[p, 1] - y0) / cell), ny - 1)
        start[cell_of[p] + 1] += 1
    start = np.cumsum(start)
    order = np.empty(n, dtype=np.int64)
    filled = start[:-1].copy()
    for p in range(n):
        order[filled[cell_of[p]]] = p
        filled[cell_of[p]] += 1
    by_cell = points[order]

    m = min(k + 1, n)  # one beyond the k, to see whether the k-th ties with the next
    out = np.empty((queries.shape[0], k), dtype=np.int64)
    tied = np.zeros(queries.shape[0], dtype=np.bool_)
    best_d = np.empty(m)
    best_i = np.empty(m, dtype=np.int64)
    for q in range(queries.shape[0]):
        qx, qy = queries[q, 0], queries[q, 1]
        ix = min(max(int(np.floor((qx - x0) / cell)), 0), nx - 1)
        iy = min(max(int(np.floor((qy - y0) / cell)), 0), ny - 1)
        found = 0
        r = 0
        while True:
            # the cells at Chebyshev distance r from the query's cell
            for gx in range(ix - r, ix + r + 1):
                if gx < 0 or gx >= nx:
                    continue
                edge = gx == ix - r or gx == ix + r
                step = 1 if edge else 2 * r
                for gy in range(iy - r, iy + r + 1, max(step, 1)):
                    if gy < 0 or gy >= ny:
                        continue
                    c = gx * ny + gy
                    for p in range(start[c], start[c + 1]):
                        dx = by_cell[p, 0] - qx
                        dy = by_cell[p, 1] - qy
                        d = dx * dx + dy * dy
                        if found < m:
                            found += 1
                        elif d >= best_d[m - 1]:
                            continue
                        j = found - 1  # insert, keeping the list sorted by distance
                        while j > 0 and best_d[j - 1] > d:
                            best_d[j] = best_d[j - 1]
                            best_i[j] = best_i[j - 1]
                            j -= 1
                        best_d[j] = d
                        best_i[j] = p
            # points outside the searched block lie at least this far from the query
            bound = min(qx - (x0 + (ix - r) * cell), x0 + (ix + r + 1) * cell - qx,
                        qy - (y0 + (iy - r) * cell), y0 + (iy + r + 1) * cell - qy) - 1e-6 * cell
            covered = ix - r <= 0 and iy - r <= 0 and ix + r >= nx - 1 and iy + r >= ny - 1
            if covered or (found == m and bound > 0 and best_d[m - 1] <= bound * bound):
                break
            r += 1
        for j in range(k):
            out[q, j] = order[best_i[j]]
        for j in range(1, m):
            if best_d[j] - best_d[j - 1] <= TIE * best_d[j]:
                tied[q] = True
    return out, tied
