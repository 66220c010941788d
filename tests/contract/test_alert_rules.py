"""The alert rules, their unit tests and the Alertmanager configuration in deploy/observability/, checked by
Prometheus's and Alertmanager's own tools (Debian's prometheus and prometheus-alertmanager packages, installed
by the test setup when missing)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from evalforge_api.hardening import WEBHOOK_PATHS
from tests.contract.observability_files import (
    OBSERVABILITY,
    ROOT,
    RULE_FILES,
    RULE_TESTS,
    alert_rules,
    family_of,
    listed_families,
    metric_names,
    recorded_names,
)
from tests.fixtures.debian_tools import AMTOOL, PROMTOOL, require_debian_tool

TOOL_TIMEOUT_SECONDS = 120
OPERATIONS_DOC = ROOT / "docs" / "operations.md"
# Google SRE workbook, "Alerting on SLOs", table 5-8: (long window, short window, burn rate, severity).
BURN_RATE_ALERTS = {("1h", "5m", "14.4", "page"), ("6h", "30m", "6", "page"), ("3d", "6h", "1", "ticket")}


def _run(command: list[str], cwd: Path = OBSERVABILITY) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=TOOL_TIMEOUT_SECONDS,
                          check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"`{' '.join(command)}` failed (exit {done.returncode}):\n{output}"
    return output


@pytest.fixture(scope="module")
def promtool() -> str:
    return require_debian_tool(PROMTOOL)


def test_rule_files_are_valid_prometheus_rules(promtool: str) -> None:
    assert len(RULE_FILES) >= 3
    output = _run([promtool, "check", "rules", *map(str, RULE_FILES)])
    assert output.count("SUCCESS") == len(RULE_FILES), output


def test_rule_unit_tests_pass(promtool: str) -> None:
    assert RULE_TESTS, "deploy/observability/tests holds no promtool rule tests"
    output = _run([promtool, "test", "rules", *(str(path.relative_to(OBSERVABILITY)) for path in RULE_TESTS)])
    assert "FAILED" not in output, output


def test_every_alert_rule_is_unit_tested() -> None:
    tested = {case["alertname"] for path in RULE_TESTS for test in yaml.safe_load(path.read_text())["tests"]
              for case in test.get("alert_rule_test", []) if case.get("exp_alerts")}
    assert {rule["alert"] for rule in alert_rules()} <= tested


def test_prometheus_config_loads_the_rules(promtool: str, tmp_path: Path) -> None:
    # promtool checks that the scrape credentials file exists: check a copy that points at a real one.
    copy = tmp_path / "observability"
    shutil.copytree(OBSERVABILITY, copy)
    key = tmp_path / "viewer-key"
    key.write_text("a-viewer-key\n")
    config = copy / "prometheus.yml"
    config.write_text(config.read_text().replace("/etc/prometheus/secrets/evalforge-viewer-key", str(key)))
    output = _run([promtool, "check", "config", str(config)], cwd=copy)
    assert f"SUCCESS: {len(RULE_FILES)} rule files found" in output, output


def test_every_slo_has_the_workbook_burn_rate_alerts() -> None:
    slos = {match.group(1) for name in recorded_names()
            if (match := re.fullmatch(r"evalforge:slo_(\w+)_errors:ratio_rate\w+", name))}
    assert slos == {"api_availability", "api_latency", "export_delivery"}
    for slo in slos:
        found = set()
        for rule in alert_rules():
            if rule["labels"].get("slo") != slo or "burn" not in rule["labels"]:
                continue
            labels = rule["labels"]
            factor = re.search(r"> \(([\d.]+) \* ", rule["expr"])
            assert factor, rule["expr"]
            windows = re.findall(rf"evalforge:slo_{slo}_errors:ratio_rate(\w+) >", rule["expr"])
            assert windows == [labels["long_window"], labels["short_window"]], rule["expr"]
            found.add((labels["long_window"], labels["short_window"], factor.group(1), labels["severity"]))
        assert found == BURN_RATE_ALERTS, slo


def test_alerts_name_only_known_metrics_and_say_what_to_do() -> None:
    families = listed_families()
    known = families | recorded_names()
    anchors = {re.sub(r"[^\w\- ]", "", heading).strip().lower().replace(" ", "-")
               for heading in re.findall(r"^#+ (.+)$", OPERATIONS_DOC.read_text(), flags=re.MULTILINE)}
    for rule in alert_rules():
        unknown = {name for name in metric_names(rule["expr"]) if family_of(name, families) not in known}
        assert not unknown, f"{rule['alert']} reads {unknown}, which neither /metrics nor a recording rule has"
        assert rule["labels"]["severity"] in ("page", "ticket"), rule["alert"]
        runbook = rule["annotations"]["runbook"]
        assert runbook.startswith("docs/operations.md#"), runbook
        assert runbook.split("#", 1)[1] in anchors, f"docs/operations.md has no section for {runbook}"
        assert rule["annotations"]["summary"].endswith((".", ")")), f"{rule['alert']}: the summary is a sentence"


# ---- Alertmanager ---------------------------------------------------------------------------------------------
def test_alertmanager_config_is_valid() -> None:
    amtool = require_debian_tool(AMTOOL)
    output = _run([amtool, "check-config", str(OBSERVABILITY / "alertmanager.yml")])
    assert "SUCCESS" in output, output


def test_every_alert_goes_to_the_api_webhook_with_a_bearer_secret() -> None:
    config = yaml.safe_load((OBSERVABILITY / "alertmanager.yml").read_text())
    receivers = {receiver["name"]: receiver for receiver in config["receivers"]}
    routed = {config["route"]["receiver"], *(route["receiver"] for route in config["route"].get("routes", []))}
    assert routed == {"evalforge-api"}
    [hook] = receivers["evalforge-api"]["webhook_configs"]
    assert hook["url"].endswith("/v1/alerts/alertmanager") and "/v1/alerts/alertmanager" in WEBHOOK_PATHS
    assert hook["send_resolved"] is True
    assert hook["http_config"]["authorization"]["type"] == "Bearer"
    matchers = {matcher for route in config["route"]["routes"] for matcher in route["matchers"]}
    assert matchers == {'severity="page"', 'severity="ticket"'}
