"""Incidents for every monitored service, through the API: 12 Datadog monitor webhooks for 3 services, in the
recommended payload template as Datadog fills it (every value a string), each with its expected outcome and 202
body; then GET /api/incidents with its filters and paging. The watched service is demo-app (DD_SERVICE)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from evalforge_assets.models import IncidentRecord, RequestKind, now_iso
from evalforge_assets.recovery.plan import deterministic_plan
from evalforge_assets.recovery.service import IncidentService
from evalforge_assets.recovery.webhooks import RECOMMENDED_PAYLOAD, WEBHOOK_SECRET_HEADER
from evalforge_assets.store import Store
from tests.api.conftest import ClientFactory, auth

SECRET = "webhook-secret-all-services"
MONITORS = {"billing": "5550001", "search": "5550002", "demo-app": "5550003"}
START_MS = 1772355600000  # 2026-03-01T09:00:00Z


def notification(service: str, transition: str, cycle: str, minute: int, event_id: str) -> dict[str, Any]:
    """RECOMMENDED_PAYLOAD with Datadog's values filled in, as its webhook integration sends it."""
    monitor = MONITORS[service]
    alert_type = {"Recovered": "success", "Warn": "warning", "No Data": "info"}.get(transition, "error")
    values = {
        "alert_id": monitor, "alert_cycle_key": cycle, "alert_transition": transition, "alert_type": alert_type,
        "alert_status": f"{service} error rate is {'above' if alert_type == 'error' else 'near'} 5%",
        "aggreg_key": f"aggreg-{monitor}", "tags": f"env:prod,service:{service},team:payments",
        "link": f"https://app.datadoghq.com/monitors/{monitor}?group=service%3A{service}",
        "title": f"[{transition} on {{service:{service}}}] {service} error rate above 5%",
        "body": f"%%%\n{service} error rate crossed its threshold\n%%%", "date": str(START_MS + minute * 60_000),
        "event_type": "query_alert_monitor", "id": event_id, "org": {"id": "112233", "name": "Acme"},
    }
    assert set(values) == set(RECOMMENDED_PAYLOAD)
    return values


@pytest.fixture
def api(client_factory: ClientFactory) -> TestClient:
    return client_factory(EVALFORGE_WEBHOOK_SECRET=SECRET, DD_SERVICE="demo-app")


