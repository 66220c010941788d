"""Grafana dashboards in deploy/observability/grafana/: provisionable JSON whose every query names only metrics
that exist: a family the API's /metrics exposes (deploy/observability/metric_families.txt, checked here
against a live app) or a series the recording rules make."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from evalforge_api.app import create_app
from evalforge_assets.store.sqlite import SqliteStore
from tests.api.conftest import make_settings
from tests.contract.observability_files import (
    DASHBOARDS,
    OBSERVABILITY,
    family_of,
    listed_families,
    metric_names,
    recorded_names,
)

EXPECTED_DASHBOARDS = {"capture", "queue", "exports", "incidents", "llm_cost"}
PROMETHEUS_BUILTINS = {"up"}


def _panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for panel in dashboard["panels"]:
        found.append(panel)
        found.extend(panel.get("panels", []))  # panels folded into a row
    return found


def test_the_listed_families_are_exactly_what_metrics_exposes(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "metrics.db")
    try:
        with TestClient(create_app(make_settings(tmp_path, EVALFORGE_API_KEYS=""), store),
                        client=("127.0.0.1", 50000)) as api:
            answer = api.get("/metrics")
    finally:
        store.close()
    assert answer.status_code == 200, answer.text
    exposed = set(re.findall(r"^# TYPE (\S+) ", answer.text, flags=re.MULTILINE))
    assert exposed, answer.text[:500]
    listed = listed_families() - PROMETHEUS_BUILTINS
    assert listed == exposed, (
        "deploy/observability/metric_families.txt is out of step with /metrics: "
        f"listed but not exposed {sorted(listed - exposed)}, exposed but not listed {sorted(exposed - listed)}")


def test_every_dashboard_is_provisionable_json() -> None:
    assert {path.stem for path in DASHBOARDS} == EXPECTED_DASHBOARDS
    uids = set()
    for path in DASHBOARDS:
        dashboard = json.loads(path.read_text())
        assert dashboard["uid"] not in uids and len(dashboard["uid"]) <= 40, path.name
        uids.add(dashboard["uid"])
        assert dashboard["title"].startswith("Evalforge") and dashboard["schemaVersion"] >= 36
        assert "id" not in dashboard or dashboard["id"] is None  # provisioning assigns ids
        panel_ids = [panel["id"] for panel in _panels(dashboard)]
        assert len(panel_ids) == len(set(panel_ids)) >= 4, path.name
        for panel in _panels(dashboard):
            assert panel["targets"] and all(target["expr"].strip() for target in panel["targets"]), panel["title"]
            assert panel["datasource"]["uid"] == "${datasource}", panel["title"]


def test_every_panel_names_only_metrics_that_exist() -> None:
    families = listed_families()
    known = families | recorded_names()
    unknown: dict[str, set[str]] = {}
    used: set[str] = set()
    for path in DASHBOARDS:
        for panel in _panels(json.loads(path.read_text())):
            for target in panel["targets"]:
                names = {family_of(name, families) for name in metric_names(target["expr"])}
                assert names, f"{path.name} / {panel['title']}: {target['expr']!r} reads no metric"
                used |= names
                if missing := names - known:
                    unknown[f"{path.name} / {panel['title']}"] = missing
    assert not unknown, f"panels name metrics that neither /metrics nor a recording rule has: {unknown}"
    assert "evalforge_llm_cost_usd_total" in used and "evalforge:capture_freshness_seconds" in used


def test_the_name_reader_skips_functions_labels_and_groupings() -> None:
    expr = ('histogram_quantile(0.99, sum by (le, route) (rate(evalforge_http_request_duration_seconds_bucket'
            '{method="GET",route=~"/v1/.*"}[$__rate_interval]))) / on(route) group_left evalforge:x_ratio '
            'and up offset 5m')
    assert metric_names(expr) == {"evalforge_http_request_duration_seconds_bucket", "evalforge:x_ratio", "up"}


def test_provisioning_points_grafana_at_the_dashboards_and_prometheus() -> None:
    provisioning = OBSERVABILITY / "grafana" / "provisioning"
    [provider] = yaml.safe_load((provisioning / "dashboards" / "evalforge.yml").read_text())["providers"]
    assert provider["type"] == "file" and provider["options"]["path"].startswith("/var/lib/grafana/dashboards")
    [source] = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())["datasources"]
    assert source["type"] == "prometheus" and source["url"].startswith("http")
