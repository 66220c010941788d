"""The incident board, the incident list and the ingestion page, in process (no browser): what the server
renders and embeds, who may switch the bug, war-room links, Dagster run links, and the board's WebSocket
being let in by the console session only from the console's own origin."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from evalforge_api.app import create_app
from evalforge_api.console import incidents
from evalforge_api.console.incidents import safe_url
from evalforge_assets.models.war_rooms import WarRoomRecord
from evalforge_assets.store import Store, open_store
from tests.api.conftest import make_settings
from tests.api.console_pages import elements, page, sign_in
from tests.fixtures.factories import make_incident, make_quarantine, make_status, make_test_run, revise


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'evalforge.db'}")
    yield opened
    opened.close()


def _client(store: Store, tmp_path: Path, transport: httpx.BaseTransport | None = None) -> TestClient:
    return TestClient(create_app(make_settings(tmp_path), store, http_transport=transport),
                      client=("127.0.0.1", 50000))


@pytest.fixture
def client(sqlite_store: Store, tmp_path: Path) -> Iterator[TestClient]:
    with _client(sqlite_store, tmp_path) as opened:
        yield opened


def _embedded_state(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="board-state">(.*?)</script>', html, re.DOTALL)
    assert found, "the board embeds its state"
    return json.loads(found.group(1))


def test_safe_url_keeps_only_absolute_http_links() -> None:
    assert safe_url("https://app.datadoghq.com/monitors/1") == "https://app.datadoghq.com/monitors/1"
    assert safe_url("http://127.0.0.1:3000/runs/abc") == "http://127.0.0.1:3000/runs/abc"
    for unsafe in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "/relative", "//evil.test/x",
                   "", None, "http://"):
        assert safe_url(unsafe) is None, unsafe


def test_board_embeds_the_open_incident_with_its_run_and_neutralizes_unsafe_links(
        client: TestClient, sqlite_store: Store) -> None:
    incident = make_incident(incident_id="inc-board-1")
    card = incident.card.model_dump(mode="json")
    card["title"] = "</script><script>alert('x')</script> checkout"
    card["datadog_summary"]["evidence_links"] = [
        {"label": "Monitor", "url": "https://app.datadoghq.com/monitors/42"},
        {"label": "Sneaky", "url": "javascript:alert(1)"}]
    sqlite_store.save_incident(revise(incident, card=card, latest_run_id="run-board-1"))
    sqlite_store.save_test_run(make_test_run(run_id="run-board-1", incident_id="inc-board-1", status="COMPLETED",
                                             tests=[{"test_id": "t-checkout", "name": "POST /checkout",
                                                     "status": "FAIL", "last_update_at": "2026-01-15T10:01:00Z",
                                                     "details": "expected 200, got 500"}]))
    sign_in(client, "viewer")
    html = page(client, "/incidents/board")

    assert "<script>alert" not in html, "a stored title must never become markup"
    state = _embedded_state(html)
    assert state["incident"]["incident_id"] == "inc-board-1"
    assert state["incident"]["title"].startswith("</script>")
    assert state["evidence_links"] == [{"label": "Monitor", "url": "https://app.datadoghq.com/monitors/42"},
                                       {"label": "Sneaky", "url": None}]
    assert state["run"]["tests"][0]["details"] == "expected 200, got 500"
    assert elements(html, "script", src="/console/static/board.js")
    fresh = client.get("/incidents/board/state")
    assert fresh.status_code == 200 and fresh.json()["run"]["run_id"] == "run-board-1"


def test_board_shows_the_latest_incident_once_none_is_open(client: TestClient, sqlite_store: Store) -> None:
    sqlite_store.save_incident(make_incident(incident_id="inc-old", detected_at="2026-01-14T10:00:00Z",
                                             open=False, state="RECOVERED"))
    sqlite_store.save_incident(make_incident(incident_id="inc-new", detected_at="2026-01-15T10:00:00Z",
                                             open=False, state="RECOVERED"))
    sign_in(client, "viewer")
    state = client.get("/incidents/board/state").json()
    assert state["incident"]["incident_id"] == "inc-new" and state["incident_open"] is False
    pinned = client.get("/incidents/board/state", params={"incident": "inc-old"}).json()
    assert pinned["incident"]["incident_id"] == "inc-old"
    html = page(client, "/incidents/inc-old")
    assert _embedded_state(html)["incident"]["incident_id"] == "inc-old"
    assert elements(html, "div", id="board", data_incident="inc-old")
    assert "No incident with id" in page(client, "/incidents/inc-missing", status=404)


def test_the_bug_switch_is_disabled_with_the_reason_for_a_viewer_and_enabled_for_a_reviewer(
        client: TestClient) -> None:
    sign_in(client, "viewer")
    html = page(client, "/incidents/board")
    buttons = elements(html, "button", id="bug-on")
    assert "disabled" in buttons[0] and "reviewer role" in (buttons[0]["title"] or "")
    assert elements(html, "div", id="board", data_can_switch="no")
    sign_in(client, "reviewer")
    html = page(client, "/incidents/board")
    assert "disabled" not in elements(html, "button", id="bug-on")[0]
    assert elements(html, "div", id="board", data_can_switch="yes")


def test_the_board_needs_a_session(client: TestClient) -> None:
    assert client.get("/incidents/board", follow_redirects=False).status_code == 401
    assert client.get("/incidents/board/state", follow_redirects=False).status_code == 401


def test_incident_list_pages_newest_first_and_links_war_rooms_that_exist(client: TestClient,
                                                                          sqlite_store: Store) -> None:
    for day in range(1, 31):
        sqlite_store.save_incident(make_incident(incident_id=f"inc-{day:02d}",
                                                 detected_at=f"2026-01-{day:02d}T10:00:00Z"))
    assert sqlite_store.create("war_rooms", WarRoomRecord(
        incident_id="inc-30", service="checkout", mode="channel", channel_name="inc-20260130-checkout-30",
        channel_id="C030", opened_at="2026-01-30T10:00:05Z"))
    assert sqlite_store.create("war_rooms", WarRoomRecord(
        incident_id="inc-29", service="checkout", mode="webhook", opened_at="2026-01-29T10:00:05Z"))
    sign_in(client, "viewer")
    html = page(client, "/incidents")
    ids = [row["data-incident-id"] for row in elements(html, "tr", data_incident_id=None)]
    assert ids == [f"inc-{day:02d}" for day in range(30, 5, -1)]
    assert elements(html, "a", href="https://slack.com/app_redirect?channel=C030")
    assert "#inc-20260130-checkout-30" in html and "posted to the Slack webhook" in html
    assert html.count("slack.com/app_redirect") == 1, "only the incident with a channel links one"
    older = elements(html, "a", rel="next")[0]["href"]
    ids = [row["data-incident-id"] for row in elements(page(client, older or ""), "tr", data_incident_id=None)]
    assert ids == [f"inc-{day:02d}" for day in range(5, 0, -1)]


def test_incident_list_without_war_rooms_and_with_a_bad_cursor_still_answers(client: TestClient,
                                                                             sqlite_store: Store) -> None:
    sqlite_store.save_incident(make_incident(incident_id="inc-only"))
    sign_in(client, "viewer")
    html = page(client, "/incidents?cursor=not-a-cursor")
    assert "out of date" in html and elements(html, "tr", data_incident_id="inc-only")


# ---- the ingestion and health page ------------------------------------------------------------------------------
def _dagster(runs: list[dict[str, Any]], executions: list[dict[str, Any]]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        query = json.loads(request.content)["query"]
        if "ConsoleRuns" in query:
            return httpx.Response(200, json={"data": {"runsOrError": {"__typename": "Runs", "results": runs}}})
        if "ConsolePiiCheck" in query:
            return httpx.Response(200, json={"data": {"assetCheckExecutions": executions}})
        return httpx.Response(200, json={"data": {"version": "1.13.0"}})

    return httpx.MockTransport(answer)


def test_ingestion_page_links_runs_into_dagster_and_shows_quarantine_and_pii_findings(
        sqlite_store: Store, tmp_path: Path) -> None:
    sqlite_store.save_quarantined([make_quarantine(reason="span has no span_id"),
                                   make_quarantine(reason="span has no span_id"),
                                   make_quarantine(reason="<b>start_time</b> is not a time")])
    runs = [{"runId": "abcdef12-run", "jobName": "capture_job", "status": "SUCCESS", "startTime": 1768471200.0,
             "endTime": 1768471260.0, "tags": [{"key": "dagster/partition", "value": "2026-01-15-10:00"}]},
            {"runId": "ffff0000-exp", "jobName": "export_job", "status": "FAILURE", "startTime": None,
             "endTime": None, "tags": []},
            {"runId": "backfill-run", "jobName": "capture_job", "status": "SUCCESS", "startTime": 1768460000.0,
             "endTime": None, "tags": [{"key": "dagster/asset_partition_range_start", "value": "2026-01-15-08:00"},
                                       {"key": "dagster/asset_partition_range_end", "value": "2026-01-15-09:00"}]}]
    executions = [{"runId": "abcdef12-run", "partition": "2026-01-15-10:00", "timestamp": 1768471250.0,
                   "evaluation": {"success": False, "description": "found some", "partition": "2026-01-15-10:00",
                                  "metadataEntries": [
                                      {"label": "scanned", "intRepr": "40"},
                                      {"label": "captures_flagged", "intRepr": "2"},
                                      {"label": "by_type", "jsonString": '{"EMAIL": 3}'},
                                      {"label": "flagged", "jsonString": '{"cap-1": ["EMAIL"], "cap-2": ["EMAIL"]}'}]}},
                  {"runId": "backfill-run", "partition": None, "timestamp": 1768460100.0,
                   "evaluation": {"success": True, "description": None, "partition": None,
                                  "metadataEntries": [{"label": "scanned", "intRepr": "12"},
                                                      {"label": "captures_flagged", "intRepr": "0"}]}},
                  {"runId": "still-running", "partition": None, "timestamp": 1.0, "evaluation": None}]
    with _client(sqlite_store, tmp_path, _dagster(runs, executions)) as client:
        sign_in(client, "viewer")
        html = page(client, "/ingestion")
        dagster = client.app.state.settings.dagster_url
    captured = elements(html, "a", href=f"{dagster}/runs/abcdef12-run")
    assert len(captured) == 3, "the captured hour, its PII check and the recent-runs list link the run"
    assert elements(html, "a", href=f"{dagster}/runs/ffff0000-exp")
    assert "2026-01-15-10:00" in html and "EMAIL: 3" in html and "personal data found" in html
    hours = re.findall(r"<tr><td>([^<]+)</td>", html)
    assert hours[:2] == ["2026-01-15-10:00", "2026-01-15-08:00 to 2026-01-15-09:00"], hours
    assert hours.count("2026-01-15-08:00 to 2026-01-15-09:00") == 2, "the backfill's check names its hours"
    assert "&lt;b&gt;start_time&lt;/b&gt;" in html and "<b>start_time" not in html
    assert re.search(r"<span class=\"num\">2</span> × span has no span_id", html)
    assert "3 span(s) quarantined" in html
    assert "Health checks" in html and "Store" in html


def test_ingestion_page_says_why_runs_are_missing_when_dagster_is_down(client: TestClient,
                                                                      sqlite_store: Store) -> None:
    sqlite_store.save_quarantined([make_quarantine()])
    sign_in(client, "viewer")
    html = page(client, "/ingestion")
    assert "could not be read" in html and "Dagster is not reachable" in html
    assert "1 span(s) quarantined" in html


# ---- the board's WebSocket --------------------------------------------------------------------------------------
def test_the_board_socket_is_let_in_by_the_session_cookie_from_the_console_origin_only(
        client: TestClient, sqlite_store: Store) -> None:
    sqlite_store.save_status(make_status(status="HEALTHY"))
    sign_in(client, "viewer")
    with client.websocket_connect("/ws", subprotocols=["evalforge"],
                                  headers={"origin": "http://testserver"}) as socket:
        assert json.loads(socket.receive_text())["type"] == "system.status"
    with pytest.raises(WebSocketDisconnect), client.websocket_connect(
            "/ws", subprotocols=["evalforge"], headers={"origin": "https://evil.example"}) as socket:
        socket.receive_text()
    client.cookies.clear()
    with pytest.raises(WebSocketDisconnect), client.websocket_connect(
            "/ws", subprotocols=["evalforge"], headers={"origin": "http://testserver"}) as socket:
        socket.receive_text()


def test_incident_list_filters_by_state_and_service_and_keeps_them_across_pages(
        client: TestClient, sqlite_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(incidents, "INCIDENTS_PER_PAGE", 10)
    for day in range(1, 29):
        sqlite_store.save_incident(make_incident(
            incident_id=f"inc-{day:02d}", detected_at=f"2026-01-{day:02d}T10:00:00Z",
            service="checkout" if day % 2 else "search", state="RECOVERED" if day % 4 == 1 else "INCIDENT_ACTIVE"))
    sign_in(client, "viewer")
    html = page(client, "/incidents?state=RECOVERED&service=checkout")
    ids = [row["data-incident-id"] for row in elements(html, "tr", data_incident_id=None)]
    assert ids == [f"inc-{day:02d}" for day in (25, 21, 17, 13, 9, 5, 1)]
    html = page(client, "/incidents?service=search")
    ids = [row["data-incident-id"] for row in elements(html, "tr", data_incident_id=None)]
    assert ids == [f"inc-{day:02d}" for day in range(28, 8, -2)]
    html = page(client, "/incidents?state=INCIDENT_ACTIVE")
    older = elements(html, "a", rel="next")[0]["href"] or ""
    assert "state=INCIDENT_ACTIVE" in older
    later = [row["data-incident-id"] for row in elements(page(client, older), "tr", data_incident_id=None)]
    assert later == [f"inc-{day:02d}" for day in (15, 14, 12, 11, 10, 8, 7, 6, 4, 3)], "the next page keeps the filter"
    assert "No incident matches" in page(client, "/incidents?service=nothing-here")
    assert client.get("/incidents?state=BROKEN").status_code in (400, 422)
