"""The parameter schema: every model input, its unit, its allowed range and its source.

One validated place for all parameters (Covasim's discipline, made checkable with pydantic).
The TOML loader, ``run_model(**params)`` and command-line overrides all go through
:meth:`Params.model_validate`. Defaults are the Zuidwest *isolated* baseline; the collaborative
scenario only switches the facilitation team's levers on. Every field's description reads
``"unit; source"`` and the source is a citation from ``docs/model.md`` or the word ASSUMPTION.

Isolated versus collaborative scaling is a matter of parameter values, never a branch on a name:
with a zero budget and zero effects the facilitation team changes nothing.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from diffusion_sim.distributions import Prior
from diffusion_sim.errors import ScenarioError
from diffusion_sim.innovations import profile_data

ORG_TYPES: tuple[str, ...] = (
    "hospital",
    "gp_practice",
    "elderly_care",
    "home_care",
    "mental_health",
    "pharmacy",
)
OrgType = Literal["hospital", "gp_practice", "elderly_care", "home_care", "mental_health", "pharmacy"]
Role = Literal["primary", "chain", "none"]
Complexity = Literal["simple", "complicated", "complex"]
ReimbursementRoute = Literal["insurer_contract", "existing_tariff", "none"]
DEFAULT_PROFILE = "heart-failure-telemonitoring"


# Free text that reaches tables, figure legends, the report and the explorer: of a length a legend and a report
# heading can hold (a 5,000-character name made a report 88,570 px wide; issue 18).
NAME_MAX = 80  # a scenario's or an innovation's name
TEXT_MAX = 300  # a description or a target group: one sentence


def _one_line(limit: int) -> AfterValidator:
    def check(text: str) -> str:
        if len(text) > limit:
            raise ValueError(f"at most {limit} characters, got {len(text):,}")
        return text
    return AfterValidator(check)


Name = Annotated[str, _one_line(NAME_MAX)]
Text = Annotated[str, _one_line(TEXT_MAX)]


def P(default: Any, doc: str, *, prior: Prior | None = None, **bounds: Any) -> Any:
    """A parameter field: ``doc`` is "unit; source" and is shown in docs, errors and the explorer.

    ``prior`` says how unsure the default is (:class:`~diffusion_sim.distributions.Prior`); a parameter
    with a prior is drawn anew in every parameter draw (see :func:`priors`). For a per-type block it
    is relative and applies to each type's value.
    """
    extra = {"prior": prior.model_dump(exclude_none=True)} if prior is not None else None
    return Field(default, description=doc, json_schema_extra=extra, **bounds)


class Section(BaseModel):
    """Strict, immutable block of parameters: unknown keys are errors, values cannot drift, numbers are finite.

    ``nan``, ``inf`` and ``-inf`` are refused in every numeric field, bounded or not (issue 18: an infinite
    client rate ran and wrote NaN for every patient outcome).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class PerTypeShare(Section):
    """A share (0..1) for each organisation type."""

    hospital: float = Field(0.0, ge=0, le=1)
    gp_practice: float = Field(0.0, ge=0, le=1)
    elderly_care: float = Field(0.0, ge=0, le=1)
    home_care: float = Field(0.0, ge=0, le=1)
    mental_health: float = Field(0.0, ge=0, le=1)
    pharmacy: float = Field(0.0, ge=0, le=1)

    def as_tuple(self) -> tuple[float, ...]:
        """Values in the order of :data:`ORG_TYPES`."""
        return tuple(getattr(self, t) for t in ORG_TYPES)


class PerTypeAmount(Section):
    """A non-negative amount (euros, months, patients, counts) for each organisation type.

    Each kind of amount is a subclass below with its own realistic upper limit, which the schema uses;
    this base only says what they share.
    """

    hospital: float = Field(0.0, ge=0)
    gp_practice: float = Field(0.0, ge=0)
    elderly_care: float = Field(0.0, ge=0)
    home_care: float = Field(0.0, ge=0)
    mental_health: float = Field(0.0, ge=0)
    pharmacy: float = Field(0.0, ge=0)

    def as_tuple(self) -> tuple[float, ...]:
        """Values in the order of :data:`ORG_TYPES`."""
        return tuple(getattr(self, t) for t in ORG_TYPES)


# Upper limits of the per-type amounts: each well beyond any real value, so that no scenario that could be meant is
# refused, yet low enough that a slip (1e6, 1e300) cannot build millions of organisations or overflow (issue 18:
# organisations.per_100k = 1e6 built 11 million organisations in Zuidwest, 1e300 crashed the region build).
ORGS_PER_100K_MAX = 500  # one organisation per 200 inhabitants: 15x the densest type, GP practices (32.9; Nivel 2019)
CLIENTS_PER_100K_MAX = 200_000  # twice the population: a type may also serve people from outside the region
SIGMA_MAX = 3.0  # a log-normal spread of 3 puts the 95th percentile 140x the median (home care, very skewed, is 1.0)
EUR_MAX = 10_000_000  # EUR 10 M a year for one organisation's project: 67x the hospital default (150,000), as the budget
MONTHS_MAX = 120  # ten years from decision to routine use: 13x the hospital default (9), as ramp_months
FACTOR_MAX = 20  # a multiplier of 20 takes a 5% failure or discontinuation rate to certainty (clipped at 1)


class PerTypeRate(PerTypeAmount):
    """Organisations per 100,000 inhabitants for each type.

    At most 500, one per 200 inhabitants: 15x the GP practices' 32.9, the densest type (Nivel 2019).
    """

    hospital: float = Field(0.0, ge=0, le=ORGS_PER_100K_MAX)
    gp_practice: float = Field(0.0, ge=0, le=ORGS_PER_100K_MAX)
    elderly_care: float = Field(0.0, ge=0, le=ORGS_PER_100K_MAX)
    home_care: float = Field(0.0, ge=0, le=ORGS_PER_100K_MAX)
    mental_health: float = Field(0.0, ge=0, le=ORGS_PER_100K_MAX)
    pharmacy: float = Field(0.0, ge=0, le=ORGS_PER_100K_MAX)


class PerTypeClients(PerTypeAmount):
    """Patients or clients per 100,000 inhabitants for each type.

    At most 200,000, twice the population (everyone is 100,000): a type may also serve people from outside the region.
    """

    hospital: float = Field(0.0, ge=0, le=CLIENTS_PER_100K_MAX)
    gp_practice: float = Field(0.0, ge=0, le=CLIENTS_PER_100K_MAX)
    elderly_care: float = Field(0.0, ge=0, le=CLIENTS_PER_100K_MAX)
    home_care: float = Field(0.0, ge=0, le=CLIENTS_PER_100K_MAX)
    mental_health: float = Field(0.0, ge=0, le=CLIENTS_PER_100K_MAX)
    pharmacy: float = Field(0.0, ge=0, le=CLIENTS_PER_100K_MAX)


class PerTypeSpread(PerTypeAmount):
    """A log-normal spread for each type.

    At most 3 (as financial_room_sigma), whose 95th percentile is 140x the median; home care, very skewed, is 1.0.
    """

    hospital: float = Field(0.0, ge=0, le=SIGMA_MAX)
    gp_practice: float = Field(0.0, ge=0, le=SIGMA_MAX)
    elderly_care: float = Field(0.0, ge=0, le=SIGMA_MAX)
    home_care: float = Field(0.0, ge=0, le=SIGMA_MAX)
    mental_health: float = Field(0.0, ge=0, le=SIGMA_MAX)
    pharmacy: float = Field(0.0, ge=0, le=SIGMA_MAX)


class PerTypeEuros(PerTypeAmount):
    """EUR for each type.

    At most 10 million (as the team's yearly budget): 67x the hospital's default financial room (150,000).
    """

    hospital: float = Field(0.0, ge=0, le=EUR_MAX)
    gp_practice: float = Field(0.0, ge=0, le=EUR_MAX)
    elderly_care: float = Field(0.0, ge=0, le=EUR_MAX)
    home_care: float = Field(0.0, ge=0, le=EUR_MAX)
    mental_health: float = Field(0.0, ge=0, le=EUR_MAX)
    pharmacy: float = Field(0.0, ge=0, le=EUR_MAX)


class PerTypeMonths(PerTypeAmount):
    """Months for each type.

    At most 120, ten years (as ramp_months): 13x the hospital's default implementation time (9).
    """

    hospital: float = Field(0.0, ge=0, le=MONTHS_MAX)
    gp_practice: float = Field(0.0, ge=0, le=MONTHS_MAX)
    elderly_care: float = Field(0.0, ge=0, le=MONTHS_MAX)
    home_care: float = Field(0.0, ge=0, le=MONTHS_MAX)
    mental_health: float = Field(0.0, ge=0, le=MONTHS_MAX)
    pharmacy: float = Field(0.0, ge=0, le=MONTHS_MAX)


class PerTypeRole(Section):
    """The part each organisation type plays: runs it alone (primary), with a tied primary adopter (chain), or not."""

    hospital: Role = "none"
    gp_practice: Role = "none"
    elderly_care: Role = "none"
    home_care: Role = "none"
    mental_health: Role = "none"
    pharmacy: Role = "none"

    def as_tuple(self) -> tuple[str, ...]:
        """Values in the order of :data:`ORG_TYPES`."""
        return tuple(getattr(self, t) for t in ORG_TYPES)


class PerComplexity(Section):
    """A number for each NASSS complexity class (Greenhalgh et al. 2017): a multiplier, or a population's shares.

    At most 20, which takes a 5% failure or discontinuation rate to certainty (the product is clipped at 1).
    """

    simple: float = Field(1.0, ge=0, le=FACTOR_MAX)
    complicated: float = Field(1.0, ge=0, le=FACTOR_MAX)
    complex: float = Field(1.0, ge=0, le=FACTOR_MAX)


