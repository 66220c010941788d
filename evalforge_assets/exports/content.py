"""What an export contains: its captures (sanitized again), their signatures, and the generated artifacts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from evalforge_assets.exports.artifacts import (
    ArtifactGenerator,
    EvalCase,
    GuardrailRule,
    Runbook,
    sanitized_capture,
)
from evalforge_assets.models import Destination, ExportPackage, FailureCapture, FailureSignature
from evalforge_assets.store import Store

# The webhook carries the whole package, so asking for it means generating every kind of artifact.
_KINDS_FOR: dict[Destination, frozenset[str]] = {
    Destination.eval_dataset: frozenset({"eval_cases"}),
    Destination.guardrail: frozenset({"guardrails"}),
    Destination.runbook: frozenset({"runbooks"}),
    Destination.webhook: frozenset({"eval_cases", "guardrails", "runbooks"}),
}


class ExportInputsMissing(LookupError):
    """Captures an export names are gone from the store (deleted since the request)."""


@dataclass
class ExportContent:
    captures: list[FailureCapture]
    signatures: dict[str, FailureSignature]
    eval_cases: list[EvalCase] = field(default_factory=list)
    guardrails: list[GuardrailRule] = field(default_factory=list)
    runbooks: list[Runbook] = field(default_factory=list)
    generator: str = ""
    fallback_reasons: list[str] = field(default_factory=list)

    @property
    def fallbacks(self) -> int:
        return len(self.fallback_reasons)


def needed_kinds(destinations: Iterable[Destination]) -> frozenset[str]:
    return frozenset().union(*(_KINDS_FOR[destination] for destination in destinations))


def load_inputs(store: Store, package: ExportPackage) -> tuple[list[FailureCapture], dict[str, FailureSignature]]:
    """The export's captures, sanitized again and ordered by id, and the signatures the export covers."""
    captures = store.get_captures(package.capture_ids)
    missing = sorted(set(package.capture_ids) - {capture.capture_id for capture in captures})
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise ExportInputsMissing(f"Export {package.export_id} names {len(missing)} capture(s) the store no longer "
                                  f"has ({shown}); request a new export of the captures that remain.")
    signature_ids = sorted(set(package.signature_ids) | {c.signature_id for c in captures if c.signature_id})
    signatures = store.get_signatures(signature_ids)
    return sorted((sanitized_capture(c) for c in captures), key=lambda c: c.capture_id), signatures


def generate_content(package: ExportPackage, captures: list[FailureCapture], signatures: dict[str, FailureSignature],
                     generator: ArtifactGenerator) -> ExportContent:
    """Eval cases (one per capture), guardrails and runbooks (one per signature), as the destinations need."""
    kinds = needed_kinds(package.destinations)
    content = ExportContent(captures=captures, signatures=signatures, generator=generator.name)
    if "eval_cases" in kinds:
        content.eval_cases = [generator.eval_case(capture, signatures.get(capture.signature_id or ""))
                              for capture in captures]
    by_signature: dict[str, list[FailureCapture]] = {}
    for capture in captures:
        if capture.signature_id in signatures:
            by_signature.setdefault(capture.signature_id, []).append(capture)
    for signature_id in sorted(signatures):
        signature, members = signatures[signature_id], by_signature.get(signature_id, [])
        if "guardrails" in kinds:
            content.guardrails.append(generator.guardrail(signature, members))
        if "runbooks" in kinds:
            content.runbooks.append(generator.runbook(signature, members))
    # Generators that may fall back (the LLM one) say which artifacts did; the deterministic one never does.
    content.fallback_reasons = list(getattr(generator, "fallback_reasons", []))
    return content
