"""Deciding whether a span is a failure, which kind, and how severe. Pure functions over `LLMSpan`."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

from evalforge_assets.capture.spans import LLMSpan
from evalforge_assets.models import SEVERITY_RANK, FailureKind, FailureReason, Severity

# When several signals fire, the capture's kind is the most actionable one.
KIND_PRECEDENCE = (FailureKind.error, FailureKind.eval_fail, FailureKind.user_feedback, FailureKind.low_quality)


class FailureRules(BaseModel):
    """The configurable rules. Defaults follow Datadog's conventions (status, error tags, assessments)."""

    quality_threshold: float = Field(default=0.5, description="Score evaluations below this are low quality.")
    error_tag_values: dict[str, list[str]] = Field(default_factory=lambda: {"error": ["1", "true"]})
    feedback_tags: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "feedback": ["thumbs_down", "negative", "bad", "-1"],
            "user_feedback": ["thumbs_down", "negative", "bad", "-1"],
            "user_rating": ["1", "0", "-1"],
        }
    )
    feedback_eval_labels: list[str] = Field(
        default_factory=lambda: ["user_feedback", "feedback", "thumbs", "user_rating", "human_feedback"]
    )
    negative_feedback_values: list[str] = Field(
        default_factory=lambda: ["negative", "thumbs_down", "bad", "-1", "0", "false", "no"]
    )
    critical_eval_labels: list[str] = Field(
        default_factory=lambda: ["toxicity", "prompt_injection", "pii", "sensitive_data", "jailbreak"]
    )
    high_eval_labels: list[str] = Field(default_factory=lambda: ["faithfulness", "hallucination", "groundedness"])


def _is_feedback_label(label: str, rules: FailureRules) -> bool:
    lowered = label.lower()
    return any(name in lowered for name in rules.feedback_eval_labels)


def _feedback_is_negative(value: object, rules: FailureRules) -> bool:
    if isinstance(value, bool):
        return value is False
    if isinstance(value, (int, float)):
        return value <= 0
    return str(value).strip().lower() in rules.negative_feedback_values


def failure_reasons(span: LLMSpan, rules: FailureRules) -> list[FailureReason]:
    """Every failure signal that fires on the span, in a stable order; empty means the span is healthy."""
    reasons: list[FailureReason] = []
    tags = span.tag_map

    if span.status.lower() == "error":
        reasons.append(FailureReason(kind=FailureKind.error, rule="status_error", detail="span status is error"))
    else:
        for key, values in rules.error_tag_values.items():
            if tags.get(key, "").lower() in values:
                reasons.append(FailureReason(kind=FailureKind.error, rule="error_tag", detail=f"tag {key}:{tags[key]}"))
                break

    for key, values in rules.feedback_tags.items():
        if key in tags and tags[key].lower() in values:
            reasons.append(
                FailureReason(kind=FailureKind.user_feedback, rule="feedback_tag", detail=f"tag {key}:{tags[key]}")
            )
            break

    for label, evaluation in sorted(span.evaluation.items()):
        if not isinstance(evaluation, dict):
            continue
        value = evaluation.get("value")
        assessment = str(evaluation.get("assessment") or "").lower()
        if _is_feedback_label(label, rules):
            if assessment == "fail" or _feedback_is_negative(value, rules):
                reasons.append(FailureReason(kind=FailureKind.user_feedback, rule="feedback_evaluation",
                                             detail=f"{label}={value}", evaluation=label))
            continue
        if assessment == "fail":
            reasons.append(FailureReason(kind=FailureKind.eval_fail, rule="evaluation_failed",
                                         detail=f"{label} assessment=fail (value={value})", evaluation=label))
        elif (
            evaluation.get("eval_metric_type") == "score"
            and isinstance(value, (int, float))
            and not isinstance(value, bool)
            and value < rules.quality_threshold
        ):
            reasons.append(FailureReason(kind=FailureKind.low_quality, rule="score_below_threshold",
                                         detail=f"{label}={value} < {rules.quality_threshold}", evaluation=label))
    return reasons


def primary_kind(reasons: Iterable[FailureReason]) -> FailureKind:
    kinds = {reason.kind for reason in reasons}
    return next(kind for kind in KIND_PRECEDENCE if kind in kinds)


def _reason_severity(reason: FailureReason, span: LLMSpan, rules: FailureRules) -> Severity:
    if reason.kind is FailureKind.error:
        # A failed root or agent span failed the user's whole request; a failed child may have been recovered.
        return Severity.critical if span.parent_id is None or span.span_kind == "agent" else Severity.high
    if reason.kind is FailureKind.eval_fail:
        label = (reason.evaluation or "").lower()
        if label in rules.critical_eval_labels:
            return Severity.critical
        return Severity.high if label in rules.high_eval_labels else Severity.medium
    if reason.kind is FailureKind.user_feedback:
        return Severity.medium
    return Severity.low


def severity_of(reasons: list[FailureReason], span: LLMSpan, rules: FailureRules) -> Severity:
    """The most severe of the reasons' severities."""
    return min((_reason_severity(r, span, rules) for r in reasons), key=SEVERITY_RANK.__getitem__)
