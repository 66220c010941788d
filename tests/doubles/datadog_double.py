"""A local Datadog API that speaks Datadog's wire format, for contract tests.

`DatadogDouble` is a real HTTP server (uvicorn + Starlette on 127.0.0.1, a free port, in a background
thread). It checks `DD-API-KEY` / `DD-APPLICATION-KEY` like Datadog, serves registered operations from
in-memory state, answers scripted faults first (429 with `X-RateLimit-Reset`, 5xx, the empty-org 500), and
records every exchange so tests can assert on what a client really sent and validate both sides against
Datadog's OpenAPI spec (see `tests.doubles.datadog_spec`).

Growing it: write a handler `(DoubleRequest) -> DoubleResponse` and register a `Route` (operation id, method,
path template, error style) in a `register_*_routes(double)` function like `register_llm_obs_span_routes`
below; `DatadogDouble.__init__` calls each registration function. Handlers keep their state on the double
(add attributes and clear them in `reset()`).

Permissions: a `Route` may name the permission Datadog's spec lists for it (`x-permission`); when
`app_key_permissions` is set and lacks it, the double answers 403 "Failed permission authorization checks" as
Datadog does for an application key without that permission (wrong keys stay a bare "Forbidden").
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Self
from urllib.parse import urlencode

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route as StarletteRoute

from evalforge_assets.capture.spans import scale_to_ns

DEFAULT_API_KEY = "double-api-key"
DEFAULT_APP_KEY = "double-app-key"
PERMISSION_DENIED_DETAIL = "Failed permission authorization checks"
EMPTY_ORG_DETAIL = "No valid indexes specified"
_SERVER_START_TIMEOUT_SECONDS = 10.0

# Datadog uses two error envelopes: JSON:API objects on newer (v2, LLM Obs) endpoints and plain strings on
# older ones and on every 429. The spec says which one each operation and status uses.
ErrorStyle = Literal["jsonapi", "plain"]
# How the last page of a span listing says "no more": the spec documents `page: {}`; some real answers have
# been reported with `page: null` or without `page`, which clients must survive.
EndOfResults = Literal["empty", "null", "absent"]


@dataclass(frozen=True)
class RecordedRequest:
    """A request exactly as the double received it. Header names are lower-cased."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: Mapping[str, str]
    body: bytes

    def query_value(self, name: str) -> str | None:
        return next((value for key, value in self.query if key == name), None)

    def query_dict(self) -> dict[str, str]:
        return dict(self.query)

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


@dataclass(frozen=True)
class RecordedResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


@dataclass(frozen=True)
class Exchange:
    """One request and the answer the double gave; `operation` is None when no route matched."""

    operation: str | None
    request: RecordedRequest
    response: RecordedResponse


@dataclass(frozen=True)
class DoubleRequest:
    """What a route handler gets: the recorded request plus the values of its path template."""

    recorded: RecordedRequest
    path_params: Mapping[str, str]
    base_url: str


@dataclass(frozen=True)
class DoubleResponse:
    status: int
    body: Any  # JSON-serialisable, or bytes sent as they are
    headers: Mapping[str, str] = field(default_factory=dict)


Handler = Callable[[DoubleRequest], DoubleResponse]


@dataclass(frozen=True)
class Route:
    operation: str  # the client's operation id, e.g. "list_llm_obs_spans"
    method: str
    path: str  # template with {name} segments, e.g. "/api/v2/llm-obs/v1/{project_id}/datasets"
    handler: Handler
    error_style: ErrorStyle = "jsonapi"
    permission: str | None = None  # Datadog's permission for the operation; see `app_key_permissions`

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if method.upper() != self.method.upper():
            return None
        found = re.fullmatch(_template_regex(self.path), path)
        return found.groupdict() if found else None


def _template_regex(template: str) -> str:
    return "".join(
        f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part)
        for part in re.split(r"(\{[^/}]+\})", template)
    )


@dataclass(frozen=True)
class InjectedFault:
    """A scripted answer served instead of the normal one, once, to the next matching request."""

    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)
    operation: str | None = None  # None: the next request to any registered operation


def error_body(style: ErrorStyle, status: int, title: str, detail: str, parameter: str | None = None) -> dict:
    """Datadog's error envelope in the given style."""
    if style == "plain":
        return {"errors": [detail or title]}
    item: dict[str, Any] = {"status": str(status), "title": title, "detail": detail}
    if parameter is not None:
        item["source"] = {"parameter": parameter}
    return {"errors": [item]}


