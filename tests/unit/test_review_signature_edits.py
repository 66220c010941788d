"""A reviewer's decision on a signature (status, assignee, a note alone) and the expected-version check that
makes it conditional on nobody else's decision, over a real store with two real concurrent writers."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from evalforge_assets.models import SignatureStatus
from evalforge_assets.review.rules import TransitionError
from evalforge_assets.review.service import ReviewService
from evalforge_assets.review.signature_patch import (
    EditConflict,
    SignaturePatch,
    apply_signature_patch,
    check_expected_version,
)
from evalforge_assets.store import Filter, Store
from tests.fixtures.factories import make_capture, make_signature
from tests.fixtures.stores import StoreBackend

NOW = "2026-01-15T12:00:00.000000Z"


def actions(store: Store, resource_id: str) -> list[str]:
    return [e.action for e in store.list_audit((Filter("resource_id", "==", resource_id),)).items]


# ---- the pure rule -------------------------------------------------------------------------------------------
def test_a_note_alone_is_an_entry_of_its_own_and_a_decision() -> None:
    signature = make_signature(signature_id="sig-1")
    updated, entries = apply_signature_patch(signature, SignaturePatch(status=SignatureStatus.new,
                                                                       note="waiting on tools"), "ana", NOW)
    assert [(e.action, e.detail) for e in entries] == [("signature.note", {"note": "waiting on tools"})]
    assert (updated.status, updated.review_version, updated.reviewed_by, updated.reviewed_at) == (
        SignatureStatus.new, 1, "ana", NOW)


def test_a_status_change_carries_its_note_and_an_assignment_is_audited_from_and_to() -> None:
    signature = make_signature(signature_id="sig-1", assignee="bo")
    patch = SignaturePatch(status=SignatureStatus.triaged, assignee="ana", note="known")
    updated, entries = apply_signature_patch(signature, patch, "lead-1", NOW)
    assert [(e.action, e.detail) for e in entries] == [
        ("signature.status", {"from": "new", "to": "triaged", "note": "known"}),
        ("signature.assign", {"from": "bo", "to": "ana"})]
    assert (updated.status, updated.assignee, updated.review_version) == (SignatureStatus.triaged, "ana", 1)


def test_a_patch_that_changes_nothing_is_no_decision() -> None:
    signature = make_signature(signature_id="sig-1", assignee="ana", review_version=4)
    updated, entries = apply_signature_patch(signature, SignaturePatch(status=SignatureStatus.new,
                                                                       assignee="ana"), "ana", NOW)
    assert entries == [] and updated is signature


def test_a_refused_transition_applies_nothing() -> None:
    with pytest.raises(TransitionError):
        apply_signature_patch(make_signature(signature_id="sig-1"),
                              SignaturePatch(status=SignatureStatus.ready, assignee="ana"), "ana", NOW)


def test_the_conflict_sentence_names_who_what_and_what_to_do() -> None:
    current = make_signature(signature_id="sig-1", status="ignored", assignee="bo", review_version=3,
                             reviewed_by="key-bo", reviewed_at=NOW)
    check_expected_version(current, 3)
    check_expected_version(current, None)
    with pytest.raises(EditConflict) as refused:
        check_expected_version(current, 2)
    assert str(refused.value) == (
        "Signature sig-1 was changed after you loaded it: key-bo changed it at 2026-01-15 12:00:00 UTC (it is "
        "now ignored, assigned to bo; version 3, you sent 2). Your change was not applied; reload the signature "
        "to see their change, then decide again.")


# ---- the service over a real store ---------------------------------------------------------------------------
def test_assigning_a_signature_leaves_its_captures_alone(store: Store) -> None:
    store.save_signatures([make_signature(signature_id="sig-1")])
    store.save_captures([make_capture(capture_id="cap-1", signature_id="sig-1", assignee="carl"),
                         make_capture(capture_id="cap-2", signature_id="sig-1")])
    service = ReviewService(store, clock=lambda: NOW)
    assigned = service.assign_signature("sig-1", "ana", "key-ana", expected_version=0)
    assert (assigned.assignee, assigned.review_version, assigned.reviewed_by) == ("ana", 1, "key-ana")
    assert store.get_signature("sig-1") == assigned
    assert {c.capture_id: c.assignee for c in store.get_captures(["cap-1", "cap-2"])} == {"cap-1": "carl",
                                                                                           "cap-2": None}
    assert service.assign_signature("sig-1", None, "key-ana").assignee is None
    assert actions(store, "sig-1") == ["signature.assign", "signature.assign"]


def test_a_note_is_redacted_and_recorded_without_a_status_change(store: Store) -> None:
    store.save_signatures([make_signature(signature_id="sig-1")])
    service = ReviewService(store, clock=lambda: NOW, redact=lambda text: text.replace("ana@x.io", "[EMAIL]"))
    outcome = service.triage_signature("sig-1", SignatureStatus.new, "key-ana", note="ask ana@x.io")
    assert outcome.signature.review_version == 1
    entry = store.list_audit((Filter("resource_id", "==", "sig-1"),)).items[0]
    assert (entry.action, entry.detail) == ("signature.note", {"note": "ask [EMAIL]"})


def test_a_stale_expected_version_writes_nothing(store: Store) -> None:
    store.save_signatures([make_signature(signature_id="sig-1")])
    store.save_captures([make_capture(capture_id="cap-1", signature_id="sig-1")])
    service = ReviewService(store, clock=lambda: NOW)
    service.assign_signature("sig-1", "ana", "key-ana", expected_version=0)
    stored_version = store.version("signatures", "sig-1")
    with pytest.raises(EditConflict, match="key-ana changed it at"):
        service.triage_signature("sig-1", SignatureStatus.ignored, "key-bo", expected_version=0)
    assert store.version("signatures", "sig-1") == stored_version
    assert store.get_capture("cap-1").status.value == "new"  # type: ignore[union-attr]
    assert actions(store, "sig-1") == ["signature.assign"]


def test_a_count_update_by_grouping_does_not_make_the_expected_version_stale(store: Store) -> None:
    store.save_signatures([make_signature(signature_id="sig-1", count=1)])
    store.update("signatures", type(make_signature()), "sig-1",
                 lambda current: current.model_copy(update={"count": 9}) if current else None)
    outcome = ReviewService(store).triage_signature("sig-1", SignatureStatus.triaged, "key-ana",
                                                    expected_version=0)
    assert (outcome.signature.status, outcome.signature.count) == (SignatureStatus.triaged, 9)


def test_two_writers_on_two_store_handles_from_the_same_version_exactly_one_wins(
        store_backend: StoreBackend) -> None:
    """Two threads, each with its own store handle (its own connection or client), both read version 0
    before either writes; the loser's change runs again on the winner's record and is refused."""
    seed = store_backend.open()
    seed.save_signatures([make_signature(signature_id="sig-1")])
    both_read = threading.Barrier(2, timeout=30)
    outcomes: dict[str, Any] = {}

    def writer(name: str, target: SignatureStatus) -> None:
        handle = store_backend.open()
        original = handle._put_if_version
        waited: list[bool] = []

        def put_after_both_read(spec: Any, document: dict[str, Any], expected: int | None) -> bool:
            if spec.name == "signatures" and not waited:
                waited.append(True)
                both_read.wait()
            return original(spec, document, expected)

        handle._put_if_version = put_after_both_read  # type: ignore[method-assign]
        try:
            outcomes[name] = ReviewService(handle, clock=lambda: NOW).triage_signature(
                "sig-1", target, name, expected_version=0)
        except EditConflict as conflict:
            outcomes[name] = conflict

    threads = [threading.Thread(target=writer, args=("key-ana", SignatureStatus.triaged)),
               threading.Thread(target=writer, args=("key-bo", SignatureStatus.ignored))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    refused = {name: o for name, o in outcomes.items() if isinstance(o, EditConflict)}
    assert len(outcomes) == 2 and len(refused) == 1, outcomes
    (loser, conflict), = refused.items()
    winner = next(name for name in outcomes if name != loser)
    stored = seed.get_signature("sig-1")
    assert stored is not None and (stored.reviewed_by, stored.review_version) == (winner, 1)
    assert f"{winner} changed it at" in str(conflict) and f"it is now {stored.status.value}" in str(conflict)
    assert actions(seed, "sig-1") == ["signature.status"]
