"""Thread replies and the closing report, from incidents driven through the real incident service."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalforge_assets.models import SystemState, TestStatus
from evalforge_assets.recovery.service import IncidentService
from evalforge_assets.recovery.warroom.report import (
    durations,
    markdown_report,
    spoken,
    summary_text,
    write_report,
)
from evalforge_assets.recovery.warroom.thread import due_posts, plan_reply
from evalforge_assets.store.sqlite import SqliteStore
from tests.unit.warroom_incidents import HIGH, LOW, attach_plan, open_incident, run_checks, ticking_clock


@pytest.fixture
def service(tmp_path: Path) -> IncidentService:
    return IncidentService(SqliteStore(tmp_path / "s.db"), service="checkout", clock=ticking_clock())


def test_a_new_incident_calls_for_no_reply_the_card_announces_it(service: IncidentService) -> None:
    assert due_posts(open_incident(service), []) == []


def test_plan_reply_lists_the_five_checks_in_priority_order(service: IncidentService) -> None:
    incident = attach_plan(service, open_incident(service).incident_id)
    text = plan_reply(incident.card.plan)
    assert text.startswith(f"*Recovery plan* `{incident.card.plan.plan_id}`: 5 checks")
    assert [line[:2] for line in text.splitlines()[1:]] == ["1.", "2.", "3.", "4.", "5."]
    assert "/health" in text and "/checkout" in text


def test_full_lifecycle_gives_one_keyed_reply_per_change_in_time_order(service: IncidentService) -> None:
    incident_id = open_incident(service).incident_id
    attach_plan(service, incident_id)
    failed, _ = run_checks(service, incident_id, TestStatus.FAIL, HIGH)
    passed, incident = run_checks(service, incident_id, TestStatus.PASS, LOW)
    assert incident.state is SystemState.RECOVERED
    posts = due_posts(incident, [failed, passed])
    keys = [post.key for post in posts]
    assert keys == [f"plan:{incident.card.plan.plan_id}", "timeline:1", f"run:{failed.run_id}", "timeline:2",
                    "timeline:3", f"run:{passed.run_id}", "timeline:4", "summary:4"]
    assert len(set(keys)) == len(keys)
    text = {post.key: post.text for post in posts}
    assert "0 of 5 checks passed, 5 failed" in text[f"run:{failed.run_id}"]
    assert "HTTP 500 from /checkout" in text[f"run:{failed.run_id}"]
    assert text["timeline:2"].startswith(":red_circle: *Back to INCIDENT_ACTIVE*")
    assert text["timeline:4"].startswith(":large_green_circle: *RECOVERED*")
    assert "to plan" in text["timeline:4"] and "to recover" in text["timeline:4"]
    assert text["summary:4"].startswith("*Closing summary")


def test_a_recurrence_gets_its_own_reply_and_a_second_recovery_its_own_summary(service: IncidentService) -> None:
    incident_id = open_incident(service).incident_id
    attach_plan(service, incident_id)
    first, _ = run_checks(service, incident_id, TestStatus.PASS, LOW)
    service.observe(HIGH)  # back within the cooldown: a recurrence of the RECOVERED incident
    second, incident = run_checks(service, incident_id, TestStatus.PASS, LOW)
    posts = {post.key: post.text for post in due_posts(incident, [first, second])}
    recurrence = [text for text in posts.values() if text.startswith(":repeat: *Recurrence*")]
    assert len(recurrence) == 1
    assert len([key for key in posts if key.startswith("summary:")]) == 2


def test_durations_and_summary_say_what_failed_and_what_fixed_it(service: IncidentService) -> None:
    incident_id = open_incident(service).incident_id
    attach_plan(service, incident_id)
    failed, _ = run_checks(service, incident_id, TestStatus.FAIL, HIGH)
    passed, incident = run_checks(service, incident_id, TestStatus.PASS, LOW)
    figures = durations(incident)
    assert figures.detect is None  # no alert time on a simulated incident: said, not made up
    assert figures.plan is not None and figures.recover is not None and figures.recover > figures.plan > 0
    summary = summary_text(incident, [failed, passed])
    assert "time to detect not known" in summary
    assert "HTTP 500 from /checkout" in summary  # what failed
    assert "All 5 checks of validation run" in summary and "under the 5.00% threshold" in summary  # what fixed it
    assert "&lt;script&gt;" in summary and "<script>" not in summary


def test_markdown_report_is_written_whole_and_rewritten_the_same(service: IncidentService, tmp_path: Path) -> None:
    incident_id = open_incident(service).incident_id
    attach_plan(service, incident_id)
    passed, incident = run_checks(service, incident_id, TestStatus.PASS, LOW)
    path = write_report(tmp_path / "incidents", incident, [passed], "inc-20261201-checkout-abcd")
    first = path.read_text()
    assert path.name == f"{incident_id}.md" and first == markdown_report(incident, [passed],
                                                                          "inc-20261201-checkout-abcd")
    for heading in ("## Durations", "## Timeline", "## What failed", "## What fixed it", "## Validation runs"):
        assert heading in first
    assert write_report(tmp_path / "incidents", incident, [passed], "inc-20261201-checkout-abcd").read_text() == first
    assert oct(path.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("seconds, said", [(None, "not known"), (4.25, "4.2s"), (65, "1m 05s"),
                                           (3725, "1h 02m 05s")])
def test_spoken_durations(seconds: float | None, said: str) -> None:
    assert spoken(seconds) == said
