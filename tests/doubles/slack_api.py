"""A local Slack Web API for contract tests: a real HTTP server on 127.0.0.1 that keeps Slack's state.

`SlackApiDouble` serves the Web API methods the war room uses (auth.test, conversations.create / list /
setTopic / setPurpose / invite, bookmarks.add, users.lookupByEmail / list, chat.postMessage / update) at
`{base_url}/api/<method>` and an incoming webhook at `webhook_url`. It keeps what a test wants to read back
(channels with members, topic and purpose; messages with their thread_ts and edits; bookmarks; webhook posts),
checks the bearer token like Slack, and answers injected failures first (`fail_next`): a Slack error code
(not_in_channel, users_not_found, invalid_auth, missing_scope with `needed`, ...), HTTP 429 `ratelimited` with
Retry-After, or HTTP 500.

Every request and every response body is checked against Slack's own OpenAPI spec (tests/doubles/
slack_spec.py): what does not match is recorded in `violations`, and the `slack_api` fixture fails the test at
teardown if there are any. A request the spec forbids is also answered `invalid_arg_name`, so a client bug
shows up as a failure in the test that caused it.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.doubles.slack_spec import allowed_errors, operation, request_problems, response_problems

TOKEN = "xoxb-evalforge-test-token"
TEAM_ID = "T0EVALFORGE"
BOT_USER_ID = "U0BOT00001"
WEBHOOK_PATH = "/services/T0EVALFORGE/B0HOOK0001/secret"
CHANNEL_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool
    created: int
    members: list[str] = field(default_factory=lambda: [BOT_USER_ID])
    topic: str = ""
    purpose: str = ""
    is_archived: bool = False


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict] | None = None
    thread_ts: str | None = None
    edits: int = 0


@dataclass
class Injected:
    error: str | None
    status: int = 200
    retry_after: int | None = None
    needed: str | None = None


def member(user_id: str, name: str, *, real_name: str = "", display_name: str = "", email: str | None = None,
           deleted: bool = False, is_bot: bool = False) -> dict[str, Any]:
    """A users.list member shaped as Slack's objs_user (its required fields and profile)."""
    profile = {"real_name": real_name, "real_name_normalized": real_name, "display_name": display_name,
               "display_name_normalized": display_name, "avatar_hash": "g0", "title": "", "phone": "",
               "skype": "", "status_text": "", "status_emoji": "", "fields": None, "email": email}
    return {"id": user_id, "team_id": TEAM_ID, "name": name, "real_name": real_name, "deleted": deleted,
            "is_bot": is_bot, "is_app_user": False, "updated": 1764547200, "profile": profile}


