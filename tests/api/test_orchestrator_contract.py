"""The incident contract, key for key and enum for enum, as the front end reads it (DESIGN.md).

Expected keys and enum values are written out here, not derived from the models, so that changing a model
(a renamed, added or dropped field) fails this test until the contract and the front end agree.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from evalforge_api.deps import get_copilot, get_demo_bug_switch
from evalforge_assets.models import CopilotAnswer, Link, now_iso
from evalforge_assets.recovery.demo_switch import DemoAppSwitch
from evalforge_assets.recovery.plan import deterministic_plan
from evalforge_assets.recovery.service import IncidentService
from evalforge_assets.recovery.webhooks import WEBHOOK_SECRET_HEADER
from evalforge_assets.store import Store
from tests.api.conftest import ClientFactory, auth

SYSTEM_STATUS_KEYS = {"status", "error_rate_5m", "p95_latency_ms_5m", "active_incident_id", "updated_at"}
INCIDENT_CARD_KEYS = {"incident_id", "title", "detected_at", "datadog_summary", "plan"}
DATADOG_SUMMARY_KEYS = {"monitor_id", "service", "signal", "evidence_links"}
SIGNAL_KEYS = {"error_rate_5m", "p95_latency_ms_5m", "top_error"}
LINK_KEYS = {"label", "url"}
PLAN_KEYS = {"plan_id", "generated_at", "items"}
PLAN_ITEM_KEYS = {"test_id", "name", "type", "priority", "what_it_checks", "target", "pass_criteria"}
TARGET_KEYS = {"method", "url", "headers", "body_json"}
TEST_RUN_KEYS = {"run_id", "incident_id", "started_at", "status", "tests"}
TEST_KEYS = {"test_id", "name", "status", "last_update_at", "details"}
COPILOT_ANSWER_KEYS = {"incident_id", "question", "answer", "citations", "created_at"}
ENVELOPE_KEYS = {"type", "payload", "ts"}
PLAN_GENERATED_KEYS = {"incident_id", "plan"}

SYSTEM_STATES = ["HEALTHY", "INCIDENT_ACTIVE", "VALIDATING", "RECOVERED"]
TEST_RUN_STATUSES = ["QUEUED", "RUNNING", "COMPLETED", "FAILED"]
TEST_STATUSES = ["PENDING", "RUNNING", "PASS", "FAIL"]
PLAN_ITEM_TYPES = ["API", "UI", "SYNTHETIC"]
HTTP_METHODS = ["GET", "POST", "PUT", "DELETE"]
SIMULATE_MODES = ["INCIDENT_ON", "INCIDENT_OFF"]
EVENT_TYPES = {"system.status", "incident.created", "plan.generated", "tests.updated", "copilot.answer"}

SECRET = "contract-secret"
DEMO_URL = "http://127.0.0.1:8001"


def is_time(value: Any) -> bool:
    return isinstance(value, str) and datetime.fromisoformat(value).tzinfo is not None


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def assert_link(link: dict[str, Any]) -> None:
    assert set(link) == LINK_KEYS
    assert all(isinstance(link[key], str) for key in LINK_KEYS)


def assert_system_status(body: dict[str, Any]) -> None:
    assert set(body) == SYSTEM_STATUS_KEYS
    assert body["status"] in SYSTEM_STATES
    assert is_number(body["error_rate_5m"]) and is_number(body["p95_latency_ms_5m"])
    assert body["active_incident_id"] is None or isinstance(body["active_incident_id"], str)
    assert is_time(body["updated_at"])


def assert_plan_item(item: dict[str, Any]) -> None:
    assert set(item) == PLAN_ITEM_KEYS
    assert item["type"] in PLAN_ITEM_TYPES
    assert isinstance(item["priority"], int) and 1 <= item["priority"] <= 5
    assert set(item["target"]) == TARGET_KEYS
    assert item["target"]["method"] in HTTP_METHODS
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in item["target"]["headers"].items())
    assert isinstance(item["target"]["body_json"], dict)


def assert_plan(plan: dict[str, Any]) -> None:
    assert set(plan) == PLAN_KEYS
    assert is_time(plan["generated_at"])
    for item in plan["items"]:
        assert_plan_item(item)


def assert_incident_card(card: dict[str, Any]) -> None:
    assert set(card) == INCIDENT_CARD_KEYS
    assert is_time(card["detected_at"])
    summary = card["datadog_summary"]
    assert set(summary) == DATADOG_SUMMARY_KEYS
    assert summary["monitor_id"] is None or isinstance(summary["monitor_id"], str)
    assert set(summary["signal"]) == SIGNAL_KEYS
    assert summary["signal"]["top_error"] is None or isinstance(summary["signal"]["top_error"], str)
    for link in summary["evidence_links"]:
        assert_link(link)
    assert_plan(card["plan"])


def assert_test_run(run: dict[str, Any]) -> None:
    assert set(run) == TEST_RUN_KEYS
    assert run["status"] in TEST_RUN_STATUSES
    assert is_time(run["started_at"])
    for test in run["tests"]:
        assert set(test) == TEST_KEYS
        assert test["status"] in TEST_STATUSES
        assert is_time(test["last_update_at"])
        assert test["details"] is None or isinstance(test["details"], str)


def assert_copilot_answer(answer: dict[str, Any]) -> None:
    assert set(answer) == COPILOT_ANSWER_KEYS
    assert is_time(answer["created_at"])
    for citation in answer["citations"]:
        assert_link(citation)


def fake_copilot(_store: Store, _settings: Any, incident_id: str | None, question: str) -> CopilotAnswer:
    return CopilotAnswer(incident_id=incident_id, question=question, answer="Checkout fails on a KeyError.",
                         citations=[Link(label="Datadog monitor", url="https://app.datadoghq.com/monitors/1")],
                         created_at=now_iso())


@pytest.fixture
def api(client_factory: ClientFactory) -> TestClient:
    client = client_factory(EVALFORGE_WEBHOOK_SECRET=SECRET)
    client.app.dependency_overrides[get_copilot] = lambda: fake_copilot
    return client


def open_incident_with_plan(api: TestClient, store: Store) -> str:
    """An incident from a monitor webhook (so it has a monitor id and evidence links), then its plan."""
    response = api.post("/internal/datadog/webhook", headers={WEBHOOK_SECRET_HEADER: SECRET}, json={
        "alert_id": "42", "alert_cycle_key": "c-1", "alert_transition": "Triggered", "title": "High errors",
        "tags": "service:demo-app", "link": "https://app.datadoghq.com/monitors/42"})
    incident_id = response.json()["incident_id"]
    IncidentService.from_settings(store, api.app.state.settings).attach_plan(
        incident_id, deterministic_plan(DEMO_URL, None, None, now_iso()))
    return incident_id


# ---- HTTP bodies ------------------------------------------------------------------------------------------------
def test_every_http_body_has_exactly_the_contract_keys(api: TestClient, store: Store) -> None:
    assert_system_status(api.get("/api/status", headers=auth("viewer")).json())
    assert api.get("/api/incidents/current", headers=auth("viewer")).json() is None

    simulated = api.post("/api/incidents/simulate", json={"mode": "INCIDENT_ON"}, headers=auth("reviewer")).json()
    assert_incident_card(simulated)
    assert simulated["plan"]["items"] == []  # a new incident has no plan yet; the planner adds it
    assert api.post("/api/incidents/simulate", json={"mode": "INCIDENT_OFF"}, headers=auth("reviewer")).json() is None

    incident_id = open_incident_with_plan(api, store)
    card = api.get("/api/incidents/current", headers=auth("viewer")).json()
    assert_incident_card(card)
    assert len(card["plan"]["items"]) == 5
    assert card["datadog_summary"]["monitor_id"] == "42"
    assert card["datadog_summary"]["evidence_links"] == [
        {"label": "Datadog monitor alert", "url": "https://app.datadoghq.com/monitors/42"}]

    run = api.post("/api/tests/run", json={"incident_id": incident_id}, headers=auth("reviewer")).json()
    assert_test_run(run)
    assert len(run["tests"]) == 5
    assert_test_run(api.get(f"/api/tests/runs/{run['run_id']}", headers=auth("viewer")).json())

    answer = api.post("/api/copilot/ask", json={"incident_id": incident_id, "question": "Why?"},
                      headers=auth("viewer")).json()
    assert_copilot_answer(answer)
    assert len(answer["citations"]) == 1


def demo_app_bug_switch(request: httpx.Request) -> httpx.Response:
    """The demo app's POST /admin/bug, as it answers on the wire."""
    assert (request.method, request.url.path) == ("POST", "/admin/bug")
    return httpx.Response(200, json={"bug_enabled": json.loads(request.content)["enabled"]})


