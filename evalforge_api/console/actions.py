"""JSON actions the console's JavaScript calls: a signature's status, assignee or note, carrying the review
version the page was rendered with, so a reviewer acting on a stale page is told who else changed it (409 with
a sentence) instead of silently overwriting their decision. The check is part of the write
(ReviewService.review_signature with expected_version), so two reviewers acting at the same moment cannot both
pass it.

Authenticated like /v1 (session cookie plus the X-Evalforge-Console header, or a bearer key).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field, model_validator

from evalforge_api.auth import Reviewer
from evalforge_api.deps import ReviewServiceDep
from evalforge_api.routes.captures import require_lead_for_export
from evalforge_assets.models import SignatureStatus
from evalforge_assets.review.rules import UNSET
from evalforge_assets.review.signature_patch import SignaturePatch

router = APIRouter(prefix="/console/actions", include_in_schema=False)


class SignatureChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: SignatureStatus | None = None
    assignee: str | None = Field(None, min_length=1, max_length=200, description="null unassigns.")
    note: str | None = Field(None, min_length=1, max_length=5000)
    version: int = Field(ge=0, description="The signature's review_version when the page showed it.")

    @model_validator(mode="after")
    def _something_to_do(self) -> SignatureChange:
        if self.status is None and "assignee" not in self.model_fields_set and not self.note:
            raise ValueError("send a status, an assignee or a note")
        return self


class SignatureChanged(BaseModel):
    signature_id: str
    status: SignatureStatus
    assignee: str | None
    version: int
    captures_changed: int
    captures_skipped: int


@router.post("/signatures/{signature_id}/review", response_model=SignatureChanged)
@router.post("/signatures/{signature_id}/status", response_model=SignatureChanged)
def review_signature(signature_id: Annotated[str, Path(min_length=1, max_length=200)], body: SignatureChange,
                     review: ReviewServiceDep, principal: Reviewer) -> SignatureChanged:
    require_lead_for_export(principal, body.status == SignatureStatus.exported)
    patch = SignaturePatch(status=body.status, note=body.note,
                           assignee=body.assignee if "assignee" in body.model_fields_set else UNSET)
    outcome = review.review_signature(signature_id, patch, principal.actor, expected_version=body.version)
    signature = outcome.signature
    return SignatureChanged(signature_id=signature_id, status=signature.status, assignee=signature.assignee,
                            version=signature.review_version, captures_changed=outcome.captures_changed,
                            captures_skipped=outcome.captures_skipped)
