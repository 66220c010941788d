"""Gathering an incident's context (signal, top error, evidence links) from the best source available:
the Datadog MCP server when DATADOG_MCP_URL is set, else Datadog's API, else the service's own metrics
(`evalforge_assets.parts.context_source` makes that choice; this module holds the metrics-based source)."""

from __future__ import annotations

from evalforge_assets.models import IncidentRecord, Link
from evalforge_assets.recovery.context_types import ContextSource, GatheredContext
from evalforge_assets.recovery.service_metrics import ServiceMetricsSource

__all__ = ["ContextSource", "GatheredContext", "MetricsContextSource"]


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
