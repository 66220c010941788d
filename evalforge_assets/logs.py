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
    """One JSON object per line. Ingestion logs a line per captured span, so this stays cheap (orjson)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _RESERVED:
                line[key] = value
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
