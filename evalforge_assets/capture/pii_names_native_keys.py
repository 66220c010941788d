"""Names under keys written in the language of a script without capitals: a tool call's `{"اسم_العميل": "خالد بن
سعيد"}`, a YAML record's `שם_לקוח: יוסי אברהם`, `ग्राहक_नाम: "अमित कुमार"`, `"ชื่อลูกค้า": "มาลี ศรีสุข"`,
`"고객": "김민준"`.

`pii_names_keys` reads keys in Latin letters, and the labels of `pii_names_native` and `pii_names_cues` are words
of a sentence or a form, followed by a colon; a key joins its words with an underscore or writes them as one, and
is quoted. A key is normalised as `pii_key_names` does (lower case, letters, digits and marks only) and is a person's
when it is one of those labels, a name column's header (`pii_csv_columns`) or a role a record keeps a person under
in these languages. Its value is a name when it is written as one: one to three words of one such script (Arabic
chains up to five), no digit and no Latin letter, no word of an organisation or of a placeholder (`غير معروف`, unknown); a Korean run has a common family
name first, a Chinese or Japanese run the shape of `pii_names_scripts.is_cjk_name`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_csv_columns import _PERSON_HEADERS
from evalforge_assets.capture.pii_key_names import _normalized
from evalforge_assets.capture.pii_names_native import _NATIVE_CUES, ORGANISATION_OR_PLACEHOLDER_WORDS
from evalforge_assets.capture.pii_names_scripts import (
    _HANGUL,
    EAST_ASIAN_LETTER,
    SCRIPT_LETTERS,
    is_cjk_name,
    is_korean_name,
)
from evalforge_assets.capture.pii_patterns import Candidate

# Roles a record keeps a person under, in the languages whose labels live in regular expressions elsewhere
# (Hindi in `pii_names_cues`, Korean, Japanese and Chinese in `pii_names_cues` and `pii_names_cjk`).
_OTHER_PERSON_KEYS = (
    "שם לקוח", "שם נמען", "שם המקבל", "שם השולח", "اسم الزبون", "اسم المرسل", "اسم المريض", "اسم السائق",
    "नाम", "पूरा नाम", "ग्राहक", "ग्राहक नाम", "ग्राहक का नाम", "प्राप्तकर्ता", "प्रेषक", "मरीज", "मरीज़", "रोगी", "चालक",
    "ड्राइवर", "कर्मचारी", "एजेंट", "संपर्क व्यक्ति", "खाताधारक", "आवेदक", "यात्री",
    "이름", "성명", "고객", "고객명", "고객 이름", "수령인", "수령자", "수취인", "받는 사람", "보내는 사람", "발송인", "주문자",
    "신청자", "예약자", "예약자명", "담당자", "환자", "환자명", "기사", "직원", "상담원",
    "氏名", "名前", "お名前", "顧客", "顧客名", "受取人", "差出人", "担当者", "患者", "患者名", "運転手", "契約者",
    "姓名", "客户", "客户名", "客户姓名", "顾客", "收件人", "收货人", "寄件人", "联系人", "患者姓名", "司机", "员工",
    "客戶", "客戶姓名", "聯絡人", "收貨人",
)
_PERSON_KEYS = frozenset(
    {_normalized(word) for cues in _NATIVE_CUES.values() for kind in ("named", "label") for word in cues.get(kind, ())}
    | {_normalized(word) for word in _OTHER_PERSON_KEYS}
    | _PERSON_HEADERS
)
_KEY = r"[^\W\d_\x00-\x7f][^\"'\n:=]{0,38}"
# `"key": "value"` (JSON, a tool call's arguments, perhaps escaped inside a string) or `key: value` at a line's start.
_KEYED = re.compile(
    rf"""(?P<q>\\{{0,3}}["'])(?P<key>{_KEY})(?P=q)[ \t]*:[ \t]*(?P<vq>\\{{0,3}}["'])(?P<value>[^"'\\\n<>{{}}\[\]@]{{1,80}})(?P=vq)"""
    rf"""|(?:^|(?<=\n))[ \t]*(?:-[ \t]+)?(?P<bare>{_KEY})[ \t]*[:：][ \t]*(?P<plain>[^\n:：]{{1,80}}?)[ \t]*(?=\r?\n|$)"""
)
_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")
_ONE_SCRIPT_WORDS = tuple(
    (re.compile(f"[{letters}]"), re.compile(rf"[{letters}]+(?:[-'’׳\"״][{letters}]+)*"))
    for letters in SCRIPT_LETTERS.values()
)
_KOREAN_RUN = re.compile(f"[{_HANGUL}]+(?: [{_HANGUL}]+)?")
_LONGEST = 3
_LONGEST_ARABIC = 6  # `عبد الله بن محمد آل سعود`: a name of two words, then ancestry


def find_native_keyed_names(text: str) -> Iterator[Candidate]:
    """PERSON candidates under person keys written in a script without capitals, or in Korean, Chinese or Japanese
    (see the docstring). `text` is not ASCII."""
    if ":" not in text and "：" not in text:
        return
    for match in _KEYED.finditer(text):
        group = "value" if match.group("key") is not None else "plain"
        key = match.group("key") if group == "value" else match.group("bare")
        if not _NON_ASCII_LETTER.search(key) or _normalized(key) not in _PERSON_KEYS:
            continue
        raw = match.group(group)
        value = raw.strip().strip("\"'")
        if value and _written_as_a_name(value):
            start = match.start(group) + raw.index(value)
            yield "PERSON", start, start + len(value)


def _written_as_a_name(value: str) -> bool:
    words = value.split()
    if not words or not ORGANISATION_OR_PLACEHOLDER_WORDS.isdisjoint(words):
        return False
    if EAST_ASIAN_LETTER.match(value):
        if _KOREAN_RUN.fullmatch(value):
            return is_korean_name(value)
        return len(words) <= 2 and is_cjk_name(value)
    for letter, word in _ONE_SCRIPT_WORDS:
        if letter.match(value):
            longest = _LONGEST_ARABIC if "\u0600" <= value[0] <= "\u06ff" else _LONGEST
            return len(words) <= longest and all(word.fullmatch(part) for part in words)
    return False
