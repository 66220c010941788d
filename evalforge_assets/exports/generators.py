"""LLM-written export artifacts: the prose and checks of eval cases, guardrail rules and runbooks.

`LlmArtifactGenerator` satisfies `pipeline.artifacts.ArtifactGenerator`. The model writes only what needs
judgement (a case's expected behaviour and grading criteria; a rule's checks, action and rationale; a
runbook's summary, symptoms, causes and steps) as Strands structured output into small draft models; ids,
evidence, samples and links come from the data through the same helpers the deterministic generator uses, so
a model cannot invent counts or traces. Draft validation errors go back to the model as tool errors; a rule
that would not even match its own sample captures is sent back once with the captures it misses. Any failure
falls back, for that item only, to `DeterministicArtifactGenerator`.

Nothing personal reaches the provider: every capture passes `sanitized_capture` and every text of the
prompt payload passes `sanitize_value` (`redact_text` with key context) before a prompt is built, although
stored captures are sanitized already.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator
from strands.models import Model

from evalforge_assets.capture.pii import sanitize_value
from evalforge_assets.exports.artifacts import (
    ArtifactGenerator,
    DeterministicArtifactGenerator,
    EvalCase,
    GuardrailCheck,
    GuardrailRule,
    GuardrailScope,
    Runbook,
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
from evalforge_assets.llm import invoke, new_agent
from evalforge_assets.models import FailureCapture, FailureSignature

log = logging.getLogger("evalforge.agents.generators")

D = TypeVar("D", bound=BaseModel)

PROMPT_TEXT_CHARS = 4000  # per text in a prompt: enough to judge a failure, bounded for cost
TURNS_PER_DRAFT = 4  # model calls per draft, corrections after validation errors included
MAX_REPROMPTS = 1  # re-prompts for a rule that misses its own samples


# ------------------------------------------------------------------------------------------- drafts


def _non_empty(items: list[str]) -> list[str]:
    cleaned = [item.strip() for item in items]
    if any(not item for item in cleaned):
        raise ValueError("Every entry must be a non-empty sentence; remove the empty ones.")
    return cleaned


class EvalExpectationDraft(BaseModel):
    """The expectation of a regression eval case built from one failed LLM call: `expected` says in one or two
    sentences what a passing answer does; `criteria` are 1 to 6 concrete checks a grader applies to a single
    answer (each one sentence, testable, specific to this failure)."""

    model_config = ConfigDict(extra="forbid")

    expected: str = Field(min_length=1, max_length=800)
    criteria: list[str] = Field(min_length=1, max_length=6)

    @field_validator("criteria")
    @classmethod
    def _criteria_are_sentences(cls, items: list[str]) -> list[str]:
        return _non_empty(items)


def _check_problem(index: int, check: GuardrailCheck) -> str | None:
    where = f"Check {index} ({check.target} {check.operator})"
    if check.target == "evaluation" and not check.label:
        return f"{where} targets an evaluation, so it needs the evaluation's label in `label`."
    if check.operator in ("equals", "contains", "matches", "assessment_is") and not isinstance(check.value, str):
        return f"{where} needs a text `value` to compare with."
    if check.operator == "score_below" and not isinstance(check.value, (int, float)):
        return f"{where} needs a numeric threshold in `value`."
    if check.operator == "matches" and isinstance(check.value, str):
        try:
            re.compile(check.value)
        except re.error as error:
            return f"{where} has a `value` that is not a valid Python regular expression: {error}."
    return None


class GuardrailDraft(BaseModel):
    """A guardrail rule for one failure signature: `checks` are conditions on a span (all must hold with
    match=all, one with match=any) that together recognise this failure and nothing healthy; `action` is block
    (replace the answer with a safe fallback) for failures users must not see, else flag; `rationale` says in
    two or three sentences why these checks identify the failure. `matches` takes a Python regular expression
    searched anywhere in the target, case-insensitive."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["block", "flag"]
    match: Literal["all", "any"] = "all"
    checks: list[GuardrailCheck] = Field(min_length=1, max_length=6)
    rationale: str = Field(min_length=1)

    @field_validator("checks")
    @classmethod
    def _checks_are_usable(cls, checks: list[GuardrailCheck]) -> list[GuardrailCheck]:
        problems = [problem for index, check in enumerate(checks, start=1)
                    if (problem := _check_problem(index, check))]
        if problems:
            raise ValueError(" ".join(problems))
        return checks


