"""Reads of the `war_rooms` collection (writes go through Store.create/update in recovery/warroom/ledger.py).

Kept beside the Store rather than on it, so the Store class stays one screenful of record families shy of
its size limit; it uses the Store's own paging, as any Store method would.
"""

from __future__ import annotations

from collections.abc import Sequence

from evalforge_assets.models.war_rooms import WarRoomRecord
from evalforge_assets.store.base import Store
from evalforge_assets.store.query import COLLECTIONS, Filter


def get_war_room(store: Store, incident_id: str) -> WarRoomRecord | None:
    return store._load("war_rooms", WarRoomRecord, incident_id)


def get_war_rooms(store: Store, incident_ids: Sequence[str]) -> dict[str, WarRoomRecord]:
    """The war rooms of these incidents that exist, by incident id, in one batched read (a page of incidents
    costs one round trip, not one per incident)."""
    if not incident_ids:
        return {}
    found = store._get_many(COLLECTIONS["war_rooms"], list(incident_ids))
    return {incident_id: WarRoomRecord.model_validate(document) for incident_id, document in found.items()}


def active_war_rooms(store: Store, limit: int = 100) -> list[WarRoomRecord]:
    """War rooms whose incident may still change (the sync sensor's work list), in id order."""
    return store._page("war_rooms", WarRoomRecord, (Filter("active", "==", True),), (), limit, None).items
