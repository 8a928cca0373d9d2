"""Regions: shipped municipality data and the generator of organisations and their network."""

from diffusion_sim.region.build import (
    ROGERS_CATEGORIES,
    Region,
    attributes,
    build_region,
    financial_room,
    municipalities_for,
    preset_names,
    region_key,
    staff_beta,
)

__all__ = ["ROGERS_CATEGORIES", "Region", "attributes", "build_region", "financial_room", "municipalities_for", "preset_names",
           "region_key", "staff_beta"]
