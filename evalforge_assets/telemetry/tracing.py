"""OpenTelemetry tracing: an OTLP/HTTP exporter when OTEL_EXPORTER_OTLP_ENDPOINT is set, nothing otherwise.

Without an endpoint no provider is installed, so every `span` is OpenTelemetry's no-op span (no exporter, no
background thread, a few hundred nanoseconds per span). The SDK and the exporter are imported only when an
endpoint is configured.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from opentelemetry import trace

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

TRACER_NAME = "evalforge"
_lock = threading.Lock()
_provider: TracerProvider | None = None


def traces_url(endpoint: str) -> str:
    """The OTLP/HTTP traces URL for a base endpoint, as the OpenTelemetry spec builds it from
    OTEL_EXPORTER_OTLP_ENDPOINT."""
    return endpoint.rstrip("/") + "/v1/traces"


def configure_tracing(endpoint: str | None, service_name: str) -> bool:
    """Install the SDK tracer provider exporting to `endpoint` (once per process) and instrument httpx.

    Returns True when spans are exported; False (and nothing installed) when `endpoint` is empty.
    """
    global _provider
    if not endpoint:
        return False
    with _lock:
        if _provider is not None:
            return True
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
        from opentelemetry.sdk.resources import SERVICE_NAME, Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=traces_url(endpoint))))
        trace.set_tracer_provider(provider)
        HTTPXClientInstrumentor().instrument()
        _provider = provider
    return True


def tracing_enabled() -> bool:
    return _provider is not None


def force_flush(timeout_millis: int = 5000) -> bool:
    """Export finished spans now (end of a short-lived process, tests); True when there was nothing to do."""
    return _provider.force_flush(timeout_millis) if _provider is not None else True


def tracer() -> trace.Tracer:
    return trace.get_tracer(TRACER_NAME)


@contextmanager
def span(name: str, attributes: dict[str, Any] | None = None) -> Iterator[trace.Span]:
    """A span around a block, current inside it; an exception marks it as an error and propagates."""
    clean = {key: value for key, value in (attributes or {}).items() if value is not None}
    with tracer().start_as_current_span(name, attributes=clean) as current:
        yield current


def current_ids() -> tuple[str, str] | None:
    """(trace id, span id) in hex of the active span, None when no recording span is active."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")
