"""The signature queue page: the /v1/signatures query (same filters, sort, cursors) rendered as a table whose
filters live in the URL, so a view can be shared, with each row's counts by hour as a small chart."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from evalforge_api.console.charts import hour_chart
from evalforge_api.console.pages import ConsolePageError, ConsoleViewer, render
from evalforge_api.deps import CursorsDep, StoreDep
from evalforge_api.errors import field_name, field_reason
from evalforge_api.routes import signatures as signature_routes
from evalforge_api.schemas import SignatureListQuery, SignatureRow
from evalforge_assets.models import FailureKind, Severity, SignatureStatus
from evalforge_assets.store import Store

router = APIRouter(include_in_schema=False)

FILTER_FIELDS = ("from", "to", "severity", "ml_app", "agent", "failure_kind", "status", "assignee", "sort",
                 "limit")
LIST_FIELDS = {"severity", "ml_app", "agent", "failure_kind", "status", "assignee"}
PAGE_SIZE = 25


def queue_query(request: Request) -> tuple[SignatureListQuery, dict[str, Any]]:
    """The list query of the page's URL, and the filters as the form should show them. Blank form fields mean
    "any" (a GET form sends them empty), unlike the API, where an empty value is an error."""
    shown: dict[str, Any] = {}
    for name, value in request.query_params.multi_items():
        value = value.strip()
        if not value or name not in (*FILTER_FIELDS, "cursor"):
            continue
        if name in LIST_FIELDS:
            shown.setdefault(name, []).append(value)
        else:
            shown[name] = value
    try:
        query = SignatureListQuery.model_validate({"limit": PAGE_SIZE, **shown, "samples": 0})
    except ValidationError as invalid:
        problems = "; ".join(f"{field_name(('query', *error['loc']))}: {field_reason(dict(error))}"
                             for error in invalid.errors())
        raise ConsolePageError(status.HTTP_400_BAD_REQUEST,
                               f"The queue's filters cannot be read ({problems}). Change them and search again.",
                               ) from None
    shown.pop("cursor", None)
    return query, shown


def page_url(filters: dict[str, Any], **changes: Any) -> str:
    """The queue URL with `filters` and `changes` (None removes a parameter), lists as repeated parameters."""
    merged = {**filters, **changes}
    pairs = [(name, item) for name, value in merged.items() if value is not None
             for item in (value if isinstance(value, list) else [value])]
    return "/signatures" + (f"?{urlencode(pairs)}" if pairs else "")


def _chart_end(query: SignatureListQuery, rows: list[SignatureRow]) -> datetime:
    """Charts end at the window's end, else at the newest capture listed, so all rows share one time axis."""
    if query.to is not None:
        return query.to
    newest = max((row.last_seen for row in rows), default=None)
    if newest is None:
        return datetime.now(UTC)
    return datetime.fromisoformat(newest)


def _row_views(store: Store, query: SignatureListQuery, rows: list[SignatureRow]) -> list[dict[str, Any]]:
    stored = store.get_signatures([row.signature_id for row in rows])
    end = _chart_end(query, rows)
    views = []
    for row in rows:
        signature = stored.get(row.signature_id)
        views.append({
            "row": row, "chart": hour_chart(signature.counts_by_hour if signature else {}, end),
            # The review version the page shows, sent back with a triage so another reviewer's decision made
            # meanwhile is not overwritten.
            "version": row.review_version,
        })
    return views


@router.get("/signatures", response_class=HTMLResponse)
def queue_page(request: Request, principal: ConsoleViewer, store: StoreDep, cursors: CursorsDep) -> Response:
    query, filters = queue_query(request)
    page = signature_routes.signature_page(query, store, cursors)
    return render(
        request, principal, "queue.html", filters=filters, query=query, rows=_row_views(store, query, page.items),
        next_url=page_url(filters, cursor=page.next_cursor) if page.next_cursor else None,
        first_url=page_url(filters) if query.cursor else None,
        sort_urls={sort: page_url(filters, sort=sort) for sort in ("count", "last_seen")},
        severities=[s.value for s in Severity], kinds=[k.value for k in FailureKind],
        statuses=[s.value for s in SignatureStatus], windowed=query.has_window,
    )
