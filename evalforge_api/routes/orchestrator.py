"""The orchestrator API of the recovery loop: status, the demo bug switch, incidents, validation runs, the copilot,
and the Datadog monitor webhook. Bodies are the incident contract (`evalforge_assets.models.incidents`) key for
key. Handlers only parse, call `IncidentService` (which owns every use case and appends the events `/ws`
streams) and map its domain errors to HTTP answers.

`/api/*` uses the same API keys as the reviewer API (reads need the viewer role, changes the reviewer role);
`/internal/datadog/webhook` is authenticated by the shared secret header Datadog sends instead.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Path, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from evalforge_api.auth import Reviewer, Viewer
from evalforge_api.deps import (
    CopilotAnswerer,
    CursorsDep,
    DemoBugSwitch,
    get_copilot,
    get_demo_bug_switch,
    get_incident_service,
    get_settings,
    get_store,
)
from evalforge_api.errors import AUTH_RESPONSES, NOT_FOUND, invalid_field
from evalforge_api.routes.captures import checked_cursor
from evalforge_api.schemas import (
    ErrorBody,
    IncidentListItem,
    IncidentListQuery,
    ListResponse,
    ValidationErrorBody,
)
from evalforge_assets.models import CopilotAnswer, IncidentCard, IncidentRecord, SystemStatus, TestRun
from evalforge_assets.recovery.alerts import AlertOutcome
from evalforge_assets.recovery.errors import (
    DemoAppUnreachable,
    IncidentNotFound,
    PlanNotReady,
    ValidationRefused,
)
from evalforge_assets.recovery.readings import SimulateMode
from evalforge_assets.recovery.service import IncidentService
from evalforge_assets.recovery.warroom.summary import slack_configured, war_room_summaries
from evalforge_assets.recovery.webhooks import (
    WEBHOOK_SECRET_HEADER,
    WebhookPayloadError,
    parse_monitor_webhook,
    verify_webhook_secret,
)
from evalforge_assets.settings import Settings
from evalforge_assets.store import IncidentFilter, Store

BUG_SWITCH_ACTOR = "bug-switch"

router = APIRouter(responses=AUTH_RESPONSES)
webhook_router = APIRouter(tags=["webhooks"])

EXAMPLE_INCIDENT_ID = "inc_5d41402abc4b2a76"
EXAMPLE_RUN_ID = "run_7b52009b64fd0a2a"

ServiceDep = Annotated[IncidentService, Depends(get_incident_service)]
StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RunIdPath = Annotated[str, Path(min_length=1, max_length=200, examples=[EXAMPLE_RUN_ID])]


# ---- request and response bodies --------------------------------------------------------------------------
class BugSwitchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"enabled": False}]})

    # Strict: 0, 1 or "false" must be refused, not read as a switch position.
    enabled: StrictBool = Field(description="true breaks the demo app's POST /checkout (500); false fixes it "
                                            "and, while an incident with a plan is open, queues a validation run.")


class SimulateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"mode": "INCIDENT_ON"}]})

    mode: SimulateMode = Field(description="INCIDENT_ON opens an incident (or joins the open one); "
                                           "INCIDENT_OFF walks the open incident to HEALTHY and closes it.")


class TestRunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"incident_id": EXAMPLE_INCIDENT_ID}]})

    incident_id: str = Field(min_length=1, max_length=200, description="The incident whose plan to run.")


class CopilotQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"incident_id": EXAMPLE_INCIDENT_ID, "question": "Why is checkout failing, and what should I check first?"}]})

    incident_id: str | None = Field(default=None, max_length=200,
                                    description="The incident the question is about; null for the open one "
                                                "(or a general question when none is open).")
    question: str = Field(min_length=1, max_length=2000)


_WEBHOOK_BODY_EXAMPLE = {
    "alert_id": "1234567", "alert_cycle_key": "7421184903452946563", "alert_transition": "Triggered",
    "alert_type": "error", "title": "[Triggered on {service:demo-app}] demo-app error rate above 5%",
    "body": "Error rate is 27% over the last 5 minutes.", "date": "1767225600000",
    "tags": "service:demo-app,env:local", "link": "https://app.datadoghq.com/monitors/1234567",
}


# ---- domain errors as HTTP answers --------------------------------------------------------------------------
def _answer(status_code: int) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    async def handler(_request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(status_code=status_code, content={"detail": str(exc)})

    return handler


def install_orchestrator(app: FastAPI) -> None:
    """Add the orchestrator routes and map the incident service's refusals to HTTP answers."""
    app.add_exception_handler(IncidentNotFound, _answer(status.HTTP_404_NOT_FOUND))
    app.add_exception_handler(ValidationRefused, _answer(status.HTTP_409_CONFLICT))
    app.add_exception_handler(PlanNotReady, _answer(status.HTTP_409_CONFLICT))
    app.add_exception_handler(DemoAppUnreachable, _answer(status.HTTP_502_BAD_GATEWAY))
    app.include_router(router)
    app.include_router(webhook_router)


