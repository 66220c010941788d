"""Grouping captures into signatures, one hour at a time, so re-running an hour never double counts.

Each signature stores its own captures per hour (`own_counts_by_hour`). Re-processing an hour *sets* that
hour's count instead of adding to it, and `count` is always the sum over hours: history is never recomputed
and never counted twice. A parent that absorbed merged children shows their hours in `counts_by_hour`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evalforge_assets.models import (
    SEVERITY_RANK,
    FailureCapture,
    FailureSignature,
    Severity,
    SignatureStatus,
)
from evalforge_assets.review.fingerprint import fingerprint_of, signature_id_of, title_of

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


@dataclass(frozen=True)
class CaptureFacts:
    """What grouping reads from a capture. Built from a stored document without validating the whole
    FailureCapture (the costliest step at ingestion rates); the full record is validated only when a new
    signature needs its fingerprint or the capture must be moved to a merge parent."""

    capture_id: str
    fingerprint_id: str
    signature_id: str | None
    occurred_at: str
    severity: Severity
    version: str | None
    source: FailureCapture | Mapping[str, Any]

    @classmethod
    def of(cls, capture: FailureCapture | CaptureFacts | Mapping[str, Any]) -> CaptureFacts:
        if isinstance(capture, CaptureFacts):
            return capture
        if isinstance(capture, FailureCapture):
            return cls(capture.capture_id, capture.fingerprint_id or signature_id_of(fingerprint_of(capture)),
                       capture.signature_id, capture.occurred_at, capture.severity, capture.source.version,
                       capture)
        fingerprint_id = capture.get("fingerprint_id")
        if not fingerprint_id:  # stored before fingerprint_id existed
            return cls.of(FailureCapture.model_validate(capture))
        return cls(capture["capture_id"], fingerprint_id, capture.get("signature_id"), capture["occurred_at"],
                   Severity(capture["severity"]), (capture.get("source") or {}).get("version"), capture)

    def capture(self) -> FailureCapture:
        return self.source if isinstance(self.source, FailureCapture) else FailureCapture.model_validate(self.source)


@dataclass
class _HourGroup:
    captures: list[CaptureFacts] = field(default_factory=list)


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
    result = GroupingResult()
    signatures = dict(known)
    touched: set[str] = set()

    for hour, captures in sorted(captures_by_hour.items()):
        groups: dict[str, _HourGroup] = defaultdict(_HourGroup)
        for capture in captures:
            facts = CaptureFacts.of(capture)
            groups[facts.fingerprint_id].captures.append(facts)
        for signature_id, group in sorted(groups.items()):
            signature = signatures.get(signature_id)
            if signature is None:
                signature = _new_signature(signature_id, group.captures[0].capture())
                result.created.append(signature_id)
            signature = _absorb(signature, hour, group.captures, now, result)
            signatures[signature_id] = signature
            touched.add(signature_id)
            owner = signature.merged_into or signature_id
            for facts in group.captures:
                if facts.signature_id != owner:
                    result.regrouped_captures.append(facts.capture().model_copy(update={"signature_id": owner}))

    # Parents of touched children and the touched signatures themselves get their effective counts redone.
    for signature_id in sorted(touched | {signatures[s].merged_into for s in touched if signatures[s].merged_into}):
        signature = signatures.get(signature_id)
        if signature is None:
            continue
        children = [signatures[c] for c in signature.merged_children if c in signatures]
        counts = effective_counts(signature, children)
        severity = min([signature.severity, *(c.severity for c in children)], key=SEVERITY_RANK.__getitem__)
        firsts = [signature.first_seen, *(c.first_seen for c in children)]
        lasts = [signature.last_seen, *(c.last_seen for c in children)]
        signatures[signature_id] = signature.model_copy(update={
            "counts_by_hour": counts, "count": sum(counts.values()), "severity": severity,
            "first_seen": min(firsts), "last_seen": max(lasts),
        })
        result.signatures[signature_id] = signatures[signature_id]
    return result


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


def _absorb(signature: FailureSignature, hour: str, captures: list[CaptureFacts], now: str,
            result: GroupingResult) -> FailureSignature:
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
    if signature.status is SignatureStatus.resolved and signature.resolved_at:
        returning = [c for c in captures if c.occurred_at > signature.resolved_at
                     and version_at_least(c.version, signature.resolved_in_version)]
        if returning:
            update.update(status=SignatureStatus.regressed, regressed_at=now)
            result.regressed.append(signature.signature_id)
    return signature.model_copy(update=update)
