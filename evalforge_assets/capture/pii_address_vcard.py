"""The street of a vCard's address (RFC 6350, section 6.3.1), whatever its country writes in it: `ADR;TYPE=HOME:;;R.
do Sextante, 28;Covilhã;;;`. The property's value is seven components separated by unescaped semicolons (post
office box, extended address, street, locality, region, postal code, country); the first three are the address
line and are hidden, the place stays readable. The street patterns read `12 Main Street` there too, but not streets
with no type word or with the number after a comma (`R. do Sextante, 28`, `Paulsenrøa 76E`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_patterns import Candidate

# An `ADR` property at a line's start (a group prefix such as `item1.` allowed), its parameters, then the value.
_ADR = re.compile(r"(?im)^[ \t]*(?:[\w-]+\.)?ADR(?:;[^:\n]*)?:(?P<value>[^\n]*)$")
# A component ends at a semicolon that no backslash escapes.
_COMPONENT = re.compile(r"(?:\\.|[^;\\])*")
_ADDRESS_LINE_COMPONENTS = 3  # post office box, extended address, street


def find_vcard_streets(text: str) -> Iterator[Candidate]:
    """STREET_ADDRESS candidates for the address-line components of each vCard `ADR` property."""
    if "ADR" not in text and "adr" not in text:
        return
    for match in _ADR.finditer(text):
        if match.group("value").count(";") < 2:
            continue  # no vCard's structured value (`ADR: 145.20`, a hotel's average daily rate)
        position, end = match.start("value"), match.end("value")
        for _ in range(_ADDRESS_LINE_COMPONENTS):
            component = _COMPONENT.match(text, position, end)
            if component is None:  # never: the pattern matches the empty string (the check is for the type)
                break
            value = component.group().rstrip(" \t\r")
            if any(char.isalnum() for char in value):
                start = component.start() + len(value) - len(value.lstrip(" \t"))
                yield "STREET_ADDRESS", start, component.start() + len(value)
            position = component.end() + 1
            if position > end:  # the value had fewer components
                break
