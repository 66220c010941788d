"""Gathering an incident's context (signal, top error, evidence links) from the best source available:
the Datadog MCP server when DATADOG_MCP_URL is set, else Datadog's API, else the service's own metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evalforge_assets.models import IncidentRecord, Link
from evalforge_assets.recovery.context_types import ContextSource, GatheredContext
from evalforge_assets.recovery.service_metrics import ServiceMetricsSource

if TYPE_CHECKING:
    from evalforge_assets.settings import Settings

__all__ = ["ContextSource", "GatheredContext", "MetricsContextSource", "context_source_for"]


class MetricsContextSource:
    """Context from a metrics source (the service's Prometheus endpoint or Datadog metrics)."""

    def __init__(self, metrics: ServiceMetricsSource, service_url: str, site: str | None = None,
                 env: str | None = None) -> None:
        self.metrics = metrics
        self.service_url = service_url.rstrip("/")
        self.site = site
        self.env = env
        self.name = f"metrics:{metrics.name}"

    def gather(self, incident: IncidentRecord) -> GatheredContext:
        reading = self.metrics.read(incident.service)
        links = [Link(label="Service metrics", url=f"{self.service_url}/metrics"),
                 Link(label="Service API description", url=f"{self.service_url}/openapi.json")]
        if self.site:
            env = f"&env={self.env}" if self.env else ""
            links.insert(0, Link(label="Datadog APM service",
                                 url=f"https://app.{self.site}/apm/services/{incident.service}?{env.lstrip('&')}"))
        monitor = incident.card.datadog_summary.monitor_id
        if monitor and self.site:
            links.insert(0, Link(label=f"Datadog monitor {monitor}", url=f"https://app.{self.site}/monitors/{monitor}"))
        return GatheredContext(signal=reading.to_signal(), evidence_links=links, source=self.name)


def context_source_for(settings: Settings, metrics_source: ContextSource) -> ContextSource:
    """The Datadog MCP server when DATADOG_MCP_URL is set (with `metrics_source` answering what it cannot),
    else `metrics_source` itself (Datadog's metrics API when DD keys are set, else the service's own metrics).

    Raises ValueError when DATADOG_MCP_URL is set without both Datadog keys.
    """
    if not settings.datadog_mcp_url:
        return metrics_source
    api_key, app_key = settings.secret_value("dd_api_key"), settings.secret_value("dd_app_key")
    if not (api_key and app_key):
        raise ValueError(
            "DATADOG_MCP_URL is set but DD_API_KEY and DD_APP_KEY are not both set; the Datadog MCP server "
            "needs both keys. Set them, or unset DATADOG_MCP_URL to use Datadog's API or the service's "
            "metrics."
        )
    # Imported here: the MCP client is only loaded by deployments that use it.
    from evalforge_assets.recovery.mcp_context import McpContextSource

    return McpContextSource(settings.datadog_mcp_url, api_key, app_key, settings.dd_service, settings.dd_env,
                            fallback=metrics_source, site=settings.dd_site)
