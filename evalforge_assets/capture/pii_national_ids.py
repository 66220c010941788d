"""National identity numbers of other countries than the United States, validated by python-stdnum: the check
digits (and, for most, the birth date) a real number carries, so a random id of the same length rarely passes.

Two tiers, by how rarely a random token of the same shape validates:

* **By themselves**, anywhere as a whole token: numbers whose format or birth date and check digits leave a
  random token well under one chance in two hundred: Chinese resident ids (18 characters), Korean resident
  registration numbers (`800215-1979190`), Finnish henkilötunnus (`230384-608J`), Czech and Slovak birth numbers
  (`800215/1234`), Italian codici fiscali (`RSSMRA85T10A562S`), Brazilian CPFs written with their dots and dash
  (`123.456.789-09`), French NIRs (15 digits), Romanian CNPs, South African ids, Norwegian fødselsnummer, Swiss
  AHV numbers (`756.1234.5678.97`), Spanish DNIs and NIEs (`12345678Z`), Bulgarian EGNs, Greek AMKAs.
* **After a word that names an identity number** (`BSN`, `CPF`, `PESEL`, `TC Kimlik`, `INN`, `SIN`, `national
  id`, `tax id`, ...) within a few words before it: numbers with check digits only, which one random token in ten
  to a hundred passes (Dutch BSN, Canadian SIN, Israeli id, Brazilian CPF as bare digits, Turkish TC Kimlik,
  Russian INN, German tax id, Ukrainian RNTRC, Polish PESEL, Croatian OIB, Thai PIN, Indonesian NIK).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from stdnum.bg import egn
from stdnum.br import cpf
from stdnum.ca import sin
from stdnum.ch import ssn as ch_ssn
from stdnum.cn import ric
from stdnum.cz import rc
from stdnum.de import idnr
from stdnum.es import dni, nie
from stdnum.fi import hetu
from stdnum.fr import nir
from stdnum.gr import amka
from stdnum.hr import oib
from stdnum.id import nik
from stdnum.il import idnr as il_idnr
from stdnum.it import codicefiscale
from stdnum.kr import rrn
from stdnum.nl import bsn
from stdnum.no import fodselsnummer
from stdnum.pl import pesel
from stdnum.ro import cnp
from stdnum.ru import inn
from stdnum.th import pin
from stdnum.tr import tckimlik
from stdnum.ua import rntrc
from stdnum.za import idnr as za_idnr

from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_shapes import Shapes

Validator = Callable[[str], bool]


def _never_raises(valid: Validator) -> Validator:
    """`valid`, reading a lookup error inside the validator as "not valid": python-stdnum's `cn.ric.is_valid`
    raises KeyError for some region codes (its own table lacks a field) instead of answering False, and one odd
    string must not stop a capture."""
    def check(value: str) -> bool:
        try:
            return bool(valid(value))
        except (KeyError, IndexError, ValueError):
            return False
    return check


def _dated(year_at: int, year_digits: int, valid: Validator) -> Validator:
    """`valid`, or a real date of birth at the format's place: for formats whose shape alone is rare, where
    numbers written by hand or by test-data generators often get the check digit wrong."""
    def check(value: str) -> bool:
        if valid(value):
            return True
        digits = re.sub(r"\D", "", value)
        year = digits[year_at : year_at + year_digits]
        month = int(digits[year_at + year_digits : year_at + year_digits + 2] or 0)
        day = int(digits[year_at + year_digits + 2 : year_at + year_digits + 4] or 0)
        plausible_year = year_digits == 2 or year[:2] in ("19", "20")
        return len(year) == year_digits and plausible_year and 1 <= month <= 12 and 1 <= day <= 31
    return check


# The United Kingdom's National Insurance number as it is written, with its spaces (`QQ 12 34 56 C`), or compact
# with the letters it may have.
_SPACED_NINO_SHAPE = r"[A-CEGHJ-PR-TW-Z]{2} (?:\d{2} ?){3}[A-Z]"
_COMPACT_NINO = re.compile(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]")
# Shapes written with their own separators or letters: each is its country's format, so it is validated only by
# the validators of that format (the NI number's format is all it has).
_FORMATTED: tuple[tuple[re.Pattern[str], tuple[Validator, ...]], ...] = (
    (_COMPACT_NINO, (bool,)),
    (re.compile(r"\d{6}-\d{7}"), (_dated(0, 2, rrn.is_valid),)),
    (re.compile(r"[12]\d{4}(?:2[AB])\d{8}"), (nir.is_valid,)),
    (re.compile(r"\d{6}[-+A]\d{3}[0-9A-Y]"), (hetu.is_valid,)),
    (re.compile(r"\d{6}/\d{3,4}"), (rc.is_valid,)),
    (re.compile(r"\d{3}\.\d{3}\.\d{3}-\d{2}"), (cpf.is_valid,)),
    (re.compile(r"756\.\d{4}\.\d{4}\.\d{2}"), (ch_ssn.is_valid,)),
    (re.compile(r"\d{8}-?[A-Z]"), (dni.is_valid,)),
    (re.compile(r"[XYZ]-?\d{7}-?[A-Z]"), (nie.is_valid,)),
    (re.compile(r"[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]"), (codicefiscale.is_valid,)),
    (re.compile(r"\d{17}[\dX]"), (_dated(6, 4, ric.is_valid),)),
)
# Bare digit runs by length: the validators that need nothing else, and those that need a word before them.
# Ten digits are also epoch seconds (a Czech birth number's month may be 51-62, and 17xxxxxxxx validates one
# time in eleven), so ten-digit numbers need the word.
_ALONE: dict[int, tuple[Validator, ...]] = {
    length: tuple(map(_never_raises, validators)) for length, validators in {
        11: (fodselsnummer.is_valid,),
        13: (cnp.is_valid, za_idnr.is_valid, ch_ssn.is_valid),
        15: (nir.is_valid,),
    }.items()
}
_WITH_WORD: dict[int, tuple[Validator, ...]] = {
    length: tuple(map(_never_raises, validators)) for length, validators in {
        9: (bsn.is_valid, sin.is_valid, il_idnr.is_valid),
        10: (rntrc.is_valid, egn.is_valid, rc.is_valid),
        11: (cpf.is_valid, tckimlik.is_valid, idnr.is_valid, pesel.is_valid, oib.is_valid, amka.is_valid),
        12: (inn.is_valid,),
        13: (pin.is_valid,),
        16: (nik.is_valid,),
    }.items()
}
_TOKEN = r"(?<![\w.@/+#-]){}(?![\w@/]|[.,:-]\w)"
_COMPACT = tuple((shape, tuple(map(_never_raises, validators))) for shape, validators in _FORMATTED)
_COMPACT_DIGITS = tuple((shape, validators) for shape, validators in _COMPACT if shape.fullmatch("1" * 18))
# Shapes written with spaces, searched in the text: rare, so on ASCII text each is looked for only when the
# class view (letters "A", digits "0") shows its start.
_SPACED_NINO = re.compile(_TOKEN.format(_SPACED_NINO_SHAPE))
_SPACED_SIN = re.compile(_TOKEN.format(r"\d{3} \d{3} \d{3}"))
# Words that name an identity number, in the languages of the validators above (lowered; matched as words).
_ID_WORDS = (
    "ssn", "social security", "national id", "national identity", "identity number", "identity no", "id number",
    "id no", "id card", "identification", "personal id", "personal number", "citizen", "tax id", "taxpayer",
    "bsn", "burgerservicenummer", "sofinummer", "sin", "social insurance", "cpf", "kimlik", "tckn", "tc no", "inn",
    "инн", "ипн", "іпн", "рнокпп", "pesel", "steuer-id", "steuerid", "idnr", "identifikationsnummer", "oib",
    "teudat", "zehut", "ת.ז", "תעודת זהות", "rntrc", "nik", "ktp", "pin", "เลขประจำตัว", "national_id",
    "nationalid", "personal_id", "tax_id", "id_number", "idnumber",
)
_ID_WORD = re.compile(r"(?<![^\W_])(?:" + "|".join(re.escape(word) for word in _ID_WORDS) + r")(?![^\W_])",
                      re.IGNORECASE)
_LABEL_GAP = re.compile(r"[\s\"':=#.,()\[\]-]*(?:(?i:number|numbers|num|no|nr|nº|n°|is|des|del|de|do)[\s\"':=#.,-]*)*")
_WORD_WINDOW = 24  # "national id number: ", "PESEL klienta: "
# Every shape above holds six digits with at most spaces, dots, slashes or dashes between them, or a codice
# fiscale's letters and digits: `may_hold_national_id` looks for them in a text's byte views.
_NECESSARY = re.compile(r"\d[\d ./-]{4,}\d|[A-Z]{6}\d\d[A-Z]")


def may_hold_national_id(text: str, shapes: Shapes) -> bool:
    """A necessary condition of `find_national_ids`: six digits in a row, or with the separators of the shapes
    above between them, or a codice fiscale's letters and digits."""
    if not shapes.ascii:
        return _NECESSARY.search(text) is not None
    digits = shapes.digits
    return (b"000000" in digits or b"000 000 000" in digits or b"00 00 00" in digits or b"000.000" in digits
            or b"AAAAAA00A" in shapes.classes)


