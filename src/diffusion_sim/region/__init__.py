"""Regions: shipped municipality data and the generator of organisations and their network."""

from diffusion_sim.region.build import (
    ROGERS_CATEGORIES,
    Region,
    attributes,
    build_region,
    municipalities_for,
    preset_names,
    region_key,
)

__all__ = ["ROGERS_CATEGORIES", "Region", "attributes", "build_region", "municipalities_for", "preset_names", "region_key"]
