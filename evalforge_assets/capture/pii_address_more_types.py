"""English-order street lines whose road type the patterns of `pii_address` leave: the rest of the USPS's street
suffixes (`Trafficway`, `Fall`, `Mall`, `River`) and the road types of Australia and New Zealand (AS/NZS 4819:
`Amble`, `Byway`, `Circuit`, `Esplanade`, `Glade`, `Parade`, `Quay`, `Wynd`), after a house number and one to three
capitalised words: `45 Kestrel Byway`, `713 Amber Trafficway Apt. 241`, `12/4 Harbour Esplanade`.

Asked only with the learned look (`pii._find`): among the rules the person model is trained on, these streets' words
moved its training words. No plural (`8 Retrieved Passages`), and no type that is an everyday word in a title
(`Passage`, `Break`, `End`, `Hub`, `Link`, `Rise`: `Chapter 3 Secret Passage`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_address import NUMBER_BEFORE_NAME, UNIT_AFTER_TYPE
from evalforge_assets.capture.pii_patterns import Candidate

_MORE_TYPES = (
    "Trafficway|Fall|Mall|River|Amble|Approach|Byway|Circuit|Concourse|Cutting|Esplanade|Formation|Glade|Meander|"
    "Nook|Parade|Plateau|Quad|Quadrant|Quay|Reach|Retreat|Stairs|Subway|Tor|Villas|Wharf|Wynd|Promenade|Cres|Mew"
)
_TYPE_WORD = re.compile(rf"(?<=[ \t])(?:{_MORE_TYPES})\b")
_STREET = re.compile(rf"{NUMBER_BEFORE_NAME}(?:{_MORE_TYPES})\b\.?{UNIT_AFTER_TYPE}")  # no plural


def find_streets_of_more_types(text: str) -> Iterator[Candidate]:
    """STREET_ADDRESS candidates for the street lines of the road types above."""
    if _TYPE_WORD.search(text) is None:
        return
    for match in _STREET.finditer(text):
        yield "STREET_ADDRESS", match.start(), match.end()
