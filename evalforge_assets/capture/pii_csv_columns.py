"""Values in the columns of a CSV table whose header names them: `name,email,mobile` then `Cecilie Bøe,…,99445506`.

An export pasted into a prompt or a tool result is a header line and rows, and a cell holds a phone number, a name or
a street line with nothing around it but separators; the header is what says which. A table is a header of two or
more key-like cells separated by `,`, `;`, a tab or `|`, then the rows under it with as many cells. A cell under a
phone header (`phone`, `mobile`, `Telefon`: the keys `pii_context` knows) is a phone when it is shaped like one; under
an address header (`street`, `address`, `Adresse`) a street line when it holds a house number and a word; under a
person header (`name`, `full_name`, `recipient`, `customer`) a name when it is one to four capitalised words, none
an ordinary word, with no digit (`name,sku,price` lists products: `Wireless Mouse` stays); under an SSN or TIN
header nine digits the SSA could have issued. `user`, `owner` and `member` columns are left out: they hold service
accounts and teams (`Kubernetes`) as often as people.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

from evalforge_assets.capture.checksums import luhn_valid, ssn_valid
from evalforge_assets.capture.pii_address_keys import address_key, street_value
from evalforge_assets.capture.pii_key_names import _normalized, key_kind
from evalforge_assets.capture.pii_names import _ordinary, capitalised_or_caseless
from evalforge_assets.capture.pii_names_cues import capitalised_non_words
from evalforge_assets.capture.pii_patterns import _NOT_NAMES, _ORGANISATION_WORDS, Candidate

_SEPARATORS = (",", ";", "\t", "|")
# The separators of rows with no header, whose cells are read by their place (`pii_names_in_rows`,
# `pii_phone_columns`): a comma or a semicolon there joins the words of a sentence as often.
HEADERLESS_SEPARATORS = ("|", "\t")
_PERSON_HEADERS = frozenset([
    "name", "fullname", "customername", "clientname", "contactname", "recipient", "recipientname", "customer",
    "contact", "firstname", "lastname", "surname", "givenname", "familyname", "cardholder", "cardholdername",
    "accountholder", "holder", "patient", "patientname", "employee", "employeename", "driver", "drivername",
    "passenger", "passengername", "guest", "guestname", "membername",
    "nom", "prenom", "prénom", "nombre", "nome", "vorname", "nachname", "naam", "namn", "navn", "nimi", "imię",
    "nazwisko", "jméno", "příjmení", "név", "имя", "фио", "όνομα", "ad", "adsoyad", "氏名", "名前", "姓名", "이름",
    # More languages, as `_normalized` writes them (spaces and punctuation dropped).
    "nomecompleto", "nombrecompleto", "apellido", "apellidos", "cognome", "sobrenome", "voornaam", "achternaam",
    "förnamn", "efternamn", "fornavn", "etternavn", "efternavn", "etunimi", "sukunimi", "vezetéknév", "keresztnév",
    "nume", "prenume", "jmeno", "prijmeni", "imie", "soyad", "soyadı", "adı", "επώνυμο", "ονοματεπώνυμο", "фамилия",
    "імя", "ім'я", "прізвище", "піб", "nama", "namalengkap", "tên", "họtên", "họvàtên", "họ", "שם", "שםמלא",
    "שםפרטי", "שםמשפחה", "اسم", "الاسم", "الاسمالكامل", "नाम", "पूरानाम", "ชื่อ", "นามสกุล", "ชื่อนามสกุล", "名",
    "姓", "성", "성명", "고객명", "收件人", "联系人", "نام", "نامخانوادگی", "نامکامل", "نامونامخانوادگی",
])
# `\d` takes every script's digits (a Bengali `০১২২৮২৭৮৬০৮` too).
_PHONE_CELL = re.compile(r"\+?[\d (). /-]{6,24}(?:[ ]?(?:x|ext\.?)[ ]?\d{1,5})?")
# The combining marks of the scripts between Latin's accents and Tibetan (a Devanagari `ि`, an Arabic vowel sign):
# words of letters and marks (`दीप्ति`), which `\w` does not match.
_MARKS = "".join(chr(code) for code in range(0x0300, 0x0FFF) if unicodedata.category(chr(code)).startswith("M"))
_NAME_LETTER = rf"(?:[^\W\d_]|[{_MARKS}])"
_NAME_WORD = re.compile(rf"[^\W\d_]{_NAME_LETTER}*(?:[-'’][^\W\d_]{_NAME_LETTER}*)*\.?")
# A header's words may hold those marks too (`फ़ोन`, `पता`).
_HEADER_CELL = re.compile(rf"[^\W\d][\w{_MARKS} .()/-]{{0,39}}")


_EMAIL_HEADERS = frozenset(
    ["email", "emailaddress", "mail", "correo", "courriel", "epost", "eposta", "почта", "ایمیل", "رایانامه"])
_PASSWORD_HEADER_ENDINGS = ("password", "passwd", "pwd", "passphrase", "passcode")
_NOT_A_PASSWORD_COLUMN = ("hash", "salt", "policy", "reset", "expir", "changed", "updated", "length", "hint",
                          "required", "date", "time", "count", "attempt", "strength")
_PASSWORD_CELL = re.compile(r"\S{4,128}")
_SSN_HEADERS = frozenset(["ssn", "socialsecuritynumber", "socialsecurity", "tin", "taxid", "itin"])
# A card column's cell is a card by its column, whatever its issuer's prefix and length rules say of a long run
# of digits elsewhere (`'6304123456789012347'`, a Maestro's 19): 12 to 19 digits that pass Luhn's check.
_CARD_HEADERS = frozenset([
    "card", "cardnumber", "cardno", "cardnum", "creditcard", "creditcardnumber", "debitcard", "paymentcard", "cc",
    "ccnumber", "ccnum", "pan", "kartennummer", "kreditkarte", "kreditkartennummer", "tarjeta", "numerotarjeta",
    "numerodetarjeta", "numerodecarte", "cartao", "numerocartao", "numerodocartao", "kaartnummer", "numerkarty",
])
_CARD_CELL = re.compile(r"\d{4}(?:[ -]?\d{1,7}){1,5}")
_SSN_CELL = re.compile(r"(\d{3})-?(\d{2})-?(\d{4})")


def column_kind(cell: str) -> str | None:
    """The entity a column named `cell` holds, when it names one (a phone, an SSN, a card, a street, a person, a password;
    an e-mail column only says the table lists people)."""
    if key_kind(cell) == "PHONE":
        return "PHONE"
    normalized = _normalized(cell)
    if normalized in _SSN_HEADERS:
        return "US_SSN"
    if normalized in _CARD_HEADERS:
        return "CREDIT_CARD"
    if address_key(cell):
        return "STREET_ADDRESS"
    if normalized in _PERSON_HEADERS:
        return "PERSON"
    if normalized in _EMAIL_HEADERS:
        return "EMAIL"  # its cells are left to the e-mail finders; it says the table lists people
    if (normalized.endswith(_PASSWORD_HEADER_ENDINGS) or "password" in normalized) and not any(
            word in normalized for word in _NOT_A_PASSWORD_COLUMN):
        return "PASSWORD"  # `password`, `password_plain`; not `password_hash` or `password_changed_at`
    return None


def cell_is_name(value: str) -> bool:
    """One to four words that can be a name where only their place says so: none in lower case or an ordinary
    word, no digit (a table's name column, a person key's value)."""
    words = value.split()
    if not 1 <= len(words) <= 4 or not all(_NAME_WORD.fullmatch(word) for word in words):
        return False
    return capitalised_non_words([word.rstrip(".") for word in words])


def contact_name(value: str) -> bool:
    """A cell of the name column of a table that also lists e-mail addresses or phones, whose rows are people: one
    to four capitalised words with no digit, not all of them ordinary words, none of an organisation."""
    words = value.split()
    if not 1 <= len(words) <= 4 or not all(
            _NAME_WORD.fullmatch(word) and capitalised_or_caseless(word) for word in words):
        return False
    if any(word.lower().rstrip(".") in _NOT_NAMES or word.lower().rstrip(".") in _ORGANISATION_WORDS for word in words):
        return False
    return not all(_ordinary(word) for word in words)


def _cell_is(kind: str, value: str, contacts: bool = False) -> bool:
    if kind == "EMAIL":
        return False
    if kind == "PERSON" and contacts and contact_name(value):
        return True
    if kind == "PASSWORD":
        return bool(_PASSWORD_CELL.fullmatch(value)) and value.upper() not in ("NULL", "NONE", "DEFAULT")
    if kind == "PHONE":
        return bool(_PHONE_CELL.fullmatch(value)) and sum(char.isdigit() for char in value) >= 6
    if kind == "STREET_ADDRESS":
        return street_value(value)
    if kind == "CREDIT_CARD":
        digits = value.replace(" ", "").replace("-", "")
        return bool(_CARD_CELL.fullmatch(value)) and 12 <= len(digits) <= 19 and luhn_valid(digits)
    if kind == "US_SSN":
        return (match := _SSN_CELL.fullmatch(value)) is not None and ssn_valid(*match.groups())
    return cell_is_name(value)


def is_cell_of(kind: str, value: str) -> bool:
    """Whether `value`, with no spaces around it, is a value of the column kind `kind` (`column_kind`)."""
    return bool(value) and value == value.strip() and _cell_is(kind, value)


def _cells(line: str, separator: str) -> list[tuple[int, int]]:
    """(start, end) of each cell of `line`; a cell in double quotes is read without its quotes."""
    spans: list[tuple[int, int]] = []
    position = 0
    while True:
        if line.startswith('"', position):
            close = line.find('"', position + 1)
            if close == -1:
                return []
            spans.append((position + 1, close))
            position = close + 1
            if position < len(line) and line[position] != separator:
                return []
        else:
            end = line.find(separator, position)
            end = len(line) if end == -1 else end
            spans.append((position, end))
            position = end
        if position >= len(line):
            return spans
        position += 1  # past the separator


# The rule under a table's header: Markdown's `|---|:---:|`, psql's `----+------`.
_DELIMITER_ROW = re.compile(r"[ \t]*[|+]?[ \t]*:?-{3,}:?[ \t]*(?:[|+][ \t]*:?-{3,}:?[ \t]*)*[|+]?[ \t]*")


def _row_cells(line: str, separator: str) -> list[tuple[int, int]]:
    """`_cells` of a row; a Markdown row (`| Ana Souza | ana@example.com |`) is read without its outer pipes."""
    stripped = line.strip()
    if separator != "|" or not (stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1):
        return _cells(line, separator)
    first, last = line.index("|"), line.rindex("|")
    return [(first + 1 + start, first + 1 + end) for start, end in _cells(line[first + 1 : last], separator)]


def header_cells(line: str, next_line: str, quoted_rows: bool = True) -> Iterator[tuple[str, list[str]]]:
    """Each separator that makes `line` a table's header, with its cells: two or more key-like cells, and a next
    line with as many separators (or, with `quoted_rows`, one with quoted cells, counted in full later)."""
    for separator in _SEPARATORS:
        count = line.count(separator)
        if count < 1 or (next_line.count(separator) != count and not (quoted_rows and '"' in next_line)):
            continue
        cells = [line[start:end].strip() for start, end in _row_cells(line, separator)]
        if len(cells) >= 2 and all(_HEADER_CELL.fullmatch(cell) for cell in cells):
            yield separator, cells


def _header(line: str, next_line: str, columns: Callable[[str], bool] | None = None
            ) -> tuple[str, list[str | None]] | None:
    """The separator and the kind of each column, when `line` is a header with at least one column of interest
    (and, with `columns`, whose header passes it)."""
    for separator, cells in header_cells(line, next_line):
        paired = _paired_name_parts(cells)
        kinds = [("PERSON" if index in paired else column_kind(cell)) if columns is None or columns(cell) else None
                 for index, cell in enumerate(cells)]
        if any(kinds):
            return separator, kinds
    return None


# Headers that name a part of a name only beside the other part (`first,last,email`): alone, `last` may be a price and
# `family` a font's.
_FIRST_PARTS = frozenset(["first", "given", "forename"])
_LAST_PARTS = frozenset(["last", "family", "surname"])
PAIRED_NAME_PART_HEADERS = _FIRST_PARTS | _LAST_PARTS


def _paired_name_parts(cells: list[str]) -> set[int]:
    """The places of the cells that name a first and a last part of a name, when the header has both."""
    normalized = [_normalized(cell) for cell in cells]
    if _FIRST_PARTS.isdisjoint(normalized) or _LAST_PARTS.isdisjoint(normalized):
        return set()
    return {index for index, cell in enumerate(normalized) if cell in PAIRED_NAME_PART_HEADERS}


def _if_cell_is(
        kind: str | None, line: str, start: int, end: int, offset: int, contacts: bool = False,
        person_cell: Callable[[str], bool] | None = None) -> Iterator[Candidate]:
    value = line[start:end]
    stripped = value.strip()
    if not kind or not stripped:
        return
    if person_cell is not None:  # a second reading of the name columns only, by another test of the cell
        found = kind == "PERSON" and person_cell(stripped)
    else:
        found = _cell_is(kind, stripped, contacts)
    if found:
        at = offset + start + value.index(stripped)
        yield kind, at, at + len(stripped)


def _phones_of_a_split_row(
        kinds: list[str | None], spans: list[tuple[int, int]], line: str, offset: int) -> Iterator[Candidate]:
    """A row with more cells than its header: a cell held an unquoted separator (`Quận 1, TP. Hồ Chí Minh`), and the
    columns after it moved right. A phone column's cell is where the header puts it or as far from the row's end
    as the header's column is from the header's; only phones are read there, whose shape says what they are."""
    extra = len(spans) - len(kinds)
    for index, kind in enumerate(kinds):
        if kind == "PHONE":
            for place in (index, index + extra):
                found = list(_if_cell_is(kind, line, *spans[place], offset))
                if found:
                    yield from found
                    break


def may_hold_table(text: str) -> bool:
    """A cheap test: two lines at least, and a separator."""
    return "\n" in text and any(separator in text for separator in _SEPARATORS)


def find_table_cells(text: str, person_cell: Callable[[str], bool] | None = None,
                     columns: Callable[[str], bool] | None = None) -> Iterator[Candidate]:
    """PHONE, STREET_ADDRESS and PERSON candidates for the cells of named columns (see the module's docstring).

    With `person_cell`, only the name columns' cells are read, and a cell is a name when it passes that test; with
    `columns`, only the columns whose header passes it."""
    if not may_hold_table(text):
        return
    offset = 0
    lines = text.split("\n")
    table: tuple[str, list[str | None]] | None = None
    for index, line in enumerate(lines):
        if table is not None and _DELIMITER_ROW.fullmatch(line):
            offset += len(line) + 1
            continue
        if table is not None:
            separator, kinds = table
            spans = _row_cells(line, separator)
            contacts = "PHONE" in kinds or "EMAIL" in kinds
            if len(spans) < len(kinds):
                table = None
            elif len(spans) == len(kinds):
                for (start, end), kind in zip(spans, kinds, strict=True):
                    yield from _if_cell_is(kind, line, start, end, offset, contacts, person_cell)
            elif person_cell is None:
                yield from _phones_of_a_split_row(kinds, spans, line, offset)
        if table is None and index + 1 < len(lines):
            following = lines[index + 1]
            if _DELIMITER_ROW.fullmatch(following) and index + 2 < len(lines):
                following = lines[index + 2]  # the first row is under the rule
            table = _header(line, following, columns)
        offset += len(line) + 1
