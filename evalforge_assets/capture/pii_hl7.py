"""The people, streets and phones of an HL7 v2 message, read by field position: `PID|1||2646971^^^MRN||KOCH^KRISTINA
||20050410|F|||Støbegodsstræde 55^^5133 Kvistgård||64554713`.

A health app's agent logs the messages it reads and writes (admissions, lab results), and in them a name is two
capitalised words split by a `^` (`GEGIĆ^VIKTOR`), a street has no type word, and a phone stands with no word near
it: prose rules see none of them, while the standard says what each field holds. The patient's name (PID-5), the
mother's maiden name (PID-6), an alias (PID-9), the next of kin's (NK1-2, NK1-30), the guarantor's (GT1-3), the
insured's (IN1-16) and a merged record's (MRG-7) are person names whose first three components (family, given,
middle) are hidden; a doctor's (PV1-7, -8, -9 and -17, ORC-12, OBR-16, PD1-4) carries an id first and the name
after it. Of an address (PID-11, NK1-4, NK1-32, GT1-5, IN1-19) the street and its other designation (a flat) are
hidden and the place stays readable, as in a vCard. Of a phone field (PID-13, PID-14, NK1-5, NK1-6, NK1-31, GT1-6,
GT1-7) the number as written, or its area code and local number (components 6 and 7 since v2.3), are hidden.

Fields are split at `|`, which every message in practice declares; components and repetitions at the message's own
separators (the two characters after `MSH|`), or the standard's (`^`, `~`) for segments without their `MSH`. Segments end at a carriage return, a line feed or either escaped in a JSON string (`\\n`),
as logs write them. A parser such as `python-hl7` returns the values without their places in the text, which the
redactor needs, and reading a field by position takes no more than the split below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_patterns import Candidate

# A segment starts a line (or the text) with its three-character id and the field separator.
_SEGMENT_START = re.compile(r"(?:^|(?<=[\r\n])|(?<=\\[rn]))(?P<id>[A-Z][A-Z0-9]{2})\|")
_SEGMENT_END = re.compile(r"[\r\n]|\\[rn]")
_MESSAGE_HEADER = re.compile(r"MSH\|(?P<component>[^\r\n\\|])(?P<repetition>[^\r\n\\|])")

_PERSON_FIELDS = {"PID": (5, 6, 9), "NK1": (2, 30), "GT1": (3,), "IN1": (16,), "MRG": (7,)}
_PROVIDER_FIELDS = {"PV1": (7, 8, 9, 17), "ORC": (12,), "OBR": (16,), "PD1": (4,)}
_ADDRESS_FIELDS = {"PID": (11,), "NK1": (4, 32), "GT1": (5,), "IN1": (19,)}
_PHONE_FIELDS = {"PID": (13, 14), "NK1": (5, 6, 31), "GT1": (6, 7)}
_SEGMENTS_READ = frozenset([*_PERSON_FIELDS, *_PROVIDER_FIELDS, *_ADDRESS_FIELDS, *_PHONE_FIELDS])
# Segments whose first field is a set id (`PID|1|`, `NK1||`): without the message's header, that is what tells a
# segment from a table's header line (`PID|USER|%CPU|%MEM|VSZ|RSS`).
_SET_ID_SEGMENTS = frozenset(["PID", "NK1", "GT1", "IN1", "PV1", "OBR"])
_SET_ID = re.compile(r"\d{0,4}")

_NAME_COMPONENTS = (0, 1, 2)  # family name, given name, second and further given names
_PROVIDER_NAME_COMPONENTS = (1, 2, 3)  # after the provider's id
_STREET_COMPONENTS = (0, 1)  # street address, other designation
_PHONE_COMPONENTS = (0, 5, 6)  # the number as written; area code; local number
_PHONE_DIGITS = 7


def _a_name(value: str) -> bool:
    return any(char.isalpha() for char in value)


def _a_street(value: str) -> bool:
    return any(char.isalnum() for char in value)


def _a_phone(value: str) -> bool:
    """Not an area code alone, an extension or a use code (`PRN`)."""
    return sum(char.isdigit() for char in value) >= _PHONE_DIGITS


# What each kind of field holds, where, and the test a component's value must pass to be one.
_READINGS = (
    ("PERSON", _PERSON_FIELDS, _NAME_COMPONENTS, _a_name),
    ("PERSON", _PROVIDER_FIELDS, _PROVIDER_NAME_COMPONENTS, _a_name),
    ("STREET_ADDRESS", _ADDRESS_FIELDS, _STREET_COMPONENTS, _a_street),
    ("PHONE", _PHONE_FIELDS, _PHONE_COMPONENTS, _a_phone),
)


def _parts(text: str, start: int, end: int, separator: str) -> list[tuple[int, int]]:
    """The places of text[start:end]'s parts between `separator`s."""
    places, position = [], start
    while True:
        found = text.find(separator, position, end)
        if found == -1:
            places.append((position, end))
            return places
        places.append((position, found))
        position = found + 1


def _components(
    text: str, field: tuple[int, int], component: str, repetition: str, wanted: tuple[int, ...]
) -> Iterator[tuple[int, int]]:
    """The places of the `wanted` components of each repetition of a field."""
    for repeated in _parts(text, *field, repetition):
        parts = _parts(text, *repeated, component)
        for index in wanted:
            if index < len(parts):
                yield parts[index]


def _candidates(
    text: str, segment: str, fields: list[tuple[int, int]], component: str, repetition: str
) -> Iterator[Candidate]:
    for entity, table, wanted, holds_one in _READINGS:
        for number in table.get(segment, ()):
            if number >= len(fields):
                continue
            for start, end in _components(text, fields[number], component, repetition, wanted):
                if holds_one(text[start:end]):
                    yield entity, start, end


def find_hl7_fields(text: str) -> Iterator[Candidate]:
    """PERSON, STREET_ADDRESS and PHONE candidates for the fields of an HL7 v2 message named in the docstring."""
    if not any(segment + "|" in text for segment in _SEGMENTS_READ):
        return
    component, repetition, headed = "^", "~", False
    for start in _SEGMENT_START.finditer(text):
        segment = start.group("id")
        end_match = _SEGMENT_END.search(text, start.end())
        end = len(text) if end_match is None else end_match.start()
        if segment == "MSH" and (header := _MESSAGE_HEADER.match(text, start.start(), end)) is not None:
            component, repetition, headed = *header.group("component", "repetition"), True
            continue
        if segment not in _SEGMENTS_READ:
            continue
        # The segment's id is its field 0, so field n is the n-th part after it.
        fields = _parts(text, start.start(), end, "|")
        if not headed and not (segment in _SET_ID_SEGMENTS and len(fields) > 1 and _SET_ID.fullmatch(text, *fields[1])):
            continue
        yield from _candidates(text, segment, fields, component, repetition)