class DoubleHTTPError(Exception):
    """Raised by handlers for a 4xx; the double renders it in the route's error style."""

    def __init__(self, status: int, title: str, detail: str, parameter: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.parameter = parameter


class DatadogDouble:
    """The local Datadog API. Use as a context manager, or `start()` / `stop()`."""

    def __init__(self, *, api_key: str = DEFAULT_API_KEY, app_key: str = DEFAULT_APP_KEY) -> None:
        self.api_key = api_key
        self.app_key = app_key
        self._routes: list[Route] = []
        self._reset_hooks: list[Callable[[], None]] = []
        # Handlers run on the server thread while tests read and script state: both sides take this lock.
        self.lock = threading.Lock()
        self._faults: deque[InjectedFault] = deque()
        self._exchanges: list[Exchange] = []
        self.spans: list[dict[str, Any]] = []
        self.end_of_results: EndOfResults = "empty"
        # None: the application key has every permission; a set: only these (see `Route.permission`).
        self.app_key_permissions: frozenset[str] | None = None
        self.monitors: dict[int, dict[str, Any]] = {}
        self.webhooks: dict[str, dict[str, Any]] = {}
        self._next_monitor_id = MONITOR_FIRST_ID
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.base_url = ""
        register_llm_obs_span_routes(self)
        register_monitor_routes(self)
        register_webhook_routes(self)

    # -- routes and state -------------------------------------------------------------------------------

    def add_route(self, route: Route) -> None:
        if any(existing.operation == route.operation for existing in self._routes):
            raise ValueError(f"The double already has a route for operation {route.operation!r}.")
        self._routes.append(route)

    @property
    def operations(self) -> list[str]:
        return [route.operation for route in self._routes]

    def on_reset(self, hook: Callable[[], None]) -> None:
        """Run `hook` (under the lock) on every `reset()`: where route families clear their own state."""
        self._reset_hooks.append(hook)

    def reset(self) -> None:
        """Forget data, faults and recordings, and restore defaults; keeps the server and routes."""
        with self.lock:
            self._faults.clear()
            self._exchanges.clear()
            self.spans = []
            self.end_of_results = "empty"
            self.app_key_permissions = None
            self.monitors = {}
            self.webhooks = {}
            self._next_monitor_id = MONITOR_FIRST_ID
            for hook in self._reset_hooks:
                hook()

    def add_spans(self, spans: Iterable[Mapping[str, Any]]) -> None:
        """Spans in Datadog's export shape `{id, type, attributes}`; served as given."""
        with self.lock:
            self.spans.extend(json.loads(json.dumps(list(spans))))

    # -- faults ------------------------------------------------------------------------------------------

    def inject(
        self,
        status: int,
        body: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
        operation: str | None = None,
        times: int = 1,
    ) -> None:
        if operation is not None and operation not in self.operations:
            raise ValueError(
                f"Cannot inject a fault for unknown operation {operation!r}; known: {self.operations}."
            )
        with self.lock:
            for _ in range(times):
                self._faults.append(InjectedFault(status, body, dict(headers or {}), operation))

    def inject_rate_limit(self, reset: float | str, *, operation: str | None = None, times: int = 1) -> None:
        """A 429 as Datadog sends it: plain error body and the X-RateLimit-* headers (`reset` in seconds)."""
        headers = {
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Period": "3600",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(reset),
            "X-RateLimit-Name": "llm_obs_double",
        }
        body = error_body("plain", 429, "Too Many Requests", "Rate limit exceeded")
        self.inject(429, body, headers=headers, operation=operation, times=times)

    def inject_server_error(self, status: int = 503, *, operation: str | None = None, times: int = 1) -> None:
        titles = {
            500: "Internal Server Error",
            502: "Bad Gateway",
            503: "Service Unavailable",
            504: "Gateway Timeout",
        }
        title = titles.get(status, "Server Error")
        self.inject(status, error_body("jsonapi", status, title, title), operation=operation, times=times)

    def inject_empty_org(self, *, operation: str | None = "list_llm_obs_spans") -> None:
        """The HTTP 500 an org with no LLM Observability data answers."""
        self.inject(
            500, error_body("jsonapi", 500, "Internal Server Error", EMPTY_ORG_DETAIL), operation=operation
        )

    @property
    def pending_faults(self) -> int:
        with self.lock:
            return len(self._faults)

    def _take_fault(self, operation: str) -> InjectedFault | None:
        with self.lock:
            for fault in self._faults:
                if fault.operation in (None, operation):
                    self._faults.remove(fault)
                    return fault
        return None

    # -- recordings --------------------------------------------------------------------------------------

    @property
    def exchanges(self) -> list[Exchange]:
        with self.lock:
            return list(self._exchanges)

    @property
    def requests(self) -> list[RecordedRequest]:
        return [exchange.request for exchange in self.exchanges]

    def exchanges_for(self, operation: str) -> list[Exchange]:
        return [exchange for exchange in self.exchanges if exchange.operation == operation]

    # -- HTTP --------------------------------------------------------------------------------------------

    async def _asgi_endpoint(self, request: Request) -> Response:
        recorded = RecordedRequest(
            method=request.method,
            path=request.url.path,
            query=tuple(request.query_params.multi_items()),
            headers={name.lower(): value for name, value in request.headers.items()},
            body=await request.body(),
        )
        operation, answer = self._answer(recorded)
        payload = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
        response = Response(payload, status_code=answer.status, media_type="application/json")
        response.headers.update(dict(answer.headers))
        with self.lock:
            self._exchanges.append(
                Exchange(
                    operation,
                    recorded,
                    RecordedResponse(
                        answer.status, {k.lower(): v for k, v in response.headers.items()}, payload
                    ),
                )
            )
        return response

    def _answer(self, recorded: RecordedRequest) -> tuple[str | None, DoubleResponse]:
        for route in self._routes:
            path_params = route.match(recorded.method, recorded.path)
            if path_params is not None:
                break
        else:
            return None, DoubleResponse(404, error_body("plain", 404, "Not Found", "Not found"))

        if not self._authorized(recorded):
            # Datadog's message does not say which key is wrong, and neither does the double.
            return route.operation, DoubleResponse(
                403, error_body(route.error_style, 403, "Forbidden", "Forbidden")
            )
        permissions = self.app_key_permissions
        if route.permission is not None and permissions is not None and route.permission not in permissions:
            return route.operation, DoubleResponse(403, {"errors": ["Forbidden", PERMISSION_DENIED_DETAIL]})
        fault = self._take_fault(route.operation)
        if fault is not None:
            return route.operation, DoubleResponse(fault.status, fault.body, fault.headers)
        try:
            return route.operation, route.handler(DoubleRequest(recorded, path_params, self.base_url))
        except DoubleHTTPError as error:
            body = error_body(route.error_style, error.status, error.title, error.detail, error.parameter)
            return route.operation, DoubleResponse(error.status, body)

    def _authorized(self, recorded: RecordedRequest) -> bool:
        return (
            recorded.headers.get("dd-api-key") == self.api_key
            and recorded.headers.get("dd-application-key") == self.app_key
        )

    def start(self) -> DatadogDouble:
        if self._server is not None:
            raise RuntimeError("The Datadog double is already running.")
        app = Starlette(
            routes=[
                StarletteRoute(
                    "/{path:path}", self._asgi_endpoint, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]
                )
            ]
        )
        # Binding port 0 ourselves and handing uvicorn the socket avoids racing another process for a port.
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [listener]}, name="datadog-double", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + _SERVER_START_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                thread.join(timeout=_SERVER_START_TIMEOUT_SECONDS)
                listener.close()
                raise RuntimeError("The Datadog double's uvicorn server did not start; see the log above.")
            time.sleep(0.01)
        self._server, self._thread, self._socket = server, thread, listener
        self.base_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.should_exit = True
        assert self._thread is not None and self._socket is not None
        self._thread.join(timeout=_SERVER_START_TIMEOUT_SECONDS)
        self._socket.close()
        if self._thread.is_alive():
            raise RuntimeError("The Datadog double's server thread did not stop within 10 s.")
        self._server = self._thread = self._socket = None
        self.base_url = ""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# -- LLM Observability span export --------------------------------------------------------------------

