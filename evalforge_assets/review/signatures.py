"""Grouping captures into signatures, one hour at a time, so re-running an hour never double counts.

Each signature stores its own captures per hour (`own_counts_by_hour`). Re-processing an hour *sets* that
hour's count instead of adding to it, and `count` is always the sum over hours: history is never recomputed
and never counted twice. A parent that absorbed merged children shows their hours in `counts_by_hour`.

Which signature each capture is counted under is placement (`review/placement.py`: partial captures join the
dominant complete signature of their site, longer messages the shorter one they tell in more detail). A run that
creates a complete signature also regroups the hours whose captures had none to join.

Grouping owns a signature's counts, hours, bounds, samples, severity and versions (and `regressed`, when a
resolved signature recurs), and a capture's `signature_id`; reviewers own the rest (status, merges, notes).
`store_grouping` writes each signature through `Store.update`, re-applying this run's hours to the record as
it is then, so a reviewer's concurrent change and this run never overwrite each other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evalforge_assets.models import (
    SEVERITY_RANK,
    FailureCapture,
    FailureSignature,
    SignatureStatus,
)
from evalforge_assets.review.fingerprint import (
    FINGERPRINT_VERSION,
    RULE_TYPE_AND_MESSAGE,
    ShorterMessages,
    extends,
    fingerprint_of,
    signature_id_of,
    title_of,
)
from evalforge_assets.review.placement import JOINED_RULES, CaptureFacts, SignatureFold, plan_folds
from evalforge_assets.store import CaptureFilter, Filter, Store

SAMPLE_SIZE = 5


def version_tuple(version: str) -> tuple[tuple[int, str], ...]:
    """Orderable form of versions like 2.10.1 or v3.0.0-rc1 (numbers compare as numbers)."""
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in re.split(r"[.\-+_]", version.lstrip("vV")) if p)


def version_at_least(version: str | None, floor: str | None) -> bool:
    """Regressions count for versions at or after the one a fix shipped in; unknown versions count."""
    if not version or not floor:
        return True
    return version_tuple(version) >= version_tuple(floor)


@dataclass
class GroupingResult:
    signatures: dict[str, FailureSignature] = field(default_factory=dict)
    regrouped_captures: list[FailureCapture] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    regressed: list[str] = field(default_factory=list)
    folds: dict[str, SignatureFold] = field(default_factory=dict)  # the placement the signatures were built from


def fold_signature(signature: FailureSignature | None, fold: SignatureFold,
                   now: str) -> tuple[FailureSignature, bool]:
    """`signature` (a new one when None) with the fold's hours absorbed, and whether it regressed."""
    regressed = False
    joined = fold.joined_rules()
    for hour, captures in sorted(fold.hours.items()):
        if signature is None:
            signature = _new_signature(fold.signature_id, fold.home().capture())
        signature, regressed_now = _absorb(signature, hour, captures, now)
        regressed = regressed or regressed_now
    assert signature is not None, "a fold always holds at least one capture"
    said = signature.fingerprint.get("joined", {})
    if any(rule not in said for rule in joined):  # why partial captures are counted here, for anyone to read
        described = {**said, **{rule: JOINED_RULES[rule] for rule in joined}}
        signature = signature.model_copy(update={"fingerprint": {**signature.fingerprint, "joined": described}})
    return signature, regressed


def with_children(signature: FailureSignature, children: Sequence[FailureSignature]) -> FailureSignature:
    """The signature's effective counts, severity and bounds: its own plus its merged children's."""
    counts = effective_counts(signature, children)
    return signature.model_copy(update={
        "counts_by_hour": counts, "count": sum(counts.values()),
        "severity": min([signature.severity, *(c.severity for c in children)], key=SEVERITY_RANK.__getitem__),
        "first_seen": min([signature.first_seen, *(c.first_seen for c in children)]),
        "last_seen": max([signature.last_seen, *(c.last_seen for c in children)]),
    })


def effective_counts(signature: FailureSignature, children: Sequence[FailureSignature]) -> dict[str, int]:
    """A signature's hours plus those of the children merged into it."""
    total = dict(signature.own_counts_by_hour)
    for child in children:
        for hour, n in child.own_counts_by_hour.items():
            total[hour] = total.get(hour, 0) + n
    return dict(sorted(total.items()))


