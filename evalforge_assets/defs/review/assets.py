"""The failure_signatures asset: each hour's captures folded into stable, versioned signatures."""


import dagster as dg

from evalforge_assets import telemetry
from evalforge_assets.defs.resources import StoreResource
from evalforge_assets.gc_tuning import bulk_allocation
from evalforge_assets.models import now_iso
from evalforge_assets.review.fingerprint import FINGERPRINT_VERSION
from evalforge_assets.review.signatures import store_grouping
from evalforge_assets.store import Store


def failure_signatures_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    """failure_signatures over the hourly partitions build_definitions makes from settings."""
    return dg.asset(partitions_def=partitions, backfill_policy=dg.BackfillPolicy.single_run(),
                    deps=["failure_captures"], group_name="grouping", kinds={"python"})(failure_signatures)


def failure_signatures(context: dg.AssetExecutionContext, store: StoreResource) -> dg.MaterializeResult:
    """Failure signatures with recurrence counts, updated from each hour's captures without recounting."""
    db = store.get()
    hours = telemetry.partition_range(context.partition_keys)
    with telemetry.pipeline_step("failure_signatures", db, partitions=hours), bulk_allocation():
        return _group(context, db)


def _group(context: dg.AssetExecutionContext, db: Store) -> dg.MaterializeResult:
    # Field-level writes (see store_grouping): a reviewer triaging these signatures meanwhile loses nothing.
    # Captures of an older fingerprint version are regrouped here: backfilling this asset upgrades history.
    written = store_grouping(db, context.partition_keys, now_iso())
    telemetry.count("evalforge_signatures_created_total", len(written.created))
    telemetry.count("evalforge_signatures_updated_total", len(written.updated))
    return dg.MaterializeResult(metadata={
        "captures": written.captures,
        "signatures_updated": len(written.updated) + len(written.created),
        "signatures_created": len(written.created),
        "regressed": dg.MetadataValue.json(written.regressed),
        "captures_regrouped": written.captures_regrouped,
        "fingerprint_version": FINGERPRINT_VERSION,
    })
