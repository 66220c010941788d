"""The one door to Slack: a small interface, its Web API implementation and the incoming-webhook fallback.

The war room codes against `SlackGateway` only. `WebApiGateway` speaks Slack's Web API through slack_sdk's
`WebClient` (whose retry handlers honour HTTP 429 Retry-After a bounded number of times); when only an incoming
webhook is configured, `IncomingWebhookGateway` posts the same text and blocks there and cannot manage channels.
Every failure leaves as `SlackFailure` (slack_errors.py), whose sentence says what to fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from evalforge_assets import telemetry
from evalforge_assets.recovery.warroom.slack_errors import (
    SlackFailure,
    failure_sentence,
    from_api_error,
    from_connection_error,
    is_connection_error,
    retry_after_from,
)

if TYPE_CHECKING:
    from slack_sdk.web import SlackResponse

    from evalforge_assets.settings import Settings

DEFAULT_API_URL = "https://slack.com/api/"
# How many times a rate-limited call is retried (each after Retry-After) before SlackFailure(ratelimited):
# enough to ride out a burst, few enough that a war-room step never stalls recovery for long.
RATE_LIMIT_RETRIES = 2
PAGE_SIZE = 200
# Invites of people already in the channel (or of the bot itself) leave the channel as wanted: not failures.
HARMLESS_INVITE_ERRORS = frozenset({"already_in_channel", "cant_invite_self"})


class SlackHealth(BaseModel):
    """What /health says about Slack: whether the credentials work, and if not which error and what to do."""

    ok: bool
    mode: Literal["web_api", "incoming_webhook"]
    # False when nothing could be checked without side effects (an incoming webhook can only be posted to).
    checked: bool = True
    team: str | None = None
    bot_user_id: str | None = None
    error: str | None = None
    detail: str | None = None


class SlackUser(BaseModel):
    """The parts of a Slack member that responders are matched on."""

    id: str
    name: str = ""
    real_name: str = ""
    display_name: str = ""
    deleted: bool = False
    is_bot: bool = False


class SlackGateway(Protocol):
    """Everything the war room asks of Slack. Methods raise SlackFailure when Slack says no or cannot be reached."""

    can_manage_channels: bool  # False for the incoming-webhook fallback

    def find_or_create_channel(self, name: str, *, is_private: bool = False) -> str:
        """The id of the channel `name`, created now or (on `name_taken`) found through conversations.list."""
        ...

    def set_topic(self, channel: str, topic: str) -> None: ...

    def set_purpose(self, channel: str, purpose: str) -> None: ...

    def add_bookmark(self, channel: str, title: str, link: str) -> None: ...

    def invite(self, channel: str, user_ids: Sequence[str]) -> None:
        """Invite these users; someone already in the channel is not an error."""
        ...

    def post(self, channel: str | None, text: str, blocks: Sequence[dict] | None = None,
             thread_ts: str | None = None) -> str:
        """Post a message (a thread reply with `thread_ts`) and return its ts ("" when Slack gives none)."""
        ...

    def update(self, channel: str, ts: str, text: str, blocks: Sequence[dict] | None = None) -> None: ...

    def check(self) -> SlackHealth: ...

    def lookup_by_email(self, email: str) -> str | None:
        """The user id for this email, or None when Slack has no such user."""
        ...

    def list_users(self) -> list[SlackUser]:
        """Every member of the workspace (all pages)."""
        ...


def slack_web_client(token: str, base_url: str = DEFAULT_API_URL, *, rate_limit_retries: int = RATE_LIMIT_RETRIES,
                     timeout: int = 10) -> WebClient:
    """A WebClient whose retries are bounded: one retry on a dropped connection, `rate_limit_retries` on 429."""
    handlers = [ConnectionErrorRetryHandler(max_retry_count=1),
                RateLimitErrorRetryHandler(max_retry_count=rate_limit_retries)]
    # WebClient appends the method name to base_url, so it must end with a slash.
    return WebClient(token=token, base_url=base_url.rstrip("/") + "/", timeout=timeout, retry_handlers=handlers)


class WebApiGateway:
    """SlackGateway over Slack's Web API (a bot token)."""

    can_manage_channels = True

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def _call(self, method: str, call: Callable[..., SlackResponse], **params: Any) -> SlackResponse:
        try:
            # Every Web API call is a span (exported when tracing is on), named by its Slack method.
            with telemetry.span(f"slack.{method}", {"slack.method": method}):
                return call(**params)
        except SlackApiError as error:
            where = params.get("channel") or params.get("channel_id")
            raise from_api_error(method, error, channel=where) from error
        except Exception as error:
            if is_connection_error(error):
                raise from_connection_error(method, error) from error
            raise

    def _pages(self, method: str, call: Callable[..., SlackResponse], key: str, **params: Any) -> Iterator[dict]:
        cursor: str | None = None
        while True:
            page = self._call(method, call, limit=PAGE_SIZE, **params, **({"cursor": cursor} if cursor else {}))
            yield from page.get(key) or []
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return

    def find_or_create_channel(self, name: str, *, is_private: bool = False) -> str:
        try:
            created = self._call("conversations.create", self._client.conversations_create, name=name,
                                 is_private=is_private)
        except SlackFailure as failure:
            if failure.code != "name_taken":
                raise
            return self._existing_channel(name, is_private=is_private)
        return str(created["channel"]["id"])

    def _existing_channel(self, name: str, *, is_private: bool) -> str:
        types = "private_channel" if is_private else "public_channel"
        for channel in self._pages("conversations.list", self._client.conversations_list, "channels", types=types,
                                   exclude_archived=False):
            if channel.get("name") != name:
                continue
            if channel.get("is_archived"):
                raise SlackFailure("is_archived", f"The Slack channel #{name} exists but is archived, so the war "
                                   "room cannot use it: unarchive it, or change EVALFORGE_SLACK_CHANNEL_PATTERN.",
                                   method="conversations.create", retryable=False)
            return str(channel["id"])
        raise SlackFailure("name_taken", f"Slack says #{name} is taken, but the app cannot see that channel (it is "
                           "private without the app, or the name belongs to a user group): invite the app to it, "
                           "or change EVALFORGE_SLACK_CHANNEL_PATTERN.", method="conversations.create",
                           retryable=False)

    def set_topic(self, channel: str, topic: str) -> None:
        self._call("conversations.setTopic", self._client.conversations_setTopic, channel=channel, topic=topic)

    def set_purpose(self, channel: str, purpose: str) -> None:
        self._call("conversations.setPurpose", self._client.conversations_setPurpose, channel=channel,
                   purpose=purpose)

    def add_bookmark(self, channel: str, title: str, link: str) -> None:
        self._call("bookmarks.add", self._client.bookmarks_add, channel_id=channel, title=title,
                   type="link", link=link)

    def invite(self, channel: str, user_ids: Sequence[str]) -> None:
        if not user_ids:
            return
        try:
            self._call("conversations.invite", self._client.conversations_invite, channel=channel,
                       users=",".join(user_ids))
        except SlackFailure as failure:
            if failure.code not in HARMLESS_INVITE_ERRORS:
                raise

    def post(self, channel: str | None, text: str, blocks: Sequence[dict] | None = None,
             thread_ts: str | None = None) -> str:
        if not channel:
            raise ValueError("A Web API post needs a channel id; create the war-room channel first.")
        optional = {k: v for k, v in {"blocks": list(blocks) if blocks else None, "thread_ts": thread_ts}.items()
                    if v is not None}
        answer = self._call("chat.postMessage", self._client.chat_postMessage, channel=channel, text=text,
                            **optional)
        return str(answer["ts"])

    def update(self, channel: str, ts: str, text: str, blocks: Sequence[dict] | None = None) -> None:
        optional = {"blocks": list(blocks)} if blocks else {}
        self._call("chat.update", self._client.chat_update, channel=channel, ts=ts, text=text, **optional)

    def check(self) -> SlackHealth:
        try:
            answer = self._call("auth.test", self._client.auth_test)
        except SlackFailure as failure:
            return SlackHealth(ok=False, mode="web_api", error=failure.code, detail=failure.sentence)
        return SlackHealth(ok=True, mode="web_api", team=answer.get("team"), bot_user_id=answer.get("user_id"))

    def lookup_by_email(self, email: str) -> str | None:
        try:
            answer = self._call("users.lookupByEmail", self._client.users_lookupByEmail, email=email)
        except SlackFailure as failure:
            if failure.code == "users_not_found":
                return None
            raise
        return str(answer["user"]["id"])

    def list_users(self) -> list[SlackUser]:
        return [_user(member) for member in self._pages("users.list", self._client.users_list, "members")]


