"""Queue rows validated straight from stored capture documents (evalforge_api.capture_rows) must be exactly the
summaries `CaptureSummary.of` makes of the validated `FailureCapture`: same fields, same defaults, same pages
and cursors (read as stored texts, store.queue_pages), on every store backend."""

from __future__ import annotations

import json
from typing import Any

import pytest

from evalforge_api.capture_rows import CaptureRowMemo, StoredCaptureSummary
from evalforge_api.schemas import PREVIEW_CHARS, CaptureSummary
from evalforge_assets.models import FailureCapture
from evalforge_assets.store import CaptureFilter, Store
from evalforge_assets.store.queue_pages import capture_queue_row_texts, capture_queue_texts
from tests.fixtures.factories import make_capture


def _full() -> dict[str, Any]:
    """Every optional field set, a Datadog link, a reason with a field of a newer writer, a long input."""
    capture = make_capture(
        assignee="ana", signature_id="sig-1", status="triaged", input_text="x" * (PREVIEW_CHARS * 3),
        input_messages=[{"role": "user", "content": "hi"}], metadata={"k": [1, 2]}, tags=["a:b"],
        reasons=[{"kind": "eval_fail", "rule": "evaluation_failed", "detail": "faithfulness=fail",
                  "evaluation": "faithfulness", "added_later": 3}],
    )
    document = capture.model_dump(mode="json")
    document["source"]["url"] = "https://app.datadoghq.com/llm/traces?spanId=1"
    return document


def _minimal() -> dict[str, Any]:
    """Only what FailureCapture requires: every summary default comes from the model's defaults."""
    document = make_capture().model_dump(mode="json", exclude_defaults=True)
    for optional in ("agent", "error_type", "error_message", "input_text"):
        document.pop(optional, None)
    document["source"].pop("url", None)
    return document


@pytest.mark.parametrize("document", [_full(), _minimal()], ids=["full", "minimal"])
def test_a_row_from_the_document_is_the_summary_of_the_capture(document: dict[str, Any]) -> None:
    expected = CaptureSummary.of(FailureCapture.model_validate(document))
    row = StoredCaptureSummary.model_validate(document)
    assert row.model_dump(mode="json") == expected.model_dump(mode="json")
    # Serialized where a CaptureSummary is declared (a page's items), it adds nothing.
    assert CaptureSummary.model_validate(row).model_dump_json() == expected.model_dump_json()


def test_a_document_missing_a_required_field_is_refused_like_a_capture() -> None:
    document = _full()
    del document["severity"]
    with pytest.raises(ValueError, match="severity"):
        StoredCaptureSummary.model_validate(document)


def _seed(store: Store) -> list[str]:
    captures = [make_capture(occurred_at=f"2026-01-15T10:{minute:02d}:00.000000Z",
                             severity="low" if minute % 2 else "high") for minute in range(7)]
    store.upsert_captures(captures)
    return [c.capture_id for c in captures]


@pytest.mark.parametrize("where", [CaptureFilter(), CaptureFilter(severity=("low",))], ids=["all", "low"])
def test_queue_pages_walk_like_list_captures(store: Store, where: CaptureFilter) -> None:
    _seed(store)
    ours_cursor: str | None = None
    walked = 0
    while True:
        expected = store.list_captures(where, limit=3, cursor=ours_cursor)
        page = capture_queue_texts(store, where, 3, ours_cursor)
        assert [r.model_dump(mode="json") for r in CaptureRowMemo().rows(page.items)] == \
               [CaptureSummary.of(c).model_dump(mode="json") for c in expected.items]
        assert page.next_cursor == expected.next_cursor
        walked += len(page.items)
        if page.next_cursor is None:
            break
        ours_cursor = page.next_cursor
    assert walked == (7 if where == CaptureFilter() else 3)


def test_queue_rows_are_get_captures_in_the_order_asked(store: Store) -> None:
    ids = _seed(store)
    asked = [ids[4], "no-such-capture", ids[0], ids[2]]
    texts = capture_queue_row_texts(store, asked)
    assert [json.loads(text) for text in texts] == [c.model_dump(mode="json") for c in store.get_captures(asked)]
    rows = CaptureRowMemo().rows(texts)
    assert [r.model_dump(mode="json") for r in rows] == \
           [CaptureSummary.of(c).model_dump(mode="json") for c in store.get_captures(asked)]
    assert [r.capture_id for r in rows] == [ids[4], ids[0], ids[2]]