LIST_SPANS_PATH = "/api/v2/llm-obs/v1/spans/events"
SEARCH_SPANS_PATH = "/api/v2/llm-obs/v1/spans/events/search"
DEFAULT_SPAN_PAGE_LIMIT = 10
MAX_SPAN_PAGE_LIMIT = 5000
_DEFAULT_LOOKBACK = timedelta(minutes=15)
_STRUCTURED_FILTERS = ("ml_app", "span_id", "trace_id", "span_kind", "span_name")


def register_llm_obs_span_routes(double: DatadogDouble) -> None:
    double.add_route(
        Route("list_llm_obs_spans", "GET", LIST_SPANS_PATH, lambda request: _list_spans(double, request))
    )
    double.add_route(
        Route(
            "search_llm_obs_spans", "POST", SEARCH_SPANS_PATH, lambda request: _search_spans(double, request)
        )
    )


@dataclass(frozen=True)
class _SpanQuery:
    from_ns: int
    to_ns: int
    filters: Mapping[str, str]
    tags: Mapping[str, str]
    limit: int
    cursor: str | None
    descending: bool

    def fingerprint(self) -> str:
        """Ties a cursor to the query that produced it, as a real cursor is."""
        parts = [
            self.from_ns,
            self.to_ns,
            sorted(self.filters.items()),
            sorted(self.tags.items()),
            self.descending,
        ]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


