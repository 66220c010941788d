"""Street addresses in scripts without spaces between words or with their own street abbreviations, found by the
administrative markers every address of the language carries (text is NFKC-normalized before it gets here, so
full-width digits are ASCII):

* Japanese: prefecture (都道府県), municipality (市区町村郡), then block numbers: `東京都千代田区丸の内1丁目9-1`,
  `横浜市栄区下吉羽38丁目11番5号`, with a building and room after a space (`秋葉原ハイツ577`); or a district's chome
  and block alone (`高輪8丁目8番1号`);
* Chinese: province or city (省, 自治区, 市, 县), a road (路, 街, 道, 巷, 弄, 段) and a numbered door or block
  (号, 號, 座, 栋, 楼, 室): `北京市朝阳区建国路88号`, `臺北市大安區仁愛路四段300號`;
* Korean: province or city (도, 시), district (시, 군, 구), road or quarter (로, 길, 가, 동, 리) and its number:
  `서울특별시 강남구 테헤란로 152`, `경기도 홍성군 양재천2가 920-86 (영수장동)`; or a road and its building number
  alone, with its floor or unit (`개포길 95 6층`);
* Cyrillic (Russian, Ukrainian, Bulgarian, ...): a street abbreviation (ул., пр-т, бул., пер., вул., ...), its
  name and house number, with the settlement before it and the flat and postcode after it:
  `г. Москва, ул. Тверская, д. 7, кв. 5`, `вул. Хрещатик, 22, 01001`; typed in lower case, with the house's word
  before its number (`ул. ленина, д. 5`);
* Greek: the way's word (οδός, λεωφόρος, πλατεία and their abbreviations), its name and number: `οδός Ερμού 12`.

Each pattern needs both a place marker and a number where the language writes one, so prose that only names a
city ("東京都に住んでいます", "в г. Москва") is not an address. Every repetition is bounded.
"""

from __future__ import annotations

import re
import string

