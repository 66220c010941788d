"""The API's version, in a module of its own so the app factory and the health route both import it
without importing each other."""

from __future__ import annotations

from importlib.metadata import version

# Read from the installed distribution so pyproject.toml stays the one place the number is written.
VERSION: str = version("evalforge")
