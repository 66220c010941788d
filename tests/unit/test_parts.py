"""The composition root: each real-or-local part is chosen from the settings alone, in evalforge_assets/parts.py.

These tests moved here from the domain modules' tests when the factories there were deleted; each checks the
same behaviour as before (which part a configuration gets, the warning or error a half-configuration gives).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evalforge_api.deps import get_copilot
from evalforge_assets import parts
from evalforge_assets.exports.artifacts import (
    ArtifactGenerator,
    DeterministicArtifactGenerator,
    FallbackArtifactGenerator,
)
from evalforge_assets.exports.generators import LlmArtifactGenerator
from evalforge_assets.recovery.checks import HttpxTestRunner
from evalforge_assets.recovery.context import MetricsContextSource
from evalforge_assets.recovery.mcp_context import McpContextSource
from evalforge_assets.recovery.service import IncidentService, SignalReading
from evalforge_assets.recovery.service_metrics import DatadogMetricsSource, PrometheusMetricsSource
from evalforge_assets.recovery.testsprite import DEFAULT_COMMAND, TestSpriteRunner
from evalforge_assets.settings import Settings
from evalforge_assets.store.sqlite import SqliteStore
from tests.doubles.minimax import MiniMaxDouble, Reply
from tests.doubles.scripted_model import ScriptedModel
from tests.fixtures.factories import make_capture, make_signature

CONFIGURING = ("DD_API_KEY", "DD_APP_KEY", "DD_API_HOST", "DEMO_APP_URL", "DD_SERVICE", "DD_ENV", "DATADOG_MCP_URL",
               "MINIMAX_API_KEY", "TESTSPRITE_API_KEY", "TESTSPRITE_MCP_COMMAND", "TESTSPRITE_TIMEOUT_SECONDS",
               "EVALFORGE_RECENT_WINDOW_SECONDS")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in CONFIGURING:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env file


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


# -- the service's metrics ------------------------------------------------------------------------------------


def test_settings_without_datadog_keys_choose_the_demo_apps_metrics() -> None:
    source = parts.metrics_source(settings(DEMO_APP_URL="http://127.0.0.1:9123/", EVALFORGE_RECENT_WINDOW_SECONDS=9))

    assert isinstance(source, PrometheusMetricsSource)
    assert source.metrics_url == "http://127.0.0.1:9123/metrics"
    assert source.recent_window_seconds == 9


def test_settings_with_datadog_keys_choose_datadog() -> None:
    source = parts.metrics_source(settings(DD_API_KEY="api", DD_APP_KEY="app", DD_SERVICE="shop", DD_ENV="prod"))

    assert isinstance(source, DatadogMetricsSource)
    assert (source.service, source.env, source.span_name) == ("shop", "prod", "fastapi.request")


# -- the check runner -----------------------------------------------------------------------------------------


def test_checks_run_locally_without_a_testsprite_key() -> None:
    assert isinstance(parts.check_runner(settings(TESTSPRITE_MCP_COMMAND="node server.js")), HttpxTestRunner)


def test_a_testsprite_key_runs_checks_through_the_pinned_testsprite_mcp_server(tmp_path: Path) -> None:
    runner = parts.check_runner(settings(TESTSPRITE_API_KEY="sk-good", DD_SERVICE="shop",
                                         EVALFORGE_HOME=str(tmp_path), TESTSPRITE_TIMEOUT_SECONDS=90))

    assert isinstance(runner, TestSpriteRunner)
    assert (runner.api_key, runner.project_name, runner.command) == ("sk-good", "shop", DEFAULT_COMMAND)
    assert runner.command[:2] == ("npx", "-y") and runner.command[2].startswith("@testsprite/testsprite-mcp@")
    assert (runner.timeout_seconds, runner.workdir) == (90, tmp_path.resolve() / "testsprite")


def test_the_testsprite_server_command_can_be_set() -> None:
    runner = parts.check_runner(settings(TESTSPRITE_API_KEY="sk-good",
                                         TESTSPRITE_MCP_COMMAND="node '/opt/test sprite/dist/index.js'"))

    assert isinstance(runner, TestSpriteRunner)
    assert runner.command == ("node", "/opt/test sprite/dist/index.js")


# -- the incident context -------------------------------------------------------------------------------------


def test_the_mcp_server_is_used_only_when_its_url_is_set() -> None:
    metrics = PrometheusMetricsSource("http://demo-app.test/metrics", fetch=lambda url: "")

    chosen = parts.context_source(settings(DD_API_KEY="k", DD_APP_KEY="a"), metrics)
    assert isinstance(chosen, MetricsContextSource) and chosen.metrics is metrics
    assert chosen.site == "datadoghq.com"  # with Datadog keys, evidence links point at Datadog too

    with pytest.raises(ValueError, match="DD_API_KEY and DD_APP_KEY are not both set"):
        parts.context_source(settings(DATADOG_MCP_URL="https://mcp.datadoghq.com/x", DD_API_KEY="k"), metrics)

    mcp = parts.context_source(settings(DATADOG_MCP_URL="https://mcp.datadoghq.com/x", DD_API_KEY="k",
                                        DD_APP_KEY="a"), metrics)
    assert isinstance(mcp, McpContextSource)
    assert isinstance(mcp.fallback, MetricsContextSource) and mcp.fallback.metrics is metrics


def test_without_datadog_keys_the_context_links_only_the_service() -> None:
    metrics = PrometheusMetricsSource("http://demo-app.test/metrics", fetch=lambda url: "")

    chosen = parts.context_source(settings(DEMO_APP_URL="http://demo-app.test/"), metrics)

    assert isinstance(chosen, MetricsContextSource)
    assert (chosen.site, chosen.service_url) == (None, "http://demo-app.test")


# -- the model and the artifact generator ---------------------------------------------------------------------


def test_the_model_is_minimax_only_with_a_key() -> None:
    assert parts.llm_model(settings()) is None
    model = parts.llm_model(settings(MINIMAX_API_KEY="mm-key", MINIMAX_MODEL="MiniMax-M2.5"))
    assert model is not None and model.get_config()["model_id"] == "MiniMax-M2.5"


def test_generator_choice_follows_the_settings() -> None:
    without = parts.artifact_generator(settings())
    with_key = parts.artifact_generator(settings(MINIMAX_API_KEY="k"))

    assert isinstance(without, DeterministicArtifactGenerator)
    assert isinstance(with_key, FallbackArtifactGenerator) and with_key.name == "llm:MiniMax-M2.5"
    assert isinstance(with_key.primary, LlmArtifactGenerator)
    assert isinstance(with_key, ArtifactGenerator)


def test_an_llm_generator_is_wrapped_so_each_failed_artifact_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    # A model that fails on every call: each artifact must still come, from the deterministic generator.
    monkeypatch.setattr(parts, "llm_model",
                        lambda given: ScriptedModel([ConnectionError("MiniMax is unreachable")], repeat_last=True))
    generator = parts.artifact_generator(settings(MINIMAX_API_KEY="k"))
    capture = make_capture(error_type="TimeoutError")
    signature = make_signature(signature_id="sig_timeout")

    assert isinstance(generator, FallbackArtifactGenerator) and generator.name == "llm:scripted"
    assert generator.eval_case(capture, signature).metadata.generator == "deterministic"
    assert generator.runbook(signature, [capture]).generator == "deterministic"
    assert generator.fallback_reasons, "each artifact that did not come from the model is reported"


# -- the API's copilot ----------------------------------------------------------------------------------------


def test_the_apis_copilot_asks_the_model_the_composition_root_builds(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    double = MiniMaxDouble([Reply("<think>Read the question.</think>Checkout fails with a 500.")])
    from evalforge_assets import llm

    real_build_model = llm.build_model
    monkeypatch.setattr(llm, "build_model", lambda given: real_build_model(given, http_client=double.http_client()))
    keyed = settings(MINIMAX_API_KEY="mm-key", EVALFORGE_HOME=str(tmp_path))
    service = IncidentService(SqliteStore(tmp_path / "evalforge.db"), service=keyed.dd_service)
    service.open_or_join(SignalReading(error_rate_5m=0.42, p95_latency_ms_5m=830.0, top_error="POST /checkout 500",
                                       error_rate_recent=0.5), source="simulate", actor="tester")

    answer = get_copilot(keyed)(service.store, keyed, None, "What is failing?")

    assert answer.answer == "Checkout fails with a 500." and len(double.requests) == 1
    assert double.requests[0].headers["authorization"] == "Bearer mm-key"


def test_without_a_key_the_apis_copilot_answers_deterministically(tmp_path: Path) -> None:
    plain = settings(EVALFORGE_HOME=str(tmp_path))
    service = IncidentService(SqliteStore(tmp_path / "evalforge.db"), service=plain.dd_service)
    service.refresh_status(SignalReading(error_rate_5m=0.01, p95_latency_ms_5m=90.0, top_error=None,
                                         error_rate_recent=0.0))

    answer = get_copilot(plain)(service.store, plain, None, "What is failing?")

    assert answer.answer.startswith("There is no active incident.")

