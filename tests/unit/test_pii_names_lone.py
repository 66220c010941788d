"""One word of a script without capitals, alone in English prose, read as a name by the words around it
(`capture/pii_names_lone.py`). The examples are invented."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_lone import lone_words_named
from evalforge_assets.capture.pii_taken import TakenSpans


@pytest.mark.parametrize(("text", "name"), [
    ("Ticket summary: วรวุฒิ said the parcel arrived crushed and asked for a refund.", "วรวุฒิ"),
    ("Escalated by גלעד to tier 2 after the second timeout.", "גלעד"),
    ("Looks like 준호 already closed the ticket.", "준호"),
    ("Per the notes, प्रियंका approved the credit yesterday.", "प्रियंका"),
    ("cc: 美玲 and Tom Reyes, please review the rollout plan", "美玲"),
    ("Owner per lock screen: ทองใบ, call back tomorrow.", "ทองใบ"),
])
def test_a_lone_word_where_a_person_stands_is_a_name(text: str, name: str) -> None:
    redacted = redact_text(text, {})
    assert name not in redacted
    assert "<PERSON>" in redacted


@pytest.mark.parametrize("text", [
    "We opened a warehouse in 东莞 last quarter to cut delivery times.",  # a place, by `in`
    "Please add 10.0.0.8 to the allowlist for 腾讯 before the launch.",  # a firm, by `allowlist for`
    "validation error [type=enum, input_value='紧急', input_type=str]",  # a value quoted alone
    "ERROR wechat: 签名错误 serial_no=D2A2 out_trade_no=88",  # two dictionary words: "signature error"
    "Site visit at فيصل Ltd on Monday",  # a firm's legal form after it
    "Eval failed. 判定理由: 車両 VH-12 の最大積載量(3500kg)を超える",  # kana: a Japanese phrase
])
def test_a_lone_word_that_names_no_one_stays(text: str) -> None:
    assert redact_text(text, {}) == text.replace("10.0.0.8", "<IP_ADDRESS>")


def test_a_word_in_a_sentence_of_its_own_script_is_left_to_the_other_finders() -> None:
    # Other letters of such a script within reach: the word is part of that text, not alone in English.
    text = "payments.errors.PaymentDeclined: [PG 응답코드 E061] 결제 승인 실패"
    assert list(lone_words_named(text, TakenSpans())) == []


def test_an_everyday_word_the_dictionary_tags_as_a_name_is_none() -> None:
    # jieba's dictionary tags `谢谢` ("thanks") a person's name; it counts it as often as an everyday word.
    assert list(lone_words_named("The agent replied 谢谢 and closed the chat.", TakenSpans())) == []


def test_letters_inside_findings_made_already_do_not_count_against_it() -> None:
    text = "Spoke with สมศรี ทองดี re renewal. ชัชนันท์ from procurement was on the line."
    found = text.index("สมศรี"), text.index(" re renewal")
    assert list(lone_words_named(text, TakenSpans())) == []
    assert list(lone_words_named(text, TakenSpans([found]))) == [
        ("PERSON", text.index("ชัชนันท์"), text.index(" from procurement"))]
