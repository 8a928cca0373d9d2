"""The ties organisations hear and learn through, and per organisation how many of them run the innovation.

An organisation's ties are the region's (``Region.ties``, fixed) plus the ties the facilitation team
brokers during the run (permanent and symmetric; ``docs/model.md`` section 3.3.9). What its ties pass
on is three flags per organisation (:attr:`Ties.flags`): it runs the innovation now (A_j, for
awareness, Bass q), it has ever run it (X_j, for learning and know-how), it runs it now as primary
adopter (what a chain partner waits for). The tie counts a_i, n_i and the primary adopters among i's
ties are the sums of these flags over i's ties (:meth:`Ties.counts`).

The counts are not recounted every month: they are brought up to date from the changes only, the
flags that moved and the ties brokered since the last count (``kernel.update_tie_counts``). Every
count is a sum of 0s and 1s, so this equals a full recount exactly (tested against one every month).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import sparse

from diffusion_sim.model import kernel

N_FLAGS = 3  # adopted now, ever adopted, adopted now as primary adopter: the columns of flags and counts


class Ties:
    """The region's ties plus the brokered ones, and the tie counts the monthly rules read.

    Args:
        region_ties: the region's symmetric 0/1 tie matrix (CSR), fixed for the run.
        on_degree_change: called with ``(organisation, its number of ties)`` for both ends of every
            brokered tie, so that what depends on the number of ties (the imitation coefficient: Bass q
            per tie) follows at once.
    """

    def __init__(self, region_ties: sparse.csr_matrix, on_degree_change: Callable[[int, float], None]) -> None:
        n = region_ties.shape[0]
        self._indptr = region_ties.indptr
        self._indices = region_ties.indices
        self._on_degree_change = on_degree_change
        self.region_degree = np.diff(region_ties.indptr).astype(np.float64)
        self.brokered_degree = np.zeros(n)
        self._brokered = np.zeros((2, 16), dtype=np.int64)  # both directions: rows (0) and columns (1), as made
        self._n_brokered = 0
        self.flags = np.zeros((n, N_FLAGS))
        self._flags_seen = np.zeros((n, N_FLAGS))  # the flags the counts were last brought up to date with
        self._counts = np.zeros((n, N_FLAGS))
        self._brokered_seen = 0  # brokered ties (both directions) already in the counts
        self._stale = True

    # ------------------------------------------------------------------ the ties
    @property
    def degree(self) -> np.ndarray:
        """k_i: each organisation's number of ties, brokered ties included (a new array)."""
        return self.region_degree + self.brokered_degree

    @property
    def brokered_rows(self) -> np.ndarray:
        """Brokered ties, both directions, in the order made: the organisation that counts the tie."""
        return self._brokered[0, : self._n_brokered]

    @property
    def brokered_cols(self) -> np.ndarray:
        """Brokered ties, both directions, in the order made: the organisation at the other end."""
        return self._brokered[1, : self._n_brokered]

    def broker(self, i: int, j: int) -> None:
        """A tie the facilitation team brokered between ``i`` and ``j``: permanent, symmetric, counted from the next count on.

        Stored in both directions in a buffer that doubles when full, so brokering stays cheap
        however many organisations the region has.
        """
        if self._n_brokered + 2 > self._brokered.shape[1]:
            self._brokered = np.concatenate([self._brokered, np.zeros_like(self._brokered)], axis=1)
        k = self._n_brokered
        self._brokered[:, k: k + 2] = [[i, j], [j, i]]
        self._n_brokered += 2
        for end in (i, j):
            self.brokered_degree[end] += 1
            self._on_degree_change(end, self.region_degree[end] + self.brokered_degree[end])
        self._stale = True

    def tied(self, i: int) -> np.ndarray:
        """Indices of the organisations ``i`` is tied to, brokered ties included."""
        own = self._indices[self._indptr[i]: self._indptr[i + 1]]
        return np.concatenate([own, self.brokered_cols[self.brokered_rows == i]])

    # ------------------------------------------------------------------ what the ties pass on
    def flags_changed(self) -> None:
        """The flags were written (by the compiled month or the set-up): bring the counts up to date when next read."""
        self._stale = True

    def counts(self) -> np.ndarray:
        """Per organisation, ties that adopted (column 0), have experience of it (1), run it as primary adopters (2).

        Shape (n, 3), owned by this object: read it, do not write it. Brought up to date from the
        changes only (``kernel.update_tie_counts``) when flags moved or ties were brokered since the
        last count.
        """
        if self._stale:
            kernel.update_tie_counts(self._counts, self.flags, self._flags_seen, self._indptr, self._indices,
                                     self.brokered_rows, self.brokered_cols, self._brokered_seen)
            self._brokered_seen = self._n_brokered
            self._stale = False
        return self._counts
