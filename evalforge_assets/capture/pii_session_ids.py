"""Random tokens and session ids: what makes a value after a bare `key` or a `session` key a secret, and the id in
a session store's key (`SETEX "sess:8r5wje6b…"`), which is the session's credential."""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_patterns import Candidate

# A UUID after `session` is a conversation's or a request's id, which logs quote (`session=ce8e809b-8f26-…`).
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# A session store's key holds the session's id: `sess:8r5wje6b…`, express-session's signed `sess:s%3A21ZaHRDn….e1akZy…`,
# `session:4f0c…`.
_SESSION_STORE_KEY = re.compile(
    r"(?<![\w-])sess(?:ion)?[:_](?P<id>(?:s%3A|s:)?[A-Za-z0-9_-]{20,128}(?:\.[A-Za-z0-9_+/-]{16,128})?)(?![\w.+/-])"
)


def random_token(value: str, length: int) -> bool:
    """A token of at least `length` characters of one run, with letters and digits mixed as keys are."""
    return (
        len(value) >= length
        and not any(char in value for char in ":/@.")
        and any(char.isdigit() for char in value)
        and any(char.isalpha() for char in value)
        and len(set(value)) >= 10
    )


def find_session_store_keys(text: str) -> Iterator[Candidate]:
    """SECRET candidates for the random ids in session stores' keys (UUIDs stay: see `UUID`)."""
    if "sess" not in text:
        return
    for match in _SESSION_STORE_KEY.finditer(text):
        session_id = match.group("id").removeprefix("s%3A").removeprefix("s:").split(".")[0]  # without its signature
        if random_token(session_id, 20) and not UUID.fullmatch(session_id):
            yield "SECRET", match.start("id"), match.end("id")
