"""Input too broken to parse as a span, carried with its reason so ingestion can quarantine it.

It lives in the capture core, not beside the span sources, because the core's ingestion decides what to do
with it; the sources produce it and import it from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MalformedItem:
    """Input that is not even a JSON object (a broken JSON line): kept as text with the reason."""

    raw_text: str
    reason: str
    origin: str  # e.g. "spans.jsonl:17"