def post(api: TestClient, payload: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/internal/datadog/webhook", json=payload, headers={WEBHOOK_SECRET_HEADER: SECRET})
    assert response.status_code == 202, response.text
    return response.json()


def incidents_of(store: Store, service: str) -> list[IncidentRecord]:
    return [i for i in store.list_incidents(limit=100).items if i.service == service]


def watched_status(api: TestClient) -> tuple[str, str | None, dict[str, Any] | None]:
    status = api.get("/api/status", headers=auth("viewer")).json()
    current = api.get("/api/incidents/current", headers=auth("viewer")).json()
    return status["status"], status["active_incident_id"], current


def test_twelve_monitor_webhooks_for_three_services_each_get_their_outcome(api: TestClient, store: Store) -> None:
    # 1-3: an alert cycle per service opens one incident each; only the watched one is the system status.
    first_billing = notification("billing", "Triggered", "b-1", 0, "e1")
    billing_1 = post(api, first_billing)
    assert billing_1["action"] == "open"
    b1 = billing_1["incident_id"]
    search_1 = post(api, notification("search", "Triggered", "s-1", 1, "e2"))
    assert search_1["action"] == "open"
    s1 = search_1["incident_id"]
    assert watched_status(api) == ("HEALTHY", None, None)  # other services never write the status document
    demo = post(api, notification("demo-app", "Triggered", "d-1", 2, "e3"))
    d1 = demo["incident_id"]
    assert demo["action"] == "open" and len({b1, s1, d1}) == 3
    status, active, current = watched_status(api)
    assert (status, active, current["incident_id"]) == ("INCIDENT_ACTIVE", d1, d1)
    assert [r.payload["incident_id"] for r in store.pending_requests("incident")] == [d1]  # only it is planned

    # 4-5: Warn and No Data open nothing; they name the service's open incident.
    assert post(api, notification("billing", "Warn", "b-warn", 3, "e4")) == {"action": "record", "incident_id": b1}
    assert post(api, notification("search", "No Data", "s-nodata", 4, "e5")) == {"action": "record",
                                                                                  "incident_id": s1}
    # 6: an exact redelivery of the first notification gets the first answer and changes nothing.
    before = (store.get_incident(b1), store.last_event_seq())
    assert post(api, first_billing) == {"action": "open", "incident_id": b1}
    assert (store.get_incident(b1), store.last_event_seq()) == before
    # 7-8: Re-Triggered and Renotify of a cycle join its incident.
    assert post(api, notification("search", "Re-Triggered", "s-1", 5, "e7")) == {"action": "open", "incident_id": s1}
    assert post(api, notification("billing", "Renotify", "b-1", 6, "e8")) == {"action": "open", "incident_id": b1}
    assert store.get_incident(s1).alert_keys == ["s-1"] and store.get_incident(b1).alert_keys == ["b-1"]

    # 9: billing cannot be validated, so its monitor's Recovered closes the incident as RECOVERED.
    assert post(api, notification("billing", "Recovered", "b-1", 7, "e9")) == {"action": "recover",
                                                                               "incident_id": b1}
    closed = store.get_incident(b1)
    assert (closed.state.value, closed.open, closed.resolved_at is not None) == ("RECOVERED", False, True)
    assert closed.timeline[-1].actor == f"datadog monitor {MONITORS['billing']}"
    assert closed.timeline[-1].evidence["event"] == "monitor recovered"
    assert store.open_incident("billing") is None
    # 10: so billing's next alert cycle opens a new incident.
    billing_2 = post(api, notification("billing", "Triggered", "b-2", 8, "e10"))
    b2 = billing_2["incident_id"]
    assert billing_2["action"] == "open" and b2 != b1
    # 11: a replay of the closed cycle's Triggered (a new delivery of it) changes nothing.
    closed_before = store.get_incident(b1)
    assert post(api, notification("billing", "Triggered", "b-1", 9, "e11")) == {"action": "record",
                                                                                "incident_id": b1}
    assert store.get_incident(b1) == closed_before
    assert store.open_incident("billing").incident_id == b2
    assert len(incidents_of(store, "billing")) == 2

    # 12: the watched service's Recovered is noted and queues validation; the recovery rule decides.
    IncidentService.from_settings(store, api.app.state.settings).attach_plan(
        d1, deterministic_plan("http://127.0.0.1:8001", None, None, now_iso()))
    assert post(api, notification("demo-app", "Recovered", "d-1", 10, "e12")) == {"action": "recover",
                                                                                  "incident_id": d1}
    watched = store.get_incident(d1)
    assert (watched.state.value, watched.open) == ("INCIDENT_ACTIVE", True)
    assert watched.timeline[-1].evidence["event"] == "monitor recovered"
    assert store.get_test_run(watched.latest_run_id).status.value == "QUEUED"
    assert watched_status(api)[:2] == ("INCIDENT_ACTIVE", d1)

    # Every notification is stored once, with what it did (the redelivery did not add a thirteenth).
    stored = [r for r in store.pending_requests("webhook", limit=100, status="processed")] + \
        [r for r in store.pending_requests("webhook", limit=100, status="recorded")]
    assert len(stored) == 11 and all(r.kind is RequestKind.webhook for r in stored)


def listed(api: TestClient, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = api.get("/api/incidents", params={**params, **({"cursor": cursor} if cursor else {})},
                       headers=auth("viewer"))
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


def test_incidents_of_every_service_are_listed_with_filters_and_paging(api: TestClient) -> None:
    for n, (service, transition, cycle) in enumerate([
            ("billing", "Triggered", "b-1"), ("search", "Triggered", "s-1"), ("billing", "Recovered", "b-1"),
            ("demo-app", "Triggered", "d-1"), ("billing", "Triggered", "b-2")]):
        post(api, notification(service, transition, cycle, n * 10, f"e{n}"))

    everything = listed(api, limit=2)
    assert [(i["service"], i["state"], i["open"]) for i in everything] == [
        ("billing", "INCIDENT_ACTIVE", True), ("demo-app", "INCIDENT_ACTIVE", True),
        ("search", "INCIDENT_ACTIVE", True), ("billing", "RECOVERED", False)]
    closed = everything[-1]
    assert closed["alert_keys"] == ["b-1"] and closed["resolved_at"] is not None
    assert closed["opened_at"] == closed["detected_at"] and closed["datadog_summary"]["service"] == "billing"

    assert [i["alert_keys"] for i in listed(api, service="billing")] == [["b-2"], ["b-1"]]
    assert [i["service"] for i in listed(api, state="RECOVERED")] == ["billing"]
    assert len(listed(api, state="RECOVERED,INCIDENT_ACTIVE")) == 4
    assert len(listed(api, state=["VALIDATING", "HEALTHY"])) == 0
    opened = [i["opened_at"] for i in everything]
    window = listed(api, **{"from": opened[2], "to": opened[0]})
    assert [i["opened_at"] for i in window] == opened[1:3]


@pytest.mark.parametrize(("params", "field"), [
    ({"state": "BROKEN"}, "query.state"), ({"limit": "0"}, "query.limit"), ({"from": "yesterday"}, "query.from"),
    ({"servce": "billing"}, "query.servce"),
])
def test_invalid_listing_parameters_are_named(api: TestClient, params: dict[str, str], field: str) -> None:
    response = api.get("/api/incidents", params=params, headers=auth("viewer"))
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["detail"]] == [field]


def test_the_listing_needs_a_key_and_refuses_a_forged_cursor(api: TestClient) -> None:
    assert api.get("/api/incidents").status_code == 401
    assert api.get("/api/incidents", params={"cursor": "not-a-cursor"}, headers=auth("viewer")).status_code == 400
