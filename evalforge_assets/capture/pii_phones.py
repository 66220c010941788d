"""Phone numbers: candidates of a phone's shape checked against the numbering plans `phonenumbers` knows, and
numbers a phone word in one of many languages labels (`find_cued_phones`), which no plan needs to accept."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import lru_cache

import phonenumbers

from evalforge_assets.capture.pii_key_names import PHONE_LINE_KEYS, key_kind
from evalforge_assets.capture.pii_patterns import Candidate, phrase_alternation
from evalforge_assets.capture.pii_shapes import NUMBER_RUN_SHAPE, Shapes

# Letters a number may touch: Japanese, Chinese and Korean write no space before or after a number
# (`太田さんが080-6743-1621から`), and Hebrew joins a one-letter preposition to it (`ל-054-2599181`).
_ATTACHING_LETTERS = "\u0590-\u05ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_PHONE_BODY = (
    r"(?:\(?\+|00)?\(?\d(?:[\d()./-]|[ ](?![ ])){5,20}\d(?:[ ]?(?:x|ext\.?|#)[ ]?\d{1,6})?"
    rf"(?!@|(?![{_ATTACHING_LETTERS}])\w|[.,:/-]\d|-[A-Za-z])"
)
# Not after a comma, which joins the groups of `1,234,567`; but a country code's plus after one opens a number
# (a table's cell: `…,0059945355,(+358) 768808350,3,voicemail`).
_PHONE_CANDIDATE = re.compile(
    rf"(?<![+.:/$€£#])(?:(?<!,)|(?=\(?\+))(?<!(?<![{_ATTACHING_LETTERS}])-)(?<!(?![{_ATTACHING_LETTERS}])\w)"
    + _PHONE_BODY
)
# A date writes one separator throughout (`2024-05-06`, `06/05/2024`); `06-3/5258101` is a number.
DATE_OR_TIME = re.compile(r"\d{4}([-/.])\d{1,2}\1\d{1,2}|\d{1,2}([-/.])\d{1,2}\2\d{4}|\d+\.\d+\.\d+\.\d+$")
# Numbering plans tried for numbers written without a country code, most common first.
_REGIONS = ("US", "GB", "DE", "FR", "JP", "CN", "BR", "ES", "IT", "NL", "TR", "PH", "IL", "IN", "AU", "MX",
            "PL", "SE", "CH", "AT", "BE", "KR", "RU", "ZA")


# Nine digits in three groups of three, or in groups of two after a first of two or three ("22 610 71 62",
# "512 79 97 17"), one separator throughout.
_NATIONAL_GROUPS = re.compile(r"\d{3}([ -])\d{3}\1\d{3}|\d{2,3}([ -])\d{2,3}\2\d{2}\2\d{2}")
# An area code of one to three digits in parentheses, then the subscriber's number in groups (`(22) 397 49 07`,
# `(2) 8769 3802`): a phone's national shape, as a year (four digits) or an id's run is not.
_AREA_IN_PARENTHESES = re.compile(r"\((?P<area>\d{1,3})\)[ ]?(?P<subscriber>\d{2,4}(?:[ -]\d{2,4}){1,3})")
_SSN_SHAPE = re.compile(r"\d{3}([-. ])\d{2}\1\d{4}")
_EXTENSION = re.compile(r"[ ]?(?:x|ext\.?|#)[ ]?(?=\d+$)")


def _after_an_area_code(main: str) -> bool:
    """Whether `main` is an area code in parentheses and a subscriber's number long enough to follow one: eight
    digits after one digit, seven after two or three. A list mark or a figure's number in parentheses is followed by
    fewer (`see (1) 234 5678 and (12) 345 678`)."""
    match = _AREA_IN_PARENTHESES.fullmatch(main)
    if match is None:
        return False
    subscriber = sum(char.isdigit() for char in match.group("subscriber"))
    return subscriber >= (8 if len(match.group("area")) == 1 else 7)


@lru_cache(maxsize=8192)
def _phone_valid(candidate: str) -> bool:
    main = _EXTENSION.split(candidate)[0]
    digits = "".join(char for char in main if char.isdigit())
    if not 7 <= len(digits) <= 15 or DATE_OR_TIME.match(main.lstrip("(")) or _SSN_SHAPE.fullmatch(main):
        return False
    if "." in main and ("-" in main or " " in main):
        return False  # 252.227-7013 is a clause reference, 10.0.19045 a build
    if main.count(".") == 1 and not main.startswith(("+", "0", "(")) and main.replace(".", "").isdigit():
        return False  # one dot between digits is a decimal or a dated build (20221001.31), not a phone
    if "." in main and any(len(part.strip("() ")) < 2 for part in main.split(".")):
        return False  # 6.1.18.4433 is a version
    if main.startswith("(+"):
        main = main[1:].replace(")", "", 1)  # a country code in parentheses with its plus (`(+358) 768808350`)
    if main.startswith(("+", "00")):
        text = "+" + main[2:] if main.startswith("00") else main
        # With a country code the plan is known, and a number of a possible length for it is enough: numbers
        # in blocks not yet allocated are still someone's number in the data we get.
        try:
            return phonenumbers.is_possible_number(phonenumbers.parse(text, None))
        except phonenumbers.NumberParseException:
            return False
    separated = main != digits
    if _in_country_code(main):
        return True
    # A trunk prefix may stand in the area code's parentheses (`(0512) 10928 159`).
    trunk = main.lstrip("(").startswith("0")
    if not trunk and len(digits) not in (10, 11) and not (
        _NATIONAL_GROUPS.fullmatch(main) or _after_an_area_code(main)
    ):
        # Without a trunk or country prefix a number is an id, a status and a duration ("302 11521") far
        # more often, unless it has a subscriber number's full length or is written in the groups of a
        # national number that has no trunk prefix (Spain, Poland, Czechia, Portugal: "612 345 678").
        return False
    regions = _REGIONS if separated or trunk else ("US", "CN")
    check = phonenumbers.is_possible_number if trunk and separated else phonenumbers.is_valid_number
    for region in regions:
        try:
            if check(phonenumbers.parse(main, region)):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False


# A country calling code in parentheses without its plus (`(351) 968 301 661`, `(44) 7700 900123`).
_COUNTRY_CODE_IN_PARENTHESES = re.compile(r"\((\d{1,3})\)[ ]?(?=\d)")


def _in_country_code(main: str) -> bool:
    """Whether the number opens with a country's calling code in parentheses and is then a valid number of that
    country; valid, not only of a possible length, because three digits in parentheses are an area code too."""
    code = _COUNTRY_CODE_IN_PARENTHESES.match(main)
    if code is None or phonenumbers.region_code_for_country_code(int(code.group(1))) == "ZZ":
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse("+" + code.group(1) + " " + main[code.end():], None))
    except phonenumbers.NumberParseException:
        return False


_IBAN_HEAD = re.compile(r"[A-Z]{2}\d{2}(?:[ -][A-Z0-9]{4})*[ -]$")


# How far past its digits a candidate reaches: an extension (" ext. " and six digits, 12 characters) and the two
# characters its lookahead reads.
_PHONE_TAIL = 14


def _phone_matches(text: str, shapes: Shapes | None) -> Iterator[re.Match[str]]:
    """`_PHONE_CANDIDATE.finditer(text)`. In ASCII text a candidate's digits are a run of `Shapes.number_run`'s
    shape (the same characters) that starts at most three characters after the candidate ("+(", "00("), and the
    candidate ends at most `_PHONE_TAIL` characters after the run: so the pattern is run only in those windows
    instead of from every position of the text, and finds the same candidates (a window's end cuts off nothing a
    candidate starting inside its run reads; one starting past the run belongs to a later window)."""
    if shapes is None or not shapes.ascii:
        yield from _PHONE_CANDIDATE.finditer(text)
        return
    size, position = len(text), 0
    for run in NUMBER_RUN_SHAPE.finditer(shapes.digits):
        for match in _PHONE_CANDIDATE.finditer(text, max(position, run.start() - 3), min(size, run.end() + _PHONE_TAIL)):
            if match.start() >= run.end():
                break
            position = match.end()
            yield match


def find_phones(text: str, shapes: Shapes | None = None) -> Iterator[Candidate]:
    if "/" in text or " - " in text:
        yield from _joined_pairs(text)
    for match in _phone_matches(text, shapes):
        value = match.group()
        if _IBAN_HEAD.search(text, max(0, match.start() - 30), match.start()):
            continue  # the tail of an IBAN-shaped number whose checksum failed
        if _joined_to_words(text, match.start(), match.end()):
            continue  # `我的订单2088933046还没有发货`: bare digits joined to a word are an order's or an account's id
        number, start = value.strip(), match.start()
        if number.startswith("(") and ")" not in number:
            number, start = number[1:], start + 1  # a bracket around the number (`(93 819 24 35 x4165)`)
        end = match.end()
        if (cut := number_within_its_bracket(number)) is not None:
            number, end = cut, start + len(cut)
        if not (_phone_valid(number) or _an_indian_mobile(text, start, end, number)):
            continue
        if _PAIRS_BEYOND_A_PHONE.fullmatch(number) or _HOURS.fullmatch(number):
            continue
        if _NATIONAL_GROUPS.fullmatch(number) and _a_register_before(text, start):
            continue  # `RCS Paris B 812 345 678`: a register's number in a phone's groups
        if an_id_noun_before(text, start):
            continue
        yield "PHONE", start, end


def number_within_its_bracket(number: str) -> str | None:
    """The phone number `number` starts with, cut where a bracket around a whole number, not an area code, ends it:
    one that opened before the number (`보호자: 김민준 ( 031-552-8874 ) 2023. 6. 2.`) or with it (`(06-1-234-5678) 15 500
    Ft`); None when no such bracket does. What follows it (a date, an amount) is not the number's part; after an
    area code it is (`(502) 341-0399`, `502)+341-0399` in a form body whose bracket opened before the value)."""
    closed = number.find(")")
    if closed == -1 or sum(char.isdigit() for char in number[:closed]) < _WHOLE_NUMBER_DIGITS:
        return None
    opened = number.find("(", 0, closed)
    if opened == -1:
        return number[:closed].rstrip()
    return number[: closed + 1] if opened == 0 else None


_WHOLE_NUMBER_DIGITS = 7  # an area code in brackets has at most five (`(0)20`, `(555)`, `(06-1)`)


# The letters of India's scripts, Devanagari to Malayalam: in a text written in one, ten bare digits that open with
# 6 to 9 are an Indian mobile (`कृपया 9886567653 पर संपर्क करें`), which the plans tried for bare digits (the US's,
# China's) do not accept.
_INDIC_LETTER = re.compile(r"[\u0900-\u0d7f]")
_INDIC_REACH = 80


def _an_indian_mobile(text: str, start: int, end: int, number: str) -> bool:
    """Whether `number` is ten digits of an Indian mobile with a letter of an Indian script near it."""
    digits = "".join(char for char in number if char.isdigit())
    if len(digits) != 10 or digits[0] not in "6789" or number.startswith(("+", "0", "(")):
        return False
    if _INDIC_LETTER.search(text, max(0, start - _INDIC_REACH), min(len(text), end + _INDIC_REACH)) is None:
        return False
    return phonenumbers.is_valid_number(phonenumbers.parse(digits, "IN"))


# A word in capitals (`RCS Paris B 812 345 678`, `NIP 123 456 789`), a number word or an id's noun (`order 538 536
# 986`) before nine digits in groups: a company's, a register's or an order's number. The phone labels of
# signatures (`T:`, `M:`, `Tel.`) are not such a word.
_REGISTER_BEFORE = re.compile(
    r"(?<![A-Za-z])(?:[A-Z]{1,6}|(?i:nr|no|n[º°]|num|number|id|order|invoice|ticket|case|account|acct|ref|"
    r"reference|booking|tracking|shipment|parcel|pedido|zamówienie|objednávka|siren|siret|org\.? ?nr))[ \t.:#°]*\Z"
)
# An id's noun just before a number that no phone word labels (`ISBN 0-306-40615-2`, `SKU 100-2345-678`, `Job
# 8765432109 failed`, `Ref 2024/0012345`, `the meeting ID is 853 9938 5920`, a company's register number:
# `Companies House no. 08123456`, `HRB 123456`, Hindi's `ऑर्डर संख्या 9886567653`): the number is that id, whatever
# numbering plan would accept it. Not a caller's id, which is a phone number.
_ID_BEFORE = re.compile(
    r"(?<![\w-])(?:(?i:isbn(?:-1[03])?|issn|ean(?:-13)?|upc|gtin|sku|asin|imei|iccid|job|ref|reference|order|"
    r"invoice|ticket|case|booking|tracking|shipment|parcel|transaction|txn|request|build|run|pid|offset|serial|"
    r"lot|batch|(?<!caller )(?<!caller_)id|pedido|commande|bestellung|bestellnummer|auftrag|rechnung|sendung|"
    r"factura|fattura|ordine|zamówienie|objednávka|заказ|companies[ \t]+house|company|registration|handelsregister|"
    r"hrb|hra|kvk|abn|acn|crn)|PO|注文|订单|주문|ऑर्डर|आदेश|शिकायत|खाता|टिकट|बुकिंग|चालान|क्रमांक)"
    r"(?:[ \t]*(?:(?i:no|nr|n[º°]|number|num|#)|संख्या|नंबर|नं)\.?)?(?:[ \t]+is)?[ \t.:#°=]*\Z"
)
# Six or more groups of two digits: lottery draws and codes; a phone written in pairs has four or five.
_PAIRS_BEYOND_A_PHONE = re.compile(r"\d\d(?:[ .-]\d\d){5,}")
_PHONE_LABEL_BEFORE = re.compile(r"(?<![A-Za-z])(?:T|M|P|F|TEL|MOB|PH|GSM|CTCM|CTCP)[ \t.:]*\Z", re.IGNORECASE)


def _a_register_before(text: str, start: int) -> bool:
    window = max(0, start - 16)
    return bool(_REGISTER_BEFORE.search(text, window, start)) and not _PHONE_LABEL_BEFORE.search(text, window, start)


# A Chinese mobile number: 11 digits from 13 to 19, which a message writes against the words around it
# (`有事打13143511396`); an order's or an account's id of bare digits has another length or start.
_CHINESE_MOBILE = re.compile(r"1[3-9]\d{9}")


def an_id_in_place(text: str, start: int, end: int) -> bool:
    """Whether the number text[start:end] is, by what stands around it, an id rather than a phone: bare digits
    joined to a word (`我的订单2088933046还没有发货`), but for a Chinese mobile number, or an id's noun before it.
    Asked of the numbers found in the view of `pii_unspaced`, which cannot see the letters."""
    if _joined_to_words(text, start, end):
        return _CHINESE_MOBILE.fullmatch(text, start, end) is None
    return an_id_noun_before(text, start)


def _joined_to_words(text: str, start: int, end: int) -> bool:
    """Bare digits, not a trunk prefix's 0 first, with a letter right before or after them."""
    value = text[start:end]
    return value.isdigit() and value[0] != "0" and _touches_letters(text, start, end)


