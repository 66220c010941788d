"""One family name alone after an English word for a relative or a neighbour: `leave w/ neighbour gabryelczyk if no
answer`, `my colleague Okonjo will cover`, `ask my landlord turner`; and a name set before "my" and such a word, as
its apposition (`put it under kerry adair she's my sister`, `tomasz my neighbour said`), or before a comma and a
relative's word of any language (`Ferrandou, le voisin du dessus, gare son Volvo`).

`pii_names_cues` reads the name after a relative's word when name data knows it as a given name, or when two words
follow (`my son Marco`, `neighbour Ana Lima`); a family name alone, in any case, is left, and a driver's note or a
transcript names a neighbour by the family name most of all. After the relative's word one word is a name when it
is no ordinary English word or stop word of the 58 languages (or a common census surname, which is often an English
word too: `turner`, `hill`), and what follows it ends the name: a mark, the end, or a word of English (`if`, `will`,
`said`), so the first of two unknown words (`neighbour van damme`) is left to the cue finder's reading of runs.

Before "my" and the relative (maybe after `she's`, `he's`, `who's` or `is`), one to three words are the name when each
is a given name or a surname of the name data, or a word in lower case that is no English word, stop word or chat
word (`lol my sister`, `omg my mum`): a capitalised unknown word is as often a product (`Netflix my son watches`), and
the learned look has judged it already. After a comma, an article or a possessive and a relative's word of any
language, a capitalised word that is no English or stop word is taken too, unless a reported clause follows
(`Netflix, my son says, …`).

After the relative, only English's words: in other languages a verb follows the relative as often (`mi hermana
llamó`), and stop-word lists do not hold every verb form. Asked after the learned look, so the person model's training
words stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from evalforge_assets.capture.pii_names import (
    COMMON_SURNAME_RANK,
    _given_names,
    _ordinary,
    _surname_ranks,
    stop_words,
)
from evalforge_assets.capture.pii_names_cue_words import RELATIVES
from evalforge_assets.capture.pii_names_cues import _titled
from evalforge_assets.capture.pii_patterns import Candidate, _word_set, phrase_alternation
from evalforge_assets.capture.pii_shapes import Shapes, first_ascii_words

# The relatives' words but `partner` and `boss`, which stand before a firm or a word as often (`our partner Shopify`);
# English's come first in `RELATIVES`, up to German's `ehefrau`.
_KIN = tuple(word for word in RELATIVES if word not in ("partner", "boss"))
_ENGLISH_RELATIVES = tuple(word for word in RELATIVES[: RELATIVES.index("ehefrau")] if word in _KIN)
_AFTER_KIN = re.compile(
    rf"(?<![\w'’-])(?:{phrase_alternation(_ENGLISH_RELATIVES)})[ \t]+"  # in lower case, as in a sentence (not a brand's
    r"(?P<word>[^\W\d_]{3,}(?:-[^\W\d_]+)?)(?![\w'’@.-]|\.\w)"  # `Aunt Bessie's`), and no possessive after
)
_KIN_WORDS = first_ascii_words(_ENGLISH_RELATIVES)
_ANY_KIN_WORDS = first_ascii_words(RELATIVES)
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_]+)")
_CLAUSE_JOINERS = frozenset(["if", "and", "or", "but", "when", "unless", "so", "because", "then"])
# "my" and the relative; what stands before them is read backwards from there, within a few characters (a regex
# that starts before the name would be tried from every space of a long run of them).
_MY_KIN = re.compile(rf"(?<![\w'’-])my[ \t]+(?:{phrase_alternation(_ENGLISH_RELATIVES)})(?![\w'’-])")
_APPOSITION_GAP = re.compile(
    r"[ \t]*,?[ \t]+(?:(?:she|he|who|that)['’]s[ \t]+|(?:she|he|who|that)[ \t]+is[ \t]+|is[ \t]+)?\Z"
)
_GAP_WINDOW = 24
# A comma, maybe an article or a possessive, and a relative's word in any language: the apposition of a name written
# before it (`Ferrandou, le voisin du dessus, gare son Volvo`, `Ferreyra, el vecino del 3º`, `Lindqvist, my neighbour`).
_COMMA_KIN = re.compile(
    r",[ \t]+(?:(?:the|my|our|el|la|le|il|lo|der|die|de|het|o|a|mi|mon|ma|mein|meine|mijn|nuestro|nuestra|notre|"
    r"unser|unsere|nostro|nostra|onze|mój|moja)[ \t]+)?"
    rf"(?:{phrase_alternation(_KIN)})(?![\w'’-])"
    r"(?![ \t]+(?:says|said|thinks|thought|reckons|tells|told)\b)"  # `Netflix, my son says, …`: a reported clause
)
_WORD_BEFORE = re.compile(r"(?<![\w'’@./-])([^\W\d_]{2,})[ \t]*\Z")
# Words of chat that stand where a name would and are in no dictionary or stop-word list.
_CHAT_WORDS = _word_set(
    "lol lmao rofl omg btw tbh idk imo imho ikr smh fyi asap brb ok okay hey heyy hii yeah yea yep yup nah nope pls "
    "plz thx tho cuz coz bcz bcoz ya yah wtf ugh hmm hmmm umm uhh"
)
_MOST_WORDS = 3
_WORD_REACH = 40  # characters looked back for the word before


def names_after_kin(text: str, shapes: Shapes | None = None) -> Iterator[Candidate]:
    """PERSON spans of one family name right after an English relative's word (see the module docstring)."""
    if shapes is not None and not shapes.may_hold_words(_KIN_WORDS):
        return
    for match in _AFTER_KIN.finditer(text):
        word = match.group("word")
        lowered = word.lower()
        if lowered in stop_words() or lowered in _ENGLISH_RELATIVES:
            continue
        following = _NEXT_WORD.match(text, match.end())
        if _ordinary(_titled(word)):
            # A surname that is an English word too (`turner`, `hill`, `still`) only where the clause ends after it:
            # `my dad still works` goes on with a verb.
            rank = _surname_ranks().get(_titled(word))
            if rank is None or rank > COMMON_SURNAME_RANK or (
                    following is not None and following.group(1).lower() not in _CLAUSE_JOINERS):
                continue
        elif following is not None and not _english(following.group(1)):
            continue  # the first of two words that may be a name together
        yield "PERSON", match.start("word"), match.end("word")


