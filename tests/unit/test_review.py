"""The review rules: transition tables, capture patches, signature cascades, window counts, merge/unmerge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from evalforge_assets.models import CaptureStatus, FailureSignature, Severity, SignatureStatus
from evalforge_assets.review.fingerprint import fingerprint_of, signature_id_of
from evalforge_assets.review.rules import (
    CAPTURE_TRANSITIONS,
    SIGNATURE_TRANSITIONS,
    UNSET,
    CapturePatch,
    HourWindow,
    KeptCaptures,
    MergeError,
    RecordNotFound,
    ReviewError,
    TransitionError,
    apply_capture_patch,
    apply_signature_status,
    cascade_steps,
    cascade_to_capture,
    check_capture_transition,
    check_signature_transition,
    merge_signatures,
    own_signature_id,
    unmerge_signature,
)
from evalforge_assets.review.service import ReviewService
from evalforge_assets.store import Filter, Store
from tests.fixtures.factories import make_capture, make_signature

NOW = "2026-01-15T12:00:00.000000Z"

ALLOWED_CAPTURE_STEPS = {
    ("new", "triaged"), ("triaged", "ready"), ("ready", "exported"),
    ("new", "ignored"), ("triaged", "ignored"), ("ready", "ignored"), ("exported", "ignored"),
    ("ignored", "new"),
}


@pytest.mark.parametrize("current", list(CaptureStatus))
@pytest.mark.parametrize("target", list(CaptureStatus))
def test_capture_transition_table(current: CaptureStatus, target: CaptureStatus) -> None:
    if (current.value, target.value) in ALLOWED_CAPTURE_STEPS:
        check_capture_transition(current, target)
    else:
        with pytest.raises(TransitionError, match=f"'{current.value}' cannot move to '{target.value}'"):
            check_capture_transition(current, target)


def test_every_status_has_a_way_out_and_ignored_is_reachable_from_all() -> None:
    for table in (CAPTURE_TRANSITIONS, SIGNATURE_TRANSITIONS):
        assert all(table.values())
        ignored = next(status for status in table if status.value == "ignored")
        assert all(ignored in allowed for status, allowed in table.items() if status is not ignored)


def test_signature_transition_errors_list_the_allowed_statuses() -> None:
    with pytest.raises(TransitionError, match="it can move to: ignored, triaged"):
        check_signature_transition(SignatureStatus.regressed, SignatureStatus.exported)
    check_signature_transition(SignatureStatus.ready, SignatureStatus.resolved)


def test_a_patch_changes_and_audits_each_field() -> None:
    capture = make_capture(capture_id="cap-1")
    patched, entries = apply_capture_patch(
        capture, CapturePatch(status=CaptureStatus.triaged, assignee="ana@example.com", note="tool timeout"),
        "key-abc", NOW)
    assert (patched.status, patched.assignee) == (CaptureStatus.triaged, "ana@example.com")
    assert patched.notes == [{"at": NOW, "author": "key-abc", "text": "tool timeout"}]
    assert [(e.action, e.detail) for e in entries] == [
        ("capture.status", {"from": "new", "to": "triaged"}),
        ("capture.assign", {"from": None, "to": "ana@example.com"}),
        ("capture.note", {"text": "tool timeout"}),
    ]
    assert all(e.actor == "key-abc" and e.at == NOW and e.resource_id == "cap-1" for e in entries)
    assert len({e.audit_id for e in entries}) == 3
    assert capture.status is CaptureStatus.new and capture.notes == []  # the input is left alone


def test_unset_keeps_the_assignee_and_none_unassigns() -> None:
    capture = make_capture(assignee="ana@example.com")
    kept, entries = apply_capture_patch(capture, CapturePatch(assignee=UNSET, note="x"), "a", NOW)
    assert kept.assignee == "ana@example.com" and [e.action for e in entries] == ["capture.note"]
    cleared, entries = apply_capture_patch(capture, CapturePatch(assignee=None), "a", NOW)
    assert cleared.assignee is None and entries[0].detail == {"from": "ana@example.com", "to": None}


def test_a_patch_that_changes_nothing_has_no_audit() -> None:
    capture = make_capture(status="triaged", assignee="ana@example.com")
    same, entries = apply_capture_patch(
        capture, CapturePatch(status=CaptureStatus.triaged, assignee="ana@example.com"), "a", NOW)
    assert same == capture and entries == []


def test_a_refused_status_applies_nothing() -> None:
    with pytest.raises(TransitionError):
        apply_capture_patch(make_capture(), CapturePatch(status=CaptureStatus.exported, note="x"), "a", NOW)


@pytest.mark.parametrize(("current", "target", "steps"), [
    ("new", "ready", ["triaged", "ready"]),
    ("new", "exported", ["triaged", "ready", "exported"]),
    ("triaged", "triaged", []),
    ("ready", "triaged", None),  # never backwards
    ("exported", "ready", None),
    ("ignored", "triaged", None),  # never revives a capture ignored on its own
    ("exported", "ignored", ["ignored"]),
    ("ignored", "new", ["new"]),
    ("triaged", "new", None),
])
def test_cascade_steps(current: str, target: str, steps: list[str] | None) -> None:
    found = cascade_steps(CaptureStatus(current), CaptureStatus(target))
    assert (None if found is None else [s.value for s in found]) == steps


def test_signature_status_carries_to_its_captures() -> None:
    signature = make_signature(signature_id="sig-1")
    moved, audit = apply_signature_status(signature, SignatureStatus.triaged, "a", NOW, note="known issue")
    assert moved.status is SignatureStatus.triaged
    assert audit[0].detail == {"from": "new", "to": "triaged", "note": "known issue"}
    captures = [make_capture(capture_id="c1"), make_capture(capture_id="c2", status="ignored"),
                make_capture(capture_id="c3", status="triaged")]
    outcomes = {c.capture_id: cascade_to_capture(c, "sig-1", SignatureStatus.triaged, "a", NOW) for c in captures}
    assert outcomes["c1"].changed is not None and outcomes["c1"].changed.status.value == "triaged"
    assert outcomes["c1"].audit is not None and outcomes["c1"].audit.detail["via_signature"] == "sig-1"
    assert outcomes["c2"].skipped_because is not None and outcomes["c2"].changed is None
    assert (outcomes["c3"].changed, outcomes["c3"].skipped_because) == (None, None)


def test_resolving_a_signature_leaves_captures_alone() -> None:
    outcome = cascade_to_capture(make_capture(), "sig-1", SignatureStatus.resolved, "a", NOW)
    assert (outcome.changed, outcome.skipped_because, outcome.audit) == (None, None, None)


def test_a_signature_already_in_the_status_writes_no_entry() -> None:
    signature = make_signature(status="triaged")
    assert apply_signature_status(signature, SignatureStatus.triaged, "a", NOW) == (signature, [])


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(("start", "end", "expected"), [
    (None, None, 7),
    ("2026-01-15T10:30:00", None, 7),  # the 10:00 hour overlaps the window, so it counts whole
    ("2026-01-15T11:00:00", "2026-01-15T12:00:00", 4),
    (None, "2026-01-15T11:00:00", 2),
    ("2026-01-15T13:00:00", None, 0),
])
def test_count_in_window(start: str | None, end: str | None, expected: int) -> None:
    hours = {"2026-01-15-10:00": 2, "2026-01-15-11:00": 4, "2026-01-15-12:00": 1}
    assert HourWindow.of(start and moment(start), end and moment(end)).count(hours) == expected


# ---- merge and unmerge -------------------------------------------------------------------------------------
def signature(signature_id: str, hours: dict[str, int], first: str, last: str,
              severity: str = "high", samples: list[str] | None = None) -> FailureSignature:
    return make_signature(signature_id=signature_id, counts_by_hour=hours, own_counts_by_hour=hours,
                          count=sum(hours.values()), first_seen=first, last_seen=last, severity=severity,
                          sample_capture_ids=samples or [])


PARENT = signature("p", {"2026-01-15-10:00": 2, "2026-01-15-11:00": 1}, "2026-01-15T10:10:00.000000Z",
                   "2026-01-15T11:20:00.000000Z", "medium", ["p1", "p2"])
EARLY_CHILD = signature("c1", {"2026-01-15-09:00": 3, "2026-01-15-10:00": 1}, "2026-01-15T09:05:00.000000Z",
                        "2026-01-15T10:40:00.000000Z", "critical", ["c1a"])
LATE_CHILD = signature("c2", {"2026-01-15-12:00": 4}, "2026-01-15T12:00:00.000000Z",
                       "2026-01-15T12:50:00.000000Z", "low", ["c2a"])


def test_merge_absorbs_counts_bounds_severity_and_samples() -> None:
    parent, children = merge_signatures(PARENT, [EARLY_CHILD, LATE_CHILD])
    assert parent.counts_by_hour == {"2026-01-15-09:00": 3, "2026-01-15-10:00": 3, "2026-01-15-11:00": 1,
                                     "2026-01-15-12:00": 4}
    assert parent.own_counts_by_hour == PARENT.own_counts_by_hour
    assert parent.count == 11
    assert (parent.first_seen, parent.last_seen) == (EARLY_CHILD.first_seen, LATE_CHILD.last_seen)
    assert parent.severity is Severity.critical
    assert parent.sample_capture_ids == ["p1", "p2", "c1a", "c2a"]
    assert parent.merged_children == ["c1", "c2"]
    assert [c.merged_into for c in children] == ["p", "p"]
    assert [c.counts_by_hour for c in children] == [EARLY_CHILD.counts_by_hour, LATE_CHILD.counts_by_hour]
    assert parent.fingerprint == PARENT.fingerprint and parent.title == PARENT.title


def test_unmerge_with_kept_captures_restores_exactly_one_child_at_a_time() -> None:
    parent, (early, late) = merge_signatures(PARENT, [EARLY_CHILD, LATE_CHILD])
    # What the captures still under the parent say after each step: own + early child's, then own.
    with_early = KeptCaptures(first_seen=EARLY_CHILD.first_seen, last_seen=PARENT.last_seen,
                              severity=Severity.critical)
    own = KeptCaptures(first_seen=PARENT.first_seen, last_seen=PARENT.last_seen, severity=PARENT.severity)
    after_late, restored_late = unmerge_signature(parent, late, with_early)
    assert (after_late.first_seen, after_late.last_seen) == (EARLY_CHILD.first_seen, PARENT.last_seen)
    after_both, restored_early = unmerge_signature(after_late, early, own)
    assert after_both == PARENT
    assert (restored_early, restored_late) == (EARLY_CHILD, LATE_CHILD)
    assert after_late.merged_children == ["c1"] and after_late.count == 7


def test_unmerge_without_kept_captures_keeps_bounds_the_child_never_reached() -> None:
    parent, (late,) = merge_signatures(PARENT, [LATE_CHILD])
    restored, _ = unmerge_signature(parent, late)
    assert restored.first_seen == PARENT.first_seen  # the child started later: the parent's own bound stays
    assert restored.last_seen == "2026-01-15T11:59:59.999999Z"  # the child set it: end of the last own hour
    assert restored.counts_by_hour == PARENT.counts_by_hour and restored.count == PARENT.count


@pytest.mark.parametrize(("children", "words"), [
    (lambda: [PARENT], "into itself"),
    (lambda: [EARLY_CHILD, EARLY_CHILD], "listed twice"),
    (lambda: [EARLY_CHILD.model_copy(update={"merged_into": "x"})], "already merged into x"),
    (lambda: [EARLY_CHILD.model_copy(update={"merged_children": ["y"]})], "merged signatures of its own"),
])
def test_merges_that_would_nest_or_repeat_are_refused(children: object, words: str) -> None:
    with pytest.raises(MergeError, match=words):
        merge_signatures(PARENT, children())  # type: ignore[operator]


def test_a_merged_signature_cannot_take_children_and_strangers_cannot_be_unmerged() -> None:
    with pytest.raises(MergeError, match="is itself merged into"):
        merge_signatures(PARENT.model_copy(update={"merged_into": "q"}), [EARLY_CHILD])
    with pytest.raises(MergeError, match="not merged into p"):
        unmerge_signature(PARENT, EARLY_CHILD)


def test_a_capture_belongs_to_the_signature_its_fingerprint_names() -> None:
    capture = make_capture(signature_id="some-parent")
    assert own_signature_id(capture) == signature_id_of(fingerprint_of(capture))


# ---- the review service over a real store ------------------------------------------------------------------------
def interleave(monkeypatch: pytest.MonkeyPatch, store: Store, collection: str,
               other_writer: Callable[[], None]) -> list[int]:
    """Make the first `store.update` of `collection` meet another writer between its read and its write.

    Returns a list that counts how often the update's change ran (2 means it was re-run on the fresh record).
    """
    original = store.update
    runs: list[int] = []

    def update(coll: str, model: Any, doc_id: str, change: Callable[[Any], Any], **kwargs: Any) -> Any:
        if coll != collection or runs:
            return original(coll, model, doc_id, change, **kwargs)

        def racing(current: Any) -> Any:
            runs.append(1)
            result = change(current)
            if len(runs) == 1:
                other_writer()
            return result

        return original(coll, model, doc_id, racing, **kwargs)

    monkeypatch.setattr(store, "update", update)
    return runs


def actions(store: Store, resource_id: str) -> list[str]:
    return sorted(e.action for e in store.list_audit((Filter("resource_id", "==", resource_id),)).items)


def test_service_patches_a_capture_and_audits_each_change(store: Store) -> None:
    store.save_captures([make_capture(capture_id="cap-1", signature_id="sig-1")])
    service = ReviewService(store, clock=lambda: NOW)
    updated = service.update_capture("cap-1", CapturePatch(status=CaptureStatus.triaged, assignee="ana",
                                                            note="tool timeout"), "key-abc")
    assert (updated.status, updated.assignee, updated.notes[0]["text"]) == (CaptureStatus.triaged, "ana",
                                                                            "tool timeout")
    assert store.get_capture("cap-1") == updated
    assert actions(store, "cap-1") == ["capture.assign", "capture.note", "capture.status"]
    assert service.assign_capture("cap-1", None, "key-abc").assignee is None
    assert len(service.note_capture("cap-1", "second look", "key-abc").notes) == 2


def test_service_refusals_write_nothing(store: Store) -> None:
    store.save_captures([make_capture(capture_id="cap-1")])
    service = ReviewService(store)
    version = store.version("captures", "cap-1")
    with pytest.raises(TransitionError, match="'new' cannot move to 'ready'"):
        service.update_capture("cap-1", CapturePatch(status=CaptureStatus.ready, note="skip ahead"), "key-abc")
    with pytest.raises(RecordNotFound, match="No capture with id 'nope' exists; list them at /v1/captures"):
        service.update_capture("nope", CapturePatch(note="x"), "key-abc")
    with pytest.raises(RecordNotFound, match="No signature with id 'nope'"):
        service.triage_signature("nope", SignatureStatus.triaged, "key-abc")
    assert store.version("captures", "cap-1") == version
    assert actions(store, "cap-1") == []


def test_a_patch_is_applied_to_the_capture_as_another_writer_left_it(store: Store,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    store.save_captures([make_capture(capture_id="cap-1", signature_id=None)])
    grouped = make_capture(capture_id="cap-1", signature_id="sig-grouped")
    runs = interleave(monkeypatch, store, "captures", lambda: store.save_captures([grouped]))
    ReviewService(store).update_capture("cap-1", CapturePatch(assignee="ana"), "key-abc")
    stored = store.get_capture("cap-1")
    assert stored is not None
    assert (stored.signature_id, stored.assignee) == ("sig-grouped", "ana")  # neither write lost
    assert len(runs) == 2
    assert actions(store, "cap-1") == ["capture.assign"]  # only the stored attempt is audited


def test_triage_carries_the_status_to_each_capture_as_it_is_now(store: Store) -> None:
    store.save_signatures([make_signature(signature_id="sig-1")])
    store.save_captures([make_capture(capture_id=f"cap-{i}", signature_id="sig-1") for i in range(3)])
    store.save_captures([make_capture(capture_id="cap-2", signature_id="sig-1", status="ignored"),
                         make_capture(capture_id="other", signature_id="sig-2")])
    outcome = ReviewService(store, clock=lambda: NOW).triage_signature("sig-1", SignatureStatus.triaged,
                                                                       "key-abc", note="known")
    assert outcome.signature.status is SignatureStatus.triaged
    assert (outcome.captures_changed, outcome.captures_skipped) == (2, 1)
    assert outcome.skipped[0][0].capture_id == "cap-2" and "ignored" in outcome.skipped[0][1]
    statuses = {c.capture_id: c.status.value for c in store.iter_captures()}
    assert statuses == {"cap-0": "triaged", "cap-1": "triaged", "cap-2": "ignored", "other": "new"}
    assert actions(store, "sig-1") == ["signature.status"]
    with pytest.raises(TransitionError, match="'triaged' cannot move to 'new'"):
        ReviewService(store).triage_signature("sig-1", SignatureStatus.new, "key-abc")


def test_a_triage_keeps_counts_grouping_wrote_meanwhile(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.save_signatures([make_signature(signature_id="sig-1", count=1)])
    recounted = make_signature(signature_id="sig-1", count=7, own_counts_by_hour={"2026-01-15-10:00": 7})
    interleave(monkeypatch, store, "signatures", lambda: store.save_signatures([recounted]))
    ReviewService(store).triage_signature("sig-1", SignatureStatus.triaged, "key-abc")
    stored = store.get_signature("sig-1")
    assert stored is not None and (stored.status, stored.count) == (SignatureStatus.triaged, 7)


def test_triaging_a_merged_signature_names_its_parent(store: Store) -> None:
    store.save_signatures([make_signature(signature_id="child", merged_into="parent")])
    with pytest.raises(ReviewError, match="merged into parent; triage that one instead"):
        ReviewService(store).triage_signature("child", SignatureStatus.triaged, "key-abc")


def test_merge_and_unmerge_through_the_service_move_captures_and_counts(store: Store) -> None:
    capture = make_capture(capture_id="c1a")
    child_id = own_signature_id(capture)  # unmerge sends a capture to the signature its fingerprint names
    store.save_signatures([PARENT, EARLY_CHILD.model_copy(update={"signature_id": child_id})])
    store.save_captures([capture.model_copy(update={"signature_id": child_id})])
    service = ReviewService(store, clock=lambda: NOW)
    versions = [store.version("signatures", "p"), store.version("signatures", child_id)]
    with pytest.raises(RecordNotFound, match="'ghost' exists; nothing was changed on p"):
        service.merge("p", [child_id, "ghost"], "key-lead")
    assert [store.version("signatures", "p"), store.version("signatures", child_id)] == versions
    merged = service.merge("p", [child_id], "key-lead")
    assert (merged.parent.count, merged.parent.merged_children, merged.captures_moved) == (7, [child_id], 1)
    assert store.get_capture("c1a").signature_id == "p"  # type: ignore[union-attr]
    store.save_signatures([PARENT.model_copy(update={"signature_id": "p2"})])
    with pytest.raises(MergeError, match="already merged into p"):
        service.merge("p2", [child_id], "key-lead")
    restored = service.unmerge("p", [child_id], "key-lead")
    assert (restored.parent.count, restored.parent.merged_children, restored.captures_moved) == (3, [], 1)
    assert store.get_capture("c1a").signature_id == child_id  # type: ignore[union-attr]
    assert store.get_signature(child_id).merged_into is None  # type: ignore[union-attr]


def test_a_merge_interrupted_after_marking_a_child_finishes_when_sent_again(store: Store) -> None:
    half_done = EARLY_CHILD.model_copy(update={"merged_into": "p"})  # the parent never absorbed it
    store.save_signatures([PARENT, half_done])
    merged = ReviewService(store).merge("p", ["c1"], "key-lead")
    assert merged.parent.count == PARENT.count + EARLY_CHILD.count
    assert merged.parent.merged_children == ["c1"]
