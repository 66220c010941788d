"""One batch of raw export items → captures and quarantine records. The pure core the assets and CLI share."""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from evalforge_assets.capture.build import UserHasher, build_capture, capture_id_for
from evalforge_assets.capture.classify import FailureRules, failure_reasons
from evalforge_assets.capture.malformed import MalformedItem
from evalforge_assets.capture.pii import redact_text, sanitize_value
from evalforge_assets.capture.spans import SpanError, parse_span, span_identity
from evalforge_assets.models import FailureCapture, Lineage, QuarantineRecord

log = logging.getLogger("evalforge.ingest")


@dataclass
class IngestResult:
    captures: list[FailureCapture] = field(default_factory=list)
    quarantined: list[QuarantineRecord] = field(default_factory=list)
    spans: int = 0
    skipped: int = 0
    deduplicated: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    pii: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class IngestContext:
    """Where a batch came from, stamped on every record and log line."""

    lineage: Lineage
    detected_at: str
    source: str
    site: str = "datadoghq.com"


def _decision(decision: str, context: IngestContext, trace_id: str | None, span_id: str | None, **extra: Any) -> None:
    level = logging.DEBUG if decision == "skipped" else logging.INFO
    log.log(level, decision, extra={
        "decision": decision, "trace_id": trace_id, "span_id": span_id,
        "partition": context.lineage.partition_key, "run_id": context.lineage.run_id, **extra,
    })


def quarantine_record(item: Any, reason: str, context: IngestContext) -> QuarantineRecord:
    """A sanitized copy of unreadable input with its reason; the id is deterministic so re-runs overwrite it."""
    if isinstance(item, MalformedItem):
        sanitized, (trace_id, span_id) = redact_text(item.raw_text), (None, None)
    else:
        sanitized = json.dumps(sanitize_value(item), sort_keys=True, default=str)
        trace_id, span_id = span_identity(item)
    key = f"{context.lineage.partition_key}|{reason}|{sanitized}"
    return QuarantineRecord(
        quarantine_id=hashlib.sha256(key.encode()).hexdigest()[:32],
        partition_key=context.lineage.partition_key,
        source=item.origin if isinstance(item, MalformedItem) else context.source,
        reason=reason,
        sanitized_payload=sanitized,
        trace_id=trace_id,
        span_id=span_id,
        run_id=context.lineage.run_id,
        quarantined_at=context.detected_at,
    )


def ingest_items(
    items: Iterable[Any], rules: FailureRules, hasher: UserHasher, context: IngestContext
) -> IngestResult:
    """Parse, classify, sanitize and deduplicate; malformed items are quarantined and the rest carry on."""
    result = IngestResult()
    seen: set[str] = set()
    # Decisions are logged only when someone listens: building each line's fields costs as much as a parse.
    log_skips, log_decisions = log.isEnabledFor(logging.DEBUG), log.isEnabledFor(logging.INFO)
    for item in items:
        result.spans += 1
        if isinstance(item, MalformedItem):
            result.quarantined.append(quarantine_record(item, item.reason, context))
            if log_decisions:
                _decision("quarantined", context, None, None, reason=item.reason, origin=item.origin)
            continue
        try:
            span = parse_span(item)
        except SpanError as exc:
            record = quarantine_record(item, exc.reason, context)
            result.quarantined.append(record)
            if log_decisions:
                _decision("quarantined", context, record.trace_id, record.span_id, reason=exc.reason)
            continue
        reasons = failure_reasons(span, rules)
        if not reasons:
            result.skipped += 1
            if log_skips:
                _decision("skipped", context, span.trace_id, span.span_id, reason="no failure signal")
            continue
        capture_id = capture_id_for(span.trace_id, span.span_id)
        if capture_id in seen:
            result.deduplicated += 1
            if log_decisions:
                _decision("deduplicated", context, span.trace_id, span.span_id, capture_id=capture_id,
                          reason="same trace_id and span_id earlier in this batch")
            continue
        seen.add(capture_id)
        capture = build_capture(span, reasons, rules, hasher, context.lineage, context.detected_at, context.site)
        result.captures.append(capture)
        result.by_kind[capture.failure_kind.value] += 1
        result.pii.update(capture.pii)
        if log_decisions:
            _decision("captured", context, span.trace_id, span.span_id, capture_id=capture_id,
                      kind=capture.failure_kind.value, severity=capture.severity.value,
                      reasons=[r.rule for r in capture.reasons])
    return result
