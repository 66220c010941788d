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
import json
import logging
import re
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import quote

import anyio
import httpx2
import mcp.types as mcp_types
import yaml
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from evalforge_assets.models import IncidentRecord, Link, Signal
from evalforge_assets.recovery.context_types import ContextSource, GatheredContext
from evalforge_assets.recovery.service_metrics import (
    DEFAULT_SPAN_NAME,
    DatadogQueries,
    MetricSeries,
    MetricsUnavailableError,
    parse_query_series,
)

logger = logging.getLogger("evalforge.mcp_context")

SOURCE_NAME = "mcp"
WINDOW_SECONDS = 300
RESULT_LIMIT = 50
MAX_TOOL_PAGES = 20
MAX_LINKS_PER_TOOL = 8
TOP_ERROR_MAX_CHARS = 160
_T = TypeVar("_T")


# -- choosing tools ----------------------------------------------------------------------------------------

_MUTATING_WORDS = frozenset({
    "create", "update", "delete", "remove", "mute", "unmute", "edit", "write", "submit", "send", "post",
    "patch", "set", "add", "schedule", "cancel", "resolve", "acknowledge", "trigger", "modify",
})


@dataclass(frozen=True)
class Question:
    """One thing to ask the server, as keyword weights for choosing the tool that answers it."""

    wanted: Mapping[str, int]
    unwanted: Mapping[str, int] = field(default_factory=dict)


METRICS = Question(
    wanted={"metric": 4, "timeseries": 3, "quer": 2, "points": 1, "get": 1},
    unwanted={"metadata": 4, "context": 3, "tag": 2, "list": 2, "names": 2, "search": 1, "monitor": 3,
              "log": 3, "span": 2},
)
MONITOR = Question(
    wanted={"monitor": 5, "search": 1, "find": 1, "get": 1, "status": 1, "state": 1},
    unwanted={"downtime": 3, "metric": 1, "log": 2},
)
ERRORS = Question(
    wanted={"error": 3, "log": 3, "span": 3, "search": 2, "find": 1, "trace": 1, "apm": 1},
    unwanted={"aggregate": 2, "analyze": 2, "sql": 3, "llm": 2, "rum": 3, "metric": 3, "monitor": 3,
              "incident": 2, "dashboard": 3, "notebook": 3, "host": 2},
)


@dataclass(frozen=True)
class ToolCall:
    """A chosen tool and the arguments it will be called with."""

    tool: mcp_types.Tool
    arguments: dict[str, Any]
    score: int

    @property
    def name(self) -> str:
        return self.tool.name

    def with_values(self, values: ArgumentValues) -> ToolCall:
        """The same tool with arguments filled from other values (another query of the same question)."""
        arguments = fill_arguments(self.tool.input_schema, values)
        if arguments is None:
            raise ValueError(f"The tool {self.name} cannot take these values: {values}.")
        return ToolCall(tool=self.tool, arguments=arguments, score=self.score)


@dataclass(frozen=True)
class ArgumentValues:
    """What this source can put into a tool's arguments for one question."""

    query: str
    service: str
    env: str
    window: tuple[float, float]  # epoch seconds (from, to)
    monitor_id: str | None = None
    limit: int = RESULT_LIMIT


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[^a-z0-9]+", text.lower()) if word]


def _keyword_score(words: Iterable[str], weights: Mapping[str, int]) -> int:
    words = list(words)
    return sum(weight for keyword, weight in weights.items() if any(w.startswith(keyword) for w in words))


def _looks_mutating(tool: mcp_types.Tool) -> bool:
    annotations = tool.annotations
    if annotations is not None and (annotations.destructive_hint or annotations.read_only_hint is False):
        return True
    return bool(_MUTATING_WORDS.intersection(_words(tool.name)))


def score_tool(tool: mcp_types.Tool, question: Question) -> int:
    """How well `tool` fits `question` by its name (double weight) and description; mutating tools get 0."""
    if _looks_mutating(tool):
        return 0
    name_words = _words(tool.name)
    description_words = _words(f"{tool.title or ''} {tool.description or ''}")
    def fit(weights: Mapping[str, int]) -> int:
        return 2 * _keyword_score(name_words, weights) + _keyword_score(description_words, weights)

    return fit(question.wanted) - fit(question.unwanted)


