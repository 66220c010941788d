"""Time to detect for incidents a monitor webhook opens: Datadog's alert time ($DATE, in ms or s) is kept on the
incident (`alerted_at`), and the war room's RECOVERED reply, closing summary and report and the telemetry
histogram all give the same figure from it. Driven through the real incident service and webhook parser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from evalforge_assets import telemetry
from evalforge_assets.models import IncidentRecord, SystemState, TestStatus, iso, parse_iso
from evalforge_assets.recovery.records import time_to_detect
from evalforge_assets.recovery.service import IncidentService
from evalforge_assets.recovery.warroom.report import durations, markdown_report, summary_text
from evalforge_assets.recovery.warroom.thread import due_posts
from evalforge_assets.recovery.webhooks import parse_monitor_webhook
from evalforge_assets.store.sqlite import SqliteStore
from tests.unit.warroom_incidents import LOW, attach_plan, run_checks, ticking_clock

OPENED = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # the ticking clock's first reading
ALERTED = OPENED - timedelta(seconds=90)  # Datadog alerted 90 s before the incident opened here
DETECT_FAMILY = "evalforge_incident_time_to_detect_seconds"


@pytest.fixture
def service(tmp_path: Path) -> IncidentService:
    return IncidentService(SqliteStore(tmp_path / "s.db"), service="checkout", clock=ticking_clock())


def monitor_alert(transition: str, cycle_key: str = "cycle-1", **fields: Any) -> dict[str, Any]:
    return {"alert_id": "42", "alert_cycle_key": cycle_key, "alert_transition": transition,
            "title": f"[{transition} on {{service:checkout}}] checkout error rate above 5%",
            "body": "Error rate is 27%.", "tags": "service:checkout,env:prod",
            "link": "https://app.datadoghq.com/monitors/42", **fields}


def opened_by(service: IncidentService, payload: dict[str, Any]) -> IncidentRecord:
    outcome = service.apply_alert(parse_monitor_webhook(payload))
    assert outcome.incident_id is not None
    incident = service.store.get_incident(outcome.incident_id)
    assert incident is not None
    return incident


def expected_seconds(incident: IncidentRecord) -> float:
    return (parse_iso(incident.card.detected_at) - ALERTED).total_seconds()


@pytest.mark.parametrize("date", [str(int(ALERTED.timestamp() * 1000)), str(int(ALERTED.timestamp()))],
                         ids=["milliseconds", "seconds"])
def test_the_alert_time_is_kept_on_the_incident_it_opens(service: IncidentService, date: str) -> None:
    incident = opened_by(service, monitor_alert("Triggered", date=date))
    assert incident.alerted_at == iso(ALERTED)
    assert incident.card.detected_at.startswith("2026-12-01T10:00:")
    assert time_to_detect(incident) == expected_seconds(incident)
    assert 90 <= expected_seconds(incident) < 95


def test_an_alert_that_joins_keeps_the_opening_alert_time(service: IncidentService) -> None:
    opened = opened_by(service, monitor_alert("Triggered", date=str(int(ALERTED.timestamp() * 1000))))
    later = str(int((OPENED + timedelta(minutes=30)).timestamp() * 1000))
    joined = opened_by(service, monitor_alert("Triggered", cycle_key="cycle-2", date=later))
    assert joined.incident_id == opened.incident_id and joined.alert_keys == ["cycle-1", "cycle-2"]
    assert joined.alerted_at == iso(ALERTED)


def test_recovered_reply_summary_and_report_give_the_time_to_detect(service: IncidentService) -> None:
    incident_id = opened_by(service, monitor_alert("Triggered", date=str(int(ALERTED.timestamp() * 1000)))).incident_id
    attach_plan(service, incident_id)
    passed, incident = run_checks(service, incident_id, TestStatus.PASS, LOW)
    assert incident.state is SystemState.RECOVERED
    seconds = expected_seconds(incident)
    said = f"time to detect 1m {round(seconds) - 60:02d}s"
    assert durations(incident).detect == seconds
    recovered = [post.text for post in due_posts(incident, [passed]) if "*RECOVERED*" in post.text]
    assert len(recovered) == 1 and said in recovered[0]
    assert said in summary_text(incident, [passed])
    assert f"- Time to detect: 1m {round(seconds) - 60:02d}s" in markdown_report(incident, [passed])


def test_without_an_alert_time_the_time_to_detect_is_not_known(service: IncidentService) -> None:
    incident = opened_by(service, monitor_alert("Triggered"))  # a payload template without $DATE
    assert incident.alerted_at is None
    assert time_to_detect(incident) is None and durations(incident).detect is None
    assert "time to detect not known" in summary_text(incident, [])


def test_the_histogram_observes_the_same_figure_once_per_opened_incident(service: IncidentService) -> None:
    telemetry.RECORDER.take()  # the recorder is per process: start from nothing recorded earlier
    date = str(int(ALERTED.timestamp() * 1000))
    incident = opened_by(service, monitor_alert("Triggered", date=date))
    opened_by(service, monitor_alert("Re-Triggered", date=date))  # joins: no second observation
    observed = list(telemetry.RECORDER.take()[DETECT_FAMILY].values())
    assert len(observed) == 1 and observed[0].count == 1
    assert observed[0].total == time_to_detect(incident) == expected_seconds(incident)
