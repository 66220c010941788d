"""The LLM artifact generator: drafts through Strands structured output, retries, per-item fallback, and no
personal data in any request sent to the model."""

from __future__ import annotations

from typing import Any

import pytest

from evalforge_assets.exports.artifacts import (
    DeterministicArtifactGenerator,
    runbook_evidence,
    signature_evidence,
)
from evalforge_assets.exports.generators import LlmArtifactGenerator
from evalforge_assets.llm import build_model
from evalforge_assets.models import FailureCapture, FailureSignature
from evalforge_assets.settings import Settings
from tests.doubles.minimax import MiniMaxDouble, RecordedRequest, Reply, ToolCallReply
from tests.doubles.scripted_model import ScriptedModel, call
from tests.fixtures.factories import make_capture, make_signature

TIMEOUT_CHECK = {"target": "error_type", "operator": "equals", "value": "TimeoutError",
                 "description": "The span failed with TimeoutError."}
VALID_EXPECTATION = {"expected": "Answers with the order status, or apologises and offers a retry.",
                     "criteria": ["The answer is not empty.", "No stack trace is shown to the user."]}
VALID_GUARDRAIL = {"action": "flag", "match": "all", "checks": [TIMEOUT_CHECK],
                   "rationale": "Every capture of this signature ends in TimeoutError."}
VALID_RUNBOOK = {"summary": "Support answers time out upstream.", "symptoms": ["Empty answers."],
                 "probable_causes": ["The model provider is slow."],
                 "steps": ["Check the provider's latency.", "Raise the timeout or add a retry."]}


@pytest.fixture
def signature() -> FailureSignature:
    return make_signature(signature_id="sig_timeout", count=3, counts_by_hour={"2026-01-15T10": 3})


@pytest.fixture
def captures(signature: FailureSignature) -> list[FailureCapture]:
    return [make_capture(capture_id=f"cap_{n}", signature_id=signature.signature_id,
                         source={"trace_id": f"t{n}", "span_id": f"s{n}", "ml_app": "shop-assistant",
                                 "span_name": "answer_question", "span_kind": "llm",
                                 "start_time": "2026-01-15T10:00:00.000000Z", "version": "1.4.2",
                                 "url": f"https://app.datadoghq.com/llm/traces?trace={n}"})
            for n in range(3)]


def tool_error(model: ScriptedModel, request_index: int) -> str:
    result = model.requests[request_index].tool_results()[-1]
    assert result["status"] == "error"
    return result["content"][0]["text"]


# ------------------------------------------------------------------------------------------- scripted model


def test_eval_case_prose_comes_from_the_model_after_a_validation_retry(
        captures: list[FailureCapture], signature: FailureSignature) -> None:
    model = ScriptedModel([call("EvalExpectationDraft", {"expected": "Works.", "criteria": []}),
                           call("EvalExpectationDraft", VALID_EXPECTATION)])
    generator = LlmArtifactGenerator(model)

    case = generator.eval_case(captures[0], signature)

    assert "criteria" in tool_error(model, 1) and "at least 1 item" in tool_error(model, 1)
    assert case.expected == VALID_EXPECTATION["expected"] and case.criteria == VALID_EXPECTATION["criteria"]
    assert case.metadata.generator == "llm:scripted" and case.metadata.capture_id == "cap_0"
    assert [m.content for m in case.messages] == ["Where is my order?"]
    assert generator.fallback_reasons == []


def test_guardrail_with_an_invalid_regex_is_sent_back_and_the_facts_come_from_the_signature(
        captures: list[FailureCapture], signature: FailureSignature) -> None:
    broken = {**VALID_GUARDRAIL, "checks": [{"target": "error_message", "operator": "matches", "value": "(timed",
                                             "description": "Timed out."}]}
    model = ScriptedModel([call("GuardrailDraft", broken), call("GuardrailDraft", VALID_GUARDRAIL)])

    rule = LlmArtifactGenerator(model).guardrail(signature, captures)

    assert "not a valid Python regular expression" in tool_error(model, 1)
    assert rule.checks[0].value == "TimeoutError" and rule.action == "flag"
    assert rule.evidence == signature_evidence(signature) and rule.rule_id == "evalforge-guardrail-sig_timeout"
    assert rule.generator == "llm:scripted"


def test_a_guardrail_that_misses_its_own_samples_is_sent_back_with_them(
        captures: list[FailureCapture], signature: FailureSignature) -> None:
    blind = {**VALID_GUARDRAIL, "checks": [{"target": "error_type", "operator": "equals", "value": "ValueError",
                                            "description": "Value error."}]}
    model = ScriptedModel([call("GuardrailDraft", blind), call("GuardrailDraft", VALID_GUARDRAIL)])

    rule = LlmArtifactGenerator(model).guardrail(signature, captures)

    reprompt = model.requests[1].messages[-1]["content"][0]["text"]
    assert "does not catch capture cap_0" in reprompt and "'ValueError'" in reprompt
    assert rule.checks[0].value == "TimeoutError"


