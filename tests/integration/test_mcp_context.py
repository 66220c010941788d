"""The incident context through the Datadog MCP server: tools found by discovery (two differently named
toolsets), the key headers sent, and the fallback to the service's metrics, field by field when a tool cannot
answer and entirely when the server cannot be used. Ends with the real `incident_context` asset."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import dagster as dg
import httpx
import pytest
from mcp import types

from evalforge_assets.defs.recovery.assets import incident_context, recovery_plan, validation_runs
from evalforge_assets.defs.recovery.resources import _metrics_source
from evalforge_assets.defs.resources import build_resources
from evalforge_assets.models import IncidentRecord, Signal
from evalforge_assets.recovery.context import GatheredContext, MetricsContextSource
from evalforge_assets.recovery.mcp_context import (
    ERRORS,
    METRICS,
    ArgumentValues,
    McpContextSource,
    choose_tool,
    fill_arguments,
)
from evalforge_assets.recovery.service import IncidentService, SignalReading
from evalforge_assets.recovery.service_metrics import PrometheusMetricsSource
from evalforge_assets.settings import Settings, get_settings
from evalforge_assets.store.sqlite import SqliteStore
from tests.doubles.datadog_mcp import DEFAULT_API_KEY, DEFAULT_APP_KEY, DatadogMcpDouble, Scenario
from tests.integration.dagster_helpers import materialization_metadata

SCENARIO = Scenario()
MONITOR_ID = str(SCENARIO.monitor_id)

# What the fallback (the service's own Prometheus metrics) says: 10% errors on POST /orders, p95 460 ms.
PROMETHEUS_TEXT = """\
# TYPE demo_http_requests_total counter
demo_http_requests_total{method="GET",route="/health",status="200"} 90
demo_http_requests_total{method="POST",route="/orders",status="502"} 10
# TYPE demo_http_request_duration_seconds histogram
demo_http_request_duration_seconds_bucket{le="0.1",route="/health"} 50
demo_http_request_duration_seconds_bucket{le="0.5",route="/health"} 100
demo_http_request_duration_seconds_bucket{le="+Inf",route="/health"} 100
demo_http_request_duration_seconds_count{route="/health"} 100
demo_http_request_duration_seconds_sum{route="/health"} 12
"""
FALLBACK_SIGNAL = Signal(error_rate_5m=0.1, p95_latency_ms_5m=460.0, top_error="POST /orders 502")


def _is_fallback_signal(signal: Signal) -> bool:
    expected = FALLBACK_SIGNAL
    return (signal.error_rate_5m, signal.top_error) == (expected.error_rate_5m, expected.top_error) \
        and signal.p95_latency_ms_5m == pytest.approx(expected.p95_latency_ms_5m)
DETECTED_SIGNAL = Signal(error_rate_5m=0.25, p95_latency_ms_5m=300.0, top_error="POST /checkout 500")


class CountingSource:
    """A ContextSource wrapper that counts how often the MCP source fell back to it."""

    def __init__(self, inner: MetricsContextSource) -> None:
        self.inner = inner
        self.name = inner.name
        self.calls = 0

    def gather(self, incident: IncidentRecord) -> GatheredContext:
        self.calls += 1
        return self.inner.gather(incident)


def _metrics_fallback(fetch: Callable[[str], str] = lambda url: PROMETHEUS_TEXT) -> CountingSource:
    metrics = PrometheusMetricsSource("http://demo-app.test/metrics", fetch=fetch)
    return CountingSource(MetricsContextSource(metrics, "http://demo-app.test"))


@pytest.fixture
def fallback() -> CountingSource:
    return _metrics_fallback()


@pytest.fixture
def incident(tmp_path: Path) -> IncidentRecord:
    store = SqliteStore(tmp_path / "incidents.db")
    reading = SignalReading(**DETECTED_SIGNAL.model_dump())
    record, _ = IncidentService(store, service=SCENARIO.service).open_or_join(
        reading, source="datadog", actor="test", monitor_id=MONITOR_ID)
    store.close()
    return record


@pytest.fixture
def serve() -> Iterator[Callable[[DatadogMcpDouble], str]]:
    """Starts doubles on demand; each is stopped (by its server handle) when the test ends."""
    with ExitStack() as servers:
        yield lambda double: servers.enter_context(double.running())


def _source(url: str, fallback: CountingSource, api_key: str = DEFAULT_API_KEY,
            timeout_seconds: float = 20.0) -> McpContextSource:
    return McpContextSource(url, api_key, DEFAULT_APP_KEY, SCENARIO.service, SCENARIO.env,
                            timeout_seconds=timeout_seconds, fallback=fallback, site=SCENARIO.site)


# -- discovery against the double ----------------------------------------------------------------------------

TOOLSETS = {
    # toolset: (metric tool, monitor tool, error tool, a URL only that error tool returns)
    "v2": ("get_datadog_metric_v2", "search_datadog_monitors", "search_datadog_logs",
           SCENARIO.app_url("/logs?query=service%3Ademo-app%20status%3Aerror&saved_view=mcp")),
    "v3": ("metrics_timeseries_query_beta", "find_monitors_by_id", "apm_search_spans",
           SCENARIO.app_url("/apm/traces?query=service%3Ademo-app%20status%3Aerror")),
}


@pytest.mark.parametrize("toolset", sorted(TOOLSETS))
def test_tools_are_found_by_discovery_and_fill_the_context(
        toolset: str, serve: Callable[[DatadogMcpDouble], str], fallback: CountingSource,
        incident: IncidentRecord) -> None:
    metric_tool, monitor_tool, error_tool, returned_url = TOOLSETS[toolset]
    double = DatadogMcpDouble(toolset=toolset)  # type: ignore[arg-type]

    gathered = _source(serve(double), fallback).gather(incident)

    assert gathered.source == "mcp"
    assert gathered.signal.error_rate_5m == pytest.approx(SCENARIO.error_rate)
    assert gathered.signal.p95_latency_ms_5m == pytest.approx(SCENARIO.p95_ms)
    assert gathered.signal.top_error == "POST /checkout 500"
    assert fallback.calls == 0
    # Only the tools that answer the three questions were called: never a decoy, never a mutating tool.
    assert double.called_tools() == {metric_tool, monitor_tool, error_tool}
    assert [call.tool for call in double.calls].count(metric_tool) == 3  # hits, errors, p95
    urls = {link.url for link in gathered.evidence_links}
    assert returned_url in urls
    assert SCENARIO.app_url(f"/monitors/{MONITOR_ID}?view=spans") in urls  # as the monitor tool returned it
    assert SCENARIO.app_url(f"/apm/services/{SCENARIO.service}?env={SCENARIO.env}") in urls
    assert f"error_rate_5m: from the Datadog MCP tool {metric_tool}." in gathered.notes
    assert f"top_error: from the Datadog MCP tool {error_tool}." in gathered.notes
    assert f"Monitor {MONITOR_ID} ({SCENARIO.monitor_name}) is Alert." in gathered.notes


def test_every_request_carries_both_datadog_keys(serve: Callable[[DatadogMcpDouble], str],
                                                 fallback: CountingSource, incident: IncidentRecord) -> None:
    double = DatadogMcpDouble(toolset="v2")
    _source(serve(double), fallback).gather(incident)
    assert double.requests
    assert {(r.get("dd_api_key"), r.get("dd_application_key")) for r in double.requests} == {
        (DEFAULT_API_KEY, DEFAULT_APP_KEY)}


def test_a_refused_key_falls_back_entirely_with_a_note(
        serve: Callable[[DatadogMcpDouble], str], fallback: CountingSource, incident: IncidentRecord) -> None:
    double = DatadogMcpDouble(toolset="v2")
    gathered = _source(serve(double), fallback, api_key="revoked-key").gather(incident)

    assert gathered.source == "metrics:prometheus"
    assert _is_fallback_signal(gathered.signal)
    assert "refused the keys (HTTP 401)" in gathered.notes[0] and "DD_API_KEY" in gathered.notes[0]
    assert double.calls == []
    assert double.requests and all(r.get("dd_api_key") == "revoked-key" for r in double.requests)


def test_an_unreachable_server_falls_back_entirely(fallback: CountingSource,
                                                   incident: IncidentRecord) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gathered = _source(f"http://127.0.0.1:{port}/api/unstable/mcp-server/mcp", fallback).gather(incident)

    assert gathered.source == "metrics:prometheus"
    assert _is_fallback_signal(gathered.signal)
    assert "could not be used" in gathered.notes[0]
    assert "Every field came from metrics:prometheus" in gathered.notes[0]


def test_a_server_that_never_answers_falls_back_after_the_timeout(fallback: CountingSource,
                                                                  incident: IncidentRecord) -> None:
    with socket.socket() as silent:  # accepts connections (in the backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/mcp"
        gathered = _source(url, fallback, timeout_seconds=1.0).gather(incident)

    assert gathered.source == "metrics:prometheus"
    assert "did not answer within 1 s" in gathered.notes[0]


def test_fields_the_server_cannot_give_come_from_the_fallback(serve: Callable[[DatadogMcpDouble], str],
                                                              fallback: CountingSource,
                                                              incident: IncidentRecord) -> None:
    gathered = _source(serve(DatadogMcpDouble(toolset="logs_only")), fallback).gather(incident)

    assert gathered.source == "mcp"
    assert gathered.signal.error_rate_5m == FALLBACK_SIGNAL.error_rate_5m
    assert gathered.signal.p95_latency_ms_5m == pytest.approx(FALLBACK_SIGNAL.p95_latency_ms_5m)
    assert gathered.signal.top_error == "POST /checkout 500"
    assert fallback.calls == 1
    assert "No Datadog MCP tool could run a metric query." in gathered.notes
    assert "error_rate_5m: the Datadog MCP server had no answer; from metrics:prometheus." in gathered.notes
    assert "top_error: from the Datadog MCP tool search_datadog_logs." in gathered.notes
    assert "http://demo-app.test/metrics" in {link.url for link in gathered.evidence_links}


def test_a_tool_that_fails_leaves_only_its_fields_to_the_fallback(serve: Callable[[DatadogMcpDouble], str],
                                                                  fallback: CountingSource,
                                                                  incident: IncidentRecord) -> None:
    double = DatadogMcpDouble(toolset="v2", failing_tools={"get_datadog_metric_v2"})
    gathered = _source(serve(double), fallback).gather(incident)

    assert gathered.signal.error_rate_5m == FALLBACK_SIGNAL.error_rate_5m
    assert gathered.signal.top_error == "POST /checkout 500"
    assert any(note.startswith("Datadog MCP tool get_datadog_metric_v2 answered with an error") for note in
               gathered.notes)


def test_without_server_or_metrics_the_detected_signal_stays(serve: Callable[[DatadogMcpDouble], str],
                                                             incident: IncidentRecord) -> None:
    def metrics_down(url: str) -> str:
        raise httpx.ConnectError("connection refused")

    source = _source(serve(DatadogMcpDouble(toolset="logs_only")), _metrics_fallback(metrics_down))
    gathered = source.gather(incident)

    assert gathered.signal.error_rate_5m == DETECTED_SIGNAL.error_rate_5m
    assert gathered.signal.p95_latency_ms_5m == DETECTED_SIGNAL.p95_latency_ms_5m
    assert any("kept the value the incident was detected with" in note for note in gathered.notes)


# -- the discovery rules themselves ------------------------------------------------------------------------

def _tool(name: str, description: str, properties: dict, required: list[str],
          annotations: types.ToolAnnotations | None = None) -> types.Tool:
    return types.Tool(name=name, description=description, annotations=annotations,
                      input_schema={"type": "object", "properties": properties, "required": required})


VALUES = ArgumentValues("sum:trace.fastapi.request.hits{service:demo-app}", "demo-app", "local",
                        (1_700_000_000.0, 1_700_000_300.0), monitor_id=MONITOR_ID)


def test_the_metric_query_tool_beats_metric_metadata_and_name_search() -> None:
    query = {"query": {"type": "string"}}
    tools = [
        _tool("search_datadog_metrics", "Lists available metrics, with options for filtering and metadata.",
              query, []),
        _tool("get_datadog_metric_context", "Retrieves metric metadata, available tags and tag values.",
              query, []),
        _tool("get_datadog_metric", "Queries and analyzes historical or real-time metric data.",
              query, ["query"]),
    ]
    chosen = choose_tool(tools, METRICS, VALUES)
    assert chosen is not None and chosen.name == "get_datadog_metric"


def test_tools_with_unfillable_arguments_or_side_effects_are_never_chosen() -> None:
    tools = [
        _tool("get_datadog_trace", "Fetch a complete trace with its error spans.",
              {"trace_id": {"type": "string"}}, ["trace_id"]),
        _tool("delete_error_logs", "Delete error logs matching a query.",
              {"query": {"type": "string"}}, ["query"]),
        _tool("error_log_search", "Search error logs.", {"query": {"type": "string"}}, ["query"],
              types.ToolAnnotations(destructive_hint=True)),
    ]
    assert choose_tool(tools, ERRORS, VALUES) is None
    searchable = _tool("search_logs", "Search logs.", {"query": {"type": "string"}}, ["query"])
    assert choose_tool([*tools, searchable], ERRORS, VALUES).name == "search_logs"  # type: ignore[union-attr]


def test_arguments_follow_the_schema_types_and_time_formats() -> None:
    schema = {"type": "object", "required": ["queries", "from"], "properties": {
        "queries": {"type": "array", "items": {"type": "string"}},
        "from": {"type": "integer", "description": "Start, unix epoch milliseconds."},
        "to": {"type": "integer"},
        "end_time": {"type": "string", "format": "date-time"},
        "since": {"type": "string", "description": "Relative time such as now-1h."},
        "monitor_ids": {"type": "array", "items": {"type": "integer"}},
        "limit": {"type": "integer", "maximum": 10},
        "sort": {"type": "string", "enum": ["asc", "desc"]},
    }}
    assert fill_arguments(schema, VALUES) == {
        "queries": [VALUES.query], "from": 1_700_000_000_000, "to": 1_700_000_300,
        "end_time": "2023-11-14T22:18:20Z", "since": "now-5m", "monitor_ids": [4242], "limit": 10,
    }
    assert fill_arguments({**schema, "required": ["sort"]}, VALUES) is None


# -- the real asset ---------------------------------------------------------------------------------------

@pytest.fixture
def mcp_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                    serve: Callable[[DatadogMcpDouble], str]) -> Iterator[tuple[Settings, DatadogMcpDouble]]:
    """Settings read from the environment, as Dagster's resources read them, pointing at a running double."""
    double = DatadogMcpDouble(toolset="v3")
    environment = {
        "EVALFORGE_HOME": str(tmp_path), "EVALFORGE_STORE": f"sqlite:///{tmp_path / 'evalforge.db'}",
        "EVALFORGE_SPAN_SOURCE": "sample", "DATADOG_MCP_URL": serve(double), "DD_API_KEY": DEFAULT_API_KEY,
        "DD_APP_KEY": DEFAULT_APP_KEY, "DD_SITE": SCENARIO.site, "DD_SERVICE": SCENARIO.service,
        "DD_ENV": SCENARIO.env, "DEMO_APP_URL": "http://127.0.0.1:9",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    _metrics_source.cache_clear()
    yield get_settings(), double
    get_settings.cache_clear()
    _metrics_source.cache_clear()  # it was built from this test's settings


def test_incident_context_asset_gathers_through_mcp(
        mcp_environment: tuple[Settings, DatadogMcpDouble]) -> None:
    settings, double = mcp_environment
    store = SqliteStore(settings.resolved_store_url.removeprefix("sqlite:///"))
    incident, _ = IncidentService(store, service=SCENARIO.service).open_or_join(
        SignalReading(**DETECTED_SIGNAL.model_dump()), source="datadog", actor="test", monitor_id=MONITOR_ID)
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("incidents", [incident.incident_id])
    defs = dg.Definitions(assets=[incident_context, recovery_plan, validation_runs],
                          resources=build_resources(settings))

    result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
        instance=instance, partition_key=incident.incident_id, asset_selection=[incident_context.key])

    assert result.success
    metadata = materialization_metadata(result, "incident_context")
    assert metadata["source"] == "mcp"
    assert "error_rate_5m: from the Datadog MCP tool metrics_timeseries_query_beta." in metadata["notes"]
    assert metadata["error_rate_5m"] == pytest.approx(SCENARIO.error_rate)
    assert metadata["top_error"] == "POST /checkout 500"
    metric_tool, monitor_tool, error_tool, returned_url = TOOLSETS["v3"]
    assert double.called_tools() == {metric_tool, monitor_tool, error_tool}
    saved = store.get_incident(incident.incident_id)
    assert saved is not None
    assert saved.card.datadog_summary.signal.error_rate_5m == pytest.approx(SCENARIO.error_rate)
    assert returned_url in {link.url for link in saved.card.datadog_summary.evidence_links}
    store.close()
