"""A population of innovations: innovation k's attributes drawn from documented distributions, the same in every strategy.

The initiative says that only 35% of innovations reach the patient (its own claim; DOMAIN.md sec. 5
found no source). To test that as stated, ``diffusion-sim population`` runs not one innovation but a
population of them, drawn from the distributions of ``[population]`` (:class:`~diffusion_sim.params.PopulationParams`,
each with its source). Innovation ``k`` of a scenario is that scenario with these changes, made
through the one door (:func:`diffusion_sim.params.change`):

- **primary adopter type** T (``population.primary_type`` shares): only type T runs it, on its own
  (roles: T primary, every other type none), and the origin is an organisation of type T;
- **NASSS complexity** and **reimbursement route** (their shares), set as the innovation's own;
- **target group**: ``target_share`` of type T is the typical share for T times a factor drawn from
  ``distributions.target_share``; **uptake** of T from ``distributions.uptake``;
- **set-up cost and months** of type T: the typical values for T times factors drawn from
  ``distributions.implementation_cost_eur`` and ``distributions.implementation_months``;
- **evidence** (strong, moderate, limited; its shares): ``evidence_factor`` of its class multiplies
  the innovation's implementation failure and discontinuation;
- **visibility** (``distributions.visibility``) times ``calibration_scale`` multiplies the
  ``calibration_parameters`` (Bass p and q and the origin's demonstrations: how word of it travels).

A factor on a parameter (:func:`scaled`) multiplies its value and, where its prior is absolute, the
prior's range too, so the parameter keeps its uncertainty in every parameter draw; the attributes
drawn for the innovation are held fixed in parameter draws (``uncertainty.fixed``), and a profile's
fitted posterior is not used (it belongs to that profile's own values). Every other value, the
innovation's ramp and patient turnover included, is the scenario's.

**Pairing.** Each attribute comes from :func:`diffusion_sim.rng.population_uniform`, keyed by the
root seed, ``k`` and the attribute's name only: innovation ``k`` is the same in every strategy, and a
changed distribution of one attribute leaves the others' draws as they were. Replication ``r`` of
innovation ``k`` is replication number ``k x R + r`` (:func:`replication_numbers`), the same in every
strategy: the same model streams and the same parameter draw (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from diffusion_sim.distributions import Prior
from diffusion_sim.params import ORG_TYPES, Params, bounds, change, get, priors
from diffusion_sim.rng import population_uniform

# the attributes of an innovation, in the order of the innovations table (each drawn from its own uniform)
CATEGORIES = ("primary_type", "complexity", "reimbursement_route", "evidence")
FACTORS = ("target_share", "uptake", "implementation_cost_eur", "implementation_months", "visibility")
ATTRIBUTES = CATEGORIES + FACTORS


@dataclass(frozen=True)
class Innovation:
    """Innovation ``index`` of a population: its drawn attributes (a row of the innovations table) and what they change."""

    index: int
    attributes: dict[str, Any]
    changes: dict[str, Any]


def category(shares: dict[str, float], u: float) -> str:
    """The category a uniform ``u`` falls in, categories in their given order with widths ``shares`` (summing to 1)."""
    cumulative = 0.0
    last = next(k for k, s in reversed(list(shares.items())) if s > 0)
    for key, share in shares.items():
        cumulative += share
        if share > 0 and u < cumulative:
            return key
    return last  # u at the very top of [0, 1) after rounding


def scaled(params: Params, names: tuple[str, ...] | list[str], factor: float) -> dict[str, Any]:
    """Changes that multiply each named parameter by ``factor``: its value and, if its prior is absolute, the prior's range.

    A relative prior is a factor on the value, so it follows by itself; a parameter held fixed in
    draws (``uncertainty.fixed``) or without a prior has only its value. With parameter draws, a value
    drawn from the scaled prior is ``factor`` times the value the same uniform gives unscaled (within
    the parameter's allowed range), so scaled and unscaled runs stay paired.
    """
    table = {**priors(), **params.uncertainty.priors}
    out: dict[str, Any] = {}
    new_priors: dict[str, Any] = {}
    for name in names:
        low, high = bounds(name)
        out[name] = min(max(float(get(params, name)) * factor, low), high)
        prior = table.get(name)
        if prior is not None and not prior.relative and name not in params.uncertainty.fixed:
            new_priors[name] = scale_prior(prior, factor)
    if new_priors:
        out["uncertainty.priors"] = {**{k: v.model_dump(exclude_none=True) for k, v in params.uncertainty.priors.items()},
                                     **{k: v.model_dump(exclude_none=True) for k, v in new_priors.items()}}
    return out


def scale_prior(prior: Prior, factor: float) -> Prior:
    """An absolute prior with its range (and mode) multiplied by ``factor``; its source says so."""
    update: dict[str, Any] = {"low": prior.low * factor, "high": prior.high * factor}
    if prior.mode is not None:
        update["mode"] = prior.mode * factor
    note = f" [times {factor:.4g} for one innovation of a population]"
    return Prior.model_validate({**prior.model_dump(), **update, "source": prior.source + note})


def draw_innovation(params: Params, k: int) -> Innovation:
    """Innovation ``k`` of ``params``'s population: its attributes from streams keyed by the root seed, k and their names."""
    pop, seed = params.population, params.simulation.seed

    def u(name: str) -> float:
        return population_uniform(seed, k, name)

    primary = category(pop.primary_type.model_dump(), u("primary_type"))
    complexity = category(pop.complexity.model_dump(), u("complexity"))
    route = category(pop.reimbursement_route.model_dump(), u("reimbursement_route"))
    evidence = category(pop.evidence.model_dump(), u("evidence"))
    d = pop.distributions
    target = d.target_share.value(u("target_share"), getattr(pop.target_share, primary), 0.0, 1.0)
    uptake = d.uptake.value(u("uptake"), 1.0, 0.0, 1.0)
    cost = d.implementation_cost_eur.value(u("implementation_cost_eur"), getattr(pop.implementation_cost_eur, primary), 0.0)
    months = d.implementation_months.value(u("implementation_months"), getattr(pop.implementation_months, primary), 0.0)
    visibility = d.visibility.value(u("visibility"), 1.0, 0.0)
    attributes = {"innovation": k, "primary_type": primary, "complexity": complexity, "reimbursement_route": route,
                  "evidence": evidence, "target_share": target, "uptake": uptake, "implementation_cost_eur": cost,
                  "implementation_months": months, "visibility": visibility,
                  "awareness_factor": visibility * pop.calibration_scale}

    own = {f"innovation.{field}.{t}" for field in ("target_share", "uptake", "implementation_cost_eur",
                                                   "implementation_months", "distinct_patients") for t in ORG_TYPES}
    changes: dict[str, Any] = {
        "innovation.name": f"innovation {k} of the population",
        "innovation.target_group": f"the target group of population innovation {k} (drawn)",
        "innovation.complexity": complexity,
        "innovation.reimbursement_route": route,
        "origin.org_type": primary,
        "origin.further_municipalities": [],
        "origin.early_adopter_share": 0.0,
        "uncertainty.posterior": False,
        "uncertainty.posterior_file": "",
        "uncertainty.fixed": sorted({*params.uncertainty.fixed, *own}),
    }
    for t in ORG_TYPES:
        mine = t == primary
        changes[f"innovation.roles.{t}"] = "primary" if mine else "none"
        changes[f"innovation.target_share.{t}"] = target if mine else 0.0
        changes[f"innovation.uptake.{t}"] = uptake if mine else 0.0
        changes[f"innovation.distinct_patients.{t}"] = 1.0
        changes[f"innovation.implementation_cost_eur.{t}"] = cost if mine else 0.0
        changes[f"innovation.implementation_months.{t}"] = months if mine else 0.0
    return Innovation(k, attributes, changes)


def innovation_params(params: Params, innovation: Innovation) -> Params:
    """``params`` (one strategy) running ``innovation``: its attributes, then the factors on evidence and awareness."""
    p = change(params, innovation.changes, source=f"population innovation {innovation.index}")
    a = innovation.attributes
    factor = getattr(params.population.evidence_factor, a["evidence"])
    evidence = scaled(p, ("innovation.implementation_failure", "innovation.discontinuation_per_year"), factor)
    p = change(p, evidence, source=f"population innovation {innovation.index}: evidence")
    awareness = scaled(p, params.population.calibration_parameters, a["awareness_factor"])
    return change(p, awareness, source=f"population innovation {innovation.index}: visibility")


def replication_numbers(k: int, replications: int) -> list[int]:
    """The replication numbers of innovation ``k``: ``k x R`` to ``k x R + R - 1``, the same in every strategy."""
    return [k * replications + r for r in range(replications)]

