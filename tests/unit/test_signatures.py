"""Signature grouping: incremental per hour, idempotent on re-runs, regressions and merged parents."""

from __future__ import annotations

from evalforge_assets.models import FailureCapture, SignatureStatus
from evalforge_assets.review.fingerprint import fingerprint_of, signature_id_of
from evalforge_assets.review.signatures import group_hour, version_at_least
from tests.fixtures.factories import make_capture

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