def _card(incident: IncidentRecord | None) -> IncidentCard | None:
    return incident.card if incident is not None else None


# ---- status and the demo bug ------------------------------------------------------------------------------
@router.get("/api/status", response_model=SystemStatus, tags=["incidents"], summary="The system status")
def get_status(service: ServiceDep, _principal: Viewer) -> SystemStatus:
    """HEALTHY, INCIDENT_ACTIVE, VALIDATING or RECOVERED, with the watched service's latest 5-minute numbers."""
    return service.current_status()


@router.post("/api/demo/bug", response_model=SystemStatus, tags=["incidents"],
             summary="Switch the demo app's checkout bug on or off",
             responses={502: {"model": ErrorBody, "description": "The demo app is down or refused the switch."}})
def set_demo_bug(body: BugSwitchRequest, service: ServiceDep,
                 switch: Annotated[DemoBugSwitch, Depends(get_demo_bug_switch)], _principal: Reviewer) -> SystemStatus:
    """Switches the bug in the demo app at DEMO_APP_URL and emits `system.status`. Switching it off while an
    incident with a plan is open queues a validation run, so the fix is checked without another click."""
    return service.switch_demo_bug(switch, body.enabled, actor=BUG_SWITCH_ACTOR)


# ---- incidents --------------------------------------------------------------------------------------------
@router.get("/api/incidents/current", response_model=IncidentCard | None, tags=["incidents"],
            summary="The open incident, or null")
def get_current_incident(service: ServiceDep, _principal: Viewer) -> IncidentCard | None:
    return _card(service.current())


@router.get("/api/incidents", response_model=ListResponse[IncidentListItem], tags=["incidents"],
            summary="Incidents of every monitored service, newest first")
def list_incidents(query: Annotated[IncidentListQuery, Query()], store: StoreDep, cursors: CursorsDep,
                   settings: SettingsDep, _principal: Viewer) -> ListResponse[IncidentListItem]:
    """Filter by state and service (repeat a parameter or separate values with commas) and by when the incident
    opened (`from` inclusive, `to` exclusive); follow `next_cursor` until it is null. GET
    /api/incidents/current stays the watched service's open incident. Each item's `war_room` says where its
    Slack war room stands (a failing Slack call, its sentence and the next retry) from the war-room records."""
    opened_from, opened_to = query.stored_window
    where = IncidentFilter(states=tuple(state.value for state in query.state), service=query.service,
                           opened_from=opened_from, opened_to=opened_to)
    page = store.list_incidents(limit=query.limit, cursor=checked_cursor(cursors.open(query.cursor)),
                                filters=where.filters())
    rooms = war_room_summaries(store, [i.incident_id for i in page.items], configured=slack_configured(settings))
    return ListResponse[IncidentListItem](items=[IncidentListItem.of(i, rooms[i.incident_id]) for i in page.items],
                                          next_cursor=cursors.sign(page.next_cursor))


@router.post("/api/incidents/simulate", response_model=IncidentCard | None, tags=["incidents"],
             summary="Open or close an incident without a real failure")
def simulate_incident(body: SimulateRequest, service: ServiceDep, principal: Reviewer) -> IncidentCard | None:
    """INCIDENT_ON opens an incident from a synthetic reading (or joins the open one) and answers its card;
    the planner then adds its plan (`plan.generated`). INCIDENT_OFF walks the open incident through the
    remaining states to HEALTHY and answers null, as GET /api/incidents/current then does."""
    return _card(service.simulate(body.mode, actor=principal.actor))


# ---- validation runs --------------------------------------------------------------------------------------
@router.post("/api/tests/run", response_model=TestRun, status_code=status.HTTP_202_ACCEPTED, tags=["incidents"],
             summary="Queue a validation run of an incident's plan",
             responses={**NOT_FOUND, 409: {"model": ErrorBody,
                                           "description": "The incident is RECOVERED or closed, or has no plan "
                                                          "yet."}})
def run_tests(body: TestRunRequest, service: ServiceDep, principal: Reviewer) -> TestRun:
    """Answers the QUEUED run at once; its checks then run in Dagster and each change arrives on /ws as
    `tests.updated` (or poll GET /api/tests/runs/{run_id}). While a run of the incident is QUEUED or RUNNING,
    the answer is that run: an incident has at most one active validation run."""
    return service.request_validation(body.incident_id, actor=principal.actor)


