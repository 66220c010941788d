"""The artifact contracts of an export (eval cases, guardrail rules, runbooks), the generator protocol, and the
facts every generator derives the same way from the data (ids, evidence, samples, sanitized captures).

The pydantic models are the contract between generators and destinations: generators fill them, destinations
only read them. Import these names from `exports.artifacts`, which also holds the deterministic generator.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from evalforge_assets.capture.pii import redact_text, sanitize_value
from evalforge_assets.models import (
    ChatMessage,
    EvaluationResult,
    FailureCapture,
    FailureKind,
    FailureReason,
    FailureSignature,
    Severity,
)

ARTIFACT_SCHEMA_VERSION = 1
# Eval inputs stay whole up to this size; beyond it they are cut (and say so), so one runaway prompt cannot
# make a dataset record or a webhook body unreasonably large.
MAX_TEXT_CHARS = 20_000
EXCERPT_CHARS = 400
MAX_SAMPLE_TRACES = 5
TRUNCATION_MARK = " …[truncated]"


class _Artifact(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- eval cases -----------------------------------------------------------------------------------------------
class EvalMessage(_Artifact):
    role: str = Field(examples=["user"])
    content: str


class EvalCaseMetadata(_Artifact):
    """Where the case came from; filled by `eval_case_metadata`, never by a model."""

    case_id: str
    capture_id: str
    signature_id: str | None
    signature_title: str | None
    ml_app: str
    agent: str | None
    span_name: str
    span_kind: str
    failure_kind: FailureKind
    severity: Severity
    error_type: str | None
    failing_evaluations: list[str]
    model_name: str | None
    occurred_at: str
    trace_id: str
    span_id: str
    source_url: str | None = Field(description="Link back to the span in Datadog LLM Observability.")
    generator: str
    schema_version: int = ARTIFACT_SCHEMA_VERSION


class EvalCase(_Artifact):
    """One regression case per capture: replay `messages`, and a good answer meets `expected` and `criteria`."""

    capture_id: str
    messages: list[EvalMessage] = Field(description="The PII-free input conversation, in order.")
    failed_output: str = Field(description="What the application answered when it failed (may be empty).")
    expected: str = Field(description="The behaviour a passing answer shows, in one or two sentences.")
    criteria: list[str] = Field(description="Concrete checks a grader (human or model) applies to an answer.")
    metadata: EvalCaseMetadata

    @property
    def case_id(self) -> str:
        return case_id_for(self.capture_id)

    def to_chat_eval(self) -> dict[str, Any]:
        """The JSONL line: OpenAI chat-eval style, `ideal` holding the expected behaviour."""
        return {
            "messages": [message.model_dump() for message in self.messages],
            "ideal": self.expected,
            "criteria": list(self.criteria),
            "failed_output": self.failed_output,
            "metadata": self.metadata.model_dump(mode="json"),
        }


def case_id_for(capture_id: str) -> str:
    """Stable per capture, so re-exports overwrite files and dataset records instead of adding new ones."""
    return f"evalforge-case-{capture_id}"


# ---- guardrail rules ------------------------------------------------------------------------------------------
CheckTarget = Literal["input", "output", "error_type", "error_message", "evaluation", "tag"]
CheckOperator = Literal["equals", "matches", "contains", "is_empty", "assessment_is", "score_below"]


class GuardrailCheck(_Artifact):
    """One condition on a span. `matches` takes a Python `re` pattern searched anywhere in the target."""

    target: CheckTarget
    operator: CheckOperator
    value: str | float | None = Field(default=None, description="The pattern, literal, assessment or threshold.")
    label: str | None = Field(default=None, description="The evaluation label, for target=evaluation.")
    description: str


class GuardrailScope(_Artifact):
    ml_app: str
    agent: str | None = None


class SignatureEvidence(_Artifact):
    count: int
    first_seen: str
    last_seen: str
    sample_capture_ids: list[str]


class GuardrailRule(_Artifact):
    """A machine-readable rule for one signature: when `checks` hold (all or any), `action` the response."""

    signature_id: str
    title: str
    action: Literal["block", "flag"] = Field(description="block: replace the answer with a safe fallback; "
                                                         "flag: let it through and raise an alert.")
    severity: Severity
    failure_kind: FailureKind
    applies_to: GuardrailScope
    match: Literal["all", "any"] = "all"
    checks: list[GuardrailCheck] = Field(min_length=1)
    rationale: str
    evidence: SignatureEvidence
    generator: str
    schema_version: int = ARTIFACT_SCHEMA_VERSION

    @property
    def rule_id(self) -> str:
        return f"evalforge-guardrail-{self.signature_id}"

    def to_document(self) -> dict[str, Any]:
        """The JSON/YAML form, id first so a reader sees which rule a file holds."""
        return {"rule_id": self.rule_id, **self.model_dump(mode="json")}


# ---- runbooks -------------------------------------------------------------------------------------------------
class SampleTrace(_Artifact):
    capture_id: str
    occurred_at: str
    trace_id: str
    span_id: str
    url: str | None
    input_excerpt: str
    output_excerpt: str
    error: str | None
    evaluations: dict[str, str] = Field(default_factory=dict, description="label -> assessment or score.")


class RunbookEvidence(_Artifact):
    count: int
    first_seen: str
    last_seen: str
    busiest_hours: dict[str, int] = Field(description="Up to five UTC hours with the most captures.")
    ml_app: str
    agent: str | None
    failure_kind: FailureKind
    severity: Severity
    error_type: str | None
    versions: list[str] = Field(description="Application versions seen in the exported captures.")
    fingerprint: dict[str, Any]
    samples: list[SampleTrace]


class RunbookLink(_Artifact):
    label: str
    url: str


class Runbook(_Artifact):
    signature_id: str
    title: str
    summary: str
    symptoms: list[str] = Field(min_length=1)
    evidence: RunbookEvidence
    probable_causes: list[str] = Field(min_length=1)
    steps: list[str] = Field(min_length=1)
    links: list[RunbookLink]
    generator: str
    schema_version: int = ARTIFACT_SCHEMA_VERSION

    @property
    def runbook_id(self) -> str:
        return f"evalforge-runbook-{self.signature_id}"

    def to_markdown(self) -> str:
        """The runbook as Markdown; every generator's output renders the same way."""
        evidence = self.evidence
        lines = [
            f"# Runbook: {self.title}",
            "",
            f"Signature `{self.signature_id}` · {evidence.failure_kind.value} · severity {evidence.severity.value}"
            f" · {evidence.ml_app}" + (f" / {evidence.agent}" if evidence.agent else ""),
            "",
            self.summary,
            "",
            "## Symptoms",
            "",
            *[f"- {symptom}" for symptom in self.symptoms],
            "",
            "## Evidence",
            "",
            f"- Captures: {evidence.count}",
            f"- First seen: {evidence.first_seen}",
            f"- Last seen: {evidence.last_seen}",
        ]
        if evidence.error_type:
            lines.append(f"- Error type: `{evidence.error_type}`")
        if evidence.versions:
            lines.append(f"- Versions: {', '.join(f'`{v}`' for v in evidence.versions)}")
        if evidence.busiest_hours:
            hours = ", ".join(f"{hour} ({count})" for hour, count in evidence.busiest_hours.items())
            lines.append(f"- Busiest hours (UTC): {hours}")
        fingerprint = ", ".join(f"{key}={_inline(value)}" for key, value in evidence.fingerprint.items()
                                if value not in (None, [], ""))
        lines += [f"- Fingerprint: {fingerprint}", "", "### Sample traces (sanitized)", ""]
        for sample in evidence.samples:
            where = f"[{sample.trace_id}/{sample.span_id}]({sample.url})" if sample.url else \
                f"`{sample.trace_id}/{sample.span_id}`"
            lines.append(f"- {sample.occurred_at} {where}")
            lines.append(f"  - Input: {_quoted(sample.input_excerpt)}")
            lines.append(f"  - Output: {_quoted(sample.output_excerpt)}")
            if sample.error:
                lines.append(f"  - Error: {_quoted(sample.error)}")
            if sample.evaluations:
                lines.append("  - Evaluations: " + ", ".join(f"{k}={v}" for k, v in sample.evaluations.items()))
        lines += ["", "## Probable causes", "", *[f"- {cause}" for cause in self.probable_causes], "",
                  "## Steps", "", *[f"{n}. {step}" for n, step in enumerate(self.steps, start=1)], "",
                  "## Links", ""]
        lines += [f"- [{link.label}]({link.url})" for link in self.links] or ["- None recorded."]
        lines += ["", f"_Generated by Evalforge ({self.generator})._", ""]
        return "\n".join(lines)


