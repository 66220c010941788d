"""A local MiniMax double: answers `POST /v1/chat/completions` in the OpenAI-compatible streaming wire format.

It sits behind `httpx.MockTransport`, so the real `openai.AsyncOpenAI` client and Strands' `OpenAIModel`
(through `evalforge_assets.llm.MiniMaxModel`) run unchanged and every request they send is recorded
as MiniMax would receive it: URL, headers and JSON body. Replies are server-sent events: a role chunk, the
text in small pieces (so `<think>` tags arrive split across chunks, as they do from MiniMax), tool calls with
their arguments in pieces, the finish reason, a usage chunk and `[DONE]`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

CHUNK_CHARS = 7


@dataclass(frozen=True)
class ToolCallReply:
    name: str
    arguments: dict[str, Any] | str  # a string is sent as is (e.g. malformed JSON)


@dataclass(frozen=True)
class Reply:
    """One assistant turn: text (may hold `<think>...</think>`) and tool calls."""

    text: str = ""
    tool_calls: tuple[ToolCallReply, ...] = ()


@dataclass
class RecordedRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: dict[str, Any]
    raw: str

    @property
    def tool_names(self) -> list[str]:
        return [tool["function"]["name"] for tool in self.body.get("tools", [])]


Responder = Callable[[RecordedRequest], Reply]


def _pieces(text: str, size: int = CHUNK_CHARS) -> Iterator[str]:
    for start in range(0, len(text), size):
        yield text[start:start + size]


@dataclass
class MiniMaxDouble:
    """Replies with `replies` in order, or with `responder(request)` for every request when given."""

    replies: list[Reply] = field(default_factory=list)
    responder: Responder | None = None
    model: str = "MiniMax-M2.5"
    requests: list[RecordedRequest] = field(default_factory=list)

    def http_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handle))

    def handle(self, request: httpx.Request) -> httpx.Response:
        raw = request.content.decode()
        recorded = RecordedRequest(request.method, str(request.url), dict(request.headers), json.loads(raw), raw)
        self.requests.append(recorded)
        if request.method != "POST" or not request.url.path.endswith("/chat/completions"):
            return httpx.Response(404, json={"error": {"message": f"No route {request.method} {request.url.path}"}})
        reply = self.responder(recorded) if self.responder else self._scripted()
        return httpx.Response(200, headers={"content-type": "text/event-stream"},
                              content="".join(self._events(reply)).encode())

    def _scripted(self) -> Reply:
        index = len(self.requests) - 1
        if index >= len(self.replies):
            raise AssertionError(f"MiniMax double got request {index + 1} but only {len(self.replies)} replies "
                                 "were scripted.")
        return self.replies[index]

    def _chunk(self, delta: dict[str, Any], finish_reason: str | None = None) -> str:
        body = {"id": "chatcmpl-double", "object": "chat.completion.chunk", "created": 1767225600,
                "model": self.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}
        return f"data: {json.dumps(body)}\n\n"

    def _events(self, reply: Reply) -> Iterable[str]:
        yield self._chunk({"role": "assistant", "content": ""})
        for piece in _pieces(reply.text):
            yield self._chunk({"content": piece})
        for index, call in enumerate(reply.tool_calls):
            arguments = call.arguments if isinstance(call.arguments, str) else json.dumps(call.arguments)
            yield self._chunk({"tool_calls": [{"index": index, "id": f"call_{len(self.requests)}_{index}",
                                               "type": "function",
                                               "function": {"name": call.name, "arguments": ""}}]})
            for piece in _pieces(arguments, 40):
                yield self._chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
        yield self._chunk({}, finish_reason="tool_calls" if reply.tool_calls else "stop")
        usage = {"id": "chatcmpl-double", "object": "chat.completion.chunk", "created": 1767225600,
                 "model": self.model, "choices": [],
                 "usage": {"prompt_tokens": 50, "completion_tokens": 20, "total_tokens": 70}}
        yield f"data: {json.dumps(usage)}\n\n"
        yield "data: [DONE]\n\n"
