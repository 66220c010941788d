"""The one settings object, read from the environment and an optional `.env` file."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from evalforge_assets.hours import HOUR_FORMAT

LOCAL_HASH_SECRET = "evalforge-local-only"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Where everything local lives: the SQLite store, raw span files, DAGSTER_HOME, exported artifacts.
    evalforge_home: Path = Field(default=Path(".evalforge"), alias="EVALFORGE_HOME")
    store_url: str | None = Field(default=None, alias="EVALFORGE_STORE")

    # Capture
    span_source: str | None = Field(
        default=None,
        alias="EVALFORGE_SPAN_SOURCE",
        description="sample | datadog | a file or folder path; default: datadog when keys are set, else sample.",
    )
    partition_start: str = Field(default="2026-01-01-00:00", alias="EVALFORGE_PARTITION_START")
    sample_seed: int = Field(default=7, alias="EVALFORGE_SAMPLE_SEED")
    sample_spans_per_hour: int = Field(default=120, alias="EVALFORGE_SAMPLE_SPANS_PER_HOUR")
    bootstrap_hours: int = Field(default=6, alias="EVALFORGE_BOOTSTRAP_HOURS")
    quality_threshold: float = Field(default=0.5, alias="QUALITY_THRESHOLD")
    trace_lookback_hours: int = Field(default=24, alias="TRACE_LOOKBACK_HOURS")
    ingest_lag_minutes: int = Field(default=5, alias="EVALFORGE_INGEST_LAG_MINUTES")
    hash_secret: SecretStr | None = Field(default=None, alias="EVALFORGE_HASH_SECRET")
    raw_spans_gcs_bucket: str | None = Field(default=None, alias="EVALFORGE_RAW_GCS_BUCKET")
    raw_retention_hours: int = Field(
        default=72, alias="EVALFORGE_RAW_RETENTION_HOURS", ge=1,
        description="Raw span files older than this (by when they were written) are deleted by a schedule.",
    )
    raw_encryption_key: SecretStr | None = Field(
        default=None, alias="EVALFORGE_RAW_ENCRYPTION_KEY",
        description="A Fernet key: raw span files are encrypted with it instead of being written redacted.",
    )

    # Datadog
    dd_api_key: SecretStr | None = Field(default=None, alias="DD_API_KEY")
    dd_app_key: SecretStr | None = Field(default=None, alias="DD_APP_KEY")
    dd_site: str = Field(default="datadoghq.com", alias="DD_SITE")
    dd_api_host: str | None = Field(
        default=None, alias="DD_API_HOST", description="Override the API base URL (tests, proxies)."
    )
    dd_ml_app: str | None = Field(default=None, alias="DD_ML_APP")
    dd_page_size: int = Field(default=500, alias="DD_PAGE_SIZE", ge=1, le=5000)
    dd_max_retries: int = Field(default=5, alias="DD_MAX_RETRIES", ge=0)

    # API
    api_keys: SecretStr | None = Field(default=None, alias="EVALFORGE_API_KEYS")
    webhook_secret: SecretStr | None = Field(default=None, alias="EVALFORGE_WEBHOOK_SECRET")
    rate_limit_per_minute: int = Field(default=100, alias="EVALFORGE_RATE_LIMIT_PER_MINUTE")
    dagster_url: str = Field(default="http://127.0.0.1:3000", alias="EVALFORGE_DAGSTER_URL")

    # API hardening (evalforge_api/body_limit.py, rate_limits.py, cursors.py) and alert delivery (routes/alerts.py)
    max_body_bytes: int = Field(
        default=1_048_576, alias="EVALFORGE_MAX_BODY_BYTES", ge=1,
        description="Largest request body accepted; larger ones get 413 before they are read or authenticated.",
    )
    max_webhook_body_bytes: int = Field(
        default=1_048_576, alias="EVALFORGE_MAX_WEBHOOK_BODY_BYTES", ge=1,
        description="Body limit of the monitor and Alertmanager webhooks.",
    )
    max_export_body_bytes: int = Field(
        default=4_194_304, alias="EVALFORGE_MAX_EXPORT_BODY_BYTES", ge=1,
        description="Body limit of POST /v1/exports (long lists of capture ids).",
    )
    auth_failure_limit: int = Field(
        default=10, alias="EVALFORGE_AUTH_FAILURE_LIMIT", ge=1,
        description="Wrong keys one client address may send per window before it is refused with 429.",
    )
    auth_failure_window_seconds: int = Field(default=300, alias="EVALFORGE_AUTH_FAILURE_WINDOW_SECONDS", ge=1)
    cursor_secret: SecretStr | None = Field(
        default=None, alias="EVALFORGE_CURSOR_SECRET",
        description="Signs list cursors; default: a random secret generated once and kept in the store.",
    )
    cors_origins: str = Field(
        default="", alias="EVALFORGE_CORS_ORIGINS",
        description="Comma-separated browser origins allowed to call the API (none by default).",
    )
    alertmanager_secret: SecretStr | None = Field(
        default=None, alias="EVALFORGE_ALERTMANAGER_SECRET",
        description="Bearer secret Alertmanager sends to POST /v1/alerts/alertmanager; unset refuses every call.",
    )
    slack_alerts_channel: str | None = Field(default=None, alias="EVALFORGE_SLACK_ALERTS_CHANNEL")

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    # Recovery
    error_rate_threshold: float = Field(default=0.05, alias="ERROR_RATE_THRESHOLD")
    latency_threshold_ms: float = Field(default=1500.0, alias="LATENCY_THRESHOLD_MS")
    recurrence_cooldown_seconds: int = Field(default=300, alias="RECURRENCE_COOLDOWN_SECONDS")
    recent_window_seconds: float = Field(
        default=6.0, alias="EVALFORGE_RECENT_WINDOW_SECONDS",
        description="Short error-rate window that opens and closes incidents (the 5m rate lags a fix).",
    )
    poll_interval_seconds: int = Field(default=2, alias="EVALFORGE_POLL_INTERVAL_SECONDS", ge=1, le=5)
    traffic_rate_per_second: float = Field(default=5.0, alias="EVALFORGE_TRAFFIC_RATE")
    demo_app_url: str = Field(default="http://127.0.0.1:8001", alias="DEMO_APP_URL")
    dd_service: str = Field(default="demo-app", alias="DD_SERVICE")
    dd_env: str = Field(default="local", alias="DD_ENV")
    datadog_mcp_url: str | None = Field(default=None, alias="DATADOG_MCP_URL")
    testsprite_api_key: SecretStr | None = Field(default=None, alias="TESTSPRITE_API_KEY")
    testsprite_mcp_command: str | None = Field(
        default=None, alias="TESTSPRITE_MCP_COMMAND",
        description="Command line of TestSprite's MCP server; default: npx -y @testsprite/testsprite-mcp@<pinned>.",
    )
    testsprite_timeout_seconds: float = Field(
        default=1500.0, alias="TESTSPRITE_TIMEOUT_SECONDS", gt=0,
        description="How long a TestSprite run may take before it is stopped and the validation run fails.",
    )

    # LLM
    minimax_api_key: SecretStr | None = Field(default=None, alias="MINIMAX_API_KEY")
    minimax_model: str = Field(default="MiniMax-M2.5", alias="MINIMAX_MODEL")
    minimax_base_url: str = Field(default="https://api.minimax.io/v1", alias="MINIMAX_BASE_URL")

    # Exports and notifications
    export_webhook_url: str | None = Field(default=None, alias="EVALFORGE_EXPORT_WEBHOOK_URL")
    export_webhook_secret: SecretStr | None = Field(default=None, alias="EVALFORGE_EXPORT_WEBHOOK_SECRET")
    export_gcs_bucket: str | None = Field(default=None, alias="EVALFORGE_EXPORT_GCS_BUCKET")
    slack_webhook_url: SecretStr | None = Field(default=None, alias="SLACK_WEBHOOK_URL")

    # Slack war room (issue 10). With neither a bot token nor a webhook URL there is no Slack, and no error.
    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_api_url: str = Field(
        default="https://slack.com/api/", alias="SLACK_API_URL",
        description="Slack's Web API base URL; tests and local doubles point it elsewhere.",
    )
    slack_routing_file: Path | None = Field(
        default=None, alias="EVALFORGE_SLACK_ROUTING",
        description="YAML routing file: service -> team -> people (emails or Slack handles), with a default team.",
    )
    slack_channel_pattern: str = Field(
        default="inc-{date}-{service}-{short_id}", alias="EVALFORGE_SLACK_CHANNEL_PATTERN",
        description="War-room channel name: {date}, {service}, {short_id}, {incident_id}.",
    )
    slack_fuzzy_threshold: float = Field(
        default=90.0, alias="EVALFORGE_SLACK_FUZZY_THRESHOLD", ge=0, le=100,
        description="Lowest rapidfuzz score (0-100) at which a responder's handle matches a Slack member's name.",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000", alias="EVALFORGE_PUBLIC_URL",
        description="Where people reach Evalforge's API and console: the war room's links and bookmarks point here.",
    )

    # Self-observability (docs/operations.md, Metrics and Traces)
    llm_prices: str | None = Field(
        default=None, alias="EVALFORGE_LLM_PRICES",
        description='JSON {model: {"input_per_mtok": USD, "output_per_mtok": USD}} merged over the defaults in '
                    "evalforge_assets/telemetry/llm_cost.py; prices LLM calls for evalforge_llm_cost_usd_total.",
    )
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None, alias="OTEL_EXPORTER_OTLP_ENDPOINT",
        description="OTLP/HTTP base URL (traces go to {url}/v1/traces); unset: no exporter, no tracing thread.",
    )
    otel_service_name: str | None = Field(
        default=None, alias="OTEL_SERVICE_NAME",
        description="Service name on exported spans; default evalforge-api in the API, evalforge-dagster in Dagster.",
    )

    @property
    def datadog_configured(self) -> bool:
        return self.dd_api_key is not None and self.dd_app_key is not None

    @property
    def resolved_store_url(self) -> str:
        return self.store_url or f"sqlite:///{(self.evalforge_home / 'evalforge.db').resolve()}"

    @property
    def resolved_span_source(self) -> str:
        if self.span_source:
            return self.span_source
        return "datadog" if self.datadog_configured else "sample"

    @property
    def dagster_home(self) -> Path:
        return (self.evalforge_home / "dagster").resolve()

    @property
    def raw_spans_dir(self) -> Path:
        return (self.evalforge_home / "raw_spans").resolve()

    @property
    def exports_dir(self) -> Path:
        return (self.evalforge_home / "exports").resolve()

    def partition_range(self, now: datetime | None = None) -> tuple[datetime, datetime]:
        """[first partition's start, start of the current hour): the closed hourly partitions at `now`."""
        first = datetime.strptime(self.partition_start, HOUR_FORMAT).replace(tzinfo=UTC)
        current = (now or datetime.now(UTC)).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        return first, max(first, current)

    @property
    def datadog_api_base(self) -> str:
        return self.dd_api_host or f"https://api.{self.dd_site}"

    @property
    def user_hash_secret(self) -> str:
        # Without a configured secret the pseudonyms are still keyed, just not secret: fine for local use only.
        return self.secret_value("hash_secret") or LOCAL_HASH_SECRET

    def secret_value(self, name: str) -> str | None:
        value = getattr(self, name)
        return value.get_secret_value() if value is not None else None

    @classmethod
    def of(cls, **values: Any) -> Settings:
        """Settings from these values (keyed by field name; None means the default) and defaults for the rest,
        without reading the environment or `.env`: what a Dagster resource rebuilds from its own config."""
        given = {cls.model_fields[name].alias or name: value for name, value in values.items() if value is not None}
        return _ExplicitSettings(**given)


class _ExplicitSettings(Settings):
    """Settings that come only from the values passed in (see `Settings.of`)."""

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: Any, *_others: Any,
                                   **_named: Any) -> tuple[Any, ...]:
        return (init_settings,)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
