"""Seeded sample spans in Datadog's LLM Observability export shape.

Evalforge needs realistic spans without a Datadog account: as the default source, as benchmark input (hundreds of
thousands of spans, cheaply) and as a corpus whose failures have a known true grouping. Everything here is
deterministic: the spans of one UTC hour depend only on (seed, hour), so any window, fetched at any time, sees the
same spans for the same hour.

Where things are: the catalog (apps, agents and their steps, dialogues, evaluations, failure templates) is data in
`sample_catalog.json`, read by `sample_catalog`; the values that fill its templates (PII and operational
identifiers) come from `sample_values`; this module compiles the catalog into a "world" once, generates traces
from it, and holds the public entry points at the bottom.

Every failure comes from a `FailureTemplate`; one template at one site (ml_app, agent, step, error type) is one true
failure group. The template id never appears in a span, so grouping code cannot cheat by reading it.
"""

from __future__ import annotations

import json
import random
from bisect import bisect
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from evalforge_assets.capture.malformed import MalformedItem
from evalforge_assets.capture.sources.base import FetchStats, SpanFetch
from evalforge_assets.capture.sources.sample_catalog import (
    CATALOG,
    FeedbackStyle,
)
from evalforge_assets.capture.sources.sample_values import TemplateValues, hex_digits, uuid4
from evalforge_assets.capture.sources.sample_world import (
    FAILURE_TEMPLATES,
    LABEL_SEPARATOR,
    AgentPlan,
    Candidate,
    Conversation,
    SpanPlan,
    group_label,
    label_template_id,
    world,
)
from evalforge_assets.capture.spans import epoch_ns

HOUR_NS = 3_600 * 10**9
_EVALUATIONS = CATALOG.evaluations

__all__ = [
    "FAILURE_TEMPLATES",
    "LABEL_SEPARATOR",
    "SampleSpanSource",
    "generate_labeled_failures",
    "generate_spans",
    "group_label",
    "label_template_id",
]
DEFAULT_START = datetime(2026, 1, 1, tzinfo=UTC)
# Datadog's documented export has no `error` object; real exports sometimes carry one. Most sample error spans
# carry it (so messages can be grouped) and some do not (so nothing may depend on it).
ERROR_OBJECT_RATE = 0.92
EVALUATED_SHARE = 0.6  # share of healthy spans at an evaluated step that carry evaluation results
POSITIVE_FEEDBACK_SHARE = 0.1
# Root spans start in the first 58 minutes of their hour, so a whole trace (well under two minutes) stays inside
# the hour that generated it and a fetch of that hour sees all of it.
_TRACE_WINDOW_NS = 3_480 * 10**9


# --------------------------------------------------------------------------------------------------------------
# Trace generation.
# --------------------------------------------------------------------------------------------------------------

_DURATION_RANGES_NS = {  # (minimum, spread) per span kind
    "llm": (400_000_000, 3_600_000_000),
    "tool": (40_000_000, 1_800_000_000),
    "retrieval": (80_000_000, 700_000_000),
    "embedding": (15_000_000, 180_000_000),
    "task": (1_000_000, 50_000_000),
}

# (true start in ns, export item, ground-truth label or None for healthy spans)
_Record = tuple[int, dict[str, Any], str | None]


def _evaluation_results(rng: random.Random, labels: tuple[str, ...], failing: str | None,
                        values: TemplateValues | None) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for label in labels:
        spec = _EVALUATIONS[label]
        fails = label == failing
        result: dict[str, Any] = {
            "eval_metric_type": spec.metric_type,
            "value": spec.failing(rng) if fails else spec.passing(rng),
        }
        if spec.graded:
            result["assessment"] = "fail" if fails else "pass"
        if fails and values is not None:
            result["reasoning"] = rng.choice(spec.fail_reasons).format_map(values)
        elif spec.graded or rng.random() < 0.3:
            result["reasoning"] = spec.pass_reasons[0]
        result["status"] = "OK"
        results[label] = result
    return results


def _span_io(plan: SpanPlan, text_in: str, text_out: str, tool_input: str | None) -> tuple[dict, dict]:
    if plan.kind != "llm":
        return {"value": text_in}, {"value": text_out}
    messages_in = [{"role": "system", "content": plan.system or ""}, {"role": "user", "content": text_in}]
    if tool_input is not None:
        message_out = {"role": "assistant", "content": text_out,
                       "tool_calls": [{"name": plan.calls_tool, "arguments": tool_input, "type": "function"}]}
    else:
        message_out = {"role": "assistant", "content": text_out}
    return {"messages": messages_in}, {"messages": [message_out]}


