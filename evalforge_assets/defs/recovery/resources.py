"""The recovery resource: the watched service, its thresholds, and the parts that talk to it.

Secrets (Datadog, MiniMax, TestSprite keys) are read from the environment by Settings inside the factories,
so they never enter Dagster's run config or UI; whether a real or local part is used follows from them.
"""

from functools import lru_cache
from typing import Any

import dagster as dg
import httpx

from evalforge_assets.recovery.checks import TestRunner, runner_from_settings
from evalforge_assets.recovery.service import IncidentService, SignalReading
from evalforge_assets.recovery.service_metrics import (
    PrometheusMetricsSource,
    ServiceMetricsSource,
    metrics_source_from_settings,
)
from evalforge_assets.settings import Settings, get_settings
from evalforge_assets.store import Store


@lru_cache(maxsize=8)
def _metrics_source(service_url: str, recent_window_seconds: float, use_datadog: bool) -> ServiceMetricsSource:
    # Cached per process: the Prometheus source keeps a ring of scrapes that rates are computed from, so the
    # sensor's evaluations in the long-lived code server must share one instance.
    if use_datadog:
        return metrics_source_from_settings(get_settings())
    return PrometheusMetricsSource(f"{service_url.rstrip('/')}/metrics", recent_window_seconds=recent_window_seconds)


class RecoveryResource(dg.ConfigurableResource):
    """The service under watch (the bundled demo app by default) and the recovery rule's thresholds."""

    service: str = "demo-app"
    service_url: str = "http://127.0.0.1:8001"
    error_rate_threshold: float = 0.05
    cooldown_seconds: int = 300
    recent_window_seconds: float = 6.0
    dagster_url: str = "http://127.0.0.1:3000"

    def incident_service(self, store: Store) -> IncidentService:
        return IncidentService(store, service=self.service, error_rate_threshold=self.error_rate_threshold,
                               cooldown_seconds=self.cooldown_seconds)

    def metrics_source(self) -> ServiceMetricsSource:
        return _metrics_source(self.service_url, self.recent_window_seconds, get_settings().datadog_configured)

    def read_signal(self) -> SignalReading:
        signal = self.metrics_source().read(self.service)
        return SignalReading(error_rate_5m=signal.error_rate_5m, p95_latency_ms_5m=signal.p95_latency_ms_5m,
                             top_error=signal.top_error, error_rate_recent=signal.error_rate_recent,
                             source=f"polling:{signal.source}")

    def test_runner(self) -> TestRunner:
        return runner_from_settings(get_settings())

    def settings(self) -> Settings:
        return get_settings()

    def service_openapi(self) -> dict[str, Any] | None:
        """The service's OpenAPI description, which grounds the plan; None when it publishes none."""
        try:
            response = httpx.get(f"{self.service_url.rstrip('/')}/openapi.json", timeout=3.0)
        except httpx.HTTPError:
            return None
        return response.json() if response.status_code == 200 else None


def build_recovery_resource(settings: Settings) -> RecoveryResource:
    return RecoveryResource(
        service=settings.dd_service,
        service_url=settings.demo_app_url,
        error_rate_threshold=settings.error_rate_threshold,
        cooldown_seconds=settings.recurrence_cooldown_seconds,
        recent_window_seconds=settings.recent_window_seconds,
        dagster_url=settings.dagster_url,
    )
