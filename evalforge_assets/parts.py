"""The composition root: every part that is real or local is built here, from one `Settings`.

Each function makes its part's one choice between the real implementation (Datadog, Firestore, MiniMax,
TestSprite, the Datadog MCP server) and the local one (sample spans, SQLite, the service's own metrics, the
httpx check runner, the deterministic generators), so no other module decides with an `if` on settings.
The API (evalforge_api/app.py, deps.py) and the Dagster resources (evalforge_assets/defs/) both build their
parts through these functions. Heavy or optional clients are imported inside the function that needs them,
so importing this module stays cheap and Dagster-free.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from evalforge_assets.settings import Settings
from evalforge_assets.store import Store, open_store

if TYPE_CHECKING:
    from collections.abc import Callable

    from strands.models import Model

    from evalforge_assets.capture.sources.base import SpanSource
    from evalforge_assets.exports.artifacts import ArtifactGenerator
    from evalforge_assets.models import PendingRequest
    from evalforge_assets.recovery.checks import TestRunner
    from evalforge_assets.recovery.context_types import ContextSource
    from evalforge_assets.recovery.service import IncidentService
    from evalforge_assets.recovery.service_metrics import ServiceMetricsSource
    from evalforge_assets.recovery.warroom.routing import Resolution
    from evalforge_assets.recovery.warroom.service import WarRoomService
    from evalforge_assets.recovery.warroom.slack_gateway import SlackGateway

logger = logging.getLogger(__name__)


def store(settings: Settings) -> Store:
    """SQLite (`sqlite:///PATH`, the default file in EVALFORGE_HOME) or Firestore (`firestore://PROJECT`)."""
    return open_store(settings.resolved_store_url)


def span_source(settings: Settings) -> SpanSource:
    """Datadog's export API, the bundled sample, or a file/folder of exported spans (EVALFORGE_SPAN_SOURCE).

    Raises DatadogConfigError naming the missing key when the source is `datadog` without both keys.
    """
    kind = settings.resolved_span_source
    if kind == "sample":
        from evalforge_assets.capture.sources.sample import SampleSpanSource

        return SampleSpanSource(seed=settings.sample_seed, spans_per_hour=settings.sample_spans_per_hour)
    if kind == "datadog":
        from evalforge_assets.capture.sources.datadog import DatadogSpanSource

        return DatadogSpanSource.from_settings(settings)
    from evalforge_assets.capture.sources.files import FileSpanSource

    # Spans outside the closed partitions are quarantined on their own line instead of refusing the file.
    return FileSpanSource(Path(kind), *settings.partition_range())


def metrics_source(settings: Settings) -> ServiceMetricsSource:
    """Datadog metrics for DD_SERVICE in DD_ENV when both Datadog keys are set, else the watched service's own
    Prometheus endpoint at `{DEMO_APP_URL}/metrics` (rates over EVALFORGE_RECENT_WINDOW_SECONDS)."""
    if settings.datadog_configured:
        from evalforge_assets.datadog_client import DatadogConnection, open_api_client
        from evalforge_assets.recovery.service_metrics import DatadogMetricsSource

        connection = DatadogConnection.from_settings(settings)
        return DatadogMetricsSource(lambda: open_api_client(connection), settings.dd_service, settings.dd_env)
    from evalforge_assets.recovery.service_metrics import PrometheusMetricsSource

    return PrometheusMetricsSource(f"{settings.demo_app_url.rstrip('/')}/metrics",
                                   recent_window_seconds=settings.recent_window_seconds)


def check_runner(settings: Settings) -> TestRunner:
    """TestSprite, through its MCP server, when TESTSPRITE_API_KEY is set (one TestSprite project per watched
    service, run folders under EVALFORGE_HOME/testsprite), else the local httpx runner."""
    from evalforge_assets.recovery.checks import HttpxTestRunner

    api_key = settings.secret_value("testsprite_api_key")
    if not api_key:
        return HttpxTestRunner()
    import shlex

    from evalforge_assets.recovery.testsprite import DEFAULT_COMMAND, TestSpriteRunner

    command = shlex.split(settings.testsprite_mcp_command) if settings.testsprite_mcp_command else DEFAULT_COMMAND
    return TestSpriteRunner(api_key, project_name=settings.dd_service, command=command,
                            timeout_seconds=settings.testsprite_timeout_seconds,
                            workdir=(settings.evalforge_home / "testsprite").resolve())


def context_source(settings: Settings, metrics: ServiceMetricsSource) -> ContextSource:
    """The Datadog MCP server when DATADOG_MCP_URL is set (falling back field by field to `metrics`), else the
    metrics source itself (Datadog's metrics API when DD keys are set, else the service's own metrics).

    Raises ValueError when DATADOG_MCP_URL is set without both Datadog keys.
    """
    from evalforge_assets.recovery.context import MetricsContextSource

    site = settings.dd_site if settings.datadog_configured else None
    fallback = MetricsContextSource(metrics, settings.demo_app_url, site=site, env=settings.dd_env)
    if not settings.datadog_mcp_url:
        return fallback
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
                            fallback=fallback, site=settings.dd_site)


def slack_gateway(settings: Settings) -> SlackGateway | None:
    """Slack's Web API with SLACK_BOT_TOKEN (at SLACK_API_URL), else the incoming webhook SLACK_WEBHOOK_URL
    (posts only), else None: no Slack configured is not an error."""
    from evalforge_assets.recovery.warroom.slack_gateway import slack_gateway_from

    return slack_gateway_from(settings)


def llm_model(settings: Settings) -> Model | None:
    """MiniMax when MINIMAX_API_KEY is set; None means the agents run their deterministic fallbacks. The
    planner, the copilot and the LLM artifact generator are all given this model by their callers."""
    from evalforge_assets.llm import build_model

    return build_model(settings)


def artifact_generator(settings: Settings) -> ArtifactGenerator:
    """The LLM artifact generator when MiniMax is configured, wrapped so any artifact it fails on comes from the
    deterministic generator; the deterministic generator alone otherwise."""
    from evalforge_assets.exports.artifacts import DeterministicArtifactGenerator, FallbackArtifactGenerator

    model = llm_model(settings)
    if model is None:
        return DeterministicArtifactGenerator()
    # Imported only with a model: the LLM generator pulls in the agent stack.
    from evalforge_assets.exports.generators import LlmArtifactGenerator

    return FallbackArtifactGenerator(LlmArtifactGenerator(model), DeterministicArtifactGenerator())


def war_room_service(settings: Settings, store: Store) -> WarRoomService | None:
    """The Slack war room over `slack_gateway(settings)`, with responders from EVALFORGE_SLACK_ROUTING (none
    invited without it), channels named by EVALFORGE_SLACK_CHANNEL_PATTERN, links to EVALFORGE_PUBLIC_URL and
    post-incident reports under EVALFORGE_HOME/exports/incidents; None when Slack is not configured.

    Raises RoutingFileError or ChannelPatternError, each saying what to fix, for an unusable routing file or
    channel pattern.
    """
    gateway = slack_gateway(settings)
    if gateway is None:
        return None
    from evalforge_assets.recovery.warroom.naming import check_pattern
    from evalforge_assets.recovery.warroom.routing import load_routing, resolve_people
    from evalforge_assets.recovery.warroom.service import WarRoomService

    routing = load_routing(settings.slack_routing_file) if settings.slack_routing_file else None
    responders = None
    if routing is not None and gateway.can_manage_channels:
        def responders(service: str) -> Resolution:
            return resolve_people(gateway, routing.people_for(service), threshold=settings.slack_fuzzy_threshold)

    return WarRoomService(store, gateway, responders=responders,
                          channel_pattern=check_pattern(settings.slack_channel_pattern),
                          api_url=settings.public_url, reports_dir=settings.exports_dir / "incidents")


def build_incident_service(settings: Settings, store: Store, *,
                           launcher: Callable[[PendingRequest], str | None] | None = None) -> IncidentService:
    """The incident service for the watched service (DD_SERVICE) and its thresholds; `launcher` (the API's
    direct Dagster launch, see orchestration.validation_run_launcher) starts requested runs without waiting
    for the sensor."""
    from evalforge_assets.recovery.service import IncidentService

    return IncidentService(store, service=settings.dd_service, error_rate_threshold=settings.error_rate_threshold,
                           cooldown_seconds=settings.recurrence_cooldown_seconds, launcher=launcher)


def tracing(settings: Settings, default_service_name: str) -> bool:
    """OpenTelemetry traces exported over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT as OTEL_SERVICE_NAME (else
    `default_service_name`); with no endpoint nothing is installed and False is returned."""
    from evalforge_assets.telemetry import configure_tracing

    return configure_tracing(settings.otel_exporter_otlp_endpoint,
                             settings.otel_service_name or default_service_name)
