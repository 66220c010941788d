"""An in-memory SlackGateway for war-room service tests that need no HTTP: it records every call, can fail the
next calls of a method with a SlackFailure, and can "crash" (raise a non-Slack error) right after Slack did
the work, the way a process dies between Slack's answer and the ledger write."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from evalforge_assets.recovery.warroom.slack_errors import SlackFailure, failure_sentence
from evalforge_assets.recovery.warroom.slack_gateway import SlackHealth, SlackUser


class Crash(RuntimeError):
    """The process 'died' after Slack did what was asked."""


@dataclass
class Posted:
    channel: str | None
    ts: str
    text: str
    blocks: list[dict] | None
    thread_ts: str | None
    edits: int = 0


@dataclass
class FakeSlack:
    can_manage_channels: bool = True
    channels: dict[str, str] = field(default_factory=dict)  # name -> id
    topics: dict[str, str] = field(default_factory=dict)
    purposes: dict[str, str] = field(default_factory=dict)
    bookmarks: list[tuple[str, str, str]] = field(default_factory=list)
    invited: dict[str, list[str]] = field(default_factory=dict)
    messages: list[Posted] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)  # email -> id
    _failures: dict[str, deque[SlackFailure]] = field(default_factory=dict)
    _crashes: set[str] = field(default_factory=set)

    def fail_next(self, method: str, code: str, *, retry_after: float | None = None, times: int = 1) -> None:
        failure = SlackFailure(code, failure_sentence(code, method, retry_after=retry_after), method=method,
                               retry_after=retry_after, retryable=True if code == "ratelimited" else None)
        self._failures.setdefault(method, deque()).extend([failure] * times)

    def crash_after(self, method: str) -> None:
        self._crashes.add(method)

    def _enter(self, method: str) -> None:
        self.calls.append(method)
        queue = self._failures.get(method)
        if queue:
            raise queue.popleft()

    def _leave(self, method: str) -> None:
        if method in self._crashes:
            self._crashes.discard(method)
            raise Crash(f"died after {method}")

    def find_or_create_channel(self, name: str, *, is_private: bool = False) -> str:
        self._enter("conversations.create")
        channel = self.channels.setdefault(name, f"C{len(self.channels) + 1:08d}")
        self._leave("conversations.create")
        return channel

    def set_topic(self, channel: str, topic: str) -> None:
        self._enter("conversations.setTopic")
        self.topics[channel] = topic

    def set_purpose(self, channel: str, purpose: str) -> None:
        self._enter("conversations.setPurpose")
        self.purposes[channel] = purpose

    def add_bookmark(self, channel: str, title: str, link: str) -> None:
        self._enter("bookmarks.add")
        self.bookmarks.append((channel, title, link))

    def invite(self, channel: str, user_ids: Sequence[str]) -> None:
        self._enter("conversations.invite")
        self.invited.setdefault(channel, []).extend(user_ids)

    def post(self, channel: str | None, text: str, blocks: Sequence[dict] | None = None,
             thread_ts: str | None = None) -> str:
        self._enter("chat.postMessage")
        ts = f"1764547200.{len(self.messages) + 1:06d}" if self.can_manage_channels else ""
        self.messages.append(Posted(channel, ts, text, list(blocks) if blocks else None, thread_ts))
        self._leave("chat.postMessage")
        return ts

    def update(self, channel: str, ts: str, text: str, blocks: Sequence[dict] | None = None) -> None:
        self._enter("chat.update")
        message = next(m for m in self.messages if m.ts == ts and m.channel == channel)
        message.text, message.blocks = text, list(blocks) if blocks else None
        message.edits += 1

    def check(self) -> SlackHealth:
        return SlackHealth(ok=True, mode="web_api" if self.can_manage_channels else "incoming_webhook")

    def lookup_by_email(self, email: str) -> str | None:
        return self.users.get(email)

    def list_users(self) -> list[SlackUser]:
        return [SlackUser(id=user_id, name=email.split("@")[0]) for email, user_id in self.users.items()]

    # ---- what tests read ---------------------------------------------------------------------------------
    def replies(self, card_ts: str) -> list[Posted]:
        return [m for m in self.messages if m.thread_ts == card_ts]

    def count(self, method: str) -> int:
        return self.calls.count(method)