def an_id_noun_before(text: str, start: int) -> bool:
    return _ID_BEFORE.search(text, max(0, start - 40), start) is not None


def _touches_letters(text: str, start: int, end: int) -> bool:
    """Whether a letter stands right before `start` or right at `end` (only `_ATTACHING_LETTERS` can)."""
    return (start > 0 and text[start - 1].isalpha()) or (end < len(text) and text[end].isalpha())


# A number right after a word for a phone in one of many languages (`Telefon: 0094327671`, `kom. 669 562 272`,
# `sms.sent to=0042-192 5405`, `call me back at 1651752531`) or just before a Japanese, Chinese or Korean request to
# call (`090-8918-8302に折り返し`): a phone number even when no numbering plan accepts it (generated data, numbers
# written without their trunk prefix). Its digits are all that is needed: 7 to 15 of them, not a date or a version.
# Cues that label a phone only when the number is written as one (`contact 233-74596`, `Office 8152 7873`) or opens
# with a trunk's 0: other bare digits after them are a record's id (`contact 48213377`, `office 1234567`).
_WEAK_CUES = ("contact", "kontakt", "office", "line", "nok", "the number is")
# A nurse's handover writes the next of kin's number after `NOK` (`NOK 044 437 759`); in capitals only, and not an
# amount in thousands' groups (`NOK 12 500 000`, the krone).
_NEXT_OF_KIN = "NOK"
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:([ .,])\d{3})(?:\1\d{3})*(?:[.,]\d{1,2})?")
_PHONE_WORDS = (
    "phone", "telephone", "tel", "tél", "téléphone", "telefon", "telefono", "teléfono", "telefone", "telefoon",
    "puhelin", "τηλ", "τηλέφωνο", "телефон", "тел", "mobile", "mobil", "mobiel", "móvil", "movil", "cellulare",
    "celular", "cell", "handy", "portable", "gsm", "kom", "komórka", "whatsapp", "sms", "fax", "call me back at",
    "call me back on", "call back on", "call us on", "call-back to", "call back to", "landline", "land line",
    "new number",
    "call me at", "call back at", "call us at", "rückruf", "zurückrufen", "richiamare", "rappeler", "llamar",
    "ligar", "zadzwonić", "pod numerem", "numéro de téléphone", "número de teléfono", "mobile number",
    "contact number", "電話", "电话", "回电", "致电", "手机", "携帯", "전화", "휴대폰", "연락처", "連絡先", "折り返し先",
    "联系方式", "visszahívás", "telefonszám", "richiamarmi", "richiamami", "chiamami", "calls on",
    # Calls and reach, whose number follows ("Note: fru Brekke ringte fra 14715012"). Not "my number" or "number
    # is" alone: "mi número de pedido es 12345678" names an order.
    "called from", "calling from", "call me on", "reach me at", "reach me on", "reachable at", "reachable on",
    "text me at", "my number is", "ringte fra", "ringede fra", "ringde från", "ring mig på", "ring meg på",
    "ringe meg på", "ringe mig på", "ringe til mig på", "nå mig på", "belde vanaf", "bel me op", "bel mij op",
    "bereikbaar op", "erreichbar unter", "unter der nummer", "a appelé du", "joignable au", "me joindre au",
    "mon numéro est", "llamó desde", "mi número es", "llámame al", "ligou do", "meu número é", "ha chiamato dal",
    "il mio numero è", "chiamami al", "richiama al", "richiamare al", "mój numer to", "moje číslo je",
    "мені за номером", "мне по номеру", "ligue para", "liguem para", "ligar para", "pediu retorno no", "ring på",
    "ring til", "hívjanak", "hívjon", "hívjál", "pod nr", "pod numer", "cel", "моб", "мобильный", "мобільний",
    "best number", "number on the account", "number on file", "my new number", "devolver la llamada",
    "llamada al", "localizarme en el", "localizar en el", "contattarmi al", "contattarci al", "contattateci al",
    "ringt opp på", "ringes opp på", "ring opp på", "ringer deg på", "ringer dig på", "vi ringer", "fange mig på",
    "по номеру", "перезвонить", "перезвоните", "ping me at", "ping me on", "appelle", "appelez", "appeler",
    "marquen al", "marca al", "márcame al", "llama al", "llamen al", "llámenme al", "gọi", "gọi cho", "gọi số",
    "зателефонуйте", "geri arama", "ctcm", "ctch", "ctcb", "ctcp", "i'm on", "i’m on", "im on", "i am on",
    "whatsapp opt-in", "text a reminder to", "send a text to", "text me on", "text us at", "text us on",
    "voicemail from",
    # One's own (direct) number, and the compounds that name a phone's number (`Il mio numero diretto è …`,
    # `Közvetlen számom: …`); with the verb where the bare phrase also opens an order's number (`mój numer
    # zamówienia`, `numărul meu de comandă`).
    "numero diretto", "számom", "directe nummer", "mijn nummer is", "telefoonnummer", "mobiele nummer",
    "numărul meu direct", "numărul meu de telefon", "numărul meu este", "numărul de telefon", "numer bezpośredni",
    "numer telefonu", "numer komórki", "ligne directe", "numéro direct", "mit nummer er", "mitt nummer er",
    "mitt nummer är", "min nummer er", "telefonnummer", "mobilnummer", "numeroni on", "vakthavende på",
    "vakttelefon", "vakttelefonen", "on-call at", "on call at",
    # Scripts of their own: Arabic, Persian, Hebrew, Hindi, Thai, Vietnamese (`رقم الجوال`, `המספר שלי`, `मेरा नंबर`).
    "هاتف", "هاتفي", "الهاتف", "جوال", "جوالي", "الجوال", "موبايل", "رقم الهاتف", "رقم الجوال", "رقمي", "اتصل بي على",
    "تلفن", "شماره تماس", "شماره تلفن", "شماره موبایل", "موبایل", "טלפון", "נייד", "המספר שלי", "מספר טלפון",
    "מספר הטלפון", "फ़ोन", "फोन", "मोबाइल", "मेरा नंबर", "मेरा नम्बर", "संपर्क नंबर", "फ़ोन नंबर", "फोन नंबर",
    "मोबाइल नंबर", "โทร", "เบอร์", "เบอร์โทร", "โทรศัพท์", "số điện thoại", "điện thoại", "sđt", "số của tôi",
    # A record's word as much as a phone's: a CRM's `contact 48213377` is its id; see `_WEAK_CUES`.
    *_WEAK_CUES,
    "ezen a számon", "numerosta", "numeroon", "numaram", "qua số", "nomor saya", "hubungi saya di",
    # A line of one's own or of a service ("My direct line is 5001.5325", "Mitt direktenummer er 98353896").
    "direct line", "direct dial", "hotline", "helpline", "direktenummer", "direktnummer", "durchwahl",
    "прямой номер", "прямий номер", "по телефону", "за телефоном", "hattım", "hattim", "direkte nummer",
    "nås på", "kontaktes på", "chiamarmi al", "chiamarci al", "телефонуйте на", "звоните на", "τηλέφωνό",
    "dial-in", "meine nummer", "meine handynummer", "мій номер", "мой номер", "press office", "switchboard",
    # A phone word joined to the word for number, or a landline's: Chinese, Japanese and Korean write no space
    # between them, so `电话` alone is not followed by the non-letter a cue needs (`电话号码：`, `座机：`).
    "电话号码", "手机号码", "手机号", "座机", "座机号码", "固话", "回电号码", "联系电话", "联系号码", "電話番号",
    "携帯番号", "携帯電話", "전화번호", "휴대폰번호", "휴대전화",
    # The telephone signs a signature or a note writes before its number (`Tak, Pia ☎ 7856 5493`).
    "☎", "☏", "✆", "📞", "📱",
)
_CUED_PHONE = re.compile(
    r"(?<![A-Za-z0-9_-])(?P<cue>(?i:" + phrase_alternation(_PHONE_WORDS)
    + r"))(?![^\W\d_])[^\d\n()\[\]{}<>#]{0,26}?(?<![A-Za-z0-9_.-])"
    r"(?P<number>\+?\(?\d[\d ()./-]{5,20}\d(?:[ ]?(?:x|ext\.?)[ ]?\d{1,6})?)(?![\w.,/-][0-9A-Za-z]|\d)"
)
# A number before the verb that asks for a call: German's `unter 0171 2345678 zurückrufen` and Turkish's `820 1 410
# numarasından geri arayın` ("from the number ..."; not `numaralı`, "numbered", which an order is too).
_BEFORE_A_CALL = re.compile(
    r"(?<![\w.+#-])(?P<number>\+?\(?\d[\d ()/-]{5,18}\d)[ \t]+(?:(?i:zurückrufen|zurückzurufen|anrufen|anzurufen)\b"
    r"|(?i:numarasından|számról|számon)(?![^\W\d_]))"
)
_ASCII_CALL_VERBS = frozenset([b"anrufen", b"anzurufen"])  # the ASCII words `_BEFORE_A_CALL` can end with
_BEFORE_CJK_CALL = re.compile(
    r"(?<![\w.+-])(?P<number>\+?\d[\d ()-]{5,18}\d)[ \t]*(?:に|まで|へ|로|으로)?[ \t]*(?:折り返し|お電話|電話|回电|致电|전화|연락)"
)
_VERSION_OR_ADDRESS = re.compile(r"\d+\.\d+\.\d+")
# Opening hours written as a range of clock times (`helpline hours 0900-1700`).
_HOURS = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d[ ]?[-–][ ]?(?:[01]\d|2[0-3])[0-5]\d")


