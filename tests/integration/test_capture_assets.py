"""The capture job really materialized: on SQLite and the Firestore emulator, idempotent, quarantine, PII check."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg

from evalforge_assets.store import Store
from tests.fixtures.factories import make_capture
from tests.integration.dagster_helpers import (
    capture_settings,
    check_evaluations,
    materialization_metadata,
    run_capture,
)

HOUR = "2026-03-02-10:00"


def snapshot(store: Store) -> str:
    """Every capture, signature and quarantine record, serialized: equal snapshots mean identical stores."""
    return json.dumps({
        "captures": [c.model_dump(mode="json") for c in store.iter_captures()],
        "signatures": [s.model_dump(mode="json") for s in store.iter_signatures()],
        "quarantine": [q.model_dump(mode="json") for q in store.list_quarantined()],
    }, sort_keys=True)


def test_an_hour_materializes_captures_signatures_and_passes_the_pii_check(store_backend, tmp_path: Path) -> None:
    store = store_backend.open()
    result = run_capture(capture_settings(tmp_path, store.url), HOUR)
    assert result.success
    captured = materialization_metadata(result, "failure_captures")
    assert captured["spans"] == 120
    assert captured["captured"] > 0
    assert captured["captured"] + captured["skipped_healthy"] + captured["quarantined"] == captured["spans"]
    assert store.count_captures() == captured["captured"]
    captures = list(store.iter_captures())
    assert {c.lineage.partition_key for c in captures} == {HOUR}
    assert {c.lineage.run_id for c in captures} == {result.run_id}
    assert all(c.signature_id for c in captures)
    assert sum(s.count for s in store.iter_signatures()) == len(captures)
    [check] = check_evaluations(result)
    assert check.passed and not check.blocking  # a safety net that warns, never one that stops the hour


def test_running_a_partition_twice_leaves_the_store_identical(store_backend, tmp_path: Path) -> None:
    store = store_backend.open()
    settings = capture_settings(tmp_path, store.url)
    instance = dg.DagsterInstance.ephemeral()
    assert run_capture(settings, HOUR, instance=instance).success
    first = snapshot(store)
    again = run_capture(settings, HOUR, instance=instance)
    assert again.success
    assert materialization_metadata(again, "failure_captures")["inserted"] == 0
    assert snapshot(store) == first


def test_a_multi_hour_range_in_one_run_equals_hour_by_hour_runs(tmp_path: Path) -> None:
    from evalforge_assets.store import open_store

    ranged = open_store(f"sqlite:///{tmp_path / 'ranged.db'}")
    hourly = open_store(f"sqlite:///{tmp_path / 'hourly.db'}")
    assert run_capture(capture_settings(tmp_path / "a", ranged.url), "2026-03-02-10:00", "2026-03-02-12:00").success
    for hour in ("2026-03-02-10:00", "2026-03-02-11:00", "2026-03-02-12:00"):
        assert run_capture(capture_settings(tmp_path / "b", hourly.url), hour).success

    def comparable(store: Store) -> list[tuple]:
        return sorted((s.signature_id, s.count, tuple(sorted(s.counts_by_hour.items()))) for s in store.iter_signatures())

    assert comparable(ranged) == comparable(hourly)
    assert ranged.count_captures() == hourly.count_captures() > 0


def _write_export(path: Path, good: list[dict], bad_lines: list[str]) -> None:
    lines = [json.dumps({"id": s["span_id"], "type": "span", "attributes": s}) for s in good]
    path.write_text("\n".join(lines[:1] + bad_lines + lines[1:]) + "\n")


def _span(span_id: str, **extra: object) -> dict:
    return {"span_id": span_id, "trace_id": "68f0a1c200000000b3e9d4f1a2c3d4e5", "parent_id": "undefined",
            "name": "support_agent", "span_kind": "agent", "ml_app": "support-bot",
            "start_ns": 1772445600000000000 + int(span_id) * 1_000_000, "duration": 1.0e9, "status": "error",
            "input": {"value": "Where is order 4411? Reach me at jane.doe@example.com"},
            "tags": ["env:prod", "error:1", "error_type:ToolTimeoutError", "user_id:u-1234"], **extra}


def test_malformed_spans_are_quarantined_and_the_rest_stored(tmp_path: Path) -> None:
    from evalforge_assets.store import open_store

    export = tmp_path / "export.jsonl"
    bad = [
        '{"id": "9", "type": "span", "attributes": {"span_id": "9", "trace_id": "t", "name": "x"',  # broken JSON
        json.dumps({"id": "8", "type": "span", "attributes": {**_span("8"), "ml_app": None}}),
        json.dumps({"id": "7", "type": "span", "attributes": {**_span("7"), "tags": {"a": [1]}, "span_kind": 5,
                                                              "input": "password=hunter22 for bob@example.com"}}),
    ]
    _write_export(export, [_span("1"), _span("2"), _span("2")], bad)
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    result = run_capture(capture_settings(tmp_path, store.url, source=str(export)), "2026-03-02-10:00")
    assert result.success
    metadata = materialization_metadata(result, "failure_captures")
    assert (metadata["captured"], metadata["deduplicated"], metadata["quarantined"]) == (2, 1, 3)
    quarantined = store.list_quarantined("2026-03-02-10:00")
    reasons = sorted(q.reason for q in quarantined)
    assert any("ml_app" in r for r in reasons)
    assert any("JSON" in r or "json" in r for r in reasons)
    for record in quarantined:
        assert "bob@example.com" not in record.sanitized_payload
        assert "hunter22" not in record.sanitized_payload
    stored = {c.source.span_id: c for c in store.iter_captures()}
    assert set(stored) == {"1", "2"}
    assert "jane.doe@example.com" not in stored["1"].input_text and "<EMAIL>" in stored["1"].input_text
    assert stored["1"].user_hash and "u-1234" not in json.dumps(stored["1"].model_dump(mode="json"))


def test_a_leak_only_the_independent_check_knows_is_redacted_again_and_the_hour_still_groups(tmp_path: Path) -> None:
    from evalforge_assets.capture.pii import contains_pii
    from evalforge_assets.store import open_store

    twilio_key = "SK0123456789abcdef0123456789abcdef"
    assert not contains_pii(f"twilio {twilio_key}")  # the redactor does not know this format
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    settings = capture_settings(tmp_path, store.url)
    assert run_capture(settings, HOUR).success
    store.save_captures([make_capture(capture_id="planted", input_text=f"twilio {twilio_key} for the sms job",
                                      lineage={"partition_key": HOUR})])
    result = run_capture(settings, HOUR)
    assert result.success
    [check] = check_evaluations(result)
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert check.metadata["flagged"].data == {"planted": ["SECRET"]}
    assert check.metadata["redacted_again"].value == 1
    assert twilio_key not in json.dumps({k: str(v) for k, v in check.metadata.items()})
    grouped = [e for e in result.get_asset_materialization_events()
               if e.event_specific_data.materialization.asset_key.to_user_string() == "failure_signatures"]
    assert grouped, "signatures are still computed for the hour"
    stored = store.get_capture("planted")
    assert twilio_key not in stored.input_text and "<SECRET>" in stored.input_text
