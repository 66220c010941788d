"""What protects the API before any route runs: body limits, CORS, and the cursor signer lists use.

Rate limits and the failed-authentication throttle sit with authentication (auth.py, rate_limits.py), since
they need to know the key or that it was wrong.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from evalforge_api.body_limit import BodyLimitMiddleware
from evalforge_api.cursors import CursorSigner
from evalforge_assets.settings import Settings

# Endpoints with their own body limit (longest matching prefix wins, see BodyLimitMiddleware).
WEBHOOK_PATHS = ("/internal/datadog/webhook", "/v1/alerts/alertmanager")
EXPORT_PATHS = ("/v1/exports",)


def install_hardening(app: FastAPI, settings: Settings) -> None:
    """Add the body limit and CORS middleware and the cursor signer to `app` (before it starts)."""
    app.state.cursors = CursorSigner.from_settings(settings, lambda: app.state.store)
    path_limits = {path: settings.max_webhook_body_bytes for path in WEBHOOK_PATHS}
    path_limits.update({path: settings.max_export_body_bytes for path in EXPORT_PATHS})
    app.add_middleware(BodyLimitMiddleware, default_limit=settings.max_body_bytes, path_limits=path_limits)
    origins = settings.cors_origin_list
    if origins:
        # Added last, so it is outermost: a 413 or 429 still carries the CORS headers a browser needs to read it.
        # Credentials stay off: the API takes bearer keys, never cookies, from other origins.
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST", "PATCH", "DELETE"],
                           allow_headers=["Authorization", "Content-Type"], expose_headers=["Retry-After"],
                           max_age=600)
