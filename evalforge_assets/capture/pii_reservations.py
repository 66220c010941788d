"""Passenger contacts as airline reservation systems (PNRs) write them: IATA's CTCE element holds an e-mail address
with `@` spelled `//` (and `_` as `..`, `-` as `./`), in capitals: `CTCE RUEDIFANKHAUSER//YAHOO.COM`, `SSR CTCE YY
HK1/J.DOE//EXAMPLE.COM`; CTCM a mobile number in digits alone (`CTCM 41797129848`), which no phone format shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_patterns import Candidate

_CTCE = re.compile(
    r"\bCTCE(?:[ \t]+[A-Z]{2}[ \t]+HK\d)?[ \t]*/?[ \t]*(?P<address>[A-Z0-9][A-Z0-9._/-]{0,63}//[A-Z0-9-]+(?:\.[A-Z0-9-]+)*\.[A-Z]{2,})"
)

_CTCM = re.compile(r"\bCTCM(?:[ \t]+[A-Z]{2}[ \t]+HK\d)?[ \t]*/?[ \t]*(?P<number>\+?\d[\d-]{5,19}\d)(?![\w])")


def find_reservation_contacts(text: str) -> Iterator[Candidate]:
    """The address of each CTCE element and the number of each CTCM element."""
    if "CTC" not in text:
        return
    for match in _CTCE.finditer(text):
        yield "EMAIL", match.start("address"), match.end("address")
    for match in _CTCM.finditer(text):
        yield "PHONE", match.start("number"), match.end("number")
