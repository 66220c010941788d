"""The store contract: one body per behaviour, run against SQLite and the Firestore emulator alike.

Expected results are computed in Python from the records the test wrote, so every listing is checked for the
exact order (newest first, ties broken by id) and not only for membership.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from evalforge_assets.models import Claim, FailureCapture, FailureSignature, SystemStatus
from evalforge_assets.store import CaptureFilter, Filter, InvalidCursor, Store, VersionConflict
from evalforge_assets.store.query import COLLECTIONS, encode_cursor
from tests.fixtures.factories import (
    make_audit,
    make_capture,
    make_export,
    make_incident,
    make_quarantine,
    make_request,
    make_signature,
    make_status,
    make_test_run,
    revise,
)
from tests.fixtures.stores import StoreBackend

SEVERITIES = ("critical", "high", "medium", "low")
KINDS = ("error", "eval_fail", "low_quality", "user_feedback")
STATUSES = ("new", "triaged", "ready", "exported", "ignored")


# ---- helpers -----------------------------------------------------------------------------------------------
def newest_first(captures: list[FailureCapture]) -> list[str]:
    return [c.capture_id for c in sorted(captures, key=lambda c: (c.occurred_at, c.capture_id), reverse=True)]


def walk_captures(store: Store, where: CaptureFilter, limit: int) -> list[str]:
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = store.list_captures(where, limit=limit, cursor=cursor)
        assert len(page.items) <= limit
        seen += [c.capture_id for c in page.items]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


def matches(capture: FailureCapture, where: CaptureFilter) -> bool:
    """CaptureFilter's meaning, restated: one value is equality (None = unset), several are `in`."""
    document = capture.model_dump(mode="json")
    for name in ("severity", "agent", "ml_app", "failure_kind", "status", "signature_id", "assignee"):
        wanted = getattr(where, name)
        if len(wanted) == 1 and document[name] != wanted[0]:
            return False
        if len(wanted) > 1 and (document[name] is None or document[name] not in wanted):
            return False
    if where.partition_key is not None and document["lineage"]["partition_key"] != where.partition_key:
        return False
    if where.occurred_from and capture.occurred_at < where.occurred_from:
        return False
    return not (where.occurred_to and capture.occurred_at >= where.occurred_to)


