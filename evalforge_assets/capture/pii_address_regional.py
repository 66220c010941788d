"""Street addresses in three writing traditions the other address patterns do not read:

* Hebrew: a street (after `רחוב`, `שדרות`, `דרך`, ... or without) and its number, maybe an apartment (`דירה 18`),
  then the town and Israel's seven-digit postcode: `רחוב הרצל 10, באר שבע 4540913`, `יכין 36, כפר מסריק, 4933376`.
  Without a street word the apartment or the postcode is what shows it is an address ("פרק 3" is a chapter).
* Arabic and Persian: comma-separated parts (`،` or `,`), one of them a street (`شارع`, `طريق`, `خیابان`, `کوچه`,
  `بلوار`, ...), with a number somewhere (the house, `فيلا`, `شقة`, `پلاک`, `واحد`), in any order, maybe followed by
  the town and a five-digit postcode: `شارع الملك فهد 107`, `فيلا 6، شارع الشيخ زايد`, `خیابان مطهری، کوچه دوم،
  پلاک ۱۵۴، واحد 20`, `شارع الرشيد 176، القاهرة 28999`. Arabic-Indic and Persian digits count (`\\d` is Unicode).
* Indonesian: `Jalan`, `Jl.`, `Gang` or `Gg.`, the name, `No.` and the number, then maybe the neighbourhood unit
  (`RT 03/RW 04`) and the town with its postcode: `Jl. Sentot Alibasa No. 6, RT 03/RW 01, Tanjungbalai 72728`.

Each needs its street word and a number in its place, or (Hebrew) a postcode or an apartment, so a sentence that
only says "street" is no address. Every repetition is bounded.
"""

from __future__ import annotations

import re

from evalforge_assets.capture.pii_shapes import Shapes

_HE = "\u05d0-\u05ea"
_HE_WORD = rf"[{_HE}][{_HE}'\"׳״-]*"
_HE_STREET = r"רחוב|רח['׳]?|שדרות|שד['׳]|דרך|סמטת|סמ['׳]|כיכר|מעלה|שביל|משעול"
_HE_NAME = rf"(?:{_HE_WORD}|\d{{1,4}})(?:[ \t]+{_HE_WORD}){{0,3}}"
_HE_NUMBER = rf"\d{{1,4}}[{_HE}]?(?:/\d{{1,3}})?"
_HE_FLAT = r",?[ \t]+דירה[ \t]+\d{1,4}"
# The town (words, maybe a tribe's name in brackets that bidi text writes reversed) and the seven-digit postcode.
_HE_TOWN_POSTCODE = rf"[ \t]*,[ \t]*(?:{_HE_WORD}|[()])(?:[ \t]*(?:{_HE_WORD}|[()])){{0,5}},?[ \t]*\d{{7}}(?!\d)"
_HEBREW = re.compile(
    rf"(?<![\w{_HE}])(?:"
    rf"(?:{_HE_STREET})[ \t]+{_HE_NAME}[ \t]+{_HE_NUMBER}(?:{_HE_FLAT})?(?:{_HE_TOWN_POSTCODE})?"
    rf"|{_HE_NAME}[ \t]+{_HE_NUMBER}(?:{_HE_FLAT}(?:{_HE_TOWN_POSTCODE})?|{_HE_TOWN_POSTCODE})"
    r")(?!\d)"
)
_HE_MARKERS = re.compile(rf"(?:{_HE_STREET}|דירה)[ \t]|\d{{7}}")

# Arabic letters with the Persian ones (پ چ ژ گ ک ی), but no digit or punctuation of the block.
_AR = "\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff"
_AR_WORD = rf"[{_AR}]+"
_AR_STREET = r"شارع|طريق|جادة|زقاق|ممر|خیابان|خيابان|کوچه|كوچه|بلوار|جاده|بزرگراه|میدان"
_AR_PLACE = r"حي|محله|محلة|منطقة"
_AR_UNIT = r"فيلا|شقة|پلاک|پلاك|واحد|برج|عمارة|مبنى|طبقه|طابق"
_AR_NAME = rf"{_AR_WORD}(?:[ \t]+{_AR_WORD}){{0,3}}"
_AR_NUMBER = r"\d{1,5}"
_AR_STREET_PART = (
    rf"(?:\d{{1,5}}[ \t]+)?(?:{_AR_STREET})[ \t]+(?:{_AR_NAME}|{_AR_NUMBER})(?:[ \t]+{_AR_NUMBER})?"
)
_AR_OTHER_PART = rf"(?:{_AR_PLACE}|{_AR_UNIT})[ \t]+(?:{_AR_NUMBER}|{_AR_NAME})"
_AR_SEPARATOR = r"[ \t]*[،,][ \t]*"
_AR_TOWN_POSTCODE = rf"(?:{_AR_SEPARATOR}|[ \t]*\n[ \t]*){_AR_NAME}[ \t]+\d{{5}}(?!\d)"
# A street part among up to four others, and a number in one of them (looked for before the match: the street
# `شارع الوصل` alone is no address, `شقة 225، برج المرجان، شارع الوصل` is).
_ARABIC = re.compile(
    rf"(?<![{_AR}\d])(?=[^\n]{{0,160}}?\d)"
    rf"(?:{_AR_OTHER_PART}{_AR_SEPARATOR}){{0,3}}{_AR_STREET_PART}(?:{_AR_SEPARATOR}(?:{_AR_OTHER_PART}|{_AR_STREET_PART})){{0,3}}"
    rf"(?:{_AR_TOWN_POSTCODE})?(?![{_AR}\d])"
)
_AR_MARKERS = re.compile(rf"(?:{_AR_STREET})[ \t]")

_ID_WAY = r"Jalan|Jln\.?|Jl\.?|Gang|Gg\.?"
_ID_NAME_WORD = r"[A-Z0-9][\w.'’-]*"
_INDONESIAN = re.compile(
    rf"(?<![\w.])(?:{_ID_WAY})[ \t]+{_ID_NAME_WORD}(?:[ \t]+{_ID_NAME_WORD}){{0,5}}?,?[ \t]+No\.?[ \t]*\d{{1,4}}[A-Za-z]?"
    r"(?:,?[ \t]*RT\.?[ \t]*\d{1,3}[ \t]*/[ \t]*RW\.?[ \t]*\d{1,3})?"
    r"(?:(?:,[ \t]*|[ \t]*\n[ \t]*)[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*){0,2},?[ \t]+\d{5}(?!\d))?"
)
_ID_ASCII_WORDS = frozenset([b"jalan", b"jln", b"jl", b"gang", b"gg"])
_ID_MARKERS = re.compile(rf"(?<![\w.])(?:{_ID_WAY})[ \t]")


def regional_street_patterns(text: str, shapes: Shapes) -> list[re.Pattern[str]]:
    """The patterns of this module that may match `text` (each gated by a necessary condition)."""
    patterns = []
    if (shapes.ascii and not shapes.words.isdisjoint(_ID_ASCII_WORDS) and "No" in text) or (
        not shapes.ascii and _ID_MARKERS.search(text)
    ):
        patterns.append(_INDONESIAN)
    if not shapes.ascii:
        if _HE_MARKERS.search(text) and re.search(f"[{_HE}]", text):
            patterns.append(_HEBREW)
        if _AR_MARKERS.search(text):
            patterns.append(_ARABIC)
    return patterns
