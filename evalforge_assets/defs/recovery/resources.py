"""The recovery resource: the watched service, its thresholds, and the parts that talk to it.

Secrets (Datadog, MiniMax, TestSprite keys) reach it as EnvVar, so they never enter Dagster's run config or UI;
every part is built by the composition root (evalforge_assets/parts.py) from the settings the resource holds.
"""

import math
from functools import lru_cache
from typing import Any

import httpx

from evalforge_assets import parts
from evalforge_assets.defs.resources import SettingsResource
from evalforge_assets.recovery.checks import TestRunner
from evalforge_assets.recovery.context_types import ContextSource
from evalforge_assets.recovery.service import IncidentService, SignalReading
from evalforge_assets.recovery.service_metrics import ServiceMetricsSource
from evalforge_assets.settings import Settings
from evalforge_assets.store import Store


@lru_cache(maxsize=8)
def _metrics_source(config: tuple[tuple[str, Any], ...]) -> ServiceMetricsSource:
    # Cached per process and per configuration: the Prometheus source keeps a ring of scrapes that rates are
    # computed from, so the sensor's evaluations in the long-lived code server must share one instance.
    return parts.metrics_source(Settings.of(**dict(config)))


class RecoveryResource(SettingsResource):
    """The service under watch (the bundled demo app by default), the recovery rule's thresholds, and the
    keys of the parts that read it (Datadog, the Datadog MCP server, MiniMax, TestSprite)."""

    dd_service: str = "demo-app"
    dd_env: str = "local"
    demo_app_url: str = "http://127.0.0.1:8001"
    error_rate_threshold: float = 0.05
    recurrence_cooldown_seconds: int = 300
    recent_window_seconds: float = 6.0
    dagster_url: str = "http://127.0.0.1:3000"
    dd_api_key: str | None = None
    dd_app_key: str | None = None
    dd_site: str = "datadoghq.com"
    dd_api_host: str | None = None
    datadog_mcp_url: str | None = None
    minimax_api_key: str | None = None
    minimax_model: str = "MiniMax-M2.5"
    minimax_base_url: str = "https://api.minimax.io/v1"
    testsprite_api_key: str | None = None
    testsprite_mcp_command: str | None = None
    testsprite_timeout_seconds: float = 1500.0

    @property
    def service(self) -> str:
        return self.dd_service

    @property
    def service_url(self) -> str:
        return self.demo_app_url

    def incident_service(self, store: Store) -> IncidentService:
        return parts.build_incident_service(self.settings(), store)

    def metrics_source(self) -> ServiceMetricsSource:
        # The resource's own fields are the cache key (secrets included, in memory only), so a changed
        # configuration builds a new source.
        return _metrics_source(tuple(sorted((name, getattr(self, name)) for name in type(self).model_fields)))

    def context_source(self) -> ContextSource:
        return parts.context_source(self.settings(), self.metrics_source())

    def read_signal(self) -> SignalReading:
        signal = self.metrics_source().read(self.service)
        # A source's first reading has no earlier one to subtract: its counts reach back to the service's start.
        return SignalReading(error_rate_5m=signal.error_rate_5m, p95_latency_ms_5m=signal.p95_latency_ms_5m,
                             top_error=signal.top_error, error_rate_recent=signal.error_rate_recent,
                             source=f"polling:{signal.source}",
                             window_seconds=math.inf if signal.window_seconds is None else signal.window_seconds,
                             recent_window_seconds=math.inf if signal.recent_window_seconds is None
                             else signal.recent_window_seconds)

    def test_runner(self) -> TestRunner:
        return parts.check_runner(self.settings())

    def llm_model(self) -> Any:
        return parts.llm_model(self.settings())

    def service_openapi(self) -> dict[str, Any] | None:
        """The service's OpenAPI description, which grounds the plan; None when it publishes none."""
        try:
            response = httpx.get(f"{self.service_url.rstrip('/')}/openapi.json", timeout=3.0)
        except httpx.HTTPError:
            return None
        return response.json() if response.status_code == 200 else None
