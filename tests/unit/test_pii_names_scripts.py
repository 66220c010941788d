"""Person names in scripts without capitals, and Cyrillic names, in Latin-script text (`capture/pii_names_scripts.py`).

Faker's names (pinned in uv.lock, seeded) in thirteen such locales, in log, ticket and prompt lines: before this
finder every Chinese, Korean, Hindi, Arabic, Hebrew, Persian, Thai and Bengali name stayed in clear.
"""

from __future__ import annotations

import random
import re

import pytest
from faker import Faker

from evalforge_assets.capture.pii import find_pii, redact_text

LOCALES = ("zh_CN", "zh_TW", "ja_JP", "ko_KR", "hi_IN", "ar_AA", "he_IL", "fa_IR", "th_TH", "bn_BD", "ru_RU", "ka_GE",
           "hy_AM")
SENTENCES = ("Customer {} reported that the refund never arrived", "Hello {}, your order has shipped.",
             '{{"customer": {{"full_name": "{}", "tier": "gold"}}}}', "Transcript: {}: I want to cancel my plan",
             "Refund approved for {} after review", "[{}] cannot log in since Tuesday", "Passenger: {}",
             "reply sent to {} at 14:02")
PER_LOCALE = 30
# Titles and honorifics Faker puts before some names; they name no one.
TITLES = {"г-н", "г-жа", "السيد", "السيدة", "الأستاذ", "الدكتور", "سرکار", "خانم", "آقای", "دکتر", "संमानित", "आदरसूचक",
          "डा", "श्री", "श्रीमती"}


def test_names_in_other_scripts_leak_at_most_five_percent() -> None:
    rng = random.Random(7)
    leaked, total = [], 0
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(rng.randrange(10**6))
        for _ in range(PER_LOCALE):
            name = fake.name()
            redacted = redact_text(rng.choice(SENTENCES).format(name))
            total += 1
            parts = [part for part in re.split(r"[\s.]+", name) if len(part) >= 2 and part not in TITLES]
            if any(part in redacted for part in parts):
                leaked.append((locale, redacted))
    assert len(leaked) / total <= 0.05, leaked[:10]


@pytest.mark.parametrize("name", [
    "梁鑫", "陳麗卿", "木村 陽一", "佐々木 聡太郎", "김영희", "홍 정훈", "राहुल जैन", "অর্পিতা যাদব", "السيدة آلاء طرابلسي",
    "רבקה אלון", "אדם מזרחי-צרפתי", "مريم گلپایگانی", "ชิดชนก เยาวธนโชค",
    "Аполлинарий Эдгарович Филатов", "Дьячкова Акулина Антоновна", "Охрім Овчаренко",
])
def test_a_name_standing_in_latin_text_is_a_person(name: str) -> None:
    assert redact_text(f"Ticket from {name}: cannot log in") == "Ticket from <PERSON>: cannot log in"


@pytest.mark.parametrize("text", [
    "用户在结账时遇到了超时错误，请稍后再试。",  # a Chinese sentence: names in it are the Chinese finders' business
    "status: 成功",  # a word, not a family name, starting the run
    '  File "/usr/lib/python3.11/site-packages/陶器/client.py", line 3, in request',  # a path segment
    "input_value='管理する'",  # Japanese word with kana: Japanese names are written apart
    "Сервис временно недоступен, повторите попытку позже",  # one capital: a sentence, not a name
    "सर्वर से कनेक्शन टूट गया है और अनुरोध विफल हो गया",  # a Hindi sentence
])
def test_text_in_those_scripts_is_no_name(text: str) -> None:
    assert [match for match in find_pii(text) if match.entity == "PERSON"] == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("박진우 が参加します", "박진우"),  # a Korean name in a Japanese sentence
        ("会议由배미영主持", "배미영"),  # ... in a Chinese one
        ("ნუგზარ ბაკურაძე が参加します", "ნუგზარ ბაკურაძე"),  # a Georgian name in a Japanese one
        ("会议由ถนอมชัย ทวนไชย์主持", "ถนอมชัย ทวนไชย์"),  # a Thai name in a Chinese one
    ],
)
def test_a_name_of_another_script_stands_alone_in_east_asian_text(text: str, name: str) -> None:
    assert name not in redact_text(text, {})


@pytest.mark.parametrize(
    "text",
    [
        # the words after an id in the middle of a sentence in their script go on with it
        "ملاحظة: اتصل العميل بخصوص الطلب ORD-2291-07 وطلب تغيير العنوان.",
        "הערה: הלקוח ביקש לבטל את הזמנה INV-88213, החזר כספי אושר.",
        "नोट: ग्राहक ने ऑर्डर TKT4471, वापसी का अनुरोध किया",
    ],
)
def test_the_sentence_after_an_id_in_its_own_script_is_no_name(text: str) -> None:
    assert redact_text(text, {}) == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("TKT-4471: רוני עזרא", "רוני עזרא"),  # an id as a label sets the name after its colon apart
        ("ref FAC-039197\n\nרוני עזרא", "רוני עזרא"),  # an id on a line above heads a signature
        ('{"line1": "x", "recipient": "رامي المشاولة"}', "رامي المشاولة"),  # a key's word and number is no id
    ],
)
def test_a_name_beside_an_id_that_does_not_run_into_it_is_still_a_name(text: str, name: str) -> None:
    assert name not in redact_text(text, {})


def test_east_asian_text_of_one_script_is_no_name() -> None:
    text = "本日のメンテナンスは午後十時から午前二時まで行います。ご不便をおかけします。"
    assert redact_text(text, {}) == text


@pytest.mark.parametrize("text", [
    "رقم الطلب 12345678",  # "order number": a short text of one script, whose two words name a field
    "מספר הזמנה 12345678",
    "ऑर्डर संख्या 12345",
    "رقم الجوال: 0551234567",  # "mobile number": a key's words
])
def test_the_words_that_label_a_number_are_no_name(text: str) -> None:
    assert [match for match in find_pii(text) if match.entity == "PERSON"] == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("- Partner: 강; daughter 美咲 starts school in September.", "美咲"),
        ("- Partner: سلمى; son كريم plays football.", "سلمى"),
        ("Memory: wife ปรียา prefers calls after six.", "ปรียา"),
    ],
)
def test_one_word_of_an_uncased_script_after_a_relatives_word_is_a_name(text: str, name: str) -> None:
    redacted = redact_text(text, {})
    assert name not in redacted and "<PERSON>" in redacted, redacted


def test_a_word_of_an_uncased_script_without_a_relative_before_it_stays() -> None:
    assert redact_text("The label says 美咲 on the box", {}) == "The label says 美咲 on the box"
