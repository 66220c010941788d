"""Bounds a raw span item must stay within before anything parses, sanitizes or serializes it.

Everything downstream of a source walks spans recursively (pydantic, the PII sanitizer, JSON encoders), so one
item nested hundreds of levels deep, or holding a string of a gigabyte, used to cost the whole hour. Screening
is iterative and cheap; an item outside the bounds becomes a MalformedItem whose reason names the bound and
where it was crossed, and whose text is a bounded preview, so quarantining it is as safe as quarantining a
broken JSON line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

import orjson

from evalforge_assets.capture.malformed import MalformedItem

PREVIEW_CHARS = 10_000  # how much of a poison item the quarantine copy keeps
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SpanLimits:
    """The largest span Evalforge reads. Real LLM Observability spans sit far inside these: metadata a few
    levels deep, prompts of at most a few hundred thousand characters, a few dozen tags."""

    max_depth: int = 64  # objects and lists inside one another, the item itself being level 1
    max_string_chars: int = 1_000_000  # any one string, keys included
    max_list_length: int = 100_000  # elements of any one list, keys of any one object


DEFAULT_LIMITS = SpanLimits()


def _path(parts: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in parts) or "the item"


def within_bounds(item: Any, limits: SpanLimits = DEFAULT_LIMITS) -> bool:
    """True when `item` crosses no bound: the fast pass every span takes (no paths kept)."""
    if type(item) is str:
        return len(item) <= limits.max_string_chars
    if type(item) is not dict and type(item) is not list:
        return True
    return _small_json(item, limits) or _walk_within(item, limits)


def _small_json(item: Any, limits: SpanLimits) -> bool:
    """A sufficient condition of `_walk_within`, decided in C: the item's compact JSON is short enough and has few
    enough brackets that no bound can be crossed (a fifth of the walk's cost on a typical span).

    Every bound leaves a trace in the JSON: a string or key of n characters takes at least n bytes; a list of
    n elements at least 2n + 1 bytes (an object more); a value nested d levels deep sits inside d opening
    brackets. The JSON holds more than the walk looks at (tuples, dataclasses and other types orjson renders),
    which only makes this test more cautious; anything orjson refuses (integers past 64 bits, keys that are not
    strings, nesting past its own limit) is left to the walk.
    """
    try:
        encoded = orjson.dumps(item)
    except (orjson.JSONEncodeError, RecursionError):
        return False
    return (
        len(encoded) <= limits.max_string_chars
        and len(encoded) <= 2 * limits.max_list_length
        and encoded.count(b"[") + encoded.count(b"{") <= limits.max_depth
    )


def _walk_within(item: Any, limits: SpanLimits) -> bool:
    max_depth, max_chars, max_length = limits.max_depth, limits.max_string_chars, limits.max_list_length
    stack: list[Any] = [item]
    depths: list[int] = [1]
    while stack:
        value, depth = stack.pop(), depths.pop()
        if depth > max_depth or len(value) > max_length:
            return False
        if type(value) is dict:
            for key in value:
                if type(key) is str and len(key) > max_chars:
                    return False
            children: Any = value.values()
        else:
            children = value
        for child in children:
            kind = type(child)
            if kind is str:
                if len(child) > max_chars:
                    return False
            elif kind is dict or kind is list:
                stack.append(child)
                depths.append(depth + 1)
    return True


def bound_violation(item: Any, limits: SpanLimits = DEFAULT_LIMITS) -> str | None:
    """The first bound `item` crosses, as a sentence naming where; None when it is inside every bound."""
    if within_bounds(item, limits):
        return None
    # (value, depth, path) with the path kept as a tuple and rendered only for the sentence.
    stack: list[tuple[Any, int, tuple[Any, ...]]] = [(item, 1, ())]
    max_depth, max_chars, max_length = limits.max_depth, limits.max_string_chars, limits.max_list_length
    while stack:
        value, depth, path = stack.pop()
        kind = type(value)
        if kind is dict:
            if depth > max_depth:
                return f"the value at {_path(path)} is nested more than {max_depth} levels deep"
            if len(value) > max_length:
                return (f"the object at {_path(path)} has {len(value)} keys (at most {max_length} are read)")
            for key, child in value.items():
                if type(key) is str and len(key) > max_chars:
                    return (f"a key of the object at {_path(path)} has {len(key)} characters "
                            f"(at most {max_chars} are read)")
                child_kind = type(child)
                if child_kind is str:
                    if len(child) > max_chars:
                        return (f"the string at {_path((*path, key))} has {len(child)} characters "
                                f"(at most {max_chars} are read)")
                elif child_kind is dict or child_kind is list:
                    stack.append((child, depth + 1, (*path, key)))
        elif kind is list:
            if depth > max_depth:
                return f"the value at {_path(path)} is nested more than {max_depth} levels deep"
            if len(value) > max_length:
                return f"the list at {_path(path)} has {len(value)} elements (at most {max_length} are read)"
            for position, child in enumerate(value):
                child_kind = type(child)
                if child_kind is str:
                    if len(child) > max_chars:
                        return (f"the string at {_path((*path, position))} has {len(child)} characters "
                                f"(at most {max_chars} are read)")
                elif child_kind is dict or child_kind is list:
                    stack.append((child, depth + 1, (*path, position)))
        elif kind is str and len(value) > max_chars:
            return f"the item is a string of {len(value)} characters (at most {max_chars} are read)"
    return None


class _Literal(str):
    """JSON text already rendered (punctuation, keys), told apart from string values on the preview stack."""


def json_preview(value: Any, max_chars: int = PREVIEW_CHARS) -> str:
    """The start of `value` as compact JSON, at most about `max_chars` long, for any depth or size.

    Built without recursion and stopping at the budget, so a million-level or gigabyte item costs no more than
    a small one.
    """
    out: list[str] = []
    size = 0
    stack: list[Any] = [value]
    while stack and size < max_chars:
        current = stack.pop()
        if isinstance(current, _Literal):
            piece = str(current)
        elif isinstance(current, dict):
            entries = list(islice(current.items(), max_chars))
            tail: list[Any] = [_Literal("}")]
            for index, (key, child) in enumerate(reversed(entries)):
                tail.append(child)
                comma = "," if index < len(entries) - 1 else ""
                tail.append(_Literal(comma + json.dumps(str(key)[:max_chars]) + ":"))
            stack.extend(tail)
            piece = "{"
        elif isinstance(current, (list, tuple)):
            elements = list(islice(current, max_chars))
            tail = [_Literal("]")]
            for index, child in enumerate(reversed(elements)):
                tail.append(child)
                if index < len(elements) - 1:
                    tail.append(_Literal(","))
            stack.extend(tail)
            piece = "["
        elif isinstance(current, str):
            piece = json.dumps(current[:max_chars], ensure_ascii=False)
        elif current is None or isinstance(current, (bool, int, float)):
            piece = json.dumps(current) if not isinstance(current, int) or current.bit_length() < 256 else "0"
        else:
            piece = json.dumps(str(current)[:max_chars])
        out.append(piece)
        size += len(piece)
    text = "".join(out)
    return text if not stack and size <= max_chars else text[:max_chars] + " …(cut)"


def screen_item(item: Any, limits: SpanLimits = DEFAULT_LIMITS, origin: str = "") -> Any:
    """`item` itself when it is inside the bounds, else a MalformedItem with the reason and a bounded preview."""
    if isinstance(item, MalformedItem):
        return item
    problem = bound_violation(item, limits)
    if problem is None:
        return item
    return MalformedItem(raw_text=json_preview(item), reason=f"span out of bounds: {problem}", origin=origin)


def describe_ns(value: int) -> str:
    """A nanosecond timestamp as an ISO time when it is one, else a phrase (no OverflowError for any int)."""
    try:
        return (_EPOCH + timedelta(microseconds=value // 1_000)).isoformat().replace("+00:00", "Z")
    except OverflowError:
        return "a time beyond year 9999" if value > 0 else "a time before year 1"


def start_outside(start_ns: int, window_ns: tuple[int, int], what: str) -> str | None:
    """The reason a span starting at `start_ns` is refused when it is outside [start, end) of `what`."""
    earliest, latest = window_ns
    if earliest <= start_ns < latest:
        return None
    return (f"start_ns {start_ns} ({describe_ns(start_ns)}) is outside {what} "
            f"[{describe_ns(earliest)}, {describe_ns(latest)})")
