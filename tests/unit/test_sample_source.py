"""The seeded sample source: determinism, Datadog's export shape, failure and PII coverage, and ground truth."""

from __future__ import annotations

import hashlib
import inspect
import json
import random
import re
import string
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib.resources import files
from itertools import islice
from typing import Any

import pytest

from evalforge_assets.capture.sources import sample_values
from evalforge_assets.capture.sources.base import MalformedItem, SpanSource
from evalforge_assets.capture.sources.sample import (
    FAILURE_TEMPLATES,
    LABEL_SEPARATOR,
    SampleSpanSource,
    generate_labeled_failures,
    generate_spans,
    label_template_id,
)
from evalforge_assets.capture.sources.sample_catalog import CATALOG, CATALOG_FILE, load_catalog
from evalforge_assets.capture.spans import SpanError, parse_span

HOUR = datetime(2026, 1, 5, 14, tzinfo=UTC)
DAY = datetime(2026, 1, 5, tzinfo=UTC)


@lru_cache(maxsize=1)
def day_items() -> tuple[dict[str, Any], ...]:
    return tuple(SampleSpanSource(seed=7).fetch(DAY, DAY + timedelta(days=1)).items)


def attrs(item: dict[str, Any]) -> dict[str, Any]:
    return item["attributes"]


def start_time(item: dict[str, Any]) -> datetime:
    return parse_span(item).start_time


def start_ns(item: dict[str, Any]) -> int:
    return parse_span(item).start_ns


def as_datetime(ns: int) -> datetime:
    assert ns % 1_000 == 0, "datetimes hold microseconds"
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=ns // 1_000)


def failure_kind(item: dict[str, Any]) -> str | None:
    """Datadog's failure signals, read directly from the export item (independent of pipeline/classify)."""
    a = attrs(item)
    evaluations = a.get("evaluation", {})
    if a["status"] == "error":
        return "error"
    if any(e.get("assessment") == "fail" for e in evaluations.values()):
        return "eval_fail"
    negative_tags = {"feedback:thumbs_down", "user_feedback:negative"}
    feedback = evaluations.get("user_feedback", {}).get("value")
    if negative_tags & set(a["tags"]) or feedback in ("negative", "thumbs_down"):
        return "user_feedback"
    if any(e["eval_metric_type"] == "score" and e["value"] < 0.5 for e in evaluations.values()):
        return "low_quality"
    return None


def text_of(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False)


# ---- determinism and windows ---------------------------------------------------------------------------------


def test_sample_source_satisfies_the_span_source_protocol() -> None:
    assert isinstance(SampleSpanSource(), SpanSource)


def test_the_same_hour_fetched_twice_is_identical() -> None:
    first = SampleSpanSource(seed=7).fetch(HOUR, HOUR + timedelta(hours=1)).items
    second = SampleSpanSource(seed=7).fetch(HOUR, HOUR + timedelta(hours=1)).items
    assert first == second
    assert len(first) == 120


def test_an_hour_has_the_same_spans_whatever_window_fetches_it() -> None:
    source = SampleSpanSource(seed=7, spans_per_hour=50)
    three_hours = source.fetch(HOUR, HOUR + timedelta(hours=3)).items
    one_by_one = [item for h in range(3)
                  for item in source.fetch(HOUR + timedelta(hours=h), HOUR + timedelta(hours=h + 1)).items]
    assert three_hours == one_by_one


def test_different_seeds_give_different_spans() -> None:
    window = (HOUR, HOUR + timedelta(hours=1))
    seven = SampleSpanSource(seed=7).fetch(*window).items
    eight = SampleSpanSource(seed=8).fetch(*window).items
    assert {attrs(i)["span_id"] for i in seven}.isdisjoint({attrs(i)["span_id"] for i in eight})


def test_fetch_keeps_exactly_the_spans_starting_in_the_half_open_window() -> None:
    source = SampleSpanSource(seed=3)
    items = source.fetch(HOUR, HOUR + timedelta(hours=6)).items
    # Spans exported with millisecond starts sit exactly on a datetime: use them as both boundaries.
    aligned = sorted(ns for ns in map(start_ns, items) if ns % 1_000 == 0)
    start_at, end_at = aligned[0], aligned[-1]
    window = source.fetch(as_datetime(start_at), as_datetime(end_at)).items
    assert window == [i for i in items if start_at <= start_ns(i) < end_at]
    assert any(start_ns(i) == start_at for i in window)
    assert all(start_ns(i) != end_at for i in window)


