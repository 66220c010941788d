"""The deterministic artifact generator: eval cases, guardrail rules and runbooks written from the data alone
(cause tables keyed on error and evaluation words, message regexes from the signature's parameterized message),
and the fallback that uses it whenever the LLM generator fails.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from typing import Literal

from evalforge_assets import telemetry
from evalforge_assets.exports.artifact_models import (
    ArtifactGenerator,
    EvalCase,
    GuardrailCheck,
    GuardrailRule,
    GuardrailScope,
    Runbook,
    eval_case_metadata,
    eval_messages,
    failed_output_of,
    runbook_evidence,
    runbook_links,
    signature_evidence,
)
from evalforge_assets.models import FailureCapture, FailureKind, FailureReason, FailureSignature, Severity
from evalforge_assets.review.fingerprint import parameterize

log = logging.getLogger("evalforge.exports.artifacts")


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
        telemetry.count("evalforge_llm_fallbacks_total", component="artifact_generator")
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
