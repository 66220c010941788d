"""FastAPI dependencies: the one way routes reach settings, the store and the services.

Tests swap any of these through `app.dependency_overrides`, never by editing `app.state`.
"""

from __future__ import annotations

from fastapi import Request

from evalforge_assets.settings import Settings
from evalforge_assets.store import Store


def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    return request.app.state.settings


def get_store(request: Request) -> Store:
    """The store the app opened (or was given) at start-up."""
    return request.app.state.store
