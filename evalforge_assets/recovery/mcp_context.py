"""An incident's context (signal, top error, evidence links) through the Datadog MCP server's tools.

Datadog renames and reshapes its MCP tools between versions, so nothing here names a tool. At run time the
source lists the server's tools and, for each question it has to ask, picks the tool that fits best:

- Questions. `METRICS`: the service's APM trace metrics over the last five minutes (hits, errors by
  resource and status, p95 latency; the queries of `DatadogMetricsSource`). `MONITOR`: the incident's
  monitor, only when the incident has a `monitor_id`. `ERRORS`: the service's error logs or error spans over
  the last five minutes, for the top error.
- Scoring. The tool's name and description are split into words; each wanted keyword of the question that
  begins a word adds its weight (twice as much in the name), each unwanted one subtracts it. A tool that looks
  like it changes anything (create, delete, mute, ... or `destructiveHint` / `readOnlyHint: false`) is never
  used. The best positive score wins; ties go to the tool listed first.
- Schema. A tool is only eligible when every required argument of its input schema can be filled from what
  this source knows: a query (`query`, `queries`, `filter`, `*_query`, ...), the time window (`from`/`to`,
  `start`/`end`, ... as `now-5m`, ISO-8601 or epoch seconds/milliseconds, as the schema's type and
  description say), service, env, monitor id, and a result limit. Optional arguments it recognises are filled
  too; others are left out.

Results are parsed defensively: JSON, else YAML, else plain text; metric series in Datadog's v1 (`pointlist`)
or v2 (`times` / `values`) shapes or as lists of `[time, value]` pairs; error records as dictionaries whose
resource, HTTP status or error fields give a label such as "POST /checkout 500". Every URL a tool returns
becomes an evidence link, next to `app.<site>` links built here.

Whatever the server cannot answer falls back, field by field, to another `ContextSource` (the metrics one);
when that fails too, to the signal the incident was detected with. If the server cannot be reached or refuses
the keys, everything comes from the fallback. `GatheredContext.notes` says where each field came from.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote

import anyio
import httpx2
import mcp.types as mcp_types
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from evalforge_assets.models import IncidentRecord, Link, Signal
from evalforge_assets.recovery.context_types import ContextSource, GatheredContext

# Re-exported: tests and callers import the tool-choice and result-reading names from here.
from evalforge_assets.recovery.mcp_results import (
    TOP_ERROR_MAX_CHARS,
    error_label,
    error_records_in,
    parse_text,
    result_payloads,
    result_texts,
    series_in,
    top_error_of,
    top_error_of_series,
    urls_in,
    walk,
)
from evalforge_assets.recovery.mcp_tools import (
    ERRORS,
    METRICS,
    MONITOR,
    RESULT_LIMIT,
    ArgumentValues,
    Question,
    ToolCall,
    choose_tool,
    fill_arguments,
    score_tool,
)
from evalforge_assets.recovery.service_metrics import (
    DEFAULT_SPAN_NAME,
    DatadogQueries,
    MetricSeries,
    MetricsUnavailableError,
)

__all__ = [
    "ERRORS",
    "MAX_LINKS_PER_TOOL",
    "MAX_TOOL_PAGES",
    "METRICS",
    "MONITOR",
    "RESULT_LIMIT",
    "SOURCE_NAME",
    "TOP_ERROR_MAX_CHARS",
    "WINDOW_SECONDS",
    "ArgumentValues",
    "Finding",
    "McpContextSource",
    "McpFindings",
    "McpUnavailableError",
    "Question",
    "ToolCall",
    "choose_tool",
    "error_label",
    "error_records_in",
    "fill_arguments",
    "parse_text",
    "result_payloads",
    "result_texts",
    "run_blocking",
    "score_tool",
    "series_in",
    "top_error_of",
    "top_error_of_series",
    "urls_in",
]

logger = logging.getLogger("evalforge.mcp_context")

SOURCE_NAME = "mcp"
WINDOW_SECONDS = 300
MAX_TOOL_PAGES = 20
MAX_LINKS_PER_TOOL = 8
_T = TypeVar("_T")





@dataclass
class Finding:
    """One signal field as the server gave it, and which tool it came from."""

    value: Any
    tool: str


@dataclass
class McpFindings:
    """What one conversation with the server found; a field left None is answered by the fallback."""

    error_rate_5m: Finding | None = None
    p95_latency_ms_5m: Finding | None = None
    top_error: Finding | None = None
    links: list[Link] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class McpUnavailableError(RuntimeError):
    """The Datadog MCP server could not be used at all; the message says why and what to check."""


def run_blocking(function: Callable[..., Awaitable[_T]], *args: Any) -> _T:
    """Run an async function to completion from sync code (Dagster assets are sync), even when the calling
    thread already runs an event loop (then it runs on a short-lived worker thread with its own loop)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return anyio.run(function, *args)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="datadog-mcp") as pool:
        return pool.submit(anyio.run, function, *args).result()


