"""API keys, roles and per-key rate limits.

`EVALFORGE_API_KEYS` is `key=role,key=role`. Roles are ordered: a `lead` may do everything a `reviewer` may,
and a `reviewer` everything a `viewer` may. Keys are kept only as SHA-256 digests, compared in constant time,
and never logged; a key is named in logs and audit entries by a short fingerprint of its digest.

With no keys configured the API is open, but only to loopback clients: anyone else gets a 403 saying keys must
be configured before the API can be reached from another machine.

The web console signs in with a key once and then holds a session token in an HttpOnly, SameSite=Strict cookie
(no Max-Age: it ends with the browser session, or after 12 hours). Tokens are signed with a secret kept in the
store (`api_secrets`), so every worker and replica accepts a session any of them started. The token names the key by fingerprint, so removing a key ends its sessions. Console pages
accept the cookie alone; /v1 calls accept it only with the `X-Evalforge-Console: 1` header, which a page on
another site cannot add to a request (the CSRF defence beside SameSite).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from evalforge_api.cursors import LazySecret, stored_secret
from evalforge_api.rate_limits import FailedAuthThrottle, SharedRateLimiter, StoreOf, retry_after_seconds
from evalforge_assets.settings import Settings

logger = logging.getLogger("evalforge.api.auth")

LOCAL_ACTOR = "local"
CONSOLE_COOKIE = "evalforge_console"
CONSOLE_HEADER = "X-Evalforge-Console"
_CHALLENGE = {"WWW-Authenticate": "Bearer"}
CONSOLE_SESSION_SECONDS = 12 * 3600  # a working day; a forgotten browser does not stay signed in for ever


class Role(str, Enum):
    viewer = "viewer"
    reviewer = "reviewer"
    lead = "lead"

    @property
    def rank(self) -> int:
        return _ROLE_RANK[self]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


_ROLE_RANK = {Role.viewer: 0, Role.reviewer: 1, Role.lead: 2}


class ApiKeyConfigError(ValueError):
    """EVALFORGE_API_KEYS cannot be read; the message names the entry by position, never the key."""


@dataclass(frozen=True)
class ConfiguredKey:
    digest: bytes
    role: Role

    @property
    def key_id(self) -> str:
        return "key-" + self.digest.hex()[:10]


@dataclass(frozen=True)
class Principal:
    """Who is calling: a configured key (by fingerprint) or, with no keys configured, the local user."""

    role: Role
    key_id: str | None

    @property
    def actor(self) -> str:
        return self.key_id or LOCAL_ACTOR

    def allows(self, needed: Role) -> bool:
        return self.role.allows(needed)


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def parse_api_keys(raw: str | None) -> list[ConfiguredKey]:
    """Read `key=role,key=role`; an empty or missing value means no keys (open on loopback only)."""
    if raw is None or not raw.strip():
        return []
    keys: dict[bytes, ConfiguredKey] = {}
    roles = ", ".join(role.value for role in Role)
    for position, entry in enumerate(raw.split(","), start=1):
        entry = entry.strip()
        if not entry:
            continue
        key, separator, role_name = entry.rpartition("=")
        key, role_name = key.strip(), role_name.strip()
        if not separator or not key:
            raise ApiKeyConfigError(f"EVALFORGE_API_KEYS entry {position} is not of the form key=role; "
                                    f"write it as key=role with a role among {roles}.")
        try:
            role = Role(role_name)
        except ValueError:
            raise ApiKeyConfigError(f"EVALFORGE_API_KEYS entry {position} has the role {role_name!r}, which "
                                    f"is not one of {roles}.") from None
        digest = _digest(key)
        if digest in keys and keys[digest].role != role:
            raise ApiKeyConfigError(f"EVALFORGE_API_KEYS entry {position} repeats an earlier key with a "
                                    "different role; give each key one role.")
        keys[digest] = ConfiguredKey(digest, role)
    return list(keys.values())


def client_address(request: Request) -> str:
    """The address failed authentications are counted against (the peer; behind an ingress, run uvicorn with
    --proxy-headers and --forwarded-allow-ips so the peer is the original client)."""
    return request.client.host if request.client else "unknown"


def _is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


_bearer = HTTPBearer(auto_error=False,
                     description="An API key from EVALFORGE_API_KEYS, sent as a bearer token.")


SESSION_SECRET_NAME = "console-session-signing"


class Authenticator:
    def __init__(self, keys: list[ConfiguredKey], limiter: SharedRateLimiter, throttle: FailedAuthThrottle,
                 clock: Callable[[], float] = time.time,
                 session_secret_of: Callable[[], bytes] | None = None) -> None:
        """`session_secret_of` gives the key console sessions are signed with (asked once, on first use); without
        it the key is this process's own, so only this process accepts its sessions."""
        self._keys = keys
        self.limiter = limiter
        self.throttle = throttle
        own = secrets.token_bytes(32)
        self._session_secret = LazySecret(session_secret_of or (lambda: own))
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: Settings, store_of: StoreOf) -> Authenticator:
        """Keys from settings; limits counted in the store `store_of` returns (asked on first use, so the app
        may open its store at start-up), shared by every replica over that store."""
        keys = parse_api_keys(settings.secret_value("api_keys"))
        limiter = SharedRateLimiter(store_of, settings.rate_limit_per_minute)
        throttle = FailedAuthThrottle(store_of, settings.auth_failure_limit, settings.auth_failure_window_seconds)
        # Workers and replicas share the store, so a session one of them started is accepted by all.
        return cls(keys, limiter, throttle, session_secret_of=lambda: stored_secret(store_of(), SESSION_SECRET_NAME))

    @property
    def open(self) -> bool:
        return not self._keys

    def describe(self) -> str:
        """One start-up line saying how the API is protected (never which keys)."""
        if self.open:
            return ("EVALFORGE_API_KEYS is not set: the API runs without keys and answers only requests from "
                    "127.0.0.1 (loopback); set EVALFORGE_API_KEYS=key=role,... to serve other machines.")
        per_role = {role.value: sum(1 for key in self._keys if key.role == role) for role in Role}
        roles = ", ".join(f"{count} {name}" for name, count in per_role.items() if count)
        return (f"API keys configured: {len(self._keys)} ({roles}); rate limit "
                f"{self.limiter.per_window} requests per minute per key.")

    def _match(self, presented: str) -> ConfiguredKey | None:
        # Every configured key is compared, so the time taken says nothing about which one (if any) matched.
        candidate = _digest(presented)
        found = None
        for key in self._keys:
            if hmac.compare_digest(candidate, key.digest):
                found = key
        return found

    # ---- console sessions -------------------------------------------------------------------------------------
    def _session_mac(self, key_id: str, issued: int) -> str:
        message = f"{key_id}.{issued}".encode()
        return hmac.new(self._session_secret.get(), message, hashlib.sha256).hexdigest()

    def start_session(self, presented: str) -> tuple[Principal, str] | None:
        """The principal of a key typed into the console and a session token for its cookie; None if unknown."""
        key = self._match(presented.strip())
        if key is None:
            return None
        issued = int(self._clock())
        return Principal(key.role, key.key_id), f"{key.key_id}.{issued}.{self._session_mac(key.key_id, issued)}"

    def session_principal(self, token: str) -> Principal | None:
        """Who a console session token belongs to; None when it is forged, expired or its key was removed."""
        key_id, _, rest = token.partition(".")
        issued_text, _, mac = rest.partition(".")
        if not issued_text.isdigit() or not hmac.compare_digest(mac, self._session_mac(key_id, int(issued_text))):
            return None
        if self._clock() - int(issued_text) > CONSOLE_SESSION_SECONDS:
            return None
        key = next((key for key in self._keys if key.key_id == key_id), None)
        return Principal(key.role, key.key_id) if key is not None else None

    def _console_call(self, request: Request) -> Principal | None:
        """The session principal of a /v1 call the console's JavaScript made (cookie plus custom header)."""
        token = request.cookies.get(CONSOLE_COOKIE)
        if not token or request.headers.get(CONSOLE_HEADER) != "1":
            return None
        return self.session_principal(token)

    # ---- failed-authentication throttle (rate_limits.FailedAuthThrottle) --------------------------------------
    def _too_many_failures(self, wait: float) -> HTTPException:
        retry_after = retry_after_seconds(wait)
        return HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"Too many requests from your address presented an unknown API key ({self.throttle.max_failures} within "
            f"{self.throttle.window_seconds} s), so it is refused for now; retry after {retry_after} s with a key "
            "listed in EVALFORGE_API_KEYS.", headers={"Retry-After": str(retry_after)})

    def refuse_if_throttled(self, address: str) -> None:
        """429 when `address` is blocked for failed authentications (as this replica knows; no store read)."""
        wait = self.throttle.blocked_for(address)
        if wait is not None:
            raise self._too_many_failures(wait)

    def count_failure(self, address: str) -> None:
        """Record a wrong key from `address`; 429 instead of 401 when another replica had already blocked it."""
        wait = self.throttle.record_failure(address)
        if wait is not None:
            raise self._too_many_failures(wait)

    def _identify(self, request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal | None:
        """The caller, from memory alone (no store access); None when a key was sent and it is not one of ours."""
        if self.open:
            client = request.client.host if request.client else None
            if not _is_loopback(client):
                raise HTTPException(
                    status.HTTP_403_FORBIDDEN,
                    "This API has no keys configured, so it only answers requests from 127.0.0.1. Configure "
                    "EVALFORGE_API_KEYS (key=role,...) on the server and send `Authorization: Bearer <key>`.",
                )
            return Principal(Role.lead, None)
        self.refuse_if_throttled(client_address(request))
        if credentials is None and (session := self._console_call(request)) is not None:
            return session
        if credentials is None:
            sent = request.headers.get("authorization")
            problem = ("The Authorization header is missing" if not sent
                       else "The Authorization header is not of the form `Bearer <key>`")
            raise HTTPException(status.HTTP_401_UNAUTHORIZED,
                                f"{problem}: send `Authorization: Bearer <key>` with a key from "
                                "EVALFORGE_API_KEYS.", headers=_CHALLENGE)
        key = self._match(credentials.credentials)
        return Principal(key.role, key.key_id) if key is not None else None

    @staticmethod
    def _unknown_key() -> HTTPException:
        return HTTPException(status.HTTP_401_UNAUTHORIZED,
                             "The API key is not recognised: send a key listed in EVALFORGE_API_KEYS as "
                             "`Authorization: Bearer <key>`.", headers=_CHALLENGE)

    def authenticate(self, request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal:
        principal = self._identify(request, credentials)
        if principal is None:
            self.count_failure(client_address(request))
            raise self._unknown_key()
        return principal

    async def authenticate_async(self, request: Request,
                                 credentials: HTTPAuthorizationCredentials | None) -> Principal:
        """`authenticate` on the event loop; only a wrong key, which is counted in the store, goes to a thread."""
        principal = self._identify(request, credentials)
        if principal is None:
            await run_in_threadpool(self.count_failure, client_address(request))
            raise self._unknown_key()
        return principal

    def _rate_limited(self, wait: float) -> HTTPException:
        retry_after = retry_after_seconds(wait)
        return HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"Rate limit of {self.limiter.per_window} requests per minute for this key exceeded; retry "
            f"after {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )

    def check_rate(self, principal: Principal) -> None:
        if principal.key_id is None:
            return  # open mode serves the local user only; limits are per key
        wait = self.limiter.acquire(principal.key_id)
        if wait is not None:
            raise self._rate_limited(wait)

    async def check_rate_async(self, principal: Principal) -> None:
        """`check_rate` on the event loop: most requests take from this replica's block in memory; the few that
        must reserve a block from the store (or wait for one being reserved) do that in a thread."""
        if principal.key_id is None:
            return
        admission = self.limiter.try_acquire(principal.key_id)
        if admission is None:
            wait = await run_in_threadpool(self.limiter.acquire, principal.key_id)
        else:
            wait = admission.wait
            if admission.top_up is not None:
                await run_in_threadpool(admission.top_up)
        if wait is not None:
            raise self._rate_limited(wait)


def require_role(role: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency that authenticates the caller and checks `role` and the key's rate limit.

    It is async so the common request (a known key, room left in this replica's block of the rate limit) is
    answered on the event loop without a threadpool hop; store writes still run in a thread."""

    async def dependency(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        authenticator: Authenticator = request.app.state.auth
        principal = await authenticator.authenticate_async(request, credentials)
        if not principal.allows(role):
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                f"This action needs the {role.value} role (or higher); your key has the "
                                f"{principal.role.value} role.")
        await authenticator.check_rate_async(principal)
        return principal

    dependency.__name__ = f"require_{role.value}"
    return dependency


Viewer = Annotated[Principal, Depends(require_role(Role.viewer))]
Reviewer = Annotated[Principal, Depends(require_role(Role.reviewer))]
Lead = Annotated[Principal, Depends(require_role(Role.lead))]


def log_auth_mode(authenticator: Authenticator) -> None:
    if authenticator.open:
        logger.warning(authenticator.describe())
    else:
        logger.info(authenticator.describe())
