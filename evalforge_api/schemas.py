"""Request and response models of the reviewer API; their examples are what /docs shows.

Query parameters are pydantic models that forbid extras, so a misspelt filter is a 422 instead of being
silently ignored. List filters take repeated (`severity=high&severity=low`) or comma-separated
(`severity=high,low`) values; enum filters reject unknown values naming the allowed ones.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from evalforge_assets.models import (
    AuditEntry,
    CaptureStatus,
    FailureCapture,
    FailureKind,
    FailureReason,
    FailureSignature,
    IncidentCard,
    IncidentRecord,
    Severity,
    SignatureStatus,
    SystemState,
    iso,
)
from evalforge_assets.recovery.warroom.summary import WarRoomSummary

T = TypeVar("T")

MAX_FILTER_VALUES = 50
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
PREVIEW_CHARS = 200

EXAMPLE_CAPTURE_ID = "9f2c4d1e7a6b43c58e0d2f1a3b4c5d6e"
EXAMPLE_SIGNATURE_ID = "v1-4be1c0a2d9e87f31"
EXAMPLE_TIME = "2026-01-15T10:04:12.345678Z"


# ---- shared shapes -----------------------------------------------------------------------------------------
class ListResponse(BaseModel, Generic[T]):
    """One page of a list endpoint. Follow `next_cursor` until it is null to see every item exactly once."""

    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page. Opaque: do not build one.")


class ErrorBody(BaseModel):
    detail: str = Field(examples=["No capture with id 'abc' exists; list them at /v1/captures to find it."])


class FieldError(BaseModel):
    field: str = Field(examples=["query.limit"])
    reason: str = Field(examples=["Input should be less than or equal to 200 (got '500')"])


class ValidationErrorBody(BaseModel):
    message: str = Field(examples=["The request has 1 invalid field: query.limit."])
    detail: list[FieldError]


def _split_values(value: Any) -> list[str]:
    """Repeated and comma-separated values alike become one flat list (`high, critical` reads as two)."""
    raw = value if isinstance(value, list) else [value]
    parts = [part.strip(" \t") for item in raw for part in str(item).split(",")]
    if any(not part for part in parts):
        raise ValueError("has an empty value; leave the parameter out to not filter on it")
    return parts


_LEAP_SECOND = re.compile(r"(?<=[Tt ]\d\d:\d\d):60")


def _parse_time(value: Any) -> datetime:
    """An ISO-8601 time, as an aware UTC datetime (no zone means UTC)."""
    text = _LEAP_SECOND.sub(":59", str(value).strip())  # RFC 3339 allows :60; Python's datetime does not
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError("is not an ISO-8601 time; write it like 2026-01-15T10:00:00Z") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        # Only the first and last day of the calendar overflow when moved to UTC; they bound every window.
        return (datetime.min if moment.year == datetime.min.year else datetime.max).replace(tzinfo=UTC)


# Stored times are compared as strings of four-digit years; nothing was recorded before this.
_EARLIEST_STORED = datetime(1000, 1, 1, tzinfo=UTC)


def store_time(moment: datetime) -> str:
    """`moment` as the store writes times (UTC, microseconds, `Z`), so string order is time order."""
    return iso(max(moment, _EARLIEST_STORED))


def _limited(values: list[Any]) -> list[Any]:
    if len(values) > MAX_FILTER_VALUES:
        raise ValueError(f"at most {MAX_FILTER_VALUES} values can be given")
    return values


Timestamp = Annotated[datetime, BeforeValidator(_parse_time),
                      WithJsonSchema({"type": "string", "format": "date-time"})]
# Commas separate values, so one value never holds a comma (nor, being trimmed, starts or ends with a blank).
FilterText = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^,\t ](?:[^,]*[^,\t ])?$")]
TextValues = Annotated[list[FilterText], BeforeValidator(_split_values), AfterValidator(_limited)]
SeverityValues = Annotated[list[Severity], BeforeValidator(_split_values), AfterValidator(_limited)]
KindValues = Annotated[list[FailureKind], BeforeValidator(_split_values), AfterValidator(_limited)]
CaptureStatusValues = Annotated[list[CaptureStatus], BeforeValidator(_split_values), AfterValidator(_limited)]
SignatureStatusValues = Annotated[list[SignatureStatus], BeforeValidator(_split_values),
                                  AfterValidator(_limited)]


class _Query(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page, 1 to 200.")
    cursor: str | None = Field(None, max_length=2000, description="`next_cursor` of the previous page.")


class _WindowQuery(_Query):
    from_: Timestamp | None = Field(
        None, alias="from", examples=["2026-01-15T00:00:00Z"],
        description="Only what happened at or after this ISO-8601 time (UTC if no zone).")
    to: Timestamp | None = Field(None, examples=["2026-01-16T00:00:00Z"],
                                 description="Only what happened before this ISO-8601 time (exclusive).")

    @field_validator("to")
    @classmethod
    def _after_from(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        start = info.data.get("from_")
        if value is not None and start is not None and value <= start:
            raise ValueError("must be later than `from`")
        return value

    def window(self) -> tuple[datetime | None, datetime | None]:
        return self.from_, self.to

    @property
    def has_window(self) -> bool:
        return self.from_ is not None or self.to is not None

    @property
    def stored_window(self) -> tuple[str | None, str | None]:
        """The window in the store's time format, for range filters."""
        return (store_time(self.from_) if self.from_ else None, store_time(self.to) if self.to else None)


