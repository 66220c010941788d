"""The PII detector and redactor: each entity type, the identifiers it must leave alone, the labeled set."""

from __future__ import annotations

import copy
import itertools
import json

import pytest

from evalforge_assets.capture.checksums import iban_check_digits, luhn_check_digit
from evalforge_assets.capture.pii import (
    PII_ENTITIES,
    PiiMatch,
    contains_pii,
    find_pii,
    iban_valid,
    luhn_valid,
    redact_tag,
    redact_text,
    sanitize_value,
)
from tests.corpora.pii import PERSON, labeled_pii_corpus, score

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)

# (entity, text, the exact value that must disappear)
POSITIVES = [
    ("EMAIL", "Contact me at alice.chen+orders@example.co.uk today.", "alice.chen+orders@example.co.uk"),
    ("PHONE", "Call (415) 555-0132 after 5pm.", "(415) 555-0132"),
    ("PHONE", "My number is 415.555.0132.", "415.555.0132"),
    ("PHONE", "Dial +1-415-555-0132 now", "+1-415-555-0132"),
    ("PHONE", "UK office +44 20 7946 0958, ask for billing", "+44 20 7946 0958"),
    ("PHONE", "Berlin: +49 30 90182044", "+49 30 90182044"),
    ("PHONE", "Paris +33 1 42 68 53 00 works", "+33 1 42 68 53 00"),
    ("PHONE", "Mumbai +91 98765 43210.", "+91 98765 43210"),
    # A number right after the phone is not part of it (the whole run has more digits than E.164 allows).
    ("PHONE", "office +49 151 48271108 401 Unauthorized", "+49 151 48271108"),
    ("PHONE", "call me at 4155550132 tomorrow", "4155550132"),
    ("CREDIT_CARD", "Visa 4111 1111 1111 1111 was declined", "4111 1111 1111 1111"),
    ("CREDIT_CARD", "Mastercard 5555-5555-5555-4444 charged", "5555-5555-5555-4444"),
    ("CREDIT_CARD", "amex 3782 822463 10005 on file", "3782 822463 10005"),
    ("CREDIT_CARD", "card=4012888888881881", "4012888888881881"),
    # A whole field of a comma-separated row, after a field that ends in a digit.
    ("CREDIT_CARD", "tx_bqzo11m4l9,4012888888881881,GBP,302.39", "4012888888881881"),
    ("CREDIT_CARD", "txn,pan\ntx_9,4012888888881881\n", "4012888888881881"),
    ("IBAN", "Refund to DE89 3704 0044 0532 0130 00 please", "DE89 3704 0044 0532 0130 00"),
    ("IBAN", "IBAN GB82WEST12345698765432.", "GB82WEST12345698765432"),
    ("IBAN", "to FR14 2004 1010 0505 0001 3M02 606 ok", "FR14 2004 1010 0505 0001 3M02 606"),
    ("US_SSN", "SSN 123-45-6789 on the form", "123-45-6789"),
    ("US_SSN", "ssn: 234567890", "234567890"),
    ("NATIONAL_ID", "codice fiscale RSSMRA85T10A562S on file", "RSSMRA85T10A562S"),
    ("NATIONAL_ID", "PESEL: 44051401359", "44051401359"),
    ("IP_ADDRESS", "login from 203.0.113.42 failed", "203.0.113.42"),
    ("IP_ADDRESS", "peer 2001:db8::8a2e:370:7334 reset", "2001:db8::8a2e:370:7334"),
    ("IP_ADDRESS", "client fe80::1ff:fe23:4567:890a dropped", "fe80::1ff:fe23:4567:890a"),
    ("STREET_ADDRESS", "ship it to 503 Charles Street tomorrow", "503 Charles Street"),
    ("STREET_ADDRESS", "Lieferung an Inga-Buchholz-Straße 78 fehlgeschlagen", "Inga-Buchholz-Straße 78"),
    ("STREET_ADDRESS", "entrega en Calle de Casemiro Mayoral 238", "Calle de Casemiro Mayoral 238"),
    ("STREET_ADDRESS", "livraison au 32, rue Sébastien Gomez", "32, rue Sébastien Gomez"),
    ("AWS_ACCESS_KEY", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    (
        "API_KEY",
        "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz012345",
        "sk-proj-abcdefghijklmnopqrstuvwxyz012345",
    ),
    ("API_KEY", "stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc in env", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
    (
        "GITHUB_TOKEN",
        "GH_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    ),
    ("JWT", f"token {JWT} expired", JWT),
    (
        "BEARER_TOKEN",
        "Authorization: Bearer 8f2a9c1e4b7d6a3f0e9d8c7b6a5f4e3d",
        "8f2a9c1e4b7d6a3f0e9d8c7b6a5f4e3d",
    ),
    ("PASSWORD", "DB_PASSWORD=S3cr3t!pw ready", "S3cr3t!pw"),
    ("PASSWORD", '{"password": "correct horse battery staple"}', "correct horse battery staple"),
    ("PASSWORD", "I reset my password to Summer2024! yesterday", "Summer2024!"),
    ("SECRET", 'client_secret: "9d8c7b6a5f4e3d2c1b0a"', "9d8c7b6a5f4e3d2c1b0a"),
    ("SECRET", "x-api-key: 0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"),
    ("SECRET", "Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
    (
        "URL_CREDENTIALS",
        "could not connect to postgres://app_user:S3cret@db.internal:5432/orders",
        "app_user:S3cret",
    ),
    ("PERSON", "Hi, my name is Alice Chen and I need help.", "Alice Chen"),
    ("PERSON", "Name: José Müller\nEmail: none", "José Müller"),
    ("PERSON", "Dear Siobhan,\nyour refund is on its way.", "Siobhan"),
    ("PERSON", "Best regards,\nMaria O'Brien", "Maria O'Brien"),
    ("PERSON", "signed, Kwame Mensah", "Kwame Mensah"),
    ("PERSON", "Please contact Priya Patel at the front desk.", "Priya Patel"),
    ("PERSON", "Dear Dr. Tanaka, thank you.", "Tanaka"),
    ("PERSON", "From: Lars Johansson <lj>", "Lars Johansson"),
]

# Operational identifiers and look-alikes that must come out exactly as they went in.
HARD_NEGATIVES = [
    "Looking up order 4411 for you.",
    "Order ORD-2024-88123 shipped.",
    "request 123e4567-e89b-12d3-a456-426614174000 failed",
    "upgraded to 2.3.1 from v1.14.0-rc.2",
    "the plan costs $19.99 per month, or €1,299.00 a year",
    "at 2024-05-01T10:22:13.123Z and 2024-05-01 10:22:13 and +02:00",
    "epoch 1714557733123 ms, seconds 1714557733",
    "took 8423ms (p95 12034 ms, 1.52s)",
    "reference 4111 1111 1111 1112 is not a card",  # fails Luhn
    "ref 4111111111111112",
    "trace 4bf92f3577b34da6a3ce929d0e0e4736 span 1234567890123456789",
    "span_id=16646781264553640286",
    "invalid IBAN DE00 3704 0044 0532 0130 00",
    "invalid IBAN GB00WEST12345698765432",
    "not SSNs: 000-12-3456, 666-12-3456, 912-34-5678, 123-00-4567, 123-45-0000",
    "Welcome to Evalforge Pro, powered by Acme Cloud.",
    "Hi Team, Dear Valued Customer, Hi there!",
    "Please contact Acme Cloud Support at the help center.",
    "Thanks,\nThe Evalforge Team",
    "prompt_tokens=812 max_tokens: 1024 tokens used: 1532 token_count=3",
    "token_type=bearer expires_in=3600",
    "Password must be at least 12 characters; your password is too short",
    "password = getpass(); api_key=settings.API_KEY",
    "ISBN 978-3-16-148410-0, clause 252.227-7013, build 10.0.19045.3803",
    "section 7.1.3.4 and version 1.2.3.4",
    "pod checkout-7d9f8b6c5-x2x8q restarted, HTTP 503 on port 5432",
]


@pytest.mark.parametrize(
    ("entity", "text", "value"), POSITIVES, ids=[f"{e}-{i}" for i, (e, _, _) in enumerate(POSITIVES)]
)
def test_each_entity_is_replaced_by_its_placeholder_and_counted(entity: str, text: str, value: str) -> None:
    counts: dict[str, int] = {}
    redacted = redact_text(text, counts)
    assert value not in redacted
    assert f"<{entity}>" in redacted
    assert counts.get(entity) == 1
    assert text.replace(value, f"<{entity}>") == redacted


def test_every_entity_type_in_the_public_list_is_covered_by_a_test() -> None:
    tested = {entity for entity, _, _ in POSITIVES}
    assert tested | {"USER_ID"} == set(PII_ENTITIES)


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_operational_identifiers_and_lookalikes_are_left_untouched(text: str) -> None:
    assert find_pii(text) == []
    assert redact_text(text) == text


def test_find_pii_returns_sorted_non_overlapping_matches_with_their_values() -> None:
    text = "Mail bob@example.com, card 4111 1111 1111 1111, ip 10.0.0.7"
    matches = find_pii(text)
    assert [m.entity for m in matches] == ["EMAIL", "CREDIT_CARD", "IP_ADDRESS"]
    assert all(text[m.start : m.end] == m.value for m in matches)
    assert all(a.end <= b.start for a, b in itertools.pairwise(matches))
    assert isinstance(matches[0], PiiMatch)


def test_a_specific_token_wins_over_the_generic_secret_key_rule() -> None:
    assert [(m.entity, m.value) for m in find_pii("api_key=sk-abcdefghijklmnopqrstuvwxyz0123")] == [
        ("API_KEY", "sk-abcdefghijklmnopqrstuvwxyz0123")
    ]
    assert [m.entity for m in find_pii(f"Authorization: Bearer {JWT}")] == ["JWT"]


def test_counts_accumulate_across_calls() -> None:
    counts = {"EMAIL": 2}
    redact_text("a@example.com and b@example.org", counts)
    redact_text("call (212) 555-0199", counts)
    assert counts == {"EMAIL": 4, "PHONE": 1}


def test_luhn_decides_whether_a_sixteen_digit_number_is_a_card() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert redact_text("pay 4111111111111111") == "pay <CREDIT_CARD>"
    assert redact_text("pay 4111111111111112") == "pay 4111111111111112"
    # Luhn-valid but no issuer starts with 1: an id, not a card.
    assert luhn_valid("1234567812345670")
    assert redact_text("id 1234567812345670") == "id 1234567812345670"


def test_check_digits_made_for_generators_are_the_ones_validation_accepts() -> None:
    # Published examples: the Visa test card and the IBAN of ISO 13616's German example.
    assert luhn_check_digit("411111111111111") == "1"
    assert iban_check_digits("DE", "370400440532013000") == "89"
    assert iban_check_digits("GB", "WEST12345698765432") == "82"
    for body in ("7992739871", "37828224631000", "601111111111111"):
        digit = luhn_check_digit(body)
        assert luhn_valid(body + digit)
        assert not luhn_valid(body + str((int(digit) + 1) % 10))


def test_iban_checksum_and_country_length_are_enforced() -> None:
    assert iban_valid("DE89370400440532013000")
    assert not iban_valid("DE88370400440532013000")  # check digits off by one
    assert not iban_valid("DE8937040044053201300")  # one character short for Germany
    assert redact_text("iban DE88370400440532013000") == "iban DE88370400440532013000"
    assert redact_text("iban DE89370400440532013000") == "iban <IBAN>"


def test_url_credentials_keep_scheme_host_port_and_path() -> None:
    redacted = redact_text("retry https://deploy:t0ps3cret@git.example.com:8443/acme/repo.git?ref=main")
    assert redacted == "retry https://<URL_CREDENTIALS>@git.example.com:8443/acme/repo.git?ref=main"
    assert (
        redact_text("redis://:pw-123456@cache.internal:6379/0")
        == "redis://<URL_CREDENTIALS>@cache.internal:6379/0"
    )


@pytest.mark.parametrize(
    ("url", "user"),
    [
        ("https://__token__:pypi-AgEIcHlwaS5vcmcCJGY@pypi.example.com/simple", "__token__"),
        ("https://x-access-token:ghs_16C7e42F292c6912E7710c838347Ae178B4a@github.com/acme/repo.git", "x-access-token"),
        ("https://oauth2:glpat-xxxxxxxxxxxxxxxxxxxx@gitlab.example.com/acme/repo.git", "oauth2"),
    ],
)
def test_a_token_logins_fixed_user_name_stays_and_its_token_goes(url: str, user: str) -> None:
    redacted = redact_text(f"index-url = {url}")
    assert f"://{user}:<URL_CREDENTIALS>@" in redacted
    assert url.split(":")[2].split("@")[0] not in redacted


def test_sanitize_value_walks_nested_values_and_hides_secret_like_keys() -> None:
    value = {
        "input": "my email is carol@example.com",
        "metadata": {
            "Password": "hunter22",
            "X-Api-Key": "abc",
            "clientSecret": {"nested": "anything"},
            "token_count": 12,
            "notes": ["ssn 123-45-6789", 42, None, True],
            "order_id": "ORD-2024-88123",
        },
        "tags": [
            "env:prod",
            "user_id:u-81723",
            "email:dave@example.com",
            "api_key:xyz",
            "note:call 415-555-0132",
        ],
        "user_id": "u-81723",
        "empty_secret": "",
        "auth": None,
    }
    original = copy.deepcopy(value)
    counts: dict[str, int] = {}
    clean = sanitize_value(value, counts)

    assert value == original, "sanitize_value must return a new object and leave its input alone"
    assert clean["input"] == "my email is <EMAIL>"
    assert clean["metadata"] == {
        "Password": "<PASSWORD>",
        "X-Api-Key": "<SECRET>",
        "clientSecret": "<SECRET>",
        "token_count": 12,
        "notes": ["ssn <US_SSN>", 42, None, True],
        "order_id": "ORD-2024-88123",
    }
    assert clean["tags"] == [
        "env:prod",
        "user_id:<USER_ID>",
        "email:<EMAIL>",
        "api_key:<SECRET>",
        "note:call <PHONE>",
    ]
    assert clean["user_id"] == "<USER_ID>"
    assert clean["empty_secret"] == "" and clean["auth"] is None
    assert counts == {"EMAIL": 2, "PASSWORD": 1, "SECRET": 3, "US_SSN": 1, "USER_ID": 2, "PHONE": 1}


def test_values_are_scanned_with_their_key_as_context() -> None:
    # Bare digits only count as an SSN or a phone number when a label says so; the key is that label.
    assert sanitize_value({"ssn": "234567890", "phone_number": 4155550132, "count": 234567890}) == {
        "ssn": "<US_SSN>",
        "phone_number": "<PHONE>",
        "count": 234567890,
    }
    assert sanitize_value({"customer_name": "Alice Chen", "tool_name": "lookup_order"}) == {
        "customer_name": "<PERSON>",
        "tool_name": "lookup_order",
    }


def test_numbers_that_are_cards_become_placeholders() -> None:
    counts: dict[str, int] = {}
    assert sanitize_value({"amount": 4111111111111111, "latency_ms": 8423}, counts) == {
        "amount": "<CREDIT_CARD>",
        "latency_ms": 8423,
    }
    assert counts == {"CREDIT_CARD": 1}


def test_redact_tag_hides_values_of_secret_and_user_keys() -> None:
    assert redact_tag("session_token:abc") == "session_token:<SECRET>"
    assert redact_tag("usr.id:12345") == "usr.id:<USER_ID>"
    assert redact_tag("service:checkout") == "service:checkout"
    assert redact_tag("owner:bob@example.com") == "owner:<EMAIL>"


def test_contains_pii_ignores_placeholders_and_catches_a_planted_leak() -> None:
    redacted = redact_text(
        "Dear Alice, card 4111 1111 1111 1111, Authorization: Bearer 8f2a9c1e4b7d6a3f0e9d8c7b6a5f4e3d, "
        "password=hunter22, postgres://u:p4ss@db/x"
    )
    assert "<" in redacted and not contains_pii(redacted)
    assert not contains_pii(json.dumps({"text": redacted, "tags": ["user_id:<USER_ID>"]}))
    assert contains_pii(redacted + " reach me at eve@example.com")


def test_labeled_corpus_is_deterministic_and_covers_every_entity_type() -> None:
    first, again, other = (
        labeled_pii_corpus(seed=3, size=50),
        labeled_pii_corpus(seed=3, size=50),
        labeled_pii_corpus(seed=4, size=50),
    )
    assert first == again
    assert first != other
    planted = {entity for sample in labeled_pii_corpus() for entity, _ in sample.entities}
    # The template corpus predates street addresses and other countries' identity numbers; the foreign corpus
    # (pii_foreign) covers addresses, tests/unit/test_pii_national_ids.py the identity numbers.
    assert planted == set(PII_ENTITIES) - {"USER_ID", "STREET_ADDRESS", "NATIONAL_ID"}


def test_full_labeled_set_has_no_structured_leak_and_no_damaged_negative() -> None:
    corpus = labeled_pii_corpus()
    scores = score(corpus)
    leaks = {entity: s.leaks for entity, s in scores.items() if entity not in (PERSON, "ALL") and s.leaks}
    damaged = {entity: s.damaged_negatives for entity, s in scores.items() if s.damaged_negatives}
    assert leaks == {}
    assert damaged == {}
    assert sum(len(sample.negatives) for sample in corpus) > 1000
    assert scores["ALL"].tp > 4000


def test_redacted_corpus_never_matches_again_even_as_json() -> None:
    for sample in labeled_pii_corpus(seed=1, size=500):
        redacted = redact_text(sample.text)
        assert not contains_pii(redacted), redacted
        assert not contains_pii(json.dumps({"text": redacted}))
        assert redact_text(redacted) == redacted


def test_scorer_counts_misses_and_leaks_of_a_detector_that_finds_nothing() -> None:
    corpus = labeled_pii_corpus(seed=2, size=100)
    scores = score(corpus, find=lambda text: [])
    planted = sum(len(sample.entities) for sample in corpus)
    structured = sum(1 for sample in corpus for entity, _ in sample.entities if entity != PERSON)
    assert scores["ALL"].tp == 0 and scores["ALL"].fn == planted and scores["ALL"].recall == 0.0
    assert scores["ALL"].leaks == structured


def test_scorer_counts_a_negative_damaged_by_an_overeager_detector() -> None:
    corpus = labeled_pii_corpus(seed=2, size=100)

    def everything(text: str) -> list[PiiMatch]:
        return [PiiMatch("SECRET", 0, len(text), text)]

    scores = score(corpus, find=everything)
    assert scores["SECRET"].damaged_negatives == sum(len(sample.negatives) for sample in corpus)


# ------------------------------------------------------------------------ the frozen foreign-data corpus

FOREIGN_CORPUS_SHA256 = "1cb0f4c638c7198721bb97dbb8a3d0b377304c788bf2855f9830f48c58f6f45d"


def test_the_foreign_pii_corpus_is_frozen() -> None:
    """The evaluation corpus is not edited to fit the detector: regenerating it is a deliberate, reviewed act
    that changes this pin."""
    from tests.corpora.pii_foreign import corpus_sha256, load

    assert corpus_sha256() == FOREIGN_CORPUS_SHA256
    samples = load()
    assert len(samples) == 3600
    assert {form for sample in samples for form in [sample.form]} >= {"base64", "fullwidth", "zerowidth", "query"}


# Cases from issue 9 that the detector missed: each value must be gone after redaction.
ISSUE_9_MISSES = [
    ("?email=erin.url%40example.com&page=2", "erin.url%40example.com"),
    ("payload=" + __import__("base64").b64encode(b'{"email": "b64.user@example.com"}').decode(), "b64.user"),
    ("contact hans@bücher.de today", "hans@bücher.de"),
    ("mail 用户@例子.广告 please", "用户@例子.广告"),
    ("reach ｅｒｉｎ＠ｅｘａｍｐｌｅ．ｃｏｍ now", "ｅｒｉｎ"),
    ("write to a@xn--d1acufc.xn--p1ai", "a@xn--d1acufc.xn--p1ai"),
    ("call 0044 20 7946 0958", "7946 0958"),
    ("mobile 07700 900123 after six", "07700 900123"),
    ("office 09-7625400", "09-7625400"),
    ("tel 090-1234-5678", "090-1234-5678"),
    ("sms 13812345678 sent", "13812345678"),
    ("ara 0532 123 45 67", "0532 123 45 67"),
    ("ph 0917-123-4567", "0917-123-4567"),
    ("rotated wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY yesterday", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ('remoteAddress: "::ffff:10.1.2.3"', "10.1.2.3"),
    ("nat64 64:ff9b::198.51.100.1 dropped", "198.51.100.1"),
    ("cards: 4111-1111-1111-1111 5555-5555-5555-4444", "5555-5555-5555-4444"),
    ("cards: 4111-1111-1111-1111 5555-5555-5555-4444", "4111-1111-1111-1111"),
    ("uatp 1354 12345 678911 ok", "1354 12345 678911"),
    ("dankort 5019 7170 1010 3742", "5019 7170 1010 3742"),
    ("maestro uk 6759 6498 2643 8453", "6759 6498 2643 8453"),
    ("unionpay 6212 3456 7890 1232 on file", "6212 3456 7890 1232"),
    ("ssn 078.05.1123 on the form", "078.05.1123"),
    ("iban BY13NBRB3600900000002Z00AB00", "BY13NBRB3600900000002Z00AB00"),
    ("iban VA59001123000012345678", "VA59001123000012345678"),
    ("iban LY83002048000020100120361", "LY83002048000020100120361"),
    ("e\u200bmail: zed\u200b@example.com", "example.com"),
]


@pytest.mark.parametrize(("text", "secret"), ISSUE_9_MISSES)
def test_values_hidden_by_encoding_or_unusual_formats_are_redacted(text: str, secret: str) -> None:
    redacted = redact_text(text)
    assert secret not in redacted, redacted
    assert "<" in redacted


def test_the_foreign_corpus_leaks_no_structured_value_but_phones_and_passwords_measured() -> None:
    """Structured types the libraries cover leak nothing on the frozen corpus; hard negatives stay intact."""
    from tests.corpora.pii_foreign import load, score

    result = score(load(), redact_text)
    for entity in ("EMAIL", "IBAN", "CREDIT_CARD", "US_SSN", "IP_ADDRESS", "TOKEN", "AWS_SECRET_KEY"):
        assert result.types[entity].leaked == 0, [leak for leak in result.leaks if leak[0] == entity][:5]
    assert result.over_redaction <= 0.02


def test_person_names_leak_at_most_five_percent_on_both_frozen_corpora() -> None:
    """Issue 9's target for names, on corpora written before the name finder was (held-out: 10% before it)."""
    from tests.corpora import pii_foreign, pii_heldout

    foreign = pii_foreign.score(pii_foreign.load(), redact_text)
    assert foreign.types["PERSON"].leaked <= 0.05 * foreign.types["PERSON"].planted
    heldout = pii_foreign.score(pii_heldout.load(), redact_text)
    assert heldout.types["PERSON"].leaked <= 0.01 * heldout.types["PERSON"].planted


# -------------------------------------------------------------------------------------- reviewer notes


def test_notes_written_through_the_api_service_are_redacted_before_they_are_stored(tmp_path) -> None:
    from evalforge_api.deps import review_service_for
    from evalforge_assets.models import SignatureStatus
    from evalforge_assets.store import open_store
    from tests.fixtures.factories import make_capture, make_signature

    store = open_store(f"sqlite:///{tmp_path / 'notes.db'}")
    store.save_captures([make_capture(capture_id="cap-1", signature_id="sig-1")])
    store.save_signatures([make_signature(signature_id="sig-1")])
    service = review_service_for(store)
    noted = service.note_capture("cap-1", "customer is zed.note@example.com 4111 1111 1111 1111", "key-abc")
    text = noted.notes[-1]["text"]
    assert "zed.note@example.com" not in text and "4111 1111 1111 1111" not in text
    assert "<EMAIL>" in text and "<CREDIT_CARD>" in text
    stored = store.get_capture("cap-1")
    assert stored is not None and "zed.note" not in str(stored.notes)
    audit = store.list_audit(limit=10).items
    assert audit and all("zed.note" not in str(entry.detail) for entry in audit)
    service.triage_signature("sig-1", SignatureStatus.triaged, "key-abc", note="call +44 20 7946 0958")
    assert all("7946 0958" not in str(entry.detail) for entry in store.list_audit(limit=20).items)


# ------------------------------------------------------------------------- every stored string is sanitized

_JWT_CANARY = JWT
_CANARIES = {
    "service": "svc-owner.canary1@example.com",
    "env": "prod-+44 20 7946 0958",
    "version": "v1 for canary3@example.org",
    "agent": "agent of canary4@example.com",
    "span_name": "call 4111 1111 1111 1111",
    "ml_app": "app-canary6@example.com",
    "error_type": _JWT_CANARY,
    "model_name": "gpt-4o canary8@example.com",
    "label": "judge canary9@example.com",
    "metric_type": "score 078.05.1123",
    "role": "user canary11@example.com",
    "session": "sess canary12@example.com",
    "meta_key": "canary13@example.com",
}


def _hostile_span() -> dict:
    return {
        "id": "s1",
        "type": "span",
        "attributes": {
            "span_id": "alice.span@example.com",
            "trace_id": "697e97820000000031e9932de6ea8065",
            "parent_id": "undefined",
            "name": _CANARIES["span_name"],
            "span_kind": "agent",
            "ml_app": _CANARIES["ml_app"],
            "start_ns": 1769904002982773920,
            "duration": 4665893938.0,
            "status": "error",
            "model_name": _CANARIES["model_name"],
            "input": {"messages": [{"role": _CANARIES["role"], "content": "hello"}]},
            "output": {"value": "sorry"},
            "metadata": {"agent_name": _CANARIES["agent"], _CANARIES["meta_key"]: "x"},
            "meta": {"error": {"message": "boom"}},
            "evaluation": {
                _CANARIES["label"]: {"eval_metric_type": _CANARIES["metric_type"], "value": 0.1},
            },
            "tags": [
                f"service:{_CANARIES['service']}",
                f"env:{_CANARIES['env']}",
                f"version:{_CANARIES['version']}",
                f"session_id:{_CANARIES['session']}",
                f"error_type:{_CANARIES['error_type']}",
            ],
        },
    }


def test_every_stored_string_of_a_capture_is_sanitized_and_bad_identifiers_are_hashed() -> None:
    from evalforge_assets.capture.build import UserHasher, build_capture
    from evalforge_assets.capture.classify import FailureRules, failure_reasons
    from evalforge_assets.capture.sanitize import HASHED_ID_PREFIX
    from evalforge_assets.capture.spans import parse_span
    from evalforge_assets.models import Lineage

    span = parse_span(_hostile_span())
    rules = FailureRules()
    reasons = failure_reasons(span, rules)
    assert reasons, "the hostile span must be a failure for this test to mean anything"
    capture = build_capture(span, reasons, rules, UserHasher("k"), Lineage(), "2026-02-01T00:00:00.000000Z")
    stored = capture.model_dump_json()
    for field_name, canary in _CANARIES.items():
        secret = canary.split()[-1] if " " in canary else canary
        assert secret not in stored, f"{field_name} leaked: {secret}"
    assert capture.source.span_id.startswith(HASHED_ID_PREFIX)
    assert capture.source.trace_id == "697e97820000000031e9932de6ea8065"
    assert "alice.span" not in capture.source.url


# ----------------------------------------------------------------------- cheap gates change what is found in no text

_GATE_SAMPLES = [
    "ship to 503 Charles Street", "Flat 85K\nMarion Manors", "Studio 7 Kerry Lock", "32, rue Sébastien Gomez",
    "it is true Because", "C. Mayor 12, Madrid", "Av. Paulista 1000", "Pza. de España 3", "Via privata Rossi 4",
    "Hauptstr. 5", "Wesleydreef 6", "Binnerring\t 501", "Inga-Buchholz-Straße 7809", "rua Isabel Casa Grande, 40",
    "key glpat-abcdefghijklmnopqrstuvwx", "ya29.abcdefghijklmnopqrstuvwxyz0123456789", "SG.abcdefghijklmnop.q" + "r" * 40,
    "mot de passe: Hunter22!", "Passwort=geheim123", "api_key=Zx81kQ0pLmN3vB7c", "::ffff:10.0.0.1 refused",
    "2001:db8:85a3:8d3:1319:8a2e:370:7348:443", "call 0044 20 7946 0958", "SSN 078.05.1123", "card 4111-1111-1111-1111",
    "id 3343f6d6-a56f-4371-bc78-f72744b8f64e", "Nienke Oude Heer wrote", "\u0663\u0664\u0665 Main Street",
    "session=1//0gLx-Ab3dEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd", "the new one (Winter#135*) is no password",
    # Longer than the length at which the French test switches from one pattern to a search per street type.
    "Traceback (most recent call last):\n  File \"/app/x.py\", line 12, in run\n" * 3 + "livraison au 12 rue Victor Hugo",
    "Traceback (most recent call last):\n  File \"/app/x.py\", line 12, in run\n" * 3 + "it is true Because 7 Avenue Foch",
]


def _texts_for_gates() -> list[str]:
    from tests.corpora.pii_foreign import load

    corpus = [sample.text for sample in labeled_pii_corpus(seed=3, size=600)]
    return _GATE_SAMPLES + corpus + [sample.text for sample in load()]


def test_shape_gates_on_ascii_text_find_exactly_what_the_substring_gates_find() -> None:
    """The byte-view gates (`Shapes`) may only skip finders that would find nothing: on ASCII text every
    finder yields the same candidates as with the slower substring gates used for other scripts."""
    from dataclasses import replace

    from evalforge_assets.capture.pii_address import find_addresses
    from evalforge_assets.capture.pii_library import library_candidates
    from evalforge_assets.capture.pii_shapes import Shapes

    checked = 0
    for text in _texts_for_gates():
        if not text.isascii():
            continue
        fast, slow = Shapes.of(text), replace(Shapes.of(text), ascii=False)
        assert sorted(library_candidates(text, fast)) == sorted(library_candidates(text, slow)), text
        assert list(find_addresses(text, fast)) == list(find_addresses(text, slow)), text
        checked += 1
    assert checked > 2000


def test_repeated_strings_are_answered_from_the_memo_without_sharing_the_list() -> None:
    text = "call me at 4155550132 or alice.chen@example.co.uk"
    first = find_pii(text)
    first.clear()  # a caller's changes to its list must not reach the next caller
    assert [match.entity for match in find_pii(text)] == ["PHONE", "EMAIL"]
    assert find_pii(text) == find_pii(text)


def test_raw_spans_keep_valid_identifiers_and_hash_the_others_while_the_rest_is_redacted() -> None:
    """Raw spans at rest follow the captures' identifier rule: a 19-digit span id that starts with 62 and
    passes Luhn is an id, not a card (redacting it gave every such span of a trace the same capture id)."""
    from evalforge_assets.capture.build import UserHasher
    from evalforge_assets.capture.raw_protection import redact_raw_item
    from evalforge_assets.capture.sanitize import HASHED_ID_PREFIX

    assert luhn_valid("6218444188269930235")
    item = {
        "id": "6218444188269930235",
        "type": "span",
        "attributes": {
            "span_id": "6218444188269930235",
            "trace_id": "trace of bob@example.com",
            "parent_id": "undefined",
            "metadata": {"note": "card 4111 1111 1111 1111", "span_id": "4111111111111111"},
        },
    }
    redacted = redact_raw_item(copy.deepcopy(item), UserHasher("k"))
    attributes = redacted["attributes"]
    assert redacted["id"] == attributes["span_id"] == "6218444188269930235"
    assert attributes["parent_id"] == "undefined"
    assert attributes["trace_id"].startswith(HASHED_ID_PREFIX) and "bob" not in json.dumps(redacted)
    # Only the span's own identifiers are exempt: the same key deeper in metadata is scanned like any value.
    assert attributes["metadata"] == {"note": "card <CREDIT_CARD>", "span_id": "<CREDIT_CARD>"}


# ------------------------------------------------------------------------------- numbers to be called on


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("I'm outside, buzzer doesn't work, call (002)-2934173", "(002)-2934173"),
        ("you can reach me on 37561327691 after six", "37561327691"),
        ("text her at 0532 123 45 67 tonight", "0532 123 45 67"),
    ],
)
def test_a_number_someone_is_to_be_called_on_is_a_phone_in_any_numbering_plan(text: str, number: str) -> None:
    redacted = redact_text(text)
    assert number not in redacted and "<PHONE>" in redacted


@pytest.mark.parametrize(
    "text", ["API call 20240101 returned 200", "retry call 3 of 5", "call took 1234567ms", "reach 99.9999% uptime"]
)
def test_calls_that_are_not_phone_calls_keep_their_numbers(text: str) -> None:
    assert redact_text(text) == text


@pytest.mark.parametrize(
    ("tag", "redacted"),
    [
        ("client_ip:2001:db8:9866::dae0", "client_ip:<IP_ADDRESS>"),  # the post-write check found these stored
        ("peer:fe80::1ff:fe23:4567:890a", "peer:<IP_ADDRESS>"),
        ("2001:db8:869::98cc", "<IP_ADDRESS>"),
        ("client_ip:10.1.2.3", "client_ip:<IP_ADDRESS>"),
        ("env:prod", "env:prod"),
    ],
)
def test_an_ipv6_address_right_after_a_key_colon_is_found_in_a_tag(tag: str, redacted: str) -> None:
    counts: dict[str, int] = {}
    assert redact_tag(tag, counts) == redacted
    assert counts == ({"IP_ADDRESS": 1} if "<IP_ADDRESS>" in redacted else {})


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ('{"peer": "client_ip:2001:db8::1"}', '{"peer": "client_ip:<IP_ADDRESS>"}'),
        ("accepted from remote_addr:2001:db8:9866::dae0 ok", "accepted from remote_addr:<IP_ADDRESS> ok"),
        ("std::vector::push_back failed", "std::vector::push_back failed"),
        ("at 10:20:30:40 the job ran", "at 10:20:30:40 the job ran"),
    ],
)
def test_an_ipv6_address_right_after_a_key_colon_is_found_in_any_text(text: str, redacted: str) -> None:
    assert redact_text(text) == redacted


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("STRIPE_KEY=43c8710d262756f6c09e5bfbc0d294e3\nLOG_LEVEL=info", "STRIPE_KEY=<SECRET>\nLOG_LEVEL=info"),
        ("MAPS_KEY: ab12cd34ef56gh78ij90", "MAPS_KEY: <SECRET>"),
        # Keys that name records keep their values, and a service's key with a word in it is no secret.
        ("idempotency_key=43c8710d262756f6c09e5bfbc0d294e3", "idempotency_key=43c8710d262756f6c09e5bfbc0d294e3"),
        ("cache_key=user42profile9999999x", "cache_key=user42profile9999999x"),
        ("public_key=43c8710d262756f6c09e5bfbc0d294e3", "public_key=43c8710d262756f6c09e5bfbc0d294e3"),
        ("sort key: name", "sort key: name"),
        ("ROUTING_KEY=orders.created", "ROUTING_KEY=orders.created"),
    ],
)
def test_a_services_key_with_a_random_value_is_a_secret(text: str, redacted: str) -> None:
    assert redact_text(text, {}) == redacted
