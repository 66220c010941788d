"""The service Evalforge watches by default: a tiny shop with a switch that breaks checkout.

Run it with `uvicorn demo_app.main:app --port 8001`. Endpoints:

- `GET /health` answers 200 whatever the bug does, like a shallow health check that misses real failures.
- `GET /catalog` lists products.
- `POST /checkout` places an order and answers 500 while the bug is on. With no Authorization header it is a
  guest checkout, and with `{}` or no body it buys one of the first catalog item, so any client that follows
  the incident contract gets 200 while healthy and 500 while broken. An Authorization header that is present
  must carry `Bearer <DEMO_APP_TOKEN>` (401 otherwise: the recovery plan's auth case), and a body that is
  present must be a valid order (422 otherwise: the plan's negative case).
- `POST /admin/bug {"enabled": bool}` / `GET /admin/bug` switch and read the bug.
- `GET /metrics` exposes Prometheus metrics (requests by route, method and status; latency histogram by route
  and method) that `evalforge_assets.recovery.service_metrics.PrometheusMetricsSource` turns into an error
  rate and a p95 when no Datadog is configured.

The bug lives in process memory: one process is one service instance, and restarting it clears the bug.
With `DD_TRACE_ENABLED=true` and ddtrace installed (it is optional), requests are also traced to Datadog.
"""

from __future__ import annotations

import hmac
import logging
import os
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import Body, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("demo_app")

TOKEN_ENV = "DEMO_APP_TOKEN"
DEFAULT_TOKEN = "demo-token"
METRICS_PATH = "/metrics"
# Requests that matched no route share one label, so random URLs cannot grow the metric without bound.
UNMATCHED_ROUTE = "unmatched"
# Latency buckets (seconds) dense around the default 1.5 s latency threshold, so a p95 near it is precise.
LATENCY_BUCKETS_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)
BUG_ERROR_MESSAGE = (
    "Checkout failed: the payment client could not read the processor's response "
    "(KeyError: 'authorization_code'). The demo bug is on; POST /admin/bug {\"enabled\": false} fixes it."
)


class BugSwitch:
    """Whether the checkout bug is on. Thread-safe, since uvicorn may serve requests from worker threads."""

    def __init__(self, enabled: bool = False) -> None:
        self._lock = threading.Lock()
        self._enabled = enabled

    @property
    def enabled(self) -> bool:
        with self._lock:
            return self._enabled

    def set(self, enabled: bool) -> bool:
        with self._lock:
            self._enabled = enabled
            return self._enabled


# The process-wide switch used by `app`; tests build apps with their own switch through `create_app`.
BUG_SWITCH = BugSwitch()


# -- API models ---------------------------------------------------------------------------------------------


class Catalog(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"items": [{"sku": "SKU-1001", "name": "Trail running shoes", "price": 89.5}]}]
        }
    )

    items: list[Product]


class Product(BaseModel):
    sku: str = Field(description="Stock keeping unit; what POST /checkout takes.", examples=["SKU-1001"])
    name: str = Field(examples=["Trail running shoes"])
    price: float = Field(description="Unit price in USD.", examples=[89.5])


CATALOG: tuple[Product, ...] = (
    Product(sku="SKU-1001", name="Trail running shoes", price=89.5),
    Product(sku="SKU-1002", name="Merino wool socks", price=14.0),
    Product(sku="SKU-1003", name="Insulated water bottle", price=24.99),
    Product(sku="SKU-1004", name="Packable rain jacket", price=129.0),
)


class CheckoutRequest(BaseModel):
    # Every field has a default so that `{}` (or no body) is a complete guest order, as the incident contract
    # promises; unknown fields are refused so a misspelt field is a 422 instead of a silent default.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"sku": "SKU-1001", "quantity": 1, "payment_token": "tok_visa_4242"}]},
    )

    sku: str = Field(
        default=CATALOG[0].sku, min_length=1, description="A sku from GET /catalog; the first product if left out.",
        examples=["SKU-1001"],
    )
    quantity: int = Field(default=1, gt=0, le=100, description="How many units; 1 to 100.", examples=[1])
    payment_token: str | None = Field(
        default=None,
        min_length=1,
        description="An opaque payment token, any non-empty string; a guest may leave it out (pay on delivery).",
        examples=["tok_visa_4242"],
    )


