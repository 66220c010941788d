"""The queue's pages are remembered while the store's signatures are unchanged (evalforge_api.signature_rows):
a write by any process, through any path, is seen on the next list; nothing else is rebuilt."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from evalforge_api.app import create_app
from evalforge_api.responses import model_json_response
from evalforge_api.routes.signatures import signature_page
from evalforge_api.schemas import CaptureSummary, SignatureListQuery
from evalforge_api.signature_rows import QueuePage, SignaturePageMemo, StoredSignatureRow
from evalforge_assets.models import FailureSignature
from evalforge_assets.store.sqlite import SqliteStore
from tests.api.conftest import auth, make_settings
from tests.fixtures.factories import make_capture, make_signature, revise

HOUR = "2026-01-15-10:00"  # the factory's signatures were last seen in it
LIST_QUERIES = ({"sort": "count"}, {"sort": "last_seen", "from": "2026-01-01T00:00:00Z"},
                {"sort": "severity", "status": "new"})


def _signature(signature_id: str, count: int) -> FailureSignature:
    return make_signature(signature_id=signature_id, count=count, counts_by_hour={HOUR: count})


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "store.db")
    opened.save_signatures([_signature(f"sig-{n}", n) for n in range(1, 6)])
    yield opened
    opened.close()


@pytest.fixture
def api(store: SqliteStore, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(tmp_path), store)) as client:
        yield client


def _listed(api: TestClient, params: dict[str, str]) -> list[tuple[str, int, str]]:
    answer = api.get("/v1/signatures", params=params, headers=auth("viewer"))
    assert answer.status_code == 200, answer.text
    return [(row["signature_id"], row["count"], row["status"]) for row in answer.json()["items"]]


@pytest.mark.parametrize("params", LIST_QUERIES, ids=["count", "windowed", "severity"])
def test_a_signature_written_by_another_process_is_listed_at_once(api: TestClient, tmp_path: Path,
                                                                   params: dict[str, str]) -> None:
    first = _listed(api, params)
    assert first == _listed(api, params)
    grouping = SqliteStore(tmp_path / "store.db")  # grouping's hourly run, in a Dagster process
    try:
        grouping.save_signatures([_signature("sig-new", 99)])
        grouping.update("signatures", FailureSignature, "sig-1", lambda old: revise(old, count=50))
    finally:
        grouping.close()
    listed = _listed(api, params)
    assert ("sig-new", 99, "new") in listed and ("sig-1", 50, "new") in listed, listed


def test_a_reviewers_triage_through_the_api_is_listed_at_once(api: TestClient) -> None:
    assert ("sig-5", 5, "new") in _listed(api, {"sort": "count"})
    answer = api.patch("/v1/signatures/sig-5", json={"status": "triaged"}, headers=auth("reviewer"))
    assert answer.status_code == 200, answer.text
    assert ("sig-5", 5, "triaged") in _listed(api, {"sort": "count"})
    assert ("sig-5", 5, "triaged") not in _listed(api, {"sort": "severity", "status": "new"})


# ---- the page's JSON -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("params", [*LIST_QUERIES, {"sort": "count", "samples": "0"}, {"sort": "count", "samples": "5"},
                                    {"sort": "count", "limit": "2"}, {"sort": "count", "include_merged": "true"}],
                         ids=["count", "windowed", "severity", "no-samples", "five-samples", "short", "merged"])
def test_the_spliced_page_is_the_models_page_byte_for_byte(store: SqliteStore, tmp_path: Path,
                                                           params: dict[str, str]) -> None:
    captures = [make_capture(capture_id=f"cap-{n}", error_message=f'quote " and samples":[] {n}')
                for n in range(8)]
    store.save_captures(captures)
    store.save_signatures([
        make_signature(signature_id="sig-samples", count=40, counts_by_hour={HOUR: 40}, title='a "quoted" title',
                       sample_capture_ids=[c.capture_id for c in captures[:6]] + ["cap-missing"]),
        make_signature(signature_id="sig-merged", count=3, counts_by_hour={HOUR: 3}, merged_into="sig-samples",
                       sample_capture_ids=["cap-7"]),
    ])
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings, store)) as api:
        answered = api.get("/v1/signatures", params=params, headers=auth("viewer"))
        assert answered.status_code == 200, answered.text
        query = SignatureListQuery.model_validate(params)
        expected = model_json_response(signature_page(query, store, api.app.state.cursors)).body
    assert answered.content == expected
    assert any(row["samples"] for row in answered.json()["items"]) == (params.get("samples") != "0")


# ---- the memo itself ------------------------------------------------------------------------------------------
class Builds:
    """A page builder that counts its calls."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store
        self.calls = 0

    def __call__(self) -> QueuePage:
        self.calls += 1
        rows = [StoredSignatureRow.model_validate(signature.model_dump(mode="json"))
                for signature in self.store.list_signatures().items]
        return QueuePage.of(rows, "cursor-after")