from evalforge_assets.capture.pii_patterns import Candidate

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_KANA = "\u3040-\u309f\u30a0-\u30ff"
_JA = f"{_HAN}{_KANA}"
# A building and room after the block numbers, when a space separates them: `秋葉原ハイツ577`, `コーポ田中101号室`.
_JA_BUILDING = rf"(?:[ \t\u3000][{_JA}][{_JA}A-Za-z0-9-]{{0,20}}(?:号室)?)?"
_JAPANESE = re.compile(
    # With the prefecture, the block numbers may be written with dashes alone (丸の内1-9-1) ...
    rf"(?:〒?[ \t]?\d{{3}}-\d{{4}}[ \t\u3000]*)?[{_HAN}]{{1,4}}[都道府県][{_JA}]{{1,12}}?[市区町村郡]"
    rf"[{_JA}0-9-]{{0,24}}?\d{{1,4}}(?:(?:丁目|番地?|号|-)\d{{1,4}}){{1,3}}(?:号|番地?)?{_JA_BUILDING}"
    # ... without it, the chome or banchi marker says the numbers are a block's.
    rf"|[{_JA}]{{1,12}}[市区町村郡][{_JA}]{{0,16}}?\d{{1,4}}(?:丁目|番地)(?:\d{{1,4}}(?:番地?|号|-))*\d{{0,4}}号?"
    rf"{_JA_BUILDING}"
    # ... and with neither, a district's name and its chome with the block after it (高輪8丁目8番1号), or a town's
    # three numbers (脚折町5-15-23), as a street line under its key or in an English sentence writes them.
    rf"|[{_HAN}][{_HAN}ヶの]{{0,7}}\d{{1,2}}丁目\d{{1,4}}(?:番地?|-)\d{{1,4}}号?{_JA_BUILDING}"
    rf"|[{_HAN}]{{1,6}}町\d{{1,4}}-\d{{1,4}}-\d{{1,4}}(?!\d){_JA_BUILDING}"
)
# A district's name and its chome, block and house written with dashes alone (`西新宿2-8-1`, `恵比寿南3-5-8`), in
# Japanese text (kana in it: Chinese writes such numbers after a version or a figure). The name has two to six Han
# letters and does not end in a word of numbering or time (`番号12-34-56`, `第3-4-5`, `図2-1-3`), the chome has one
# or two digits, and nothing numeric follows the house.
_JA_NOT_DISTRICTS = "番号|番|号|第|版|図|表|章|節|項|型|式|期|回|日|月|年|時|分|秒|円|枚|個|件|階"
_JA_DASHED_BLOCK = re.compile(
    rf"(?<![{_HAN}ヶの])[{_HAN}][{_HAN}ヶの]{{1,5}}(?<!{_JA_NOT_DISTRICTS.replace('|', ')(?<!')})"
    rf"\d{{1,2}}-\d{{1,4}}-\d{{1,4}}(?![\d-]){_JA_BUILDING}"
)
_JA_DASHED_MARKERS = re.compile(rf"[{_HAN}]\d{{1,2}}-\d{{1,4}}-\d")
_KANA_LETTER = re.compile(f"[{_KANA}]")
_CN_DOOR = r"(?:号|號|座|栋|棟|楼|樓|室|弄|巷|段)"
_CHINESE = re.compile(
    rf"[{_HAN}]{{2,10}}?(?:省|自治区|自治區|市|县|縣)[{_HAN}A-Za-z0-9]{{0,24}}?(?:路|街|道|巷|弄|胡同|段)"
    rf"(?:[A-Za-z0-9一二三四五六七八九十]{{1,6}}{_CN_DOOR}){{1,4}}(?:[ \t\u3000]?\d{{6}}(?!\d))?"
    # Without the city, a road and a door number (號 after digits) still say address: 682 豐原大勇巷70號之3.
    rf"|(?:\d{{3,6}}[ \t\u3000]?)?[{_HAN}]{{2,12}}?(?:路|街|大道|巷|弄|段)(?:[0-9一二三四五六七八九十]{{1,4}}(?:段|巷|弄))*"
    rf"\d{{1,5}}(?:号|號)(?:之\d{{1,3}})?(?:\d{{1,3}}(?:楼|樓|室|F))?"
    # Or a road and a block letter or number: 中山路A座.
    rf"|[{_HAN}]{{1,4}}(?:路|街|大道)[A-Za-z0-9]{{1,3}}座"
)
_HANGUL = "\uac00-\ud7a3"
_KOREAN = re.compile(
    rf"[{_HANGUL}]{{1,10}}(?:도|시)[ \t][{_HANGUL}]{{1,10}}(?:시|군|구)(?:[ \t][{_HANGUL}]{{1,10}}(?:구|시|읍|면))?"
    rf"[ \t][{_HANGUL}0-9]{{1,16}}(?:로|길|가|동|리)[ \t]?(?:지하[ \t]?)?\d{{1,5}}(?:-\d{{1,5}})?"
    rf"(?:[ \t]?\([{_HANGUL}0-9, ]{{1,20}}\))?"
)
_CYR_CAPITAL = "А-ЯЁІЇЄҐЎЈЉЊЋЏЅ"
_CYR_WORD = rf"[{_CYR_CAPITAL}0-9][\w'’-]*"
_CYR_STREET = (
    r"ул|улица|пр-т|просп|проспект|пр|пер|переулок|бул|б-р|бульвар|ш|шоссе|наб|набережная|пл|площадь|туп|тупик|"
    r"проезд|пр-д|мкр|мкрн|вул|вулиця|пров|провулок|майдан|ж\.к|жк|алл|аллея|линия|лн|тракт|спуск|въезд|парк|площа|"
    r"узвіз|шосе|набережна|алея"
)
_CYR_SETTLEMENT = r"г|гр|гор|с|сел|пос|п|д|дер|м|смт|ст|ст-ца|к|х|аул|рп"
_CYRILLIC = re.compile(
    rf"(?:(?<![\w.])(?:{_CYR_SETTLEMENT})\.[ \t]*{_CYR_WORD}(?:[ \t]{_CYR_WORD})?,[ \t]*)?"
    rf"(?<![\w.])(?:{_CYR_STREET})\.?[ \t]+[„\"«]?{_CYR_WORD}(?:[ \t]+[\w'’-]+){{0,3}}[“\"»]?,?[ \t]*"
    r"(?:(?:д|дом|буд|№)\.?[ \t]*)?\d{1,5}[а-яА-Я]?(?:[/-]\d{1,5}[а-яА-Я]?)?"
    r"(?:,?[ \t]*(?:стр|к|корп|кв|оф|ап|бл|вх|ет)\.?[ \t]*\d{1,5}(?:/\d{1,5})?)*"
    r"(?:,[ \t]*\d{4,6}(?!\d))?"
)
# The same line typed in lower case (`ш. школьное, д. 759`, `ул. ленина, д. 5`): the name has no capital to show it,
# so the house's word (`д.`, `дом`, `буд.`, `№`) must stand before the number.
_CYRILLIC_LOWER = re.compile(
    rf"(?<![\w.])(?:{_CYR_STREET})\.?[ \t]+[„\"«]?[а-яёіїєґў][\w'’-]*(?:[ \t]+[\w'’-]+){{0,2}}[“\"»]?,?[ \t]*"
    r"(?:д|дом|буд|№)\.?[ \t]*\d{1,5}[а-я]?(?:[/-]\d{1,5}[а-я]?)?"
    r"(?:,?[ \t]*(?:стр|к|корп|кв|оф|ап|бл|вх|ет)\.?[ \t]*\d{1,5}(?:/\d{1,5})?)*"
)
# Greek: the way's word (in the nominative, accusative or genitive: `της οδού Ερμού 12`), its name (a genitive, in
# any case) and the number: `οδός Ερμού 12`, `Λεωφ. Κηφισίας 45Α`, `πλ. νικομηδείας 12-33`.
_GREEK_WAY = (
    r"[Οο]δός|[Οο]δό|[Οο]δού|[Λλ]εωφόρος|[Λλ]εωφόρο|[Λλ]εωφόρου|[Λλ]εωφ\.|[Ππ]λατεία|[Ππ]λατείας|[Ππ]λ\.|[Ππ]άροδος"
    r"|[Ππ]αρόδου|[Ππ]άρ\."
)
# Articles and prepositions, which start a phrase (`η οδός προς την επιτυχία`, "the road to success"), not a name.
_GREEK_SMALL_WORDS = "(?:προς|την|τον|το|της|του|των|για|με|σε|στην|στον|στο|και|από|μια|ένα)"
_GREEK = re.compile(
    rf"(?<![\w.])(?:{_GREEK_WAY})[ \t]+(?!{_GREEK_SMALL_WORDS}[ \t])[\u0370-\u03ff\u1f00-\u1fff][\w'’.-]*(?:[ \t]+[\u0370-\u03ff\u1f00-\u1fff][\w'’.-]*){{0,2}},?"
    r"[ \t]+(?!(?:19|20)\d\d(?!\d))\d{1,4}[Α-Ωα-ω]?(?:-\d{1,4})?(?![\w])"
)
_GREEK_MARKERS = re.compile(_GREEK_WAY)
# The way's word left out after "on" or "at" (`μένω στην Ερμού 12.`, "I live on Ermou 12"; `επί της Σόλωνος 5`): the
# name is capitalised, and the number ends the clause (`στην Αθήνα 3 μέρες` is three days in Athens).
_GREEK_ON = re.compile(
    r"(?:(?<=(?<![\w])στην )|(?<=(?<![\w])στη )|(?<=(?<![\w])επί της ))[Α-ΩΆ-Ώ][\u0370-\u03ff\u1f00-\u1fff'’-]+"
    r"(?:[ \t]+[Α-ΩΆ-Ώ][\u0370-\u03ff\u1f00-\u1fff'’.-]+)?[ \t]+(?!(?:19|20)\d\d(?!\d))\d{1,4}[Α-Ωα-ω]?(?:-\d{1,4})?"
    r"(?=[ \t]*(?:[.,;:!)\n]|$))"
)
_GREEK_ON_MARKERS = re.compile(r"(?:στην?|επί της) [Α-ΩΆ-Ώ][^ \t\n]*[ \t]+(?:[Α-ΩΆ-Ώ][^ \t\n]*[ \t]+)?\d")
# Thai: a house number, the soi, road, subdistrict, district and province (ซอย, ถนน, ต., อ., จ. and their long
# forms), and the five-digit postcode: `868/05 ถนนตรีครุธพันธุ์ ต.เว่อ อ.บำเหน็จณรงค์ จ.หนองคาย 13770`.
_THAI_RUN = "\u0e00-\u0e7f"
_THAI_MARKER = r"ถนน|ซอย|หมู่|ตำบล|อำเภอ|จังหวัด|แขวง|เขต|ถ\.|ต\.|อ\.|จ\."
_THAI_MARKERS = re.compile(_THAI_MARKER)
_THAI = re.compile(
    rf"\d{{1,5}}(?:/\d{{1,5}})?[ \t]+(?=[{_THAI_RUN}0-9./ \t-]{{0,80}}?(?:{_THAI_MARKER}))[{_THAI_RUN}]"
    rf"[{_THAI_RUN}0-9./ \t-]{{0,160}}(?<=[{_THAI_RUN}])(?:[ \t]\d{{5}}(?!\d))?"
)
# Vietnamese: a house number and street, then ward, district and province, each after its word: `Số 57 Hòa Bình
# Phường An Nhơn tỉnh Phú Thọ`, `1/65 Phố số 5 xã Hòa Thành thành phố Hồ Chí Minh`.
_VI_ADMIN = r"Phường|phường|P\.|Quận|quận|Q\.|Xã|xã|Huyện|huyện|Thị trấn|thị trấn|Tỉnh|tỉnh|Thành phố|thành phố|TP\.?"
_VI_WORD = rf"(?!(?:{_VI_ADMIN})(?![\w]))[^\W_][\w]*"
# A place's name after its word is capitalised (Phú Thọ, Hồ Chí Minh) or a number (Quận 3), so the sentence after
# the address is not taken with it.
_LATIN_CAPITALS = "".join(chr(code) for code in (*range(0x41, 0x250), *range(0x1E00, 0x1F00)) if chr(code).isupper())
_VI_NAME = rf"(?:[{_LATIN_CAPITALS}]\w*|\d{{1,3}})"
_VIETNAMESE = re.compile(
    rf"(?:(?:Số|số)[ \t]+)?\d{{1,5}}(?:[/-]\d{{1,5}}[A-Z]?)*,?(?:[ \t]+{_VI_WORD}){{0,6}}?,?[ \t]+(?:{_VI_ADMIN})"
    rf"(?:[ \t]+{_VI_NAME}){{1,4}}(?:,?[ \t]+(?:{_VI_ADMIN})(?:[ \t]+{_VI_NAME}){{1,4}}){{0,3}}"
)
_VI_MARKERS = re.compile(r"Phường|phường|Quận|quận|Xã|xã|Huyện|huyện|Thị trấn|thị trấn|Tỉnh|tỉnh|Thành phố|thành phố")
# Necessary conditions, one search each: a marker character of the pattern's language.
_JA_MARKERS = re.compile(r"[都道府県市区町村郡]|丁目")
_CN_MARKERS = re.compile(r"[路街道巷弄段]")
_KO_MARKERS = re.compile(rf"[{_HANGUL}](?:도|시)[ \t]")
# A road and its building number alone, as a street line under its key or in a sentence writes it (`개포길 95 6층`,
# `서초대로 254`, `테헤란로7길 22`): the number may not start with 0, run into a word or go on as a phone number
# (`전화로 1588 1234`) or be a count (`버스로 30분`, `오늘로 2 주째`: a noun with the particle 로 before it). A floor or
# a unit may have a particle after it (`2층으로`).
_KO_COUNTS = "주|개월|년|일|시간|분|초|명|개|번|원|살|시|달|회|배|대|장|권|잔|층|호"
# Each is asked as a lookahead, so a particle's longer forms need no place of their own (`이` reads `이에요`, `이며`).
# `가` before a number is a quarter's (`을지로3가 12-4`), not the subject's particle.
_KO_PARTICLES = r"에|으로|로|예요|입니다|이|까지|번지|를|을|은|는|도|와|과|의|부터|가(?![ \t]?\d)"
# A floor, an apartment block's building and its unit (`101동 1203호`) may follow the number.
_KO_AFTER_NUMBER = (
    rf"(?:[ \t](?:지하[ \t]?)?\d{{1,3}}층|[ \t]?\d{{1,4}}호|[ \t]\d{{1,4}}동)*"
    rf"(?:(?<=[층호동])|(?={_KO_PARTICLES})|(?![\w]|[ \t]+(?:\d|{_KO_COUNTS})))"
)
_KOREAN_ROAD = re.compile(
    rf"(?<![{_HANGUL}0-9])[{_HANGUL}][{_HANGUL}0-9]{{1,12}}?(?:대로|로|길|거리|(?<=\d)가)(?:[ \t]?\d{{1,3}}번?길)?"
    rf"[ \t]?(?:지하[ \t]?)?(?!0)\d{{1,4}}(?:-\d{{1,4}})?{_KO_AFTER_NUMBER}"  # an entrance underground: `지하 11`
    # A road ending in `가` with no number before it is written as the subject with its particle (`철수가 3 개`,
    # `우리나라가 2-1로`), so only with a number no count or score has: underground, or before a building, a floor or
    # a unit.
    rf"|(?<![{_HANGUL}0-9])[{_HANGUL}]{{2,8}}가[ \t]?(?:지하[ \t]?(?!0)\d{{1,4}}"
    rf"|(?!0)\d{{1,4}}(?:-\d{{1,4}})?(?=,?[ \t]\d{{1,4}}[동층호]))(?:,?[ \t]\d{{1,3}}층)?{_KO_AFTER_NUMBER}"
    # A lot number after its quarter or village, with its dash (`역삼동 123-45`) or on a mountain lot (`산 12`):
    # without either, `3동 5` counts. The quarter's name has two syllables or more: `이동`, `활동`, `처리` (moving,
    # activity, processing) are words.
    rf"|(?<![{_HANGUL}0-9])[{_HANGUL}]{{2,8}}(?:동|리)[ \t]?(?:산[ \t]?(?!0)\d{{1,5}}(?:-\d{{1,5}})?|(?!0)\d{{1,5}}-\d{{1,5}})"
    rf"{_KO_AFTER_NUMBER}"
)
_KO_ROAD_MARKERS = re.compile(rf"[{_HANGUL}0-9](?:로|길|거리|동|리|가)[ \t]?(?:산[ \t]?|지하[ \t]?)?\d")
_CYR_MARKERS = re.compile(rf"(?<![\w.])(?:{_CYR_STREET})\.?[ \t]")


