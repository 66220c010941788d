"""What every incident-context source returns and the interface they share.

A module of its own so the sources (`context.MetricsContextSource`, `mcp_context.McpContextSource`) and the
function that chooses between them import these types without importing each other.
"""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel

from evalforge_assets.models import IncidentRecord, Link, Signal


class GatheredContext(BaseModel):
    signal: Signal
    evidence_links: list[Link]
    source: str
    notes: list[str] = []


class ContextSource(Protocol):
    name: str

    def gather(self, incident: IncidentRecord) -> GatheredContext: ...
