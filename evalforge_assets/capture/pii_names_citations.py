"""Authors as papers, preprints and court documents cite them, which retrieval puts in front of a model: `Okafor et
al. (2021)`, `Lindqvist and Moreau (2019)`, `(Abara, 2020; Zhou & Lee, 2018)`, a reference list's `Okafor, C. N.,
& Lee, J. (2021).` and an author block's `R. Acuña^1*, G. Puspita^2` (the footnote marks as `pii_decode` writes
them; an affiliation's number may also be in parentheses, `A. Baker (1)`, or LaTeX's or HTML's superscript). A
surname alone or after initials has no given name for `pii_names` to vouch for it; the citation's form does:

- a surname (particles allowed: `van der Berg`) before `et al.`;
- two surnames joined by "and" or `&` before a year, or one with a year inside parentheses, as an in-text
  citation writes them;
- surnames each followed by initials, in a reference list (a year or an initials-first author follows, or there
  are two or more; in a row with a surname the list vouches for, an English word counts too: `Pop, C.`);
- initials then a surname, with a footnote mark after it, or two or more in a row.

A word that is an ordinary English word and no common census surname is not taken (`U.S. Army, U.K. Navy`), nor one of
an organisation's or a place's words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from evalforge_assets.capture.pii_names import (
    _WORD,
    COMMON_SURNAME_RANK,
    VERY_COMMON_SURNAME_RANK,
    _common_given_names,
    _ordinary,
    _surname_ranks,
)
from evalforge_assets.capture.pii_names_cues import _NON_NAME_WORDS
from evalforge_assets.capture.pii_patterns import _ORGANISATION_WORDS, Candidate
from evalforge_assets.capture.pii_taken import TakenSpans

_PARTICLE = r"(?:van|von|de|da|del|della|di|du|le|la|der|den|ter|ten|dos|das|do|bin|al|el)"
_SURNAME = rf"(?:{_PARTICLE}[ \t]+){{0,2}}{_WORD}"
_INITIALS = r"(?:[A-Z]\.[ \t-]?){1,3}"
_YEAR = r"(?:19|20)\d\d[a-z]?"
_AND = r"(?:and|&|und|et|y|e|en|i|och|og)"
_ET_AL = re.compile(rf"(?<![\w'’-])(?P<a>{_SURNAME}),?[ \t]+et[ \t]+al\b")
_TWO_AUTHORS = re.compile(
    rf"(?<![\w'’-])(?P<a>{_SURNAME})[ \t]+{_AND}[ \t]+(?P<b>{_SURNAME}),?[ \t]+\(?{_YEAR}\b")
# `(Abara, 2020; Zhou, 2018)` inside the parentheses, or `Okafor (2021)` before them; not `In March, 2021, we`, nor
# the end of a capitalised phrase before an error's code (`Expired Card (2004)`).
_ONE_AUTHOR = re.compile(
    rf"(?:(?<=\()|(?<=;[ \t]))(?P<a>{_SURNAME}),[ \t]*(?={_YEAR}[;),])"
    rf"|(?<![\w'’-])(?P<b>{_SURNAME})[ \t]+\((?={_YEAR}\))"
)
# `Cámara's earlier cohort (2018a)`, `Okafor's (2021) model`: an author's work in the possessive, its year in
# parentheses at most four lower-case words on.
_POSSESSIVE_CITED = re.compile(
    rf"(?<![\w'’-])(?P<a>{_SURNAME})['’]s[ \t]+(?:[a-z]+[ \t]+){{0,4}}\((?={_YEAR}\))")
_LETTERED_YEAR = re.compile(r"(?:19|20)\d\d[a-z]\)")
_AFTER_SURNAME = rf",[ \t]+{_INITIALS}(?<=\.)"  # a reference's `, C. N.` after its author's surname
_REFERENCE = re.compile(rf"(?<![\w'’-])(?P<a>{_SURNAME}){_AFTER_SURNAME}")
# An affiliation's number after an author written as a typesetter would (`^1`, `$^{1}$`, `<sup>1</sup>`) or in
# parentheses (`A. Baker (1), T. Fischer (2)`), and footnote marks.
_AFFILIATION = (r"\^\d+(?:,\d+)*|\$\^\{\d+(?:,\d+)*\}\$|<sup>\d+(?:,\d+)*</sup>"
                r"|[ \t]\(\d{1,2}(?:,[ \t]?\d{1,2})*\)(?=[ \t]*(?:,|and\b|&|$))")
_AUTHOR_FIRST = re.compile(
    rf"(?<![\w'’.-]){_INITIALS}[ \t]?(?P<a>{_SURNAME})(?P<mark>(?:{_AFFILIATION})[*†‡§]*|[*†‡§]+)?", re.MULTILINE)
# Necessary conditions, far cheaper than the patterns they stand for (each tries a lookbehind at every position):
# a year as citations write it, `(2021)` or `, 2021;`; a comma before initials; an initial before a capitalised word.
_CITED_YEAR = re.compile(rf"(?:\(|,[ \t]*){_YEAR}[;),]")
_COMMA_INITIAL = re.compile(r",[ \t]+[A-Z]\.")
_INITIAL_NAME = re.compile(r"[A-Z]\.[ \t-]?[A-Z]")
_CAPITALISED_BEFORE = re.compile(r"[A-Z][a-z]*[ \t]+$")
_LIST_GAP = re.compile(rf",?[ \t]*(?:{_AND}[ \t]+)?")
_REFERENCE_END = re.compile(rf",?[ \t]*\(?{_YEAR}\b")


def _a_surname(name: str, most_rank: int = COMMON_SURNAME_RANK) -> bool:
    """The last word of `name` is no ordinary English word unless it is a census surname of at most `most_rank`,
    and no word of `name` is one of an organisation or a place."""
    words = name.split()
    if any(word.lower() in _NON_NAME_WORDS or word.lower() in _ORGANISATION_WORDS for word in words):
        return False
    last = words[-1]
    if not (last.isascii() and _ordinary(last)):
        return True
    return _surname_ranks().get(last.capitalize(), most_rank + 1) <= most_rank


def _one_author(text: str, match: re.Match[str]) -> tuple[int, int] | None:
    """The author of `(Abara, 2020` or `Okafor (2021)`, unless the word before it is capitalised too."""
    group = "a" if match.group("a") is not None else "b"
    start = match.start(group)
    if group == "b" and _CAPITALISED_BEFORE.search(text, max(0, start - 30), start):
        return None
    return (start, match.end(group)) if _a_surname(match.group(group), VERY_COMMON_SURNAME_RANK) else None


def _in_a_row(matches: list[re.Match[str]], text: str) -> list[bool]:
    """For each match, whether the one before or after it follows with only a comma or "and" between."""
    joined = [_LIST_GAP.fullmatch(text, left.end(), right.start()) is not None for left, right in pairwise(matches)]
    return [(index > 0 and joined[index - 1]) or (index < len(joined) and joined[index])
            for index in range(len(matches))]


def _reference_authors(text: str) -> Iterator[Candidate]:
    """The `Surname, I.` authors of a reference list: each in a row of them (or before an initials-first author,
    `Harper, L., D. Smith (1997)`) or before the year. In a row with a surname the list vouches for, a surname
    that is an English word counts too (`Marin, A., Pop, C. (2015)`, `Kato, A., Mo, X.`); alone it does not."""
    references = [match for match in _REFERENCE.finditer(text) if _not_an_organisation(match.group("a"))]
    surnames = [_a_surname(match.group("a")) for match in references]
    joined = [_LIST_GAP.fullmatch(text, left.end(), right.start()) is not None
              for left, right in pairwise(references)]
    for index, match in enumerate(references):
        before = index > 0 and joined[index - 1]
        after = index < len(joined) and joined[index]
        vouched = (before and surnames[index - 1]) or (after and surnames[index + 1])
        if surnames[index]:
            if before or after or _REFERENCE_END.match(text, match.end()) or _author_follows(text, match.end()):
                yield "PERSON", match.start(), match.end()
        elif vouched:
            yield "PERSON", match.start(), match.end()


def _not_an_organisation(name: str) -> bool:
    return not any(word.lower() in _NON_NAME_WORDS or word.lower() in _ORGANISATION_WORDS for word in name.split())


def _author_follows(text: str, end: int) -> bool:
    """Whether an initials-first author (`D. Smith`) follows `end` with only a comma or "and" between."""
    gap = _LIST_GAP.match(text, end)
    return gap is not None and gap.end() > end and _AUTHOR_FIRST.match(text, gap.end()) is not None


def find_cited_names(text: str) -> Iterator[Candidate]:
    """The authors of every citation of `text` (see the module docstring)."""
    if "et al" in text:
        for match in _ET_AL.finditer(text):
            if _a_surname(match.group("a")):
                yield "PERSON", match.start("a"), match.end("a")
    if _CITED_YEAR.search(text):
        pairs = list(_TWO_AUTHORS.finditer(text))
        for match in pairs:
            if _a_surname(match.group("a")) and _a_surname(match.group("b")):
                yield "PERSON", match.start("a"), match.end("a")
                yield "PERSON", match.start("b"), match.end("b")
        paired = {match.span("b") for match in pairs}
        for match in _ONE_AUTHOR.finditer(text):
            if (span := _one_author(text, match)) is not None and span not in paired:
                yield "PERSON", *span
    if "." not in text:
        return
    if _COMMA_INITIAL.search(text):
        yield from _reference_authors(text)
    if _INITIAL_NAME.search(text):
        authors = [match for match in _AUTHOR_FIRST.finditer(text) if _a_surname(match.group("a"))]
        for match, in_a_row in zip(authors, _in_a_row(authors, text), strict=True):
            if in_a_row or match.group("mark"):
                yield "PERSON", match.start(), match.end("a")


def possessive_citations(text: str) -> Iterator[Candidate]:
    """The author of a work cited in the possessive (`This replicates Cámara's earlier cohort (2018a)`). Asked after
    the learned look (`pii._find`): among the citation rules it moved the person model's training words. A
    product's notes are dated the same way (`Kubernetes's release notes (2019)`), so the text must read as
    scholarship: a year with a letter after it (`2018a`, as one author's works of a year are told apart), or a
    second cited year."""
    if "(" not in text or not (cited := _CITED_YEAR.findall(text)):
        return
    scholarly = len(cited) >= 2
    for match in _POSSESSIVE_CITED.finditer(text):
        start = match.start("a")
        if not (scholarly or _LETTERED_YEAR.match(text, match.end())):
            continue
        if not _CAPITALISED_BEFORE.search(text, max(0, start - 30), start) and _a_surname(
                match.group("a"), VERY_COMMON_SURNAME_RANK):
            yield "PERSON", start, match.end("a")


# After the learned look, a reference's author may be written as `García Márquez, G.`: two words of surname.
_LISTED_REFERENCE = re.compile(rf"(?<![\w'’-])(?P<a>(?:{_WORD}[ \t]+)?{_SURNAME}){_AFTER_SURNAME}")


def authors_beside_found(text: str, persons: list[Candidate]) -> Iterator[Candidate]:
    """An author of a reference list next to another author or to a name already found, whichever style each is
    written in (`Harper, L., D. Smith (1997)`) and with a surname of two words (`García Márquez, G.`), when
    `_a_surname` takes both surnames (`J.P. Morgan and U.S. Army` stays: `Army` is an ordinary word). Asked
    after the learned look with what it found (`pii._add_after_the_model`): asked among the finders, it moved the
    person model's training words."""
    authors: dict[tuple[int, int], str] = {}
    if _COMMA_INITIAL.search(text):  # each pattern only where its cheap necessary condition holds (see above)
        authors = {(match.start(), match.end()): match.group("a") for match in _LISTED_REFERENCE.finditer(text)}
    if _INITIAL_NAME.search(text):
        authors |= {(match.start(), match.end("a")): match.group("a") for match in _AUTHOR_FIRST.finditer(text)
                    if text[match.start("a") - 1] in " \t"}  # not a degree's `B.Sc`
    named = [span for span, surname in authors.items() if _not_an_organisation(surname) and _a_surname(surname)]
    if not named:
        return
    found = [(start, end) for _, start, end in persons]
    taken = TakenSpans(found)
    # Where the next item of a row would start after each author or found name: past a comma or "and".
    followed_at = {_LIST_GAP.match(text, end).end() for _, end in named + found}
    starts = {start for start, _ in named + found}
    for span in named:
        if (span[0] in followed_at or _LIST_GAP.match(text, span[1]).end() in starts) and not taken.overlaps(*span):
            yield "PERSON", *span


# After the learned look, an author block's full names, each with its affiliations' footnote mark after it.
_MARKED_AUTHOR = re.compile(
    rf"(?<![\w'’.-])(?P<a>{_WORD}(?:[ \t]+{_SURNAME}){{1,2}})(?:(?:{_AFFILIATION})[*†‡§]*|[*†‡§]+)(?![\w*])",
    re.MULTILINE,
)
_FOOTNOTE_MARK = re.compile(r"\^\d|[†‡§]|[^\s*]\*(?!\*)|\$\^\{|<sup>\d|[^\W\d_][ \t]\(\d{1,2}\)")


def marked_authors(text: str) -> Iterator[Candidate]:
    """Full names with a footnote mark after each, two or more in a row, as a paper's author block lists them
    (`Adaeze Obi^1*, Ilse Marten^2 and Tomasz Wilk^1`): no organisation's word, and a word that is no English word
    or a common given name first (`Open Settings*, Click Save*` stay). Asked after the learned
    look (`pii_names_after_model`): these are capitalised words the person model is trained on."""
    if _FOOTNOTE_MARK.search(text) is None:
        return
    marked = [match for match in _MARKED_AUTHOR.finditer(text) if _name_shaped(match.group("a"))]
    for match, in_a_row in zip(marked, _in_a_row(marked, text), strict=True):
        if in_a_row:
            yield "PERSON", match.start("a"), match.end("a")


def _name_shaped(name: str) -> bool:
    words = name.split()
    return _not_an_organisation(name) and (words[0] in _common_given_names() or not all(map(_ordinary, words)))
