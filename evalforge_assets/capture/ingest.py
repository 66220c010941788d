"""One batch of raw export items → captures and quarantine records. The pure core the assets and CLI share."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from evalforge_assets.capture.build import UserHasher, build_capture, capture_id_for, group_capture
from evalforge_assets.capture.classify import FailureRules, failure_reasons
from evalforge_assets.capture.malformed import MalformedItem
from evalforge_assets.capture.pii import redact_text, sanitize_value
from evalforge_assets.capture.raw_protection import pop_raw_counts
from evalforge_assets.capture.span_bounds import (
    DEFAULT_LIMITS,
    SpanLimits,
    bound_violation,
    json_preview,
    start_outside,
)
from evalforge_assets.capture.spans import LLMSpan, SpanError, epoch_ns, parse_span, span_identity
from evalforge_assets.hours import hour_window
from evalforge_assets.models import FailureCapture, FailureReason, Lineage, QuarantineRecord

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
    limits: SpanLimits = DEFAULT_LIMITS


# When the partition key is not an hour (benchmarks, ad-hoc batches), a span must at least start in this era:
# 1970 or 9999 is never a real LLM call, and a start past year 9999 cannot even become a datetime.
_ANY_HOUR_NS = (epoch_ns(datetime(2000, 1, 1, tzinfo=UTC)), epoch_ns(datetime(2200, 1, 1, tzinfo=UTC)))


def start_window(partition_key: str) -> tuple[tuple[int, int], str]:
    """The [start, end) in ns a span of this partition must start in, and how to name it in a reason."""
    try:
        start, end = hour_window(partition_key)
    except ValueError:
        return _ANY_HOUR_NS, "the years Evalforge reads"
    return (epoch_ns(start), epoch_ns(end)), f"the hour {partition_key} this run reads"


def _decision(created: float, decision: str, context: IngestContext, trace_id: str | None, span_id: str | None,
              extra: dict[str, Any]) -> logging.LogRecord:
    """The record of one decision line, as `Logger.log` would make it at time `created`, less its search of the
    stack for the caller (a line per captured span made that search a few per cent of ingestion): the caller is
    always this function."""
    level = logging.DEBUG if decision == "skipped" else logging.INFO
    record = log.makeRecord(log.name, level, __file__, _DECISION_LINE, decision, (), None, "_decision", {
        "decision": decision, "trace_id": trace_id, "span_id": span_id,
        "partition": context.lineage.partition_key, "run_id": context.lineage.run_id, **extra,
    })
    return _dated(record, created)


def _dated(record: logging.LogRecord, created: float) -> logging.LogRecord:
    """`record` dated as `LogRecord.__init__` dates a record made at `created`, a `time.time()` (Python 3.11's rule;
    tests/unit/test_ingest_stages.py compares with a record made at a fixed time, so another rule fails it)."""
    record.created = created
    record.msecs = int((created - int(created)) * 1000) + 0.0
    record.relativeCreated = (created - logging._startTime) * 1000  # logging's own origin of relativeCreated
    return record


_DECISION_LINE = _decision.__code__.co_firstlineno
# Ingestion goes stage by stage over chunks of this many captures (see `ingest_items`).
CAPTURES_PER_STAGE = 128
LINES_PER_WRITE = 256


class _DecisionLines:
    """A batch's decision lines in the order of its items, each dated when decided and written a chunk at a time.

    Written as they were decided, the lines took three times as long as written together: between two lines the
    logging machinery's code and data had left the CPU caches for the detector's. A line whose capture is not built
    yet holds its place (`reserve`) and is filled in when it is (`fill`)."""

    def __init__(self, context: IngestContext) -> None:
        self._context = context
        self._pending: list[tuple[float, str, str | None, str | None, dict[str, Any]] | None] = []

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, decision: str, trace_id: str | None, span_id: str | None, **extra: Any) -> None:
        self._pending.append((time.time(), decision, trace_id, span_id, extra))

    def reserve(self) -> int:
        self._pending.append(None)
        return len(self._pending) - 1

    def fill(self, slot: int, decision: str, trace_id: str | None, span_id: str | None, **extra: Any) -> None:
        self._pending[slot] = (time.time(), decision, trace_id, span_id, extra)

    def write(self) -> None:
        """Hand every decided line to the handlers, in item order (a place never filled, because building its
        capture failed, is left out) and start over."""
        handle, context = log.handle, self._context
        for line in self._pending:
            if line is not None:
                created, decision, trace_id, span_id, extra = line
                handle(_decision(created, decision, context, trace_id, span_id, extra))
        self._pending.clear()


def quarantine_record(item: Any, reason: str, context: IngestContext,
                      seen: Counter[str] | None = None) -> QuarantineRecord:
    """A sanitized copy of unreadable input with its reason.

    The id is deterministic so re-runs overwrite the row, and it derives from the source line (a
    MalformedItem's origin) and the content; `seen` counts identical (origin, reason, content) triples earlier
    in the batch, so the same bad line twice in a file is two rows, not one row reported twice.
    """
    if isinstance(item, MalformedItem):
        sanitized = redact_text(item.raw_text)
        trace_id, span_id = item.identity if item.identity else (None, None)
        origin = item.origin
    else:
        sanitized = json.dumps(sanitize_value(item), sort_keys=True, default=str)
        trace_id, span_id = span_identity(item)
        origin = ""
    key = f"{context.lineage.partition_key}|{reason}|{sanitized}" + (f"|{origin}" if origin else "")
    occurrence = 0
    if seen is not None:
        occurrence = seen[key]
        seen[key] += 1
    if occurrence:
        key += f"|#{occurrence}"
    return QuarantineRecord(
        quarantine_id=hashlib.sha256(key.encode()).hexdigest()[:32],
        partition_key=context.lineage.partition_key,
        source=origin or context.source,
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
    """Parse, classify, sanitize and deduplicate; malformed items are quarantined and the rest carry on.

    The work goes stage by stage over chunks of up to `CAPTURES_PER_STAGE` captures: every item is parsed and
    classified as it comes; when a chunk of failing spans is gathered, their captures are built, then grouped, then
    the chunk's decision lines are written. The result is the one an item-by-item loop gives (captures, quarantine
    rows and decision lines in item order, each line dated when its decision was made), but each stage's code and
    data stay in the CPU caches across a chunk instead of being evicted by the other stages' at every span: about
    a sixth of a batch's time (docs/ingestion.md, round 4)."""
    result = IngestResult()
    seen: set[str] = set()
    quarantine_keys: Counter[str] = Counter()
    window, window_name = start_window(context.lineage.partition_key)
    # Decisions are logged only when someone listens: building each line's fields costs as much as a parse.
    log_skips, log_decisions = log.isEnabledFor(logging.DEBUG), log.isEnabledFor(logging.INFO)
    lines = _DecisionLines(context)
    failing: list[tuple[LLMSpan, list[FailureReason], str, dict[str, int], int | None]] = []

    def quarantine(bad: Any, reason: str) -> None:
        record = quarantine_record(bad, reason, context, quarantine_keys)
        result.quarantined.append(record)
        if log_decisions:
            lines.add("quarantined", record.trace_id, record.span_id, reason=reason, origin=record.source)

    def capture_failing() -> None:
        first = len(result.captures)
        for span, reasons, capture_id, redacted_at_rest, slot in failing:
            capture = build_capture(span, reasons, rules, hasher, context.lineage, context.detected_at, context.site,
                                    capture_id, group=False)
            for entity, count in redacted_at_rest.items():
                capture.pii[entity] = capture.pii.get(entity, 0) + count
            result.captures.append(capture)
            result.by_kind[capture.failure_kind.value] += 1
            result.pii.update(capture.pii)
            if slot is not None:
                lines.fill(slot, "captured", span.trace_id, span.span_id, capture_id=capture_id,
                           kind=capture.failure_kind.value, severity=capture.severity.value,
                           reasons=[r.rule for r in capture.reasons])
        for capture in result.captures[first:]:
            group_capture(capture)
        failing.clear()
        lines.write()

    try:
        for item in items:
            if len(failing) >= CAPTURES_PER_STAGE or len(lines) >= LINES_PER_WRITE:
                capture_failing()
            result.spans += 1
            if isinstance(item, MalformedItem):
                quarantine(item, item.reason)
                continue
            redacted_at_rest = pop_raw_counts(item)
            # Before anything recursive (pydantic, the sanitizer, JSON encoders) touches the item.
            problem = bound_violation(item, context.limits)
            if problem is not None:
                reason = f"span out of bounds: {problem}"
                quarantine(MalformedItem(raw_text=json_preview(item), reason=reason, origin=context.source,
                                         identity=span_identity(item)), reason)
                continue
            try:
                span = parse_span(item)
            except SpanError as exc:
                quarantine(item, exc.reason)
                continue
            late_or_early = start_outside(span.start_ns, window, window_name)
            if late_or_early is not None:
                quarantine(item, late_or_early)
                continue
            reasons = failure_reasons(span, rules)
            if not reasons:
                result.skipped += 1
                if log_skips:
                    lines.add("skipped", span.trace_id, span.span_id, reason="no failure signal")
                continue
            capture_id = capture_id_for(span.trace_id, span.span_id)
            if capture_id in seen:
                result.deduplicated += 1
                if log_decisions:
                    lines.add("deduplicated", span.trace_id, span.span_id, capture_id=capture_id,
                              reason="same trace_id and span_id earlier in this batch")
                continue
            seen.add(capture_id)
            failing.append((span, reasons, capture_id, redacted_at_rest, lines.reserve() if log_decisions else None))
        capture_failing()
    finally:
        lines.write()  # what was decided before an error is still logged
    return result
