"""Exports and the audit trail: request an export (the export sensor runs it), follow its delivery per
destination, re-run it, and read who did what, when, to which destination, with what status."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from evalforge_api.auth import Lead, Viewer
from evalforge_api.deps import CursorsDep, ExportServiceDep
from evalforge_api.errors import AUTH_RESPONSES, CONFLICT, NOT_FOUND
from evalforge_api.schemas import ListResponse, PageQuery
from evalforge_assets.exports import MAX_EXPORT_CAPTURES
from evalforge_assets.models import Artifact, AuditEntry, DeliveryStatus, Destination, ExportPackage

MAX_SIGNATURES_PER_EXPORT = 200
MAX_FILTER_VALUES = 10
EXAMPLE_EXPORT_ID = "exp-3f9a0c1d2b4e5f6a7b8c"

IdText = Annotated[str, Field(min_length=1, max_length=200)]
ExportId = Annotated[str, Path(min_length=1, max_length=200, examples=[EXAMPLE_EXPORT_ID])]


def _split(value: Any) -> list[str]:
    """Repeated and comma-separated values alike become one flat list, as on the other list endpoints; an empty
    value is refused rather than read as "no filter", so `status=` cannot silently list everything."""
    raw = value if isinstance(value, list) else [value]
    parts = [part.strip() for item in raw for part in str(item).split(",")]
    if any(not part for part in parts):
        raise ValueError("empty values are not allowed; leave the parameter out to not filter")
    return parts


StatusValues = Annotated[list[DeliveryStatus], BeforeValidator(_split), Field(max_length=MAX_FILTER_VALUES)]


# ---- request and response bodies ---------------------------------------------------------------------------
class ExportCreateRequest(BaseModel):
    """Captures to export (listed ones plus every capture of the listed signatures) and where to deliver."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        # At least one of the two lists must be non-empty; said in the schema too, so clients can know it.
        "anyOf": [{"required": ["capture_ids"], "properties": {"capture_ids": {"minItems": 1}}},
                  {"required": ["signature_ids"], "properties": {"signature_ids": {"minItems": 1}}}],
        "examples": [
            {"signature_ids": ["sig_v1_4be1c0a2d9e87f31aa02"],
             "destinations": ["eval_dataset", "guardrail", "runbook"]},
            {"capture_ids": ["9f2c4d1e7a6b43c58e0d2f1a3b4c5d6e"], "destinations": ["eval_dataset", "webhook"]},
        ]})

    capture_ids: list[IdText] = Field(default_factory=list, max_length=MAX_EXPORT_CAPTURES)
    signature_ids: list[IdText] = Field(default_factory=list, max_length=MAX_SIGNATURES_PER_EXPORT)
    destinations: list[Destination] = Field(min_length=1, max_length=len(Destination),
                                            json_schema_extra={"uniqueItems": True},
                                            description="eval_dataset, guardrail, runbook and/or webhook, each "
                                                        "at most once.")

    @model_validator(mode="after")
    def _something_to_export(self) -> ExportCreateRequest:
        if not self.capture_ids and not self.signature_ids:
            raise ValueError("send capture_ids, signature_ids or both: an export needs something to export")
        if len(set(self.destinations)) != len(self.destinations):
            raise ValueError("list each destination once")
        return self


class SkippedCapture(BaseModel):
    capture_id: str
    reason: str


class ExportAccepted(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "export_id": EXAMPLE_EXPORT_ID, "status": "pending", "destinations": ["eval_dataset", "runbook"],
        "capture_ids": ["9f2c4d1e7a6b43c58e0d2f1a3b4c5d6e"], "signature_ids": ["sig_v1_4be1c0a2d9e87f31aa02"],
        "skipped": [], "url": f"/v1/exports/{EXAMPLE_EXPORT_ID}",
    }]})

    export_id: str
    status: DeliveryStatus
    destinations: list[Destination]
    capture_ids: list[str] = Field(description="Every capture the export covers; each is now `ready`.")
    signature_ids: list[str]
    skipped: list[SkippedCapture] = Field(description="Captures of the listed signatures left out, with why.")
    url: str = Field(description="Where to follow the export's delivery.")


