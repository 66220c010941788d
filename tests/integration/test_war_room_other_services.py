"""A war room for an incident of a service Evalforge cannot validate (not DD_SERVICE): opened by a real-format
Datadog monitor webhook, closed by the monitor's Recovered. Such incidents run no incident_job (no plan, no
war_room asset), so `WarRoomService.open_missing` (war_room_sensor, each tick) is what opens their war room,
and the usual sync posts RECOVERED and the closing summary. Against the Slack Web API double, spec-checked."""

from __future__ import annotations

import re
from pathlib import Path

from evalforge_assets import parts
from evalforge_assets.models import SystemState
from evalforge_assets.recovery.service import IncidentService
from evalforge_assets.recovery.webhooks import parse_monitor_webhook
from evalforge_assets.settings import Settings
from evalforge_assets.store.sqlite import SqliteStore
from evalforge_assets.store.war_rooms import get_war_room
from tests.api.test_incidents_all_services import notification
from tests.doubles.slack_api import TOKEN, SlackApiDouble

ROUTING = """teams:
  billing: [bea@example.com, "@ghost-billing"]
  sre: [bea@example.com]
services:
  billing: billing
default: sre
"""


def test_a_monitor_incident_of_another_service_gets_a_war_room_and_its_recovered_gets_the_summary(
        slack_api: SlackApiDouble, tmp_path: Path) -> None:
    slack_api.add_user("U0BEA00001", "bea", real_name="Bea Lund", email="bea@example.com")
    routing = tmp_path / "routing.yaml"
    routing.write_text(ROUTING)
    settings = Settings.of(evalforge_home=tmp_path, store_url=f"sqlite:///{tmp_path / 's.db'}",
                           dd_service="demo-app", slack_bot_token=TOKEN, slack_api_url=slack_api.api_url,
                           slack_routing_file=str(routing))
    store = SqliteStore(tmp_path / "s.db")
    rooms = parts.war_room_service(settings, store)
    assert rooms is not None
    watched = IncidentService(store, service="demo-app")

    opened = watched.apply_alert(parse_monitor_webhook(notification("billing", "Triggered", "b-1", 0, "e1")))
    incident_id = opened.incident_id
    assert opened.action == "open" and store.pending_requests("incident") == []  # no incident_job for billing

    [room] = rooms.open_missing()
    assert room.incident_id == incident_id and room.ready, room.error
    channel = slack_api.channels[room.channel_id]
    assert re.fullmatch(r"inc-\d{8}-billing-[0-9a-f]{4}", channel.name) and incident_id in channel.purpose
    assert "U0BEA00001" in channel.members and [r.split(" (")[0] for r in room.unresolved] == ["@ghost-billing"]
    assert [b["title"] for b in slack_api.bookmarks] == ["Datadog monitor", "Incident"]  # no Dagster run for it
    [card] = slack_api.messages_in(channel.id)
    assert "@ghost-billing" in str(card.blocks) and "INCIDENT_ACTIVE" in card.text
    assert rooms.open_missing() == []  # already open: nothing twice

    recovered = watched.apply_alert(parse_monitor_webhook(notification("billing", "Recovered", "b-1", 9, "e2")))
    incident = store.get_incident(recovered.incident_id)
    assert incident.state is SystemState.RECOVERED and not incident.open
    [result] = rooms.sync_active()
    assert result.error is None and result.card_updated
    replies = [m.text for m in slack_api.messages_in(channel.id) if m.thread_ts == card.ts]
    assert any("*RECOVERED*" in text for text in replies), replies
    assert replies[-1].startswith("*Closing summary") and "What fixed it" in replies[-1]
    assert "RECOVERED" in card.text and card.edits == 1
    record = get_war_room(store, incident_id)
    assert record.active is False and Path(record.report_path).read_text().startswith("# Post-incident report")

    # Closed and synced: later ticks neither reopen nor repost anything.
    calls = len(slack_api.calls)
    assert rooms.open_missing() == [] and rooms.sync_active() == []
    assert len(slack_api.calls) == calls
