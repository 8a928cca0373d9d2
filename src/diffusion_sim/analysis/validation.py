"""A test against reality, out of sample (issue #9): heart-failure telemonitoring in the Netherlands, 2012-2019.

The isolated strategy is set up for the whole country from January 2012 (``scenarios/validation-nl-2012.toml``),
its uncertain parameters are fitted to the facts known up to 2018 only, and the model then predicts 2019.

**Facts (the only data the model sees).**

1. Effective Cardio (report Nov 2014): six hospitals ran it in 2012-2014, with 414 heart-failure patients.
   Set-up: the six origins. Fitted: the origins' patients over months 0-36 (January 2012 - December 2014).
2. HartWacht reimbursed from June 2016 (Zilveren Kruis; CCN press release 9 June 2016). Set-up:
   ``insurer.fixed_start_month``.
3. Harteraad, 24 April 2018: about 1,200 of 142,000 heart-failure patients used telemonitoring.
   Fitted: national enrolled patients at step 76 (April 2018).

**Mapping facts to model quantities.** The model's heart-failure population is 13.8 per 1,000 inhabitants
(hospital-followed and GP-only halves), 247,613 for the whole country: 1.74 times Harteraad's 142,000. Facts
are therefore compared as shares of the heart-failure population: model patient counts are put on
Harteraad's scale by ``142,000 / model heart-failure population`` (:func:`harteraad_scale`), so 1,200 users
is a share of 0.85% in both. Enrolled patients are distinct patients over all organisation types
(``DiffusionModel.enrolled``: hospitals, GP practices, and home care at its ``distinct_patients`` share).
``--mapping count`` compares the raw model counts instead (a sensitivity, also reported).

**Fit.** Approximate Bayesian computation by rejection: parameter sets from the prior ranges of the
scenario's ``[uncertain]`` table (Latin hypercube, scipy.stats.qmc, fixed seed; log-uniform where
:data:`LOG_UNIFORM`), a few replications each, every (parameter set, replication) pair accepted when

- its 2018 patients (Harteraad scale) lie within ``tolerance`` (default 25%) of 1,200;
- its origins' patients in 2012-2014 (Harteraad scale) lie within a factor ``ec_factor`` (default 2) of 414;
- at least one hospital other than the six origins runs it in April 2018 (it spread beyond the origins).

**Prediction** from the accepted runs, at December 2019 (step 96), median and 90% interval:

(a) share of hospital organisations that run it (state ADOPTED, i.e. live and enrolling);
(b) among those hospitals, enrolled hospital patients / their heart-failure patients (``patients x
    target_share``, before uptake).

This module holds the facts and the numbers (outcomes of a run, acceptance, prediction); the study
that draws, runs through the executors and writes the folder is :mod:`diffusion_sim.studies.validate`,
run by ``diffusion-sim validate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from diffusion_sim.analysis.space import Dimension, apply, uncertain_dimensions
from diffusion_sim.model import rules
from diffusion_sim.model.state import OrgState
from diffusion_sim.outcomes import quantiles
from diffusion_sim.params import ORG_TYPES, Params
from diffusion_sim.region import Region
from diffusion_sim.runner import EVENT_FIELDS, Replication

HOSPITAL = ORG_TYPES.index("hospital")
GP = ORG_TYPES.index("gp_practice")

# --- the facts (DOMAIN.md sec. 5 and 7; sources in the module docstring and docs/validation.md) ---------
HARTERAAD_USERS = 1_200           # heart-failure patients using telemonitoring, Harteraad 24 Apr 2018
HARTERAAD_PATIENTS = 142_000      # heart-failure patients in the Netherlands, same source
HARTERAAD_MONTH = (2018, 4)
EFFECTIVE_CARDIO_PATIENTS = 414   # patients in the six Effective Cardio hospitals, 2012-2014 (report Nov 2014)
EFFECTIVE_CARDIO_END = (2014, 12)
PREDICTION_MONTH = (2019, 12)     # "in 2019": the state at the end of the year
# Hart&Vaatgroep and TNO inventory, reported by Curit (early 2013): two thirds of Dutch hospitals took part,
# and of these almost 35% offered heart-failure patients telemonitoring. As a share of all hospitals: 23%
# (none of the others offered it) to 35% (as many as among those who answered). A check only in the first
# validation (25 Nov 2026), which it failed; fitted since the second (4 Dec 2026, issue 15).
INVENTORY_2013 = {"date": (2013, 3), "low": 0.35 * 2 / 3, "high": 0.35}

# Every fact the fit uses, with its source (recorded in the shipped posterior's provenance).
FACTS = [
    {"fact": "six hospitals ran it in 2012-2014 with 414 heart-failure patients", "source": "Effective Cardio report, "
     "Nov 2014 (DOMAIN.md sec. 5, 7)", "model": "distinct patients of the six named origins, months 0-36, Harteraad scale"},
    {"fact": "about 1,200 of 142,000 heart-failure patients used telemonitoring", "source": "Harteraad, 24 April 2018 "
     "(DOMAIN.md sec. 5)", "model": "distinct patients enrolled nationally at April 2018, Harteraad scale"},
    {"fact": "23-35% of hospitals offered heart-failure patients telemonitoring", "source": "Hart&Vaatgroep and TNO "
     "inventory, reported by Curit, early 2013", "model": "share of hospital organisations running it in March 2013"},
    {"fact": "it spread beyond the hospitals that ran it in 2012", "source": "Harteraad 2018 (DOMAIN.md sec. 5)",
     "model": "at least one hospital not running it at month 0 runs it in April 2018"},
    {"fact": "HartWacht reimbursed from June 2016", "source": "CCN press release, 9 June 2016", "model": "set-up "
     "(insurer.fixed_start_month), not fitted"},
]

# Sampled on a log scale: both span more than a factor ten.
LOG_UNIFORM = frozenset({"innovation.uptake.hospital", "diffusion.p"})
# Chain partners' uptake follows the hospital's in the profile's proportions (0.20 and 0.25 against 0.30):
# ASSUMPTION that partial use applies alike along the chain.
CHAIN_UPTAKE_RATIO = {"gp_practice": 0.20 / 0.30, "home_care": 0.25 / 0.30}
# The design's own random stream, apart from the model's (rep + 1, stream) keys and the LHS sweeps' key.
VALIDATION_SPAWN_KEY = (0x7A11D,)


# ------------------------------------------------------------------------------------------ calendar
def step_of(params: Params, year: int, month: int) -> int:
    """The step that covers calendar ``month`` of ``year`` (step 1 = ``start_month`` of ``start_year``)."""
    s = params.simulation
    return (year - s.start_year) * 12 + (month - s.start_month) + 1


def calendar_of(params: Params, step: int) -> tuple[int, int]:
    """(year, month) that ``step`` covers; the month agrees with :meth:`DiffusionModel.calendar_month`."""
    s = params.simulation
    k = s.start_month + step - 2  # months after January of start_year
    return s.start_year + k // 12, k % 12 + 1


def month_dates(params: Params) -> pd.DatetimeIndex:
    """Middle of the calendar month each step 0..M covers (step 0: the month before step 1), for plots."""
    first = pd.Timestamp(year=params.simulation.start_year, month=params.simulation.start_month, day=15)
    return pd.DatetimeIndex([first + pd.DateOffset(months=k - 1) for k in range(params.simulation.months + 1)])


# ------------------------------------------------------------------------------------------ one run
@dataclass
class Run:
    """What the validation reads of one replication: its record, and the parameters and region it ran on.

    Built where the replication ran (:func:`record`), so only its few numbers travel back.
    """

    rep: Replication
    params: Params
    region: Region

    @property
    def months(self) -> int:
        """The horizon: the record has months 0..M."""
        return self.rep.share_adopted.size - 1

    @property
    def enrolled(self) -> np.ndarray:
        """Distinct patients on it per step and type, (M+1, types)."""
        return self.rep.enrolled.astype(np.float64)

    def event(self, name: str) -> np.ndarray:
        """Each organisation's month of ``name`` (``month_adopted``, ...), or -1."""
        return self.rep.events[EVENT_FIELDS.index(name)].astype(np.int64)

    def per_type(self, values: tuple[float, ...]) -> np.ndarray:
        """A per-type value of the innovation for each organisation."""
        return np.asarray(values)[self.region.org_type]