def group_hour(
    captures_by_hour: Mapping[str, Sequence[FailureCapture | CaptureFacts | Mapping[str, Any]]],
    known: Mapping[str, FailureSignature],
    now: str,
) -> GroupingResult:
    """Update signatures with the captures of the given hours; `known` holds every signature the captures
    map to, their merge parents and those parents' children (the caller loads them from the store)."""
    folds = plan_folds(captures_by_hour, known)
    result = GroupingResult(folds=folds)
    signatures = dict(known)
    for signature_id, fold in sorted(folds.items()):
        before = signatures.get(signature_id)
        if before is None:
            result.created.append(signature_id)
        signature, regressed = fold_signature(before, fold, now)
        if regressed:
            result.regressed.append(signature_id)
        signatures[signature_id] = signature
        owner = signature.merged_into or signature_id
        result.regrouped_captures += [facts.capture().model_copy(update={"signature_id": owner})
                                      for facts in fold.captures() if facts.signature_id != owner]

    # Parents of touched children and the touched signatures themselves get their effective counts redone.
    for signature_id in sorted(_with_parents(folds.keys(), signatures)):
        signature = signatures.get(signature_id)
        if signature is None:
            continue
        children = [signatures[c] for c in signature.merged_children if c in signatures]
        signatures[signature_id] = result.signatures[signature_id] = with_children(signature, children)
    return result


def _with_parents(touched: Iterable[str], signatures: Mapping[str, FailureSignature]) -> set[str]:
    ids = set(touched)
    return ids | {parent for s in ids if s in signatures and (parent := signatures[s].merged_into)}


def _new_signature(signature_id: str, first: FailureCapture) -> FailureSignature:
    fingerprint = fingerprint_of(first)
    return FailureSignature(
        signature_id=signature_id,
        title=title_of(fingerprint),
        fingerprint=fingerprint,
        fingerprint_version=fingerprint["version"],
        ml_app=first.ml_app,
        agent=fingerprint.get("agent"),
        failure_kind=first.failure_kind,
        error_type=fingerprint.get("error_type"),
        severity=first.severity,
        first_seen=first.occurred_at,
        last_seen=first.occurred_at,
    )


def _absorb(signature: FailureSignature, hour: str, captures: list[CaptureFacts],
            now: str) -> tuple[FailureSignature, bool]:
    ordered = sorted(captures, key=lambda c: (c.occurred_at, c.capture_id))
    own = {**signature.own_counts_by_hour, hour: len(captures)}  # set, never add: re-runs are idempotent
    samples = list(dict.fromkeys([*signature.sample_capture_ids, *(c.capture_id for c in ordered)]))[:SAMPLE_SIZE]
    severity = min([signature.severity, *(c.severity for c in captures)], key=SEVERITY_RANK.__getitem__)
    versions = [c.version for c in captures if c.version]
    max_version = max([*versions, *([signature.max_version] if signature.max_version else [])],
                      key=version_tuple, default=None)
    update: dict = {
        "own_counts_by_hour": dict(sorted(own.items())),
        "first_seen": min(signature.first_seen, ordered[0].occurred_at),
        "last_seen": max(signature.last_seen, ordered[-1].occurred_at),
        "sample_capture_ids": samples,
        "severity": severity,
        "max_version": max_version,
    }
    regressed = False
    if signature.status is SignatureStatus.resolved and signature.resolved_at:
        returning = [c for c in captures if c.occurred_at > signature.resolved_at
                     and version_at_least(c.version, signature.resolved_in_version)]
        if returning:
            update.update(status=SignatureStatus.regressed, regressed_at=now)
            regressed = True
    return signature.model_copy(update=update), regressed


