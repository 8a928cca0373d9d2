"""How unsure a parameter is: its prior distribution, and one value drawn from it for a uniform number.

Every uncertain parameter has a :class:`Prior`: where it comes from (``source``, a citation or
ASSUMPTION with its reason and what would narrow it) and a distribution over the values it may take.
A replication that draws its parameters turns one uniform number per parameter into a value with
:meth:`Prior.value` (the inverse of the distribution function), so the same uniform gives the same
value in every scenario that shares the prior: paired comparisons stay paired.

Distributions (``low`` and ``high`` always bound the bulk of it):

- ``uniform``: every value in [low, high] equally likely;
- ``loguniform``: uniform on a log scale in [low, high] (for ranges over more than a factor 3);
- ``triangular``: from low through ``mode`` (most likely) to high;
- ``normal`` / ``lognormal``: low and high are the 5th and 95th percentiles (lognormal: on a log
  scale, so its median is sqrt(low x high)).

A ``relative`` prior gives low, high (and mode) as factors of the scenario's own value, so one prior
serves every scenario and every organisation type (``[0.5, 2]``: half to double). Draws are truncated
to the parameter's allowed range (its schema bounds), by drawing the uniform within the allowed part
of the distribution, never by clipping.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Dist = Literal["uniform", "loguniform", "triangular", "normal", "lognormal"]
DISTS: tuple[str, ...] = ("uniform", "loguniform", "triangular", "normal", "lognormal")
Z95 = 1.6448536269514722  # scipy.special.ndtri(0.95): low and high of a (log)normal are its 5th and 95th percentiles


class Prior(BaseModel):
    """One uncertain parameter's distribution and where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dist: Dist = Field("uniform", description="uniform, loguniform, triangular, normal or lognormal")
    low: float = Field(description="lower end (5th percentile for normal and lognormal)")
    high: float = Field(description="upper end (95th percentile for normal and lognormal)")
    mode: float | None = Field(None, description="most likely value (triangular only)")
    relative: bool = Field(False, description="low, high and mode are factors of the scenario's value")
    source: str = Field(min_length=1, description="citation, or ASSUMPTION with the reason and what would narrow it")

    @model_validator(mode="after")
    def _consistent(self) -> Prior:
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            raise ValueError(f"low and high must be finite numbers, got {self.low} and {self.high}")
        if self.low > self.high:
            raise ValueError(f"low {self.low:g} is greater than high {self.high:g}")
        if self.dist in ("loguniform", "lognormal") and self.low <= 0:
            raise ValueError(f"a {self.dist} prior needs low > 0, got {self.low:g}")
        if self.relative and self.low < 0:
            raise ValueError(f"a relative prior's factors must be at least 0, got low {self.low:g}")
        if self.dist == "triangular":
            if self.mode is None or not self.low <= self.mode <= self.high:
                raise ValueError(f"a triangular prior needs low <= mode <= high, got mode {self.mode}")
        elif self.mode is not None:
            raise ValueError(f"mode is for triangular priors only, not {self.dist}")
        return self

    def bounds(self, base: float = 1.0) -> tuple[float, float]:
        """(low, high) in the parameter's own units: factors of ``base`` for a relative prior."""
        return (self.low * base, self.high * base) if self.relative else (self.low, self.high)

    def cdf(self, x: float, base: float = 1.0) -> float:
        """P(value <= x) for this prior at scenario value ``base``."""
        lo, hi = self.bounds(base)
        if self.dist == "uniform":
            return _clip01((x - lo) / (hi - lo)) if hi > lo else float(x >= lo)
        if self.dist == "loguniform":
            return _clip01((math.log(x) - math.log(lo)) / (math.log(hi) - math.log(lo))) if x > 0 and hi > lo else float(x >= lo)
        if self.dist == "triangular":
            mode = self.mode * base if self.relative else self.mode  # type: ignore[operator]
            if hi == lo:
                return float(x >= lo)
            if x <= lo:
                return 0.0
            if x >= hi:
                return 1.0
            if x <= mode:
                return (x - lo) ** 2 / ((hi - lo) * (mode - lo))
            return 1.0 - (hi - x) ** 2 / ((hi - lo) * (hi - mode))
        from scipy.special import ndtr  # the standard normal's distribution function; imported when a prior needs it

        mu, sigma = self._location(lo, hi)
        if self.dist == "lognormal":
            return float(ndtr((math.log(x) - mu) / sigma)) if x > 0 and sigma > 0 else float(x >= lo)
        return float(ndtr((x - mu) / sigma)) if sigma > 0 else float(x >= lo)

    def ppf(self, u: float, base: float = 1.0) -> float:
        """The value at cumulative probability ``u`` (0 < u < 1): the inverse of :meth:`cdf`."""
        lo, hi = self.bounds(base)
        if self.dist == "uniform":
            return lo + u * (hi - lo)
        if self.dist == "loguniform":
            return math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
        if self.dist == "triangular":
            mode = self.mode * base if self.relative else self.mode  # type: ignore[operator]
            if hi == lo:
                return lo
            cut = (mode - lo) / (hi - lo)
            if u <= cut:
                return lo + math.sqrt(u * (hi - lo) * (mode - lo))
            return hi - math.sqrt((1.0 - u) * (hi - lo) * (hi - mode))
        from scipy.special import ndtri  # its inverse (scipy.stats.norm's own, without importing scipy.stats)

        mu, sigma = self._location(lo, hi)
        z = float(ndtri(u))
        return math.exp(mu + sigma * z) if self.dist == "lognormal" else mu + sigma * z

    def value(self, u: float, base: float = 1.0, lower: float = -math.inf, upper: float = math.inf,
              integer: bool = False) -> float:
        """The value drawn for uniform ``u``, truncated to [lower, upper] (the parameter's allowed range).

        The uniform is mapped into the allowed part of the distribution, so a truncated draw keeps the
        distribution's shape inside the bounds. Integers round to the nearest whole number within bounds.
        """
        return self.value_within(u, base, lower, upper, integer, self.allowed(base, lower, upper))

    def allowed(self, base: float = 1.0, lower: float = -math.inf, upper: float = math.inf) -> tuple[float, float]:
        """The part of the uniform scale whose values lie in [lower, upper]: (cdf(lower), cdf(upper)).

        It depends on the scenario's value and the parameter's range only, so a scenario's draws compute
        it once (``draws.py``) rather than for every draw.
        """
        lo, hi = self.bounds(base)
        if lo == hi:  # no spread: :meth:`value_within` gives the value itself, the scale is not used
            return 0.0, 1.0
        a = self.cdf(lower, base) if math.isfinite(lower) else 0.0
        b = self.cdf(upper, base) if math.isfinite(upper) else 1.0
        return a, b

    def value_within(self, u: float, base: float, lower: float, upper: float, integer: bool,
                     allowed: tuple[float, float]) -> float:
        """:meth:`value`, given its :meth:`allowed` part of the uniform scale."""
        lo, hi = self.bounds(base)
        if lo == hi:  # no spread (a relative prior on a value of 0, say): the value itself, within the allowed range
            return float(min(max(lo, lower), upper))
        a, b = allowed
        if b <= a:  # the whole distribution lies outside the allowed range: the nearest allowed end
            x = lower if hi < lower else upper
        else:
            x = self.ppf(min(max(a + u * (b - a), 1e-12), 1.0 - 1e-12), base)
            x = min(max(x, lower), upper)
        if integer:
            x = float(min(max(round(x), math.ceil(lower) if math.isfinite(lower) else -math.inf),
                          math.floor(upper) if math.isfinite(upper) else math.inf))
        return x

    def central(self, base: float = 1.0) -> float:
        """The median of the prior (before truncation)."""
        return self.ppf(0.5, base)

    def _location(self, lo: float, hi: float) -> tuple[float, float]:
        """(mu, sigma) of a normal (or of the log of a lognormal) with 5th/95th percentiles lo and hi."""
        if self.dist == "lognormal":
            lo, hi = math.log(lo), math.log(hi)
        return (lo + hi) / 2.0, (hi - lo) / (2.0 * Z95)


def _clip01(x: float) -> float:
    return min(max(x, 0.0), 1.0)