class RunbookDraft(BaseModel):
    """The on-call runbook for one failure signature: `summary` (two or three sentences: what fails, where,
    how often), `symptoms` an operator sees (1 to 8), `probable_causes` ranked most likely first (1 to 6), and
    `steps` to confirm and fix it (1 to 10, each an action someone can take)."""

    model_config = ConfigDict(extra="forbid")

    summary: str = Field(min_length=1)
    symptoms: list[str] = Field(min_length=1, max_length=8)
    probable_causes: list[str] = Field(min_length=1, max_length=6)
    steps: list[str] = Field(min_length=1, max_length=10)

    @field_validator("symptoms", "probable_causes", "steps")
    @classmethod
    def _entries_are_sentences(cls, items: list[str]) -> list[str]:
        return _non_empty(items)


# ------------------------------------------------------------------------------------------- rule checking


def _check_holds(check: GuardrailCheck, capture: FailureCapture) -> bool:
    """Whether `check` holds on `capture`, read the way a guardrail reads a span."""
    if check.target == "evaluation":
        evaluation = next((e for e in capture.evaluations if e.label == check.label), None)
        if evaluation is None:
            return False
        if check.operator == "assessment_is":
            return (evaluation.assessment or "").lower() == str(check.value).lower()
        if check.operator == "score_below":
            return isinstance(evaluation.value, (int, float)) and float(evaluation.value) < float(check.value)
        return False
    texts = {"input": [capture.input_text], "output": [capture.output_text],
             "error_type": [capture.error_type or ""], "error_message": [capture.error_message or ""],
             "tag": list(capture.tags)}[check.target]
    value = "" if check.value is None else str(check.value)
    tests: dict[str, Callable[[str], bool]] = {
        "equals": lambda text: text == value,
        "contains": lambda text: value.lower() in text.lower(),
        "matches": lambda text: re.search(value, text, re.IGNORECASE) is not None,
        "is_empty": lambda text: not text.strip(),
    }
    test = tests.get(check.operator)
    return test is not None and any(test(text) for text in texts)


def rule_misses(draft: GuardrailDraft, captures: Sequence[FailureCapture]) -> list[str]:
    """A sentence per sample capture the drafted rule would let through; empty when it catches them all."""
    problems = []
    for capture in captures:
        results = [(check, _check_holds(check, capture)) for check in draft.checks]
        caught = all(held for _, held in results) if draft.match == "all" else any(held for _, held in results)
        if not caught:
            failing = "; ".join(f"'{check.description}' ({check.target} {check.operator} {check.value!r})"
                                for check, held in results if not held)
            problems.append(f"The rule does not catch capture {capture.capture_id}, one of the failures it is "
                            f"for: {failing} does not hold for it.")
    return problems


# ------------------------------------------------------------------------------------------- prompts

SYSTEM_PROMPT = """You turn production failures of LLM applications into artifacts an engineering team uses: \
regression eval cases, guardrail rules and runbooks. You receive sanitized data: personal data was replaced \
by placeholders such as <EMAIL> or <PERSON>; keep placeholders as they are and never invent personal data. \
Be specific to the failure shown, concise, and factual; do not invent numbers, traces or links. Return your \
result by calling the structured output tool; if it reports errors, fix them all and call it again."""


