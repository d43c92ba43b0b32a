"""The installed version, read from the package metadata (pyproject.toml is its one source)."""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("paper-digest")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"
