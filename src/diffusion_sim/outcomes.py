"""The outcome catalogue: every outcome's name, unit, target, summary rule, censoring and paired difference.

One module that the runner's tables, results, analysis, the regions study, figures, report and
explorer all read, so an outcome means the same wherever it is printed, and the initiative's targets
(+1,000 patients within a year, 70% of the organisations with the target group) are set here once.

Rules that hold for every outcome:

- **One row per replication** (:func:`summarise`): what that replication produced.
- **A time to a target** is the first month (1..M) the target is met; a replication that does not
  meet it within the horizon M has no month (NaN in its row). Summaries rank such a miss above every
  month (:func:`quantiles` with ``censored``), so a median is "not reached" when fewer than half reach
  it; point statistics count it as ``M + 1`` (:func:`censor`), a restricted mean that is a lower bound.
- **Summaries** (:func:`quantiles`): median and the 5% and 95% quantiles over replications, the 90%
  interval every table prints.
- **Paired differences** (:func:`paired_differences`): replication ``i`` of a scenario minus replication
  ``i`` of the reference (common random numbers), taken before any quantile.
- **Point statistics** (:func:`point_outcomes`): the mean over replications with its Monte Carlo
  standard error, the outcomes sweeps, sensitivity analysis, calibration and ``run_model`` use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from diffusion_sim.model.state import OrgState
from diffusion_sim.runner import EVENT_FIELDS, Replication

Unit = Literal["patients", "share", "organisations", "months", "EUR", "hours"]

# --- the initiative's targets (Multinnoveren) ------------------------------------------------------
PATIENT_TARGET = 1_000  # +1,000 patients ...
PATIENT_TARGET_MONTH = 12  # ... within a year
ADOPTION_TARGET = 0.70  # 70% of the organisations that serve the target group
SCALE_UP_SHARE_CLAIMED = 0.35  # "only 35% of innovations reach the patient": the initiative's own claim, no source found
SCALE_UP_MIN_PATIENTS = 1.0  # reaching patients: at least one patient beyond the origin

PATIENTS_IN_YEAR = f"patients_{PATIENT_TARGET_MONTH}m"  # distinct patients newly on it beyond the origins, months 1-12
PATIENTS_IN_USE = f"patients_in_use_{PATIENT_TARGET_MONTH}m"  # distinct patients on it beyond the origins in month 12
MONTHS_TO_PATIENTS = f"months_to_{PATIENT_TARGET}_patients"
MONTHS_TO_ADOPTION = f"months_to_{round(100 * ADOPTION_TARGET)}pct"
REACHED_PATIENTS = f"reached_{PATIENT_TARGET}_patients"
REACHED_ADOPTION = f"reached_{round(100 * ADOPTION_TARGET)}pct"
LOW, HIGH = 0.05, 0.95  # the 90% interval


@dataclass(frozen=True)
class Outcome:
    """One outcome: what it is, in which unit, and how tables treat it.

    ``shown``: a row of the summary table that ``compare``, the report and the explorer print.
    ``paired``: "difference" (scenario minus reference), "saved" (months by which a target is met
    sooner), or None (no paired difference; a ratio gets its own incremental outcome).
    ``point``: a point outcome of sweeps, sensitivity analysis, calibration and ``run_model``.
    ``reached``: for a time to a target, the name of the point outcome "share of replications that met it".
    """

    name: str
    label: str
    unit: Unit
    shown: bool = False
    paired: Literal["difference", "saved"] | None = None
    point: bool = False
    reached: str | None = None

    @property
    def censored(self) -> bool:
        """A time to a target: a miss within the horizon has no month."""
        return self.reached is not None


_P, _A = f"{PATIENT_TARGET:,}", f"{100 * ADOPTION_TARGET:.0f}%"
CATALOGUE: dict[str, Outcome] = {o.name: o for o in (
    Outcome("eligible_orgs", "Organisations with the target group", "organisations"),
    Outcome("adopters_final", "Organisations using it at the horizon", "organisations"),
    Outcome(PATIENTS_IN_YEAR, f"Additional patients reached in {PATIENT_TARGET_MONTH} months", "patients", shown=True,
            paired="difference", point=True),
    Outcome(PATIENTS_IN_USE, f"Additional patients on it in month {PATIENT_TARGET_MONTH}", "patients", shown=True,
            paired="difference", point=True),
    Outcome("patients_final", "Additional patients reached by the horizon", "patients", shown=True, paired="difference",
            point=True),
    Outcome("patients_enrolled_final", "Patients on it at the horizon (all organisations)", "patients"),
    Outcome("share_adopted_final", "Eligible organisations using it at the horizon", "share", shown=True, paired="difference",
            point=True),
    Outcome("adopted_beyond_origin", "Organisations that adopted (beyond the origin)", "organisations", shown=True,
            paired="difference", point=True),
    Outcome("rejected_final", "Organisations that rejected it, at the horizon", "organisations"),
    Outcome("failed", "Implementations that failed", "organisations"),
    Outcome("discontinued", "Adopters that stopped", "organisations"),
    Outcome("spread_beyond_origin", "Share of replications in which it spread beyond the origin", "share", point=True),
    Outcome(MONTHS_TO_PATIENTS, f"Months until {_P} additional patients", "months", shown=True, paired="saved", point=True,
            reached=REACHED_PATIENTS),
    Outcome(MONTHS_TO_ADOPTION, f"Months until {_A} of eligible organisations", "months", shown=True, paired="saved",
            point=True, reached=REACHED_ADOPTION),
    Outcome("setup_cost_per_adopter_eur", "Set-up cost per organisation that started", "EUR", paired="difference"),
    Outcome("setup_months_per_adopter", "Months from decision to routine use, per adopter", "months", paired="difference"),
    Outcome("implementation_cost_eur", "Implementation cost", "EUR", paired="difference"),
    Outcome("facilitation_cost_eur", "Facilitation cost", "EUR", paired="difference"),
    Outcome("total_cost_eur", "Implementation + facilitation cost", "EUR", paired="difference", point=True),
    Outcome("running_cost_eur", "Running cost of the additional patients", "EUR", paired="difference"),
    Outcome("cost_organisations_eur", "Paid by the care organisations", "EUR", paired="difference"),
    Outcome("cost_insurer_eur", "Paid by the insurer", "EUR", paired="difference"),
    Outcome("cost_team_eur", "Regional team: money and time in kind", "EUR", paired="difference"),
    Outcome("cost_all_payers_eur", "Cost, all payers (set-up, running, team incl. time)", "EUR", shown=True,
            paired="difference", point=True),
    Outcome("cost_per_patient_eur", "Cost per additional patient, all payers", "EUR", shown=True, point=True),
    Outcome("reimbursement_month", "Month reimbursement started", "months"),
    Outcome("team_hours", "Team hours given (in kind)", "hours"),
    Outcome("team_in_kind_cost_eur", "Team time given, priced (in kind)", "EUR"),
    Outcome("budget_unspent_eur", "Facilitation budget left unspent", "EUR"),
    Outcome("months_time_bound", "Months the team's hours limited its support (not its money)", "months"),
    Outcome("months_money_bound", "Months the team's money limited its support (not its hours)", "months"),
)}
# point outcomes that are not columns of a replication's row
POINT_EXTRA: dict[str, tuple[str, Unit]] = {
    REACHED_PATIENTS: (f"Share of replications reaching {_P} additional patients", "share"),
    REACHED_ADOPTION: (f"Share of replications reaching {_A} of eligible organisations", "share"),
}
INCREMENTAL_COST = "incremental_cost_per_patient_eur"  # a ratio of mean increments over all pairs (analysis/summary.py)
INCREMENTAL_LABEL = "Extra cost per extra patient reached (ratio of means, all payers)"
KEY_OUTCOMES = (PATIENTS_IN_YEAR, MONTHS_TO_ADOPTION, "cost_per_patient_eur")  # what an analysis looks at by default
SHOWN = tuple(name for name, o in CATALOGUE.items() if o.shown)
TIME_OUTCOMES = tuple(name for name, o in CATALOGUE.items() if o.censored)
# the shown outcomes of each innovation of a portfolio
INNOVATION_OUTCOMES = ("eligible_orgs", "share_adopted_final", MONTHS_TO_ADOPTION, PATIENTS_IN_YEAR, "patients_final",
                       "implementation_cost_eur")


def saved_name(outcome: str) -> str:
    """The paired outcome of a time to a target: ``months_to_70pct`` -> ``months_saved_to_70pct``."""
    return outcome.replace("months_to_", "months_saved_to_", 1)


def point_names() -> dict[str, tuple[str, Unit]]:
    """Every point outcome, ``{name: (label, unit)}``: the names a ``--target`` or ``--outcome`` may use."""
    out: dict[str, tuple[str, Unit]] = {}
    for name, o in CATALOGUE.items():
        if o.point:
            label = f"{o.label} (not reached = horizon + 1)" if o.censored else o.label
            out[name] = (label + (" (ratio of means)" if name == "cost_per_patient_eur" else ""), o.unit)
            if o.reached:
                out[o.reached] = POINT_EXTRA[o.reached]
    return out


def paired_names() -> dict[str, tuple[str, Unit]]:
    """Every paired outcome, ``{name: (label, unit)}``, in the order tables show them."""
    out: dict[str, tuple[str, Unit]] = {}
    for name, o in CATALOGUE.items():
        if o.paired == "difference":
            out[name] = (o.label, o.unit)
    out[INCREMENTAL_COST] = (INCREMENTAL_LABEL, "EUR")
    for name in TIME_OUTCOMES:
        out[saved_name(name)] = (CATALOGUE[name].label.replace("Months until", "Months saved to reach"), "months")
    return out


# --- one replication -------------------------------------------------------------------------------
def first_month(reached: np.ndarray) -> float:
    """First month (1..M) at which a boolean series is true, or NaN when it never is."""
    hits = np.flatnonzero(reached[1:])
    return float(hits[0] + 1) if hits.size else float("nan")


def _adopted_beyond_origin(rep: Replication) -> np.ndarray:
    """Per organisation, whether it ever adopted, the organisations that ran it from the start left out."""
    adopted_ever = rep.events[EVENT_FIELDS.index("month_adopted")] >= 0
    adopted_ever[rep.origins] = False
    return adopted_ever


def summarise(rep: Replication) -> dict[str, float]:
    """The outcomes of one replication (one summary row), in the catalogue's order.

    A portfolio counts organisation-innovation pairs and reaches the adoption target when every
    innovation has reached it.
    """
    months = rep.share_adopted.size - 1
    final = rep.state_counts[-1].sum(axis=0)
    impl = float(rep.implementation_cost.sum())
    facil = float(rep.facilitation_cost.sum())
    reached = float(rep.reached_additional[-1])
    adopted_ever = _adopted_beyond_origin(rep)
    running = float(rep.running_cost.sum())
    insurer = float(rep.insurer_cost.sum())
    in_kind = float(rep.team_hours.sum() * rep.in_kind_rate)
    all_payers = impl + facil + running + in_kind
    started_at, adopted_at = (rep.events[EVENT_FIELDS.index(f)].astype(np.int64) for f in ("month_implementing", "month_adopted"))
    not_origin = np.ones(started_at.size, dtype=bool)
    not_origin[rep.origins] = False
    started = int(((started_at >= 0) & not_origin).sum())  # organisations that decided to implement (each paid its set-up)
    done = (adopted_at >= 0) & (started_at >= 0) & not_origin
    setup_months = (adopted_at[done] - started_at[done]).astype(float)
    if rep.tracks:
        to_adoption = [first_month(r.share_adopted >= ADOPTION_TARGET) for r in rep.tracks]
        months_to_adoption = float("nan") if np.isnan(to_adoption).any() else max(to_adoption)
        beyond = float(sum(_adopted_beyond_origin(r).sum() for r in rep.tracks))
    else:
        months_to_adoption = first_month(rep.share_adopted >= ADOPTION_TARGET)
        beyond = float(adopted_ever.sum())
    values = {
        "eligible_orgs": float(rep.n_eligible),
        "adopters_final": float(final[OrgState.ADOPTED]),
        "share_adopted_final": float(rep.share_adopted[-1]),
        "adopted_beyond_origin": beyond,
        "rejected_final": float(final[OrgState.REJECTED]),
        "failed": float(final[OrgState.FAILED]),
        "discontinued": float(final[OrgState.DISCONTINUED]),
        PATIENTS_IN_YEAR: float(rep.reached_additional[PATIENT_TARGET_MONTH]) if months >= PATIENT_TARGET_MONTH else float("nan"),
        "patients_final": reached,
        "patients_enrolled_final": float(rep.enrolled[-1].sum()),
        MONTHS_TO_PATIENTS: first_month(rep.reached_additional >= PATIENT_TARGET),
        MONTHS_TO_ADOPTION: months_to_adoption,
        "implementation_cost_eur": impl,
        "facilitation_cost_eur": facil,
        "total_cost_eur": impl + facil,
        "cost_per_patient_eur": all_payers / reached if reached > 0 else float("nan"),
        "setup_cost_per_adopter_eur": impl / started if started else float("nan"),
        "setup_months_per_adopter": float(setup_months.mean()) if setup_months.size else float("nan"),
        "running_cost_eur": running,
        "cost_organisations_eur": impl + running - insurer,
        "cost_insurer_eur": insurer,
        "cost_team_eur": facil + in_kind,
        "cost_all_payers_eur": all_payers,
        PATIENTS_IN_USE: float(rep.enrolled_beyond[PATIENT_TARGET_MONTH]) if months >= PATIENT_TARGET_MONTH else float("nan"),
        "reimbursement_month": first_month(rep.reimbursing),
        "spread_beyond_origin": float(beyond > 0),
        "team_hours": float(rep.team_hours.sum()),
        "team_in_kind_cost_eur": in_kind,
        "budget_unspent_eur": float(rep.budget_added.sum()) - facil,
        "months_time_bound": float((rep.places[:, 0] < rep.places[:, 1]).sum()),
        "months_money_bound": float((rep.places[:, 1] < rep.places[:, 0]).sum()),
    }
    return {name: values[name] for name in ROW_ORDER}


# --- the success of a scale-up (claim 3: the share of innovations that reach the patient) ------------
SCALE_UP_FIELDS = ("scaled_up", "in_use_beyond_origin", "patients_beyond_origin", "adopted_beyond_origin",
                   "discontinued_beyond_origin", "month_first_beyond_origin")


def scale_up(rep: Replication, months: int) -> dict[str, float]:
    """Whether one innovation's replication is a successful scale-up within ``months``, and what that rests on.

    **Definition.** A scale-up succeeds when, within ``months`` of the start, the innovation has
    reached patients beyond the organisation(s) that ran it at month 0 (at least
    :data:`SCALE_UP_MIN_PATIENTS` additional patient, ``reached_additional`` at that month) **and**
    at that month at least one organisation beyond the origin still runs it in routine use (adopted at
    or before it, not discontinued by then). So it asks for spread to another organisation and for
    that spread to last: Greenhalgh et al. (2017, NASSS) name non-adoption, abandonment and failure to
    scale up, spread and sustain as the ways technologies fail, and the eHealth-monitor 2015 found that
    most pilots continue where they began but do not spread to other organisations (DOMAIN.md sec. 5).
    The time allowed is the population's ``success_months`` (5 years by default). Not a column of the
    summary table: ``diffusion-sim population`` records it per run.

    Returns ``scaled_up`` (1.0 or 0.0), ``in_use_beyond_origin`` (organisations beyond the origin in use
    at that month), ``patients_beyond_origin`` (additional patients reached by then),
    ``adopted_beyond_origin`` and ``discontinued_beyond_origin`` (organisations beyond the origin that
    adopted, or adopted and stopped, by then) and ``month_first_beyond_origin`` (the first month an
    organisation beyond the origin reached routine use; NaN if none did by then).
    """
    horizon = rep.share_adopted.size - 1
    if not 1 <= months <= horizon:
        raise ValueError(f"a scale-up is judged within 1 to {horizon} months (the run's horizon), not {months}")
    adopted = rep.events[EVENT_FIELDS.index("month_adopted")].astype(np.int64)
    stopped = rep.events[EVENT_FIELDS.index("month_discontinued")].astype(np.int64)
    beyond = np.ones(adopted.size, dtype=bool)
    beyond[rep.origins] = False
    took_up = beyond & (adopted >= 1) & (adopted <= months)
    gave_up = took_up & (stopped >= 1) & (stopped <= months)
    in_use = int((took_up & ~gave_up).sum())
    patients = float(rep.reached_additional[months])
    first = float(adopted[took_up].min()) if took_up.any() else float("nan")
    return {
        "scaled_up": float(in_use > 0 and patients >= SCALE_UP_MIN_PATIENTS),
        "in_use_beyond_origin": float(in_use),
        "patients_beyond_origin": patients,
        "adopted_beyond_origin": float(took_up.sum()),
        "discontinued_beyond_origin": float(gave_up.sum()),
        "month_first_beyond_origin": first,
    }


# the summary row's columns, in the order tables have always had them
ROW_ORDER = ("eligible_orgs", "adopters_final", "share_adopted_final", "adopted_beyond_origin", "rejected_final", "failed",
             "discontinued", PATIENTS_IN_YEAR, "patients_final", "patients_enrolled_final", MONTHS_TO_PATIENTS,
             MONTHS_TO_ADOPTION, "implementation_cost_eur", "facilitation_cost_eur", "total_cost_eur", "cost_per_patient_eur",
             "reimbursement_month", "spread_beyond_origin", "team_hours", "team_in_kind_cost_eur", "budget_unspent_eur",
             "months_time_bound", "months_money_bound",
             PATIENTS_IN_USE, "setup_cost_per_adopter_eur", "setup_months_per_adopter", "running_cost_eur",
             "cost_organisations_eur", "cost_insurer_eur", "cost_team_eur", "cost_all_payers_eur")


# --- summaries over replications -------------------------------------------------------------------
def censor(values: pd.Series, horizon: int) -> pd.Series:
    """A time to a target with a miss counted as ``horizon + 1`` (right-censored: a mean of it is a lower bound)."""
    return values.fillna(float(horizon + 1))


def quantiles(values: pd.Series, censored: bool = False) -> dict[str, float]:
    """Median and 5%/95% quantiles; for a time to target, NaN (not reached) ranks above every month.

    ``reached`` is the share of replications that met a time target (NaN for other outcomes).
    """
    v = values.to_numpy(dtype=float)
    if v.size == 0:
        return {"median": np.nan, "low": np.nan, "high": np.nan, "reached": np.nan}
    if censored:
        ranked = np.where(np.isnan(v), np.inf, v)
        q = np.quantile(ranked, [0.5, LOW, HIGH], method="inverted_cdf")
        return {"median": float(q[0]), "low": float(q[1]), "high": float(q[2]), "reached": float(np.mean(~np.isnan(v)))}
    finite = v[~np.isnan(v)]
    if finite.size == 0:
        return {"median": np.nan, "low": np.nan, "high": np.nan, "reached": np.nan}
    q = np.quantile(finite, [0.5, LOW, HIGH])
    return {"median": float(q[0]), "low": float(q[1]), "high": float(q[2]), "reached": np.nan}


def months_saved(reference: pd.Series, other: pd.Series, horizon: int) -> pd.Series:
    """Months by which ``other`` reaches a target before ``reference``, per replication.

    A target not reached counts as reached at ``horizon + 1``, so a saving involving it is a lower
    bound; when neither reaches it the saving is unknown (NaN).
    """
    saved = censor(reference, horizon) - censor(other, horizon)
    return saved.where(~(reference.isna() & other.isna()))


def paired_rows(reference: pd.DataFrame, other: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Per replication (rows aligned by position), ``other`` minus ``reference`` for every paired outcome."""
    ref, oth = reference.reset_index(drop=True), other.reset_index(drop=True)
    out = pd.DataFrame(index=ref.index)
    for name, o in CATALOGUE.items():
        if o.paired == "difference":
            out[name] = oth[name] - ref[name]
    for name in TIME_OUTCOMES:
        out[saved_name(name)] = months_saved(ref[name], oth[name], horizon)
    return out


