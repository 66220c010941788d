"""Signatures: the grouped queue, one signature with its captures, triage of a whole group, (un)merging."""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import APIRouter, Header, Path, Query, Response

from evalforge_api.auth import Lead, Reviewer, Viewer
from evalforge_api.capture_rows import CAPTURE_ROWS
from evalforge_api.cursors import CursorSigner
from evalforge_api.deps import CursorsDep, ReviewServiceDep, StoreDep
from evalforge_api.errors import AUTH_RESPONSES, CONFLICT, NOT_FOUND
from evalforge_api.responses import list_json_response, model_json_response
from evalforge_api.routes.captures import checked_cursor, require_lead_for_export
from evalforge_api.schemas import (
    UNASSIGNED,
    CaptureSummary,
    ListResponse,
    MergeRequest,
    MergeResult,
    PageQuery,
    SignatureDetail,
    SignatureListQuery,
    SignaturePatchRequest,
    SignatureRow,
    SignatureTriageResult,
    SkippedCapture,
)
from evalforge_api.signature_rows import SIGNATURE_PAGES, QueuePage, StoredSignatureRow, shown_samples
from evalforge_api.store_reads import read_from
from evalforge_assets.models import FailureSignature, SignatureStatus
from evalforge_assets.review.rules import UNSET, HourWindow, ReviewError, own_hours
from evalforge_assets.review.service import MergeOutcome, ReviewService
from evalforge_assets.review.signature_patch import SignaturePatch
from evalforge_assets.store import CaptureFilter, Filter, InvalidCursor, Store
from evalforge_assets.store.queue_pages import (
    capture_queue_row_texts,
    capture_queue_texts,
    signature_queue_page,
)

DETAIL_SAMPLES = 5  # one signature's view shows all its samples; list rows show `samples` (default 1)
# A windowed list filters rows after reading them; past this many rows it answers a shorter page (with a
# cursor) rather than keep one request busy.
MAX_SCANNED_PER_REQUEST = 2000

SORT_ORDERS: dict[str, tuple[tuple[str, bool], ...]] = {
    "count": (("count", True),),
    "last_seen": (("last_seen", True),),
    "severity": (("severity_rank", False),),
}
EQUALITY_FILTERS = ("severity", "agent", "ml_app", "failure_kind", "status")

SignatureId = Annotated[str, Path(min_length=1, max_length=200, examples=["v1-4be1c0a2d9e87f31"])]

router = APIRouter(prefix="/v1/signatures", tags=["signatures"], responses=AUTH_RESPONSES)


# ---- cursors carry their sort, so a cursor from one ordering is refused by another -------------------------
def _wrap_cursor(sort: str, store_cursor: str | None) -> str | None:
    return f"{sort}:{store_cursor}" if store_cursor else None


