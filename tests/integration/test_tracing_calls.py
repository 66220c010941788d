"""Traces of outbound calls (issue 11 item 2): an LLM call through `evalforge_assets.llm` is a span `llm.chat` and a
Slack Web API call through `WebApiGateway` is a span `slack.<method>`, and both reach a real OTLP/HTTP receiver
with their attributes, as children of the span that made the call. Each case runs in its own Python process,
because OpenTelemetry's tracer provider can be set only once per process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.doubles.otlp_receiver import OtlpReceiver, ReceivedSpan

ROOT = Path(__file__).resolve().parents[2]
STATUS_ERROR = 2  # OTLP's Status.STATUS_CODE_ERROR

# The caller's span wraps the agent call; Strands runs the model in its own thread and task (under spans of its
# own), so the chain of parent links is what shows that the context reached the model call.
LLM_SCRIPT = """
from evalforge_assets import telemetry
from evalforge_assets.llm import build_model, final_text, invoke, new_agent
from evalforge_assets.settings import Settings
from tests.doubles.minimax import MiniMaxDouble, Reply

assert telemetry.configure_tracing(Settings().otel_exporter_otlp_endpoint, "evalforge-dagster")
settings = Settings(_env_file=None, MINIMAX_API_KEY="test-key", MINIMAX_MODEL="MiniMax-M2.5")
double = MiniMaxDouble([Reply("<think>look at checkout</think>Checkout is down.")])
agent = new_agent(build_model(settings, http_client=double.http_client()), system_prompt="Be brief.")
with telemetry.span("test.plan"):
    assert final_text(invoke(agent, "What is failing?")) == "Checkout is down."
assert len(double.requests) == 1
assert telemetry.force_flush()
"""

SLACK_SCRIPT = """
import pytest

from evalforge_assets import telemetry
from evalforge_assets.recovery.warroom.slack_errors import SlackFailure
from evalforge_assets.recovery.warroom.slack_gateway import WebApiGateway, slack_web_client
from evalforge_assets.settings import Settings
from tests.doubles.slack_api import TOKEN, SlackApiDouble

assert telemetry.configure_tracing(Settings().otel_exporter_otlp_endpoint, "evalforge-dagster")
double = SlackApiDouble().start()
try:
    gateway = WebApiGateway(slack_web_client(TOKEN, double.api_url))
    with telemetry.span("test.war_room"):
        channel = gateway.find_or_create_channel("inc-20260302-checkout-1a2b")
        gateway.set_topic(channel, "checkout failing")
    double.fail_next("chat.postMessage", "not_in_channel")
    with pytest.raises(SlackFailure), telemetry.span("test.refused"):
        gateway.post(channel, "hello")
    assert not double.violations, double.violations
finally:
    double.stop()
assert telemetry.force_flush()
"""


def _run(script: str, tmp_path: Path, endpoint: str) -> None:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("OTEL_", "EVALFORGE_", "SLACK_", "MINIMAX_"))}
    env.update({"EVALFORGE_HOME": str(tmp_path), "PYTHONPATH": str(ROOT), "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint})
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=240, check=False)
    assert done.returncode == 0, f"the script failed:\n{done.stdout}\n{done.stderr[-4000:]}"


def _one(spans: list[ReceivedSpan], name: str) -> ReceivedSpan:
    found = [span for span in spans if span.name == name]
    assert len(found) == 1, f"expected one {name!r} span, got {len(found)} among {sorted({s.name for s in spans})}"
    return found[0]


def _ancestors(spans: list[ReceivedSpan], span: ReceivedSpan) -> list[ReceivedSpan]:
    """`span`'s parent, its parent, ... up to the root, each found among `spans` (a missing parent fails)."""
    by_id = {candidate.span_id: candidate for candidate in spans}
    chain: list[ReceivedSpan] = []
    while span.parent_span_id is not None:
        assert span.parent_span_id in by_id, f"the parent of {span.name!r} was not exported"
        span = by_id[span.parent_span_id]
        chain.append(span)
    return chain


def test_an_llm_call_is_an_llm_chat_span_under_its_caller_with_model_and_tokens(tmp_path: Path) -> None:
    with OtlpReceiver() as receiver:
        _run(LLM_SCRIPT, tmp_path, receiver.endpoint)
        spans = receiver.wait_for({"test.plan", "llm.chat"})
    caller, call = _one(spans, "test.plan"), _one(spans, "llm.chat")
    assert call.service_name == "evalforge-dagster"
    chain = _ancestors(spans, call)
    assert chain and chain[-1] == caller, [span.name for span in chain]
    assert {span.trace_id for span in chain} == {caller.trace_id} == {call.trace_id}
    # The double reports 50 prompt and 20 completion tokens for every reply.
    assert {key: call.attributes.get(key) for key in ("gen_ai.system", "gen_ai.request.model",
                                                      "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
                                                      "evalforge.outcome")} == {
        "gen_ai.system": "minimax", "gen_ai.request.model": "MiniMax-M2.5", "gen_ai.usage.input_tokens": 50,
        "gen_ai.usage.output_tokens": 20, "evalforge.outcome": "ok"}
    assert call.status_code != STATUS_ERROR


def test_slack_calls_are_spans_named_by_method_under_their_caller_and_a_refusal_is_an_error(tmp_path: Path) -> None:
    with OtlpReceiver() as receiver:
        _run(SLACK_SCRIPT, tmp_path, receiver.endpoint)
        spans = receiver.wait_for({"test.war_room", "test.refused", "slack.conversations.create",
                                   "slack.conversations.setTopic", "slack.chat.postMessage"})
    caller = _one(spans, "test.war_room")
    for name in ("slack.conversations.create", "slack.conversations.setTopic"):
        call = _one(spans, name)
        assert call.parent_span_id == caller.span_id and call.trace_id == caller.trace_id, name
        assert call.attributes["slack.method"] == name.removeprefix("slack.")
        assert call.status_code != STATUS_ERROR, name
    refused, post = _one(spans, "test.refused"), _one(spans, "slack.chat.postMessage")
    assert post.parent_span_id == refused.span_id and post.trace_id != caller.trace_id
    assert post.attributes["slack.method"] == "chat.postMessage"
    assert post.status_code == STATUS_ERROR  # Slack's not_in_channel answer marks the span as failed
