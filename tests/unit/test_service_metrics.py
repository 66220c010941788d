"""Service signals from the demo app's Prometheus metrics and from Datadog trace metrics."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from demo_app.main import BugSwitch, create_app
from evalforge_assets.datadog_client import DatadogConnection, open_api_client
from evalforge_assets.models import Signal
from evalforge_assets.recovery.service_metrics import (
    DatadogMetricsSource,
    DatadogQueries,
    MetricsUnavailableError,
    PrometheusMetricsSource,
    ServiceMetricsSource,
    ServiceSignal,
    histogram_quantile,
    http_text_fetcher,
)
from tests.doubles.datadog_double import (
    DEFAULT_API_KEY,
    DEFAULT_APP_KEY,
    DatadogDouble,
    DoubleRequest,
    DoubleResponse,
    Route,
)
from tests.doubles.datadog_spec import DatadogOpenAPI, datadog_openapi  # noqa: F401  (pytest fixture)

AUTH = {"Authorization": "Bearer demo-token"}
ORDER = {"sku": "SKU-1001", "quantity": 1, "payment_token": "tok_visa_4242"}
METRICS_URL = "http://testserver/metrics"


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class DemoService:
    """The demo app in-process, with a helper to send the traffic mix (a quarter health, a quarter catalog,
    half checkout)."""

    def __init__(self) -> None:
        self.switch = BugSwitch()
        self.client = TestClient(create_app(bug_switch=self.switch, token="demo-token"))

    def fetch(self, url: str) -> str:
        response = self.client.get(url)
        response.raise_for_status()
        return response.text

    def traffic(self, rounds: int) -> None:
        for _ in range(rounds):
            self.client.get("/health")
            self.client.get("/catalog")
            self.client.post("/checkout", json=ORDER, headers=AUTH)
            self.client.post("/checkout", json=ORDER, headers=AUTH)


@pytest.fixture
def service() -> DemoService:
    return DemoService()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def prometheus_source(service: DemoService, clock: FakeClock, **kwargs: Any) -> PrometheusMetricsSource:
    return PrometheusMetricsSource(METRICS_URL, clock=clock, fetch=service.fetch, **kwargs)


# -- histogram quantile ---------------------------------------------------------------------------------------


def test_quantile_interpolates_linearly_inside_the_bucket() -> None:
    buckets = {0.1: 50.0, 0.5: 90.0, 1.0: 100.0, float("inf"): 100.0}

    assert histogram_quantile(0.95, buckets) == pytest.approx(0.75)
    assert histogram_quantile(0.5, buckets) == pytest.approx(0.1)
    assert histogram_quantile(0.25, buckets) == pytest.approx(0.05)


def test_quantile_in_the_infinite_bucket_is_the_highest_finite_bound() -> None:
    assert histogram_quantile(0.95, {0.5: 10.0, 2.0: 50.0, float("inf"): 100.0}) == pytest.approx(2.0)


def test_quantile_of_an_empty_histogram_is_none() -> None:
    assert histogram_quantile(0.95, {}) is None
    assert histogram_quantile(0.95, {0.1: 0.0, float("inf"): 0.0}) is None


# -- Prometheus, against the demo app in-process ---------------------------------------------------------------


def test_prometheus_source_satisfies_the_protocol(service: DemoService, clock: FakeClock) -> None:
    assert isinstance(prometheus_source(service, clock), ServiceMetricsSource)


def test_healthy_service_reads_zero_error_rate(service: DemoService, clock: FakeClock) -> None:
    source = prometheus_source(service, clock)
    service.traffic(5)

    first = source.read("demo-app")

    assert first.source == "prometheus"
    assert first.error_rate_5m == 0.0
    assert first.requests_5m == 20
    assert first.top_error is None
    assert first.window_seconds is None  # one scrape: counters since the app started
    assert 0.0 < first.p95_latency_ms_5m <= 10_000.0
    assert first.error_rate_recent == 0.0

    clock.advance(3)
    service.traffic(2)
    second = source.read("demo-app")

    assert second.requests_5m == 8
    assert second.window_seconds == 3
    assert second.error_rate_5m == 0.0


def test_bug_pushes_error_rate_over_five_percent_at_the_next_poll(
    service: DemoService, clock: FakeClock
) -> None:
    service.traffic(100)  # a long healthy history before the poller started
    source = prometheus_source(service, clock)
    source.read("demo-app")

    service.switch.set(True)
    service.traffic(2)
    clock.advance(3)
    signal = source.read("demo-app")

    assert signal.error_rate_5m == pytest.approx(0.5)
    assert signal.error_rate_5m > 0.05
    assert signal.top_error == "POST /checkout 500"
    assert signal.requests_5m == 8


def test_recent_rate_sees_the_bug_and_the_fix_while_the_five_minute_rate_lags(
    service: DemoService, clock: FakeClock
) -> None:
    source = prometheus_source(service, clock)
    for _ in range(90):  # 4.5 minutes of healthy traffic, polled every 3 s
        service.traffic(1)
        source.read("demo-app")
        clock.advance(3)

    service.switch.set(True)
    for _ in range(3):
        service.traffic(1)
        source.read("demo-app")
        clock.advance(3)
    service.traffic(1)
    during_bug = source.read("demo-app")

    assert during_bug.error_rate_recent is not None and during_bug.error_rate_recent >= 0.4
    assert during_bug.error_rate_5m < during_bug.error_rate_recent
    assert during_bug.error_rate_5m > 0.0

    service.switch.set(False)
    for _ in range(6):  # 18 s of healthy traffic: longer than the 15 s recent window
        clock.advance(3)
        service.traffic(1)
        after_fix = source.read("demo-app")

    assert after_fix.error_rate_recent == 0.0
    assert after_fix.error_rate_5m > 0.0  # the bug is still inside the five-minute window
    assert after_fix.top_error == "POST /checkout 500"


def test_window_never_exceeds_the_configured_length(service: DemoService, clock: FakeClock) -> None:
    source = prometheus_source(service, clock, window_seconds=60, recent_window_seconds=15)
    for _ in range(40):
        service.traffic(1)
        signal = source.read("demo-app")
        clock.advance(3)

    assert signal.window_seconds == 60
    assert signal.requests_5m == 20 * 4  # only the last 20 polls' traffic
    assert signal.recent_window_seconds == 15


def test_no_recent_traffic_gives_no_recent_rate(service: DemoService, clock: FakeClock) -> None:
    source = prometheus_source(service, clock)
    service.traffic(1)
    source.read("demo-app")
    clock.advance(20)

    signal = source.read("demo-app")

    assert signal.requests_recent == 0
    assert signal.error_rate_recent is None
    assert signal.p95_latency_ms_recent is None
    assert signal.error_rate_5m == 0.0


def test_service_restart_clears_history_instead_of_reading_negative_rates(clock: FakeClock) -> None:
    before, after = DemoService(), DemoService()
    target = {"service": before}
    source = PrometheusMetricsSource(METRICS_URL, clock=clock, fetch=lambda url: target["service"].fetch(url))
    before.traffic(10)
    source.read("demo-app")

    target["service"] = after  # the process restarted: counters begin again
    after.switch.set(True)
    after.traffic(1)
    clock.advance(3)
    signal = source.read("demo-app")

    assert signal.window_seconds is None
    assert signal.requests_5m == 4
    assert signal.error_rate_5m == pytest.approx(0.5)


EXPOSITION_TEMPLATE = """\
# HELP demo_http_requests_total HTTP requests.
# TYPE demo_http_requests_total counter
demo_http_requests_total{{method="GET",route="/catalog",status="200"}} {ok}
demo_http_requests_total{{method="POST",route="/checkout",status="503"}} {failed}
# HELP demo_http_request_duration_seconds Latency.
# TYPE demo_http_request_duration_seconds histogram
demo_http_request_duration_seconds_bucket{{le="0.1",method="GET",route="/catalog"}} {b01}
demo_http_request_duration_seconds_bucket{{le="0.5",method="GET",route="/catalog"}} {b05}
demo_http_request_duration_seconds_bucket{{le="1.0",method="GET",route="/catalog"}} {b1}
demo_http_request_duration_seconds_bucket{{le="+Inf",method="GET",route="/catalog"}} {binf}
demo_http_request_duration_seconds_count{{method="GET",route="/catalog"}} {binf}
demo_http_request_duration_seconds_sum{{method="GET",route="/catalog"}} 1.0
"""


def test_p95_comes_from_histogram_bucket_differences(clock: FakeClock) -> None:
    scrapes = iter(
        [
            # Before: 1000 fast requests. Between scrapes: 50 more under 0.1 s, 40 in 0.1-0.5 s, 10 in 0.5-1 s.
            EXPOSITION_TEMPLATE.format(ok=1000, failed=0, b01=1000, b05=1000, b1=1000, binf=1000),
            EXPOSITION_TEMPLATE.format(ok=1090, failed=10, b01=1050, b05=1090, b1=1100, binf=1100),
        ]
    )
    source = PrometheusMetricsSource(METRICS_URL, clock=clock, fetch=lambda url: next(scrapes))
    first = source.read("demo-app")
    clock.advance(5)

    second = source.read("demo-app")

    assert first.p95_latency_ms_5m == pytest.approx(95.0)  # all in the first bucket: 0.95 * 100 ms
    assert second.p95_latency_ms_5m == pytest.approx(750.0)
    assert second.error_rate_5m == pytest.approx(0.1)
    assert second.top_error == "POST /checkout 503"


def test_unreachable_service_is_a_clear_error(clock: FakeClock) -> None:
    def refuse(url: str) -> str:
        raise httpx.ConnectError("[Errno 111] Connection refused")

    source = PrometheusMetricsSource("http://127.0.0.1:8001/metrics", clock=clock, fetch=refuse)

    with pytest.raises(
        MetricsUnavailableError, match=r"127\.0\.0\.1:8001/metrics.*demo app is running.*DEMO_APP_URL"
    ):
        source.read("demo-app")


def test_a_metrics_page_without_the_demo_metrics_is_a_clear_error(clock: FakeClock) -> None:
    source = PrometheusMetricsSource(
        METRICS_URL, clock=clock, fetch=lambda url: "# TYPE other_total counter\nother_total 3\n"
    )

    with pytest.raises(
        MetricsUnavailableError, match="no demo_http_requests or demo_http_request_duration_seconds"
    ):
        source.read("demo-app")


class _TextHandler(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        status = 200 if self.path == "/metrics" else 404
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(self.body if status == 200 else b"not found")

    def log_message(self, *args: Any) -> None:
        """Keep test output quiet."""


@pytest.fixture
def metrics_http_server(service: DemoService) -> Iterator[str]:
    service.traffic(2)
    handler = type("Handler", (_TextHandler,), {"body": service.fetch("/metrics").encode()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def test_default_fetch_reads_over_http(metrics_http_server: str, clock: FakeClock) -> None:
    signal = PrometheusMetricsSource(f"{metrics_http_server}/metrics", clock=clock).read("demo-app")

    assert signal.requests_5m == 8


def test_default_fetch_reports_http_errors(metrics_http_server: str) -> None:
    with pytest.raises(MetricsUnavailableError, match="answered HTTP 404"):
        PrometheusMetricsSource(f"{metrics_http_server}/wrong").read("demo-app")


def test_http_fetcher_raises_on_non_2xx(metrics_http_server: str) -> None:
    with pytest.raises(httpx.HTTPStatusError):
        http_text_fetcher(timeout_seconds=5)(f"{metrics_http_server}/nope")


def test_signal_converts_to_the_contract_signal() -> None:
    signal = ServiceSignal(
        error_rate_5m=0.4,
        p95_latency_ms_5m=120.0,
        top_error="POST /checkout 500",
        requests_5m=10,
        source="prometheus",
        read_at="2026-01-15T10:00:00.000000Z",
    )

    assert signal.to_signal() == Signal(
        error_rate_5m=0.4, p95_latency_ms_5m=120.0, top_error="POST /checkout 500"
    )


# -- Datadog, against the local Datadog double ---------------------------------------------------------------

NOW = 1_760_600_000.0
STEP_SECONDS = 10
SECOND_UNIT = {
    "family": "time",
    "name": "second",
    "plural": "seconds",
    "scale_factor": 1.0,
    "short_name": "s",
}
HIT_UNIT = {"family": "general", "name": "hit", "plural": "hits", "scale_factor": 1.0}


def _points(values: list[float | None]) -> list[list[float | None]]:
    """One point per 10 s, ending 10 s before NOW, in epoch milliseconds like Datadog sends them."""
    start_ms = (NOW - STEP_SECONDS * len(values)) * 1000
    return [[start_ms + i * STEP_SECONDS * 1000, value] for i, value in enumerate(values)]


def _series(metric: str, expression: str, scope: str, tag_set: list[str], values: list, unit: dict) -> dict:
    pointlist = _points(values)
    return {
        "metric": metric,
        "display_name": metric,
        "unit": [unit, None],
        "pointlist": pointlist,
        "start": int(pointlist[0][0]),
        "end": int(pointlist[-1][0]) + STEP_SECONDS * 1000 - 1,
        "interval": STEP_SECONDS,
        "length": len(pointlist),
        "aggr": metric.split(":")[0] if ":" in metric else "sum",
        "scope": scope,
        "expression": expression,
        "tag_set": tag_set,
        "query_index": 0,
    }


def metrics_responses() -> dict[str, Any]:
    """Five minutes of demo-app trace metrics: 20 hits per 10 s; the last minute, checkout fails 10 per 10 s
    and latency jumps from 120 ms to 2 s; catalog had 2 errors early on. Gaps are nulls, as Datadog sends."""
    scope = "env:local,service:demo-app"
    hits = [20.0] * 30
    hits[3] = None
    checkout_errors = [None] * 24 + [10.0] * 6
    catalog_errors = [2.0] + [None] * 29
    latency = [0.12] * 24 + [2.0] * 6
    return {
        "hits": [
            _series(
                "trace.fastapi.request.hits",
                "sum:trace.fastapi.request.hits{env:local,service:demo-app}.as_count()",
                scope,
                [],
                hits,
                HIT_UNIT,
            )
        ],
        "errors": [
            _series(
                "trace.fastapi.request.errors",
                "sum:trace.fastapi.request.errors{env:local,http.status_code:500,resource_name:post_/checkout,"
                "service:demo-app}.as_count()",
                "env:local,http.status_code:500,resource_name:post_/checkout,service:demo-app",
                ["http.status_code:500", "resource_name:post_/checkout"],
                checkout_errors,
                HIT_UNIT,
            ),
            _series(
                "trace.fastapi.request.errors",
                "sum:trace.fastapi.request.errors{env:local,http.status_code:502,resource_name:get_/catalog,"
                "service:demo-app}.as_count()",
                "env:local,http.status_code:502,resource_name:get_/catalog,service:demo-app",
                ["http.status_code:502", "resource_name:get_/catalog"],
                catalog_errors,
                HIT_UNIT,
            ),
        ],
        "p95": [
            _series(
                "trace.fastapi.request",
                "p95:trace.fastapi.request{env:local,service:demo-app}",
                scope,
                [],
                latency,
                SECOND_UNIT,
            )
        ],
    }


class MetricsQueryDouble:
    """`GET /api/v1/query` on the Datadog double, answering from `responses` by which metric is asked for."""

    def __init__(self, double: DatadogDouble) -> None:
        self.responses: dict[str, Any] = {}
        self.failure: dict[str, Any] | None = None
        double.add_route(Route("query_metrics", "GET", "/api/v1/query", self._answer, error_style="plain"))

    def _answer(self, request: DoubleRequest) -> DoubleResponse:
        query = request.recorded.query_value("query") or ""
        kind = "errors" if ".errors" in query else "hits" if ".hits" in query else "p95"
        from_seconds = int(request.recorded.query_value("from") or 0)
        to_seconds = int(request.recorded.query_value("to") or 0)
        body: dict[str, Any] = {
            "status": "ok",
            "res_type": "time_series",
            "resp_version": 1,
            "query": query,
            "message": "",
            "from_date": from_seconds * 1000,
            "to_date": to_seconds * 1000,
            "group_by": ["resource_name", "http.status_code"] if kind == "errors" else [],
            "series": self.responses.get(kind, []),
            "values": [],
            "times": [],
        }
        if self.failure is not None:
            body.update(self.failure)
        return DoubleResponse(200, body)


@pytest.fixture(scope="module")
def metrics_double() -> Iterator[tuple[DatadogDouble, MetricsQueryDouble]]:
    double = DatadogDouble()
    queries = MetricsQueryDouble(double)
    with double:
        yield double, queries


@pytest.fixture
def datadog(
    metrics_double: tuple[DatadogDouble, MetricsQueryDouble],
) -> Iterator[tuple[DatadogDouble, MetricsQueryDouble]]:
    double, queries = metrics_double
    double.reset()
    queries.responses = metrics_responses()
    queries.failure = None
    yield double, queries
    double.reset()


def datadog_source(double: DatadogDouble, *, app_key: str = DEFAULT_APP_KEY) -> DatadogMetricsSource:
    connection = DatadogConnection.create(DEFAULT_API_KEY, app_key, host=double.base_url)
    return DatadogMetricsSource(lambda: open_api_client(connection), "demo-app", "local", clock=lambda: NOW)


def test_datadog_queries_follow_the_trace_metric_names() -> None:
    queries = DatadogQueries.build("fastapi.request", "demo-app", "local")

    assert queries.hits == "sum:trace.fastapi.request.hits{service:demo-app,env:local}.as_count()"
    assert queries.errors == (
        "sum:trace.fastapi.request.errors{service:demo-app,env:local} by {resource_name,http.status_code}.as_count()"
    )
    assert queries.p95 == "p95:trace.fastapi.request{service:demo-app,env:local}"
    assert (
        DatadogQueries.build("flask.request", "shop", "prod").p95
        == "p95:trace.flask.request{service:shop,env:prod}"
    )


def test_datadog_query_refuses_names_that_would_break_the_query() -> None:
    with pytest.raises(ValueError, match=r"service 'demo app\}' cannot be used.*DD_SERVICE"):
        DatadogQueries.build("fastapi.request", "demo app}", "local")


def test_datadog_source_reads_the_signal_from_trace_metrics(
    datadog: tuple[DatadogDouble, MetricsQueryDouble],
    datadog_openapi: DatadogOpenAPI,  # noqa: F811
) -> None:
    double, _ = datadog

    signal = datadog_source(double).read("demo-app")

    # 29 non-null hit points of 20; 60 checkout errors + 2 catalog errors.
    assert signal.source == "datadog"
    assert signal.requests_5m == 580
    assert signal.error_rate_5m == pytest.approx(62 / 580)
    assert signal.top_error == "post_/checkout 500"
    assert signal.p95_latency_ms_5m == pytest.approx((24 * 0.12 + 6 * 2.0) / 30 * 1000)
    # The last minute: 6 points of 20 hits, all checkout errors at 10 each, latency 2 s.
    assert signal.requests_recent == 120
    assert signal.error_rate_recent == pytest.approx(0.5)
    assert signal.p95_latency_ms_recent == pytest.approx(2000.0)
    assert signal.window_seconds == 300

    exchanges = double.exchanges_for("query_metrics")
    assert sorted(exchange.request.query_value("query") for exchange in exchanges) == sorted(
        [
            "sum:trace.fastapi.request.hits{service:demo-app,env:local}.as_count()",
            DatadogQueries.build("fastapi.request", "demo-app", "local").errors,
            "p95:trace.fastapi.request{service:demo-app,env:local}",
        ]
    )
    for exchange in exchanges:
        assert exchange.request.query_value("from") == str(int(NOW - 300))
        assert exchange.request.query_value("to") == str(int(NOW))
        datadog_openapi.validate_request(exchange.request)
        assert datadog_openapi.validate_response(exchange.request, exchange.response)


def test_datadog_source_with_no_traffic_reads_zeros(
    datadog: tuple[DatadogDouble, MetricsQueryDouble],
) -> None:
    double, queries = datadog
    queries.responses = {}

    signal = datadog_source(double).read()

    assert (signal.error_rate_5m, signal.p95_latency_ms_5m, signal.requests_5m) == (0.0, 0.0, 0)
    assert signal.top_error is None
    assert signal.error_rate_recent is None


def test_datadog_source_queries_the_service_it_is_asked_about(
    datadog: tuple[DatadogDouble, MetricsQueryDouble],
) -> None:
    double, _ = datadog

    datadog_source(double).read("checkout-api")

    queries = [exchange.request.query_value("query") for exchange in double.exchanges_for("query_metrics")]
    assert all("{service:checkout-api,env:local}" in query for query in queries)


def test_datadog_refusing_the_keys_is_a_clear_error(
    datadog: tuple[DatadogDouble, MetricsQueryDouble],
) -> None:
    double, _ = datadog

    with pytest.raises(MetricsUnavailableError, match=r"HTTP 403.*DD_API_KEY and DD_APP_KEY"):
        datadog_source(double, app_key="not-the-key").read("demo-app")


def test_datadog_server_error_is_a_clear_error(datadog: tuple[DatadogDouble, MetricsQueryDouble]) -> None:
    double, _ = datadog
    double.inject_server_error(503, operation="query_metrics")

    with pytest.raises(MetricsUnavailableError, match=r"HTTP 503.*next poll will try again"):
        datadog_source(double).read("demo-app")


def test_datadog_query_error_status_is_a_clear_error(
    datadog: tuple[DatadogDouble, MetricsQueryDouble],
) -> None:
    double, queries = datadog
    queries.failure = {"status": "error", "error": "Error parsing query: unknown metric", "series": []}

    with pytest.raises(MetricsUnavailableError, match="could not run the metric query.*Error parsing query"):
        datadog_source(double).read("demo-app")