def test_a_window_spanning_hours_starts_and_ends_inside_them() -> None:
    source = SampleSpanSource(seed=3)
    start, end = HOUR + timedelta(minutes=30), HOUR + timedelta(hours=2, minutes=15)
    items = source.fetch(start, end).items
    assert items and all(start <= start_time(i) < end for i in items)
    whole = source.fetch(HOUR, HOUR + timedelta(hours=3)).items
    assert items == [i for i in whole if start <= start_time(i) < end]


def test_naive_datetimes_are_read_as_utc() -> None:
    source = SampleSpanSource(seed=3)
    naive = HOUR.replace(tzinfo=None)
    assert source.fetch(naive, naive + timedelta(hours=1)).items == source.fetch(HOUR, HOUR + timedelta(hours=1)).items


def test_invalid_settings_are_refused_with_a_sentence() -> None:
    with pytest.raises(ValueError, match="malformed_rate must be between 0 and 1"):
        SampleSpanSource(malformed_rate=1.5)
    with pytest.raises(ValueError, match="spans_per_hour"):
        SampleSpanSource(spans_per_hour=-1)


# ---- export shape ------------------------------------------------------------------------------------------


def test_every_sample_span_passes_parse_span() -> None:
    for item in day_items():
        parse_span(item)


def test_spans_have_datadogs_export_shape() -> None:
    by_trace: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in day_items():
        a = attrs(item)
        by_trace[a["trace_id"]].append(a)
        assert item["type"] == "span" and item["id"] == a["span_id"]
        assert a["span_id"].isdigit()
        assert re.fullmatch(r"[0-9a-f]{32}", a["trace_id"])
        assert isinstance(a["duration"], float) and a["status"] in ("ok", "error")
        tags = dict(tag.split(":", 1) for tag in a["tags"])
        assert {"env", "service", "version", "ml_app", "error", "session_id"} <= tags.keys()
        assert tags["ml_app"] == a["ml_app"]
        assert tags["error"] == ("1" if a["status"] == "error" else "0")
        if a["status"] == "error":
            assert tags["error_type"]
        if a["span_kind"] == "llm":
            assert a["model_name"] and a["model_provider"]
            assert a["input"]["messages"][-1]["role"] == "user"
            assert "total_tokens" in a["metrics"]
        for evaluation in a.get("evaluation", {}).values():
            assert evaluation["eval_metric_type"] in ("score", "categorical", "boolean")
    roots = 0
    for spans in by_trace.values():
        ids = {a["span_id"] for a in spans}
        for a in spans:
            if a["parent_id"] == "undefined":
                roots += 1
            else:
                assert a["parent_id"] in ids, "a child's parent is in the same trace"
    assert roots > 100


def test_a_day_has_several_apps_agents_kinds_versions_and_models() -> None:
    items = [attrs(i) for i in day_items()]
    assert {a["ml_app"] for a in items} >= {"support-bot", "checkout-assistant", "search-rag"}
    assert len({a["metadata"]["agent_name"] for a in items}) >= 4
    assert {a["span_kind"] for a in items} >= {"agent", "llm", "tool", "retrieval", "workflow"}
    assert len({(a["ml_app"], a["metadata"]["agent_version"]) for a in items}) >= 6
    assert len({a.get("model_name") for a in items} - {None}) >= 4
    assert any("user_id:" in tag for a in items for tag in a["tags"])
    assert not all(any("user_id:" in tag for tag in a["tags"]) for a in items)


def test_some_spans_carry_their_start_in_milliseconds() -> None:
    millisecond_starts = [i for i in day_items() if attrs(i)["start_ns"] < 10**14]
    assert millisecond_starts
    for item in millisecond_starts:
        assert DAY <= start_time(item) < DAY + timedelta(days=1)


# ---- failures -------------------------------------------------------------------------------------------------


def test_a_day_has_every_failure_kind_at_a_realistic_share() -> None:
    kinds = [failure_kind(i) for i in day_items()]
    failing = [k for k in kinds if k]
    assert 0.15 <= len(failing) / len(kinds) <= 0.25
    counts = {kind: failing.count(kind) for kind in ("error", "eval_fail", "low_quality", "user_feedback")}
    assert all(count >= 20 for count in counts.values()), counts