def choose_tool(tools: Iterable[mcp_types.Tool], question: Question,
                values: ArgumentValues) -> ToolCall | None:
    """The best-scoring tool for `question` whose required arguments can all be filled, with its arguments."""
    best: ToolCall | None = None
    for tool in tools:
        score = score_tool(tool, question)
        if score <= 0 or (best is not None and score <= best.score):
            continue
        arguments = fill_arguments(tool.input_schema, values)
        if arguments is not None:
            best = ToolCall(tool=tool, arguments=arguments, score=score)
    return best


# Argument roles, by normalised property name.
_QUERY_NAMES = frozenset({"query", "queries", "q", "filter", "filters", "search", "query_string",
                          "search_query", "filter_query", "querystring"})
_FROM_NAMES = frozenset({"from", "start", "from_ts", "start_ts", "from_time", "start_time", "time_from",
                         "since", "from_timestamp", "start_timestamp"})
_TO_NAMES = frozenset({"to", "end", "to_ts", "end_ts", "to_time", "end_time", "time_to", "until",
                       "to_timestamp", "end_timestamp"})
_SERVICE_NAMES = frozenset({"service", "service_name", "services"})
_ENV_NAMES = frozenset({"env", "environment", "envs"})
_MONITOR_NAMES = frozenset({"monitor_id", "monitor_ids", "id", "ids"})
_LIMIT_NAMES = frozenset({"limit", "max_results", "page_size", "per_page", "size", "max_items", "count"})


def _normalise(name: str) -> str:
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    return re.sub(r"[^a-z0-9]+", "_", snake.lower()).strip("_")


def fill_arguments(schema: Mapping[str, Any] | None, values: ArgumentValues) -> dict[str, Any] | None:
    """Arguments for a tool with this input schema, or None when a required argument cannot be filled."""
    schema = schema or {}
    properties: Mapping[str, Any] = schema.get("properties") or {}
    required = set(schema.get("required") or ())
    if required - set(properties):  # required but undescribed: nothing to go on
        return None
    arguments: dict[str, Any] = {}
    for name, prop in properties.items():
        prop = prop if isinstance(prop, Mapping) else {}
        value = _value_for(name, prop, values)
        if value is not None:
            arguments[name] = value
        elif name in required and "default" not in prop:
            return None
    return arguments


def _value_for(name: str, prop: Mapping[str, Any], values: ArgumentValues) -> Any:
    role = _normalise(name)
    if role in _QUERY_NAMES or role.endswith("_query"):
        return _typed(values.query, prop)
    if role in _FROM_NAMES:
        return _time_value(values.window[0], name, prop, relative="now-5m")
    if role in _TO_NAMES:
        return _time_value(values.window[1], name, prop, relative="now")
    if role in _SERVICE_NAMES:
        return _typed(values.service, prop)
    if role in _ENV_NAMES:
        return _typed(values.env, prop)
    if role in _MONITOR_NAMES:
        return _typed(values.monitor_id, prop) if values.monitor_id else None
    if role in _LIMIT_NAMES:
        maximum = prop.get("maximum")
        limit = min(values.limit, int(maximum)) if isinstance(maximum, (int, float)) else values.limit
        return _typed(limit, prop)
    return None


def _json_types(prop: Mapping[str, Any]) -> set[str]:
    declared = prop.get("type")
    types = {declared} if isinstance(declared, str) else set(declared or ())
    for option in prop.get("anyOf") or prop.get("oneOf") or ():
        if isinstance(option, Mapping):
            types |= _json_types(option)
    return types


_SCALARS = frozenset({"string", "integer", "number"})


def _typed(value: str | int | None, prop: Mapping[str, Any]) -> Any:
    """`value` in the JSON type the schema asks for (an array gets it as its one item), or None when it does
    not fit (an object or boolean, a non-number for a number, a value outside the enum)."""
    if value is None:
        return None
    types = _json_types(prop)
    if "array" in types and not types & _SCALARS:
        item = _typed(value, prop.get("items") or {})
        return None if item is None else [item]
    converted: Any
    if isinstance(value, int) and types & {"integer", "number"}:
        converted = value
    elif not types or "string" in types:
        converted = str(value)
    elif types & {"integer", "number"}:
        try:
            converted = int(value) if "integer" in types else float(value)
        except ValueError:
            return None
    else:
        return None
    enum = prop.get("enum")
    return None if enum is not None and converted not in enum else converted


