"""The process-local recorder and its flush into the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalforge_assets.store import StoreUnavailable, open_store
from evalforge_assets.telemetry import quarantine_reason
from evalforge_assets.telemetry.llm_cost import PriceTableError, price_table
from evalforge_assets.telemetry.recorder import Recorder
from evalforge_assets.telemetry.stored import flush_into, read_families


def test_unknown_families_and_wrong_labels_are_refused_with_what_to_do() -> None:
    recorder = Recorder()
    with pytest.raises(KeyError, match="catalog.py"):
        recorder.count("evalforge_typo_total")
    with pytest.raises(ValueError, match=r"takes the labels \['source'\]"):
        recorder.count("evalforge_capture_spans_read_total", 1, sorce="sample")
    with pytest.raises(ValueError, match="only grows"):
        recorder.count("evalforge_capture_spans_read_total", -1, source="sample")


def test_histograms_bucket_like_prometheus_and_max_gauges_only_rise(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    recorder = Recorder()
    for seconds in (0.1, 0.3, 700.0, 5000.0):  # 0.1 is a bound: it belongs to the le=0.1 bucket
        recorder.observe("evalforge_pipeline_step_duration_seconds", seconds, step="s")
    recorder.raise_to("evalforge_capture_last_success_hour_timestamp_seconds", 200)
    recorder.raise_to("evalforge_capture_last_success_hour_timestamp_seconds", 100)
    flush_into(store, recorder)
    recorder.raise_to("evalforge_capture_last_success_hour_timestamp_seconds", 150)
    flush_into(store, recorder)
    stored = read_families(store)
    series = stored["evalforge_pipeline_step_duration_seconds"].series["step=s"]
    assert series.buckets[0] == 1 and series.buckets[1] == 1 and series.buckets[-2] == 1 and series.buckets[-1] == 1
    assert series.count == 4 and series.sum == pytest.approx(5700.4)
    assert stored["evalforge_capture_last_success_hour_timestamp_seconds"].series[""].value == 200


class _DownStore:
    """A store that is unreachable for writes."""

    def update(self, *_args: object, **_kwargs: object) -> None:
        raise StoreUnavailable("the store is down")


def test_a_failed_flush_keeps_every_increment_for_the_next_one(tmp_path: Path) -> None:
    recorder = Recorder()
    recorder.count("evalforge_capture_spans_read_total", 5, source="sample")
    assert flush_into(_DownStore(), recorder) == 0  # type: ignore[arg-type]
    recorder.count("evalforge_capture_spans_read_total", 2, source="sample")
    store = open_store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert flush_into(store, recorder) == 1
    assert read_families(store)["evalforge_capture_spans_read_total"].series["source=sample"].value == 7
    assert not recorder.pending()


def test_quarantine_reasons_are_bounded_to_their_kind() -> None:
    assert quarantine_reason("span out of bounds: starts 2026-03-02T11:00 after the hour") == "span out of bounds"
    assert quarantine_reason("Not JSON") == "not json"
    assert len(quarantine_reason("x" * 500)) == 60


def test_the_price_table_lays_settings_over_the_defaults_and_names_a_bad_value() -> None:
    table = price_table('{"my-model": {"input_per_mtok": 1, "output_per_mtok": 4}}')
    assert table["my-model"].cost(1_000_000, 500_000) == pytest.approx(3.0)
    assert "MiniMax-M2.5" in table
    with pytest.raises(PriceTableError, match="EVALFORGE_LLM_PRICES"):
        price_table('{"my-model": {"input_per_mtok": -1, "output_per_mtok": 4}}')


def test_a_second_flush_adds_to_the_stored_histogram_and_counter(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    recorder = Recorder()
    for _ in range(2):
        recorder.observe("evalforge_pipeline_step_duration_seconds", 0.3, step="s")
        recorder.count("evalforge_capture_spans_read_total", 3, source="sample")
        flush_into(store, recorder)
    stored = read_families(store)
    series = stored["evalforge_pipeline_step_duration_seconds"].series["step=s"]
    assert series.buckets[1] == 2 and sum(series.buckets) == 2 and series.count == 2
    assert series.sum == pytest.approx(0.6) and series.labels == {"step": "s"}
    assert stored["evalforge_capture_spans_read_total"].series["source=sample"].value == 6