def test_low_quality_scores_have_no_failing_assessment() -> None:
    low = [i for i in day_items() if failure_kind(i) == "low_quality"]
    for item in low:
        assert all(e.get("assessment") != "fail" for e in attrs(item)["evaluation"].values())


def test_negative_feedback_comes_as_tags_and_as_evaluations() -> None:
    feedback = [attrs(i) for i in day_items() if failure_kind(i) == "user_feedback"]
    as_tag = [a for a in feedback if {"feedback:thumbs_down", "user_feedback:negative"} & set(a["tags"])]
    as_evaluation = [a for a in feedback if "user_feedback" in a.get("evaluation", {})]
    assert as_tag and as_evaluation


def test_errors_cover_the_usual_causes() -> None:
    types = {tag.split(":", 1)[1] for i in day_items() for tag in attrs(i)["tags"] if tag.startswith("error_type:")}
    expected = {"ToolTimeoutError", "openai.RateLimitError", "json.decoder.JSONDecodeError",
                "pydantic_core.ValidationError", "KeyError", "UpstreamServiceError"}
    assert expected <= types, expected - types


def test_most_error_spans_carry_an_error_object_and_some_do_not() -> None:
    errors = [attrs(i) for i in day_items() if attrs(i)["status"] == "error"]
    with_object = [a for a in errors if "error" in a]
    assert 0 < len(with_object) < len(errors)
    for a in with_object:
        assert f"error_type:{a['error']['type']}" in a["tags"] and a["error"]["message"]
        assert a["error"]["stack"].endswith(f"{a['error']['type']}: {a['error']['message']}")


# ---- personal data and identifiers that must survive -------------------------------------------------------


# Written out here on purpose: an oracle independent of `capture.checksums`, which the generators use.
def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def iban_valid(text: str) -> bool:
    compact = text.replace(" ", "")
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


