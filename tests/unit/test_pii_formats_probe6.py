"""Values in formats the sixth blind probe showed leaking, after its first measure (`docs/ingestion.md`, "Probe
6"): IBANs of a country outside the registry with their check, an IPv6 client address with its port joined by a
colon (uvicorn's access log), and passenger contacts in a reservation (CTCE, CTCM)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "value", "entity"),
    [
        ("they gave IR25 7095 3675 2222 4951 8483 67 — can you process today?", "IR25 7095 3675 2222 4951 8483 67",
         "IBAN"),
        ("شماره شبای من IR053633641725941130177674 واریز کنید", "IR053633641725941130177674", "IBAN"),
        ('INFO:     2a00:3ab7:a075:e6ce::da61:c67:37192 - "GET /v1/patients HTTP/1.1" 200', "2a00:3ab7:a075:e6ce::da61:c67",
         "IP_ADDRESS"),
        ("AF 1714 Y 14JUN ISTDXB HK3\nCTCE VAINIO.PEKKA//KOLUMBUS.FI\nCTCM 358457133745", "VAINIO.PEKKA//KOLUMBUS.FI",
         "EMAIL"),
        ("AF 1714 Y 14JUN ISTDXB HK3\nCTCE VAINIO.PEKKA//KOLUMBUS.FI\nCTCM 358457133745", "358457133745", "PHONE"),
    ],
)
def test_the_value_is_redacted(text: str, value: str, entity: str) -> None:
    redacted = redact_text(text, {})
    assert value not in redacted, redacted
    assert f"<{entity}>" in redacted


@pytest.mark.parametrize(
    "text",
    [
        "request id VD72NKSVDPGSXMEEW1D21KRG3Z failed",  # passes the IBAN check by chance; no country's code
        "ZM603ZWAFRMTG5CM4S5954Y1JY",  # a country's code, but letters after the check: an id
        "time 12:30:45:12345 done",
    ],
)
def test_lookalikes_stay(text: str) -> None:
    assert redact_text(text, {}) == text


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("caller: it's c dot webbbrown at gill-edwards dot info\nagent: thanks", "c dot webbbrown at gill-edwards dot info"),
        ("caller: it's larson dot leah at yahoo dot com dot au", "larson dot leah at yahoo dot com dot au"),
        ("can you send the contract to francisca_cunha at campos dot net", "francisca_cunha at campos dot net"),
        ("write to jane [at] example [dot] org today", "jane [at] example [dot] org"),
        ("or jane(at)example.org", "jane(at)example.org"),
    ],
)
def test_an_address_spelled_in_words_is_redacted(text: str, address: str) -> None:
    redacted = redact_text(text, {})
    assert address not in redacted, redacted
    assert "<EMAIL>" in redacted


def test_at_and_dot_in_a_sentence_are_no_address() -> None:
    text = "meet me at noon. Look at google dot com. We arrive at heathrow dot com today; retry at 10:30."
    assert redact_text(text, {}) == text


def test_a_social_security_number_in_a_form_s_digit_boxes_is_redacted() -> None:
    text = "6 City, state, ZIP: East Daniel, MS 05013\nPart I Social security number: 5 3 7   5 6   8 6 2 9\n"
    redacted = redact_text(text, {})
    assert "5 3 7   5 6   8 6 2 9" not in redacted and "<US_SSN>" in redacted


def test_digit_boxes_of_an_invalid_area_stay() -> None:
    text = "Social security number: 6 6 6   5 6   8 6 2 9"
    assert redact_text(text, {}) == text
