"""POST /ingestion/run-once and GET /health against Dagster and Datadog.

Dagster's GraphQL and Datadog's key check are served by small fakes over `httpx.MockTransport` speaking the
real request and response shapes; "unreachable" is a real closed local port.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from evalforge_assets.hours import closed_hours
from evalforge_assets.store import Store
from evalforge_assets.store.sqlite import SqliteStore
from tests.api.conftest import ClientFactory, auth, closed_port_url

DAGSTER_URL = "http://dagster.test:3000"
DATADOG_URL = "http://datadog.test"
LEAD = auth("lead")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """Overrides the two-backend `store`: these endpoints do not read records."""
    sqlite = SqliteStore(tmp_path / "ingest.db")
    yield sqlite
    sqlite.close()


class FakeDagster:
    """Answers `launchRun` and `{ version }` as Dagster's /graphql does; records what it was sent."""

    def __init__(self, refuse_after: int | None = None, refusal: str = "JobNotFoundError") -> None:
        self.launches: list[dict] = []
        self.requests: list[httpx.Request] = []
        self.refuse_after = refuse_after
        self.refusal = refusal

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host == "datadog.test":
            return httpx.Response(500)  # a test that expects no Datadog call fails on seeing one
        assert request.url.path == "/graphql" and request.method == "POST"
        body = json.loads(request.content)
        if body["query"].strip() == "{ version }":
            return httpx.Response(200, json={"data": {"version": "1.13.27"}})
        params = body["variables"]["params"]
        assert "launchRun" in body["query"]
        if self.refuse_after is not None and len(self.launches) >= self.refuse_after:
            return httpx.Response(200, json={"data": {"launchRun": {
                "__typename": self.refusal, "message": "Could not find job capture_job"}}})
        self.launches.append(params)
        run_id = f"run-{len(self.launches)}"
        return httpx.Response(200, json={"data": {"launchRun": {"__typename": "LaunchRunSuccess",
                                                                "run": {"runId": run_id}}}})


def tags_of(params: dict) -> dict[str, str]:
    return {tag["key"]: tag["value"] for tag in params["executionMetadata"]["tags"]}


def test_latest_closed_hours_wait_for_the_lag() -> None:
    now = datetime(2026, 1, 15, 10, 3, tzinfo=UTC)
    assert closed_hours(now, timedelta(minutes=5), 1) == ["2026-01-15-08:00"]
    assert closed_hours(now + timedelta(minutes=3), timedelta(minutes=5), 3) == [
        "2026-01-15-07:00", "2026-01-15-08:00", "2026-01-15-09:00"]


def test_run_once_launches_one_capture_run_per_closed_hour(client_factory: ClientFactory) -> None:
    dagster = FakeDagster()
    api = client_factory(transport=httpx.MockTransport(dagster), EVALFORGE_DAGSTER_URL=DAGSTER_URL)
    response = api.post("/ingestion/run-once", json={"hours": 3}, headers=LEAD)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["run_ids"] == ["run-1", "run-2", "run-3"]
    now = datetime.now(UTC)
    lag = timedelta(minutes=5)
    assert body["partitions"] in (closed_hours(now, lag, 3),
                                  closed_hours(now - timedelta(minutes=1), lag, 3))  # an hour may turn
    assert [tags_of(p) for p in dagster.launches] == [{"dagster/partition": k} for k in body["partitions"]]
    assert {p["selector"]["jobName"] for p in dagster.launches} == {"capture_job"}
    assert {p["selector"]["repositoryLocationName"] for p in dagster.launches} == {"evalforge"}


def test_run_once_without_a_body_launches_the_latest_hour(client_factory: ClientFactory) -> None:
    dagster = FakeDagster()
    api = client_factory(transport=httpx.MockTransport(dagster), EVALFORGE_DAGSTER_URL=DAGSTER_URL)
    response = api.post("/ingestion/run-once", headers=LEAD)
    assert response.status_code == 202
    assert len(response.json()["partitions"]) == 1 and len(dagster.launches) == 1


