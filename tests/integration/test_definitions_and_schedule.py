"""The code location loads, and the hourly schedule requests exactly the closed, uncaptured hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest

from evalforge_assets.cli.up import BOOTSTRAP_ASSETS
from evalforge_assets.definitions import build_definitions
from evalforge_assets.hours import closed_hours
from evalforge_assets.settings import Settings
from tests.integration.dagster_helpers import capture_settings, run_capture


def test_the_code_location_loads_with_every_job_sensor_and_schedule() -> None:
    from evalforge_assets.definitions import defs

    dg.Definitions.validate_loadable(defs)
    assert {j.name for j in defs.resolve_all_job_defs()} >= {"capture_job", "incident_job", "validation_job"}
    assert defs.resolve_schedule_def("hourly_capture_schedule").default_status == dg.DefaultScheduleStatus.RUNNING
    keys = {k.to_user_string() for k in defs.resolve_all_asset_keys()}
    assert set(BOOTSTRAP_ASSETS) <= keys, "evalforge up backfills these on a fresh data directory"
    assert {"raw_llm_spans", "failure_captures", "failure_signatures", "incident_context", "recovery_plan",
            "validation_runs"} <= keys


def test_closed_hours_respect_the_lag() -> None:
    now = datetime(2026, 3, 2, 12, 3, tzinfo=UTC)
    assert closed_hours(now, timedelta(minutes=5), 3) == ["2026-03-02-08:00", "2026-03-02-09:00", "2026-03-02-10:00"]
    assert closed_hours(now + timedelta(minutes=3), timedelta(minutes=5), 1) == ["2026-03-02-11:00"]


def test_schedule_catches_up_on_missing_hours_only(tmp_path: Path) -> None:
    # Settings unlike the defaults, so the test fails if the schedule read them from anywhere but its factory.
    settings = capture_settings(tmp_path, f"sqlite:///{tmp_path / 's.db'}", EVALFORGE_INGEST_LAG_MINUTES="17",
                                TRACE_LOOKBACK_HOURS="5")
    with dg.instance_for_test() as instance:
        _check_catch_up(settings, instance)


def _check_catch_up(settings: Settings, instance: dg.DagsterInstance) -> None:
    tick = datetime(2026, 3, 2, 12, settings.ingest_lag_minutes, tzinfo=UTC)
    expected = closed_hours(tick, timedelta(minutes=settings.ingest_lag_minutes), settings.trace_lookback_hours)
    assert len(expected) == 5
    assert run_capture(settings, expected[-1], instance=instance).success

    schedule = build_definitions(settings).resolve_schedule_def("hourly_capture_schedule")
    assert schedule.cron_schedule == "17 * * * *"
    context = dg.build_schedule_context(instance=instance, scheduled_execution_time=tick)
    requests = schedule(context)
    keys = [r.partition_key for r in requests]
    assert keys == expected[:-1]
    assert all(r.run_key == r.partition_key for r in requests)


def test_partitions_and_sensors_follow_the_settings_they_are_built_from(tmp_path: Path) -> None:
    settings = capture_settings(tmp_path, f"sqlite:///{tmp_path / 's.db'}",
                                EVALFORGE_PARTITION_START="2025-06-01-00:00", EVALFORGE_POLL_INTERVAL_SECONDS="4")
    defs = build_definitions(settings)
    hourly = defs.resolve_job_def("capture_job").partitions_def
    assert hourly.get_first_partition_key() == "2025-06-01-00:00"
    assert defs.resolve_sensor_def("service_health_sensor").minimum_interval_seconds == 4
    recovery = defs.resources["recovery"]
    assert recovery.settings().partition_start == "2026-01-01-00:00"  # not a recovery setting: the default
    assert recovery.dd_service == settings.dd_service


def test_no_dagster_wiring_reads_settings_on_its_own() -> None:
    """build_definitions(settings) passes settings down; definitions.py is the one place that reads them."""
    root = Path(__file__).resolve().parents[2] / "evalforge_assets" / "defs"
    readers = [str(path.relative_to(root)) for path in root.rglob("*.py") if "get_settings" in path.read_text()]
    assert readers == []


def test_secrets_reach_resources_as_environment_references_and_parts_get_their_values(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"DD_API_KEY": "dd-api-secret", "DD_APP_KEY": "dd-app-secret",
                        "MINIMAX_API_KEY": "mm-secret", "TESTSPRITE_API_KEY": "ts-secret"}.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None, EVALFORGE_HOME=str(tmp_path), EVALFORGE_SPAN_SOURCE="sample")  # type: ignore[call-arg]
    resources = build_definitions(settings).resources
    shown = repr(resources["recovery"]) + repr(resources["span_source"]) + repr(resources["artifact_generator"])
    assert not [value for value in ("dd-api-secret", "dd-app-secret", "mm-secret", "ts-secret") if value in shown]
    assert resources["recovery"].dd_api_key == dg.EnvVar("DD_API_KEY")
    assert resources["artifact_generator"].minimax_api_key == dg.EnvVar("MINIMAX_API_KEY")
    # At run time Dagster resolves the references; the settings the resource rebuilds carry the values.
    with dg.build_resources({"recovery": resources["recovery"]}) as built:
        rebuilt = built.recovery.settings()
    assert rebuilt.secret_value("dd_api_key") == "dd-api-secret" and rebuilt.datadog_configured
    assert rebuilt.secret_value("minimax_api_key") == "mm-secret"
