"""The model as a plain function: ``run_model(**params) -> dict of outcomes``.

This is the EMA Workbench's "model is a function" contract, and what SALib, a notebook or any other
tool calls. Parameters are keyword arguments named like the scenario file's dotted names, with
``__`` for the dot (``diffusion__q=0.3``, ``facilitation__budget_eur_per_year=20000``) because a
Python keyword cannot hold a dot; ``run_model(**{"diffusion.q": 0.3})`` works as well. Every value
goes through the same validation as a scenario file; an unknown name or a value out of range raises
:class:`~diffusion_sim.errors.ScenarioError` naming it.

Example::

    from diffusion_sim.api import run_model
    run_model(scenario="scenarios/zuidwest-collaborative.toml", facilitation__budget_eur_per_year=20000,
              replications=20)["patients_final"]

Outcomes (see ``outcomes.py`` for the exact definitions) are the means over the
replications run: for one replication, its own value. Times to a target count a miss as
``horizon + 1`` and come with the share that reached it; cost per patient is a ratio of means.

Sensitivity analyses call this tens of thousands of times, one replication a call, so what does not
change between calls is kept rather than made again (issue 17): the last scenario files read (until
one of them changes on disk), in :data:`KEPT`, and the regions, which every run in this process keeps
(:func:`diffusion_sim.runner.region_for`). ``KEPT.clear()`` forgets both. A kept region is the one
``build_region`` would build again, so results never depend on what was kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diffusion_sim.draws import drawn, region_realisation
from diffusion_sim.errors import ScenarioError
from diffusion_sim.outcomes import outcomes_of, point_names, summarise
from diffusion_sim.params import Params, change, normalise
from diffusion_sim.runner import forget_regions, region_for, simulate

__all__ = ["KEPT", "OUTCOMES", "run_model"]

OUTCOMES: tuple[str, ...] = tuple(point_names())


@dataclass
class Kept:
    """What ``run_model`` keeps between calls: scenarios by file (the regions are kept by :mod:`diffusion_sim.runner`)."""

    scenarios: dict[Path, tuple[tuple, Params]] = field(default_factory=dict)  # file -> (its files' stamps, parameters)

    def scenario(self, path: str | Path) -> Params:
        """The scenario file's parameters, read again only when it or a file it extends changed on disk."""
        from diffusion_sim.scenario import load_scenario

        resolved = Path(path).resolve()
        kept = self.scenarios.get(resolved)
        if kept is not None and kept[0] == _stamps([f for f, _ in kept[0]]):
            return kept[1]
        files: list[Path] = []
        params = load_scenario(path, files=files)
        if len(self.scenarios) >= 16:  # a study alternates between a few scenario files
            self.scenarios.clear()
        self.scenarios[resolved] = (_stamps(files), params)
        return params

    def clear(self) -> None:
        """Forget every kept scenario and region."""
        self.scenarios.clear()
        forget_regions()


def _stamps(files: list[Path]) -> tuple:
    """Each file with its modification time and size now (None for a file gone)."""
    out = []
    for path in files:
        try:
            st = path.stat()
            out.append((path, (st.st_mtime_ns, st.st_size)))
        except OSError:
            out.append((path, None))
    return tuple(out)


KEPT = Kept()


def run_model(
    *, scenario: str | Path | None = None, replication: int = 0, replications: int = 1, seed: int | None = None,
    draws: bool = False, **params: Any
) -> dict[str, float]:
    """Run the model and return its outcomes as a flat ``{name: float}`` dict.

    Args:
        scenario: a scenario TOML file to start from; default the package defaults (the Zuidwest
            isolated baseline).
        replication: index of the first replication; replication ``i`` always uses the same random
            streams, so two calls that differ only in parameters are paired (common random numbers).
        replications: how many consecutive replications to run and average (``replication`` to
            ``replication + replications - 1``).
        seed: root seed (``simulation.seed``); EMA's ``ReplicatorModel`` passes one per replication.
        draws: draw every parameter not given here from its prior (or the profile's posterior) per
            replication, as ``compare`` does; by default they stay at the scenario's values, because the
            EMA Workbench and SALib bring their own designs over the parameters they vary.
        **params: parameter values by dotted or ``__`` name, e.g. ``diffusion__q=0.3``.

    Returns:
        One float per outcome in :data:`OUTCOMES`.

    Raises:
        ScenarioError: an unknown parameter or outcome, or a value the parameter does not allow.
    """
    if replications < 1 or replication < 0:
        raise ScenarioError(f"replications must be at least 1 and replication at least 0, got {replications} and {replication}")
    base = KEPT.scenario(scenario) if scenario is not None else Params()
    changes = {**params, "uncertainty.draws": draws}
    if draws:  # what is given is held; the rest is drawn
        given = [normalise(k) for k in params]
        changes["uncertainty.fixed"] = tuple(dict.fromkeys((*base.uncertainty.fixed, *given)))
    if seed is not None:
        changes["simulation.seed"] = int(seed)
    p = change(base, changes, source="run_model")
    rows = [summarise(simulate(*drawn(p, r), r, region_for(p, region_realisation(p, r))))
            for r in range(replication, replication + replications)]
    return outcomes_of(rows, p.simulation.months)
