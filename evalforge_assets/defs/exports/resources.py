"""Export resources: where artifacts are delivered and which generator writes them, chosen by configuration."""


import dagster as dg

from evalforge_assets import parts
from evalforge_assets.datadog_client import DatadogConnection
from evalforge_assets.defs.resources import SettingsResource, secret
from evalforge_assets.exports import ExportSinks
from evalforge_assets.exports.artifacts import ArtifactGenerator, DeterministicArtifactGenerator
from evalforge_assets.exports.datadog_datasets import DatadogDatasetPublisher
from evalforge_assets.exports.delivery import (
    ArtifactStorage,
    GcsArtifactStorage,
    LocalArtifactStorage,
    RetryPolicy,
    WebhookSender,
)
from evalforge_assets.settings import Settings


class ExportDeliveryResource(dg.ConfigurableResource):
    """Artifact files go to `exports_dir`, or to `gcs_bucket` when set; eval cases also go to Datadog datasets
    when both Datadog keys are set; the webhook destination POSTs to `webhook_url`, signed with
    `webhook_secret`. Each destination gets `max_attempts` tries, `retry_base_seconds` apart and doubling."""

    exports_dir: str
    gcs_bucket: str | None = None
    gcs_project: str | None = None
    gcs_prefix: str = "exports"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_timeout_seconds: float = 10.0
    dd_api_key: str | None = None
    dd_app_key: str | None = None
    dd_site: str = "datadoghq.com"
    dd_api_host: str | None = None
    dd_project: str = "evalforge"
    dd_dataset_prefix: str = "evalforge"
    max_attempts: int = 3
    retry_base_seconds: float = 2.0
    retry_max_seconds: float = 60.0

    def storage(self) -> ArtifactStorage:
        if self.gcs_bucket:
            # Imported here: dagster_gcp pulls in BigQuery and pandas (~3 s), which no local run needs.
            from dagster_gcp import GCSResource

            client = GCSResource(project=self.gcs_project).get_client()
            return GcsArtifactStorage(client, self.gcs_bucket, self.gcs_prefix)
        return LocalArtifactStorage(self.exports_dir)

    def dataset_publisher(self) -> DatadogDatasetPublisher | None:
        if not (self.dd_api_key and self.dd_app_key):
            return None
        connection = DatadogConnection.create(self.dd_api_key, self.dd_app_key, site=self.dd_site,
                                              host=self.dd_api_host)
        return DatadogDatasetPublisher(connection, project_name=self.dd_project,
                                       dataset_prefix=self.dd_dataset_prefix)

    def sinks(self) -> ExportSinks:
        timeout = self.webhook_timeout_seconds
        return ExportSinks(
            storage=self.storage(), dataset=self.dataset_publisher(), webhook_url=self.webhook_url,
            webhook_secret=self.webhook_secret,
            webhook_factory=lambda url, secret: WebhookSender(url, secret, timeout_seconds=timeout),
            retry=RetryPolicy(max_attempts=self.max_attempts, base_delay_seconds=self.retry_base_seconds,
                              max_delay_seconds=self.retry_max_seconds),
        )


class ArtifactGeneratorResource(SettingsResource):
    """`auto`: the generator the composition root picks for these settings (the LLM one when MiniMax is
    configured, deterministic for any artifact it fails on); `deterministic`: never call a model."""

    kind: str = "auto"
    minimax_api_key: str | None = None
    minimax_model: str = "MiniMax-M2.5"
    minimax_base_url: str = "https://api.minimax.io/v1"

    def build(self) -> ArtifactGenerator:
        if self.kind == "deterministic":
            return DeterministicArtifactGenerator()
        if self.kind == "auto":
            return parts.artifact_generator(self.settings())
        raise dg.Failure(f"The artifact generator kind {self.kind!r} is unknown; use 'auto' or 'deterministic'.")


def build_export_resources(settings: Settings) -> dict[str, object]:
    """The resources the export assets need, keyed as the assets name them."""
    return {
        "export_delivery": ExportDeliveryResource(
            exports_dir=str(settings.exports_dir),
            gcs_bucket=settings.export_gcs_bucket,
            webhook_url=settings.export_webhook_url,
            webhook_secret=secret(settings, "export_webhook_secret"),
            dd_api_key=secret(settings, "dd_api_key"),
            dd_app_key=secret(settings, "dd_app_key"),
            dd_site=settings.dd_site,
            dd_api_host=settings.dd_api_host,
        ),
        "artifact_generator": ArtifactGeneratorResource.from_settings(settings),
    }
