"""The hourly capture assets: fetch raw spans, then classify, sanitize, deduplicate and store failures."""


from typing import Any

import dagster as dg

from evalforge_assets.defs.partitions import hour_window, hourly_partitions
from evalforge_assets.defs.resources import CaptureRulesResource, SpanSourceResource, StoreResource
from evalforge_assets.models import Lineage, now_iso
from evalforge_assets.pipeline.ingest import IngestContext, IngestResult, ingest_items
from evalforge_assets.sources.base import FetchStats

DATADOG_FETCH_RETRY = dg.RetryPolicy(
    max_retries=3, delay=10, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


@dg.asset(
    partitions_def=hourly_partitions,
    io_manager_key="raw_spans_io_manager",
    backfill_policy=dg.BackfillPolicy.single_run(),
    retry_policy=DATADOG_FETCH_RETRY,
    group_name="capture",
    kinds={"datadog", "json"},
)
def raw_llm_spans(context: dg.AssetExecutionContext, span_source: SpanSourceResource) -> dict[str, list[Any]]:
    """LLM Observability spans of each hour, exactly as the source exported them (gzipped JSONL per hour)."""
    source = span_source.build()
    by_partition: dict[str, list[Any]] = {}
    total = FetchStats()
    for partition_key in context.partition_keys:
        start, end = hour_window(partition_key)
        fetched = source.fetch(start, end)
        by_partition[partition_key] = fetched.items
        for name in ("pages", "api_calls", "rate_limit_waits", "retries"):
            setattr(total, name, getattr(total, name) + getattr(fetched.stats, name))
        total.waited_seconds += fetched.stats.waited_seconds
    context.add_output_metadata({
        "source": source.name,
        "partitions": len(by_partition),
        "spans": sum(len(items) for items in by_partition.values()),
        "pages": total.pages,
        "api_calls": total.api_calls,
        "rate_limit_waits": total.rate_limit_waits,
        "retries": total.retries,
        "waited_seconds": round(total.waited_seconds, 3),
    })
    return by_partition


def ingest_partitions(
    raw: dict[str, list[Any]], rules: CaptureRulesResource, store: StoreResource, run_id: str, source: str,
) -> tuple[IngestResult, int, int, dict[str, dict[str, int]]]:
    """Run the pure core on each hour and upsert; returns the merged result and (inserted, updated) counts."""
    merged = IngestResult()
    inserted = updated = 0
    per_partition: dict[str, dict[str, int]] = {}
    detected_at = now_iso()
    for partition_key, items in sorted(raw.items()):
        context = IngestContext(
            lineage=Lineage(run_id=run_id, partition_key=partition_key, asset="failure_captures"),
            detected_at=detected_at, source=source, site=rules.dd_site,
        )
        result = ingest_items(items, rules.rules, rules.hasher, context)
        written = store.get().upsert_captures(result.captures)
        store.get().save_quarantined(result.quarantined)
        per_partition[partition_key] = {"spans": result.spans, "captured": len(result.captures),
                                         "quarantined": len(result.quarantined)}
        inserted += len(written.inserted)
        updated += len(written.updated)
        merged.captures.extend(result.captures)
        merged.quarantined.extend(result.quarantined)
        merged.spans += result.spans
        merged.skipped += result.skipped
        merged.deduplicated += result.deduplicated
        merged.by_kind.update(result.by_kind)
        merged.pii.update(result.pii)
    return merged, inserted, updated, per_partition


@dg.asset(partitions_def=hourly_partitions, backfill_policy=dg.BackfillPolicy.single_run(), group_name="capture",
          kinds={"python", "sqlite"})
def failure_captures(
    context: dg.AssetExecutionContext,
    raw_llm_spans: dict[str, list[Any]],
    capture_rules: CaptureRulesResource,
    store: StoreResource,
) -> dg.MaterializeResult:
    """Failing spans of each hour, sanitized and stored once each as FailureCapture records."""
    # In a ranged (backfill) run Dagster attaches this metadata to every partition: the counts are the run's
    # totals, and `by_partition` breaks them down.
    result, inserted, updated, per_partition = ingest_partitions(raw_llm_spans, capture_rules, store, context.run.run_id, "raw_llm_spans")
    return dg.MaterializeResult(metadata={
        "spans": result.spans,
        "captured": len(result.captures),
        "inserted": inserted,
        "updated": updated,
        "skipped_healthy": result.skipped,
        "deduplicated": result.deduplicated,
        "quarantined": len(result.quarantined),
        "by_kind": dg.MetadataValue.json(dict(sorted(result.by_kind.items()))),
        "pii_removed": dg.MetadataValue.json(dict(sorted(result.pii.items()))),
        "store": store.url,
        "by_partition": dg.MetadataValue.json(per_partition),
    })
