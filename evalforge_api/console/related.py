"""Incidents related to a signature: an incident of a service the signature's captures ran in (or of its ml_app)
that was open at some time the signature was recurring. A view-level correlation for reviewers to follow, not a
stored link: incidents are opened per service and alert cycle and do not name signatures."""

from __future__ import annotations

from evalforge_assets.models import FailureCapture, FailureSignature, IncidentRecord
from evalforge_assets.store import Store

RECENT_INCIDENTS = 100


def related_incidents(store: Store, signature: FailureSignature,
                      samples: list[FailureCapture]) -> list[IncidentRecord]:
    services = {signature.ml_app, *(c.source.service for c in samples if c.source.service)}
    found = []
    for incident in store.list_incidents(limit=RECENT_INCIDENTS).items:
        if incident.service not in services:
            continue
        opened, closed = incident.card.detected_at, incident.resolved_at
        # Stored times are one ISO form, so string order is time order.
        if opened <= signature.last_seen and (closed is None or closed >= signature.first_seen):
            found.append(incident)
    return found
