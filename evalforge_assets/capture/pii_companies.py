"""Companies named after people: a run of names followed by a company's legal form ("Niemi Ky", "Weber & Lang
GmbH", "Pacheco da Cruz Ltda.", "Beckmann Trupp AG & Co. OHG") names the company, not a person; so do two names
joined by an ampersand when the second is no given name or a very common surname ("Sullivan & Cromwell", "Johnson &
Johnson", "Ernst & Young"; not "Anna & Tom").

The legal forms are cleanco's (some 320 terms from about 60 countries), written the way companies write them:
a term with a dot in any case ("a.s.", "S.A.", "Kft."), one without in capitals ("AB", "AS") or capitalised
when that is no English word ("Oy", "Ky"; not "As"), and "GmbH". A few of cleanco's bare terms are
everyday words, state or time-zone codes or abbreviations ("UK", "OK", "ET", "PT", "VAT", "e.g."); after a
name they say something else far more often, so they are left out.
"""

from __future__ import annotations

import re
from functools import cache

from cleanco.clean import get_unique_terms

from evalforge_assets.capture.pii_names import CAPITAL_LETTER, _given_names, _surname_ranks, _webster
from evalforge_assets.capture.pii_patterns import _word_set

# Bare terms that, after a name, are far more often a word, a code or an abbreviation than a legal form.
_NOT_LEGAL_FORMS = _word_set(
    "uk ok at et pt ep ev ei ba ec fa sp ud vat private sem sep sia ps gp kb mb nl bl bm da ad ae ee sd sf ik ij "
    "kt co e.g. ent. company"
) | {"and company", "& company"}
# Names of partners joined into one company name before the legal form ("Weber & Lang GmbH", "Balázs és
# Balogh Bt.", "Eskola Antikainen Ky"): up to four more capitalised words, or joining words; a list of partners
# with commas ends with a joining word ("Nicolini, Federico e Tamburello s.r.l."), so that "Anna Berg, Acme GmbH"
# is a person and her company.
_PARTNER = rf"{CAPITAL_LETTER}[\w'’-]*"
_JOINER = r"(?:&|and|und|és|e|y|et|i)"
_JOINED = (
    rf"(?:(?:,[ \t]+{_PARTNER}){{1,3}}[ \t]+{_JOINER}[ \t]+{_PARTNER})?"
    rf"(?:[ \t]+(?:{_PARTNER}|{_JOINER})){{0,4}}"
)


@cache
def _legal_forms() -> tuple[str, str]:
    """(the dotted terms, the bare ones in their written forms) as regular-expression alternatives."""
    dotted, bare = [], []
    for term in get_unique_terms():
        term = term.strip()
        if not term.isprintable() or term in _NOT_LEGAL_FORMS:
            continue
        (dotted if "." in term or "/" in term or "&" in term or " " in term else bare).append(term)
    # In capitals always ("AB", "AS"); capitalised ("Oy", "Ky") only when that is no English word ("As", "Sal").
    ordinary, _ = _webster()
    bare_forms = {term.upper() for term in bare if len(term) >= 2}
    bare_forms |= {term.capitalize() for term in bare if len(term) >= 2 and term not in ordinary}
    # Written in mixed case, or missing from cleanco's terms: the commonest forms of Germany and the Netherlands.
    bare_forms.update(("GmbH", "BV"))
    # Longest first, so "GmbH & Co. KG" wins over "GmbH" and "S.A. de C.V." over "S.A.".
    return (
        "|".join(re.escape(term) for term in sorted(dotted, key=len, reverse=True)),
        "|".join(re.escape(term) for term in sorted(bare_forms, key=len, reverse=True)),
    )


@cache
def _legal_form_after() -> re.Pattern[str]:
    dotted, bare = _legal_forms()
    return re.compile(rf"{_JOINED}(?:,?[ \t]+(?i:{dotted})|[ \t]+(?:{bare}))(?![\w])")


@cache
def _legal_form_before() -> re.Pattern[str]:
    # `ООО «Наумов Абрамова»`, `AB Volvo Penta`: a bare form and maybe an opening quote, then the name. Not a
    # dotted one: "Ltd. Anna Berg" is the end of one sentence and the start of the next.
    _, bare = _legal_forms()
    return re.compile(rf"(?<![\w.])(?:{bare})[ \t]*[«\"„“'‘]?[ \t]*\Z")


def names_a_company(text: str, start: int, end: int) -> bool:
    """Whether the name read at text[start:end] is (part of) a company's name: a legal form follows it, stands
    before it on the same line, or is one of its words ("Maia Ltda", "ООО Ромашка" read whole as a name); or it
    is one of two partners' names joined by `&`."""
    gaps = [start + index for index, char in enumerate(text[start:end]) if char in " \t"]
    after, before = _legal_form_after(), _legal_form_before()
    return (
        any(after.match(text, position, end + 80) for position in (*gaps, end))
        or any(before.search(text, max(0, word - 30), word) for word in (start, *(gap + 1 for gap in gaps)))
        or _partners(text, start, end)
    )


# `Sullivan & Cromwell`: one capitalised word on each side of an ampersand. A second word that the long list of
# given names holds is still a surname when it is among the census's most common ones ("Ernst & Young").
_SURNAME_FIRST_RANK = 500
_PARTNER_AFTER = re.compile(rf"[ \t]*&[ \t]*({CAPITAL_LETTER}[\w'’-]*)(?![\w&])")
_PARTNER_BEFORE = re.compile(rf"(?<![\w&])(?:{CAPITAL_LETTER}[\w'’-]*)[ \t]*&[ \t]*\Z")
# A year after the pair makes them the authors of an in-text citation (`(Neira & Campbell, 2008)`, `Zhou & Lee
# (2018)`), not a firm; an invoice's number is no year (`Invoice Allen & Overy 2026/855`).
_CITED_YEAR_AFTER = re.compile(r"(?:,[ \t]*|[ \t]*\()(?:19|20)\d\d[a-z]?(?=[);,])")


def _partners(text: str, start: int, end: int) -> bool:
    """A law firm's or brand's two partners; when the second is a given name (`Anna & Tom`), two people."""
    name = text[start:end]
    if " " in name.strip() or not name[:1].isupper():
        # A full name beside an ampersand is a person among others ("Anna Berg & Tom Lind"); so is a name in a
        # script without capitals ("Florentine zu Stahr & 曾瑞文").
        return False
    second = _PARTNER_AFTER.match(text, end)
    if second is not None:
        return _a_surname_first(second.group(1)) and not _CITED_YEAR_AFTER.match(text, second.end())
    return (
        _PARTNER_BEFORE.search(text, max(0, start - 40), start) is not None
        and _a_surname_first(name)
        and not _CITED_YEAR_AFTER.match(text, end)
    )


def _a_surname_first(word: str) -> bool:
    """No given name, or one of the census's most common surnames ("Young", "Johnson"), which the long list of
    given names also holds."""
    return word not in _given_names() or _surname_ranks().get(word, _SURNAME_FIRST_RANK + 1) <= _SURNAME_FIRST_RANK

