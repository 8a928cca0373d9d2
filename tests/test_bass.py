"""The mean-field limit: no barriers, no delays, everyone tied to everyone, identical organisations.

Then an unaware organisation adopts in month t with probability 1 - exp(-(p + q F_{t-1}) / 12), where
F is the adopted share: the Bass (1969) model in discrete time. Its continuous solution
F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}) is the analytical limit.
"""

from __future__ import annotations

import numpy as np
from tests.conftest import complete_region

from diffusion_sim.params import change
from diffusion_sim.runner import run_replication

N = 500
P, Q = 0.2, 1.2  # per year
MONTHS = 60
REPS = 40

MEAN_FIELD = {
    "diffusion.p": P,
    "diffusion.q": Q,
    "diffusion.innovativeness_effect": 0.0,
    "diffusion.consideration_per_year": 1e4,  # aware organisations start deciding at once
    "diffusion.decision_months": 0,
    "diffusion.reconsideration_per_year": 0.0,
    "barriers.financial_weight": 0.0,
    "barriers.knowhow_weight": 0.0,
    "barriers.staff_weight": 0.0,
    "barriers.fit_weight": 0.0,
    "innovation.implementation_months": {"hospital": 0.0},
    "innovation.implementation_failure": 0.0,
    "innovation.discontinuation_per_year": 0.0,
    "origin.demonstration_per_year": 0.0,
    "simulation.months": MONTHS,
}


def bass_continuous(t_years: np.ndarray, p: float, q: float) -> np.ndarray:
    e = np.exp(-(p + q) * t_years)
    return (1 - e) / (1 + (q / p) * e)


def bass_discrete(months: int, p: float, q: float, f0: float) -> np.ndarray:
    f = np.empty(months + 1)
    f[0] = f0
    for t in range(1, months + 1):
        f[t] = f[t - 1] + (1 - f[t - 1]) * -np.expm1(-(p + q * f[t - 1]) / 12)
    return f


def simulate(isolated) -> np.ndarray:
    params = change(isolated, MEAN_FIELD)
    region = complete_region(N)
    runs = [run_replication(params, r, region).share_adopted for r in range(REPS)]
    return np.array(runs)


def test_mean_field_reproduces_bass(isolated):
    shares = simulate(isolated)
    mean = shares.mean(axis=0)
    se = shares.std(axis=0, ddof=1) / np.sqrt(REPS)
    # the origin organisation starts adopted: F(0) = 1/N
    discrete = bass_discrete(MONTHS, P, Q, 1 / N)
    assert abs(mean[0] - 1 / N) < 1e-12
    # exact discrete-time limit, within 4 standard errors (plus 0.005 for the finite-N mean-field gap)
    assert np.all(np.abs(mean - discrete) <= 4 * se + 0.005), np.max(np.abs(mean - discrete) - 4 * se)
    # continuous Bass curve: monthly steps lag it slightly; stated tolerance 0.03 in F
    continuous = bass_continuous(np.arange(MONTHS + 1) / 12, P, Q)
    assert np.max(np.abs(mean - continuous)) < 0.03
    # and the curve really moves: not a trivial pass at F = 0 or 1
    assert 0.2 < mean[24] < 0.9 and mean[-1] > 0.95


def test_higher_q_never_slower(isolated):
    region = complete_region(N)
    slow = change(isolated, MEAN_FIELD)
    fast = change(slow, {"diffusion.q": 2 * Q})
    for r in range(5):
        a = run_replication(slow, r, region).share_adopted
        b = run_replication(fast, r, region).share_adopted
        # with common random numbers and a larger hazard, every organisation adopts no later
        assert np.all(b >= a - 1e-12)