def test_the_bug_switch_answers_a_system_status(api: TestClient) -> None:
    api.app.dependency_overrides[get_demo_bug_switch] = lambda: DemoAppSwitch(
        DEMO_URL, transport=httpx.MockTransport(demo_app_bug_switch))
    for enabled in (True, False):
        response = api.post("/api/demo/bug", json={"enabled": enabled}, headers=auth("reviewer"))
        assert response.status_code == 200, response.text
        assert_system_status(response.json())


def test_openapi_documents_the_contract_keys_and_enums(api: TestClient) -> None:
    schemas = api.get("/openapi.json").json()["components"]["schemas"]

    def keys(name: str) -> set[str]:
        found = schemas.get(name) or schemas[f"{name}-Output"]
        return set(found["properties"])

    assert keys("SystemStatus") == SYSTEM_STATUS_KEYS
    assert keys("IncidentCard") == INCIDENT_CARD_KEYS
    assert keys("DatadogSummary") == DATADOG_SUMMARY_KEYS
    assert keys("Signal") == SIGNAL_KEYS
    assert keys("Link") == LINK_KEYS
    assert keys("Plan") == PLAN_KEYS
    assert keys("PlanItem") == PLAN_ITEM_KEYS
    assert keys("CheckTarget") == TARGET_KEYS
    assert keys("TestRun") == TEST_RUN_KEYS
    assert keys("TestResult") == TEST_KEYS
    assert keys("CopilotAnswer") == COPILOT_ANSWER_KEYS
    assert schemas["SystemState"]["enum"] == SYSTEM_STATES
    assert schemas["TestRunStatus"]["enum"] == TEST_RUN_STATUSES
    assert schemas["TestStatus"]["enum"] == TEST_STATUSES
    assert schemas["PlanItemType"]["enum"] == PLAN_ITEM_TYPES
    assert schemas["HttpMethod"]["enum"] == HTTP_METHODS
    assert schemas["SimulateMode"]["enum"] == SIMULATE_MODES