# A compact number holds six digits in a row, or a codice fiscale's six letters and two digits: found by a pattern
# led by a character class, which the engine skips to fast. The whole token around it (the run of characters that
# the shapes' boundaries treat as part of a token) is then matched against each compact shape.
_ANCHOR = re.compile(r"\d{6,}|\d{3}\.\d{3}\.|756\.\d{4}|[A-Z]{6}\d\d")
# A token may follow a key's `=` or `:` (`national_id=...`), not a path's `/`, a handle's `@` or a `#`.
_TOKEN_RUN = re.compile(r"[\w.@/+#-]+")
_TOKEN_TAIL = re.compile(r"[\w.@/+#-]*\Z")  # searched up to the anchor: where the token holding it starts
_LONGEST_TOKEN = 18  # a Chinese resident id; every other shape is shorter


def find_national_ids(text: str, shapes: Shapes | None = None) -> list[Candidate]:
    """National identity numbers (see the module docstring)."""
    found: list[Candidate] = []
    searched_to = 0
    for at in _anchors(text, shapes):
        if at < searched_to:
            continue
        run = _TOKEN_RUN.match(text, at)
        end = run.end() if run else at + 1
        searched_to = end
        if end - at > _LONGEST_TOKEN:
            continue  # a longer token (a trace id in decimal, a hash) is no identity number
        start = _TOKEN_TAIL.search(text, max(0, at - _LONGEST_TOKEN), at).start()  # type: ignore[union-attr]
        token = text[start:end].rstrip(".,:-")
        if len(token) <= _LONGEST_TOKEN and _is_compact_id(text, token, start):
            found.append(("NATIONAL_ID", start, start + len(token)))
    classes = shapes.classes if shapes is not None and shapes.ascii else None
    if classes is None or b"AA 00" in classes:
        found += [("NATIONAL_ID", match.start(), match.end()) for match in _SPACED_NINO.finditer(text)]
    if classes is None or b"000 000 000" in classes:
        found += [
            ("NATIONAL_ID", match.start(), match.end()) for match in _SPACED_SIN.finditer(text)
            if _valid_with_word(match.group().replace(" ", "")) and _word_before(text, match.start())
        ]
    return found


