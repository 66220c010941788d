"""Person names their key or their e-mail address vouches for, in any script.

- **Under a key that names a person** in JSON-like text, also JSON inside a JSON string (`\\"assignee\\":
  \\"佐藤 知実\\"`, `"reporter": "井上亮介"`, `full_name='Reza Lundkvist'`): a quoted value of one to four words, none
  in lower case or an ordinary English word, with no digit (`pii_csv_columns` reads table cells by the same test);
  an XML element's text under such a tag is read the same way (`<FamilyName>Romanens</FamilyName>`).
  The keys say "name" of someone (`full_name`, `cardholder_name`, `first_name`) or name a role only people fill
  (`assignee`, `reporter`, `requester`, `approver`, `reviewer`, `author`). A bare `name` names tools and products
  as often (`"name": "geocode"`, `"name": "Kafka"`), so under it the value must also be two words or more led by a
  known given name (`"name": "Bertrand Boutin"`, not `"Grafana Loki"`) or in a script without capitals, Cyrillic
  or Greek (`name='Θεόπιστος Μπαλτζής'`); a query string's `name=Bertrand+Boutin` is read the same way, and so is a
  value a person's key gives without quotes (`first_name=सरस्वती last_name=प्रसाद`, a `key=value` log's).
  A name typed in lower case counts under a key that says "name" of someone (`"customer_name": "élisabeth
  beaudoin"`, `"display_name": "veeti"`: each word a known name or no English word), and under a bare `name` when
  led by a known given name (`"name": "johan clausen"`). `customer`, `recipient`, `driver` or `owner` hold a
  company or a team as often: under them only a value in a script without Latin letters and without a company's
  words is taken (`"recipient": "Світлана Усик"`, not `"ООО Ромашка"`); the rest is left to the cues of
  `pii_finders` and `pii_names_cues`.
- **A display name before an e-mail address in angle brackets** (`Author: Besin Korutürk <mahteraksu@example.com>`,
  `Attendees: Anna Berg <a.berg@example.org>, …`), which mail headers, git logs and calendar invites write: the
  words between the previous `:`, `,`, `;` or line start and the `<` are a name by the same test, when they are
  two words or more with no inner capital (`GitHub <noreply@github.com>` is a product).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_csv_columns import (
    _NAME_WORD,
    PAIRED_NAME_PART_HEADERS,
    cell_is_name,
    find_table_cells,
)
from evalforge_assets.capture.pii_key_names import _normalized
from evalforge_assets.capture.pii_names import _given_names, _ordinary, capitalised_or_caseless
from evalforge_assets.capture.pii_names_cues import _known
from evalforge_assets.capture.pii_names_native import _ORGANISATION_ENDINGS
from evalforge_assets.capture.pii_names_scripts import _LATIN_LETTER
from evalforge_assets.capture.pii_patterns import _NOT_NAMES, Candidate
from evalforge_assets.capture.pii_places import countries_and_states

# Normalized keys (lower case, letters only) that hold a person's name.
_NAME_KEY_ENDINGS = ("fullname", "firstname", "lastname", "surname", "givenname", "familyname", "middlename",
                     "displayname", "holdername", "legalname", "contactname", "customername", "clientname",
                     "recipientname", "patientname", "employeename", "drivername", "passengername", "guestname",
                     "membername", "travellername", "travelername", "applicantname", "signername", "nickname",
                     "preferredname", "maidenname", "birthname")
# Words of a Chinese or Japanese company's name (`株式会社`, `有限公司`), wherever they stand in it.
_CJK_COMPANY_WORDS = ("会社", "公司", "集团", "集團", "銀行", "银行", "商店", "株式", "有限")
# Keys that hold a person or a company (`pii_names_cues` reads them as weak labels): a person when the value is
# written in another script without capitals or Latin letters.
_PERSON_OR_COMPANY_KEYS = frozenset(["recipient", "driver", "passenger", "patient", "customer", "client", "contact",
                                     "holder", "cardholder", "guest", "payee", "beneficiary", "owner"])
_ROLE_KEYS = frozenset(["assignee", "reporter", "requester", "requestedby", "approver", "approvedby", "reviewer",
                        "reviewedby", "author", "createdby", "submittedby", "assignedto", "contactperson"])
_KEYED_VALUE = re.compile(
    r"""(?P<key>[A-Za-z][A-Za-z_.-]{2,40})(?:\\{0,3}["']|\))?[ \t]*[:=][ \t]*(?P<quote>\\{0,3}["'])"""
    r"""(?P<value>[^"'\\\n<>{}\[\]@]{1,80})(?P=quote)"""
)
# An XML element's text under a key's tag (`<FamilyName>Romanens</FamilyName>`), attributes allowed in the start tag.
_ELEMENT = re.compile(r"<(?P<key>[A-Za-z][\w.-]{2,40})(?:[ \t][^<>]{0,200})?>(?P<value>[^<>\n]{1,80})</(?P=key)>")
_GATE = re.compile(rb"name|assignee|reporter|requester|approver|reviewer|author|createdby|submittedby|assignedto|person")
# A value after a key's `=` with no quotes, as `key=value` logs and form bodies write it (`first_name=सरस्वती
# last_name=प्रसाद`), its words joined by `+` in a form.
_UNQUOTED_VALUE = re.compile(
    r"(?<![\w.-])(?P<key>[A-Za-z][A-Za-z_.-]{2,40})=(?P<value>[^\W\d_][^\s&;,=\"'<>()\[\]{}]{0,60})(?=[\s&;,]|$)")
# `name=` in a query string or a form body, its words joined by `+` (`?email=…&name=Bertrand+Boutin`).
_QUERY_NAME = re.compile(r"(?<=[?&])(?:full_?)?name=(?P<value>[^&\s+=]+(?:\+[^&\s+=]+){1,3})(?=[&\s\"']|$)")
# Letters of scripts without capitals that write words apart (not Chinese or Japanese, whose one "word" may be a
# phrase), and their marks.
_SPACED_UNCASED = re.compile(r"[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u0900-\u0dff\u0e00-\u0e7f\u1000-\u109f]{2,30}")
_BRACKETED_ADDRESS = re.compile(r"[<(][\w.+-]+@")  # a necessary condition of `_DISPLAY_NAME`
_INNER_CAPITAL = re.compile(r"[^\W\d_][A-Z]")
_DISPLAY_NAME = re.compile(
    r"(?:^|(?<=[:,;\"]))[ \t]*(?P<name>[^\s<>:,;\"@(][^<>:,;\"@\n()]{0,60}?)[ \t]*"
    r"(?:<[\w.+-]+@[\w-]+(?:\.[\w-]+)+>|\([\w.+-]+@[\w-]+(?:\.[\w-]+)+\))",
    re.MULTILINE,
)


def _titled_word(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def _names_a_person(key: str) -> bool:
    normalized = _normalized(key)
    return normalized in _ROLE_KEYS or normalized.endswith(_NAME_KEY_ENDINGS)


def _named_under_bare_key(value: str) -> bool:
    """A value under a bare `name` key that is a person's name by itself (see the docstring)."""
    words = value.split()
    if len(words) == 1 and _SPACED_UNCASED.fullmatch(value):
        return True  # "name": "ரமணி": one word of Tamil, Arabic, Hebrew, Devanagari..., not a tool's name
    if value.islower() and value.isascii() and _lower_case_full_name(value):
        return _titled_word(words[0]) in _given_names()  # "johan clausen", typed by the person in lower case
    if not 2 <= len(words) <= 4 or not cell_is_name(value):
        return False
    first = words[0]
    if first.isascii():
        return _titled_word(first) in _given_names()
    return _LATIN_LETTER.search(value) is None


def _lower_case_full_name(value: str) -> bool:
    """A full name typed in lower case or in capitals (`"customer_name": "élisabeth beaudoin"`, `"cardholder_name":
    "JULIANNA STILLER"`): two to four words, each a known name or no ordinary English word (not `"full_name": "test
    user"`)."""
    words = value.split()
    if not 2 <= len(words) <= 4 or not (value.islower() or value.isupper()):
        return False
    return all(_NAME_WORD.fullmatch(word) and (_known(word) or not _ordinary(word)) for word in words)


# A passport's or an ID card's keys for the names (ICAO's `given_names`), read after the learned look: asked among the
# rules, their capitalised values moved the words the person model is trained on.
_DOCUMENT_NAME_KEYS = ("givennames", "middlenames", "forename", "forenames")


def lower_case_names_under_keys(text: str) -> Iterator[Candidate]:
    """One word in lower case under a key that says "name" of someone, quoted or not (`"display_name": "veeti"`,
    `first_name=христо`), and a name of a script without capitals under a document's name key (`"given_names":
    "מיאל"`). Asked after the learned look (`pii._find`): a name found here is also hidden where it stands
    capitalised, which would move the words the person model is trained on."""
    if "name" not in text and "Name" not in text:
        return
    for match in itertools.chain(_KEYED_VALUE.finditer(text), _UNQUOTED_VALUE.finditer(text) if "=" in text else ()):
        value, key = match.group("value"), _normalized(match.group("key"))
        if (key.endswith(_NAME_KEY_ENDINGS) and _lower_case_one_name(value)) or (
                key.endswith(_DOCUMENT_NAME_KEYS) and _SPACED_UNCASED.fullmatch(value.replace(" ", ""))
                and len(value.split()) <= 4):
            yield "PERSON", match.start("value"), match.end("value")


def names_in_name_columns_the_rules_leave(text: str) -> Iterator[Candidate]:
    """A table's name column's cells that `pii_csv_columns` leaves, since its test wants capitalised words: a name
    typed in lower case (`kofi mensah`, each word a known name or no ordinary English word; one word no English word
    or a known given name), or written family name first in a quoted cell (`"Fennimore, Ysabeau"`; not a city before
    its country or state, `"Paris, France"`, `"Austin, TX"`). Asked after the learned look (`pii._find`), as
    `lower_case_names_under_keys` is."""
    yield from find_table_cells(text, _a_name_cell_the_rules_leave)  # which asks `may_hold_table` first


# Headers of one part of a name (`first_name`, `last_name`, `Nachname`, `apellido`), as `_normalized` writes them: a
# column that holds nothing else, where an ordinary word is a name (`Green`, `Bishop`, `Rose`).
_NAME_PART_HEADERS = frozenset([
    "firstname", "lastname", "surname", "givenname", "familyname", "middlename", "maidenname", "vorname", "nachname",
    "prenom", "prénom", "apellido", "apellidos", "cognome", "sobrenome", "voornaam", "achternaam", "förnamn",
    "efternamn", "fornavn", "etternavn", "efternavn", "etunimi", "sukunimi", "vezetéknév", "keresztnév", "prenume",
    "jmeno", "jméno", "prijmeni", "příjmení", "imie", "imię", "nazwisko", "soyad", "soyadı", "adı", "επώνυμο",
    "фамилия", "имя", "імя", "ім'я", "прізвище", "שםפרטי", "שםמשפחה", "نامخانوادگی", "姓", "名", "성", "นามสกุล",
]) | PAIRED_NAME_PART_HEADERS  # `first`, `last`: read only beside each other (`pii_csv_columns._paired_name_parts`)
# Most words of a name part: an Arabic family name chains its ancestors (`آل محمد بن علي بن جماز`).
_MOST_NAME_PART_WORDS = 6


def names_in_name_part_columns(text: str) -> Iterator[Candidate]:
    """A cell of a column that holds one part of a name (`first_name`, `last_name`, `Nachname`): one to six words
    written as a name is (a capital first, or a script without case), none a placeholder (`Unknown`, `NULL`), with no
    digit. There an ordinary word is a name (`Green`, `Bishop`), which `pii_csv_columns` leaves, since in a `name`
    column it may be a product's (`Wireless Mouse`). Asked after the learned look, as the other second readings."""
    yield from find_table_cells(text, _a_name_part, columns=lambda header: _normalized(header) in _NAME_PART_HEADERS)


def _a_name_part(value: str) -> bool:
    words = value.split()
    return 1 <= len(words) <= _MOST_NAME_PART_WORDS and all(
        _NAME_WORD.fullmatch(word) and capitalised_or_caseless(word) and word.lower().rstrip(".") not in _NOT_NAMES
        for word in words)


_FAMILY_NAME_FIRST = re.compile(r"(?P<family>[^,]{2,40}),[ \t]*(?P<given>[^,]{2,40})")


def _a_name_cell_the_rules_leave(value: str) -> bool:
    if value.islower():
        return lower_case_name(value)
    parts = _FAMILY_NAME_FIRST.fullmatch(value)
    return (parts is not None and len(value.split()) <= 4 and cell_is_name(parts.group("family"))
            and cell_is_name(given := parts.group("given").strip()) and not given.isupper()  # `Austin, TX`
            and given not in countries_and_states())  # `Paris, France`


def lower_case_name(value: str) -> bool:
    """A name typed in lower case where its place says a name stands (a name key, a name column, a contact card's
    name): words each a known name or no ordinary English word (`_lower_case_full_name`), or one word
    (`_lower_case_one_name`)."""
    return _lower_case_full_name(value) if " " in value else _lower_case_one_name(value)


def _lower_case_one_name(value: str) -> bool:
    """One word in lower case: no ordinary English word (not `"first_name": "test"`, `"display_name": "admin"`), or a
    given name of four letters or more (`"display_name": "mark"`, not the placeholders `nil`, `nan`, `na` that are
    given names too). One in capitals is left to the person model, which reads capitalised words."""
    if not value.islower() or len(value) < 2 or not _NAME_WORD.fullmatch(value):
        return False
    return not _ordinary(value) or (len(value) >= 4 and _titled_word(value) in _given_names())


def _written_without_latin_letters(value: str) -> bool:
    """Two or three words of another script, none in capitals (`"recipient": "Світлана Усик"`, `"driver": "אבישי
    דביר"`): a person, where a company would carry a form's capitals (`ООО`) or Latin letters."""
    words = value.split()
    return (2 <= len(words) <= 3 and _LATIN_LETTER.search(value) is None and cell_is_name(value)
            and not any(word.isupper() and len(word) > 1 for word in words)
            and not any(word.endswith(_ORGANISATION_ENDINGS) or part in word
                        for word in words for part in _CJK_COMPANY_WORDS))


def _person_under(key: str, value: str) -> bool:
    """Whether `value`, under `key`, is a person's name (see the docstring)."""
    normalized = _normalized(key)
    return (_names_a_person(key) and (cell_is_name(value) or (
            normalized.endswith(_NAME_KEY_ENDINGS) and _lower_case_full_name(value)))) or (
            normalized == "name" and _named_under_bare_key(value)) or (
            normalized in _PERSON_OR_COMPANY_KEYS and _written_without_latin_letters(value))


def find_keyed_names(text: str, letters: bytes | None = None) -> Iterator[Candidate]:
    """PERSON candidates under person keys and before e-mail addresses in angle brackets (see the docstring).

    `letters` is an ASCII text's letter view (`Shapes.letters`), for the gate; None for other text."""
    if letters is None or _GATE.search(letters):
        elements = _ELEMENT.finditer(text) if "</" in text else iter(())
        for match in itertools.chain(_KEYED_VALUE.finditer(text), elements):
            value = match.group("value").strip()
            if value and _person_under(match.group("key"), value):
                start = match.start("value") + match.group("value").index(value)
                yield "PERSON", start, start + len(value)
        if "=" in text:
            for match in _UNQUOTED_VALUE.finditer(text):
                key, value = match.group("key"), match.group("value")
                # No capital in it: the person model reads capitalised words, and is trained on what the rules leave.
                if value == value.lower() and _names_a_person(key) and _person_under(key, value.replace("+", " ")):
                    yield "PERSON", match.start("value"), match.end("value")
        if "name=" in text:
            for match in _QUERY_NAME.finditer(text):
                if _named_under_bare_key(match.group("value").replace("+", " ")):
                    yield "PERSON", match.start("value"), match.end("value")
    if "@" in text and _BRACKETED_ADDRESS.search(text):
        for match in _DISPLAY_NAME.finditer(text):
            name = match.group("name")
            # Two words at least, none with an inner capital: a sender of one word is a product or a company as
            # often (`GitHub <noreply@github.com>`, `Jira <jira@example.com>`), unless it is written in a script
            # without capitals, which product names are not (`From: வானத்து <…>`).
            words = len(name.split())
            if cell_is_name(name) and not _INNER_CAPITAL.search(name) and (
                    words >= 2 or (words == 1 and _SPACED_UNCASED.fullmatch(name))):
                yield "PERSON", match.start("name"), match.end("name")
