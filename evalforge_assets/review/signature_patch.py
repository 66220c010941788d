"""A reviewer's decision on one signature (status, assignee, a note) and the check that it was made on the
signature as it is now. Pure: a record in, the new record and its audit entries out.

Signatures carry `review_version`, a count of reviewer decisions. A reviewer who saw version N sends
`expected_version=N`; the check runs inside the store's read-modify-write of the record (`Store.update`
compares-and-sets on the version it read, and calls the change again after a concurrent write), so two
reviewers who both saw N cannot both pass it: the second one's change re-runs on the record the first left,
sees N+1 and is refused with `EditConflict`.

Grouping's hourly count updates do not change `review_version`, so they never make a reviewer's page stale.
Assigning a signature assigns the signature only: its captures keep their own assignees (a capture's assignee
is a per-capture override set through PATCH /v1/captures/{id}), which keeps an assignment one write however
many captures the signature holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evalforge_assets.models import AuditEntry, FailureSignature, SignatureStatus
from evalforge_assets.review.rules import (
    UNSET,
    ReviewError,
    _Unset,
    apply_signature_status,
    audit_entry,
)


class EditConflict(ReviewError):
    """The signature received another reviewer's decision after the one the caller based its change on."""


@dataclass(frozen=True)
class SignaturePatch:
    """What a reviewer changes on a signature. `status=None` keeps the status; `assignee=None` unassigns and
    UNSET keeps it; a `note` alone is recorded in the audit trail."""

    status: SignatureStatus | None = None
    assignee: str | None | _Unset = UNSET
    note: str | None = None

    @property
    def empty(self) -> bool:
        return self.status is None and self.assignee is UNSET and not self.note


def check_expected_version(current: FailureSignature, expected_version: int | None) -> None:
    """Raise EditConflict, naming who decided what last, unless the signature is at `expected_version`."""
    if expected_version is None or current.review_version == expected_version:
        return
    who = (f"{current.reviewed_by} changed it at {current.reviewed_at[:19].replace('T', ' ')} UTC"
           if current.reviewed_by and current.reviewed_at else "Someone else changed it")
    assigned = f"assigned to {current.assignee}" if current.assignee else "unassigned"
    raise EditConflict(
        f"Signature {current.signature_id} was changed after you loaded it: {who} (it is now "
        f"{current.status.value}, {assigned}; version {current.review_version}, you sent "
        f"{expected_version}). Your change was not applied; reload the signature to see their change, then "
        "decide again.")


def apply_signature_patch(signature: FailureSignature, patch: SignaturePatch, actor: str,
                          now: str) -> tuple[FailureSignature, list[AuditEntry]]:
    """The signature after `patch` and one audit entry per actual change (none when nothing changes).

    A status change carries the note in its entry, as a triage always has; a note with no status change is
    an entry of its own. Every recorded decision moves `review_version` on by one and names its reviewer.
    Raises TransitionError when the status change is not allowed; nothing is applied in that case.
    """
    updated, entries = signature, []
    if patch.status is not None:
        updated, entries = apply_signature_status(signature, patch.status, actor, now, patch.note)
    if patch.note and not entries:
        entries.append(audit_entry(actor, "signature.note", "signature", signature.signature_id, now,
                                   detail={"note": patch.note}))
    update: dict[str, Any] = {}
    if patch.assignee is not UNSET and patch.assignee != signature.assignee:
        update["assignee"] = patch.assignee
        entries.append(audit_entry(actor, "signature.assign", "signature", signature.signature_id, now,
                                   detail={"from": signature.assignee, "to": patch.assignee}))
    if not entries:
        return signature, []
    update.update(review_version=signature.review_version + 1, reviewed_by=actor, reviewed_at=now)
    return updated.model_copy(update=update), entries