def test_an_unchanged_page_is_built_once_and_a_write_builds_it_again(store: SqliteStore) -> None:
    memo, build = SignaturePageMemo(), Builds(store)
    assert memo.page(store, "key", build) is memo.page(store, "key", build)
    assert build.calls == 1
    memo.page(store, "other key", build)
    assert build.calls == 2
    store.save_signatures([make_signature(signature_id="sig-new", count=99)])
    page = memo.page(store, "key", build)
    assert build.calls == 3 and "sig-new" in {row.signature_id for row in page.rows}


def test_a_page_built_while_signatures_changed_is_not_remembered(store: SqliteStore) -> None:
    memo, build = SignaturePageMemo(), Builds(store)

    def build_during_a_write() -> QueuePage:
        page = build()
        store.save_signatures([make_signature(signature_id=f"sig-during-{build.calls}")])
        return page

    memo.page(store, "key", build_during_a_write)
    memo.page(store, "key", build)
    assert build.calls == 2


def test_samples_go_into_copies_never_into_a_remembered_page(store: SqliteStore) -> None:
    memo, build = SignaturePageMemo(), Builds(store)
    page = memo.page(store, "key", build)
    summary = CaptureSummary.of(make_capture(capture_id="cap-x"))
    first = page.rows[0].model_copy(update={"sample_capture_ids": ["cap-x"]})
    shown = QueuePage.of([first], None).rows_with_samples({"cap-x": summary}, 1)
    assert shown[0].samples == [summary] and first.samples == []
    copies = page.rows_with_samples({}, 1)
    copies[0].count_in_window = 12345
    assert memo.page(store, "key", build).rows[0].count_in_window is None and build.calls == 1


def test_a_row_with_samples_already_in_is_refused() -> None:
    row = StoredSignatureRow.model_validate(make_signature().model_dump(mode="json"))
    row.samples = [CaptureSummary.of(make_capture())]
    with pytest.raises(ValueError, match="already has samples"):
        QueuePage.of([row], None)


def test_pages_are_kept_per_store_and_the_least_recently_used_leaves_first(store: SqliteStore) -> None:
    memo = SignaturePageMemo(size=2)
    other = SqliteStore(":memory:")
    try:
        assert memo.page(other, "key", Builds(other)).rows == []  # same key and count, another store
        build = Builds(store)
        for key in ("a", "b", "a", "c", "a", "b"):
            memo.page(store, key, build)
        assert build.calls == 4  # a, b, c, then b again: it was the least recently used when c came in
    finally:
        other.close()


def test_a_store_that_cannot_count_its_writes_builds_every_page(store: SqliteStore) -> None:
    class Uncounted:  # as the Firestore store: no change_count
        def list_signatures(self):
            return store.list_signatures()

    memo, build = SignaturePageMemo(), Builds(Uncounted())  # type: ignore[arg-type]
    memo.page(Uncounted(), "key", build)  # type: ignore[arg-type]
    memo.page(Uncounted(), "key", build)  # type: ignore[arg-type]
    assert build.calls == 2
