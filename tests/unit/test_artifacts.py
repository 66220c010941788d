"""The deterministic artifact generator: eval cases, guardrail rules and runbooks derived from the data."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from evalforge_assets.capture.build import UserHasher
from evalforge_assets.capture.classify import FailureRules
from evalforge_assets.capture.ingest import IngestContext, ingest_items
from evalforge_assets.capture.sources.sample import SampleSpanSource
from evalforge_assets.exports.artifacts import (
    MAX_SAMPLE_TRACES,
    ArtifactGenerator,
    DeterministicArtifactGenerator,
    EvalCase,
    FallbackArtifactGenerator,
    GuardrailRule,
    Runbook,
    case_id_for,
    message_pattern,
    sanitized_capture,
)
from evalforge_assets.models import FailureCapture, FailureSignature, Lineage
from evalforge_assets.review.fingerprint import fingerprint_of, parameterize
from evalforge_assets.review.signatures import group_hour
from tests.fixtures.factories import make_capture, make_signature

GENERATOR = DeterministicArtifactGenerator()


def timeout_capture(**overrides: object) -> FailureCapture:
    defaults: dict[str, object] = {
        "error_type": "ToolTimeoutError",
        "error_message": "Tool lookup_order timed out after 8423ms calling https://orders.internal/v1/4411",
        "input_messages": [{"role": "system", "content": "You answer order questions."},
                           {"role": "user", "content": "Where is order 4411?"}],
        "input_text": "system: You answer order questions.\nuser: Where is order 4411?",
        "source": {"trace_id": "t-1", "span_id": "s-1", "ml_app": "shop-assistant", "span_name": "support_agent",
                   "span_kind": "agent", "start_time": "2026-01-15T10:00:00.000000Z", "version": "2.3.1",
                   "url": "https://app.datadoghq.com/llm/traces?query=%40trace_id%3At-1"},
    }
    return make_capture(**{**defaults, **overrides})


def faithfulness_capture(**overrides: object) -> FailureCapture:
    defaults: dict[str, object] = {
        "failure_kind": "eval_fail", "severity": "high", "error_type": None, "error_message": None,
        "reasons": [{"kind": "eval_fail", "rule": "evaluation_failed", "detail": "faithfulness assessment=fail",
                     "evaluation": "faithfulness"}],
        "evaluations": [{"label": "faithfulness", "metric_type": "score", "value": 0.12, "assessment": "fail",
                         "reasoning": "Context says 30 days; the answer claims 90."}],
        "input_text": "Can I return shoes after 45 days?",
        "output_messages": [{"role": "assistant", "content": "Yes, returns are accepted up to 90 days."}],
        "output_text": "assistant: Yes, returns are accepted up to 90 days.",
    }
    return make_capture(**{**defaults, **overrides})


def signature_for(captures: list[FailureCapture], **overrides: object) -> FailureSignature:
    fingerprint = fingerprint_of(captures[0])
    times = sorted(c.occurred_at for c in captures)
    defaults: dict[str, object] = {
        "fingerprint": fingerprint, "failure_kind": captures[0].failure_kind.value,
        "error_type": captures[0].error_type, "severity": captures[0].severity.value, "count": len(captures),
        "first_seen": times[0], "last_seen": times[-1], "title": f"{captures[0].error_type or 'eval'} failure",
        "counts_by_hour": {"2026-01-15-10:00": len(captures)},
        "sample_capture_ids": [c.capture_id for c in captures[:3]],
    }
    return make_signature(**{**defaults, **overrides})


# ---- eval cases ------------------------------------------------------------------------------------------------
def test_an_error_case_replays_the_input_and_expects_the_request_to_complete_without_the_error() -> None:
    capture = timeout_capture()
    signature = signature_for([capture])
    case = GENERATOR.eval_case(capture, signature)
    assert [m.model_dump() for m in case.messages] == [
        {"role": "system", "content": "You answer order questions."},
        {"role": "user", "content": "Where is order 4411?"}]
    assert "ToolTimeoutError" in case.expected
    assert any(parameterize(capture.error_message or "") in criterion for criterion in case.criteria)
    assert case.case_id == case_id_for(capture.capture_id) == f"evalforge-case-{capture.capture_id}"
    assert case.metadata.signature_id == signature.signature_id
    assert case.metadata.signature_title == signature.title
    assert case.metadata.source_url == capture.source.url
    assert (case.metadata.trace_id, case.metadata.span_id) == ("t-1", "s-1")
    assert case.metadata.generator == "deterministic"


def test_a_failing_evaluation_case_quotes_the_evaluators_reasoning_and_keeps_the_failed_answer() -> None:
    capture = faithfulness_capture()
    case = GENERATOR.eval_case(capture, None)
    assert "faithfulness" in case.expected
    assert any("Context says 30 days; the answer claims 90." in criterion for criterion in case.criteria)
    # The failed output is the assistant's words, without the "assistant:" prefix of the flattened text.
    assert case.failed_output == "Yes, returns are accepted up to 90 days."
    assert case.messages[0].model_dump() == {"role": "user", "content": "Can I return shoes after 45 days?"}
    assert case.metadata.failing_evaluations == ["faithfulness"]
    assert case.metadata.signature_id == capture.signature_id


def test_a_low_score_case_asks_for_the_threshold_its_span_missed() -> None:
    capture = make_capture(failure_kind="low_quality", severity="low", error_type=None, error_message=None,
                           reasons=[{"kind": "low_quality", "rule": "score_below_threshold",
                                     "detail": "answer_quality=0.41 < 0.6", "evaluation": "answer_quality"}])
    case = GENERATOR.eval_case(capture, None)
    assert case.criteria == ["Scores at least 0.6 on 'answer_quality'."]


def test_a_negative_feedback_case_names_the_feedback_it_drew() -> None:
    capture = make_capture(failure_kind="user_feedback", severity="medium", error_type=None, error_message=None,
                           reasons=[{"kind": "user_feedback", "rule": "feedback_tag",
                                     "detail": "tag feedback:thumbs_down"}])
    case = GENERATOR.eval_case(capture, None)
    assert "feedback:thumbs_down" in case.criteria[0]


def test_the_chat_eval_line_has_messages_ideal_and_metadata() -> None:
    line = GENERATOR.eval_case(faithfulness_capture(), None).to_chat_eval()
    assert set(line) == {"messages", "ideal", "criteria", "failed_output", "metadata"}
    assert line["messages"] == [{"role": "user", "content": "Can I return shoes after 45 days?"}]
    assert line["ideal"].startswith("An answer that passes the faithfulness evaluation")
    assert line["metadata"]["case_id"].startswith("evalforge-case-")


def test_an_input_without_messages_becomes_one_user_turn_and_huge_inputs_are_cut() -> None:
    capture = make_capture(input_text="x" * 50_000)
    [message] = GENERATOR.eval_case(capture, None).messages
    assert message.role == "user"
    assert len(message.content) == 20_000 and message.content.endswith("…[truncated]")


# ---- sanitizing before anything leaves -----------------------------------------------------------------------
def test_sanitized_capture_removes_personal_data_left_in_any_text_and_keeps_placeholders() -> None:
    capture = make_capture(
        input_text="Mail me at jane.doe@example.com about <EMAIL>",
        input_messages=[{"role": "user", "content": "My card is 4111 1111 1111 1111"}],
        output_text="Call +1 415 555 0100",
        error_message="lookup failed for jane.doe@example.com",
        evaluations=[{"label": "faithfulness", "assessment": "fail",
                      "reasoning": "It leaked jane.doe@example.com"}],
        reasons=[{"kind": "error", "rule": "span_error", "detail": "user jane.doe@example.com"}],
    )
    clean = sanitized_capture(capture)
    texts = [clean.input_text, clean.input_messages[0].content, clean.output_text, clean.error_message,
             clean.evaluations[0].reasoning, clean.reasons[0].detail]
    assert all("jane.doe@example.com" not in (text or "") for text in texts)
    assert "4111" not in clean.input_messages[0].content
    assert "415 555 0100" not in clean.output_text
    assert clean.input_text == "Mail me at <EMAIL> about <EMAIL>"
    assert capture.input_text.startswith("Mail me at jane.doe")  # the original is not changed


# ---- guardrails ------------------------------------------------------------------------------------------------
def test_an_error_rule_checks_the_error_type_and_a_message_pattern_matching_live_variants() -> None:
    captures = [timeout_capture(capture_id=f"cap-to-{n}",
                                error_message=f"Tool lookup_order timed out after {ms}ms calling "
                                              f"https://orders.internal/v1/{order}")
                for n, (ms, order) in enumerate([(8423, 4411), (12, 97), (30001, 5)])]
    signature = signature_for(captures, severity="critical")
    rule = GENERATOR.guardrail(signature, captures)
    assert isinstance(rule, GuardrailRule)
    assert rule.action == "block" and rule.match == "all"
    by_target = {check.target: check for check in rule.checks}
    assert by_target["error_type"].operator == "equals" and by_target["error_type"].value == "ToolTimeoutError"
    pattern = re.compile(str(by_target["error_message"].value), re.IGNORECASE)
    assert all(pattern.search(c.error_message or "") for c in captures)
    assert pattern.search("Tool lookup_order timed out after 2s calling https://orders.eu.internal/v1/1")
    assert not pattern.search("Tool lookup_order failed: connection refused")
    assert rule.rule_id == f"evalforge-guardrail-{signature.signature_id}"
    assert rule.evidence.count == 3 and rule.evidence.sample_capture_ids == ["cap-to-0", "cap-to-1", "cap-to-2"]
    assert rule.to_document()["rule_id"] == rule.rule_id


def test_an_evaluation_rule_flags_medium_failures_on_the_failing_label() -> None:
    capture = faithfulness_capture(severity="medium")
    rule = GENERATOR.guardrail(signature_for([capture], severity="medium"), [capture])
    assert rule.action == "flag"
    assert [(c.target, c.operator, c.label, c.value) for c in rule.checks] == [
        ("evaluation", "assessment_is", "faithfulness", "fail")]
    assert "1 production capture" in rule.rationale


def test_a_low_score_rule_uses_the_threshold_from_the_capture_reasons() -> None:
    capture = make_capture(failure_kind="low_quality", severity="low", error_type=None, error_message=None,
                           reasons=[{"kind": "low_quality", "rule": "score_below_threshold",
                                     "detail": "relevance=0.2 < 0.5", "evaluation": "relevance"}])
    rule = GENERATOR.guardrail(signature_for([capture]), [capture])
    assert [(c.operator, c.label, c.value) for c in rule.checks] == [("score_below", "relevance", 0.5)]


def test_message_patterns_loosen_when_a_message_escapes_the_typed_placeholders() -> None:
    # "<int>" stands for digits; a sanitized message may hold a placeholder there instead, and a third holds words.
    assert message_pattern("retry <int> failed", ["retry 3 failed", "retry <USER_ID> failed"]) is not None
    loose = message_pattern("retry <int> failed", ["retry three failed"])
    assert loose is not None and re.search(loose, "retry three failed", re.IGNORECASE)
    assert message_pattern("   ", ["anything"]) is None


def test_a_message_cut_inside_a_placeholder_drops_the_partial_token() -> None:
    pattern = message_pattern("quota exceeded for project <in", ["quota exceeded for project 42"])
    assert pattern is not None and "<in" not in pattern


# ---- runbooks --------------------------------------------------------------------------------------------------
def test_a_runbook_reports_counts_first_and_last_seen_and_the_newest_samples() -> None:
    start = datetime(2026, 1, 15, 10, tzinfo=UTC)
    captures = [timeout_capture(capture_id=f"cap-rb-{n}", occurred_at=(start + timedelta(minutes=n)).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ"), output_text="") for n in range(7)]
    signature = signature_for(captures, count=42, first_seen="2026-01-12T08:00:00.000000Z",
                              counts_by_hour={"2026-01-15-10:00": 30, "2026-01-14-09:00": 12})
    runbook = GENERATOR.runbook(signature, captures)
    assert isinstance(runbook, Runbook)
    evidence = runbook.evidence
    assert (evidence.count, evidence.first_seen, evidence.last_seen) == (42, signature.first_seen, signature.last_seen)
    assert evidence.busiest_hours == {"2026-01-15-10:00": 30, "2026-01-14-09:00": 12}
    assert [s.capture_id for s in evidence.samples] == [f"cap-rb-{n}" for n in range(6, 6 - MAX_SAMPLE_TRACES, -1)]
    assert evidence.versions == ["2.3.1"]
    assert any("too slowly" in cause for cause in runbook.probable_causes)
    assert any("7 of 7 exported captures returned no answer" in s for s in runbook.symptoms)
    assert all(link.url == captures[0].source.url for link in runbook.links)


def test_runbook_markdown_has_every_section_and_the_sanitized_samples() -> None:
    capture = faithfulness_capture()
    markdown = GENERATOR.runbook(signature_for([capture]), [capture]).to_markdown()
    for heading in ("# Runbook:", "## Symptoms", "## Evidence", "### Sample traces (sanitized)",
                    "## Probable causes", "## Steps", "## Links"):
        assert heading in markdown
    assert "`Can I return shoes after 45 days?`" in markdown
    assert "faithfulness=fail (0.12)" in markdown
    assert "not grounded in the retrieved context" in markdown


# ---- the protocol and the fallback ---------------------------------------------------------------------------
def test_the_deterministic_generator_satisfies_the_protocol_and_repeats_itself_exactly() -> None:
    assert isinstance(GENERATOR, ArtifactGenerator)
    capture = timeout_capture()
    signature = signature_for([capture])
    again = DeterministicArtifactGenerator()
    assert GENERATOR.eval_case(capture, signature) == again.eval_case(capture, signature)
    assert GENERATOR.guardrail(signature, [capture]) == again.guardrail(signature, [capture])
    assert GENERATOR.runbook(signature, [capture]).to_markdown() == again.runbook(signature, [capture]).to_markdown()


class BrokenGenerator:
    name = "llm:broken"

    def __init__(self) -> None:
        self.fallback_reasons = ["The runbook sig-x was generated without the model (TimeoutError)."]

    def eval_case(self, capture: FailureCapture, signature: FailureSignature | None) -> EvalCase:
        raise TimeoutError("model did not answer")

    def guardrail(self, signature: FailureSignature, captures: object) -> GuardrailRule:
        raise ValueError("bad draft")

    def runbook(self, signature: FailureSignature, captures: object) -> Runbook:
        raise RuntimeError("provider down")


def test_the_fallback_generator_replaces_each_failed_artifact_and_says_which() -> None:
    generator = FallbackArtifactGenerator(BrokenGenerator(), DeterministicArtifactGenerator())
    capture = timeout_capture()
    signature = signature_for([capture])
    assert generator.eval_case(capture, signature) == GENERATOR.eval_case(capture, signature)
    assert generator.guardrail(signature, [capture]) == GENERATOR.guardrail(signature, [capture])
    assert generator.runbook(signature, [capture]).generator == "deterministic"
    assert generator.name == "llm:broken"
    reasons = generator.fallback_reasons
    assert len(reasons) == 4 and reasons[0].startswith("The runbook sig-x")
    assert "TimeoutError: model did not answer" in reasons[1]


# ---- against the sample corpus ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_groups() -> list[tuple[FailureSignature, list[FailureCapture]]]:
    hour = datetime(2026, 3, 2, 10, tzinfo=UTC)
    fetched = SampleSpanSource(seed=7, spans_per_hour=600).fetch(hour, hour + timedelta(hours=1))
    context = IngestContext(lineage=Lineage(run_id="r", partition_key="2026-03-02-10:00"),
                            detected_at="2026-03-02T11:00:00.000000Z", source="sample")
    captures = ingest_items(fetched.items, FailureRules(), UserHasher("test"), context).captures
    grouped = group_hour({"2026-03-02-10:00": captures}, {}, "2026-03-02T11:00:00.000000Z")
    regrouped = {c.capture_id: c for c in grouped.regrouped_captures}
    members: dict[str, list[FailureCapture]] = {}
    for capture in captures:
        capture = regrouped.get(capture.capture_id, capture)
        members.setdefault(capture.signature_id or "", []).append(capture)
    return [(signature, members[sid]) for sid, signature in grouped.signatures.items()]


def test_every_sample_error_rule_matches_all_captures_of_its_signature(sample_groups) -> None:
    checked = 0
    for signature, captures in sample_groups:
        rule = GENERATOR.guardrail(signature, captures)
        for check in rule.checks:
            if check.target == "error_message":
                pattern = re.compile(str(check.value), re.IGNORECASE)
                # Captures placed here without a message (grouping's placement rule) have nothing to match.
                assert all(pattern.search(c.error_message) for c in captures if c.error_message), signature.title
                checked += 1
    assert checked >= 5


def test_every_sample_signature_yields_valid_artifacts_of_every_kind(sample_groups) -> None:
    kinds = set()
    for signature, captures in sample_groups:
        kinds.add(signature.failure_kind)
        assert GENERATOR.guardrail(signature, captures).checks
        assert GENERATOR.runbook(signature, captures).to_markdown().startswith("# Runbook:")
        for capture in captures:
            assert GENERATOR.eval_case(sanitized_capture(capture), signature).expected
    assert len(kinds) == 4


@pytest.mark.parametrize(("error_type", "message", "expected", "not_expected"), [
    ("openai.RateLimitError", None, "rate limit", "too slowly"),
    ("ValueError", "could not find information for <quoted>", "No known pattern", "structure the code expects"),
    ("httpx.ConnectError", "[Errno <int>] Connection refused", "unreachable", "rate limit"),
])
def test_probable_causes_come_from_whole_words_of_the_error(error_type: str, message: str | None, expected: str,
                                                           not_expected: str) -> None:
    capture = make_capture(error_type=error_type, error_message=message)
    signature = signature_for([capture], fingerprint={**fingerprint_of(capture), "message": message})
    causes = " ".join(GENERATOR.runbook(signature, [capture]).probable_causes)
    assert expected in causes and not_expected not in causes
