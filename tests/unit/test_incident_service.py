"""The incident service: one path to open or join, validation runs, the recovery rule, recurrence, and the use
cases behind the API (alerts, simulate, validation requests, the bug switch) with their cross-writer guarantees."""

from __future__ import annotations

import itertools
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from evalforge_assets.models import PendingRequest, SystemState, TestRunStatus, TestStatus, iso, now_iso
from evalforge_assets.recovery.alerts import webhook_request_id
from evalforge_assets.recovery.errors import (
    DemoAppUnreachable,
    IncidentNotFound,
    PlanNotReady,
    ValidationRefused,
)
from evalforge_assets.recovery.plan import deterministic_plan
from evalforge_assets.recovery.readings import SimulateMode
from evalforge_assets.recovery.service import IncidentService, SignalReading
from evalforge_assets.recovery.states import transition
from evalforge_assets.recovery.webhooks import MonitorAlert, parse_monitor_webhook
from evalforge_assets.store import Store
from evalforge_assets.store.sqlite import SqliteStore
from tests.fixtures.stores import StoreBackend

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


def test_an_incident_the_poller_reopened_is_validated_again_once_its_signal_is_low(service) -> None:
    # As seen in the demo stack: the bug went off before the plan existed, so the bug switch queued nothing; the
    # incident job's first run recovered the incident, then the poller's next reading still held errors from
    # before the fix and reopened it. Nothing validated it again: it stayed INCIDENT_ACTIVE.
    opened = service.observe(HIGH)
    assert service.switch_demo_bug(lambda enabled: None, False, "bug-switch").status is SystemState.INCIDENT_ACTIVE
    assert service.store.pending_requests("test_run") == []  # no plan yet: nothing to validate
    service.attach_plan(opened.incident_id, deterministic_plan("http://127.0.0.1:8001", None, None, "t"))
    first = service.start_validation(service.request_test_run(opened.incident_id, "plan", enqueue=False), "job")
    assert service.finish_validation(finish(service, first, TestStatus.PASS), LOW, "job").state \
        is SystemState.RECOVERED
    assert service.observe(HIGH).state is SystemState.INCIDENT_ACTIVE

    assert service.observe(LOW).state is SystemState.INCIDENT_ACTIVE
    [request] = service.store.pending_requests("test_run")
    queued = service.store.get_test_run(request.payload["run_id"])
    assert queued.status is TestRunStatus.QUEUED and queued.run_id != first.run_id
    assert request.payload["actor"] == "metrics-poller"
    service.observe(LOW)  # the run it queued is the answer until it finishes: no second one
    assert len(service.store.pending_requests("test_run")) == 1

    run = service.start_validation(queued, "job")
    assert service.finish_validation(finish(service, run, TestStatus.PASS), LOW, "job").state is SystemState.RECOVERED
    assert [e.to_state for e in service.current().timeline] == [
        "INCIDENT_ACTIVE", "VALIDATING", "RECOVERED", "INCIDENT_ACTIVE", "VALIDATING", "RECOVERED"]


def test_checks_that_failed_on_a_high_signal_run_again_once_it_falls_but_not_again_on_a_low_one(service) -> None:
    opened = service.observe(HIGH)
    service.attach_plan(opened.incident_id, deterministic_plan("http://127.0.0.1:8001", None, None, "t"))
    first = service.start_validation(service.request_test_run(opened.incident_id, "plan", enqueue=False), "job")
    service.finish_validation(finish(service, first, TestStatus.FAIL), HIGH, "job")
    assert service.observe(HIGH).state is SystemState.INCIDENT_ACTIVE
    assert service.store.pending_requests("test_run") == []  # the bug is still on: nothing new to check

    service.observe(LOW)  # the fix is in: one run checks it
    [request] = service.store.pending_requests("test_run")
    run = service.start_validation(service.store.get_test_run(request.payload["run_id"]), "job")
    # Its checks fail although the signal is low: running them again every tick would not change that.
    assert service.finish_validation(finish(service, run, TestStatus.FAIL), LOW, "job").state \
        is SystemState.INCIDENT_ACTIVE
    service.store.update("requests", PendingRequest, request.request_id,
                         lambda current: current.model_copy(update={"status": "done"}))
    for _ in range(3):
        assert service.observe(LOW).state is SystemState.INCIDENT_ACTIVE
    assert service.store.pending_requests("test_run") == []
    assert service.current().latest_run_id == run.run_id


