"""The blocking PII check: nothing downstream runs while a stored capture still holds personal data."""


import json

import dagster as dg

from evalforge_assets.capture.pii import contains_pii
from evalforge_assets.defs.resources import StoreResource
from evalforge_assets.gc_tuning import bulk_allocation
from evalforge_assets.store import CaptureFilter

# Every stored free-text field; the capture model keeps all user-visible text in these.
SCANNED_FIELDS = ("input_text", "output_text", "error_message", "error_stack")


NESTED_FIELDS = ("input_messages", "output_messages", "metadata", "tags", "evaluations", "reasons")


def leaked_fields(capture_json: dict) -> list[str]:
    """Names of the capture's fields that still contain PII, scanning nested values as JSON text too."""
    # One scan of everything first (almost every capture is clean), built exactly as the per-field scans read
    # each field: free text as it is, nested values as JSON.
    texts = [capture_json[name] for name in SCANNED_FIELDS if capture_json.get(name)]
    nested = [json.dumps(capture_json[name]) for name in NESTED_FIELDS if capture_json.get(name)]
    if not contains_pii("\n".join([*texts, *nested])):
        return []
    leaks = [name for name in SCANNED_FIELDS if capture_json.get(name) and contains_pii(capture_json[name])]
    for name in NESTED_FIELDS:
        if capture_json.get(name) and contains_pii(json.dumps(capture_json[name])):
            leaks.append(name)
    return leaks


def captures_are_pii_free(context: dg.AssetCheckExecutionContext, store: StoreResource) -> dg.AssetCheckResult:
    """Rescan the partition's stored captures with the PII detector; any hit fails the run."""
    scanned = 0
    leaks: dict[str, list[str]] = {}
    with bulk_allocation():
        for partition_key in context.partition_keys:
            for document in store.get().iter_capture_documents(CaptureFilter(partition_key=partition_key)):
                scanned += 1
                fields = leaked_fields(document)
                if fields:
                    leaks[document["capture_id"]] = fields
    return dg.AssetCheckResult(
        passed=not leaks,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "scanned": scanned,
            "captures_with_pii": len(leaks),
            # Ids and field names only: the check must not copy the leaked values into Dagster's event log.
            "leaks": dg.MetadataValue.json(dict(list(leaks.items())[:50])),
        },
        description=None if not leaks else f"{len(leaks)} stored capture(s) still contain PII; see 'leaks'.",
    )


def pii_check(partitions: dg.PartitionsDefinition) -> dg.AssetChecksDefinition:
    """captures_are_pii_free over the same hourly partitions as failure_captures; blocking, so nothing
    downstream of a leaking hour runs."""
    return dg.asset_check(asset="failure_captures", blocking=True, partitions_def=partitions)(captures_are_pii_free)
