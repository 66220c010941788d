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
