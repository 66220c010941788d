"""Export-side records: packages for the improvement loop and the audit trail of who did what."""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import Field

from evalforge_assets.models._base import Record


class Destination(str, Enum):
    eval_dataset = "eval_dataset"
    guardrail = "guardrail"
    runbook = "runbook"
    webhook = "webhook"


class DeliveryStatus(str, Enum):
    pending = "pending"
    running = "running"
    delivered = "delivered"
    failed = "failed"


class Artifact(Record):
    destination: Destination
    kind: str
    location: str
    count: int = 1
    checksum: str | None = None


class ExportPackage(Record):
    export_id: str
    capture_ids: list[str] = Field(default_factory=list)
    signature_ids: list[str] = Field(default_factory=list)
    destinations: list[Destination]
    artifacts: list[Artifact] = Field(default_factory=list)
    status: dict[str, DeliveryStatus] = Field(default_factory=dict)
    overall_status: DeliveryStatus = DeliveryStatus.pending
    requested_by: str
    requested_at: str
    delivered_at: str | None = None
    error: dict[str, str] = Field(default_factory=dict)
    run_id: str | None = None


class AuditEntry(Record):
    audit_id: str
    at: str
    actor: str
    action: str
    resource_type: str
    resource_id: str
    destination: str | None = None
    status: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class RequestKind(str, Enum):
    export = "export"
    test_run = "test_run"
    webhook = "webhook"
    incident = "incident"


class PendingRequest(Record):
    """Work the API asks a sensor to pick up (export, test run, webhook event)."""

    request_id: str
    kind: RequestKind
    payload: dict[str, Any] = Field(default_factory=dict)
    created_at: str
    status: str = "pending"
    run_id: str | None = None
