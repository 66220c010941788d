"""Names in the places that messages and records keep for a person, found by the place and checked as a name:

- **The line under an address label** (`Ship to:`, `Bill to:`, `Lieferadresse:`, `Livrer à :`): the addressee,
  in any script, when the line reads as a name (`pii_names_beside.an_addressee`), also where no street finding
  follows it.
- **A calendar attendee's common name** (`ORGANIZER;CN=Ana Souza:mailto:…`, `ATTENDEE;CN="Lee, Tom";…`), which
  iCalendar gives the person's display name; a room or resource has a digit or an organisation word.
- **The name a reminder or notice addresses** before the second person (`Reminder: Craig Lane, you have an
  appointment`, `Erinnerung: Marie Stauffer, Ihr Termin`, `Rappel : Émile Guyon, vous avez`): a name at the start
  of a sentence or after a label's colon, then a comma and a word for "you" or "your".
- **A sender naming themself at the start of a message** (`regan williams here — can you refund …`), and whom a
  CRM note opens with (`Tonguç Hançer geri arandı`, `मालती बोस को वापस कॉल किया`).
- **A note signed with a dash at its end** (`Promised callback before 10:15. – Pavel`).
- **A given name alone as the subject of a verb of tickets and minutes** (`Priya approved the refund`, `Kevin will
  rotate the keys`): a known given name that is no ordinary word (not `Will will`, not `Docker said`).

Latin-script words are checked as a list of people checks them (`pii_names_lists.listed_name`: a known given name
alone, or first and last words that are each a known name or no English word) or, in lower case, as a label's name
(`pii_names_cues`); words of scripts without capitals, at most three, are taken as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_address_keys import may_announce_an_address
from evalforge_assets.capture.pii_csv_columns import _MARKS
from evalforge_assets.capture.pii_names import _given_names
from evalforge_assets.capture.pii_names_beside import an_addressee
from evalforge_assets.capture.pii_names_cues import (
    _NON_NAME_WORDS,
    _a_word_not_a_name,
    _accept,
    _style,
    _titled,
)
from evalforge_assets.capture.pii_names_lists import listed_name
from evalforge_assets.capture.pii_patterns import (
    _NOT_NAMES,
    _ORGANISATION_WORDS,
    Candidate,
    phrase_alternation,
)
from evalforge_assets.capture.pii_shapes import Shapes

_BREAK = r"(?:\r?\n|\\{1,3}n)"
_ADDRESS_LABELS = (
    "ship to", "bill to", "deliver to", "sold to", "invoice to", "send to", "mail to", "shipping address",
    "billing address", "delivery address", "lieferadresse", "rechnungsadresse", "lieferanschrift",
    "rechnungsanschrift", "livrer à", "facturer à", "adresse de livraison", "adresse de facturation",
    "enviar a", "entregar a", "facturar a", "dirección de envío", "spedire a", "indirizzo di spedizione",
    "verzenden naar", "afleveradres", "factuuradres", "leveransadress", "leveringsadresse", "toimitusosoite",
    "adres dostawy", "dodací adresa", "teslimat adresi", "адрес доставки", "адреса доставки",
)
_UNDER_LABEL = re.compile(
    r"(?im)(?:^|(?<=\\n)|(?<=\"))[ \t]*(?:" + phrase_alternation(_ADDRESS_LABELS) + r")[ \t]*:[ \t]*" + _BREAK
    + r"[ \t]*(?P<line>[^\n\\]{1,60}?)[ \t]*(?=\r?\n|\\{1,3}n|$)"
)
_CALENDAR_NAME = re.compile(
    r"(?m)^(?:ORGANIZER|ATTENDEE)[^\n:]*?;CN=(?P<quote>\"?)(?P<name>[^;:\"\n\\]{1,80})(?P=quote)[;:]"
)
_SECOND_PERSON = (
    "you", "your", "you're", "you've", "you'll", "du", "dein", "deine", "ihr", "ihre", "sie haben", "vous",
    "votre", "tu", "ton", "ta", "usted", "tiene", "tienes", "su", "você", "seu", "sua", "tem", "hai", "ha",
    "u", "uw", "je", "jij", "din", "ditt", "har du", "sinulla", "teillä", "masz", "bạn", "anda", "kamu",
)
_ADDRESSED = re.compile(
    r"(?m)(?:^|(?<=[:.!?])|(?<=\\n))[ \t]*(?P<name>[^\W\d_][^\n,:.!?\\]{0,60}?),[ \t]+(?i:"
    + phrase_alternation(_SECOND_PERSON) + r")(?![\w'’-])"
)
# A necessary condition of `_ADDRESSED`, searched first: a comma, then the second person.
_COMMA_THEN_YOU = re.compile(r",[ \t]+(?i:" + phrase_alternation(_SECOND_PERSON) + r")(?![\w'’-])")
_HERE = re.compile(r"(?m)(?:^|(?<=\\n))[ \t]*(?P<name>[^\W\d_][^\n,.!?—–\\-]{0,50}?)[ \t]+here[ \t]*(?=[—–,:!-])")
# A CRM note that opens with whom it is about: Turkish "X geri arandı" (X was called back), Hindi "X को वापस कॉल
# किया" (called X back).
_CALLED_BACK = re.compile(
    r"(?m)(?:^|(?<=\\n))[ \t]*(?P<name>[^\W\d_][^\n,:.!?\\]{0,60}?)[ \t]+"
    r"(?:geri[ \t]+aran(?:dı|acak)|को[ \t]+(?:वापस[ \t]+)?कॉल)"
)
# A given name alone as the subject of a verb people do in tickets, minutes and reviews ("Priya approved the
# refund", "Kevin will rotate the keys"): a known given name that is no ordinary word.
_REPORTING_VERBS = (
    "said", "says", "asked", "wrote", "replied", "reported", "confirmed", "approved", "rejected", "noted",
    "mentioned", "suggested", "agreed", "escalated", "reviewed", "merged", "fixed", "called", "emailed", "requested",
    "paged", "joined", "will", "owns", "thinks", "explained", "promised", "proposed", "volunteered", "signed",
)
_REPORTED_BY = re.compile(
    r"(?<![\w@./'’-])(?P<name>[A-Z][a-zà-öø-ÿ'’]+(?:-[A-Z][a-zà-öø-ÿ]+)?)[ \t]+(?:" + "|".join(_REPORTING_VERBS)
    + r")(?![\w'’-])"
)
# Nouns for the parts of a system: a given name right after one names the part ("upstream Cassandra reported"), and
# this finder leaves it to the others.
_SYSTEM_NOUNS = frozenset((
    "service", "server", "node", "cluster", "database", "db", "cache", "queue", "broker", "backend", "upstream",
    "downstream", "host", "pod", "container", "job", "worker", "daemon", "proxy", "gateway", "api", "endpoint",
    "replica", "shard", "instance", "bot", "plugin", "module", "library", "sdk", "client", "provider", "vendor",
    "system", "tool", "model", "engine", "pipeline", "scheduler", "runner", "monitor", "probe", "webhook",
    "integration", "deployment", "release", "project", "repo", "app", "application", "device", "sensor", "region",
    # and for the organisations a system talks to ("issuer Chase rejected")
    "bank", "issuer", "processor", "acquirer", "carrier", "courier", "partner", "merchant", "network", "registrar",
    "insurer", "lender", "supplier", "retailer", "store", "shop", "airline", "hotel", "brand", "company", "team",
))
_WORD_BEFORE = re.compile(r"([A-Za-z]+)[ \t]+$")
_REPORTING_VERB_WORDS = frozenset(verb.encode() for verb in _REPORTING_VERBS)
_SIGNED_WORD = rf"[^\W\d_](?:[\w'’-]|[{_MARKS}])*"
_DASH_SIGNED = re.compile(
    rf"(?m)(?:^|(?<=[.!?])[ \t]+)[–—-]{{1,2}}[ \t]*(?P<name>{_SIGNED_WORD}(?:[ \t]+{_SIGNED_WORD}){{0,2}})[ \t]*"
    r"(?=$|\r?\n|\\{1,3}n|[\"'])"
)
_UNCASED_LETTER = rf"(?:[^\W\d_A-Za-zÀ-ɏͰ-ӿ]|[{_MARKS}])"  # with the vowel signs of Indic scripts (`मालती`)
_UNCASED_NAME = re.compile(rf"{_UNCASED_LETTER}+(?:[ \t]{_UNCASED_LETTER}+){{0,2}}")


_SECOND_PERSON_WORDS = frozenset(word.encode() for phrase in _SECOND_PERSON for word in phrase.split() if word.isascii())
_DASH_AFTER_A_SENTENCE = re.compile(r"[–—]|(?:^|[.!?][ \t]{1,2}|\n|\\n)-")


def find_placed_names(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """Names under an address label, in a calendar's CN, addressed before "you", at a message's start before
    "here", and after a closing dash (see the module docstring). Each place is looked for only where a cheap test
    says it may be: the words of `shapes`, a literal search."""
    if ":" in text and ("\n" in text or "\\n" in text) and may_announce_an_address(text, shapes):
        yield from _under_address_labels(text)
    if "CN=" in text:
        yield from _calendar_names(text)
    if ", " in text and (not shapes.ascii or not shapes.words.isdisjoint(_SECOND_PERSON_WORDS)) \
            and _COMMA_THEN_YOU.search(text):
        yield from _names_at(_ADDRESSED, text)
    if " here" in text:
        yield from _names_at(_HERE, text)
    if "geri aran" in text or "कॉल" in text:
        yield from _names_at(_CALLED_BACK, text)
    if not shapes.words.isdisjoint(_REPORTING_VERB_WORDS):
        yield from _subjects_of_reporting_verbs(text)
    if ("- " in text or "–" in text or "—" in text) and _DASH_AFTER_A_SENTENCE.search(text):
        yield from _names_at(_DASH_SIGNED, text)


def _subjects_of_reporting_verbs(text: str) -> Iterator[Candidate]:
    for match in _REPORTED_BY.finditer(text):
        name = match.group("name")
        if _titled(name) not in _given_names() or name.lower() in _NON_NAME_WORDS or _a_word_not_a_name(name):
            continue
        before = _WORD_BEFORE.search(text, max(0, match.start() - 24), match.start())
        if before is None or before.group(1).lower() not in _SYSTEM_NOUNS:  # not a system named after a person
            yield "PERSON", match.start("name"), match.end("name")


def _under_address_labels(text: str) -> Iterator[Candidate]:
    for match in _UNDER_LABEL.finditer(text):
        line = match.group("line")
        if an_addressee(line) or _a_person(line.split()):  # "Véronique Grand": "grand" is also a word
            yield "PERSON", match.start("line"), match.end("line")


def _calendar_names(text: str) -> Iterator[Candidate]:
    for match in _CALENDAR_NAME.finditer(text):
        name = match.group("name").strip()
        if name and not any(char.isdigit() or char == "@" for char in name) and not {
                word.lower() for word in re.split(r"[\s,]+", name)} & _NON_NAME_WORDS:
            start = match.start("name") + match.group("name").index(name)
            yield "PERSON", start, start + len(name)


def _names_at(place: re.Pattern[str], text: str) -> Iterator[Candidate]:
    for match in place.finditer(text):
        yield from _if_a_name(match)


def _if_a_name(match: re.Match[str]) -> Iterator[Candidate]:
    name = match.group("name").strip()
    if name and _a_person(name.split()):
        start = match.start("name") + match.group("name").index(name)
        yield "PERSON", start, start + len(name)


def _a_person(words: list[str]) -> bool:
    if not 1 <= len(words) <= 4:
        return False
    if _UNCASED_NAME.fullmatch(" ".join(words)):
        return len(words) <= 3
    styles = {_style(word) for word in words}
    if styles == {"title"}:
        # A known given name leads a surname that is also a place word here ("Craig Lane, you have ...").
        return listed_name(words) or (len(words) >= 2 and _titled(words[0]) in _given_names() and not any(
            word.lower() in _NOT_NAMES or word.lower() in _ORGANISATION_WORDS for word in words))
    if any(word.lower() in _NON_NAME_WORDS for word in words):
        return False
    return styles == {"lower"} and _accept("label", words)
