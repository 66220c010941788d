"""What every span source returns: raw export items for a time window, plus what fetching them cost."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

# Re-exported: sources and their callers have long imported MalformedItem from here.
from evalforge_assets.capture.malformed import MalformedItem

__all__ = ["FetchStats", "MalformedItem", "SpanFetch", "SpanSource"]


@dataclass
class FetchStats:
    pages: int = 0
    api_calls: int = 0
    rate_limit_waits: int = 0
    retries: int = 0
    waited_seconds: float = 0.0


@dataclass
class SpanFetch:
    """Raw items as the source had them: dicts in Datadog's export shape, or MalformedItem."""

    items: list[Any] = field(default_factory=list)
    stats: FetchStats = field(default_factory=FetchStats)


@runtime_checkable
class SpanSource(Protocol):
    name: str

    def fetch(self, start: datetime, end: datetime) -> SpanFetch:
        """Every span whose start time is in [start, end)."""
        ...