class CaptureListQuery(_WindowQuery):
    severity: SeverityValues = Field(default_factory=list, examples=[["critical", "high"]])
    agent: TextValues = Field(default_factory=list, examples=[["support-agent"]])
    ml_app: TextValues = Field(default_factory=list, examples=[["shop-assistant"]])
    failure_kind: KindValues = Field(default_factory=list, examples=[["error", "eval_fail"]])
    status: CaptureStatusValues = Field(default_factory=list, examples=[["new"]])
    signature_id: TextValues = Field(default_factory=list, examples=[[EXAMPLE_SIGNATURE_ID]])
    assignee: TextValues = Field(default_factory=list, examples=[["ana@example.com"]])


SignatureSort = Literal["count", "last_seen", "severity"]
UNASSIGNED = "none"  # the assignee filter value that means "nobody"


class SignatureListQuery(_WindowQuery):
    severity: SeverityValues = Field(default_factory=list, examples=[["critical", "high"]])
    agent: TextValues = Field(default_factory=list, examples=[["support-agent"]])
    ml_app: TextValues = Field(default_factory=list, examples=[["shop-assistant"]])
    failure_kind: KindValues = Field(default_factory=list, examples=[["error"]])
    status: SignatureStatusValues = Field(default_factory=list, examples=[["new", "ongoing", "regressed"]])
    assignee: TextValues = Field(default_factory=list, examples=[["ana@example.com"]],
                                 description=f"Assigned to any of these; `{UNASSIGNED}` alone lists unassigned "
                                             "signatures.")
    sort: SignatureSort = Field("count", description="count and last_seen: highest first; severity: most "
                                                     "severe first.")
    include_merged: bool = Field(False, description="Also list signatures merged into another one.")
    samples: int = Field(1, ge=0, le=5, description="Sample captures shown as summaries per row (0 to 5); "
                                                    "every row lists all its `sample_capture_ids` anyway.")

    @field_validator("assignee")
    @classmethod
    def _unassigned_alone(cls, value: list[str]) -> list[str]:
        # The store cannot match "missing" and named values in one `in` filter on both backends.
        if UNASSIGNED in value and len(value) > 1:
            raise ValueError(f"`{UNASSIGNED}` (unassigned) cannot be combined with names; ask for it on its own")
        return value


class PageQuery(_Query):
    """Paging of a signature's captures on its detail endpoint."""


