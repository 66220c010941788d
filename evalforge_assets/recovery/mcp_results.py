"""Reading what Datadog MCP tools answer, defensively: JSON, else YAML, else plain text; metric series in
Datadog's v1 (`pointlist`) or v2 (`times` / `values`) shapes or as lists of `[time, value]` pairs; error
records as dictionaries whose resource, HTTP status or error fields give a label such as "POST /checkout 500";
and every URL, for evidence links. Used by `mcp_context.McpContextSource`.
"""

from __future__ import annotations

import json
import re
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import mcp.types as mcp_types
import yaml

from evalforge_assets.recovery.service_metrics import MetricSeries, parse_query_series

TOP_ERROR_MAX_CHARS = 160

# -- reading tool results ------------------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s\"'<>\]\)|`]+")


def result_texts(result: mcp_types.CallToolResult) -> list[str]:
    """The text of every text block of a tool result, plus its structured content as JSON."""
    texts = [block.text for block in result.content if isinstance(block, mcp_types.TextContent)]
    if result.structured_content:
        texts.append(json.dumps(result.structured_content))
    return texts


def parse_text(text: str) -> Any:
    """JSON, else YAML (which Datadog's tools sometimes answer in), else the text itself."""
    stripped = text.strip()
    try:
        return json.loads(stripped)
    except ValueError:
        return _parse_yaml(stripped, text)


def _parse_yaml(stripped: str, text: str) -> Any:
    """A YAML mapping or list, else the text as it came."""
    try:
        parsed = yaml.safe_load(stripped)
    except yaml.YAMLError:
        return text
    return parsed if isinstance(parsed, (dict, list)) else text


def result_payloads(result: mcp_types.CallToolResult) -> list[Any]:
    payloads: list[Any] = [result.structured_content] if result.structured_content else []
    payloads += [parse_text(block.text) for block in result.content
                 if isinstance(block, mcp_types.TextContent)]
    return payloads


def urls_in(texts: Iterable[str]) -> list[str]:
    found: dict[str, None] = {}
    for text in texts:
        for match in _URL.findall(text):
            found[match.rstrip(".,;:")] = None
    return list(found)


def walk(value: Any) -> Iterator[Any]:
    """Every dictionary and list inside `value`, outermost first."""
    queue = deque([value])
    while queue:
        current = queue.popleft()
        if isinstance(current, Mapping):
            yield current
            queue.extend(current.values())
        elif isinstance(current, list):
            yield current
            queue.extend(current)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _point(item: Any) -> tuple[float, float] | None:
    if isinstance(item, (list, tuple)) and len(item) == 2:
        at, value = _number(item[0]), _number(item[1])
    elif isinstance(item, Mapping):
        at = _number(next((item[k] for k in ("timestamp", "time", "ts", "t", "x") if k in item), None))
        value = _number(next((item[k] for k in ("value", "val", "v", "y") if k in item), None))
    else:
        return None
    return None if at is None or value is None else (at, value)


def _tags(series: Mapping[str, Any]) -> dict[str, str]:
    tags: dict[str, str] = {}
    raw: Any = series.get("scope") or series.get("group_tags") or series.get("tags") or series.get("group")
    if isinstance(raw, str):
        raw = raw.split(",")
    if isinstance(raw, Mapping):
        return {str(k): str(v) for k, v in raw.items()}
    for part in raw or ():
        key, separator, value = str(part).strip().partition(":")
        if separator:
            tags[key] = value
    return tags