class Clock:
    """A clock the test moves: the reading windows below are measured against it."""

    def __init__(self) -> None:
        self.at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

    def __call__(self) -> str:
        return iso(self.at)

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


def test_a_high_reading_whose_window_began_before_the_recovery_is_no_recurrence(tmp_path: Path) -> None:
    clock = Clock()
    service = IncidentService(SqliteStore(tmp_path / "s.db"), service="demo-app", cooldown_seconds=300, clock=clock)
    opened = service.observe(HIGH)
    service.attach_plan(opened.incident_id, deterministic_plan("http://127.0.0.1:8001", None, None, "t"))
    run = service.start_validation(service.request_test_run(opened.incident_id, "plan", enqueue=False), "job")
    clock.advance(9)
    assert service.finish_validation(finish(service, run, TestStatus.PASS), LOW, "job").state \
        is SystemState.RECOVERED
    clock.advance(0.7)
    # The demo stack's poller, 0.7 s after the run recovered it: 5.2% over a window that began before the fix.
    tail = replace(HIGH, error_rate_recent=0.052, recent_window_seconds=10.0)
    assert service.observe(tail).state is SystemState.RECOVERED
    no_recent_traffic = replace(HIGH, error_rate_recent=None, window_seconds=300.0)
    assert service.observe(no_recent_traffic).state is SystemState.RECOVERED
    first_scrape = replace(HIGH, window_seconds=math.inf, recent_window_seconds=math.inf)
    assert service.observe(first_scrape).state is SystemState.RECOVERED
    assert service.store.pending_requests("test_run") == []

    clock.advance(10)
    recurred = service.observe(tail)  # its window now lies wholly after the recovery: a recurrence
    assert recurred.state is SystemState.INCIDENT_ACTIVE
    assert recurred.timeline[-1].evidence["reason"] == "recurrence within the cooldown"


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


# ---- the use cases behind the API, on both stores ------------------------------------------------------------
PLAN_URL = "http://127.0.0.1:8001"


@pytest.fixture
def incidents(store: Store) -> IncidentService:
    return IncidentService(store, service="demo-app", cooldown_seconds=300)


def alert(transition: str, cycle_key: str = "cycle-1", **fields: Any) -> MonitorAlert:
    return parse_monitor_webhook({
        "alert_id": "77", "alert_cycle_key": cycle_key, "alert_transition": transition,
        "title": f"[{transition} on {{service:demo-app}}] [P1] demo-app errors", "tags": "service:demo-app",
        "link": "https://app.datadoghq.com/monitors/77", **fields})


def with_plan(service: IncidentService) -> str:
    incident = service.simulate(SimulateMode.INCIDENT_ON, actor="tester")
    assert incident is not None
    service.attach_plan(incident.incident_id, deterministic_plan(PLAN_URL, None, None, now_iso()))
    return incident.incident_id


def test_an_alert_opens_once_per_cycle_and_is_stored_with_what_it_did(incidents: IncidentService) -> None:
    first = incidents.apply_alert(alert("Triggered"))
    again = incidents.apply_alert(alert("Re-Triggered"))
    assert first.action == again.action == "open"
    assert first.incident_id == again.incident_id
    incident = incidents.store.get_incident(first.incident_id)
    assert incident.card.title == "demo-app errors"  # Datadog's [markers] stripped
    assert incident.alert_keys == ["cycle-1"]
    stored = incidents.store.get_request(webhook_request_id(alert("Triggered")))
    assert (stored.status, stored.payload["incident_id"]) == ("processed", first.incident_id)
    assert [e.type for e in incidents.store.events_after(0)].count("incident.created") == 1