# ---- captures ----------------------------------------------------------------------------------------------
class CaptureSummary(BaseModel):
    """A capture as a queue row; GET /v1/captures/{id} has everything."""

    capture_id: str
    occurred_at: str
    detected_at: str
    ml_app: str
    agent: str | None
    failure_kind: FailureKind
    severity: Severity
    status: CaptureStatus
    assignee: str | None
    signature_id: str | None
    error_type: str | None
    error_message: str | None
    reasons: list[FailureReason]
    span_name: str
    trace_id: str
    span_id: str
    datadog_url: str | None
    input_preview: str

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "capture_id": EXAMPLE_CAPTURE_ID, "occurred_at": EXAMPLE_TIME,
        "detected_at": "2026-01-15T11:05:00.000000Z",
        "ml_app": "shop-assistant", "agent": "support-agent", "failure_kind": "error", "severity": "high",
        "status": "new", "assignee": None, "signature_id": EXAMPLE_SIGNATURE_ID, "error_type": "TimeoutError",
        "error_message": "upstream model timed out after <num>s",
        "reasons": [{"kind": "error", "rule": "span_error", "detail": "status=error"}],
        "span_name": "answer_question", "trace_id": "68f0a1c200000000b3e9d4f1a2c3d4e5",
        "span_id": "5837261940283746512", "datadog_url": None,
        "input_preview": "Where is my order [ORDER_ID]?",
    }]})

    @classmethod
    def of(cls, capture: FailureCapture) -> CaptureSummary:
        return cls(
            capture_id=capture.capture_id, occurred_at=capture.occurred_at, detected_at=capture.detected_at,
            ml_app=capture.ml_app, agent=capture.agent, failure_kind=capture.failure_kind,
            severity=capture.severity, status=capture.status, assignee=capture.assignee,
            signature_id=capture.signature_id, error_type=capture.error_type,
            error_message=capture.error_message,
            reasons=capture.reasons, span_name=capture.source.span_name, trace_id=capture.source.trace_id,
            span_id=capture.source.span_id, datadog_url=capture.source.url,
            input_preview=capture.input_text[:PREVIEW_CHARS],
        )


class CaptureDetail(FailureCapture):
    history: list[AuditEntry] = Field(description="The newest audit entries about this capture, newest "
                                                  "first.")


def _without_null(schema: dict[str, Any]) -> None:
    """Document a field as non-nullable while its Python default stays None (meaning "not sent")."""
    schema["anyOf"] = [branch for branch in schema.get("anyOf", []) if branch.get("type") != "null"]


class CapturePatchRequest(BaseModel):
    """Change status, assignee (null unassigns) or add a note; send at least one."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1, "examples": [
        {"status": "triaged", "assignee": "ana@example.com", "note": "Timeout in the order lookup tool."},
        {"assignee": None},
    ]})

    status: CaptureStatus | None = Field(None, description="Leave it out to keep the current status.",
                                         json_schema_extra=_without_null)
    assignee: str | None = Field(None, min_length=1, max_length=200)
    note: str | None = Field(None, min_length=1, max_length=5000)

    @model_validator(mode="after")
    def _something_to_do(self) -> CapturePatchRequest:
        if not self.model_fields_set & {"status", "assignee", "note"}:
            raise ValueError("send at least one of status, assignee or note")
        if "status" in self.model_fields_set and self.status is None:
            raise ValueError("status cannot be null; leave it out to keep the current status")
        return self


# ---- signatures --------------------------------------------------------------------------------------------
_SIGNATURE_EXAMPLE: dict[str, Any] = {
    "signature_id": EXAMPLE_SIGNATURE_ID, "title": "TimeoutError in support-agent: upstream model timed out",
    "fingerprint": {"error_type": "TimeoutError", "agent": "support-agent",
                    "message": "upstream model timed out after <num>s"},
    "fingerprint_version": 1, "ml_app": "shop-assistant", "agent": "support-agent", "failure_kind": "error",
    "error_type": "TimeoutError", "severity": "high", "status": "new", "count": 42, "count_in_window": 7,
    "first_seen": "2026-01-12T08:00:01.000000Z", "last_seen": EXAMPLE_TIME,
    "sample_capture_ids": [EXAMPLE_CAPTURE_ID], "samples": [], "merged_into": None, "merged_children": [],
}


class SignatureRow(BaseModel):
    """A signature as a queue row: what it is, how often it happened and a few sample captures."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SIGNATURE_EXAMPLE]})

    signature_id: str
    title: str
    fingerprint: dict[str, Any]
    fingerprint_version: int
    ml_app: str
    agent: str | None
    failure_kind: FailureKind
    error_type: str | None
    severity: Severity
    status: SignatureStatus
    count: int = Field(description="Captures in this signature (merged children included), all time.")
    count_in_window: int | None = Field(description="Captures in the hours overlapping from/to; null without "
                                                    "a window.")
    first_seen: str
    last_seen: str
    sample_capture_ids: list[str]
    samples: list[CaptureSummary]
    merged_into: str | None
    merged_children: list[str]
    assignee: str | None = None
    review_version: int = Field(0, description="Reviewer decisions so far; send it back as `expected_version` "
                                               "(or `If-Match`) so a change made meanwhile is not overwritten.")
    reviewed_by: str | None = Field(None, description="Who made the latest reviewer decision.")
    reviewed_at: str | None = None

    @classmethod
    def of(cls, signature: FailureSignature, samples: list[CaptureSummary],
           count_in_window: int | None = None) -> SignatureRow:
        return cls(
            signature_id=signature.signature_id, title=signature.title, fingerprint=signature.fingerprint,
            fingerprint_version=signature.fingerprint_version, ml_app=signature.ml_app, agent=signature.agent,
            failure_kind=signature.failure_kind, error_type=signature.error_type, severity=signature.severity,
            status=signature.status, count=signature.count, count_in_window=count_in_window,
            first_seen=signature.first_seen, last_seen=signature.last_seen,
            sample_capture_ids=signature.sample_capture_ids, samples=samples,
            merged_into=signature.merged_into,
            merged_children=signature.merged_children, assignee=signature.assignee,
            review_version=signature.review_version, reviewed_by=signature.reviewed_by,
            reviewed_at=signature.reviewed_at,
        )