class PerRoute(Section):
    """A share (0..1) for each reimbursement route (a population's shares)."""

    insurer_contract: float = Field(0.0, ge=0, le=1)
    existing_tariff: float = Field(0.0, ge=0, le=1)
    none: float = Field(0.0, ge=0, le=1)


EVIDENCE_CLASSES: tuple[str, ...] = ("strong", "moderate", "limited")


class PerEvidence(Section):
    """A number for each class of evidence that an innovation works (a population's shares, or a multiplier).

    strong: randomised trials or a systematic review; moderate: controlled or multi-site studies; limited:
    one site's before-and-after evaluation.
    """

    strong: float = Field(1.0, ge=0, le=FACTOR_MAX)
    moderate: float = Field(1.0, ge=0, le=FACTOR_MAX)
    limited: float = Field(1.0, ge=0, le=FACTOR_MAX)


def merge_tables(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``top`` merged in, table by table and key by key; ``top`` wins."""
    out = dict(base)
    for key, value in top.items():
        out[key] = merge_tables(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


SEED_MAX = 2**63 - 1  # the largest int64, the type of the seed column in the results' Parquet tables


class SimulationParams(Section):
    """How long and how often to run."""

    months: int = P(60, "months (one step is one month); ASSUMPTION: a 5-year horizon, the longest NZa experiment "
        "(BR/REG-17164)", ge=1, le=600)
    replications: int = P(200, "count; ASSUMPTION: a quick default; the shipped Zuidwest scenarios use 2,000, "
        "with which the headline medians move by about 2-7% between seeds (benchmarks/headline_stability.py, "
        "docs/model.md sec. 5)", ge=1, le=1_000_000)
    # below 2**63: numpy's SeedSequence takes any size, but the seed is written to Parquet as int64 (issue 18: 2**64
    # ran the whole study, then failed writing the results)
    seed: int = P(20261125, "root seed; replication i of every scenario uses the same streams", ge=0, le=SEED_MAX)
    start_year: int = P(2027, "calendar year of the first simulated month (step 1; month 0 is the state before it), for labels "
        "and the insurer's contract window; ASSUMPTION", ge=1900, le=2200)
    start_month: int = P(1, "calendar month (1-12) of the first simulated month; ASSUMPTION: January", ge=1, le=12)


class OrganisationParams(Section):
    """How many care organisations of each type there are, how large they are and what they can afford."""

    per_100k: PerTypeRate = P(
        PerTypeRate(hospital=0.0, gp_practice=32.9, elderly_care=1.5, home_care=4.0, mental_health=3.0, pharmacy=11.1),
        "organisations per 100,000 inhabitants; GP practices 5,677 (Nivel 2019 via LHV), pharmacies 1,975 (SFK 2023 via VZinfo); "
        "elderly care, home care, mental health ASSUMPTION (DOMAIN.md sec. 2); hospitals come from the shipped list, not a rate",
    )
    clients_per_100k: PerTypeClients = P(
        PerTypeClients(hospital=100_000, gp_practice=100_000, elderly_care=2_010, home_care=3_300, mental_health=6_000,
                      pharmacy=100_000),
        "patients or clients per 100,000 inhabitants, shared among the organisations of a type; that everyone is listed with a "
            "GP, "
        "uses a pharmacy and lives in a hospital catchment is an ASSUMPTION; elderly care: Wlz clients of all sectors, 2.01% "
            "(CBS "
        "84529NED, 2022), used for VVT (ASSUMPTION); district nursing 579,090 (Monitor Langdurige Zorg 2022, DERIVED 3,300); "
        "mental health ASSUMPTION",
    )
    size_sigma: PerTypeSpread = P(
        PerTypeSpread(hospital=0.0, gp_practice=0.35, elderly_care=0.6, home_care=1.0, mental_health=1.0, pharmacy=0.3),
        "log-normal spread of size within a type (hospitals: none, their sizes are their catchments); ASSUMPTION (DOMAIN.md "
            "sec. 2: home care very skewed, a few >1,000 clients, many <50)",
        prior=Prior(dist="loguniform", low=0.5, high=2.0, relative=True, source="ASSUMPTION: no size distribution per type "
            "found, so half to double each type's spread (DOMAIN.md sec. 2's home care, a few >1,000 and many <50 clients, "
            "needs about 1.5-2); would narrow with client counts per organisation (e.g. Vektis or annual accounts)."),
    )
    financial_room_eur: PerTypeEuros = P(
        PerTypeEuros(hospital=150_000, gp_practice=4_000, elderly_care=15_000, home_care=10_000, mental_health=10_000,
                      pharmacy=5_000),
        "EUR a year an organisation can free for an innovation project (median); ASSUMPTION: no source found",
        prior=Prior(dist="loguniform", low=0.25, high=4.0, relative=True, source="ASSUMPTION: no source found, so a quarter "
            "to four times each type's median; would narrow with free reserves or innovation budgets by type in annual "
            "accounts (DigiMV)."),
    )
    financial_room_sigma: float = P(0.6, "log-normal spread of financial room; ASSUMPTION", ge=0, le=3,
        prior=Prior(dist="loguniform", low=0.3, high=1.2, source="ASSUMPTION: half to double; would narrow with the spread "
            "of reserves or innovation budgets within a type in annual accounts (DigiMV)."))
    staff_capacity: PerTypeShare = P(
        PerTypeShare(hospital=0.45, gp_practice=0.4, elderly_care=0.35, home_care=0.35, mental_health=0.45, pharmacy=0.5),
        "mean share (0-1) of the staff time an implementation needs that is free; ASSUMPTION, low because of 4.9 vacancies per "
            "100 "
        "jobs in care (CBS Q3 2022, DERIVED)",
        prior=Prior(dist="uniform", low=0.5, high=1.5, relative=True, source="ASSUMPTION: vacancies (CBS Q3 2022) say staff "
            "time is short, not how much is free for an implementation, so half to one and a half times each type's mean; "
            "would narrow with surveys of time set aside for improvement work."),
    )
    staff_capacity_concentration: float = P(
        4.0, "Beta(a+b) concentration of staff capacity between organisations; ASSUMPTION", gt=0, le=1000,
        prior=Prior(dist="loguniform", low=1.0, high=16.0, source="ASSUMPTION: a quarter to four times, from nearly "
            "all-or-nothing to tightly clustered staff capacity; would narrow with vacancy or workload rates per organisation."),
    )


class NetworkParams(Section):
    """Which organisations know each other: ties by distance, same-type peers and referral ties."""

    distance_ties: int = P(3, "ties to the nearest organisations of any type; ASSUMPTION (motivated by Coleman et al. 1957 on "
        "local professional networks)", ge=0, le=50,
        prior=Prior(dist="uniform", low=0.5, high=6.5, source="ASSUMPTION: Coleman et al. 1957 show that local ties matter, "
            "not how many, so 1 to 6, each equally likely; would narrow with a survey of which nearby organisations each one "
            "consults."))
    peer_ties: int = P(3, "ties to same-type organisations, chosen among the nearest of that type; ASSUMPTION", ge=0, le=50,
        prior=Prior(dist="uniform", low=0.5, high=6.5, source="ASSUMPTION: 1 to 6 same-type peers, each equally likely; "
            "would narrow with membership of regional peer networks (GP groups, hospital networks, VVT chains)."))
    peer_candidates: int = P(10, "how many nearest same-type organisations peer ties are drawn from; ASSUMPTION", ge=1, le=500,
        prior=Prior(dist="loguniform", low=5.0, high=20.0, source="ASSUMPTION: half to double (how local peer contacts are); "
            "would narrow with the same peer-network data, by distance."))
    gp_pharmacies: int = P(2, "pharmacies each GP practice works with (1-3 nearby); ASSUMPTION (DOMAIN.md sec. 3)", ge=0, le=10,
        prior=Prior(dist="uniform", low=0.5, high=3.5, source="DOMAIN.md sec. 3: 1-3 nearby pharmacies (ASSUMPTION there; "
            "nationally about 3 GP practices per pharmacy), each equally likely; would narrow with the make-up of local "
            "pharmacotherapy groups (FTO)."))
    home_care_gps: int = P(3, "GP practices each home-care organisation works with; ASSUMPTION", ge=0, le=50,
        prior=Prior(dist="loguniform", low=2.0, high=24.0, source="ASSUMPTION: Zuidwest has 8 GP practices per home-care "
            "organisation and large ones serve dozens, so 2 to 24; would narrow with home-care organisations' referrers."))
    second_hospital_share: float = P(
        0.2, "share of GP, elderly-care, home-care and mental-health organisations tied also to the second-nearest hospital; "
            "ASSUMPTION, loosely after the 80/20 referral split of DOMAIN.md sec. 3", ge=0, le=1,
        prior=Prior(dist="uniform", low=0.1, high=0.7, source="ASSUMPTION after DOMAIN.md sec. 3: its 80/20 split is of "
            "referrals, and a practice sending 20% elsewhere is tied to both hospitals, so up to 0.7; would narrow with "
            "referral counts per practice and hospital (ZorgDomein)."),
    )


class InnovationParams(Section):
    """The proven innovation: who it is for, what it costs and how hard it is to sustain.

    The section starts from a shipped profile (``profile``, a file in ``src/diffusion_sim/innovations/``
    with every value's source); keys given in a scenario replace the profile's. Defaults: home
    telemonitoring for chronic heart failure (DOMAIN.md sec. 7).
    """

    profile: str = P(DEFAULT_PROFILE, "name of a shipped innovation profile (heart-failure-telemonitoring, "
        "copd-remote-monitoring, "
                     "structured-medication-review) whose values this section starts from; each value's source is in its file, "
                     "src/diffusion_sim/innovations/README.md lists them")
    name: Name = P("Home telemonitoring for chronic heart failure", "label; DOMAIN.md sec. 7")
    target_group: Text = P("People with chronic heart failure known to their GP (ICPC K77)", "label; DOMAIN.md sec. 7")
    roles: PerTypeRole = P(
        PerTypeRole(hospital="primary", gp_practice="chain", home_care="chain"),
        "part each type plays: primary (runs it on its own), chain (starts only once a tied organisation runs it as "
        "primary adopter), none; hospitals primary, GP practices and home care secondary in the chain (DOMAIN.md sec. 7), "
        "that a chain partner waits for a tied primary adopter is an ASSUMPTION",
    )
    complexity: Complexity = P(
        "complicated", "NASSS class (simple, complicated, complex) that scales implementation failure and discontinuation by "
        "complexity_factor; Greenhalgh et al. 2017; heart failure: complicated (judgement, see the profile)"
    )
    complexity_factor: PerComplexity = P(
        PerComplexity(simple=0.5, complicated=1.0, complex=2.0),
        "multiplier on implementation failure and discontinuation per complexity class; ASSUMPTION after Greenhalgh et al. 2017 "
        "(NASSS: complex technologies are rarely adopted at scale or sustained), failure and discontinuation are given for a "
            "complicated one",
    )
    reimbursement_route: ReimbursementRoute = P(
        "insurer_contract", "how set-up costs get (partly) paid: insurer_contract (the insurer arranges it after demand, "
        "at a contract window), existing_tariff (paid from month 0), none (never); HartWacht contract, Zilveren Kruis 2016 "
            "(Skipr 2019)"
    )
    target_share: PerTypeShare = P(
        PerTypeShare(hospital=0.0069, gp_practice=0.0069, elderly_care=0.0, home_care=0.10, mental_health=0.0, pharmacy=0.0),
        "share of an organisation's patients in the target group; heart failure 13.8 per 1,000 (DERIVED from 13.3 men / 14.2 "
            "women, Nivel 2021 via VZinfo), half "
        "followed by hospital cardiology and half by the GP alone (ASSUMPTION); home care 10% of clients (ASSUMPTION 5-20%); "
        "elderly care, mental health and pharmacies do not run it (ASSUMPTION); 0 makes a type ineligible",
        prior=Prior(dist="loguniform", low=0.5, high=2.0, relative=True, source="Prevalences are sourced (Nivel 2021, GIP "
            "2023), but the hospital/GP split, home care's 5-20% (DOMAIN.md sec. 7, ASSUMPTION) and the count (Harteraad's "
            "142,000 against 247,600, docs/validation.md) are not: half to double; would narrow with hospital and home-care "
            "registrations of the target group."),
    )
    uptake: PerTypeShare = P(
        PerTypeShare(hospital=0.034, gp_practice=0.022, elderly_care=0.0, home_care=0.028, mental_health=0.0, pharmacy=0.0),
        "share of the target group enrolled at full use; heart failure FITTED to the Dutch facts 2012-2018: hospitals 3.4% "
            "(90%: 2.3-5.0%), chain partners tied (docs/validation.md), against 20-40% thought suitable (DOMAIN.md sec. 7)",
        prior=Prior(dist="loguniform", low=1 / 30, high=4 / 3, relative=True, source="for a profile without a fitted "
            "posterior: DOMAIN.md sec. 7 gives 20-40% suitable for heart failure (ASSUMPTION), but the Dutch facts fit 3.4% "
            "(docs/validation.md), a tenth of it; so 1/30 to 4/3 of each value; enrolment counts would narrow it."),
    )
    implementation_cost_eur: PerTypeEuros = P(
        PerTypeEuros(hospital=50_000, gp_practice=5_000, elderly_care=10_000, home_care=10_000, mental_health=10_000,
                      pharmacy=3_000),
        "EUR set-up cost for the first organisation that learns alone; hospital 25-100k, GP/pharmacy/VVT 2-15k (ASSUMPTION, "
            "DOMAIN.md sec. 6)",
        prior=Prior(dist="loguniform", low=0.4, high=3.0, relative=True, source="DOMAIN.md sec. 6 (ASSUMPTION there): hospital "
            "EUR 25-100k and others 2-15k, about 0.5-2 and 0.4-3 times the defaults, so 0.4-3 for every type; would narrow "
            "with project budgets of organisations that set it up (Effective Cardio, HartWacht)."),
    )
    implementation_months: PerTypeMonths = P(
        PerTypeMonths(hospital=9, gp_practice=3, elderly_care=4, home_care=4, mental_health=4, pharmacy=3),
        "months from decision to routine use; hospital 6-12, others 1-6 (ASSUMPTION, DOMAIN.md sec. 6)",
        prior=Prior(dist="loguniform", low=0.5, high=2.0, relative=True, source="DOMAIN.md sec. 6 (ASSUMPTION there): hospital "
            "6-12, others 1-6 months; half to double each value covers most of both (hospital 4.5-18); would narrow with "
            "decision and go-live dates of organisations that implemented it."),
    )
    implementation_months_sigma: float = P(0.3, "log-normal spread of implementation time; ASSUMPTION", ge=0, le=3,
        prior=Prior(dist="loguniform", low=0.15, high=0.6, source="ASSUMPTION: half to double (DOMAIN.md sec. 6's hospital "
            "6-12 months read as a 90% range would be 0.21); would narrow with the spread of go-live times between adopters."))
    implementation_failure: float = P(0.25, "probability an implementation never reaches routine use; 20-30% (ASSUMPTION, "
        "DOMAIN.md sec. 5)", ge=0, le=1,
        prior=Prior(dist="uniform", low=0.2, high=0.3, source="DOMAIN.md sec. 5: 20-30% of attempts never reach routine use "
            "(ASSUMPTION there, after Wiltsey Stirman et al. 2012 and NASSS); would narrow with follow-up of implementation "
            "projects (e.g. ZonMw programmes)."))
    discontinuation_per_year: float = P(
        0.06, "yearly rate at which adopters abandon it; 10-20% within 2-3 years (ASSUMPTION, Wiltsey Stirman 2012, NASSS)",
        ge=0, le=5,
        prior=Prior(dist="loguniform", low=0.035, high=0.11, source="DOMAIN.md sec. 5: 10-20% abandon within 2-3 years "
            "(ASSUMPTION there; Wiltsey Stirman et al. 2012), a rate of -ln(0.9)/3 = 0.035 to -ln(0.8)/2 = 0.11; would narrow "
            "with follow-up of adopters (e.g. the Effective Cardio hospitals)."),
    )
    discontinuation_unreimbursed_factor: float = P(
        1.5, "multiplier on discontinuation while running costs are not reimbursed; ASSUMPTION", ge=0, le=20,
        prior=Prior(dist="loguniform", low=1.0, high=3.0, source="ASSUMPTION: no source; from no effect (1) to three times as "
            "likely to stop while running costs are unpaid; would narrow with discontinuations before and after contracts."),
    )
    ramp_months: float = P(18, "months from go-live to full enrolment; 1-2 years (ASSUMPTION, DOMAIN.md sec. 7)", ge=0, le=120,
        prior=Prior(dist="uniform", low=2 / 3, high=4 / 3, relative=True, source="DOMAIN.md sec. 7: 1-2 years (ASSUMPTION "
            "there), 2/3 to 4/3 of each profile's value; the Dutch facts hardly narrow it (docs/validation.md); would narrow "
            "with monthly enrolment of new adopters."))
    running_cost_eur_per_patient_year: float = P(
        400.0, "EUR a year for each patient on it (devices, licence, monitoring-nurse time); telemonitoring EUR 200-600 "
        "(ASSUMPTION, DOMAIN.md sec. 6: about 1 nurse FTE per 150-300 patients); paid by the organisation, or by the "
        "insurer while it reimburses (ASSUMPTION)", ge=0, le=100_000,
        prior=Prior(dist="uniform", low=0.5, high=1.5, relative=True, source="DOMAIN.md sec. 6 gives EUR 200-600 for "
            "telemonitoring (ASSUMPTION): half to one and a half times the value; would narrow with a supplier's price list "
            "and the monitoring nurses' caseload."),
    )
    patient_turnover_per_year: float = P(
        0.33, "share of enrolled patients who leave within a year and are replaced by new ones; ASSUMPTION, after the 33.3% "
            "one-year "
        "mortality after a first heart-failure admission (Hartstichting, hartenvaatcijfers.nl)", ge=0, lt=1,
        prior=Prior(dist="uniform", low=0.5, high=1.5, relative=True, source="ASSUMPTION: heart failure's value, one-year "
            "mortality after a first admission (Hartstichting), overstates deaths of stable monitored patients but leaves out "
            "those who stop: half to 1.5 times each profile's value; would narrow with dropout and deaths among monitored "
            "patients."),
    )
    distinct_patients: PerTypeShare = P(
        PerTypeShare(hospital=1.0, gp_practice=1.0, elderly_care=1.0, home_care=0.5, mental_health=1.0, pharmacy=1.0),
        "share of an adopter's enrolled patients not already counted at another organisation; hospital-followed and GP-only "
        "patients are disjoint halves, home-care clients with heart failure are also hospital or GP patients, half of whom are "
        "assumed not yet reached there (ASSUMPTION)",
    )

    @model_validator(mode="before")
    @classmethod
    def _start_from_profile(cls, data: Any) -> Any:
        """Fill every key the scenario leaves out from the named profile (the scenario's keys win)."""
        if isinstance(data, BaseModel):
            return data
        data = dict(data or {})
        return merge_tables(profile_data(str(data.get("profile", DEFAULT_PROFILE))), data)

    @model_validator(mode="after")
    def _roles_fit_target_group(self) -> InnovationParams:
        shares, roles = self.target_share.as_tuple(), self.roles.as_tuple()
        for org_type, share, role in zip(ORG_TYPES, shares, roles, strict=True):
            if role == "none" and share > 0:
                raise ValueError(f"roles.{org_type} is 'none' but target_share.{org_type} is {share}; give it a role "
                                 f"(primary or chain) or set its target_share to 0")
        if not any(r == "primary" and s > 0 for s, r in zip(shares, roles, strict=True)):
            raise ValueError("no organisation type runs it on its own: give at least one type role 'primary' and a "
                "target_share > 0")
        return self

    def eligible_types(self) -> tuple[bool, ...]:
        """Per type in :data:`ORG_TYPES`: whether it serves the target group and has a part in the innovation."""
        return tuple(s > 0 and r != "none" for s, r in zip(self.target_share.as_tuple(), self.roles.as_tuple(), strict=True))

    def primary_types(self) -> tuple[str, ...]:
        """Types that run it on their own, in the order of :data:`ORG_TYPES`."""
        return tuple(t for t, e, r in zip(ORG_TYPES, self.eligible_types(), self.roles.as_tuple(), strict=True)
                     if e and r == "primary")

    def complexity_multiplier(self) -> float:
        """Factor on implementation failure and discontinuation for this innovation's complexity."""
        return float(getattr(self.complexity_factor, self.complexity))


class DiffusionParams(Section):
    """How organisations hear of, consider and decide on the innovation (Rogers' innovation-decision process)."""

    p: float = P(0.01, "per year, Bass coefficient of innovation (outside influence); isolated 0.01 (ASSUMPTION, DOMAIN.md "
        "sec. 4; Sultan et al. 1990 mean 0.03)", ge=0, le=50,
        prior=Prior(dist="loguniform", low=0.003, high=0.1, source="DOMAIN.md sec. 4: isolated 0.01 (ASSUMPTION), Sultan et "
            "al. 1990 mean 0.03 for consumer products; a third of the first to three times the second, which the Dutch facts "
            "hardly narrow (docs/validation.md); would narrow with adoption dates of more organisations."))
    q: float = P(0.20, "per year, Bass coefficient of imitation acting on the share of an organisation's ties that adopted; "
        "0.15-0.25 isolated (ASSUMPTION, DOMAIN.md sec. 4; Sultan et al. 1990 mean 0.38)", ge=0, le=50,
        prior=Prior(dist="loguniform", low=0.05, high=0.8, source="DOMAIN.md sec. 4: 0.15-0.25 isolated (ASSUMPTION), Sultan "
            "et al. 1990 mean 0.38; a quarter to four times the default, since q here acts on awareness through an "
            "organisation's own ties; would narrow with adoption dates together with who knows whom."))
    innovativeness_effect: float = P(
        0.5, "log hazard ratio of awareness and consideration per standard deviation of innovativeness (Rogers' categories cut "
            "at -1, 0, +1, +2 SD); ASSUMPTION", ge=0, le=5,
        prior=Prior(dist="loguniform", low=0.15, high=1.2, source="ASSUMPTION: a hazard ratio of 1.16 to 3.3 per SD of "
            "innovativeness; would narrow with adoption times against organisation characteristics (size, teaching status)."),
    )
    consideration_per_year: float = P(2.0, "per year, rate at which an aware organisation starts a decision process; "
        "ASSUMPTION (about 6 months on average)", ge=0, le=10_000,
        prior=Prior(dist="loguniform", low=0.5, high=8.0, source="ASSUMPTION: 1.5 months to 2 years on average from "
            "awareness to a decision process; would narrow with when organisations heard of it and when they began to decide."))
    decision_months: int = P(3, "months a decision process takes; ASSUMPTION", ge=0, le=60,
        prior=Prior(dist="loguniform", low=1.0, high=12.0, source="ASSUMPTION: 1 to 12 months (board and budget cycles); "
            "would narrow with dated decision records (board minutes, project start documents)."))
    reconsideration_per_year: float = P(0.2, "per year, rate at which an organisation that rejected it becomes open again; "
        "ASSUMPTION", ge=0, le=50,
        prior=Prior(dist="loguniform", low=0.05, high=0.8, source="ASSUMPTION: an organisation that said no looks again "
            "after about 1 to 20 years; would narrow with repeat decisions in the same records."))


class BarrierParams(Section):
    """Barriers at the decision: P(adopt) = product over barriers of (1 - weight x strength), each strength in 0..1."""

    financial_weight: float = P(0.8, "weight of cost against financial room, cost/(cost+room); ASSUMPTION (Greenhalgh et al. "
        "2004: slack resources)", ge=0, le=1,
        prior=Prior(dist="uniform", low=0.2, high=1.0, source="ASSUMPTION: Greenhalgh et al. 2004 name slack resources, not "
            "their weight, so most of 0-1, money no less than the others; would narrow with non-adopters' stated reasons."))
    knowhow_weight: float = P(
        0.5, "weight of missing know-how; ASSUMPTION (Greenhalgh et al. 2004: absorptive capacity)", ge=0, le=1,
        prior=Prior(dist="uniform", low=0.1, high=0.9, source="ASSUMPTION: Greenhalgh et al. 2004 name absorptive capacity, "
            "not its weight, so most of 0-1; would narrow with non-adopters' stated reasons (a survey)."),
    )
    knowhow_per_adopted_tie: float = P(0.3, "share of the know-how gap closed by each tie that has ever adopted (and by each "
        "shared regional adopter); ASSUMPTION (Coleman et al. 1957)", ge=0, le=1,
        prior=Prior(dist="loguniform", low=0.1, high=0.6, source="ASSUMPTION: Coleman et al. 1957 show that colleagues' "
            "experience spreads, not how much, so a third to double; would narrow with adoption against adopted ties."))
    staff_weight: float = P(0.5, "weight of missing staff capacity; ASSUMPTION (CBS vacancies 2022)", ge=0, le=1,
        prior=Prior(dist="uniform", low=0.1, high=0.9, source="ASSUMPTION: vacancies (CBS 2022) show shortage, not its weight "
            "in a decision, so most of 0-1; would narrow with non-adopters' stated reasons (a survey)."))
    fit_weight: float = P(0.5, "weight of poor fit, exp(-patients at full use / fit_scale_patients); ASSUMPTION (Greenhalgh et "
        "al. 2004: fit)", ge=0, le=1,
        prior=Prior(dist="uniform", low=0.1, high=0.9, source="ASSUMPTION: Greenhalgh et al. 2004 name fit, not its weight, "
            "so most of 0-1; would narrow with non-adopters' stated reasons (a survey)."))
    # at most 10,000: above any organisation's patients at full use (all of Zeeland's heart-failure patients at one
    # hospital would be 5,400: 392,969 inhabitants x 1.38%, DOMAIN.md sec. 1 and the target share's source)
    fit_scale_patients: float = P(10.0, "patients at full use below which the innovation fits poorly; ASSUMPTION", gt=0,
        le=10_000,
        prior=Prior(dist="loguniform", low=3.0, high=30.0, source="ASSUMPTION: a third to three times; would narrow with the "
            "smallest caseloads at which organisations run it."))
    own_learning_per_doubling: float = P(
        0.10, "fall in set-up cost, time and failure per doubling of adopters among an organisation's own ties; ~10% "
            "(ASSUMPTION after DOMAIN.md sec. 8, which counts own attempts and cost and time only; Wright 1936)", ge=0, lt=1,
        prior=Prior(dist="uniform", low=0.0, high=0.2, source="DOMAIN.md sec. 8: about 10% for own attempts (ASSUMPTION); "
            "here ties' adopters count, so none to Wright's (1936) typical 20%; would narrow with costs and times of "
            "successive adopters."),
    )


class FacilitationParams(Section):
    """The regional facilitation team (Multinnoveren): what it does (levers) and what that achieves (effects).

    Levers are the region's choices and are never drawn: the budget, the team's members and their
    hours, meetings a year, whether it runs a knowledge network, the insurer's part and whom it
    approaches first. All are zero or off when organisations scale on their own. Costs and effects
    are uncertain and carry priors; each acts only through a lever (support needs hours and money, a
    meeting needs a meeting), so their central values can stand in every scenario. With every effect
    at its null (0, or an odds ratio of 1) the team changes nothing but cost, whatever its budget and
    time (tested). How many organisations it supports at once is not a parameter: the team's hours
    and what the budget pays decide it, and the results say which of the two binds.
    """

    # --- levers: what the region decides
    budget_eur_per_year: float = P(0.0, "EUR a year for facilitation and knowledge sharing; 10,000 (Multinnoveren proposal); 0 "
        "when isolated", ge=0, le=10_000_000)
    team_members: int = P(0, "people in the regional team from the deciding stakeholders; about 6 (Multinnoveren proposal); 0 "
        "when "
        "isolated", ge=0, le=1000)
    hours_per_member_per_month: float = P(8.0, "hours a month each member gives the team, in kind (paid by their own "
        "organisation); "
        "ASSUMPTION: a lever the partners set, 4-16 is a plausible commitment (one to four half days a month)", ge=0, le=200)
    events_per_year: int = P(0, "regional knowledge-sharing meetings a year, at most one a month; 4 (quarterly) in the "
        "collaborative scenario, a lever (ASSUMPTION); 0 when isolated", ge=0, le=12)
    knowledge_network: bool = P(False, "the team runs a regional knowledge network (shared protocols, a community of practice) "
        "through which the region's experience reaches every organisation; off when isolated")
    insurer_engaged: bool = P(False, "the insurer takes part in the team (its time in kind) and starts arranging reimbursement "
        "when the team takes the innovation up; ASSUMPTION (the proposal names the insurer among the deciding stakeholders)")
    priority_types: tuple[OrgType, ...] = P(
        ("hospital", "home_care", "gp_practice"), "order in which the team approaches organisation types; ASSUMPTION: most "
            "patients per contact first"
    )
    # --- costs: what the levers use
    support_hours_per_org_month: float = P(
        8.0, "team hours per supported organisation-month (visits, calls, preparation); ASSUMPTION: about two half-day "
            "contacts a "
        "month, after the intensity of practice facilitation (DOMAIN.md sec. 9)", gt=0, le=200,
        prior=Prior(dist="triangular", low=4.0, mode=8.0, high=16.0, source="ASSUMPTION: one to four half-day contacts a month "
                    "(practice facilitation, Baskerville et al. 2012); would narrow with the time sheets of a facilitation "
                        "pilot"),
    )
    support_cost_eur_per_month: float = P(
        250.0, "EUR from the budget per supported organisation-month (travel, materials, small external help); ASSUMPTION", ge=0,
        le=100_000, prior=Prior(dist="uniform", low=100.0, high=500.0, source="ASSUMPTION: travel and materials for two visits "
                                "and a share of shared tools; would narrow with a pilot's accounts"),
    )
    event_cost_eur: float = P(
        500.0, "EUR from the budget per meeting (venue, demonstration, catering); ASSUMPTION", ge=0, le=1_000_000,
        prior=Prior(dist="uniform", low=250.0, high=1000.0, source="ASSUMPTION: a half-day regional meeting for 20-60 people; "
                    "would narrow with quotes from venues in the region"),
    )
    event_hours: float = P(
        24.0, "team hours to prepare and hold one meeting, in kind; ASSUMPTION", ge=0, le=1000,
        prior=Prior(dist="uniform", low=12.0, high=48.0, source="ASSUMPTION: two to six people for a half day plus preparation; "
                    "would narrow with the team's own planning"),
    )
    knowledge_network_hours_per_month: float = P(
        8.0, "team hours a month to run the knowledge network, in kind; ASSUMPTION", ge=0, le=1000,
        prior=Prior(dist="uniform", low=4.0, high=16.0, source="ASSUMPTION: keeping protocols and a community of practice up to "
                    "date; would narrow with the time sheets of an existing regional network"),
    )
    in_kind_rate_eur_per_hour: float = P(
        60.0, "EUR per hour of the team's in-kind time (salary and overhead of care professionals and managers), to price the "
            "time "
        "the partners give; ASSUMPTION", ge=0, le=1000,
        prior=Prior(dist="uniform", low=40.0, high=90.0, source="ASSUMPTION: hourly cost of nurses to managers including "
                    "overhead; would narrow with the reference prices of the Dutch costing manual (Zorginstituut)"),
    )
    # --- effects: what the team's work achieves (null: 0, or an odds ratio of 1)
    support_awareness: float = P(
        0.5, "probability a month that the team's approach makes a supported organisation that has not heard of it aware; "
        "ASSUMPTION (DOMAIN.md sec. 9: support does not make awareness instantaneous)", ge=0, le=1,
        prior=Prior(dist="uniform", low=0.2, high=0.9, source="ASSUMPTION: an approach reaches the right person within one to "
                    "five months; would narrow with a facilitation pilot's contact log"),
    )
    support_consideration: float = P(
        1.0, "relative increase in the rate at which a supported organisation that knows of it starts a decision (hazard ratio "
        "1 + this); ASSUMPTION (DOMAIN.md sec. 9: support can shorten it; organisations still take their own time)", ge=0, le=50,
        prior=Prior(dist="uniform", low=0.0, high=3.0, source="ASSUMPTION: support brings the decision forward by up to a factor "
                    "four; would narrow with time-to-decision data from a facilitation programme"),
    )
    support_decision_odds_ratio: float = P(
        1.66, "odds ratio of deciding to implement when supported (1: no effect); Baskerville, Liddy & Hogg 2012 (meta-analysis "
        "of practice facilitation): 2.76 (2.18-3.43), an upper value given publication bias (DOMAIN.md sec. 9)", ge=0, le=100,
        prior=Prior(dist="lognormal", low=1.0, high=2.76,
                    source="Baskerville et al. 2012 pooled odds ratio 2.76 read as an upper value (publication bias), no effect "
                           "(1) as the lower: 90% 1-2.76, median 1.66 (DOMAIN.md sec. 9); would narrow with a controlled "
                           "facilitation study in Dutch care"),
    )
    support_time_reduction: float = P(
        0.3, "relative fall in decision and implementation time with support; ASSUMPTION (DOMAIN.md sec. 9)", ge=0, le=1,
        prior=Prior(dist="uniform", low=0.0, high=0.5, source="ASSUMPTION: from no gain to halving the time; would narrow with "
                    "implementation times of facilitated against unfacilitated sites"),
    )
    support_failure_reduction: float = P(
        0.4, "relative fall in implementation failure with support; ASSUMPTION (context: Wells et al. 2018, 83% of "
        "collaboratives improved a measure, few lasting; Schouten et al. 2008, 7 of 9)", ge=0, le=1,
        prior=Prior(dist="uniform", low=0.1, high=0.6, source="ASSUMPTION around Wells et al. 2018 and Schouten et al. 2008 "
                    "(DOMAIN.md sec. 8); would narrow with failure rates of facilitated implementations"),
    )
    event_attendance: PerTypeShare = P(
        PerTypeShare(hospital=0.3, gp_practice=0.05, elderly_care=0.1, home_care=0.15, mental_health=0.1, pharmacy=0.05),
        "share of the organisations of each type that have not heard of it that a regional meeting reaches (someone attends or "
        "hears of it there); ASSUMPTION: hospitals and home care send people to regional meetings more than single GP practices",
        prior=Prior(dist="loguniform", low=0.33, high=2.0, relative=True, source="ASSUMPTION: a third to double the central "
                    "share per type; would narrow with attendance lists of regional meetings"),
    )
    knowledge_sharing: float = P(
        0.5, "share (0-1) of the region's cumulative adopters whose experience reaches every organisation through the knowledge "
        "network (regional learning curve); ASSUMPTION", ge=0, le=1,
        prior=Prior(dist="uniform", low=0.2, high=0.8, source="ASSUMPTION: a network passes on between a fifth and most of what "
                    "adopters learned; would narrow with a network's reach (who uses its protocols)"),
    )
    knowledge_sharing_across_types: float = P(
        0.25, "weight (0-1) of other organisation types' experience in what an organisation learns from the network (1: a GP "
        "practice learns from a hospital's experience as from another GP practice's); ASSUMPTION", ge=0, le=1,
        prior=Prior(dist="uniform", low=0.0, high=0.5, source="ASSUMPTION: learning transfers less across settings (Pisano et "
                    "al. 2001: even within one procedure, learning differs between teams); would narrow with cross-setting "
                        "studies"),
    )
    regional_learning_per_doubling: float = P(
        0.175, "fall in set-up cost, time and failure per doubling of the region's shared experience; 15-20% (ASSUMPTION, "
            "DOMAIN.md sec. 8 for cost and time; Wright 1936)", ge=0, lt=1,
        prior=Prior(dist="uniform", low=0.15, high=0.20,
                    source="DOMAIN.md sec. 8: 15-20% per doubling of regional adopters (Wright 1936), an ASSUMPTION for care "
                           "organisations; would narrow with the set-up costs of successive adopters in one region"),
    )


class InsurerParams(Section):
    """The health insurer (CZ is the main purchaser in both Zeeland and West-Brabant, ASSUMPTION)."""

    reimburses: bool = P(True, "whether the insurer arranges reimbursement at all; ASSUMPTION (precedent: HartWacht reimbursed "
        "by Zilveren Kruis since 2016, Skipr 2019)")
    demand_threshold: int = P(
        3, "adopters outside the origin before the insurer starts to arrange reimbursement; ASSUMPTION", ge=0,
        le=10_000,  # more than all GP practices and pharmacies of the Netherlands (5,677 + 1,975; DOMAIN.md sec. 2)
        prior=Prior(dist="loguniform", low=1.0, high=10.0, source="ASSUMPTION: 1 to 10 adopters; would narrow with the "
            "insurer's purchasing criteria or the number of providers when telemonitoring was first contracted."),
    )
    negotiation_months: int = P(
        12, "months from the start of arranging to a contract; 6-18 (ASSUMPTION, DOMAIN.md sec. 6)", ge=0, le=120,
        prior=Prior(dist="uniform", low=5.5, high=18.5, source="DOMAIN.md sec. 6: 6-18 months (ASSUMPTION there), each whole "
            "month equally likely; would narrow with the dates of requests and contracts (e.g. HartWacht)."),
    )
    contract_month: int = P(1, "calendar month in which contracts take effect; yearly purchasing cycle (ASSUMPTION, DOMAIN.md "
        "sec. 6)", ge=1, le=12)
    cost_share: float = P(0.5, "share of set-up cost the contract covers; ASSUMPTION", ge=0, le=1,
        prior=Prior(dist="uniform", low=0.1, high=0.9, source="ASSUMPTION: a share of set-up cost stands for contracts that "
            "pay a service (DOMAIN.md sec. 6), so most of 0-1; would narrow with the terms of telemonitoring contracts."))
    # --- explorer lever (issue 8): "what if the insurer reimburses from month M?" -----------------
    fixed_start_month: int | None = P(
        None, "month of the run from which reimbursement applies, whatever the demand, negotiation or contract month "
        "(none: it follows them); a policy lever to explore, not an estimate: no source", ge=1, le=600
    )
    # --- end explorer lever -----------------------------------------------------------------------


class OriginParams(Section):
    """The organisation that already runs the proven innovation and demonstrates it."""

    org_type: OrgType = P("hospital", "type of the origin organisation; ASSUMPTION: a hospital heart-failure clinic (DOMAIN.md "
        "sec. 7)")
    municipality: str = P("GM0664", "CBS code of its municipality; ASSUMPTION: Adrz, Goes")
    further_municipalities: tuple[str, ...] = P(
        (), "CBS codes of further municipalities where an organisation of the same type already runs it at month 0 (one each, "
        "the nearest to the municipal seat); none in Zuidwest (ASSUMPTION)"
    )
    early_adopter_share: float = P(0.0, "share (0-1) of the region's other eligible organisations of the origin type that also "
        "already run it at month 0, picked at random in each replication (stream 'origins'); 0 in Zuidwest (ASSUMPTION: the "
        "origin is the only one); the Dutch 2012 validation fits it to the 2013 inventory (docs/validation.md)", ge=0, le=1)
    demonstration_per_year: float = P(0.3, "per year, extra awareness hazard for eligible organisations within the radius; "
        "ASSUMPTION", ge=0, le=50,
        prior=Prior(dist="uniform", low=0.0, high=1.2, source="ASSUMPTION: none to four times the default; the Dutch facts "
            "push it up (median 0.60 in a 0-0.9 prior, docs/validation.md); would narrow with who visited or heard from the "
            "origin."))
    demonstration_radius_km: float = P(40.0, "km reach of its demonstrations; ASSUMPTION", ge=0,
        le=500,  # beyond the farthest two municipal seats of the Netherlands, Sluis and Oldambt (315 km; shared data)
        prior=Prior(dist="loguniform", low=20.0, high=80.0, source="ASSUMPTION: half to double (Zuidwest spans about 100 "
            "km); would narrow with where the origin's visitors came from."))


class PortfolioParams(Section):
    """Several innovations served by one facilitation team with one budget (Multinnoveren's next step)."""

    innovations: tuple[str, ...] = P(
        (), "profile names in the order the team takes them up (empty: the single [innovation] section); "
        "profiles and their sources in src/diffusion_sim/innovations/"
    )
    schedule: Literal["sequential", "simultaneous"] = P(
        "sequential", "sequential (one innovation at a time, then all after the last) or simultaneous (all from month 1, "
        "places split evenly); ASSUMPTION: the two options the initiative weighs"
    )
    months_per_innovation: int = P(12, "months the team spends on each innovation when sequential; ASSUMPTION: one a year, as "
        "the initiative plans", ge=1, le=600)
    carryover: float = P(
        0.2, "relative fall (0-1) in implementation time and failure for an organisation that already implemented another "
        "innovation of the portfolio; ASSUMPTION, range 0-0.4 (organisational learning, Greenhalgh et al. 2004: absorptive "
            "capacity)", ge=0, le=1,
        prior=Prior(dist="uniform", low=0.0, high=0.4, source="ASSUMPTION: the description's range 0-0.4 (Greenhalgh et al. "
            "2004: absorptive capacity); would narrow with implementation times of organisations' second innovations."),
    )
    @field_validator("innovations")
    @classmethod
    def _known_profiles(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        for name in names:
            profile_data(name)  # an unknown name fails here, with close matches
        return names

    knowledge_sharing_persists: bool = P(
        True, "whether the knowledge-sharing network the team set up for an innovation keeps sharing after the team moves on "
        "(support and meetings stop); ASSUMPTION"
    )


class PopulationDistributions(Section):
    """How innovation k of a population draws its continuous attributes (claim 3; ``population.py``).

    Each is a :class:`~diffusion_sim.distributions.Prior` with its source; a relative one gives factors
    on a typical value (the population's per-type value, or 1 for visibility).
    """

    target_share: Prior = P(
        Prior(dist="loguniform", low=0.25, high=4.0, relative=True, source="ASSUMPTION: a quarter to four times the primary "
              "type's typical share; the shipped profiles span 0.005 to 0.064 of an organisation's patients"),
        "factor on population.target_share of the innovation's primary type; source in the distribution")
    uptake: Prior = P(
        Prior(dist="loguniform", low=0.02, high=0.4, source="ASSUMPTION between heart failure's fitted 3.4% (90%: 2.3-5.0%, "
              "docs/validation.md) and the 30% assumed for COPD remote monitoring and medication review (profiles), 20-40% "
              "thought suitable (DOMAIN.md sec. 7)"),
        "share of the target group enrolled at full use; source in the distribution")
    implementation_cost_eur: Prior = P(
        Prior(dist="loguniform", low=0.4, high=3.0, relative=True, source="DOMAIN.md sec. 6 (ASSUMPTION there): hospital EUR "
              "25-100k, others 2-15k, about 0.4-3 times the typical values"),
        "factor on population.implementation_cost_eur of the primary type; source in the distribution")
    implementation_months: Prior = P(
        Prior(dist="loguniform", low=0.5, high=2.0, relative=True, source="DOMAIN.md sec. 6 (ASSUMPTION there): hospital "
              "6-12, others 1-6 months, half to double the typical values"),
        "factor on population.implementation_months of the primary type; source in the distribution")
    visibility: Prior = P(
        Prior(dist="lognormal", low=1 / 3, high=3.0, relative=True, source="ASSUMPTION: innovations differ in how widely they "
              "are noticed (Rogers 2003: observability), 90% within a third to three times the population's typical one; "
              "would narrow with how many organisations knew of each of a set of innovations"),
        "factor on the calibration parameters of one innovation (besides population.calibration_scale); source in the "
        "distribution")


class PopulationParams(Section):
    """A population of proven innovations, for the share of scale-ups that succeed (claim 3; ``diffusion-sim population``).

    Innovation k draws its primary adopter type, NASSS complexity, reimbursement route and class of
    evidence from the shares below, and its target group, uptake, set-up cost and months and
    visibility from :class:`PopulationDistributions`, all from streams keyed by the root seed and k
    only (``population.py``). Only its primary type runs it; the rest of the scenario (region,
    organisations, barriers, the team) stays as it is. Not used by any other command.
    """

    innovations: int = P(400, "count of innovations drawn; a setting: 400 gives the population's success share a Monte Carlo "
        "error of about 2 points (docs/population.md)", ge=1, le=100_000)
    replications: int = P(2, "replications per innovation and strategy, nested in the innovation (replication r of innovation "
        "k has the same random numbers and parameter draw in every strategy); a setting: innovations differ more than "
        "runs of one innovation, so more innovations shrink the error faster (docs/population.md)", ge=1, le=10_000)
    success_months: int = P(60, "months within which a scale-up must reach patients beyond the origin, and at whose end it "
        "must still be in use (outcomes.scale_up); 5 years, the longest NZa experiment (BR/REG-17164), as the model's "
        "horizon", ge=1, le=600)
    calibration_scale: float = P(1.0, "factor on every innovation's calibration_parameters (their values and priors); 1: as "
        "the scenario has them; CALIBRATED in a population scenario to the initiative's own 35% (`diffusion-sim population "
        "--calibrate`), which is its claim, not evidence (DOMAIN.md sec. 5)", gt=0, le=1000)
    calibration_parameters: tuple[str, ...] = P(
        ("diffusion.p", "diffusion.q", "origin.demonstration_per_year"), "the parameters calibration_scale multiplies: how "
        "word of an innovation travels on its own (outside, word of mouth, the origin's demonstrations); their values are "
        "for consumer products (Sultan et al. 1990) and none were found for care organisations (DOMAIN.md sec. 4)")
    calibration_tolerance: float = P(0.03, "share; how close to the initiative's 35% the calibrated isolated success share "
        "must come on the calibration innovations; ASSUMPTION: about one and a half Monte Carlo errors of 400 innovations",
        gt=0, le=0.5)
    primary_type: PerTypeShare = P(
        PerTypeShare(hospital=0.35, gp_practice=0.2, elderly_care=0.1, home_care=0.15, mental_health=0.1, pharmacy=0.1),
        "share of innovations that each organisation type runs on its own (the only type that runs it; the origin is of that "
        "type); ASSUMPTION: innovations arise in every setting, hospitals most (eHealth-monitor 2015: eHealth pilots at over a "
        "third of GPs, over half of medical specialists, two thirds of psychiatrists; DOMAIN.md sec. 5)")
    complexity: PerComplexity = P(
        PerComplexity(simple=0.3, complicated=0.5, complex=0.2),
        "share of innovations in each NASSS class; ASSUMPTION after Greenhalgh et al. 2017 (technology-supported programmes "
        "are mostly complicated or complex); the shipped profiles: two complicated, one simple")
    reimbursement_route: PerRoute = P(
        PerRoute(insurer_contract=0.5, existing_tariff=0.2, none=0.3),
        "share of innovations on each route; ASSUMPTION: the shipped profiles have two insurer contracts and one existing "
        "tariff; IBO Innovatie in de zorg (2017) names paying for process innovations a bottleneck, so some have none")
    evidence: PerEvidence = P(
        PerEvidence(strong=0.3, moderate=0.5, limited=0.2),
        "share of the proven innovations in each class of evidence; ASSUMPTION: heart-failure telemonitoring is strong "
        "(Cochrane review, Inglis et al. 2015), COPD remote monitoring moderate (trials in three hospitals, NOS 2018)")
    evidence_factor: PerEvidence = P(
        PerEvidence(strong=0.8, moderate=1.0, limited=1.5),
        "multiplier on implementation failure and discontinuation (the scenario's values and priors) per class of evidence; "
        "ASSUMPTION after Wells et al. 2018 (collaboratives succeeded with strong evidence) and Greenhalgh et al. 2004 "
        "(relative advantage must be evident); range 0.5-2 (docs/population.md)")
    target_share: PerTypeShare = P(
        PerTypeShare(hospital=0.006, gp_practice=0.02, elderly_care=0.3, home_care=0.10, mental_health=0.10, pharmacy=0.03),
        "typical share of an organisation's patients in an innovation's target group, per primary type; hospital: heart "
        "failure 0.0069, COPD 0.005; GP: heart failure 0.0069, COPD 0.02, polypharmacy 0.064, geometric mean 0.02 (profiles, "
        "DERIVED); pharmacy: half the polypharmacy group; home care 0.10 (heart-failure profile, ASSUMPTION); elderly care "
        "and mental health ASSUMPTION")
    implementation_cost_eur: PerTypeEuros = P(
        PerTypeEuros(hospital=50_000, gp_practice=5_000, elderly_care=10_000, home_care=10_000, mental_health=10_000,
                      pharmacy=3_000),
        "typical EUR set-up cost per primary type; hospital 25-100k, others 2-15k (ASSUMPTION, DOMAIN.md sec. 6), as the "
        "heart-failure profile")
    implementation_months: PerTypeMonths = P(
        PerTypeMonths(hospital=9, gp_practice=3, elderly_care=4, home_care=4, mental_health=4, pharmacy=3),
        "typical months from decision to routine use per primary type; hospital 6-12, others 1-6 (ASSUMPTION, DOMAIN.md "
        "sec. 6)")
    distributions: PopulationDistributions = PopulationDistributions()


class RegionParams(Section):
    """Which municipalities form the region."""

    preset: str = P("zuidwest", "name of a shipped region: zuidwest (Zeeland + Regio West-Brabant, DOMAIN.md sec. 1), "
        "rotterdam-rijnmond, nederland; used when neither province nor municipalities is given")
    province: str = P("", "name of a province (CBS spelling, e.g. Zeeland, Fryslân); used instead of the preset when given")
    municipalities: tuple[str, ...] = P((), "CBS municipality codes (e.g. GM0664); used instead of province and preset when "
        "given")
    hospitals_per_100k: float = P(
        0.39, "hospital organisations per 100,000 inhabitants where the shipped list of hospitals does not cover the region; "
            "69 organisations (VZinfo 2023) / 17.8 M", ge=0,
        le=10,  # one hospital per 10,000 inhabitants: 26x the national rate, 4x one hospital in Goes (39,677)
    )
    jitter_km: float = P(
        3.0, "spread of organisations around their municipal seat, scaled by municipal size; ASSUMPTION", ge=0, le=50
    )
    tiles: int = P(
        1, "count; copies of the region side by side, a synthetic region for scaling studies (1 = the real region)", ge=1, le=1000
    )


class UncertaintyParams(Section):
    """Parameter uncertainty: whether each replication draws its parameters, and from what (``draws.py``)."""

    draws: bool = P(True, "each replication draws one value of every uncertain parameter (the innovation profile's fitted "
        "posterior, the priors of the others), paired across the scenarios of a comparison; false: every replication uses "
        "the values above, so intervals show chance only")
    replications_per_draw: int = P(2, "replications; consecutive replications share one parameter draw, so chance and "
        "parameter uncertainty can be told apart (a nested design: 2 is the least that separates them, more "
        "replications per draw spend the budget on chance instead of on the parameters); design choice", ge=1, le=1000)
    region_realisations: int = P(50, "the synthetic region (organisation sizes, places, financial room, staff time, "
        "innovativeness, ties) is one random realisation of the real one; with draws, draw d runs on realisation d mod this "
        "(realisation 0 is the root seed's region, used without draws); ASSUMPTION: 50, with which the headline medians of "
        "the default comparison move at most 4.2% between root seeds (20: 6.7%; benchmarks/headline_stability.py); "
        "1: one region per root seed", ge=1, le=1000)
    posterior: bool = P(True, "draw the innovation profile's fitted parameters from its shipped posterior sample, where it "
        "has one (innovations/<profile>.posterior.csv); false: from their priors")
    posterior_file: str = P("", "a posterior sample to draw the profile's fitted parameters from instead of the shipped one: "
        "a CSV with its provenance JSON beside it (as `diffusion-sim validate` writes them, posterior.csv and posterior.json), "
        "relative to the scenario file; its provenance must name the scenario's innovation profile")
    fixed: tuple[str, ...] = P((), "dotted parameter names; held at this scenario's value in every draw; "
        "the scenario's choice")
    priors: dict[str, Prior] = P({}, "distributions; the priors this scenario gives in its [uncertain] "
        "table, replacing the schema's for those parameters (and the ranges `diffusion-sim sensitivity` varies); each "
        "with its own source in the scenario file")


class Params(Section):
    """All inputs of one scenario."""

    name: Name = P("unnamed", "scenario name, used in tables and figures")
    description: Text = P("", "one sentence on what the scenario represents")
    simulation: SimulationParams = SimulationParams()
    region: RegionParams = RegionParams()
    organisations: OrganisationParams = OrganisationParams()
    network: NetworkParams = NetworkParams()
    innovation: InnovationParams = InnovationParams()
    diffusion: DiffusionParams = DiffusionParams()
    barriers: BarrierParams = BarrierParams()
    facilitation: FacilitationParams = FacilitationParams()
    insurer: InsurerParams = InsurerParams()
    origin: OriginParams = OriginParams()
    portfolio: PortfolioParams = PortfolioParams()
    population: PopulationParams = PopulationParams()
    uncertainty: UncertaintyParams = UncertaintyParams()

    @model_validator(mode="after")
    def _uncertain_names_are_parameters(self) -> Params:
        known = names()
        for where, listed, numeric in (("uncertainty.priors", self.uncertainty.priors, True),
                                       ("uncertainty.fixed", self.uncertainty.fixed, False)):
            for name in listed:
                if name not in known or (numeric and known[name] not in ("float", "int")):
                    allowed = [k for k, v in known.items() if v in ("float", "int") or not numeric]
                    close = difflib.get_close_matches(name, allowed, n=1)
                    hint = f"; did you mean '{close[0]}'?" if close else ""
                    what = "unknown parameter" if name not in known else "not a numeric parameter"
                    raise ValueError(f"{where}: {what} '{name}'{hint}")
        return self

    @model_validator(mode="after")
    def _population_is_consistent(self) -> Params:
        pop = self.population
        for name in ("primary_type", "complexity", "reimbursement_route", "evidence"):
            total = sum(getattr(pop, name).model_dump().values())
            if abs(total - 1.0) > 1e-6:
                raise ValueError(f"population.{name}: the shares sum to {total:g}; they must sum to 1")
        typical = pop.target_share.model_dump()
        for org_type, share in pop.primary_type.model_dump().items():
            if share > 0 and typical[org_type] <= 0:
                raise ValueError(f"population.target_share.{org_type}: must be above 0, since population.primary_type."
                                 f"{org_type} is {share:g} (innovations that type runs need a target group)")
        known, floats = names(), _model_floats()
        for name in pop.calibration_parameters:
            if name not in floats:
                close = difflib.get_close_matches(name, floats, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                what = "unknown parameter" if name not in known else "not a decimal parameter of the model"
                raise ValueError(f"population.calibration_parameters: {what} '{name}'{hint}")
        if len(set(pop.calibration_parameters)) != len(pop.calibration_parameters):
            raise ValueError("population.calibration_parameters: a parameter is named twice")
        return self

    @model_validator(mode="after")
    def _priors_reach_their_range(self) -> Params:
        # a prior wholly outside its parameter's range would make every draw that range's nearest limit, silently
        # (issue 18: low = 1e300 for diffusion.q ran with q = 50 in every replication)
        for name, prior in self.uncertainty.priors.items():
            node: Any = self
            for key in name.split("."):
                node = getattr(node, key)
            lo, hi = prior.bounds(float(node) if prior.relative else 1.0)
            lower, upper = bounds(name)
            if hi < lower or lo > upper:
                raise ValueError(f"uncertainty.priors: the prior of '{name}' ({lo:g} to {hi:g}) lies wholly outside its "
                                 f"allowed range ({lower:g} to {upper:g}); every draw would be that limit")
        return self

    @model_validator(mode="after")
    def _origin_is_eligible(self) -> Params:
        if not self.portfolio.innovations and self.origin.org_type not in self.innovation.primary_types():
            raise ValueError(
                f"origin.org_type: '{self.origin.org_type}' does not run {self.innovation.name!r} on its own; "
                f"allowed: {', '.join(self.innovation.primary_types())}"
            )
        return self

    def innovation_tracks(self) -> list[InnovationParams]:
        """The innovations this scenario runs: the portfolio's profiles, or the single [innovation] section.

        In a portfolio, the innovation with the [innovation] section's profile takes that section, with
        any values the scenario or ``--set`` changed; the others are their profiles as shipped.
        """
        if not self.portfolio.innovations:
            return [self.innovation]
        return [self.innovation if name == self.innovation.profile else InnovationParams.model_validate({"profile": name})
                for name in self.portfolio.innovations]

    def origin_type(self, innovation: InnovationParams) -> str:
        """Type of the organisations that already run ``innovation``.

        ``origin.org_type`` if it runs it on its own, else its first primary type.
        """
        primary = innovation.primary_types()
        return self.origin.org_type if self.origin.org_type in primary else primary[0]


# ---------------------------------------------------------------- the one door: read, change and list by dotted name
# Every way a value reaches a model goes through here: scenario files and --set (scenario.py), --vary and
# designs (analysis/space.py), run_model(**kw) (api.py), DiffusionModel(**kw) (Mesa's tools), the explorer's
# levers and calibration. So a name or a value is checked once, with one message, wherever it comes from.
LEAF_BLOCKS = (PerTypeShare, PerTypeAmount, PerTypeRate, PerTypeClients, PerTypeSpread, PerTypeEuros, PerTypeMonths,
               PerTypeRole, PerComplexity, PerRoute, PerEvidence)
Kind = Literal["float", "int", "bool"]


def normalise(name: str) -> str:
    """A parameter name as written anywhere -> its dotted form (``diffusion__q`` -> ``diffusion.q``).

    Python keywords cannot hold a dot, so Mesa's tools and the EMA Workbench pass ``section__field``.
    """
    return name.strip().replace("__", ".")


def flat_fields(model: type[BaseModel] = Params, prefix: str = "") -> dict[str, Any]:
    """Every leaf field as ``{"section.name": FieldInfo}`` (a per-type block is one leaf), for docs and tables."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel) and ann not in LEAF_BLOCKS:
            out.update(flat_fields(ann, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = info
    return out


def _kind(annotation: Any) -> Kind | None:
    return {bool: "bool", int: "int", float: "float"}.get(annotation)  # type: ignore[return-value]


@cache
def _model_floats() -> tuple[str, ...]:
    """The model's decimal parameters (not the population's), which ``population.calibration_parameters`` may name.

    Worked out once: every validation asks, and a parameter draw validates a whole scenario (issue 17).
    """
    return tuple(k for k, v in names().items() if v == "float" and not k.startswith("population."))


@cache
def names() -> dict[str, Kind | None]:
    """Every name a change may use, with its kind ("float", "int", "bool"; None for text, choices, lists, tables).

    A per-type block can be changed whole (``innovation.uptake``) or one type at a time
    (``innovation.uptake.hospital``).
    """
    out: dict[str, Kind | None] = {}
    for name, info in flat_fields().items():
        ann = info.annotation
        if ann in LEAF_BLOCKS:
            out[name] = None
            for key, sub in ann.model_fields.items():
                out[f"{name}.{key}"] = _kind(sub.annotation)
        else:
            out[name] = _kind(ann)
    return out


def unknown(name: str, source: str) -> ScenarioError:
    """The one message for a name that is not a parameter: the closest name, and what the section allows."""
    known = list(names())
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ";"
    section = name.rsplit(".", 1)[0] if "." in name else ""
    depth = name.count(".")
    in_section = [k for k in known if section and k.startswith(section + ".") and k.count(".") == depth]
    if in_section:
        allowed = f"Allowed in '{section}': {', '.join(in_section)}"
    else:
        sections = sorted({k.split(".")[0] for k in known if "." in k})
        allowed = f"Allowed sections: {', '.join(sections)} (`diffusion-sim params` lists every parameter)"
    return ScenarioError(f"{source}: unknown parameter '{name}'{hint} {allowed}")


def kind(name: str, source: str = "<parameters>") -> Kind | None:
    """The kind of parameter ``name`` (dotted or ``__``); an unknown name is a :class:`ScenarioError` with a hint."""
    key = normalise(name)
    table = names()
    if key not in table:
        raise unknown(key, source)
    return table[key]


def get(params: Params, name: str) -> Any:
    """The value of parameter ``name`` (dotted or ``__``) in ``params``, as it would be written to a file."""
    value: Any = params.model_dump(mode="json")
    for key in normalise(name).split("."):
        if not isinstance(value, dict) or key not in value:
            raise unknown(normalise(name), "parameter")
        value = value[key]
    return value


def change(params: Params, changes: Mapping[str, Any], source: str = "--set") -> Params:
    """``params`` with the named values changed and the whole validated again; one clear line if not allowed.

    A new ``innovation.profile`` first replaces every innovation value with the profile's, then the
    other changes apply. ``model_copy(update=...)`` would skip validation, so the tree is rebuilt: the
    sections with a change from their values, the others passed whole (validated already, and
    pydantic takes a model instance as it is), then the checks across sections.
    """
    if not changes:
        return params
    wanted = {normalise(k): v for k, v in changes.items()}
    touched = {dotted.split(".")[0] for dotted in wanted}
    data = {name: value.model_dump() if name in touched and isinstance(value, BaseModel) else value
            for name, value in params}
    if "innovation.profile" in wanted:
        try:
            data["innovation"] = profile_data(str(wanted["innovation.profile"]))
        except ValueError as exc:
            raise ScenarioError(f"{source}: field 'innovation.profile': {exc}") from None
    for dotted, value in wanted.items():
        node = data
        *parents, last = dotted.split(".")
        for key in parents:
            if not isinstance(node.get(key), dict):
                raise unknown(dotted, source)
            node = node[key]
        if last not in node:
            raise unknown(dotted, source)
        node[last] = value
    return validate(data, source)


def leaves(params: Params) -> dict[str, Any]:
    """Every value by its finest dotted name (``innovation.uptake.hospital``), as a file would hold it."""
    out: dict[str, Any] = {}

    def walk(node: dict[str, Any], prefix: str) -> None:
        for key, value in node.items():
            if isinstance(value, dict) and f"{prefix}{key}" != "uncertainty.priors":  # priors: one value (a table of them)
                walk(value, f"{prefix}{key}.")
            else:
                out[f"{prefix}{key}"] = value

    walk(params.model_dump(mode="json"), "")
    return out


def differences(start: Params, now: Params) -> list[tuple[str, Any, Any]]:
    """(name, value in ``start``, value in ``now``) of every value that differs, by finest name, in the schema's order."""
    a, b = leaves(start), leaves(now)
    return [(name, a[name], b[name]) for name in a if a[name] != b[name]]


# ---------------------------------------------------------------- validation with one clear line
def validate(data: dict[str, Any], source: str = "<parameters>", file_keys: tuple[str, ...] = ()) -> Params:
    """Validate a nested dict of parameters, turning pydantic's report into one line naming the field.

    ``file_keys`` are top-level keys a scenario file may hold besides parameters (named in the hint).
    """
    try:
        return Params.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(f"{source}: {_describe(exc, data, file_keys)}") from None


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that owns the field at ``loc`` (all but its last part)."""
    model: type[BaseModel] = Params
    for part in loc[:-1]:
        info = model.model_fields.get(str(part))
        ann = info.annotation if info else None
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            return None
        model = ann
    return model


def _describe(exc: ValidationError, data: dict[str, Any], file_keys: tuple[str, ...]) -> str:
    err = exc.errors()[0]
    loc = tuple(p for p in err["loc"] if not isinstance(p, int))
    field = ".".join(str(p) for p in loc) or "(top level)"
    if err["type"] == "extra_forbidden":
        owner = _model_at(loc)
        allowed = sorted(owner.model_fields) if owner else []
        if owner is Params:
            allowed = sorted({*allowed, *file_keys})
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown field '{field}'{hint} Allowed here: {', '.join(allowed)}"
    owner = _model_at(loc)
    info = owner.model_fields.get(str(loc[-1])) if owner and loc else None
    got = _lookup(data, loc)
    got_text = f", got {_shown(got)}" if got is not _MISSING and not isinstance(got, dict) and "got" not in str(err["msg"]) \
        else ""
    unit = ""
    if info is not None and info.description and not issubclass(owner, PerTypeShare | PerTypeAmount):
        unit = f" ({info.description.split(';')[0]})"
    message = str(err["msg"]).removeprefix("Value error, ")
    named = re.match(r"([a-z_]+(?:\.[a-z_]+)+): (.*)", message)
    if not loc and named:  # a check across sections names the field it is about
        field, message = named.groups()
    return f"field '{field}': {message}{got_text}{unit}"


_MISSING = object()


def _lookup(data: Any, loc: tuple[Any, ...]) -> Any:
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return _MISSING
    return node


# ---------------------------------------------------------------- how unsure each default is
def priors() -> dict[str, Prior]:
    """Every parameter's default prior by name (per-type blocks: one entry per type, relative to its value)."""
    return dict(_schema_priors())


@cache
def _schema_priors() -> tuple[tuple[str, Prior], ...]:
    """The schema's priors, read once: every parameter draw asks for them (about 3 ms a time)."""
    out: dict[str, Prior] = {}
    for name, info in flat_fields().items():
        spec = (info.json_schema_extra or {}).get("prior") if isinstance(info.json_schema_extra, dict) else None
        if spec is None:
            continue
        prior = Prior.model_validate(spec)
        if info.annotation in LEAF_BLOCKS:
            for key in info.annotation.model_fields:
                out[f"{name}.{key}"] = prior
        else:
            out[name] = prior
    return tuple(out.items())


def _shown(value: Any, width: int = 80) -> str:
    """A value as an error message quotes it: its repr, cut short (a deeply nested or huge value stays one short line)."""
    try:
        text = repr(value)
    except RecursionError:
        text = f"a {type(value).__name__} nested too deeply"
    return text if len(text) <= width else f"{text[:width - 3]}..."


@cache
def bounds(name: str) -> tuple[float, float]:
    """The allowed range of numeric parameter ``name`` from its schema (ge/gt/le/lt), infinite where open.

    Kept per name (the schema does not change): every parameter draw asks for each drawn parameter's range.
    """
    owner: type[BaseModel] = Params
    *parents, last = name.split(".")
    for part in parents:
        owner = owner.model_fields[part].annotation  # type: ignore[assignment]
    lo, hi = -math.inf, math.inf
    for meta in owner.model_fields[last].metadata:
        if getattr(meta, "ge", None) is not None:
            lo = max(lo, float(meta.ge))
        if getattr(meta, "gt", None) is not None:
            lo = max(lo, math.nextafter(float(meta.gt), math.inf))
        if getattr(meta, "le", None) is not None:
            hi = min(hi, float(meta.le))
        if getattr(meta, "lt", None) is not None:
            hi = min(hi, math.nextafter(float(meta.lt), -math.inf))
    return lo, hi
