"""The incident contract. The front end depends on these key sets and enums exactly (see DESIGN.md)."""

from __future__ import annotations

from enum import Enum
from typing import Any, Literal

from pydantic import Field

from evalforge_assets.models._base import Contract, Record


class SystemState(str, Enum):
    HEALTHY = "HEALTHY"
    INCIDENT_ACTIVE = "INCIDENT_ACTIVE"
    VALIDATING = "VALIDATING"
    RECOVERED = "RECOVERED"


class TestRunStatus(str, Enum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class TestStatus(str, Enum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    PASS = "PASS"
    FAIL = "FAIL"


class PlanItemType(str, Enum):
    API = "API"
    UI = "UI"
    SYNTHETIC = "SYNTHETIC"


class HttpMethod(str, Enum):
    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    DELETE = "DELETE"


class SystemStatus(Contract):
    status: SystemState
    error_rate_5m: float
    p95_latency_ms_5m: float
    active_incident_id: str | None
    updated_at: str


class Link(Contract):
    label: str
    url: str


class Signal(Contract):
    error_rate_5m: float
    p95_latency_ms_5m: float
    top_error: str | None


class DatadogSummary(Contract):
    monitor_id: str | None
    service: str
    signal: Signal
    evidence_links: list[Link]


class CheckTarget(Contract):
    method: HttpMethod
    url: str
    headers: dict[str, str] = Field(default_factory=dict)
    body_json: dict[str, Any] = Field(default_factory=dict)


class PlanItem(Contract):
    test_id: str
    name: str
    type: PlanItemType
    priority: int = Field(ge=1, le=5)
    what_it_checks: str
    target: CheckTarget
    pass_criteria: str


class Plan(Contract):
    plan_id: str
    generated_at: str
    items: list[PlanItem]


class IncidentCard(Contract):
    incident_id: str
    title: str
    detected_at: str
    datadog_summary: DatadogSummary
    plan: Plan


class TestResult(Contract):
    test_id: str
    name: str
    status: TestStatus
    last_update_at: str
    details: str | None


class TestRun(Contract):
    run_id: str
    incident_id: str
    started_at: str
    status: TestRunStatus
    tests: list[TestResult]


class CopilotAnswer(Contract):
    incident_id: str | None
    question: str
    answer: str
    citations: list[Link]
    created_at: str


EventType = Literal["system.status", "incident.created", "plan.generated", "tests.updated", "copilot.answer"]


class EventEnvelope(Contract):
    type: EventType
    payload: dict[str, Any]
    ts: str


class StoredEvent(Record):
    seq: int
    type: str
    payload: dict[str, Any]
    ts: str


class TimelineEntry(Record):
    at: str
    from_state: str | None
    to_state: str
    actor: str
    evidence: dict[str, Any] = Field(default_factory=dict)


class IncidentRecord(Record):
    """What the store keeps for an incident: the contract card plus state-machine bookkeeping."""

    incident_id: str
    service: str
    card: IncidentCard
    state: SystemState
    open: bool = True
    alert_keys: list[str] = Field(default_factory=list)
    timeline: list[TimelineEntry] = Field(default_factory=list)
    latest_run_id: str | None = None
    resolved_at: str | None = None
    source: str = "simulate"
    alerted_at: str | None = Field(default=None, description="When the monitor alerted (Datadog's $DATE), for an "
                                   "incident a monitor webhook opened: the time to detect runs from here to "
                                   "card.detected_at. None for other detectors.")
