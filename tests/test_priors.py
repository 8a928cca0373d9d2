"""Every uncertain parameter has a prior (issue 15), every prior says where it comes from, and docs/priors.md is current.

A parameter labelled ASSUMPTION either has a prior or is listed, with its reason, under "Uncertain, but
without a prior" in docs/priors.md; a default outside its prior's 0.1%-99.9% range must be listed under
"Defaults outside their honest range". So a new assumption cannot slip in without a prior, and a prior
cannot quietly disagree with its default.
"""

from __future__ import annotations

import importlib.util
import math
import re
from pathlib import Path

import numpy as np
import pytest

from diffusion_sim.distributions import Prior
from diffusion_sim.innovations import profile_names
from diffusion_sim.params import (
    LEAF_BLOCKS,
    InnovationParams,
    OriginParams,
    Params,
    PerComplexity,
    PerTypeAmount,
    PerTypeShare,
    bounds,
    change,
    flat_fields,
    get,
    priors,
)

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "priors.md"
NUMERIC = (float, int, PerTypeShare, PerComplexity, *(b for b in LEAF_BLOCKS if issubclass(b, PerTypeAmount)))
OUT_OF_SCOPE = ("simulation.", "region.", "uncertainty.", "population.")  # settings, the region's choice, how draws are made,
# and the population of innovations (claim 3), whose values are distributions with their sources, not values to draw
CITATION = re.compile(r"ASSUMPTION|DOMAIN\.md sec\. \d|docs/\w+\.md|et al\. \d{4}|\b(19|20)\d\d\b")


