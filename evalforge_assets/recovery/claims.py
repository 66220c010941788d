"""At most one open incident per service, across processes: the `open-incident:<service>` claim.

Whoever opens an incident first claims the key for its incident id (the store's compare-and-set decides, in
SQLite and Firestore alike); everyone else joins the holder's incident. Closing the incident releases the
claim. A claim whose holder is closed, or whose incident never appeared (its writer died between claiming
and writing), is stale: the next opener releases it and claims again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from evalforge_assets.models import Claim, IncidentRecord, now_iso, parse_iso
from evalforge_assets.store import Store

# How long a claim may point at an incident that is not written yet before it counts as abandoned: the holder
# writes its incident right after claiming, so only a crashed (or badly stalled) holder takes this long.
CLAIM_WAIT_SECONDS = 10.0
CLAIM_POLL_SECONDS = 0.02


def _in_flight(claim: Claim, incident: IncidentRecord | None) -> bool:
    """Whether the holder is between claiming and (re)opening its incident: the incident is not written yet,
    or it is closed but was claimed after it closed (a recurrence about to reopen it)."""
    if incident is None:
        return True
    closed_at = incident.timeline[-1].at if incident.timeline else None
    return closed_at is not None and parse_iso(claim.claimed_at) >= parse_iso(closed_at)


def open_incident_key(service: str) -> str:
    return f"open-incident:{service}"


class OpenIncidentSlot:
    """The claim on one service's open incident."""

    def __init__(self, store: Store, service: str, *, clock: Callable[[], str] = now_iso,
                 wait_seconds: float = CLAIM_WAIT_SECONDS, poll_seconds: float = CLAIM_POLL_SECONDS) -> None:
        self.store = store
        self.key = open_incident_key(service)
        self.clock = clock
        self.wait_seconds = wait_seconds
        self.poll_seconds = poll_seconds

    def holder(self) -> str | None:
        """The incident id holding the slot, None when it is free."""
        claim = self.store.update("claims", Claim, self.key, lambda _current: None)
        return claim.owner if claim is not None else None

    def acquire(self, candidate: str) -> str:
        """Claim the slot for incident `candidate`. Returns `candidate` when it now holds the slot, else the id
        of the open incident that does (which the caller joins)."""
        claimed_at = self.clock()

        def take_if_free(current: Claim | None) -> Claim | None:
            if current is None or current.owner is None:
                return Claim(key=self.key, owner=candidate, claimed_at=claimed_at)
            return None

        deadline = time.monotonic() + self.wait_seconds
        while True:
            claim = self.store.update("claims", Claim, self.key, take_if_free)
            if claim is None or claim.owner is None:
                continue  # take_if_free always leaves an owner; a reader racing a release sees it next time
            if claim.owner == candidate:
                return candidate
            incident = self.store.get_incident(claim.owner)
            if incident is not None and incident.open:
                return claim.owner
            if _in_flight(claim, incident) and time.monotonic() < deadline:
                time.sleep(self.poll_seconds)
                continue
            self.release(claim.owner)  # stale: its incident closed without releasing, or never appeared

    def release(self, owner: str) -> None:
        """Free the slot if `owner` still holds it (a later holder's claim is left alone)."""

        def free_if_mine(current: Claim | None) -> Claim | None:
            if current is None or current.owner != owner:
                return None
            return current.model_copy(update={"owner": None, "claimed_at": self.clock()})

        self.store.update("claims", Claim, self.key, free_if_mine)