def _unwrap_cursor(sort: str, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    issued_for, separator, store_cursor = cursor.partition(":")
    if not separator or not store_cursor or issued_for not in SORT_ORDERS:
        raise InvalidCursor("it is not one this API issued; start again without a cursor")
    if issued_for != sort:
        raise InvalidCursor(f"it was issued for sort={issued_for}, not sort={sort}; start again without a "
                            "cursor")
    return checked_cursor(store_cursor)


def _filters(query: SignatureListQuery) -> tuple[Filter, ...]:
    found: list[Filter] = []
    for name in EQUALITY_FILTERS:
        values = [getattr(value, "value", value) for value in getattr(query, name)]
        if len(values) == 1:
            found.append(Filter(name, "==", values[0]))
        elif values:
            found.append(Filter(name, "in", values))
    if query.assignee == [UNASSIGNED]:
        found.append(Filter("assignee", "==", None))
    elif len(query.assignee) == 1:
        found.append(Filter("assignee", "==", query.assignee[0]))
    elif query.assignee:
        found.append(Filter("assignee", "in", list(query.assignee)))
    if not query.include_merged:
        found.append(Filter("merged_into", "==", None))
    window_start, _ = query.stored_window
    if query.sort == "last_seen" and window_start is not None:
        # Only the sorted field may carry a range (a Firestore rule both stores follow); the rest of the
        # window is applied to the hourly counts below.
        found.append(Filter("last_seen", ">=", window_start))
    return tuple(found)


def _unused_hours(windowed: bool) -> tuple[str, ...]:
    """The hourly maps a list row does not show: only a windowed list reads `counts_by_hour` (to count the
    window). Skipping them leaves reading a 50-row page at a fifth of its cost."""
    return ("own_counts_by_hour",) if windowed else ("counts_by_hour", "own_counts_by_hour")


R = TypeVar("R", bound=SignatureRow)


def _with_samples(store: Store, rows: list[R], samples_per_row: int = DETAIL_SAMPLES) -> list[R]:
    """`rows` with their first sample captures filled in, all read in one store call."""
    wanted = [cid for row in rows for cid in row.sample_capture_ids[:samples_per_row]]
    samples = CAPTURE_ROWS.by_id(capture_queue_row_texts(store, wanted))
    for row in rows:
        row.samples = shown_samples(row, samples, samples_per_row)
    return rows


def _row(store: Store, signature: FailureSignature) -> SignatureRow:
    """One signature's row with its samples (a signature's view, a triage or merge answer)."""
    return _with_samples(store, [SignatureRow.of(signature, [])])[0]


def _queue_page(query: SignatureListQuery, store: Store, cursors: CursorSigner) -> QueuePage:
    """The page's rows before their samples: remembered while the store's signatures are unchanged."""
    filters = _filters(query)
    cursor = _unwrap_cursor(query.sort, cursors.open(query.cursor))
    key = (query.sort, repr(filters), query.limit, cursor, query.window())
    return SIGNATURE_PAGES.page(store, key, lambda: QueuePage.of(*_queue_rows(query, store, filters, cursor)))


def signature_page(query: SignatureListQuery, store: Store, cursors: CursorSigner) -> ListResponse[SignatureRow]:
    """One page of the queue as `GET /v1/signatures` answers it, as models (the console's queue page)."""
    page = _queue_page(query, store, cursors)
    samples = CAPTURE_ROWS.by_id(capture_queue_row_texts(store, page.sample_ids(query.samples)))
    return ListResponse[SignatureRow](items=page.rows_with_samples(samples, query.samples),
                                      next_cursor=cursors.sign(_wrap_cursor(query.sort, page.next_cursor)))


def signature_page_response(query: SignatureListQuery, store: Store, cursors: CursorSigner) -> Response:
    """`signature_page` as the JSON response, spliced from the rows' and samples' remembered JSON."""
    page = _queue_page(query, store, cursors)
    samples = CAPTURE_ROWS.json_by_id(capture_queue_row_texts(store, page.sample_ids(query.samples)))
    return list_json_response(page.rows_json(samples, query.samples),
                              cursors.sign(_wrap_cursor(query.sort, page.next_cursor)))


def _queue_rows(query: SignatureListQuery, store: Store, filters: tuple[Filter, ...],
                cursor: str | None) -> tuple[list[StoredSignatureRow], str | None]:
    """The rows of one queue page (before their samples) and the store's cursor after them."""
    order = SORT_ORDERS[query.sort]
    window = HourWindow.of(*query.window())
    found: list[StoredSignatureRow] = []
    scanned = 0
    while True:
        # Ask for exactly the rows still missing, so every row read is either returned or filtered out and
        # the store's cursor after the page is the right place to resume.
        page = signature_queue_page(store, filters, order, limit=query.limit - len(found), cursor=cursor,
                                    omit=_unused_hours(query.has_window), row=StoredSignatureRow)
        scanned += len(page.items)
        for row in page.items:
            if not query.has_window:
                found.append(row)
                continue
            row.count_in_window = window.count(row.counts_by_hour)
            row.counts_by_hour = {}  # counted; a week of hours per row is not worth keeping in a remembered page
            if row.count_in_window:
                found.append(row)
        cursor = page.next_cursor
        if len(found) >= query.limit or cursor is None or scanned >= MAX_SCANNED_PER_REQUEST:
            return found, cursor


# Read-only routes: `async def`, reading through `read_from` and returning the declared model as a Response (see
# routes/captures.py).
@router.get("", response_model=ListResponse[SignatureRow],
            summary="The grouped queue: signatures with recurrence counts")
async def list_signatures(query: Annotated[SignatureListQuery, Query()], store: StoreDep, cursors: CursorsDep,
                          _principal: Viewer) -> Response:
    """Sorted by `count` or `last_seen` (highest first) or `severity` (most severe first). With `from`/`to`
    only signatures that recurred in the window are listed, each with `count_in_window` (counted per whole
    hour). A windowed page may hold fewer than `limit` rows: keep following `next_cursor` until it is null.
    Signatures merged into another are hidden unless `include_merged=true`."""
    return await read_from(store, signature_page_response, query, store, cursors)


@router.get("/{signature_id}", response_model=SignatureDetail, responses=NOT_FOUND,
            summary="One signature with its captures")
async def get_signature(signature_id: SignatureId, query: Annotated[PageQuery, Query()], store: StoreDep,
                        review: ReviewServiceDep, cursors: CursorsDep, _principal: Viewer) -> Response:
    """The signature, its hourly counts, its captures (newest first, paged with `limit`/`cursor`) and its
    review history. A signature merged into another shows `merged_into`; its captures are listed there."""
    return model_json_response(await read_from(store, signature_detail, signature_id, query, store, review, cursors))


def signature_detail(signature_id: str, query: PageQuery, store: Store, review: ReviewService,
                     cursors: CursorSigner) -> SignatureDetail:
    """One signature as `GET /v1/signatures/{id}` answers it (RecordNotFound when there is none)."""
    signature = review.signature(signature_id)
    page = capture_queue_texts(store, CaptureFilter(signature_id=(signature_id,)), query.limit,
                               checked_cursor(cursors.open(query.cursor)))
    row = _row(store, signature)
    return SignatureDetail(
        **row.model_dump(), counts_by_hour=signature.counts_by_hour,
        own_counts_by_hour=own_hours(signature),
        resolved_in_version=signature.resolved_in_version,
        captures=ListResponse[CaptureSummary](items=CAPTURE_ROWS.rows(page.items),
                                              next_cursor=cursors.sign(page.next_cursor)),
        history=review.history(signature_id),
    )


# An entity tag of the review version: 3, "3" or W/"3" (the version is the whole tag, so weak or not is alike).
IF_MATCH_PATTERN = r'^(W/)?"?[0-9]{1,9}"?$'


def expected_version(body: SignaturePatchRequest, if_match: str) -> int | None:
    """The version the change is conditional on: the body's `expected_version` or the `If-Match` tag.

    Both given and different is a condition no record can meet, so it is refused like a stale one (409)."""
    from_header = int(if_match.removeprefix("W/").strip('"')) if if_match else None
    if from_header is not None and body.expected_version is not None and from_header != body.expected_version:
        raise ReviewError(f"If-Match says version {from_header} but expected_version says {body.expected_version};"
                          " nothing was changed. Send one of them, with the review_version you saw.")
    return body.expected_version if body.expected_version is not None else from_header


@router.patch("/{signature_id}", response_model=SignatureTriageResult, responses={**NOT_FOUND, **CONFLICT},
              summary="Triage, assign or annotate a whole signature")
def patch_signature(signature_id: SignatureId, body: SignaturePatchRequest, store: StoreDep,
                    review: ReviewServiceDep, principal: Reviewer,
                    # Empty when not sent; typed as a plain string so the schema never offers a "null" tag.
                    if_match: Annotated[str, Header(pattern=IF_MATCH_PATTERN)] = "",
                    ) -> SignatureTriageResult:
    """A status moves the signature and carries the decision to its captures: triaged / ready / exported move
    captures forward (never back), ignored dismisses them all, new (from ignored) reopens them, resolved leaves
    them as they are. Captures a reviewer ignored one by one stay ignored. Marking exported needs the lead role.
    An assignee (null unassigns) assigns the signature only; its captures keep their own. A note alone is added
    to the audit trail. With `expected_version` (or `If-Match`) set to the `review_version` you saw, a change
    another reviewer made meanwhile is answered 409 naming who, and yours is not applied."""
    require_lead_for_export(principal, body.status == SignatureStatus.exported)
    patch = SignaturePatch(status=body.status, note=body.note,
                           assignee=body.assignee if "assignee" in body.model_fields_set else UNSET)
    outcome = review.review_signature(signature_id, patch, principal.actor, expected_version(body, if_match))
    return SignatureTriageResult(
        signature=_row(store, outcome.signature), captures_changed=outcome.captures_changed,
        captures_skipped=outcome.captures_skipped,
        skipped=[SkippedCapture(capture_id=c.capture_id, status=c.status, reason=reason)
                 for c, reason in outcome.skipped])


def _merge_result(store: Store, outcome: MergeOutcome) -> MergeResult:
    return MergeResult(signature=_row(store, outcome.parent), signature_ids=outcome.signature_ids,
                       captures_moved=outcome.captures_moved)


@router.post("/{signature_id}/merge", response_model=MergeResult, responses={**NOT_FOUND, **CONFLICT},
             summary="Merge signatures into this one")
def merge(signature_id: SignatureId, body: MergeRequest, store: StoreDep, review: ReviewServiceDep,
          principal: Lead) -> MergeResult:
    """The listed signatures become children of this one: their captures move here and the counts add up.
    Each child keeps its own fingerprint and counts, so unmerge restores it exactly. Needs the lead role."""
    return _merge_result(store, review.merge(signature_id, body.signature_ids, principal.actor))


@router.post("/{signature_id}/unmerge", response_model=MergeResult, responses={**NOT_FOUND, **CONFLICT},
             summary="Split merged signatures back out of this one")
def unmerge(signature_id: SignatureId, body: MergeRequest, store: StoreDep, review: ReviewServiceDep,
            principal: Lead) -> MergeResult:
    """Each listed child gets its captures back and the parent's counts drop by exactly the child's own.
    Needs the lead role."""
    return _merge_result(store, review.unmerge(signature_id, body.signature_ids, principal.actor))
