"""The war-room service against an in-memory Slack: opening, one reply and one card update per change, no
duplicate under re-runs, crashes or two processes, and Slack failures that never stop recovery."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest

from evalforge_assets.models import SystemState, TestStatus, iso, parse_iso
from evalforge_assets.recovery.service import IncidentService
from evalforge_assets.recovery.warroom.ledger import WarRoomLedger
from evalforge_assets.recovery.warroom.routing import Resolution
from evalforge_assets.recovery.warroom.service import WarRoomService, slack_status
from evalforge_assets.store.sqlite import SqliteStore
from evalforge_assets.store.war_rooms import get_war_room
from tests.doubles.fake_slack import Crash, FakeSlack
from tests.unit.warroom_incidents import (
    HIGH,
    LOW,
    attach_plan,
    finish_run,
    open_incident,
    run_checks,
    ticking_clock,
)


class Clock:
    """The war room's clock, moved by hand (retries and claim timeouts depend on it)."""

    def __init__(self) -> None:
        self.at = "2026-12-01T11:00:00.000000Z"

    def __call__(self) -> str:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at = iso(parse_iso(self.at) + timedelta(seconds=seconds))


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "s.db")


@pytest.fixture
def incidents(store: SqliteStore) -> IncidentService:
    return IncidentService(store, service="checkout", clock=ticking_clock())


@pytest.fixture
def clock() -> Clock:
    return Clock()


def responders(service: str) -> Resolution:
    return Resolution(user_ids=["U1", "U2"], unresolved=["@ghost"], reasons={"@ghost": "no member matches"})


def war_rooms(store, slack: FakeSlack, clock: Clock, tmp_path: Path | None = None, **ledger_options) -> WarRoomService:
    ledger = WarRoomLedger(store, clock=clock, **ledger_options)
    return WarRoomService(store, slack, responders=responders, api_url="https://ef.example.com",
                          reports_dir=tmp_path / "incidents" if tmp_path else None, clock=clock, ledger=ledger)


def test_open_creates_the_channel_topic_purpose_bookmarks_invites_and_card(store, incidents, clock) -> None:
    slack = FakeSlack()
    incident = open_incident(incidents)
    room = war_rooms(store, slack, clock).open(incident.incident_id)
    assert room.ready and room.error is None
    assert list(slack.channels) == [room.channel_name] and room.channel_id == slack.channels[room.channel_name]
    assert incident.card.title in slack.topics[room.channel_id] and incident.incident_id in slack.purposes[
        room.channel_id]
    assert [title for _, title, _ in slack.bookmarks] == ["Datadog monitor", "Dagster run", "Incident"]
    assert slack.invited == {room.channel_id: ["U1", "U2"]} and room.invited == ["U1", "U2"]
    assert room.unresolved == ["@ghost (no member matches)"]
    [card] = slack.messages
    assert card.ts == room.card_ts and card.channel == room.channel_id and card.thread_ts is None
    assert "@ghost" in str(card.blocks)  # the unresolved responder is on the card, not silently dropped


def test_opening_again_or_from_another_process_does_nothing_twice(store, incidents, clock) -> None:
    slack = FakeSlack()
    incident_id = open_incident(incidents).incident_id
    first = war_rooms(store, slack, clock).open(incident_id)
    calls = len(slack.calls)
    again = war_rooms(store, slack, clock).open(incident_id)  # a Dagster retry, a re-run: a new process
    assert again.card_ts == first.card_ts and len(slack.calls) == calls
    assert len(slack.messages) == 1 and len(slack.channels) == 1 and len(slack.bookmarks) == 3


def test_each_change_posts_its_replies_once_and_updates_the_card_once(store, incidents, clock) -> None:
    slack = FakeSlack()
    rooms = war_rooms(store, slack, clock)
    incident_id = open_incident(incidents).incident_id
    card_ts = rooms.open(incident_id).card_ts
    assert rooms.sync(incident_id).skipped is None  # the events since opening are looked at once
    assert rooms.sync(incident_id).skipped == "Nothing changed since the last sync."

    attach_plan(incidents, incident_id)
    synced = rooms.sync(incident_id)
    assert synced.posted == [next(k for k in synced.posted if k.startswith("plan:"))] and not synced.card_updated

    run = incidents.start_validation(incidents.request_test_run(incident_id, "t"), "v")  # → VALIDATING
    synced = rooms.sync(incident_id)
    assert synced.posted == ["timeline:1"] and synced.card_updated

    finish_run(incidents, run, TestStatus.FAIL, HIGH)  # → INCIDENT_ACTIVE
    synced = rooms.sync(incident_id)
    assert synced.posted == [f"run:{run.run_id}", "timeline:2"] and synced.card_updated

    passed, incident = run_checks(incidents, incident_id, TestStatus.PASS, LOW)  # → VALIDATING → RECOVERED
    assert incident.state is SystemState.RECOVERED
    synced = rooms.sync(incident_id)
    assert synced.posted == ["timeline:3", f"run:{passed.run_id}", "timeline:4", "summary:4"]
    replies = slack.replies(card_ts)
    assert len(replies) == 8 and len({r.text for r in replies}) == 8
    [card] = [m for m in slack.messages if m.ts == card_ts]
    assert card.edits == 3 and "RECOVERED" in card.text  # one chat.update per state the card showed
    assert rooms.sync(incident_id).posted == []


