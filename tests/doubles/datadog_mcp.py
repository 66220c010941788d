"""A local Datadog MCP server, for testing the incident-context path that talks to Datadog through MCP.

`DatadogMcpDouble` serves a real MCP server (the installed `mcp` package's low-level `Server`, streamable
HTTP) with uvicorn on a free 127.0.0.1 port in a background thread, at Datadog's path
`/api/unstable/mcp-server/mcp`. Like Datadog it refuses any HTTP request without the right `DD_API_KEY` and
`DD_APPLICATION_KEY` headers (401). Its tools look like Datadog's (names, descriptions, JSON input schemas
with required arguments) but come in toolsets with different names, so tests prove the client discovers
tools instead of knowing them:

- `v2`: `get_datadog_metric_v2` (v1 `pointlist` JSON), `search_datadog_monitors`, `search_datadog_logs`
  (JSON with a UI link), plus decoys: a metric metadata tool, a metric-name search, a trace fetch needing a
  trace id, and `mute_datadog_monitor`, which must never be called.
- `v3`: `metrics_timeseries_query_beta` (v2 columnar JSON; epoch-millisecond `start`/`end`),
  `find_monitors_by_id` (YAML), `apm_search_spans` (YAML spans plus a text block with a link), plus decoys:
  `list_metric_names`, `search_llmobs_error_spans` (needs an ml_app) and `delete_monitor`.
- `logs_only`: just `search_datadog_logs`, for fields that must come from elsewhere.

Every tool validates its arguments against its own input schema (and its time format) and answers from one
`Scenario`: the service's hits, errors by resource and status, p95 latency, error logs and one monitor. Tools
answer "nothing found" unless the query names the scenario's service, so a client that drops the service
gets nothing. `failing_tools` answer like a Datadog outage. `calls` and `requests` record what the client
really sent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import jsonschema
import yaml
from mcp import types
from mcp.server.lowlevel.server import Server
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.api.uvicorn_server import serving

DEFAULT_API_KEY = "mcp-double-api-key"
DEFAULT_APP_KEY = "mcp-double-app-key"
MCP_PATH = "/api/unstable/mcp-server/mcp"
Toolset = Literal["v2", "v3", "logs_only"]


@dataclass(frozen=True)
class ErrorGroup:
    resource: str  # as Datadog tags it, e.g. "post_/checkout"
    method: str
    route: str
    status: int
    per_minute: int
    message: str


@dataclass(frozen=True)
class Scenario:
    """What Datadog has seen of the service over the last five minutes (one point a minute)."""

    service: str = "demo-app"
    env: str = "local"
    hits_per_minute: int = 120
    errors: tuple[ErrorGroup, ...] = (
        ErrorGroup("post_/checkout", "POST", "/checkout", 500, 18, "payment gateway timed out"),
        ErrorGroup("get_/inventory", "GET", "/inventory", 503, 2, "inventory cache unavailable"),
    )
    p95_seconds: tuple[float, ...] = (0.80, 0.82, 0.84, 0.86, 0.88)
    monitor_id: int = 4242
    monitor_name: str = "demo-app error rate above 5%"
    site: str = "datadoghq.com"

    @property
    def error_rate(self) -> float:
        return sum(group.per_minute for group in self.errors) / self.hits_per_minute

    @property
    def p95_ms(self) -> float:
        return sum(self.p95_seconds) / len(self.p95_seconds) * 1000.0

    @property
    def minutes(self) -> int:
        return len(self.p95_seconds)

    def point_times_ms(self) -> list[int]:
        now_ms = int(time.time() * 1000)
        return [now_ms - (self.minutes - 1 - i) * 60_000 for i in range(self.minutes)]

    def error_log_records(self) -> list[dict[str, Any]]:
        """Error logs in the proportions of the error groups (five of the first, two of the second...)."""
        per_group = [5, 2, 1]
        return [{"method": g.method, "route": g.route, "status": g.status, "message": g.message}
                for g, count in zip(self.errors, per_group, strict=False) for _ in range(count)]

    def app_url(self, path: str) -> str:
        return f"https://app.{self.site}{path}"


@dataclass(frozen=True)
class RecordedCall:
    tool: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class DoubleTool:
    definition: types.Tool
    answer: Callable[[dict[str, Any]], types.CallToolResult]
    time_check: Callable[[dict[str, Any]], str | None] = lambda arguments: None


def _text(*blocks: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=block) for block in blocks])


def _error(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=message)], is_error=True)


def _names_service(query: str, scenario: Scenario) -> bool:
    return f"service:{scenario.service}" in query


# -- answers ------------------------------------------------------------------------------------------------

def _error_records(query: str, scenario: Scenario) -> list[dict[str, Any]]:
    wanted = _names_service(query, scenario) and "status:error" in query
    return scenario.error_log_records() if wanted else []


def _metric_groups(query: str, scenario: Scenario) -> list[tuple[list[str], list[float]]]:
    """(group tags, one value a minute) for a trace metric query about the scenario's service."""
    if not _names_service(query, scenario) or f"env:{scenario.env}" not in query:
        return []
    if ".hits{" in query:
        return [([], [float(scenario.hits_per_minute)] * scenario.minutes)]
    if ".errors{" in query:
        return [([f"resource_name:{g.resource}", f"http.status_code:{g.status}"],
                 [float(g.per_minute)] * scenario.minutes) for g in scenario.errors]
    if query.startswith("p95:trace."):
        return [([], list(scenario.p95_seconds))]
    return []