def _user(member: dict) -> SlackUser:
    profile = member.get("profile") or {}
    return SlackUser(id=member["id"], name=member.get("name") or "",
                     real_name=member.get("real_name") or profile.get("real_name") or "",
                     display_name=profile.get("display_name") or "", deleted=bool(member.get("deleted")),
                     is_bot=bool(member.get("is_bot")))


class IncomingWebhookGateway:
    """SlackGateway over an incoming webhook (SLACK_WEBHOOK_URL without a bot token): it can only post.

    An incoming webhook posts to the one channel it was installed for and returns no message ts, so channel
    creation, topic, purpose, bookmarks, invites and in-place updates are no-ops here (and `can_manage_channels`
    is False so the war room can say so); `update` posts nothing, since a second card would be a duplicate.
    """

    can_manage_channels = False

    def __init__(self, url: str, *, rate_limit_retries: int = RATE_LIMIT_RETRIES, timeout: int = 10) -> None:
        self._client = WebhookClient(url, timeout=timeout, retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=1),
            RateLimitErrorRetryHandler(max_retry_count=rate_limit_retries)])

    def find_or_create_channel(self, name: str, *, is_private: bool = False) -> str:
        """Returns "": the webhook's own channel is the only one, and it has no id we can know."""
        return ""

    def set_topic(self, channel: str, topic: str) -> None:
        """No-op: an incoming webhook cannot set a channel topic."""

    def set_purpose(self, channel: str, purpose: str) -> None:
        """No-op: an incoming webhook cannot set a channel purpose."""

    def add_bookmark(self, channel: str, title: str, link: str) -> None:
        """No-op: an incoming webhook cannot add bookmarks."""

    def invite(self, channel: str, user_ids: Sequence[str]) -> None:
        """No-op: an incoming webhook cannot invite anyone."""

    def post(self, channel: str | None, text: str, blocks: Sequence[dict] | None = None,
             thread_ts: str | None = None) -> str:
        """Posts text and blocks to the webhook's channel (`channel` and `thread_ts` cannot apply); returns ""."""
        try:
            answer = self._client.send(text=text, blocks=list(blocks) if blocks else None)
        except Exception as error:
            if is_connection_error(error):
                raise from_connection_error("incoming webhook", error) from error
            raise
        if answer.status_code != 200:
            code = answer.body.strip() if answer.body and " " not in answer.body.strip() else ""
            code = code or f"http_{answer.status_code}"
            if answer.status_code == 429:
                code = "ratelimited"
            retry_after = retry_after_from(answer.headers)
            raise SlackFailure(code, _webhook_sentence(code, answer.status_code, retry_after),
                               method="incoming webhook", retry_after=retry_after,
                               retryable=True if code == "ratelimited" else None)
        return ""

    def update(self, channel: str, ts: str, text: str, blocks: Sequence[dict] | None = None) -> None:
        """No-op: a message posted through an incoming webhook cannot be edited."""

    def check(self) -> SlackHealth:
        return SlackHealth(ok=True, mode="incoming_webhook", checked=False,
                           detail="Only SLACK_WEBHOOK_URL is set: incidents are posted there, without a channel "
                                  "per incident or invites, and it is not checked until the first post.")

    def lookup_by_email(self, email: str) -> str | None:
        """Always None: an incoming webhook cannot look anyone up, so every responder stays unresolved."""
        return None

    def list_users(self) -> list[SlackUser]:
        """Always empty: an incoming webhook cannot list members."""
        return []


def _webhook_sentence(code: str, status: int, retry_after: float | None) -> str:
    if code in {"no_service", "invalid_token", "no_team"} or status in {403, 404}:
        return (f"Slack refused the incoming webhook ({code}): SLACK_WEBHOOK_URL is wrong or its app was removed; "
                "create a new incoming webhook and set SLACK_WEBHOOK_URL to it.")
    if code == "channel_is_archived" or status == 410:
        return ("The incoming webhook's channel is archived: unarchive it, or create a webhook for another channel "
                "and set SLACK_WEBHOOK_URL to it.")
    return failure_sentence(code, "incoming webhook", retry_after=retry_after)


def slack_gateway_from(settings: Settings) -> SlackGateway | None:
    """WebApiGateway with SLACK_BOT_TOKEN, else IncomingWebhookGateway with SLACK_WEBHOOK_URL, else None (no
    Slack, and no error)."""
    token = settings.secret_value("slack_bot_token")
    if token:
        return WebApiGateway(slack_web_client(token, settings.slack_api_url))
    webhook = settings.secret_value("slack_webhook_url")
    if webhook:
        return IncomingWebhookGateway(webhook)
    return None