def _list_spans(double: DatadogDouble, request: DoubleRequest) -> DoubleResponse:
    query = request.recorded.query_dict()
    if query.get("filter[query]"):
        raise DoubleHTTPError(
            400, "Bad Request", "filter[query] is not supported by the test double.", "filter[query]"
        )
    span_query = _SpanQuery(
        from_ns=_parse_time(query.get("filter[from]"), "filter[from]", default=_DEFAULT_LOOKBACK),
        to_ns=_parse_time(query.get("filter[to]"), "filter[to]", default=timedelta(0)),
        filters={
            name: query[f"filter[{name}]"] for name in _STRUCTURED_FILTERS if query.get(f"filter[{name}]")
        },
        tags={},
        limit=_parse_limit(query.get("page[limit]"), "page[limit]"),
        cursor=query.get("page[cursor]"),
        descending=query.get("sort", "").startswith("-"),
    )
    page, next_cursor = _page_of_spans(double, span_query)
    body = _spans_body(double, page, next_cursor)
    if next_cursor is not None:
        next_query = [(k, v) for k, v in request.recorded.query if k != "page[cursor]"] + [
            ("page[cursor]", next_cursor)
        ]
        body["links"] = {"next": f"{request.base_url}{LIST_SPANS_PATH}?{urlencode(next_query)}"}
    return DoubleResponse(200, body)


def _search_spans(double: DatadogDouble, request: DoubleRequest) -> DoubleResponse:
    try:
        payload = request.recorded.json()
    except ValueError:
        raise DoubleHTTPError(400, "Bad Request", "The request body is not valid JSON.") from None
    data = payload.get("data") if isinstance(payload, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("type") != "spans"
        or not isinstance(data.get("attributes"), dict)
    ):
        raise DoubleHTTPError(
            400, "Bad Request", 'The body must be {"data": {"type": "spans", "attributes": {...}}}.'
        )
    attributes = data["attributes"]
    span_filter = attributes.get("filter") or {}
    page = attributes.get("page") or {}
    if span_filter.get("query"):
        raise DoubleHTTPError(400, "Bad Request", "filter.query is not supported by the test double.")
    span_query = _SpanQuery(
        from_ns=_parse_time(span_filter.get("from"), "filter.from", default=_DEFAULT_LOOKBACK),
        to_ns=_parse_time(span_filter.get("to"), "filter.to", default=timedelta(0)),
        filters={name: str(span_filter[name]) for name in _STRUCTURED_FILTERS if span_filter.get(name)},
        tags={str(k): str(v) for k, v in (span_filter.get("tags") or {}).items()},
        limit=_parse_limit(page.get("limit"), "page.limit"),
        cursor=page.get("cursor"),
        descending=str(attributes.get("sort", "")).startswith("-"),
    )
    spans, next_cursor = _page_of_spans(double, span_query)
    return DoubleResponse(200, _spans_body(double, spans, next_cursor))


def _page_of_spans(double: DatadogDouble, query: _SpanQuery) -> tuple[list[dict[str, Any]], str | None]:
    offset = _decode_cursor(query.cursor, query.fingerprint()) if query.cursor else 0
    with double.lock:
        matching = [span for span in double.spans if _span_matches(span, query)]
    matching.sort(key=_span_start_ns, reverse=query.descending)
    page = matching[offset : offset + query.limit]
    next_offset = offset + len(page)
    next_cursor = _encode_cursor(next_offset, query.fingerprint()) if next_offset < len(matching) else None
    return page, next_cursor


