"""The orchestrator API of the recovery loop: status, the demo bug switch, incidents, validation runs, the copilot,
and the Datadog monitor webhook. Bodies are the incident contract (`evalforge_assets.models.incidents`) key for
key; every state change goes through `IncidentService`, which also appends the events `/ws` streams.

`/api/*` uses the same API keys as the reviewer API (reads need the viewer role, changes the reviewer role);
`/internal/datadog/webhook` is authenticated by the shared secret header Datadog sends instead.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Path, Request, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from evalforge_api.auth import Reviewer, Viewer
from evalforge_api.errors import invalid_field
from evalforge_api.routes.captures import AUTH_RESPONSES, NOT_FOUND, StoreDep, WriteLock
from evalforge_api.schemas import ErrorBody, ValidationErrorBody
from evalforge_assets.models import (
    CopilotAnswer,
    IncidentCard,
    IncidentRecord,
    Link,
    PendingRequest,
    RequestKind,
    SystemStatus,
    TestRun,
    TestRunStatus,
    TimelineEntry,
)
from evalforge_assets.orchestration import DagsterClient, validation_run_launcher
from evalforge_assets.recovery.service import IncidentService, SignalReading
from evalforge_assets.recovery.webhooks import (
    WEBHOOK_SECRET_HEADER,
    AlertAction,
    MonitorAlert,
    WebhookPayloadError,
    alert_action,
    parse_monitor_webhook,
    verify_webhook_secret,
)
from evalforge_assets.settings import Settings
from evalforge_assets.store import Store

DEMO_APP_TIMEOUT_SECONDS = 3.0
# A simulated incident should look like the failure it stands for: well above the threshold, whatever it is.
SIMULATED_ERROR_RATE = 0.25
SIMULATED_P95_LATENCY_MS = 850.0
SIMULATED_TOP_ERROR = "POST /checkout 500 (simulated)"
BUG_SWITCH_ACTOR = "bug-switch"
WEBHOOK_SOURCE = "datadog_monitor"
# Datadog prefixes event titles with markers such as "[P1]" or "[Triggered on {service:demo-app}]".
_TITLE_MARKERS = re.compile(r"^(\s*\[[^\]]*\])+\s*")

router = APIRouter(responses=AUTH_RESPONSES)
webhook_router = APIRouter(tags=["webhooks"])

EXAMPLE_INCIDENT_ID = "inc_5d41402abc4b2a76"
EXAMPLE_RUN_ID = "run_7b52009b64fd0a2a"

CopilotAnswerer = Callable[[Store, Settings, str | None, str], CopilotAnswer]


# ---- request and response bodies --------------------------------------------------------------------------
class BugSwitchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"enabled": False}]})

    # Strict: 0, 1 or "false" must be refused, not read as a switch position.
    enabled: StrictBool = Field(description="true breaks the demo app's POST /checkout (500); false fixes it "
                                            "and, while an incident with a plan is open, queues a validation run.")


class SimulateMode(str, Enum):
    INCIDENT_ON = "INCIDENT_ON"
    INCIDENT_OFF = "INCIDENT_OFF"


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


class WebhookAccepted(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"action": "open", "incident_id": EXAMPLE_INCIDENT_ID}]})

    action: AlertAction = Field(description="open: opened or joined an incident; recover: noted the monitor's "
                                            "recovery (and queued validation); record: stored the alert only.")
    incident_id: str | None = Field(description="The incident the alert was applied to, if any.")


_WEBHOOK_BODY_EXAMPLE = {
    "alert_id": "1234567", "alert_cycle_key": "7421184903452946563", "alert_transition": "Triggered",
    "alert_type": "error", "title": "[Triggered on {service:demo-app}] demo-app error rate above 5%",
    "body": "Error rate is 27% over the last 5 minutes.", "date": "1767225600000",
    "tags": "service:demo-app,env:local", "link": "https://app.datadoghq.com/monitors/1234567",
}


# ---- dependencies -----------------------------------------------------------------------------------------
def incident_service(request: Request) -> IncidentService:
    settings = request.app.state.settings
    client = DagsterClient(settings.dagster_url, timeout=3.0, transport=request.app.state.http_transport)
    service = IncidentService.from_settings(request.app.state.store, settings)
    service.launcher = validation_run_launcher(client)
    return service


ServiceDep = Annotated[IncidentService, Depends(incident_service)]
RunIdPath = Annotated[str, Path(min_length=1, max_length=200, examples=[EXAMPLE_RUN_ID])]


def default_copilot(store: Store, settings: Settings, incident_id: str | None, question: str) -> CopilotAnswer:
    """The real copilot, imported on first use: agents pull in the LLM stack, which the rest of the API never needs."""
    from evalforge_assets.recovery.copilot import answer_question

    return answer_question(store, settings, incident_id, question)


def install_orchestrator(app: FastAPI) -> None:
    """Add the orchestrator routes and the replaceable parts they use (tests swap them on `app.state`):
    `copilot` (the question answerer) and `demo_app_transport` (an httpx transport for the bug switch)."""
    app.state.copilot = default_copilot
    app.state.demo_app_transport = None
    app.include_router(router)
    app.include_router(webhook_router)


# ---- shared decisions -------------------------------------------------------------------------------------
def current_status(service: IncidentService, *, announce: bool = True) -> SystemStatus:
    """The status document, written first from the incidents when no detector has written one yet.

    A first write is announced as `system.status` unless `announce` is false: a WebSocket client's opening
    status is that status already, and the event would reach it a second time.
    """
    return service.store.get_status() or service.refresh_status(emit=None if announce else False)


def request_validation_if_ready(service: IncidentService, incident: IncidentRecord, actor: str) -> TestRun | None:
    """Queue a validation run of the incident's plan after a fix or a recovery alert; None without a plan.

    A run still QUEUED will start after the fix anyway, so no second one is queued; a RUNNING run may have
    checked the service before the fix, so a fresh run is queued behind it.
    """
    if not incident.card.plan.items:
        return None
    latest = service.store.get_test_run(incident.latest_run_id) if incident.latest_run_id else None
    if latest is not None and latest.status is TestRunStatus.QUEUED:
        return None
    return service.request_test_run(incident.incident_id, actor=actor)


def simulated_reading(threshold: float) -> SignalReading:
    rate = min(1.0, max(SIMULATED_ERROR_RATE, 2 * threshold))
    return SignalReading(error_rate_5m=rate, p95_latency_ms_5m=SIMULATED_P95_LATENCY_MS,
                         top_error=SIMULATED_TOP_ERROR, error_rate_recent=rate, source="simulate")


def _card(incident: IncidentRecord | None) -> IncidentCard | None:
    return incident.card if incident is not None else None


# ---- status and the demo bug ------------------------------------------------------------------------------
@router.get("/api/status", response_model=SystemStatus, tags=["incidents"], summary="The system status")
def get_status(service: ServiceDep, _principal: Viewer) -> SystemStatus:
    """HEALTHY, INCIDENT_ACTIVE, VALIDATING or RECOVERED, with the watched service's latest 5-minute numbers."""
    return current_status(service)