# ---- WebSocket messages -----------------------------------------------------------------------------------------
def receive(socket: WebSocketTestSession) -> dict[str, Any]:
    envelope = json.loads(socket.receive_text())
    assert set(envelope) == ENVELOPE_KEYS
    assert envelope["type"] in EVENT_TYPES
    assert is_time(envelope["ts"])
    return envelope


def receive_until(socket: WebSocketTestSession, event_type: str) -> dict[str, Any]:
    """The next `event_type` envelope; every envelope passed on the way must be a contract type too."""
    while True:
        envelope = receive(socket)
        if envelope["type"] == event_type:
            return envelope


def test_every_websocket_message_has_exactly_the_contract_keys(api: TestClient, store: Store) -> None:
    with api.websocket_connect("/ws", headers=auth("viewer")) as socket:
        first = receive(socket)
        assert first["type"] == "system.status"
        assert_system_status(first["payload"])

        incident_id = open_incident_with_plan(api, store)
        created = receive_until(socket, "incident.created")
        assert_incident_card(created["payload"])
        status = receive_until(socket, "system.status")
        assert_system_status(status["payload"])
        assert status["payload"]["active_incident_id"] == incident_id
        planned = receive_until(socket, "plan.generated")
        assert set(planned["payload"]) == PLAN_GENERATED_KEYS
        assert planned["payload"]["incident_id"] == incident_id
        assert_plan(planned["payload"]["plan"])

        api.post("/api/tests/run", json={"incident_id": incident_id}, headers=auth("reviewer"))
        updated = receive_until(socket, "tests.updated")
        assert_test_run(updated["payload"])

        api.post("/api/copilot/ask", json={"incident_id": incident_id, "question": "Why?"}, headers=auth("viewer"))
        answered = receive_until(socket, "copilot.answer")
        assert_copilot_answer(answered["payload"])