def paired_differences(summary: pd.DataFrame, order: list[str], horizon: int) -> pd.DataFrame:
    """Per replication, each scenario's outcomes minus the first scenario's (common random numbers)."""
    ref = summary[summary["scenario"] == order[0]].set_index("replication")
    frames = []
    for name in order[1:]:
        other = summary[summary["scenario"] == name].set_index("replication").reindex(ref.index)
        diff = paired_rows(ref, other, horizon)
        diff.index = ref.index
        if "draw" in ref:
            diff.insert(0, "draw", ref["draw"].to_numpy())  # the pair's parameter draw (the same in both scenarios)
        diff.insert(0, "reference", order[0])
        diff.insert(0, "scenario", name)
        frames.append(diff.reset_index())
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def point_outcomes(tidy: pd.DataFrame, horizon: int, by: str | list[str] = "point") -> pd.DataFrame:
    """One row per group (a design point): each point outcome's statistic, ``<outcome>_mcse``, and the replications used.

    Most outcomes: the mean over replications with its Monte Carlo standard error. A time to a
    target: censored at ``horizon + 1`` (a restricted mean, a lower bound), with the share that met
    it as its own outcome. Cost per patient: total cost over all replications divided by patients
    reached over all replications (a ratio of means, defined whenever any replication reached a
    patient; MCSE by the delta method).
    """
    t = tidy.copy()
    for name in TIME_OUTCOMES:
        t[CATALOGUE[name].reached] = t[name].notna().astype(float)
        t[name] = censor(t[name], horizon)
    grouped = t.groupby(by, sort=True)
    n = grouped.size()
    out = pd.DataFrame(index=n.index)
    out["replications"] = n
    for col in point_names():
        if col == "cost_per_patient_eur":
            continue
        out[col] = grouped[col].mean()
        out[f"{col}_mcse"] = grouped[col].std(ddof=1).fillna(0.0) / np.sqrt(n)
    cost, pat = grouped["total_cost_eur"], grouped["patients_final"]
    mx, my = cost.mean(), pat.mean()
    ratio = mx / my.where(my > 0)
    cov = t.assign(_xy=t["total_cost_eur"] * t["patients_final"]).groupby(by, sort=True)["_xy"].mean() - mx * my
    var = (cost.var(ddof=1) - 2 * ratio * cov + ratio**2 * pat.var(ddof=1)).clip(lower=0) / (my**2 * n)
    out["cost_per_patient_eur"] = ratio
    out["cost_per_patient_eur_mcse"] = np.sqrt(var)
    return out.reset_index()


def outcomes_of(rows: list[dict[str, float]], horizon: int) -> dict[str, float]:
    """The point statistics of one set of replications' summary rows, as a plain dict (``run_model``'s answer).

    The statistics of :func:`point_outcomes` without their standard errors, computed on arrays: a data
    frame per call cost ``run_model`` four times the replication it ran.
    """
    column = {name: np.array([row[name] for row in rows], dtype=float) for name in rows[0]}
    for name in TIME_OUTCOMES:
        column[CATALOGUE[name].reached] = (~np.isnan(column[name])).astype(float)
        column[name] = np.where(np.isnan(column[name]), float(horizon + 1), column[name])
    out = {}
    for name in point_names():
        if name == "cost_per_patient_eur":
            patients = column["patients_final"].mean()
            out[name] = float(column["total_cost_eur"].mean() / patients) if patients > 0 else float("nan")
        else:
            known = column[name][~np.isnan(column[name])]  # left out where undefined (set-up cost without adopters)
            out[name] = float(known.mean()) if known.size else float("nan")
    return out
