"""The export_packages asset: one partition per export request, built and delivered to its destinations."""


import dagster as dg

from evalforge_assets import telemetry
from evalforge_assets.defs.exports.partitions import export_partitions
from evalforge_assets.defs.exports.resources import ArtifactGeneratorResource, ExportDeliveryResource
from evalforge_assets.defs.lineage import FROM_CURRENT_SIGNATURES
from evalforge_assets.defs.requests import closing_request
from evalforge_assets.defs.resources import StoreResource
from evalforge_assets.exports import ExportNotFound, run_export


@dg.asset(partitions_def=export_partitions, group_name="exports", kinds={"python", "json"},
          deps=[FROM_CURRENT_SIGNATURES])
def export_packages(context: dg.AssetExecutionContext, store: StoreResource,
                    export_delivery: ExportDeliveryResource,
                    artifact_generator: ArtifactGeneratorResource) -> dg.MaterializeResult:
    """An export's eval cases, guardrail rules and runbooks, delivered to each requested destination."""
    with telemetry.pipeline_step("export_packages", store.get(), partition=context.partition_key), \
            closing_request(context, store.get(), last_step=True):
        return _export(context, store, export_delivery, artifact_generator)


def _export(context: dg.AssetExecutionContext, store: StoreResource, export_delivery: ExportDeliveryResource,
            artifact_generator: ArtifactGeneratorResource) -> dg.MaterializeResult:
    export_id = context.partition_key
    generator = artifact_generator.build()
    try:
        result = run_export(store.get(), export_id, generator, export_delivery.sinks(), run_id=context.run.run_id)
    except ExportNotFound as error:
        raise dg.Failure(str(error)) from error
    package = result.package
    metadata = {
        "export_id": export_id,
        "overall_status": package.overall_status.value,
        "status": dg.MetadataValue.json({k: v.value for k, v in package.status.items()}),
        "errors": dg.MetadataValue.json(package.error),
        "artifacts": dg.MetadataValue.json([a.model_dump(mode="json") for a in package.artifacts]),
        "captures": len(package.capture_ids),
        "captures_exported": result.captures_exported,
        "generator": generator.name,
        "generator_fallbacks": result.content.fallbacks,
        "requested_by": package.requested_by,
    }
    if result.failed:
        failed = ", ".join(f"{o.destination.value} ({o.error})" for o in result.failed)
        # Delivered destinations are already recorded in the store; failing the run makes the rest visible.
        raise dg.Failure(description=f"Export {export_id}: {len(result.failed)} destination(s) failed after "
                                     f"retries: {failed}. The others were delivered; fix the cause and re-run "
                                     "the partition (or POST /v1/exports/{id}/retry).",
                         metadata=metadata)
    return dg.MaterializeResult(metadata=metadata)