def _time_value(epoch_seconds: float, name: str, prop: Mapping[str, Any], relative: str) -> Any:
    """A time for a `from`/`to` argument, in the form its type and description suggest: epoch seconds or
    milliseconds for numbers; for strings Datadog's relative `now-5m`, unless only ISO-8601 or epoch is
    named."""
    hint = f"{name} {prop.get('description') or ''} {prop.get('format') or ''}".lower()
    in_ms = bool(re.search(r"\bms\b|milli", hint))
    types = _json_types(prop)
    if types & {"integer", "number"} and "string" not in types:
        return int(epoch_seconds * 1000) if in_ms else int(epoch_seconds)
    if "array" in types or (types and "string" not in types):
        return None
    if re.search(r"\bnow\b", hint):  # Datadog's relative syntax: the same window whatever the clocks say
        return relative
    if re.search(r"date-time|\biso\b|iso.?8601|rfc.?3339", hint):
        return datetime.fromtimestamp(epoch_seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if re.search(r"epoch|unix", hint):
        return str(int(epoch_seconds * 1000) if in_ms else int(epoch_seconds))
    return relative


# -- reading tool results ------------------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s\"'<>\]\)|`]+")


def result_texts(result: mcp_types.CallToolResult) -> list[str]:
    """The text of every text block of a tool result, plus its structured content as JSON."""
    texts = [block.text for block in result.content if isinstance(block, mcp_types.TextContent)]
    if result.structured_content:
        texts.append(json.dumps(result.structured_content))
    return texts


def parse_text(text: str) -> Any:
    """JSON, else YAML (which Datadog's tools sometimes answer in), else the text itself."""
    stripped = text.strip()
    try:
        return json.loads(stripped)
    except ValueError:
        pass
    try:
        parsed = yaml.safe_load(stripped)
    except yaml.YAMLError:
        return text
    return parsed if isinstance(parsed, (dict, list)) else text


def result_payloads(result: mcp_types.CallToolResult) -> list[Any]:
    payloads: list[Any] = [result.structured_content] if result.structured_content else []
    payloads += [parse_text(block.text) for block in result.content
                 if isinstance(block, mcp_types.TextContent)]
    return payloads


def urls_in(texts: Iterable[str]) -> list[str]:
    found: dict[str, None] = {}
    for text in texts:
        for match in _URL.findall(text):
            found[match.rstrip(".,;:")] = None
    return list(found)


def _walk(value: Any) -> Iterator[Any]:
    """Every dictionary and list inside `value`, outermost first."""
    queue = deque([value])
    while queue:
        current = queue.popleft()
        if isinstance(current, Mapping):
            yield current
            queue.extend(current.values())
        elif isinstance(current, list):
            yield current
            queue.extend(current)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _point(item: Any) -> tuple[float, float] | None:
    if isinstance(item, (list, tuple)) and len(item) == 2:
        at, value = _number(item[0]), _number(item[1])
    elif isinstance(item, Mapping):
        at = _number(next((item[k] for k in ("timestamp", "time", "ts", "t", "x") if k in item), None))
        value = _number(next((item[k] for k in ("value", "val", "v", "y") if k in item), None))
    else:
        return None
    return None if at is None or value is None else (at, value)


def _tags(series: Mapping[str, Any]) -> dict[str, str]:
    tags: dict[str, str] = {}
    raw: Any = series.get("scope") or series.get("group_tags") or series.get("tags") or series.get("group")
    if isinstance(raw, str):
        raw = raw.split(",")
    if isinstance(raw, Mapping):
        return {str(k): str(v) for k, v in raw.items()}
    for part in raw or ():
        key, separator, value = str(part).strip().partition(":")
        if separator:
            tags[key] = value
    return tags


def series_in(payload: Any) -> list[MetricSeries] | None:
    """The metric series in one parsed tool result, or None when it holds none."""
    for node in _walk(payload):
        if not isinstance(node, Mapping):
            continue
        if isinstance(node.get("series"), list) and any(
                isinstance(s, Mapping) and "pointlist" in s for s in node["series"]):
            # Only the series: a `status` beside them is the server's business, not a reason to raise here.
            return parse_query_series({"series": node["series"]}, "metric query through MCP")
        attributes = node.get("attributes") if isinstance(node.get("attributes"), Mapping) else node
        if isinstance(attributes.get("times"), list) and isinstance(attributes.get("values"), list):
            return _columnar_series(attributes)
    found: list[MetricSeries] = []
    for node in _walk(payload):
        if not isinstance(node, Mapping):
            continue
        for key in ("points", "pointlist", "datapoints", "values", "data"):
            candidates = node.get(key) if isinstance(node.get(key), list) else []
            points = [point for point in map(_point, candidates) if point]
            if points:
                found.append(MetricSeries(tags=_tags(node), points=points))
                break
    return found or None


def _columnar_series(attributes: Mapping[str, Any]) -> list[MetricSeries]:
    """Datadog's v2 timeseries shape: one `times` column and one `values` column per series."""
    times = [_number(t) for t in attributes["times"]]
    described = attributes.get("series") if isinstance(attributes.get("series"), list) else []
    result = []
    for index, column in enumerate(attributes["values"]):
        if not isinstance(column, list):
            continue
        points = [(at, value) for at, value in zip(times, map(_number, column), strict=False)
                  if at is not None and value is not None]
        meta = described[index] if index < len(described) and isinstance(described[index], Mapping) else {}
        result.append(MetricSeries(tags=_tags(meta), points=points))
    return result


def _flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in record.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{path}."))
        else:
            flat[path] = value
    return flat


def _field(flat: Mapping[str, Any], *suffixes: str) -> str | None:
    for suffix in suffixes:
        for key, value in flat.items():
            if (key == suffix or key.endswith(f".{suffix}")) and value not in (None, "", []):
                return str(value)
    return None


def error_records_in(payload: Any) -> list[Mapping[str, Any]]:
    """The log or span records in one parsed tool result: the outermost list of dictionaries of which at
    least one says what failed (see `error_label`)."""
    for node in _walk(payload):
        if (isinstance(node, list) and node and all(isinstance(item, Mapping) for item in node)
                and any(error_label(item) for item in node)):
            return node
    return []


def error_label(record: Mapping[str, Any]) -> str | None:
    """What failed in one log or span record, e.g. "POST /checkout 500" or "TimeoutError: upstream"."""
    flat = _flatten(record)
    status = _field(flat, "http.status_code", "status_code", "http_status")
    resource = _field(flat, "resource_name", "resource")
    if resource is None:
        method = _field(flat, "http.method", "method")
        path = _field(flat, "http.route", "http.url_details.path", "route", "path")
        resource = f"{method} {path}" if method and path else None
    if resource:
        return f"{resource} {status}".strip() if status and status not in resource else resource
    error_type = _field(flat, "error.type", "error.kind", "exception.type")
    error_message = _field(flat, "error.message", "error.msg", "exception.message")
    if error_type or error_message:
        return ": ".join(part for part in (error_type, error_message) if part)[:TOP_ERROR_MAX_CHARS]
    message = _field(flat, "message", "msg")
    return message.strip().splitlines()[0][:TOP_ERROR_MAX_CHARS] if message and message.strip() else None


def top_error_of(records: Iterable[Mapping[str, Any]]) -> str | None:
    """The most frequent label among the records; ties go to the one seen first."""
    labels = Counter(label for label in map(error_label, records) if label)
    return labels.most_common(1)[0][0] if labels else None


def top_error_of_series(errors: Iterable[MetricSeries]) -> str | None:
    """The error group with the most errors, labelled from its resource and status tags."""
    counted = [(s.total(), s.tags) for s in errors if s.total() > 0]
    if not counted:
        return None
    _, tags = max(counted, key=lambda item: item[0])
    label = " ".join(p for p in (tags.get("resource_name"), tags.get("http.status_code")) if p)
    return label or None


# -- the source ------------------------------------------------------------------------------------------


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
        for node in (n for payload in payloads or () for n in _walk(payload)):
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
