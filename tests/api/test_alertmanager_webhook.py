"""POST /v1/alerts/alertmanager: Alertmanager's webhook (payload v4) to the Slack alerts channel, on record in
the audit trail whether or not it could be forwarded."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient

from evalforge_api.alert_relay import AlertRelay
from evalforge_api.deps import get_alert_relay
from evalforge_assets.store import Store
from tests.api.conftest import ClientFactory, auth
from tests.doubles.fake_slack import FakeSlack

SECRET = "am-secret-5Rt"
BEARER = {"Authorization": f"Bearer {SECRET}"}
PATH = "/v1/alerts/alertmanager"

# What Alertmanager 0.25 posts for a group of one firing alert (webhook_config, version 4).
NOTIFICATION: dict[str, Any] = {
    "version": "4",
    "groupKey": '{}/{severity="page"}:{alertname="EvalforgePiiCheckFindings", severity="page", slo=""}',
    "truncatedAlerts": 0,
    "status": "firing",
    "receiver": "evalforge-api",
    "groupLabels": {"alertname": "EvalforgePiiCheckFindings", "severity": "page"},
    "commonLabels": {"alertname": "EvalforgePiiCheckFindings", "entity": "EMAIL", "severity": "page"},
    "commonAnnotations": {"summary": "The post-write PII check found 1 EMAIL value(s) stored in captures in the "
                                     "last 15 minutes."},
    "externalURL": "http://alertmanager:9093",
    "alerts": [{
        "status": "firing",
        "labels": {"alertname": "EvalforgePiiCheckFindings", "entity": "EMAIL", "severity": "page"},
        "annotations": {"summary": "The post-write PII check found 1 EMAIL value(s) stored in captures in the last "
                                   "15 minutes.", "runbook": "docs/operations.md#evalforgepiicheckfindings"},
        "startsAt": "2026-03-02T10:00:00.000Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus:9090/graph?g0.expr=...",
        "fingerprint": "5b3a1c2d4e5f6a7b",
    }],
}


@pytest.fixture
def slack() -> FakeSlack:
    return FakeSlack()


def _with_slack(api: TestClient, store: Store, slack: FakeSlack, channel: str | None) -> TestClient:
    # The real gateway is tested in tests/contract/test_slack_gateway.py; here, what the relay asks of it.
    relay = AlertRelay(store, slack, channel)  # type: ignore[arg-type]
    api.app.dependency_overrides[get_alert_relay] = lambda: relay  # type: ignore[attr-defined]
    return api


def test_alerts_are_posted_to_the_alerts_channel_and_recorded(client_factory: ClientFactory, store: Store,
                                                              slack: FakeSlack) -> None:
    api = _with_slack(client_factory(EVALFORGE_ALERTMANAGER_SECRET=SECRET), store, slack, "C0ALERTS")
    answer = api.post(PATH, json=NOTIFICATION, headers=BEARER)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["forwarded"] is True and body["channel"] == "C0ALERTS" and body["alerts"] == 1
    [message] = slack.messages
    assert message.channel == "C0ALERTS" and message.ts == body["ts"]
    assert message.text.splitlines()[0] == "[FIRING:1] EvalforgePiiCheckFindings (page)"
    assert "found 1 EMAIL value(s)" in message.text and "docs/operations.md#evalforgepiicheckfindings" in message.text
    trail = api.get("/v1/audit", params={"actor": "alertmanager"}, headers=auth("viewer")).json()["items"]
    assert [(entry["action"], entry["status"], entry["audit_id"]) for entry in trail] == [
        ("alert.firing", "forwarded", body["audit_id"])]
    assert trail[0]["detail"]["alerts"][0]["alertname"] == "EvalforgePiiCheckFindings"


def test_resolved_notifications_say_so(client_factory: ClientFactory, store: Store, slack: FakeSlack) -> None:
    api = _with_slack(client_factory(EVALFORGE_ALERTMANAGER_SECRET=SECRET), store, slack, "C0ALERTS")
    resolved = copy.deepcopy(NOTIFICATION)
    resolved["status"] = "resolved"
    resolved["alerts"][0]["status"] = "resolved"
    assert api.post(PATH, json=resolved, headers=BEARER).status_code == 200
    assert slack.messages[0].text.startswith("[RESOLVED] EvalforgePiiCheckFindings (page)\n• resolved: ")


def test_without_slack_the_alert_is_stored_and_the_answer_says_it_was_not_forwarded(
        client_factory: ClientFactory) -> None:
    api = client_factory(EVALFORGE_ALERTMANAGER_SECRET=SECRET)  # the real parts: no Slack settings
    answer = api.post(PATH, json=NOTIFICATION, headers=BEARER)
    assert answer.status_code == 202
    assert answer.json()["forwarded"] is False
    assert answer.json()["detail"].startswith("The alert was stored but not forwarded: no Slack is configured")
    trail = api.get("/v1/audit", params={"actor": "alertmanager"}, headers=auth("viewer")).json()["items"]
    assert [entry["status"] for entry in trail] == ["not_forwarded"]


def test_a_slack_gateway_without_an_alerts_channel_is_not_used(client_factory: ClientFactory, store: Store,
                                                               slack: FakeSlack) -> None:
    api = _with_slack(client_factory(EVALFORGE_ALERTMANAGER_SECRET=SECRET), store, slack, None)
    answer = api.post(PATH, json=NOTIFICATION, headers=BEARER)
    assert answer.status_code == 202 and "EVALFORGE_SLACK_ALERTS_CHANNEL is not set" in answer.json()["detail"]
    assert slack.messages == []


def test_slack_refusing_is_a_502_so_alertmanager_retries(client_factory: ClientFactory, store: Store,
                                                         slack: FakeSlack) -> None:
    api = _with_slack(client_factory(EVALFORGE_ALERTMANAGER_SECRET=SECRET), store, slack, "C0ALERTS")
    slack.fail_next("chat.postMessage", "channel_not_found")
    answer = api.post(PATH, json=NOTIFICATION, headers=BEARER)
    assert answer.status_code == 502
    assert answer.json()["detail"].startswith("Slack did not take the alert: ")
    trail = api.get("/v1/audit", params={"actor": "alertmanager"}, headers=auth("viewer")).json()["items"]
    assert [entry["status"] for entry in trail] == ["failed"]


@pytest.mark.parametrize(("headers", "status", "words"), [
    ({}, 401, "secret is missing or wrong"),
    ({"Authorization": "Bearer guessed"}, 401, "secret is missing or wrong"),
    (auth("viewer"), 401, "secret is missing or wrong"),  # an API key is not the Alertmanager secret
])
def test_the_bearer_secret_is_required(client_factory: ClientFactory, headers: dict[str, str], status: int,
                                       words: str) -> None:
    api = client_factory(EVALFORGE_ALERTMANAGER_SECRET=SECRET)
    answer = api.post(PATH, json=NOTIFICATION, headers=headers)
    assert answer.status_code == status and words in answer.json()["detail"]
    assert api.get("/v1/audit", params={"actor": "alertmanager"}, headers=auth("viewer")).json()["items"] == []


def test_an_unconfigured_secret_refuses_every_call(client_factory: ClientFactory) -> None:
    answer = client_factory().post(PATH, json=NOTIFICATION, headers=BEARER)
    assert answer.status_code == 503 and "EVALFORGE_ALERTMANAGER_SECRET" in answer.json()["detail"]


def test_a_payload_that_is_not_alertmanager_v4_is_a_422_naming_the_field(client_factory: ClientFactory) -> None:
    api = client_factory(EVALFORGE_ALERTMANAGER_SECRET=SECRET)
    wrong = {**NOTIFICATION, "version": "3"}
    answer = api.post(PATH, json=wrong, headers=BEARER)
    assert answer.status_code == 422
    assert [item["field"] for item in answer.json()["detail"]] == ["body.version"]
    assert api.post(PATH, content=b"{not json", headers=BEARER).status_code == 422
    no_alerts = api.post(PATH, json={**NOTIFICATION, "alerts": []}, headers=BEARER)
    assert no_alerts.status_code == 422 and no_alerts.json()["detail"][0]["field"] == "body.alerts"
    flag = api.post(PATH, json={**NOTIFICATION, "truncatedAlerts": False}, headers=BEARER)
    assert flag.status_code == 422 and flag.json()["detail"][0]["field"] == "body.truncatedAlerts"
    assert api.post(PATH, json={**NOTIFICATION, "truncatedAlerts": 2}, headers=BEARER).status_code == 202


def test_wrong_secrets_are_throttled_like_wrong_keys(client_factory: ClientFactory) -> None:
    api = client_factory(EVALFORGE_ALERTMANAGER_SECRET=SECRET, EVALFORGE_AUTH_FAILURE_LIMIT=2)
    guesses = [api.post(PATH, json=NOTIFICATION, headers={"Authorization": "Bearer guess"}).status_code
               for _ in range(3)]
    assert guesses == [401, 401, 429]