# Each pattern with its necessary condition.
_GATED = (
    (_JA_MARKERS, _JAPANESE),
    (_CN_MARKERS, _CHINESE),
    (_KO_MARKERS, _KOREAN),
    (_KO_ROAD_MARKERS, _KOREAN_ROAD),
    (_CYR_MARKERS, _CYRILLIC),
    (_CYR_MARKERS, _CYRILLIC_LOWER),
    (_GREEK_MARKERS, _GREEK),
    (_GREEK_ON_MARKERS, _GREEK_ON),
    (_VI_MARKERS, _VIETNAMESE),
    (_THAI_MARKERS, _THAI),
)


def script_address_patterns(text: str) -> list[re.Pattern[str]]:
    """The patterns of this module that may match `text` (a marker of the language is in it); ASCII text needs
    none of them, and the caller does not ask."""
    patterns = [pattern for markers, pattern in _GATED if markers.search(text)]
    if _JA_DASHED_MARKERS.search(text) and _KANA_LETTER.search(text):
        patterns.append(_JA_DASHED_BLOCK)
    return patterns


# The characters of an order's or a ticket's id (`#583920`, `ORD-2025-774120`, `WEB-QTRX57`).
_ID_CHARACTERS = frozenset(string.ascii_letters + string.digits + "_#/-")
_ID_LETTERS = frozenset(string.ascii_letters + string.digits + "_")
_HOUSE_NUMBERS = re.compile(r"\d{1,5}(?:[-/]\d{1,5}[A-Z]?)*")


