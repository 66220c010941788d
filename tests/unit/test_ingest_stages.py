"""`ingest_items` works stage by stage over chunks of captures (parse and classify, build, group, write the decision
lines); whatever the chunk sizes, its result and its lines are the ones an item-by-item loop gives."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import pytest

from evalforge_assets.capture import ingest
from evalforge_assets.capture.build import UserHasher, build_capture, capture_id_for
from evalforge_assets.capture.classify import FailureRules, failure_reasons
from evalforge_assets.capture.ingest import IngestContext, ingest_items
from evalforge_assets.capture.malformed import MalformedItem
from evalforge_assets.capture.sources.sample import generate_spans
from evalforge_assets.capture.spans import parse_span
from evalforge_assets.models import Lineage

CONTEXT = IngestContext(lineage=Lineage(run_id="r1", partition_key="bench"), detected_at="2026-02-01T00:00:00Z",
                        source="test")
RULES, HASHER = FailureRules(), UserHasher("k")


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _kept(level: int = logging.DEBUG) -> Iterator[list[logging.LogRecord]]:
    logger = logging.getLogger("evalforge.ingest")
    handler, previous = _Keep(), logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def _items() -> list[Any]:
    """Failing, healthy, duplicate, malformed, out-of-bounds and unparsable items, interleaved."""
    spans = list(generate_spans(1500, seed=5, start=datetime(2026, 2, 1, tzinfo=UTC)))
    items: list[Any] = []
    for index, span in enumerate(spans):
        items.append(span)
        if index % 37 == 0:
            items.append(dict(span))  # a duplicate of the span before
        if index % 53 == 0:
            items.append(MalformedItem(raw_text="{not json", reason=f"line {index} is not valid JSON", origin="f:1"))
        if index % 71 == 0:
            items.append({"span_id": "s", "trace_id": "t"})  # missing fields
        if index % 89 == 0:
            items.append({**span["attributes"], "start_ns": 5})  # outside the years Evalforge reads
    return items


def _line(record: logging.LogRecord) -> dict[str, Any]:
    return {key: value for key, value in record.__dict__.items() if key not in {"created", "msecs", "relativeCreated"}}


def _run(items: list[Any], captures_per_stage: int, lines_per_write: int) -> tuple[ingest.IngestResult, list[Any]]:
    with mock.patch.object(ingest, "CAPTURES_PER_STAGE", captures_per_stage), \
            mock.patch.object(ingest, "LINES_PER_WRITE", lines_per_write), _kept() as records:
        result = ingest_items(items, RULES, HASHER, CONTEXT)
    return result, [_line(record) for record in records]


def test_chunk_sizes_change_nothing_in_the_result_or_the_lines() -> None:
    items = _items()
    one_by_one, lines = _run(items, 1, 1)
    assert len(one_by_one.captures) > 2 * ingest.CAPTURES_PER_STAGE  # several chunks, and a partial last one
    assert one_by_one.quarantined and one_by_one.deduplicated and one_by_one.skipped
    expected = [capture.model_dump_json() for capture in one_by_one.captures]
    for captures_per_stage, lines_per_write in [(3, 5), (ingest.CAPTURES_PER_STAGE, ingest.LINES_PER_WRITE),
                                                (10_000, 10_000)]:
        result, chunked_lines = _run(items, captures_per_stage, lines_per_write)
        assert [capture.model_dump_json() for capture in result.captures] == expected
        assert [record.model_dump_json() for record in result.quarantined] == [
            record.model_dump_json() for record in one_by_one.quarantined
        ]
        assert (result.spans, result.skipped, result.deduplicated) == (
            one_by_one.spans, one_by_one.skipped, one_by_one.deduplicated)
        assert (result.by_kind, result.pii) == (one_by_one.by_kind, one_by_one.pii)
        assert chunked_lines == lines  # every attribute of every record, in the same order


def test_captures_equal_building_each_failing_span_alone() -> None:
    items = _items()
    result = ingest_items(items, RULES, HASHER, CONTEXT)
    alone, seen = [], set()
    for item in items:
        if isinstance(item, MalformedItem) or "attributes" not in item:
            continue
        span = parse_span(item)
        reasons = failure_reasons(span, RULES)
        capture_id = capture_id_for(span.trace_id, span.span_id)
        if reasons and capture_id not in seen:
            seen.add(capture_id)
            alone.append(build_capture(span, reasons, RULES, HASHER, CONTEXT.lineage, CONTEXT.detected_at).model_dump_json())
    assert [capture.model_dump_json() for capture in result.captures] == alone
    assert all(capture.signature_id for capture in result.captures)


def test_lines_come_in_item_order_whatever_the_chunk() -> None:
    items = _items()
    _, lines = _run(items, 3, 5)
    decisions = [line["decision"] for line in lines]
    expected: list[str] = []
    seen: set[str] = set()
    for item in items:
        if isinstance(item, MalformedItem) or "attributes" not in item or item["attributes"].get("start_ns") == 5:
            expected.append("quarantined")
            continue
        span = parse_span(item)
        capture_id = capture_id_for(span.trace_id, span.span_id)
        if not failure_reasons(span, RULES):
            expected.append("skipped")
        elif capture_id in seen:
            expected.append("deduplicated")
        else:
            seen.add(capture_id)
            expected.append("captured")
    assert decisions == expected


def test_a_line_is_dated_as_logging_dates_a_record_made_when_it_was_decided() -> None:
    logger = logging.getLogger("evalforge.ingest")
    for moment in (1_767_225_600.0, 1_767_225_600.9995, 1_767_225_601.123456):
        with mock.patch("time.time", return_value=moment):
            made_then = logger.makeRecord(logger.name, logging.INFO, ingest.__file__, ingest._DECISION_LINE, "captured",
                                          (), None, "_decision", {"decision": "captured", "trace_id": "t",
                                                                  "span_id": "s", "partition": "bench",
                                                                  "run_id": "r1", "capture_id": "c"})
        made_later = ingest._decision(moment, "captured", CONTEXT, "t", "s", {"capture_id": "c"})
        assert made_later.__dict__ == made_then.__dict__


def test_lines_decided_before_an_error_are_still_written() -> None:
    items = _items()
    built = 0

    def failing_build(*args: Any, **kwargs: Any) -> Any:
        nonlocal built
        built += 1
        if built == 5:
            raise RuntimeError("broken sanitizer")
        return build_capture(*args, **kwargs)

    with mock.patch.object(ingest, "build_capture", failing_build), \
            mock.patch.object(ingest, "CAPTURES_PER_STAGE", 8), _kept() as records, \
            pytest.raises(RuntimeError, match="broken sanitizer"):
        ingest_items(items, RULES, HASHER, CONTEXT)
    decisions = [record.decision for record in records]
    assert decisions.count("captured") == 4  # the four built before the error, not the ones after
    assert "skipped" in decisions and "quarantined" in decisions
