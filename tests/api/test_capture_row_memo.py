"""Capture queue rows remembered by stored text (evalforge_api.capture_rows.CaptureRowMemo): a remembered row is
exactly the row of its capture, an edited capture is a new row, the memo stays bounded, and a page spliced from
serialized rows is the bytes the model would have given. (The text pages themselves walk like Store.list_captures:
tests/api/test_capture_rows.py.)"""

from __future__ import annotations

import json

import pytest

from evalforge_api.capture_rows import CaptureRowMemo
from evalforge_api.responses import list_json_response, model_json_response
from evalforge_api.schemas import CaptureSummary, ListResponse
from evalforge_assets.store.query import COLLECTIONS, Query
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


def test_sqlite_keeps_no_single_text_for_a_collection_with_detached_fields(tmp_path) -> None:
    store = SqliteStore(tmp_path / "store.db")
    try:
        with pytest.raises(ValueError, match="not stored as one text"):
            store.query_texts(COLLECTIONS["signatures"], Query("signatures"))
        with pytest.raises(ValueError, match="not stored as one text"):
            store.get_many_texts(COLLECTIONS["signatures"], ["sig-1"])
    finally:
        store.close()