@router.get("/api/tests/runs/{run_id}", response_model=TestRun, tags=["incidents"], responses=NOT_FOUND,
            summary="One validation run with each check's status")
def get_test_run(run_id: RunIdPath, store: StoreDep, _principal: Viewer) -> TestRun:
    run = store.get_test_run(run_id)
    if run is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"No validation run with id {run_id!r} exists; POST /api/tests/run answers the id of "
                            "the run it queues.")
    return run


# ---- copilot ----------------------------------------------------------------------------------------------
@router.post("/api/copilot/ask", response_model=CopilotAnswer, tags=["incidents"], responses=NOT_FOUND,
             summary="Ask the copilot about an incident")
def ask_copilot(body: CopilotQuestion, service: ServiceDep, settings: SettingsDep,
                answerer: Annotated[CopilotAnswerer, Depends(get_copilot)], _principal: Viewer) -> CopilotAnswer:
    """Answers with citations (links to the evidence it used) and emits the answer as `copilot.answer`, so
    everyone watching the incident sees it."""
    if body.incident_id is not None and service.store.get_incident(body.incident_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"No incident with id {body.incident_id!r} exists; send the id GET "
                            "/api/incidents/current answers, or null to ask about the open incident.")
    answer = CopilotAnswer.model_validate(answerer(service.store, settings, body.incident_id, body.question))
    service.emit("copilot.answer", answer.model_dump(mode="json"))
    return answer


# ---- the Datadog monitor webhook --------------------------------------------------------------------------
def _check_webhook_secret(settings: Settings, presented: str | None) -> None:
    expected = settings.secret_value("webhook_secret")
    if not expected:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            "The webhook secret is not configured: set EVALFORGE_WEBHOOK_SECRET on the server and "
                            f"send it in the {WEBHOOK_SECRET_HEADER} header of the Datadog webhook.")
    if not verify_webhook_secret(presented, expected):
        problem = "missing" if presented is None else "wrong"
        raise HTTPException(status.HTTP_401_UNAUTHORIZED,
                            f"The webhook secret is {problem}: send EVALFORGE_WEBHOOK_SECRET in the "
                            f"{WEBHOOK_SECRET_HEADER} header (set it as a custom header of the Datadog webhook).")


@webhook_router.post(
    "/internal/datadog/webhook", response_model=AlertOutcome, status_code=status.HTTP_202_ACCEPTED,
    summary="Receive a Datadog monitor notification",
    responses={401: {"model": ErrorBody, "description": "The secret header is missing or wrong."},
               422: {"model": ValidationErrorBody, "description": "The payload is not a monitor notification; "
                                                                  "the field is named."},
               503: {"model": ErrorBody, "description": "EVALFORGE_WEBHOOK_SECRET is not configured."}},
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"type": "object", "additionalProperties": True},
        "examples": {"triggered": {"summary": "A monitor triggers", "value": _WEBHOOK_BODY_EXAMPLE}}}}}},
)
async def datadog_webhook(
    request: Request,
    service: ServiceDep,
    settings: SettingsDep,
    secret: Annotated[str | None, Header(alias=WEBHOOK_SECRET_HEADER,
                                         description="EVALFORGE_WEBHOOK_SECRET (a Bearer Authorization "
                                                     "header is accepted too).")] = None,
) -> AlertOutcome:
    """For any service (its `service:` tag): Triggered / Re-Triggered / Renotify open an incident per alert
    cycle, or join the service's open one; a replay of a closed cycle, or an exact redelivery, changes
    nothing. Recovered applies to the incident of its cycle: for the watched service it is noted on the
    timeline and queues a validation run when there is a plan (recovery still needs passing checks and a low
    signal); for any other service it closes the incident as RECOVERED. Warn and No Data are stored and open
    nothing. The answer names the action and the incident. A refused request (401, 422, 503) changes
    nothing."""
    # The body is read by hand so that the secret is checked before anything about the payload is said.
    _check_webhook_secret(settings, secret or request.headers.get("authorization"))
    try:
        payload = json.loads(await request.body())
    except ValueError as exc:
        invalid_field(("body",), f"the body is not valid JSON ({exc}); send the monitor's JSON payload")
    try:
        alert = parse_monitor_webhook(payload)
    except WebhookPayloadError as exc:
        invalid_field(("body", exc.field) if exc.field else ("body",), str(exc))
    return await run_in_threadpool(service.apply_alert, alert)

