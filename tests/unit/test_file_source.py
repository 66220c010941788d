"""The file source: Datadog export data as JSONL, JSON pages, gzip and folders, split into hourly windows."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from evalforge_assets.capture.sources.base import MalformedItem, SpanSource
from evalforge_assets.capture.sources.files import FileSpanSource, SpanFileError, export_start_ns
from evalforge_assets.capture.spans import SpanError, parse_span

H0 = datetime(2026, 1, 5, 10, tzinfo=UTC)
H1, H2 = H0 + timedelta(hours=1), H0 + timedelta(hours=2)


def ns(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1) * 1_000


def span(span_id: str, at: datetime, start_ns: Any = None) -> dict[str, Any]:
    return {"id": span_id, "type": "span", "attributes": {
        "span_id": span_id, "trace_id": "68f0a1c200000000b3e9d4f1a2c3d4e5", "parent_id": "undefined",
        "name": "support_agent", "span_kind": "agent", "ml_app": "support-bot",
        "start_ns": ns(at) if start_ns is None else start_ns, "duration": 1.5e9, "status": "ok",
        "tags": ["env:prod", "ml_app:support-bot"]}}


A = span("1", H0 + timedelta(minutes=5))
B = span("2", H0 + timedelta(minutes=50))
C = span("3", H1 + timedelta(minutes=10))
D = span("4", H2 + timedelta(minutes=59, seconds=59))
ALL = [A, B, C, D]


def ids(items: list[Any]) -> list[str]:
    return [i["id"] if isinstance(i, dict) else f"malformed@{i.origin}" for i in items]


def hour_of(source: FileSpanSource, hour: datetime) -> list[Any]:
    return source.fetch(hour, hour + timedelta(hours=1)).items


def write_jsonl(path: Path, values: list[Any], opener: Any = open) -> Path:
    with opener(path, "wt", encoding="utf-8") as handle:
        for value in values:
            handle.write((value if isinstance(value, str) else json.dumps(value)) + "\n")
    return path


def page(items: list[Any], after: str | None = "cursor-2") -> dict[str, Any]:
    return {"data": items, "meta": {"elapsed": 12, "request_id": "r-1", "status": "done",
                                    "page": {"after": after} if after else None}}


# ---- formats ----------------------------------------------------------------------------------------------------


def test_file_source_satisfies_the_span_source_protocol(tmp_path: Path) -> None:
    assert isinstance(FileSpanSource(write_jsonl(tmp_path / "s.jsonl", ALL)), SpanSource)


def test_jsonl_items_are_split_by_hour_in_file_order(tmp_path: Path) -> None:
    source = FileSpanSource(write_jsonl(tmp_path / "spans.jsonl", [B, A, C, D]))
    assert ids(hour_of(source, H0)) == ["2", "1"]
    assert ids(hour_of(source, H1)) == ["3"]
    assert ids(hour_of(source, H2)) == ["4"]
    assert hour_of(source, H0) == [B, A]


def test_a_json_response_page(tmp_path: Path) -> None:
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page(ALL)))
    assert ids(FileSpanSource(path).fetch(H0, H2 + timedelta(hours=1)).items) == ["1", "2", "3", "4"]


def test_a_json_list_of_pages_and_a_json_list_of_items(tmp_path: Path) -> None:
    (tmp_path / "pages.json").write_text(json.dumps([page([A, B]), page([C, D], after=None)]))
    (tmp_path / "items.json").write_text(json.dumps(ALL))
    for name in ("pages.json", "items.json"):
        source = FileSpanSource(tmp_path / name)
        assert ids(source.fetch(H0, H2 + timedelta(hours=1)).items) == ["1", "2", "3", "4"], name


def test_jsonl_whose_lines_are_pages(tmp_path: Path) -> None:
    source = FileSpanSource(write_jsonl(tmp_path / "pages.jsonl", [page([A, B]), page([C, D], after=None)]))
    assert ids(hour_of(source, H0)) == ["1", "2"]
    assert ids(hour_of(source, H2)) == ["4"]


def test_gzip_compressed_jsonl_and_json(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl.gz", [A, C], opener=gzip.open)
    (tmp_path / "b.json.gz").write_bytes(gzip.compress(json.dumps(page([B, D])).encode()))
    assert ids(hour_of(FileSpanSource(tmp_path / "a.jsonl.gz"), H1)) == ["3"]
    assert ids(hour_of(FileSpanSource(tmp_path / "b.json.gz"), H0)) == ["2"]


def test_a_folder_is_read_recursively_and_other_files_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "2026" / "01").mkdir(parents=True)
    write_jsonl(tmp_path / "2026" / "01" / "a.jsonl", [A])
    (tmp_path / "2026" / "b.json").write_text(json.dumps(page([C])))
    write_jsonl(tmp_path / "c.jsonl.gz", [D], opener=gzip.open)
    (tmp_path / "README.md").write_text("not spans")
    source = FileSpanSource(tmp_path)
    assert source.hours() == [H0, H1, H2]
    assert ids(source.fetch(H0, H2 + timedelta(hours=1)).items) == ["1", "3", "4"]


def test_a_json_named_file_holding_jsonl_is_read_line_by_line(tmp_path: Path) -> None:
    source = FileSpanSource(write_jsonl(tmp_path / "export.json", [A, C]))
    assert ids(source.fetch(H0, H2).items) == ["1", "3"]


# ---- dating and windows -----------------------------------------------------------------------------------------


def test_millisecond_and_nanosecond_starts_land_in_the_same_hours(tmp_path: Path) -> None:
    in_ms = span("ms", H1 + timedelta(minutes=30), start_ns=ns(H1 + timedelta(minutes=30)) // 1_000_000)
    in_digit_string = span("str", H1 + timedelta(minutes=31), start_ns=str(ns(H1 + timedelta(minutes=31))))
    source = FileSpanSource(write_jsonl(tmp_path / "s.jsonl", [A, in_ms, in_digit_string, D]))
    assert ids(hour_of(source, H1)) == ["ms", "str"]
    assert source.hours() == [H0, H1, H2]
    assert ids(source.fetch(H1 + timedelta(minutes=30), H1 + timedelta(minutes=31)).items) == ["ms"]


def test_export_start_ns_uses_the_magnitude_rule_of_parse_span() -> None:
    moment = ns(H0)
    for value in (moment, moment // 1_000, moment // 1_000_000, moment // 10**9, str(moment), float(moment)):
        parsed = parse_span(span("x", H0, start_ns=value)).start_ns
        assert export_start_ns(value) == parsed
    for unreadable in ("yesterday", None, True, -5, 0, [moment], float("nan"), 10**40):
        assert export_start_ns(unreadable) is None


def test_window_is_half_open_inside_an_hour(tmp_path: Path) -> None:
    at_start = span("start", H0 + timedelta(minutes=10))
    inside = span("inside", H0 + timedelta(minutes=15))
    at_end = span("end", H0 + timedelta(minutes=20))
    source = FileSpanSource(write_jsonl(tmp_path / "s.jsonl", [at_start, inside, at_end]))
    window = source.fetch(H0 + timedelta(minutes=10), H0 + timedelta(minutes=20)).items
    assert ids(window) == ["start", "inside"]


def test_a_window_across_hours_and_an_empty_window(tmp_path: Path) -> None:
    source = FileSpanSource(write_jsonl(tmp_path / "s.jsonl", ALL))
    assert ids(source.fetch(H0 + timedelta(minutes=30), H2).items) == ["2", "3"]
    assert source.fetch(H2 + timedelta(hours=5), H2 + timedelta(hours=6)).items == []


# ---- items that cannot be dated or read ----------------------------------------------------------------------


def test_a_broken_json_line_belongs_to_the_hour_of_the_item_before_it(tmp_path: Path) -> None:
    source = FileSpanSource(write_jsonl(tmp_path / "spans.jsonl", [A, '{"id": "9", "attributes": {', C]))
    first_hour = hour_of(source, H0)
    assert ids(first_hour) == ["1", "malformed@spans.jsonl:2"]
    broken = first_hour[1]
    assert isinstance(broken, MalformedItem)
    assert broken.raw_text == '{"id": "9", "attributes": {'
    assert "line 2 is not valid JSON" in broken.reason
    assert ids(hour_of(source, H1)) == ["3"]


def test_an_item_without_a_start_is_returned_as_is_in_the_preceding_items_hour(tmp_path: Path) -> None:
    no_start = span("nostart", H0)
    del no_start["attributes"]["start_ns"]
    source = FileSpanSource(write_jsonl(tmp_path / "s.jsonl", [C, no_start, D]))
    second_hour = hour_of(source, H1)
    assert ids(second_hour) == ["3", "nostart"]
    with pytest.raises(SpanError, match="start_ns"):
        parse_span(second_hour[1])
    assert source.hours() == [H1, H2]


@pytest.mark.parametrize("start_ns", ["yesterday", "12abc", True, -5, 0, 10**40, ns(H0) * 10**4])
def test_a_start_that_is_no_time_is_a_malformed_item_on_its_line(tmp_path: Path, start_ns: Any) -> None:
    bad = span("bad", H0, start_ns=start_ns)
    source = FileSpanSource(write_jsonl(tmp_path / "s.jsonl", [C, bad, D]))
    second_hour = hour_of(source, H1)
    assert ids(second_hour) == ["3", "malformed@s.jsonl:2"]
    assert "start_ns" in second_hour[1].reason and second_hour[1].identity == (
        "68f0a1c200000000b3e9d4f1a2c3d4e5", "bad")
    assert source.hours() == [H1, H2]


def test_starts_outside_the_given_range_are_malformed_items_and_their_hours_are_not_listed(tmp_path: Path) -> None:
    early, late = span("early", H0 - timedelta(days=400)), span("late", H2 + timedelta(days=3))
    source = FileSpanSource(write_jsonl(tmp_path / "s.jsonl", [early, A, C, late, D]), earliest=H0,
                            latest=H2)
    assert source.hours() == [H0, H1]
    assert ids(hour_of(source, H0)) == ["malformed@s.jsonl:1", "1"]
    assert ids(hour_of(source, H1)) == ["3", "malformed@s.jsonl:4", "malformed@s.jsonl:5"]
    assert all("outside the partitions" in i.reason for i in hour_of(source, H1)[1:])


def test_a_file_wholly_outside_the_range_is_still_reported_in_a_readable_hour(tmp_path: Path) -> None:
    old = span("old", H0 - timedelta(days=400))
    source = FileSpanSource(write_jsonl(tmp_path / "s.jsonl", [old]), earliest=H0, latest=H2)
    [hour] = source.hours()
    assert H0 <= hour < H2
    assert ids(hour_of(source, hour)) == ["malformed@s.jsonl:1"]


def test_an_item_past_the_span_bounds_is_a_malformed_item_with_a_short_preview(tmp_path: Path) -> None:
    deep: Any = "x"
    for _ in range(300):
        deep = {"k": deep}
    bad = span("deep", H0 + timedelta(minutes=20))
    bad["attributes"]["metadata"] = deep
    path = tmp_path / "page.json"  # a JSON document: the item is re-serialized, which used to overflow
    path.write_text(json.dumps(page([A, bad, B])))
    items = hour_of(FileSpanSource(path), H0)
    assert ids(items) == ["1", "malformed@page.json", "2"]
    assert "nested more than" in items[1].reason and len(items[1].raw_text) < 11_000


def test_undatable_items_before_any_datable_one_go_to_the_files_earliest_hour(tmp_path: Path) -> None:
    source = FileSpanSource(write_jsonl(tmp_path / "s.jsonl", ["not json", D, A]))
    assert ids(hour_of(source, H0)) == ["malformed@s.jsonl:1", "1"]
    assert ids(hour_of(source, H2)) == ["4"]


def test_each_undatable_item_is_reported_by_exactly_one_hour(tmp_path: Path) -> None:
    source = FileSpanSource(write_jsonl(tmp_path / "s.jsonl", ["{", A, "[1,", C, "}", D]))
    malformed = [i for h in source.hours() for i in hour_of(source, h) if isinstance(i, MalformedItem)]
    assert sorted(m.origin for m in malformed) == ["s.jsonl:1", "s.jsonl:3", "s.jsonl:5"]


def test_non_objects_in_a_page_are_malformed_items(tmp_path: Path) -> None:
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page([A, 42, "span"])))
    items = hour_of(FileSpanSource(path), H0)
    assert ids(items) == ["1", "malformed@page.json.data[1]", "malformed@page.json.data[2]"]
    assert "expected a span object, got a number" in items[1].reason


def test_a_broken_json_document_is_one_malformed_item(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(page([A]), indent=2)[:-10])
    write_jsonl(tmp_path / "good.jsonl", [C])
    source = FileSpanSource(tmp_path)
    malformed = [i for i in source.fetch(H0, H2).items if isinstance(i, MalformedItem)]
    assert len(malformed) == 1 and malformed[0].origin == "broken.json"
    assert "not valid JSON" in malformed[0].reason


# ---- errors, caching, fresh objects ------------------------------------------------------------------------------


def test_a_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SpanFileError, match=r"does not exist\. Give a Datadog export file"):
        FileSpanSource(tmp_path / "nowhere.jsonl")


def test_a_folder_without_span_files_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(SpanFileError, match="No span files found under"):
        FileSpanSource(tmp_path).hours()


def test_a_gz_file_that_is_not_gzip_is_a_clear_error(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "spans.jsonl.gz", [A])  # plain text despite the name
    with pytest.raises(SpanFileError, match="not complete gzip data"):
        FileSpanSource(tmp_path / "spans.jsonl.gz").hours()


def test_a_gzip_file_cut_off_midway_keeps_the_lines_before(tmp_path: Path) -> None:
    whole = gzip.compress("".join(json.dumps(s) + "\n" for s in [A, B] * 200).encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(whole[: len(whole) - 20])
    items = hour_of(FileSpanSource(tmp_path / "cut.jsonl.gz"), H0)
    assert isinstance(items[-1], MalformedItem) and "cut off" in items[-1].reason
    assert all(isinstance(i, dict) for i in items[:-1]) and len(items) > 300


def test_files_are_scanned_once_for_many_hours(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", ALL)
    source = FileSpanSource(path)
    assert ids(hour_of(source, H0)) == ["1", "2"]
    path.unlink()  # later hours come from the index built by the first fetch
    assert ids(hour_of(source, H1)) == ["3"]
    assert source.hours() == [H0, H1, H2]


def test_each_fetch_returns_fresh_objects(tmp_path: Path) -> None:
    source = FileSpanSource(write_jsonl(tmp_path / "s.jsonl", ALL))
    hour_of(source, H0)[0]["attributes"]["name"] = "changed by a caller"
    assert hour_of(source, H0)[0] == A