def _clip(text: str | None) -> str:
    text = text or ""
    return text if len(text) <= PROMPT_TEXT_CHARS else text[:PROMPT_TEXT_CHARS] + " …[truncated]"


def _capture_facts(capture: FailureCapture) -> dict[str, Any]:
    """What the model sees of one capture; `capture` is sanitized by the caller."""
    return {
        "capture_id": capture.capture_id, "ml_app": capture.ml_app, "agent": capture.agent,
        "span": capture.source.span_name, "failure_kind": capture.failure_kind.value,
        "severity": capture.severity.value, "error_type": capture.error_type,
        "error_message": _clip(capture.error_message), "reasons": [r.detail for r in capture.reasons],
        "failing_evaluations": [{"label": e.label, "assessment": e.assessment, "value": e.value,
                                 "reasoning": _clip(e.reasoning)} for e in failing_evaluations(capture)],
        "input_messages": [{"role": m.role, "content": _clip(m.content)} for m in eval_messages(capture)],
        "failed_output": _clip(failed_output_of(capture)), "tags": capture.tags,
    }


def _signature_facts(signature: FailureSignature) -> dict[str, Any]:
    return {"signature_id": signature.signature_id, "title": signature.title, "ml_app": signature.ml_app,
            "agent": signature.agent, "failure_kind": signature.failure_kind.value,
            "severity": signature.severity.value, "error_type": signature.error_type, "count": signature.count,
            "first_seen": signature.first_seen, "last_seen": signature.last_seen,
            "fingerprint": signature.fingerprint}


def _prompt(task: str, facts: dict[str, Any]) -> str:
    # Every text of the payload is redacted once more right before it becomes a prompt (belt and braces).
    return f"{task}\n\nFacts (JSON):\n{json.dumps(sanitize_value(facts), sort_keys=True, default=str)}"


class DraftFailed(RuntimeError):
    """The model gave no usable draft within the bounds."""


# ------------------------------------------------------------------------------------------- the generator


