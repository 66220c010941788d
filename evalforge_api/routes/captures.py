"""Captures: the list reviewers filter and page through, one capture in full, and reviewer changes to it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Response, status

from evalforge_api.auth import Principal, Reviewer, Role, Viewer
from evalforge_api.cursors import CursorSigner
from evalforge_api.deps import CursorsDep, ReviewServiceDep, StoreDep
from evalforge_api.errors import AUTH_RESPONSES, CONFLICT, NOT_FOUND
from evalforge_api.responses import model_json_response
from evalforge_api.schemas import (
    CaptureDetail,
    CaptureListQuery,
    CapturePatchRequest,
    CaptureSummary,
    ListResponse,
)
from evalforge_assets.models import CaptureStatus, FailureCapture
from evalforge_assets.review.rules import UNSET, CapturePatch
from evalforge_assets.review.service import ReviewService
from evalforge_assets.store import CaptureFilter, InvalidCursor, Store
from evalforge_assets.store.query import decode_cursor

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


def capture_page(query: CaptureListQuery, store: Store, cursors: CursorSigner) -> ListResponse[CaptureSummary]:
    """One page of captures as `GET /v1/captures` answers it."""
    occurred_from, occurred_to = query.stored_window
    where = CaptureFilter(
        occurred_from=occurred_from, occurred_to=occurred_to, severity=tuple(query.severity),
        agent=tuple(query.agent), ml_app=tuple(query.ml_app), failure_kind=tuple(query.failure_kind),
        status=tuple(query.status), signature_id=tuple(query.signature_id), assignee=tuple(query.assignee),
    )
    page = store.list_captures(where, limit=query.limit, cursor=checked_cursor(cursors.open(query.cursor)))
    return ListResponse[CaptureSummary](items=[CaptureSummary.of(c) for c in page.items],
                                        next_cursor=cursors.sign(page.next_cursor))


@router.get("", response_model=ListResponse[CaptureSummary], summary="List captures, newest first")
def list_captures(query: Annotated[CaptureListQuery, Query()], store: StoreDep, cursors: CursorsDep,
                  _principal: Viewer) -> Response:
    """Filter by time window and any of the fields below (repeat a parameter or separate values with commas);
    follow `next_cursor` until it is null. Captures that arrive while you page appear before your cursor,
    never twice and never in place of one you have not seen."""
    # A Response skips FastAPI's validation of the returned page, which takes a thread hop for a def route;
    # the page already is the declared response model.
    return model_json_response(capture_page(query, store, cursors))


def _detail(review: ReviewService, capture: FailureCapture) -> CaptureDetail:
    return CaptureDetail.model_validate({**capture.model_dump(mode="json"),
                                         "history": review.history(capture.capture_id)})


@router.get("/{capture_id}", response_model=CaptureDetail, responses=NOT_FOUND, summary="One capture in full")
def get_capture(capture_id: CaptureId, review: ReviewServiceDep, _principal: Viewer) -> CaptureDetail:
    """Everything stored about the capture (sanitized text, evaluations, link back to Datadog) and its
    recent review history."""
    return _detail(review, review.capture(capture_id))


@router.patch("/{capture_id}", response_model=CaptureDetail, responses={**NOT_FOUND, **CONFLICT},
              summary="Triage a capture: status, assignee, note")
def patch_capture(capture_id: CaptureId, body: CapturePatchRequest, review: ReviewServiceDep,
                  principal: Reviewer) -> CaptureDetail:
    """Statuses move new → triaged → ready → exported; any status → ignored; ignored → new reopens.
    Marking exported needs the lead role. Each change writes an audit entry."""
    require_lead_for_export(principal, body.status == CaptureStatus.exported)
    patch = CapturePatch(status=body.status,
                         assignee=body.assignee if "assignee" in body.model_fields_set else UNSET,
                         note=body.note)
    return _detail(review, review.update_capture(capture_id, patch, principal.actor))
