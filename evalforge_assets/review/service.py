"""The review use cases: triage (a signature's status carried to its captures), assignment, notes, merge and
unmerge, each with its audit entries. No FastAPI or Dagster here: the API calls it, tests call it directly.

Every write is a field-level read-modify-write through `Store.update`, so a reviewer's change and the grouping
asset's (counts, hours, samples, signature assignment of new captures) never overwrite each other, across
processes: each `change` re-applies one decision to the record as it is now. A decision that several records
carry (a cascade, a merge) is applied record by record, in an order that lets the same request be sent again
after a failure half-way.

Errors: RecordNotFound (404 in the API), ReviewError and its subclasses (409: TransitionError, MergeError,
EditConflict when a reviewer's expected_version is stale), nothing else by design.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from evalforge_assets.models import AuditEntry, FailureCapture, FailureSignature, SignatureStatus, now_iso
from evalforge_assets.review.rules import (
    CapturePatch,
    KeptCaptures,
    MergeError,
    RecordNotFound,
    ReviewError,
    apply_capture_patch,
    audit_entry,
    cascade_to_capture,
    home_among,
    merge_signatures,
    own_hours,
    unmerge_signature,
)
from evalforge_assets.review.signature_patch import (
    SignaturePatch,
    apply_signature_patch,
    check_expected_version,
)
from evalforge_assets.store import CaptureFilter, Filter, Store

HISTORY_ENTRIES = 20
SKIPPED_SHOWN = 100
# Audit entries of a cascade are written in batches: one store call per this many captures.
AUDIT_BATCH = 500


@dataclass
class TriageOutcome:
    """A signature triaged: the signature as stored, and what happened to its captures."""

    signature: FailureSignature
    captures_changed: int = 0
    captures_skipped: int = 0
    skipped: list[tuple[FailureCapture, str]] = field(default_factory=list)  # the first SKIPPED_SHOWN, with why


@dataclass
class MergeOutcome:
    """The parent after a merge or unmerge, the children it concerned and how many captures moved."""

    parent: FailureSignature
    signature_ids: list[str]
    captures_moved: int


class _Recorder:
    """Keeps what the last run of a `change` function decided, since update may run it several times."""

    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []
        self.note: str | None = None


class ReviewService:
    """Reviewer actions on captures and signatures over one store."""

    def __init__(self, store: Store, clock: Callable[[], str] = now_iso,
                 redact: Callable[[str], str] | None = None) -> None:
        self._store = store
        self._clock = clock
        # Notes are free text a reviewer may paste personal data into; the API passes capture's redactor
        # (review sits below capture, so it is handed in rather than imported).
        self._redact = redact or (lambda text: text)

    # ---- reads ------------------------------------------------------------------------------------------
    def capture(self, capture_id: str) -> FailureCapture:
        capture = self._store.get_capture(capture_id)
        if capture is None:
            raise RecordNotFound("capture", capture_id)
        return capture

    def signature(self, signature_id: str) -> FailureSignature:
        signature = self._store.get_signature(signature_id)
        if signature is None:
            raise RecordNotFound("signature", signature_id)
        return signature

    def history(self, resource_id: str, limit: int = HISTORY_ENTRIES) -> list[AuditEntry]:
        """The newest audit entries about a capture, signature or export, newest first."""
        return self._store.list_audit((Filter("resource_id", "==", resource_id),), limit=limit).items

    # ---- one capture: status, assignee, note --------------------------------------------------------------
    def update_capture(self, capture_id: str, patch: CapturePatch, actor: str) -> FailureCapture:
        """Apply a reviewer's patch to the capture as it is now; one audit entry per actual change.

        Raises RecordNotFound, or TransitionError when the status change is not allowed (nothing is applied).
        """
        now = self._clock()
        recorded = _Recorder()
        if patch.note:
            patch = dataclasses.replace(patch, note=self._redact(patch.note))

        def change(current: FailureCapture | None) -> FailureCapture | None:
            if current is None:
                raise RecordNotFound("capture", capture_id)
            updated, recorded.entries = apply_capture_patch(current, patch, actor, now)
            return updated if recorded.entries else None

        stored = self._store.update("captures", FailureCapture, capture_id, change)
        assert stored is not None  # change raises when the capture is absent
        # Entries describe the attempt that was stored, so they are written after it (never for a lost one).
        self._store.add_audit(recorded.entries)
        return stored

    def assign_capture(self, capture_id: str, assignee: str | None, actor: str) -> FailureCapture:
        """Assign a capture (None unassigns)."""
        return self.update_capture(capture_id, CapturePatch(assignee=assignee), actor)

    def note_capture(self, capture_id: str, text: str, actor: str) -> FailureCapture:
        """Add a reviewer's note to a capture."""
        return self.update_capture(capture_id, CapturePatch(note=text), actor)

    # ---- a signature and its captures ---------------------------------------------------------------------
    def review_signature(self, signature_id: str, patch: SignaturePatch, actor: str,
                         expected_version: int | None = None) -> TriageOutcome:
        """Apply a reviewer's status, assignee and note to the signature in one write, then carry a status to
        each of its captures as it is now.

        With `expected_version`, the change is applied only if the signature's `review_version` is still that
        number when it is written (checked inside the store's compare-and-set, so of two reviewers racing from
        the same version exactly one wins); otherwise EditConflict names who changed it. The signature goes
        first: its transition is checked against its current status before any capture moves, and sending
        the same request again after a failure half-way finishes the cascade (captures already there are left
        alone). Raises RecordNotFound, TransitionError, EditConflict, or ReviewError for a merged signature.
        """
        now = self._clock()
        recorded = _Recorder()
        if patch.note:
            patch = dataclasses.replace(patch, note=self._redact(patch.note))

        def change(current: FailureSignature | None) -> FailureSignature | None:
            if current is None:
                raise RecordNotFound("signature", signature_id)
            check_expected_version(current, expected_version)
            if current.merged_into is not None:
                raise ReviewError(f"Signature {signature_id} is merged into {current.merged_into}; triage that "
                                  "one instead (or unmerge this one first).")
            updated, recorded.entries = apply_signature_patch(current, patch, actor, now)
            return updated if recorded.entries else None

        signature = self._store.update("signatures", FailureSignature, signature_id, change)
        assert signature is not None
        self._store.add_audit(recorded.entries)
        outcome = TriageOutcome(signature=signature)
        if patch.status is not None:
            self._cascade(outcome, signature_id, patch.status, actor, now)
        return outcome

    def triage_signature(self, signature_id: str, target: SignatureStatus, actor: str,
                         note: str | None = None, expected_version: int | None = None) -> TriageOutcome:
        """Move the signature to `target` (a note alone is kept when it is already there); see review_signature."""
        return self.review_signature(signature_id, SignaturePatch(status=target, note=note), actor,
                                     expected_version)

    def assign_signature(self, signature_id: str, assignee: str | None, actor: str,
                         expected_version: int | None = None) -> FailureSignature:
        """Assign a signature (None unassigns). Its captures keep their own assignees (see signature_patch)."""
        return self.review_signature(signature_id, SignaturePatch(assignee=assignee), actor,
                                     expected_version).signature

    def _cascade(self, outcome: TriageOutcome, signature_id: str, target: SignatureStatus, actor: str,
                 now: str) -> None:
        pending: list[AuditEntry] = []
        for capture_id in self._capture_ids(signature_id):
            entry, skipped = self._cascade_one(capture_id, signature_id, target, actor, now)
            if entry is not None:
                outcome.captures_changed += 1
                pending.append(entry)
            if skipped is not None:
                outcome.captures_skipped += 1
                if len(outcome.skipped) < SKIPPED_SHOWN:
                    outcome.skipped.append(skipped)
            if len(pending) >= AUDIT_BATCH:
                self._store.add_audit(pending)
                pending = []
        self._store.add_audit(pending)

    def _cascade_one(self, capture_id: str, signature_id: str, target: SignatureStatus, actor: str,
                     now: str) -> tuple[AuditEntry | None, tuple[FailureCapture, str] | None]:
        decided: dict[str, object] = {}

        def change(current: FailureCapture | None) -> FailureCapture | None:
            decided.clear()
            # Grouping or an unmerge may have moved it to another signature since it was listed.
            if current is None or current.signature_id != signature_id:
                return None
            result = cascade_to_capture(current, signature_id, target, actor, now)
            if result.skipped_because is not None:
                decided["skipped"] = (current, result.skipped_because)
            if result.audit is not None:
                decided["audit"] = result.audit
            return result.changed

        self._store.update("captures", FailureCapture, capture_id, change)
        return decided.get("audit"), decided.get("skipped")  # type: ignore[return-value]

    def _capture_ids(self, signature_id: str) -> list[str]:
        """The ids first, then one update each: the walk does not run over records it is changing."""
        return [str(document["capture_id"]) for document in
                self._store.iter_capture_documents(CaptureFilter(signature_id=(signature_id,)))]

    def _move_capture(self, capture_id: str, from_id: str, to_id: str) -> bool:
        """Move one capture from `from_id` to `to_id` if it is still under `from_id`; True when it moved."""
        moved: list[bool] = []

        def change(current: FailureCapture | None) -> FailureCapture | None:
            moved.clear()
            if current is None or current.signature_id != from_id:
                return None
            moved.append(True)
            return current.model_copy(update={"signature_id": to_id})

        self._store.update("captures", FailureCapture, capture_id, change)
        return bool(moved)

    # ---- merge and unmerge --------------------------------------------------------------------------------
    def _load_children(self, parent_id: str, ids: Sequence[str]) -> list[FailureSignature]:
        found = self._store.get_signatures(list(ids))
        missing = [signature_id for signature_id in ids if signature_id not in found]
        if missing:
            raise RecordNotFound("signature", missing[0],
                                 f"No signature with id {', '.join(repr(m) for m in missing)} exists; nothing "
                                 f"was changed on {parent_id}.")
        return [found[signature_id] for signature_id in ids]

    def merge(self, parent_id: str, child_ids: Sequence[str], actor: str) -> MergeOutcome:
        """Fold the children into the parent: their captures move to it and its counts add theirs.

        Everything is checked on the records as read before anything is written. Then each child is marked
        merged (its update refuses a child another merge took meanwhile), its captures move, and the parent
        absorbs the children as they are now. Raises RecordNotFound or MergeError.
        """
        parent = self.signature(parent_id)
        children = self._load_children(parent_id, child_ids)
        merge_signatures(parent, [_unmerged(c, parent_id) if _half_merged(c, parent) else c for c in children])
        for child in children:
            self._store.update("signatures", FailureSignature, child.signature_id,
                               lambda current, child_id=child.signature_id: _mark_merged(current, child_id,
                                                                                          parent_id))
        moved = 0
        for child in children:
            for capture_id in self._capture_ids(child.signature_id):
                moved += self._move_capture(capture_id, child.signature_id, parent_id)
        now = self._clock()
        self._store.add_audit([
            audit_entry(actor, "signature.merge", "signature", parent_id, now,
                        detail={"children": list(child_ids), "captures_moved": moved}),
            *(audit_entry(actor, "signature.merged_into", "signature", child.signature_id, now,
                          detail={"parent": parent_id}) for child in children),
        ])

        def absorb(current: FailureSignature | None) -> FailureSignature | None:
            if current is None:
                raise RecordNotFound("signature", parent_id)
            # The children as they are now (grouping may have counted a new hour of theirs meanwhile).
            fresh = self._store.get_signatures(list(child_ids))
            joining = [_unmerged(fresh[c], parent_id) for c in child_ids
                       if c in fresh and c not in current.merged_children]
            return merge_signatures(current, joining)[0] if joining else None

        merged_parent = self._store.update("signatures", FailureSignature, parent_id, absorb)
        assert merged_parent is not None
        return MergeOutcome(parent=merged_parent, signature_ids=list(child_ids), captures_moved=moved)

    def unmerge(self, parent_id: str, child_ids: Sequence[str], actor: str) -> MergeOutcome:
        """Split the children back out: each gets its captures back and the parent drops exactly their hours.

        Checked first on the records as read (a stranger or a repeat is a MergeError, nothing written). Then
        the captures whose own fingerprint names a leaving child move back, the parent sheds the children,
        and each child is marked unmerged last. Raises RecordNotFound or MergeError.
        """
        parent = self.signature(parent_id)
        children = self._load_children(parent_id, child_ids)
        rehearsal = parent
        for child in children:
            rehearsal, _ = unmerge_signature(rehearsal, child)
        leaving = set(child_ids)
        moved = 0
        kept: KeptCaptures | None = None
        returning: list[tuple[str, str]] = []  # (capture id, the child it goes back to)
        for capture in self._store.iter_captures(CaptureFilter(signature_id=(parent_id,))):
            # Each capture's own fingerprint names the signature it belongs to, also for captures grouping
            # added to the parent after the merge; a capture grouping placed (no message or no type) goes back
            # to the leaving child it joins.
            owner = home_among(capture, children)
            if owner is not None and owner in leaving:
                returning.append((capture.capture_id, owner))
            else:
                batch_kept = KeptCaptures.of([capture])
                kept = batch_kept.join(kept) if batch_kept else kept
        for capture_id, owner in returning:
            moved += self._move_capture(capture_id, parent_id, owner)
        now = self._clock()
        self._store.add_audit([
            audit_entry(actor, "signature.unmerge", "signature", parent_id, now,
                        detail={"children": list(child_ids), "captures_moved": moved}),
            *(audit_entry(actor, "signature.unmerged_from", "signature", child.signature_id, now,
                          detail={"parent": parent_id}) for child in children),
        ])

        def shed(current: FailureSignature | None) -> FailureSignature | None:
            if current is None:
                raise RecordNotFound("signature", parent_id)
            fresh = self._store.get_signatures(list(child_ids))
            restored = current
            for child_id in child_ids:
                if child_id in restored.merged_children and child_id in fresh:
                    restored, _ = unmerge_signature(restored, fresh[child_id], kept)
            return restored if restored is not current else None

        restored_parent = self._store.update("signatures", FailureSignature, parent_id, shed)
        assert restored_parent is not None
        for child_id in child_ids:
            self._store.update("signatures", FailureSignature, child_id,
                               lambda current: current.model_copy(update={"merged_into": None})
                               if current is not None and current.merged_into == parent_id else None)
        return MergeOutcome(parent=restored_parent, signature_ids=list(child_ids), captures_moved=moved)


def _half_merged(child: FailureSignature, parent: FailureSignature) -> bool:
    """A child an earlier, interrupted merge into this parent already marked; sending the merge again finishes it."""
    return child.merged_into == parent.signature_id and child.signature_id not in parent.merged_children


def _unmerged(child: FailureSignature, parent_id: str) -> FailureSignature:
    """The child as merge_signatures expects it (not yet merged), when it is marked merged into `parent_id`."""
    return child.model_copy(update={"merged_into": None}) if child.merged_into == parent_id else child


def _mark_merged(current: FailureSignature | None, child_id: str, parent_id: str) -> FailureSignature | None:
    if current is None:
        raise RecordNotFound("signature", child_id)
    if current.merged_into == parent_id:
        return None
    if current.merged_into is not None:
        raise MergeError(f"Signature {child_id} is already merged into {current.merged_into}; unmerge it there "
                         "first.")
    if current.merged_children:
        raise MergeError(f"Signature {child_id} has merged signatures of its own "
                         f"({', '.join(current.merged_children)}); unmerge them first.")
    # Its own hours are pinned now, so unmerge can subtract exactly them later (as merge_signatures does).
    return current.model_copy(update={"merged_into": parent_id, "own_counts_by_hour": own_hours(current)})
