"""Forms of structured values that blind probe 18 (text written natively in 27 languages) showed leaking: a call
reported in a CRM note with its number in brackets, or asked for in an imperative (`capture/pii_phones_reported.py`),
"my number is" in other languages and a contact label (`capture/pii_phones_placed.py`), phone, name and address
columns headed in the local language and a row split by an unquoted comma (`capture/pii_csv_columns.py`,
`capture/pii_key_names.py`, `capture/pii_address_keys.py`), a second SSN compared to one named
(`capture/pii_ssn_words.py`), and "the old one was" in a chat about a password (`capture/pii_password_prose.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_address_keys import address_key, street_value
from evalforge_assets.capture.pii_key_names import _normalized, key_kind


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Notat 25.04.2025: Christian Svendsen ringte (463 42 674) om dobbelttrekk", "463 42 674"),
        ("Poznámka: volal(a) Gabriela Bednářová (776 526 676) kvůli dvojí platbě", "776 526 676"),
        ("Registro – Sr. Denis Matias ligou (932691122) reclamando da cobrança", "932691122"),
        ("Maria Rossi ha chiamato (338 123 4567) per il rimborso", "338 123 4567"),
        ("если опоздаешь, звони 89455725066", "89455725066"),
        ("Hei, jeg heter Jorunn Brekke, nummeret mitt er 441 21 681.", "441 21 681"),
        ("Endereço: Rua Morais Soares 22\nContato: 933416588\nQueixa: febre", "933416588"),
        ("Cliente: mi número es 612 345 678, gracias", "612 345 678"),
    ],
)
def test_numbers_of_calls_reported_or_asked_for_go(text: str, number: str) -> None:
    assert number not in redact_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "The customer called (order 12345678) twice",  # the bracket names what the number is
        "Anna called about invoice (20240101) again",  # what the call was about stands between
        "Liga 2023 2024 results",  # an imperative that is also another word is not read
        "Contact: 12345678 items in stock",  # a count after a contact label
        "He called (1234) times",  # too few digits
    ],
)
def test_other_numbers_beside_a_call_stay(text: str) -> None:
    for number in ("12345678", "20240101", "2023 2024", "1234"):
        if number in text:
            assert number in redact_text(text)


@pytest.mark.parametrize(
    "key",
    ["फ़ोन", "मोबाइल", "전화번호", "điện thoại", "số_điện_thoại", "τηλέφωνο", "טלפון", "เบอร์โทร", "الجوال", "電話番号",
     "telepon", "telefonu"],
)
def test_phone_keys_in_other_languages_name_a_phone(key: str) -> None:
    assert key_kind(key) == "PHONE"


def test_a_key_keeps_the_marks_that_spell_it() -> None:
    assert _normalized("फ़ोन") == "फ़ोन"  # Devanagari's nukta and vowel sign
    assert _normalized("contrasen\u0303a") == "contrasena"  # a Latin accent typed apart is dropped, as before
    assert key_kind("hotel") is None


def test_a_yaml_value_under_a_hindi_phone_key_goes() -> None:
    text = 'contact_secondary:\n  नाम: "श्यामल साहा"\n  फ़ोन: "9682009535"'
    assert "9682009535" not in redact_text(text)


@pytest.mark.parametrize(
    ("table", "kept", "gone"),
    [
        (("नाम,पता,पिन,शहर,फ़ोन,ईमेल,ऑर्डर_नंबर\n"
         'राजीव खान,"मकान नं. 386, लाजपत नगर",662734,जयपुर,9508468273,iraay95@yahoo.co.in,N°6303156'),
         ["662734", "N°6303156"], ["राजीव खान", "9508468273", "लाजपत नगर"]),
        (("שם,כתובת,מיקוד,עיר,טלפון,אימייל,מספר_הזמנה\n"
         'הראל פרץ,"רחוב רוטשילד 118",8034272,חיפה,054-6222186,lqyymrbl@gmail.com,N°43659463'),
         ["8034272", "N°43659463"], ["הראל פרץ", "054-6222186", "רוטשילד 118"]),
        (("名,姓,住所,郵便番号,都道府県,電話番号,メール,注文番号\n"
         '太郎,高橋,"栄1丁目3番7号",〒290-4259,東京都渋谷区,06-6419-0263,yoko_419@ezweb.ne.jp,SO058151'),
         ["SO058151"], ["高橋", "栄1丁目3番7号", "06-6419-0263"]),
    ],
)
def test_columns_headed_in_the_local_language_are_read(table: str, kept: list[str], gone: list[str]) -> None:
    redacted = redact_text(table)
    for value in kept:
        assert value in redacted
    for value in gone:
        assert value not in redacted


def test_a_phone_in_a_row_split_by_an_unquoted_comma_goes() -> None:
    table = (
        "họ_tên,địa_chỉ,mã_bưu_chính,thành_phố,số_điện_thoại,email,mã_đơn\n"
        'Trần Quang Quân,"192 Võ Văn Tần",122171,Quận 1, TP. Hồ Chí Minh,090.265.6159,qtran@gmail.com,N°48617507\n'
        'Bùi Thu Tâm,"48/22 Trần Hưng Đạo",167412,Hà Nội,0990 673 666,tbui@yahoo.com.vn,037-8131476'
    )
    redacted = redact_text(table)
    assert "090.265.6159" not in redacted and "0990 673 666" not in redacted
    assert "N°48617507" in redacted and "037-8131476" in redacted


@pytest.mark.parametrize(
    ("value", "street"),
    [
        ("Severní X 1424/16", True),  # a slash in a house number
        ("48/22 Trần Hưng Đạo", True),
        ("Jl. Melati No. 127, RT 05/RW 01", True),
        ("栄1丁目3番7号", True),  # a script that writes a word in one character
        ("/var/log/app 12", False),  # a path
        ("src/main 12", False),
        ("https://x.org/12 Main", False),
    ],
)
def test_a_street_value_under_an_address_key(value: str, street: bool) -> None:
    assert street_value(value) is street


@pytest.mark.parametrize("key", ["địa_chỉ", "ที่อยู่", "पता", "alamat", "Straße", "العنوان", "כתובת"])
def test_address_keys_in_other_languages(key: str) -> None:
    assert address_key(key)


@pytest.mark.parametrize(
    ("text", "second"),
    [
        ("Full SSN on file 290-68-0004 vs. given 310693735. Flagged to IT.", "310693735"),
        ("Full SSN on file 204614964 vs. given 719248293. Flagged.", "719248293"),
    ],
)
def test_a_second_ssn_compared_to_a_named_one_goes(text: str, second: str) -> None:
    assert second not in redact_text(text)


def test_a_number_after_a_named_ssn_that_is_not_compared_stays() -> None:
    assert "719248293" in redact_text("SSN 204614964, order 719248293 shipped")
    assert "719248293" in redact_text("invoice 204614964 vs. given 719248293")


@pytest.mark.parametrize(
    ("text", "password"),
    [
        ("passwort vergessen, login ist rbruder@gmail.com, das alte war glaub ich LgmDmzIhrZ", "LgmDmzIhrZ"),
        ("esqueci a senha do app, a antiga era saudade.Praha84", "saudade.Praha84"),
        ("I reset my password, the old one was hunter2go.", "hunter2go"),
    ],
)
def test_the_old_one_in_a_chat_about_a_password_goes(text: str, password: str) -> None:
    assert password not in redact_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "The old one was better, the password manager rocks",  # a word of the sentence
        "the old one was hunter2go, the new one is faster",  # no word for a password in the text
    ],
)
def test_other_old_ones_stay(text: str) -> None:
    assert redact_text(text) == text