# The ASCII words of the phone words: ASCII text without one of them has no cue (one set test on `Shapes.words`).
_ASCII_PHONE_WORDS = frozenset(
    part.encode() for word in _PHONE_WORDS for part in re.split(r"[^a-z]+", word) if part and word.isascii())


def _cues_at(text: str, positions: list[int]) -> Iterator[re.Match[str]]:
    """`_CUED_PHONE.finditer(text)` where a cue can start: as with `finditer`, a position inside an earlier match is
    not tried (`Contact: tel:+18937049258` is one match, not one a cue)."""
    reached = 0
    for position in positions:
        if position >= reached and (match := _CUED_PHONE.match(text, position)) is not None:
            reached = match.end()
            yield match


def find_cued_phones(text: str, shapes: Shapes | None = None) -> Iterator[Candidate]:
    """Numbers after a phone word (`_CUED_PHONE`) or before a CJK request to call. In ASCII text the pattern is
    matched only where a phone word starts in the letter view, not searched from every position."""
    if text.isascii() and shapes is not None:
        matches: Iterator[re.Match[str]] = _cues_at(text, shapes.word_positions(shapes.words & _ASCII_PHONE_WORDS))
        if shapes.words & _ASCII_CALL_VERBS:
            matches = itertools.chain(matches, _BEFORE_A_CALL.finditer(text))
    else:
        matches = itertools.chain(
            _CUED_PHONE.finditer(text), _BEFORE_CJK_CALL.finditer(text), _BEFORE_A_CALL.finditer(text))
    for match in matches:
        number = match.group("number").rstrip(" (./-")
        digits = _main_digits(number)
        cue = (match.groupdict().get("cue") or "").lower()
        if cue in _WEAK_CUES and number.isdigit() and number[0] != "0":
            continue
        if cue == "nok" and (match.group("cue") != _NEXT_OF_KIN or _THOUSANDS.fullmatch(number)):
            continue
        if an_id_noun_before(text, match.start("number")):
            continue  # `Contact ID: 48213377`, `tel. order no 12345678`
        if cue and _another_key_between(text, match.end("cue"), match.start("number")):
            continue  # `{"type": "mobile", "verified_at": "1745866279"}`: the number is another key's value
        if cue == "office" and _NATIONAL_GROUPS.fullmatch(number) and _a_register_before(text, match.start("number")):
            continue  # `Registered office: RCS Paris B 812 345 678`: a company's office, and its register's number
        if _cued_number(number, digits):
            end = match.start("number") + len(number)
            yield "PHONE", match.start("number"), end
            yield from _listed_after(text, end, weak=cue in _WEAK_CUES)


