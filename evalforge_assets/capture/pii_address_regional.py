"""Street addresses in four writing traditions the other address patterns do not read:

* Hebrew: a street (after `רחוב`, `שדרות`, `דרך`, ... or without) and its number, maybe an apartment (`דירה 18`),
  then the town and Israel's seven-digit postcode: `רחוב הרצל 10, באר שבע 4540913`, `יכין 36, כפר מסריק, 4933376`.
  Without a street word the apartment or the postcode is what shows it is an address ("פרק 3" is a chapter).
* Arabic and Persian: comma-separated parts (`،` or `,`), one of them a street (`شارع`, `طريق`, `خیابان`, `کوچه`,
  `بلوار`, ...), with a number somewhere (the house, `فيلا`, `شقة`, `پلاک`, `واحد`), in any order, maybe followed by
  the town and a five-digit postcode: `شارع الملك فهد 107`, `فيلا 6، شارع الشيخ زايد`, `خیابان مطهری، کوچه دوم،
  پلاک ۱۵۴، واحد 20`, `شارع الرشيد 176، القاهرة 28999`. Arabic-Indic and Persian digits count (`\\d` is Unicode).
* Indonesian: `Jalan`, `Jl.`, `Gang` or `Gg.`, the name, `No.` and the number, then maybe the neighbourhood unit
  (`RT 03/RW 04`) and the town with its postcode: `Jl. Sentot Alibasa No. 6, RT 03/RW 01, Tanjungbalai 72728`.
* Indian: a house, flat, plot or door number (`H.No. 3-3-31`, `Flat 106`, `मकान नं. 184`) or a number before the
  six-digit PIN code that ends the address, then its parts separated by commas or lines (block, cross, road,
  locality, city, state): `Plot 150, Lotus Enclave, 4th Main Road, Indiranagar, Bengaluru, Karnataka 560090`,
  `23/379, Lotus Enclave, 11th Cross, Banjara Hills, Hyderabad, Telangana 500035`, `मकान नं. 184, गली नं. 4,
  राजेंद्र नगर, देहरा - 880532`.

Each needs its street word and a number in its place, or (Hebrew) a postcode or an apartment, or (India) the
house's word or the PIN code, so a sentence that only says "street" is no address. Every repetition is bounded.
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
# A word stands after a blank or a bracket, never glued to the word before: one way to read a run of letters, so
# the pattern takes linear time on a long one.
_HE_TOWN_POSTCODE = (
    rf"[ \t]*,[ \t]*(?:{_HE_WORD}|[()])(?:[ \t]+{_HE_WORD}|[ \t]*[()]|(?<=[()]){_HE_WORD}){{0,5}},?[ \t]*\d{{7}}(?!\d)"
)
# Hebrew writes "in", "to", "from", "and", "the" and "that" as one letter glued to the next word, up to two of them
# (`ברחוב הרצל 12`, "in Herzl Street 12"; `ולשדרות`): after them a street word still opens an address, which starts
# after the letters. Not `דרך` and `מעלה` so glued: `בדרך` is "on the way" and `למעלה` "upstairs".
_HE_GLUED = rf"(?<=(?<![\w{_HE}])[ובלמהשכ])|(?<=(?<![\w{_HE}])[ובלמהשכ]{{2}})"
_HE_GLUED_STREET = r"רחוב|רח['׳]|שדרות|שד['׳]|סמטת|סמ['׳]|כיכר|שביל|משעול"
_HEBREW = re.compile(
    rf"(?:(?<![\w{_HE}])(?:{_HE_STREET})|(?:{_HE_GLUED})(?:{_HE_GLUED_STREET}))[ \t]+{_HE_NAME}[ \t]+{_HE_NUMBER}(?:{_HE_FLAT})?"
    rf"(?:{_HE_TOWN_POSTCODE})?(?!\d)"
    rf"|(?<![\w{_HE}])(?:"
    rf"{_HE_NAME}[ \t]+{_HE_NUMBER}(?:{_HE_FLAT}(?:{_HE_TOWN_POSTCODE})?|{_HE_TOWN_POSTCODE})"
    r")(?!\d)"
)
# A street named without its street word, after a verb of living, moving or sending and the glued "in" or "to"
# (`גרה בהרצל 12`, "lives in Herzl 12"; `נשלח לדיזנגוף 120`): the verb is what shows a place follows, and the
# place's first word has three letters or more and no word is a floor, an hour, a room or a span of time (`גר בקומה
# 3`, `יגיע בעוד 5 דקות`, `שלחו לי 2 הודעות`).
_HE_PLACE_VERBS = (
    r"גר|גרה|גרים|גרות|גרתי|גרנו|מתגורר|מתגוררת|מתגוררים|עבר|עברה|עברו|עברנו|עברתי|נשלח|נשלחה|נשלחו|לשלוח|שלחו|"
    r"שלחתי|שלח|שלחה|תשלחו|תשלח|להעביר|העבירו|למסור|נמסר|נמסרה|הגיע|הגיעה|יגיע|תגיע|להגיע|נמצא|נמצאת|ממוקם|ממוקמת"
)
_HE_NOT_PLACES = (
    r"קומה|שעה|שעות|עוד|לפני|אחרי|תוך|יום|ימים|חדר|חדרים|דירה|סביבות|ערך|מספר|משך|שבוע|שבועות|חודש|חודשים|שנה|"
    r"שנים|דקה|דקות|בית|בניין|כניסה|שער|עמדה|תור|פעם|פעמים|לי|לו|לה|לנו|לכם|להם|אליו|אליה|אלי|אליך|אלינו|סך|גיל|"
    r"מקום|שורה|אולם|משרד|כיתה|קו|רציף|טרמינל|מחיר|עלות|תשלום|הזמנה|חבילה|חבילות|משלוח"
)
_HE_PLACE_WORD = rf"(?!(?:{_HE_NOT_PLACES})(?![{_HE}'\"׳״-])){_HE_WORD}"
# The verb, a space and the glued letter, each verb in a lookbehind of its own width, so the match is the street.
_HE_AFTER_A_PLACE_VERB = "|".join(rf"(?<=(?<![\w{_HE}]){verb} [בל])" for verb in _HE_PLACE_VERBS.split("|"))
_HE_AFTER_PLACE_VERB = re.compile(
    rf"(?:{_HE_AFTER_A_PLACE_VERB})(?=[{_HE}'׳]{{3}}){_HE_PLACE_WORD}(?:[ \t]+{_HE_PLACE_WORD})?[ \t]+{_HE_NUMBER}"
    rf"(?![\d%₪]|[ \t]*(?:דקות|שעות|ימים|שבועות|חודשים|שנים|פעמים|ש\"ח|ש״ח|₪|ק\"מ|ק״מ|מטר|אחוז))"
)
_HE_PLACE_VERB_SEARCH = re.compile(rf"(?<![\w{_HE}])(?:{_HE_PLACE_VERBS}) [בל][{_HE}]+[ \t]+(?:[{_HE}]+[ \t]+)?\d")
_HE_MARKERS = re.compile(rf"(?:{_HE_STREET}|דירה)[ \t]|\d{{7}}")
_HE_LETTER = re.compile(f"[{_HE}]")

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


_IN_HOUSE = r"(?i:h\.?[ \t]?no\.?|house[ \t]+no\.?|flat(?:[ \t]+no\.?)?|plot(?:[ \t]+no\.?)?|door[ \t]+no\.?)"
_IN_NUMBER = r"\d{1,4}(?:[-/]\d{1,4}){0,3}"
_IN_BREAK = r"(?:,[ \t]*|[ \t]*\n[ \t]*)"
# Parts are capitalised words (`Lotus Enclave`, `4th Main Road`): a lower-case word ends the address
# (`Flat 102, Sai Residency, 2th Main Road, saw a dark Land Rover`); lines in lower case are read capitalised.
_IN_CAPITALISED_PART = r"(?:\d{1,3}(?:st|nd|rd|th)|[A-Z][A-Za-z.'’-]*)(?:[ \t]+(?:\d{1,3}(?:st|nd|rd|th)|[A-Z][A-Za-z.'’-]*)){0,3}"
_IN_PIN = r",?[ \t]*(?:-[ \t]*)?[1-9]\d{5}(?!\d)"
# Without the house's word: a door number written with its block (`23/379`, `15-6-109`), capitalised parts and
# the PIN code (so `job 12, done, total 123456` and a date's `2024-01-05` are none).
_INDIAN = re.compile(
    rf"(?<![\w/.-])(?:{_IN_HOUSE}[ \t]*{_IN_NUMBER}(?:{_IN_BREAK}{_IN_CAPITALISED_PART}){{1,8}}(?:{_IN_PIN})?"
    rf"|\d{{1,3}}(?:[-/]\d{{1,4}}){{1,3}}(?:{_IN_BREAK}{_IN_CAPITALISED_PART}){{2,8}}{_IN_PIN})"
)
_IN_MARKERS = re.compile(rf"{_IN_HOUSE}[ \t]*\d|\d{{6}}")
_IN_ASCII_WORDS = frozenset([b"h", b"hno", b"house", b"flat", b"plot", b"door"])  # `H.No.` has the word `h`


def _may_hold_indian(text: str, shapes: Shapes) -> bool:
    """A necessary condition of `_INDIAN`: the house's word or six digits in a row (in ASCII text, read on its
    letter and digit views)."""
    if shapes.ascii:
        return (not shapes.words.isdisjoint(_IN_ASCII_WORDS) or b"000000" in shapes.digits) and bool(
            _IN_MARKERS.search(text))
    return _IN_MARKERS.search(text) is not None
_DEV = "\u0900-\u097f"
_DEV_PART = rf"[{_DEV}]+\.?(?:[ \t]+(?:[{_DEV}]+\.?|\d{{1,4}})){{0,4}}"
# Spoken or typed without commas (`मकान नं 64 सिविल लाइंस असम 775864`), the first part follows the number after a
# space. A part ends before a speaker's label on the next line (`\nकॉलर:`).
_DEV_ADDRESS_PART = rf"{_DEV_PART}(?![{_DEV}\d]|[ \t]*:)"
# A later part ends where a part does, at a comma, a line break, a danda or the PIN code: a part that runs on into the
# sentence (`…, गेट पर गार्ड को दे देना`, "give it to the guard at the gate") is the sentence's.
_DEV_LATER_PART = rf"{_DEV_PART}(?=[ \t]*(?:[,\n।]|$|-?[ \t]*[1-9]\d{{5}}(?!\d)))"
# The house's word and its number (`मकान नं. 12`); a flat's, a plot's or a house's word may stand without the number's
# word when a comma or a line break follows the number (`फ्लैट 12, गुलमोहर अपार्टमेंट`; `फ्लैट 3 बजे तक`, "the flat
# by 3 o'clock", stays). The abbreviation `म.` always has it.
_HI_NUMBER = r"[ \t]*\d{1,4}(?:[-/]\d{1,4})?"
_HINDI = re.compile(
    rf"(?:(?:मकान|फ्लैट|प्लॉट|म\.)[ \t]*(?:नं\.?|नंबर|संख्या){_HI_NUMBER}(?:{_IN_BREAK}|[ \t]+)"
    rf"|(?:मकान|फ्लैट|प्लॉट){_HI_NUMBER}{_IN_BREAK})"
    rf"{_DEV_ADDRESS_PART}(?:{_IN_BREAK}{_DEV_LATER_PART}){{0,5}}(?:[ \t]*-?[ \t]*[1-9]\d{{5}}(?!\d))?"
)
_HI_MARKERS = re.compile(r"(?:मकान|फ्लैट|प्लॉट|म\.)[ \t]*(?:नं|नंबर|संख्या)|(?:मकान|फ्लैट|प्लॉट)[ \t]*\d")
# With no house's word, the number first and one to three words ending in a road's word (`45, नेहरू रोड`); the
# town after it is left, as the words after it may be the sentence's (`45, नेहरू रोड, लखनऊ में रहती हूँ`).
_HI_ROADS = "रोड|मार्ग|गली|लेन|नगर|कॉलोनी|कालोनी|पथ|चौक|एन्क्लेव|विहार|अपार्टमेंट|सोसाइटी|मोहल्ला|बाज़ार|बाजार"
_HINDI_NUMBER_FIRST = re.compile(
    rf"(?<![\w/.-])\d{{1,4}}(?:[-/]\d{{1,4}})?,[ \t]*(?:[{_DEV}]+\.?[ \t]+){{1,3}}(?:{_HI_ROADS})(?![{_DEV}]|[ \t]*मैप)"  # not a road map (`रोड मैप`)
)
_HI_ROAD_AFTER_NUMBER = re.compile(rf"\d,[ \t]*[{_DEV}]")


def regional_street_patterns(text: str, shapes: Shapes) -> list[re.Pattern[str]]:
    """The patterns of this module that may match `text` (each gated by a necessary condition)."""
    patterns = []
    if (shapes.ascii and not shapes.words.isdisjoint(_ID_ASCII_WORDS) and "No" in text) or (
        not shapes.ascii and _ID_MARKERS.search(text)
    ):
        patterns.append(_INDONESIAN)
    if _may_hold_indian(text, shapes):
        patterns.append(_INDIAN)
    if not shapes.ascii:
        if _HI_MARKERS.search(text):
            patterns.append(_HINDI)
        if _HI_ROAD_AFTER_NUMBER.search(text):
            patterns.append(_HINDI_NUMBER_FIRST)
        if _HE_MARKERS.search(text) and _HE_LETTER.search(text):
            patterns.append(_HEBREW)
        if _HE_PLACE_VERB_SEARCH.search(text):
            patterns.append(_HE_AFTER_PLACE_VERB)
        if _AR_MARKERS.search(text):
            patterns.append(_ARABIC)
    return patterns
