"""The hourly capture assets: fetch raw spans, then classify, sanitize, deduplicate and store failures."""


from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from evalforge_assets import telemetry
from evalforge_assets.capture.ingest import IngestContext, IngestResult, ingest_items
from evalforge_assets.capture.sources.base import FetchStats, SpanSource
from evalforge_assets.defs.resources import CaptureRulesResource, SpanSourceResource, StoreResource
from evalforge_assets.gc_tuning import bulk_allocation
from evalforge_assets.hours import hour_window
from evalforge_assets.models import Lineage, now_iso
from evalforge_assets.store import UpsertResult

DATADOG_FETCH_RETRY = dg.RetryPolicy(
    max_retries=3, delay=10, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


def fetch_hours(source: SpanSource, partition_keys: Sequence[str]) -> tuple[dict[str, list[Any]], FetchStats]:
    """Each hour's raw items from the source, and what fetching them cost in total."""
    by_partition: dict[str, list[Any]] = {}
    total = FetchStats()
    with bulk_allocation():
        for partition_key in partition_keys:
            fetched = source.fetch(*hour_window(partition_key))
            by_partition[partition_key] = fetched.items
            for name in ("pages", "api_calls", "rate_limit_waits", "retries", "waited_seconds"):
                setattr(total, name, getattr(total, name) + getattr(fetched.stats, name))
    return by_partition, total


def raw_llm_spans(context: dg.AssetExecutionContext, span_source: SpanSourceResource,
                  store: StoreResource) -> dict[str, list[Any]]:
    """LLM Observability spans of each hour, exactly as the source exported them (gzipped JSONL per hour)."""
    source = span_source.build()
    hours = telemetry.partition_range(context.partition_keys)
    with telemetry.pipeline_step("raw_llm_spans", store.get(), partitions=hours):
        by_partition, total = fetch_hours(source, context.partition_keys)
        record_fetch(source.name, sum(len(items) for items in by_partition.values()), total)
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


def record_fetch(source: str, spans: int, stats: FetchStats) -> None:
    """The fetch's figures for /metrics (Datadog's only when it made calls)."""
    telemetry.count("evalforge_capture_spans_read_total", spans, source=source)
    telemetry.count("evalforge_datadog_requests_total", stats.api_calls, api="spans")
    telemetry.count("evalforge_datadog_rate_limit_waits_total", stats.rate_limit_waits, api="spans")
    telemetry.count("evalforge_datadog_rate_limit_wait_seconds_total", stats.waited_seconds, api="spans")


def record_ingest(partition_key: str, result: IngestResult) -> None:
    """An hour's capture figures for /metrics, once its captures are stored."""
    for kind, captured in result.by_kind.items():
        telemetry.count("evalforge_capture_captured_total", captured, failure_kind=kind)
    telemetry.count("evalforge_capture_deduplicated_total", result.deduplicated)
    for record in result.quarantined:
        telemetry.count("evalforge_capture_quarantined_total", reason=telemetry.quarantine_reason(record.reason))
    for entity, found in result.pii.items():
        telemetry.count("evalforge_capture_pii_findings_total", found, entity=entity)
    telemetry.raise_to("evalforge_capture_last_success_hour_timestamp_seconds",
                       hour_window(partition_key)[0].timestamp())


@dataclass
class CaptureTotals:
    """What one run of failure_captures did, summed over its hours (captures themselves are not kept)."""

    spans: int = 0
    captured: int = 0
    inserted: int = 0
    updated: int = 0
    skipped: int = 0
    deduplicated: int = 0
    quarantined: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    pii: Counter[str] = field(default_factory=Counter)
    by_partition: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, partition_key: str, result: IngestResult, written: UpsertResult) -> None:
        self.spans += result.spans
        self.captured += len(result.captures)
        self.inserted += len(written.inserted)
        self.updated += len(written.updated)
        self.skipped += result.skipped
        self.deduplicated += result.deduplicated
        self.quarantined += len(result.quarantined)
        self.by_kind.update(result.by_kind)
        self.pii.update(result.pii)
        self.by_partition[partition_key] = {"spans": result.spans, "captured": len(result.captures),
                                            "quarantined": len(result.quarantined)}


def ingest_partitions(raw: Mapping[str, list[Any]], rules: CaptureRulesResource, store: StoreResource,
                      run_id: str, source: str) -> CaptureTotals:
    """Run the pure core on each hour and upsert it, one hour in memory at a time."""
    totals = CaptureTotals()
    detected_at = now_iso()
    with bulk_allocation():
        for partition_key in sorted(raw):
            context = IngestContext(
                lineage=Lineage(run_id=run_id, partition_key=partition_key, asset="failure_captures"),
                detected_at=detected_at, source=source, site=rules.dd_site,
            )
            with telemetry.span("capture.hour", {"evalforge.partition": partition_key}):
                result = ingest_items(raw[partition_key], rules.rules, rules.hasher, context)
                written = store.get().upsert_captures(result.captures)
                store.get().save_quarantined(result.quarantined)
            totals.add(partition_key, result, written)
            record_ingest(partition_key, result)
    return totals


def failure_captures(
    context: dg.AssetExecutionContext,
    raw_llm_spans: Mapping[str, list[Any]],
    capture_rules: CaptureRulesResource,
    store: StoreResource,
) -> dg.MaterializeResult:
    """Failing spans of each hour, sanitized and stored once each as FailureCapture records."""
    # In a ranged (backfill) run Dagster attaches this metadata to every partition: the counts are the run's
    # totals, and `by_partition` breaks them down.
    hours = telemetry.partition_range(context.partition_keys)
    with telemetry.pipeline_step("failure_captures", store.get(), partitions=hours):
        totals = ingest_partitions(raw_llm_spans, capture_rules, store, context.run.run_id, "raw_llm_spans")
    return dg.MaterializeResult(metadata={
        "spans": totals.spans,
        "captured": totals.captured,
        "inserted": totals.inserted,
        "updated": totals.updated,
        "skipped_healthy": totals.skipped,
        "deduplicated": totals.deduplicated,
        "quarantined": totals.quarantined,
        "by_kind": dg.MetadataValue.json(dict(sorted(totals.by_kind.items()))),
        "pii_removed": dg.MetadataValue.json(dict(sorted(totals.pii.items()))),
        "store": store.url,
        "by_partition": dg.MetadataValue.json(totals.by_partition),
    })


def capture_assets(partitions: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    """raw_llm_spans and failure_captures over the hourly partitions build_definitions makes from settings."""
    spans = dg.asset(partitions_def=partitions, io_manager_key="raw_spans_io_manager",
                     backfill_policy=dg.BackfillPolicy.single_run(), retry_policy=DATADOG_FETCH_RETRY,
                     group_name="capture", kinds={"datadog", "json"})(raw_llm_spans)
    captures = dg.asset(partitions_def=partitions, backfill_policy=dg.BackfillPolicy.single_run(),
                        group_name="capture", kinds={"python", "sqlite"},
                        # The IO manager hands over a lazy mapping (one hour decoded at a time), not a dict.
                        ins={"raw_llm_spans": dg.AssetIn(dagster_type=dg.Any)})(failure_captures)
    return [spans, captures]
