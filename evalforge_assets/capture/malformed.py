"""Input too broken to parse as a span, carried with its reason so ingestion can quarantine it.

It lives in the capture core, not beside the span sources, because the core's ingestion decides what to do
with it; the sources produce it and import it from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MalformedItem:
    """Input that cannot be read as a span (a broken JSON line, a span past the bounds of span_bounds): kept as
    bounded text with the reason and where it came from."""

    raw_text: str
    reason: str
    origin: str  # e.g. "spans.jsonl:17"
    # (trace_id, span_id) when the input was an object that named them (a span out of bounds), for the
    # quarantine record; None for text that never parsed.
    identity: tuple[str | None, str | None] | None = None
