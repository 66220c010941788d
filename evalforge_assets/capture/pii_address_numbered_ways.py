"""Streets known by a number, in the forms two address systems write them:

* Colombia's grid, a way and its number, then `#` (or `No.`) and the door as the crossing way's number and the
  metres from it: `Calle 7 # 7-35`, `Cl. 7ª # 7Z-35 Este`, `Carrera 15 No. 93-47`, `Dg. 4ª # 1-14`, `Av. Cra. 30 #
  45-03 Sur`;
* Vietnam's house number (perhaps with its alley numbers) before a road, lane or alley, which is often a number
  itself: `Số 292 đường 85`, `8/24/366 phố số 6`, `12 ngõ 45 Nguyễn Trãi`.

Each needs the way's word and the numbers in their places, so "Calle" or "đường" in a sentence is no address.
"""

from __future__ import annotations

import re

from evalforge_assets.capture.pii_shapes import Shapes

_CO_WAY = r"(?:Avenida|Av\.?|Calle|Cl\.?|Cll\.?|Carrera|Cra\.?|Cr\.?|Kr\.?|Kra\.?|Diagonal|Dg\.?|Transversal|Tv\.?)"
_CO_NUMBER = r"\d{1,3}[ \t]?(?:[A-Za-z]|ª|Bis)?(?:[ \t]?(?:[A-Z]|Bis))?"  # `4ª` is `4a` once NFKC-normalized
_COLOMBIAN = (
    rf"(?<![\w.]){_CO_WAY}(?:[ \t]+{_CO_WAY})?[ \t]+{_CO_NUMBER}[ \t]*(?:#|No\.?|N°|Nº)[ \t]*"
    r"\d{1,3}[ \t]?[A-Z]{0,2}[ \t]?-[ \t]?\d{1,3}(?:[ \t]+(?:Este|Sur|Norte|Oeste))?(?![\w-])"
)
_VI_WAY = r"(?:đường|phố|ngõ|ngách|hẻm|kiệt|Đường|Phố|Ngõ|Ngách|Hẻm|Kiệt)"
_VI_NAME = r"(?:(?:số[ \t]+)?\d{1,4}[A-Z]?|[A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:[ \t]+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*){0,3})"
_VIETNAMESE = (
    rf"(?<![\w/])(?:[Ss]ố[ \t]+)?\d{{1,4}}[A-Z]?(?:/\d{{1,4}}[A-Z]?){{0,3}}[ \t]+{_VI_WAY}[ \t]+{_VI_NAME}"
    rf"(?:[ \t]+{_VI_WAY}[ \t]+{_VI_NAME})?(?![\w])"
)
NUMBERED_WAY_STREET = re.compile(f"{_COLOMBIAN}|{_VIETNAMESE}")
_ASCII_GATE = frozenset([b"calle", b"cl", b"cll", b"carrera", b"cra", b"cr", b"kr", b"kra", b"diagonal", b"dg",
                         b"transversal", b"tv", b"avenida", b"av"])
_OTHER_GATE = re.compile(rf"{_VI_WAY}|{_CO_WAY}")


def may_hold_numbered_way(text: str, shapes: Shapes) -> bool:
    """A necessary condition of `NUMBERED_WAY_STREET`: a way's word and a `#`, `No` or `N°` (Colombia), or, in
    text that is not ASCII, a way's word."""
    if shapes.ascii:
        return not shapes.words.isdisjoint(_ASCII_GATE) and ("#" in text or "No" in text)
    return _OTHER_GATE.search(text) is not None
