"""The FastAPI application factory. The API reads and writes the store; it never calls Datadog directly."""

from __future__ import annotations

from contextlib import asynccontextmanager
from collections.abc import AsyncIterator

from fastapi import FastAPI

from evalforge_api.routes import health
from evalforge_assets.settings import Settings, get_settings
from evalforge_assets.store import Store, open_store

VERSION = "0.1.0"


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = store or open_store(settings.resolved_store_url)
        yield
        if owned:
            app.state.store.close()

    app = FastAPI(
        title="Evalforge API",
        version=VERSION,
        description="Failure captures, signatures and the reviewer queue; exports; incidents and recovery.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.include_router(health.router)
    return app
