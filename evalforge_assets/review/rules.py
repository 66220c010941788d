"""Review rules: which status changes reviewers may make, what each change records, merge/unmerge arithmetic.

Everything here is pure: records in, new records and audit entries out. The API decides who may call what and
writes the results; keeping the rules here lets the same table drive the API, the docs and the unit tests.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from evalforge_assets.hours import HOUR_FORMAT, hour_key
from evalforge_assets.models import (
    SEVERITY_RANK,
    AuditEntry,
    CaptureStatus,
    FailureCapture,
    FailureSignature,
    Severity,
    SignatureStatus,
    iso,
)
from evalforge_assets.review.fingerprint import extends, fingerprint_of, joins, signature_id_of

# Forward through the workflow, `ignored` from anywhere, and `ignored -> new` to reopen a mistaken dismissal.
CAPTURE_TRANSITIONS: dict[CaptureStatus, frozenset[CaptureStatus]] = {
    CaptureStatus.new: frozenset({CaptureStatus.triaged, CaptureStatus.ignored}),
    CaptureStatus.triaged: frozenset({CaptureStatus.ready, CaptureStatus.ignored}),
    CaptureStatus.ready: frozenset({CaptureStatus.exported, CaptureStatus.ignored}),
    CaptureStatus.exported: frozenset({CaptureStatus.ignored}),
    CaptureStatus.ignored: frozenset({CaptureStatus.new}),
}

# `ongoing` and `regressed` are set by grouping when a signature recurs; reviewers move it along from there.
SIGNATURE_TRANSITIONS: dict[SignatureStatus, frozenset[SignatureStatus]] = {
    SignatureStatus.new: frozenset({SignatureStatus.triaged, SignatureStatus.ignored}),
    SignatureStatus.ongoing: frozenset({SignatureStatus.triaged, SignatureStatus.ignored}),
    SignatureStatus.regressed: frozenset({SignatureStatus.triaged, SignatureStatus.ignored}),
    SignatureStatus.triaged: frozenset({SignatureStatus.ready, SignatureStatus.resolved,
                                        SignatureStatus.ignored}),
    SignatureStatus.ready: frozenset({SignatureStatus.exported, SignatureStatus.resolved,
                                      SignatureStatus.ignored}),
    SignatureStatus.exported: frozenset({SignatureStatus.resolved, SignatureStatus.ignored}),
    SignatureStatus.resolved: frozenset({SignatureStatus.ignored}),
    SignatureStatus.ignored: frozenset({SignatureStatus.new}),
}

# What a signature's new status means for its captures; `resolved` says nothing about individual captures.
SIGNATURE_TO_CAPTURE_STATUS: dict[SignatureStatus, CaptureStatus] = {
    SignatureStatus.new: CaptureStatus.new,
    SignatureStatus.triaged: CaptureStatus.triaged,
    SignatureStatus.ready: CaptureStatus.ready,
    SignatureStatus.exported: CaptureStatus.exported,
    SignatureStatus.ignored: CaptureStatus.ignored,
}

_CAPTURE_WORKFLOW = (CaptureStatus.new, CaptureStatus.triaged, CaptureStatus.ready, CaptureStatus.exported)

_EARLIEST_HOUR = datetime(1000, 1, 1, tzinfo=UTC)
_LATEST_HOUR = datetime(9999, 12, 31, 22, tzinfo=UTC)  # an hour after it still fits in a datetime


class ReviewError(ValueError):
    """A review action that the rules do not allow; the message says why and what is allowed instead."""


class TransitionError(ReviewError):
    """A status change that the transition table does not allow."""


class MergeError(ReviewError):
    """A merge or unmerge that would leave signatures inconsistent."""


class RecordNotFound(LookupError):
    """A record a review or export action names does not exist; the message is a sentence for the user."""

    def __init__(self, kind: str, identifier: str, message: str | None = None) -> None:
        super().__init__(message or f"No {kind} with id {identifier!r} exists; list them at /v1/{kind}s to find "
                                    "valid ids.")
        self.kind = kind
        self.identifier = identifier


class _Unset(Enum):
    UNSET = "UNSET"


UNSET = _Unset.UNSET


@dataclass(frozen=True)
class CapturePatch:
    """A reviewer's change to one capture. `assignee=None` unassigns; leaving it UNSET keeps the assignee."""

    status: CaptureStatus | None = None
    assignee: str | None | _Unset = UNSET
    note: str | None = None


def audit_entry(actor: str, action: str, resource_type: str, resource_id: str, at: str,
                status: str | None = None, detail: dict[str, Any] | None = None) -> AuditEntry:
    return AuditEntry(audit_id=uuid.uuid4().hex, at=at, actor=actor, action=action,
                      resource_type=resource_type, resource_id=resource_id, status=status,
                      detail=detail or {})