class Order(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "order_id": "ord_3f2a9c1e5b7d4e8f",
                    "sku": "SKU-1001",
                    "quantity": 1,
                    "unit_price": 89.5,
                    "total": 89.5,
                    "status": "confirmed",
                    "buyer": "guest",
                    "created_at": "2026-01-15T10:00:00.000Z",
                }
            ]
        }
    )

    order_id: str
    sku: str
    quantity: int
    unit_price: float
    total: float
    status: Literal["confirmed"]
    buyer: Literal["guest", "account"] = Field(
        description="`guest` when the request had no Authorization header, `account` with a valid bearer token."
    )
    created_at: str = Field(description="ISO-8601 UTC time the order was placed.")


class ErrorBody(BaseModel):
    error: str = Field(description="What went wrong, as a sentence.")


class Health(BaseModel):
    status: Literal["ok"]


class BugToggle(BaseModel):
    enabled: bool = Field(description="true breaks POST /checkout (500); false fixes it.")


class BugState(BaseModel):
    bug_enabled: bool


def _error_response_doc(description: str, message: str) -> dict[str, Any]:
    return {
        "model": ErrorBody,
        "description": description,
        "content": {"application/json": {"example": {"error": message}}},
    }


_CHECKOUT_EXAMPLES = {
    "valid": {
        "summary": "A valid order",
        "description": "Answers 200 with an order while the bug is off, 500 while it is on.",
        "value": {"sku": "SKU-1001", "quantity": 1, "payment_token": "tok_visa_4242"},
    },
    "guest_default": {
        "summary": "An empty body: one of the first catalog item",
        "description": "Like sending no body at all: 200 while the bug is off, 500 while it is on.",
        "value": {},
    },
    "zero_quantity": {
        "summary": "Invalid: quantity 0 (negative case)",
        "description": "Answers 422 naming the field, bug or no bug.",
        "value": {"sku": "SKU-1001", "quantity": 0, "payment_token": "tok_visa_4242"},
    },
    "unknown_field": {
        "summary": "Invalid: a field the order does not have (negative case)",
        "description": "Answers 422 naming the field, so a misspelt field never falls back to a default.",
        "value": {"sku": "SKU-1001", "qty": 2},
    },
    "unknown_sku": {
        "summary": "Unknown sku",
        "description": "Answers 404.",
        "value": {"sku": "SKU-0000", "quantity": 1, "payment_token": "tok_visa_4242"},
    },
}
_BUG_EXAMPLES = {
    "break": {"summary": "Turn the bug on (checkout answers 500)", "value": {"enabled": True}},
    "fix": {"summary": "Turn the bug off (the fix)", "value": {"enabled": False}},
}


# -- metrics ------------------------------------------------------------------------------------------------


class RequestMetrics:
    """The app's Prometheus metrics in a registry of its own, so several apps can live in one process."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self.requests = Counter(
            "demo_http_requests",  # exposed as demo_http_requests_total
            "HTTP requests served, by route template, method and status code.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "demo_http_request_duration_seconds",
            "Time to serve a request, by route template and method.",
            ["route", "method"],
            buckets=LATENCY_BUCKETS_SECONDS,
            registry=self.registry,
        )
        self.bug_enabled = Gauge(
            "demo_bug_enabled", "1 while the checkout bug is on.", registry=self.registry
        )

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route=route, method=method, status=str(status)).inc()
        self.latency.labels(route=route, method=method).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Counts and times every HTTP request except metric scrapes.

    Scrapes are left out because a poller reading /metrics every few seconds would otherwise dilute the error
    rate and the p95 with its own traffic. Routes are labelled by their template (e.g. "/checkout"), known
    only after routing, so the label is read from the scope once the app has answered.
    """

    def __init__(self, app: ASGIApp, metrics: RequestMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") == METRICS_PATH:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client sees if the app raises before sending a response

        async def send_and_capture_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_capture_status)
        finally:
            route = scope.get("route")
            route_label = getattr(route, "path", None) or UNMATCHED_ROUTE
            self.metrics.observe(route_label, scope["method"], status, time.perf_counter() - started)