# A key between a phone word and a number: the number is that key's value, and its name says what it is.
_KEY_BETWEEN = re.compile(r"""["'](?P<key>[A-Za-z_][\w.-]{0,40})["'][ \t]*:""")


def _another_key_between(text: str, start: int, end: int) -> bool:
    """Whether a key that names no phone stands between a cue and its number (a line's `number`, `home` does)."""
    keys = _KEY_BETWEEN.findall(text, start, end)
    return bool(keys) and key_kind(keys[-1]) != "PHONE" and keys[-1].lower() not in PHONE_LINE_KEYS


def _main_digits(number: str) -> int:
    """The digits of a number before its extension."""
    return sum(char.isdigit() for char in _EXTENSION.split(number)[0])


def _cued_number(number: str, digits: int) -> bool:
    """Whether a number after a phone word is a phone's: 7 to 15 digits, not a date, a version or opening hours."""
    return (
        7 <= digits <= 15
        and not DATE_OR_TIME.search(number)
        and not _VERSION_OR_ADDRESS.search(number)
        and not _HOURS.fullmatch(number)
    )


# A cue's number may open a list of the numbers one reaches someone on (`Dial-in: (415)203 7781 · 6125550148`,
# `Tel. 030 1234567, 0171 2345678 or +49 30 7654321`): each number right after it, past a list's mark, is one
# too; written as a run of digits alone, with a phone's eight digits at least (`tel 0301234567, 12 beds`) and
# no unit after it.
_LISTED_NEXT = re.compile(
    r"[ \t]*(?:[,;·•|]|(?<=[ \t])or(?=[ \t]))[ \t]*"
    r"(?P<number>\+?\(?\d[\d ()./-]{5,20}\d(?:[ ]?(?:x|ext\.?)[ ]?\d{1,6})?)(?![\w.,/-][0-9A-Za-z]|\d)"
)
_MOST_LISTED = 3
_WORD_AFTER = re.compile(r"[ \t]+(?!or\b|and\b)([^\W\d_])")  # a unit's word, not the list's next "or"


