"""The store contract for the signature queue's assignee filter: one name, several names, and unassigned
(`assignee == None`), combined with hiding merged signatures and each of the queue's sorts. Runs on SQLite and
the Firestore emulator (whose handles also check index coverage, see tests/fixtures/stores.py). Also: a SQLite
database written before signatures had an assignee column gets it, filled from the stored records.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from evalforge_assets.store import Filter, Store
from evalforge_assets.store.sqlite import SqliteStore
from tests.fixtures.factories import make_signature

SORTS = ((("count", True),), (("last_seen", True),), (("severity_rank", False),))
ASSIGNEES = ("ana", "bo", None)


@pytest.fixture
def assigned(store: Store) -> Store:
    store.save_signatures([
        make_signature(signature_id=f"sig-{n:02d}", count=n + 1, assignee=ASSIGNEES[n % 3],
                       severity=("low", "high", "critical")[n % 3],
                       last_seen=f"2026-01-15T{10 + n:02d}:00:00.000000Z",
                       merged_into="sig-00" if n == 7 else None)
        for n in range(9)
    ])
    return store


@pytest.mark.parametrize("order_by", SORTS)
@pytest.mark.parametrize(("where", "wanted"), [
    (Filter("assignee", "==", "ana"), {"sig-00", "sig-03", "sig-06"}),
    (Filter("assignee", "in", ["ana", "bo"]), {"sig-00", "sig-01", "sig-03", "sig-04", "sig-06"}),
    (Filter("assignee", "==", None), {"sig-02", "sig-05", "sig-08"}),
])
def test_signatures_filtered_by_assignee_in_each_sort(assigned: Store, where: Filter, wanted: set[str],
                                                      order_by: tuple[tuple[str, bool], ...]) -> None:
    filters = (where, Filter("merged_into", "==", None))
    found: list[str] = []
    cursor = None
    while True:
        page = assigned.list_signatures(filters, order_by, limit=2, cursor=cursor)
        found += [s.signature_id for s in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert set(found) == wanted and len(found) == len(wanted)  # sig-07 (bo, merged) stays hidden


def test_an_older_sqlite_database_gains_the_assignee_column_from_its_records(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = make_signature(signature_id="sig-old", assignee="ana").model_dump(mode="json")
    with sqlite3.connect(path) as connection:  # the signatures table as it was before assignee was a column
        connection.execute("CREATE TABLE signatures (id TEXT PRIMARY KEY, body TEXT NOT NULL, ml_app, agent, "
                           "failure_kind, severity, severity_rank, status, count, first_seen, last_seen, "
                           "merged_into, _version INTEGER NOT NULL DEFAULT 0)")
        connection.execute("INSERT INTO signatures (id, body, severity_rank, count, last_seen, _version) "
                           "VALUES (?, ?, 1, 1, ?, 1)", ("sig-old", json.dumps(old), old["last_seen"]))
    store = SqliteStore(path)
    try:
        assert [s.signature_id for s in store.list_signatures((Filter("assignee", "==", "ana"),)).items] == [
            "sig-old"]
        assert store.list_signatures((Filter("assignee", "==", None),)).items == []
    finally:
        store.close()
