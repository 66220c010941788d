"""Street lines of Central and South-Eastern Europe, where the street type is a lower-case word or an
abbreviation that the patterns of `pii_address` do not know, and no postcode need follow:

* Polish: the type first, mostly abbreviated: `ul. Sikorskiego 421`, `al. Jeżynowa 76/64`, `pl. Kopernika 94`,
  `os. Tysiąclecia 12`, `plac Wróblewskiego 49`, `ulica Podgórna 90`, `ul. 3 Maja 5`;
* Romanian: the type first, and often `nr.` before the number: `Str. Mihai Eminescu nr. 12`, `Strada Lungă 5`,
  `Bd. Unirii 21`, `Calea Victoriei 155`, `Aleea Teilor 3`;
* Czech and Slovak: `nám. Míru 5`, `náměstí Svobody 12`, `tř. Tomáše Bati 120`;
* Hungarian: the type after the name, in lower case: `Kossuth Lajos utca 5`, `Petőfi u. 12.`, `Váci út 1-3`,
  `Széchenyi tér 2`, `Andrássy körút 7`;
* Slovenian and Croatian: the type after the name too: `Trpinčeva ulica 78`, `Dunajska cesta 5`, `Prešernov trg 3`;
* Baltic: the type after the name, Lithuanian mostly abbreviated in lower case (`Vytauto g. 7`, `Ukmergės pr. 41-3`,
  `Jaunystės al. 2`), Latvian (`Dzirnavu iela 18`, `Kalnciema bulvāris 4`) and Estonian (`Tallinna mnt
  22`, `Koidu tänav 5`, `Kadrioru puiestee 3`).

Each needs the type word, a name that starts with a capital or a number (`3 Maja`), and a house number, so a
sentence that merely says "ulica" or "utca" is no address.
"""

from __future__ import annotations

import re

from evalforge_assets.capture.pii_shapes import Shapes

# A capital of Latin-1 or Latin Extended-A (whose upper- and lower-case letters alternate: `Į` is one, `į` is not).
_CAPITAL = "A-ZÀ-ÖØ-ÞȘȚ" + "".join(char for char in map(chr, range(0x100, 0x17F)) if char.isupper())
_NAME_WORD = rf"[{_CAPITAL}][\w'’.-]*"
_HOUSE = r"\d{1,5}[A-Za-z]?(?:[/-]\d{1,5}[A-Za-z]?)?\.?"
_TYPE_FIRST = (
    r"ul\.|al\.|pl\.|os\.|ulica|aleja|plac|osiedle|Ulica|Aleja|Plac|Osiedle|"
    r"Str\.|str\.|Strada|strada|Bd\.|bd\.|Bulevardul|bulevardul|Calea|calea|Aleea|aleea|Piața|piața|Șoseaua|"
    r"șoseaua|Splaiul|splaiul|Intrarea|intrarea|"
    r"nám\.|náměstí|námestie|tř\.|třída|ulice"
)
_TYPE_AFTER = (
    r"utca|u\.|út|útja|tér|tere|körút|krt\.|sor|köz|fasor|sétány|lakótelep|rakpart|ulica|cesta|trg|"
    r"gatvė|prospektas|alėja|plentas|aikštė|skersgatvis|iela|bulvāris|prospekts|laukums|tänav|maantee|puiestee|väljak"
)
# The Baltic abbreviations, only as written, in lower case: in capitals after a capitalised word they are initials
# and sections (`Appendix G. 5`, `Table Pr. 2`). Not Lithuanian's `pl.` (plentas, a highway): after a capitalised
# word it is far more often a plate or a page (`See pl. 3`).
_ABBREVIATED_AFTER = r"g\.|pr\.|al\.|skg\.|mnt\.?|pst\.?"
# The type words are read in any case: a lower-case line is searched again with every word capitalised
# (`pii_address_lowercase`), which makes `lajosfürdői utca 216.` `Lajosfürdői Utca 216.`.
CENTRAL_EUROPEAN_STREET = re.compile(
    rf"(?<![\w.])(?i:{_TYPE_FIRST})[ \t]+(?:\d{{1,2}}[ \t]+)?{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}},?[ \t]+"
    rf"(?:nr\.?[ \t]*)?{_HOUSE}(?![\w])"
    rf"|(?<![\w.]){_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}}[ \t]+(?:(?i:{_TYPE_AFTER})|{_ABBREVIATED_AFTER})[ \t]+"
    rf"{_HOUSE}(?![\w])"
)
# Necessary conditions: one of the type words, as a whole ASCII word of the letter view (lowered, a dot is a
# space there) or, in other text, by a search.
_TYPE_WORDS = re.compile(rf"(?<![\w.])(?:(?i:{_TYPE_FIRST}|{_TYPE_AFTER})|{_ABBREVIATED_AFTER})(?![\w])")
_ASCII_TYPE_WORDS = frozenset(
    word.replace("\\.?", "").rstrip("\\.").lower().encode()
    for word in f"{_TYPE_FIRST}|{_TYPE_AFTER}|{_ABBREVIATED_AFTER}".split("|") if word.replace("\\.", "").isascii()
)


def may_hold_central_street(text: str, shapes: Shapes) -> bool:
    """A necessary condition of `CENTRAL_EUROPEAN_STREET`."""
    if shapes.ascii:
        return not shapes.words.isdisjoint(_ASCII_TYPE_WORDS) and _TYPE_WORDS.search(text) is not None
    return _TYPE_WORDS.search(text) is not None