# ---- storing a grouping run ------------------------------------------------------------------------------------
def related_signatures(store: Store, captures: Sequence[CaptureFacts]) -> dict[str, FailureSignature]:
    """The signatures these captures map to (and were counted under before), their merge parents and those
    parents' other children, and the complete signatures of their ml_apps (which partial captures may join, and
    longer messages go on from)."""
    ids = {sid for c in captures for sid in c.previous_ids()}
    known = store.get_signatures(sorted(ids))
    for ml_app in sorted({app for c in captures if (app := c.ml_app)}):  # what their captures may be placed in
        known.update({s.signature_id: s for s in store.iter_signatures((Filter("ml_app", "==", ml_app),))
                      if s.fingerprint.get("version") == FINGERPRINT_VERSION and s.signature_id not in known})
    parents = {s.merged_into for s in known.values() if s.merged_into} - known.keys()
    known.update(store.get_signatures(sorted(parents)))
    children = {c for s in known.values() for c in s.merged_children} - known.keys()
    known.update(store.get_signatures(sorted(children)))
    return known


def left_hours(by_hour: Mapping[str, Sequence[CaptureFacts]], folds: Mapping[str, SignatureFold],
               known: Mapping[str, FailureSignature]) -> dict[str, list[str]]:
    """Signature id -> hours of this run it no longer holds any capture of, though it counts some: the captures
    moved elsewhere (a new fingerprint version, a placement decided differently)."""
    left: dict[str, list[str]] = {}
    for hour, captures in sorted(by_hour.items()):
        before = {sid for facts in captures for sid in facts.previous_ids()}
        for signature_id in sorted(before):
            fold = folds.get(signature_id)
            signature = known.get(signature_id)
            if signature is not None and hour in signature.own_counts_by_hour and (fold is None or
                                                                                   hour not in fold.hours):
                left.setdefault(signature_id, []).append(hour)
    return left


@dataclass
class StoredGrouping:
    """What a grouping run wrote: signatures created and updated, those that regressed, captures moved."""

    captures: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    regressed: list[str] = field(default_factory=list)
    captures_regrouped: int = 0


def store_grouping(store: Store, partition_keys: Sequence[str], now: str) -> StoredGrouping:
    """Group the captures of the given hourly partitions and write the result, field by field.

    A first pass in memory (`group_hour`) says which signatures this run changes; only those are written,
    each through `Store.update` re-applying this run's hours to the stored record (its reviewer fields, and
    hours another run stored meanwhile, are kept). New signatures are inserted with `Store.create`; parents
    get their effective counts from their children as stored after the children were written. Captures get
    their `signature_id` one update each, so a reviewer's concurrent status or assignee change stays.

    A complete signature created here may be what partial captures of other hours, grouped earlier, had no
    signature to join, or what their longer messages go on from: those hours are grouped again in the same call,
    so hours grouped one by one in any order end with every capture placed.
    """
    written = _store_hours(store, partition_keys, now)
    stranded = _stranded_hours(store, written.created, partition_keys)
    if stranded:
        again = _store_hours(store, stranded, now)
        written.captures += again.captures
        written.created += [sid for sid in again.created if sid not in written.created]
        written.updated += [sid for sid in again.updated if sid not in written.updated]
        written.regressed += [sid for sid in again.regressed if sid not in written.regressed]
        written.captures_regrouped += again.captures_regrouped
    return written


def _stranded_hours(store: Store, created: Sequence[str], done: Sequence[str]) -> list[str]:
    """Hours outside `done` holding captures still under the partial signature a `created` complete one takes, or
    under a signature whose message goes on from a `created` one's."""
    partial_ids: set[str] = set()
    hours: set[str] = set()
    new_complete = [s.fingerprint for s in store.get_signatures(sorted(created)).values()
                    if s.fingerprint.get("rule") == RULE_TYPE_AND_MESSAGE]
    for fingerprint in new_complete:
        partial_ids.add(signature_id_of({**fingerprint, "message": None}))
        partial_ids.add(signature_id_of({**fingerprint, "error_type": None}))
    created_index = ShorterMessages()  # looked up, not tried against every created signature
    for fingerprint in new_complete:
        created_index.add(fingerprint, fingerprint)
    for ml_app in sorted({fingerprint["ml_app"] for fingerprint in new_complete}):
        for signature in store.iter_signatures((Filter("ml_app", "==", ml_app),)):
            fingerprint = signature.fingerprint
            if any(extends(fingerprint, other) for other in created_index.candidates(fingerprint)):
                hours.update(signature.own_counts_by_hour)
    if partial_ids:
        hours.update((doc.get("lineage") or {}).get("partition_key") or ""
                     for doc in store.iter_capture_documents(CaptureFilter(signature_id=tuple(sorted(partial_ids)))))
    return sorted(hour for hour in hours if hour and hour not in done)