def _v1_metric_answer(scenario: Scenario) -> Callable[[dict[str, Any]], types.CallToolResult]:
    def answer(arguments: dict[str, Any]) -> types.CallToolResult:
        times = scenario.point_times_ms()
        series = [{"metric": query.split("{")[0], "scope": ",".join([f"service:{scenario.service}", *tags]),
                   "pointlist": [[at, value] for at, value in zip(times, values, strict=True)],
                   "expression": query}
                  for query in arguments["queries"] for tags, values in _metric_groups(query, scenario)]
        return _text(json.dumps({"status": "ok", "res_type": "time_series", "series": series}))
    return answer


def _v2_columnar_metric_answer(scenario: Scenario) -> Callable[[dict[str, Any]], types.CallToolResult]:
    def answer(arguments: dict[str, Any]) -> types.CallToolResult:
        groups = _metric_groups(arguments["query"], scenario)
        body = {"data": {"type": "timeseries_response", "attributes": {
            "series": [{"group_tags": tags, "query_index": 0, "unit": None} for tags, _ in groups],
            "times": scenario.point_times_ms(),
            "values": [values for _, values in groups],
        }}}
        return _text(json.dumps(body))
    return answer


def _logs_answer(scenario: Scenario) -> Callable[[dict[str, Any]], types.CallToolResult]:
    def answer(arguments: dict[str, Any]) -> types.CallToolResult:
        records = _error_records(arguments["query"], scenario)[: arguments.get("limit", 1000)]
        data = [{"id": f"log-{i}", "type": "log", "attributes": {
            "service": scenario.service, "status": "error",
            "message": f"{r['method']} {r['route']} -> {r['message']}",
            "attributes": {"http": {"method": r["method"], "url_details": {"path": r["route"]},
                                    "status_code": r["status"]}}}}
                for i, r in enumerate(records)]
        ui = scenario.app_url(f"/logs?query=service%3A{scenario.service}%20status%3Aerror&saved_view=mcp")
        return _text(json.dumps({"data": data, "meta": {"status": "done"}, "links": {"ui": ui}}))
    return answer