def _inside_an_id(text: str, start: int) -> bool:
    """Whether text[start] continues an id: a letter or a digit just before it, or a `#`, `-` or `/` after one
    (`#12 ถนน…` alone is a house number)."""
    if start == 0:
        return False
    if text[start - 1] in "#/-":
        return start > 1 and text[start - 2] in _ID_LETTERS
    return text[start - 1] in _ID_LETTERS


def streets_off_ids(text: str, candidates: list[Candidate]) -> list[Candidate]:
    """`candidates`, with each street these patterns read from an id's last digits (`đơn #583920 sang Số 14 Phố…`,
    `訂單ORD-2025-774120寄到中正路45號`) read again after the id: in scripts written without spaces a number is all
    that marks where an address starts, and an id's digits are no house number. A street none is left of is
    dropped."""
    patterns = script_address_patterns(text) if any(c[0] == "STREET_ADDRESS" for c in candidates) else []
    if not patterns:
        return candidates
    kept = (_off_an_id(text, candidate, patterns) for candidate in candidates)
    return [candidate for candidate in kept if candidate is not None]


def _off_an_id(text: str, candidate: Candidate, patterns: list[re.Pattern[str]]) -> Candidate | None:
    entity, start, end = candidate
    if (entity != "STREET_ADDRESS" or not text[start].isdigit() or not _inside_an_id(text, start)
            or not any(pattern.match(text, start) for pattern in patterns)):
        return candidate
    first, after = start, start
    while first > 0 and text[first - 1] in _ID_CHARACTERS:
        first -= 1
    while after < end and text[after] in _ID_CHARACTERS:
        after += 1
    if _HOUSE_NUMBERS.fullmatch(text, first, after):  # a range or a lot and a house, `12-14`, `202/8`: all of it
        return entity, first, end
    again = (match for pattern in patterns if (match := pattern.search(text, after)) and match.start() < end)
    match = min(again, key=lambda found: found.start(), default=None)
    return None if match is None else (entity, match.start(), match.end())