class LlmArtifactGenerator:
    """An `ArtifactGenerator` whose prose and checks come from a model, item by item with a fallback."""

    def __init__(self, model: Model, fallback: ArtifactGenerator | None = None) -> None:
        if model is None:
            raise ValueError("LlmArtifactGenerator needs a model; use DeterministicArtifactGenerator without one.")
        self.model = model
        self.fallback = fallback or DeterministicArtifactGenerator()
        config = model.get_config()
        model_id = config.get("model_id") if isinstance(config, dict) else None
        self.name = f"llm:{model_id}" if model_id else "llm"
        self.fallback_reasons: list[str] = []  # one sentence per item that fell back, for run metadata

    # -- the three artifacts ---------------------------------------------------------------------------------
    def eval_case(self, capture: FailureCapture, signature: FailureSignature | None) -> EvalCase:
        clean = sanitized_capture(capture)
        try:
            facts = {"capture": _capture_facts(clean),
                     "signature": _signature_facts(signature) if signature else None}
            draft = self._draft(EvalExpectationDraft, _prompt(
                "Write the expected behaviour and grading criteria of a regression eval case for this failed "
                "LLM call: the case replays its input messages, and a fixed application must pass it.", facts))
        except Exception as error:  # noqa: BLE001 - this item falls back; _fell_back logs the cause
            return self._fell_back(f"eval case {capture.capture_id}", error,
                                   lambda: self.fallback.eval_case(capture, signature))
        return EvalCase(capture_id=clean.capture_id, messages=eval_messages(clean),
                        failed_output=failed_output_of(clean), expected=draft.expected.strip(),
                        criteria=draft.criteria, metadata=eval_case_metadata(clean, signature, self.name))

    def guardrail(self, signature: FailureSignature, captures: Sequence[FailureCapture]) -> GuardrailRule:
        samples = sample_captures([sanitized_capture(capture) for capture in captures])
        try:
            facts = {"signature": _signature_facts(signature),
                     "sample_captures": [_capture_facts(c) for c in samples]}
            draft = self._draft(GuardrailDraft, _prompt(
                "Write a guardrail rule that recognises this failure signature in a live span. Checks may look "
                "at input, output, error_type, error_message, an evaluation (by label) or a tag. The rule must "
                "catch every sample capture.", facts), problems_of=lambda d: rule_misses(d, samples))
        except Exception as error:  # noqa: BLE001 - this item falls back; _fell_back logs the cause
            return self._fell_back(f"guardrail {signature.signature_id}", error,
                                   lambda: self.fallback.guardrail(signature, captures))
        return GuardrailRule(
            signature_id=signature.signature_id, title=signature.title, action=draft.action,
            severity=signature.severity, failure_kind=signature.failure_kind,
            applies_to=GuardrailScope(ml_app=signature.ml_app, agent=signature.agent), match=draft.match,
            checks=draft.checks, rationale=draft.rationale.strip(), evidence=signature_evidence(signature),
            generator=self.name,
        )

    def runbook(self, signature: FailureSignature, captures: Sequence[FailureCapture]) -> Runbook:
        clean = [sanitized_capture(capture) for capture in captures]
        try:
            evidence = runbook_evidence(signature, clean)
            facts = {"signature": _signature_facts(signature),
                     "evidence": evidence.model_dump(mode="json", exclude={"samples"}),
                     "sample_captures": [_capture_facts(c) for c in sample_captures(clean)]}
            draft = self._draft(RunbookDraft, _prompt(
                "Write the on-call runbook for this failure signature: how to recognise it, what probably causes "
                "it, and the steps to confirm and fix it.", facts))
        except Exception as error:  # noqa: BLE001 - this item falls back; _fell_back logs the cause
            return self._fell_back(f"runbook {signature.signature_id}", error,
                                   lambda: self.fallback.runbook(signature, captures))
        return Runbook(signature_id=signature.signature_id, title=signature.title, summary=draft.summary.strip(),
                       symptoms=draft.symptoms, evidence=evidence, probable_causes=draft.probable_causes,
                       steps=draft.steps, links=runbook_links(clean), generator=self.name)

    # -- the model conversation ------------------------------------------------------------------------------
    def _draft(self, draft_model: type[D], prompt: str,
               problems_of: Callable[[D], list[str]] | None = None) -> D:
        agent = new_agent(self.model, system_prompt=SYSTEM_PROMPT)
        problems: list[str] = []
        for _ in range(1 + MAX_REPROMPTS):
            result = invoke(agent, prompt, structured_output_model=draft_model, limits={"turns": TURNS_PER_DRAFT})
            draft = result.structured_output
            if not isinstance(draft, draft_model):
                raise DraftFailed(f"The model stopped ({result.stop_reason}) without a valid "
                                  f"{draft_model.__name__}.")
            problems = problems_of(draft) if problems_of else []
            if not problems:
                return draft
            prompt = ("The result cannot be used yet:\n" + "\n".join(f"- {p}" for p in problems)
                      + f"\nFix every problem and call the {draft_model.__name__} tool again.")
        raise DraftFailed(f"The model's {draft_model.__name__} still had problems after {1 + MAX_REPROMPTS} "
                          "drafts: " + " ".join(problems))

    def _fell_back(self, item: str, error: Exception, deterministic: Callable[[], Any]) -> Any:
        reason = f"The {item} was generated without the model ({type(error).__name__}: {error})."
        log.warning("artifact generation fell back to the deterministic generator", exc_info=error,
                    extra={"item": item})
        self.fallback_reasons.append(reason)
        return deterministic()


def sample_captures(captures: Sequence[FailureCapture]) -> list[FailureCapture]:
    """The captures a prompt shows: the newest few, the same ones a runbook lists as sample traces."""
    by_id = {capture.capture_id: capture for capture in captures}
    return [by_id[sample.capture_id] for sample in sample_traces(captures)]