def _spans_answer(scenario: Scenario) -> Callable[[dict[str, Any]], types.CallToolResult]:
    def answer(arguments: dict[str, Any]) -> types.CallToolResult:
        records = _error_records(arguments["filter"], scenario)[: arguments.get("page_size", 25)]
        spans = [{"span_id": str(1000 + i), "service": scenario.service, "name": "fastapi.request",
                  "resource_name": f"{r['method']} {r['route']}", "error": 1,
                  "meta": {"http.status_code": str(r["status"]), "error.type": "HTTPException",
                           "error.message": r["message"]}}
                 for i, r in enumerate(records)]
        link = scenario.app_url(f"/apm/traces?query=service%3A{scenario.service}%20status%3Aerror")
        return _text(yaml.safe_dump({"spans": spans, "total": len(spans)}, sort_keys=False),
                     f"Open these spans in Datadog: {link}")
    return answer


def _monitor_record(scenario: Scenario) -> dict[str, Any]:
    return {"id": scenario.monitor_id, "name": scenario.monitor_name, "type": "query alert",
            "overall_state": "Alert",
            "query": f"sum(last_5m):sum:trace.fastapi.request.errors{{service:{scenario.service}}}"
                     ".as_count() > 5",
            "url": scenario.app_url(f"/monitors/{scenario.monitor_id}?view=spans")}


def _monitor_search_answer(scenario: Scenario) -> Callable[[dict[str, Any]], types.CallToolResult]:
    def answer(arguments: dict[str, Any]) -> types.CallToolResult:
        found = [_monitor_record(scenario)] if str(scenario.monitor_id) in arguments["query"] else []
        return _text(json.dumps({"monitors": found, "metadata": {"total_count": len(found)}}))
    return answer


def _monitor_by_id_answer(scenario: Scenario) -> Callable[[dict[str, Any]], types.CallToolResult]:
    def answer(arguments: dict[str, Any]) -> types.CallToolResult:
        found = [_monitor_record(scenario)] if scenario.monitor_id in arguments["monitor_ids"] else []
        return _text(yaml.safe_dump({"monitors": found}, sort_keys=False))
    return answer


def _refuse(reason: str) -> Callable[[dict[str, Any]], types.CallToolResult]:
    def answer(arguments: dict[str, Any]) -> types.CallToolResult:
        return _error(reason)
    return answer


# -- time checks: the arguments must really describe the last few minutes, in the tool's format -----------

def _relative_or_iso(*names: str) -> Callable[[dict[str, Any]], str | None]:
    def check(arguments: dict[str, Any]) -> str | None:
        for name in names:
            value = arguments.get(name)
            if value is not None and not (str(value).startswith("now") or "T" in str(value)):
                return f"'{name}' must be like now-15m or ISO 8601; got {value!r}"
        return None
    return check


def _epoch_ms(*names: str) -> Callable[[dict[str, Any]], str | None]:
    def check(arguments: dict[str, Any]) -> str | None:
        now_ms = time.time() * 1000
        for name in names:
            value = arguments.get(name)
            if value is not None and not now_ms - 3_600_000 <= value <= now_ms + 60_000:
                return f"'{name}' must be epoch milliseconds within the last hour; got {value!r}"
        return None
    return check


# -- toolsets ------------------------------------------------------------------------------------------------

def _tool(name: str, description: str, properties: dict[str, Any], required: list[str],
          annotations: types.ToolAnnotations | None = None) -> types.Tool:
    return types.Tool(name=name, description=description, annotations=annotations,
                      input_schema={"type": "object", "properties": properties, "required": required})


_TIME_TEXT = {"type": "string",
              "description": "Start of the range: now-15m, an ISO 8601 time or epoch seconds."}
_END_TEXT = {**_TIME_TEXT, "description": "End of the range (default now)."}
_READ_ONLY = types.ToolAnnotations(read_only_hint=True)


def _search_logs_tool(scenario: Scenario) -> DoubleTool:
    return DoubleTool(
        _tool("search_datadog_logs",
              "Search logs with a Datadog log query (service, status, host, attributes) over a time range "
              "and return matching log events.",
              {"query": {"type": "string", "description": "Log search query, e.g. service:web status:error"},
               "from": _TIME_TEXT, "to": _END_TEXT,
               "limit": {"type": "integer", "minimum": 1, "maximum": 1000}},
              ["query", "from"], _READ_ONLY),
        _logs_answer(scenario), _relative_or_iso("from", "to"))


