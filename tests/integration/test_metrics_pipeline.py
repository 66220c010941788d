"""The pipeline's figures reach the API's /metrics through the store: after a real capture run, and from
several processes flushing the same counters at once without losing an increment."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from evalforge_api.app import create_app
from evalforge_assets import telemetry
from evalforge_assets.hours import hour_window
from evalforge_assets.settings import Settings
from evalforge_assets.store import Store, open_store
from tests.integration.dagster_helpers import capture_settings, materialization_metadata, run_capture

HOUR = "2026-03-02-10:00"


def scrape(store: Store, home: Path) -> dict[str, dict[tuple, float]]:
    app = create_app(Settings.of(evalforge_home=home), store)
    with TestClient(app, client=("127.0.0.1", 50124)) as client:
        response = client.get("/metrics")
    assert response.status_code == 200, response.text
    return {family.name: {(s.name, tuple(sorted(s.labels.items()))): s.value for s in family.samples}
            for family in text_string_to_metric_families(response.text)}


def _sum(samples: dict[tuple, float], sample_name: str) -> float:
    return sum(value for (name, _labels), value in samples.items() if name == sample_name)


def test_a_real_capture_run_shows_in_the_apis_metrics(store_backend, tmp_path: Path) -> None:
    store = store_backend.open()
    telemetry.RECORDER.take()  # the recorder is per process: drop what earlier tests left unflushed
    result = run_capture(capture_settings(tmp_path, store.url), HOUR)
    assert result.success
    captured = materialization_metadata(result, "failure_captures")
    metrics = scrape(store, tmp_path)
    assert metrics["evalforge_capture_spans_read"][
        ("evalforge_capture_spans_read_total", (("source", "sample"),))] == captured["spans"] == 120
    assert _sum(metrics["evalforge_capture_captured"], "evalforge_capture_captured_total") == captured["captured"]
    assert _sum(metrics["evalforge_capture_quarantined"], "evalforge_capture_quarantined_total") == \
        captured["quarantined"]
    assert _sum(metrics["evalforge_capture_pii_findings"], "evalforge_capture_pii_findings_total") == \
        sum(captured["pii_removed"].values()) > 0
    assert metrics["evalforge_pii_check_captures_scanned"][
        ("evalforge_pii_check_captures_scanned_total", ())] == captured["captured"]
    signatures = materialization_metadata(result, "failure_signatures")
    assert metrics["evalforge_signatures_created"][("evalforge_signatures_created_total", ())] == \
        signatures["signatures_created"] > 0
    assert metrics["evalforge_capture_last_success_hour_timestamp_seconds"][
        ("evalforge_capture_last_success_hour_timestamp_seconds", ())] == hour_window(HOUR)[0].timestamp()
    steps = metrics["evalforge_pipeline_steps"]
    for step in ("raw_llm_spans", "failure_captures", "failure_signatures", "captures_are_pii_free"):
        assert steps[("evalforge_pipeline_steps_total", (("outcome", "success"), ("step", step)))] == 1
    durations = metrics["evalforge_pipeline_step_duration_seconds"]
    assert durations[("evalforge_pipeline_step_duration_seconds_count", (("step", "failure_captures"),))] == 1


def _count_and_flush(url: str, rounds: int, per_round: int) -> None:
    store = open_store(url)
    for _ in range(rounds):
        for _ in range(per_round):
            telemetry.count("evalforge_capture_spans_read_total", source="race")
            telemetry.observe("evalforge_pipeline_step_duration_seconds", 0.2, step="race")
        telemetry.flush(store)
    assert not telemetry.RECORDER.pending(), "an increment was left unflushed"
    store.close()


def test_flushes_from_several_processes_add_up_without_losing_an_increment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'evalforge.db'}"
    open_store(url).close()  # create the schema once, before the writers race
    processes, rounds, per_round = 3, 25, 7
    spawn = multiprocessing.get_context("spawn")
    workers = [spawn.Process(target=_count_and_flush, args=(url, rounds, per_round)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    stored = telemetry.read_families(open_store(url))
    expected = processes * rounds * per_round
    assert stored["evalforge_capture_spans_read_total"].series["source=race"].value == expected
    durations = stored["evalforge_pipeline_step_duration_seconds"].series["step=race"]
    assert durations.count == expected
    assert sum(durations.buckets) == expected