def test_closing_summary_writes_the_markdown_report_next_to_the_artifacts(store, incidents, clock, tmp_path) -> None:
    slack = FakeSlack()
    rooms = war_rooms(store, slack, clock, tmp_path)
    incident_id = open_incident(incidents).incident_id
    rooms.open(incident_id)
    attach_plan(incidents, incident_id)
    run_checks(incidents, incident_id, TestStatus.PASS, LOW)
    rooms.sync(incident_id)
    report = tmp_path / "incidents" / f"{incident_id}.md"
    assert "## What fixed it" in report.read_text()
    assert get_war_room(store, incident_id).report_path == str(report)


def test_a_closed_incident_leaves_the_active_list_after_its_last_reply(store, incidents, clock) -> None:
    slack = FakeSlack()
    rooms = war_rooms(store, slack, clock)
    incident_id = open_incident(incidents).incident_id
    rooms.open(incident_id)
    incidents.resolve_by_operator("operator")  # walks to HEALTHY (closed)
    synced = rooms.sync(incident_id)
    assert synced.posted == ["timeline:1", "timeline:2", "summary:2", "timeline:3"]
    assert "closed by simulate INCIDENT_OFF" in slack.messages[1].text  # why it skipped validation
    assert not get_war_room(store, incident_id).active


