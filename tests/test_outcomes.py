"""The outcome catalogue: one place for every outcome, its target, censoring, summary and paired difference."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diffusion_sim import outcomes as O

SRC = Path(O.__file__).resolve().parent


def test_the_targets_are_written_in_one_place():
    """No module but outcomes.py spells a target or a name made from it: changing a target is one change."""
    literal = re.compile(r'"months_to_1000_patients"|"months_to_70pct"|"patients_12m"|1[,.]000 (additional|extra|more)'
                         r"|\b70 ?% (of|van)|PATIENT_TARGET\s*=|ADOPTION_TARGET\s*=")
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "outcomes.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if literal.search(line):
                offenders.append(f"{path.relative_to(SRC)}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_names_follow_the_targets():
    assert O.MONTHS_TO_PATIENTS == f"months_to_{O.PATIENT_TARGET}_patients"
    assert O.saved_name(O.MONTHS_TO_ADOPTION) == "months_saved_to_70pct"
    assert set(O.TIME_OUTCOMES) == {O.MONTHS_TO_PATIENTS, O.MONTHS_TO_ADOPTION}
    assert set(O.point_names()) >= {*O.TIME_OUTCOMES, O.REACHED_PATIENTS, O.REACHED_ADOPTION, "cost_per_patient_eur"}


def test_a_miss_is_censored_at_the_horizon_plus_one_and_ranked_last():
    months = pd.Series([3.0, np.nan, 5.0, np.nan])
    assert O.censor(months, 10).tolist() == [3.0, 11.0, 5.0, 11.0]
    q = O.quantiles(months, censored=True)
    assert q["reached"] == 0.5 and np.isinf(q["high"])
    # when neither reaches it the saving is unknown; when one does it is a lower bound counted from horizon + 1
    saved = O.months_saved(pd.Series([np.nan, np.nan, 8.0]), pd.Series([np.nan, 4.0, 6.0]), 10)
    assert np.isnan(saved[0]) and saved[1] == 7.0 and saved[2] == 2.0


def test_paired_differences_are_per_replication_and_need_the_horizon():
    base = {"scenario": "a", "patients_final": [10.0, 20.0], "total_cost_eur": [100.0, 100.0]}
    rows = []
    for name, extra, months in (("a", 0.0, [np.nan, 5.0]), ("b", 5.0, [7.0, 4.0])):
        frame = pd.DataFrame({c: [0.0, 0.0] for c in O.CATALOGUE})
        frame["scenario"], frame["replication"] = name, [0, 1]
        frame["patients_final"] = np.array(base["patients_final"]) + extra
        frame["total_cost_eur"] = np.array(base["total_cost_eur"]) + 10 * extra
        frame[O.MONTHS_TO_PATIENTS] = months
        rows.append(frame)
    paired = O.paired_differences(pd.concat(rows), ["a", "b"], horizon=12)
    assert paired["patients_final"].tolist() == [5.0, 5.0]
    assert O.INCREMENTAL_COST not in paired  # a ratio over all pairs, never per pair (analysis.summary.incremental_ratio)
    assert paired[O.saved_name(O.MONTHS_TO_PATIENTS)].tolist() == [6.0, 1.0]  # 13 - 7: a miss counts as 13


@pytest.mark.parametrize("n", [1, 7])
def test_point_outcomes_are_means_with_mcse_and_a_ratio_of_means(n):
    rng = np.random.default_rng(n)
    tidy = pd.DataFrame({c: rng.random(n) for c in O.CATALOGUE})
    tidy[O.MONTHS_TO_PATIENTS] = np.where(rng.random(n) < 0.5, np.nan, 3.0)
    row = O.outcomes_of(tidy.to_dict("records"), horizon=10)
    assert row["patients_final"] == pytest.approx(tidy["patients_final"].mean())
    assert row[O.REACHED_PATIENTS] == pytest.approx(tidy[O.MONTHS_TO_PATIENTS].notna().mean())
    assert row[O.MONTHS_TO_PATIENTS] == pytest.approx(O.censor(tidy[O.MONTHS_TO_PATIENTS], 10).mean())
    assert row["cost_per_patient_eur"] == pytest.approx(tidy["total_cost_eur"].sum() / tidy["patients_final"].sum())
