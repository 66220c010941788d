"""Datadog LLM Observability export data read from files instead of the API.

Accepts what people actually save: JSONL with one `data[]` item per line, JSON response pages
(`{"data": [...], "meta": ...}`), a JSON list of pages or of items, JSONL whose lines are pages, each optionally
gzip-compressed, as one file or a folder searched recursively.

The files are scanned once, on first use, into an index of UTC hour -> items, so an hourly backfill over one big
file does not re-parse it per hour. The index keeps each item as its compact JSON text (about the size of the file)
and parses it again only when its hour is fetched, which also means every fetch hands out fresh dicts.

Items that cannot be dated (a broken JSON line, an object without `start_ns`) still have to be reported exactly
once, so each is attributed to the hour of the nearest preceding datable item in the same file, or to the file's
earliest hour when none precedes it. Poison is screened here, where the line number is known: an item past the
bounds of `span_bounds`, a `start_ns` that is no time (true, 0, -5, 10**40, year 9999) and, when the source is
given the partition range, a start outside it each become a MalformedItem naming its line, attributed the same
way, so the file's other spans are read and the bad one is quarantined on its own.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import threading
import zlib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from evalforge_assets import fastjson
from evalforge_assets.capture.sources.base import FetchStats, MalformedItem, SpanFetch
from evalforge_assets.capture.span_bounds import PREVIEW_CHARS, bound_violation, describe_ns, json_preview
from evalforge_assets.capture.spans import epoch_ns, scale_to_ns, span_identity

SPAN_FILE_SUFFIXES = (".jsonl", ".json", ".jsonl.gz", ".json.gz")
HOUR_NS = 3_600 * 10**9
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST_NS = (datetime(9999, 1, 1, tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1) * 1_000

# An indexed item: its start in ns (None when it cannot be dated) and either its JSON text or a MalformedItem.
_Entry = tuple[int | None, bytes | MalformedItem]


class SpanFileError(RuntimeError):
    """A span file or folder that cannot be used at all; the message says what is wrong and what to do."""


def export_start_ns(value: Any) -> int | None:
    """A span's `start_ns` as exported, in nanoseconds since the epoch, or None when it cannot be read.

    Uses the magnitude rule of `pipeline.spans`: seconds, milliseconds and microseconds are scaled up to ns.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not value.isdigit():
            return None
        value = int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        value = int(value)
    if not isinstance(value, int) or value <= 0:
        return None
    value = scale_to_ns(value)
    return value if value < _LATEST_NS else None


def item_start_ns(item: Any) -> int | None:
    """The start of an export item (`{id, type, attributes}` or bare attributes), or None."""
    if not isinstance(item, dict):
        return None
    attributes = item.get("attributes", item) if "attributes" in item else item
    if not isinstance(attributes, dict):
        return None
    return export_start_ns(attributes.get("start_ns"))


def _start_problem(item: dict[str, Any], bounds: tuple[int, int] | None) -> tuple[int | None, str | None]:
    """(start in ns, None) for a datable item, (None, None) for one without a start (parsing will say it is
    missing), (None, reason) for a start that is no time or lies outside `bounds`."""
    attributes = item.get("attributes", item) if "attributes" in item else item
    if not isinstance(attributes, dict) or attributes.get("start_ns") in (None, ""):
        return None, None
    value = attributes["start_ns"]
    start = export_start_ns(value)
    if start is None:
        return None, (f"start_ns {json_preview(value, 60)} is not a time in nanoseconds since the epoch between "
                      f"1970 and 9999")
    if bounds is not None and not bounds[0] <= start < bounds[1]:
        return None, (f"start_ns {start} ({describe_ns(start)}) is outside the partitions this run can read "
                      f"[{describe_ns(bounds[0])}, {describe_ns(bounds[1])}); set EVALFORGE_PARTITION_START "
                      f"earlier if it is real, or ingest it again after its hour has closed")
    return start, None


