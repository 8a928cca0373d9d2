"""diffusion-sim: how proven healthcare innovations spread between care organisations in a region."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("diffusion-sim")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"