def _allowed_list(allowed: Iterable[Enum]) -> str:
    names = sorted(status.value for status in allowed)
    return ", ".join(names) if names else "none"


def check_capture_transition(current: CaptureStatus, target: CaptureStatus) -> None:
    """Raise TransitionError unless a capture in `current` may move to `target` in one step."""
    allowed = CAPTURE_TRANSITIONS[current]
    if target not in allowed:
        raise TransitionError(f"A capture in status '{current.value}' cannot move to '{target.value}'; "
                              f"from '{current.value}' it can move to: {_allowed_list(allowed)}.")


def check_signature_transition(current: SignatureStatus, target: SignatureStatus) -> None:
    """Raise TransitionError unless a signature in `current` may move to `target`."""
    allowed = SIGNATURE_TRANSITIONS[current]
    if target not in allowed:
        raise TransitionError(f"A signature in status '{current.value}' cannot move to '{target.value}'; "
                              f"from '{current.value}' it can move to: {_allowed_list(allowed)}.")


def apply_capture_patch(capture: FailureCapture, patch: CapturePatch, actor: str,
                        now: str) -> tuple[FailureCapture, list[AuditEntry]]:
    """The capture after `patch`, and one audit entry per actual change (none when nothing changes).

    Raises TransitionError when the status change is not allowed; nothing is applied in that case.
    """
    update: dict[str, Any] = {}
    entries: list[AuditEntry] = []
    if patch.status is not None and patch.status != capture.status:
        check_capture_transition(capture.status, patch.status)
        update["status"] = patch.status
        entries.append(audit_entry(actor, "capture.status", "capture", capture.capture_id, now,
                                   status=patch.status.value,
                                   detail={"from": capture.status.value, "to": patch.status.value}))
    if patch.assignee is not UNSET and patch.assignee != capture.assignee:
        update["assignee"] = patch.assignee
        entries.append(audit_entry(actor, "capture.assign", "capture", capture.capture_id, now,
                                   detail={"from": capture.assignee, "to": patch.assignee}))
    if patch.note:
        update["notes"] = [*capture.notes, {"at": now, "author": actor, "text": patch.note}]
        entries.append(audit_entry(actor, "capture.note", "capture", capture.capture_id, now,
                                   detail={"text": patch.note}))
    return (capture.model_copy(update=update) if update else capture), entries


def cascade_steps(current: CaptureStatus, target: CaptureStatus) -> list[CaptureStatus] | None:
    """The statuses a capture passes through when its signature moves it to `target`, or None to leave it.

    A signature decision only moves captures forward along new -> triaged -> ready -> exported (each step a
    valid transition), dismisses any of them, or reopens dismissed ones. It never revives a capture a
    reviewer ignored on its own, nor moves an exported capture back.
    """
    if current == target:
        return []
    if target == CaptureStatus.ignored:
        return [CaptureStatus.ignored]
    if target == CaptureStatus.new:
        return [CaptureStatus.new] if current == CaptureStatus.ignored else None
    if current not in _CAPTURE_WORKFLOW:
        return None
    start, end = _CAPTURE_WORKFLOW.index(current), _CAPTURE_WORKFLOW.index(target)
    return list(_CAPTURE_WORKFLOW[start + 1:end + 1]) if end > start else None


def apply_signature_status(signature: FailureSignature, target: SignatureStatus, actor: str, now: str,
                           note: str | None = None) -> tuple[FailureSignature, list[AuditEntry]]:
    """The signature moved to `target` and its audit entry (none when it is already there).

    Raises TransitionError when the signature may not move to `target`. Its captures follow through
    `cascade_to_capture`, one capture at a time.
    """
    if target == signature.status:
        return signature, []
    check_signature_transition(signature.status, target)
    detail: dict[str, Any] = {"from": signature.status.value, "to": target.value}
    if note:
        detail["note"] = note
    entry = audit_entry(actor, "signature.status", "signature", signature.signature_id, now,
                        status=target.value, detail=detail)
    return signature.model_copy(update={"status": target}), [entry]


@dataclass(frozen=True)
class CaptureCascade:
    """What a signature decision does to one capture: its new record and audit entry, or why it is left."""

    changed: FailureCapture | None = None
    audit: AuditEntry | None = None
    skipped_because: str | None = None


def cascade_to_capture(capture: FailureCapture, signature_id: str, target: SignatureStatus, actor: str,
                       now: str) -> CaptureCascade:
    """Carry a signature's new status to one capture (see `cascade_steps`); nothing when it already is there."""
    capture_target = SIGNATURE_TO_CAPTURE_STATUS.get(target)
    if capture_target is None:
        return CaptureCascade()
    steps = cascade_steps(capture.status, capture_target)
    if steps is None:
        return CaptureCascade(skipped_because=f"a capture in status '{capture.status.value}' is not moved to "
                                              f"'{capture_target.value}' by a signature decision")
    if not steps:
        return CaptureCascade()
    entry = audit_entry(actor, "capture.status", "capture", capture.capture_id, now, status=capture_target.value,
                        detail={"from": capture.status.value, "to": capture_target.value,
                                "steps": [step.value for step in steps], "via_signature": signature_id})
    return CaptureCascade(changed=capture.model_copy(update={"status": capture_target}), audit=entry)