def switch_demo_bug(settings: Settings, transport: httpx.BaseTransport | None, enabled: bool) -> None:
    """Flip the demo app's bug; raises a 502 saying what to do when the demo app cannot do it."""
    base = settings.demo_app_url.rstrip("/")
    try:
        with httpx.Client(transport=transport, timeout=DEMO_APP_TIMEOUT_SECONDS) as client:
            response = client.post(f"{base}/admin/bug", json={"enabled": enabled})
    except httpx.HTTPError as exc:
        raise HTTPException(status.HTTP_502_BAD_GATEWAY,
                            f"The demo app at {base} did not answer ({exc.__class__.__name__}), so the bug was not "
                            "switched; start it (`uvicorn demo_app.main:app --port 8001`) or set DEMO_APP_URL to "
                            "where it runs.") from exc
    if response.status_code != status.HTTP_200_OK:
        raise HTTPException(status.HTTP_502_BAD_GATEWAY,
                            f"The demo app at {base} answered HTTP {response.status_code} to POST /admin/bug, so the "
                            "bug was not switched; check that DEMO_APP_URL points at the Evalforge demo app.")


@router.post("/api/demo/bug", response_model=SystemStatus, tags=["incidents"],
             summary="Switch the demo app's checkout bug on or off",
             responses={502: {"model": ErrorBody, "description": "The demo app is down or refused the switch."}})
def set_demo_bug(request: Request, body: BugSwitchRequest, service: ServiceDep, lock: WriteLock,
                 _principal: Reviewer) -> SystemStatus:
    """Switches the bug in the demo app at DEMO_APP_URL and emits `system.status`. Switching it off while an
    incident with a plan is open queues a validation run, so the fix is checked without another click."""
    switch_demo_bug(request.app.state.settings, request.app.state.demo_app_transport, body.enabled)
    with lock:
        current = service.refresh_status(emit=True)
        incident = service.current()
        if not body.enabled and incident is not None:
            request_validation_if_ready(service, incident, actor=BUG_SWITCH_ACTOR)
    return current