def queue_dataset() -> list[FailureCapture]:
    """24 captures over every filter field; occurred_at in groups of three equal times; ids shuffled."""
    captures = []
    for i in range(24):
        captures.append(
            make_capture(
                capture_id=f"cap-{(i * 7) % 24:02d}",
                occurred_at=f"2026-01-15T10:{i // 3:02d}:00.000000Z",
                severity=SEVERITIES[i % 4],
                agent=(None, "planner", "support-agent")[i % 3],
                ml_app=("app-x", "app-y", "app-z")[(i // 3) % 3],
                failure_kind=KINDS[(i // 2) % 4],
                status=STATUSES[i % 5],
                signature_id=(None, "sig-a", "sig-b")[(i // 2) % 3],
                assignee=(None, "ann", "bob")[(i // 4) % 3],
                lineage={
                    "run_id": "run-1",
                    "partition_key": ("2026-01-15-10:00", "2026-01-15-11:00")[(i // 6) % 2],
                },
            )
        )
    return captures


def signature_fields(signature: FailureSignature) -> dict[str, Any]:
    return signature.model_dump(mode="json", include=set(FailureSignature.model_fields))


# ---- captures ----------------------------------------------------------------------------------------------
def test_upsert_counts_inserted_unchanged_and_updated(store: Store) -> None:
    first = [make_capture(capture_id=f"cap-{i}") for i in range(3)]
    assert sorted(store.upsert_captures(first).inserted) == ["cap-0", "cap-1", "cap-2"]

    again = store.upsert_captures(first)
    assert (again.inserted, again.updated, sorted(again.unchanged)) == ([], [], ["cap-0", "cap-1", "cap-2"])

    changed = revise(first[1], error_message="model returned 503")
    result = store.upsert_captures([first[0], changed, make_capture(capture_id="cap-3")])
    assert (result.inserted, result.updated, result.unchanged) == (["cap-3"], ["cap-1"], ["cap-0"])
    assert store.get_capture("cap-1").error_message == "model returned 503"
    assert store.count_captures() == 4


def test_upsert_keeps_review_fields_of_known_captures(store: Store) -> None:
    ingested = make_capture(capture_id="cap-r")
    store.upsert_captures([ingested])
    reviewed = revise(
        ingested,
        status="triaged",
        assignee="ann",
        signature_id="sig-9",
        detected_at="2026-01-15T11:00:00.000000Z",
        notes=[{"by": "ann", "text": "flaky upstream"}],
    )
    store.save_captures([reviewed])

    # The same span ingested again by a later run, with new content and fresh lineage.
    reingested = make_capture(
        capture_id="cap-r",
        error_message="timed out again",
        detected_at="2026-01-16T00:00:00.000000Z",
        lineage={"run_id": "run-2", "partition_key": "2026-01-16-00:00"},
    )
    result = store.upsert_captures([reingested])

    assert result.updated == ["cap-r"]
    stored = store.get_capture("cap-r")
    assert stored.error_message == "timed out again"
    assert (stored.status.value, stored.assignee, stored.signature_id) == ("triaged", "ann", "sig-9")
    assert stored.detected_at == "2026-01-15T11:00:00.000000Z"
    assert stored.lineage.run_id == "run-1"
    assert stored.notes == [{"by": "ann", "text": "flaky upstream"}]
    assert store.upsert_captures([reingested]).unchanged == ["cap-r"]


@pytest.mark.parametrize("review_lands_after", ["_get_many", "_get_many_versioned"])
def test_a_review_landing_between_an_upserts_read_and_write_survives(
        store_backend: StoreBackend, review_lands_after: str) -> None:
    """A capture re-run races a reviewer's PATCH (another process): whether the review lands after the
    upsert's batch read or after the versioned read its compare-and-set checks (so that write is refused and
    the review fields are read again), both the new content and the review fields are stored."""
    store, reviewer = store_backend.open(), store_backend.open()
    store.upsert_captures([make_capture(capture_id="cap-race")])
    reads: list[str] = []
    read = getattr(store, review_lands_after)

    def read_then_review(spec: Any, ids: Any) -> Any:
        found = read(spec, ids)
        if spec.name == "captures":
            reads.append(review_lands_after)
            if len(reads) == 1:
                reviewer.update("captures", FailureCapture, "cap-race", lambda current: revise(
                    current, status="triaged", assignee="ann", notes=[{"by": "ann", "text": "upstream 503s"}]))
        return found

    setattr(store, review_lands_after, read_then_review)
    result = store.upsert_captures([make_capture(capture_id="cap-race", error_message="model returned 503")])

    assert result.updated == ["cap-race"]
    stored = reviewer.get_capture("cap-race")
    assert stored.error_message == "model returned 503"
    assert (stored.status.value, stored.assignee) == ("triaged", "ann")
    assert stored.notes == [{"by": "ann", "text": "upstream 503s"}]
    assert reads == [review_lands_after]  # the review really landed inside the upsert
    assert reviewer.version("captures", "cap-race") == 3  # created, reviewed, refreshed: nothing written twice


def test_an_upsert_of_a_capture_deleted_since_its_read_stores_it_again(store: Store) -> None:
    store.upsert_captures([make_capture(capture_id="cap-gone")])
    read = store._get_many

    def read_then_delete(spec: Any, ids: Any) -> Any:
        found = read(spec, ids)
        store._delete(spec, "cap-gone")
        return found

    store._get_many = read_then_delete  # type: ignore[method-assign]
    result = store.upsert_captures([make_capture(capture_id="cap-gone", error_message="again")])

    assert result.updated == ["cap-gone"]
    assert store.get_capture("cap-gone").error_message == "again"


def test_records_round_trip_exactly_including_awkward_metadata(store: Store) -> None:
    capture = make_capture(
        capture_id="cap-odd",
        metadata={
            "nested": [[1, 2], [3, [4, {"deep": None}]]],
            "a.b": 1,
            "__reserved__": True,
            "": "empty key",
            "slash/key": "x",
            "unicode": "müller 😀",
            "big": 2**53 + 1,
            "float": 0.1,
            "empty": {},
            "list": [],
        },
        tags=["b", "a"],
        pii={"email": 2},
        input_text="line 1\nline 2\t\u0000",
    )
    store.save_captures([capture])
    assert store.get_capture("cap-odd") == capture


def test_get_and_get_many(store: Store) -> None:
    captures = [make_capture(capture_id=f"cap-g{i}") for i in range(3)]
    store.save_captures(captures)
    assert store.get_capture("cap-g1") == captures[1]
    assert store.get_capture("missing") is None
    found = store.get_captures(["cap-g2", "missing", "cap-g0", "cap-g2"])
    assert [c.capture_id for c in found] == ["cap-g2", "cap-g0", "cap-g2"]
    assert store.get_captures([]) == []


def test_get_many_beyond_one_batch(store: Store) -> None:
    captures = [make_capture(capture_id=f"cap-bulk-{i:04d}") for i in range(650)]
    assert len(store.upsert_captures(captures).inserted) == 650
    ids = [c.capture_id for c in captures]
    assert [c.capture_id for c in store.get_captures(ids)] == ids
    assert store.count_captures() == 650


def test_delete_removes_one_document(store: Store) -> None:
    store.save_captures([make_capture(capture_id="cap-keep"), make_capture(capture_id="cap-drop")])
    store._delete(COLLECTIONS["captures"], "cap-drop")
    assert store.get_capture("cap-drop") is None
    assert store.get_capture("cap-keep") is not None


def test_list_captures_is_newest_first_with_ties_broken_by_id(store: Store) -> None:
    captures = queue_dataset()
    store.save_captures(captures)
    assert [c.capture_id for c in store.list_captures(limit=100).items] == newest_first(captures)


CAPTURE_FILTER_CASES = {
    "no filter": CaptureFilter(),
    "severity": CaptureFilter(severity=("critical",)),
    "severities": CaptureFilter(severity=("critical", "low")),
    "agent": CaptureFilter(agent=("planner",)),
    "agents": CaptureFilter(agent=("planner", "support-agent")),
    "unset agent": CaptureFilter(agent=(None,)),  # type: ignore[arg-type]
    "ml_app": CaptureFilter(ml_app=("app-y",)),
    "ml_apps": CaptureFilter(ml_app=("app-x", "app-y")),
    "failure_kind": CaptureFilter(failure_kind=("eval_fail",)),
    "failure_kinds": CaptureFilter(failure_kind=("error", "user_feedback")),
    "status": CaptureFilter(status=("new",)),
    "statuses": CaptureFilter(status=("triaged", "ready", "ignored")),
    "signature_id": CaptureFilter(signature_id=("sig-a",)),
    "signature_ids": CaptureFilter(signature_id=("sig-a", "sig-b")),
    "assignee": CaptureFilter(assignee=("bob",)),
    "assignees": CaptureFilter(assignee=("ann", "bob")),
    "partition_key": CaptureFilter(partition_key="2026-01-15-11:00"),
    "from": CaptureFilter(occurred_from="2026-01-15T10:03:00.000000Z"),
    "to": CaptureFilter(occurred_to="2026-01-15T10:03:00.000000Z"),
    "from and to": CaptureFilter(
        occurred_from="2026-01-15T10:02:00.000000Z", occurred_to="2026-01-15T10:06:00.000000Z"
    ),
    "combined": CaptureFilter(
        severity=("critical", "high", "low"),
        ml_app=("app-y",),
        occurred_from="2026-01-15T10:01:00.000000Z",
        occurred_to="2026-01-15T10:08:00.000000Z",
        partition_key="2026-01-15-10:00",
    ),
    "nothing matches": CaptureFilter(severity=("critical",), status=("triaged",), agent=("planner",)),
}


@pytest.mark.parametrize("where", CAPTURE_FILTER_CASES.values(), ids=CAPTURE_FILTER_CASES.keys())
def test_list_and_count_captures_by_filter(store: Store, where: CaptureFilter) -> None:
    captures = queue_dataset()
    store.save_captures(captures)
    expected = newest_first([c for c in captures if matches(c, where)])
    if where != CaptureFilter():
        assert len(expected) < len(captures), "the dataset must make this filter exclude something"
    if where != CAPTURE_FILTER_CASES["nothing matches"]:
        assert expected, "the dataset must make this filter match something"

    assert [c.capture_id for c in store.list_captures(where, limit=100).items] == expected
    assert walk_captures(store, where, limit=2) == expected
    assert store.count_captures(where) == len(expected)


@pytest.mark.parametrize("limit", [1, 3, 5, 24, 25])
def test_cursor_pagination_returns_every_capture_once_in_order(store: Store, limit: int) -> None:
    captures = queue_dataset()
    store.save_captures(captures)
    seen: list[str] = []
    page_sizes: list[int] = []
    cursor: str | None = None
    while True:
        page = store.list_captures(limit=limit, cursor=cursor)
        seen += [c.capture_id for c in page.items]
        page_sizes.append(len(page.items))
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == newest_first(captures)
    # Full pages until the last; no trailing empty page when the total is a multiple of the limit.
    assert page_sizes == [limit] * (len(captures) // limit) + (
        [len(captures) % limit] if len(captures) % limit else []
    )


def test_pagination_is_stable_while_newer_captures_arrive(store: Store) -> None:
    captures = queue_dataset()
    store.save_captures(captures)
    seen: list[str] = []
    cursor: str | None = None
    arrivals = 0
    while True:
        page = store.list_captures(limit=5, cursor=cursor)
        seen += [c.capture_id for c in page.items]
        store.upsert_captures(
            [
                make_capture(
                    capture_id=f"cap-new-{arrivals + n}",
                    occurred_at=f"2026-01-15T11:{arrivals + n:02d}:00.000000Z",
                )
                for n in range(2)
            ]
        )
        arrivals += 2
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == newest_first(captures)
    assert store.count_captures() == len(captures) + arrivals
    assert walk_captures(store, CaptureFilter(), limit=7)[:arrivals] == [
        f"cap-new-{n}" for n in reversed(range(arrivals))
    ]


def test_filters_with_more_values_than_one_query_allows(store: Store) -> None:
    # 31 agents x 2 severities is 62 equality branches: past Firestore's 30, so it must split and merge.
    captures = [
        make_capture(
            capture_id=f"cap-m{i:02d}",
            agent=f"agent-{i % 35:02d}",
            severity=SEVERITIES[i % 3],
            occurred_at=f"2026-01-15T10:{i // 4:02d}:00.000000Z",
        )
        for i in range(70)
    ]
    store.save_captures(captures)
    where = CaptureFilter(agent=tuple(f"agent-{n:02d}" for n in range(31)), severity=("critical", "medium"))
    expected = newest_first([c for c in captures if matches(c, where)])
    assert 10 < len(expected) < len(captures)
    assert walk_captures(store, where, limit=7) == expected
    assert store.count_captures(where) == len(expected)


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        encode_cursor(("2026-01-15T10:00:00.000000Z",)),  # missing the id
        encode_cursor(("2026-01-15T10:00:00.000000Z", "cap-1", "extra")),
        encode_cursor(("2026-01-15T10:00:00.000000Z", 7)),  # the id is not a string
    ],
)
def test_invalid_cursor_is_refused(store: Store, cursor: str) -> None:
    store.save_captures([make_capture()])
    with pytest.raises(InvalidCursor):
        store.list_captures(limit=1, cursor=cursor)


def test_iter_captures_yields_everything_matching(store: Store) -> None:
    captures = queue_dataset()
    store.save_captures(captures)
    where = CaptureFilter(ml_app=("app-x",))
    assert [c.capture_id for c in store.iter_captures(where)] == newest_first(
        [c for c in captures if matches(c, where)]
    )


# ---- signatures --------------------------------------------------------------------------------------------
def signature_dataset() -> list[FailureSignature]:
    shapes = [  # (count, last_seen minute, severity, status)
        (5, 10, "high", "new"),
        (3, 12, "critical", "ongoing"),
        (5, 12, "low", "ongoing"),
        (1, 11, "critical", "new"),
        (3, 10, "medium", "ongoing"),
        (5, 13, "high", "resolved"),
        (2, 13, "critical", "new"),
    ]
    return [
        make_signature(
            signature_id=f"sig-{(i * 3) % 7}",
            count=count,
            last_seen=f"2026-01-15T10:{minute:02d}:00.000000Z",
            severity=severity,
            status=status,
        )
        for i, (count, minute, severity, status) in enumerate(shapes)
    ]


def walk_signatures(
    store: Store, order_by: tuple[tuple[str, bool], ...], filters: tuple[Filter, ...] = (), limit: int = 2
) -> list[str]:
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = store.list_signatures(filters, order_by, limit=limit, cursor=cursor)
        seen += [s.signature_id for s in page.items]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
SIGNATURE_ORDERS: dict[str, tuple[tuple[str, bool], ...]] = {
    "count": (("count", True),),
    "last_seen": (("last_seen", True),),
    "severity_rank": (("severity_rank", False),),
    "severity then count": (("severity_rank", False), ("count", True)),
}


def expected_signature_order(
    signatures: list[FailureSignature], order_by: tuple[tuple[str, bool], ...]
) -> list[str]:
    """Each order field, then the id in the direction of the last one (stable sorts, last key first)."""

    def value(signature: FailureSignature, name: str) -> Any:
        return RANK[signature.severity.value] if name == "severity_rank" else getattr(signature, name)

    ordered = sorted(signatures, key=lambda s: s.signature_id, reverse=order_by[-1][1])
    for name, descending in reversed(order_by):
        ordered = sorted(ordered, key=lambda s, n=name: value(s, n), reverse=descending)
    return [s.signature_id for s in ordered]


@pytest.mark.parametrize("order_name", SIGNATURE_ORDERS.keys())
def test_list_signatures_orders_and_pages(store: Store, order_name: str) -> None:
    signatures = signature_dataset()
    store.save_signatures(signatures)
    order_by = SIGNATURE_ORDERS[order_name]
    expected = expected_signature_order(signatures, order_by)
    assert walk_signatures(store, order_by) == expected
    assert [s.signature_id for s in store.list_signatures(order_by=order_by, limit=50).items] == expected


def test_list_signatures_with_a_filter(store: Store) -> None:
    signatures = signature_dataset()
    store.save_signatures(signatures)
    ongoing = [s for s in signatures if s.status.value == "ongoing"]
    expected = expected_signature_order(ongoing, SIGNATURE_ORDERS["count"])
    assert (
        walk_signatures(store, (("count", True),), (Filter("status", "==", "ongoing"),), limit=1) == expected
    )


def test_save_get_and_update_signatures(store: Store) -> None:
    signature = make_signature(signature_id="sig-x", count=2)
    store.save_signatures([signature])
    assert signature_fields(store.get_signature("sig-x")) == signature_fields(signature)
    assert store.get_signature("missing") is None

    grown = revise(signature, count=9, last_seen="2026-01-16T00:00:00.000000Z")
    store.save_signatures([grown, make_signature(signature_id="sig-y")])
    found = store.get_signatures(["sig-x", "sig-y", "missing"])
    assert sorted(found) == ["sig-x", "sig-y"]
    assert found["sig-x"].count == 9
    assert [s.signature_id for s in store.iter_signatures()] == ["sig-x", "sig-y"]


# ---- quarantine, exports, audit ----------------------------------------------------------------------------
def test_quarantine_lists_oldest_first_and_by_partition(store: Store) -> None:
    records = [
        make_quarantine(
            quarantine_id=f"q-{i}",
            quarantined_at=f"2026-01-15T10:0{(5 - i) % 3}:00.000000Z",
            partition_key=("p1", "p2")[i % 2],
        )
        for i in range(6)
    ]
    store.save_quarantined(records)
    oldest_first = sorted(records, key=lambda r: (r.quarantined_at, r.quarantine_id))
    assert store.list_quarantined() == oldest_first
    assert store.list_quarantined("p2") == [r for r in oldest_first if r.partition_key == "p2"]
    assert store.list_quarantined("p3") == []


def test_exports_save_get_list_and_filter(store: Store) -> None:
    exports = [
        make_export(
            export_id=f"exp-{i}",
            requested_at=f"2026-01-15T10:0{i}:00.000000Z",
            overall_status=("pending", "delivered")[i % 2],
        )
        for i in range(5)
    ]
    for package in exports:
        store.save_export(package)
    assert store.get_export("exp-3") == exports[3]
    assert store.get_export("missing") is None

    first = store.list_exports(limit=2)
    rest = store.list_exports(limit=10, cursor=first.next_cursor)
    assert [e.export_id for e in first.items + rest.items] == ["exp-4", "exp-3", "exp-2", "exp-1", "exp-0"]
    assert rest.next_cursor is None
    delivered = store.list_exports((Filter("overall_status", "==", "delivered"),)).items
    assert [e.export_id for e in delivered] == ["exp-3", "exp-1"]

    store.save_export(revise(exports[0], overall_status="delivered"))
    assert store.get_export("exp-0").overall_status.value == "delivered"


def test_audit_is_newest_first_and_filterable(store: Store) -> None:
    entries = [
        make_audit(
            audit_id=f"aud-{i}",
            at=f"2026-01-15T10:0{i // 2}:00.000000Z",
            resource_id=f"cap-{i % 2}",
            actor=("ann", "bob", "cy")[i % 3],
        )
        for i in range(6)
    ]
    store.add_audit(entries)
    newest = sorted(entries, key=lambda e: (e.at, e.audit_id), reverse=True)
    page_one = store.list_audit(limit=4)
    page_two = store.list_audit(limit=4, cursor=page_one.next_cursor)
    assert page_one.items + page_two.items == newest
    assert store.list_audit((Filter("resource_id", "==", "cap-1"),)).items == [
        e for e in newest if e.resource_id == "cap-1"
    ]
    assert store.list_audit((Filter("actor", "==", "bob"),)).items == [e for e in newest if e.actor == "bob"]


# ---- requests, incidents, test runs, status ----------------------------------------------------------------
def test_pending_requests_oldest_first_until_picked_up(store: Store) -> None:
    store.add_request(make_request(request_id="req-late", created_at="2026-01-15T10:05:00.000000Z"))
    store.add_request(make_request(request_id="req-early", created_at="2026-01-15T10:01:00.000000Z"))
    store.add_request(make_request(request_id="req-mid", created_at="2026-01-15T10:03:00.000000Z"))
    store.add_request(make_request(request_id="req-run", kind="test_run"))
    store.add_request(
        make_request(request_id="req-done", status="done", created_at="2026-01-15T09:00:00.000000Z")
    )

    assert [r.request_id for r in store.pending_requests("export")] == ["req-early", "req-mid", "req-late"]
    assert [r.request_id for r in store.pending_requests("export", limit=1)] == ["req-early"]

    picked = revise(store.get_request("req-early"), status="done", run_id="dagster-1")
    store.save_request(picked)
    assert [r.request_id for r in store.pending_requests("export")] == ["req-mid", "req-late"]
    assert store.get_request("req-early").run_id == "dagster-1"
    assert [r.request_id for r in store.pending_requests("test_run")] == ["req-run"]
    assert store.pending_requests("webhook") == []


def test_open_incident_by_service_and_incident_listing(store: Store) -> None:
    closed = make_incident(
        incident_id="inc-old",
        service="checkout",
        open=False,
        state="RECOVERED",
        detected_at="2026-01-14T10:00:00.000000Z",
    )
    current = make_incident(
        incident_id="inc-now", service="checkout", detected_at="2026-01-15T10:00:00.000000Z"
    )
    other = make_incident(incident_id="inc-cat", service="catalog", detected_at="2026-01-15T09:00:00.000000Z")
    for incident in (closed, current, other):
        store.save_incident(incident)

    assert store.open_incident("checkout") == current
    assert store.open_incident("catalog") == other
    assert store.open_incident("payments") is None
    assert store.get_incident("inc-old") == closed
    assert [i.incident_id for i in store.list_incidents().items] == ["inc-now", "inc-cat", "inc-old"]

    store.save_incident(revise(current, open=False, state="RECOVERED"))
    assert store.open_incident("checkout") is None


def test_latest_test_run_per_incident(store: Store) -> None:
    runs = [
        make_test_run(
            run_id=f"run-{i}",
            incident_id=("inc-1", "inc-2")[i % 2],
            started_at=f"2026-01-15T10:0{i}:00.000000Z",
        )
        for i in range(5)
    ]
    for run in runs:
        store.save_test_run(run)
    assert store.latest_test_run("inc-1") == runs[4]
    assert store.latest_test_run("inc-2") == runs[3]
    assert store.latest_test_run("inc-3") is None
    completed = revise(runs[1], status="COMPLETED")
    store.save_test_run(completed)
    assert store.get_test_run("run-1") == completed


def test_status_document(store: Store) -> None:
    assert store.get_status() is None
    store.save_status(make_status())
    assert store.get_status() == make_status()
    incident = make_status(status="INCIDENT_ACTIVE", error_rate_5m=0.4, active_incident_id="inc-1")
    store.save_status(incident)
    assert store.get_status() == incident


# ---- events ------------------------------------------------------------------------------------------------
def test_events_append_in_sequence_and_replay_after_a_point(store: Store) -> None:
    assert store.last_event_seq() == 0
    assert store.events_after(0) == []
    appended = [
        store.append_event("tests.updated", {"run_id": "run-1", "step": n, "nested": [[n]]}) for n in range(4)
    ]

    assert [e.seq for e in appended] == [1, 2, 3, 4]
    assert store.events_after(0) == appended
    assert store.events_after(2) == appended[2:]
    assert store.events_after(1, limit=2) == appended[1:3]
    assert store.events_after(4) == []
    assert store.last_event_seq() == 4


def test_concurrent_event_appends_get_distinct_consecutive_numbers(store: Store) -> None:
    seqs: list[int] = []
    lock = threading.Lock()

    def append_some(worker: int) -> None:
        for n in range(5):
            event = store.append_event("system.status", {"worker": worker, "n": n})
            with lock:
                seqs.append(event.seq)

    threads = [threading.Thread(target=append_some, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seqs) == list(range(1, 21))
    assert [e.seq for e in store.events_after(0)] == list(range(1, 21))


# ---- the store as a whole ----------------------------------------------------------------------------------
def test_a_second_handle_sees_the_same_data(store_backend: StoreBackend) -> None:
    writer = store_backend.open()
    capture = make_capture(capture_id="cap-durable")
    writer.upsert_captures([capture])
    writer.save_signatures([make_signature(signature_id="sig-durable", count=4)])
    writer.save_status(make_status(status="VALIDATING"))
    writer.append_event("system.status", {"status": "VALIDATING"})
    writer.close()

    reader = store_backend.open()
    assert reader.get_capture("cap-durable") == capture
    assert reader.get_signature("sig-durable").count == 4
    assert reader.get_status().status.value == "VALIDATING"
    assert [e.payload for e in reader.events_after(0)] == [{"status": "VALIDATING"}]
    assert reader.append_event("system.status", {"status": "RECOVERED"}).seq == 2
    assert reader.upsert_captures([capture]).unchanged == ["cap-durable"]


def test_ping_answers_when_the_store_is_up(store: Store) -> None:
    store.ping()


# ---- optimistic concurrency: update, create, versions ------------------------------------------------------
def bump(signature: FailureSignature | None) -> FailureSignature | None:
    return None if signature is None else revise(signature, count=signature.count + 1)


def test_update_of_an_absent_record_stores_what_change_returns(store: Store) -> None:
    seen: list[FailureSignature | None] = []
    created = make_signature(signature_id="sig-new", count=1)

    def create_it(current: FailureSignature | None) -> FailureSignature:
        seen.append(current)
        return created

    stored = store.update("signatures", FailureSignature, "sig-new", create_it)
    assert seen == [None]
    assert signature_fields(stored) == signature_fields(created)
    assert signature_fields(store.get_signature("sig-new")) == signature_fields(created)
    assert store.version("signatures", "sig-new") == 1


def test_update_of_a_present_record_sees_it_and_stores_the_change(store: Store) -> None:
    store.save_signatures([make_signature(signature_id="sig-up", count=4)])
    stored = store.update("signatures", FailureSignature, "sig-up", bump)
    assert stored.count == 5
    assert store.get_signature("sig-up").count == 5
    assert store.version("signatures", "sig-up") == 2


def test_update_keeps_the_fields_the_store_derives(store: Store) -> None:
    store.save_signatures([make_signature(signature_id="sig-a", severity="low"),
                           make_signature(signature_id="sig-b", severity="medium")])
    store.update("signatures", FailureSignature, "sig-a", lambda s: revise(s, severity="critical"))
    ranked = store.list_signatures(order_by=(("severity_rank", False),)).items
    assert [s.signature_id for s in ranked] == ["sig-a", "sig-b"]


def test_change_returning_none_leaves_the_store_as_it_is(store: Store) -> None:
    original = make_signature(signature_id="sig-same", count=3)
    store.save_signatures([original])
    assert store.update("signatures", FailureSignature, "sig-same", lambda current: None).count == 3
    assert store.version("signatures", "sig-same") == 1

    assert store.update("signatures", FailureSignature, "sig-absent", lambda current: None) is None
    assert store.get_signature("sig-absent") is None
    assert store.version("signatures", "sig-absent") is None


def test_every_write_path_increments_the_version(store: Store) -> None:
    capture = make_capture(capture_id="cap-v")
    assert store.version("captures", "cap-v") is None
    assert store.create("captures", capture)
    assert store.version("captures", "cap-v") == 1
    store.save_captures([revise(capture, status="triaged")])
    assert store.version("captures", "cap-v") == 2
    store.upsert_captures([revise(capture, error_message="changed upstream")])
    assert store.version("captures", "cap-v") == 3
    store.upsert_captures([revise(capture, error_message="changed upstream")])  # unchanged: not written
    assert store.version("captures", "cap-v") == 3
    store.update("captures", FailureCapture, "cap-v", lambda c: revise(c, assignee="ann"))
    assert store.version("captures", "cap-v") == 4
    assert store.get_capture("cap-v").assignee == "ann"
    # The version is the store's, never part of the record a reader gets back.
    assert "_version" not in store.get_capture("cap-v").model_dump()

    store.save_status(make_status())
    store.save_status(make_status(status="INCIDENT_ACTIVE"))
    assert store.version("status", "current") == 2


def test_update_retries_after_a_concurrent_write_and_keeps_both_changes(store_backend: StoreBackend) -> None:
    store, other = store_backend.open(), store_backend.open()
    store.save_captures([make_capture(capture_id="cap-race")])
    calls: list[str | None] = []

    def assign(capture: FailureCapture | None) -> FailureCapture:
        calls.append(capture.status.value)
        if len(calls) == 1:  # another process triages it after this read and before this write
            other.save_captures([revise(capture, status="triaged")])
        return revise(capture, assignee="ann")

    stored = store.update("captures", FailureCapture, "cap-race", assign)
    assert calls == ["new", "triaged"]
    assert (stored.status.value, stored.assignee) == ("triaged", "ann")
    reread = other.get_capture("cap-race")
    assert (reread.status.value, reread.assignee) == ("triaged", "ann")
    assert store.version("captures", "cap-race") == 3


def test_update_gives_up_with_version_conflict_when_a_writer_always_interferes(
        store_backend: StoreBackend) -> None:
    store, other = store_backend.open(), store_backend.open()
    store.save_signatures([make_signature(signature_id="sig-hot", count=0)])
    calls = 0

    def contended(signature: FailureSignature | None) -> FailureSignature:
        nonlocal calls
        calls += 1
        other.save_signatures([revise(signature, count=1000 + calls)])
        return revise(signature, count=-1)

    with pytest.raises(VersionConflict) as caught:
        store.update("signatures", FailureSignature, "sig-hot", contended, attempts=4)
    assert calls == 4
    assert "signatures/sig-hot" in str(caught.value) and "4 attempts" in str(caught.value)
    assert store.get_signature("sig-hot").count == 1004  # the interfering writes all stand, ours never landed


def test_create_inserts_once_and_never_overwrites(store: Store) -> None:
    first = Claim(key="open-incident:checkout", owner="inc-1")
    assert store.create("claims", first) is True
    assert store.create("claims", Claim(key="open-incident:checkout", owner="inc-2")) is False
    assert store.update("claims", Claim, "open-incident:checkout", lambda current: None) == first
    assert store.version("claims", "open-incident:checkout") == 1


def test_a_released_claim_is_taken_through_update_by_one_owner(store: Store) -> None:
    key = "active-run:inc-7"

    def take(owner: str):
        def change(claim: Claim | None) -> Claim | None:
            if claim is None or claim.owner is None:
                return Claim(key=key, owner=owner, claimed_at="2026-01-15T10:00:00.000000Z")
            return None
        return change

    assert store.update("claims", Claim, key, take("run-1")).owner == "run-1"
    assert store.update("claims", Claim, key, take("run-2")).owner == "run-1"  # held: run-2 learns who
    store.update("claims", Claim, key, lambda claim: revise(claim, owner=None))
    assert store.update("claims", Claim, key, take("run-2")).owner == "run-2"
    assert store.version("claims", key) == 3


def test_update_of_the_status_document_whose_id_is_not_a_record_field(store: Store) -> None:
    store.save_status(make_status())
    stored = store.update("status", SystemStatus, "current", lambda s: revise(s, status="VALIDATING"))
    assert stored == store.get_status() == make_status(status="VALIDATING")


def test_update_refuses_a_change_of_id_and_an_unknown_collection(store: Store) -> None:
    store.save_signatures([make_signature(signature_id="sig-keep")])
    with pytest.raises(ValueError, match="cannot change its id"):
        store.update("signatures", FailureSignature, "sig-keep", lambda s: revise(s, signature_id="sig-other"))
    assert store.get_signature("sig-other") is None
    with pytest.raises(ValueError, match="not a store collection"):
        store.update("nonsense", FailureSignature, "x", lambda s: s)