def test_run_once_answers_503_with_a_clear_message_when_dagster_is_down(
        client_factory: ClientFactory) -> None:
    url = closed_port_url()
    api = client_factory(EVALFORGE_DAGSTER_URL=url)
    response = api.post("/ingestion/run-once", json={"hours": 2}, headers=LEAD)
    assert response.status_code == 503
    detail = response.json()["detail"]
    assert f"Dagster is not reachable at {url}" in detail and "EVALFORGE_DAGSTER_URL" in detail


def test_run_once_answers_502_quoting_dagster_when_it_refuses(client_factory: ClientFactory) -> None:
    api = client_factory(transport=httpx.MockTransport(FakeDagster(refuse_after=0)),
                         EVALFORGE_DAGSTER_URL=DAGSTER_URL)
    response = api.post("/ingestion/run-once", headers=LEAD)
    assert response.status_code == 502
    assert "JobNotFoundError" in response.json()["detail"]


def test_a_failure_half_way_names_the_runs_already_launched(client_factory: ClientFactory) -> None:
    api = client_factory(transport=httpx.MockTransport(FakeDagster(refuse_after=1)),
                         EVALFORGE_DAGSTER_URL=DAGSTER_URL)
    response = api.post("/ingestion/run-once", json={"hours": 2}, headers=LEAD)
    assert response.status_code == 502
    assert "(run run-1)" in response.json()["detail"]


@pytest.mark.parametrize("hours", [0, 49, "two"])
def test_run_once_rejects_bad_hour_counts(client_factory: ClientFactory, hours: object) -> None:
    response = client_factory().post("/ingestion/run-once", json={"hours": hours}, headers=LEAD)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "body.hours"


# ---- health ------------------------------------------------------------------------------------------------
def datadog_answering(status: int) -> Callable[[httpx.Request], httpx.Response]:
    dagster = FakeDagster()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "datadog.test":
            assert request.url.path == "/api/v1/validate"
            assert request.headers["DD-API-KEY"] == "dd-api-key-value"
            return httpx.Response(status, json={"valid": status == 200})
        return dagster(request)

    return handler


def test_health_reports_store_dagster_and_version_and_leaves_datadog_alone(
        client_factory: ClientFactory) -> None:
    dagster = FakeDagster()
    api = client_factory(transport=httpx.MockTransport(dagster), EVALFORGE_DAGSTER_URL=DAGSTER_URL,
                         DD_API_KEY=None, DD_APP_KEY=None)
    body = api.get("/health").json()
    assert body["status"] == "ok" and body["version"] == "0.1.0"
    assert body["store"]["ok"] and body["store"]["detail"].startswith("sqlite:///")
    assert body["dagster"] == {"ok": True, "detail": f"Dagster 1.13.27 at {DAGSTER_URL}"}
    assert body["datadog"] is None
    assert {request.url.host for request in dagster.requests} == {"dagster.test"}


def test_health_is_degraded_when_dagster_is_down(client_factory: ClientFactory) -> None:
    api = client_factory(DD_API_KEY=None, DD_APP_KEY=None)
    body = api.get("/health").json()
    assert body["status"] == "degraded"
    assert body["store"]["ok"] and not body["dagster"]["ok"]
    assert "not reachable" in body["dagster"]["detail"]


@pytest.mark.parametrize(("status", "ok", "words"),
                         [(200, True, "accepted"), (403, False, "rejected DD_API_KEY")])
def test_health_checks_datadog_when_it_is_configured(client_factory: ClientFactory, status: int, ok: bool,
                                                     words: str) -> None:
    api = client_factory(transport=httpx.MockTransport(datadog_answering(status)),
                         EVALFORGE_DAGSTER_URL=DAGSTER_URL, DD_API_KEY="dd-api-key-value",
                         DD_APP_KEY="dd-app-key-value", DD_API_HOST=DATADOG_URL)
    body = api.get("/health").json()
    assert body["datadog"]["ok"] is ok and words in body["datadog"]["detail"]
    assert body["status"] == ("ok" if ok else "degraded")
    assert "dd-api-key-value" not in json.dumps(body)
