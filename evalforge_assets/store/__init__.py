"""Stores: one `Store` interface, SQLite (embedded default) and Firestore (production). No Dagster imports."""

from __future__ import annotations

from evalforge_assets.store.base import (
    CaptureFilter,
    Page,
    Store,
    StoreUnavailable,
    UpsertResult,
    VersionConflict,
)
from evalforge_assets.store.query import Filter, IncidentFilter, InvalidCursor, Query


def open_store(url: str) -> Store:
    """Open a store from its URL: `sqlite:///PATH` or `firestore://PROJECT[/DATABASE]`."""
    if url.startswith("sqlite:///"):
        from evalforge_assets.store.sqlite import SqliteStore

        return SqliteStore(url[len("sqlite:///"):] or ".evalforge/evalforge.db")
    if url.startswith("firestore://"):
        from evalforge_assets.store.firestore import FirestoreStore

        project, _, database = url[len("firestore://"):].partition("/")
        if not project:
            raise ValueError("EVALFORGE_STORE firestore URL needs a project: firestore://PROJECT[/DATABASE]")
        return FirestoreStore(project=project, database=database or "(default)")
    raise ValueError(
        f"EVALFORGE_STORE={url!r} is not a store URL this version understands; "
        "use sqlite:///PATH or firestore://PROJECT."
    )
