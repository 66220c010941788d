"""The incident service: one path to open or join, validation runs, the recovery rule, recurrence."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from evalforge_assets.models import SystemState, TestRunStatus, TestStatus
from evalforge_assets.recovery.plan import deterministic_plan
from evalforge_assets.recovery.service import IncidentService, SignalReading
from evalforge_assets.store.sqlite import SqliteStore

HIGH = SignalReading(error_rate_5m=0.4, p95_latency_ms_5m=120.0, top_error="POST /checkout 500", error_rate_recent=0.5)
LOW = SignalReading(error_rate_5m=0.2, p95_latency_ms_5m=90.0, top_error=None, error_rate_recent=0.0)


@pytest.fixture
def clock():
    seconds = itertools.count()
    return lambda: f"2026-03-02T10:{next(seconds) // 60:02d}:{next(seconds) % 60:02d}.000000Z"


@pytest.fixture
def service(tmp_path: Path, clock) -> IncidentService:
    return IncidentService(SqliteStore(tmp_path / "s.db"), service="demo-app", cooldown_seconds=300, clock=clock)


def events(service: IncidentService) -> list[str]:
    return [e.type for e in service.store.events_after(0)]


def finish(service: IncidentService, run, status: TestStatus):
    tests = [t.model_copy(update={"status": status}) for t in run.tests]
    return run.model_copy(update={"status": TestRunStatus.COMPLETED, "tests": tests})


def test_open_then_repeat_alert_joins_and_same_cycle_key_dedupes(service: IncidentService) -> None:
    first, created = service.open_or_join(HIGH, source="webhook", actor="datadog", alert_key="cycle-1")
    assert created and first.state is SystemState.INCIDENT_ACTIVE
    same, created_again = service.open_or_join(HIGH, source="webhook", actor="datadog", alert_key="cycle-1")
    assert not created_again and same.incident_id == first.incident_id
    joined, _ = service.open_or_join(HIGH, source="polling", actor="poller")
    assert joined.incident_id == first.incident_id
    assert events(service).count("incident.created") == 1
    assert service.store.get_status().active_incident_id == first.incident_id
    assert [r.payload["incident_id"] for r in service.store.pending_requests("incident")] == [first.incident_id]


def test_failing_checks_return_to_active_passing_checks_and_low_signal_recover(service: IncidentService) -> None:
    incident, _ = service.open_or_join(HIGH, source="simulate", actor="tester")
    service.attach_plan(incident.incident_id, deterministic_plan("http://127.0.0.1:8001", None, None, "t"))
    run = service.start_validation(service.request_test_run(incident.incident_id, "tester"), "validator")
    assert service.current().state is SystemState.VALIDATING
    after_fail = service.finish_validation(finish(service, run, TestStatus.FAIL), HIGH, "validator")
    assert after_fail.state is SystemState.INCIDENT_ACTIVE
    run = service.start_validation(service.request_test_run(incident.incident_id, "tester"), "validator")
    recovered = service.finish_validation(finish(service, run, TestStatus.PASS), LOW, "validator")
    assert recovered.state is SystemState.RECOVERED
    assert [e.to_state for e in recovered.timeline] == ["INCIDENT_ACTIVE", "VALIDATING", "INCIDENT_ACTIVE",
                                                        "VALIDATING", "RECOVERED"]
    assert service.store.get_status().status is SystemState.RECOVERED


def test_passing_checks_with_high_signal_wait_in_validating_until_observe_sees_it_fall(service) -> None:
    incident, _ = service.open_or_join(HIGH, source="simulate", actor="tester")
    service.attach_plan(incident.incident_id, deterministic_plan("http://127.0.0.1:8001", None, None, "t"))
    run = service.start_validation(service.request_test_run(incident.incident_id, "tester"), "validator")
    waiting = service.finish_validation(finish(service, run, TestStatus.PASS), HIGH, "validator")
    assert waiting.state is SystemState.VALIDATING
    assert service.observe(LOW).state is SystemState.RECOVERED


def test_observe_opens_on_high_rate_and_a_recurrence_in_cooldown_reopens(service: IncidentService) -> None:
    opened = service.observe(HIGH)
    assert opened is not None and opened.state is SystemState.INCIDENT_ACTIVE
    service.attach_plan(opened.incident_id, deterministic_plan("http://127.0.0.1:8001", None, None, "t"))
    run = service.start_validation(service.request_test_run(opened.incident_id, "t"), "v")
    service.finish_validation(finish(service, run, TestStatus.PASS), LOW, "v")
    reopened = service.observe(HIGH)
    assert reopened.incident_id == opened.incident_id
    assert reopened.state is SystemState.INCIDENT_ACTIVE
    assert events(service).count("incident.created") == 1


def test_simulate_off_walks_to_healthy(service: IncidentService) -> None:
    service.open_or_join(HIGH, source="simulate", actor="tester")
    closed = service.resolve_by_operator("tester")
    assert closed.state is SystemState.HEALTHY and not closed.open
    assert service.current() is None
    assert service.store.get_status().status is SystemState.HEALTHY
