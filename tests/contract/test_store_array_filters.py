"""The store contract for array filters (`array_contains` on a collection's `arrays`), which list exports by a
capture they carry or a signature they cover: SQLite reads the arrays from the JSON body, Firestore from native
array fields beside it. Runs on SQLite and the Firestore emulator; the Firestore handles also check that every
query shape is served by `firestore.indexes.json` (see tests/fixtures/stores.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from evalforge_assets.models import ExportPackage, FailureCapture
from evalforge_assets.store import Filter, Store
from evalforge_assets.store.firestore import (
    CONTAINS,
    IndexRequirement,
    is_covered,
    load_composite_indexes,
    required_index,
)
from evalforge_assets.store.query import Query
from tests.fixtures.factories import make_capture, make_export
from tests.fixtures.stores import INDEX_FILE

NEWEST_FIRST = (("requested_at", True),)


def exports_dataset() -> list[ExportPackage]:
    """Eight exports over overlapping captures and signatures; two share each requested_at, ids shuffled."""
    exports = []
    for n in range(8):
        exports.append(make_export(
            export_id=f"exp-{(n * 3) % 8}",
            capture_ids=[f"cap-{n % 3}", f"cap-{(n + 1) % 3}"] if n % 2 else [f"cap-{n % 3}"],
            signature_ids=[f"sig-{n % 2}"],
            overall_status=("delivered", "failed")[n % 2 if n < 4 else 0],
            requested_at=f"2026-01-15T10:0{n // 2}:00.000000Z",
        ))
    return exports


def expected(exports: list[ExportPackage], field: str, value: str, status: str | None = None) -> list[str]:
    chosen = [e for e in exports if value in getattr(e, field) and (status is None or e.overall_status == status)]
    return [e.export_id for e in sorted(chosen, key=lambda e: (e.requested_at, e.export_id), reverse=True)]


def walk(store: Store, filters: tuple[Filter, ...], limit: int) -> list[str]:
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = store.list_exports(filters, limit=limit, cursor=cursor)
        assert len(page.items) <= limit
        seen += [e.export_id for e in page.items]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


def test_exports_are_listed_by_a_capture_they_carry_newest_first_across_pages(store: Store) -> None:
    exports = exports_dataset()
    for export in exports:
        store.save_export(export)
    for capture_id in ("cap-0", "cap-1", "cap-2"):
        wanted = expected(exports, "capture_ids", capture_id)
        assert wanted, "the dataset must give every capture some exports"
        for limit in (1, 2, 50):
            assert walk(store, (Filter("capture_ids", "array_contains", capture_id),), limit) == wanted
    assert walk(store, (Filter("capture_ids", "array_contains", "cap-none"),), 5) == []


def test_exports_are_listed_by_a_signature_they_cover_and_combined_with_a_status(store: Store) -> None:
    exports = exports_dataset()
    for export in exports:
        store.save_export(export)
    for signature_id in ("sig-0", "sig-1"):
        assert walk(store, (Filter("signature_ids", "array_contains", signature_id),), 3) == expected(
            exports, "signature_ids", signature_id)
    combined = (Filter("overall_status", "==", "failed"), Filter("capture_ids", "array_contains", "cap-1"))
    assert walk(store, combined, 2) == expected(exports, "capture_ids", "cap-1", status="failed")
    assert walk(store, combined, 2)  # the combination is not trivially empty


def test_an_array_filter_follows_updates_of_the_array(store: Store) -> None:
    store.save_export(make_export(export_id="exp-moving", capture_ids=["cap-a"]))
    store.update("exports", ExportPackage, "exp-moving",
                 lambda current: current.model_copy(update={"capture_ids": ["cap-b"]}) if current else None)
    assert walk(store, (Filter("capture_ids", "array_contains", "cap-a"),), 5) == []
    assert walk(store, (Filter("capture_ids", "array_contains", "cap-b"),), 5) == ["exp-moving"]


def test_a_captures_export_ids_survive_reingestion_and_review_updates(store: Store) -> None:
    capture = make_capture(capture_id="cap-linked", status="exported", export_ids=["exp-1", "exp-2"])
    store.save_captures([capture])
    # Re-ingesting the span (new content, no links) keeps the links, as it keeps the review fields.
    store.upsert_captures([make_capture(capture_id="cap-linked", error_message="reworded")])
    store.update("captures", FailureCapture, "cap-linked",
                 lambda current: current.model_copy(update={"assignee": "ana@example.com"}) if current else None)
    [stored] = store.get_captures(["cap-linked"])
    assert stored.export_ids == ["exp-1", "exp-2"]
    assert (stored.error_message, stored.assignee, stored.status.value) == ("reworded", "ana@example.com",
                                                                            "exported")


# ---- Firestore index requirements of array filters ---------------------------------------------------------
def test_an_array_filter_with_a_sort_needs_an_array_contains_index(tmp_path: Path) -> None:
    query = Query("exports", (Filter("capture_ids", "array_contains", "cap-1"),), NEWEST_FIRST, 10)
    need = required_index(query)
    assert need == IndexRequirement("exports", frozenset({"capture_ids"}), (("requested_at", "DESCENDING"),),
                                    frozenset({"capture_ids"}))
    assert need.exact_index()["fields"] == [{"fieldPath": "capture_ids", "arrayConfig": CONTAINS},
                                            {"fieldPath": "requested_at", "order": "DESCENDING"}]
    ascending = tmp_path / "ascending.json"
    ascending.write_text(json.dumps({"indexes": [{"collectionGroup": "exports", "queryScope": "COLLECTION",
                                                   "fields": [{"fieldPath": "capture_ids", "order": "ASCENDING"},
                                                              {"fieldPath": "requested_at",
                                                               "order": "DESCENDING"}]}]}))
    assert not is_covered(need, load_composite_indexes(ascending))  # an ordered entry cannot serve contains
    contains = tmp_path / "contains.json"
    contains.write_text(json.dumps({"indexes": [need.exact_index()]}))
    assert is_covered(need, load_composite_indexes(contains))


def test_the_index_file_serves_every_export_filter_the_api_offers() -> None:
    indexes = load_composite_indexes(INDEX_FILE)
    for array_field in ("capture_ids", "signature_ids"):
        for statuses in ((), ("failed",), ("failed", "pending")):
            status_filter = () if not statuses else (
                Filter("overall_status", "==", statuses[0]) if len(statuses) == 1
                else Filter("overall_status", "in", list(statuses)),)
            query = Query("exports", (*status_filter, Filter(array_field, "array_contains", "x")), NEWEST_FIRST, 10)
            need = required_index(query)
            assert need is not None and is_covered(need, indexes), need
