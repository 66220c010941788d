"""A Strands `Model` that replays scripted assistant turns, for testing agents without a network.

It speaks the same stream-event format real providers yield after conversion (`messageStart`,
`contentBlockStart/Delta/Stop` with tool input as a JSON string, `messageStop`, `metadata`), the way Strands'
own test suite mocks providers, so a real `Agent` loop runs tools and structured output exactly as it would
against MiniMax. Every request the agent sends is recorded so tests can assert on what the model was shown.

    model = ScriptedModel([call("get_service_openapi"), call("PlanDraft", plan_json), say("done")])
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncGenerator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from strands.models import Model
from strands.types.content import Messages
from strands.types.streaming import StreamEvent
from strands.types.tools import ToolChoice, ToolSpec


@dataclass(frozen=True)
class ToolCall:
    """One tool call in a scripted turn. `raw_input` sends the argument string as is (e.g. malformed JSON)."""

    name: str
    input: dict[str, Any] = field(default_factory=dict)
    raw_input: str | None = None


@dataclass(frozen=True)
class Turn:
    """One assistant message: text and tool calls in order."""

    parts: tuple[str | ToolCall, ...]

    def __add__(self, other: Turn) -> Turn:
        return Turn(self.parts + other.parts)


def say(text: str) -> Turn:
    return Turn((text,))


def call(name: str, tool_input: dict[str, Any] | BaseModel | None = None, *, raw_input: str | None = None) -> Turn:
    if isinstance(tool_input, BaseModel):
        tool_input = tool_input.model_dump(mode="json")
    return Turn((ToolCall(name, dict(tool_input or {}), raw_input),))


@dataclass
class ModelRequest:
    """What the agent sent on one model call (a deep copy, so later turns cannot change it)."""

    messages: Messages
    tool_specs: list[ToolSpec]
    system_prompt: str | None
    tool_choice: ToolChoice | None

    @property
    def tool_names(self) -> list[str]:
        return [spec["name"] for spec in self.tool_specs]

    def tool_results(self) -> list[dict[str, Any]]:
        """Every tool result the conversation holds so far, oldest first."""
        return [block["toolResult"] for message in self.messages for block in message["content"]
                if "toolResult" in block]

    def text(self) -> str:
        """All text of the conversation and of its tool results, for searching what the model saw."""
        parts: list[str] = [self.system_prompt or ""]
        for message in self.messages:
            for block in message["content"]:
                if "text" in block:
                    parts.append(block["text"])
                for item in block.get("toolResult", {}).get("content", []):
                    parts.append(item.get("text") or json.dumps(item.get("json", "")))
        return "\n".join(parts)


class ScriptExhausted(AssertionError):
    """The agent called the model more often than the test scripted."""


class ScriptedModel(Model):
    """Replays `turns` in order; an exception in the script is raised from that call instead.

    With `repeat_last=True` the last entry answers every further call (a model that keeps failing).
    """

    def __init__(self, turns: Iterable[Turn | BaseException], *, repeat_last: bool = False) -> None:
        self.turns: list[Turn | BaseException] = list(turns)
        self.repeat_last = repeat_last
        self.requests: list[ModelRequest] = []
        self._tool_use_ids = (f"tooluse_{number}" for number in range(1, 1_000_000))

    # -- Model's configuration interface (nothing to configure) -------------------------------------------
    def update_config(self, **model_config: Any) -> None:
        raise NotImplementedError("ScriptedModel has no configuration to update.")

    def get_config(self) -> dict[str, Any]:
        return {"model_id": "scripted"}

    async def structured_output(self, output_model: type[BaseModel], prompt: Messages,
                                system_prompt: str | None = None, **kwargs: Any) -> AsyncGenerator[Any, None]:
        raise NotImplementedError("Agents use tool-based structured output; Model.structured_output is deprecated.")
        yield  # pragma: no cover - makes this an async generator like the interface

    # -- the conversation -----------------------------------------------------------------------------------
    @property
    def calls(self) -> int:
        return len(self.requests)

    def _next_turn(self) -> Turn | BaseException:
        index = len(self.requests) - 1
        if index < len(self.turns):
            return self.turns[index]
        if self.repeat_last and self.turns:
            return self.turns[-1]
        raise ScriptExhausted(f"The model was called {index + 1} times but only {len(self.turns)} turns were "
                              "scripted; script more turns or expect fewer calls.")

    async def stream(
        self,
        messages: Messages,
        tool_specs: list[ToolSpec] | None = None,
        system_prompt: str | None = None,
        *,
        tool_choice: ToolChoice | None = None,
        **kwargs: Any,
    ) -> AsyncGenerator[StreamEvent, None]:
        self.requests.append(ModelRequest(copy.deepcopy(messages), copy.deepcopy(list(tool_specs or [])),
                                          system_prompt, copy.deepcopy(tool_choice)))
        turn = self._next_turn()
        if isinstance(turn, BaseException):
            raise turn
        for event in self._events(turn):
            yield event

    def _events(self, turn: Turn) -> Iterator[StreamEvent]:
        stop_reason = "end_turn"
        yield {"messageStart": {"role": "assistant"}}
        for part in turn.parts:
            if isinstance(part, str):
                yield {"contentBlockStart": {"start": {}}}
                yield {"contentBlockDelta": {"delta": {"text": part}}}
                yield {"contentBlockStop": {}}
                continue
            stop_reason = "tool_use"
            arguments = part.raw_input if part.raw_input is not None else json.dumps(part.input)
            yield {"contentBlockStart": {"start": {"toolUse": {"name": part.name,
                                                               "toolUseId": next(self._tool_use_ids)}}}}
            yield {"contentBlockDelta": {"delta": {"toolUse": {"input": arguments}}}}
            yield {"contentBlockStop": {}}
        yield {"messageStop": {"stopReason": stop_reason}}
        yield {"metadata": {"usage": {"inputTokens": 10, "outputTokens": 10, "totalTokens": 20},
                            "metrics": {"latencyMs": 1}}}
