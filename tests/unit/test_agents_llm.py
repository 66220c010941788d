"""Model selection and MiniMax's quirks, checked on the request the real OpenAI client sends (MockTransport)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel
from strands import tool

from evalforge_assets.llm import (
    MAX_COMPLETION_TOKENS,
    MiniMaxModel,
    ThinkFilter,
    build_model,
    final_text,
    invoke,
    new_agent,
    strip_think,
)
from evalforge_assets.settings import Settings
from tests.doubles.minimax import MiniMaxDouble, Reply, ToolCallReply

KEY = "mm-test-key"


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in ("MINIMAX_API_KEY", "MINIMAX_MODEL", "MINIMAX_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return Settings(_env_file=None, MINIMAX_API_KEY=KEY)  # type: ignore[call-arg]


def test_without_a_key_there_is_no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MINIMAX_API_KEY", raising=False)
    assert build_model(Settings(_env_file=None)) is None  # type: ignore[call-arg]


def test_with_a_key_the_model_is_minimax_with_a_valid_temperature(settings: Settings) -> None:
    model = build_model(settings)
    assert isinstance(model, MiniMaxModel)
    assert model.client_args["api_key"] == KEY and model.client_args["base_url"] == "https://api.minimax.io/v1"
    assert model.client_args["timeout"] >= 60
    assert model.get_config()["model_id"] == "MiniMax-M2.5"
    with pytest.raises(ValueError, match=r"temperature in \(0, 1\]"):
        build_model(settings, temperature=0.0)


def test_a_plain_question_sends_minimax_the_exact_request_it_accepts(settings: Settings) -> None:
    double = MiniMaxDouble([Reply("The checkout route returns 500.")])
    agent = new_agent(build_model(settings, http_client=double.http_client()), system_prompt="Be brief.")

    assert final_text(invoke(agent, "What is failing?")) == "The checkout route returns 500."

    [sent] = double.requests
    assert sent.method == "POST" and sent.url == "https://api.minimax.io/v1/chat/completions"
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    body = sent.body
    assert body["model"] == "MiniMax-M2.5"
    assert "tools" not in body and "tool_choice" not in body  # MiniMax rejects an empty tools list
    assert 0 < body["temperature"] <= 1
    assert body["max_completion_tokens"] == MAX_COMPLETION_TOKENS
    assert body["reasoning_split"] is True and body["stream"] is True
    assert body["messages"] == [{"role": "system", "content": "Be brief."},
                                {"role": "user", "content": [{"type": "text", "text": "What is failing?"}]}]


def test_think_blocks_split_across_chunks_never_reach_the_answer_or_the_next_request(settings: Settings) -> None:
    looked_up: list[str] = []

    @tool
    def get_status(service: str) -> str:
        """The status of a service."""
        looked_up.append(service)
        return "checkout: 500 on every request"

    double = MiniMaxDouble([
        Reply("<think>I should call the status tool for checkout first.</think>\n\nLet me check.",
              (ToolCallReply("get_status", {"service": "checkout"}),)),
        Reply("<think>The tool says 500 everywhere.\nSo checkout is down.</think>\n\nCheckout is down."),
    ])
    agent = new_agent(build_model(settings, http_client=double.http_client()), system_prompt="Be brief.",
                      tools=[get_status])

    result = invoke(agent, "Is checkout up?")

    assert final_text(result) == "Checkout is down."
    assert looked_up == ["checkout"]
    assert all("<think>" not in block.get("text", "") and "</think>" not in block.get("text", "")
               for message in agent.messages for block in message["content"])
    second = double.requests[1]
    assert [tool["function"]["name"] for tool in second.body["tools"]] == ["get_status"]
    assert "think" not in second.raw and "Let me check." in second.raw


def test_structured_output_goes_through_a_tool_and_the_forced_retry_drops_tool_choice(settings: Settings) -> None:
    class Verdict(BaseModel):
        """Whether the service recovered."""

        recovered: bool
        reason: str

    double = MiniMaxDouble([
        Reply("<think>hmm</think>It has not recovered."),
        Reply("", (ToolCallReply("Verdict", {"recovered": False, "reason": "checkout still fails"}),)),
    ])
    agent = new_agent(build_model(settings, http_client=double.http_client()), system_prompt="Judge.")

    result = invoke(agent, "Recovered?", structured_output_model=Verdict)

    assert result.structured_output == Verdict(recovered=False, reason="checkout still fails")
    forced = double.requests[1].body
    assert [tool["function"]["name"] for tool in forced["tools"]] == ["Verdict"] and "tool_choice" not in forced


@pytest.mark.parametrize(("text", "visible"), [
    ("<think>\nreasoning\n</think>\n\nAnswer.", "Answer."),
    ("Answer without reasoning.", "Answer without reasoning."),
    ("<think>a</think>One. <think>b</think>Two.", "One. Two."),
    ("<think>never closed because the budget ran out", ""),
    ("the opening tag was cut off</think>\nAnswer.", "Answer."),
    ("x < y and a <b>bold</b> word", "x < y and a <b>bold</b> word"),
])
def test_strip_think(text: str, visible: str) -> None:
    assert strip_think(text) == visible


def test_think_filter_handles_tags_split_at_every_position() -> None:
    text = "<think>plan the answer</think>\n\nThe answer is 42 <think>more</think>indeed."
    for cut in range(1, len(text)):
        think = ThinkFilter()
        shown = think.feed(text[:cut]) + think.feed(text[cut:]) + think.flush()
        assert shown == "The answer is 42 indeed.", cut