def _inline(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return f"`{value}`"


def _quoted(text: str) -> str:
    flat = " ".join(text.split()).replace("`", "'")
    return f"`{flat}`" if flat else "_(empty)_"


# ---- the generator protocol -----------------------------------------------------------------------------------
@runtime_checkable
class ArtifactGenerator(Protocol):
    """Turns sanitized captures and their signature into artifacts. Implementations must be safe to call
    again with the same input (exports re-run) and must not change their inputs."""

    name: str

    def eval_case(self, capture: FailureCapture, signature: FailureSignature | None) -> EvalCase: ...

    def guardrail(self, signature: FailureSignature, captures: Sequence[FailureCapture]) -> GuardrailRule: ...

    def runbook(self, signature: FailureSignature, captures: Sequence[FailureCapture]) -> Runbook: ...


# ---- facts every generator shares ------------------------------------------------------------------------------
def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - len(TRUNCATION_MARK)] + TRUNCATION_MARK


def sanitized_capture(capture: FailureCapture) -> FailureCapture:
    """The capture with every free text re-redacted. Captures are stored sanitized already; this is the
    second line of defence before text leaves Evalforge (files, Datadog, a webhook, an LLM provider), and
    it costs nothing on clean text because placeholders such as `<EMAIL>` never match again."""
    def messages(items: list[ChatMessage]) -> list[ChatMessage]:
        return [item.model_copy(update={"content": redact_text(item.content)}) for item in items]

    def evaluations(items: list[EvaluationResult]) -> list[EvaluationResult]:
        return [item.model_copy(update={"value": sanitize_value(item.value),
                                        "reasoning": redact_text(item.reasoning) if item.reasoning else None})
                for item in items]

    def reasons(items: list[FailureReason]) -> list[FailureReason]:
        return [item.model_copy(update={"detail": redact_text(item.detail)}) for item in items]

    return capture.model_copy(update={
        "input_text": redact_text(capture.input_text),
        "output_text": redact_text(capture.output_text),
        "input_messages": messages(capture.input_messages),
        "output_messages": messages(capture.output_messages),
        "error_message": redact_text(capture.error_message) if capture.error_message else None,
        "error_stack": redact_text(capture.error_stack) if capture.error_stack else None,
        "evaluations": evaluations(capture.evaluations),
        "reasons": reasons(capture.reasons),
        "metadata": sanitize_value(capture.metadata),
        "tags": sanitize_value(capture.tags, key="tags"),
    })


