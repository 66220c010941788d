"""Capture queue rows remembered by stored text (evalforge_api.capture_rows.CaptureRowMemo) and the store reads
that hand them texts (store.queue_pages): a remembered row is exactly the row of its capture, an edited capture
is a new row, the memo stays bounded, the text pages walk like the parsed ones on every backend, and a page
spliced from serialized rows is the bytes the model would have given."""

from __future__ import annotations

import json

import pytest

from evalforge_api.capture_rows import CaptureRowMemo, StoredCaptureSummary
from evalforge_api.responses import list_json_response, model_json_response
from evalforge_api.schemas import CaptureSummary, ListResponse
from evalforge_assets.store import CaptureFilter, Store
from evalforge_assets.store.query import COLLECTIONS, Query
from evalforge_assets.store.queue_pages import (
    capture_queue_page,
    capture_queue_row_texts,
    capture_queue_texts,
)
from evalforge_assets.store.sqlite import SqliteStore
from tests.fixtures.factories import make_capture


def _texts(*captures: object) -> list[str]:
    return [capture.model_dump_json() for capture in captures]  # type: ignore[attr-defined]


def test_a_remembered_row_is_the_row_of_its_capture() -> None:
    capture = make_capture(assignee="ana", input_text="é" * 500)
    memo = CaptureRowMemo()
    expected = CaptureSummary.of(capture)
    for _ in range(2):  # made, then remembered
        (row,), (row_json,) = memo.rows(_texts(capture)), memo.rows_json(_texts(capture))
        assert row.model_dump(mode="json") == expected.model_dump(mode="json")
        assert row_json == expected.model_dump_json(by_alias=True).encode()


def test_an_edited_capture_is_a_new_row() -> None:
    memo = CaptureRowMemo()
    capture = make_capture(status="new")
    assert memo.rows(_texts(capture))[0].status == "new"
    edited = make_capture(capture_id=capture.capture_id, status="triaged", assignee="bo")
    row = memo.rows(_texts(edited))[0]
    assert (row.status, row.assignee) == ("triaged", "bo")


def test_the_memo_forgets_the_least_recently_used_row_first() -> None:
    memo = CaptureRowMemo(size=2)
    first, second, third = (make_capture() for _ in range(3))
    memo.rows(_texts(first, second))
    memo.rows(_texts(first))  # used again: `second` is now the oldest
    memo.rows(_texts(third))
    assert list(memo._rows) == _texts(first, third)
    assert memo.rows(_texts(second))[0].capture_id == second.capture_id  # made again when asked again


def test_a_text_that_is_no_capture_is_refused() -> None:
    with pytest.raises(ValueError, match="severity"):
        CaptureRowMemo().rows([json.dumps({**make_capture().model_dump(mode="json"), "severity": None})])


@pytest.mark.parametrize("next_cursor", [None, "eyJhIjoxfQ.0a1b", 'odd "cursor" ü'])
@pytest.mark.parametrize("count", [0, 1, 3])
def test_a_spliced_page_is_the_bytes_of_the_model(next_cursor: str | None, count: int) -> None:
    rows = [CaptureSummary.of(make_capture(input_text=f"input {n} \u2028 \"quoted\"")) for n in range(count)]
    spliced = list_json_response([row.model_dump_json(by_alias=True).encode() for row in rows], next_cursor)
    model = model_json_response(ListResponse[CaptureSummary](items=rows, next_cursor=next_cursor))
    assert spliced.body == model.body
    assert spliced.media_type == model.media_type


def _seed(store: Store) -> list[str]:
    captures = [make_capture(occurred_at=f"2026-01-15T10:{minute:02d}:00.000000Z",
                             severity="low" if minute % 2 else "high") for minute in range(7)]
    store.upsert_captures(captures)
    return [c.capture_id for c in captures]


@pytest.mark.parametrize("where", [CaptureFilter(), CaptureFilter(severity=("low",))], ids=["all", "low"])
def test_text_pages_walk_like_queue_pages(store: Store, where: CaptureFilter) -> None:
    _seed(store)
    cursor: str | None = None
    while True:
        expected = capture_queue_page(store, where, 3, cursor, StoredCaptureSummary)
        page = capture_queue_texts(store, where, 3, cursor)
        assert [StoredCaptureSummary.model_validate_json(text) for text in page.items] == expected.items
        assert page.next_cursor == expected.next_cursor
        if page.next_cursor is None:
            break
        cursor = page.next_cursor


def test_row_texts_are_the_captures_found_in_the_order_asked(store: Store) -> None:
    ids = _seed(store)
    asked = [ids[4], "no-such-capture", ids[0]]
    texts = capture_queue_row_texts(store, asked)
    assert [json.loads(text)["capture_id"] for text in texts] == [ids[4], ids[0]]
    assert [json.loads(text) for text in texts] == \
           [c.model_dump(mode="json") for c in store.get_captures([ids[4], ids[0]])]


def test_sqlite_keeps_no_single_text_for_a_collection_with_detached_fields(tmp_path) -> None:
    store = SqliteStore(tmp_path / "store.db")
    try:
        with pytest.raises(ValueError, match="not stored as one text"):
            store.query_texts(COLLECTIONS["signatures"], Query("signatures"))
        with pytest.raises(ValueError, match="not stored as one text"):
            store.get_many_texts(COLLECTIONS["signatures"], ["sig-1"])
    finally:
        store.close()
