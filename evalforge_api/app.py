"""The FastAPI application factory. The API reads and writes the store; it never calls Datadog directly
(except the key check /health makes when Datadog is configured)."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from evalforge_api.auth import Authenticator, log_auth_mode
from evalforge_api.console import install_console
from evalforge_api.errors import install_error_handlers
from evalforge_api.hardening import install_hardening
from evalforge_api.metrics import install_metrics
from evalforge_api.routes import alerts, captures, exports, health, ingestion, signatures
from evalforge_api.routes.orchestrator import install_orchestrator
from evalforge_api.version import VERSION
from evalforge_api.ws import event_stream_running, install_event_stream
from evalforge_assets import parts, telemetry
from evalforge_assets.logs import configure_logging
from evalforge_assets.settings import Settings, get_settings
from evalforge_assets.store import Store

DESCRIPTION = """\
Failure captures, signatures and the reviewer queue.

**Auth.** Send `Authorization: Bearer <key>` with a key from `EVALFORGE_API_KEYS` (`key=role,...`). Roles:
`viewer` reads, `reviewer` triages, `lead` also marks exported, merges and launches ingestion. With no keys
configured the API answers only requests from 127.0.0.1. Each key may send `EVALFORGE_RATE_LIMIT_PER_MINUTE`
requests a minute (100 by default); beyond that the answer is 429 with `Retry-After`.

**Lists** answer `{"items": [...], "next_cursor": "..." | null}`: pass `next_cursor` back as `cursor` until it
is null. Filters take repeated or comma-separated values; unknown parameters or values are a 422 naming the
field and the reason.
"""

TAGS = [
    {"name": "captures", "description": "One stored failure per span, newest first."},
    {"name": "signatures", "description": "Captures grouped by fingerprint: the review queue."},
    {"name": "ingestion", "description": "Launch ingestion runs in Dagster."},
    {"name": "exports", "description": "Export packages (eval cases, guardrails, runbooks, webhook) and the audit "
                                        "trail."},
    {"name": "health", "description": "Is the API up, and can it reach what it needs."},
]


def create_app(settings: Settings | None = None, store: Store | None = None,
               http_transport: httpx.BaseTransport | None = None) -> FastAPI:
    """The API over `store` (opened from settings when not given; closed on shutdown only if opened here).

    `http_transport` replaces the network for outgoing calls (Dagster, Datadog's key check) in tests.
    Raises ApiKeyConfigError when EVALFORGE_API_KEYS cannot be read, so a bad key list stops start-up.
    """
    settings = settings or get_settings()
    # Limits are counted in the app's store (attached below, or opened at start-up), shared by replicas.
    authenticator = Authenticator.from_settings(settings, lambda: app.state.store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging()
        log_auth_mode(authenticator)
        owned = store is None
        if owned:
            app.state.store = parts.store(settings)
        # Everything alive now (modules, schemas, clients) lives as long as the process. Freezing it keeps the
        # garbage collector's full passes from walking it under load: they caused 50+ ms p99 spikes on lists.
        gc.freeze()
        async with event_stream_running(app):
            yield
        telemetry.flush(app.state.store)  # this process's pipeline figures not yet scraped
        if owned:
            app.state.store.close()

    app = FastAPI(title="Evalforge API", version=VERSION, description=DESCRIPTION, openapi_tags=TAGS,
                  lifespan=lifespan)
    app.state.settings = settings
    # A given store is attached now, so ASGI clients that skip the lifespan (test tools) can use it too.
    app.state.store = store
    app.state.auth = authenticator
    app.state.http_transport = http_transport
    install_error_handlers(app)
    app.include_router(captures.router)
    app.include_router(signatures.router)
    app.include_router(ingestion.router)
    app.include_router(exports.router)
    app.include_router(health.router)
    app.include_router(alerts.router)
    install_orchestrator(app)
    install_event_stream(app)
    install_hardening(app, settings)
    install_console(app)
    # Metrics and tracing (docs/operations.md): the metrics middleware is added last so it is outermost and
    # counts every answer, the 413s and 429s of middleware added above too; request spans only when
    # OTEL_EXPORTER_OTLP_ENDPOINT is set. Keep this at the end of create_app.
    install_metrics(app)
    if parts.tracing(settings, "evalforge-api"):
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(app, excluded_urls="/metrics")
    return app
