"""The Slack gateway against the local Slack Web API double, whose traffic is checked against Slack's spec."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from evalforge_assets.recovery.warroom.slack_errors import SlackFailure
from evalforge_assets.recovery.warroom.slack_gateway import (
    IncomingWebhookGateway,
    WebApiGateway,
    slack_gateway_from,
    slack_web_client,
)
from evalforge_assets.settings import Settings
from tests.doubles.slack_api import BOT_USER_ID, TOKEN, SlackApiDouble
from tests.doubles.slack_spec import response_problems

CARD = [{"type": "section", "text": {"type": "mrkdwn", "text": "*INCIDENT_ACTIVE* checkout"}}]


def gateway_for(double: SlackApiDouble, *, token: str = TOKEN, rate_limit_retries: int = 2) -> WebApiGateway:
    return WebApiGateway(slack_web_client(token, double.api_url, rate_limit_retries=rate_limit_retries))


@pytest.fixture
def gateway(slack_api: SlackApiDouble) -> WebApiGateway:
    return gateway_for(slack_api)


def test_creates_a_channel_and_the_bot_is_in_it(slack_api: SlackApiDouble, gateway: WebApiGateway) -> None:
    channel_id = gateway.find_or_create_channel("inc-20261201-checkout-1a2b")

    channel = slack_api.channels[channel_id]
    assert channel.name == "inc-20261201-checkout-1a2b" and not channel.is_private
    assert BOT_USER_ID in channel.members


def test_creates_a_private_channel_when_asked(slack_api: SlackApiDouble, gateway: WebApiGateway) -> None:
    channel_id = gateway.find_or_create_channel("inc-private", is_private=True)

    assert slack_api.channels[channel_id].is_private


def test_name_taken_finds_the_existing_channel_through_paged_listing(slack_api: SlackApiDouble,
                                                                    gateway: WebApiGateway) -> None:
    slack_api.page_cap = 2
    for n in range(5):
        slack_api.add_channel(f"general-{n}")
    existing = slack_api.add_channel("inc-20261201-checkout-1a2b")

    assert gateway.find_or_create_channel("inc-20261201-checkout-1a2b") == existing.id
    assert len(slack_api.channels) == 6, "no second channel was created"
    listed = [params for method, params in slack_api.calls if method == "conversations.list"]
    assert len(listed) == 3 and listed[1]["cursor"] == "2", "the gateway followed the cursor across pages"


def test_name_taken_by_an_archived_channel_says_to_unarchive_it(slack_api: SlackApiDouble,
                                                                gateway: WebApiGateway) -> None:
    slack_api.add_channel("inc-old", is_archived=True)

    with pytest.raises(SlackFailure) as caught:
        gateway.find_or_create_channel("inc-old")
    assert caught.value.code == "is_archived" and "unarchive" in str(caught.value)
    assert not caught.value.retryable


def test_name_taken_by_a_channel_the_app_cannot_see_says_so(slack_api: SlackApiDouble,
                                                            gateway: WebApiGateway) -> None:
    slack_api.add_channel("inc-hidden", is_private=True, bot_is_member=False)

    with pytest.raises(SlackFailure) as caught:
        gateway.find_or_create_channel("inc-hidden", is_private=True)
    assert caught.value.code == "name_taken"
    assert "EVALFORGE_SLACK_CHANNEL_PATTERN" in str(caught.value)


def test_topic_purpose_and_bookmarks_are_set(slack_api: SlackApiDouble, gateway: WebApiGateway) -> None:
    channel_id = gateway.find_or_create_channel("inc-topic")

    gateway.set_topic(channel_id, "checkout: INCIDENT_ACTIVE")
    gateway.set_purpose(channel_id, "War room for incident inc-1")
    gateway.add_bookmark(channel_id, "Datadog monitor", "https://app.datadoghq.com/monitors/42")

    channel = slack_api.channels[channel_id]
    assert (channel.topic, channel.purpose) == ("checkout: INCIDENT_ACTIVE", "War room for incident inc-1")
    assert [(b["channel_id"], b["title"], b["link"]) for b in slack_api.bookmarks] == [
        (channel_id, "Datadog monitor", "https://app.datadoghq.com/monitors/42")]


def test_invite_adds_members_and_inviting_them_again_is_fine(slack_api: SlackApiDouble,
                                                              gateway: WebApiGateway) -> None:
    slack_api.add_user("U0ALICE001", "alice")
    slack_api.add_user("U0BOB00001", "bob")
    channel_id = gateway.find_or_create_channel("inc-invite")

    gateway.invite(channel_id, ["U0ALICE001", "U0BOB00001"])
    gateway.invite(channel_id, ["U0ALICE001"])
    gateway.invite(channel_id, [])

    assert slack_api.channels[channel_id].members == [BOT_USER_ID, "U0ALICE001", "U0BOB00001"]
    assert [method for method, _ in slack_api.calls].count("conversations.invite") == 2


def test_post_thread_reply_and_update_in_place(slack_api: SlackApiDouble, gateway: WebApiGateway) -> None:
    channel_id = gateway.find_or_create_channel("inc-post")

    card_ts = gateway.post(channel_id, "Incident on checkout", CARD)
    reply_ts = gateway.post(channel_id, "Plan: 5 checks", thread_ts=card_ts)
    gateway.update(channel_id, card_ts, "Incident on checkout: RECOVERED",
                   [{"type": "section", "text": {"type": "mrkdwn", "text": "*RECOVERED*"}}])

    card, reply = slack_api.messages_in(channel_id)
    assert (card.ts, reply.ts) == (card_ts, reply_ts) and reply.thread_ts == card_ts
    assert card.text == "Incident on checkout: RECOVERED" and card.edits == 1
    assert card.blocks == [{"type": "section", "text": {"type": "mrkdwn", "text": "*RECOVERED*"}}]


def test_check_reports_the_workspace(gateway: WebApiGateway) -> None:
    health = gateway.check()

    assert health.ok and health.mode == "web_api" and health.bot_user_id == BOT_USER_ID


def test_a_wrong_token_is_invalid_auth_with_a_sentence_about_the_token(slack_api: SlackApiDouble) -> None:
    gateway = gateway_for(slack_api, token="xoxb-revoked")

    health = gateway.check()
    assert not health.ok and health.error == "invalid_auth" and "SLACK_BOT_TOKEN" in (health.detail or "")
    with pytest.raises(SlackFailure) as caught:
        gateway.find_or_create_channel("inc-denied")
    assert caught.value.code == "invalid_auth" and not caught.value.retryable
    assert "SLACK_BOT_TOKEN is wrong or revoked" in str(caught.value)


@pytest.mark.parametrize(
    ("method", "error", "needed", "expected_code", "sentence", "retryable"),
    [
        ("chat.postMessage", "not_in_channel", None, "not_in_channel", "invite the app", False),
        ("conversations.create", "missing_scope", "channels:manage", "missing_scope",
         "add the channels:manage scope to the Slack app (OAuth & Permissions) and reinstall it", False),
        ("chat.postMessage", "invalid_auth", None, "invalid_auth", "SLACK_BOT_TOKEN is wrong or revoked", False),
        ("conversations.invite", "user_not_found", None, "user_not_found", "routing file", False),
        ("chat.update", "channel_not_found", None, "channel_not_found", "cannot find the channel", False),
    ],
)
def test_each_error_answer_becomes_the_right_failure(slack_api: SlackApiDouble, gateway: WebApiGateway,
                                                     method: str, error: str, needed: str | None,
                                                     expected_code: str, sentence: str, retryable: bool) -> None:
    channel_id = gateway.find_or_create_channel("inc-errors")
    ts = gateway.post(channel_id, "card")
    calls = {
        "chat.postMessage": lambda: gateway.post(channel_id, "hello"),
        "conversations.create": lambda: gateway.find_or_create_channel("inc-another"),
        "conversations.invite": lambda: gateway.invite(channel_id, ["U0NOBODY01"]),
        "chat.update": lambda: gateway.update(channel_id, ts, "new"),
    }
    slack_api.fail_next(method, error, needed=needed)

    with pytest.raises(SlackFailure) as caught:
        calls[method]()
    assert caught.value.code == expected_code and caught.value.method == method
    assert sentence in str(caught.value)
    assert caught.value.retryable is retryable
    assert caught.value.needed == needed


def test_an_unknown_user_in_an_invite_is_reported_without_injection(slack_api: SlackApiDouble,
                                                                    gateway: WebApiGateway) -> None:
    channel_id = gateway.find_or_create_channel("inc-unknown-user")

    with pytest.raises(SlackFailure) as caught:
        gateway.invite(channel_id, ["U0NOBODY01"])
    assert caught.value.code == "user_not_found"


def test_http_500_is_a_retryable_failure(slack_api: SlackApiDouble, gateway: WebApiGateway) -> None:
    channel_id = gateway.find_or_create_channel("inc-500")
    slack_api.fail_next("chat.postMessage", status=500)

    with pytest.raises(SlackFailure) as caught:
        gateway.post(channel_id, "card")
    assert caught.value.code == "internal_error" and caught.value.retryable
    assert "will be retried" in str(caught.value)


def test_slack_unreachable_is_a_retryable_connection_failure() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gateway = WebApiGateway(slack_web_client(TOKEN, f"http://127.0.0.1:{port}/api/"))

    with pytest.raises(SlackFailure) as caught:
        gateway.post("C0000000001", "card")
    assert caught.value.code == "connection_error" and caught.value.retryable
    assert "SLACK_API_URL" in str(caught.value)


def test_rate_limit_waits_retry_after_then_succeeds(slack_api: SlackApiDouble, gateway: WebApiGateway) -> None:
    channel_id = gateway.find_or_create_channel("inc-429")
    slack_api.fail_next("chat.postMessage", "ratelimited", retry_after=1)

    started = time.monotonic()
    ts = gateway.post(channel_id, "card")
    waited = time.monotonic() - started

    assert waited >= 1.0, f"the retry came {waited:.2f}s after a 429 with Retry-After: 1"
    assert [m.ts for m in slack_api.messages_in(channel_id)] == [ts]
    assert [method for method, _ in slack_api.calls].count("chat.postMessage") == 2


def test_rate_limit_that_outlasts_the_retries_is_a_retryable_failure(slack_api: SlackApiDouble) -> None:
    gateway = gateway_for(slack_api, rate_limit_retries=1)
    channel_id = gateway.find_or_create_channel("inc-429-twice")
    slack_api.fail_next("chat.postMessage", "ratelimited", retry_after=1, times=2)

    started = time.monotonic()
    with pytest.raises(SlackFailure) as caught:
        gateway.post(channel_id, "card")

    assert time.monotonic() - started >= 1.0
    assert caught.value.code == "ratelimited" and caught.value.retryable and caught.value.retry_after == 1.0
    assert slack_api.messages_in(channel_id) == []


def test_webhook_fallback_posts_text_and_blocks_and_cannot_manage_channels(slack_api: SlackApiDouble) -> None:
    gateway = IncomingWebhookGateway(slack_api.webhook_url)

    assert gateway.can_manage_channels is False
    assert gateway.post(None, "Incident on checkout", CARD) == ""
    gateway.update("", "", "changed", CARD)
    gateway.set_topic("", "ignored")

    assert slack_api.webhook_posts == [{"text": "Incident on checkout", "blocks": CARD}]
    assert gateway.check().checked is False
    assert gateway.lookup_by_email("a@example.com") is None and gateway.list_users() == []


def test_webhook_refusal_says_to_replace_the_webhook_url(slack_api: SlackApiDouble) -> None:
    slack_api.fail_next("webhook", "no_service", status=404)

    with pytest.raises(SlackFailure) as caught:
        IncomingWebhookGateway(slack_api.webhook_url).post(None, "card")
    assert caught.value.code == "no_service" and "SLACK_WEBHOOK_URL" in str(caught.value)


def test_webhook_rate_limit_is_honoured(slack_api: SlackApiDouble) -> None:
    slack_api.fail_next("webhook", "ratelimited", status=429, retry_after=1)

    started = time.monotonic()
    IncomingWebhookGateway(slack_api.webhook_url).post(None, "card")

    assert time.monotonic() - started >= 1.0 and len(slack_api.webhook_posts) == 1


def test_builder_chooses_by_settings(slack_api: SlackApiDouble) -> None:
    assert slack_gateway_from(Settings.of()) is None
    web = slack_gateway_from(Settings.of(slack_bot_token=TOKEN, slack_api_url=slack_api.api_url,
                                         slack_webhook_url=slack_api.webhook_url))
    hook = slack_gateway_from(Settings.of(slack_webhook_url=slack_api.webhook_url))

    assert isinstance(web, WebApiGateway) and web.check().ok
    assert isinstance(hook, IncomingWebhookGateway)


def test_the_double_rejects_requests_the_spec_forbids(slack_api: SlackApiDouble) -> None:
    channel = slack_api.add_channel("inc-raw")
    headers = {"Authorization": f"Bearer {TOKEN}"}

    unknown = httpx.post(f"{slack_api.api_url}chat.postMessage", headers=headers,
                         data={"channel": channel.id, "text": "hi", "colour": "red"})
    missing = httpx.post(f"{slack_api.api_url}chat.update", headers=headers, data={"channel": channel.id})
    badly_typed = httpx.post(f"{slack_api.api_url}conversations.list", headers=headers, params={"limit": "many"})

    assert [r.json()["error"] for r in (unknown, missing, badly_typed)] == ["invalid_arg_name"] * 3
    assert any("'colour' is not in the spec" in v for v in slack_api.violations)
    assert any("required argument 'ts' is missing" in v for v in slack_api.violations)
    assert any("'limit' should be a integer" in v for v in slack_api.violations)
    assert slack_api.messages_in(channel.id) == []
    slack_api.violations.clear()


def test_the_spec_check_catches_a_malformed_response() -> None:
    assert response_problems("chat.postMessage", {"ok": True, "channel": "C0000000001", "ts": "12.3",
                                                  "message": {"type": "message", "text": "", "ts": "12.3"}})
    assert response_problems("conversations.create", {"ok": True, "channel": {"id": "C0000000001"}})
    assert response_problems("chat.postMessage", {"ok": False, "error": "made_up_error"})
    assert not response_problems("chat.postMessage", {"ok": False, "error": "ratelimited"})


def test_injecting_an_error_the_method_cannot_answer_is_refused(slack_api: SlackApiDouble) -> None:
    with pytest.raises(ValueError, match="does not let auth.test answer 'name_taken'"):
        slack_api.fail_next("auth.test", "name_taken")