def test_an_alert_for_another_service_opens_its_own_incident_and_a_warning_opens_nothing(
        incidents: IncidentService) -> None:
    other = incidents.apply_alert(alert("Triggered", tags="service:billing"))
    warn = incidents.apply_alert(alert("Warn"))
    assert other.action == "open" and other.incident_id == incidents.store.open_incident("billing").incident_id
    assert (warn.action, warn.incident_id) == ("record", None)
    assert incidents.current() is None


def test_a_monitor_recovery_is_noted_and_queues_validation_without_recovering(incidents: IncidentService) -> None:
    incident_id = with_plan(incidents)
    outcome = incidents.apply_alert(alert("Recovered"))
    assert (outcome.action, outcome.incident_id) == ("recover", incident_id)
    incident = incidents.store.get_incident(incident_id)
    assert incident.state is SystemState.INCIDENT_ACTIVE
    assert incident.timeline[-1].evidence["event"] == "monitor recovered"
    run = incidents.store.get_test_run(incident.latest_run_id)
    assert run.status is TestRunStatus.QUEUED


def test_simulate_off_frees_the_service_for_a_new_incident(incidents: IncidentService) -> None:
    first = incidents.simulate(SimulateMode.INCIDENT_ON, actor="tester")
    assert incidents.simulate(SimulateMode.INCIDENT_OFF, actor="tester") is None
    second = incidents.simulate(SimulateMode.INCIDENT_ON, actor="tester")
    assert second.incident_id != first.incident_id
    assert incidents.slot.holder() == second.incident_id
    assert incidents.store.get_incident(first.incident_id).open is False


def test_validation_is_refused_for_unknown_planless_recovered_and_closed_incidents(incidents: IncidentService) -> None:
    with pytest.raises(IncidentNotFound, match="inc_nope"):
        incidents.request_validation("inc_nope", actor="tester")
    planless = incidents.simulate(SimulateMode.INCIDENT_ON, actor="tester")
    with pytest.raises(PlanNotReady, match="no validation plan"):
        incidents.request_validation(planless.incident_id, actor="tester")
    incidents.simulate(SimulateMode.INCIDENT_OFF, actor="tester")

    incident_id = with_plan(incidents)
    run = incidents.start_validation(incidents.request_validation(incident_id, actor="tester"), "validator")
    incidents.finish_validation(finish(incidents, run, TestStatus.PASS), LOW, "validator")
    with pytest.raises(ValidationRefused, match="RECOVERED"):
        incidents.request_validation(incident_id, actor="tester")
    incidents.simulate(SimulateMode.INCIDENT_OFF, actor="tester")
    with pytest.raises(ValidationRefused, match=r"closed \(HEALTHY\)"):
        incidents.request_validation(incident_id, actor="tester")
    assert len(incidents.store.pending_requests("test_run")) == 1


def test_a_queued_or_running_run_is_the_answer_until_it_finishes(incidents: IncidentService) -> None:
    incident_id = with_plan(incidents)
    queued = incidents.request_validation(incident_id, actor="a")
    assert incidents.request_validation(incident_id, actor="b") == queued
    running = incidents.start_validation(queued, "validator")
    assert incidents.request_validation(incident_id, actor="c").run_id == queued.run_id
    incidents.finish_validation(finish(incidents, running, TestStatus.FAIL), HIGH, "validator")
    fresh = incidents.request_validation(incident_id, actor="d")
    assert fresh.run_id != queued.run_id and fresh.status is TestRunStatus.QUEUED
    assert [r.payload["actor"] for r in incidents.store.pending_requests("test_run")] == ["a", "d"]


