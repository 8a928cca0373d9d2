"""The explorer's settings as a scenario file that ``diffusion-sim run`` reads back to the same numbers.

The file is self-contained: every parameter is written out (no ``extends``), so it runs wherever it is
saved. Comments at the top say which levers moved away from the starting scenario. The text comes from
the one scenario writer, :func:`diffusion_sim.scenario.to_toml`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from diffusion_sim import __version__
from diffusion_sim.params import Params, differences
from diffusion_sim.scenario import to_toml


def _shown(value: Any) -> str:
    return "unset" if value is None else json.dumps(value, ensure_ascii=False)


def scenario_toml(params: Params, start: Params | None = None, replications: int | None = None) -> str:
    """``params`` as a complete scenario file; ``replications`` (the explorer's) is written into it."""
    data = params.model_dump(mode="json")
    if replications is not None:
        data["simulation"]["replications"] = int(replications)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = [
        f"Scenario {json.dumps(params.name, ensure_ascii=False)} exported from the diffusion-sim {__version__} explorer "
        f"on {stamp}.",
        "Every parameter is written out; `diffusion-sim run THIS_FILE` gives the explorer's numbers.",
    ]
    moved = differences(start, params) if start is not None else []
    if moved:
        header.append("Changed from the starting scenario:")
        header += [f"  {name}: {_shown(old)} -> {_shown(new)}" for name, old, new in moved]
    return to_toml(data, header)