class SlackApiDouble:
    """The Slack Web API and an incoming webhook, in memory, behind a real HTTP server."""

    def __init__(self, *, page_cap: int = 100) -> None:
        # Slack may return fewer items than `limit`; a small cap makes tests exercise cursor paging.
        self.page_cap = page_cap
        self.channels: dict[str, Channel] = {}
        self.messages: list[Message] = []
        self.bookmarks: list[dict[str, Any]] = []
        # The bot is a member of every workspace it is installed in.
        self.users: list[dict[str, Any]] = [member(BOT_USER_ID, "evalforge", is_bot=True)]
        self.webhook_posts: list[dict[str, Any]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.violations: list[str] = []
        self._injected: dict[str, deque[Injected]] = {}
        self._lock = threading.Lock()
        self._clock = 1764547200
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    # --- what tests use -------------------------------------------------------------------------------
    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    @property
    def webhook_url(self) -> str:
        return f"{self.base_url}{WEBHOOK_PATH}"

    def add_user(self, user_id: str, name: str, **details: Any) -> dict[str, Any]:
        user = member(user_id, name, **details)
        self.users.append(user)
        return user

    def add_channel(self, name: str, *, is_private: bool = False, is_archived: bool = False,
                    bot_is_member: bool = True) -> Channel:
        with self._lock:
            channel = self._new_channel(name, is_private)
        channel.is_archived = is_archived
        if not bot_is_member:
            channel.members.remove(BOT_USER_ID)
        return channel

    def fail_next(self, method: str, error: str | None = None, *, status: int = 200, retry_after: int | None = None,
                  needed: str | None = None, times: int = 1) -> None:
        """Answer the next `times` calls of `method` (or "webhook") with this failure instead of serving them.

        `ratelimited` is HTTP 429 with Retry-After (default 1 s); status 500 answers `internal_error` unless an
        error is given. Only errors the spec (or Slack's common errors) allows for the method can be injected.
        """
        if status == 500 and error is None:
            error = "internal_error"
        if error == "ratelimited":
            status, retry_after = 429, 1 if retry_after is None else retry_after
        if method != "webhook" and error not in allowed_errors(method):
            raise ValueError(f"Slack's spec does not let {method} answer {error!r}; inject one it allows.")
        queue = self._injected.setdefault(method, deque())
        queue.extend(Injected(error, status, retry_after, needed) for _ in range(times))

    def messages_in(self, channel: str) -> list[Message]:
        return [message for message in self.messages if message.channel == channel]

    def channel_named(self, name: str) -> Channel | None:
        return next((channel for channel in self.channels.values() if channel.name == name), None)

    # --- server ----------------------------------------------------------------------------------------
    def start(self) -> SlackApiDouble:
        double = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server dispatches on this name
                double._handle(self)

            do_GET = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the test output is about the test, not the double's access log."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="slack-api-double", daemon=True)
        self._thread.start()
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        assert self._thread is not None
        self._thread.join(timeout=10)
        self._server = self._thread = None

    # --- request handling ------------------------------------------------------------------------------
    def _handle(self, http: BaseHTTPRequestHandler) -> None:
        url = urlsplit(http.path)
        length = int(http.headers.get("Content-Length") or 0)
        raw = http.rfile.read(length) if length else b""
        content_type = (http.headers.get("Content-Type") or "").split(";")[0].strip() or None
        if url.path == WEBHOOK_PATH:
            self._webhook(http, raw)
            return
        method = url.path.removeprefix("/api/")
        params: dict[str, Any] = dict(parse_qsl(url.query, keep_blank_values=True))
        from_json = content_type == "application/json"
        try:
            if from_json:
                params.update(json.loads(raw or b"{}"))
            elif raw:
                params.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
        except (ValueError, UnicodeDecodeError) as error:
            self._violation(f"{method}: body is not {content_type}: {error}")
            self._answer(http, method, {"ok": False, "error": "invalid_form_data"})
            return
        bearer = (http.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        token = bearer or params.get("token")
        problems = request_problems(method, params, has_token=bool(token), content_type=content_type,
                                    from_json=from_json)
        with self._lock:
            self.calls.append((method, params))
            self.violations.extend(problems)
            injected = self._injected.get(method)
            failure = injected.popleft() if injected else None
        if problems:
            self._answer(http, method, {"ok": False, "error": "invalid_arg_name"})
        elif failure is not None:
            body: dict[str, Any] = {"ok": False, "error": failure.error}
            if failure.needed:
                body.update(needed=failure.needed, provided="chat:write")
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            self._answer(http, method, body, status=failure.status, headers=headers)
        elif token != TOKEN:
            self._answer(http, method, {"ok": False, "error": "invalid_auth" if token else "not_authed"})
        else:
            handler = getattr(self, "_m_" + method.replace(".", "_"), None)
            with self._lock:
                body = handler(params) if handler else {"ok": False, "error": "unknown_method"}
            self._answer(http, method, body)

    def _violation(self, text: str) -> None:
        with self._lock:
            self.violations.append(text)

    def _answer(self, http: BaseHTTPRequestHandler, method: str, body: dict[str, Any], *, status: int = 200,
                headers: dict[str, str] | None = None) -> None:
        problems = response_problems(method, body) if operation(method) is not None else []
        if problems:
            self._violation("; ".join(problems))
        self._send(http, status, json.dumps(body).encode(), "application/json; charset=utf-8", headers)

    @staticmethod
    def _send(http: BaseHTTPRequestHandler, status: int, payload: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        http.send_response(status)
        http.send_header("Content-Type", content_type)
        http.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            http.send_header(name, value)
        http.end_headers()
        http.wfile.write(payload)

    def _webhook(self, http: BaseHTTPRequestHandler, raw: bytes) -> None:
        # Incoming webhooks are not part of the Web API spec; their payload rules are from Slack's docs
        # (https://api.slack.com/messaging/webhooks): a JSON object with `text` and/or `blocks`.
        with self._lock:
            injected = self._injected.get("webhook")
            failure = injected.popleft() if injected else None
        if failure is not None:
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            self._send(http, failure.status, (failure.error or "").encode(), "text/plain", headers)
            return
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = None
        allowed = {"text", "blocks", "attachments", "mrkdwn", "thread_ts", "unfurl_links", "unfurl_media"}
        if (not isinstance(payload, dict) or not (payload.get("text") or payload.get("blocks"))
                or set(payload) - allowed or not isinstance(payload.get("blocks", []), list)):
            self._violation(f"incoming webhook: payload is not a Slack message: {raw[:200]!r}")
            self._send(http, 400, b"invalid_payload", "text/plain")
            return
        with self._lock:
            self.webhook_posts.append(payload)
        self._send(http, 200, b"ok", "text/plain")

    # --- state helpers (called under the lock) ------------------------------------------------------------
    def _tick(self) -> int:
        self._clock += 1
        return self._clock

    def _new_channel(self, name: str, is_private: bool) -> Channel:
        channel_id = f"{'G' if is_private else 'C'}{len(self.channels) + 1:010d}"
        channel = Channel(channel_id, name, is_private, self._tick())
        self.channels[channel_id] = channel
        return channel

    def _conversation(self, channel: Channel) -> dict[str, Any]:
        creator = BOT_USER_ID
        return {"id": channel.id, "name": channel.name, "name_normalized": channel.name, "created": channel.created,
                "creator": creator, "is_archived": channel.is_archived, "is_channel": not channel.is_private,
                "is_group": channel.is_private, "is_general": False, "is_mpim": False, "is_im": False,
                "is_org_shared": False, "is_shared": False, "is_private": channel.is_private,
                "is_member": BOT_USER_ID in channel.members, "num_members": len(channel.members),
                "topic": {"value": channel.topic, "creator": creator if channel.topic else "", "last_set": 0},
                "purpose": {"value": channel.purpose, "creator": creator if channel.purpose else "",
                            "last_set": 0}}

    def _writable(self, channel_id: str) -> Channel | dict[str, Any]:
        channel = self.channels.get(channel_id)
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if channel.is_archived:
            return {"ok": False, "error": "is_archived"}
        if BOT_USER_ID not in channel.members:
            return {"ok": False, "error": "not_in_channel"}
        return channel

    def _page(self, items: list[dict[str, Any]], params: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
        start = int(params.get("cursor") or 0)
        size = min(int(params.get("limit") or 100), self.page_cap)
        following = start + size
        return items[start:following], str(following) if following < len(items) else ""

    # --- the Web API methods --------------------------------------------------------------------------------
    def _m_auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://evalforge-test.slack.com/", "team": "Evalforge Test",
                "user": "evalforge", "team_id": TEAM_ID, "user_id": BOT_USER_ID}

    def _m_conversations_create(self, params: dict[str, Any]) -> dict[str, Any]:
        name = str(params.get("name") or "")
        if not name:
            return {"ok": False, "error": "invalid_name_required"}
        if len(name) > 80:
            return {"ok": False, "error": "invalid_name_maxlength"}
        if set(name) - CHANNEL_NAME_CHARS:
            return {"ok": False, "error": "invalid_name_specials"}
        if self.channel_named(name):
            return {"ok": False, "error": "name_taken"}
        is_private = str(params.get("is_private", "false")).lower() in {"1", "true"}
        return {"ok": True, "channel": self._conversation(self._new_channel(name, is_private))}

    def _m_conversations_list(self, params: dict[str, Any]) -> dict[str, Any]:
        types = set(str(params.get("types") or "public_channel").split(","))
        exclude_archived = str(params.get("exclude_archived", "false")).lower() in {"1", "true"}
        visible = [self._conversation(channel) for channel in self.channels.values()
                   if ("private_channel" if channel.is_private else "public_channel") in types
                   and not (exclude_archived and channel.is_archived)
                   and (not channel.is_private or BOT_USER_ID in channel.members)]
        page, cursor = self._page(visible, params)
        return {"ok": True, "channels": page, "response_metadata": {"next_cursor": cursor}}

    def _set(self, params: dict[str, Any], attribute: str) -> dict[str, Any]:
        channel = self._writable(str(params.get("channel")))
        if isinstance(channel, dict):
            return channel
        setattr(channel, attribute, str(params.get(attribute) or ""))
        return {"ok": True, "channel": self._conversation(channel)}

    def _m_conversations_setTopic(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._set(params, "topic")

    def _m_conversations_setPurpose(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._set(params, "purpose")

    def _m_conversations_invite(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._writable(str(params.get("channel")))
        if isinstance(channel, dict):
            return channel
        wanted = [user for user in str(params.get("users") or "").split(",") if user]
        known = {user["id"] for user in self.users if not user["deleted"]}
        if not wanted or any(user not in known for user in wanted):
            return {"ok": False, "error": "user_not_found"}
        new = [user for user in wanted if user not in channel.members]
        if not new:
            return {"ok": False, "error": "already_in_channel"}
        channel.members.extend(new)
        return {"ok": True, "channel": self._conversation(channel)}

    def _m_bookmarks_add(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._writable(str(params.get("channel_id")))
        if isinstance(channel, dict):
            return channel
        link = str(params.get("link") or "")
        if not link.startswith(("http://", "https://")):
            return {"ok": False, "error": "invalid_link"}
        now = self._tick()
        bookmark = {"id": f"Bk{len(self.bookmarks) + 1:08d}", "channel_id": channel.id,
                    "title": str(params["title"]), "link": link, "emoji": None, "icon_url": None, "type": "link",
                    "entity_id": None, "date_created": now, "date_updated": now, "rank": "U",
                    "last_updated_by_user_id": BOT_USER_ID, "last_updated_by_team_id": TEAM_ID,
                    "shortcut_id": None, "app_id": None}
        self.bookmarks.append(bookmark)
        return {"ok": True, "bookmark": bookmark}

    def _m_users_lookupByEmail(self, params: dict[str, Any]) -> dict[str, Any]:
        email = str(params.get("email") or "").lower()
        found = next((user for user in self.users
                      if (user["profile"].get("email") or "").lower() == email and not user["deleted"]), None)
        return {"ok": True, "user": found} if found else {"ok": False, "error": "users_not_found"}

    def _m_users_list(self, params: dict[str, Any]) -> dict[str, Any]:
        page, cursor = self._page(self.users, params)
        return {"ok": True, "members": page, "cache_ts": self._clock, "response_metadata": {"next_cursor": cursor}}

    def _m_chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._writable(str(params.get("channel")))
        if isinstance(channel, dict):
            return channel
        text, blocks = str(params.get("text") or ""), _blocks(params.get("blocks"))
        if not text and not blocks:
            return {"ok": False, "error": "no_text"}
        thread_ts = params.get("thread_ts") or None
        message = Message(channel.id, f"{self._tick()}.{len(self.messages) + 1:06d}", text, blocks, thread_ts)
        self.messages.append(message)
        shown: dict[str, Any] = {"type": "message", "text": text, "ts": message.ts, "user": BOT_USER_ID}
        if thread_ts:
            shown["thread_ts"] = thread_ts
        if blocks:
            shown["blocks"] = blocks
        return {"ok": True, "channel": channel.id, "ts": message.ts, "message": shown}

    def _m_chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(params.get("channel")))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        message = next((m for m in self.messages_in(channel.id) if m.ts == params.get("ts")), None)
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        message.text, message.blocks = str(params.get("text") or ""), _blocks(params.get("blocks"))
        message.edits += 1
        # chat.update's 2020 schema types message.blocks as an object, so the echo carries only the text.
        return {"ok": True, "channel": channel.id, "ts": message.ts, "text": message.text,
                "message": {"text": message.text}}


def _blocks(value: Any) -> list[dict] | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, list) else json.loads(value)


@pytest.fixture
def slack_api() -> Iterator[SlackApiDouble]:
    """A running Slack double; the test fails if any request or response broke Slack's spec."""
    double = SlackApiDouble().start()
    try:
        yield double
    finally:
        double.stop()
    assert not double.violations, "Slack traffic broke Slack's OpenAPI spec:\n" + "\n".join(double.violations)