def _v2_tools(scenario: Scenario) -> list[DoubleTool]:
    return [
        DoubleTool(_tool("mute_datadog_monitor", "Mute a monitor so it stops notifying; returns its status.",
                         {"monitor_id": {"type": "integer"}}, ["monitor_id"],
                         types.ToolAnnotations(destructive_hint=True)),
                   _refuse("muting is not allowed in this double")),
        DoubleTool(_tool("search_datadog_metrics",
                         "List available metric names, with filtering and metadata.",
                         {"query": {"type": "string", "description": "Metric name filter"}}, [], _READ_ONLY),
                   lambda arguments: _text(json.dumps({"metrics": ["trace.fastapi.request.hits"]}))),
        DoubleTool(_tool("get_datadog_metric_context",
                         "Get metric metadata, available tags and tag values for filtering and grouping.",
                         {"metric_name": {"type": "string"}}, ["metric_name"], _READ_ONLY),
                   _refuse("unknown metric")),
        DoubleTool(_tool("get_datadog_metric_v2",
                         "Query timeseries points of one or more Datadog metric queries over a time range, "
                         "e.g. avg:system.cpu.user{*} by {host}.",
                         {"queries": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                          "from": _TIME_TEXT, "to": _END_TEXT,
                          "max_points": {"type": "integer"}},
                         ["queries", "from"], _READ_ONLY),
                   _v1_metric_answer(scenario), _relative_or_iso("from", "to")),
        DoubleTool(_tool("get_datadog_trace", "Fetch a complete APM trace by its trace id.",
                         {"trace_id": {"type": "string"}}, ["trace_id"], _READ_ONLY),
                   _refuse("unknown trace")),
        DoubleTool(_tool("search_datadog_monitors",
                         "Search Datadog monitors by id, name, tag or status and return their current state.",
                         {"query": {"type": "string"}, "per_page": {"type": "integer", "maximum": 100}},
                         ["query"], _READ_ONLY),
                   _monitor_search_answer(scenario)),
        _search_logs_tool(scenario),
    ]


def _v3_tools(scenario: Scenario) -> list[DoubleTool]:
    epoch_ms = {"type": "integer", "description": "Unix epoch milliseconds."}
    return [
        DoubleTool(_tool("list_metric_names", "List metric names that start with a prefix.",
                         {"prefix": {"type": "string"}}, ["prefix"]),
                   lambda arguments: _text("trace.fastapi.request.hits")),
        DoubleTool(_tool("delete_monitor", "Delete a monitor by id.", {"monitor_id": {"type": "integer"}},
                         ["monitor_id"]),
                   _refuse("deleting is not allowed in this double")),
        DoubleTool(_tool("search_llmobs_error_spans",
                         "Search LLM Observability spans with errors for an ML app.",
                         {"ml_app": {"type": "string"}, "query": {"type": "string"}}, ["ml_app"]),
                   _refuse("unknown ml_app")),
        DoubleTool(_tool("apm_search_spans",
                         "Search APM spans, error spans included, for a service over a time window.",
                         {"filter": {"type": "string",
                                     "description": "Span query, e.g. service:web status:error"},
                          "from_ts": {**epoch_ms, "description": "Window start, unix epoch milliseconds."},
                          "to_ts": {**epoch_ms, "description": "Window end, unix epoch milliseconds."},
                          "page_size": {"type": "integer", "maximum": 25}},
                         ["filter", "from_ts"]),
                   _spans_answer(scenario), _epoch_ms("from_ts", "to_ts")),
        DoubleTool(_tool("metrics_timeseries_query_beta",
                         "Runs a Datadog metrics query and returns its timeseries in the v2 columnar format.",
                         {"query": {"type": "string"},
                          "start": {**epoch_ms, "description": "Window start, unix epoch milliseconds."},
                          "end": {**epoch_ms, "description": "Window end, unix epoch milliseconds."}},
                         ["query", "start", "end"]),
                   _v2_columnar_metric_answer(scenario), _epoch_ms("start", "end")),
        DoubleTool(_tool("find_monitors_by_id",
                         "Look up Datadog monitors by id and report their current state.",
                         {"monitor_ids": {"type": "array", "items": {"type": "integer"}}}, ["monitor_ids"]),
                   _monitor_by_id_answer(scenario)),
    ]


