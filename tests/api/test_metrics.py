"""GET /metrics: Prometheus text that parses, with every family, HTTP requests labelled by route template,
401s, 429s and WebSocket clients counted, and pipeline figures read from the store at scrape time."""

from __future__ import annotations

import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from evalforge_assets import telemetry
from evalforge_assets.models import IncidentRecord
from evalforge_assets.models.incidents import SystemState
from evalforge_assets.recovery.plan import deterministic_plan
from evalforge_assets.recovery.states import transition
from evalforge_assets.store import Store
from tests.api.conftest import ClientFactory, auth
from tests.fixtures.factories import make_incident

HTTP_FAMILIES = {"evalforge_http_requests", "evalforge_http_request_duration_seconds",
                 "evalforge_http_rate_limited", "evalforge_http_unauthenticated", "evalforge_websocket_clients"}
STORE_FAMILIES = {"evalforge_incidents", "evalforge_incident_time_to_plan_seconds",
                  "evalforge_incident_time_to_recover_seconds"}
LOOPBACK = ("127.0.0.1", 50123)


@pytest.fixture(autouse=True)
def _nothing_pending_from_earlier_tests() -> None:
    """The recorder is per process: drop what other tests in this process recorded and never flushed."""
    telemetry.RECORDER.take()


def scrape(client, **headers: str) -> dict[str, dict[tuple, float]]:
    """{family: {(sample name, sorted labels): value}} of one scrape, parsed by prometheus-client's parser."""
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {family.name: {(s.name, tuple(sorted(s.labels.items()))): s.value for s in family.samples}
            for family in text_string_to_metric_families(response.text)}


def _catalog_names() -> set[str]:
    # The parser names counters without `_total`.
    return {name.removesuffix("_total") for name in telemetry.FAMILIES}


def test_metrics_parse_and_list_every_family_before_anything_happened(client_factory: ClientFactory) -> None:
    metrics = scrape(client_factory(), **auth("viewer"))
    missing = (HTTP_FAMILIES | STORE_FAMILIES | _catalog_names()) - set(metrics)
    assert not missing, f"/metrics lacks {sorted(missing)}"
    states = {dict(labels)["state"]: value for (_name, labels), value in metrics["evalforge_incidents"].items()}
    assert states == {"HEALTHY": 0, "INCIDENT_ACTIVE": 0, "VALIDATING": 0, "RECOVERED": 0}


def test_requests_are_labelled_by_route_template_never_by_raw_path(client_factory: ClientFactory) -> None:
    client = client_factory()
    for capture_id in ("cap-1", "cap-2", "cap-3"):
        assert client.get(f"/v1/captures/{capture_id}", headers=auth("viewer")).status_code == 404
    assert client.get("/no/such/page/7f3a", headers=auth("viewer")).status_code == 404
    assert client.request("BREW", "/v1/captures", headers=auth("viewer")).status_code == 405
    response = client.get("/metrics", headers=auth("viewer"))
    assert "cap-1" not in response.text and "7f3a" not in response.text
    requests = scrape(client, **auth("viewer"))["evalforge_http_requests"]
    key = ("evalforge_http_requests_total",
           (("method", "GET"), ("route", "/v1/captures/{capture_id}"), ("status", "404")))
    assert requests[key] == 3
    unmatched = ("evalforge_http_requests_total", (("method", "GET"), ("route", "unmatched"), ("status", "404")))
    assert requests[unmatched] == 1
    assert requests[("evalforge_http_requests_total",
                     (("method", "OTHER"), ("route", "/v1/captures"), ("status", "405")))] == 1
    assert "BREW" not in response.text
    durations = scrape(client, **auth("viewer"))["evalforge_http_request_duration_seconds"]
    count = ("evalforge_http_request_duration_seconds_count",
             (("method", "GET"), ("route", "/v1/captures/{capture_id}")))
    assert durations[count] == 3


def test_unauthenticated_and_rate_limited_requests_are_counted(client_factory: ClientFactory) -> None:
    client = client_factory(EVALFORGE_RATE_LIMIT_PER_MINUTE=2)
    assert client.get("/v1/captures").status_code == 401
    assert client.get("/v1/captures", headers={"Authorization": "Bearer wrong"}).status_code == 401
    codes = [client.get("/v1/signatures", headers=auth("reviewer")).status_code for _ in range(3)]
    assert codes[-1] == 429, codes
    metrics = scrape(client, **auth("viewer"))
    assert metrics["evalforge_http_unauthenticated"][
        ("evalforge_http_unauthenticated_total", (("route", "/v1/captures"),))] == 2
    assert metrics["evalforge_http_rate_limited"][
        ("evalforge_http_rate_limited_total", (("route", "/v1/signatures"),))] == codes.count(429)