def heart_failure_population(run: Run) -> float:
    """The model's heart-failure population: hospital-followed plus GP-only patients (``patients x target_share``).

    Home-care clients with heart failure are also hospital or GP patients, so they are not added again.
    """
    share = run.per_type(run.params.innovation.target_share.as_tuple())
    keep = np.isin(run.region.org_type, (HOSPITAL, GP))
    return float((run.region.patients * share)[keep].sum())


def harteraad_scale(run: Run) -> float:
    """Factor that puts a model patient count on Harteraad's scale (142,000 heart-failure patients)."""
    return HARTERAAD_PATIENTS / heart_failure_population(run)


def national_enrolled(run: Run) -> np.ndarray:
    """Distinct patients on the innovation nationally, per step 0..M (all organisation types)."""
    return run.enrolled.sum(axis=1)


def adopted_at(run: Run, steps: np.ndarray | int) -> np.ndarray:
    """Whether each organisation was ADOPTED at the end of each step: shape (len(steps), n).

    Read from the event months: adopted at or before the step and not discontinued by then (ADOPTED is
    reached at most once; only DISCONTINUED leaves it).
    """
    steps = np.atleast_1d(np.asarray(steps))[:, None]
    adopted, stopped = run.event("month_adopted")[None, :], run.event("month_discontinued")[None, :]
    return (adopted >= 0) & (adopted <= steps) & ((stopped < 0) | (stopped > steps))