def _trace(rng: random.Random, plan: AgentPlan, root_start_ns: int, error_object_rate: float) -> list[_Record]:
    """One trace tree: the root span, then each step that runs, parents before children."""
    app = plan.app
    conversation = plan.conversations[int(rng.random() * len(plan.conversations))]
    trace_id = f"{root_start_ns // 10**9:08x}00000000{rng.getrandbits(64):016x}"
    in_ms = app.ms_start_rate > 0 and rng.random() < app.ms_start_rate
    base_tags = [
        "env:prod" if rng.random() < 0.9 else "env:staging", f"service:{app.service}", f"version:{plan.version}",
        f"ml_app:{app.ml_app}", "source:integration", "language:python", f"session_id:sess-{hex_digits(rng, 8)}",
    ]
    if rng.random() < 0.6:
        base_tags.append(f"user_id:u-{10_000 + int(rng.random() * 90_000)}")
    base_tags.extend(conversation.tags)
    base_metadata = {"agent_name": plan.agent.name, "agent_version": plan.version,
                     "request_id": uuid4(rng), **conversation.metadata}

    records: list[_Record] = []
    starts: list[int] = []
    span_ids: list[str] = []
    ends: list[int] = []
    cursor = root_start_ns + 2_000_000
    for index, span_plan in enumerate(plan.spans):
        skipped = index > 0 and (
            span_ids[span_plan.parent] == ""  # the parent step did not run
            or (span_plan.runs < 1.0 and rng.random() >= span_plan.runs)
        )
        if skipped:
            starts.append(-1)
            ends.append(-1)
            span_ids.append("")
            continue
        minimum, spread = _DURATION_RANGES_NS.get(span_plan.kind, (5_000_000, 50_000_000))
        if index == 0:
            start, duration = root_start_ns, 0  # the root's duration is known once its children are placed
        elif span_plan.parent == 0:
            duration = minimum + int(spread * rng.random())
            start, cursor = cursor, cursor + duration + 3_000_000
        else:
            parent_duration = ends[span_plan.parent] - starts[span_plan.parent]
            start = starts[span_plan.parent] + 1_000_000
            duration = max(1_000_000, int(parent_duration * (0.2 + 0.4 * rng.random())))
        if in_ms:
            start -= start % 1_000_000  # what a reader recovers from the millisecond value
        starts.append(start)
        ends.append(start + duration)
        span_id = str(rng.getrandbits(63) + 1)
        span_ids.append(span_id)
        records.append(_span(rng, plan, span_plan, conversation, trace_id, span_id,
                             span_ids[span_plan.parent] if index else "undefined", start, duration, in_ms,
                             base_tags, base_metadata, error_object_rate))
    root = records[0][1]["attributes"]
    root["duration"] = float(cursor - root_start_ns + 5_000_000)
    return records