def _table_script():
    spec = importlib.util.spec_from_file_location("make_prior_table", ROOT / "docs" / "make_prior_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TABLE = _table_script()


def listed(marker: str) -> set[str]:
    """Parameter names of the list between ``<!-- marker:start -->`` and ``<!-- marker:end -->`` in docs/priors.md."""
    doc = DOC.read_text(encoding="utf-8")
    block = doc.split(f"<!-- {marker}:start -->")[1].split(f"<!-- {marker}:end -->")[0]
    return set(re.findall(r"^- `([a-z0-9_.]+)`", block, flags=re.MULTILINE))


def with_prior(name: str) -> bool:
    return any(key == name or key.startswith(name + ".") for key in priors())


def profile_params(profile: str) -> Params:
    """The package defaults with ``profile``, its first primary type as the origin."""
    innovation = InnovationParams.model_validate({"profile": profile})
    return Params(innovation=innovation, origin=OriginParams(org_type=innovation.primary_types()[0]))


# ---------------------------------------------------------------- coverage
def test_every_assumption_has_a_prior_or_is_listed_without_one():
    assumed = {name for name, info in flat_fields().items()
               if not name.startswith(OUT_OF_SCOPE) and info.annotation in NUMERIC and "ASSUMPTION" in (info.description or "")}
    without = {name for name in assumed if not with_prior(name)}
    assert without == listed("no-prior"), (
        "an ASSUMPTION without a prior must be listed in docs/priors.md, and a listed one must have none: "
        f"unlisted {sorted(without - listed('no-prior'))}, listed but not missing {sorted(listed('no-prior') - without)}")


def test_no_prior_outside_the_uncertain_sections():
    assert not [k for k in priors() if k.startswith(OUT_OF_SCOPE)]


def test_the_sections_issue_15_names_all_have_priors():
    sections = {key.split(".")[0] for key in priors()}
    assert sections == {"organisations", "network", "innovation", "diffusion", "barriers", "facilitation", "insurer", "origin",
                        "portfolio"}


# ---------------------------------------------------------------- each prior
@pytest.mark.parametrize("name", sorted(priors()))
def test_prior_validates_and_names_its_source(name):
    prior = priors()[name]
    assert Prior.model_validate(prior.model_dump()) == prior
    assert prior.source.strip()
    assert CITATION.search(prior.source), f"{name}: source names no citation and no ASSUMPTION: {prior.source!r}"
    assert "would narrow" in prior.source, f"{name}: source does not say what would narrow it"
    assert len(prior.source) <= 400, f"{name}: keep the source to one or two sentences"


@pytest.mark.parametrize("name", sorted(priors()))
def test_prior_lies_inside_the_allowed_range(name):
    """Some of each prior's bulk is allowed, so truncation keeps a distribution, not a point."""
    prior = priors()[name]
    base = float(get(Params(), name)) if prior.relative else 1.0
    lo, hi = prior.bounds(base)
    lower, upper = bounds(name)
    assert hi >= lower and lo <= upper, f"{name}: prior {lo:g}-{hi:g} outside the allowed {lower:g}-{upper:g}"


def test_blocks_give_one_relative_entry_per_type():
    table = priors()
    blocks = {name: info.annotation for name, info in flat_fields().items()
              if info.annotation in LEAF_BLOCKS and with_prior(name)}
    assert "innovation.uptake" in blocks and "organisations.staff_capacity" in blocks
    for name, block in blocks.items():
        entries = [table[f"{name}.{key}"] for key in block.model_fields]
        assert all(e.relative for e in entries), f"{name}: a block's prior must be relative (one prior, every type)"
        assert all(e == entries[0] for e in entries)
        assert name not in table  # the block itself is not a name to draw


def test_hospital_uptake_prior_is_wide_and_notes_the_national_facts():
    """For a profile without a fitted posterior: 1/30 to 4/3 of its value (heart failure draws from its posterior)."""
    prior = priors()["innovation.uptake.hospital"]
    lo, hi = prior.bounds(0.30)
    assert lo == pytest.approx(0.01) and hi == pytest.approx(0.40)
    assert prior.relative and "docs/validation.md" in prior.source and "posterior" in prior.source


# ---------------------------------------------------------------- defaults against priors
def outside_defaults(params: Params) -> set[str]:
    out = set()
    for name, prior in priors().items():
        value = float(get(params, name))
        base = value if prior.relative else 1.0
        if prior.relative and base == 0.0:
            continue  # a relative prior keeps 0 at 0
        lo, hi = prior.ppf(0.001, base), prior.ppf(0.999, base)
        if not lo - 1e-12 <= value <= hi + 1e-12:
            out.add(name)
    return out


def test_defaults_lie_inside_their_priors_or_are_listed():
    assert outside_defaults(Params()) == listed("outside")


# ---------------------------------------------------------------- draws give valid scenarios that run
@pytest.mark.parametrize("profile", profile_names())
def test_every_prior_draws_valid_values_for_every_profile(profile):
    params = profile_params(profile)
    for name, prior in priors().items():
        for u in (0.001, 0.5, 0.999):
            value = TABLE.drawn(name, prior, params, u)
            assert math.isfinite(value), f"{name} at u={u}: {value}"
            change(params, {name: value}, source=f"{name} at u={u}")


@pytest.mark.parametrize("u", [0.001, 0.999])
def test_the_model_runs_with_every_prior_at_one_end(u):
    from diffusion_sim.region.build import build_region
    from diffusion_sim.runner import run_replication

    params = change(Params(), {"simulation.months": 24})
    drawn = change(params, {name: TABLE.drawn(name, prior, params, u) for name, prior in priors().items()})
    result = run_replication(drawn, 0, build_region(drawn))
    for series in (result.enrolled, result.new_patients, result.reached_additional, result.share_adopted,
                   result.implementation_cost):
        assert np.isfinite(series).all() and (series >= 0).all()


# ---------------------------------------------------------------- docs/priors.md is generated from the schema
def test_prior_tables_in_the_docs_are_current():
    doc = DOC.read_text(encoding="utf-8")
    current = doc.split(TABLE.START)[1].split(TABLE.END)[0].strip()
    assert current == TABLE.text().strip(), "run: .venv/bin/python docs/make_prior_table.py --update docs/priors.md"


# ---------------------------------------------------------------- the two edge cases of drawing (docs/priors.md)
def test_a_relative_prior_keeps_zero_at_zero():
    prior = priors()["innovation.target_share.elderly_care"]
    assert prior.value(0.5, 0.0, *bounds("innovation.target_share.elderly_care")) == 0.0


def test_a_loguniform_prior_draws_at_an_open_zero_bound():
    prior = priors()["barriers.fit_scale_patients"]
    assert 3.0 <= prior.value(0.5, 1.0, *bounds("barriers.fit_scale_patients")) <= 30.0