def _anchors(text: str, shapes: Shapes | None) -> list[int]:
    """Where `_ANCHOR` matches: on ASCII text found by literal searches of the byte views (digits as "0" in the
    digit view; letters as "A" in the class view), which are far faster than a pattern tried at every position."""
    if shapes is None or not shapes.ascii:
        return [anchor.start() for anchor in _ANCHOR.finditer(text)]
    starts = []
    for view, needle in ((shapes.digits, b"000000"), (shapes.digits, b"000.000."), (shapes.digits, b"000.0000."),
                         (shapes.classes, b"AAAAAA00")):
        at = view.find(needle)
        while at != -1:
            starts.append(at)
            # The rest of this run of digits (or letters) holds no other start than the run's own.
            at = view.find(needle, at + len(needle))
    return sorted(starts)


def _is_compact_id(text: str, token: str, start: int) -> bool:
    if token.isdigit():
        # Digits alone fit only the Chinese id's shape (18) among the formats.
        if len(token) == 18:
            return any(shape.fullmatch(token) and any(valid(token) for valid in validators)
                       for shape, validators in _COMPACT_DIGITS)
        return 9 <= len(token) <= 16 and (
            _valid_alone(token) or _valid_with_word(token) and _word_before(text, start))
    return any(shape.fullmatch(token) and any(valid(token) for valid in validators) for shape, validators in _COMPACT)


def _word_before(text: str, start: int) -> bool:
    """Whether a word naming an identity number labels the number at `start`: only separators, quotes and
    "number"/"no."/"is" stand between them (`PESEL: `, `"bsn": "`, `CPF nº `), so `"ssn": "<US_SSN>",
    "reference": "5154..."` labels no reference."""
    words = list(_ID_WORD.finditer(text, max(0, start - _WORD_WINDOW), start))
    return bool(words) and _LABEL_GAP.fullmatch(text, words[-1].end(), start) is not None


# Thirteen digits are also epoch milliseconds, in every log: a birth date where the CNP and the South African id
# have one (or the Swiss 756), tested before the validators run.
_THIRTEEN_DATED = re.compile(r"756\d{10}|[1-9]?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{6,7}")


@lru_cache(maxsize=4096)
def _valid_alone(digits: str) -> bool:
    if len(digits) == 13 and not _THIRTEEN_DATED.fullmatch(digits):
        return False
    return any(valid(digits) for valid in _ALONE.get(len(digits), ()))


@lru_cache(maxsize=4096)
def _valid_with_word(digits: str) -> bool:
    return any(valid(digits) for valid in _WITH_WORD.get(len(digits), ()))
