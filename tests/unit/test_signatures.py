"""Signature grouping: incremental per hour, idempotent on re-runs, regressions and merged parents; stored field by
field so reviewers' changes survive it."""

from __future__ import annotations

import pytest

from evalforge_assets.models import FailureCapture, SignatureStatus
from evalforge_assets.review.fingerprint import fingerprint_of, signature_id_of
from evalforge_assets.review.rules import CapturePatch
from evalforge_assets.review.service import ReviewService
from evalforge_assets.review.signatures import group_hour, store_grouping, version_at_least
from evalforge_assets.store import Store
from tests.fixtures.factories import make_capture
from tests.unit.test_review import interleave

NOW = "2026-01-15T12:00:00.000000Z"


def timeout(capture_id: str, at: str, order: int, version: str | None = None) -> FailureCapture:
    return make_capture(capture_id=capture_id, occurred_at=at,
                        error_message=f"Order {order} timed out after {order * 3}ms",
                        source={"trace_id": "t" + capture_id, "span_id": capture_id, "ml_app": "shop-assistant",
                                "span_name": "answer", "span_kind": "agent", "start_time": at, "version": version})


def test_same_template_groups_and_counts_per_hour() -> None:
    hour = {"2026-01-15-10:00": [timeout("a", "2026-01-15T10:01:00.000000Z", 1),
                                 timeout("b", "2026-01-15T10:30:00.000000Z", 2)]}
    result = group_hour(hour, {}, NOW)
    assert len(result.signatures) == 1
    signature = next(iter(result.signatures.values()))
    assert signature.count == 2
    assert signature.counts_by_hour == {"2026-01-15-10:00": 2}
    assert signature.first_seen == "2026-01-15T10:01:00.000000Z"
    assert signature.last_seen == "2026-01-15T10:30:00.000000Z"
    assert {c.signature_id for c in result.regrouped_captures} == {signature.signature_id}


def test_rerunning_an_hour_never_double_counts_and_new_hours_add() -> None:
    first = {"2026-01-15-10:00": [timeout("a", "2026-01-15T10:01:00.000000Z", 1)]}
    known = group_hour(first, {}, NOW).signatures
    again = group_hour(first, known, NOW).signatures
    assert again == known
    second = {"2026-01-15-11:00": [timeout("c", "2026-01-15T11:05:00.000000Z", 9),
                                   timeout("d", "2026-01-15T11:06:00.000000Z", 8)]}
    after = next(iter(group_hour(second, again, NOW).signatures.values()))
    assert after.count == 3
    assert after.counts_by_hour == {"2026-01-15-10:00": 1, "2026-01-15-11:00": 2}


def test_resolved_signature_regresses_only_at_or_after_fixed_version() -> None:
    capture = timeout("a", "2026-01-15T10:01:00.000000Z", 1, version="2.0.0")
    signature = next(iter(group_hour({"2026-01-15-10:00": [capture]}, {}, NOW).signatures.values()))
    resolved = signature.model_copy(update={"status": SignatureStatus.resolved, "resolved_in_version": "2.1.0",
                                            "resolved_at": "2026-01-15T10:30:00.000000Z"})
    old_build = {"2026-01-15-11:00": [timeout("b", "2026-01-15T11:00:00.000000Z", 2, version="2.0.5")]}
    still = group_hour(old_build, {resolved.signature_id: resolved}, NOW)
    assert still.signatures[resolved.signature_id].status is SignatureStatus.resolved
    new_build = {"2026-01-15-12:00": [timeout("c", "2026-01-15T12:00:00.000000Z", 3, version="2.10.0")]}
    back = group_hour(new_build, {resolved.signature_id: resolved}, NOW)
    assert back.signatures[resolved.signature_id].status is SignatureStatus.regressed
    assert back.regressed == [resolved.signature_id]


