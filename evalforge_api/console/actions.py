"""JSON actions the console's JavaScript calls that /v1 does not offer as such: a signature's status change
that carries the version the page was rendered with, so a reviewer acting on a stale page is told that someone
else changed it (409 with a sentence) instead of silently overwriting their decision.

Authenticated like /v1 (session cookie plus the X-Evalforge-Console header, or a bearer key).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status
from pydantic import BaseModel, ConfigDict, Field

from evalforge_api.auth import Reviewer
from evalforge_api.deps import ReviewServiceDep, StoreDep
from evalforge_api.routes.captures import require_lead_for_export
from evalforge_assets.models import SignatureStatus

router = APIRouter(prefix="/console/actions", include_in_schema=False)


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: SignatureStatus
    note: str | None = Field(None, min_length=1, max_length=5000)
    version: int = Field(ge=0, description="The signature's version when the page showed it.")


class StatusChanged(BaseModel):
    signature_id: str
    status: SignatureStatus
    version: int
    captures_changed: int
    captures_skipped: int


@router.post("/signatures/{signature_id}/status", response_model=StatusChanged)
def change_status(signature_id: Annotated[str, Path(min_length=1, max_length=200)], body: StatusChange,
                  store: StoreDep, review: ReviewServiceDep, principal: Reviewer) -> StatusChanged:
    require_lead_for_export(principal, body.status == SignatureStatus.exported)
    current = store.version("signatures", signature_id)
    if current is not None and current != body.version:
        shown = store.get_signature(signature_id)
        now = f" (it is now {shown.status.value})" if shown else ""
        raise HTTPException(status.HTTP_409_CONFLICT,
                            f"Someone else changed this signature since your page was loaded{now}; your change "
                            "was not applied. Reload the page to see their change, then decide again.")
    outcome = review.triage_signature(signature_id, body.status, principal.actor, body.note)
    return StatusChanged(signature_id=signature_id, status=outcome.signature.status,
                         version=store.version("signatures", signature_id) or 0,
                         captures_changed=outcome.captures_changed, captures_skipped=outcome.captures_skipped)