# A Thai street's postcode (`10160`), and the markers a number follows as its value (`หมู่ 2`, `ซอย 3`).
_THAI_POSTCODE = re.compile(r"(?<![\d/])\d{5}(?![\d/])")
_THAI_NUMBERED_MARKERS = frozenset(("หมู่", "ซอย"))
_TOKEN = re.compile(r"\S+")


def thai_streets_ended(text: str, candidates: list[Candidate]) -> list[Candidate]:
    """`candidates`, with each Thai street ended at its postcode, or without one at its last word that carries a
    marker (`จ.เชียงใหม่`, and the number after `หมู่` or `ซอย`): `_THAI` reads on over Thai letters, digits and
    spaces, so it took the chat after the address with it (`… จ.กรุงเทพฯ 10160 พรุ่งนี้ 14.00 น. เจอกันนะ`)."""
    if not any(candidate[0] == "STREET_ADDRESS" for candidate in candidates) or _THAI_MARKERS.search(text) is None:
        return candidates  # the candidates are asked first: most texts hold no street, and few are Thai
    return [_thai_street_ended(text, candidate) for candidate in candidates]


def _thai_street_ended(text: str, candidate: Candidate) -> Candidate:
    entity, start, end = candidate
    if entity != "STREET_ADDRESS" or _THAI.match(text, start) is None:
        return candidate
    first_marker = _THAI_MARKERS.search(text, start, end)
    if first_marker is None:
        return candidate
    if (postcode := _THAI_POSTCODE.search(text, first_marker.start(), end)) is not None:
        return entity, start, postcode.end()
    last, previous = end, ""
    for token in _TOKEN.finditer(text, first_marker.start(), end):
        word = token.group()
        if _THAI_MARKERS.search(word) or (previous in _THAI_NUMBERED_MARKERS and word.isdigit()):
            last = token.end()
        previous = word
    return entity, start, last
