"""Resources: configured from the Settings build_definitions was given, building their parts through the
composition root (evalforge_assets/parts.py), never choosing real or local parts themselves."""


from functools import cached_property
from typing import Any, Self

import dagster as dg
from pydantic import PrivateAttr, SecretStr

from evalforge_assets import parts
from evalforge_assets.capture.build import UserHasher
from evalforge_assets.capture.classify import FailureRules
from evalforge_assets.capture.sources.base import SpanSource
from evalforge_assets.datadog_client import DatadogConfigError
from evalforge_assets.settings import LOCAL_HASH_SECRET, Settings
from evalforge_assets.store import Store, open_store


def secret(settings: Settings, field: str) -> dg.EnvVar | None:
    """A secret setting as a reference to its environment variable, so Dagster resolves it at launch and never
    shows its value in run config or the UI; None when the setting is not set."""
    if settings.secret_value(field) is None:
        return None
    return dg.EnvVar(Settings.model_fields[field].alias or field.upper())


class SettingsResource(dg.ConfigurableResource):
    """A resource whose fields are Settings fields of the same name (secrets as EnvVar), so it can hand the
    composition root the settings it was built from: `settings()` rebuilds them without reading the
    environment again."""

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> Self:
        values: dict[str, Any] = {}
        for name in cls.model_fields:
            if name in overrides or name not in Settings.model_fields:
                continue
            value = getattr(settings, name)
            values[name] = secret(settings, name) if isinstance(value, SecretStr) else value
        return cls(**values, **overrides)

    def settings(self) -> Settings:
        return Settings.of(**{name: getattr(self, name) for name in type(self).model_fields
                              if name in Settings.model_fields})


class StoreResource(dg.ConfigurableResource):
    """The Evalforge store (`sqlite:///PATH` or `firestore://PROJECT`), opened once per process."""

    url: str
    _store: Store | None = PrivateAttr(default=None)

    def get(self) -> Store:
        if self._store is None:
            self._store = open_store(self.url)
        return self._store

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class SpanSourceResource(SettingsResource):
    """Where spans come from: `datadog`, `sample`, or a path to a file/folder of Datadog export data."""

    span_source: str = "sample"
    sample_seed: int = 7
    sample_spans_per_hour: int = 120
    dd_api_key: str | None = None
    dd_app_key: str | None = None
    dd_site: str = "datadoghq.com"
    dd_api_host: str | None = None
    dd_ml_app: str | None = None
    dd_page_size: int = 500
    dd_max_retries: int = 5

    def build(self) -> SpanSource:
        try:
            return parts.span_source(self.settings())
        except DatadogConfigError as error:
            raise dg.Failure(f"The span source is 'datadog', but it cannot be built: {error}") from error


class CaptureRulesResource(dg.ConfigurableResource):
    """Failure rules and the user-id hashing secret."""

    quality_threshold: float = 0.5
    hash_secret: str = LOCAL_HASH_SECRET
    dd_site: str = "datadoghq.com"

    @cached_property
    def rules(self) -> FailureRules:
        return FailureRules(quality_threshold=self.quality_threshold)

    @cached_property
    def hasher(self) -> UserHasher:
        return UserHasher(self.hash_secret)


def build_resources(settings: Settings) -> dict[str, object]:
    """The resources the capture, grouping and recovery assets need, keyed as the assets name them."""
    from evalforge_assets.defs.io_managers import RawSpansIOManager
    from evalforge_assets.defs.recovery.resources import RecoveryResource

    return {
        "store": StoreResource(url=settings.resolved_store_url),
        "span_source": SpanSourceResource.from_settings(settings, span_source=settings.resolved_span_source),
        "capture_rules": CaptureRulesResource(
            quality_threshold=settings.quality_threshold,
            dd_site=settings.dd_site,
            hash_secret=secret(settings, "hash_secret") or LOCAL_HASH_SECRET,
        ),
        "recovery": RecoveryResource.from_settings(settings),
        "raw_spans_io_manager": RawSpansIOManager(
            base_dir=str(settings.raw_spans_dir), gcs_bucket=settings.raw_spans_gcs_bucket,
            encryption_key=secret(settings, "raw_encryption_key"),
            hash_secret=secret(settings, "hash_secret") or LOCAL_HASH_SECRET,
        ),
    }
