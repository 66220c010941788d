"""Signed list cursors: every `next_cursor` the API hands out carries an HMAC, and a cursor whose HMAC does not
match (forged, edited, or from another deployment) is refused with 400 before the store sees it.

The store's cursors are plain JSON positions, which a client could edit to read from anywhere or to feed the
store values it never produced; signing at the API boundary keeps them opaque without the store knowing.

The key is EVALFORGE_CURSOR_SECRET when set. Otherwise it is a random secret generated once per store and kept
in the store's `api_secrets` collection (the first replica to `create` it wins and the others read it), so
every replica over one store accepts the others' cursors and a restart does not invalidate open pages.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable

from evalforge_assets.models.limits import StoredSecret
from evalforge_assets.settings import Settings
from evalforge_assets.store import InvalidCursor, Store

SECRET_NAME = "cursor-signing"
_MAC_CHARS = 22  # 22 base64url characters: 132 bits of the SHA-256 HMAC, plenty against guessing
_REFUSED = "it was not issued by this API or has been changed; start again without a cursor"


def stored_secret(store: Store, name: str) -> bytes:
    """The store's secret `name`, generated now if no replica has made it yet."""
    store.create("api_secrets", StoredSecret(name=name, value=secrets.token_urlsafe(32)))
    # Whoever created it, the stored one is the one every replica uses (update with no change reads it).
    found = store.update("api_secrets", StoredSecret, name, lambda current: None)
    if found is None:
        raise RuntimeError(f"The store lost its {name!r} secret right after creating it; check the store.")
    return found.value.encode()


class LazySecret:
    """A key asked for once, on first use (reading it may write the store), then kept; safe across threads."""

    def __init__(self, key_of: Callable[[], bytes]) -> None:
        self._key_of = key_of
        self._key: bytes | None = None
        self._lock = threading.Lock()

    def get(self) -> bytes:
        if self._key is None:
            with self._lock:
                if self._key is None:
                    self._key = self._key_of()
        return self._key


class CursorSigner:
    """Signs cursors the store made and opens signed ones; the key is resolved on first use and kept."""

    def __init__(self, key_of: Callable[[], bytes]) -> None:
        self._key = LazySecret(key_of)

    @classmethod
    def from_settings(cls, settings: Settings, store_of: Callable[[], Store]) -> CursorSigner:
        configured = settings.secret_value("cursor_secret")
        if configured:
            key = configured.encode()
            return cls(lambda: key)
        return cls(lambda: stored_secret(store_of(), SECRET_NAME))

    def _mac(self, payload: str) -> str:
        digest = hmac.new(self._key.get(), payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:_MAC_CHARS]

    def sign(self, cursor: str | None) -> str | None:
        """`cursor` with its signature appended (None stays None: the last page)."""
        if cursor is None:
            return None
        return f"{cursor}.{self._mac(cursor)}"

    def open(self, signed: str | None) -> str | None:
        """The cursor `sign` was given; InvalidCursor (a 400) when the signature does not match."""
        if not signed:
            return None
        payload, separator, mac = signed.rpartition(".")
        if not separator or not payload or not hmac.compare_digest(mac.encode(), self._mac(payload).encode()):
            raise InvalidCursor(_REFUSED)
        return payload
