"""The agent-based model: states, ties, the monthly rules and their compiled pass, Mesa agents and the model classes."""

from diffusion_sim.model.model import DiffusionModel
from diffusion_sim.model.portfolio import PortfolioModel, build_model
from diffusion_sim.model.state import STATE_NAMES, OrgState

__all__ = ["STATE_NAMES", "DiffusionModel", "OrgState", "PortfolioModel", "build_model"]
