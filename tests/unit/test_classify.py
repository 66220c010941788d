"""Failure classification: which signals fire, the primary kind, and severity."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.classify import FailureRules, failure_reasons, primary_kind, severity_of
from evalforge_assets.capture.spans import SpanError, parse_span
from evalforge_assets.models import FailureKind, Severity

RULES = FailureRules(quality_threshold=0.5)


def span(**attributes: object) -> dict:
    base = {
        "span_id": "5837261940283746512", "trace_id": "68f0a1c200000000b3e9d4f1a2c3d4e5", "parent_id": "undefined",
        "name": "support_agent", "span_kind": "agent", "ml_app": "support-bot",
        "start_ns": 1760600000123000000, "duration": 8.4e9, "status": "ok", "tags": ["env:prod"],
    }
    base.update(attributes)
    return {"id": base["span_id"], "type": "span", "attributes": base}


def kinds(item: dict) -> list[FailureKind]:
    return [r.kind for r in failure_reasons(parse_span(item), RULES)]


def test_healthy_span_has_no_reasons() -> None:
    assert kinds(span()) == []


def test_error_status_is_an_error_failure() -> None:
    assert kinds(span(status="error")) == [FailureKind.error]


def test_error_tag_counts_when_status_is_ok() -> None:
    assert kinds(span(tags=["error:1", "error_type:ToolTimeoutError"])) == [FailureKind.error]


def test_failing_assessment_is_eval_fail() -> None:
    evaluation = {"faithfulness": {"eval_metric_type": "score", "value": 0.12, "assessment": "fail"}}
    assert kinds(span(evaluation=evaluation)) == [FailureKind.eval_fail]


def test_low_score_without_assessment_is_low_quality_and_threshold_is_configurable() -> None:
    evaluation = {"relevance": {"eval_metric_type": "score", "value": 0.3}}
    assert kinds(span(evaluation=evaluation)) == [FailureKind.low_quality]
    lenient = FailureRules(quality_threshold=0.2)
    assert failure_reasons(parse_span(span(evaluation=evaluation)), lenient) == []


def test_score_at_threshold_is_not_low_quality() -> None:
    evaluation = {"relevance": {"eval_metric_type": "score", "value": 0.5}}
    assert kinds(span(evaluation=evaluation)) == []


@pytest.mark.parametrize("item", [
    span(tags=["feedback:thumbs_down"]),
    span(evaluation={"user_feedback": {"eval_metric_type": "categorical", "value": "negative"}}),
    span(evaluation={"thumbs": {"eval_metric_type": "boolean", "value": False}}),
])
def test_negative_user_feedback_from_tags_or_evaluations(item: dict) -> None:
    assert kinds(item) == [FailureKind.user_feedback]


def test_positive_feedback_is_not_a_failure() -> None:
    assert kinds(span(evaluation={"user_feedback": {"eval_metric_type": "categorical", "value": "positive"}})) == []


def test_primary_kind_prefers_error_then_eval() -> None:
    evaluation = {"faithfulness": {"eval_metric_type": "score", "value": 0.1, "assessment": "fail"}}
    reasons = failure_reasons(parse_span(span(status="error", evaluation=evaluation, tags=["feedback:bad"])), RULES)
    assert {r.kind for r in reasons} == {FailureKind.error, FailureKind.eval_fail, FailureKind.user_feedback}
    assert primary_kind(reasons) is FailureKind.error


def test_severity_root_error_is_critical_child_error_is_high() -> None:
    root = parse_span(span(status="error"))
    child = parse_span(span(status="error", parent_id="7781239912340012345", span_kind="tool"))
    assert severity_of(failure_reasons(root, RULES), root, RULES) is Severity.critical
    assert severity_of(failure_reasons(child, RULES), child, RULES) is Severity.high


def test_severity_toxicity_critical_low_quality_low() -> None:
    toxic = parse_span(span(span_kind="llm", parent_id="1",
                            evaluation={"toxicity": {"eval_metric_type": "score", "value": 0.9, "assessment": "fail"}}))
    low = parse_span(span(span_kind="llm", parent_id="1",
                          evaluation={"relevance": {"eval_metric_type": "score", "value": 0.4}}))
    assert severity_of(failure_reasons(toxic, RULES), toxic, RULES) is Severity.critical
    assert severity_of(failure_reasons(low, RULES), low, RULES) is Severity.low


def test_start_time_in_ms_is_read_as_ns() -> None:
    assert parse_span(span(start_ns=1760600000123)).start_ns == 1760600000123000000


@pytest.mark.parametrize("attributes, fragment", [
    ({"span_id": None}, "span_id"),
    ({"start_ns": "yesterday"}, "start_ns"),
    ({"tags": 5}, "tags"),
])
def test_malformed_spans_raise_with_the_field(attributes: dict, fragment: str) -> None:
    with pytest.raises(SpanError) as error:
        parse_span(span(**attributes))
    assert fragment in error.value.reason
