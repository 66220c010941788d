"""Phone numbers found by where they stand, with no country prefix or phone word right before them:

- **a number alone on a line of a signature** (`Thanks,\\nLuana Baptista\\n937023071`, `… | rita@example.net`):
  within four lines after a sign-off, a line that is a number of seven to fifteen digits, perhaps before `|`;
- **a number said to be one** (`The 'To' number (351) 913 421 218 is not a valid phone number`, Twilio's error;
  `my number 813 72 18`, `nummeret mitt er 441 21 681`, `Contato: 933416588`): a phone-shaped number of eight
  digits or more after "number" with a word before it that makes it a phone's (`phone`, `mobile`, `my`, `'To'`),
  not an order's or an invoice's, after "my number" in other languages, after a contact label, or after the
  Slavic `номер` in a phone's groups (`номер 381 42 67`);
- **the number on an emergency contact's line** (`Emergency contact: Lars Svendsen (spouse) – 29 39 54 66`);
- **a chat answer to a question for a phone number** (`Bot: What's the best number to reach you?` then `Dolores:
  57 308 852 90 50`, or `CALLER: Sure, it's 4118463415.`): the next line's message is the number, perhaps after a
  caller's `sure, it's um` (not after "What's your order number?");
- **a number beside an e-mail address in a list of contact details** (`Kontakt: ola@example.no, 71673919`,
  `(HR, hr@example.com, 5368.2576)`, `me at anna@example.com or on 4757.8628`, `12 Main St | 67897684 |
  ola@example.no`): a comma or semicolon and a space, a pipe, a slash between spaces, or "or" between them (not a
  CSV row's comma, whose column says what the number is); or a number alone on the line above or below an e-mail
  address alone on its line;
- **an SMS gateway's recipient** (`sms-gw … to=60/162 4111`): a `to` or `recipient` key's number on a line with
  the word SMS;
- **a number after a signature's phone label** (`T: 70385673`, `M 918 31 454`, `F: 9128 0564`) at a line's start or
  after a `|`.

A number is phone-shaped as `pii_called.phone_value` reads it: digits with a phone's separators, no date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_answers import ENDS_AS_A_QUESTION, answers, lead_in
from evalforge_assets.capture.pii_called import phone_value
from evalforge_assets.capture.pii_names_cue_words import SIGN_OFFS, THANKS
from evalforge_assets.capture.pii_patterns import _EMAIL, Candidate, phrase_alternation
from evalforge_assets.capture.pii_shapes import Shapes

_FEWEST, _MOST = 7, 15
_SIGNATURE_LINES = 4
_CLOSING = re.compile(
    r"(?im)^[ \t]*(?:" + phrase_alternation((*SIGN_OFFS, *THANKS)) + r")[ \t]*[,.!]?[ \t]*$"
)
_CLOSING_FIRST_WORDS = frozenset(
    first.encode() for phrase in (*SIGN_OFFS, *THANKS) if (first := re.split(r"[ .]", phrase)[0]).isascii())
# A number of seven digits or more, perhaps with a phone's separators; `phone_at` decides.
_NUMBER = r"\+?\(?\d[\d ().\-/]{5,22}\d"
_NUMBER_LINE = re.compile(rf"[ \t]*(?P<number>{_NUMBER})[ \t]*(?:\||$)")
# "number" after a word that makes it a phone's, not an order's or an invoice's.
_SAID_TO_BE = re.compile(
    r"(?i)(?:\b(?:phone|mobile|cell|contact|callback|telephone|whatsapp|from|my|your|his|her|their|our)|['\"](?:to|from)['\"])"
    r"[ \t]+number\b[ \t:]+(?=[+(\d])"
)
# The same in other languages ("nummeret mitt er", "mi número es", "мой номер"), and a contact label before a bare
# number ("Contato: 933416588").
_SAID_TO_BE_ABROAD = re.compile(
    r"(?i)(?<![^\W\d_])(?:nummeret[ \t]+mitt|mitt[ \t]+nummer|meine?[ \t]+nummer|mon[ \t]+num[ée]ro|mi[ \t]+n[úu]mero"
    r"|meu[ \t]+n[úu]mero|il[ \t]+mio[ \t]+numero|mijn[ \t]+nummer|m[óo]j[ \t]+numer|moje[ \t]+[čc][íi]slo"
    r"|мой[ \t]+номер|мій[ \t]+номер|numeroni)[ \t]+(?:er|är|ist|est|es|é|è|is|to|je|—|-)?[ \t:]*(?=[+(\d])"
    r"|(?<![^\W\d_])(?:contato|contacto|contatto|kontakt|contact|контакт)[ \t]*:[ \t]*(?=[+(\d])"
)
# The Slavic word for "number" alone (`номер 381 42 67`, `за номером 067 214 33 90`) names an order's too; a number
# in a phone's groups of two after three (or three, three) after it is a phone's.
_NUMBER_WORD_GROUPS = re.compile(
    r"(?i)(?<![^\W\d_])(?:за[ \t]+)?(?:номер|номером|номеру|номера)[ \t]*:?[ \t]*"
    r"(?P<number>\d{3}([ -])(?:\d{3}\2)?\d{2}\2\d{2})(?![\w-]|[.,/ ]\d)"
)
# An SMS gateway's log line names its recipient by a key (`sms-gw INFO msg_id=… to=60/162 4111 segments=1`): on a
# line with the word SMS, the value of `to`, `recipient`, `msisdn` or `destination` is a phone.
_SMS_LINE = re.compile(r"(?im)^[^\n]*(?<![^\W\d_])sms(?![^\W\d_])[^\n]*$")
_RECIPIENT = re.compile(
    r"(?i)(?<![\w-])(?:to|recipient|msisdn|destination)[\"']?[ \t]*[=:][ \t]*[\"']?(?P<number>\+?\(?\d[\d ()./-]{5,20}\d)"
)
_EMERGENCY_LINE = re.compile(r"(?im)^[^\n]*\bemergency[ \t]+contact\b[^\n]*$")
_NUMBER_RUN = re.compile(_NUMBER)
_ASKED = re.compile(
    rf"(?i)^{ENDS_AS_A_QUESTION}[^\n]*?\b(?:phone|mobile|cell|reach you|call you|call back|callback|best number|"
    r"contact number|whatsapp|number on the account|number on file)\b"
)
# What a caller says before the number itself (`Sure, it's 4118463415.`, `it's um 8813.1299`), and after it.
_LEAD_IN = lead_in()
_TRAILER = re.compile(r"[ \t]*[.!]?[ \t]*")
_GATE_WORDS = frozenset([b"number", b"emergency", b"nummeret", b"nummer", b"numero", b"numer", b"numeroni", b"cislo",
                         b"contato", b"contacto", b"contatto", b"kontakt", b"contact"])
_WORD_AFTER = re.compile(r"[ \t]+[^\W\d_]")
# Between an address and a number of one list: a comma or semicolon and a space, a pipe, a slash between spaces
# (`details: ulker.ceyhun@brightpath.co / 0065 673 26 88`), or "or".
_BETWEEN = r"[ \t]*[,;][ \t]+|[ \t]*\|[ \t]*|[ \t]+/[ \t]+|[ \t]+or[ \t]+"
_BESIDE_AN_EMAIL = re.compile(
    rf"(?:{_EMAIL.pattern})(?:{_BETWEEN}|[ \t]+or[ \t]+(?:on|at)[ \t]+)(?P<after>{_NUMBER})"
    rf"|(?<![\w.+-])(?P<before>{_NUMBER})(?:{_BETWEEN})(?:{_EMAIL.pattern})"
)
# A signature's phone label, at a line's start or after a separator (`T: 70385673`, `Telefon … | M 918 31 454`).
_LABELLED = re.compile(
    rf"(?m)(?:^[ \t>]*|[|·][ \t]*)(?:[TMFP]|Tel|Mob|Ph|Fax|GSM)\.?:?[ \t]+(?P<number>{_NUMBER})[ \t]*(?=$|[|·])"
)
# A number alone on its line, with an e-mail address alone on the line after it or before it (an address block).
_NUMBER_BY_EMAIL_LINE = re.compile(
    rf"(?m)^[ \t]*(?P<number>{_NUMBER})[ \t]*\n[ \t]*(?:{_EMAIL.pattern})[ \t]*$"
    rf"|^[ \t]*(?:{_EMAIL.pattern})[ \t]*\n[ \t]*(?P<below>{_NUMBER})[ \t]*$"
)


def find_placed_phones(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """PHONE candidates for numbers in a signature, after "number", on an emergency contact's line, in a chat
    answer to a question for a number, beside an e-mail address and after a signature's label (see the module
    docstring)."""
    if not shapes.number_run:  # no room for seven digits with a phone's separators
        return
    if "\n" in text:
        if not shapes.ascii or not shapes.words.isdisjoint(_CLOSING_FIRST_WORDS):
            yield from _signature_numbers(text)
        yield from _answers(text)
    if "@" in text:
        yield from _beside_an_email(text)
        for match in _NUMBER_BY_EMAIL_LINE.finditer(text):
            side = "number" if match.group("number") is not None else "below"
            yield from phone_at(text, *match.span(side))
    for match in _LABELLED.finditer(text):
        yield from phone_at(text, *match.span("number"))
    if "sms" in text.lower():
        for line in _SMS_LINE.finditer(text):
            for match in _RECIPIENT.finditer(text, line.start(), line.end()):
                yield from phone_at(text, *match.span("number"))
    if not (shapes.ascii and shapes.words.isdisjoint(_GATE_WORDS)):
        yield from _said_to_be(text)
        for line in _EMERGENCY_LINE.finditer(text):
            for number in _NUMBER_RUN.finditer(text, line.start(), line.end()):
                yield from phone_at(text, number.start(), number.end())


def phone_at(text: str, start: int, end: int, fewest: int = _FEWEST) -> Iterator[Candidate]:
    """A PHONE candidate for the phone-shaped number that starts at `start` (`pii_called.phone_value`), cut at
    `end`, when it holds `fewest` to fifteen digits."""
    found = phone_value(text[start:end])
    if found is not None and found[0] == 0:
        number = text[start : start + found[1]].rstrip()
        if fewest <= sum(char.isdigit() for char in number) <= _MOST:
            yield "PHONE", start, start + len(number)


def _signature_numbers(text: str) -> Iterator[Candidate]:
    for closing in _CLOSING.finditer(text):
        position = closing.end()
        for _ in range(_SIGNATURE_LINES):
            if position >= len(text):
                break
            line_end = text.find("\n", position + 1)
            line_end = len(text) if line_end == -1 else line_end
            line = _NUMBER_LINE.match(text, position + 1, line_end)
            if line is not None:
                yield from phone_at(text, line.start("number"), line.end("number"))
            position = line_end


def _said_to_be(text: str) -> Iterator[Candidate]:
    for said in _SAID_TO_BE.finditer(text):
        yield from phone_at(text, said.end(), min(len(text), said.end() + 30), fewest=8)
    for said in _SAID_TO_BE_ABROAD.finditer(text):
        for found in phone_at(text, said.end(), min(len(text), said.end() + 30), fewest=8):
            if not (text[found[1] : found[2]].isdigit() and _WORD_AFTER.match(text, found[2])):
                yield found  # not a count (`Contact: 12345678 items`)
    if not text.isascii():
        for said in _NUMBER_WORD_GROUPS.finditer(text):
            yield "PHONE", *said.span("number")


def _answers(text: str) -> Iterator[Candidate]:
    for start, end in answers(text, _ASKED):
        lead = _LEAD_IN.match(text, start, end)
        number = _NUMBER_RUN.match(text, lead.end() if lead else start, end)
        if number is not None and _TRAILER.fullmatch(text, number.end(), end):
            yield from phone_at(text, number.start(), number.end())


def _beside_an_email(text: str) -> Iterator[Candidate]:
    for match in _BESIDE_AN_EMAIL.finditer(text):
        side = "after" if match.group("after") is not None else "before"
        start, end = match.span(side)
        word = _WORD_AFTER.match(text, end) if side == "after" and text[start:end].strip().isdigit() else None
        if word is not None and not text[word.end() - 1].isupper():
            # A count or a size (`c@d.com, 12345678 bytes`), not a number written as a phone's; a capital opens the
            # next sentence instead (`press@example.com, 61298734412 For further information …`).
            continue
        yield from phone_at(text, start, end)
