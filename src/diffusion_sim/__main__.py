"""``python -m diffusion_sim`` runs the command line."""

from diffusion_sim.cli import main

main()
