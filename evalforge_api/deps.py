"""FastAPI dependencies: the one way routes reach settings, the store and the services.

Tests swap any of these through `app.dependency_overrides`, never by editing `app.state`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import httpx
from fastapi import Depends, Request

from evalforge_api.alert_relay import AlertRelay
from evalforge_api.cursors import CursorSigner
from evalforge_assets import parts
from evalforge_assets.capture.pii import redact_text
from evalforge_assets.exports.service import ExportService
from evalforge_assets.models import CopilotAnswer
from evalforge_assets.orchestration import DagsterClient, validation_run_launcher
from evalforge_assets.recovery.demo_switch import DemoAppSwitch
from evalforge_assets.recovery.service import IncidentService
from evalforge_assets.review.service import ReviewService
from evalforge_assets.settings import Settings
from evalforge_assets.store import Store


# FastAPI runs a plain `def` dependency in its threadpool: a thread hop per dependency per request, which under 32
# clients cost more CPU than the work itself (docs/operations.md, "Load test"). Dependencies that only read app
# state or build a service object are therefore `async def` and run on the event loop. Code that is not a
# dependency (console pages, Dagster clients) reads the same state through the plain functions below.
def settings_of(request: Request) -> Settings:
    """The settings the app was built with."""
    return request.app.state.settings


def store_of(request: Request) -> Store:
    """The store the app opened (or was given) at start-up."""
    return request.app.state.store


def transport_of(request: Request) -> httpx.BaseTransport | None:
    """The transport outgoing calls (Dagster) use: None for the network; tests pass one to create_app."""
    return request.app.state.http_transport


async def get_settings(request: Request) -> Settings:
    """The settings the app was built with (as a dependency)."""
    return settings_of(request)


async def get_store(request: Request) -> Store:
    """The store the app opened (or was given) at start-up (as a dependency)."""
    return store_of(request)


# ---- the incident service and the parts its routes use (recovery) ---------------------------------------------
CopilotAnswerer = Callable[[Store, Settings, str | None, str], CopilotAnswer]
DemoBugSwitch = Callable[[bool], None]


async def get_http_transport(request: Request) -> httpx.BaseTransport | None:
    """The transport outgoing calls (Dagster) use (as a dependency)."""
    return transport_of(request)


def incident_service_for(settings: Settings, store: Store,
                         transport: httpx.BaseTransport | None = None) -> IncidentService:
    """The API's IncidentService: validation runs it queues are launched in Dagster at once (the sensor is the
    fallback). The WebSocket's opening status uses this too, so both see one service."""
    launcher = validation_run_launcher(DagsterClient(settings.dagster_url, timeout=3.0, transport=transport))
    return parts.build_incident_service(settings, store, launcher=launcher)


def get_incident_service(settings: Annotated[Settings, Depends(get_settings)],
                         store: Annotated[Store, Depends(get_store)],
                         transport: Annotated[httpx.BaseTransport | None, Depends(get_http_transport)]
                         ) -> IncidentService:
    return incident_service_for(settings, store, transport)


def get_copilot(settings: Annotated[Settings, Depends(get_settings)]) -> CopilotAnswerer:
    """The question answerer behind POST /api/copilot/ask: the agent over the model the composition root builds
    from the app's settings (`parts.llm_model`), or its deterministic fallback when there is none."""
    # Imported on first use: the copilot pulls in the LLM stack, which the rest of the API never needs.
    from evalforge_assets.recovery.copilot import answer_question

    model = parts.llm_model(settings)

    def answer(store: Store, settings: Settings, incident_id: str | None, question: str) -> CopilotAnswer:
        return answer_question(store, settings, incident_id, question, model)

    return answer


def get_demo_bug_switch(settings: Annotated[Settings, Depends(get_settings)]) -> DemoBugSwitch:
    """The demo app's bug switch at DEMO_APP_URL."""
    return DemoAppSwitch(settings.demo_app_url)


# ---- review and exports ---------------------------------------------------------------------------------------
StoreDep = Annotated[Store, Depends(get_store)]


def review_service_for(store: Store) -> ReviewService:
    """Triage, assignment, notes, merge and unmerge over `store`; notes are redacted before storing."""
    return ReviewService(store, redact=redact_text)


async def get_review_service(store: StoreDep) -> ReviewService:
    """The review service over the app's store (as a dependency; building it does no I/O)."""
    return review_service_for(store)


async def get_export_service(store: StoreDep) -> ExportService:
    """Export requests, re-runs, the export list and the audit trail over the app's store (building it does no
    I/O)."""
    return ExportService(store)


ReviewServiceDep = Annotated[ReviewService, Depends(get_review_service)]
ExportServiceDep = Annotated[ExportService, Depends(get_export_service)]


# ---- signed list cursors (evalforge_api/cursors.py) ---------------------------------------------------------------
async def get_cursor_signer(request: Request) -> CursorSigner:
    """Signs the `next_cursor` a list hands out and opens the `cursor` a client sends back (400 if forged)."""
    return request.app.state.cursors


CursorsDep = Annotated[CursorSigner, Depends(get_cursor_signer)]


# ---- alerts about Evalforge itself (routes/alerts.py) -------------------------------------------------------------
def get_alert_relay(settings: Annotated[Settings, Depends(get_settings)], store: StoreDep) -> AlertRelay:
    """Alertmanager notifications to Slack (`parts.slack_gateway`) in EVALFORGE_SLACK_ALERTS_CHANNEL, recorded in the
    audit trail; with no Slack configured they are only recorded."""
    return AlertRelay(store, parts.slack_gateway(settings), settings.slack_alerts_channel)