def _span(rng: random.Random, plan: AgentPlan, span_plan: SpanPlan, conversation: Conversation,
          trace_id: str, span_id: str, parent_id: str, start_ns: int, duration_ns: int, in_ms: bool,
          base_tags: list[str], base_metadata: dict[str, str], error_object_rate: float) -> _Record:
    failure: Candidate | None = None
    if span_plan.candidates and rng.random() < span_plan.failure_chance:
        pick = rng.random() * span_plan.cumulative_weights[-1]
        failure = span_plan.candidates[bisect(span_plan.cumulative_weights, pick)]
    failure_kind = failure.template.failure_kind if failure else None
    is_root = span_plan.parent < 0

    if is_root:
        text_in, text_out = conversation.user, conversation.answer
    else:
        text_in, text_out = conversation.step_io[span_plan.name]
    tool_input = conversation.step_io[span_plan.calls_tool][0] if span_plan.calls_tool else None
    span_input, span_output = _span_io(span_plan, text_in, text_out, tool_input)

    tags = base_tags.copy()
    metadata = base_metadata.copy()
    attributes: dict[str, Any] = {
        "span_id": span_id, "trace_id": trace_id, "parent_id": parent_id, "name": span_plan.name,
        "span_kind": span_plan.kind, "ml_app": plan.app.ml_app,
        "start_ns": start_ns // 1_000_000 if in_ms else start_ns, "duration": float(duration_ns),
        "status": "ok", "input": span_input, "output": span_output, "metadata": metadata, "metrics": {},
        "tags": tags,
    }
    if span_plan.model:
        attributes["model_name"], attributes["model_provider"] = span_plan.model
        input_tokens = 200 + int(rng.random() * 3000)
        output_tokens = 0
        if span_plan.kind == "llm":
            metadata["temperature"] = 0.2
            metadata["max_tokens"] = 1024
            output_tokens = 20 + int(rng.random() * 600)
        attributes["metrics"] = {
            "input_tokens": input_tokens, "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
            "estimated_total_cost": input_tokens * 15 + output_tokens * 60,  # micro-dollars, like Datadog's
        }

    values: TemplateValues | None = None
    if failure_kind == "error":
        site = failure.site
        values = TemplateValues(rng, site.fixed)
        values.setdefault("tool", span_plan.name)
        if span_plan.model:
            values.setdefault("model", span_plan.model[0])
        message = failure.template.message.format_map(values)
        attributes["status"] = "error"
        attributes["output"] = {"value": ""}
        tags.append("error:1")
        tags.append(f"error_type:{site.error_type}")
        if rng.random() < error_object_rate:
            attributes["error"] = {"type": site.error_type, "message": message,
                                   "stack": f"{failure.stack_head}{site.error_type}: {message}"}
    else:
        tags.append("error:0")
        if failure_kind in ("eval_fail", "low_quality"):
            values = TemplateValues(rng)
        if span_plan.evaluations and (values is not None or rng.random() < EVALUATED_SHARE):
            failing = failure.template.evaluation if failure else None
            attributes["evaluation"] = _evaluation_results(rng, span_plan.evaluations, failing, values)
        if is_root:
            _add_feedback(rng, plan.app.feedback, attributes, negative=failure_kind == "user_feedback")
    item = {"id": span_id, "type": "span", "attributes": attributes}
    return start_ns, item, failure.label if failure else None


def _add_feedback(rng: random.Random, style: FeedbackStyle, attributes: dict[str, Any], negative: bool) -> None:
    if not negative and rng.random() >= POSITIVE_FEEDBACK_SHARE:
        return
    value = style.negative if negative else style.positive
    if style.channel == "tag":
        attributes["tags"].append(f"{style.key}:{value}")
    else:
        attributes.setdefault("evaluation", {})[style.key] = {
            "eval_metric_type": "categorical", "value": value, "status": "OK"}
    if negative and rng.random() < 0.5:
        values = TemplateValues(rng)
        attributes["metadata"]["feedback_comment"] = rng.choice((
            "Wrong order, mine is {order_id}. Email me at {email}.",
            "Useless answer, I waited {duration}.",
            "Call me instead: {phone}",
            "It didn't answer my question about the refund of {price}.",
        )).format_map(values)


def _hour_records(seed: int, hour_ns: int, spans_per_hour: int, error_object_rate: float) -> Iterator[_Record]:
    """Exactly `spans_per_hour` records for the UTC hour starting at `hour_ns`, a function of (seed, hour) only."""
    compiled = world()
    rng = random.Random(f"evalforge-sample:{seed}:{hour_ns // HOUR_NS}")
    expected_traces = max(1.0, spans_per_hour / compiled.mean_trace_size)
    mean_gap_ns = 0.9 * _TRACE_WINDOW_NS / expected_traces
    window_end = hour_ns + _TRACE_WINDOW_NS
    cursor = hour_ns
    remaining = spans_per_hour
    while remaining > 0:
        cursor += int(2 * mean_gap_ns * rng.random())
        records = _trace(rng, compiled.pick(rng), min(cursor, window_end), error_object_rate)
        # The last trace of the hour may be cut short: like an export window that closes mid-trace.
        yield from records[:remaining]
        remaining -= len(records)


# --------------------------------------------------------------------------------------------------------------
# Malformed items, so quarantine can be shown working on sample data.
# --------------------------------------------------------------------------------------------------------------

_MALFORMATIONS = ("missing_field", "start_ns_text", "span_id_list", "duration_text", "tags_string",
                  "attributes_not_object", "broken_json")


