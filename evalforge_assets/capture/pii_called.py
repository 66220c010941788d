"""Phone numbers that words around them reveal, whatever their numbering plan: the shape of a phone value
(`phone_value`, shared with the key finder in `pii_context`) and numbers someone is to be called on
("call (002)-2934173", "reach me on 37561327691")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_phones import number_within_its_bracket
from evalforge_assets.capture.pii_shapes import Shapes

_PHONE_SHAPE = re.compile(r"\+?\(?\d[\d ().\-/]{2,22}\d(?:[ ]?(?:x|ext\.?)[ ]?\d{1,6})?")
_ISO_DATE = re.compile(r"(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}")
# A date written day or month first, one separator throughout (`sms sent 06/03/2024`).
_WRITTEN_DATE = re.compile(r"\d{1,2}([-/.])\d{1,2}\1(?:19|20)\d{2}")
_COMPACT_DATE = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")


def phone_value(value: str) -> tuple[int, int] | None:
    """The span of a phone number at the start of `value`, when it is shaped like one."""
    match = _PHONE_SHAPE.match(value)
    if match is None:
        return None
    number = match.group()
    digits = sum(char.isdigit() for char in number)
    if not 4 <= digits <= 21 or _ISO_DATE.match(number) or _WRITTEN_DATE.fullmatch(number.rstrip()):
        return None
    if (cut := number_within_its_bracket(number)) is not None:
        return match.start(), match.start() + len(cut)
    rest = value[match.end() :]
    if rest and (rest[0].isalnum() and not number.endswith(" ")):
        return None  # part of a longer token: an id, a version
    return match.start(), match.end()


# A number someone is to be called on: "call (002)-2934173", "reach me on 37561327691", "text her at …".
# The verb says it is a phone number, whatever its numbering plan; it needs seven digits, so "call 3 of 5"
# and "retry call 12" stay. A bare verb ("API call 20240101") also needs the number written as a phone number
# is: with a leading `+`, `(` or `0`, or with separators.
# The person called may be named (`Please call Maria Nowak on 4731.0990`) and called back (`call me back on …`);
# "contact" and "reached" need "on" or "at" before the number (`contact Ana on 863-8508`, `can be reached on
# 667-7241`), as a named person does; so does a call a note reports or plans (`Spoke to Priya (tenant) on
# 7326154408`, `Follow up Monday on 915 22 408`), whose name may carry a remark in brackets, and a role to contact
# (`contact the building manager, Ana Lima, at 3492 2427`), whose number must be written as a phone's.
_CALL_VERBS = ("call", "ring", "text", "reach", "dial", "whatsapp", "sms", "contact", "reached", "spoke", "speak",
               "talked", "follow", "followed")
_CALLED_NUMBER = re.compile(
    r"(?i:\b(?:call|ring|text|reach|dial|whatsapp|sms|(?P<needs_on>contact|reached"
    r"|(?P<needs_person>(?:spoke|speak|talked)[ \t]+(?:to|with)|follow(?:ed)?[ \t]+up(?:[ \t]+with)?))))"
    r"(?P<object>(?:[ \t]+(?:(?P<pronoun>(?i:me|us|him|her|them))|(?P<name>[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*){0,2})"
    r"|(?P<role>(?i:the|our|your|my)[ \t]+[a-z][\w-]*(?:[ \t]+[a-z][\w-]*)?(?:,[ \t]+[^\W\d_][^\d,\n]{0,40}?,)?)))?"
    r"(?:[ \t]+\([^()\n]{1,30}\))?(?:[ \t]+(?i:back))?(?P<on>[ \t]+(?i:on|at))?)"
    r"[ \t]+(?=[+(\d])"
)
FEWEST_CALLED_DIGITS = 7
# The verbs as whole words of an ASCII text's letter view (`Shapes.words`, `Shapes.padded_letters`).
_CALL_VERB_WORDS = frozenset(verb.encode() for verb in _CALL_VERBS)


def _verb_matches(text: str, shapes: Shapes | None) -> Iterator[re.Match[str]]:
    """`_CALLED_NUMBER.finditer(text)`. In ASCII text every match starts where a verb stands as a whole word of
    the letter view (a boundary before it, a space or tab after it) and holds no other verb, so the pattern is
    tried only there instead of at every position of a long text (a stack trace says "call" twice)."""
    if shapes is None or not shapes.ascii:
        yield from _CALLED_NUMBER.finditer(text)
        return
    padded = shapes.padded_letters  # padded[i + 1] is text[i]: " call " found at i is the verb at text[i]
    starts = []
    for verb in _CALL_VERB_WORDS:
        needle = b" " + verb + b" "
        at = padded.find(needle)
        while at != -1:
            starts.append(at)
            at = padded.find(needle, at + 1)
    for start in sorted(starts):
        match = _CALLED_NUMBER.match(text, start)
        if match is not None:
            yield match


def find_called_numbers(text: str, shapes: Shapes | None = None) -> Iterator[Candidate]:
    for match in _verb_matches(text, shapes):
        if (match.group("needs_on") or match.group("name") or match.group("role")) and not match.group("on"):
            continue
        if match.group("needs_person") and not (match.group("name") or match.group("pronoun")):
            continue  # `followed up on 12345678 tickets`: a matter followed up, not a person called
        found = phone_value(text[match.end() : match.end() + 40])
        if found is None:
            continue
        number = text[match.end() + found[0] : match.end() + found[1]].rstrip()
        if _COMPACT_DATE.fullmatch(number):
            continue  # `Spoke to Henry on 20240105`
        written_as_phone = (match.group("object") and not match.group("role")) or number[0] in "+(0" or not number.isdigit()
        if written_as_phone and sum(char.isdigit() for char in number) >= FEWEST_CALLED_DIGITS:
            yield "PHONE", match.end() + found[0], match.end() + found[0] + len(number)


def may_hold_called_number(text: str, shapes: Shapes) -> bool:
    """Room for seven digits (with a phone's separators between them they span `Shapes.number_run`'s shape),
    and one of the verbs: in ASCII text a whole word of the letter view (the pattern wants a boundary before
    the verb and a space or tab after it), elsewhere a literal of the lowered text."""
    if shapes.ascii:
        return shapes.number_run and not shapes.words.isdisjoint(_CALL_VERB_WORDS)
    lowered = text.lower()
    return any(verb in lowered for verb in _CALL_VERBS)
