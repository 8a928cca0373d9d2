"""The checked-in baseline: every number of a few small studies is what it was (see ``baseline.py``).

If this fails after a refactor, the refactor changed results: find out why. If a change to the model's
numbers is deliberate, run ``.venv/bin/python tests/update_baseline.py --note "what changed and why"``
and commit the new ``baseline.json`` with it.
"""

from __future__ import annotations

import json

from tests.baseline import BASELINE, differences, fingerprints


def test_numbers_equal_the_checked_in_baseline():
    pinned = json.loads(BASELINE.read_text(encoding="utf-8"))
    changed = differences(pinned["fingerprints"], fingerprints())
    assert not changed, "results differ from tests/baseline.json:\n" + "\n".join(changed[:40])


def test_a_changed_number_is_named_by_table_and_column():
    old = {"s": {"tables": {"summary": {"rows": 2, "columns": {"a": "1", "b": "2"}}}, "medians": {"x": {"a": 1.0}}}}
    new = {"s": {"tables": {"summary": {"rows": 2, "columns": {"a": "1", "b": "3"}}}, "medians": {"x": {"a": 1.5}}}}
    assert differences(old, new) == ["s/summary.b: changed", "s/x median a: 1.0 -> 1.5"]
    assert differences(old, old) == []