def hospitals_live_share(run: Run, step: int | None = None) -> np.ndarray | float:
    """Share of hospital organisations that run it (ADOPTED) at ``step``, or per step 0..M if None."""
    n = int((run.region.org_type == HOSPITAL).sum())
    live = run.rep.state_counts[:, HOSPITAL, OrgState.ADOPTED] / n
    return live if step is None else float(live[step])


def hospital_heart_failure(run: Run) -> np.ndarray:
    """Each organisation's hospital heart-failure patients (``patients x target_share``; 0 for other types)."""
    share = run.params.innovation.target_share.hospital
    return np.where(run.region.org_type == HOSPITAL, run.region.patients * share, 0.0)


def offering_share(run: Run, step: int | None = None) -> np.ndarray | float:
    """Among hospitals that run it at ``step``: enrolled hospital patients / their heart-failure patients.

    Per step 0..M if ``step`` is None; NaN where no hospital runs it (or those that do have no patients).
    """
    steps = np.arange(run.months + 1) if step is None else np.array([step])
    offering = adopted_at(run, steps) & (run.region.org_type == HOSPITAL)[None, :]
    denominator = offering.astype(float) @ hospital_heart_failure(run)
    numerator = run.enrolled[steps, HOSPITAL]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(denominator > 0, numerator / denominator, np.nan)
    return share if step is None else float(share[0])


def origin_patients_series(run: Run, step: int) -> np.ndarray:
    """Distinct patients the origins reached in months 0..t, for t = 0..``step``: enrolled at month 0 plus new ones since.

    New patients as the model counts them (growth plus replaced leavers, section 3.3.10 of docs/model.md),
    recomputed per origin: the origins run it at full use from before month 0 and never stop.
    """
    inn = run.params.innovation
    idx = named_origins(run)
    target = (run.region.patients * run.per_type(inn.target_share.as_tuple()) * run.per_type(inn.uptake.as_tuple())
              * run.per_type(inn.distinct_patients.as_tuple()))[idx]
    go_live = np.full(idx.size, -int(np.ceil(inn.ramp_months)))
    turnover = float(rules.monthly_share(inn.patient_turnover_per_year))
    out = np.zeros(step + 1)
    total, before = 0.0, np.zeros(idx.size)
    for t in range(step + 1):
        live = t - go_live + 1
        now = rules.enrolled_patients(target, live, inn.ramp_months)
        total += now.sum() if t == 0 else (np.maximum(now - before, 0.0) + before * turnover).sum()
        out[t] = total
        before = now
    return out