def test_metrics_need_a_viewer_key_or_loopback(client_factory: ClientFactory) -> None:
    assert client_factory().get("/metrics").status_code == 401
    open_api = client_factory(EVALFORGE_API_KEYS="", client_address=LOOPBACK)
    assert open_api.get("/metrics").status_code == 200
    assert client_factory(EVALFORGE_API_KEYS="").get("/metrics").status_code == 403


def test_websocket_clients_are_a_gauge(client_factory: ClientFactory) -> None:
    client = client_factory(EVALFORGE_API_KEYS="", client_address=LOOPBACK)
    gauge = ("evalforge_websocket_clients", ())
    with client.websocket_connect("/ws"):
        assert scrape(client)["evalforge_websocket_clients"][gauge] == 1
    assert scrape(client)["evalforge_websocket_clients"][gauge] == 0


def test_pipeline_figures_come_from_the_store_and_this_process(client_factory: ClientFactory, store: Store) -> None:
    # As a Dagster step process would leave them: flushed into the store.
    telemetry.count("evalforge_export_deliveries_total", 2, destination="eval_dataset", outcome="delivered")
    telemetry.flush(store)
    # Recorded in the API process and not flushed yet: the scrape flushes it first.
    telemetry.count("evalforge_export_deliveries_total", 1, destination="webhook", outcome="failed")
    deliveries = scrape(client_factory(), **auth("viewer"))["evalforge_export_deliveries"]
    assert deliveries[("evalforge_export_deliveries_total",
                       (("destination", "eval_dataset"), ("outcome", "delivered")))] == 2
    assert deliveries[("evalforge_export_deliveries_total", (("destination", "webhook"), ("outcome", "failed")))] == 1
    assert not telemetry.RECORDER.pending()


def _incident(incident_id: str, detected_at: str, plan_at: str | None = None,
              recovered_at: str | None = None) -> IncidentRecord:
    incident = make_incident(incident_id=incident_id, detected_at=detected_at)
    if plan_at:
        plan = deterministic_plan("http://127.0.0.1:8001", None, None, plan_at)
        incident = incident.model_copy(update={"card": incident.card.model_copy(update={"plan": plan})})
    if recovered_at:
        incident = transition(transition(incident, SystemState.VALIDATING, "test", {}, plan_at or detected_at),
                              SystemState.RECOVERED, "test", {}, recovered_at)
    return incident


def test_incidents_by_state_and_time_to_plan_and_recover(client_factory: ClientFactory, store: Store) -> None:
    store.save_incident(_incident("inc-a", "2026-03-02T10:00:00+00:00", plan_at="2026-03-02T10:00:40+00:00",
                                  recovered_at="2026-03-02T10:09:00+00:00"))
    store.save_incident(_incident("inc-b", "2026-03-02T11:00:00+00:00"))
    metrics = scrape(client_factory(), **auth("viewer"))
    states = {dict(labels)["state"]: value for (_name, labels), value in metrics["evalforge_incidents"].items()}
    assert states["RECOVERED"] == 1 and states["INCIDENT_ACTIVE"] == 1
    to_plan = metrics["evalforge_incident_time_to_plan_seconds"]
    assert to_plan[("evalforge_incident_time_to_plan_seconds_count", ())] == 1
    assert to_plan[("evalforge_incident_time_to_plan_seconds_sum", ())] == 40
    assert to_plan[("evalforge_incident_time_to_plan_seconds_bucket", (("le", "60.0"),))] == 1
    assert to_plan[("evalforge_incident_time_to_plan_seconds_bucket", (("le", "30.0"),))] == 0
    to_recover = metrics["evalforge_incident_time_to_recover_seconds"]
    assert to_recover[("evalforge_incident_time_to_recover_seconds_count", ())] == 1
    assert to_recover[("evalforge_incident_time_to_recover_seconds_sum", ())] == 540


def test_a_webhook_that_opens_an_incident_records_its_time_to_detect(client_factory: ClientFactory) -> None:
    from tests.api.test_orchestrator_api import SECRET, post_webhook, webhook

    client = client_factory(EVALFORGE_WEBHOOK_SECRET=SECRET)
    alerted_ms = int((time.time() - 90) * 1000)  # Datadog alerted 90 s before the webhook arrives
    assert post_webhook(client, webhook("Triggered", date=str(alerted_ms))).status_code in (200, 202)
    assert post_webhook(client, webhook("Re-Triggered", date=str(alerted_ms))).status_code in (200, 202)
    detect = scrape(client, **auth("viewer"))["evalforge_incident_time_to_detect_seconds"]
    assert detect[("evalforge_incident_time_to_detect_seconds_count", ())] == 1  # the repeat joined, not opened
    assert 89 <= detect[("evalforge_incident_time_to_detect_seconds_sum", ())] < 150
    assert detect[("evalforge_incident_time_to_detect_seconds_bucket", (("le", "60.0"),))] == 0
    assert detect[("evalforge_incident_time_to_detect_seconds_bucket", (("le", "120.0"),))] == 1
