"""Phone numbers in a call someone reports or asks for, in the languages a CRM or a chat is written in:

- **a call reported, its number in brackets** (`Christian Svendsen ringte (463 42 674) om …`, `volal(a) Hana
  Svobodová (731 347 491)`, `Sr. Denis Matias ligou (932691122)`, `Maria Rossi ha chiamato (338 123 4567)`): a verb
  of calling, at most the caller's name, then a bracket that holds a phone-shaped number of eight to fifteen digits
  and nothing else. An order's or a ticket's number in brackets carries its word (`(order 12345678)`, `(#4411)`),
  and what the call was about stands between (`called about invoice (20240101)`); a bare number in brackets
  right after a call, or its caller's name, is the number called from;
- **a number to call, right after the verb** (`звони 89455725066`, `chiamami 338 123 4567`): an imperative of
  calling, then a number of eight to fifteen digits written as a phone's.

English's verbs are `pii_called`'s, which also reads "on" and "at"; these are the other languages' past tenses,
participles and imperatives, matched at a word's start (`dzwonił`, `dzwoniła`, `zadzwonił` share `dzwoni`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import capitalised_or_caseless
from evalforge_assets.capture.pii_patterns import Candidate, phrase_alternation
from evalforge_assets.capture.pii_phones_placed import phone_at

_FEWEST = 8
# Past tenses and participles: the call happened, and a CRM note says from which number.
_REPORTED = (
    "called", "phoned", "rang", "ringte", "ringde", "ringede", "ringt", "soitti", "angerufen", "rief", "anrief",
    "appelé", "appelée", "a appelé", "llamó", "ha llamado", "telefoneó", "ligou", "telefonou", "chiamato",
    "chiamata", "telefonato", "belde", "gebeld", "dzwoni", "zadzwoni", "telefonowa", "volal", "zavolal",
    "telefonoval", "hívott", "felhívott", "telefonált", "a sunat", "sunat", "aradı", "telefon etti", "звонил",
    "звонила", "позвонил", "позвонила", "дзвонив", "дзвонила", "зателефонував", "зателефонувала", "τηλεφώνησε",
    "đã gọi", "gọi điện", "menelepon", "menghubungi", "โทรมา", "โทรเข้ามา", "اتصل", "اتصلت", "התקשר", "התקשרה",
    "ने कॉल किया", "कॉल किया", "फ़ोन किया", "फोन किया", "から電話", "電話があり", "전화했", "전화함", "来电", "打来电话",
    "致电",
)
# Imperatives: call me on this number.
# Not the imperatives that are also other words (`ring`, `bel`, `liga` "league", `ara` "search", `πάρε` "take").
_TO_CALL = (
    "звони", "позвони", "позвоните", "звоните", "подзвони", "подзвоніть", "zadzwoń", "zadzwon", "dzwoń", "zavolej",
    "zavolejte", "ring mig", "ring meg", "soita", "soittakaa", "appelle", "appelez", "appelle-moi", "llama",
    "llámame", "llámeme", "ligue", "ligue para", "me liga", "chiama", "chiamami", "chiamate", "bel me", "hívj",
    "hívjon", "sună", "sunați", "arayın", "beni ara", "τηλεφώνησε μου", "gọi cho", "hubungi", "telepon", "โทร",
    "اتصل", "اتصل على", "התקשר", "תתקשר", "कॉल करें", "फ़ोन करें", "電話して", "전화해", "打电话",
)
_NUMBER = r"\+?\d[\d .\-/]{6,22}\d"
# Numbers are looked for first and the words before each read back from it (`\Z` is the number's start), which
# is several times cheaper than trying the verbs at every position of every text.
_BRACKETED = re.compile(rf"\((?P<number>{_NUMBER})\)")
_AFTER_A_WORD = re.compile(r"(?<=[^\W\d_])[ \t]*[:,]?[ \t]+(?P<number>\+?\(?\d[\d ().\-/]{6,22}\d)")
# The verb (perhaps with a gender's ending in brackets, `volal(a)`), then at most four words, then the bracket.
_REPORTED_BEFORE = re.compile(
    rf"(?i)(?<![^\W\d_])(?:{phrase_alternation(_REPORTED)})[^\W\d_]*(?:\([^\W\d_]{{1,3}}\))?"
    rf"(?P<between>(?:[ \t]+[^\W\d_][\w'’.-]*){{0,4}}?)[ \t]*\Z"
)
_TO_CALL_BEFORE = re.compile(rf"(?i)(?<![^\W\d_])(?:{phrase_alternation(_TO_CALL)})\Z")
_REACH = 90


def find_reported_calls(text: str) -> Iterator[Candidate]:
    """PHONE candidates for the number of a call reported or asked for (see the module docstring)."""
    if "(" in text:
        for bracket in _BRACKETED.finditer(text):
            said = _REPORTED_BEFORE.search(text, max(0, bracket.start() - _REACH), bracket.start())
            # Only the caller's name may stand between the verb and the bracket (`Hana Svobodová`, `שושנה`), not what
            # the call was about (`about invoice (20240101)`).
            if said is not None and all(capitalised_or_caseless(word) for word in said.group("between").split()):
                yield from phone_at(text, *bracket.span("number"), fewest=_FEWEST)
    for number in _AFTER_A_WORD.finditer(text):
        if _TO_CALL_BEFORE.search(text, max(0, number.start() - 30), number.start()) is not None:
            for found in phone_at(text, *number.span("number"), fewest=_FEWEST):
                # After an imperative, a run of digits alone must start as a phone's does (`+`, `0`, a trunk's `8`).
                if not text[found[1] : found[2]].isdigit() or text[found[1]] in "08":
                    yield found
