"""Capture-side records: one stored failure per span, its signature group, and quarantined input."""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import Field

from evalforge_assets.models._base import SCHEMA_VERSION, Record


class FailureKind(str, Enum):
    error = "error"
    eval_fail = "eval_fail"
    low_quality = "low_quality"
    user_feedback = "user_feedback"


class Severity(str, Enum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"


SEVERITY_RANK = {Severity.critical: 0, Severity.high: 1, Severity.medium: 2, Severity.low: 3}


class CaptureStatus(str, Enum):
    new = "new"
    triaged = "triaged"
    ready = "ready"
    exported = "exported"
    ignored = "ignored"


class SourceTraceReference(Record):
    trace_id: str
    span_id: str
    parent_id: str | None = None
    ml_app: str
    span_name: str
    span_kind: str
    start_time: str
    duration_ms: float | None = None
    service: str | None = None
    env: str | None = None
    version: str | None = None
    session_id: str | None = None
    url: str | None = Field(default=None, description="Link back to the span in Datadog LLM Observability.")


class FailureReason(Record):
    """One signal that fired, e.g. kind=eval_fail, rule='evaluation_failed', detail='faithfulness=fail'."""

    kind: FailureKind
    rule: str
    detail: str
    evaluation: str | None = None


class EvaluationResult(Record):
    label: str
    metric_type: str | None = None
    value: Any = None
    assessment: str | None = None
    reasoning: str | None = None


class ChatMessage(Record):
    role: str
    content: str = ""


class Lineage(Record):
    run_id: str | None = None
    partition_key: str | None = None
    asset: str | None = None


class FailureCapture(Record):
    capture_id: str
    source: SourceTraceReference
    detected_at: str
    occurred_at: str = Field(description="The span's start time; the queue filters and sorts on it.")
    ml_app: str
    failure_kind: FailureKind
    reasons: list[FailureReason]
    severity: Severity
    agent: str | None = None
    error_type: str | None = None
    error_message: str | None = None
    error_stack: str | None = None
    input_text: str = ""
    output_text: str = ""
    input_messages: list[ChatMessage] = Field(default_factory=list)
    output_messages: list[ChatMessage] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)
    evaluations: list[EvaluationResult] = Field(default_factory=list)
    model_name: str | None = None
    user_hash: str | None = None
    pii: dict[str, int] = Field(default_factory=dict)
    signature_id: str | None = Field(default=None, description="The signature the capture is queued under "
                                     "(a merge parent once its own signature is merged).")
    fingerprint_id: str | None = Field(default=None, description="The capture's own signature: the hash of its "
                                       "fingerprint, which never changes.")
    status: CaptureStatus = CaptureStatus.new
    assignee: str | None = None
    notes: list[dict[str, Any]] = Field(default_factory=list)
    export_ids: list[str] = Field(default_factory=list, description="The exports that delivered this capture, "
                                  "oldest first; the export run adds its id when every destination is delivered.")
    lineage: Lineage = Field(default_factory=Lineage)
    schema_version: int = SCHEMA_VERSION


class SignatureStatus(str, Enum):
    new = "new"
    ongoing = "ongoing"
    triaged = "triaged"
    ready = "ready"
    exported = "exported"
    resolved = "resolved"
    regressed = "regressed"
    ignored = "ignored"


class FailureSignature(Record):
    signature_id: str
    title: str
    fingerprint: dict[str, Any]
    fingerprint_version: int = 1
    ml_app: str
    agent: str | None = None
    failure_kind: FailureKind
    error_type: str | None = None
    severity: Severity
    count: int = 0
    first_seen: str
    last_seen: str
    counts_by_hour: dict[str, int] = Field(
        default_factory=dict, description="Captures per hour, including those of merged children."
    )
    own_counts_by_hour: dict[str, int] = Field(
        default_factory=dict, description="Captures per hour of this fingerprint alone; what unmerge restores."
    )
    status: SignatureStatus = SignatureStatus.new
    sample_capture_ids: list[str] = Field(default_factory=list)
    merged_into: str | None = None
    merged_children: list[str] = Field(default_factory=list)
    resolved_in_version: str | None = None
    resolved_at: str | None = None
    regressed_at: str | None = None
    max_version: str | None = None
    # Reviewer state. review_version counts reviewer decisions (status, assignee, notes), not grouping's count
    # updates, so a reviewer's expected_version only conflicts with another person's decision.
    assignee: str | None = None
    review_version: int = 0
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    schema_version: int = SCHEMA_VERSION


class QuarantineRecord(Record):
    """A span that could not be read: kept (sanitized) with why, so nothing is silently lost."""

    quarantine_id: str
    partition_key: str | None = None
    source: str
    reason: str
    sanitized_payload: str
    trace_id: str | None = None
    span_id: str | None = None
    run_id: str | None = None
    quarantined_at: str
