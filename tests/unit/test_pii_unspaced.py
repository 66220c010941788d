"""Values written against Chinese, Japanese, Korean or Thai letters (`pii_unspaced`), and the labels, keys and
cues those values come with in this probe's languages: a call-back label, a Wi-Fi's password, a Mailgun key."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_unspaced import unspaced_view


def _redacted(text: str) -> str:
    return redact_text(text, {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("経理がカード4307 7195 1783 4690への返金を確認済み", "経理がカード<CREDIT_CARD>への返金を確認済み"),
        ("ノートPCが25.19.156.101からVPNに接続できない", "ノートPCが<IP_ADDRESS>からVPNに接続できない"),
        ("有事打13143511396", "有事打<PHONE>"),
        ("日志里还泄露了密钥key-e7cbb14a827888ad4001cabf733e5a11。", "日志里还泄露了密钥<API_KEY>。"),
        ("折り返し先：070-3496-6189。", "折り返し先:<PHONE>。"),
        ("Visszahívás: 31/241 3984.", "Visszahívás: <PHONE>."),
        ("prefers calls on 24791327 after 6pm", "prefers calls on <PHONE> after 6pm"),
        # A Wi-Fi's password named in a sentence, in several languages.
        ("le code wifi c'est Bonjour2023. bisous", "le code wifi c'est <PASSWORD>. bisous"),
        ("la clave del wifi es jJ0WcYegL_#R6Cur. ya compre", "la clave del wifi es <PASSWORD>. ya compre"),
        ("와이파이 비번은 QX8DI*vW@XwVkH, 급하면 전화해", "와이파이 비번은 <PASSWORD>, 급하면 전화해"),
        ("WLAN-Passwort ist Sommer2024!", "WLAN-Passwort ist <PASSWORD>"),
    ],
)
def test_values_against_unspaced_letters_and_their_cues_go(text: str, expected: str) -> None:
    assert _redacted(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "我的订单5928904552还没有发货",  # bare digits joined to the words: an order's id
        "注文1234567890の件",
        "2024년 6월 23일에 도착 예정",  # a date in Korean is no phone
        "연락처: 없음",  # a field's name is no person, though it starts with a family name's syllable
        "the wifi password is on the fridge",
        "the wifi is down, code 503 everywhere",
        "primary key-value store",
    ],
)
def test_ids_dates_and_words_stay(text: str) -> None:
    assert _redacted(text) == text


def test_the_view_keeps_offsets_and_is_only_made_where_it_finds_more() -> None:
    text = "カード4307 7195"
    view = unspaced_view(text)
    assert view is not None and len(view) == len(text) and view[3:] == text[3:]
    assert unspaced_view("カード 4307 7195") is None
    assert unspaced_view("plain ascii 4307") is None