# ---- incidents --------------------------------------------------------------------------------------------
@router.get("/api/incidents/current", response_model=IncidentCard | None, tags=["incidents"],
            summary="The open incident, or null")
def get_current_incident(service: ServiceDep, _principal: Viewer) -> IncidentCard | None:
    return _card(service.current())


@router.post("/api/incidents/simulate", response_model=IncidentCard | None, tags=["incidents"],
             summary="Open or close an incident without a real failure")
def simulate_incident(body: SimulateRequest, service: ServiceDep, lock: WriteLock,
                      principal: Reviewer) -> IncidentCard | None:
    """INCIDENT_ON opens an incident from a synthetic reading (or joins the open one) and answers its card;
    the planner then adds its plan (`plan.generated`). INCIDENT_OFF walks the open incident through the
    remaining states to HEALTHY and answers null, as GET /api/incidents/current then does."""
    with lock:
        if body.mode is SimulateMode.INCIDENT_ON:
            incident, _created = service.open_or_join(
                simulated_reading(service.threshold), source="simulate", actor=principal.actor,
                title=f"Simulated incident: {service.service} checkout failing")
        else:
            service.resolve_by_operator(actor=principal.actor)
            incident = service.current()
    return _card(incident)


# ---- validation runs --------------------------------------------------------------------------------------
@router.post("/api/tests/run", response_model=TestRun, status_code=status.HTTP_202_ACCEPTED, tags=["incidents"],
             summary="Queue a validation run of an incident's plan",
             responses={**NOT_FOUND, 409: {"model": ErrorBody,
                                           "description": "The incident is closed or has no plan yet."}})
def run_tests(body: TestRunRequest, service: ServiceDep, lock: WriteLock, principal: Reviewer) -> TestRun:
    """Answers the QUEUED run at once; its checks then run in Dagster and each change arrives on /ws as
    `tests.updated` (or poll GET /api/tests/runs/{run_id})."""
    with lock:
        incident = service.store.get_incident(body.incident_id)
        if incident is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND,
                                f"No incident with id {body.incident_id!r} exists; GET /api/incidents/current "
                                "shows the open one.")
        if not incident.open:
            raise HTTPException(status.HTTP_409_CONFLICT,
                                f"Incident {incident.incident_id} is closed ({incident.state.value}); validation "
                                "runs check open incidents only.")
        if not incident.card.plan.items:
            raise HTTPException(status.HTTP_409_CONFLICT,
                                f"Incident {incident.incident_id} has no validation plan yet; the planner writes one "
                                "shortly after detection (`plan.generated` on /ws), then run the tests again.")
        return service.request_test_run(incident.incident_id, actor=principal.actor)


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
def ask_copilot(request: Request, body: CopilotQuestion, service: ServiceDep, _principal: Viewer) -> CopilotAnswer:
    """Answers with citations (links to the evidence it used) and emits the answer as `copilot.answer`, so
    everyone watching the incident sees it."""
    if body.incident_id is not None and service.store.get_incident(body.incident_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"No incident with id {body.incident_id!r} exists; send the id GET "
                            "/api/incidents/current answers, or null to ask about the open incident.")
    answerer: CopilotAnswerer = request.app.state.copilot
    answer = CopilotAnswer.model_validate(
        answerer(service.store, request.app.state.settings, body.incident_id, body.question))
    service.emit("copilot.answer", answer.model_dump(mode="json"))
    return answer


# ---- the Datadog monitor webhook --------------------------------------------------------------------------
def webhook_request_id(alert: MonitorAlert) -> str:
    # Datadog retries deliveries: the same notification must land on the same record.
    raw = json.dumps(alert.raw, sort_keys=True, separators=(",", ":"), default=str)
    return "webhook-" + hashlib.sha256(raw.encode()).hexdigest()[:20]


def _store_alert(service: IncidentService, alert: MonitorAlert, action: AlertAction, incident_id: str | None,
                 outcome: str, note: str | None = None) -> None:
    """Keep every notification (a `webhook` request) so what Datadog said stays visible next to what it did.

    The status is never "pending": the alert was handled here, so no sensor should pick it up again.
    """
    payload: dict[str, Any] = {
        "action": action, "incident_id": incident_id, "monitor_id": alert.monitor_id,
        "alert_cycle_key": alert.alert_cycle_key, "transition": alert.transition.value, "title": alert.title,
        "service": alert.service, "link": alert.link, "date": alert.date, "raw": alert.raw,
    }
    if note:
        payload["note"] = note
    service.store.add_request(PendingRequest(request_id=webhook_request_id(alert), kind=RequestKind.webhook,
                                             payload=payload, created_at=service.clock(), status=outcome))


