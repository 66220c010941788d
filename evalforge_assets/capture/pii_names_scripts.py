"""Person names in scripts without capital letters (Chinese, Japanese, Korean, Devanagari and other Indic scripts,
Arabic, Persian, Hebrew, Thai, Georgian) and in Armenian, found where they stand alone in Latin-script text:
"Customer 梁鑫 reported ...", "Hello 김영희, your order ...", `{"full_name": "राहुल जैन"}`, "From: רבקה אלון <...>".

`pii_names` reads capitalised runs, which these scripts do not have. In text written in Latin script, a short
run of another script is a name far more often than anything else (a log line, a ticket or a prompt in English
that quotes a few words of Chinese is rarer than one that names a Chinese customer), so such a run counts when:

- the nearest letters before and after it are Latin, or there are none (the run is the whole value);
- it is short: two to four words of its script, or, in scripts written without spaces, one word of two to four
  characters whose first is a common family name (王, 李, 陳; 김, 이, 박), or a family and a given name of one to
  three characters each with a space between them (木村 陽一, 김 영희); or one word right after a relative's word
  (`daughter 刚`, `Partner: حسيب`).

Text written in the script itself (a Chinese sentence, a Hindi paragraph) is left to the other finders: a run
with a letter of its own script or any other non-Latin letter beside it is part of that text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_address_keys import address_key
from evalforge_assets.capture.pii_key_names import key_kind
from evalforge_assets.capture.pii_names_cjk import (
    CHINESE_FAMILY_NAMES,
    HAN,
    HANGUL,
    JAPANESE_FAMILY_NAMES,
    KOREAN_FAMILY_NAMES,
)
from evalforge_assets.capture.pii_names_cue_words import RELATIVES
from evalforge_assets.capture.pii_patterns import Candidate, phrase_alternation

_HAN = HAN
_KANA = "\u3040-\u309f\u30a0-\u30ff"
_HANGUL = HANGUL
# Scripts written with spaces between words, each its own character class: a run stays in one script.
SCRIPT_LETTERS: dict[str, str] = {
    "devanagari": "\u0900-\u097f",  # Hindi, Marathi, Nepali
    "bengali": "\u0980-\u09ff",
    "gurmukhi": "\u0a00-\u0a7f",
    "gujarati": "\u0a80-\u0aff",
    "tamil": "\u0b80-\u0bff",
    "telugu": "\u0c00-\u0c7f",
    "kannada": "\u0c80-\u0cff",
    "malayalam": "\u0d00-\u0d7f",
    "sinhala": "\u0d80-\u0dff",
    "arabic": "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff",  # Arabic, Persian and Urdu
    "hebrew": "\u0591-\u05f4",
    "thai": "\u0e01-\u0e4e",
    "georgian": "\u10a0-\u10ff\u1c90-\u1cbf",  # Mkhedruli and its Mtavruli capitals
    "armenian": "\u0531-\u0587",
}
_SPACED_SCRIPTS = tuple(SCRIPT_LETTERS.values())
# Two to six words (Arabic names chain their ancestry: جمان بن سعد بن ليث), a word may join parts with a hyphen or
# an apostrophe (מזרחי-צרפתי, ג'בארין).
_SPACED_RUNS = tuple(
    re.compile(
        rf"(?<![{chars}'’-])[{chars}]+(?:[-'’׳][{chars}]+)*(?:[ \t][{chars}]+(?:[-'’׳][{chars}]+)*){{1,5}}(?![{chars}])"
    )
    for chars in _SPACED_SCRIPTS
)
_CJK_RUN = re.compile(rf"(?<![{_HAN}{_KANA}])[{_HAN}{_KANA}]{{1,4}}(?:[ \t\u3000][{_HAN}{_KANA}]{{1,4}})?(?![{_HAN}{_KANA}])")
_HANGUL_RUN = re.compile(rf"(?<![{_HANGUL}])[{_HANGUL}]{{1,4}}(?:[ \t][{_HANGUL}]{{1,4}})?(?![{_HANGUL}])")
_LATIN_LETTER = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏ]")
# An id: capitals and digits (`ORD-2291-07`, `FAC039197`), not a key's lower-case word and number (`line1`) and not
# an id as a label (`TKT-4471: <a name and what they asked>`), whose colon sets the words after it apart.
_ID = re.compile(r"(?<![\w:-])(?=[A-Z_-]*\d)(?=[\d_-]*[A-Z])[A-Z0-9_-]{4,}(?![\w:-])")
_ANY_SPACED_SCRIPT = re.compile("[" + "".join(_SPACED_SCRIPTS) + "]")
_ANY_CJK = re.compile(f"[{_HAN}{_KANA}]")
_ANY_HANGUL = re.compile(f"[{_HANGUL}]")
_ANY_CYRILLIC = re.compile("[А-ЯЁІЇЄҐЎ]")
_KANA_CHAR = re.compile(f"[{_KANA}]")
EAST_ASIAN_LETTER = re.compile(f"[{_HAN}{_KANA}{_HANGUL}]")
_PATH_SEPARATORS = ("/", "\\")
# A script's word for "number": a run holding one labels a number (`رقم الطلب 12345678`, `מספר הזמנה`, `ऑर्डर
# संख्या`), and no name holds one.
NUMBER_WORDS = frozenset(["رقم", "الرقم", "מספר", "संख्या", "नंबर", "नम्बर", "क्रमांक", "شماره", "เลขที่", "หมายเลข"])
# Russian, Ukrainian and Belarusian names carry a patronymic (Эдгарович, Антоновна, Іванівна): two or three
# capitalised Cyrillic words, one of them a patronymic, are a name in any text.
_CYR_WORD = r"[А-ЯЁІЇЄҐЎ][а-яёіїєґў'’-]+"
_PATRONYMIC = r"[А-ЯЁІЇЄҐЎ][а-яёіїєґў]+(?:ович|евич|ёвич|ич|овна|евна|ична|инична|івна|ївна)"
# Without a patronymic, two or three capitalised words whose last has a family name's ending (Овчаренко, Шевчук,
# Петров, Іваненко, Смирнова, Жуковський); Russian capitalises only a sentence's first word, so two capitals in a
# row are a name (or a place) far more often than a phrase.
_SURNAME_ENDING = (
    r"[А-ЯЁІЇЄҐЎ][а-яёіїєґў'’]+(?:енко|чук|щук|юк|ук|ський|цький|ська|цька|ский|цкий|ская|цкая|ова|ева|ёва|ина|ов|ев|ёв"
    r"|ин|ын)"
)
_SURNAME_NAME = re.compile(rf"(?<![\w-])(?:{_CYR_WORD}[ \t]+){{1,2}}{_SURNAME_ENDING}(?![\w-])")
_PATRONYMIC_NAME = re.compile(
    rf"(?<![\w-])(?:{_CYR_WORD}[ \t]+)?(?:{_CYR_WORD}[ \t]+{_PATRONYMIC}|{_PATRONYMIC}[ \t]+{_CYR_WORD})(?![\w-])"
    rf"|(?<![\w-]){_CYR_WORD}[ \t]+{_CYR_WORD}[ \t]+{_PATRONYMIC}(?![\w-])"
)


def find_script_names(text: str) -> Iterator[Candidate]:
    """Names in uncased scripts standing alone in Latin-script text (or in East Asian text, when of another script),
    and Cyrillic names with a patronymic (the caller passes non-ASCII text only)."""
    # One search per family of scripts says whether its patterns can match at all: most non-ASCII text is
    # accented Latin, and holds none of them.
    if _ANY_CYRILLIC.search(text):
        for pattern in (_PATRONYMIC_NAME, _SURNAME_NAME):
            for match in pattern.finditer(text):
                yield "PERSON", match.start(), match.end()
    spaced, cjk, hangul = (_ANY_SPACED_SCRIPT.search(text), _ANY_CJK.search(text), _ANY_HANGUL.search(text))
    scripts = sum(found is not None for found in (spaced, cjk, hangul))
    if not _LATIN_LETTER.search(text) and len(text) > 24 and scripts < 2:
        return  # a long text in one script and no Latin letter is written in that script: nothing stands alone in it
    if spaced:
        for pattern in _SPACED_RUNS:
            for match in pattern.finditer(text):
                if (stands_alone(text, match.start(), match.end(), EAST_ASIAN_LETTER, past_ids=True)
                        and not a_key(match.group()) and not NUMBER_WORDS.intersection(match.group().split())):
                    yield "PERSON", match.start(), match.end()
    if cjk:
        for match in _CJK_RUN.finditer(text):
            if (is_cjk_name(match.group()) and stands_alone(text, match.start(), match.end(), _ANY_HANGUL)
                    and not a_key(match.group())):
                yield "PERSON", match.start(), match.end()
    if hangul:
        for match in _HANGUL_RUN.finditer(text):
            if (is_korean_name(match.group()) and stands_alone(text, match.start(), match.end(), _ANY_CJK)
                    and not a_key(match.group())):
                yield "PERSON", match.start(), match.end()


# One word of such a script right after a relative's word (`daughter 刚`, `Partner: حسيب`): the relative names a
# person, so one word is enough where a run alone needs two (or a family name's character).
UNCASED_LETTERS = "".join(_SPACED_SCRIPTS) + _HAN + _KANA + _HANGUL
_AFTER_A_RELATIVE = re.compile(
    rf"(?i:(?<![\w-])(?:{phrase_alternation(RELATIVES)}))[ \t]*:?[ \t]+"
    rf"(?P<run>[{UNCASED_LETTERS}]{{1,12}})(?![{UNCASED_LETTERS}\w])"
)


def names_after_relatives(text: str) -> Iterator[Candidate]:
    """One word of an uncased script right after a relative's word, standing alone in Latin text. Asked after the
    learned look (`pii._find`), so the words the person model is trained on stay as they were: each retrain so far
    moved single words elsewhere (`Mercado Pago` read as a person)."""
    if _ANY_SPACED_SCRIPT.search(text) is None and EAST_ASIAN_LETTER.search(text) is None:
        return
    for match in _AFTER_A_RELATIVE.finditer(text):
        start, end = match.span("run")
        if (stands_alone(text, start, end, EAST_ASIAN_LETTER) and not a_key(match.group("run"))
                and match.group("run") not in NUMBER_WORDS):
            yield "PERSON", start, end


def a_key(run: str) -> bool:
    """A word that names a field, not a person, though it starts with a family name's syllable: `연락처` (contact),
    `주소` (address), `电话` (phone)."""
    return key_kind(run) is not None or address_key(run)


def is_cjk_name(run: str) -> bool:
    words = run.split()
    if len(words) == 2:
        return all(len(word) <= 3 for word in words)
    # One word: a Chinese name, all Han, or a Japanese name that starts with a common family name (`斉藤千代`, `井上`).
    if 2 <= len(run) <= 5 and (run[:2] in JAPANESE_FAMILY_NAMES or run[:3] in JAPANESE_FAMILY_NAMES):
        return True
    return 2 <= len(run) <= 4 and run[0] in CHINESE_FAMILY_NAMES and not _KANA_CHAR.search(run)


def is_korean_name(run: str) -> bool:
    words = run.split()
    if len(words) == 2:
        return words[0][0] in KOREAN_FAMILY_NAMES and len(words[0]) <= 2 and len(words[1]) <= 3
    return 2 <= len(run) <= 4 and run[0] in KOREAN_FAMILY_NAMES


def stands_alone(text: str, start: int, end: int, also: re.Pattern[str], past_ids: bool = False) -> bool:
    """The nearest letters on both sides (within 40 characters) are Latin or of the East Asian scripts `also` names
    (a Thai or Arabic name in a Japanese sentence, a Korean one in a Chinese sentence: `박진우 が参加します`), or there
    are none; and the run is no segment of a path or URL (`site-packages/索引/client.py`). With `past_ids`, the
    letters of an id just before the run on its line are looked past: the words after an id in the middle of a
    sentence in the run's script go on with that sentence (`… بخصوص الطلب ORD-2291-07 وطلب تغيير العنوان.`)."""
    if (start and text[start - 1] in _PATH_SEPARATORS) or text[end : end + 1] in _PATH_SEPARATORS:
        return False
    return (_foreign_or_none(text[max(0, start - 40) : start][::-1], also, past_ids)
            and _foreign_or_none(text[end : end + 40], also, past_ids=False))


def _foreign_or_none(side: str, also: re.Pattern[str], past_ids: bool) -> bool:
    # Only on the run's own line: an id on a line above it may head a signature (`FAC-039197\n\nרוני עזרא`).
    line = side.find("\n")
    ids = [match.span() for match in _ID.finditer(side, 0, len(side) if line == -1 else line)] if past_ids else []
    for index, char in enumerate(side):
        if char.isalpha():
            latin = _LATIN_LETTER.match(char) is not None
            if latin and any(start <= index < end for start, end in ids):
                continue
            return latin or also.match(char) is not None
    return True