def eval_messages(capture: FailureCapture) -> list[EvalMessage]:
    """The input conversation: the span's input messages, or its input text as one user turn."""
    if capture.input_messages:
        return [EvalMessage(role=m.role, content=_clip(m.content, MAX_TEXT_CHARS)) for m in capture.input_messages]
    return [EvalMessage(role="user", content=_clip(capture.input_text, MAX_TEXT_CHARS))]


def failed_output_of(capture: FailureCapture) -> str:
    """What the application answered: the output messages' content (without role prefixes), else the text."""
    if capture.output_messages:
        return _clip("\n".join(m.content for m in capture.output_messages), MAX_TEXT_CHARS)
    return _clip(capture.output_text, MAX_TEXT_CHARS)


def failing_evaluations(capture: FailureCapture) -> list[EvaluationResult]:
    """The evaluations that made the capture fail, in label order."""
    labels = {reason.evaluation for reason in capture.reasons if reason.evaluation}
    return [evaluation for evaluation in sorted(capture.evaluations, key=lambda e: e.label)
            if evaluation.label in labels]


def eval_case_metadata(capture: FailureCapture, signature: FailureSignature | None,
                       generator: str) -> EvalCaseMetadata:
    return EvalCaseMetadata(
        case_id=case_id_for(capture.capture_id), capture_id=capture.capture_id,
        signature_id=signature.signature_id if signature else capture.signature_id,
        signature_title=signature.title if signature else None, ml_app=capture.ml_app, agent=capture.agent,
        span_name=capture.source.span_name, span_kind=capture.source.span_kind,
        failure_kind=capture.failure_kind, severity=capture.severity, error_type=capture.error_type,
        failing_evaluations=[e.label for e in failing_evaluations(capture)], model_name=capture.model_name,
        occurred_at=capture.occurred_at, trace_id=capture.source.trace_id, span_id=capture.source.span_id,
        source_url=capture.source.url, generator=generator,
    )


