"""Structured JSON logging: one line per event, machine-readable, never carrying secrets."""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Any

from opentelemetry import trace

from evalforge_assets import fastjson

_RESERVED = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line. Ingestion logs a line per captured span, so this stays cheap (orjson, and the
    parts that repeat between lines worked out once: the timestamp's second, which attributes are extras)."""

    def __init__(self) -> None:
        super().__init__()
        self._second: tuple[int, str] = (-1, "")
        # Attribute names of a record, in order → its extras: a logger call site always passes the same extras.
        self._extras: dict[tuple[str, ...], tuple[str, ...]] = {}

    def _timestamp(self, record: logging.LogRecord) -> str:
        second = int(record.created)
        if self._second[0] != second:  # a tuple swap: threads that race both write a correct value
            self._second = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
        return f"{self._second[1]}.{int(record.msecs):03d}Z"

    def _extra_keys(self, attributes: dict[str, Any]) -> tuple[str, ...]:
        names = tuple(attributes)
        extras = self._extras.get(names)
        if extras is None:
            if len(self._extras) >= 256:  # bounded: call sites are few, but keep any odd caller from growing it
                self._extras.clear()
            extras = self._extras[names] = tuple(key for key in names if key not in _RESERVED)
        return extras

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": self._timestamp(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        attributes = record.__dict__
        for key in self._extra_keys(attributes):
            line[key] = attributes[key]
        # Inside a span (tracing on), the ids that find this line's trace in the tracing backend. Lines about a
        # monitored span already carry that span's Datadog trace_id/span_id; those stay, and ours get a prefix.
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            prefix = "evalforge_" if "trace_id" in line else ""
            line[f"{prefix}trace_id"] = format(span.trace_id, "032x")
            line[f"{prefix}span_id"] = format(span.span_id, "016x")
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return fastjson.dumps(line).decode()


def configure_logging(level: str | None = None) -> None:
    """Send evalforge.* loggers to stderr as JSON lines (idempotent)."""
    logger = logging.getLogger("evalforge")
    if any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel((level or os.environ.get("EVALFORGE_LOG_LEVEL", "INFO")).upper())
    logger.propagate = False
