"""nzcli's version (one place; `nzcli.__version__`, the cache key and packaging read it)."""

__version__ = "0.1.0"