def _hour_datetime(hour_ns: int) -> datetime:
    return _EPOCH + timedelta(microseconds=hour_ns // 1_000)


def _json_kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")


def _is_page(value: dict[str, Any]) -> bool:
    # A span item never has a top-level "data" key; a response page always does.
    return "data" in value and "attributes" not in value


def _expand(value: Any, origin: str) -> Iterator[dict[str, Any] | MalformedItem]:
    """The span items in one parsed JSON value: a page, an item, or a list of pages or items."""
    if isinstance(value, list):
        for position, element in enumerate(value):
            if isinstance(element, dict):
                yield from _expand_object(element, f"{origin}[{position}]")
            else:
                yield _not_a_span(element, f"{origin}[{position}]")
    elif isinstance(value, dict):
        yield from _expand_object(value, origin)
    else:
        yield _not_a_span(value, origin)


def _expand_object(value: dict[str, Any], origin: str) -> Iterator[dict[str, Any] | MalformedItem]:
    if not _is_page(value):
        yield value
        return
    data = value["data"]
    if isinstance(data, dict):
        yield data
    elif isinstance(data, list):
        for position, element in enumerate(data):
            yield element if isinstance(element, dict) else _not_a_span(element, f"{origin}.data[{position}]")
    elif data is not None:
        yield _not_a_span(data, f"{origin}.data")


def _not_a_span(value: Any, origin: str) -> MalformedItem:
    return MalformedItem(raw_text=json.dumps(value)[:10_000],
                         reason=f"expected a span object, got {_json_kind(value)}", origin=origin)


def _compact(item: dict[str, Any]) -> bytes:
    return fastjson.dumps(item)


class _SpanFileReader:
    """Reads one file into (start, payload) entries in file order."""

    def __init__(self, path: Path, display: str, bounds: tuple[int, int] | None = None) -> None:
        self.path = path
        self.display = display
        self.bounds = bounds
        name = path.name.lower()
        self.compressed = name.endswith(".gz")
        self.is_document = (name[:-3] if self.compressed else name).endswith(".json")

    def entries(self) -> Iterator[_Entry]:
        if self.is_document:
            yield from self._document_entries(self._read_all())
        else:
            yield from self._line_entries(self._lines())

    def _open(self):
        try:
            return gzip.open(self.path, "rb") if self.compressed else self.path.open("rb")
        except OSError as exc:
            raise SpanFileError(
                f"Cannot open span file {self.path}: {exc.strerror or exc}. Check that it exists and that this "
                f"user may read it.") from exc

    def _unreadable(self, exc: Exception) -> SpanFileError:
        if self.compressed and isinstance(exc, (gzip.BadGzipFile, EOFError, zlib.error)):
            return SpanFileError(
                f"Cannot read span file {self.path}: it is named .gz but is not complete gzip data ({exc}). "
                f"Re-export it, or decompress it and drop the .gz suffix.")
        return SpanFileError(f"Cannot read span file {self.path}: {exc}. Check the file and try again.")

    def _read_all(self) -> bytes:
        with self._open() as stream:
            try:
                return stream.read()
            except (OSError, EOFError, zlib.error) as exc:
                raise self._unreadable(exc) from exc

    def _lines(self) -> Iterator[tuple[int, bytes]]:
        """(line number, line) pairs; a file cut off mid-way ends with a MalformedItem, not an exception."""
        with self._open() as stream:
            line_number = 0
            try:
                for line_number, line in enumerate(stream, start=1):
                    yield line_number, line
            except (OSError, EOFError, zlib.error) as exc:
                if line_number == 0:
                    raise self._unreadable(exc) from exc
                yield line_number + 1, MalformedItem(
                    raw_text="", origin=f"{self.display}:{line_number + 1}",
                    reason=f"the file is cut off after line {line_number} ({exc}); the lines before were read")

    def _line_entries(self, lines: Iterable[tuple[int, bytes | MalformedItem]]) -> Iterator[_Entry]:
        for line_number, line in lines:
            if isinstance(line, MalformedItem):
                yield None, line
                continue
            text = line.strip()
            if not text:
                continue
            origin = f"{self.display}:{line_number}"
            try:
                value = fastjson.loads(text)
            except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
                yield None, MalformedItem(raw_text=text[:PREVIEW_CHARS * 10].decode("utf-8", "replace"),
                                          origin=origin,
                                          reason=f"line {line_number} is not valid JSON: {_describe(exc)}")
                continue
            if isinstance(value, dict) and not _is_page(value):
                yield self._entry(value, origin, text)  # the line already is the item's JSON: keep it as is
                continue
            for item in _expand(value, origin):
                yield (None, item) if isinstance(item, MalformedItem) else self._entry(item, origin)

    def _entry(self, item: dict[str, Any], origin: str, text: bytes | None = None) -> _Entry:
        """An item's (start, JSON text), or (None, MalformedItem) when it is poison: past the span bounds, or
        starting at no real time or outside the partitions."""
        problem = bound_violation(item)
        if problem is not None:
            reason = f"span out of bounds: {problem}"
        else:
            start, reason = _start_problem(item, self.bounds)
            if reason is None:
                return start, text if text is not None else _compact(item)
        preview = text[:PREVIEW_CHARS].decode("utf-8", "replace") if text is not None else json_preview(item)
        return None, MalformedItem(raw_text=preview, reason=reason, origin=origin, identity=span_identity(item))

    def _document_entries(self, data: bytes) -> Iterator[_Entry]:
        try:
            value = json.loads(data)
        except ValueError as exc:
            if _looks_like_jsonl(data):  # a JSONL file saved with a .json name
                yield from self._line_entries(enumerate(io.BytesIO(data), start=1))
                return
            text = data.decode("utf-8", "replace")
            yield None, MalformedItem(
                raw_text=text[:100_000], origin=self.display,
                reason=f"the file is not valid JSON ({_describe(exc)}); "
                       + ("its first 100000 characters are kept" if len(text) > 100_000 else "it is kept whole"))
            return
        for item in _expand(value, self.display):
            yield (None, item) if isinstance(item, MalformedItem) else self._entry(item, self.display)


def _describe(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at column {exc.colno}" if exc.lineno == 1 else f"{exc.msg} at line {exc.lineno}"
    if isinstance(exc, UnicodeDecodeError):
        return "it is not UTF-8 text"
    return str(exc)


def _looks_like_jsonl(data: bytes) -> bool:
    """True when the first non-blank line is a complete JSON object or list on its own."""
    for line in io.BytesIO(data):
        if line.strip():
            try:
                return isinstance(json.loads(line), (dict, list))
            except ValueError:
                return False
    return False


class FileSpanSource:
    """Spans from Datadog export files: one file, or every span file under a folder."""

    name = "file"

    def __init__(self, path: str | Path, earliest: datetime | None = None, latest: datetime | None = None) -> None:
        """`earliest` and `latest` bound the starts read ([earliest, latest), usually the closed hourly
        partitions): a span outside them is a MalformedItem on its own line, not an hour nobody fetches."""
        self.path = Path(path).expanduser()
        if (earliest is None) != (latest is None):
            raise ValueError("Give FileSpanSource both earliest and latest, or neither.")
        self._bounds = (epoch_ns(earliest), epoch_ns(latest)) if earliest and latest else None
        if not self.path.exists():
            raise SpanFileError(
                f"Span path {self.path} does not exist. Give a Datadog export file (.jsonl, .json, optionally "
                f".gz) or a folder holding such files.")
        self._lock = threading.Lock()
        self._index: dict[int, list[_Entry]] | None = None
        self._hours: list[int] = []

    def hours(self) -> list[datetime]:
        """The distinct UTC hour starts the file's items fall in, undatable items included, in order."""
        self._ensure_index()
        return [_hour_datetime(hour_ns) for hour_ns in self._hours]

    def fetch(self, start: datetime, end: datetime) -> SpanFetch:
        """Every item whose start is in [start, end); an undatable item counts as starting at its hour's start."""
        index = self._ensure_index()
        start_ns, end_ns = epoch_ns(start), epoch_ns(end)
        items: list[Any] = []
        position = bisect_left(self._hours, start_ns - start_ns % HOUR_NS)
        for hour_ns in self._hours[position:]:
            if hour_ns >= end_ns:
                break
            for item_start, payload in index[hour_ns]:
                moment = hour_ns if item_start is None else item_start
                if start_ns <= moment < end_ns:
                    items.append(payload if isinstance(payload, MalformedItem) else fastjson.loads(payload))
        return SpanFetch(items=items, stats=FetchStats())

    def span_files(self) -> list[Path]:
        """The files this source reads, in the order it reads them."""
        if self.path.is_file():
            return [self.path]
        files = sorted(
            (p for p in self.path.rglob("*") if p.is_file() and p.name.lower().endswith(SPAN_FILE_SUFFIXES)),
            key=lambda p: p.relative_to(self.path).as_posix())
        if not files:
            raise SpanFileError(
                f"No span files found under {self.path}: expected *.jsonl, *.json, *.jsonl.gz or *.json.gz files "
                f"(folders are searched recursively).")
        return files

    def _ensure_index(self) -> dict[int, list[_Entry]]:
        with self._lock:
            if self._index is None:
                self._index = self._build_index()
                self._hours = sorted(self._index)
            return self._index

    def _build_index(self) -> dict[int, list[_Entry]]:
        index: dict[int, list[_Entry]] = defaultdict(list)
        undated_files: list[tuple[Path, list[_Entry]]] = []
        for path in self.span_files():
            display = path.name if path == self.path else path.relative_to(self.path).as_posix()
            entries = list(_SpanFileReader(path, display, self._bounds).entries())
            hours = [start - start % HOUR_NS for start, _payload in entries if start is not None]
            if not hours:
                undated_files.append((path, entries))
                continue
            current_hour = min(hours)  # for undatable items before the file's first datable one
            for start, payload in entries:
                if start is not None:
                    current_hour = start - start % HOUR_NS
                index[current_hour].append((start, payload))
        for path, entries in undated_files:
            # Nothing in the file can be dated: use the earliest hour of the other files, else the hour the file
            # was last written, so its items are still reported once.
            if index:
                hour_ns = min(index)
            else:
                modified_ns = path.stat().st_mtime_ns
                hour_ns = self._readable_hour(modified_ns - modified_ns % HOUR_NS)
            index[hour_ns].extend(entries)
        return dict(index)

    def _readable_hour(self, hour_ns: int) -> int:
        """`hour_ns` moved into the partitions this source may be read for, so its items are reported."""
        if self._bounds is None:
            return hour_ns
        earliest, latest = self._bounds
        last_hour = latest - HOUR_NS - (latest - HOUR_NS) % HOUR_NS
        first_hour = earliest - earliest % HOUR_NS
        return max(first_hour, min(hour_ns, last_hour))
