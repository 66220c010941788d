"""Credentials written as a pair: the identifier stored beside a secret names that credential, so it is as
sensitive as a key (an AWS access key id beside its secret, an OAuth client id beside its client secret).

`{"aws": {"id": "38fd3836156d6edf489d9efa870c6064", "secret": "nuuQ…"}}`: the secret is found by its key
anyway; the id is found here, in JSON-like text and in stored mappings alike. Only key-like values count (16
or more letters, digits, `-` or `_`, with both letters and digits), so a short id or a name beside a secret
stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from evalforge_assets.capture.pii_key_names import _normalized, key_kind
from evalforge_assets.capture.pii_patterns import Candidate

# Keys whose value names the credential a sibling secret belongs to (compared without case or separators).
CREDENTIAL_ID_KEYS = frozenset({"id", "keyid", "accesskeyid", "clientid", "appid", "applicationid", "consumerkey"})
_KEY_LIKE = re.compile(r"(?=[A-Za-z_-]*\d)(?=[\d_-]*[A-Za-z])[A-Za-z0-9_-]{16,128}")
# The innermost braces of JSON-like text, and its "key": "value" pairs.
_OBJECT = re.compile(r"\{[^{}]{1,4000}\}")
_PAIR = re.compile(r"""["']?(?P<key>[A-Za-z_][\w.-]{0,40})["']?\s*[:=]\s*["'](?P<value>[^"'\s]{1,200})["']""")
_SECRET_KINDS = ("SECRET", "PASSWORD")


def _is_credential_id(key: str, value: Any) -> bool:
    return isinstance(value, str) and _normalized(key) in CREDENTIAL_ID_KEYS and _KEY_LIKE.fullmatch(value) is not None


def credential_id_keys(mapping: Mapping[Any, Any]) -> frozenset[str]:
    """The keys of `mapping` whose values identify a secret stored beside them (empty without a secret)."""
    keys = [key for key in mapping if isinstance(key, str)]
    if len(keys) < 2 or not any(key_kind(key) in _SECRET_KINDS for key in keys):
        return frozenset()
    return frozenset(key for key in keys if _is_credential_id(key, mapping[key]))


def find_credential_ids(text: str) -> Iterator[Candidate]:
    if "{" not in text:
        return
    for found in _OBJECT.finditer(text):
        pairs = list(_PAIR.finditer(found.group()))
        if len(pairs) < 2 or not any(key_kind(pair["key"]) in _SECRET_KINDS for pair in pairs):
            continue
        for pair in pairs:
            if _is_credential_id(pair["key"], pair["value"]):
                yield "API_KEY", found.start() + pair.start("value"), found.start() + pair.end("value")