def test_runbook_prose_comes_from_the_model_and_its_evidence_from_the_data(
        captures: list[FailureCapture], signature: FailureSignature) -> None:
    model = ScriptedModel([call("RunbookDraft", {**VALID_RUNBOOK, "steps": ["  "]}),
                           call("RunbookDraft", VALID_RUNBOOK)])

    runbook = LlmArtifactGenerator(model).runbook(signature, captures)

    assert "non-empty sentence" in tool_error(model, 1)
    assert runbook.steps == VALID_RUNBOOK["steps"] and runbook.summary == VALID_RUNBOOK["summary"]
    assert runbook.evidence == runbook_evidence(signature, captures)
    assert [link.url for link in runbook.links] == [f"https://app.datadoghq.com/llm/traces?trace={n}"
                                                   for n in (2, 1, 0)]
    assert "## Steps" in runbook.to_markdown()


def test_each_item_falls_back_to_the_deterministic_generator_on_its_own(
        captures: list[FailureCapture], signature: FailureSignature) -> None:
    model = ScriptedModel([ConnectionError("MiniMax is unreachable"), call("RunbookDraft", VALID_RUNBOOK)])
    generator = LlmArtifactGenerator(model)
    deterministic = DeterministicArtifactGenerator()

    rule = generator.guardrail(signature, captures)
    runbook = generator.runbook(signature, captures)

    assert rule == deterministic.guardrail(signature, captures)
    assert runbook.generator == "llm:scripted"
    assert generator.fallback_reasons == [
        "The guardrail sig_timeout was generated without the model (ConnectionError: MiniMax is unreachable)."]


# ------------------------------------------------------------------------------------------- no PII sent

PLANTED = ["jane.doe@example.com", "+1 415 555 0100", "4242 4242 4242 4242", "Maria Garcia",
           "DE89 3704 0044 0532 0130 00", "sk-proj-abc123def456ghi789jkl", "212-555-0187", "Robert Brown"]


def pii_capture(signature: FailureSignature) -> FailureCapture:
    """A capture as if sanitization had been skipped: personal data in every free-text field."""
    return make_capture(
        capture_id="cap_pii", signature_id=signature.signature_id,
        input_text="My email is jane.doe@example.com and phone +1 415 555 0100",
        input_messages=[{"role": "system", "content": "You are helping the customer Maria Garcia with IBAN DE89 3704 0044 0532 0130 00"},
                        {"role": "user", "content": "Card 4242 4242 4242 4242 was declined"}],
        output_text="Dear Mr. Robert Brown, call 212-555-0187",
        output_messages=[{"role": "assistant", "content": "Dear Mr. Robert Brown, call 212-555-0187"}],
        error_message="auth failed: api_key=sk-proj-abc123def456ghi789jkl",
        reasons=[{"kind": "error", "rule": "span_error", "detail": "user jane.doe@example.com got status=error"}],
        evaluations=[{"label": "faithfulness", "assessment": "fail",
                      "reasoning": "Told the customer Maria Garcia her card 4242 4242 4242 4242 was fine"}],
        metadata={"customer_email": "jane.doe@example.com"}, tags=["user:jane.doe@example.com"],
    )


def answer_with_the_offered_draft(request: RecordedRequest) -> Reply:
    drafts: dict[str, dict[str, Any]] = {"EvalExpectationDraft": VALID_EXPECTATION,
                                         "GuardrailDraft": VALID_GUARDRAIL, "RunbookDraft": VALID_RUNBOOK}
    [name] = [name for name in request.tool_names if name in drafts]
    return Reply("<think>Drafting.</think>", (ToolCallReply(name, drafts[name]),))


def test_no_personal_data_reaches_the_model_in_any_request(monkeypatch: pytest.MonkeyPatch,
                                                           signature: FailureSignature) -> None:
    monkeypatch.delenv("MINIMAX_BASE_URL", raising=False)
    settings = Settings(_env_file=None, MINIMAX_API_KEY="k")  # type: ignore[call-arg]
    double = MiniMaxDouble(responder=answer_with_the_offered_draft)
    generator = LlmArtifactGenerator(build_model(settings, http_client=double.http_client()))
    leaky_signature = signature.model_copy(update={"title": "TimeoutError for jane.doe@example.com"})
    capture = pii_capture(signature)

    case = generator.eval_case(capture, leaky_signature)
    generator.guardrail(leaky_signature, [capture])
    generator.runbook(leaky_signature, [capture])

    assert generator.fallback_reasons == [] and len(double.requests) == 3
    for request in double.requests:
        leaked = [value for value in PLANTED if value in request.raw]
        assert leaked == [], f"{leaked} reached the model in {request.body['tools'][0]['function']['name']}"
    assert "<EMAIL>" in double.requests[0].raw and "<CREDIT_CARD>" in double.requests[0].raw
    replayed = " ".join([*(m.content for m in case.messages), case.failed_output])
    assert [value for value in PLANTED if value in replayed] == []  # the eval case replays sanitized text only
