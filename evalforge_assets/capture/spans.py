"""Reading one Datadog LLM Observability span: the export's `data[]` item becomes a validated `LLMSpan`.

Datadog's export schema is loose in practice (start times in ms or ns, `parent_id: "undefined"`, an `error`
object only sometimes), so parsing is lenient where Datadog is and strict only on what a capture needs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
REQUIRED_FIELDS = ("span_id", "trace_id", "name", "span_kind", "ml_app", "start_ns", "status")
SPAN_KINDS = frozenset({"llm", "agent", "workflow", "tool", "task", "embedding", "retrieval"})


def scale_to_ns(value: int) -> int:
    """Epoch time in ns from a value that may be in s, ms, µs or ns, judged by magnitude: the documented unit
    is ns, but some real exports carry milliseconds."""
    if value < 10**11:
        return value * 10**9
    if value < 10**14:
        return value * 10**6
    if value < 10**17:
        return value * 10**3
    return value


def epoch_ns(moment: datetime) -> int:
    """Nanoseconds since the epoch, exactly (no float rounding); naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 10**9 + delta.microseconds * 1_000


class SpanError(ValueError):
    """A span that cannot become a capture; `reason` is the sentence stored with the quarantined copy."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SpanIO(BaseModel):
    model_config = ConfigDict(extra="allow")

    value: str | None = None
    messages: list[dict[str, Any]] | None = None


class LLMSpan(BaseModel):
    """The attributes Evalforge reads from a span; unknown keys are kept in `model_extra`."""

    model_config = ConfigDict(extra="allow")

    span_id: str
    trace_id: str
    parent_id: str | None = None
    name: str
    span_kind: str
    ml_app: str
    start_ns: int
    duration: float | None = None
    status: str
    input: SpanIO = Field(default_factory=SpanIO)
    output: SpanIO = Field(default_factory=SpanIO)
    metadata: dict[str, Any] = Field(default_factory=dict)
    metrics: dict[str, Any] = Field(default_factory=dict)
    model_name: str | None = None
    model_provider: str | None = None
    tags: list[str] = Field(default_factory=list)
    evaluation: dict[str, dict[str, Any]] = Field(default_factory=dict)
    error: dict[str, Any] | None = None

    @field_validator("span_id", "trace_id", mode="before")
    @classmethod
    def _ids_as_strings(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("parent_id", mode="before")
    @classmethod
    def _root_parent(cls, value: Any) -> Any:
        if value in (None, "", "undefined", "0", 0):
            return None
        return str(value)

    @field_validator("start_ns", mode="before")
    @classmethod
    def _start_in_ns(cls, value: Any) -> Any:
        # Some real exports carry milliseconds (or seconds) where the schema says nanoseconds.
        if isinstance(value, bool):
            # pydantic would read `true` as 1 ns after the epoch: a span dated 1970 in a current partition.
            raise ValueError("expected a time in nanoseconds since the epoch, got a boolean")  # noqa: TRY004 - pydantic reports only a ValueError as a field error
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if isinstance(value, float):
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return scale_to_ns(value)
        return value

    @field_validator("tags", mode="before")
    @classmethod
    def _tags_list(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, dict):
            return [f"{k}:{v}" for k, v in value.items()]
        return value

    @property
    def start_time(self) -> datetime:
        return datetime.fromtimestamp(self.start_ns / 1e9, tz=UTC)

    @property
    def tag_map(self) -> dict[str, str]:
        """Tags as key → value (the last value wins); bare tags map to an empty string.

        Made once per span and kept in the instance's __dict__, where `functools.cached_property` keeps it too,
        but without the lock Python 3.11's cached_property takes on each first access (it cost as much as
        building the map, on every span ingested)."""
        found: dict[str, str] | None = self.__dict__.get("tag_map")
        if found is None:
            found = {}
            for tag in self.tags:
                key, _, value = tag.partition(":")
                found[key] = value
            self.__dict__["tag_map"] = found
        return found


def span_attributes(item: Any) -> dict[str, Any]:
    """The attribute dict of an export item, accepting `{id, type, attributes}` or bare attributes."""
    if not isinstance(item, dict):
        raise SpanError(f"expected a JSON object for a span, got {type(item).__name__}")
    attributes = item.get("attributes", item) if "attributes" in item else item
    if not isinstance(attributes, dict):
        raise SpanError("span 'attributes' is not an object")
    return attributes


def parse_span(item: Any) -> LLMSpan:
    """Validate one span, raising SpanError with a one-line reason naming each bad field."""
    attributes = span_attributes(item)
    missing = [name for name in REQUIRED_FIELDS if attributes.get(name) in (None, "")]
    if missing:
        raise SpanError(f"missing required field(s): {', '.join(missing)}")
    try:
        return LLMSpan.model_validate(attributes)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'span'}: {err['msg']}" for err in exc.errors()[:5]
        )
        raise SpanError(f"wrong type(s): {problems}") from exc


_IDENTITY_CHARS = 256  # longer "ids" are not ids; they are not copied into quarantine records or logs


def _identity_value(value: Any) -> str | None:
    # Only scalars: str() of a poison value (a deeply nested object, a huge string) is itself poison.
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value) if isinstance(value, str) or value.bit_length() < 128 else None
    return text if text is not None and len(text) <= _IDENTITY_CHARS else None


def span_identity(item: Any) -> tuple[str | None, str | None]:
    """Best-effort (trace_id, span_id) of even a malformed item, for quarantine records and logs."""
    try:
        attributes = span_attributes(item)
    except SpanError:
        return None, None
    return _identity_value(attributes.get("trace_id")), _identity_value(attributes.get("span_id"))
