"""One signature's page: why its captures grouped, sample captures (redacted text and evaluations, links back to
Datadog), counts by hour, related incidents, the audit trail, and the triage controls."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, status
from fastapi.responses import HTMLResponse, Response

from evalforge_api.console.charts import hour_chart
from evalforge_api.console.pages import ConsolePageError, ConsoleViewer, render
from evalforge_api.console.related import related_incidents
from evalforge_api.deps import CursorsDep, ReviewServiceDep, StoreDep
from evalforge_api.routes import signatures as signature_routes
from evalforge_api.schemas import PageQuery
from evalforge_assets.models import SignatureStatus
from evalforge_assets.review.fingerprint import (
    KEY_PARTS,
    RULE_EVALUATIONS,
    RULE_MESSAGE_ONLY,
    RULE_NO_DETAIL,
    RULE_TYPE_AND_MESSAGE,
    RULE_TYPE_ONLY,
)
from evalforge_assets.review.rules import RecordNotFound

router = APIRouter(include_in_schema=False)

CAPTURES_SHOWN = 20
CHART_HOURS = 48

# What each fingerprint rule means, in the words a reviewer reads on the page.
RULE_TEXT = {
    RULE_TYPE_AND_MESSAGE: "Grouped by error type and the message's template (variable parts masked).",
    RULE_MESSAGE_ONLY: "The spans carried an error message but no error type: grouped by the message's template.",
    RULE_TYPE_ONLY: "The spans carried an error type but no message: grouped by the type.",
    RULE_NO_DETAIL: "The spans carried neither an error type nor a message: grouped by where they failed.",
    RULE_EVALUATIONS: "Not an error: grouped by where it failed and which evaluations failed.",
}


def _why_grouped(fingerprint: dict[str, Any]) -> dict[str, Any]:
    rule = str(fingerprint.get("rule", ""))
    return {
        "hashed": [(part, fingerprint.get(part)) for part in KEY_PARTS if part in fingerprint],
        "rule": rule, "rule_text": RULE_TEXT.get(rule, "Grouped by the parts below."),
        "joined": fingerprint.get("joined", {}) or {},
        "stack": fingerprint.get("stack") or [],
    }


@router.get("/signatures/{signature_id}", response_class=HTMLResponse)
def signature_page(request: Request, signature_id: Annotated[str, Path(min_length=1, max_length=200)],
                   principal: ConsoleViewer, store: StoreDep, review: ReviewServiceDep,
                   cursors: CursorsDep) -> Response:
    try:
        detail = signature_routes.signature_detail(signature_id, PageQuery(limit=CAPTURES_SHOWN), store, review,
                                                   cursors)
    except RecordNotFound:
        raise ConsolePageError(status.HTTP_404_NOT_FOUND,
                               f"No signature with id {signature_id!r} exists; it may have been regrouped. Find "
                               "it again in the queue.") from None
    samples = store.get_captures(detail.sample_capture_ids)
    signature = review.signature(signature_id)
    last = datetime.fromisoformat(detail.last_seen) if detail.last_seen else datetime.now(UTC)
    return render(
        request, principal, "signature.html", sig=detail, samples=samples,
        why=_why_grouped(detail.fingerprint), chart=hour_chart(detail.counts_by_hour, last, hours=CHART_HOURS,
                                                               width=480, height=96),
        incidents=related_incidents(store, signature, samples),
        version=detail.review_version,
        statuses=[s.value for s in SignatureStatus],
    )
