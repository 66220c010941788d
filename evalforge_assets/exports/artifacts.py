"""What an export generates from reviewed failures: eval cases, guardrail rules and runbooks.

The three pydantic models are the contract between generators and destinations. Any `ArtifactGenerator`
(this module's `DeterministicArtifactGenerator`, or the LLM one in `evalforge_assets.exports.generators`)
fills them; destinations only ever read them, so a generator can change without touching delivery.

Identity and evidence are never generated: ids come from the capture or signature (`case_id`, `rule_id`,
`runbook_id`), and the helpers `eval_messages`, `eval_case_metadata`, `signature_evidence`, `sample_traces`
and `runbook_evidence` derive the factual parts from the data, so every generator reports the same counts,
links and samples and only the prose and the checks differ.

Nothing unsanitized goes in: callers pass every capture through `sanitized_capture` before handing it to a
generator (an LLM one would otherwise send the text to a model provider).

This module is the public face of the export artifacts: the contracts and shared facts live in
`artifact_models`, the deterministic and fallback generators in `deterministic`; import them from here.
"""

from __future__ import annotations

from evalforge_assets.exports.artifact_models import (
    ARTIFACT_SCHEMA_VERSION,
    EXCERPT_CHARS,
    MAX_SAMPLE_TRACES,
    MAX_TEXT_CHARS,
    TRUNCATION_MARK,
    ArtifactGenerator,
    CheckOperator,
    CheckTarget,
    EvalCase,
    EvalCaseMetadata,
    EvalMessage,
    GuardrailCheck,
    GuardrailRule,
    GuardrailScope,
    Runbook,
    RunbookEvidence,
    RunbookLink,
    SampleTrace,
    SignatureEvidence,
    case_id_for,
    eval_case_metadata,
    eval_messages,
    failed_output_of,
    failing_evaluations,
    runbook_evidence,
    runbook_links,
    sample_traces,
    sanitized_capture,
    signature_evidence,
)
from evalforge_assets.exports.deterministic import (
    DeterministicArtifactGenerator,
    FallbackArtifactGenerator,
    message_pattern,
)

__all__ = [
    "ARTIFACT_SCHEMA_VERSION",
    "EXCERPT_CHARS",
    "MAX_SAMPLE_TRACES",
    "MAX_TEXT_CHARS",
    "TRUNCATION_MARK",
    "ArtifactGenerator",
    "CheckOperator",
    "CheckTarget",
    "DeterministicArtifactGenerator",
    "EvalCase",
    "EvalCaseMetadata",
    "EvalMessage",
    "FallbackArtifactGenerator",
    "GuardrailCheck",
    "GuardrailRule",
    "GuardrailScope",
    "Runbook",
    "RunbookEvidence",
    "RunbookLink",
    "SampleTrace",
    "SignatureEvidence",
    "case_id_for",
    "eval_case_metadata",
    "eval_messages",
    "failed_output_of",
    "failing_evaluations",
    "message_pattern",
    "runbook_evidence",
    "runbook_links",
    "sample_traces",
    "sanitized_capture",
    "signature_evidence",
]
