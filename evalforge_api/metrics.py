"""The API's own Prometheus metrics: HTTP requests and WebSocket clients (a pure-ASGI middleware) and
`GET /metrics`, which also serves the pipeline's figures (see evalforge_api/pipeline_metrics.py).

The middleware is plain ASGI, not Starlette's BaseHTTPMiddleware (which runs each request through extra tasks
and memory streams): its per-request cost is a clock read and two pre-resolved counter updates (measured in
docs/operations.md). Routes are labelled by their template (`/v1/captures/{capture_id}`), never the raw path,
so label cardinality stays bounded; a request no route matched is `unmatched`.

Several uvicorn workers (`evalforge up` runs one per core) each count only what they answered, so a scrape
would show whichever worker took it. When PROMETHEUS_MULTIPROC_DIR is set before the process starts
(`evalforge up` sets it for more than one worker), prometheus-client keeps every worker's values in files there
and `/metrics` sums them (its multiprocess mode); without it, the in-process registry answers as before.
"""

from __future__ import annotations

import glob
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from evalforge_api.auth import Viewer
from evalforge_api.pipeline_metrics import PipelineCollector

# List endpoints answer in a few ms; the load target is p99 < 100 ms; a slow export or health check takes s.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UNMATCHED = "unmatched"
# Any other method a client invents is counted as OTHER, so made-up methods cannot add series either.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER = "OTHER"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# prometheus-client still honours the old lower-case name, so it decides the mode here as well.
LEGACY_MULTIPROC_ENV = "prometheus_multiproc_dir"


class HttpMetrics:
    """The HTTP families, in a registry of their own per app (so two apps in one process do not collide)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("evalforge_http_requests_total", "HTTP requests answered, by route template, "
                                "method and status.", ("route", "method", "status"), registry=self.registry)
        self.duration = Histogram("evalforge_http_request_duration_seconds", "Time to answer HTTP requests, by "
                                  "route template and method.", ("route", "method"), buckets=LATENCY_BUCKETS,
                                  registry=self.registry)
        self.rate_limited = Counter("evalforge_http_rate_limited_total", "Requests refused with 429 (rate limit or "
                                    "throttled authentication), by route template.", ("route",),
                                    registry=self.registry)
        self.unauthenticated = Counter("evalforge_http_unauthenticated_total", "Requests refused with 401 (no or "
                                       "unknown API key), by route template.", ("route",), registry=self.registry)
        # livesum: in multiprocess mode the workers' connections add up, and a worker that exited counts none.
        self.websocket_clients = Gauge("evalforge_websocket_clients", "WebSocket clients connected now.",
                                       registry=self.registry, multiprocess_mode="livesum")
        # labels() costs a lock and a tuple lookup; resolved children are kept here, keyed by the raw values.
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def record(self, route: str, method: str, status: int, seconds: float) -> None:
        children = self._children.get((route, method, status))
        if children is None:
            children = (self.requests.labels(route, method, str(status)), self.duration.labels(route, method))
            self._children[(route, method, status)] = children
        children[0].inc()
        children[1].observe(seconds)
        if status == 429:
            self.rate_limited.labels(route).inc()
        elif status == 401:
            self.unauthenticated.labels(route).inc()


def multiprocess_dir() -> Path | None:
    """The directory prometheus-client's multiprocess mode writes to, or None for the in-process registry.

    Raises ValueError when the variable names no directory: every worker would fail its first metric write."""
    value = os.environ.get(MULTIPROC_ENV) or os.environ.get(LEGACY_MULTIPROC_ENV)
    if not value:
        return None
    path = Path(value)
    if not path.is_dir():
        raise ValueError(f"{MULTIPROC_ENV} is {value}, which is not a directory. Create it empty before starting "
                         f"the API (evalforge up does), or unset it to run a single worker process.")
    return path


def forget_dead_workers(directory: Path) -> None:
    """Drop the live-gauge files of worker processes that no longer run.

    A worker that stops cleanly drops its own (_forget_this_worker_on_shutdown); one that was killed or crashed cannot, and
    uvicorn's supervisor has no exit hook where the parent could (gunicorn's child_exit), so the scrape does it:
    a dead worker's WebSocket clients are gone with it. Counter and histogram files stay, so totals never drop.
    """
    for path in glob.glob(str(directory / "gauge_live*_*.db")):
        pid_text = Path(path).stem.rsplit("_", 1)[-1]
        if pid_text.isdigit() and not _running(int(pid_text)):
            mark_process_dead(int(pid_text), str(directory))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, as another user's process
    return True


def multiprocess_registry(directory: Path, pipeline: PipelineCollector) -> CollectorRegistry:
    """A fresh registry of every worker's HTTP figures (summed from `directory`) and the store's pipeline
    figures. Fresh per scrape, as prometheus-client asks: the workers' own registries must not be collected
    beside the files, or families would appear twice."""
    forget_dead_workers(directory)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))
    registry.register(pipeline)
    return registry


def _forget_this_worker_on_shutdown(app: FastAPI, directory: Path) -> None:
    """Drop this worker's live-gauge file once its lifespan ends, as gunicorn's child_exit hook would.

    Not atexit: uvicorn re-raises the SIGTERM it caught after a graceful shutdown, so the worker dies by the
    signal and atexit handlers never run. The lifespan ends after uvicorn closed the WebSocket connections."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        try:
            async with inner(app) as state:
                yield state
        finally:
            mark_process_dead(os.getpid(), str(directory))

    app.router.lifespan_context = lifespan


def route_template(scope: Scope) -> str:
    """The matched route's path template (FastAPI puts the route in the scope while routing)."""
    route = scope.get("route")
    return getattr(route, "path_format", None) or getattr(route, "path", None) or UNMATCHED


class MetricsMiddleware:
    """Counts every HTTP request (with its latency) and the WebSocket clients connected."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "websocket":
            self.metrics.websocket_clients.inc()
            try:
                await self.app(scope, receive, send)
            finally:
                self.metrics.websocket_clients.dec()
            return
        if kind != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the server answers when the app raises before starting a response

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            method = scope["method"]
            self.metrics.record(route_template(scope), method if method in METHODS else OTHER, status,
                                time.perf_counter() - started)


def install_metrics(app: FastAPI) -> HttpMetrics:
    """Add the middleware and `GET /metrics` (a viewer key, or loopback when no keys are configured)."""
    # `_created` series double what is exposed and no rule or dashboard here reads them.
    disable_created_metrics()
    directory = multiprocess_dir()
    metrics = HttpMetrics()
    pipeline = PipelineCollector(lambda: app.state.store)
    if directory is None:
        metrics.registry.register(pipeline)
    else:
        _forget_this_worker_on_shutdown(app, directory)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    router = APIRouter(tags=["health"])

    @router.get("/metrics", summary="Prometheus metrics of the API and the pipeline", response_class=Response,
                responses={200: {"content": {CONTENT_TYPE_PLAIN_0_0_4: {}}}})
    def prometheus_metrics(_principal: Viewer, request: Request) -> Response:
        # The classic text format (0.0.4), which every Prometheus version and promtool read.
        registry = metrics.registry if directory is None else multiprocess_registry(directory, pipeline)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_PLAIN_0_0_4)

    app.include_router(router)
    app.state.http_metrics = metrics
    return metrics
