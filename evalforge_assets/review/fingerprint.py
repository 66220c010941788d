"""Failure fingerprints: the normalized parts that decide which captures are the same failure.

Messages are parameterized in a fixed order (after Sentry's): variable parts such as ids, numbers and
quoted values become placeholders, so "Order 4411 timed out after 8423ms" and "Order 97 timed out after
12ms" share a fingerprint. The parts are stored on the signature so anyone can see why captures grouped.
Changing any rule here changes ids: bump FINGERPRINT_VERSION (new versions apply to new captures only).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import orjson

from evalforge_assets.models import FailureCapture, FailureKind

FINGERPRINT_VERSION = 1

# (name, pattern) in application order; each replaced by <name>. Earlier rules protect later ones from
# mangling their matches (a URL's digits are not "ints").
_PARAMETERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("email", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
        ("url", r"\b[a-z][a-z0-9+.-]*://[^\s'\"<>)]+"),
        ("hostname", r"\b(?:[a-z0-9-]+\.)+(?:com|net|org|io|dev|ai|co|app|cloud|local|internal|svc|cluster)\b"),
        ("ip", r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}\b"),
        ("traceparent", r"\b00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}\b"),
        ("uuid", r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),
        ("sha1", r"\b[0-9a-f]{40}\b"),
        ("md5", r"\b[0-9a-f]{32}\b"),
        ("date", (r"\b\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?\b"
                  r"|\b\d{2}:\d{2}:\d{2}(?:\.\d+)?\b")),
        ("duration", r"\b\d+(?:\.\d+)?\s?(?:ns|us|µs|ms|s|sec|secs|seconds?|mins?|minutes?|h|hrs?|hours?)\b"),
        # No leading \b: prefixed ids such as ch_3f9a0c1d or req_00ab12cd hide their hex behind "_".
        ("hex", r"\b0x[0-9a-f]+\b|(?<![0-9a-z])(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b"),
        ("money", r"[$€£¥]\s?\d[\d,]*(?:\.\d+)?"),
        ("float", r"(?<![\w.])-?\d+\.\d+\b"),
        ("int", r"(?<![\w<])-?\d+\b"),
        ("quoted", r"'[^'\n]{0,200}'|\"[^\"\n]{0,200}\"|`[^`\n]{0,200}`"),
        ("value", r"(?<==)(?!<)[^\s,;&)\]}]+"),
    )
)
_PLACEHOLDER = re.compile(r"<[A-Z_]+>")  # PII placeholders written by the sanitizer are already parameters
_SPACES = re.compile(r"\s+")
_MAX_MESSAGE = 300

_PY_FRAME = re.compile(r'File "(?P<file>[^"]+)", line \d+, in (?P<func>[\w<>.]+)')
_JS_FRAME = re.compile(r"at (?P<func>[\w$.<>]+) \((?P<file>[^():]+)(?::\d+){1,2}\)")
_SITE_PACKAGES = re.compile(r".*/(?:site-packages|dist-packages|node_modules)/")
MAX_FRAMES = 5


# A rule runs only when its cheap precondition holds: most messages have no "@", "://", quotes or "=", and
# skipping those passes roughly halves the cost of fingerprinting at ingestion rates.
_DIGIT = re.compile(r"\d")
_NEEDS: dict[str, Callable[[str, bool], bool]] = {
    "email": lambda text, digits: "@" in text,
    "url": lambda text, digits: "://" in text,
    "hostname": lambda text, digits: "." in text,
    "ip": lambda text, digits: digits or ":" in text,
    "traceparent": lambda text, digits: digits and "00-" in text,
    "uuid": lambda text, digits: digits and "-" in text,
    "money": lambda text, digits: digits and any(symbol in text for symbol in "$€£¥"),
    "quoted": lambda text, digits: "'" in text or '"' in text or "`" in text,
    "value": lambda text, digits: "=" in text,
}


def parameterize(message: str) -> str:
    """Replace the variable parts of a message with typed placeholders, in the fixed order above."""
    text = _PLACEHOLDER.sub(lambda m: m.group(0).lower(), message) if "<" in message else message
    for name, pattern in _PARAMETERS:
        needs = _NEEDS.get(name)
        digits = _DIGIT.search(text) is not None
        if needs is not None and not needs(text, digits):
            continue
        if needs is None and name != "hex" and not digits:
            continue  # sha1, md5, date, duration, float, int: all need a digit
        text = pattern.sub(f"<{name}>", text)
    return _SPACES.sub(" ", text).strip()[:_MAX_MESSAGE]


@lru_cache(maxsize=4096)
def _normalized_frames(stack: str) -> tuple[str, ...]:
    frames = []
    for match in list(_PY_FRAME.finditer(stack)) + list(_JS_FRAME.finditer(stack)):
        path = match.group("file")
        if _SITE_PACKAGES.match(path):
            continue  # library frames differ between installs; in-app frames identify the bug
        parts = path.replace("\\", "/").rsplit("/", 2)
        frames.append(f"{'/'.join(parts[-2:])}:{match.group('func')}")
    return tuple(frames[-MAX_FRAMES:])


def normalize_stack(stack: str | None) -> list[str]:
    """In-app frames as `module/file:function`, innermost last, without line numbers or install paths.

    Cached: the same failure repeats the same stack, and frame extraction is the costliest part of a fingerprint.
    """
    return list(_normalized_frames(stack)) if stack else []


def failing_evaluations(capture: FailureCapture) -> list[str]:
    return sorted({r.evaluation for r in capture.reasons if r.evaluation and r.kind is capture.failure_kind})


def fingerprint_of(capture: FailureCapture) -> dict[str, Any]:
    """The normalized parts; two captures group exactly when these are equal."""
    message = capture.error_message if capture.failure_kind is FailureKind.error else None
    return {
        "version": FINGERPRINT_VERSION,
        "ml_app": capture.ml_app,
        "agent": capture.agent or capture.source.span_name,
        "failure_kind": capture.failure_kind.value,
        "error_type": capture.error_type if capture.failure_kind is FailureKind.error else None,
        "message": parameterize(message) if message else None,
        "evaluations": failing_evaluations(capture),
        "stack": normalize_stack(capture.error_stack),
    }


def signature_id_of(fingerprint: dict[str, Any]) -> str:
    digest = hashlib.sha256(orjson.dumps(fingerprint, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return f"sig_v{fingerprint['version']}_{digest[:20]}"


def title_of(fingerprint: dict[str, Any]) -> str:
    where = f"{fingerprint['ml_app']}/{fingerprint['agent']}"
    if fingerprint["failure_kind"] == FailureKind.error.value:
        head = fingerprint["error_type"] or "Error"
        return f"{head}: {fingerprint['message']} ({where})" if fingerprint["message"] else f"{head} in {where}"
    labels = ", ".join(fingerprint["evaluations"]) or fingerprint["failure_kind"]
    readable = {"eval_fail": "failing evaluation", "low_quality": "low score", "user_feedback": "negative feedback"}
    return f"{readable.get(fingerprint['failure_kind'], fingerprint['failure_kind'])}: {labels} ({where})"