def signature_evidence(signature: FailureSignature) -> SignatureEvidence:
    return SignatureEvidence(count=signature.count, first_seen=signature.first_seen,
                             last_seen=signature.last_seen, sample_capture_ids=list(signature.sample_capture_ids))


def _evaluation_summary(evaluation: EvaluationResult) -> str:
    if evaluation.assessment:
        return evaluation.assessment if evaluation.value is None else f"{evaluation.assessment} ({evaluation.value})"
    return str(evaluation.value)


def sample_traces(captures: Sequence[FailureCapture], limit: int = MAX_SAMPLE_TRACES) -> list[SampleTrace]:
    """The newest `limit` captures as short, sanitized trace summaries."""
    newest = sorted(captures, key=lambda c: (c.occurred_at, c.capture_id), reverse=True)[:limit]
    return [
        SampleTrace(
            capture_id=capture.capture_id, occurred_at=capture.occurred_at, trace_id=capture.source.trace_id,
            span_id=capture.source.span_id, url=capture.source.url,
            input_excerpt=_clip(capture.input_text, EXCERPT_CHARS),
            output_excerpt=_clip(failed_output_of(capture), EXCERPT_CHARS),
            error=_clip(": ".join(p for p in (capture.error_type, capture.error_message) if p), EXCERPT_CHARS)
            or None,
            evaluations={e.label: _evaluation_summary(e) for e in failing_evaluations(capture)},
        )
        for capture in newest
    ]


def runbook_evidence(signature: FailureSignature, captures: Sequence[FailureCapture]) -> RunbookEvidence:
    busiest = sorted(signature.counts_by_hour.items(), key=lambda item: (-item[1], item[0]))[:5]
    versions = sorted({c.source.version for c in captures if c.source.version})
    return RunbookEvidence(
        count=signature.count, first_seen=signature.first_seen, last_seen=signature.last_seen,
        busiest_hours=dict(busiest), ml_app=signature.ml_app, agent=signature.agent,
        failure_kind=signature.failure_kind, severity=signature.severity, error_type=signature.error_type,
        versions=versions, fingerprint=dict(signature.fingerprint), samples=sample_traces(captures),
    )


def runbook_links(captures: Sequence[FailureCapture]) -> list[RunbookLink]:
    return [RunbookLink(label=f"Trace {sample.trace_id} in Datadog", url=sample.url)
            for sample in sample_traces(captures) if sample.url]


