"""`evalforge ingest` and `evalforge captures export`, run as the real command in a subprocess."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from evalforge_assets.capture.sources.sample import SampleSpanSource
from evalforge_assets.models import FailureCapture
from evalforge_assets.store import open_store

START = "2026-03-02T10:00:00+00:00"


def evalforge(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EVALFORGE_HOME": str(home), "EVALFORGE_LOG_LEVEL": "WARNING"}
    env.pop("EVALFORGE_STORE", None)
    return subprocess.run([sys.executable, "-m", "evalforge_assets.cli", *args], env=env, text=True,
                          capture_output=True, timeout=240, check=False)


@pytest.fixture
def export_file(tmp_path: Path) -> Path:
    """Two hours of sample spans in Datadog's export format, one duplicate and one broken line."""
    from datetime import datetime, timedelta

    start = datetime.fromisoformat(START)
    items = SampleSpanSource(seed=3, spans_per_hour=60).fetch(start, start + timedelta(hours=2)).items
    lines = [json.dumps(item) for item in items]
    failing = next(i for i, item in enumerate(items) if item["attributes"].get("status") == "error")
    lines.insert(failing + 1, lines[failing])  # the same failing span twice: stored once
    lines.insert(10, '{"id": "1", "type": "span", "attributes": {"span_id": ')
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_ingest_stores_sanitized_deduplicated_captures_and_quarantines_bad_lines(tmp_path: Path,
                                                                                  export_file: Path) -> None:
    home = tmp_path / "home"
    result = evalforge(home, "ingest", str(export_file))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "read 122 spans in 2 hour(s)" in result.stdout
    assert "quarantined 1" in result.stdout and "deduplicated 1" in result.stdout
    assert "redacted:" in result.stdout and "EMAIL" in result.stdout
    store = open_store(f"sqlite:///{home.resolve() / 'evalforge.db'}")
    captures = list(store.iter_captures())
    assert captures and all(c.signature_id for c in captures)
    assert len({c.capture_id for c in captures}) == len(captures)
    assert len(store.list_quarantined()) == 1
    # The runs are in the DAGSTER_HOME that `evalforge up` uses, so they show in its UI.
    with dg.DagsterInstance.from_config(str(home / "dagster")) as instance:
        runs = instance.get_run_records()
        assert {r.dagster_run.job_name for r in runs} == {"capture_job"}
        assert all(r.dagster_run.status == dg.DagsterRunStatus.SUCCESS for r in runs)


def test_ingest_names_a_missing_path(tmp_path: Path) -> None:
    result = evalforge(tmp_path, "ingest", str(tmp_path / "nope.jsonl"))
    assert result.returncode != 0
    assert "does not exist" in result.stderr


def test_captures_export_jsonl_and_csv(tmp_path: Path, export_file: Path) -> None:
    home = tmp_path / "home"
    assert evalforge(home, "ingest", str(export_file)).returncode == 0
    stored = open_store(f"sqlite:///{home.resolve() / 'evalforge.db'}").count_captures()
    as_jsonl = evalforge(home, "captures", "export", "--format", "jsonl")
    lines = as_jsonl.stdout.splitlines()
    assert len(lines) == stored
    first = FailureCapture.model_validate_json(lines[0])
    assert first.signature_id and json.loads(lines[0])["signature_id"] == first.signature_id
    out = tmp_path / "captures.csv"
    assert evalforge(home, "captures", "export", "--format", "csv", "--out", str(out)).returncode == 0
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == stored and rows[0]["signature_id"].startswith("sig_v")


def test_store_option_points_every_command_at_another_store(tmp_path: Path, export_file: Path) -> None:
    other = tmp_path / "elsewhere.db"
    assert evalforge(tmp_path / "home", "--store", f"sqlite:///{other}", "ingest", str(export_file)).returncode == 0
    assert open_store(f"sqlite:///{other}").count_captures() > 0
    exported = evalforge(tmp_path / "home", "captures", "export", "--store", f"sqlite:///{other}")
    assert exported.stdout.count("\n") == open_store(f"sqlite:///{other}").count_captures()


def test_the_store_option_reaches_commands_as_settings_not_through_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from evalforge_assets.cli import main
    from tests.fixtures.factories import make_capture

    monkeypatch.setenv("EVALFORGE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("EVALFORGE_STORE", raising=False)
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    other.save_captures([make_capture(capture_id="cap-elsewhere")])
    other.close()
    result = CliRunner().invoke(main, ["captures", "export", "--store", f"sqlite:///{tmp_path / 'other.db'}"])
    assert result.exit_code == 0, result.output
    assert "cap-elsewhere" in result.output
    assert "EVALFORGE_STORE" not in os.environ
