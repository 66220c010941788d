"""Export requests: what the API records so the export sensor can pick the work up. No Dagster here.

Requesting an export resolves the captures (listed ones plus every capture of the listed signatures), marks
them `ready`, stores the `ExportPackage` (status pending) and a `PendingRequest` the sensor turns into a run,
and writes audit entries for all of it. The request record is written last, so the sensor never sees an
export whose package or capture changes are not stored yet. Captures move to `ready` one by one through
`Store.update`, from their status as it is then, so a reviewer's or the grouping asset's concurrent change to
them is never overwritten.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from evalforge_assets.models import (
    AuditEntry,
    CaptureStatus,
    DeliveryStatus,
    Destination,
    ExportPackage,
    FailureCapture,
    PendingRequest,
    RequestKind,
    now_iso,
)
from evalforge_assets.review.rules import RecordNotFound, ReviewError, audit_entry, cascade_steps
from evalforge_assets.store import CaptureFilter, Store

MAX_EXPORT_CAPTURES = 5000
EXPORT_RESOURCE = "export"


class ExportReferenceNotFound(RecordNotFound):
    """The request names a capture or signature that does not exist; `field` says where, e.g.
    `body.capture_ids[2]`, and the message is a full sentence for the API to show."""

    def __init__(self, kind: str, identifier: str, field: str) -> None:
        super().__init__(kind, identifier, f"No {kind} with id {identifier!r} exists ({field}); list them at "
                                           f"/v1/{kind}s to find valid ids.")
        self.field = field


class ExportNotFound(RecordNotFound):
    """No export with this id exists; the message says what to check."""

    def __init__(self, export_id: str, message: str | None = None) -> None:
        super().__init__("export", export_id, message)


class ExportConflict(ReviewError):
    """The request is valid but cannot be done in the current state (nothing exportable, too much at once)."""


@dataclass
class ExportSelection:
    captures: list[FailureCapture] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (capture_id, why it was left out)


def new_export_id() -> str:
    return f"exp-{uuid.uuid4().hex[:20]}"


def new_request_id(export_id: str) -> str:
    """Unique per attempt: the sensor's run key is built from it, so each request launches exactly one run."""
    return f"{export_id}.{uuid.uuid4().hex[:8]}"


def resolve_selection(store: Store, capture_ids: Sequence[str], signature_ids: Sequence[str]) -> ExportSelection:
    """The captures an export covers, in request order without repeats.

    Listed captures must exist and must not be ignored (a reviewer dismissed them: exporting one is a
    conflict to resolve, not something to do silently). Captures reached through a signature are skipped
    when ignored, and reported. Raises ExportReferenceNotFound / ExportConflict.
    """
    selection = ExportSelection()
    seen: set[str] = set()
    found = {capture.capture_id: capture for capture in store.get_captures(list(dict.fromkeys(capture_ids)))}
    for position, capture_id in enumerate(capture_ids):
        capture = found.get(capture_id)
        if capture is None:
            raise ExportReferenceNotFound("capture", capture_id, f"body.capture_ids[{position}]")
        if capture.status is CaptureStatus.ignored:
            raise ExportConflict(f"Capture {capture_id} is ignored, so it cannot be exported; reopen it (status "
                                 "new) first, or leave it out of the request.")
        if capture_id not in seen:
            seen.add(capture_id)
            selection.captures.append(capture)
    signatures = store.get_signatures(list(dict.fromkeys(signature_ids)))
    for position, signature_id in enumerate(signature_ids):
        signature = signatures.get(signature_id)
        if signature is None:
            raise ExportReferenceNotFound("signature", signature_id, f"body.signature_ids[{position}]")
        if signature.merged_into:
            raise ExportConflict(f"Signature {signature_id} is merged into {signature.merged_into}, whose captures "
                                 f"include its own; export {signature.merged_into} instead.")
        for capture in store.iter_captures(CaptureFilter(signature_id=(signature_id,))):
            if capture.capture_id in seen:
                continue
            seen.add(capture.capture_id)
            if capture.status is CaptureStatus.ignored:
                selection.skipped.append((capture.capture_id, "ignored by a reviewer"))
            else:
                selection.captures.append(capture)
        if len(selection.captures) > MAX_EXPORT_CAPTURES:
            break
    if len(selection.captures) > MAX_EXPORT_CAPTURES:
        raise ExportConflict(f"The request covers more than {MAX_EXPORT_CAPTURES} captures; split it into "
                             "several exports (fewer signatures or capture ids each).")
    if not selection.captures:
        raise ExportConflict("Nothing to export: every capture the request covers is ignored.")
    return selection


def ready_step(capture: FailureCapture, export_id: str, actor: str,
               now: str) -> tuple[FailureCapture, AuditEntry] | None:
    """The capture moved forward to `ready` (through `triaged` when new) and its audit entry; None to leave it
    (already ready, exported, since a re-export does not move it back, or ignored by a reviewer meanwhile)."""
    steps = cascade_steps(capture.status, CaptureStatus.ready)
    if not steps:
        return None
    entry = audit_entry(actor, "capture.status", "capture", capture.capture_id, now,
                        status=CaptureStatus.ready.value,
                        detail={"from": capture.status.value, "to": CaptureStatus.ready.value,
                                "steps": [step.value for step in steps], "via_export": export_id})
    return capture.model_copy(update={"status": CaptureStatus.ready}), entry


