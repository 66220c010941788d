"""Model selection for Evalforge's agents: MiniMax M2.5 over its OpenAI-compatible API, or none.

`build_model(settings)` returns a Strands model when `MINIMAX_API_KEY` is set and None otherwise; None means
every agent uses its deterministic counterpart (the deterministic planner, the state-based copilot, the
template artifact generator). `new_agent` is the one way agents are built here, so none is ever created with
`model=None` (which Strands reads as "use AWS Bedrock") or with the default stdout callback handler.

MiniMax differs from OpenAI in ways Strands' `OpenAIModel` does not handle, fixed by `MiniMaxModel`:

* an empty `"tools": []` is rejected with a 400, and Strands always sends the key: it is dropped when empty;
* `tool_choice` is not part of MiniMax's documented schema: it is dropped too. Strands' forced structured-output
  retry also offers the model only the output tool, so the retry still has one tool to call;
* reasoning arrives as `<think>...</think>` inside the text content: `reasoning_split` asks MiniMax to move it
  to a separate field (which Strands ignores), and whatever still arrives inline is removed from the streamed
  text before Strands stores it, so it never reaches answers, parsed JSON or the next request's history;
* temperature must be in (0, 1], and thinking cannot be turned off, so completions get a generous token budget
  and requests a long timeout.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncGenerator, Sequence
from typing import Any

import httpx
import openai
from strands import Agent, ModelRetryStrategy
from strands.agent import AgentResult
from strands.models import Model
from strands.models.openai import OpenAIModel
from strands.types.content import Messages
from strands.types.streaming import StreamEvent
from strands.types.tools import ToolChoice, ToolSpec

from evalforge_assets import telemetry
from evalforge_assets.telemetry.llm_cost import ModelPrice, price_table, record_usage

log = logging.getLogger("evalforge.agents")

DEFAULT_TEMPERATURE = 0.3
MAX_COMPLETION_TOKENS = 8192  # MiniMax always thinks first; a small budget would end answers mid-thought
REQUEST_TIMEOUT_SECONDS = 90.0
CLIENT_MAX_RETRIES = 2  # the OpenAI client's own retries of connection errors, 429 and 5xx
AGENT_DEADLINE_SECONDS = 240.0  # one agent invocation, every model call and tool included

THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"


class AgentDeadlineExceeded(TimeoutError):
    """An agent invocation ran past its deadline and was cancelled."""


# ------------------------------------------------------------------------------------------- <think> removal


def _partial_tag_suffix(text: str, tag: str) -> str:
    """The longest end of `text` that could be the start of `tag` (a tag split across stream chunks)."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if tag.startswith(text[-size:]):
            return text[-size:]
    return ""


class ThinkFilter:
    """Removes `<think>...</think>` from text that arrives in pieces, even when a tag is split across pieces.

    `feed` returns the visible part of each piece as soon as it is known; `flush` returns what was held back
    at the end (a trailing `<thi` that never became a tag is ordinary text; an unclosed think block is dropped).
    Whitespace right after a think block is dropped too, so answers do not start with blank lines.
    """

    def __init__(self) -> None:
        self._inside = False
        self._held = ""
        self._trim_leading = False

    def feed(self, chunk: str) -> str:
        text, self._held = self._held + chunk, ""
        visible: list[str] = []
        while text:
            if self._inside:
                end = text.find(THINK_CLOSE)
                if end < 0:
                    self._held = _partial_tag_suffix(text, THINK_CLOSE)
                    break
                text = text[end + len(THINK_CLOSE):]
                self._inside, self._trim_leading = False, True
                continue
            start = text.find(THINK_OPEN)
            if start < 0:
                self._held = _partial_tag_suffix(text, THINK_OPEN)
                visible.append(self._shown(text[: len(text) - len(self._held)]))
                break
            visible.append(self._shown(text[:start]))
            text = text[start + len(THINK_OPEN):]
            self._inside = True
        return "".join(visible)

    def flush(self) -> str:
        held, self._held = self._held, ""
        return "" if self._inside else self._shown(held)

    def _shown(self, text: str) -> str:
        """`text` as shown: without the whitespace that directly follows a think block."""
        if not self._trim_leading:
            return text
        stripped = text.lstrip()
        if stripped:
            self._trim_leading = False
        return stripped


def strip_think(text: str) -> str:
    """`text` without MiniMax's reasoning: every `<think>...</think>` block, an unclosed trailing `<think>...`,
    and everything before a closing `</think>` whose opening tag was cut off; surrounding whitespace trimmed."""
    close = text.find(THINK_CLOSE)
    if close >= 0 and THINK_OPEN not in text[:close]:
        text = text[close + len(THINK_CLOSE):]
    think = ThinkFilter()
    return (think.feed(text) + think.flush()).strip()


# ------------------------------------------------------------------------------------------- the MiniMax model