PII_FINDERS = {
    "email": lambda t: re.findall(r"[\w.+-]+@[\w-]+\.[\w.-]+", t),
    "us_phone": lambda t: re.findall(r"\(?\b\d{3}\)?[ -]555-01\d\d\b", t),
    "intl_phone": lambda t: re.findall(r"\+(?:44|49|33|91|81|34) \d[\d -]{6,}", t),
    "card": lambda t: [m for m in re.findall(r"\b[345]\d{3}(?:[ -]?\d){11,12}\b", t)
                       if luhn_valid(re.sub(r"\D", "", m))],
    "iban": lambda t: [m for m in re.findall(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b", t)
                       if iban_valid(m)],
    "ssn": lambda t: re.findall(r"\b\d{3}-\d{2}-\d{4}\b", t),
    "ip": lambda t: re.findall(r"\b(?:\d{1,3}\.){3}\d{1,3}\b", t),
    "openai_key": lambda t: re.findall(r"\bsk-[A-Za-z0-9-]{40,}", t),
    "aws_key": lambda t: re.findall(r"\bAKIA[A-Z0-9]{16}\b", t),
    "jwt": lambda t: re.findall(r"\beyJ[\w-]+\.eyJ[\w-]+\.[\w-]+", t),
    "password": lambda t: re.findall(r"password=\S+", t),
    "url_credentials": lambda t: re.findall(r"\b[a-z]+://[\w.-]+:[^\s/@]+@[\w.-]+", t),
    "name_in_context": lambda t: re.findall(r"[Mm]y name is [A-Z]\w+ [A-Z]", t),
}

OPERATIONAL_FINDERS = {
    "order_id": r"\bORD-\d{8}\b",
    "uuid": r"\b[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\b",
    "price": r"[$€£]\d+\.\d{2}\b",
    "version": r"\b\d+\.\d+\.\d+\b",
    "duration": r"\b\d+(?:ms|\.\d+s)\b",
}


def test_a_day_contains_every_kind_of_personal_data() -> None:
    text = "\n".join(text_of(i) for i in day_items())
    missing = [name for name, find in PII_FINDERS.items() if not find(text)]
    assert missing == []


def test_personal_data_reaches_inputs_outputs_errors_metadata_and_tags() -> None:
    items = [attrs(i) for i in day_items()]

    def has_pii(value: Any) -> bool:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return any(find(text) for find in PII_FINDERS.values())

    assert any(has_pii(a["input"]) for a in items)
    assert any(has_pii(a["output"]) for a in items)
    assert any(has_pii(a["error"]["message"]) for a in items if "error" in a)
    assert any(has_pii(a["metadata"]) for a in items)
    assert any(has_pii(a["tags"]) for a in items)


def test_a_day_contains_operational_identifiers_that_must_survive() -> None:
    text = "\n".join(text_of(i) for i in day_items())
    missing = [name for name, pattern in OPERATIONAL_FINDERS.items() if not re.search(pattern, text)]
    assert missing == []


# ---- malformed items ---------------------------------------------------------------------------------------


def test_malformed_items_are_exactly_the_ones_parse_span_rejects() -> None:
    window = (HOUR, HOUR + timedelta(hours=4))
    clean = SampleSpanSource(seed=5).fetch(*window).items
    dirty = SampleSpanSource(seed=5, malformed_rate=0.1).fetch(*window).items
    assert len(clean) == len(dirty)
    rejected = 0
    for clean_item, dirty_item in zip(clean, dirty, strict=True):
        if dirty_item == clean_item:
            parse_span(dirty_item)
            continue
        rejected += 1
        if isinstance(dirty_item, MalformedItem):
            assert dirty_item.reason and dirty_item.origin.startswith("sample:")
            with pytest.raises(json.JSONDecodeError):
                json.loads(dirty_item.raw_text)
        else:
            with pytest.raises(SpanError):
                parse_span(dirty_item)
    assert 0.05 * len(clean) < rejected < 0.15 * len(clean)


def test_no_malformed_items_by_default() -> None:
    assert not any(isinstance(i, MalformedItem) for i in day_items())


# ---- benchmark stream ------------------------------------------------------------------------------------------


def test_generate_spans_is_a_lazy_generator_of_exactly_count_spans() -> None:
    stream = generate_spans(1_000, seed=1)
    assert inspect.isgenerator(stream)
    assert sum(1 for _ in stream) == 1_000
    # Taking ten from a billion only works if nothing is built up front.
    assert len(list(islice(generate_spans(10**9, seed=1), 10))) == 10


def test_generate_spans_starts_at_start_and_matches_the_sample_source() -> None:
    start = HOUR + timedelta(minutes=20)
    spans = list(generate_spans(300, seed=7, start=start, spans_per_hour=120))
    assert all(start_time(s) >= start for s in spans)
    from_source = SampleSpanSource(seed=7).fetch(start, HOUR + timedelta(hours=4)).items
    assert spans == from_source[:300]


# ---- ground truth for grouping ----------------------------------------------------------------------------------


def template_pattern(message: str) -> re.Pattern[str]:
    parts = []
    for literal, field, _spec, _conversion in string.Formatter().parse(message):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(".+?")
    return re.compile("".join(parts), re.DOTALL)


@lru_cache(maxsize=1)
def labeled() -> tuple[tuple[dict[str, Any], str], ...]:
    return tuple(generate_labeled_failures(4_000, seed=11))


def test_labeled_failures_are_failures_whose_label_is_not_in_the_span() -> None:
    assert len(labeled()) == 4_000
    for span, label in labeled():
        assert failure_kind(span) is not None
        text = text_of(span)
        assert label not in text
        assert label_template_id(label) not in text


def test_one_label_is_one_template_at_one_place() -> None:
    places: dict[str, set[tuple]] = defaultdict(set)
    for span, label in labeled():
        a = attrs(span)
        template = FAILURE_TEMPLATES[label_template_id(label)]
        assert failure_kind(span) == template.failure_kind
        error_type = a["error"]["type"] if a["status"] == "error" else None
        places[label].add((a["ml_app"], a["metadata"]["agent_name"], a["span_kind"], a["name"], error_type))
        if template.failure_kind == "error":
            assert template_pattern(template.message).fullmatch(a["error"]["message"]), label
        elif template.evaluation:
            assert a["evaluation"][template.evaluation].get("assessment") != "pass"
    assert all(len(found) == 1 for found in places.values()), places


def test_labeled_groups_are_realistically_hard() -> None:
    messages: dict[str, set[str]] = defaultdict(set)
    for span, label in labeled():
        if "error" in attrs(span):
            messages[label].add(attrs(span)["error"]["message"])
    # The same template with many parameter values is one group.
    assert max(len(found) for found in messages.values()) > 50
    parts = {label: label.split(LABEL_SEPARATOR) for label in messages}
    # Different templates at the same app, agent and error type, sharing their opening words, are two groups.
    opening = {label: next(iter(found)).split()[:4] for label, found in messages.items()}
    assert any(parts[a][0] != parts[b][0] and parts[a][2:] == parts[b][2:] and opening[a] == opening[b]
               for a in messages for b in messages)
    parts = list(parts.values())
    # The same template in two apps, or with two error types at the same place, is two groups.
    assert any(a[0] == b[0] and a[2] != b[2] for a in parts for b in parts)
    assert any(a[0] == b[0] and a[2:5] == b[2:5] and a[5] != b[5] for a in parts for b in parts)


def test_labeled_failures_are_deterministic_per_seed() -> None:
    assert list(islice(generate_labeled_failures(50, seed=11), 50)) == list(labeled()[:50])
    assert list(generate_labeled_failures(50, seed=12)) != list(labeled()[:50])


# ---- the catalog as data, and the value generators ----------------------------------------------------------

# sha256 over the first 2,000 spans of `generate_spans` (each as sorted-key JSON and a newline), taken before
# the catalog moved from Python into sample_catalog.json. A change here changes every seeded dataset: update the
# digests only when that is the intent.
SPAN_DIGESTS = {
    1: "fdda62c7cc4876cd82fb98355f19712eeb78459118552c3108896f479b59d18f",
    7: "a73558007269155e6c93f5cdd8b6bb7a7d4ca269c8c7952172bef20cd87618e1",
}


@pytest.mark.parametrize("seed", sorted(SPAN_DIGESTS))
def test_spans_for_a_seed_are_byte_for_byte_those_of_the_python_catalog(seed: int) -> None:
    digest = hashlib.sha256()
    for span in generate_spans(2000, seed=seed):
        digest.update(json.dumps(span, sort_keys=True).encode())
        digest.update(b"\n")
    assert digest.hexdigest() == SPAN_DIGESTS[seed]


def test_the_packaged_catalog_loads_whole() -> None:
    assert {app.ml_app for app in CATALOG.apps} == {"support-bot", "checkout-assistant", "search-rag", "claims-triage"}
    assert len(CATALOG.failure_templates) == len(FAILURE_TEMPLATES) > 20
    assert {t.evaluation for t in CATALOG.failure_templates.values() if t.evaluation} <= set(CATALOG.evaluations)


def _catalog_json() -> dict[str, Any]:
    return json.loads(files("evalforge_assets.capture.sources").joinpath(CATALOG_FILE).read_text(encoding="utf-8"))


def test_a_catalog_missing_a_field_is_refused_with_a_sentence_naming_the_file() -> None:
    raw = _catalog_json()
    del raw["failure_templates"][0]["sites"]
    with pytest.raises(ValueError, match=r"failure_templates\[0\] \(err.tool_timeout\) lacks the field 'sites'"):
        load_catalog(json.dumps(raw))


def test_a_catalog_repeating_a_template_id_is_refused() -> None:
    raw = _catalog_json()
    raw["failure_templates"].append(raw["failure_templates"][0])
    with pytest.raises(ValueError, match="repeats a failure template id"):
        load_catalog(json.dumps(raw))


def test_generated_cards_and_ibans_pass_their_checks_in_every_layout() -> None:
    rng = random.Random(5)
    cards = [sample_values.card(rng) for _ in range(300)]
    ibans = [sample_values.iban(rng) for _ in range(300)]
    assert all(luhn_valid(re.sub(r"\D", "", card)) for card in cards)
    assert all(iban_valid(iban) for iban in ibans)
    assert {len(re.sub(r"\D", "", card)) for card in cards} == {15, 16}
    assert {iban[:2] for iban in ibans} == {country for country, _ in sample_values.IBAN_LAYOUTS}
    # A caller's own layouts are honoured, letters in the account part included.
    layouts = (("IT", lambda r: "X" + sample_values.digits(r, 10) + "AB12CD34EF56"),)
    assert all(iban_valid(sample_values.iban_compact(rng, layouts)) for _ in range(50))
