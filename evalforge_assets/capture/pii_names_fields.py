"""Person names whose key stands beside them, not just before them, in the shapes tools write:

- **Field and value pairs** of form answers and CRM properties: `{"field": "first_name", "text": "Keano"}`
  (Typeform), `{"name": "lastname", "value": "Janssen"}` (HubSpot), also JSON inside a JSON string.
- **SQL comparisons** on a name column, in any case: `WHERE lower(last_name) = 'peixoto'`, `first_name LIKE 'Ana%'`.
- **A first and a last** side by side (`"guest": {"first": "Paul", "last": "Bradley"}`).
- **GEDCOM records** (genealogy exports): `1 NAME Marta /Kusch-Pergande/`, `2 GIVN Marta`, `2 SURN Kusch-Pergande`:
  the level number and the tag vouch for the value, the surname between the slashes too.
- **A device named after its owner** (`Device Name: Miguel's iPhone`, `Thibaut’s MacBook Pro`), as crash reports and
  device management logs print it.

The key vouches for the value, so a value in lower case counts too, when it is one to four words with no digit;
the device's owner is a capitalised word that is no ordinary English word ("Family's iPad" names no one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_key_names import _normalized
from evalforge_assets.capture.pii_names import _ordinary
from evalforge_assets.capture.pii_names_keys import _NAME_KEY_ENDINGS
from evalforge_assets.capture.pii_patterns import Candidate

_QUOTE = r"""\\{0,3}["']"""
_FIELD_PAIR = re.compile(
    rf"{_QUOTE}(?:field|name|key|property|attribute|label){_QUOTE}[ \t]*:[ \t]*{_QUOTE}(?P<key>[A-Za-z_ .-]{{2,40}}){_QUOTE}"
    rf"[ \t]*,[ \t]*{_QUOTE}(?:text|value|answer|string_value|val){_QUOTE}[ \t]*:[ \t]*{_QUOTE}"
    r"""(?P<value>[^"'\\\n<>{}\[\]@]{1,80})"""
)
_SQL_COMPARISON = re.compile(
    r"(?<![\w.])(?i:(?:lower|upper|trim)[ \t]*\([ \t]*)?(?:\w{1,40}\.)?(?P<key>[A-Za-z_]{2,40})[ \t]*\)?[ \t]*"
    r"(?i:=|like|ilike)[ \t]*"
    r"'(?P<value>[^'\n%]{1,60})%?'"
)
_FIRST_LAST = re.compile(
    rf"{_QUOTE}first{_QUOTE}[ \t]*:[ \t]*{_QUOTE}(?P<first>[^\"'\\\n]{{1,40}}){_QUOTE}[ \t]*,\s*"
    rf"{_QUOTE}last{_QUOTE}[ \t]*:[ \t]*{_QUOTE}(?P<last>[^\"'\\\n]{{1,60}}){_QUOTE}"
)
_DEVICE = re.compile(
    r"(?<![\w'’])(?P<owner>[^\W\d_a-z][^\W\d_]{1,30})['’]s[ \t]+(?:iPhone|iPad|MacBook|iMac|Mac mini|Apple Watch|"
    r"AirPods|Galaxy|Pixel|Surface|ThinkPad|Chromebook|Kindle|Laptop|PC)\b"
)
_VALUE = re.compile(r"[^\W\d_][^\d@<>{}\[\]\"\\]{0,79}")
# A GEDCOM line: its level, a name tag, and the value to the line's end (a NAME's surname between slashes).
_GEDCOM = re.compile(r"(?m)^[ \t]*\d{1,2}[ \t]+(?:NAME|GIVN|SURN|NICK|_MARNM|_AKA)[ \t]+(?P<value>[^\n@]{1,80}?)[ \t]*$")
_GEDCOM_PART = re.compile(r"[^/\s][^/\n]*[^/\s]|[^/\s]")


def find_field_names(text: str) -> Iterator[Candidate]:
    """PERSON candidates of each shape above."""
    if '"text"' in text or '"value"' in text or "'value'" in text or '"answer"' in text or '\\"text\\"' in text:
        for match in _FIELD_PAIR.finditer(text):
            if _a_name_key(match.group("key")) and _a_value(match.group("value")):
                yield "PERSON", match.start("value"), match.end("value")
    if "'" in text and ("name" in text or "NAME" in text or "Name" in text):
        for match in _SQL_COMPARISON.finditer(text):
            if _a_name_key(match.group("key")) and _a_value(match.group("value")):
                yield "PERSON", match.start("value"), match.end("value")
    if "first" in text and "last" in text:
        for match in _FIRST_LAST.finditer(text):
            for group in ("first", "last"):
                if _a_value(match.group(group)):
                    yield "PERSON", match.start(group), match.end(group)
    if "0 @" in text or " NAME " in text:
        for match in _GEDCOM.finditer(text):
            for part in _GEDCOM_PART.finditer(match.group("value")):
                if _a_value(part.group()):
                    yield "PERSON", match.start("value") + part.start(), match.start("value") + part.end()
    if "s " in text:
        for match in _DEVICE.finditer(text):
            if not _ordinary(match.group("owner")):
                yield "PERSON", match.start("owner"), match.end("owner")


def _a_name_key(key: str) -> bool:
    return _normalized(key).endswith(_NAME_KEY_ENDINGS)


def _a_value(value: str) -> bool:
    """One to four words of letters, no digit, no address or markup."""
    value = value.strip()
    return bool(value) and _VALUE.fullmatch(value) is not None and len(value.split()) <= 4