# -- the app ------------------------------------------------------------------------------------------------


# Raised inside handlers and turned into `{"error": ...}` answers by the app's exception handlers.
class _Unauthorized(Exception):
    pass


class _NotFound(Exception):
    pass


class _BugTriggered(Exception):
    pass


_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="DemoBearer",
    description=(
        f"`Authorization: Bearer <token>`; the token is ${TOKEN_ENV} (default `{DEFAULT_TOKEN}`). Optional on "
        "POST /checkout: without the header the order is a guest checkout; with a wrong token it is a 401."
    ),
)
# OpenAPI's way to say that credentials are optional: an empty requirement beside the bearer one.
_OPTIONAL_BEARER: dict[str, Any] = {"security": [{}]}
Buyer = Literal["guest", "account"]


def _identify_buyer(
    request: Request,
    _documented: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Buyer:
    """`guest` without an Authorization header, `account` with the app's bearer token, 401 for anything else."""
    # The raw header decides, not HTTPBearer: it reads a `Basic ...` or empty header as "no credentials", and a
    # client that sends credentials of any kind must learn they are wrong rather than quietly become a guest.
    header = request.headers.get("authorization")
    if header is None:
        return "guest"
    scheme, _, presented = header.strip().partition(" ")
    valid_token: str = request.app.state.token
    if scheme.lower() != "bearer" or not hmac.compare_digest(presented.strip().encode(), valid_token.encode()):
        raise _Unauthorized()
    return "account"


def create_app(
    *,
    bug_switch: BugSwitch | None = None,
    token: str | None = None,
    registry: CollectorRegistry | None = None,
) -> FastAPI:
    """A demo app. `bug_switch` defaults to the process-wide `BUG_SWITCH`; `token` to $DEMO_APP_TOKEN or
    "demo-token"; `registry` to a fresh one per app."""
    switch = bug_switch if bug_switch is not None else BUG_SWITCH
    valid_token = token if token is not None else os.environ.get(TOKEN_ENV) or DEFAULT_TOKEN
    metrics = RequestMetrics(registry)

    app = FastAPI(
        title="Evalforge demo shop",
        version="1.0.0",
        description=(
            "A small shop that Evalforge monitors. POST /admin/bug switches a bug that makes POST /checkout "
            "answer 500; GET /health stays 200 regardless. POST /checkout takes guests (no Authorization "
            "header) and refuses a wrong bearer token with 401."
        ),
        openapi_tags=[
            {"name": "shop", "description": "What customers call."},
            {"name": "admin", "description": "The bug switch (for demos and tests)."},
            {"name": "ops", "description": "Health and metrics."},
        ],
    )
    app.state.bug_switch = switch
    app.state.token = valid_token
    app.state.metrics = metrics
    app.add_middleware(MetricsMiddleware, metrics=metrics)

    @app.exception_handler(_Unauthorized)
    async def unauthorized(_request: Request, _error: _Unauthorized) -> JSONResponse:
        return JSONResponse(
            {"error": "Invalid bearer token: send `Authorization: Bearer <token>` with the shop's token, or "
                      "no Authorization header at all to check out as a guest."},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )

    @app.get("/health", tags=["ops"], summary="Liveness; always 200, even while the bug is on")
    def health() -> Health:
        return Health(status="ok")

    @app.get("/catalog", tags=["shop"], summary="List the products")
    def catalog() -> Catalog:
        return Catalog(items=list(CATALOG))

    @app.post(
        "/checkout",
        tags=["shop"],
        summary="Place an order",
        description=(
            "Without an Authorization header the order is a guest checkout, and `{}` or no body buys one of the "
            "first catalog item. An Authorization header that is present must be `Bearer <token>` with the "
            "shop's token (401 otherwise). Validation comes after authentication: a body that is present but "
            "invalid answers 422 naming the field, an unknown sku 404, and while the bug is on a valid order "
            "answers 500 with an `error`."
        ),
        responses={
            401: _error_response_doc(
                "An Authorization header with a wrong token or scheme (no header at all is a guest checkout).",
                "Invalid bearer token: send `Authorization: Bearer <token>` with the shop's token, or no "
                "Authorization header at all to check out as a guest.",
            ),
            404: _error_response_doc(
                "The sku is not in the catalog.", "No product has sku 'SKU-0000'; GET /catalog lists them."
            ),
            500: _error_response_doc("The bug is on.", BUG_ERROR_MESSAGE),
        },
        openapi_extra=_OPTIONAL_BEARER,
    )
    def checkout(
        buyer: Annotated[Buyer, Depends(_identify_buyer)],
        body: Annotated[CheckoutRequest | None, Body(openapi_examples=_CHECKOUT_EXAMPLES)] = None,
    ) -> Order:
        order = body if body is not None else CheckoutRequest()  # no body (or JSON null) is the guest default
        product = next((item for item in CATALOG if item.sku == order.sku), None)
        if product is None:
            raise _NotFound(f"No product has sku {order.sku!r}; GET /catalog lists them.")
        if switch.enabled:
            raise _BugTriggered(BUG_ERROR_MESSAGE)
        return Order(
            order_id=f"ord_{uuid.uuid4().hex[:16]}",
            sku=product.sku,
            quantity=order.quantity,
            unit_price=product.price,
            total=round(product.price * order.quantity, 2),
            status="confirmed",
            buyer=buyer,
            created_at=datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        )

    @app.exception_handler(_NotFound)
    async def not_found(_request: Request, error: _NotFound) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=404)

    @app.exception_handler(_BugTriggered)
    async def bug_triggered(_request: Request, error: _BugTriggered) -> JSONResponse:
        logger.error("checkout failed because the demo bug is on")
        return JSONResponse({"error": str(error)}, status_code=500)

    @app.get("/admin/bug", tags=["admin"], summary="Read whether the bug is on")
    def read_bug() -> BugState:
        return BugState(bug_enabled=switch.enabled)

    @app.post("/admin/bug", tags=["admin"], summary="Turn the bug on or off")
    def set_bug(toggle: Annotated[BugToggle, Body(openapi_examples=_BUG_EXAMPLES)]) -> BugState:
        enabled = switch.set(toggle.enabled)
        logger.warning("demo bug switched %s", "on" if enabled else "off")
        return BugState(bug_enabled=enabled)

    @app.get(
        METRICS_PATH,
        tags=["ops"],
        summary="Prometheus metrics (text exposition format)",
        response_class=PlainTextResponse,
        responses={
            200: {
                "description": "demo_http_requests_total{route,method,status}, "
                "demo_http_request_duration_seconds{route,method} and demo_bug_enabled.",
                "content": {
                    "text/plain": {
                        "example": 'demo_http_requests_total{method="POST",route="/checkout",status="500"} 3.0\n'
                    }
                },
            }
        },
    )
    def prometheus_metrics() -> PlainTextResponse:
        metrics.bug_enabled.set(1 if switch.enabled else 0)
        return PlainTextResponse(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return app


def _start_tracing_if_requested() -> None:
    """Trace to Datadog only when asked (DD_TRACE_ENABLED=true) and possible (ddtrace is optional)."""
    if os.environ.get("DD_TRACE_ENABLED", "").strip().lower() != "true":
        return
    try:
        import ddtrace
    except ImportError:
        logger.warning(
            "DD_TRACE_ENABLED=true but ddtrace is not installed, so the demo app is not traced; "
            "install ddtrace to send its traces to Datadog."
        )
        return
    ddtrace.patch(fastapi=True)


_start_tracing_if_requested()
app = create_app()
