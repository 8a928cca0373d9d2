"""The ties organisations hear and learn through, and per organisation how many of them run the innovation.

An organisation's ties are the region's (``Region.ties``, fixed for the run). What its ties pass on
is three flags per organisation (:attr:`Ties.flags`): it runs the innovation now (A_j, for
awareness, Bass q), it has ever run it (X_j, for learning and know-how), it runs it now as primary
adopter (what a chain partner waits for). The tie counts a_i, n_i and the primary adopters among i's
ties are the sums of these flags over i's ties (:meth:`Ties.counts`).

The counts are not recounted every month: they are brought up to date from the flags that moved
since the last count only (``kernel.update_tie_counts``). Every count is a sum of 0s and 1s, so this
equals a full recount exactly (tested against one every month).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from diffusion_sim.model import kernel

N_FLAGS = 3  # adopted now, ever adopted, adopted now as primary adopter: the columns of flags and counts


class Ties:
    """The region's ties and the tie counts the monthly rules read.

    Args:
        region_ties: the region's symmetric 0/1 tie matrix (CSR), fixed for the run.
    """

    def __init__(self, region_ties: sparse.csr_matrix) -> None:
        n = region_ties.shape[0]
        self._indptr = region_ties.indptr
        self._indices = region_ties.indices
        self.degree = np.diff(region_ties.indptr).astype(np.float64)  # k_i, each organisation's number of ties
        self.flags = np.zeros((n, N_FLAGS))
        self._flags_seen = np.zeros((n, N_FLAGS))  # the flags the counts were last brought up to date with
        self._counts = np.zeros((n, N_FLAGS))
        self._stale = True

    def tied(self, i: int) -> np.ndarray:
        """Indices of the organisations ``i`` is tied to."""
        return self._indices[self._indptr[i]: self._indptr[i + 1]]

    def flags_changed(self) -> None:
        """The flags were written (by the compiled month or the set-up): bring the counts up to date when next read."""
        self._stale = True

    def counts(self) -> np.ndarray:
        """Per organisation, ties that adopted (column 0), have experience of it (1), run it as primary adopters (2).

        Shape (n, 3), owned by this object: read it, do not write it. Brought up to date from the
        flags that moved since the last count (``kernel.update_tie_counts``).
        """
        if self._stale:
            kernel.update_tie_counts(self._counts, self.flags, self._flags_seen, self._indptr, self._indices)
            self._stale = False
        return self._counts