def _store_hours(store: Store, partition_keys: Sequence[str], now: str) -> StoredGrouping:
    by_hour = {key: [CaptureFacts.of(doc) for doc in store.iter_capture_documents(CaptureFilter(partition_key=key))]
               for key in partition_keys}
    captures = [facts for hour in by_hour.values() for facts in hour]
    known = related_signatures(store, captures)
    preview = group_hour(by_hour, known, now)
    folds = preview.folds  # placed once: it fingerprints every signature of the run
    written = StoredGrouping(captures=len(captures))
    for signature_id, hours in sorted(left_hours(by_hour, folds, known).items()):
        _drop_hours(store, signature_id, hours)
        written.updated.append(signature_id)
    changed = [sid for sid, signature in preview.signatures.items() if known.get(sid) != signature]
    # Folded signatures first, so a parent written after them reads its children as they are now.
    for signature_id in sorted(changed, key=lambda sid: (sid not in folds, sid)):
        fold = folds.get(signature_id)
        if signature_id not in known and fold is not None and store.create("signatures",
                                                                           preview.signatures[signature_id]):
            written.created.append(signature_id)
            continue
        if _update_signature(store, signature_id, fold, now):
            written.regressed.append(signature_id)
        written.updated.append(signature_id)
    stored = store.get_signatures(sorted(folds))  # as written above, with any merge a reviewer made meanwhile
    for signature_id, fold in sorted(folds.items()):
        owner = (stored[signature_id].merged_into if signature_id in stored else None) or signature_id
        written.captures_regrouped += sum(_move_to(store, facts, owner) for facts in fold.captures()
                                          if facts.signature_id != owner)
    return written


def _update_signature(store: Store, signature_id: str, fold: SignatureFold | None, now: str) -> bool:
    """Re-apply the fold (if any) and the effective counts to the stored signature; True when it regressed."""
    regressed: list[bool] = []

    def change(current: FailureSignature | None) -> FailureSignature | None:
        regressed.clear()
        if current is None and fold is None:
            return None  # a parent that no longer exists has nothing to recount
        folded = current
        if fold is not None:
            folded, did_regress = fold_signature(current, fold, now)
            regressed.append(did_regress)
        assert folded is not None
        # Read inside `change` on purpose: each retry sees the children as they are at that attempt.
        children = list(store.get_signatures(folded.merged_children).values()) if folded.merged_children else []
        updated = with_children(folded, children)
        return None if updated == current else updated

    store.update("signatures", FailureSignature, signature_id, change)
    return any(regressed)


def _drop_hours(store: Store, signature_id: str, hours: Sequence[str]) -> None:
    """The signature without its own counts of `hours`, and its merge parent recounted."""
    def change(current: FailureSignature | None) -> FailureSignature | None:
        if current is None or not any(hour in current.own_counts_by_hour for hour in hours):
            return None
        own = {hour: n for hour, n in current.own_counts_by_hour.items() if hour not in hours}
        children = list(store.get_signatures(current.merged_children).values()) if current.merged_children else []
        return with_children(current.model_copy(update={"own_counts_by_hour": own}), children)

    updated = store.update("signatures", FailureSignature, signature_id, change)
    if updated is not None and updated.merged_into:
        _update_signature(store, updated.merged_into, None, "")


def _move_to(store: Store, facts: CaptureFacts, owner: str) -> bool:
    """Queue one capture under `owner`, touching no other field; True when it moved."""
    moved: list[bool] = []

    def change(current: FailureCapture | None) -> FailureCapture | None:
        moved.clear()
        if current is None or current.signature_id == owner:
            return None
        moved.append(True)
        return current.model_copy(update={"signature_id": owner})

    store.update("captures", FailureCapture, facts.capture_id, change)
    return bool(moved)