def _leaf_errors(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaf_errors(inner)]
    return [error]


class McpContextSource:
    """`ContextSource` over the Datadog MCP server (remote streamable HTTP, API and application key headers),
    with a fallback source for whatever the server cannot answer."""

    name = SOURCE_NAME

    def __init__(self, url: str, api_key: str, app_key: str, service: str, env: str,
                 timeout_seconds: float = 20.0, *, fallback: ContextSource, site: str = "datadoghq.com",
                 span_name: str = DEFAULT_SPAN_NAME, clock: Callable[[], float] = time.time) -> None:
        """
        url: the server endpoint, e.g. https://mcp.datadoghq.com/api/unstable/mcp-server/mcp?toolsets=core
        fallback: answers the fields the server cannot (usually `MetricsContextSource`).
        clock: epoch seconds, for the five-minute window.
        """
        if not (api_key and app_key):
            raise ValueError("The Datadog MCP server needs both an API key and an application key; "
                             "set DD_API_KEY and DD_APP_KEY.")
        DatadogQueries.build(span_name, service, env)  # refuse names a metric query cannot hold, now
        self.url = url
        self.service = service
        self.env = env
        self.site = site
        self.span_name = span_name
        self.timeout_seconds = timeout_seconds
        self.fallback = fallback
        self._headers = {"DD_API_KEY": api_key, "DD_APPLICATION_KEY": app_key}
        self._clock = clock

    def __repr__(self) -> str:
        return f"McpContextSource(url={self.url!r}, service={self.service!r}, env={self.env!r})"

    # ---- sync entry point --------------------------------------------------------------------------------
    def gather(self, incident: IncidentRecord) -> GatheredContext:
        try:
            findings = run_blocking(self._ask_server, incident)
        except McpUnavailableError as error:
            return self._all_from_fallback(incident, str(error))
        return self._combine(incident, findings)

    def _all_from_fallback(self, incident: IncidentRecord, reason: str) -> GatheredContext:
        gathered = self.fallback.gather(incident)
        note = f"{reason} Every field came from {gathered.source}."
        return gathered.model_copy(update={"notes": [note, *gathered.notes]})

    def _combine(self, incident: IncidentRecord, findings: McpFindings) -> GatheredContext:
        notes = list(findings.notes)
        fallback: GatheredContext | None = None
        fallback_error: str | None = None
        values: dict[str, Any] = {}
        for field_name in ("error_rate_5m", "p95_latency_ms_5m", "top_error"):
            finding: Finding | None = getattr(findings, field_name)
            if finding is not None:
                values[field_name] = finding.value
                notes.append(f"{field_name}: from the Datadog MCP tool {finding.tool}.")
                continue
            if fallback is None and fallback_error is None:
                try:
                    fallback = self.fallback.gather(incident)
                except MetricsUnavailableError as error:  # then the incident's own signal stays
                    fallback_error = f"{type(error).__name__}: {error}"
            if fallback is not None:
                values[field_name] = getattr(fallback.signal, field_name)
                notes.append(f"{field_name}: the Datadog MCP server had no answer; from {fallback.source}.")
            else:
                values[field_name] = getattr(incident.card.datadog_summary.signal, field_name)
                notes.append(f"{field_name}: neither the Datadog MCP server nor {self.fallback.name} could "
                             f"say ({fallback_error}); kept the value the incident was detected with.")
        links = [*findings.links, *self._datadog_app_links(incident),
                 *(fallback.evidence_links if fallback else ())]
        unique_links = list({link.url: link for link in links}.values())
        return GatheredContext(signal=Signal(**values), evidence_links=unique_links, source=self.name,
                               notes=notes)

    def _datadog_app_links(self, incident: IncidentRecord) -> list[Link]:
        app = f"https://app.{self.site}"
        service = incident.service or self.service
        now = self._clock()
        window = f"from_ts={int((now - WINDOW_SECONDS) * 1000)}&to_ts={int(now * 1000)}"
        links = [Link(label="Datadog APM service",
                      url=f"{app}/apm/services/{quote(service)}?env={quote(self.env)}"),
                 Link(label="Datadog error logs (last 5 minutes)",
                      url=f"{app}/logs?query={quote(self._error_query(service))}&{window}")]
        monitor = incident.card.datadog_summary.monitor_id
        if monitor:
            links.insert(0, Link(label=f"Datadog monitor {monitor}",
                                 url=f"{app}/monitors/{quote(str(monitor))}"))
        return links

    def _error_query(self, service: str) -> str:
        return f"service:{service} env:{self.env} status:error"

    # ---- async conversation ------------------------------------------------------------------------------
    async def _ask_server(self, incident: IncidentRecord) -> McpFindings:
        """Everything the server can tell about the incident. Raises `McpUnavailableError` when the server
        cannot be used at all; a tool that fails only leaves its fields empty, with a note."""
        refused: list[int] = []

        async def remember_refusal(response: httpx2.Response) -> None:
            if response.status_code in (401, 403):
                refused.append(response.status_code)

        try:
            with anyio.fail_after(self.timeout_seconds):
                async with httpx2.AsyncClient(
                    headers=self._headers, timeout=httpx2.Timeout(self.timeout_seconds),
                    follow_redirects=True, event_hooks={"response": [remember_refusal]},
                ) as http, Client(streamable_http_client(self.url, http_client=http), cache=None,
                                  read_timeout_seconds=self.timeout_seconds) as client:
                    return await self._ask_tools(client, incident)
        except Exception as error:
            if refused:
                raise McpUnavailableError(
                    f"The Datadog MCP server at {self.url} refused the keys (HTTP {refused[0]}): check that "
                    "DD_API_KEY and DD_APP_KEY are valid for DD_SITE and that the application key may use "
                    "MCP."
                ) from error
            if isinstance(error, TimeoutError):
                raise McpUnavailableError(
                    f"The Datadog MCP server at {self.url} did not answer within {self.timeout_seconds:g} s."
                ) from error
            reasons = "; ".join(f"{type(leaf).__name__}: {leaf}" for leaf in _leaf_errors(error))
            logger.warning("Datadog MCP server unavailable", exc_info=True)
            raise McpUnavailableError(
                f"The Datadog MCP server at {self.url} could not be used ({reasons}); check DATADOG_MCP_URL "
                "and the network."
            ) from error

    async def _ask_tools(self, client: Client, incident: IncidentRecord) -> McpFindings:
        tools = await _list_all_tools(client)
        plural = "" if len(tools) == 1 else "s"
        findings = McpFindings(notes=[f"Datadog MCP server listed {len(tools)} tool{plural}."])
        service = incident.service or self.service
        now = self._clock()
        window = (now - WINDOW_SECONDS, now)
        await self._ask_metrics(client, tools, service, window, findings)
        monitor_id = incident.card.datadog_summary.monitor_id
        if monitor_id:
            await self._ask_monitor(client, tools, service, window, str(monitor_id), findings)
        await self._ask_errors(client, tools, service, window, findings)
        return findings

    async def _call(self, client: Client, call: ToolCall, findings: McpFindings,
                    link_label: str) -> list[Any] | None:
        """Call one tool; its payloads, or None (with a note) when the call failed."""
        try:
            result = await client.call_tool(call.name, call.arguments)
        except MCPError as error:
            findings.notes.append(f"Datadog MCP tool {call.name} failed: {error}.")
            return None
        texts = result_texts(result)
        if result.is_error:
            detail = " ".join(texts)[:200] or "no detail"
            findings.notes.append(f"Datadog MCP tool {call.name} answered with an error: {detail}")
            return None
        for url in urls_in(texts)[:MAX_LINKS_PER_TOOL]:
            findings.links.append(Link(label=f"{link_label} ({call.name})", url=url))
        return result_payloads(result)

    async def _ask_metrics(self, client: Client, tools: list[mcp_types.Tool], service: str,
                           window: tuple[float, float], findings: McpFindings) -> None:
        queries = DatadogQueries.build(self.span_name, service, self.env)
        chosen = choose_tool(tools, METRICS, ArgumentValues(queries.hits, service, self.env, window))
        if chosen is None:
            findings.notes.append("No Datadog MCP tool could run a metric query.")
            return
        series: dict[str, list[MetricSeries] | None] = {}
        for label, query in (("hits", queries.hits), ("errors", queries.errors), ("p95", queries.p95)):
            call = chosen.with_values(ArgumentValues(query, service, self.env, window))
            payloads = await self._call(client, call, findings, "Datadog metric")
            series[label] = next((s for s in map(series_in, payloads or ()) if s is not None), None)
            if payloads is not None and series[label] is None:
                findings.notes.append(f"Datadog MCP tool {call.name} returned no time series for {query!r}.")
        hits, errors, p95 = series["hits"], series["errors"], series["p95"]
        total_hits = sum(s.total() for s in hits or ())
        if hits is not None and errors is not None and total_hits > 0:
            rate = min(1.0, sum(s.total() for s in errors) / total_hits)
            findings.error_rate_5m = Finding(rate, chosen.name)
        p95_points = [value for s in p95 or () for _, value in s.points]
        if p95_points:  # trace.<span> latencies are in seconds
            findings.p95_latency_ms_5m = Finding(sum(p95_points) / len(p95_points) * 1000.0, chosen.name)
        top = top_error_of_series(errors or ())
        if top:
            findings.top_error = Finding(top, chosen.name)

    async def _ask_monitor(self, client: Client, tools: list[mcp_types.Tool], service: str,
                           window: tuple[float, float], monitor_id: str, findings: McpFindings) -> None:
        call = choose_tool(tools, MONITOR, ArgumentValues(monitor_id, service, self.env, window, monitor_id))
        if call is None:
            findings.notes.append("No Datadog MCP tool could look up a monitor.")
            return
        payloads = await self._call(client, call, findings, "Datadog monitor")
        for node in (n for payload in payloads or () for n in walk(payload)):
            if isinstance(node, Mapping) and str(node.get("id")) == monitor_id and node.get("name"):
                state = node.get("overall_state") or node.get("status") or node.get("state")
                state = state or "in an unknown state"
                findings.notes.append(f"Monitor {monitor_id} ({node['name']}) is {state}.")
                break

    async def _ask_errors(self, client: Client, tools: list[mcp_types.Tool], service: str,
                          window: tuple[float, float], findings: McpFindings) -> None:
        values = ArgumentValues(self._error_query(service), service, self.env, window)
        call = choose_tool(tools, ERRORS, values)
        if call is None:
            findings.notes.append("No Datadog MCP tool could search error logs or spans.")
            return
        payloads = await self._call(client, call, findings, "Datadog errors")
        records = [record for payload in payloads or () for record in error_records_in(payload)]
        top = top_error_of(records)
        if top:  # records name the failing request better than metric tags do
            findings.top_error = Finding(top, call.name)
        elif payloads is not None:
            findings.notes.append(f"Datadog MCP tool {call.name} found no error records in the last "
                                  "5 minutes.")


async def _list_all_tools(client: Client) -> list[mcp_types.Tool]:
    tools: list[mcp_types.Tool] = []
    cursor: str | None = None
    for _ in range(MAX_TOOL_PAGES):
        page = await client.list_tools(cursor=cursor)
        tools.extend(page.tools)
        cursor = page.next_cursor
        if not cursor:
            break
    return tools
