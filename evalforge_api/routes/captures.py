"""Captures: the list reviewers filter and page through, one capture in full, and reviewer changes to it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status

from evalforge_api.auth import Principal, Reviewer, Role, Viewer
from evalforge_api.errors import not_found
from evalforge_api.schemas import (
    CaptureDetail,
    CaptureListQuery,
    CapturePatchRequest,
    CaptureSummary,
    ErrorBody,
    ListResponse,
    ValidationErrorBody,
)
from evalforge_assets.models import AuditEntry, CaptureStatus, FailureCapture, now_iso
from evalforge_assets.review.rules import UNSET, CapturePatch, apply_capture_patch
from evalforge_assets.store import CaptureFilter, Filter, InvalidCursor, Store
from evalforge_assets.store.query import decode_cursor

HISTORY_ENTRIES = 20
CaptureId = Annotated[str, Path(min_length=1, max_length=200, examples=["9f2c4d1e7a6b43c58e0d2f1a3b4c5d6e"])]

# Documented on every authenticated endpoint, so clients (and Schemathesis) know every answer they may get.
AUTH_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorBody, "description": "A cursor the list did not issue, or an unreadable body."},
    401: {"model": ErrorBody, "description": "No API key, or one that is not configured."},
    403: {"model": ErrorBody, "description": "The key's role is too low, or the API serves 127.0.0.1 only."},
    422: {"model": ValidationErrorBody, "description": "A parameter or body field is invalid; each named."},
    429: {"model": ErrorBody, "description": "The key's rate limit is used up; see Retry-After.",
          "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}},
    503: {"model": ErrorBody, "description": "The store is not reachable."},
}
NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"model": ErrorBody, "description": "No such record."}}
CONFLICT: dict[int | str, dict[str, object]] = {
    409: {"model": ErrorBody, "description": "The change is not allowed from the record's current state."}}


def get_store(request: Request) -> Store:
    return request.app.state.store


StoreDep = Annotated[Store, Depends(get_store)]


def write_lock(request: Request) -> threading.Lock:
    """Serializes read-modify-write changes in this API process, so concurrent reviewers lose no updates."""
    return request.app.state.write_lock


WriteLock = Annotated[threading.Lock, Depends(write_lock)]


def require_lead_for_export(principal: Principal, exporting: bool) -> None:
    if exporting and not principal.allows(Role.lead):
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"Marking something exported needs the lead role; your key has the "
                            f"{principal.role.value} role.")


_STORABLE_INT = range(-(2**63), 2**63)


def checked_cursor(cursor: str | None) -> str | None:
    """The cursor, once its values are ones a store can compare (a forged one could overflow SQLite's ints)."""
    if not cursor:
        return None
    for value in decode_cursor(cursor):
        if isinstance(value, int) and not isinstance(value, bool) and value not in _STORABLE_INT:
            raise InvalidCursor("it is not one this API issued; start again without a cursor")
    return cursor


def history_of(store: Store, resource_id: str) -> list[AuditEntry]:
    return store.list_audit((Filter("resource_id", "==", resource_id),), limit=HISTORY_ENTRIES).items


def batched(captures: Iterator[FailureCapture], size: int = 500) -> Iterator[list[FailureCapture]]:
    batch: list[FailureCapture] = []
    for capture in captures:
        batch.append(capture)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


router = APIRouter(prefix="/v1/captures", tags=["captures"], responses=AUTH_RESPONSES)


@router.get("", response_model=ListResponse[CaptureSummary], summary="List captures, newest first")
def list_captures(query: Annotated[CaptureListQuery, Query()], store: StoreDep,
                  _principal: Viewer) -> ListResponse[CaptureSummary]:
    """Filter by time window and any of the fields below (repeat a parameter or separate values with commas);
    follow `next_cursor` until it is null. Captures that arrive while you page appear before your cursor,
    never twice and never in place of one you have not seen."""
    occurred_from, occurred_to = query.stored_window
    where = CaptureFilter(
        occurred_from=occurred_from, occurred_to=occurred_to, severity=tuple(query.severity),
        agent=tuple(query.agent), ml_app=tuple(query.ml_app), failure_kind=tuple(query.failure_kind),
        status=tuple(query.status), signature_id=tuple(query.signature_id), assignee=tuple(query.assignee),
    )
    page = store.list_captures(where, limit=query.limit, cursor=checked_cursor(query.cursor))
    return ListResponse[CaptureSummary](items=[CaptureSummary.of(c) for c in page.items],
                                        next_cursor=page.next_cursor)


def _detail(store: Store, capture: FailureCapture) -> CaptureDetail:
    return CaptureDetail.model_validate({**capture.model_dump(mode="json"),
                                         "history": history_of(store, capture.capture_id)})


@router.get("/{capture_id}", response_model=CaptureDetail, responses=NOT_FOUND, summary="One capture in full")
def get_capture(capture_id: CaptureId, store: StoreDep, _principal: Viewer) -> CaptureDetail:
    """Everything stored about the capture (sanitized text, evaluations, link back to Datadog) and its
    recent review history."""
    capture = store.get_capture(capture_id)
    if capture is None:
        not_found("capture", capture_id)
    return _detail(store, capture)


@router.patch("/{capture_id}", response_model=CaptureDetail, responses={**NOT_FOUND, **CONFLICT},
              summary="Triage a capture: status, assignee, note")
def patch_capture(capture_id: CaptureId, body: CapturePatchRequest, store: StoreDep, lock: WriteLock,
                  principal: Reviewer) -> CaptureDetail:
    """Statuses move new → triaged → ready → exported; any status → ignored; ignored → new reopens.
    Marking exported needs the lead role. Each change writes an audit entry."""
    require_lead_for_export(principal, body.status == CaptureStatus.exported)
    patch = CapturePatch(status=body.status,
                         assignee=body.assignee if "assignee" in body.model_fields_set else UNSET,
                         note=body.note)
    with lock:
        capture = store.get_capture(capture_id)
        if capture is None:
            not_found("capture", capture_id)
        updated, entries = apply_capture_patch(capture, patch, principal.actor, now_iso())
        if entries:
            # The audit entry first: a change that fails half-way is then recorded, never silently applied.
            store.add_audit(entries)
            store.save_captures([updated])
    return _detail(store, updated)
