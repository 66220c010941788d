"""One place that turns Datadog credentials and a site into a configured `datadog_api_client.ApiClient`.

Every Datadog-facing part of Evalforge (span export, LLM Obs datasets, metrics, monitors) builds its client
here so keys, site, host override and unstable-operation opt-ins are handled the same way everywhere.
Keys live in `SecretStr` until the moment the client needs them, and `DatadogConnection`'s repr never
shows them.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from datadog_api_client import ApiClient, Configuration
from pydantic import SecretStr

if TYPE_CHECKING:
    from evalforge_assets.settings import Settings

# Index of the "Any Datadog deployment" server in the client's host settings: unlike index 0 it does not
# check the site against the client's built-in list, so new or private sites still work.
_ANY_SITE_SERVER_INDEX = 2


class DatadogConfigError(ValueError):
    """Datadog is being used but is not configured well enough to make a single call."""


@dataclass(frozen=True, repr=False)
class DatadogConnection:
    """Where and as whom to call Datadog.

    `host` replaces the site-derived base URL entirely (e.g. "http://127.0.0.1:8123" for a local test
    double, or a proxy); `site` is then only informational.
    """

    api_key: SecretStr
    app_key: SecretStr
    site: str = "datadoghq.com"
    host: str | None = None
    request_timeout_seconds: float = 60.0

    def __post_init__(self) -> None:
        missing = [
            env_name
            for env_name, key in (("DD_API_KEY", self.api_key), ("DD_APP_KEY", self.app_key))
            if not key.get_secret_value().strip()
        ]
        if missing:
            raise DatadogConfigError(
                f"Datadog credentials are incomplete: {' and '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} not set (or empty). Set both DD_API_KEY and DD_APP_KEY "
                "(an application key with LLM Observability read access), or leave both unset to use "
                "the local sample span source."
            )
        if not self.site.strip():
            raise DatadogConfigError("DD_SITE is empty: set it to your Datadog site, e.g. datadoghq.com.")

    @classmethod
    def create(
        cls,
        api_key: str | SecretStr | None,
        app_key: str | SecretStr | None,
        *,
        site: str = "datadoghq.com",
        host: str | None = None,
        request_timeout_seconds: float = 60.0,
    ) -> DatadogConnection:
        """Build a connection from plain or secret strings, with a clear error when a key is missing."""
        return cls(
            api_key=_as_secret(api_key),
            app_key=_as_secret(app_key),
            site=site,
            host=host.rstrip("/") if host else None,
            request_timeout_seconds=request_timeout_seconds,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> DatadogConnection:
        return cls.create(
            settings.dd_api_key, settings.dd_app_key, site=settings.dd_site, host=settings.dd_api_host
        )

    @property
    def base_url(self) -> str:
        """The URL requests go to, for messages and logs (never contains credentials)."""
        return self.host or f"https://api.{self.site}"

    def __repr__(self) -> str:
        return f"DatadogConnection(site={self.site!r}, host={self.host!r}, api_key='**********', app_key='**********')"


def _as_secret(value: str | SecretStr | None) -> SecretStr:
    if isinstance(value, SecretStr):
        return value
    return SecretStr(value or "")


def build_configuration(
    connection: DatadogConnection,
    *,
    unstable_operations: Iterable[str] = (),
    raw_responses: bool = False,
) -> Configuration:
    """A client `Configuration` for `connection`.

    unstable_operations: operation ids (e.g. "list_llm_obs_spans") to opt into; every LLM Obs operation is
        "unstable" in the client and raises unless enabled.
    raw_responses: when True, API methods return the undecoded `urllib3` response instead of models, for
        callers that must hand on Datadog's JSON exactly as sent (unknown keys, original number types).

    The client's own retries stay off: callers retry themselves so they can count and log every wait.
    """
    configuration = Configuration(
        api_key={
            "apiKeyAuth": connection.api_key.get_secret_value(),
            "appKeyAuth": connection.app_key.get_secret_value(),
        },
        request_timeout=connection.request_timeout_seconds,
        preload_content=not raw_responses,
        enable_retry=False,
    )
    # Configuration() also reads DD_SITE from the environment; the connection is the single source of truth.
    if connection.host:
        configuration.host = connection.host
    else:
        configuration.server_index = _ANY_SITE_SERVER_INDEX
        configuration.server_variables["site"] = connection.site
    for operation_id in unstable_operations:
        _enable_unstable_operation(configuration, operation_id)
    return configuration


def open_api_client(
    connection: DatadogConnection,
    *,
    unstable_operations: Iterable[str] = (),
    raw_responses: bool = False,
) -> ApiClient:
    """An `ApiClient` ready for any `datadog_api_client.v1/v2` API class; close it (or use `with`) when done."""
    return ApiClient(
        build_configuration(connection, unstable_operations=unstable_operations, raw_responses=raw_responses)
    )


def _enable_unstable_operation(configuration: Configuration, operation_id: str) -> None:
    try:
        configuration.unstable_operations[operation_id] = True
    except KeyError:
        raise DatadogConfigError(
            f"datadog-api-client has no unstable operation named {operation_id!r}; check the operation id "
            "against the installed client version (it may have been renamed or become stable)."
        ) from None
    # Opting in is deliberate, so the client's per-call "Using unstable operation" warning is only noise.
    warnings.filterwarnings(
        "ignore", message=re.escape(f"Using unstable operation '{operation_id}'"), category=UserWarning
    )