class DestinationDelivery(BaseModel):
    destination: Destination
    status: DeliveryStatus
    attempts: int | None = Field(description="Tries made in the latest run; null before the first run.")
    error: str | None
    artifacts: list[Artifact]


class ExportView(BaseModel):
    """An export with its delivery per destination: status, artifacts (what went where) and errors."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "export_id": EXAMPLE_EXPORT_ID, "overall_status": "failed",
        "deliveries": [
            {"destination": "eval_dataset", "status": "delivered", "attempts": 1, "error": None, "artifacts": [
                {"destination": "eval_dataset", "kind": "eval_cases_jsonl", "count": 12,
                 "location": "/srv/evalforge/exports/exp-3f9a0c1d2b4e5f6a7b8c/eval_cases.jsonl",
                 "checksum": "sha256:5be0..."}]},
            {"destination": "webhook", "status": "failed", "attempts": 3, "artifacts": [],
             "error": "webhook failed after 3 attempts; last error: POST https://hooks.example.com/evalforge "
                      "answered HTTP 500"},
        ],
        "capture_ids": ["9f2c4d1e7a6b43c58e0d2f1a3b4c5d6e"], "signature_ids": ["sig_v1_4be1c0a2d9e87f31aa02"],
        "requested_by": "key-1a2b3c4d5e", "requested_at": "2026-01-15T10:04:12.345678Z",
        "started_at": "2026-01-15T10:04:30.000000Z", "finished_at": "2026-01-15T10:04:41.000000Z",
        "delivered_at": None, "run_id": "0f6b2d4e-1c3a-4b5d-8e7f-9a0b1c2d3e4f", "generator": "deterministic",
        "counts": {"eval_cases": 12, "guardrails": 1, "runbooks": 1},
    }]})

    export_id: str
    overall_status: DeliveryStatus = Field(description="delivered only when every destination is; failed when "
                                                       "any failed after its retries.")
    deliveries: list[DestinationDelivery]
    capture_ids: list[str]
    signature_ids: list[str]
    requested_by: str
    requested_at: str
    started_at: str | None
    finished_at: str | None
    delivered_at: str | None
    run_id: str | None = Field(description="The Dagster run of the latest attempt.")
    generator: str | None
    counts: dict[str, int]

    @classmethod
    def of(cls, package: ExportPackage) -> ExportView:
        extra = package.model_extra or {}
        attempts = extra.get("attempts") or {}
        deliveries = [
            DestinationDelivery(
                destination=destination,
                status=package.status.get(destination.value, DeliveryStatus.pending),
                attempts=attempts.get(destination.value), error=package.error.get(destination.value),
                artifacts=[a for a in package.artifacts if a.destination is destination],
            )
            for destination in package.destinations
        ]
        return cls(export_id=package.export_id, overall_status=package.overall_status, deliveries=deliveries,
                   capture_ids=package.capture_ids, signature_ids=package.signature_ids,
                   requested_by=package.requested_by, requested_at=package.requested_at,
                   started_at=extra.get("started_at"), finished_at=extra.get("finished_at"),
                   delivered_at=package.delivered_at, run_id=package.run_id, generator=extra.get("generator"),
                   counts=extra.get("counts") or {})


class RerunAccepted(BaseModel):
    export_id: str
    request_id: str
    status: DeliveryStatus
    url: str


class ExportListQuery(PageQuery):
    status: StatusValues = Field(default_factory=list, examples=[["failed"]],
                                 description="Only exports with these overall statuses.")
    capture_id: str | None = Field(None, min_length=1, max_length=200, examples=["9f2c4d1e7a6b43c58e0d2f1a3b4c5d6e"],
                                   description="Only exports that carry this capture (in their capture_ids). Not "
                                               "together with signature_id.")
    signature_id: str | None = Field(None, min_length=1, max_length=200, examples=["sig_v1_4be1c0a2d9e87f31aa02"],
                                     description="Only exports that cover this signature (in their signature_ids: "
                                                 "listed in the request, or the signature of a capture they carry). "
                                                 "Not together with capture_id.")

    @model_validator(mode="after")
    def _one_array_filter(self) -> ExportListQuery:
        if self.capture_id is not None and self.signature_id is not None:
            raise ValueError("send capture_id or signature_id, not both: a capture's exports already name its "
                             "signature in signature_ids")
        return self


class AuditListQuery(PageQuery):
    actor: str | None = Field(None, min_length=1, max_length=200, examples=["evalforge:export_packages"],
                              description="Only what this actor did (an API key id, `local`, or the pipeline).")
    resource_id: str | None = Field(None, min_length=1, max_length=200, examples=[EXAMPLE_EXPORT_ID],
                                    description="Only entries about this export, capture or signature id.")


# ---- routes ----------------------------------------------------------------------------------------------------
router = APIRouter(tags=["exports"], responses=AUTH_RESPONSES)


@router.post("/v1/exports", response_model=ExportAccepted, status_code=status.HTTP_202_ACCEPTED,
             responses={**NOT_FOUND, **CONFLICT}, summary="Request an export (runs in Dagster)")
def request_export(body: ExportCreateRequest, exports: ExportServiceDep, principal: Lead) -> ExportAccepted:
    """Marks the captures `ready`, records the export (status pending) and a request the export sensor turns
    into a run of `export_packages`; follow it at `url`. Needs the lead role. An unknown id is a 404 naming
    the field; listing an ignored capture or a merged signature is a 409; captures of a listed signature that
    were ignored are skipped and reported."""
    package, selection = exports.create(capture_ids=body.capture_ids, signature_ids=body.signature_ids,
                                        destinations=body.destinations, actor=principal.actor)
    return ExportAccepted(export_id=package.export_id, status=package.overall_status,
                          destinations=package.destinations, capture_ids=package.capture_ids,
                          signature_ids=package.signature_ids,
                          skipped=[SkippedCapture(capture_id=c, reason=r) for c, r in selection.skipped],
                          url=f"/v1/exports/{package.export_id}")


@router.get("/v1/exports", response_model=ListResponse[ExportView], summary="List exports, newest first")
def list_exports(query: Annotated[ExportListQuery, Query()], exports: ExportServiceDep, cursors: CursorsDep,
                 _principal: Viewer) -> ListResponse[ExportView]:
    """Filter by overall status, and by a capture the exports carry or a signature they cover; follow
    `next_cursor` until it is null."""
    page = exports.list(query.status, limit=query.limit, cursor=cursors.open(query.cursor), capture_id=query.capture_id,
                        signature_id=query.signature_id)
    return ListResponse[ExportView](items=[ExportView.of(p) for p in page.items],
                                    next_cursor=cursors.sign(page.next_cursor))


@router.get("/v1/exports/{export_id}", response_model=ExportView, responses=NOT_FOUND,
            summary="One export: status, artifacts and errors per destination")
def get_export(export_id: ExportId, exports: ExportServiceDep, _principal: Viewer) -> ExportView:
    return ExportView.of(exports.get(export_id))


@router.post("/v1/exports/{export_id}/retry", response_model=RerunAccepted, status_code=status.HTTP_202_ACCEPTED,
             responses=NOT_FOUND, summary="Run an export again")
def retry_export(export_id: ExportId, exports: ExportServiceDep, principal: Lead) -> RerunAccepted:
    """Delivers every destination again (after fixing what failed) without duplicating files, dataset records or,
    for receivers that de-duplicate on X-Evalforge-Delivery, webhook deliveries. Needs the lead role."""
    request = exports.rerun(export_id, principal.actor)
    return RerunAccepted(export_id=export_id, request_id=request.request_id, status=DeliveryStatus.pending,
                         url=f"/v1/exports/{export_id}")


@router.get("/v1/audit", response_model=ListResponse[AuditEntry], summary="The audit trail, newest first")
def list_audit(query: Annotated[AuditListQuery, Query()], exports: ExportServiceDep, cursors: CursorsDep,
               _principal: Viewer) -> ListResponse[AuditEntry]:
    """Who (`actor`) did what (`action`), when (`at`), to which resource and destination, with what status.
    Export deliveries are recorded by the pipeline (`evalforge:export_packages`) with the requester in
    `detail.requested_by`."""
    page = exports.audit_trail(actor=query.actor, resource_id=query.resource_id, limit=query.limit,
                               cursor=cursors.open(query.cursor))
    return ListResponse[AuditEntry](items=page.items, next_cursor=cursors.sign(page.next_cursor))
