"""Placement: which signature each capture of a grouping run is counted under.

A capture is counted under the signature its own fingerprint names, except:
- a *partial* capture (an error with a type but no message, or a message but no type) joins the dominant complete
  signature of its site that agrees with what it has (`fingerprint.joins`): the one with the most captures, ties
  to the smaller id;
- a capture whose message is a shorter complete signature's with more detail (`fingerprint.extends`: another
  sentence or an aside after it, a caller's context before it) joins the shortest such signature.
Its own fingerprint (and `fingerprint_id`) stays what it is; the signature it joined lists the rule under
`joined`. Placement is decided over the captures of the run and the signatures stored (`known`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from evalforge_assets.models import FailureCapture, FailureSignature, Severity
from evalforge_assets.review.fingerprint import (
    FINGERPRINT_VERSION,
    PLACED_EXTENDED,
    RULE_MESSAGE_ONLY,
    RULE_TYPE_ONLY,
    ShorterMessages,
    extends,
    fingerprint_of,
    is_partial,
    joins,
    signature_id_of,
    site_of,
)

_CURRENT = f"sig_v{FINGERPRINT_VERSION}_"
JOINED_RULES = {
    RULE_TYPE_ONLY: "captures with this error type and no message join the signature of their site "
                            "(ml_app, agent, step, kind) and type with the most captures",
    RULE_MESSAGE_ONLY: "captures with this message and no error type join the signature of their site "
                            "(ml_app, agent, step, kind) and message with the most captures",
    PLACED_EXTENDED: "captures whose message is this signature's message with more detail (another sentence or an "
                     "aside after it, a caller's context before it and a colon) join it, at the same site and "
                     "error type",
}


@dataclass(frozen=True)
class CaptureFacts:
    """What grouping reads from a capture. Built from a stored document without validating the whole
    FailureCapture (the costliest step at ingestion rates); the full record is validated only when a new
    signature needs its fingerprint, the capture must be moved to a merge parent, its fingerprint is of an older
    version, or it may be partial (an error without a message or a type)."""

    capture_id: str
    fingerprint_id: str
    signature_id: str | None
    occurred_at: str
    severity: Severity
    version: str | None
    source: FailureCapture | Mapping[str, Any]
    partial: dict[str, Any] | None = None  # the fingerprint, when it may be placed in another signature
    stored_fingerprint_id: str | None = None  # as stored, when older than the current version
    placed_by: str | None = None  # the rule that counts it under a signature other than its own, if one does

    @classmethod
    def of(cls, capture: FailureCapture | CaptureFacts | Mapping[str, Any]) -> CaptureFacts:
        if isinstance(capture, CaptureFacts):
            return capture
        if isinstance(capture, FailureCapture):
            stored = capture.fingerprint_id
            fingerprint = fingerprint_of(capture) if _may_be_partial(capture.failure_kind.value, capture.error_type,
                                                                     capture.error_message) or not _current(stored) \
                else None
            fingerprint_id = stored if _current(stored) else signature_id_of(fingerprint or fingerprint_of(capture))
            assert fingerprint_id is not None
            return cls(capture.capture_id, fingerprint_id, capture.signature_id, capture.occurred_at,
                       capture.severity, capture.source.version, capture,
                       fingerprint if fingerprint is not None and is_partial(fingerprint) else None,
                       None if _current(stored) else stored)
        fingerprint_id = capture.get("fingerprint_id")
        if not _current(fingerprint_id) or _may_be_partial(capture.get("failure_kind"), capture.get("error_type"),
                                                           capture.get("error_message")):
            return cls.of(FailureCapture.model_validate(capture))
        return cls(capture["capture_id"], fingerprint_id, capture.get("signature_id"), capture["occurred_at"],
                   Severity(capture["severity"]), (capture.get("source") or {}).get("version"), capture)

    @property
    def ml_app(self) -> str | None:
        return self.source.ml_app if isinstance(self.source, FailureCapture) else self.source.get("ml_app")

    def capture(self) -> FailureCapture:
        return self.source if isinstance(self.source, FailureCapture) else FailureCapture.model_validate(self.source)

    def previous_ids(self) -> set[str]:
        """The signatures this capture was counted under before this run."""
        return {sid for sid in (self.signature_id, self.stored_fingerprint_id, self.fingerprint_id) if sid}


def _current(fingerprint_id: str | None) -> bool:
    return bool(fingerprint_id) and fingerprint_id.startswith(_CURRENT)  # type: ignore[union-attr]


def _may_be_partial(kind: str | None, error_type: str | None, message: str | None) -> bool:
    return kind == "error" and (not error_type or not message)


@dataclass
class SignatureFold:
    """What one grouping run adds to one signature: its captures of each hour the run covers (its own, and
    partial ones placed in it)."""

    signature_id: str
    hours: dict[str, list[CaptureFacts]] = field(default_factory=dict)

    def captures(self) -> list[CaptureFacts]:
        return [facts for hour in sorted(self.hours) for facts in self.hours[hour]]

    def home(self) -> CaptureFacts:
        """A capture whose own fingerprint names this signature (the one a new signature is described by)."""
        captures = self.captures()
        return next((c for c in captures if c.fingerprint_id == self.signature_id), captures[0])

    def joined_rules(self) -> list[str]:
        return sorted({rule for c in self.captures() if c.fingerprint_id != self.signature_id
                       and (rule := c.placed_by or (c.partial or {}).get("rule"))})


def plan_folds(
    captures_by_hour: Mapping[str, Sequence[FailureCapture | CaptureFacts | Mapping[str, Any]]],
    known: Mapping[str, FailureSignature] | None = None,
) -> dict[str, SignatureFold]:
    """The captures of each hour, grouped by the signature their fingerprint names; those whose message goes on
    from a shorter complete one's placed in it, partial ones in the dominant complete signature they join (among
    this run's and the `known` ones)."""
    folds: dict[str, SignatureFold] = {}
    partial: list[tuple[str, CaptureFacts]] = []
    for hour, captures in sorted(captures_by_hour.items()):
        for capture in captures:
            facts = CaptureFacts.of(capture)
            if facts.partial is not None:
                partial.append((hour, facts))
                continue
            folds.setdefault(facts.fingerprint_id, SignatureFold(facts.fingerprint_id)).hours.setdefault(
                hour, []).append(facts)
    candidates = _complete_candidates(folds, known or {}, captures_by_hour.keys())
    for signature_id, target in _extended(folds, candidates).items():
        moved = folds.pop(signature_id)
        into = folds.setdefault(target, SignatureFold(target))
        for hour, facts_of_hour in moved.hours.items():
            into.hours.setdefault(hour, []).extend(replace(f, placed_by=PLACED_EXTENDED) for f in facts_of_hour)
        candidates.pop(signature_id)  # its captures of this run count under the target now
        target_fingerprint, target_count = candidates[target]
        candidates[target] = (target_fingerprint, target_count + len(moved.captures()))
    if partial:
        by_site: dict[tuple[Any, ...], list[tuple[str, dict[str, Any], int]]] = {}
        for signature_id, (fingerprint, count) in candidates.items():
            by_site.setdefault(site_of(fingerprint), []).append((signature_id, fingerprint, count))
        for hour, facts in partial:
            target = _dominant(facts.partial or {}, by_site) or facts.fingerprint_id
            folds.setdefault(target, SignatureFold(target)).hours.setdefault(hour, []).append(facts)
    return folds