def _listed_after(text: str, end: int, weak: bool) -> Iterator[Candidate]:
    for _ in range(_MOST_LISTED):
        listed = _LISTED_NEXT.match(text, end)
        if listed is None:
            return
        number = listed.group("number").rstrip(" (./-")
        digits = _main_digits(number)
        bare = number.isdigit() and number[0] != "0"
        if (bare and (weak or digits < 8)) or not _cued_number(number, digits):
            return
        if bare and (word := _WORD_AFTER.match(text, listed.end("number"))) is not None and word.group(1).islower():
            return  # a count's unit (`phone 0301 554 2211, 12345678 rows`)
        if an_id_noun_before(text, listed.start("number")):
            return
        end = listed.start("number") + len(number)
        yield "PHONE", listed.start("number"), end


# The second of two numbers on one line, read from where it starts; and where two such numbers may be joined: a
# slash, or a dash with spaces around it.
_SECOND_NUMBER = re.compile(_PHONE_BODY)
_JOINT = re.compile(r"[ ]*/[ ]*|[ ]+-[ ]+")
# Two numbers so joined that together they are longer than one candidate reads (`090-1234-5678/03-1234-5678`):
# no candidate of the single shape ends at a digit that no joint and digit follow, so neither was read.
_NUMBER_IN_PAIR = r"\+?\(?\d[\d ().-]{5,18}\d"
_JOINED_PAIR = re.compile(
    rf"(?<![\w+.,:/$€£#=-])({_NUMBER_IN_PAIR})(?:{_JOINT.pattern})({_NUMBER_IN_PAIR})(?![\w@]|[.,:/-]\d)"
)


