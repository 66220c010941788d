"""Raw spans at rest: each hour's file is written redacted, or encrypted with a key from settings.

Redacted files go through the capture sanitizer like captures do. One thing must survive redaction: who the
user was, or every capture built from the file would share one pseudonym. So the user id is read before
redacting and put back as its keyed hash (the same UserHasher as captures), a pseudonym that is stable per
user and unlinkable without the secret. Encrypted files keep the spans exactly as the source sent them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from evalforge_assets.capture.build import USER_ID_METADATA, USER_ID_TAGS, UserHasher
from evalforge_assets.capture.malformed import MalformedItem
from evalforge_assets.capture.pii import redact_text, sanitize_value
from evalforge_assets.capture.sanitize import IDENTIFIER_FIELDS, safe_identifier
from evalforge_assets.capture.span_bounds import screen_item

PSEUDONYM_TAG = "user_id"  # the tag build_capture reads first (USER_ID_TAGS[0])
# What redaction removed from an item, kept beside its attributes so the capture built from the redacted item
# still reports it in `pii` (the capture's own sanitizer finds only placeholders by then). USER_ID is left out:
# the pseudonym tag is counted again when the capture is built.
RAW_PII_KEY = "_evalforge_redacted"


class RawKeyError(ValueError):
    """The raw span encryption key is unusable, or a file was written with another key."""


def _attributes(item: dict[str, Any]) -> Any:
    return item.get("attributes", item) if "attributes" in item else item


def raw_user_id(attributes: Any) -> str | None:
    """The user id build_capture would read from this raw span (tags first, then metadata), or None."""
    if not isinstance(attributes, dict):
        return None
    tags = attributes.get("tags")
    found: dict[str, str] = {}
    if isinstance(tags, list):
        for tag in tags:
            if isinstance(tag, str):
                key, _, value = tag.partition(":")
                found[key] = value
    elif isinstance(tags, dict):
        found = {str(k): str(v) for k, v in tags.items() if isinstance(v, (str, int)) and not isinstance(v, bool)}
    for key in USER_ID_TAGS:
        if found.get(key):
            return found[key]
    metadata = attributes.get("metadata")
    if isinstance(metadata, dict):
        for key in USER_ID_METADATA:
            value = metadata.get(key)
            if value not in (None, "") and isinstance(value, (str, int)) and not isinstance(value, bool):
                return str(value)
    return None


def _put_pseudonym(attributes: Any, pseudonym: str) -> None:
    if not isinstance(attributes, dict):
        return
    tags = attributes.get("tags")
    if isinstance(tags, dict):
        tags[PSEUDONYM_TAG] = pseudonym
    elif isinstance(tags, list):
        tags.append(f"{PSEUDONYM_TAG}:{pseudonym}")  # the last value of a tag key wins when spans are parsed
    else:
        attributes["tags"] = [f"{PSEUDONYM_TAG}:{pseudonym}"]


# Where a raw span keeps its identifiers: the export's `id` (the span id) beside `attributes`, and the ids
# inside `attributes` (or at the top of a flat span). They follow the captures' rule (`capture.sanitize`):
# validated against the id alphabet, not scanned. Scanning them cost two thirds of all raw redaction, and it
# broke identity: a 19-digit span id that starts with 62 and passes Luhn was stored as <CREDIT_CARD>, so the
# capture built from it got the id of every other such span of its trace.
_TOP_IDENTIFIERS = frozenset({"id", *IDENTIFIER_FIELDS})
_ATTRIBUTE_IDENTIFIERS = frozenset(IDENTIFIER_FIELDS)


def _sanitize_keeping_identifiers(
    value: dict[str, Any], identifiers: frozenset[str], hasher: UserHasher, counts: dict[str, int]
) -> dict[str, Any]:
    """`sanitize_value(value)`, except that string identifiers under `identifiers` are validated (kept when
    they are ids by their alphabet, else replaced by their keyed hash) and `attributes` is walked the same way."""
    out: dict[str, Any] = {}
    for key, child in value.items():
        if key in identifiers and isinstance(child, str):
            out[key] = safe_identifier(child, hasher)
        elif key == "attributes" and isinstance(child, dict) and identifiers is _TOP_IDENTIFIERS:
            out[key] = _sanitize_keeping_identifiers(child, _ATTRIBUTE_IDENTIFIERS, hasher, counts)
        else:
            out.update(sanitize_value({key: child}, counts))
    return out


def redact_raw_item(item: Any, hasher: UserHasher, origin: str = "") -> Any:
    """A copy of one raw item safe to keep at rest: strings redacted, identifiers validated as in captures,
    the user id replaced by its pseudonym, and an item past the span bounds turned into a MalformedItem with a
    redacted preview."""
    item = screen_item(item, origin=origin)
    if isinstance(item, MalformedItem):
        return replace(item, raw_text=redact_text(item.raw_text))
    if not isinstance(item, dict):
        return sanitize_value(item)
    user_id = raw_user_id(_attributes(item))
    counts: dict[str, int] = {}
    redacted = _sanitize_keeping_identifiers(item, _TOP_IDENTIFIERS, hasher, counts)
    if user_id:
        _put_pseudonym(_attributes(redacted), hasher(user_id))
    counts.pop("USER_ID", None)
    if counts and isinstance(redacted, dict):
        redacted[RAW_PII_KEY] = dict(sorted(counts.items()))
    return redacted


def pop_raw_counts(item: Any) -> dict[str, int]:
    """The counts redact_raw_item left on `item`, removed from it (empty for items never redacted at rest)."""
    if type(item) is not dict or RAW_PII_KEY not in item:
        return {}
    counts = item.pop(RAW_PII_KEY)
    if not isinstance(counts, dict):
        return {}
    return {str(k): v for k, v in counts.items() if isinstance(v, int) and not isinstance(v, bool) and v > 0}


class RawCipher:
    """Authenticated encryption (Fernet: AES-128-CBC with HMAC-SHA256) of whole raw span files."""

    def __init__(self, key: str) -> None:
        try:
            self._fernet = Fernet(key.encode() if isinstance(key, str) else key)
        except (ValueError, TypeError) as exc:
            raise RawKeyError(
                "EVALFORGE_RAW_ENCRYPTION_KEY is not a Fernet key (32 url-safe base64-encoded bytes). Make one "
                "with `python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`."
            ) from exc

    def encrypt(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt(self, data: bytes, name: str) -> bytes:
        try:
            return self._fernet.decrypt(data)
        except InvalidToken as exc:
            raise RawKeyError(
                f"Raw span file {name} cannot be decrypted with EVALFORGE_RAW_ENCRYPTION_KEY: it was written with "
                "another key or has been altered. Restore the key it was written with, or materialize "
                "raw_llm_spans for this partition again.") from exc
