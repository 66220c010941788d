"""The load test's locustfile, bounded: Locust headless for ~10 s at 8 users against a real API process (started
as `evalforge up` starts it) on a small store. Every endpoint of the reviewer mix is reached and nothing fails.
Timing belongs to benchmarks/load.py, not here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from benchmarks.load import api_environment, api_server, endpoint_label, run_locust, write_plan
from benchmarks.load_plan import ALL_ENDPOINTS
from evalforge_assets.cli.up import default_api_workers
from evalforge_assets.models import iso
from evalforge_assets.store import open_store
from tests.fixtures.factories import make_capture, make_signature

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
CAPTURES = 300
SIGNATURES = 20
SEVERITIES = ("critical", "high", "medium", "low")
STATUSES = ("new", "new", "triaged", "ignored")


def seed_small_store(path: Path) -> None:
    """Captures over the last day spread across signatures, severities and statuses (all the mix filters on)."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    captures = []
    for number in range(CAPTURES):
        occurred = iso(now - timedelta(minutes=5 * number))
        captures.append(make_capture(capture_id=f"cap-{number:04d}", occurred_at=occurred,
                                     signature_id=f"sig-{number % SIGNATURES:02d}",
                                     severity=SEVERITIES[number % len(SEVERITIES)],
                                     status=STATUSES[number % len(STATUSES)]))
    signatures = []
    for index in range(SIGNATURES):
        own = [c for c in captures if c.signature_id == f"sig-{index:02d}"]
        hours: dict[str, int] = {}
        for capture in own:
            key = datetime.fromisoformat(capture.occurred_at).strftime("%Y-%m-%d-%H:00")
            hours[key] = hours.get(key, 0) + 1
        signatures.append(make_signature(signature_id=f"sig-{index:02d}", count=len(own),
                                         severity=SEVERITIES[index % len(SEVERITIES)],
                                         first_seen=own[-1].occurred_at, last_seen=own[0].occurred_at,
                                         counts_by_hour=hours, own_counts_by_hour=hours,
                                         sample_capture_ids=[c.capture_id for c in own[:5]]))
    store = open_store(f"sqlite:///{path}")
    try:
        store.save_captures(captures)
        store.save_signatures(signatures)
    finally:
        store.close()


def test_the_reviewer_mix_reaches_every_endpoint_without_a_failure(tmp_path: Path) -> None:
    store_path = tmp_path / "store.db"
    seed_small_store(store_path)
    plan_path = tmp_path / "plan.json"
    write_plan(store_path, plan_path)
    env = api_environment(store_path, tmp_path, REPO)
    with api_server(env, REPO, tmp_path / "api.log", default_api_workers()) as base:
        result = run_locust(base, users=8, seconds=10, csv_prefix=tmp_path / "smoke", plan_path=plan_path,
                            think="0,0", log_path=tmp_path / "locust.log")
    hit = {endpoint_label(figures.name): figures.requests for figures in result.endpoints}
    assert result.failures == {}, f"requests failed: {result.failures}; see {tmp_path}"
    assert result.total.failures == 0 and result.server_errors == 0
    missing = [name for name in ALL_ENDPOINTS if hit.get(name, 0) == 0]
    assert not missing, f"endpoints never reached: {missing}; reached: {hit}"
