"""Pydantic models shared by the pipeline, the store and the API. Importing them never imports Dagster."""

from evalforge_assets.models._base import SCHEMA_VERSION, Contract, Record, iso, now_iso, parse_iso, utc_now
from evalforge_assets.models.captures import (
    SEVERITY_RANK,
    CaptureStatus,
    ChatMessage,
    EvaluationResult,
    FailureCapture,
    FailureKind,
    FailureReason,
    FailureSignature,
    Lineage,
    QuarantineRecord,
    Severity,
    SignatureStatus,
    SourceTraceReference,
)
from evalforge_assets.models.claims import Claim
from evalforge_assets.models.exports import (
    Artifact,
    AuditEntry,
    DeliveryStatus,
    Destination,
    ExportPackage,
    PendingRequest,
    RequestKind,
)
from evalforge_assets.models.incidents import (
    CheckTarget,
    CopilotAnswer,
    DatadogSummary,
    EventEnvelope,
    EventType,
    HttpMethod,
    IncidentCard,
    IncidentRecord,
    Link,
    Plan,
    PlanItem,
    PlanItemType,
    Signal,
    StoredEvent,
    SystemState,
    SystemStatus,
    TestResult,
    TestRun,
    TestRunStatus,
    TestStatus,
    TimelineEntry,
)

