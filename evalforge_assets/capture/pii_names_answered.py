"""Names given as the answer to a question for a name, in a chat or a call transcript: `agent: and the first name?`
then `caller: roisin yeah`; `Bot: Who am I speaking with?` then `User: Tadhg Mac Suibhne`.

An agent or a bot asks for one value at a time (`pii_answers`), so the words the next line starts with are the name:
after a lead-in (`yeah`, `sure`, `it's`, `um`), one to three words, up to the first filler, stop word of any of 58
languages or punctuation. The first must be a known given name however it is typed (`pii_names_romanised`), or a word
that is no ordinary English word (`dearbhla`); the others no English word either (`roisin like it sounds` ends at
`like`). A question for a file's, a company's or a user's name is none: the word before "name" must say whose.
Transcripts drop the question mark, so a line asks when it ends with one or starts as a question does (`and the
first name`, `can you spell the last name for me`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_answers import ENDS_AS_A_QUESTION, answers, lead_in
from evalforge_assets.capture.pii_names import _ordinary, stop_words
from evalforge_assets.capture.pii_names_romanised import typed_given_name
from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_shapes import Shapes

_WHOSE_NAME = (
    r"(?:(?:first|last|full|given|family|middle|your|the|his|her|their)[ \t]+name|surname|forename"
    r"|who am i (?:speaking|talking) (?:with|to)|(?:su|seu|tu) nombre|(?:seu|o seu) nome|votre nom|(?:uw|je) naam"
    r"|ihr(?:en)? name[n]?|il suo nome|как вас зовут|ваше имя|ваша фамилия|adınız|nama anda)"
)
_QUESTION_START = r"(?:and|what|what's|whats|can|could|may|please|who|and your|y|e|et|und|en|и)"
# A line asks when it ends with a question mark, or starts as a question and has none; either end is looked at once,
# before the words.
_ASKED_FOR_NAME = re.compile(
    rf"(?i)^(?:[^\n:]{{0,40}}:[ \t]*)?(?:{ENDS_AS_A_QUESTION}[^\n]*?\b{_WHOSE_NAME}\b"
    rf"|{_QUESTION_START}\b(?=[^\n?]*$)[^\n]*?\b{_WHOSE_NAME}\b)"
)
# A text none of whose ASCII words is one of these asks for no name (`Shapes.may_hold_words`); most ask for none.
_QUESTION_WORDS = frozenset([b"name", b"namen", b"surname", b"forename", b"who", b"nombre", b"nome", b"nom", b"naam",
                             b"nama"])
_LEAD_IN = lead_in(more_yes=("oh",), more_saying=("i'?m", "my name is", "name'?s"))
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_GAP = re.compile(r"[ \t]+")
_MOST_WORDS = 3


def names_answered(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """PERSON spans of the names given on the line after a question for a name (see the module docstring)."""
    if not shapes.may_hold_words(_QUESTION_WORDS):
        return
    for start, end in answers(text, _ASKED_FOR_NAME):
        lead_in = _LEAD_IN.match(text, start, end)
        position = lead_in.end() if lead_in is not None else start
        words: list[re.Match[str]] = []
        while len(words) < _MOST_WORDS:
            word = _WORD.match(text, position, end)
            if word is None or not _may_be_the_name(word.group(), first=not words):
                break
            words.append(word)
            gap = _GAP.match(text, word.end(), end)
            if gap is None:
                break
            position = gap.end()
        if words:
            yield "PERSON", words[0].start(), words[-1].end()


def _may_be_the_name(word: str, first: bool) -> bool:
    lowered = word.lower()
    if len(word) < 2 or lowered in stop_words():
        return False
    return (first and typed_given_name(word)) or not _ordinary(word)