# ---- window counts -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HourWindow:
    """The hour keys overlapping [start, end): counts are hourly, so partial hours count. Hour keys are compared
    as strings (fast for long histories), so bounds are clamped to four-digit years. Made once for a page of
    rows, so the bounds are formatted once, not once per row."""

    first: str | None  # keys from this one on start at or after `start`'s hour
    before: str | None  # keys below this one start before `end`

    @classmethod
    def of(cls, start: datetime | None, end: datetime | None) -> HourWindow:
        first = hour_key(max(start, _EARLIEST_HOUR)) if start is not None else None
        before: str | None = None
        if end is not None:
            end = min(max(end, _EARLIEST_HOUR), _LATEST_HOUR)
            on_the_hour = end == end.replace(minute=0, second=0, microsecond=0)
            before = hour_key(end if on_the_hour else end + timedelta(hours=1))
        return cls(first, before)

    def count(self, counts_by_hour: dict[str, int]) -> int:
        """Captures counted in the window's hours."""
        first, before = self.first, self.before
        return sum(count for key, count in counts_by_hour.items()
                   if (first is None or key >= first) and (before is None or key < before))


# ---- merge and unmerge -------------------------------------------------------------------------------------
# The grouping model (pipeline/signatures.py): each signature keeps its own hours in `own_counts_by_hour`;
# `counts_by_hour` adds those of the children merged into it, `count` is their sum, and severity, first and
# last seen cover the children too. A capture's own signature is always the one its fingerprint names;
# `signature_id` on the capture is that signature's parent when it is merged.


def own_hours(signature: FailureSignature) -> dict[str, int]:
    """The hours of this signature's own fingerprint (a signature with no children owns all its hours)."""
    if signature.own_counts_by_hour or signature.merged_children:
        return dict(signature.own_counts_by_hour)
    return dict(signature.counts_by_hour)


def _add_hours(base: dict[str, int], extra: dict[str, int], sign: int) -> dict[str, int]:
    totals = Counter(base)
    for key, count in extra.items():
        totals[key] += sign * count
    return {key: totals[key] for key in sorted(totals) if totals[key] != 0}


def _most_severe(severities: Iterable[Severity]) -> Severity:
    return min(severities, key=SEVERITY_RANK.__getitem__)


def merge_signatures(parent: FailureSignature,
                     children: Sequence[FailureSignature]) -> tuple[FailureSignature, list[FailureSignature]]:
    """Fold `children` into `parent`; each child keeps its own fingerprint and counts so unmerge can undo it.

    The parent absorbs the children's own hours (and so their count), first/last seen, the most severe
    severity and their sample captures; its title and fingerprint stay its own. Raises MergeError for
    self-merges, repeats, and children already merged or with merged children of their own (merges are one
    level deep, so every unmerge is exact).
    """
    if parent.merged_into is not None:
        raise MergeError(f"Signature {parent.signature_id} is itself merged into {parent.merged_into}; merge "
                         f"into {parent.merged_into} instead.")
    seen: set[str] = set()
    for child in children:
        if child.signature_id == parent.signature_id:
            raise MergeError(f"Signature {parent.signature_id} cannot be merged into itself.")
        if child.signature_id in seen:
            raise MergeError(f"Signature {child.signature_id} is listed twice; list each signature once.")
        seen.add(child.signature_id)
        if child.merged_into is not None:
            raise MergeError(f"Signature {child.signature_id} is already merged into {child.merged_into}; "
                             "unmerge it there first.")
        if child.merged_children:
            raise MergeError(f"Signature {child.signature_id} has merged signatures of its own "
                             f"({', '.join(child.merged_children)}); unmerge them first.")
    counts_by_hour = dict(parent.counts_by_hour)
    samples = list(parent.sample_capture_ids)
    for child in children:
        counts_by_hour = _add_hours(counts_by_hour, own_hours(child), +1)
        samples += [capture_id for capture_id in child.sample_capture_ids if capture_id not in samples]
    everyone = [parent, *children]
    merged_parent = parent.model_copy(update={
        "own_counts_by_hour": own_hours(parent),
        "counts_by_hour": counts_by_hour,
        "count": sum(counts_by_hour.values()),
        "first_seen": min(signature.first_seen for signature in everyone),
        "last_seen": max(signature.last_seen for signature in everyone),
        "severity": _most_severe(signature.severity for signature in everyone),
        "sample_capture_ids": samples,
        "merged_children": [*parent.merged_children, *(child.signature_id for child in children)],
    })
    merged_children = [child.model_copy(update={"merged_into": parent.signature_id,
                                                "own_counts_by_hour": own_hours(child)})
                       for child in children]
    return merged_parent, merged_children


