"""Rewrite ``tests/baseline.json`` after a deliberate change to the model's numbers, saying what changed and why.

    .venv/bin/python tests/update_baseline.py --note "origin starts at the evidence's use (issue 15)"

Prints every table, column and median that moved, keeps the history of notes, and refuses to run
without a note. Never run it to make a refactor's test pass.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.baseline import BASELINE, differences, fingerprints  # noqa: E402


def main() -> int:
    """Recompute the fingerprints, show what moved and write them with the note."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--note", required=True, help="what changed and why (kept in the file's history)")
    args = ap.parse_args()
    old = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.is_file() else {"history": [], "fingerprints": {}}
    new = fingerprints()
    changed = differences(old["fingerprints"], new)
    print("\n".join(changed) if changed else "nothing changed")
    history = [*old.get("history", []), {"date": datetime.now(UTC).strftime("%Y-%m-%d"), "note": args.note,
                                         "changed": len(changed)}]
    data = {"about": "tests/baseline.py: what each study is and how a table is fingerprinted",
            "history": history, "fingerprints": new}
    BASELINE.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {BASELINE.name} ({len(changed)} differences)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
