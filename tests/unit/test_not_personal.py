"""What looks like personal data and is not (`capture/not_personal.py`): kept by the redactor, and not flagged by
the post-write check's second detector either, so the check does not warn about what the redactor kept."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.not_personal import not_a_persons_mailbox
from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_second import second_opinion


@pytest.mark.parametrize(
    "text",
    [
        "From: noreply@fabrikam.net, questions to support@tyrell.ai or billing@globex.co",
        "remote origin git@github.com:acme/platform.git",
        "Message-ID: <9f000b87-5c9b-483a-aa08-c5c9b9da0529@fabrikam.net>",
        "SENTRY_DSN=https://9f23d74e8d2c0309f3b87c61a845364b@o582499.ingest.sentry.io/4504",
        "redis at 127.0.0.1:6379 and dial tcp [::1]:8081: connection refused, bind 0.0.0.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0.0.0 Safari/537.36",
        'Parameters: {"user"=>{"email"=>"[FILTERED]", "password"=>"[FILTERED]"}}',
        "OPENAI_API_KEY=sk-...redacted\nDB_PASSWORD=***\napi_key: [REDACTED]",
        'name = "support-bot"\nversion = "9.17.2.193"',  # a version under its key, quoted
        '{"app_version": "10.2.0.15", "build": 4.3.2.1}',
    ],
)
def test_what_is_no_one_s_data_stays_and_the_check_agrees(text: str) -> None:
    assert redact_text(text, {}) == text
    assert second_opinion(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Reply-To: jane.support@fabrikam.net", "jane.support@fabrikam.net"),  # a person whose name holds a role
        ("support.maria@fabrikam.net wrote", "support.maria@fabrikam.net"),
        ("client/203.0.113.7 connected", "203.0.113.7"),  # a word and a slash before an address: no browser
        ("from 10.8.166.224 and 192.168.1.20", "10.8.166.224"),  # private addresses can be a user's
        ('{"app_version": "2.1.0", "client_ip": "10.2.0.15"}', "10.2.0.15"),  # an address beside a version
    ],
)
def test_a_person_s_value_beside_those_shapes_is_still_redacted(text: str, value: str) -> None:
    assert value not in redact_text(text, {})


def test_a_masked_value_under_a_secret_key_stays_and_a_real_one_goes() -> None:
    from evalforge_assets.capture.pii import sanitize_value

    sanitized = sanitize_value({"password": "[FILTERED]", "api_key": "***", "secret": "real-s3cret-value"}, {})
    assert sanitized == {"password": "[FILTERED]", "api_key": "***", "secret": "<SECRET>"}


@pytest.mark.parametrize("address", [
    "c_iaheuczdfxdt5v5n0s09vh1o2y@resource.calendar.google.com",  # a room or a projector
    "6bf6zeol2yzihjcsm6nyf335fd@group.calendar.google.com",  # a shared calendar
])
def test_a_calendar_s_own_address_is_no_person_s(address: str) -> None:
    text = f'{{"email": "{address}", "resource": true}}'
    assert not_a_persons_mailbox(address)
    assert redact_text(text) == text
    assert second_opinion(text) == []


def test_a_person_s_address_at_a_calendar_like_domain_is_still_hidden() -> None:
    assert "<EMAIL>" in redact_text("invite anna.berg@calendar-google.example.com")


@pytest.mark.parametrize(
    "text",
    [
        '{"response": {"status": 201}, "serverIPAddress": "151.101.161.168"}',
        "STRIPE_SECRET_KEY=changeme-in-prod\nDATABASE_PASSWORD=change_me",
    ],
)
def test_a_websites_address_in_a_har_entry_and_a_templates_placeholder_stay_and_the_check_agrees(text: str) -> None:
    assert redact_text(text, {}) == text
    assert second_opinion(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "I see, the root password is in /etc/shadow.",  # where the secret is kept, not the secret
        "DB_PASSWORD=/run/secrets/db_password",
        "api_key: ~/.config/app/api.key",
    ],
)
def test_a_files_path_where_a_secret_would_stand_stays_and_the_check_agrees(text: str) -> None:
    assert redact_text(text, {}) == text
    assert second_opinion(text) == []


def test_a_password_with_slashes_and_capitals_or_symbols_is_still_a_password() -> None:
    assert redact_text("password: /Xy7!q/9z", {}) == "password: <PASSWORD>"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('remote_addr=10.1.2.3 "serverIPAddress": "151.101.161.168"', "10.1.2.3"),  # the client's address
        ("upstream=10.0.6.11:8080 rt=0.309", "10.0.6.11"),  # a proxy's upstream: corpora disagree, so hidden
        ("* Trying 104.18.17.170:443...", "104.18.17.170"),  # a host curl tries may be anyone's
        ("DATABASE_URL=postgres://app:pw@10.0.1.15:5432/shop", "10.0.1.15"),
        ("password: Changeme12", "Changeme12"),  # a password made from the placeholder
    ],
)
def test_a_clients_address_a_hosts_and_a_real_password_are_still_hidden(text: str, value: str) -> None:
    assert value not in redact_text(text, {})