def _malform(item: dict[str, Any], rng: random.Random, origin: str) -> dict[str, Any] | MalformedItem:
    attributes = item["attributes"]
    kind = rng.choice(_MALFORMATIONS)
    if kind == "missing_field":
        del attributes[rng.choice(("span_id", "trace_id", "name", "ml_app", "start_ns", "status", "span_kind"))]
    elif kind == "start_ns_text":
        attributes["start_ns"] = "yesterday"
    elif kind == "span_id_list":
        attributes["span_id"] = [attributes["span_id"]]
    elif kind == "duration_text":
        attributes["duration"] = "fast"
    elif kind == "tags_string":
        attributes["tags"] = ",".join(attributes["tags"])
    elif kind == "attributes_not_object":
        item["attributes"] = json.dumps(attributes)[:200]
    else:
        text = json.dumps(item)
        return MalformedItem(raw_text=text[: len(text) // 2], reason="the line ends in the middle of a JSON object",
                             origin=origin)
    return item


# --------------------------------------------------------------------------------------------------------------
# Public entry points.
# --------------------------------------------------------------------------------------------------------------


class SampleSpanSource:
    """Deterministic sample spans: the default source when no Datadog keys are configured."""

    name = "sample"

    def __init__(self, seed: int = 7, spans_per_hour: int = 120, malformed_rate: float = 0.0) -> None:
        if spans_per_hour < 0:
            raise ValueError(f"spans_per_hour must be 0 or more, got {spans_per_hour}.")
        if not 0.0 <= malformed_rate <= 1.0:
            raise ValueError(f"malformed_rate must be between 0 and 1, got {malformed_rate}.")
        self.seed = seed
        self.spans_per_hour = spans_per_hour
        self.malformed_rate = malformed_rate

    def fetch(self, start: datetime, end: datetime) -> SpanFetch:
        """Every sample span whose start time is in [start, end), hour by hour, in generation order."""
        start_ns, end_ns = epoch_ns(start), epoch_ns(end)
        items: list[Any] = []
        hour_ns = start_ns - start_ns % HOUR_NS
        while hour_ns < end_ns:
            items.extend(item for true_start, item in self._hour(hour_ns) if start_ns <= true_start < end_ns)
            hour_ns += HOUR_NS
        return SpanFetch(items=items, stats=FetchStats())

    def _hour(self, hour_ns: int) -> Iterator[tuple[int, Any]]:
        # A separate stream decides which items are malformed, so the healthy items are identical to a run
        # without malformation.
        malform_rng = random.Random(f"evalforge-sample-malformed:{self.seed}:{hour_ns // HOUR_NS}")
        hour_label = datetime.fromtimestamp(hour_ns // 10**9, tz=UTC).strftime("%Y-%m-%dT%H")
        records = _hour_records(self.seed, hour_ns, self.spans_per_hour, ERROR_OBJECT_RATE)
        for position, (true_start, item, _label) in enumerate(records):
            if self.malformed_rate and malform_rng.random() < self.malformed_rate:
                yield true_start, _malform(item, malform_rng, f"sample:{hour_label}#{position}")
            else:
                yield true_start, item


def generate_spans(count: int, seed: int = 0, start: datetime | None = None,
                   spans_per_hour: int = 5000) -> Iterator[dict[str, Any]]:
    """A lazy stream of `count` well-formed sample spans starting at `start` (default 2026-01-01T00:00Z).

    Hours are filled `spans_per_hour` at a time, each from (seed, hour), so the stream holds one trace at a time.
    """
    if count < 0 or spans_per_hour <= 0:
        raise ValueError(f"count must be 0 or more and spans_per_hour more than 0, got {count} and "
                         f"{spans_per_hour}.")
    start_ns = epoch_ns(start or DEFAULT_START)
    hour_ns = start_ns - start_ns % HOUR_NS
    produced = 0
    while produced < count:
        for true_start, item, _label in _hour_records(seed, hour_ns, spans_per_hour, ERROR_OBJECT_RATE):
            if true_start < start_ns:
                continue
            yield item
            produced += 1
            if produced == count:
                return
        hour_ns += HOUR_NS


def generate_labeled_failures(count: int, seed: int = 0) -> Iterator[tuple[dict[str, Any], str]]:
    """`count` failing spans, each with its ground-truth group label (see `group_label`).

    Every error span carries its `error` object here, so grouping can be judged on the message. The label is not
    in the span; `label_template_id(label)` names the `FAILURE_TEMPLATES` entry it came from.
    """
    if count < 0:
        raise ValueError(f"count must be 0 or more, got {count}.")
    hour_ns = epoch_ns(DEFAULT_START)
    produced = 0
    while produced < count:
        for _start, item, label in _hour_records(seed, hour_ns, 5000, error_object_rate=1.0):
            if label is None:
                continue
            yield item, label
            produced += 1
            if produced == count:
                return
        hour_ns += HOUR_NS