def _english(word: str) -> bool:
    return word.lower() in stop_words() or _ordinary(_titled(word))


def names_before_kin(text: str, shapes: Shapes | None = None) -> Iterator[Candidate]:
    """PERSON spans of a name set before "my" and an English relative's word, or before a comma and a relative's word of
    any language (see the module docstring)."""
    found: dict[int, Candidate] = {}  # by end: `Rosalind, my landlady` is read by both patterns
    for match in _MY_KIN.finditer(text) if shapes is None or shapes.may_hold_words(_KIN_WORDS) else ():
        gap = _APPOSITION_GAP.search(text, max(0, match.start() - _GAP_WINDOW), match.start())
        if gap is not None and (name := _name_ending_at(text, gap.start(), _a_name_word)) is not None:
            found[name[2]] = name
    if "," in text and (shapes is None or shapes.may_hold_words(_ANY_KIN_WORDS)):
        for match in _COMMA_KIN.finditer(text):
            if (name := _name_ending_at(text, match.start(), _a_name_or_capitalised_word)) is not None:
                found[name[2]] = name
    yield from found.values()


def _name_ending_at(text: str, end: int, a_name_word: Callable[[str], bool]) -> Candidate | None:
    """The run of up to three words ending at `end` that `a_name_word` accepts, read backwards."""
    start = end
    for _ in range(_MOST_WORDS):
        word = _WORD_BEFORE.search(text, max(0, start - _WORD_REACH), start)
        if word is None or not a_name_word(word.group(1)):
            break
        start = word.start(1)
    return ("PERSON", start, end) if start < end else None


def _a_name_or_capitalised_word(word: str) -> bool:
    """After a comma and a relative, a capitalised word that is no English or stop word names someone too."""
    return _a_name_word(word) or (
        word[:1].isupper() and not _ordinary(_titled(word)) and word.lower() not in stop_words()
        and word.lower() not in _CHAT_WORDS)


def _a_name_word(word: str) -> bool:
    """A given name or a common surname of the name data, or a lower-case word that is no English, stop or chat word."""
    lowered = word.lower()
    if lowered in stop_words() or lowered in _CHAT_WORDS or lowered in _ENGLISH_RELATIVES:
        return False
    titled = _titled(word)
    rank = _surname_ranks().get(titled)
    if titled in _given_names() or (rank is not None and rank <= COMMON_SURNAME_RANK):
        return True
    return word.islower() and not _ordinary(titled)