class MiniMaxModel(OpenAIModel):
    """Strands' OpenAI-compatible provider adjusted to MiniMax's API (see the module docstring).

    Each model call is a span `llm.chat` and is counted, with its tokens and its cost at `price` (set by
    `build_model` from EVALFORGE_LLM_PRICES), in the evalforge_llm_* metrics.
    """

    price: ModelPrice | None = None

    def format_request(
        self,
        messages: Messages,
        tool_specs: list[ToolSpec] | None = None,
        system_prompt: str | None = None,
        tool_choice: ToolChoice | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        request = super().format_request(messages, tool_specs, system_prompt, tool_choice, **kwargs)
        if not request.get("tools"):
            request.pop("tools", None)
        request.pop("tool_choice", None)
        return request

    async def stream(  # type: ignore[override]
        self,
        messages: Messages,
        tool_specs: list[ToolSpec] | None = None,
        system_prompt: str | None = None,
        **kwargs: Any,
    ) -> AsyncGenerator[StreamEvent, None]:
        model_id = str(self.config.get("model_id", "unknown"))
        # Not made current: the generator is resumed from Strands' own tasks, where a context token from here
        # could not be detached. It still has the caller's span as its parent.
        call = telemetry.tracer().start_span("llm.chat", attributes={"gen_ai.system": "minimax",
                                                                       "gen_ai.request.model": model_id})
        outcome = "error"
        try:
            think = ThinkFilter()
            async for event in super().stream(messages, tool_specs, system_prompt, **kwargs):
                if "contentBlockStart" in event:
                    think = ThinkFilter()
                delta = event.get("contentBlockDelta", {}).get("delta", {})
                if "text" in delta:
                    visible = think.feed(delta["text"])
                    if visible:
                        yield {"contentBlockDelta": {"delta": {"text": visible}}}
                    continue
                if "contentBlockStop" in event:
                    rest = think.flush()
                    if rest:
                        yield {"contentBlockDelta": {"delta": {"text": rest}}}
                usage = event.get("metadata", {}).get("usage")
                if usage:
                    tokens_in, tokens_out = int(usage.get("inputTokens", 0)), int(usage.get("outputTokens", 0))
                    record_usage(telemetry.count, model_id, tokens_in, tokens_out, self.price)
                    call.set_attributes({"gen_ai.usage.input_tokens": tokens_in,
                                         "gen_ai.usage.output_tokens": tokens_out})
                yield event
            outcome = "ok"
        finally:
            telemetry.count("evalforge_llm_calls_total", model=model_id, outcome=outcome)
            call.set_attribute("evalforge.outcome", outcome)
            call.end()


def _model_params(temperature: float) -> dict[str, Any]:
    if not 0 < temperature <= 1:
        raise ValueError(f"MiniMax accepts a temperature in (0, 1], not {temperature}; use for example 0.3.")
    return {
        "temperature": temperature,
        "max_completion_tokens": MAX_COMPLETION_TOKENS,
        "extra_body": {"reasoning_split": True},
    }


def build_model(
    settings: Any,
    *,
    http_client: httpx.AsyncClient | None = None,
    client: openai.AsyncOpenAI | None = None,
    temperature: float = DEFAULT_TEMPERATURE,
) -> Model | None:
    """The MiniMax model when `settings.minimax_api_key` is set, else None (agents then run deterministically).

    Without `http_client`/`client`, Strands opens a fresh OpenAI client per request (connections cannot be
    shared across the event loops each synchronous agent call starts). `http_client` (e.g. an
    `httpx.AsyncClient` over `httpx.MockTransport`) or a ready `client` replace that, for tests and proxies;
    such a client is reused for every request and closed by its owner.
    """
    api_key = settings.secret_value("minimax_api_key")
    if not api_key:
        return None
    config: dict[str, Any] = {"model_id": settings.minimax_model, "params": _model_params(temperature)}
    if client is None and http_client is None:
        model = MiniMaxModel(
            client_args={"api_key": api_key, "base_url": settings.minimax_base_url,
                         "timeout": REQUEST_TIMEOUT_SECONDS, "max_retries": CLIENT_MAX_RETRIES},
            **config,
        )
    else:
        if client is None:
            client = openai.AsyncOpenAI(api_key=api_key, base_url=settings.minimax_base_url,
                                        timeout=REQUEST_TIMEOUT_SECONDS, max_retries=CLIENT_MAX_RETRIES,
                                        http_client=http_client)
        model = MiniMaxModel(client=client, **config)
    model.price = price_table(getattr(settings, "llm_prices", None)).get(settings.minimax_model)
    return model


# ------------------------------------------------------------------------------------------- agents


def new_agent(model: Model, *, system_prompt: str, tools: Sequence[Any] = ()) -> Agent:
    """A Strands agent that prints nothing and gives up on a throttled model after a few short waits."""
    if model is None:
        raise ValueError("An agent needs a model; without one use the deterministic path instead (Strands would "
                         "silently fall back to AWS Bedrock).")
    return Agent(
        model=model,
        tools=list(tools),
        system_prompt=system_prompt,
        callback_handler=None,
        # Strands' default waits up to two minutes on a throttled model; callers have a deterministic fallback.
        retry_strategy=ModelRetryStrategy(max_attempts=3, initial_delay=2, max_delay=8),
    )


def invoke(agent: Agent, prompt: str, *, deadline_seconds: float = AGENT_DEADLINE_SECONDS,
           **kwargs: Any) -> AgentResult:
    """Run `agent(prompt, **kwargs)`, cancelling it when it runs past `deadline_seconds`.

    Raises AgentDeadlineExceeded on the deadline; the model's own errors propagate unchanged.
    """
    cancel = threading.Event()
    timer = threading.Timer(deadline_seconds, cancel.set)
    timer.daemon = True
    timer.start()
    try:
        result = agent(prompt, cancel_signal=cancel, **kwargs)
    finally:
        timer.cancel()
    if result.stop_reason == "cancelled":
        raise AgentDeadlineExceeded(f"The model did not finish within {deadline_seconds:g} s.")
    return result


def final_text(result: AgentResult) -> str:
    """The text of an agent's final message, without reasoning."""
    content = result.message.get("content", []) if result.message else []
    return strip_think("".join(block.get("text", "") for block in content))
