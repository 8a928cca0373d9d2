"""The monthly rules, as functions of arrays. Each names the mechanism it models and its source.

Rates given per year become monthly probabilities as ``1 - exp(-rate / 12)``. Every function is pure:
it reads arrays and returns arrays, so the model decides what to change.
"""

from __future__ import annotations

import numpy as np

MONTHS_PER_YEAR = 12.0


def monthly_probability(rate_per_year: np.ndarray | float) -> np.ndarray | float:
    """Probability of at least one event in a month for a Poisson rate given per year."""
    return -np.expm1(-np.asarray(rate_per_year) / MONTHS_PER_YEAR)


def monthly_share(share_per_year: float) -> float:
    """Monthly probability that gives ``share_per_year`` over twelve months: 1 - (1 - share)^(1/12)."""
    return 1.0 - (1.0 - share_per_year) ** (1.0 / MONTHS_PER_YEAR)


def learning_multiplier(experience: np.ndarray | float, fall_per_doubling: float) -> np.ndarray:
    """Wright's (1936) learning curve: effort falls by ``fall_per_doubling`` with each doubling of experience."""
    if fall_per_doubling <= 0:
        return np.ones_like(np.asarray(experience, dtype=float))
    b = -np.log2(1.0 - fall_per_doubling)
    return (1.0 + np.asarray(experience, dtype=float)) ** (-b)


def barrier_strengths(net_cost: np.ndarray, financial_room: np.ndarray, knowhow_gap: np.ndarray,
                      staff_capacity: np.ndarray, target_patients: np.ndarray, fit_scale: float) -> np.ndarray:
    """Strength (0..1) of each barrier, shape (4, n): financial, know-how, staff, fit (Greenhalgh et al. 2004)."""
    financial = net_cost / (net_cost + financial_room)
    staff = 1.0 - staff_capacity
    fit = np.exp(-target_patients / fit_scale)
    return np.stack([financial, knowhow_gap, staff, fit])


def adoption_probability(strengths: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """P(adopt at the end of a decision) = product over barriers of (1 - weight x strength)."""
    return np.prod(1.0 - weights[:, None] * strengths, axis=0)


def enrolled_patients(target_patients: np.ndarray, months_live: np.ndarray, ramp_months: float) -> np.ndarray:
    """Patients on the innovation at an adopter, rising linearly to full use over ``ramp_months``."""
    if ramp_months <= 0:
        return np.where(months_live >= 0, target_patients, 0.0)
    return target_patients * np.minimum(np.maximum(months_live / ramp_months, 0.0), 1.0)  # as np.clip, with less overhead