@dataclass(frozen=True)
class KeptCaptures:
    """What the captures a parent keeps after an unmerge say about it: its exact bounds and severity."""

    first_seen: str
    last_seen: str
    severity: Severity

    @classmethod
    def of(cls, captures: Iterable[FailureCapture]) -> KeptCaptures | None:
        kept = list(captures)
        if not kept:
            return None
        return cls(first_seen=min(c.occurred_at for c in kept), last_seen=max(c.occurred_at for c in kept),
                   severity=_most_severe(c.severity for c in kept))

    def join(self, other: KeptCaptures | None) -> KeptCaptures:
        """Both batches' summary, so the parent's captures can be read a page at a time."""
        if other is None:
            return self
        return KeptCaptures(first_seen=min(self.first_seen, other.first_seen),
                            last_seen=max(self.last_seen, other.last_seen),
                            severity=_most_severe((self.severity, other.severity)))


def _bounds_from_hours(counts_by_hour: dict[str, int]) -> tuple[str, str] | None:
    if not counts_by_hour:
        return None
    first = datetime.strptime(min(counts_by_hour), HOUR_FORMAT).replace(tzinfo=UTC)
    last = datetime.strptime(max(counts_by_hour), HOUR_FORMAT).replace(tzinfo=UTC)
    return iso(first), iso(last + timedelta(hours=1) - timedelta(microseconds=1))


def unmerge_signature(parent: FailureSignature, child: FailureSignature,
                      kept: KeptCaptures | None = None) -> tuple[FailureSignature, FailureSignature]:
    """Split `child` back out of `parent`, subtracting exactly the child's own hours.

    Counts come back exactly by subtraction. First/last seen and severity the child may have set cannot be
    subtracted: `kept` (from the captures the parent keeps) gives their exact values; without it a bound
    the child reached falls back to the edge of the parent's remaining hours and severity stays as it is.
    """
    if child.merged_into != parent.signature_id or child.signature_id not in parent.merged_children:
        raise MergeError(f"Signature {child.signature_id} is not merged into {parent.signature_id}; "
                         f"nothing to unmerge.")
    counts_by_hour = _add_hours(parent.counts_by_hour, own_hours(child), -1)
    first_seen, last_seen, severity = parent.first_seen, parent.last_seen, parent.severity
    hour_bounds = _bounds_from_hours(counts_by_hour)
    # A bound the child did not reach is the parent's own and stays; one the child may have set is replaced.
    if child.first_seen <= parent.first_seen:
        if kept is not None:
            first_seen = kept.first_seen
        elif hour_bounds is not None:
            first_seen = max(parent.first_seen, hour_bounds[0])
    if child.last_seen >= parent.last_seen:
        if kept is not None:
            last_seen = kept.last_seen
        elif hour_bounds is not None:
            last_seen = min(parent.last_seen, hour_bounds[1])
    if kept is not None:
        severity = kept.severity
    child_samples = set(child.sample_capture_ids)
    restored_parent = parent.model_copy(update={
        "counts_by_hour": counts_by_hour,
        "count": sum(counts_by_hour.values()),
        "first_seen": first_seen,
        "last_seen": last_seen,
        "severity": severity,
        "sample_capture_ids": [c for c in parent.sample_capture_ids if c not in child_samples],
        "merged_children": [c for c in parent.merged_children if c != child.signature_id],
    })
    return restored_parent, child.model_copy(update={"merged_into": None})


def own_signature_id(capture: FailureCapture) -> str:
    """The signature a capture's own fingerprint names, whichever parent it is currently shown under."""
    return signature_id_of(fingerprint_of(capture))


def home_among(capture: FailureCapture, signatures: Sequence[FailureSignature]) -> str | None:
    """Which of `signatures` the capture belongs to: the one its fingerprint names, or for a capture grouping
    placed (review/placement.py) the one it joins (no message or no type) or tells in more detail (the shortest
    it extends); None when none."""
    fingerprint = fingerprint_of(capture)
    own = signature_id_of(fingerprint)
    ids = {s.signature_id for s in signatures}
    if own in ids:
        return own
    joined = next((s.signature_id for s in sorted(signatures, key=lambda s: s.signature_id)
                   if joins(fingerprint, s.fingerprint)), None)
    if joined is not None:
        return joined
    extended = [s for s in signatures if extends(fingerprint, s.fingerprint)]
    return min(extended, key=lambda s: (len(s.fingerprint["message"]), s.signature_id)).signature_id \
        if extended else None
