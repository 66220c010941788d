"""Thai names read by the Thai Names Corpus that pythainlp ships (`capture/pii_names_thai.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_thai import find_thai_names


def _names(text: str) -> list[str]:
    return [text[start:end] for _, start, end in find_thai_names(text)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a given name and a family name the corpus knows, between the phrases of a sentence
        ("กรุณาโอนเงินให้ สมชาย วงศ์ใหญ่ ภายในวันนี้", ["สมชาย วงศ์ใหญ่"]),
        # a family name the corpus lacks after a given name that is no word
        ("ลูกค้า สมหญิง ปิ่นทองคำแสง แจ้งว่าพัสดุยังไม่มาถึง", ["สมหญิง ปิ่นทองคำแสง"]),
        # a given name that is no word, alone before the sentence goes on with a word
        ("ส่งต่อให้ สมหญิง ด้วย", ["สมหญิง"]),
        # beside Latin letters and punctuation, and with SARA AM written as NIKHAHIT and SARA AA
        ("Attn: บุญมา รักไทย, Sales", ["บุญมา รักไทย"]),
        ("แจ้ง สมชาย ศรีสุข เรื่องค่าน้ํา", ["สมชาย ศรีสุข"]),
    ],
)
def test_a_known_given_name_is_read_with_the_family_name_after_it(text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "ดวงจันทร์ สวยมาก คืนนี้",  # a given name that is a word too (moon), before no known family name
        "กาญจนา ใบไม้ร่วง",  # gold, then a phrase: no family name the corpus knows
        "ขอบคุณครับ ยินดีให้บริการ",  # no given name at all
        "order 1234 shipped",  # no Thai letter
    ],
)
def test_words_that_are_given_names_too_stay_without_a_family_name(text: str) -> None:
    assert _names(text) == []


def test_the_redactor_hides_a_thai_name_and_keeps_the_sentence() -> None:
    text = "กรุณาโอนเงินให้ สมชาย วงศ์ใหญ่ ภายในวันนี้"
    assert redact_text(text, {}) == "กรุณาโอนเงินให้ <PERSON> ภายในวันนี้"
