"""Choosing which Datadog MCP tool answers a question, and filling its arguments from its input schema.

Datadog renames and reshapes its MCP tools between versions, so nothing names a tool: each `Question` scores
every listed tool by keywords (mutating tools are never eligible), and a tool is eligible only when every
required argument can be filled from `ArgumentValues` (see `mcp_context`'s docstring for the rules). Used by
`mcp_context.McpContextSource`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import mcp.types as mcp_types

RESULT_LIMIT = 50

# -- choosing tools ----------------------------------------------------------------------------------------

_MUTATING_WORDS = frozenset({
    "create", "update", "delete", "remove", "mute", "unmute", "edit", "write", "submit", "send", "post",
    "patch", "set", "add", "schedule", "cancel", "resolve", "acknowledge", "trigger", "modify",
})


@dataclass(frozen=True)
class Question:
    """One thing to ask the server, as keyword weights for choosing the tool that answers it."""

    wanted: Mapping[str, int]
    unwanted: Mapping[str, int] = field(default_factory=dict)


METRICS = Question(
    wanted={"metric": 4, "timeseries": 3, "quer": 2, "points": 1, "get": 1},
    unwanted={"metadata": 4, "context": 3, "tag": 2, "list": 2, "names": 2, "search": 1, "monitor": 3,
              "log": 3, "span": 2},
)
MONITOR = Question(
    wanted={"monitor": 5, "search": 1, "find": 1, "get": 1, "status": 1, "state": 1},
    unwanted={"downtime": 3, "metric": 1, "log": 2},
)
ERRORS = Question(
    wanted={"error": 3, "log": 3, "span": 3, "search": 2, "find": 1, "trace": 1, "apm": 1},
    unwanted={"aggregate": 2, "analyze": 2, "sql": 3, "llm": 2, "rum": 3, "metric": 3, "monitor": 3,
              "incident": 2, "dashboard": 3, "notebook": 3, "host": 2},
)


@dataclass(frozen=True)
class ToolCall:
    """A chosen tool and the arguments it will be called with."""

    tool: mcp_types.Tool
    arguments: dict[str, Any]
    score: int

    @property
    def name(self) -> str:
        return self.tool.name

    def with_values(self, values: ArgumentValues) -> ToolCall:
        """The same tool with arguments filled from other values (another query of the same question)."""
        arguments = fill_arguments(self.tool.input_schema, values)
        if arguments is None:
            raise ValueError(f"The tool {self.name} cannot take these values: {values}.")
        return ToolCall(tool=self.tool, arguments=arguments, score=self.score)


@dataclass(frozen=True)
class ArgumentValues:
    """What this source can put into a tool's arguments for one question."""

    query: str
    service: str
    env: str
    window: tuple[float, float]  # epoch seconds (from, to)
    monitor_id: str | None = None
    limit: int = RESULT_LIMIT


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[^a-z0-9]+", text.lower()) if word]


def _keyword_score(words: Iterable[str], weights: Mapping[str, int]) -> int:
    words = list(words)
    return sum(weight for keyword, weight in weights.items() if any(w.startswith(keyword) for w in words))


def _looks_mutating(tool: mcp_types.Tool) -> bool:
    annotations = tool.annotations
    if annotations is not None and (annotations.destructive_hint or annotations.read_only_hint is False):
        return True
    return bool(_MUTATING_WORDS.intersection(_words(tool.name)))


def score_tool(tool: mcp_types.Tool, question: Question) -> int:
    """How well `tool` fits `question` by its name (double weight) and description; mutating tools get 0."""
    if _looks_mutating(tool):
        return 0
    name_words = _words(tool.name)
    description_words = _words(f"{tool.title or ''} {tool.description or ''}")
    def fit(weights: Mapping[str, int]) -> int:
        return 2 * _keyword_score(name_words, weights) + _keyword_score(description_words, weights)

    return fit(question.wanted) - fit(question.unwanted)


def choose_tool(tools: Iterable[mcp_types.Tool], question: Question,
                values: ArgumentValues) -> ToolCall | None:
    """The best-scoring tool for `question` whose required arguments can all be filled, with its arguments."""
    best: ToolCall | None = None
    for tool in tools:
        score = score_tool(tool, question)
        if score <= 0 or (best is not None and score <= best.score):
            continue
        arguments = fill_arguments(tool.input_schema, values)
        if arguments is not None:
            best = ToolCall(tool=tool, arguments=arguments, score=score)
    return best


# Argument roles, by normalised property name.
_QUERY_NAMES = frozenset({"query", "queries", "q", "filter", "filters", "search", "query_string",
                          "search_query", "filter_query", "querystring"})