class SignatureDetail(SignatureRow):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        **_SIGNATURE_EXAMPLE, "count_in_window": None,
        "counts_by_hour": {"2026-01-15-09:00": 3, "2026-01-15-10:00": 4},
        "own_counts_by_hour": {"2026-01-15-09:00": 3, "2026-01-15-10:00": 4}, "resolved_in_version": None,
        "captures": {"items": [], "next_cursor": None}, "history": [],
    }]})

    counts_by_hour: dict[str, int] = Field(description="Captures per hour (UTC hour keys like "
                                                       "2026-01-15-10:00), merged children included.")
    own_counts_by_hour: dict[str, int] = Field(description="Captures per hour of this fingerprint alone.")
    resolved_in_version: str | None
    captures: ListResponse[CaptureSummary] = Field(description="This signature's captures, newest first; "
                                                               "page with `limit` and `cursor`.")
    history: list[AuditEntry] = Field(description="The newest audit entries about this signature, newest "
                                                  "first.")


class SignaturePatchRequest(BaseModel):
    """Move a signature (and with it all its captures) to a new status, assign it (null unassigns), or add a
    note; send at least one. `expected_version` makes the change conditional on nobody else's decision."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "anyOf": [{"required": ["status"]}, {"required": ["assignee"]}, {"required": ["note"]}], "examples": [
        {"status": "triaged", "note": "Known timeout in the order lookup tool; owner: checkout team."},
        {"assignee": "ana@example.com", "expected_version": 3},
    ]})

    status: SignatureStatus | None = Field(None, description="Leave it out to keep the current status.",
                                           json_schema_extra=_without_null)
    assignee: str | None = Field(None, min_length=1, max_length=200)
    note: str | None = Field(None, min_length=1, max_length=5000)
    expected_version: int | None = Field(
        None, ge=0, json_schema_extra=_without_null,
        description="The `review_version` you decided on; a 409 says who changed it if it is no longer current.")

    @model_validator(mode="after")
    def _something_to_do(self) -> SignaturePatchRequest:
        if not self.model_fields_set & {"status", "assignee", "note"}:
            raise ValueError("send at least one of status, assignee or note")
        if "status" in self.model_fields_set and self.status is None:
            raise ValueError("status cannot be null; leave it out to keep the current status")
        if "expected_version" in self.model_fields_set and self.expected_version is None:
            raise ValueError("expected_version cannot be null; leave it out to apply the change unconditionally")
        if self.assignee is not None and self.assignee.lower() == UNASSIGNED:
            raise ValueError(f"assignee {UNASSIGNED!r} is the queue's word for nobody; send null to unassign")
        return self


class SkippedCapture(BaseModel):
    capture_id: str
    status: CaptureStatus
    reason: str


class SignatureTriageResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "signature": _SIGNATURE_EXAMPLE, "captures_changed": 41, "captures_skipped": 1,
        "skipped": [{"capture_id": EXAMPLE_CAPTURE_ID, "status": "ignored",
                     "reason": "a capture in status 'ignored' is not moved to 'triaged' by a signature "
                               "decision"}],
    }]})

    signature: SignatureRow
    captures_changed: int
    captures_skipped: int
    skipped: list[SkippedCapture] = Field(description="The first 100 captures left alone, with why.")


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"signature_ids": ["v1-9d0e3c1f55aa2b10", "v1-0c1d2e3f4a5b6c7d"]},
    ]})

    signature_ids: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(min_length=1,
                                                                                     max_length=50)


class MergeResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "signature": {**_SIGNATURE_EXAMPLE, "merged_children": ["v1-9d0e3c1f55aa2b10"]},
        "signature_ids": ["v1-9d0e3c1f55aa2b10"], "captures_moved": 12,
    }]})

    signature: SignatureRow = Field(description="The parent signature after the change.")
    signature_ids: list[str] = Field(description="The signatures merged into, or split out of, the parent.")
    captures_moved: int


# ---- ingestion ---------------------------------------------------------------------------------------------
def _json_number(value: Any) -> Any:
    """JSON `true` or `"2"` is not a number (pydantic's lax mode would read them as 1 and 2); `2.0` is 2."""
    if isinstance(value, bool | str):
        raise ValueError("must be a JSON number, such as 2")  # noqa: TRY004 - pydantic reports only ValueError
    return value


class RunOnceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"hours": 1}]})

    hours: Annotated[int, BeforeValidator(_json_number)] = Field(
        1, ge=1, le=48, description="How many of the latest closed hours to ingest.")


class RunOnceResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "run_ids": ["0f6b2d4e-1c3a-4b5d-8e7f-9a0b1c2d3e4f"], "partitions": ["2026-01-15-10:00"],
    }]})

    run_ids: list[str] = Field(description="One Dagster run per partition, in the same order.")
    partitions: list[str] = Field(description="The hourly partition keys launched, oldest first.")


# ---- incidents of every service ----------------------------------------------------------------------------
StateValues = Annotated[list[SystemState], BeforeValidator(_split_values), AfterValidator(_limited)]


class IncidentListQuery(_WindowQuery):
    """`from`/`to` bound when the incident opened (its card's `detected_at`)."""

    state: StateValues = Field(default_factory=list, examples=[["INCIDENT_ACTIVE", "VALIDATING"]],
                               description="Only incidents in one of these states.")
    service: FilterText | None = Field(None, examples=["demo-app"], description="Only this service's incidents.")


class IncidentListItem(IncidentCard):
    """An incident of any service as a list row: its card plus where it stands."""

    service: str = Field(examples=["demo-app"])
    state: SystemState
    open: bool = Field(description="false once closed: HEALTHY, or RECOVERED on its monitor's word for a "
                                   "service Evalforge cannot validate.")
    opened_at: str = Field(description="When it opened (the card's detected_at).", examples=[EXAMPLE_TIME])
    resolved_at: str | None = Field(description="When it reached RECOVERED, if it did.")
    alert_keys: list[str] = Field(description="The Datadog monitor alert cycles that opened or joined it.")
    war_room: WarRoomSummary | None = Field(
        default=None, description="Its Slack war room and whether Slack is failing for it; null when Slack is "
                                  "configured but no war room was opened for it (yet).")

    @classmethod
    def of(cls, incident: IncidentRecord, war_room: WarRoomSummary | None = None) -> IncidentListItem:
        return cls(**incident.card.model_dump(), service=incident.service, state=incident.state,
                   open=incident.open, opened_at=incident.card.detected_at, resolved_at=incident.resolved_at,
                   alert_keys=list(incident.alert_keys), war_room=war_room)
