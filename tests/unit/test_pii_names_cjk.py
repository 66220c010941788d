"""Names inside Chinese, Japanese and Korean text by the words written beside them (`capture/pii_names_cjk.py`),
and Cyrillic and Greek given names read romanised in lower-case lines (`capture/pii_names_romanised.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_cjk import JAPANESE_FAMILY_NAMES, find_cjk_cued_names
from evalforge_assets.capture.pii_names_romanised import has_family_name_ending, romanised_given_name


def _names(text: str) -> list[str]:
    return sorted({text[start:end] for _, start, end in find_cjk_cued_names(text)})


@pytest.mark.parametrize(("text", "names"), [
    # An honorific after the name, written apart or not.
    ("[00:48] お客様: 陽子 さんが 火曜日 は誰も来なかったって", ["陽子"]),
    ("昨日田中さんが来た", ["田中"]),
    ("山本部長に確認します", ["山本"]),
    ("王先生已经回电", ["王"]),
    ("김민수 씨가 목요일에 왔어요", ["김민수"]),
    # A label, and the list of names it heads, with an author list's marks.
    ("著者: 森 美加子^1、高橋健一^2、中島浩^3", ["中島浩", "森 美加子", "高橋健一"]),
    ("作者：周浩、霍玉珍、刘彬", ["刘彬", "周浩", "霍玉珍"]),
    ("저자: 김건우^1、우상호^2", ["김건우", "우상호"]),
    # Introductions and an account's holder.
    ("あの 藤原桃子 と申します", ["藤原桃子"]),
    ("契約は 佐藤 浩 の名義です", ["佐藤 浩"]),
    ("我叫王利，今天想退货", ["王利"]),
    ("고객: 네 저 송영자 인데요", ["송영자"]),
    ("명의는 손영수 로 되어 있어요", ["손영수"]),
    # A Japanese family name and a given name, with no cue.
    ("田中 千代から連絡きた", ["田中 千代"]),
])
def test_names_marked_by_their_language(text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize("text", [
    "石川県金沢市の山口大学に行きます",  # a prefecture and a university named like family names
    "お母さんに聞いた",  # a polite prefix: a relative, not a name
    "お客様: 住所は東京都です",
    "고객님 문의하신 내용입니다",  # "dear customer"
    "我是客服，请问有什么可以帮您",  # "I am customer service"
    "선생님 감사합니다",
    "皆さん、こんにちは",
])
def test_roles_places_and_relatives_are_no_names(text: str) -> None:
    assert _names(text) == []


def test_korean_roles_before_an_honorific_stay_in_every_finder() -> None:
    assert redact_text("고객님 문의하신 내용입니다. 사장님 확인 부탁드립니다", {}) == "고객님 문의하신 내용입니다. 사장님 확인 부탁드립니다"


def test_family_names_of_one_character_need_a_cue() -> None:
    """`林` (grove), `森` (forest) and `東` (east) are everyday words: without an honorific or a label they stay."""
    assert all(len(name) >= 2 for name in JAPANESE_FAMILY_NAMES)
    assert _names("森の中を歩いた") == []
    assert _names("林さんに連絡した") == ["林"]


def test_a_japanese_family_name_alone_in_latin_text_is_a_name() -> None:
    assert redact_text("Thought: 井上 asked to hold it until Monday", {}) == "Thought: <PERSON> asked to hold it until Monday"
    assert redact_text("- 斉藤千代 — send the deck before Friday", {}) == "- <PERSON> — send the deck before Friday"


@pytest.mark.parametrize(("word", "given"), [
    ("вероника", True), ("ярослав", True), ("дмитрий", True), ("νίκος", True), ("ελένη", True),
    ("вера", False), ("ειρήνη", False), ("скажи", False), ("опоздаем", False),
])
def test_cyrillic_and_greek_given_names_are_read_romanised(word: str, given: bool) -> None:
    assert romanised_given_name(word) is given


@pytest.mark.parametrize(("word", "family"), [
    ("шевченко", True), ("иванова", True), ("жуковський", True), ("παπαδόπουλος", True),
    ("снова", False), ("слова", False), ("ов", False), ("дом", False),
])
def test_family_names_are_told_by_their_ending(word: str, family: bool) -> None:
    assert has_family_name_ending(word) is family


def test_lower_case_cyrillic_names_go_and_everyday_nouns_stay() -> None:
    assert redact_text("скажи вероника и ярослав что мы опоздаем", {}) == "скажи <PERSON> и <PERSON> что мы опоздаем"
    assert redact_text("напиши дмитрий шевченко завтра", {}) == "напиши <PERSON> завтра"
    assert redact_text("вера и надежда", {}) == "вера и надежда"
    assert redact_text("слава богу все хорошо", {}) == "слава богу все хорошо"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('{"姓": "山田", "名": "太郎", "tel": "1"}', ["太郎", "山田"]),  # a contact record's one-character keys, quoted
        ('{"姓名": "王芳", "电话": "138"}', ["王芳"]),
        ('{"이름": "김민수", "전화": "010"}', ["김민수"]),
    ],
)
def test_names_under_cjk_json_keys(text: str, names: list[str]) -> None:
    assert _names(text) == names


def test_one_character_keys_count_only_quoted() -> None:
    assert _names("名古屋で会議") == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("진료 기록: 한지민 (42세) 두통으로 내원.", ["한지민"]),  # an age in parentheses after the name
        ("病历：周晓兰（35岁）因胸痛就诊。", ["周晓兰"]),
        ("담당의: 윤재석.", ["윤재석"]),  # the attending doctor's label
    ],
)
def test_a_name_before_an_age_or_after_a_doctors_label(text: str, names: list[str]) -> None:
    assert _names(text) == names


def test_an_age_after_a_word_that_is_no_name_shape_stays() -> None:
    assert _names("平均年龄（35岁）以上") == []
