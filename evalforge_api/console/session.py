"""Signing in and out of the console, and `/` itself.

Sign-in posts an API key once; the answer sets a session cookie (HttpOnly, SameSite=Strict, no Max-Age, Secure
over HTTPS) holding a signed token, never the key (see evalforge_api.auth). On loopback with no keys configured
the console opens without signing in, as the API does.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from evalforge_api.auth import CONSOLE_COOKIE, Authenticator, client_address
from evalforge_api.console.forms import read_form
from evalforge_api.console.pages import ConsolePageError, render

router = APIRouter(include_in_schema=False)


class SignInForm(BaseModel):
    api_key: str = Field(min_length=1, max_length=500)
    next: str = "/"


def safe_next(path: str | None) -> str:
    """Where to go after signing in: a path on this site only, so the form cannot send anyone elsewhere."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/signatures", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/console/session", response_model=None)
def sign_in_page(request: Request, next: Annotated[str | None, Query(max_length=2000)] = None) -> Response:
    authenticator: Authenticator = request.app.state.auth
    if authenticator.open:
        return RedirectResponse(safe_next(next), status_code=status.HTTP_303_SEE_OTHER)
    return render(request, None, "signin.html", message=None, next_path=safe_next(next))


@router.post("/console/session", response_model=None)
async def sign_in(request: Request) -> Response:
    form = await read_form(request, SignInForm)
    authenticator: Authenticator = request.app.state.auth
    address = client_address(request)
    try:
        # Wrong keys typed here count against the address like wrong bearer keys, so the form is no way around
        # the API's throttle on guessing keys.
        authenticator.refuse_if_throttled(address)
        started = authenticator.start_session(form.api_key)
        if started is None:
            authenticator.count_failure(address)
    except HTTPException as refused:
        raise ConsolePageError(refused.status_code, str(refused.detail)) from None
    if started is None:
        return render(request, None, "signin.html", status_code=status.HTTP_401_UNAUTHORIZED,
                      message="That API key is not recognised. Paste a key listed in EVALFORGE_API_KEYS on the "
                              "server (ask whoever runs Evalforge for one).", next_path=safe_next(form.next))
    _, token = started
    response = RedirectResponse(safe_next(form.next), status_code=status.HTTP_303_SEE_OTHER)
    # No max_age/expires: the cookie ends with the browser session.
    response.set_cookie(CONSOLE_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")
    return response


@router.post("/console/session/end")
def sign_out(request: Request) -> RedirectResponse:
    response = RedirectResponse("/console/session", status_code=status.HTTP_303_SEE_OTHER)
    response.delete_cookie(CONSOLE_COOKIE, path="/", httponly=True, samesite="strict",
                           secure=request.url.scheme == "https")
    return response
