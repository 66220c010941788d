"""war_room_sensor watches the event log during its evaluation: an incident opened while it watches gets its war
room in that same evaluation, not at the daemon's next loop (which is up to 5 s away)."""

from __future__ import annotations

import threading
from pathlib import Path

import dagster as dg
import pytest

from evalforge_assets import parts
from evalforge_assets.defs.recovery.war_room import WATCH_SECONDS
from tests.doubles.slack_api import TOKEN, SlackApiDouble
from tests.integration.test_war_room_dagster import HIGH, demo_url, location, tick

__all__ = ["demo_url"]  # the fixture, imported so pytest finds it here


def test_an_incident_opened_while_the_sensor_watches_gets_its_war_room_in_that_evaluation(
        tmp_path: Path, demo_url: str, slack_api: SlackApiDouble, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    defs, settings = location(tmp_path, demo_url, slack_bot_token=TOKEN, slack_api_url=slack_api.api_url)
    opened: list[str] = []

    def detect() -> None:
        incident, _ = parts.build_incident_service(settings, parts.store(settings)).open_or_join(
            HIGH, source="simulate", actor="test")
        opened.append(incident.incident_id)

    detector = threading.Timer(WATCH_SECONDS / 4, detect)  # after the evaluation's first look at the log
    with dg.instance_for_test() as instance:
        detector.start()
        message = tick(defs, instance)
        detector.join()
    assert opened and message.endswith("; 1 opened."), message
    [channel] = slack_api.channels.values()
    assert opened[0] in channel.purpose
    assert [m for m in slack_api.messages_in(channel.id) if m.thread_ts is None], "the card is posted"
