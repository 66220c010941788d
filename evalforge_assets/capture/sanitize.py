"""The gate before any write: which fields of a capture are identifiers (validated, never scanned) and how every
other stored string is sanitized.

Identifiers are not scanned because redacting part of a trace id would break the link back to Datadog and
the capture's deterministic id; instead each must match the id alphabet, and one that does not (an e-mail
address or a sentence sent as a span id) is replaced by a keyed hash, so it is stored neither in clear nor
redacted into something that no longer identifies the span. Every other string (tag values, names, types,
labels, roles, free text, metadata keys and values) goes through `redact_text` / `sanitize_value`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from evalforge_assets.capture.pii import redact_text, sanitize_value

# The one explicit list of identifier fields that are validated instead of scanned. capture_id, signature_id
# and fingerprint_id are derived hashes (capture.build, review.fingerprint), so only the source ids come in.
IDENTIFIER_FIELDS: tuple[str, ...] = ("trace_id", "span_id", "parent_id")
# Hex, decimal and the usual id characters; no "@", "+", spaces or anything else a person's data needs.
ID_ALPHABET = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
HASHED_ID_PREFIX = "idh_"


def safe_identifier(value: str | None, keyed_hash: Callable[[str], str]) -> str | None:
    """`value` when it is an identifier by its alphabet and length; else its keyed hash, marked as such."""
    if value is None or ID_ALPHABET.fullmatch(value):
        return value
    return HASHED_ID_PREFIX + keyed_hash(value)


def clean(value: Any, counts: dict[str, int]) -> Any:
    """A short stored string (tag value, name, type, label, role) with any finding redacted; None stays None,
    and non-strings are sanitized as JSON-like values."""
    if value is None or value == "":
        return value
    if isinstance(value, str):
        return redact_text(value, counts)
    return sanitize_value(value, counts)
