"""Turning a failing span into a sanitized `FailureCapture`. Nothing unsanitized leaves this module."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any
from urllib.parse import quote

from evalforge_assets.capture.classify import FailureRules, primary_kind, severity_of
from evalforge_assets.capture.pii import redact_text, sanitize_value
from evalforge_assets.capture.sanitize import clean, safe_identifier
from evalforge_assets.capture.spans import LLMSpan
from evalforge_assets.models import (
    SCHEMA_VERSION,
    ChatMessage,
    EvaluationResult,
    FailureCapture,
    FailureReason,
    Lineage,
    SourceTraceReference,
    iso,
)
from evalforge_assets.review.fingerprint import fingerprint_of, signature_id_of

USER_ID_TAGS = ("user_id", "usr.id", "user", "customer_id")
USER_ID_METADATA = ("user_id", "usr.id", "userId", "customer_id")
AGENT_METADATA = ("agent_name", "agent")


def capture_id_for(trace_id: str, span_id: str) -> str:
    """Deterministic id: the same span always maps to the same capture, so re-runs upsert, never duplicate."""
    return hashlib.sha256(f"{trace_id}:{span_id}".encode()).hexdigest()[:32]


class UserHasher:
    """Keyed hash of user ids: stable pseudonyms per deployment, unlinkable without the secret."""

    def __init__(self, secret: str) -> None:
        self._key = secret.encode()

    def __call__(self, user_id: str) -> str:
        return hmac.new(self._key, user_id.encode(), hashlib.sha256).hexdigest()[:32]

    def __repr__(self) -> str:
        return "UserHasher(<secret hidden>)"


# Characters `quote` keeps as they are (its unreserved set and its default safe "/"), plus ":", which it escapes:
# every id `safe_identifier` lets through is written in them.
_URL_PLAIN_ID = re.compile(r"[A-Za-z0-9_.:~/-]*")


def datadog_span_url(site: str, trace_id: str, span_id: str) -> str:
    if _URL_PLAIN_ID.fullmatch(trace_id):
        # What `quote` returns for these characters, without its per-character pass (one URL per capture).
        query = "%40trace_id%3A" + trace_id.replace(":", "%3A")
    else:
        query = quote(f"@trace_id:{trace_id}")
    return f"https://app.{site}/llm/traces?query={query}&selectedSpanId={span_id}"


def _user_id(span: LLMSpan) -> str | None:
    tags = span.tag_map
    for key in USER_ID_TAGS:
        if tags.get(key):
            return tags[key]
    for key in USER_ID_METADATA:
        value = span.metadata.get(key)
        if value not in (None, ""):
            return str(value)
    return None


def _agent(span: LLMSpan) -> str | None:
    for key in AGENT_METADATA:
        value = span.metadata.get(key)
        if isinstance(value, str) and value:
            return value
    if span.tag_map.get("agent"):
        return span.tag_map["agent"]
    return span.name if span.span_kind == "agent" else None


def _error_details(span: LLMSpan) -> tuple[str | None, str | None, str | None]:
    """(type, message, stack) from the `error` object when present, else error tags and metadata."""
    error: dict[str, Any] = dict(span.error or {})
    meta = (span.model_extra or {}).get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("error"), dict):
        error = {**meta["error"], **error}
    error_type = error.get("type") or span.tag_map.get("error_type") or span.metadata.get("error_type")
    message = error.get("message") or span.metadata.get("error_message") or span.metadata.get("error.message")
    stack = error.get("stack") or span.metadata.get("error_stack")
    return (
        str(error_type) if error_type else None,
        str(message) if message else None,
        str(stack) if stack else None,
    )


def _messages(raw: list[dict[str, Any]] | None, counts: dict[str, int]) -> list[ChatMessage]:
    messages = []
    for message in raw or []:
        content = message.get("content")
        text = content if isinstance(content, str) else ("" if content is None else str(content))
        role = clean(str(message.get("role", "")), counts)
        messages.append(ChatMessage(role=role, content=redact_text(text, counts)))
    return messages


def _as_text(value: str | None, messages: list[ChatMessage]) -> str:
    if value:
        return value
    return "\n".join(f"{m.role}: {m.content}" for m in messages)


def build_capture(
    span: LLMSpan,
    reasons: list[FailureReason],
    rules: FailureRules,
    hasher: UserHasher,
    lineage: Lineage,
    detected_at: str,
    site: str = "datadoghq.com",
    capture_id: str | None = None,
    group: bool = True,
) -> FailureCapture:
    """The stored form of a failing span: every stored string sanitized (see `capture.sanitize`), identifiers
    validated against the id alphabet, the user replaced by a keyed hash. `capture_id` is
    `capture_id_for(span.trace_id, span.span_id)` when the caller has already worked it out; with
    `group=False` the caller groups the capture itself (`group_capture`), as `ingest_items` does a chunk at a time."""
    counts: dict[str, int] = {}
    tags = span.tag_map
    user_id = _user_id(span)
    error_type, error_message, error_stack = _error_details(span)
    error_type = clean(error_type, counts)
    trace_id = safe_identifier(span.trace_id, hasher) or ""
    span_id = safe_identifier(span.span_id, hasher) or ""
    ml_app = clean(span.ml_app, counts)
    input_messages = _messages(span.input.messages, counts)
    output_messages = _messages(span.output.messages, counts)
    input_value = redact_text(span.input.value, counts) if span.input.value else None
    output_value = redact_text(span.output.value, counts) if span.output.value else None
    start_time = iso(span.start_time)
    evaluations = [
        EvaluationResult(
            label=clean(label, counts),
            metric_type=clean(evaluation.get("eval_metric_type"), counts),
            value=sanitize_value(evaluation.get("value"), counts),
            assessment=clean(evaluation.get("assessment"), counts),
            reasoning=redact_text(str(evaluation["reasoning"]), counts) if evaluation.get("reasoning") else None,
        )
        for label, evaluation in sorted(span.evaluation.items())
        if isinstance(evaluation, dict)
    ]
    capture = FailureCapture(
        capture_id=capture_id or capture_id_for(span.trace_id, span.span_id),
        source=SourceTraceReference(
            trace_id=trace_id,
            span_id=span_id,
            parent_id=safe_identifier(span.parent_id, hasher),
            ml_app=ml_app,
            span_name=clean(span.name, counts),
            span_kind=span.span_kind,
            start_time=start_time,
            duration_ms=round(span.duration / 1e6, 3) if span.duration is not None else None,
            service=clean(tags.get("service"), counts),
            env=clean(tags.get("env"), counts),
            version=clean(tags.get("version") or span.metadata.get("agent_version"), counts),
            session_id=redact_text(tags["session_id"], counts) if tags.get("session_id") else None,
            url=datadog_span_url(site, trace_id, span_id),
        ),
        detected_at=detected_at,
        occurred_at=start_time,
        ml_app=ml_app,
        failure_kind=primary_kind(reasons),
        reasons=[r.model_copy(update={"detail": redact_text(r.detail, counts)}) for r in reasons],
        severity=severity_of(reasons, span, rules),
        agent=clean(_agent(span), counts),
        error_type=error_type,
        error_message=redact_text(error_message, counts) if error_message else None,
        error_stack=redact_text(error_stack, counts) if error_stack else None,
        input_text=_as_text(input_value, input_messages),
        output_text=_as_text(output_value, output_messages),
        input_messages=input_messages,
        output_messages=output_messages,
        metadata=sanitize_value(span.metadata, counts),
        tags=sanitize_value(span.tags, counts, key="tags"),
        evaluations=evaluations,
        model_name=clean(span.model_name, counts),
        user_hash=hasher(user_id) if user_id else None,
        pii=counts,
        lineage=lineage,
        schema_version=SCHEMA_VERSION,
    )
    if group:
        group_capture(capture)
    return capture


def group_capture(capture: FailureCapture) -> None:
    """Set the capture's signature. Grouped at capture time so each capture is written once; failure_signatures
    only remaps merged groups."""
    capture.fingerprint_id = capture.signature_id = signature_id_of(fingerprint_of(capture))
