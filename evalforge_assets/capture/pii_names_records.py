"""The name of a contact record: the value under a record's name key in a JSON object or a YAML mapping that also
holds a phone or an e-mail address found already (`{"name": "Ngozi", "phone": "+44 …"}`, `- name: ysolde farrant`
above `  email: …`). A bare `name` names tools and products as often (`pii_names_keys`), but a record with someone's
phone or mailbox beside it is a contact card, so its name is read as a table's name column next to a phone column
is (`pii_csv_columns.contact_name`): one to four capitalised or caseless words, not all ordinary words, none of an
organisation; or typed in lower case, each word a known name or no ordinary English word; or one word in lower case
that is no English word or a known given name, and no slug (`name: acme-portal` above `admin_email: …` is an
app's). A company's card (`Fenwick Labs`) fails that test or `pii_not_people.names_no_one`, which the caller asks.

Only a flat record is read: the name and the contact with no brace between them (JSON), or on lines of one YAML
item (no new item, no line indented less than the name's key between them).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator

from evalforge_assets.capture.pii_csv_columns import contact_name
from evalforge_assets.capture.pii_key_names import _normalized
from evalforge_assets.capture.pii_names_cue_words import RELATIVES
from evalforge_assets.capture.pii_names_keys import lower_case_name
from evalforge_assets.capture.pii_patterns import Candidate

# Keys of a record's name, normalized (`pii_key_names._normalized`): the name itself, vCard's formatted name, and
# the parts of a name a contact record splits it into.
_RECORD_NAME_KEYS = frozenset([
    "name", "fn", "contact", "person", "fullname", "displayname", "contactname", "first", "last", "given", "family",
    "firstname", "lastname", "givenname", "familyname", "surname", "forename", "middlename", "nickname",
])
# A card saved under a relative's word (`"name": "Mamá"`) names someone only by their place in the owner's family.
_RELATIVE_WORDS = frozenset(RELATIVES)
_JSON_PAIR = re.compile(r'"(?P<key>[A-Za-z_]{1,20})"[ \t]*:[ \t]*"(?P<value>[^"\\\n<>{}\[\]@]{1,60})"')
_YAML_PAIR = re.compile(
    r"^(?P<indent>[ \t]*(?:-[ \t]+)?)(?P<key>[A-Za-z_]{1,20})[ \t]*:[ \t]*(?P<quote>[\"']?)"
    r"(?P<value>[^\"'\n#:{}\[\]@<>]{1,60}?)(?P=quote)[ \t]*$",
    re.MULTILINE,
)
_REACH = 600  # characters between a record's name and its contact, at most: a card is short
_ITEM = re.compile(r"[ \t]*-[ \t]+")  # a YAML line that starts an item of a list


def record_names(text: str, accepted: Iterable[Candidate]) -> Iterator[Candidate]:
    """The name of each flat JSON or YAML record that holds a found phone or e-mail address (see the docstring)."""
    contacts = sorted((start, end) for entity, start, end in accepted if entity in ("PHONE", "EMAIL"))
    if not contacts:
        return
    starts = [start for start, _ in contacts]
    if '":' in text or '" :' in text:
        for match in _JSON_PAIR.finditer(text):
            if _a_record_name(match) and any(
                    same_json_record(text, match, contact) for contact in nearest_spans(contacts, starts, match)):
                yield _candidate(match)
    if ":" in text and "\n" in text:
        for match in _YAML_PAIR.finditer(text):
            if _a_record_name(match) and any(
                    same_yaml_item(text, match, contact) for contact in nearest_spans(contacts, starts, match)):
                yield _candidate(match)


def nearest_spans(spans: list[tuple[int, int]], starts: list[int], match: re.Match[str]) -> list[tuple[int, int]]:
    """Of the sorted `spans` (`starts` their starts), the one just before and the one just after `match`, within a
    card's reach: a record's other contacts stand farther, behind them, and asking only these keeps a long list of
    records linear."""
    after = bisect.bisect_left(starts, match.end())
    return [(start, end) for start, end in spans[max(after - 1, 0) : after + 1]
            if start - match.end() <= _REACH and match.start() - end <= _REACH]


def _a_record_name(match: re.Match[str]) -> bool:
    if _normalized(match.group("key")) not in _RECORD_NAME_KEYS:
        return False
    value = match.group("value").strip()
    if not value or any(char.isdigit() for char in value) or value.lower() in _RELATIVE_WORDS:
        return False
    if value.islower():  # not a slug (`acme-portal`), which an app's record names beside its admin's address
        return "-" not in value and lower_case_name(value)
    return contact_name(value)


def _candidate(match: re.Match[str]) -> Candidate:
    value = match.group("value")
    start = match.start("value") + len(value) - len(value.lstrip())
    return "PERSON", start, start + len(value.strip())


def same_json_record(text: str, match: re.Match[str], contact: tuple[int, int]) -> bool:
    """Whether the contact stands in the JSON object of the name's pair, with no brace between the two."""
    start, end = contact
    if start >= match.end():
        between = text[match.end() : start]
    elif end <= match.start():
        between = text[end : match.start()]
    else:
        return False
    return "{" not in between and "}" not in between


def same_yaml_item(text: str, match: re.Match[str], contact: tuple[int, int]) -> bool:
    """Whether the contact stands on a line of the name's YAML item: from one line to the other, no line is blank or
    has its key less deep than the name's, and none but the first starts a new item at the name's depth."""
    column = len(match.group("indent"))
    first, last = (match.start(), contact[1]) if contact[0] >= match.end() else (contact[0], match.end())
    block = text[text.rfind("\n", 0, first) + 1 : last].split("\n")
    if len(block) < 2:
        return False
    for number, line in enumerate(block):
        item = _ITEM.match(line)
        key_column = item.end() if item else len(line) - len(line.lstrip(" \t"))
        if not line.strip() or key_column < column or (item and key_column == column and number > 0):
            return False
    return True