def test_the_bug_switch_changes_nothing_when_the_demo_app_refuses(incidents: IncidentService) -> None:
    incident_id = with_plan(incidents)
    before = incidents.store.last_event_seq()

    def refuse(_enabled: bool) -> None:
        raise DemoAppUnreachable("The demo app at http://x answered HTTP 500 to POST /admin/bug.")

    with pytest.raises(DemoAppUnreachable):
        incidents.switch_demo_bug(refuse, False, actor="bug-switch")
    assert incidents.store.last_event_seq() == before
    switched: list[bool] = []
    incidents.switch_demo_bug(switched.append, False, actor="bug-switch")
    assert switched == [False]
    assert incidents.store.get_incident(incident_id).latest_run_id is not None


def test_a_claim_left_by_a_closed_incident_is_taken_over_at_once(store: Store) -> None:
    service = IncidentService(store, service="demo-app")
    service.slot.wait_seconds = 30.0  # far longer than the test may take: a closed holder must not be waited for
    closed = service.simulate(SimulateMode.INCIDENT_ON, actor="tester")
    # Walk it to HEALTHY behind the service's back, as a process dying before releasing its claim leaves it.
    for state in (SystemState.VALIDATING, SystemState.RECOVERED, SystemState.HEALTHY):
        closed = transition(closed, state, "crashed-process", {}, now_iso())
    store.save_incident(closed)
    assert service.slot.holder() == closed.incident_id
    started = time.monotonic()
    fresh = service.simulate(SimulateMode.INCIDENT_ON, actor="tester")
    assert time.monotonic() - started < service.slot.wait_seconds
    assert fresh.incident_id != closed.incident_id and fresh.open
    assert service.slot.holder() == fresh.incident_id


def test_a_claim_whose_incident_never_appears_is_taken_over_after_the_wait(store: Store) -> None:
    service = IncidentService(store, service="demo-app")
    service.slot.wait_seconds = 0.3
    assert service.slot.acquire("inc_never_written") == "inc_never_written"  # its opener died right after
    started = time.monotonic()
    fresh = service.simulate(SimulateMode.INCIDENT_ON, actor="tester")
    assert time.monotonic() - started >= service.slot.wait_seconds
    assert fresh.incident_id != "inc_never_written" and service.slot.holder() == fresh.incident_id


def test_threads_racing_to_open_and_to_run_get_one_incident_and_one_run(store_backend: StoreBackend) -> None:
    services = [IncidentService(store_backend.open(), service="demo-app") for _ in range(8)]
    gate = threading.Barrier(len(services))

    def open_one(service: IncidentService) -> str:
        gate.wait()
        return service.simulate(SimulateMode.INCIDENT_ON, actor="racer").incident_id

    with ThreadPoolExecutor(len(services)) as pool:
        opened = set(pool.map(open_one, services))
    assert len(opened) == 1
    [incident_id] = opened
    services[0].attach_plan(incident_id, deterministic_plan(PLAN_URL, None, None, now_iso()))

    def run_one(service: IncidentService) -> str:
        gate.wait()
        return service.request_validation(incident_id, actor="racer").run_id

    with ThreadPoolExecutor(len(services)) as pool:
        assert len(set(pool.map(run_one, services))) == 1


def test_a_launched_run_that_already_closed_its_request_keeps_it_closed(store: Store) -> None:
    def launch_and_finish_at_once(request: PendingRequest) -> str:
        # The run starts and closes its own request before the launch call even returns.
        store.update("requests", PendingRequest, request.request_id,
                     lambda current: current.model_copy(update={"status": "done", "run_id": "dagster-1"}))
        return "dagster-1"

    service = IncidentService(store, service="demo-app", launcher=launch_and_finish_at_once)
    incident_id = with_plan(service)
    run = service.request_validation(incident_id, actor="tester")
    request = store.get_request(f"test_run-{run.run_id}")
    assert (request.status, request.run_id) == ("done", "dagster-1")

    unlaunched = IncidentService(store, service="demo-app", launcher=lambda _request: None)
    service.start_validation(run, "validator")
    unlaunched.finish_validation(finish(unlaunched, run, TestStatus.FAIL), HIGH, "validator")
    again = unlaunched.request_validation(incident_id, actor="tester")
    assert store.get_request(f"test_run-{again.run_id}").status == "pending"  # the sensor takes it from here
