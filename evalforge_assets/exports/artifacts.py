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
"""

from __future__ import annotations

import logging
import re
from collections import Counter
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
from evalforge_assets.review.fingerprint import parameterize

log = logging.getLogger("evalforge.exports.artifacts")

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


# ---- message patterns ------------------------------------------------------------------------------------------
# Regexes for the placeholders `fingerprint.parameterize` writes, so a rule matches the live messages the
# signature stands for, not only the sanitized text. Unknown placeholders (PII types) match any text.
_PLACEHOLDER_REGEX: dict[str, str] = {
    "email": r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    "url": r"[a-z][a-z0-9+.-]*://\S+",
    "hostname": r"(?:[a-z0-9-]+\.)+[a-z]{2,}",
    "ip": r"[0-9a-f]+(?:[.:][0-9a-f]+)+",
    "traceparent": r"00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}",
    "uuid": r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    "sha1": r"[0-9a-f]{40}",
    "md5": r"[0-9a-f]{32}",
    "date": r"\d{4}-\d{2}-\d{2}[\w:.+-]*|\d{2}:\d{2}:\d{2}(?:\.\d+)?",
    "duration": r"\d+(?:\.\d+)?\s?[a-zµ]+",
    "hex": r"(?:0x)?[0-9a-f]+",
    "money": r"[$€£¥]\s?\d[\d,]*(?:\.\d+)?",
    "float": r"-?\d+\.\d+",
    "int": r"-?\d+",
    "quoted": r"'[^'\n]*'|\"[^\"\n]*\"|`[^`\n]*`",
    "value": r"[^\s,;&)\]}]+",
}
_ANY = r".+?"
_PLACEHOLDER_TOKEN = re.compile(r"<([a-z_]+)>")
_SANITIZED_PLACEHOLDER = r"<[A-Z_]+>"


def _message_regex(template: str, loose: bool) -> str:
    parts: list[str] = []
    position = 0
    for token in _PLACEHOLDER_TOKEN.finditer(template):
        parts.append(_literal_regex(template[position:token.start()]))
        specific = _ANY if loose else _PLACEHOLDER_REGEX.get(token.group(1), _ANY)
        parts.append(f"(?:{specific}|{_SANITIZED_PLACEHOLDER})")
        position = token.end()
    parts.append(_literal_regex(template[position:]))
    return "".join(parts)


def _literal_regex(text: str) -> str:
    return r"\s+".join(re.escape(word) for word in text.split(" "))


def message_pattern(parameterized: str, messages: Sequence[str]) -> str | None:
    """A case-insensitive regex for a fingerprint's parameterized message that matches every one of
    `messages` (the signature's own, sanitized); None when no pattern derived from it can.

    Placeholders become typed sub-patterns first; if some message escapes them, every placeholder is
    loosened to "anything"; a message cut at the fingerprint's length limit loses its partial last token.
    """
    template = parameterized
    if "<" in template[template.rfind(">") + 1:]:
        template = template[: template.rfind("<")]
    template = template.strip()
    if not template:
        return None
    for loose in (False, True):
        pattern = _message_regex(template, loose)
        compiled = re.compile(pattern, re.IGNORECASE)
        if all(compiled.search(message) for message in messages):
            return pattern
    return None


# ---- the deterministic generator -------------------------------------------------------------------------------
_THRESHOLD = re.compile(r"<\s*(-?\d+(?:\.\d+)?)")

# (word prefixes, cause): a cause applies when any prefix starts a word of the error type and message (or of the
# evaluation labels); camelCase and punctuation split words, so "openai.RateLimitError" reads "rate limit error".
_ERROR_CAUSES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("timeout", "timed out", "deadline"),
     "A dependency (a tool, retrieval backend or the model provider) answers too slowly for the configured timeout."),
    (("rate limit", "ratelimit", "429", "quota", "throttl", "resource exhausted", "resource has been exhausted"),
     "Requests exceed a provider's rate limit or quota."),
    (("connection", "unavailable", "network", "dns", "refused", "503", "502"),
     "A dependency is unreachable or failing (network, DNS or an outage)."),
    (("auth", "unauthori", "permission", "forbidden", "401", "403", "credential"),
     "Credentials are missing, expired or lack a permission the call needs."),
    (("validation", "schema", "parse", "json", "decode", "format"),
     "The model's output does not match the structure the code expects (schema or parsing failure)."),
    (("not found", "notfound", "key error", "404", "missing"),
     "The agent looks up something that does not exist or was renamed (an id, a key, a tool)."),
    (("context length", "context window", "too long", "max tokens", "maximum context"),
     "The prompt or the retrieved context exceeds the model's limits."),
)

_EVALUATION_CAUSES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("faithful", "hallucinat", "grounded"),
     ("The answer is not grounded in the retrieved context: retrieval misses the right document or the prompt "
      "does not require citing it.")),
    (("toxic", "sentiment", "tone"), "The prompt does not constrain tone, or user input steers the model."),
    (("injection", "prompt injection", "jailbreak"), "User input overrides the system instructions (prompt injection)."),
    (("pii", "sensitive"), "The answer repeats personal or sensitive data that should have been withheld."),
    (("relevan", "topic", "helpful"),
     "The answer drifts from the question: the prompt or retrieved context points the model elsewhere."),
)
_CAMEL_BOUNDARY = re.compile(r"([a-z0-9])([A-Z])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _words(*texts: str | None) -> str:
    """The texts as lowercase words, space-separated and space-padded, for word-prefix matching."""
    joined = " ".join(_CAMEL_BOUNDARY.sub(r"\1 \2", text) for text in texts if text)
    return f" {_NOT_WORD.sub(' ', joined.lower()).strip()} "


def _matching_causes(words: str, table: tuple[tuple[tuple[str, ...], str], ...]) -> list[str]:
    return [cause for prefixes, cause in table if any(f" {prefix}" in words for prefix in prefixes)]


def _threshold(reason: FailureReason) -> float | None:
    found = _THRESHOLD.search(reason.detail)
    return float(found.group(1)) if found else None


def _signature_messages(captures: Sequence[FailureCapture]) -> list[str]:
    return [c.error_message for c in captures if c.error_message]


_KIND_NAMES = {FailureKind.error: "error", FailureKind.eval_fail: "failing-evaluation",
               FailureKind.low_quality: "low-score", FailureKind.user_feedback: "negative-feedback"}


def _where(signature: FailureSignature) -> str:
    return f"{signature.ml_app}/{signature.agent}" if signature.agent else signature.ml_app


class DeterministicArtifactGenerator:
    """Artifacts from the data alone: no model, same input → same output. The default and the fallback."""

    name = "deterministic"

    # -- eval cases --------------------------------------------------------------------------------------------
    def eval_case(self, capture: FailureCapture, signature: FailureSignature | None) -> EvalCase:
        expected, criteria = self._expectation(capture)
        return EvalCase(capture_id=capture.capture_id, messages=eval_messages(capture),
                        failed_output=failed_output_of(capture), expected=expected, criteria=criteria,
                        metadata=eval_case_metadata(capture, signature, self.name))

    def _expectation(self, capture: FailureCapture) -> tuple[str, list[str]]:
        kind = capture.failure_kind
        if kind is FailureKind.error:
            error = capture.error_type or "an error"
            expected = (f"Completes the request without raising {error}; if the underlying problem persists, "
                        "answers with a short explanation and a next step instead of failing or going silent.")
            criteria = ["The response is not empty.",
                        f"The response does not expose {error} or a stack trace to the user."]
            if capture.error_message:
                criteria.append(f"The failure \"{parameterize(capture.error_message)}\" does not occur.")
            return expected, criteria
        reasons = [r for r in capture.reasons if r.kind is kind]
        by_label = {e.label: e for e in capture.evaluations}
        if kind is FailureKind.eval_fail:
            labels = sorted({r.evaluation for r in reasons if r.evaluation})
            expected = f"An answer that passes the {', '.join(labels) or 'failed'} evaluation" \
                       f"{'s' if len(labels) > 1 else ''}."
            criteria = []
            for label in labels:
                reasoning = by_label[label].reasoning if label in by_label else None
                criteria.append(f"Passes the '{label}' evaluation."
                                + (f" The failed answer was judged: \"{reasoning}\"; a passing answer does not "
                                   "repeat that mistake." if reasoning else ""))
            return expected, criteria
        if kind is FailureKind.low_quality:
            criteria = []
            for reason in reasons:
                threshold = _threshold(reason)
                label = reason.evaluation or "quality"
                criteria.append(f"Scores at least {threshold} on '{label}'." if threshold is not None
                                else f"Scores above the quality threshold on '{label}'.")
            expected = "An answer of acceptable quality: it addresses the question directly and completely."
            return expected, criteria or ["Scores above the quality threshold."]
        details = "; ".join(r.detail for r in reasons)
        expected = "An answer the user would rate positively: correct, direct and on topic."
        return expected, [f"Avoids what drew negative feedback ({details})." if details
                          else "Avoids what drew negative feedback."]

    # -- guardrails --------------------------------------------------------------------------------------------
    def guardrail(self, signature: FailureSignature, captures: Sequence[FailureCapture]) -> GuardrailRule:
        checks = self._checks(signature, captures)
        action: Literal["block", "flag"] = "block" if signature.severity in (Severity.critical, Severity.high) \
            else "flag"
        return GuardrailRule(
            signature_id=signature.signature_id, title=signature.title, action=action,
            severity=signature.severity, failure_kind=signature.failure_kind,
            applies_to=GuardrailScope(ml_app=signature.ml_app, agent=signature.agent), match="all",
            checks=checks, rationale=self._rationale(signature, action),
            evidence=signature_evidence(signature), generator=self.name,
        )

    def _checks(self, signature: FailureSignature, captures: Sequence[FailureCapture]) -> list[GuardrailCheck]:
        fingerprint = signature.fingerprint
        kind = signature.failure_kind
        checks: list[GuardrailCheck] = []
        if kind is FailureKind.error:
            if signature.error_type:
                checks.append(GuardrailCheck(target="error_type", operator="equals", value=signature.error_type,
                                             description=f"The span failed with {signature.error_type}."))
            template = fingerprint.get("message")
            pattern = message_pattern(template, _signature_messages(captures)) if template else None
            if pattern:
                checks.append(GuardrailCheck(target="error_message", operator="matches", value=pattern,
                                             description=f"The error message reads like \"{template}\"."))
            if not checks:
                checks.append(GuardrailCheck(target="output", operator="is_empty",
                                             description="The span failed and produced no answer."))
            return checks
        reasons = [r for c in captures for r in c.reasons if r.kind is kind]
        labels = sorted(set(fingerprint.get("evaluations") or []) | {r.evaluation for r in reasons if r.evaluation})
        for label in labels:
            if kind is FailureKind.low_quality:
                thresholds = [t for r in reasons if r.evaluation == label and (t := _threshold(r)) is not None]
                threshold = max(thresholds) if thresholds else 0.5
                checks.append(GuardrailCheck(target="evaluation", operator="score_below", value=threshold,
                                             label=label, description=f"'{label}' scores below {threshold}."))
            else:
                checks.append(GuardrailCheck(target="evaluation", operator="assessment_is", value="fail",
                                             label=label, description=f"The '{label}' evaluation fails."))
        tag_details = sorted({r.detail.removeprefix("tag ") for r in reasons if r.rule == "feedback_tag"})
        for tag in tag_details:
            checks.append(GuardrailCheck(target="tag", operator="equals", value=tag,
                                         description=f"The span carries the feedback tag {tag}."))
        return checks or [GuardrailCheck(target="output", operator="is_empty",
                                         description="The answer is empty.")]

    def _rationale(self, signature: FailureSignature, action: str) -> str:
        what = "block the answer and serve a safe fallback" if action == "block" else \
            "let the answer through and flag it for review"
        return (f"{signature.count} production capture{'s' if signature.count != 1 else ''} of \"{signature.title}\" "
                f"between {signature.first_seen} and {signature.last_seen}, severity {signature.severity.value}. "
                f"Spans matching every check are the same failure, so the rule should {what}.")

    # -- runbooks ----------------------------------------------------------------------------------------------
    def runbook(self, signature: FailureSignature, captures: Sequence[FailureCapture]) -> Runbook:
        evidence = runbook_evidence(signature, captures)
        return Runbook(
            signature_id=signature.signature_id, title=signature.title,
            summary=(f"{signature.count} capture{'s' if signature.count != 1 else ''} of this "
                     f"{_KIND_NAMES[signature.failure_kind]} failure in {_where(signature)} since "
                     f"{signature.first_seen}, most recently {signature.last_seen}."),
            symptoms=self._symptoms(signature, captures), evidence=evidence,
            probable_causes=self._causes(signature, captures), steps=self._steps(signature),
            links=runbook_links(captures), generator=self.name,
        )

    def _symptoms(self, signature: FailureSignature, captures: Sequence[FailureCapture]) -> list[str]:
        kind = signature.failure_kind
        symptoms: list[str] = []
        span_names = Counter(c.source.span_name for c in captures)
        where = ", ".join(f"`{name}`" for name, _ in span_names.most_common(3))
        if kind is FailureKind.error:
            message = signature.fingerprint.get("message")
            symptoms.append(f"Spans {where or 'of ' + _where(signature)} end with "
                            f"{signature.error_type or 'an error'}" + (f": \"{message}\"." if message else "."))
            empty = sum(1 for c in captures if not c.output_text.strip())
            if captures and empty:
                symptoms.append(f"{empty} of {len(captures)} exported captures returned no answer to the user.")
        else:
            signals = Counter(r.evaluation or r.detail for c in captures for r in c.reasons if r.kind is kind)
            for signal, seen in signals.most_common():
                what = {FailureKind.eval_fail: f"The '{signal}' evaluation fails",
                        FailureKind.low_quality: f"The '{signal}' score is below the quality threshold",
                        FailureKind.user_feedback: f"Users give negative feedback ({signal})"}[kind]
                symptoms.append(f"{what} on {seen} of {len(captures)} exported captures.")
        severities = Counter(c.severity.value for c in captures)
        if severities:
            symptoms.append("Severity of the exported captures: "
                            + ", ".join(f"{count} {name}" for name, count in severities.most_common()) + ".")
        return symptoms or [f"Captures of \"{signature.title}\"."]

    def _causes(self, signature: FailureSignature, captures: Sequence[FailureCapture]) -> list[str]:
        if signature.failure_kind is FailureKind.error:
            causes = _matching_causes(_words(signature.error_type, signature.fingerprint.get("message")),
                                      _ERROR_CAUSES)
            stack = signature.fingerprint.get("stack") or []
            if stack:
                causes.append(f"The innermost in-app frame is `{stack[-1]}`: start reading there.")
        else:
            causes = _matching_causes(_words(*(signature.fingerprint.get("evaluations") or [])), _EVALUATION_CAUSES)
            if signature.failure_kind is FailureKind.user_feedback:
                causes.append("Users find the answers unhelpful: compare the sample inputs with what the prompt "
                              "tells the model to do.")
        versions = sorted({c.source.version for c in captures if c.source.version})
        if len(versions) == 1:
            causes.append(f"Every exported capture ran version {versions[0]}: check what that release changed.")
        return causes or [("No known pattern matches; compare the sample traces with healthy traces of the "
                          "same span.")]

    def _steps(self, signature: FailureSignature) -> list[str]:
        steps = [(f"Open the sample traces below in Datadog LLM Observability and compare them with a healthy "
                 f"trace of {_where(signature)}.")]
        if signature.failure_kind is FailureKind.error:
            steps.append(f"Search for `@meta.error.type:{signature.error_type}` in `ml_app:{signature.ml_app}` to "
                         "see whether the failure rate is rising." if signature.error_type else
                         f"Search for `@status:error` in `ml_app:{signature.ml_app}` to see whether it is rising.")
        else:
            for label in signature.fingerprint.get("evaluations") or []:
                steps.append(f"In LLM Observability, filter `ml_app:{signature.ml_app}` spans on the `{label}` "
                             "evaluation to measure how often it fails and since when.")
        steps += [
            ("Apply the fix suggested by the probable causes, then replay this export's eval cases against it; "
            "every case must meet its expected behaviour."),
            (f"Deploy guardrail rule evalforge-guardrail-{signature.signature_id} in flag mode first, then in its "
            "configured mode once it raises no false positives."),
            (f"After the release, mark signature {signature.signature_id} resolved in Evalforge: it reopens as "
            "regressed if the failure comes back."),
        ]
        return steps


class FallbackArtifactGenerator:
    """`primary` (e.g. an LLM generator) with a per-artifact safety net: when it raises, `fallback` (the
    deterministic generator) produces that artifact instead, so a model outage never blocks an export.

    `fallback_reasons` lists one sentence per artifact that did not come from `primary`: this wrapper's own,
    plus those `primary` reports itself under the same attribute name (a generator may fall back inside)."""

    def __init__(self, primary: ArtifactGenerator, fallback: ArtifactGenerator) -> None:
        self.primary = primary
        self.fallback = fallback
        self.name = primary.name
        self._reasons: list[str] = []

    @property
    def fallback_reasons(self) -> list[str]:
        return [*getattr(self.primary, "fallback_reasons", []), *self._reasons]

    def _fell_back(self, what: str, error: Exception) -> None:
        self._reasons.append(f"The {what} was generated by {self.fallback.name} ({type(error).__name__}: {error}).")
        log.warning("artifact generator failed; using the fallback",
                    extra={"generator": self.primary.name, "artifact": what, "error": str(error)})

    def eval_case(self, capture: FailureCapture, signature: FailureSignature | None) -> EvalCase:
        try:
            return self.primary.eval_case(capture, signature)
        except Exception as error:  # noqa: BLE001 - any generator failure falls back; it is logged and counted
            self._fell_back(f"eval case {capture.capture_id}", error)
            return self.fallback.eval_case(capture, signature)

    def guardrail(self, signature: FailureSignature, captures: Sequence[FailureCapture]) -> GuardrailRule:
        try:
            return self.primary.guardrail(signature, captures)
        except Exception as error:  # noqa: BLE001
            self._fell_back(f"guardrail {signature.signature_id}", error)
            return self.fallback.guardrail(signature, captures)

    def runbook(self, signature: FailureSignature, captures: Sequence[FailureCapture]) -> Runbook:
        try:
            return self.primary.runbook(signature, captures)
        except Exception as error:  # noqa: BLE001
            self._fell_back(f"runbook {signature.signature_id}", error)
            return self.fallback.runbook(signature, captures)
