"""The war room through the real WebApiGateway (slack_sdk's WebClient) against the local Slack Web API double,
whose every request and answer is checked against Slack's OpenAPI spec; built by the composition root."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalforge_assets import parts
from evalforge_assets.models import SystemState, TestStatus
from evalforge_assets.recovery.service import IncidentService
from evalforge_assets.recovery.warroom.service import WarRoomService, slack_status
from evalforge_assets.settings import Settings
from evalforge_assets.store.sqlite import SqliteStore
from evalforge_assets.store.war_rooms import get_war_room
from tests.doubles.slack_api import TOKEN, SlackApiDouble
from tests.unit.warroom_incidents import HIGH, LOW, attach_plan, open_incident, run_checks, ticking_clock

ROUTING = """teams:
  payments: [carol@example.com, "@dave", nobody@example.com]
  sre: [alice@example.com]
services:
  checkout: payments
default: sre
"""


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "s.db")


@pytest.fixture
def incidents(store: SqliteStore) -> IncidentService:
    return IncidentService(store, service="checkout", clock=ticking_clock())


def war_rooms(slack_api: SlackApiDouble, store: SqliteStore, tmp_path: Path, **settings: str) -> WarRoomService:
    routing = tmp_path / "routing.yaml"
    routing.write_text(ROUTING)
    configured = {"slack_bot_token": TOKEN, "slack_api_url": slack_api.api_url, "slack_routing_file": str(routing),
                  "evalforge_home": str(tmp_path), **settings}
    service = parts.war_room_service(Settings.of(**configured), store)
    assert service is not None
    return service


@pytest.fixture
def people(slack_api: SlackApiDouble) -> None:
    slack_api.add_user("U0CAROL001", "carol", real_name="Carol Diaz", email="carol@example.com")
    slack_api.add_user("U0DAVE0001", "dave", real_name="Dave Jones", display_name="dave")


def test_open_then_lifecycle_in_the_slack_double(slack_api: SlackApiDouble, store, incidents, tmp_path,
                                                 people) -> None:
    rooms = war_rooms(slack_api, store, tmp_path)
    incident_id = open_incident(incidents).incident_id
    room = rooms.open(incident_id)
    assert room.ready, room.error
    channel = slack_api.channels[room.channel_id]
    assert channel.name == room.channel_name and channel.name.startswith("inc-20261201-checkout-")
    assert "checkout failing" in channel.topic and incident_id in channel.purpose
    assert {"U0CAROL001", "U0DAVE0001"} <= set(channel.members)
    assert room.unresolved == ["nobody@example.com (no Slack member has this email)"]
    assert [b["title"] for b in slack_api.bookmarks] == ["Datadog monitor", "Dagster run", "Incident"]
    [card] = slack_api.messages_in(channel.id)
    assert card.blocks and card.blocks[0]["type"] == "header" and "nobody@example.com" in str(card.blocks)

    attach_plan(incidents, incident_id)
    run_checks(incidents, incident_id, TestStatus.FAIL, HIGH)
    _, incident = run_checks(incidents, incident_id, TestStatus.PASS, LOW)
    assert incident.state is SystemState.RECOVERED
    assert rooms.sync(incident_id).error is None
    replies = [m for m in slack_api.messages_in(channel.id) if m.thread_ts == card.ts]
    assert len(replies) == 8 and replies[-1].text.startswith("*Closing summary")
    assert card.edits == 1 and "RECOVERED" in card.text  # the states between were never shown: one update
    # A retry from another process (a new service over the same store) does nothing twice.
    again = war_rooms(slack_api, store, tmp_path)
    assert again.open(incident_id).card_ts == card.ts and again.sync(incident_id).posted == []
    assert len(slack_api.channels) == 1 and len(slack_api.messages_in(channel.id)) == 9
    assert (tmp_path / "exports" / "incidents" / f"{incident_id}.md").exists()


def test_a_channel_left_by_a_crashed_attempt_is_found_by_name(slack_api: SlackApiDouble, store, incidents,
                                                              tmp_path) -> None:
    rooms = war_rooms(slack_api, store, tmp_path)
    incident = open_incident(incidents)
    from evalforge_assets.recovery.warroom.naming import channel_name

    existing = slack_api.add_channel(channel_name(incident))  # created by Slack, never recorded by us
    room = rooms.open(incident.incident_id)
    assert room.channel_id == existing.id and len(slack_api.channels) == 1


def test_slack_rate_limiting_past_the_retries_is_recorded_and_recovery_goes_on(slack_api: SlackApiDouble, store,
                                                                              incidents, tmp_path) -> None:
    rooms = war_rooms(slack_api, store, tmp_path)
    incident_id = open_incident(incidents).incident_id
    assert rooms.open(incident_id).ready
    attach_plan(incidents, incident_id)
    slack_api.fail_next("chat.postMessage", "ratelimited", retry_after=1, times=3)  # one more than the retries
    synced = rooms.sync(incident_id)
    assert synced.error and "rate-limited" in synced.error
    record = get_war_room(store, incident_id)
    assert record.error_code == "ratelimited" and record.next_retry_at is not None
    _, incident = run_checks(incidents, incident_id, TestStatus.PASS, LOW)
    assert incident.state is SystemState.RECOVERED  # nothing in recovery waited for Slack
    assert slack_status(store, True).state == "failing"


def test_invalid_auth_is_a_sentence_about_the_token(slack_api: SlackApiDouble, store, incidents, tmp_path) -> None:
    rooms = war_rooms(slack_api, store, tmp_path, slack_bot_token="xoxb-wrong")
    incident_id = open_incident(incidents).incident_id
    room = rooms.open(incident_id)
    assert not room.ready and not room.retryable and "SLACK_BOT_TOKEN" in room.error
    assert "SLACK_BOT_TOKEN" in slack_status(store, True).detail and slack_api.channels == {}


def test_incoming_webhook_mode_posts_card_and_updates_to_the_webhook(slack_api: SlackApiDouble, store, incidents,
                                                                     tmp_path) -> None:
    service = parts.war_room_service(Settings.of(slack_webhook_url=slack_api.webhook_url,
                                                 evalforge_home=str(tmp_path)), store)
    assert service is not None
    incident_id = open_incident(incidents).incident_id
    room = service.open(incident_id)
    assert room.ready and room.mode == "webhook" and slack_api.channels == {}
    attach_plan(incidents, incident_id)
    service.sync(incident_id)
    assert len(slack_api.webhook_posts) == 2
    assert slack_api.webhook_posts[0]["blocks"][0]["type"] == "header"
    assert incident_id in slack_api.webhook_posts[1]["text"]
