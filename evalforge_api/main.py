"""The ASGI entry point: `uvicorn evalforge_api.main:app`."""

from __future__ import annotations

from evalforge_api.app import create_app

app = create_app()
