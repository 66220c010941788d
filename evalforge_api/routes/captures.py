"""Captures: the list reviewers filter and page through, one capture in full, and reviewer changes to it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Response, status
from fastapi.concurrency import run_in_threadpool

from evalforge_api.auth import Principal, Reviewer, Role, Viewer
from evalforge_api.capture_rows import CAPTURE_ROWS
from evalforge_api.cursors import CursorSigner
from evalforge_api.deps import CursorsDep, ReviewServiceDep, StoreDep
from evalforge_api.errors import AUTH_RESPONSES, CONFLICT, NOT_FOUND
from evalforge_api.responses import list_json_response, model_json_response
from evalforge_api.schemas import (
    CaptureDetail,
    CaptureListQuery,
    CapturePatchRequest,
    CaptureSummary,
    ListResponse,
)
from evalforge_api.store_reads import read_from
from evalforge_assets.models import CaptureStatus, FailureCapture
from evalforge_assets.review.rules import UNSET, CapturePatch
from evalforge_assets.review.service import ReviewService
from evalforge_assets.store import CaptureFilter, InvalidCursor, Store
from evalforge_assets.store.query import decode_cursor
from evalforge_assets.store.queue_pages import capture_queue_texts

CaptureId = Annotated[str, Path(min_length=1, max_length=200, examples=["9f2c4d1e7a6b43c58e0d2f1a3b4c5d6e"])]

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


router = APIRouter(prefix="/v1/captures", tags=["captures"], responses=AUTH_RESPONSES)


def capture_filter(query: CaptureListQuery) -> CaptureFilter:
    """The store's filter for a captures list query."""
    occurred_from, occurred_to = query.stored_window
    return CaptureFilter(
        occurred_from=occurred_from, occurred_to=occurred_to, severity=tuple(query.severity),
        agent=tuple(query.agent), ml_app=tuple(query.ml_app), failure_kind=tuple(query.failure_kind),
        status=tuple(query.status), signature_id=tuple(query.signature_id), assignee=tuple(query.assignee),
    )


def capture_page(query: CaptureListQuery, store: Store, cursors: CursorSigner) -> Response:
    """One page of captures as `GET /v1/captures` answers it (a `ListResponse[CaptureSummary]`, its rows
    serialized once per stored capture and remembered: evalforge_api.capture_rows)."""
    page = capture_queue_texts(store, capture_filter(query), query.limit, checked_cursor(cursors.open(query.cursor)))
    return list_json_response(CAPTURE_ROWS.rows_json(page.items), cursors.sign(page.next_cursor))


# The read-only routes are `async def` and read through `read_from`: on the event loop for a store whose reads never
# wait, in the threadpool otherwise (evalforge_api/store_reads.py). They return a Response: the body is the
# declared response model already, and FastAPI would otherwise dump, re-validate and serialize it again.
@router.get("", response_model=ListResponse[CaptureSummary], summary="List captures, newest first")
async def list_captures(query: Annotated[CaptureListQuery, Query()], store: StoreDep, cursors: CursorsDep,
                        _principal: Viewer) -> Response:
    """Filter by time window and any of the fields below (repeat a parameter or separate values with commas);
    follow `next_cursor` until it is null. Captures that arrive while you page appear before your cursor,
    never twice and never in place of one you have not seen."""
    return await read_from(store, capture_page, query, store, cursors)


def _detail(review: ReviewService, capture: FailureCapture) -> CaptureDetail:
    return CaptureDetail.model_validate({**capture.model_dump(mode="json"),
                                         "history": review.history(capture.capture_id)})


def capture_detail(review: ReviewService, capture_id: str) -> CaptureDetail:
    """One capture as `GET /v1/captures/{id}` answers it (RecordNotFound when there is none)."""
    return _detail(review, review.capture(capture_id))


@router.get("/{capture_id}", response_model=CaptureDetail, responses=NOT_FOUND, summary="One capture in full")
async def get_capture(capture_id: CaptureId, review: ReviewServiceDep, store: StoreDep,
                      _principal: Viewer) -> Response:
    """Everything stored about the capture (sanitized text, evaluations, link back to Datadog) and its
    recent review history."""
    return model_json_response(await read_from(store, capture_detail, review, capture_id))


@router.patch("/{capture_id}", response_model=CaptureDetail, responses={**NOT_FOUND, **CONFLICT},
              summary="Triage a capture: status, assignee, note")
async def patch_capture(capture_id: CaptureId, body: CapturePatchRequest, review: ReviewServiceDep,
                        store: StoreDep, principal: Reviewer) -> Response:
    """Statuses move new → triaged → ready → exported; any status → ignored; ignored → new reopens.
    Marking exported needs the lead role. Each change writes an audit entry."""
    require_lead_for_export(principal, body.status == CaptureStatus.exported)
    patch = CapturePatch(status=body.status,
                         assignee=body.assignee if "assignee" in body.model_fields_set else UNSET,
                         note=body.note)
    # The write always runs in a thread (it may wait for another process's write lock); the answer is read like
    # GET's. One thread hop: as a def route returning the model it made two (route, then response validation),
    # and each hop waits for the event loop's turn, which under load is most of a triage's time.
    updated = await run_in_threadpool(review.update_capture, capture_id, patch, principal.actor)
    return model_json_response(await read_from(store, _detail, review, updated))
