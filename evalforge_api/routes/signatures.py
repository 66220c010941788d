"""Signatures: the grouped queue, one signature with its captures, triage of a whole group, (un)merging."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status

from evalforge_api.auth import Lead, Reviewer, Viewer
from evalforge_api.errors import not_found
from evalforge_api.routes.captures import (
    AUTH_RESPONSES,
    CONFLICT,
    NOT_FOUND,
    StoreDep,
    WriteLock,
    batched,
    checked_cursor,
    history_of,
    require_lead_for_export,
)
from evalforge_api.schemas import (
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
from evalforge_assets.models import FailureCapture, FailureSignature, SignatureStatus, now_iso
from evalforge_assets.review.rules import (
    KeptCaptures,
    apply_signature_status,
    audit_entry,
    cascade_to_captures,
    count_in_window,
    merge_signatures,
    move_captures,
    own_hours,
    own_signature_id,
    unmerge_signature,
)
from evalforge_assets.store import CaptureFilter, Filter, InvalidCursor, Store

DETAIL_SAMPLES = 5  # one signature's view shows all its samples; list rows show `samples` (default 1)
SKIPPED_SHOWN = 100
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
    if not query.include_merged:
        found.append(Filter("merged_into", "==", None))
    window_start, _ = query.stored_window
    if query.sort == "last_seen" and window_start is not None:
        # Only the sorted field may carry a range (a Firestore rule both stores follow); the rest of the
        # window is applied to the hourly counts below.
        found.append(Filter("last_seen", ">=", window_start))
    return tuple(found)


def _rows(store: Store, signatures: list[tuple[FailureSignature, int | None]],
          samples_per_row: int = DETAIL_SAMPLES) -> list[SignatureRow]:
    """Rows with their first sample captures, all read in one store call."""
    wanted = [cid for signature, _ in signatures for cid in signature.sample_capture_ids[:samples_per_row]]
    samples = {capture.capture_id: CaptureSummary.of(capture) for capture in store.get_captures(wanted)}
    return [
        SignatureRow.of(signature, [samples[cid] for cid in signature.sample_capture_ids[:samples_per_row]
                                    if cid in samples], in_window)
        for signature, in_window in signatures
    ]


@router.get("", response_model=ListResponse[SignatureRow],
            summary="The grouped queue: signatures with recurrence counts")
def list_signatures(query: Annotated[SignatureListQuery, Query()], store: StoreDep,
                    _principal: Viewer) -> ListResponse[SignatureRow]:
    """Sorted by `count` or `last_seen` (highest first) or `severity` (most severe first). With `from`/`to`
    only signatures that recurred in the window are listed, each with `count_in_window` (counted per whole
    hour). A windowed page may hold fewer than `limit` rows: keep following `next_cursor` until it is null.
    Signatures merged into another are hidden unless `include_merged=true`."""
    order = SORT_ORDERS[query.sort]
    filters = _filters(query)
    start, end = query.window()
    cursor = _unwrap_cursor(query.sort, query.cursor)
    found: list[tuple[FailureSignature, int | None]] = []
    scanned = 0
    while True:
        # Ask for exactly the rows still missing, so every row read is either returned or filtered out and
        # the store's cursor after the page is the right place to resume.
        page = store.list_signatures(filters, order, limit=query.limit - len(found), cursor=cursor)
        scanned += len(page.items)
        for signature in page.items:
            if not query.has_window:
                found.append((signature, None))
                continue
            in_window = count_in_window(signature.counts_by_hour, start, end)
            if in_window:
                found.append((signature, in_window))
        cursor = page.next_cursor
        if len(found) >= query.limit or cursor is None or scanned >= MAX_SCANNED_PER_REQUEST:
            break
    return ListResponse[SignatureRow](items=_rows(store, found, query.samples),
                                      next_cursor=_wrap_cursor(query.sort, cursor))


def _load(store: Store, signature_id: str) -> FailureSignature:
    signature = store.get_signature(signature_id)
    if signature is None:
        not_found("signature", signature_id)
    return signature


@router.get("/{signature_id}", response_model=SignatureDetail, responses=NOT_FOUND,
            summary="One signature with its captures")
def get_signature(signature_id: SignatureId, query: Annotated[PageQuery, Query()], store: StoreDep,
                  _principal: Viewer) -> SignatureDetail:
    """The signature, its hourly counts, its captures (newest first, paged with `limit`/`cursor`) and its
    review history. A signature merged into another shows `merged_into`; its captures are listed there."""
    signature = _load(store, signature_id)
    page = store.list_captures(CaptureFilter(signature_id=(signature_id,)), limit=query.limit,
                               cursor=checked_cursor(query.cursor))
    row = _rows(store, [(signature, None)])[0]
    return SignatureDetail(
        **row.model_dump(), counts_by_hour=signature.counts_by_hour,
        own_counts_by_hour=own_hours(signature),
        resolved_in_version=signature.resolved_in_version,
        captures=ListResponse[CaptureSummary](items=[CaptureSummary.of(c) for c in page.items],
                                              next_cursor=page.next_cursor),
        history=history_of(store, signature_id),
    )


@router.patch("/{signature_id}", response_model=SignatureTriageResult, responses={**NOT_FOUND, **CONFLICT},
              summary="Triage a whole signature and all its captures")
def patch_signature(signature_id: SignatureId, body: SignaturePatchRequest, store: StoreDep, lock: WriteLock,
                    principal: Reviewer) -> SignatureTriageResult:
    """Moves the signature and carries the decision to its captures: triaged / ready / exported move captures
    forward (never back), ignored dismisses them all, new (from ignored) reopens them, resolved leaves them
    as they are. Captures a reviewer ignored one by one stay ignored. Marking exported needs the lead role."""
    require_lead_for_export(principal, body.status == SignatureStatus.exported)
    actor, now = principal.actor, now_iso()
    with lock:
        signature = _load(store, signature_id)
        if signature.merged_into is not None:
            raise HTTPException(status.HTTP_409_CONFLICT,
                                f"Signature {signature_id} is merged into {signature.merged_into}; triage "
                                "that one instead (or unmerge this one first).")
        updated, audit = apply_signature_status(signature, body.status, actor, now, body.note)
        store.add_audit(audit)
        changed = skipped_total = 0
        skipped: list[SkippedCapture] = []
        for batch in batched(store.iter_captures(CaptureFilter(signature_id=(signature_id,)))):
            result = cascade_to_captures(batch, signature_id, body.status, actor, now)
            store.add_audit(result.audit)
            store.save_captures(result.changed)
            changed += len(result.changed)
            skipped_total += len(result.skipped)
            skipped += [SkippedCapture(capture_id=c.capture_id, status=c.status, reason=reason)
                        for c, reason in result.skipped[:max(0, SKIPPED_SHOWN - len(skipped))]]
        store.save_signatures([updated])
    return SignatureTriageResult(signature=_rows(store, [(updated, None)])[0], captures_changed=changed,
                                 captures_skipped=skipped_total, skipped=skipped)


def _load_children(store: Store, parent_id: str, ids: list[str]) -> list[FailureSignature]:
    found = store.get_signatures(ids)
    missing = [signature_id for signature_id in ids if signature_id not in found]
    if missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"No signature with id {', '.join(repr(m) for m in missing)} exists; nothing was "
                            f"changed on {parent_id}.")
    return [found[signature_id] for signature_id in ids]


@router.post("/{signature_id}/merge", response_model=MergeResult, responses={**NOT_FOUND, **CONFLICT},
             summary="Merge signatures into this one")
def merge(signature_id: SignatureId, body: MergeRequest, store: StoreDep, lock: WriteLock,
          principal: Lead) -> MergeResult:
    """The listed signatures become children of this one: their captures move here and the counts add up.
    Each child keeps its own fingerprint and counts, so unmerge restores it exactly. Needs the lead role."""
    with lock:
        parent = _load(store, signature_id)
        children_before = _load_children(store, signature_id, body.signature_ids)
        merged_parent, children = merge_signatures(parent, children_before)
        moved = 0
        for child in children:
            for batch in batched(store.iter_captures(CaptureFilter(signature_id=(child.signature_id,)))):
                moving = move_captures(batch, signature_id)
                store.save_captures(moving)
                moved += len(moving)
        now = now_iso()
        store.add_audit([
            audit_entry(principal.actor, "signature.merge", "signature", signature_id, now,
                        detail={"children": body.signature_ids, "captures_moved": moved}),
            *(audit_entry(principal.actor, "signature.merged_into", "signature", child.signature_id, now,
                          detail={"parent": signature_id}) for child in children),
        ])
        # Signatures last: if this fails half-way the merge can simply be sent again.
        store.save_signatures([merged_parent, *children])
    return MergeResult(signature=_rows(store, [(merged_parent, None)])[0], signature_ids=body.signature_ids,
                       captures_moved=moved)


@router.post("/{signature_id}/unmerge", response_model=MergeResult, responses={**NOT_FOUND, **CONFLICT},
             summary="Split merged signatures back out of this one")
def unmerge(signature_id: SignatureId, body: MergeRequest, store: StoreDep, lock: WriteLock,
            principal: Lead) -> MergeResult:
    """Each listed child gets its captures back and the parent's counts drop by exactly the child's own.
    Needs the lead role."""
    with lock:
        parent = _load(store, signature_id)
        children = _load_children(store, signature_id, body.signature_ids)
        rehearsal = parent
        for child in children:  # refuse (a stranger, a repeat) before moving anything
            rehearsal, _ = unmerge_signature(rehearsal, child)
        leaving = set(body.signature_ids)
        moved = 0
        kept: KeptCaptures | None = None
        # Each capture's own fingerprint names the signature it belongs to, also for captures grouping added
        # to the parent after the merge.
        for batch in batched(store.iter_captures(CaptureFilter(signature_id=(signature_id,)))):
            by_owner: dict[str, list[FailureCapture]] = {}
            for capture in batch:
                by_owner.setdefault(own_signature_id(capture), []).append(capture)
            for owner, captures in by_owner.items():
                if owner in leaving:
                    returning = move_captures(captures, owner)
                    store.save_captures(returning)
                    moved += len(returning)
                else:
                    batch_kept = KeptCaptures.of(captures)
                    kept = batch_kept.join(kept) if batch_kept else kept
        restored_children = []
        for child in children:
            parent, restored_child = unmerge_signature(parent, child, kept)
            restored_children.append(restored_child)
        now = now_iso()
        store.add_audit([
            audit_entry(principal.actor, "signature.unmerge", "signature", signature_id, now,
                        detail={"children": body.signature_ids, "captures_moved": moved}),
            *(audit_entry(principal.actor, "signature.unmerged_from", "signature", child.signature_id, now,
                          detail={"parent": signature_id}) for child in children),
        ])
        store.save_signatures([parent, *restored_children])
    return MergeResult(signature=_rows(store, [(parent, None)])[0], signature_ids=body.signature_ids,
                       captures_moved=moved)
