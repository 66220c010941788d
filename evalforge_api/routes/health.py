"""Liveness and dependency health: the store, Dagster, and Datadog only when Datadog keys are configured."""

from __future__ import annotations

from typing import Literal

import httpx
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from evalforge_api.routes.ingestion import dagster_client
from evalforge_api.version import VERSION
from evalforge_assets.orchestration import DagsterRequestFailed, DagsterUnavailable
from evalforge_assets.recovery.warroom.service import SlackStatus, slack_status
from evalforge_assets.recovery.warroom.summary import slack_configured
from evalforge_assets.settings import Settings
from evalforge_assets.store import StoreUnavailable

# Health answers fast even when a dependency hangs: a slow dependency is reported as unreachable.
DAGSTER_PING_TIMEOUT_SECONDS = 2.0
DATADOG_PING_TIMEOUT_SECONDS = 3.0

router = APIRouter(tags=["health"])


class DependencyHealth(BaseModel):
    ok: bool
    detail: str


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "status": "ok", "version": "0.1.0",
        "store": {"ok": True, "detail": "sqlite:///home/ana/.evalforge/evalforge.db"},
        "dagster": {"ok": True, "detail": "Dagster 1.13.27 at http://127.0.0.1:3000"},
        "datadog": None,
    }]})

    status: Literal["ok", "degraded"] = Field(description="degraded when any checked dependency is not ok.")
    version: str
    store: DependencyHealth
    dagster: DependencyHealth
    datadog: DependencyHealth | None = Field(description="Checked only when DD_API_KEY and DD_APP_KEY are "
                                                         "set.")
    slack: SlackStatus | None = Field(default=None, description="The incident war rooms, from what they recorded: "
                                                               "not_configured, ok, or failing with what to fix.")


def _store_health(request: Request) -> DependencyHealth:
    store = request.app.state.store
    try:
        store.ping()
    except StoreUnavailable as exc:
        return DependencyHealth(ok=False, detail=str(exc))
    return DependencyHealth(ok=True, detail=store.url)


def _dagster_health(request: Request) -> DependencyHealth:
    client = dagster_client(request, DAGSTER_PING_TIMEOUT_SECONDS)
    try:
        version = client.ping()
    except (DagsterUnavailable, DagsterRequestFailed) as exc:
        return DependencyHealth(ok=False, detail=str(exc))
    return DependencyHealth(ok=True, detail=f"Dagster {version} at {client.url}")


def _datadog_health(request: Request) -> DependencyHealth | None:
    settings: Settings = request.app.state.settings
    if not settings.datadog_configured:
        return None
    base = settings.datadog_api_base.rstrip("/")
    try:
        with httpx.Client(transport=request.app.state.http_transport,
                          timeout=DATADOG_PING_TIMEOUT_SECONDS) as client:
            # Datadog's key check: 200 {"valid": true} for a good API key, 403 for a bad one.
            response = client.get(f"{base}/api/v1/validate",
                                  headers={"DD-API-KEY": settings.secret_value("dd_api_key") or ""})
    except httpx.HTTPError as exc:
        return DependencyHealth(ok=False, detail=f"Datadog is not reachable at {base} "
                                                 f"({exc.__class__.__name__}); check DD_SITE / DD_API_HOST.")
    if response.status_code == 200:
        return DependencyHealth(ok=True, detail=f"Datadog at {base} accepted DD_API_KEY")
    if response.status_code in (401, 403):
        return DependencyHealth(ok=False, detail=f"Datadog at {base} rejected DD_API_KEY (HTTP "
                                                 f"{response.status_code}); check the key and DD_SITE.")
    return DependencyHealth(ok=False, detail=f"Datadog at {base} answered HTTP {response.status_code} to the "
                                             "key check.")


def _slack_health(request: Request) -> SlackStatus:
    settings: Settings = request.app.state.settings
    configured = slack_configured(settings)
    try:
        return slack_status(request.app.state.store, configured)
    except StoreUnavailable as exc:
        return SlackStatus(state="failing", detail=f"The war rooms' records cannot be read: {exc}")


@router.get("/health", response_model=Health, summary="Health of the API and what it depends on")
def get_health(request: Request) -> Health:
    """Always answers 200 (so process supervisors can tell the API is up); `status` says whether every
    checked dependency is reachable. Needs no API key."""
    store = _store_health(request)
    dagster = _dagster_health(request)
    datadog = _datadog_health(request)
    slack = _slack_health(request)
    healthy = store.ok and dagster.ok and (datadog is None or datadog.ok) and slack.state != "failing"
    return Health(status="ok" if healthy else "degraded", version=VERSION, store=store, dagster=dagster,
                  datadog=datadog, slack=slack)