TOOLSETS: dict[Toolset, Callable[[Scenario], list[DoubleTool]]] = {
    "v2": _v2_tools,
    "v3": _v3_tools,
    "logs_only": lambda scenario: [_search_logs_tool(scenario)],
}


# -- the server ----------------------------------------------------------------------------------------------

class _RequireDatadogKeys:
    """ASGI middleware: 401 unless both key headers match, as Datadog answers; records every request's
    headers."""

    def __init__(self, app: ASGIApp, api_key: str, app_key: str, requests: list[Mapping[str, str]]) -> None:
        self.app = app
        self.expected = {"dd_api_key": api_key, "dd_application_key": app_key}
        self.requests = requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = {name.decode("latin-1").lower(): value.decode("latin-1")
                       for name, value in scope["headers"]}
            self.requests.append(headers)
            if any(headers.get(name) != value for name, value in self.expected.items()):
                await JSONResponse({"errors": ["Unauthorized"]}, status_code=401)(scope, receive, send)
                return
        await self.app(scope, receive, send)


@dataclass
class DatadogMcpDouble:
    """A Datadog-like MCP server; `running()` serves it and yields its URL."""

    toolset: Toolset = "v2"
    scenario: Scenario = field(default_factory=Scenario)
    api_key: str = DEFAULT_API_KEY
    app_key: str = DEFAULT_APP_KEY
    failing_tools: set[str] = field(default_factory=set)  # these answer like a Datadog API outage
    calls: list[RecordedCall] = field(default_factory=list)
    requests: list[Mapping[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tools = {tool.definition.name: tool for tool in TOOLSETS[self.toolset](self.scenario)}

    @property
    def tool_names(self) -> set[str]:
        return set(self.tools)

    def called_tools(self) -> set[str]:
        return {call.tool for call in self.calls}

    def _server(self) -> Server[Any]:
        async def list_tools(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
            return types.ListToolsResult(tools=[tool.definition for tool in self.tools.values()])

        async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
            arguments = dict(params.arguments or {})
            self.calls.append(RecordedCall(params.name, arguments))
            tool = self.tools.get(params.name)
            if tool is None:
                return _error(f"Unknown tool {params.name!r}.")
            if params.name in self.failing_tools:
                return _error("Datadog API answered HTTP 500: Internal Server Error. Try again later.")
            try:
                jsonschema.validate(arguments, tool.definition.input_schema)
            except jsonschema.ValidationError as error:
                return _error(f"Invalid arguments for {params.name}: {error.message}")
            problem = tool.time_check(arguments)
            if problem:
                return _error(f"Invalid arguments for {params.name}: {problem}")
            return tool.answer(arguments)

        return Server("datadog-mcp-double", version="0.0-test", on_list_tools=list_tools,
                      on_call_tool=call_tool)

    def app(self) -> ASGIApp:
        """A new ASGI app (an MCP session manager runs once, so each serving gets its own server)."""
        inner = self._server().streamable_http_app(streamable_http_path=MCP_PATH)
        return _RequireDatadogKeys(inner, self.api_key, self.app_key, self.requests)

    @contextmanager
    def running(self) -> Iterator[str]:
        """Serve until the block ends; yields the endpoint URL with Datadog's toolsets query string."""
        with serving(self.app()) as base_url:
            yield f"{base_url}{MCP_PATH}?toolsets=core,llmobs"