def _mark_one_ready(store: Store, capture_id: str, export_id: str, actor: str, now: str) -> AuditEntry | None:
    decided: list[AuditEntry] = []  # what the stored attempt of `change` did (update may run it again)

    def change(current: FailureCapture | None) -> FailureCapture | None:
        decided.clear()
        step = ready_step(current, export_id, actor, now) if current is not None else None
        if step is None:
            return None
        decided.append(step[1])
        return step[0]

    store.update("captures", FailureCapture, capture_id, change)
    return decided[0] if decided else None


def mark_ready(store: Store, capture_ids: Sequence[str], export_id: str, actor: str, now: str) -> list[AuditEntry]:
    """Move each capture to `ready` from its status as stored now (one update each); the audit entries."""
    entries = (_mark_one_ready(store, capture_id, export_id, actor, now) for capture_id in capture_ids)
    return [entry for entry in entries if entry is not None]


def export_request(export_id: str, now: str) -> PendingRequest:
    return PendingRequest(request_id=new_request_id(export_id), kind=RequestKind.export,
                          payload={"export_id": export_id}, created_at=now)


def create_export(store: Store, *, capture_ids: Sequence[str], signature_ids: Sequence[str],
                  destinations: Sequence[Destination], actor: str,
                  now: str | None = None) -> tuple[ExportPackage, ExportSelection]:
    """Record an export request (see the module docstring); returns the pending package and what was selected."""
    now = now or now_iso()
    selection = resolve_selection(store, capture_ids, signature_ids)
    export_id = new_export_id()
    wanted = list(dict.fromkeys(destinations))
    request = export_request(export_id, now)
    package = ExportPackage(
        export_id=export_id,
        capture_ids=[capture.capture_id for capture in selection.captures],
        signature_ids=list(dict.fromkeys([*signature_ids, *(c.signature_id for c in selection.captures
                                                             if c.signature_id)])),
        destinations=wanted,
        status={destination.value: DeliveryStatus.pending for destination in wanted},
        overall_status=DeliveryStatus.pending,
        requested_by=actor,
        requested_at=now,
        request_id=request.request_id,
    )
    entries = mark_ready(store, package.capture_ids, export_id, actor, now)
    entries.append(audit_entry(actor, "export.request", EXPORT_RESOURCE, export_id, now,
                               status=DeliveryStatus.pending.value,
                               detail={"destinations": [d.value for d in wanted], "captures": len(package.capture_ids),
                                       "signature_ids": package.signature_ids,
                                       "skipped": len(selection.skipped)}))
    store.add_audit(entries)
    store.create("exports", package)  # a fresh random id: nothing else can hold it
    store.add_request(request)
    return package, selection


def pending_export_requests(store: Store, export_id: str) -> list[PendingRequest]:
    return [request for request in store.pending_requests(RequestKind.export.value)
            if request.payload.get("export_id") == export_id]


def request_rerun(store: Store, export_id: str, actor: str, now: str | None = None) -> PendingRequest:
    """Ask the sensor to run an existing export again (after a failed destination is fixed).

    Every destination is delivered again; files are overwritten and dataset records de-duplicated, and the
    webhook repeats the same X-Evalforge-Delivery id so its receiver can de-duplicate. A request still marked
    pending (its run may never have started, e.g. a resource failed to initialise) is superseded rather than
    left to block the export. Raises ExportNotFound (a LookupError) when the export does not exist.
    """
    now = now or now_iso()
    if store.get_export(export_id) is None:
        raise ExportNotFound(export_id)
    superseded = pending_export_requests(store, export_id)
    request = export_request(export_id, now)
    store.add_audit([audit_entry(actor, "export.rerun", EXPORT_RESOURCE, export_id, now,
                                 status=DeliveryStatus.pending.value,
                                 detail={"request_id": request.request_id,
                                         "superseded": [r.request_id for r in superseded]})])
    for old in superseded:
        # Only a request still pending is superseded; one a sensor launched meanwhile keeps its status.
        store.update("requests", PendingRequest, old.request_id,
                     lambda current: current.model_copy(update={"status": "superseded"})
                     if current is not None and current.status == "pending" else None)

    def point_at_request(current: ExportPackage | None) -> ExportPackage | None:
        if current is None:
            raise ExportNotFound(export_id)
        # Per-destination statuses and errors of the last run stay visible until the new run replaces them.
        return ExportPackage.model_validate({**current.model_dump(mode="json"), "request_id": request.request_id,
                                             "overall_status": DeliveryStatus.pending.value})

    store.update("exports", ExportPackage, export_id, point_at_request)
    store.add_request(request)
    return request
