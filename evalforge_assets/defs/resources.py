"""Resources: each chooses its real or local implementation from configuration, never from `if`s in assets."""


from functools import cached_property
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from evalforge_assets.capture.build import UserHasher
from evalforge_assets.capture.classify import FailureRules
from evalforge_assets.capture.sources.base import SpanSource
from evalforge_assets.settings import LOCAL_HASH_SECRET, Settings
from evalforge_assets.store import Store, open_store


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


class SpanSourceResource(dg.ConfigurableResource):
    """Where spans come from: `datadog`, `sample`, or a path to a file/folder of Datadog export data."""

    kind: str = "sample"
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
        if self.kind == "sample":
            from evalforge_assets.capture.sources.sample import SampleSpanSource

            return SampleSpanSource(seed=self.sample_seed, spans_per_hour=self.sample_spans_per_hour)
        if self.kind == "datadog":
            from evalforge_assets.capture.sources.datadog import DatadogSpanSource

            if not (self.dd_api_key and self.dd_app_key):
                raise dg.Failure(
                    "The span source is 'datadog' but DD_API_KEY and DD_APP_KEY are not both set. "
                    "Set them, or set EVALFORGE_SPAN_SOURCE=sample to use the bundled sample."
                )
            return DatadogSpanSource(
                api_key=self.dd_api_key, app_key=self.dd_app_key, site=self.dd_site, host=self.dd_api_host,
                ml_app=self.dd_ml_app, page_size=self.dd_page_size, max_retries=self.dd_max_retries,
            )
        from evalforge_assets.capture.sources.files import FileSpanSource

        return FileSpanSource(Path(self.kind))


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


def _secret(settings: Settings, field: str, env_name: str) -> str | dg.EnvVar | None:
    """Secrets reach resources as EnvVar so Dagster resolves them at launch and never shows them in the UI."""
    return dg.EnvVar(env_name) if settings.secret_value(field) is not None else None


def build_resources(settings: Settings) -> dict[str, object]:
    from evalforge_assets.defs.io_managers import RawSpansIOManager
    from evalforge_assets.defs.recovery.resources import build_recovery_resource

    return {
        "store": StoreResource(url=settings.resolved_store_url),
        "span_source": SpanSourceResource(
            kind=settings.resolved_span_source,
            sample_seed=settings.sample_seed,
            sample_spans_per_hour=settings.sample_spans_per_hour,
            dd_api_key=_secret(settings, "dd_api_key", "DD_API_KEY"),
            dd_app_key=_secret(settings, "dd_app_key", "DD_APP_KEY"),
            dd_site=settings.dd_site,
            dd_api_host=settings.dd_api_host,
            dd_ml_app=settings.dd_ml_app,
            dd_page_size=settings.dd_page_size,
            dd_max_retries=settings.dd_max_retries,
        ),
        "capture_rules": CaptureRulesResource(
            quality_threshold=settings.quality_threshold,
            dd_site=settings.dd_site,
            hash_secret=_secret(settings, "hash_secret", "EVALFORGE_HASH_SECRET") or LOCAL_HASH_SECRET,
        ),
        "recovery": build_recovery_resource(settings),
        "raw_spans_io_manager": RawSpansIOManager(
            base_dir=str(settings.raw_spans_dir), gcs_bucket=settings.raw_spans_gcs_bucket
        ),
    }
