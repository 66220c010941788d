"""The Slack side of the war-room end-to-end test and benchmark: the Slack Web API double as a real server that
also notes when it answered each call, the people and routing file a stack is started with, and reads of one
incident's war room out of the double (its channel, card and thread).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from tests.doubles.slack_api import TOKEN, Channel, Message, SlackApiDouble

# The watched service of `evalforge up` is DD_SERVICE's default, demo-app; the routing file gives it a team of
# three: one found by email, one by display name, and one who is not in the workspace (shown on the card).
SERVICE = "demo-app"
BY_EMAIL = ("U0ALICE001", "alice@example.com")
BY_DISPLAY_NAME = ("U0DANA0001", "@dana")
UNRESOLVABLE = "ghost@example.com"
ROUTING = f"""teams:
  demo: [{BY_EMAIL[1]}, "{BY_DISPLAY_NAME[1]}", {UNRESOLVABLE}]
  sre: [{BY_EMAIL[1]}]
services:
  {SERVICE}: demo
default: sre
"""


@dataclass(frozen=True)
class Answer:
    at: float  # time.time() once the double had sent its answer
    method: str
    body: dict[str, Any]


class TimedSlackDouble(SlackApiDouble):
    """The spec-checked Slack double with the workspace's people, plus a log of every answer it sent with the
    wall-clock time it was sent, so a benchmark can set Slack's side beside the times Evalforge stored."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: list[Answer] = []
        self.add_user(BY_EMAIL[0], "alice", real_name="Alice Ng", email=BY_EMAIL[1])
        self.add_user(BY_DISPLAY_NAME[0], "dana.ruiz", real_name="Dana Ruiz",
                      display_name=BY_DISPLAY_NAME[1].removeprefix("@"))

    def _answer(self, http: BaseHTTPRequestHandler, method: str, body: dict[str, Any], *, status: int = 200,
                headers: dict[str, str] | None = None) -> None:
        super()._answer(http, method, body, status=status, headers=headers)
        with self._lock:
            self.answers.append(Answer(time.time(), method, body))

    def answered(self, method: str) -> list[Answer]:
        """The successful answers to `method`, oldest first."""
        with self._lock:
            return [a for a in self.answers if a.method == method and a.body.get("ok")]


def slack_environment(double: SlackApiDouble, home: Path) -> dict[str, str]:
    """The Slack settings a stack is started with: the bot token and Web API of the double, and the routing file."""
    home.mkdir(parents=True, exist_ok=True)
    routing = home / "slack-routing.yaml"
    routing.write_text(ROUTING)
    return {"SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": double.api_url, "EVALFORGE_SLACK_ROUTING": str(routing)}


def war_room_channel(double: SlackApiDouble, incident_id: str) -> Channel | None:
    """The incident's channel: the war room writes the incident id into the channel's purpose."""
    return next((c for c in list(double.channels.values()) if incident_id in c.purpose), None)


def channels_for(double: SlackApiDouble, incident_id: str) -> list[Channel]:
    short = incident_id.removeprefix("inc_")[:4]
    return [c for c in list(double.channels.values()) if c.name.endswith(f"-{short}") or incident_id in c.purpose]


def card_of(double: SlackApiDouble, channel: Channel) -> Message | None:
    """The card: the one top-level message of the war-room channel."""
    return next((m for m in double.messages_in(channel.id) if m.thread_ts is None), None)


def thread_of(double: SlackApiDouble, channel: Channel, card: Message) -> list[Message]:
    return [m for m in double.messages_in(channel.id) if m.thread_ts == card.ts]


def posted_at(double: TimedSlackDouble, channel_id: str, *, thread: bool, text_prefix: str = "") -> float | None:
    """When the double answered the first chat.postMessage in `channel_id` (a thread reply or a top-level
    message) whose text starts with `text_prefix`."""
    for answer in double.answered("chat.postMessage"):
        message = answer.body.get("message", {})
        if (answer.body.get("channel") == channel_id and bool(message.get("thread_ts")) == thread
                and str(message.get("text", "")).startswith(text_prefix)):
            return answer.at
    return None


def invited_at(double: TimedSlackDouble, channel_id: str) -> float | None:
    return next((a.at for a in double.answered("conversations.invite") if a.body["channel"]["id"] == channel_id),
                None)
