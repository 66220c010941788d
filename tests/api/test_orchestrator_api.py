"""The orchestrator API: simulate, the Datadog webhook (auth, dedupe, Warn / No Data, recovery), validation runs,
the copilot and the demo bug switch (against the real demo app served by uvicorn)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from demo_app.main import BugSwitch
from demo_app.main import create_app as create_demo_app
from evalforge_api.deps import get_copilot
from evalforge_assets.models import CopilotAnswer, Link, RequestKind, TestRunStatus, TestStatus, now_iso
from evalforge_assets.recovery.alerts import webhook_request_id
from evalforge_assets.recovery.plan import deterministic_plan
from evalforge_assets.recovery.service import IncidentService, SignalReading
from evalforge_assets.recovery.webhooks import WEBHOOK_SECRET_HEADER, parse_monitor_webhook
from evalforge_assets.store import Store
from tests.api.conftest import ClientFactory, auth, closed_port_url
from tests.api.uvicorn_server import serving

SECRET = "webhook-secret-4Kd"
DEMO_URL = "http://127.0.0.1:8001"


def webhook(transition: str, cycle_key: str = "cycle-1", **fields: Any) -> dict[str, Any]:
    """A monitor notification in the recommended payload template, as Datadog fills it."""
    return {"alert_id": "1234567", "alert_cycle_key": cycle_key, "alert_transition": transition,
            "title": f"[{transition} on {{service:demo-app}}] demo-app error rate above 5%",
            "body": "Error rate is 27% over the last 5 minutes.", "date": "1767225600000",
            "tags": "service:demo-app,env:local", "link": "https://app.datadoghq.com/monitors/1234567", **fields}


def post_webhook(api: TestClient, payload: Any, secret: str | None = SECRET) -> httpx.Response:
    headers = {WEBHOOK_SECRET_HEADER: secret} if secret is not None else {}
    return api.post("/internal/datadog/webhook", json=payload, headers=headers)


def event_types(store: Store, after: int = 0) -> list[str]:
    return [event.type for event in store.events_after(after)]


def attach_plan(api: TestClient, store: Store, incident_id: str) -> None:
    """What the planner asset does once an incident opens."""
    service = IncidentService.from_settings(store, api.app.state.settings)
    service.attach_plan(incident_id, deterministic_plan(DEMO_URL, None, None, now_iso()))


@pytest.fixture
def api(client_factory: ClientFactory) -> TestClient:
    return client_factory(EVALFORGE_WEBHOOK_SECRET=SECRET)


# ---- simulate -----------------------------------------------------------------------------------------------
def test_simulate_on_opens_one_incident_and_off_closes_it(api: TestClient, store: Store) -> None:
    opened = api.post("/api/incidents/simulate", json={"mode": "INCIDENT_ON"}, headers=auth("reviewer"))
    assert opened.status_code == 200, opened.text
    card = opened.json()
    assert api.get("/api/incidents/current", headers=auth("viewer")).json() == card
    status = api.get("/api/status", headers=auth("viewer")).json()
    assert (status["status"], status["active_incident_id"]) == ("INCIDENT_ACTIVE", card["incident_id"])

    again = api.post("/api/incidents/simulate", json={"mode": "INCIDENT_ON"}, headers=auth("reviewer"))
    assert again.json()["incident_id"] == card["incident_id"]
    assert event_types(store).count("incident.created") == 1

    closed = api.post("/api/incidents/simulate", json={"mode": "INCIDENT_OFF"}, headers=auth("reviewer"))
    assert closed.status_code == 200 and closed.json() is None
    assert api.get("/api/incidents/current", headers=auth("viewer")).json() is None
    status = api.get("/api/status", headers=auth("viewer")).json()
    assert (status["status"], status["active_incident_id"]) == ("HEALTHY", None)
    assert store.get_incident(card["incident_id"]).open is False


def test_simulate_rejects_an_unknown_mode_naming_the_field(api: TestClient, store: Store) -> None:
    response = api.post("/api/incidents/simulate", json={"mode": "ON"}, headers=auth("reviewer"))
    assert response.status_code == 422
    assert [item["field"] for item in response.json()["detail"]] == ["body.mode"]
    assert store.last_event_seq() == 0


def test_orchestrator_endpoints_use_api_keys_and_roles(api: TestClient, store: Store) -> None:
    assert api.get("/api/status").status_code == 401
    refused = api.post("/api/incidents/simulate", json={"mode": "INCIDENT_ON"}, headers=auth("viewer"))
    assert refused.status_code == 403
    assert store.open_incident("demo-app") is None


# ---- the Datadog webhook --------------------------------------------------------------------------------------
@pytest.mark.parametrize("secret", [None, "not-the-secret"], ids=["missing", "wrong"])
def test_webhook_without_the_right_secret_is_401_and_opens_nothing(api: TestClient, store: Store,
                                                                   secret: str | None) -> None:
    response = post_webhook(api, webhook("Triggered"), secret=secret)
    assert response.status_code == 401
    assert WEBHOOK_SECRET_HEADER in response.json()["detail"]
    assert store.open_incident("demo-app") is None
    assert store.last_event_seq() == 0
    assert store.get_request(webhook_request_id(parse_monitor_webhook(webhook("Triggered")))) is None


def test_webhook_answers_503_until_a_secret_is_configured(client_factory: ClientFactory, store: Store) -> None:
    api = client_factory()
    response = post_webhook(api, webhook("Triggered"), secret="anything")
    assert response.status_code == 503
    assert "EVALFORGE_WEBHOOK_SECRET" in response.json()["detail"]
    assert store.open_incident("demo-app") is None


def test_the_secret_is_checked_before_the_payload(api: TestClient) -> None:
    response = api.post("/internal/datadog/webhook", content=b"{not json", headers={WEBHOOK_SECRET_HEADER: "wrong"})
    assert response.status_code == 401


@pytest.mark.parametrize(("body", "field"), [
    (b"{not json", "body"),
    (b'["a", "list"]', "body"),
    (b'{"alert_cycle_key": "c", "alert_transition": "Triggered", "title": "t"}', "body.alert_id"),
    (b'{"alert_id": "1", "alert_transition": "Exploded"}', "body.alert_transition"),
], ids=["not-json", "not-an-object", "no-monitor-id", "unknown-transition"])
def test_malformed_webhook_is_422_naming_the_field_and_changes_nothing(api: TestClient, store: Store, body: bytes,
                                                                       field: str) -> None:
    response = api.post("/internal/datadog/webhook", content=body,
                        headers={WEBHOOK_SECRET_HEADER: SECRET, "Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert [item["field"] for item in response.json()["detail"]] == [field]
    assert store.open_incident("demo-app") is None
    assert store.last_event_seq() == 0


def test_triggered_and_retriggered_with_one_cycle_key_open_one_incident(api: TestClient, store: Store) -> None:
    first = post_webhook(api, webhook("Triggered"))
    assert first.status_code == 202, first.text
    assert first.json()["action"] == "open"
    incident_id = first.json()["incident_id"]
    again = post_webhook(api, webhook("Re-Triggered"))
    assert again.json() == {"action": "open", "incident_id": incident_id}

    assert len(store.list_incidents().items) == 1
    incident = store.get_incident(incident_id)
    assert incident.alert_keys == ["cycle-1"]
    assert incident.source == "datadog_monitor"
    summary = incident.card.datadog_summary
    assert summary.monitor_id == "1234567"
    assert [link.url for link in summary.evidence_links] == ["https://app.datadoghq.com/monitors/1234567"]
    assert incident.card.title == "demo-app error rate above 5%"
    assert event_types(store).count("incident.created") == 1


def test_a_new_alert_cycle_joins_the_open_incident(api: TestClient, store: Store) -> None:
    first = post_webhook(api, webhook("Triggered", cycle_key="cycle-1")).json()
    second = post_webhook(api, webhook("Triggered", cycle_key="cycle-2")).json()
    assert second["incident_id"] == first["incident_id"]
    assert store.get_incident(first["incident_id"]).alert_keys == ["cycle-1", "cycle-2"]


@pytest.mark.parametrize("transition", ["Warn", "No Data"])
def test_warn_and_no_data_are_recorded_and_open_nothing(api: TestClient, store: Store, transition: str) -> None:
    payload = webhook(transition)
    response = post_webhook(api, payload)
    assert response.status_code == 202
    assert response.json() == {"action": "record", "incident_id": None}
    assert store.open_incident("demo-app") is None
    assert "incident.created" not in event_types(store)
    recorded = store.get_request(webhook_request_id(parse_monitor_webhook(payload)))
    assert recorded is not None
    assert (recorded.kind, recorded.status) == (RequestKind.webhook, "recorded")
    assert recorded.payload["transition"] == transition
    assert store.pending_requests("webhook") == []  # handled here: no sensor should pick it up again


def test_an_alert_for_another_service_opens_its_incident_not_the_watched_one(api: TestClient,
                                                                            store: Store) -> None:
    payload = webhook("Triggered", tags="service:billing,env:prod")
    response = post_webhook(api, payload)
    assert response.json() == {"action": "open", "incident_id": store.open_incident("billing").incident_id}
    assert store.open_incident("demo-app") is None
    assert api.get("/api/incidents/current", headers=auth("viewer")).json() is None
    assert api.get("/api/status", headers=auth("viewer")).json()["status"] == "HEALTHY"


def test_recovered_notes_the_timeline_and_requests_validation_without_recovering(api: TestClient,
                                                                                 store: Store) -> None:
    incident_id = post_webhook(api, webhook("Triggered")).json()["incident_id"]
    attach_plan(api, store, incident_id)

    response = post_webhook(api, webhook("Recovered"))
    assert response.status_code == 202
    assert response.json() == {"action": "recover", "incident_id": incident_id}

    incident = store.get_incident(incident_id)
    assert incident.state.value == "INCIDENT_ACTIVE"  # recovery still needs passing checks and a low signal
    assert incident.timeline[-1].evidence["event"] == "monitor recovered"
    assert incident.timeline[-1].to_state == incident.timeline[-1].from_state
    run = store.get_test_run(incident.latest_run_id)
    assert run.status.value == "QUEUED" and len(run.tests) == 5
    queued = store.pending_requests("test_run")
    assert [request.payload["run_id"] for request in queued] == [run.run_id]


def test_recovered_without_a_plan_requests_no_run(api: TestClient, store: Store) -> None:
    incident_id = post_webhook(api, webhook("Triggered")).json()["incident_id"]
    assert post_webhook(api, webhook("Recovered")).json() == {"action": "recover", "incident_id": incident_id}
    assert store.get_incident(incident_id).latest_run_id is None
    assert store.pending_requests("test_run") == []


def test_recovered_with_no_open_incident_is_only_recorded(api: TestClient, store: Store) -> None:
    assert post_webhook(api, webhook("Recovered")).json() == {"action": "recover", "incident_id": None}
    assert store.open_incident("demo-app") is None
    assert store.last_event_seq() == 0


# ---- validation runs ------------------------------------------------------------------------------------------
def test_tests_run_on_an_unknown_incident_is_404(api: TestClient, store: Store) -> None:
    response = api.post("/api/tests/run", json={"incident_id": "inc_nope"}, headers=auth("reviewer"))
    assert response.status_code == 404
    assert "inc_nope" in response.json()["detail"]
    assert store.pending_requests("test_run") == []


def test_tests_run_needs_a_plan_then_queues_a_run(api: TestClient, store: Store) -> None:
    card = api.post("/api/incidents/simulate", json={"mode": "INCIDENT_ON"}, headers=auth("reviewer")).json()
    early = api.post("/api/tests/run", json={"incident_id": card["incident_id"]}, headers=auth("reviewer"))
    assert early.status_code == 409
    assert "no validation plan" in early.json()["detail"]

    attach_plan(api, store, card["incident_id"])
    queued = api.post("/api/tests/run", json={"incident_id": card["incident_id"]}, headers=auth("reviewer"))
    assert queued.status_code == 202, queued.text
    run = queued.json()
    assert run["status"] == "QUEUED"
    assert {test["status"] for test in run["tests"]} == {"PENDING"}
    assert api.get(f"/api/tests/runs/{run['run_id']}", headers=auth("viewer")).json() == run
    assert event_types(store)[-1] == "tests.updated"


def test_a_run_request_while_one_is_queued_answers_it_and_a_recovered_incident_is_409(api: TestClient,
                                                                                        store: Store) -> None:
    card = api.post("/api/incidents/simulate", json={"mode": "INCIDENT_ON"}, headers=auth("reviewer")).json()
    attach_plan(api, store, card["incident_id"])
    first = api.post("/api/tests/run", json={"incident_id": card["incident_id"]}, headers=auth("reviewer")).json()
    second = api.post("/api/tests/run", json={"incident_id": card["incident_id"]}, headers=auth("reviewer"))
    assert second.status_code == 202 and second.json() == first
    assert len(store.pending_requests("test_run")) == 1

    service = IncidentService.from_settings(store, api.app.state.settings)
    run = service.start_validation(store.get_test_run(first["run_id"]), actor="validator")
    passed = run.model_copy(update={"status": TestRunStatus.COMPLETED, "tests": [
        test.model_copy(update={"status": TestStatus.PASS}) for test in run.tests]})
    service.finish_validation(passed, SignalReading(error_rate_5m=0.0, p95_latency_ms_5m=90.0), actor="validator")
    refused = api.post("/api/tests/run", json={"incident_id": card["incident_id"]}, headers=auth("reviewer"))
    assert refused.status_code == 409
    assert f"Incident {card['incident_id']} is RECOVERED" in refused.json()["detail"]


def test_an_unknown_test_run_is_404(api: TestClient) -> None:
    response = api.get("/api/tests/runs/run_nope", headers=auth("viewer"))
    assert response.status_code == 404
    assert "run_nope" in response.json()["detail"]


# ---- copilot ----------------------------------------------------------------------------------------------------
def fake_copilot(store: Store, _settings: Any, incident_id: str | None, question: str) -> CopilotAnswer:
    incident = store.get_incident(incident_id) if incident_id else None
    title = incident.card.title if incident else "no incident"
    return CopilotAnswer(incident_id=incident_id, question=question, answer=f"About {title}: check /checkout.",
                         citations=[Link(label="Incident", url=f"/api/incidents/current#{incident_id}")],
                         created_at=now_iso())


def test_copilot_answers_and_emits_the_answer(api: TestClient, store: Store) -> None:
    api.app.dependency_overrides[get_copilot] = lambda: fake_copilot
    card = api.post("/api/incidents/simulate", json={"mode": "INCIDENT_ON"}, headers=auth("reviewer")).json()
    response = api.post("/api/copilot/ask", json={"incident_id": card["incident_id"], "question": "Why?"},
                        headers=auth("viewer"))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["answer"] == f"About {card['title']}: check /checkout."
    last = store.events_after(0)[-1]
    assert (last.type, last.payload) == ("copilot.answer", answer)


def test_the_real_copilot_answers_by_default(client_factory: ClientFactory, store: Store) -> None:
    api = client_factory(MINIMAX_API_KEY=None)  # no model configured: the deterministic answerer
    card = api.post("/api/incidents/simulate", json={"mode": "INCIDENT_ON"}, headers=auth("reviewer")).json()
    response = api.post("/api/copilot/ask", json={"incident_id": None, "question": "What is failing?"},
                        headers=auth("viewer"))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["incident_id"] == card["incident_id"]  # a question without an id is about the open incident
    assert answer["answer"]
    assert store.events_after(0)[-1].type == "copilot.answer"


def test_copilot_on_an_unknown_incident_is_404_and_asks_nothing(api: TestClient, store: Store) -> None:
    asked: list[str] = []
    api.app.dependency_overrides[get_copilot] = lambda: lambda *args: asked.append(args[-1])
    response = api.post("/api/copilot/ask", json={"incident_id": "inc_nope", "question": "Why?"},
                        headers=auth("viewer"))
    assert response.status_code == 404
    assert asked == []
    assert "copilot.answer" not in event_types(store)


def test_copilot_rejects_an_empty_question_naming_the_field(api: TestClient) -> None:
    response = api.post("/api/copilot/ask", json={"incident_id": None, "question": ""}, headers=auth("viewer"))
    assert response.status_code == 422
    assert [item["field"] for item in response.json()["detail"]] == ["body.question"]


# ---- the demo bug switch ----------------------------------------------------------------------------------------
@pytest.fixture
def demo_app() -> Iterator[tuple[str, BugSwitch]]:
    """The real demo app on a free port, with a bug switch of its own."""
    switch = BugSwitch()
    with serving(create_demo_app(bug_switch=switch)) as url:
        yield url, switch


def test_bug_switch_flips_the_demo_app_and_emits_the_status(client_factory: ClientFactory, store: Store,
                                                            demo_app: tuple[str, BugSwitch]) -> None:
    url, switch = demo_app
    api = client_factory(DEMO_APP_URL=url)
    response = api.post("/api/demo/bug", json={"enabled": True}, headers=auth("reviewer"))
    assert response.status_code == 200, response.text
    assert switch.enabled is True
    assert response.json()["status"] == "HEALTHY"
    assert event_types(store) == ["system.status"]
    assert store.pending_requests("test_run") == []  # switching the bug on validates nothing


def test_switching_the_bug_off_reruns_validation_of_the_active_incident(client_factory: ClientFactory, store: Store,
                                                                        demo_app: tuple[str, BugSwitch]) -> None:
    url, switch = demo_app
    api = client_factory(DEMO_APP_URL=url)
    api.post("/api/demo/bug", json={"enabled": True}, headers=auth("reviewer"))
    card = api.post("/api/incidents/simulate", json={"mode": "INCIDENT_ON"}, headers=auth("reviewer")).json()
    attach_plan(api, store, card["incident_id"])
    before = store.last_event_seq()

    response = api.post("/api/demo/bug", json={"enabled": False}, headers=auth("reviewer"))
    assert response.status_code == 200, response.text
    assert switch.enabled is False
    assert response.json()["status"] == "INCIDENT_ACTIVE"
    assert event_types(store, before) == ["system.status", "tests.updated"]
    [queued] = store.pending_requests("test_run")
    assert queued.payload["actor"] == "bug-switch"
    assert store.get_incident(card["incident_id"]).latest_run_id == queued.payload["run_id"]

    # A second switch-off while that run still waits to start queues nothing more.
    api.post("/api/demo/bug", json={"enabled": False}, headers=auth("reviewer"))
    assert len(store.pending_requests("test_run")) == 1


def test_bug_switch_with_the_demo_app_down_is_502_and_changes_nothing(client_factory: ClientFactory,
                                                                      store: Store) -> None:
    api = client_factory(DEMO_APP_URL=closed_port_url())
    response = api.post("/api/demo/bug", json={"enabled": True}, headers=auth("reviewer"))
    assert response.status_code == 502
    assert "DEMO_APP_URL" in response.json()["detail"]
    assert store.last_event_seq() == 0