def named_origins(run: Run) -> np.ndarray:
    """The origins the scenario names (Effective Cardio's six), not the early adopters picked at random.

    The model lists the named origins first (``DiffusionModel._origin_indices``).
    """
    o = run.params.origin
    return np.asarray(run.rep.origins)[: len(dict.fromkeys((o.municipality, *o.further_municipalities)))]


def origin_patients_through(run: Run, step: int) -> float:
    """Distinct patients the origins reached in months 0..``step`` (see :func:`origin_patients_series`)."""
    return float(origin_patients_series(run, step)[-1])


def outcomes(run: Run) -> dict[str, float]:
    """The fitted and predicted quantities of one finished run (raw model units and Harteraad scale)."""
    p = run.params
    fact = step_of(p, *HARTERAAD_MONTH)
    ec = step_of(p, *EFFECTIVE_CARDIO_END)
    pred = step_of(p, *PREDICTION_MONTH)
    scale = harteraad_scale(run)
    hospitals = run.region.org_type == HOSPITAL
    origins = np.zeros(run.region.n, dtype=bool)
    origins[run.rep.origins] = True
    live_fact = adopted_at(run, fact)[0]
    live_pred = adopted_at(run, pred)[0]
    enrolled = national_enrolled(run)
    origin_2014 = origin_patients_through(run, ec)
    counts = run.rep.state_counts
    return {
        "enrolled_2018": float(enrolled[fact]),
        "share_2018": float(enrolled[fact] * scale / HARTERAAD_PATIENTS),
        "users_2018_harteraad": float(enrolled[fact] * scale),
        "origin_patients_2014": origin_2014,
        "origin_patients_2014_harteraad": origin_2014 * scale,
        "hospitals_beyond_origins_2018": float((live_fact & hospitals & ~origins).sum()),
        "hospitals_live_2018": float((live_fact & hospitals).sum()),
        "hospital_share_2013_03": hospitals_live_share(run, step_of(p, *INVENTORY_2013["date"])),
        "hospitals_live_2019": float((live_pred & hospitals).sum()),
        "hospital_share_2019": hospitals_live_share(run, pred),
        "hospital_share_with_patients_2019": float((live_pred & hospitals & (hospital_heart_failure(run) > 0)).sum()
                                                   / hospitals.sum()),
        "offering_share_2019": offering_share(run, pred),
        "enrolled_2019": float(enrolled[pred]),
        "users_2019_harteraad": float(enrolled[pred] * scale),
        "gp_live_2019": float(counts[pred, GP, OrgState.ADOPTED]),
        "home_care_live_2019": float(counts[pred, ORG_TYPES.index("home_care"), OrgState.ADOPTED]),
        "hf_population": heart_failure_population(run),
        "hospital_orgs": float(hospitals.sum()),
    }


def record(rep: Replication, params: Params, region: Region) -> dict[str, Any]:
    """One replication reduced where it ran (the runner's ``reduce``): its outcomes and the four monthly series."""
    run = Run(rep, params, region)
    return {"row": {"replication": rep.replication, **outcomes(run)}, "enrolled": national_enrolled(run),
            "hospitals_live": hospitals_live_share(run), "offering": offering_share(run),
            "origin_cumulative": origin_patients_series(run, step_of(params, *EFFECTIVE_CARDIO_END)),
            "scale": harteraad_scale(run)}


# ------------------------------------------------------------------------------------------ prior
def prior_dimensions(path: str | Path, params: Params) -> list[Dimension]:
    """The scenario's ``[uncertain]`` table as checked dimensions; log-uniform ones must have ``low > 0``."""
    dims = uncertain_dimensions(path, params)
    for d in dims:
        if d.name in LOG_UNIFORM and d.low <= 0:
            raise ValueError(f"{d.name} is sampled log-uniformly and needs low > 0, got {d.low}")
    return dims