def _joined_pairs(text: str) -> Iterator[Candidate]:
    """Both numbers of each such pair, when each is a number of its own."""
    for match in _JOINED_PAIR.finditer(text):
        first, second = match.group(1).strip(), match.group(2).strip()
        if _phone_valid(first) and _phone_valid(second):
            yield "PHONE", match.start(1), match.start(1) + len(first)
            yield "PHONE", match.start(2), match.start(2) + len(second)


def split_joined_numbers(text: str, candidates: list[Candidate]) -> list[Candidate]:
    """Each phone candidate that read two numbers as one, as those two. The phone shapes take in a slash (German
    writes `030 / 1234 567`) and stop at a length limit, so `06 12 34 56 78 / 06 98 76 54 32` was one candidate
    that ended inside the second number and left its tail in clear. A candidate is split only where the part
    before a joint and the number read from after it are each a number of their own."""
    split: list[Candidate] = []
    for candidate in candidates:
        entity, start, end = candidate
        value = text[start:end]
        pair = _two_numbers(text, start, value) if entity == "PHONE" and ("/" in value or " - " in value) else None
        split.extend(pair or (candidate,))
    return split


def _two_numbers(text: str, start: int, value: str) -> tuple[Candidate, Candidate] | None:
    for joint in _JOINT.finditer(value):
        left = value[: joint.start()].strip()
        if not left or not _phone_valid(left):
            continue
        second = _SECOND_NUMBER.match(text, start + joint.end())
        if second is not None and _phone_valid(second.group().strip()):
            return ("PHONE", start, start + joint.start()), ("PHONE", second.start(), second.end())
    return None
