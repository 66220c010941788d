"""The failure_signatures asset: each hour's captures folded into stable, versioned signatures."""


import dagster as dg

from evalforge_assets.defs.capture.assets import failure_captures
from evalforge_assets.defs.partitions import hourly_partitions
from evalforge_assets.defs.resources import StoreResource
from evalforge_assets.gc_tuning import bulk_allocation
from evalforge_assets.models import FailureSignature, now_iso
from evalforge_assets.review.signatures import CaptureFacts, group_hour
from evalforge_assets.store import CaptureFilter, Store


def related_signatures(store: Store, captures: list[CaptureFacts]) -> dict[str, FailureSignature]:
    """The signatures these captures map to, plus their merge parents and those parents' other children."""
    ids = {c.fingerprint_id for c in captures}
    known = store.get_signatures(sorted(ids))
    parents = {s.merged_into for s in known.values() if s.merged_into} - known.keys()
    known.update(store.get_signatures(sorted(parents)))
    children = {c for s in known.values() for c in s.merged_children} - known.keys()
    known.update(store.get_signatures(sorted(children)))
    return known


@dg.asset(
    partitions_def=hourly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=[failure_captures],
    group_name="grouping",
    kinds={"python"},
)
def failure_signatures(context: dg.AssetExecutionContext, store: StoreResource) -> dg.MaterializeResult:
    """Failure signatures with recurrence counts, updated from each hour's captures without recounting."""
    db = store.get()
    with bulk_allocation():
        return _group(context, db)


def _group(context: dg.AssetExecutionContext, db: Store) -> dg.MaterializeResult:
    by_hour = {key: [CaptureFacts.of(doc) for doc in db.iter_capture_documents(CaptureFilter(partition_key=key))]
               for key in context.partition_keys}
    captures = [c for hour in by_hour.values() for c in hour]
    result = group_hour(by_hour, related_signatures(db, captures), now_iso())
    db.save_signatures(list(result.signatures.values()))
    # Only captures whose group changed are rewritten, so a reviewer's concurrent edit is rarely overwritten.
    db.save_captures(result.regrouped_captures)
    return dg.MaterializeResult(metadata={
        "captures": len(captures),
        "signatures_updated": len(result.signatures),
        "signatures_created": len(result.created),
        "regressed": dg.MetadataValue.json(result.regressed),
        "captures_regrouped": len(result.regrouped_captures),
    })