def prior_draws(dims: list[Dimension], n: int, seed: int) -> pd.DataFrame:
    """``n`` parameter sets by Latin hypercube over the prior ranges (log-uniform for :data:`LOG_UNIFORM`)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=VALIDATION_SPAWN_KEY))
    unit = qmc.LatinHypercube(d=len(dims), rng=rng).random(n)
    out = {"draw": np.arange(n, dtype=np.int64)}
    for j, d in enumerate(dims):
        if d.name in LOG_UNIFORM:
            values = np.exp(np.log(d.low) + unit[:, j] * (np.log(d.high) - np.log(d.low)))
        else:
            values = d.low + unit[:, j] * (d.high - d.low)
        out[d.name] = [d.cast(v) for v in values]
    return pd.DataFrame(out)


def apply_draw_values(values: dict[str, Any]) -> dict[str, Any]:
    """One parameter set with chain partners' uptake tied to the hospital's (:data:`CHAIN_UPTAKE_RATIO`)."""
    values = dict(values)
    if "innovation.uptake.hospital" in values:
        for org_type, ratio in CHAIN_UPTAKE_RATIO.items():
            values[f"innovation.uptake.{org_type}"] = float(values["innovation.uptake.hospital"]) * ratio
    return values


def apply_draw(base: Params, values: dict[str, Any]) -> Params:
    """``base`` with one parameter set (:func:`apply_draw_values`)."""
    return apply(base, apply_draw_values(values), source="validation draw")


@dataclass
class Simulations:
    """Every (parameter set, replication) run: one row of parameters and outcomes, and monthly series."""

    table: pd.DataFrame
    enrolled: np.ndarray        # (runs, M+1) national distinct patients, model units
    hospitals_live: np.ndarray  # (runs, M+1) share of hospital organisations that run it
    offering: np.ndarray        # (runs, M+1) enrolled / heart-failure patients in hospitals that run it
    origin_cumulative: np.ndarray  # (runs, steps to Dec 2014 + 1) the origins' distinct patients since month 0
    scale: float                # Harteraad scale of the region

    @classmethod
    def of(cls, records: list[dict[str, Any]], values: list[dict[str, Any]]) -> Simulations:
        """The records of every run (:func:`record`), each beside the parameter set it ran with."""
        rows = [{"draw": v["draw"], "replication": r["row"]["replication"], **{k: x for k, x in v.items() if k != "draw"},
                 **{k: x for k, x in r["row"].items() if k != "replication"}} for r, v in zip(records, values, strict=True)]
        stack = lambda key: np.array([r[key] for r in records])  # noqa: E731
        return cls(pd.DataFrame(rows), stack("enrolled"), stack("hospitals_live"), stack("offering"),
                   stack("origin_cumulative"), float(records[-1]["scale"]) if records else float("nan"))


# ------------------------------------------------------------------------------------------ fit and prediction
@dataclass(frozen=True)
class Acceptance:
    """When a run agrees with the facts."""

    tolerance: float = 0.25   # relative distance of 2018 users from 1,200 (ASSUMPTION: "about 1,200", an association's count)
    ec_factor: float = 2.0    # origins' 2012-2014 patients within 414 / f .. 414 x f (ASSUMPTION: participants vs all users)
    mapping: str = "share"    # "share": compare on Harteraad's scale; "count": raw model counts
    inventory_margin: float = 0.03  # hospitals running it in March 2013 within 23%-35% give or take this (ASSUMPTION: two of 70)

    def mask(self, table: pd.DataFrame) -> np.ndarray:
        """True for each run that agrees with every fact."""
        if self.mapping not in ("share", "count"):
            raise ValueError(f"mapping must be 'share' or 'count', got {self.mapping!r}")
        suffix = "_harteraad" if self.mapping == "share" else ""
        users = table["users_2018_harteraad"] if self.mapping == "share" else table["enrolled_2018"]
        origin = table[f"origin_patients_2014{suffix}"]
        near = np.abs(users / HARTERAAD_USERS - 1.0) <= self.tolerance
        ec = (origin >= EFFECTIVE_CARDIO_PATIENTS / self.ec_factor) & (origin <= EFFECTIVE_CARDIO_PATIENTS * self.ec_factor)
        spread = table["hospitals_beyond_origins_2018"] >= 1
        inventory = ((table["hospital_share_2013_03"] >= INVENTORY_2013["low"] - self.inventory_margin)
                     & (table["hospital_share_2013_03"] <= INVENTORY_2013["high"] + self.inventory_margin))
        return np.asarray(near & ec & spread & inventory)


PREDICTED = {
    "hospital_share_2019": "(a) share of hospital organisations running it, Dec 2019",
    "offering_share_2019": "(b) share of heart-failure patients on it in hospitals that run it, Dec 2019",
}


def interval(values: np.ndarray | pd.Series) -> dict[str, float]:
    """Median and 90% interval (5th-95th percentile); NaN when there is nothing to summarise."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    q = quantiles(pd.Series(v))  # the same 5%/50%/95% quantiles as every other table
    return {"median": q["median"], "q05": q["low"], "q95": q["high"], "n": int(v.size)}


