"""Parameter draws: each replication's values of the uncertain parameters, paired across scenarios.

With ``uncertainty.draws`` on (the default for ``run``, ``compare``, ``regions`` and the explorer),
replication ``i`` runs with one parameter *draw* ``d = i // uncertainty.replications_per_draw``: the
innovation profile's fitted parameters from a row of its posterior sample (where it ships one), and
every other uncertain parameter from its prior (``params.priors()``, or the scenario's
``[uncertain]`` table where it gives one). So ``m`` consecutive replications share a draw (a nested
design: spread within a draw is chance, spread between draws adds the parameters' uncertainty), and
draw ``d`` is the same in every scenario of a comparison, because each value comes from a uniform
keyed by the root seed, the draw and the parameter's name only (``rng.parameter_uniform``).

Not drawn: the levers (what a region decides), the settings, and what builds the region (counts of
organisations, their sizes and the network: :data:`STRUCTURAL`). The region itself is not one
fixed draw: draw ``d`` runs on realisation ``d mod uncertainty.region_realisations`` of it (same
counts and sizes, other places and ties), so chance in the region's build is in every answer; the
uncertainty of the structural parameters themselves is for ``diffusion-sim sensitivity``. A scenario holds
a parameter at its own value with ``uncertainty.fixed``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from diffusion_sim.distributions import Prior
from diffusion_sim.errors import ScenarioError
from diffusion_sim.innovations import PosteriorSample, posterior, posterior_from_file
from diffusion_sim.params import Params, bounds, change, kind, leaves, names, priors
from diffusion_sim.rng import parameter_uniforms, posterior_index

# what builds the region: held at the scenario's value (draw d runs on region realisation d mod region_realisations)
STRUCTURAL = ("organisations.per_100k.", "organisations.clients_per_100k.", "organisations.size_sigma.", "network.", "region.")


def uncertain(params: Params) -> dict[str, Prior]:
    """The priors this scenario draws from: the schema's, the scenario's own where it gives one; not structural or fixed."""
    table = {**priors(), **params.uncertainty.priors}
    fixed = set(params.uncertainty.fixed)
    return {name: prior for name, prior in table.items()
            if name not in fixed and not name.startswith(STRUCTURAL)}


def profile_posterior(params: Params) -> PosteriorSample | None:
    """The posterior sample the scenario's innovation profile draws from: its own file, else the shipped one (or none)."""
    return _checked_posterior(params.uncertainty.posterior_file, params.innovation.profile)


@cache
def _checked_posterior(path: str, profile: str) -> PosteriorSample | None:
    """The sample at ``path`` (or the profile's shipped one), every value finite and within its parameter's range.

    Checked once, whole, when first read: a bad row would otherwise stop a run only when a replication
    draws it, after the work before it (issue 18).
    """
    try:
        sample = posterior_from_file(path, profile) if path else posterior(profile)
    except ValueError as exc:
        raise ScenarioError(f"field 'uncertainty.posterior_file': {exc}") from None
    known = names()
    for k, row in enumerate(sample.rows if sample is not None else (), start=1):
        for name, value in row.items():
            if name not in known:
                continue  # change() names an unknown parameter when a draw uses it
            lower, upper = bounds(name)
            if not (math.isfinite(value) and lower <= value <= upper):
                raise ScenarioError(f"field 'uncertainty.posterior_file': {path or f'the {profile} posterior'}: row {k}: "
                                    f"{name} = {value:g} is outside its allowed range ({lower:g} to {upper:g})")
    return sample


def draw_index(params: Params, replication: int) -> int:
    """The parameter draw replication ``replication`` uses."""
    return replication // params.uncertainty.replications_per_draw


def region_realisation(params: Params, replication: int) -> int:
    """Which realisation of the synthetic region ``replication`` runs on (0 without draws: the root seed's region)."""
    u = params.uncertainty
    return draw_index(params, replication) % u.region_realisations if u.draws else 0


def draw_values(params: Params, replication: int) -> dict[str, Any]:
    """The drawn value of every uncertain parameter for ``replication`` (empty when draws are off)."""
    u = params.uncertainty
    if not u.draws:
        return {}
    d = draw_index(params, replication)
    seed = params.simulation.seed
    values: dict[str, Any] = {}
    sample = profile_posterior(params) if u.posterior and not params.portfolio.innovations else None
    if sample is not None:
        row = sample.rows[posterior_index(seed, d, sample.name, len(sample.rows))]
        values.update({name: value for name, value in row.items() if name not in u.fixed})
    drawn_here = [p for p in _priors_at(params) if p.name not in values]
    for p, uniform in zip(drawn_here, parameter_uniforms(seed, d, [p.name for p in drawn_here]), strict=True):
        value = p.prior.value_within(uniform, p.base, p.lower, p.upper, p.integer, p.allowed)
        values[p.name] = int(value) if p.integer else value
    return values


@dataclass(frozen=True)
class _PriorAt:
    """One uncertain parameter as a scenario draws it, the same in every draw of the scenario.

    Its prior at the scenario's value, its allowed range and the part of the prior that range allows.
    """

    name: str
    prior: Prior
    base: float
    lower: float
    upper: float
    integer: bool
    allowed: tuple[float, float]


def _priors_at(params: Params) -> list[_PriorAt]:
    """The uncertain parameters of ``params`` with what every draw of it shares, worked out once per scenario.

    A chunk draws for the same scenario object again and again; the names, ranges and truncation were
    half of a draw (issue 17). The last scenario's are kept (its object, not an equal copy, is the key).
    """
    last = _LAST_PRIORS[0]
    if last is not None and last[0] is params:
        return last[1]
    current = leaves(params)
    out = []
    for name, prior in uncertain(params).items():
        if name not in current:
            continue
        lower, upper = bounds(name)
        base = float(current[name])
        out.append(_PriorAt(name, prior, base, lower, upper, kind(name) == "int", prior.allowed(base, lower, upper)))
    _LAST_PRIORS[0] = (params, out)
    return out


_LAST_PRIORS: list[tuple[Params, list[_PriorAt]] | None] = [None]


def drawn(params: Params, replication: int) -> tuple[Params, dict[str, Any]]:
    """``params`` with ``replication``'s draw applied (and marked drawn, so it is never drawn again), and the values drawn."""
    values = draw_values(params, replication)
    if not values:
        return params, values
    source = f"parameter draw {draw_index(params, replication)}"
    return change(params, {**values, "uncertainty.draws": False}, source=source), values