def _incident_title(alert: MonitorAlert) -> str | None:
    return _TITLE_MARKERS.sub("", alert.title).strip() or None


def _reading_from_alert(service: IncidentService, alert: MonitorAlert) -> SignalReading:
    """A monitor alert carries no numbers, so the incident starts from the last known ones."""
    known = service.store.get_status()
    return SignalReading(error_rate_5m=known.error_rate_5m if known else 0.0,
                         p95_latency_ms_5m=known.p95_latency_ms_5m if known else 0.0,
                         top_error=None, source=WEBHOOK_SOURCE)


def _note_recovery(service: IncidentService, incident: IncidentRecord, alert: MonitorAlert) -> IncidentRecord:
    """A monitor's recovery is evidence, not a state change: recovery still needs passing checks and a low
    signal, so it goes on the timeline as an entry that stays in the current state."""
    entry = TimelineEntry(at=service.clock(), from_state=incident.state.value, to_state=incident.state.value,
                          actor=f"datadog monitor {alert.monitor_id}",
                          evidence={"event": "monitor recovered", "monitor_id": alert.monitor_id,
                                    "alert_cycle_key": alert.alert_cycle_key, "link": alert.link,
                                    "title": alert.title})
    noted = incident.model_copy(update={"timeline": [*incident.timeline, entry]})
    service.store.save_incident(noted)
    return noted


def apply_alert(service: IncidentService, alert: MonitorAlert, lock: threading.Lock) -> WebhookAccepted:
    """Open (or join, deduplicated by the alert cycle key), note a recovery, or only record the alert."""
    action = alert_action(alert)
    with lock:
        if alert.service is not None and alert.service != service.service:
            current = service.current()
            _store_alert(service, alert, "record", None, "recorded",
                         note=f"The alert is for service {alert.service!r}, not the watched {service.service!r}.")
            return WebhookAccepted(action="record", incident_id=current.incident_id if current else None)
        if action == "open":
            links = [Link(label="Datadog monitor alert", url=alert.link)] if alert.link else []
            incident, _created = service.open_or_join(
                _reading_from_alert(service, alert), source=WEBHOOK_SOURCE, actor=f"datadog monitor {alert.monitor_id}",
                monitor_id=alert.monitor_id, alert_key=alert.alert_cycle_key, title=_incident_title(alert),
                evidence_links=links)
            _store_alert(service, alert, action, incident.incident_id, "processed")
            return WebhookAccepted(action=action, incident_id=incident.incident_id)
        current = service.current()
        if action == "recover" and current is not None:
            noted = _note_recovery(service, current, alert)
            request_validation_if_ready(service, noted, actor=f"datadog monitor {alert.monitor_id} recovered")
            _store_alert(service, alert, action, current.incident_id, "processed")
            return WebhookAccepted(action=action, incident_id=current.incident_id)
        _store_alert(service, alert, action, current.incident_id if current else None, "recorded")
        return WebhookAccepted(action=action, incident_id=current.incident_id if current else None)


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
    "/internal/datadog/webhook", response_model=WebhookAccepted, status_code=status.HTTP_202_ACCEPTED,
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
    secret: Annotated[str | None, Header(alias=WEBHOOK_SECRET_HEADER,
                                         description="EVALFORGE_WEBHOOK_SECRET (a Bearer Authorization "
                                                     "header is accepted too).")] = None,
) -> WebhookAccepted:
    """Triggered / Re-Triggered / Renotify open an incident or join the open one (one incident per alert
    cycle); Recovered is noted on the open incident's timeline and queues a validation run when it has a plan
    (recovery still needs passing checks and a low signal); Warn and No Data are stored and open nothing.
    A refused request (401, 422, 503) changes nothing."""
    # The body is read by hand so that the secret is checked before anything about the payload is said.
    _check_webhook_secret(request.app.state.settings, secret or request.headers.get("authorization"))
    try:
        payload = json.loads(await request.body())
    except ValueError as exc:
        invalid_field(("body",), f"the body is not valid JSON ({exc}); send the monitor's JSON payload")
    try:
        alert = parse_monitor_webhook(payload)
    except WebhookPayloadError as exc:
        invalid_field(("body", exc.field) if exc.field else ("body",), str(exc))
    lock: threading.Lock = request.app.state.write_lock
    return await run_in_threadpool(apply_alert, incident_service(request), alert, lock)