def _complete_candidates(folds: Mapping[str, SignatureFold], known: Mapping[str, FailureSignature],
                         run_hours: Iterable[str]) -> dict[str, tuple[dict[str, Any], int]]:
    """Complete signatures a partial capture may join: id -> (fingerprint, captures counted with this run's)."""
    hours = set(run_hours)
    found: dict[str, tuple[dict[str, Any], int]] = {}
    for signature_id, signature in known.items():
        if signature.fingerprint.get("version") == FINGERPRINT_VERSION:
            earlier = sum(n for hour, n in signature.own_counts_by_hour.items() if hour not in hours)
            found[signature_id] = (signature.fingerprint, earlier)
    for signature_id, fold in folds.items():
        fingerprint, earlier = found.get(signature_id) or (fingerprint_of(fold.home().capture()), 0)
        found[signature_id] = (fingerprint, earlier + len(fold.captures()))
    return found


def _extended(folds: Mapping[str, SignatureFold],
              candidates: Mapping[str, tuple[dict[str, Any], int]]) -> dict[str, str]:
    """This run's signatures whose message goes on from a shorter complete signature's -> the shortest such one
    it extends (`fingerprint.extends`), or the one that one goes on from in turn. Shorter forms are looked up by
    message (`fingerprint.ShorterMessages`), not tried against every signature."""
    index = ShorterMessages()
    for signature_id, (fingerprint, _count) in sorted(candidates.items()):  # the smaller id wins a message
        index.add(signature_id, fingerprint)
    targets: dict[str, str] = {}
    for signature_id in folds:
        fingerprint = candidates[signature_id][0]
        if not fingerprint.get("message"):
            continue
        found = index.candidates(fingerprint)
        # Only ever to a (shorter message, smaller id): two cut templates may each extend the other (`a: b: a: ...`
        # and `b: a: b: ...`), and the walk below must end.
        order = (len(fingerprint["message"]), signature_id)
        found = [sid for sid in found if (len(candidates[sid][0]["message"]), sid) < order
                 and extends(fingerprint, candidates[sid][0])]
        if found:
            targets[signature_id] = min(found, key=lambda sid: (len(candidates[sid][0]["message"]), sid))
    # A target may go on from a shorter one in turn (`Step failed: <S>` -> `<S>` = `<T>. Card declined` -> `<T>.`):
    # follow to the end. Every step is to a smaller (length, id), so the walk ends.
    resolved = {}
    for signature_id, target in targets.items():
        while target in targets:
            target = targets[target]
        resolved[signature_id] = target
    return resolved


def _dominant(partial: dict[str, Any],
              by_site: Mapping[tuple[Any, ...], list[tuple[str, dict[str, Any], int]]]) -> str | None:
    """The complete signature of the partial capture's site it joins with the most captures (ties to the smaller
    id); for a message without a type, one with that very message before one whose message it tells in more
    detail."""
    message = partial.get("message")
    joinable = [(fingerprint.get("message") != message, -count, signature_id)
                for signature_id, fingerprint, count in by_site.get(site_of(partial), ())
                if joins(partial, fingerprint)]
    return min(joinable)[2] if joinable else None
