"""The JSON log line: what it holds is fixed (timestamp to the millisecond in UTC, level, logger, message, every
extra attribute in the order given), whatever the formatter remembers between lines to stay cheap."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from evalforge_assets.logs import JsonFormatter


def _record(created: float, message: str = "captured", **extra: Any) -> logging.LogRecord:
    record = logging.LogRecord("evalforge.ingest", logging.INFO, __file__, 1, message, (), None)
    record.created, record.msecs = created, (created - int(created)) * 1000
    record.__dict__.update(extra)
    return record


def _expected(record: logging.LogRecord, **extra: Any) -> dict[str, Any]:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"
    return {"ts": stamp, "level": "info", "logger": "evalforge.ingest", "msg": record.getMessage(), **extra}


def test_each_line_holds_its_own_time_and_extras_across_seconds_and_call_sites() -> None:
    formatter = JsonFormatter()
    cases = [
        (1_767_225_600.001, {"decision": "captured", "trace_id": "t1", "reasons": ["status_error"]}),
        (1_767_225_600.999, {"decision": "captured", "trace_id": "t2", "reasons": []}),  # same second
        (1_767_225_601.5, {"decision": "quarantined", "reason": "bad", "origin": "f.jsonl"}),  # other extras
        (1_767_225_599.25, {"decision": "captured", "trace_id": "t3", "reasons": ["x"]}),  # a second back
        (1_767_312_000.0, {}),  # no extras, a day later
    ]
    for created, extra in cases:
        record = _record(created, **extra)
        line = json.loads(formatter.format(record))
        assert line == _expected(record, **extra)
        assert list(line) == list(_expected(record, **extra))  # the order of the keys too


def test_an_attribute_added_to_a_record_after_it_was_made_is_logged() -> None:
    formatter = JsonFormatter()
    first = _record(1_767_225_600.1, decision="captured")
    assert json.loads(formatter.format(first)) == _expected(first, decision="captured")
    second = _record(1_767_225_600.2, decision="captured")
    second.added_by_a_filter = "yes"
    assert json.loads(formatter.format(second)) == _expected(second, decision="captured", added_by_a_filter="yes")


def test_ingest_logs_one_line_per_decision_with_its_fields() -> None:
    from evalforge_assets.capture.build import UserHasher
    from evalforge_assets.capture.classify import FailureRules
    from evalforge_assets.capture.ingest import IngestContext, ingest_items
    from evalforge_assets.models import Lineage

    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    span = {"span_id": "s1", "trace_id": "t1", "name": "answer", "span_kind": "llm", "ml_app": "shop",
            "start_ns": 1_767_225_600_000_000_000, "status": "error", "tags": ["env:prod"]}
    healthy = {**span, "span_id": "s2", "status": "ok"}
    logger = logging.getLogger("evalforge.ingest")
    handler, level = Keep(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        context = IngestContext(lineage=Lineage(run_id="r1", partition_key="p1"), detected_at="now", source="test")
        ingest_items([span, dict(span), healthy, "not a span"], FailureRules(), UserHasher("k"), context)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    lines = [json.loads(JsonFormatter().format(record)) for record in records]
    assert [line["decision"] for line in lines] == ["captured", "deduplicated", "skipped", "quarantined"]
    captured = lines[0]
    assert captured["msg"] == "captured" and captured["level"] == "info" and captured["logger"] == "evalforge.ingest"
    assert (captured["trace_id"], captured["span_id"], captured["partition"], captured["run_id"]) == ("t1", "s1", "p1", "r1")
    assert captured["kind"] == "error" and captured["reasons"] == ["status_error"] and len(captured["capture_id"]) == 32
    assert lines[2]["level"] == "debug" and lines[3]["reason"].startswith("expected a JSON object")
    assert all(record.funcName == "_decision" and record.pathname.endswith("ingest.py") for record in records)