def test_two_processes_syncing_at_once_post_each_reply_once(store, incidents, clock, tmp_path) -> None:
    slack = FakeSlack()
    incident_id = open_incident(incidents).incident_id
    war_rooms(store, slack, clock).open(incident_id)
    attach_plan(incidents, incident_id)
    run_checks(incidents, incident_id, TestStatus.FAIL, HIGH)
    run_checks(incidents, incident_id, TestStatus.PASS, LOW)
    others = [war_rooms(SqliteStore(tmp_path / "s.db"), slack, clock) for _ in range(4)]
    barrier = threading.Barrier(len(others))

    def sync(rooms: WarRoomService) -> None:
        barrier.wait()
        rooms.sync(incident_id)

    threads = [threading.Thread(target=sync, args=(rooms,)) for rooms in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    war_rooms(store, slack, clock).sync(incident_id)  # whoever lost a race finishes the rest in order
    texts = [m.text for m in slack.messages[1:]]
    assert len(texts) == 8 and len(set(texts)) == 8  # plan, 2 runs, 4 moves, summary


def test_a_crash_after_slack_created_the_channel_finds_it_by_name(store, incidents, clock) -> None:
    slack = FakeSlack()
    incident_id = open_incident(incidents).incident_id
    slack.crash_after("conversations.create")
    with pytest.raises(Crash):
        war_rooms(store, slack, clock).open(incident_id)
    room = war_rooms(store, slack, clock).open(incident_id)  # the retry
    assert room.ready and len(slack.channels) == 1 and slack.count("conversations.create") == 2


def test_a_crash_after_posting_is_not_reposted_until_the_claim_times_out(store, incidents, clock) -> None:
    slack = FakeSlack()
    incident_id = open_incident(incidents).incident_id
    slack.crash_after("chat.postMessage")
    with pytest.raises(Crash):
        war_rooms(store, slack, clock).open(incident_id)
    assert len(slack.messages) == 1
    retry = war_rooms(store, slack, clock, claim_timeout_seconds=120).open(incident_id)
    assert not retry.ready and len(slack.messages) == 1  # the dead holder's claim still stands
    clock.advance(121)
    assert war_rooms(store, slack, clock, claim_timeout_seconds=120).open(incident_id).ready
    assert len(slack.messages) == 2  # at-least-once after a crash at that exact moment (see ledger.py)


def test_rate_limited_slack_is_recorded_and_retried_after_retry_after_while_recovery_goes_on(
        store, incidents, clock) -> None:
    slack = FakeSlack()
    rooms = war_rooms(store, slack, clock)
    incident_id = open_incident(incidents).incident_id
    rooms.open(incident_id)
    attach_plan(incidents, incident_id)
    slack.fail_next("chat.postMessage", "ratelimited", retry_after=30)
    synced = rooms.sync(incident_id)
    assert synced.error and "rate-limited" in synced.error
    record = get_war_room(store, incident_id)
    assert record.retry_count == 1 and record.error_code == "ratelimited"
    assert record.next_retry_at == iso(parse_iso(clock.at) + timedelta(seconds=30))
    assert slack_status(store, True).state == "failing"
    # Recovery does not wait for Slack: validation runs and the incident recovers meanwhile.
    _, incident = run_checks(incidents, incident_id, TestStatus.PASS, LOW)
    assert incident.state is SystemState.RECOVERED
    assert rooms.sync(incident_id).skipped.startswith("Waiting to retry Slack")
    clock.advance(31)
    synced = rooms.sync(incident_id)
    assert synced.error is None and synced.posted[0].startswith("plan:") and synced.posted[-1] == "summary:2"
    assert get_war_room(store, incident_id).last_error is None and slack_status(store, True).state == "ok"


def test_invalid_auth_says_what_to_fix_and_opening_is_retried_later(store, incidents, clock) -> None:
    slack = FakeSlack()
    rooms = war_rooms(store, slack, clock)
    incident_id = open_incident(incidents).incident_id
    slack.fail_next("conversations.create", "invalid_auth")
    room = rooms.open(incident_id)
    assert not room.ready and not room.retryable and "SLACK_BOT_TOKEN" in room.error
    status = slack_status(store, True)
    assert status.state == "failing" and "SLACK_BOT_TOKEN" in status.detail and status.failing_incidents == [
        incident_id]
    clock.advance(5)
    synced = rooms.sync(incident_id)  # the sync sensor finishes opening once the token works
    assert synced.error is None and get_war_room(store, incident_id).effects["card"].ts


def test_incoming_webhook_only_posts_the_card_and_replies_without_a_channel(store, incidents, clock) -> None:
    slack = FakeSlack(can_manage_channels=False)
    rooms = war_rooms(store, slack, clock)
    incident_id = open_incident(incidents).incident_id
    room = rooms.open(incident_id)
    assert room.ready and room.mode == "webhook" and room.channel_id is None and room.invited == []
    attach_plan(incidents, incident_id)
    run_checks(incidents, incident_id, TestStatus.PASS, LOW)
    rooms.sync(incident_id)
    assert {m.channel for m in slack.messages} == {None} and slack.count("chat.update") == 0
    assert not ({"conversations.create", "conversations.invite", "bookmarks.add"} & set(slack.calls))
    assert all(incident_id in m.text for m in slack.messages[1:])  # unthreaded, so each names its incident
    assert len(slack.messages) == 1 + 1 + 1 + 2 + 1  # card, plan, run, VALIDATING and RECOVERED, summary


def test_health_says_not_configured_without_slack(store) -> None:
    status = slack_status(store, False)
    assert status.state == "not_configured" and "SLACK_BOT_TOKEN" in status.detail


def test_composition_root_builds_the_war_room_from_settings(store, tmp_path) -> None:
    from evalforge_assets import parts
    from evalforge_assets.recovery.warroom.routing import RoutingFileError
    from evalforge_assets.settings import Settings

    assert parts.war_room_service(Settings.of(), store) is None  # no Slack configured: no war room, no error
    webhook = parts.war_room_service(Settings.of(slack_webhook_url="https://hooks.slack.invalid/x"), store)
    assert webhook is not None and webhook.mode == "webhook" and webhook.responders is None
    routing = tmp_path / "routing.yaml"
    routing.write_text("teams: {sre: [alice@example.com]}\ndefault: sre\n")
    bot = parts.war_room_service(Settings.of(slack_bot_token="xoxb-1", slack_routing_file=str(routing),
                                             public_url="https://ef.example.com", evalforge_home=str(tmp_path)),
                                 store)
    assert bot is not None and bot.mode == "channel" and bot.responders is not None
    assert bot.api_url == "https://ef.example.com" and bot.reports_dir == (tmp_path / "exports" / "incidents")
    routing.write_text("teams: {}\n")
    with pytest.raises(RoutingFileError, match="routing.yaml"):
        parts.war_room_service(Settings.of(slack_bot_token="xoxb-1", slack_routing_file=str(routing)), store)


def test_the_card_lists_the_failure_signatures_that_rose_with_the_incident(store, incidents, clock) -> None:
    from tests.fixtures.factories import make_signature

    incident = open_incident(incidents)
    hour = "2026-12-01-10:00"  # the incident's hour (models' hour keys)
    store.save_signatures([make_signature(signature_id="sig-rising", title="Checkout tool timeout",
                                          counts_by_hour={hour: 12}),
                           make_signature(signature_id="sig-steady", title="Steady noise",
                                          counts_by_hour={hour: 3, "2026-12-01-09:00": 3, "2026-12-01-08:00": 3,
                                                          "2026-12-01-07:00": 3, "2026-12-01-06:00": 3,
                                                          "2026-12-01-05:00": 3, "2026-12-01-04:00": 3})])
    slack = FakeSlack()
    war_rooms(store, slack, clock).open(incident.incident_id)
    card = str(slack.messages[0].blocks)
    assert "Checkout tool timeout" in card and "sig-rising" in card and "Steady noise" not in card
