"""How a console page gets its principal and renders: the one place pages reach auth and the templates.

A page route takes `ConsoleViewer` (or `ConsoleReviewer`, `ConsoleLead`), then returns `render(request,
principal, "name.html", **context)`. Who may do what is shown through `Permissions` in every template, so an
action the role may not take is drawn disabled with the reason instead of failing after a click.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined

from evalforge_api.auth import CONSOLE_COOKIE, CONSOLE_HEADER, Authenticator, Principal, Role

# Autoescape is on for every template, whatever its name: all user and capture text is escaped.
templates = Environment(loader=PackageLoader("evalforge_api.console", "templates"), autoescape=True,
                        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str


# The header's links; the incident and health pages are added by their own modules' routes at these paths.
NAV: list[NavItem] = [
    NavItem("Queue", "/signatures"),
    NavItem("Exports", "/exports"),
    NavItem("Incidents", "/incidents"),
    NavItem("Ingestion & health", "/ingestion"),
]


@dataclass(frozen=True)
class Permissions:
    """What the signed-in role may do, and why not, for templates to enable or explain each control."""

    principal: Principal

    def allows(self, role: str) -> bool:
        return self.principal.allows(Role(role))

    def why_not(self, role: str) -> str:
        if self.allows(role):
            return ""
        return (f"Needs the {role} role or higher; you are signed in as {self.principal.role.value}. Ask a lead "
                "for a key with that role.")


class ConsolePageError(Exception):
    """Answered with the error page (or the sign-in page for 401), saying what happened and what to do."""

    def __init__(self, status_code: int, message: str, next_path: str = "/") -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.next_path = next_path


def signed_in_as(principal: Principal) -> str:
    return "local user (open mode)" if principal.key_id is None else principal.key_id


def render(request: Request, principal: Principal | None, template: str, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    """A page of the console with the header (nav, role, sign-out) filled in for `principal`."""
    html = templates.get_template(template).render(
        request_path=request.url.path, nav=NAV, principal=principal,
        who=signed_in_as(principal) if principal else None,
        can=Permissions(principal) if principal else None,
        open_mode=_authenticator(request).open, console_header=CONSOLE_HEADER, **context)
    return HTMLResponse(html, status_code=status_code)


def _authenticator(request: Request) -> Authenticator:
    return request.app.state.auth


def _next_path(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{request.url.path}{query}"


def page_principal(role: Role) -> Callable[[Request], Principal]:
    """A dependency: the page's viewer from the session cookie (or the local user in open mode), checked for
    `role` and the key's rate limit. Raises ConsolePageError (401 to sign in, 403 for too low a role)."""

    def dependency(request: Request) -> Principal:
        authenticator = _authenticator(request)
        if authenticator.open:
            try:
                principal = authenticator.authenticate(request, None)
            except HTTPException as refused:
                raise ConsolePageError(refused.status_code, str(refused.detail)) from None
        else:
            token = request.cookies.get(CONSOLE_COOKIE)
            found = authenticator.session_principal(token) if token else None
            if found is None:
                message = ("Your console session has ended (it lasts one browser session, at most 12 hours, "
                           "and ends when its key is removed); sign in again with your API key." if token else
                           "Sign in with an API key from EVALFORGE_API_KEYS to use the console.")
                raise ConsolePageError(status.HTTP_401_UNAUTHORIZED, message, _next_path(request))
            principal = found
        if not principal.allows(role):
            raise ConsolePageError(status.HTTP_403_FORBIDDEN,
                                   f"This page needs the {role.value} role or higher, and you are signed in as "
                                   f"{principal.role.value}. Sign in with a key of that role, or ask a lead for "
                                   "one.")
        try:
            authenticator.check_rate(principal)
        except HTTPException as limited:
            raise ConsolePageError(limited.status_code, str(limited.detail)) from None
        return principal

    dependency.__name__ = f"console_{role.value}"
    return dependency


ConsoleViewer = Annotated[Principal, Depends(page_principal(Role.viewer))]
ConsoleReviewer = Annotated[Principal, Depends(page_principal(Role.reviewer))]
ConsoleLead = Annotated[Principal, Depends(page_principal(Role.lead))]


def sign_in_location(next_path: str) -> str:
    return f"/console/session?next={quote(next_path, safe='')}"


async def page_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ConsolePageError)
    if exc.status_code == status.HTTP_401_UNAUTHORIZED:
        return render(request, None, "signin.html", status_code=401, message=exc.message,
                      next_path=exc.next_path)
    return render(request, None, "error.html", status_code=exc.status_code, message=exc.message,
                  title={403: "Not allowed", 429: "Too many requests"}.get(exc.status_code, "Cannot show this page"))
