"""Alertmanager's webhook receiver: alerts about Evalforge itself, handed to the Slack alerts channel."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from evalforge_api.alert_relay import AlertmanagerNotification, AlertNotForwarded, AlertRelay, RelayOutcome
from evalforge_api.auth import Authenticator, client_address
from evalforge_api.deps import get_alert_relay, get_settings
from evalforge_api.errors import invalid_field
from evalforge_api.openapi import self_contained_schema
from evalforge_api.schemas import ErrorBody, ValidationErrorBody
from evalforge_assets.recovery.webhooks import verify_webhook_secret
from evalforge_assets.settings import Settings

router = APIRouter(tags=["health"])


def _check_secret(request: Request, settings: Settings) -> None:
    expected = settings.secret_value("alertmanager_secret")
    if not expected:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            "The Alertmanager secret is not configured: set EVALFORGE_ALERTMANAGER_SECRET on the "
                            "server and give Alertmanager the same value as its webhook's bearer credentials.")
    authenticator: Authenticator = request.app.state.auth
    address = client_address(request)
    authenticator.refuse_if_throttled(address)
    if not verify_webhook_secret(request.headers.get("authorization"), expected):
        authenticator.count_failure(address)  # a guessed secret is throttled like a guessed key
        raise HTTPException(status.HTTP_401_UNAUTHORIZED,
                            "The Alertmanager secret is missing or wrong: send EVALFORGE_ALERTMANAGER_SECRET as "
                            "`Authorization: Bearer <secret>` (http_config.authorization in alertmanager.yml).",
                            headers={"WWW-Authenticate": "Bearer"})


@router.post(
    "/v1/alerts/alertmanager", response_model=RelayOutcome, status_code=status.HTTP_202_ACCEPTED,
    summary="Receive Alertmanager notifications (webhook v4) and post them to Slack",
    responses={200: {"model": RelayOutcome, "description": "Forwarded to Slack."},
               401: {"model": ErrorBody, "description": "The bearer secret is missing or wrong."},
               422: {"model": ValidationErrorBody, "description": "Not an Alertmanager v4 payload; field named."},
               429: {"model": ErrorBody, "description": "Too many wrong secrets from this address."},
               502: {"model": ErrorBody, "description": "Slack refused the message; Alertmanager retries."},
               503: {"model": ErrorBody, "description": "EVALFORGE_ALERTMANAGER_SECRET is not configured."}},
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
        "schema": self_contained_schema(AlertmanagerNotification)}}}},
)
async def alertmanager_webhook(request: Request, response: Response,
                               settings: Annotated[Settings, Depends(get_settings)],
                               relay: Annotated[AlertRelay, Depends(get_alert_relay)]) -> RelayOutcome:
    """200 when the alerts were posted to EVALFORGE_SLACK_ALERTS_CHANNEL; 202 when they were only stored (no
    Slack configured: the answer says so). Either way the notification is in the audit trail
    (actor `alertmanager`). A refused request (401, 422, 503) stores nothing."""
    # The body is read by hand so the secret is checked before anything about the payload is said.
    _check_secret(request, settings)
    try:
        payload = json.loads(await request.body())
    except ValueError as exc:
        invalid_field(("body",), f"the body is not valid JSON ({exc}); send Alertmanager's webhook payload")
    try:
        notification = AlertmanagerNotification.model_validate(payload)
    except ValidationError as exc:
        # The API's 422 shape, each field located under `body` like FastAPI's own body validation.
        raise RequestValidationError([{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]) from None
    try:
        outcome = await run_in_threadpool(relay.relay, notification)
    except AlertNotForwarded as failure:
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, str(failure)) from failure
    if outcome.forwarded:
        response.status_code = status.HTTP_200_OK
    return outcome

