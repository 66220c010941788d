"""Monitor alerts for every service: the pure routing rules (`plan_alert`), closing an incident Evalforge cannot
validate on its monitor's word once all its cycles recovered, and the watched service keeping the status
document and its own recurrence window to itself."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from evalforge_assets.models import IncidentRecord, SystemState
from evalforge_assets.recovery.alert_routing import AlertPlan, plan_alert
from evalforge_assets.recovery.readings import SimulateMode
from evalforge_assets.recovery.service import IncidentService, SignalReading
from evalforge_assets.recovery.webhooks import MonitorAlert, parse_monitor_webhook
from evalforge_assets.store.sqlite import SqliteStore
from tests.fixtures.factories import make_incident


def alert(transition: str, cycle: str = "c-1", service: str = "billing", **fields: Any) -> MonitorAlert:
    return parse_monitor_webhook({
        "alert_id": "88", "alert_cycle_key": cycle, "alert_transition": transition,
        "title": f"[{transition} on {{service:{service}}}] {service} errors", "tags": f"service:{service}",
        "link": "https://app.datadoghq.com/monitors/88", **fields})


OPEN = make_incident(incident_id="inc-open", service="billing", alert_keys=["c-1"])
CLOSED = make_incident(incident_id="inc-closed", service="billing", alert_keys=["c-1"], open=False,
                       state="RECOVERED")
OTHER = make_incident(incident_id="inc-other", service="billing", alert_keys=["c-9"])


@pytest.mark.parametrize(("transition", "cycle", "current", "validatable", "expected"), [
    ("Triggered", None, None, False, ("open", "open", None)),
    ("Re-Triggered", OPEN, OPEN, False, ("open", "open", None)),
    ("Renotify", None, OTHER, True, ("open", "open", None)),  # a new cycle joins the open incident
    ("Triggered", CLOSED, None, False, ("record", "none", "inc-closed")),  # a replay of a closed cycle
    ("Recovered", CLOSED, None, True, ("record", "none", "inc-closed")),
    ("Warn", None, OTHER, False, ("record", "none", "inc-other")),
    ("No Data", None, None, True, ("record", "none", None)),
    ("Recovered", OPEN, OPEN, False, ("recover", "recover", "inc-open")),
    ("Recovered", None, OTHER, True, ("recover", "recover", "inc-other")),  # validatable: just asks to validate
    ("Recovered", None, OTHER, False, ("recover", "none", None)),  # would close another cycle's incident
])
def test_plan_alert(transition: str, cycle: IncidentRecord | None, current: IncidentRecord | None,
                    validatable: bool, expected: tuple[str, str, str | None]) -> None:
    plan = plan_alert(alert(transition), cycle=cycle, current=current, validatable=validatable)
    assert (plan.action, plan.step, plan.incident_id) == expected
    assert (plan.note is not None) == (cycle is CLOSED or expected == ("recover", "none", None))


def test_a_replayed_closed_cycle_says_why_it_changed_nothing() -> None:
    plan = plan_alert(alert("Triggered"), cycle=CLOSED, current=None, validatable=False)
    assert plan == AlertPlan("record", "none", "inc-closed", plan.note)
    assert "inc-closed" in plan.note and "closed" in plan.note


@pytest.fixture
def watched(tmp_path: Path) -> IncidentService:
    seconds = itertools.count()
    clock = lambda: f"2026-03-02T10:{next(seconds) // 60:02d}:{next(seconds) % 60:02d}.000000Z"
    return IncidentService(SqliteStore(tmp_path / "s.db"), service="demo-app", cooldown_seconds=300, clock=clock)


def test_an_incident_of_two_cycles_closes_when_both_recovered_and_frees_the_service(
        watched: IncidentService) -> None:
    opened = watched.apply_alert(alert("Triggered", "c-1"))
    assert watched.apply_alert(alert("Triggered", "c-2")).incident_id == opened.incident_id
    assert watched.apply_alert(alert("Recovered", "c-1")).action == "recover"
    still = watched.store.get_incident(opened.incident_id)
    assert (still.open, still.state) == (True, SystemState.INCIDENT_ACTIVE)
    watched.apply_alert(alert("Recovered", "c-1", id="again"))  # the same cycle's recovery again: no change
    assert watched.store.get_incident(opened.incident_id) == still

    watched.apply_alert(alert("Recovered", "c-2"))
    closed = watched.store.get_incident(opened.incident_id)
    assert (closed.open, closed.state, closed.timeline[-1].to_state) == (False, SystemState.RECOVERED, "RECOVERED")
    billing = watched.for_service("billing")
    assert billing.slot.holder() is None
    assert watched.apply_alert(alert("Triggered", "c-3")).incident_id != opened.incident_id


def test_another_services_incident_writes_no_status_and_queues_no_plan(watched: IncidentService) -> None:
    watched.apply_alert(alert("Triggered"))
    watched.apply_alert(alert("Recovered"))
    assert watched.store.get_status() is None
    assert watched.store.pending_requests("incident") == []
    assert watched.for_service("billing").validatable is False and watched.for_service("demo-app") is watched


def test_a_recurrence_reopens_the_watched_incident_even_after_another_service_opened_one(
        watched: IncidentService) -> None:
    first = watched.simulate(SimulateMode.INCIDENT_ON, actor="tester")
    watched.simulate(SimulateMode.INCIDENT_OFF, actor="tester")
    watched.apply_alert(alert("Triggered"))  # billing's incident is now the newest of all
    high = SignalReading(error_rate_5m=0.4, p95_latency_ms_5m=100.0, error_rate_recent=0.5)
    assert watched.observe(high).incident_id == first.incident_id