def series_in(payload: Any) -> list[MetricSeries] | None:
    """The metric series in one parsed tool result, or None when it holds none."""
    for node in walk(payload):
        if not isinstance(node, Mapping):
            continue
        if isinstance(node.get("series"), list) and any(
                isinstance(s, Mapping) and "pointlist" in s for s in node["series"]):
            # Only the series: a `status` beside them is the server's business, not a reason to raise here.
            return parse_query_series({"series": node["series"]}, "metric query through MCP")
        attributes = node.get("attributes") if isinstance(node.get("attributes"), Mapping) else node
        if isinstance(attributes.get("times"), list) and isinstance(attributes.get("values"), list):
            return _columnar_series(attributes)
    found: list[MetricSeries] = []
    for node in walk(payload):
        if not isinstance(node, Mapping):
            continue
        for key in ("points", "pointlist", "datapoints", "values", "data"):
            candidates = node.get(key) if isinstance(node.get(key), list) else []
            points = [point for point in map(_point, candidates) if point]
            if points:
                found.append(MetricSeries(tags=_tags(node), points=points))
                break
    return found or None


def _columnar_series(attributes: Mapping[str, Any]) -> list[MetricSeries]:
    """Datadog's v2 timeseries shape: one `times` column and one `values` column per series."""
    times = [_number(t) for t in attributes["times"]]
    described = attributes.get("series") if isinstance(attributes.get("series"), list) else []
    result = []
    for index, column in enumerate(attributes["values"]):
        if not isinstance(column, list):
            continue
        points = [(at, value) for at, value in zip(times, map(_number, column), strict=False)
                  if at is not None and value is not None]
        meta = described[index] if index < len(described) and isinstance(described[index], Mapping) else {}
        result.append(MetricSeries(tags=_tags(meta), points=points))
    return result


def _flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in record.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{path}."))
        else:
            flat[path] = value
    return flat


def _field(flat: Mapping[str, Any], *suffixes: str) -> str | None:
    for suffix in suffixes:
        for key, value in flat.items():
            if (key == suffix or key.endswith(f".{suffix}")) and value not in (None, "", []):
                return str(value)
    return None


def error_records_in(payload: Any) -> list[Mapping[str, Any]]:
    """The log or span records in one parsed tool result: the outermost list of dictionaries of which at
    least one says what failed (see `error_label`)."""
    for node in walk(payload):
        if (isinstance(node, list) and node and all(isinstance(item, Mapping) for item in node)
                and any(error_label(item) for item in node)):
            return node
    return []


def error_label(record: Mapping[str, Any]) -> str | None:
    """What failed in one log or span record, e.g. "POST /checkout 500" or "TimeoutError: upstream"."""
    flat = _flatten(record)
    status = _field(flat, "http.status_code", "status_code", "http_status")
    resource = _field(flat, "resource_name", "resource")
    if resource is None:
        method = _field(flat, "http.method", "method")
        path = _field(flat, "http.route", "http.url_details.path", "route", "path")
        resource = f"{method} {path}" if method and path else None
    if resource:
        return f"{resource} {status}".strip() if status and status not in resource else resource
    error_type = _field(flat, "error.type", "error.kind", "exception.type")
    error_message = _field(flat, "error.message", "error.msg", "exception.message")
    if error_type or error_message:
        return ": ".join(part for part in (error_type, error_message) if part)[:TOP_ERROR_MAX_CHARS]
    message = _field(flat, "message", "msg")
    return message.strip().splitlines()[0][:TOP_ERROR_MAX_CHARS] if message and message.strip() else None


def top_error_of(records: Iterable[Mapping[str, Any]]) -> str | None:
    """The most frequent label among the records; ties go to the one seen first."""
    labels = Counter(label for label in map(error_label, records) if label)
    return labels.most_common(1)[0][0] if labels else None


def top_error_of_series(errors: Iterable[MetricSeries]) -> str | None:
    """The error group with the most errors, labelled from its resource and status tags."""
    counted = [(s.total(), s.tags) for s in errors if s.total() > 0]
    if not counted:
        return None
    _, tags = max(counted, key=lambda item: item[0])
    label = " ".join(p for p in (tags.get("resource_name"), tags.get("http.status_code")) if p)
    return label or None


# -- the source ------------------------------------------------------------------------------------------
