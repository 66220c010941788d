"""JSON on the hot paths (raw span files, store bodies): orjson, with the standard library as the fallback
for the values orjson refuses (integers beyond 64 bits, non-string keys) so no input is ever rejected."""

from __future__ import annotations

import json
from typing import Any

import orjson

loads = orjson.loads


def dumps(value: Any) -> bytes:
    try:
        return orjson.dumps(value, default=str)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str).encode()
