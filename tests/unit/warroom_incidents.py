"""Incidents for war-room tests, driven through the real IncidentService (no hand-built timelines)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from evalforge_assets.models import IncidentRecord, Link, TestRun, TestRunStatus, TestStatus
from evalforge_assets.recovery.plan import deterministic_plan
from evalforge_assets.recovery.service import IncidentService, SignalReading

HIGH = SignalReading(error_rate_5m=0.4, p95_latency_ms_5m=120.0, top_error="POST /checkout 500 <script>&",
                     error_rate_recent=0.5)
LOW = SignalReading(error_rate_5m=0.01, p95_latency_ms_5m=90.0, top_error=None, error_rate_recent=0.0)


def ticking_clock(start_minute: int = 0) -> Callable[[], str]:
    seconds = itertools.count(start_minute * 60)

    def now() -> str:
        value = next(seconds)
        return f"2026-12-01T10:{value // 60:02d}:{value % 60:02d}.000000Z"

    return now


def open_incident(service: IncidentService) -> IncidentRecord:
    incident, created = service.open_or_join(HIGH, source="simulate", actor="tester",
                                             title="checkout failing", monitor_id="m-42")
    assert created
    links = [Link(label="Datadog monitor alert", url="https://app.datadoghq.com/monitors/42"),
             Link(label="Dagster run", url="http://127.0.0.1:3000/runs/abc")]
    summary = incident.card.datadog_summary.model_copy(update={"evidence_links": links})
    return service.set_datadog_summary(incident.incident_id, summary)


def attach_plan(service: IncidentService, incident_id: str) -> IncidentRecord:
    plan = deterministic_plan("http://127.0.0.1:8001", None, None, service.clock())
    return service.attach_plan(incident_id, plan)


def run_checks(service: IncidentService, incident_id: str, outcome: TestStatus,
               reading: SignalReading) -> tuple[TestRun, IncidentRecord]:
    """One validation run where every check ends `outcome` (failing ones with details)."""
    run = service.start_validation(service.request_test_run(incident_id, "tester"), "validator")
    return finish_run(service, run, outcome, reading)


def finish_run(service: IncidentService, run: TestRun, outcome: TestStatus,
               reading: SignalReading) -> tuple[TestRun, IncidentRecord]:
    tests = [t.model_copy(update={"status": outcome, "last_update_at": service.clock(),
                                  "details": "HTTP 500 from /checkout" if outcome is TestStatus.FAIL else None})
             for t in run.tests]
    finished = run.model_copy(update={"status": TestRunStatus.COMPLETED, "tests": tests})
    return finished, service.finish_validation(finished, reading, "validator")