def _spans_body(
    double: DatadogDouble, spans: list[dict[str, Any]], next_cursor: str | None
) -> dict[str, Any]:
    meta: dict[str, Any] = {"elapsed": 3, "request_id": uuid.uuid4().hex, "status": "done"}
    if next_cursor is not None:
        meta["page"] = {"after": next_cursor}
    elif double.end_of_results == "empty":
        meta["page"] = {}
    elif double.end_of_results == "null":
        meta["page"] = None
    return {"data": spans, "meta": meta}


def _span_matches(span: Mapping[str, Any], query: _SpanQuery) -> bool:
    attributes = span.get("attributes") or {}
    start = _span_start_ns(span)
    if not query.from_ns <= start < query.to_ns:
        return False
    if any(str(attributes.get(name)) != value for name, value in query.filters.items()):
        return False
    tags = set(attributes.get("tags") or [])
    return all(f"{key}:{value}" in tags for key, value in query.tags.items())


def _span_start_ns(span: Mapping[str, Any]) -> int:
    """`start_ns`, normalised: real exports sometimes carry ms (or s, µs) where ns is documented."""
    return scale_to_ns(int((span.get("attributes") or {}).get("start_ns") or 0))


_RELATIVE_TIME = re.compile(r"now(?:-(\d+)([smhd]))?")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _parse_time(value: str | None, parameter: str, *, default: timedelta) -> int:
    """Epoch ns from what Datadog accepts: ISO 8601, epoch milliseconds, or `now` / `now-15m`."""
    now = datetime.now(UTC)
    if value is None or value == "":
        return _to_ns(now - default)
    text = str(value).strip()
    if text.isdigit():
        return int(text) * 10**6
    relative = _RELATIVE_TIME.fullmatch(text)
    if relative:
        amount, unit = relative.groups()
        return _to_ns(now - timedelta(seconds=int(amount or 0) * _UNIT_SECONDS.get(unit or "s", 1)))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise DoubleHTTPError(
            400,
            "Bad Request",
            f"{parameter} must be ISO 8601, epoch milliseconds or now-<n><unit>; got {text!r}.",
            parameter,
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return _to_ns(moment)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _to_ns(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1) * 1000


def _parse_limit(value: Any, parameter: str) -> int:
    if value is None or value == "":
        return DEFAULT_SPAN_PAGE_LIMIT
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise DoubleHTTPError(
            400, "Bad Request", f"{parameter} must be an integer; got {value!r}.", parameter
        ) from None
    if not 1 <= limit <= MAX_SPAN_PAGE_LIMIT:
        raise DoubleHTTPError(
            400,
            "Bad Request",
            f"{parameter} must be between 1 and {MAX_SPAN_PAGE_LIMIT}; got {limit}.",
            parameter,
        )
    return limit


def _encode_cursor(offset: int, fingerprint: str) -> str:
    raw = json.dumps({"o": offset, "q": fingerprint}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, fingerprint: str) -> int:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        offset, cursor_fingerprint = int(decoded["o"]), decoded["q"]
    except (ValueError, KeyError, TypeError):
        raise DoubleHTTPError(
            400, "Bad Request", "page[cursor] is not a cursor this API issued.", "page[cursor]"
        ) from None
    if cursor_fingerprint != fingerprint:
        raise DoubleHTTPError(
            400, "Bad Request", "page[cursor] belongs to a query with different filters.", "page[cursor]"
        )
    return offset


# -- Monitors (v1) ---------------------------------------------------------------------------------------

MONITORS_PATH = "/api/v1/monitor"
MONITOR_PATH = "/api/v1/monitor/{monitor_id}"
MONITOR_FIRST_ID = 4_000_001
MAX_MONITOR_PAGE_SIZE = 1000
# What Datadog fills into `options` when a client leaves them out (its answers and documented defaults).
MONITOR_OPTION_DEFAULTS: dict[str, Any] = {
    "notify_audit": False,
    "notify_no_data": False,
    "include_tags": True,
    "new_host_delay": 300,
    "silenced": {},
}
_QUERY_THRESHOLD = re.compile(r"(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")


def register_monitor_routes(double: DatadogDouble) -> None:
    """MonitorsApi.list_monitors / create_monitor / get_monitor / update_monitor over `double.monitors`."""
    routes = (
        ("list_monitors", "GET", MONITORS_PATH, _list_monitors, "monitors_read"),
        ("create_monitor", "POST", MONITORS_PATH, _create_monitor, "monitors_write"),
        ("get_monitor", "GET", MONITOR_PATH, _get_monitor, "monitors_read"),
        ("update_monitor", "PUT", MONITOR_PATH, _update_monitor, "monitors_write"),
    )
    for operation, method, path, handler, permission in routes:
        route = Route(operation, method, path, _locked_handler(double, handler), "plain", permission)
        double.add_route(route)


def _locked_handler(
    double: DatadogDouble, handler: Callable[[DatadogDouble, DoubleRequest], DoubleResponse]
) -> Handler:
    def handle(request: DoubleRequest) -> DoubleResponse:
        with double.lock:
            return handler(double, request)

    return handle


def _json_object(request: DoubleRequest) -> dict[str, Any]:
    try:
        payload = request.recorded.json()
    except ValueError:
        raise DoubleHTTPError(400, "Bad Request", "The request body is not valid JSON.") from None
    if not isinstance(payload, dict):
        raise DoubleHTTPError(400, "Bad Request", "The request body must be a JSON object.")
    return payload


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _list_monitors(double: DatadogDouble, request: DoubleRequest) -> DoubleResponse:
    query = request.recorded.query_dict()
    wanted_tags = [tag.strip() for tag in query.get("monitor_tags", "").split(",") if tag.strip()]
    name = query.get("name", "").lower()
    found = [
        monitor for _id, monitor in sorted(double.monitors.items())
        if all(tag in monitor["tags"] for tag in wanted_tags) and name in monitor["name"].lower()
    ]
    if "page" in query:  # Datadog pages only when `page` is given; otherwise it answers every monitor
        page = _parse_non_negative(query["page"], "page")
        size = _parse_non_negative(query.get("page_size", "100"), "page_size")
        if not 1 <= size <= MAX_MONITOR_PAGE_SIZE:
            raise DoubleHTTPError(
                400, "Bad Request", f"page_size must be between 1 and {MAX_MONITOR_PAGE_SIZE}."
            )
        found = found[page * size : (page + 1) * size]
    return DoubleResponse(200, json.loads(json.dumps(found)))


def _parse_non_negative(value: str, parameter: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise DoubleHTTPError(400, "Bad Request", f"{parameter} must be an integer; got {value!r}.") from None
    if number < 0:
        raise DoubleHTTPError(400, "Bad Request", f"{parameter} must not be negative; got {number}.")
    return number


def _create_monitor(double: DatadogDouble, request: DoubleRequest) -> DoubleResponse:
    body = _json_object(request)
    for required in ("type", "query"):
        if not body.get(required):
            raise DoubleHTTPError(400, "Bad Request", f"The parameter '{required}' is required.")
    now = _now_text()
    monitor = {
        "id": double._next_monitor_id, "name": body.get("name") or body["query"], "type": body["type"],
        "query": body["query"], "message": body.get("message", ""), "tags": list(body.get("tags") or []),
        "options": {**MONITOR_OPTION_DEFAULTS, **(body.get("options") or {})},
        "priority": body.get("priority"), "created": now, "modified": now, "deleted": None, "multi": False,
        "creator": {"email": "double@example.com", "handle": "double@example.com", "name": "Datadog Double"},
        "overall_state": "No Data", "restricted_roles": None, "draft_status": "published",
    }  # fmt: skip
    _check_threshold_matches_query(monitor)
    double._next_monitor_id += 1
    double.monitors[monitor["id"]] = monitor
    return DoubleResponse(200, json.loads(json.dumps(monitor)))


def _monitor_of(double: DatadogDouble, request: DoubleRequest) -> dict[str, Any]:
    text = request.path_params["monitor_id"]
    monitor = double.monitors.get(int(text)) if text.isdigit() else None
    if monitor is None:
        raise DoubleHTTPError(404, "Not Found", "Monitor not found")
    return monitor


def _get_monitor(double: DatadogDouble, request: DoubleRequest) -> DoubleResponse:
    return DoubleResponse(200, json.loads(json.dumps(_monitor_of(double, request))))


def _update_monitor(double: DatadogDouble, request: DoubleRequest) -> DoubleResponse:
    monitor = _monitor_of(double, request)
    body = _json_object(request)
    updated = dict(monitor)
    for name in ("name", "type", "query", "message", "tags", "priority"):
        if name in body:
            updated[name] = body[name]
    if "options" in body:  # Datadog replaces the options object and fills its defaults in again
        updated["options"] = {**MONITOR_OPTION_DEFAULTS, **(body["options"] or {})}
    _check_threshold_matches_query(updated)
    updated["modified"] = _now_text()
    double.monitors[monitor["id"]] = updated
    return DoubleResponse(200, json.loads(json.dumps(updated)))


def _check_threshold_matches_query(monitor: Mapping[str, Any]) -> None:
    """Datadog refuses a metric monitor whose critical threshold differs from the one in its query."""
    found = _QUERY_THRESHOLD.search(monitor["query"])
    critical = (monitor.get("options") or {}).get("thresholds", {}).get("critical")
    if found and critical is not None and float(found.group(2)) != float(critical):
        raise DoubleHTTPError(
            400, "Bad Request",
            f"The value provided for parameter 'query' is invalid: critical threshold ({float(critical)}) "
            f"does not match that used in the query ({float(found.group(2))}).",
        )  # fmt: skip


# -- Webhooks integration (v1) ---------------------------------------------------------------------------

WEBHOOKS_PATH = "/api/v1/integration/webhooks/configuration/webhooks"
WEBHOOK_PATH = "/api/v1/integration/webhooks/configuration/webhooks/{webhook_name}"
_WEBHOOK_FIELDS = ("name", "url", "encode_as", "payload", "custom_headers")


def register_webhook_routes(double: DatadogDouble) -> None:
    """WebhooksIntegrationApi create / get / update over `double.webhooks` (name -> integration)."""
    routes = (
        ("create_webhooks_integration", "POST", WEBHOOKS_PATH, _create_webhook, "create_webhooks"),
        ("get_webhooks_integration", "GET", WEBHOOK_PATH, _get_webhook, "integrations_read"),
        ("update_webhooks_integration", "PUT", WEBHOOK_PATH, _update_webhook, "manage_integrations"),
    )
    for operation, method, path, handler, permission in routes:
        route = Route(operation, method, path, _locked_handler(double, handler), "plain", permission)
        double.add_route(route)


def _create_webhook(double: DatadogDouble, request: DoubleRequest) -> DoubleResponse:
    body = _json_object(request)
    if not body.get("name") or not body.get("url"):
        raise DoubleHTTPError(400, "Bad Request", "A webhook needs a name and a url.")
    if body["name"] in double.webhooks:
        raise DoubleHTTPError(400, "Bad Request", f"A webhook named {body['name']!r} already exists.")
    webhook = {"encode_as": "json", "payload": None, "custom_headers": None}
    webhook.update({name: body[name] for name in _WEBHOOK_FIELDS if name in body})
    double.webhooks[webhook["name"]] = webhook
    return DoubleResponse(201, dict(webhook))


def _webhook_of(double: DatadogDouble, request: DoubleRequest) -> dict[str, Any]:
    webhook = double.webhooks.get(request.path_params["webhook_name"])
    if webhook is None:
        raise DoubleHTTPError(404, "Not Found", "Webhook not found")
    return webhook


def _get_webhook(double: DatadogDouble, request: DoubleRequest) -> DoubleResponse:
    return DoubleResponse(200, dict(_webhook_of(double, request)))


def _update_webhook(double: DatadogDouble, request: DoubleRequest) -> DoubleResponse:
    webhook = _webhook_of(double, request)
    body = _json_object(request)
    updated = {**webhook, **{name: body[name] for name in _WEBHOOK_FIELDS if name in body}}
    del double.webhooks[webhook["name"]]
    double.webhooks[updated["name"]] = updated
    return DoubleResponse(200, dict(updated))


# -- pytest fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def datadog_double_server() -> Iterator[DatadogDouble]:
    """One running double for the session; prefer `datadog_double`, which also resets it per test."""
    with DatadogDouble() as double:
        yield double


@pytest.fixture
def datadog_double(datadog_double_server: DatadogDouble) -> Iterator[DatadogDouble]:
    """The running double with no spans, faults or recordings left from other tests."""
    datadog_double_server.reset()
    yield datadog_double_server
    datadog_double_server.reset()