def test_child_of_a_merge_keeps_its_own_counts_and_parent_shows_both() -> None:
    a = timeout("a", "2026-01-15T10:01:00.000000Z", 1)
    other = make_capture(capture_id="x", occurred_at="2026-01-15T10:02:00.000000Z", error_type="ValueError",
                         error_message="bad json from tool")
    hour = "2026-01-15-10:00"
    base = group_hour({hour: [a, other]}, {}, NOW).signatures
    parent_id, child_id = signature_id_of(fingerprint_of(a)), signature_id_of(fingerprint_of(other))
    parent = base[parent_id].model_copy(update={"merged_children": [child_id]})
    child = base[child_id].model_copy(update={"merged_into": parent_id})
    later = group_hour({"2026-01-15-11:00": [make_capture(capture_id="y", occurred_at="2026-01-15T11:00:00.000000Z",
                                                          error_type="ValueError",
                                                          error_message="bad json from tool")]},
                       {parent_id: parent, child_id: child}, NOW)
    assert later.signatures[child_id].own_counts_by_hour == {hour: 1, "2026-01-15-11:00": 1}
    assert later.signatures[parent_id].counts_by_hour == {hour: 2, "2026-01-15-11:00": 1}
    assert later.signatures[parent_id].count == 3
    assert [c.signature_id for c in later.regrouped_captures] == [parent_id]


def test_version_comparison_is_numeric() -> None:
    assert version_at_least("2.10.0", "2.9.1")
    assert not version_at_least("2.9.1", "2.10.0")
    assert version_at_least(None, "1.0")


# ---- storing a grouping run: only grouping's fields, re-applied to the stored record ----------------------------
HOUR_10, HOUR_11 = "2026-01-15-10:00", "2026-01-15-11:00"


def stored_timeout(capture_id: str, hour: str, minute: int) -> FailureCapture:
    capture = timeout(capture_id, f"{hour[:10]}T{hour[11:13]}:{minute:02d}:00.000000Z", minute)
    return capture.model_copy(update={"lineage": capture.lineage.model_copy(update={"partition_key": hour})})


def test_grouping_keeps_what_reviewers_wrote_and_adds_its_own_fields(store: Store) -> None:
    store.upsert_captures([stored_timeout("a", HOUR_10, 1), stored_timeout("b", HOUR_10, 2)])
    written = store_grouping(store, [HOUR_10], NOW)
    (signature_id,) = written.created
    assert written.captures_regrouped == 2
    review = ReviewService(store)
    review.triage_signature(signature_id, SignatureStatus.triaged, "key-abc")
    review.update_capture("a", CapturePatch(assignee="ana", note="seen"), "key-abc")
    store.upsert_captures([stored_timeout("c", HOUR_11, 3)])
    again = store_grouping(store, [HOUR_11], NOW)
    assert (again.created, again.updated, again.captures_regrouped) == ([], [signature_id], 1)
    signature = store.get_signature(signature_id)
    assert signature is not None
    assert signature.status is SignatureStatus.triaged
    assert signature.own_counts_by_hour == {HOUR_10: 2, HOUR_11: 1} and signature.count == 3
    a, c = store.get_capture("a"), store.get_capture("c")
    assert a is not None and c is not None
    assert (a.status.value, a.assignee, len(a.notes), a.signature_id) == ("triaged", "ana", 1, signature_id)
    assert c.signature_id == signature_id


def test_regrouping_an_hour_again_writes_nothing(store: Store) -> None:
    store.upsert_captures([stored_timeout("a", HOUR_10, 1)])
    (signature_id,) = store_grouping(store, [HOUR_10], NOW).created
    versions = (store.version("signatures", signature_id), store.version("captures", "a"))
    again = store_grouping(store, [HOUR_10], NOW)
    assert (again.created, again.updated, again.captures_regrouped) == ([], [], 0)
    assert (store.version("signatures", signature_id), store.version("captures", "a")) == versions


def test_grouping_applies_its_hour_to_the_signature_as_a_reviewer_left_it(store: Store,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    store.upsert_captures([stored_timeout("a", HOUR_10, 1)])
    (signature_id,) = store_grouping(store, [HOUR_10], NOW).created
    store.upsert_captures([stored_timeout("b", HOUR_11, 2)])

    def reviewer_triages() -> None:
        ReviewService(store).triage_signature(signature_id, SignatureStatus.ignored, "key-abc")

    runs = interleave(monkeypatch, store, "signatures", reviewer_triages)
    store_grouping(store, [HOUR_11], NOW)
    signature = store.get_signature(signature_id)
    assert signature is not None
    assert (signature.status, signature.count) == (SignatureStatus.ignored, 2)
    assert len(runs) == 2
