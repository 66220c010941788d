"""Slack failures are visible on the incident (issue 10 item 4): GET /api/incidents and the console's incident
list and board show each incident's war room (channel, link, ready / opening / failing / not configured, the
failure's sentence, retries and the next retry), read from the war-room ledger once per page. GET /api/incidents/current
keeps the incident contract key for key."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from evalforge_assets.models import IncidentCard
from evalforge_assets.models.war_rooms import WarRoomRecord
from evalforge_assets.recovery.warroom.ledger import WarRoomLedger
from evalforge_assets.store import Store
from tests.api.conftest import ClientFactory, auth
from tests.api.console_pages import elements, page, sign_in
from tests.fixtures.factories import make_incident

BOT_TOKEN = "xoxb-war-room-list-test"
FAILURE = ("Slack refused chat.postMessage with not_in_channel: invite the Evalforge app to the channel "
           "(/invite @evalforge) or give it the channels:join scope.")
NOW = "2026-03-01T10:05:00.000000Z"


def war_room(incident_id: str, **fields: Any) -> WarRoomRecord:
    return WarRoomRecord(incident_id=incident_id, service="checkout", opened_at="2026-03-01T10:00:05Z",
                         **{"mode": "channel", **fields})


@pytest.fixture
def incidents(store: Store) -> Store:
    """Four incidents, newest first: a ready channel, a failing one, a webhook war room being opened, none."""
    for minute, incident_id in enumerate(["inc-none", "inc-webhook", "inc-failing", "inc-ready"]):
        store.save_incident(make_incident(incident_id=incident_id, detected_at=f"2026-03-01T10:0{minute}:00Z"))
    assert store.create("war_rooms", war_room("inc-ready", channel_id="C0READY", channel_name="inc-ready-room",
                                              ready_at="2026-03-01T10:00:09Z"))
    assert store.create("war_rooms", war_room("inc-failing", channel_id="C0FAIL", channel_name="inc-failing-room",
                                              ready_at="2026-03-01T10:00:08Z"))
    assert store.create("war_rooms", war_room("inc-webhook", mode="webhook"))
    # The failure goes through the ledger, as the war-room service records one: sentence, count, next retry.
    ledger = WarRoomLedger(store, clock=lambda: NOW)
    ledger.failed("inc-failing", "not_in_channel", FAILURE, retry_after=None)
    ledger.failed("inc-failing", "not_in_channel", FAILURE, retry_after=30)
    return store


def listed(client: TestClient, **params: Any) -> dict[str, dict[str, Any] | None]:
    response = client.get("/api/incidents", params=params, headers=auth("viewer"))
    assert response.status_code == 200, response.text
    return {item["incident_id"]: item["war_room"] for item in response.json()["items"]}


def test_each_listed_incident_says_where_its_war_room_stands(client_factory: ClientFactory, incidents: Store) -> None:
    rooms = listed(client_factory(SLACK_BOT_TOKEN=BOT_TOKEN))
    assert list(rooms) == ["inc-ready", "inc-failing", "inc-webhook", "inc-none"]
    failing = incidents.get_incident("inc-failing")
    assert failing is not None and failing.open  # Slack failing changes nothing about the incident itself
    assert rooms["inc-ready"] == {
        "status": "ready", "mode": "channel", "channel_id": "C0READY", "channel_name": "inc-ready-room",
        "channel_url": "https://slack.com/app_redirect?channel=C0READY", "last_error": None, "retry_count": 0,
        "next_retry_at": None, "ready_at": "2026-03-01T10:00:09Z"}
    assert rooms["inc-failing"] == {
        "status": "failing", "mode": "channel", "channel_id": "C0FAIL", "channel_name": "inc-failing-room",
        "channel_url": "https://slack.com/app_redirect?channel=C0FAIL", "last_error": FAILURE, "retry_count": 2,
        "next_retry_at": "2026-03-01T10:05:30.000000Z", "ready_at": "2026-03-01T10:00:08Z"}
    webhook = rooms["inc-webhook"]
    assert webhook is not None
    assert (webhook["status"], webhook["mode"], webhook["channel_id"], webhook["channel_url"]) == (
        "opening", "webhook", None, None)
    assert rooms["inc-none"] is None  # Slack is set up, but no war room was opened for it


def test_after_a_success_the_war_room_is_ready_again(client_factory: ClientFactory, incidents: Store) -> None:
    WarRoomLedger(incidents, clock=lambda: NOW).succeeded("inc-failing")
    room = listed(client_factory(SLACK_BOT_TOKEN=BOT_TOKEN))["inc-failing"]
    assert room is not None
    assert (room["status"], room["last_error"], room["retry_count"], room["next_retry_at"]) == (
        "ready", None, 0, None)


def test_without_slack_an_incident_without_a_war_room_says_not_configured(client_factory: ClientFactory,
                                                                          incidents: Store) -> None:
    rooms = listed(client_factory())
    assert rooms["inc-none"] == {"status": "not_configured", "mode": None, "channel_id": None,
                                 "channel_name": None, "channel_url": None, "last_error": None, "retry_count": 0,
                                 "next_retry_at": None, "ready_at": None}
    ready = rooms["inc-ready"]  # what was recorded while Slack was configured is still shown
    assert ready is not None and ready["status"] == "ready"


def test_a_page_of_incidents_reads_the_war_rooms_once(client_factory: ClientFactory, incidents: Store,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for day in range(2, 30):
        incidents.save_incident(make_incident(incident_id=f"inc-more-{day:02d}",
                                              detected_at=f"2026-02-{day:02d}T10:00:00Z"))
    reads: list[int] = []
    real = incidents._get_many

    def counted(spec: Any, ids: Any) -> Any:
        if spec.name == "war_rooms":
            reads.append(len(ids))
        return real(spec, ids)

    monkeypatch.setattr(incidents, "_get_many", counted)
    client = client_factory(SLACK_BOT_TOKEN=BOT_TOKEN)
    assert len(listed(client, limit=20)) == 20
    assert reads == [20]
    sign_in(client, "viewer")
    reads.clear()
    page(client, "/incidents")
    assert reads == [25]  # the console's page size, in one read too


def test_the_current_incident_keeps_the_contract_keys(client_factory: ClientFactory, store: Store) -> None:
    store.save_incident(make_incident(incident_id="inc-open", service="demo-app"))
    assert store.create("war_rooms", war_room("inc-open", channel_id="C0OPEN", ready_at="2026-03-01T10:00:09Z"))
    client = client_factory(SLACK_BOT_TOKEN=BOT_TOKEN, DD_SERVICE="demo-app")
    current = client.get("/api/incidents/current", headers=auth("viewer")).json()
    assert current is not None and set(current) == set(IncidentCard.model_fields)
    assert listed(client)["inc-open"] is not None


def test_the_console_list_shows_a_failing_war_room_with_its_sentence(client_factory: ClientFactory,
                                                                     incidents: Store) -> None:
    client = client_factory(SLACK_BOT_TOKEN=BOT_TOKEN)
    sign_in(client, "viewer")
    html = page(client, "/incidents")
    cells = {cell["data-war-room"] for cell in elements(html, "td", data_war_room=None)}
    assert cells == {"ready", "failing", "opening", "none"}
    assert elements(html, "a", href="https://slack.com/app_redirect?channel=C0FAIL")
    assert "Slack failing: Slack refused chat.postMessage with not_in_channel" in html
    assert "2 failed attempt(s); next retry at 2026-03-01T10:05:30.000000Z" in html
    without_slack = client_factory()
    sign_in(without_slack, "viewer")
    assert "Slack not configured" in page(without_slack, "/incidents")


def _board_state(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="board-state">(.*?)</script>', html, re.DOTALL)
    assert found, "the board embeds its state"
    return json.loads(found.group(1))


def test_the_board_carries_the_shown_incidents_war_room(client_factory: ClientFactory, incidents: Store) -> None:
    client = client_factory(SLACK_BOT_TOKEN=BOT_TOKEN)
    sign_in(client, "viewer")
    room = _board_state(page(client, "/incidents/inc-failing"))["war_room"]
    assert (room["status"], room["channel_url"], room["last_error"], room["retry_count"]) == (
        "failing", "https://slack.com/app_redirect?channel=C0FAIL", FAILURE, 2)
    fetched = client.get("/incidents/board/state", params={"incident": "inc-none"})
    assert fetched.status_code == 200 and fetched.json()["war_room"] is None
    without_slack = client_factory()
    sign_in(without_slack, "viewer")
    state = without_slack.get("/incidents/board/state", params={"incident": "inc-none"}).json()
    assert state["war_room"]["status"] == "not_configured"