_FROM_NAMES = frozenset({"from", "start", "from_ts", "start_ts", "from_time", "start_time", "time_from",
                         "since", "from_timestamp", "start_timestamp"})
_TO_NAMES = frozenset({"to", "end", "to_ts", "end_ts", "to_time", "end_time", "time_to", "until",
                       "to_timestamp", "end_timestamp"})
_SERVICE_NAMES = frozenset({"service", "service_name", "services"})
_ENV_NAMES = frozenset({"env", "environment", "envs"})
_MONITOR_NAMES = frozenset({"monitor_id", "monitor_ids", "id", "ids"})
_LIMIT_NAMES = frozenset({"limit", "max_results", "page_size", "per_page", "size", "max_items", "count"})


def _normalise(name: str) -> str:
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    return re.sub(r"[^a-z0-9]+", "_", snake.lower()).strip("_")


def fill_arguments(schema: Mapping[str, Any] | None, values: ArgumentValues) -> dict[str, Any] | None:
    """Arguments for a tool with this input schema, or None when a required argument cannot be filled."""
    schema = schema or {}
    properties: Mapping[str, Any] = schema.get("properties") or {}
    required = set(schema.get("required") or ())
    if required - set(properties):  # required but undescribed: nothing to go on
        return None
    arguments: dict[str, Any] = {}
    for name, prop in properties.items():
        prop = prop if isinstance(prop, Mapping) else {}
        value = _value_for(name, prop, values)
        if value is not None:
            arguments[name] = value
        elif name in required and "default" not in prop:
            return None
    return arguments


def _value_for(name: str, prop: Mapping[str, Any], values: ArgumentValues) -> Any:
    role = _normalise(name)
    if role in _QUERY_NAMES or role.endswith("_query"):
        return _typed(values.query, prop)
    if role in _FROM_NAMES:
        return _time_value(values.window[0], name, prop, relative="now-5m")
    if role in _TO_NAMES:
        return _time_value(values.window[1], name, prop, relative="now")
    if role in _SERVICE_NAMES:
        return _typed(values.service, prop)
    if role in _ENV_NAMES:
        return _typed(values.env, prop)
    if role in _MONITOR_NAMES:
        return _typed(values.monitor_id, prop) if values.monitor_id else None
    if role in _LIMIT_NAMES:
        maximum = prop.get("maximum")
        limit = min(values.limit, int(maximum)) if isinstance(maximum, (int, float)) else values.limit
        return _typed(limit, prop)
    return None


def _json_types(prop: Mapping[str, Any]) -> set[str]:
    declared = prop.get("type")
    types = {declared} if isinstance(declared, str) else set(declared or ())
    for option in prop.get("anyOf") or prop.get("oneOf") or ():
        if isinstance(option, Mapping):
            types |= _json_types(option)
    return types


_SCALARS = frozenset({"string", "integer", "number"})


def _typed(value: str | int | None, prop: Mapping[str, Any]) -> Any:
    """`value` in the JSON type the schema asks for (an array gets it as its one item), or None when it does
    not fit (an object or boolean, a non-number for a number, a value outside the enum)."""
    if value is None:
        return None
    types = _json_types(prop)
    if "array" in types and not types & _SCALARS:
        item = _typed(value, prop.get("items") or {})
        return None if item is None else [item]
    converted: Any
    if isinstance(value, int) and types & {"integer", "number"}:
        converted = value
    elif not types or "string" in types:
        converted = str(value)
    elif types & {"integer", "number"}:
        try:
            converted = int(value) if "integer" in types else float(value)
        except ValueError:
            return None
    else:
        return None
    enum = prop.get("enum")
    return None if enum is not None and converted not in enum else converted


def _time_value(epoch_seconds: float, name: str, prop: Mapping[str, Any], relative: str) -> Any:
    """A time for a `from`/`to` argument, in the form its type and description suggest: epoch seconds or
    milliseconds for numbers; for strings Datadog's relative `now-5m`, unless only ISO-8601 or epoch is
    named."""
    hint = f"{name} {prop.get('description') or ''} {prop.get('format') or ''}".lower()
    in_ms = bool(re.search(r"\bms\b|milli", hint))
    types = _json_types(prop)
    if types & {"integer", "number"} and "string" not in types:
        return int(epoch_seconds * 1000) if in_ms else int(epoch_seconds)
    if "array" in types or (types and "string" not in types):
        return None
    if re.search(r"\bnow\b", hint):  # Datadog's relative syntax: the same window whatever the clocks say
        return relative
    if re.search(r"date-time|\biso\b|iso.?8601|rfc.?3339", hint):
        return datetime.fromtimestamp(epoch_seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if re.search(r"epoch|unix", hint):
        return str(int(epoch_seconds * 1000) if in_ms else int(epoch_seconds))
    return relative
