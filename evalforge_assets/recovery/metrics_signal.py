"""What every service metrics source answers with (`ServiceSignal`), the interface they share, the error
they raise, and the window sizes; shared by the Prometheus source (`service_metrics`) and the Datadog one
(`datadog_metrics`).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from evalforge_assets.models import Signal

DEFAULT_WINDOW_SECONDS = 300.0
PROMETHEUS_RECENT_WINDOW_SECONDS = 15.0
DATADOG_RECENT_WINDOW_SECONDS = 60.0
DEFAULT_SPAN_NAME = "fastapi.request"
# Enough samples for a 5-minute window polled every 0.3 s; faster polling shortens the window instead of
# growing memory.
MAX_SCRAPES_KEPT = 1000
P95 = 0.95


class MetricsUnavailableError(RuntimeError):
    """The service's metrics could not be read; the message says from where and what to check."""


class ServiceSignal(BaseModel):
    """One reading of a service's health. Rates are fractions (0.05 is 5%), latencies milliseconds."""

    model_config = ConfigDict(frozen=True)

    error_rate_5m: float = Field(ge=0.0, le=1.0, description="5xx answers / all answers over the window.")
    p95_latency_ms_5m: float = Field(ge=0.0, description="95th percentile latency over the window, ms.")
    top_error: str | None = Field(description='What failed most in the window, e.g. "POST /checkout 500".')
    requests_5m: int = Field(ge=0)
    source: str = Field(description='"prometheus" or "datadog".')
    read_at: str = Field(description="ISO-8601 UTC time of the reading.")
    window_seconds: float | None = Field(
        default=None,
        description="How much history the *_5m numbers really cover (at most the configured window); "
        "None when they are cumulative since the service started (the first scrape).",
    )
    error_rate_recent: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Error rate over the short recent window; None without traffic.",
    )
    p95_latency_ms_recent: float | None = Field(default=None, ge=0.0)
    requests_recent: int = Field(default=0, ge=0)
    recent_window_seconds: float | None = None

    def to_signal(self) -> Signal:
        """The incident contract's `signal` object."""
        return Signal(
            error_rate_5m=self.error_rate_5m,
            p95_latency_ms_5m=self.p95_latency_ms_5m,
            top_error=self.top_error,
        )


@runtime_checkable
class ServiceMetricsSource(Protocol):
    name: str

    def read(self, service: str) -> ServiceSignal:
        """The service's current signal; raises `MetricsUnavailableError` when it cannot be read."""
        ...