def predict(table: pd.DataFrame, accepted: np.ndarray) -> dict[str, dict[str, float]]:
    """Median and 90% interval of the two predictions over the accepted runs."""
    return {name: interval(table.loc[accepted, name]) for name in PREDICTED}


@dataclass
class Validation:
    """Prior sample, runs, acceptance and prediction."""

    dims: list[Dimension]
    draws: pd.DataFrame
    sims: Simulations
    acceptance: Acceptance
    accepted: np.ndarray
    prediction: dict[str, dict[str, float]]
    params: Params
    seed: int
    replications: int
    seconds: float
    extra: dict[str, Any] = field(default_factory=dict)


def sensitivity(v: Validation) -> pd.DataFrame:
    """The prediction under other tolerances and the raw-count mapping, from the same runs (no new simulation)."""
    rows = []
    variants = [("as fitted", v.acceptance)]
    a = v.acceptance
    for tol in (0.15, 0.40):
        variants.append((f"2018 tolerance {tol:.0%}", Acceptance(tol, a.ec_factor, a.mapping, a.inventory_margin)))
    for f in (1.5, 3.0):
        variants.append((f"Effective Cardio factor {f:g}", Acceptance(a.tolerance, f, a.mapping, a.inventory_margin)))
    for margin in (0.0, 0.07):
        variants.append((f"2013 inventory margin {margin * 100:.0f} points",
                         Acceptance(a.tolerance, a.ec_factor, a.mapping, margin)))
    variants.append(("raw model counts (no rescaling)", Acceptance(a.tolerance, a.ec_factor, "count", a.inventory_margin)))
    variants.append(("without the 2013 inventory (the first validation's facts)",
                     Acceptance(a.tolerance, a.ec_factor, a.mapping, 1e9)))
    variants.append(("2018 fact only", Acceptance(a.tolerance, 1e9, a.mapping, 1e9)))
    for label, acc in variants:
        mask = acc.mask(v.sims.table)
        row: dict[str, Any] = {"variant": label, "accepted": int(mask.sum())}
        for name, res in predict(v.sims.table, mask).items():
            row.update({f"{name}_median": res["median"], f"{name}_q05": res["q05"], f"{name}_q95": res["q95"]})
        rows.append(row)
    return pd.DataFrame(rows)


def accepted_ranges(v: Validation) -> pd.DataFrame:
    """Prior range and accepted (posterior) median and 90% interval of each fitted parameter."""
    rows = []
    for d in v.dims:
        post = interval(v.sims.table.loc[v.accepted, d.name])
        rows.append({"parameter": d.name, "prior_low": d.low, "prior_high": d.high,
                     "prior_scale": "log-uniform" if d.name in LOG_UNIFORM else "uniform",
                     "accepted_q05": post["q05"], "accepted_median": post["median"], "accepted_q95": post["q95"]})
    return pd.DataFrame(rows)
