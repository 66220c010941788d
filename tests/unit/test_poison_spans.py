"""Poison spans cost one span, never an hour or a file (issue 9, "Poison spans").

Each case is a file of ten good failing spans plus one bad one, run through the real capture job (or the real
`evalforge ingest` command): the ten are stored, the bad one is quarantined with its reason and source line.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from evalforge_assets.capture.build import UserHasher
from evalforge_assets.capture.classify import FailureRules
from evalforge_assets.capture.ingest import IngestContext, ingest_items
from evalforge_assets.capture.malformed import MalformedItem
from evalforge_assets.models import Lineage
from evalforge_assets.store import open_store
from tests.integration.dagster_helpers import capture_settings, materialization_metadata, run_capture

HOUR = "2026-03-02-10:00"
HOUR_NS = 1772445600 * 10**9
YEAR_9000_NS = int((datetime(9000, 6, 1, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()) * 10**9
YEAR_9999_NS = int((datetime(9999, 6, 1, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()) * 10**9


def good_span(n: int) -> dict[str, Any]:
    return {"id": f"g{n}", "type": "span", "attributes": {
        "span_id": f"g{n}", "trace_id": f"trace{n:04d}", "parent_id": "undefined", "name": "support_agent",
        "span_kind": "agent", "ml_app": "support-bot", "start_ns": HOUR_NS + (n % 60) * 60 * 10**9, "duration": 1.0e9,
        "status": "error", "input": {"value": "Where is order 4411?"},
        "tags": ["env:prod", "error:1", "error_type:ToolTimeoutError"]}}


def nested(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = {"inner": value}
    return value


def bad_span(**attributes: Any) -> dict[str, Any]:
    span = good_span(99)
    span["attributes"].update(attributes)
    return span


def write_file(path: Path, bad_line: str) -> Path:
    """Ten good spans with the bad line as line 6."""
    lines = [json.dumps(good_span(n)) for n in range(10)]
    lines.insert(5, bad_line)
    path.write_text("\n".join(lines) + "\n")
    return path


def run_file(tmp_path: Path, bad_line: str) -> tuple[dict[str, Any], list[Any], list[Any]]:
    export = write_file(tmp_path / "export.jsonl", bad_line)
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    result = run_capture(capture_settings(tmp_path, store.url, source=str(export)), HOUR)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return materialization_metadata(result, "failure_captures"), list(store.iter_captures()), \
        store.list_quarantined()


def assert_one_poisoned(metadata: dict[str, Any], captures: list[Any], quarantined: list[Any],
                        reason_part: str) -> None:
    assert metadata["captured"] == 10 and metadata["quarantined"] == 1
    assert sorted(c.source.span_id for c in captures) == sorted(f"g{n}" for n in range(10))
    [record] = quarantined
    assert reason_part in record.reason, record.reason
    assert record.source.endswith("export.jsonl:6"), record.source


@pytest.mark.parametrize(("name", "start_ns"), [
    ("ten to the fortieth", 10**40), ("minus five", -5), ("zero", 0), ("true", True), ("year 9999", YEAR_9999_NS),
])
def test_an_impossible_start_time_is_quarantined_and_the_hour_is_stored(tmp_path: Path, name: str,
                                                                        start_ns: Any) -> None:
    metadata, captures, quarantined = run_file(tmp_path, json.dumps(bad_span(start_ns=start_ns)))
    assert_one_poisoned(metadata, captures, quarantined, "start_ns")
    # Nothing dated 1969, 1970 or 9999 sits in a current partition.
    assert all(c.occurred_at.startswith("2026-03-02T10:") for c in captures)


@pytest.mark.parametrize("levels", [300, 600])
def test_metadata_nested_too_deep_is_quarantined_and_the_hour_is_stored(tmp_path: Path, levels: int) -> None:
    metadata, captures, quarantined = run_file(tmp_path, json.dumps(bad_span(metadata=nested(levels))))
    assert_one_poisoned(metadata, captures, quarantined, "nested")
    assert len(quarantined[0].sanitized_payload) < 20_000


def test_null_and_a_list_of_null_on_two_lines_are_two_quarantine_rows(tmp_path: Path) -> None:
    lines = [json.dumps(good_span(n)) for n in range(10)]
    lines[5:5] = ["null", "[null]"]
    export = tmp_path / "export.jsonl"
    export.write_text("\n".join(lines) + "\n")
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    result = run_capture(capture_settings(tmp_path, store.url, source=str(export)), HOUR)
    assert result.success
    metadata = materialization_metadata(result, "failure_captures")
    assert (metadata["captured"], metadata["quarantined"]) == (10, 2)
    stored = store.list_quarantined(HOUR)
    assert len(stored) == 2
    assert sorted(q.source for q in stored) == ["export.jsonl:6", "export.jsonl:7[0]"]


def test_the_same_bad_item_on_two_lines_is_two_rows_and_a_rerun_adds_none(tmp_path: Path) -> None:
    bad = json.dumps(bad_span(ml_app=None))
    lines = [json.dumps(good_span(n)) for n in range(10)]
    lines[5:5] = [bad, bad]
    export = tmp_path / "export.jsonl"
    export.write_text("\n".join(lines) + "\n")
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    settings = capture_settings(tmp_path, store.url, source=str(export))
    assert run_capture(settings, HOUR).success
    assert len(store.list_quarantined(HOUR)) == 2
    assert run_capture(settings, HOUR).success
    assert len(store.list_quarantined(HOUR)) == 2


# ---- the pure core, for sources that carry no line numbers (Datadog's API, the sample) ----------------------------


def ingest(items: list[Any]) -> Any:
    context = IngestContext(lineage=Lineage(run_id="r1", partition_key=HOUR, asset="failure_captures"),
                            detected_at="2026-03-02T11:05:00Z", source="datadog")
    return ingest_items(items, FailureRules(), UserHasher("test"), context)


@pytest.mark.parametrize("start_ns", [10**40, -5, 0, True, YEAR_9999_NS, HOUR_NS - 1, HOUR_NS + 3600 * 10**9])
def test_the_core_quarantines_a_start_outside_the_partition_hour(start_ns: Any) -> None:
    result = ingest([good_span(1), bad_span(start_ns=start_ns), good_span(2)])
    assert [c.source.span_id for c in result.captures] == ["g1", "g2"]
    [record] = result.quarantined
    assert "start_ns" in record.reason and record.span_id == "g99"


def test_the_core_quarantines_deep_nesting_long_strings_and_long_lists() -> None:
    items = [good_span(1), bad_span(metadata=nested(600)), bad_span(span_id="long", input={"value": "x" * 2_000_001}),
             bad_span(span_id="many", tags=["env:prod"] * 100_001), good_span(2)]
    result = ingest(items)
    assert [c.source.span_id for c in result.captures] == ["g1", "g2"]
    reasons = [q.reason for q in result.quarantined]
    assert len(reasons) == 3 and len({q.quarantine_id for q in result.quarantined}) == 3
    assert "nested" in reasons[0] and "characters" in reasons[1] and "elements" in reasons[2]
    assert all(len(q.sanitized_payload) < 20_000 for q in result.quarantined)


def test_screening_names_the_bound_and_where_it_was_crossed() -> None:
    from evalforge_assets.capture.span_bounds import SpanLimits, screen_item

    limits = SpanLimits(max_depth=8, max_string_chars=10, max_list_length=3)
    deep = screen_item({"a": nested(9)}, limits, origin="file.jsonl:3")
    assert isinstance(deep, MalformedItem) and deep.origin == "file.jsonl:3" and "nested" in deep.reason
    long = screen_item({"a": {"b": "y" * 11}}, limits, origin="o")
    assert isinstance(long, MalformedItem) and "a.b" in long.reason and "11 characters" in long.reason
    many = screen_item({"tags": [1, 2, 3, 4]}, limits, origin="o")
    assert isinstance(many, MalformedItem) and "tags" in many.reason and "4 elements" in many.reason
    fine = {"a": ["x" * 10, [1, 2, 3]]}
    assert screen_item(fine, limits, origin="o") is fine


# ---- `evalforge ingest`: spans outside the partitions are quarantined one by one, the file is not refused --------


@pytest.mark.parametrize(("name", "start_ns"), [
    ("before EVALFORGE_PARTITION_START", 1735732800 * 10**9),  # 2025-01-01T12:00Z
    ("year 9000", YEAR_9000_NS),
])
def test_ingest_quarantines_a_span_outside_the_partitions_and_stores_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, start_ns: int) -> None:
    from click.testing import CliRunner

    from evalforge_assets.cli import main

    home = tmp_path / "home"
    monkeypatch.setenv("EVALFORGE_HOME", str(home))
    monkeypatch.setenv("EVALFORGE_PARTITION_START", "2026-01-01-00:00")
    monkeypatch.setenv("EVALFORGE_LOG_LEVEL", "WARNING")
    monkeypatch.delenv("EVALFORGE_STORE", raising=False)
    export = write_file(tmp_path / "export.jsonl", json.dumps(bad_span(start_ns=start_ns)))
    result = CliRunner().invoke(main, ["ingest", str(export)])
    assert result.exit_code == 0, result.output
    assert "captured 10" in result.output and "quarantined 1" in result.output
    store = open_store(f"sqlite:///{home.resolve() / 'evalforge.db'}")
    assert store.count_captures() == 10
    [record] = store.list_quarantined()
    assert record.partition_key == HOUR
    assert record.source.endswith("export.jsonl:6") and "partition" in record.reason, record
