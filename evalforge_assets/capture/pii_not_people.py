"""Names that name no one, whichever finder read them: companies (`pii_companies`), places (`pii_places`), job
titles, institutions, venues, clubs, cars and firms (`pii_named_things`), language models whose families are given
names ("Claude Sonnet", "Gemini Flash", "Mistral Large"), which every LLM trace names, brands, works and figures
everyone knows (`pii_famous`), the value of a key of places, things or organisations (`"title": "Calvin Klein"`,
`ORG:Goldman Sachs`), a name after English's "the" (`the Calvin Klein boxes`), and a signature's employer after its
role."""

from __future__ import annotations

import re

from evalforge_assets.capture.pii_companies import names_a_company
from evalforge_assets.capture.pii_eponyms import names_an_eponym
from evalforge_assets.capture.pii_famous import names_someone_famous
from evalforge_assets.capture.pii_named_things import _ROLES, names_a_thing
from evalforge_assets.capture.pii_names import _surname_ranks, an_inflected_word, known_given_name
from evalforge_assets.capture.pii_names_learned import _KEYS_OF_THINGS, under_a_key_of_things
from evalforge_assets.capture.pii_patterns import _word_set
from evalforge_assets.capture.pii_places import a_city, a_place

# Keys of places and things whose values a name finder may still have read as a name. Not `subject`: an audit
# log's subject is the person acted on (`action=payout_account.update subject="Trine Poulsen"`). Not the keys of
# a street line (`street`, `location`): a name read there is part of the street (`Drumul Mariana Dinu`). The keys
# of organisations are added here, not to the learned model's keys, whose weights were trained on those: a vCard's
# `ORG:Goldman Sachs`, `merchant="Tim Hortons"`, `"affiliation": "Sorbonne Université"`.
_KEYS_OF_NO_ONE = (_KEYS_OF_THINGS - {"subject", "street", "location", "place", "neighbourhood", "neighborhood"}) | (
    _word_set(
        "org merchant vendor supplier retailer store shop seller manufacturer publisher firm agency bank "
        "institution affiliation school university room"
    )
)
# English puts no article before a person's name, but before a brand, a product or a method named like one ("the
# Calvin Klein boxes", "the Ronald McDonald House", "the Tim Hortons is better"). A record of the person may follow
# it, and then the name is theirs ("the Maria Lopez account", "the Smith family").
_THE_BEFORE = re.compile(r"\b[Tt]he[ \t]+\Z")
_RECORD_AFTER = re.compile(
    r"(?:'s|’s)?[ \t]+(?:account|case|ticket|file|profile|record|order|booking|reservation|claim|family|household|"
    r"estate|kids|children|residence|matter|request|application|complaint|invoice|contract|policy|loan)s?\b"
)
# A signature's role, then its employer ("Account Director | Morgan Stanley", "Lead Engineer at Siemens").
_ROLE_THEN = re.compile(r"([^\W\d_]+)[ \t]*(?:\||@|\bat\b)[ \t]*\Z")
# A name key led by the word for a thing holds that thing's name (`Business name: Morales, Carter and Rhodes`,
# `"company_name": "Reyes Ortiz"`, `productName=`). Not the keys of a person (`legal name`, `display name`, `account
# name`) nor `street name`, whose name is part of the street. The word opens the key: `example.org name=` is no
# organisation's name. Its quotes may be escaped: a tool call's arguments are JSON inside a JSON string
# (`\"product_name\": \"Halvard Lamp\"`).
_THING_NAME_KEY = re.compile(
    r"(?:^|(?<=[\s\"'{,;|(]))([A-Za-z]+?)[ _.-]?(?i:name)\\?[\"']?[ \t]*[:=][ \t]*\\?[\"']?[ \t]*\Z"
)
_THINGS_NAMED = (_KEYS_OF_NO_ONE - {"title", "room"}) | _word_set(
    "business trading trade product item app application service domain host venue restaurant event campaign course"
)
# The words of a team or a function of an organisation beside `pii_patterns`' organisation words (`team`, `desk`,
# `support`), which the rules the person model is trained on ask. None is a US Census surname (`Board`, `Crew`,
# `Council`, `Center` and `Care` are, and stay out).
_TEAM_WORDS = _word_set(
    "squad unit office division centre hub taskforce on-call oncall helpdesk servicedesk hotline accounts "
    "success relations partnerships procurement payroll finance legal compliance marketing recruiting facilities "
    "logistics fulfilment fulfillment returns claims collections underwriting escalations escalation"
)
_PUNCTUATION = ".,;:!?()[]\"'`"
# A table, a room or a meal booked at a place, then the place (`Your table for 4 at Quillon Marylebone`, `a room at
# Hotel …`); a name in the possessive is a host's (`dinner at Maria's`).
_BOOKED_AT = re.compile(
    r"\b(?i:table|tables|reservation|booking|room|suite|stay|dinner|lunch|brunch|breakfast|drinks)\b"
    r"[^.!?\n]{0,24}?[ \t]at[ \t]+\Z"
)
_POSSESSIVE = re.compile(r"['’]s\b")
# A model family and one of its tiers, maybe with a version between (`Claude 3.5 Sonnet`, `Nova Pro`). A family
# alone ("Claude Moreau") is a name like any other.
_MODEL = re.compile(
    r"(?i:claude|gemini|gemma|mistral|mixtral|llama|grok|qwen|phi|nova|titan|command|jamba|granite)"
    r"(?:[ \t-]+v?\d[\w.]*)?[ \t-]+"
    r"(?:Opus|Sonnet|Haiku|Instant|Pro|Flash|Ultra|Nano|Large|Medium|Small|Tiny|Lite|Micro|Premier|Mini|Turbo|"
    r"Vision|Code|Embed|Embeddings|Nemo|Plus|Light|Express)\b"
)
# A word (a model's family, perhaps) and maybe a version, just before a tier read alone.
_MODEL_TAIL = re.compile(r"[A-Za-z]+(?:[ \t-]+v?\d[\w.]*)?[ \t-]+\Z")


def names_no_one(text: str, start: int, end: int) -> bool:
    """Whether the name read at text[start:end] names a company, a place, a language model or a thing instead of a
    person."""
    return (
        under_a_key_of_things(text, start, _KEYS_OF_NO_ONE)
        or names_a_company(text, start, end)
        or a_place(text, start, end)
        or _MODEL.match(text, start) is not None
        or _model_before(text, start)
        or names_a_thing(text, start, end)
        or names_an_eponym(text, start, end)
        or names_someone_famous(text, start, end)
        or _after_the(text, start, end)
        or _after_a_role(text, start)
        or _beside_an_organisation_word(text, start, end)
    )


def names_no_one_after_the_model(text: str, start: int, end: int) -> bool:
    """Whether the name read at text[start:end] is a thing's name under its key (`Business name:`), the place a
    table or a room is booked at, a GeoNames city (`pii_places.a_city`), a change log's verb and the word after it
    (`Upgraded Zentrix`), a team (`Merchant Success`) or a public place (`Piața Victoriei`). Asked of the findings
    once the learned look is done: asked in `names_no_one`, they moved the words the person model is trained on
    (`tools/train_person_model.py --check`)."""
    return (
        _under_a_things_name_key(text, start)
        or _booked_at(text, start, end)
        or a_city(text, start, end)
        or _led_by_a_verb(text, start, end)
        or _names_a_team(text, start, end)
        or _holds_a_dates_weekday(text, start, end)
        or _names_a_public_place(text, start, end)
    )


# The words for a square, a station, a market, a park, an airport or a church in the languages of Europe, which a
# place's name follows or precedes as a given name does a surname (`Piața Victoriei`, `Plac Zbawiciela`, `Gare
# Saint-Lazare`). Not the words that are family names too: Italian's `piazza`, Spanish's `plaza`, `mercado` and
# `iglesia`, `gara`, and none that is a US Census surname (`Platz`, `Markt`, `Parco`).
_PUBLIC_PLACE_WORDS = _word_set(
    "piața piata plac náměstí namesti námestie praça plein torget torg tér meydanı площадь площа "
    "gare bahnhof hauptbahnhof estación estação stazione dworzec nádraží pályaudvar вокзал "
    "mercato marché rynek piac parque parc aeroport aeropuerto aeroporto aéroport flughafen "
    "lotnisko letiště repülőtér havalimanı catedral cathédrale cattedrale kathedrale biserica église "
    "kirche kościół"
)


def _names_a_public_place(text: str, start: int, end: int) -> bool:
    """Whether a word of the name read is the word for a public place (`Piața Victoriei`): a place to meet, not a
    person. Not before a number: then the place is a street's (`Fügnerovo náměstí 8`), which the name covers."""
    return _NUMBER_AFTER.match(text, end) is None and _holds_a_word_of(text, start, end, _PUBLIC_PLACE_WORDS)


_NUMBER_AFTER = re.compile(r",?[ \t]*\d")


# A weekday that a month or a day's number follows is a date's (`Friday December 12, 2025`, `Friday, 12 December`),
# which the finder of two capitalised words read as a first name and a surname.
_MONTH = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATES_WEEKDAY = re.compile(
    rf"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?[ \t]+(?:(?:{_MONTH})\b|\d{{1,2}}(?:st|nd|rd|th)?\b)"
)


def _holds_a_dates_weekday(text: str, start: int, end: int) -> bool:
    """Whether the name read at text[start:end] holds a weekday that begins a date."""
    return any(match.start() < end for match in _DATES_WEEKDAY.finditer(text, start, min(len(text), end + 40)))


# The words for a company, a bank or a group in the scripts without capitals, which cleanco's legal forms and the
# Latin organisation words do not hold: Arabic's شركة and مجموعة, Thai's บริษัท … จำกัด, Georgian's ბანკი, Hindi's कंपनी.
_ORGANISATION_WORDS_OF_SCRIPTS = frozenset((
    "شركة", "شركه", "مجموعة", "مؤسسة", "بنك", "مصرف", "شرکت", "گروه", "بانک",
    "บริษัท", "จำกัด", "จํากัด", "ห้างหุ้นส่วนจำกัด", "ห้างหุ้นส่วนจํากัด", "ห้างหุ้นส่วน", "ธนาคาร",  # SARA AM composed or not
    "ბანკი", "კომპანია", "ჯგუფი",
    "कंपनी", "बैंक", "लिमिटेड", "समूह",
    "בנק", 'בע"מ', "בע״מ", "קבוצת", "חברת",
))
_WORD_AROUND = 40


def _beside_an_organisation_word(text: str, start: int, end: int) -> bool:
    """Whether the name read at text[start:end], or the word just before or after it on its line, is such a word."""
    if text[start:end].isascii():
        return False
    before = text[max(0, start - _WORD_AROUND):start].rsplit("\n", 1)[-1].split()
    after = text[end:end + _WORD_AROUND].split("\n", 1)[0].split()
    words = text[start:end].split() + before[-1:] + after[:1]
    return any(word.strip(".,:;«»\"'()") in _ORGANISATION_WORDS_OF_SCRIPTS for word in words)


def _under_a_things_name_key(text: str, start: int) -> bool:
    """Whether the name read is the value of a key that names a thing's name (`Business name:`)."""
    match = _THING_NAME_KEY.search(text, max(0, start - 40), start)
    return match is not None and match.group(1).lower() in _THINGS_NAMED


def _led_by_a_verb(text: str, start: int, end: int) -> bool:
    """Whether the name read is two words, the first a verb's past tense or -ing form that is no given name or census
    surname (`Upgraded Zentrix`, `Exceeded Retrying`): a change log's line, not a person."""
    words = text[start:end].split()
    return (
        len(words) == 2
        and an_inflected_word(words[0])
        and not known_given_name(words[0])
        and words[0].capitalize() not in _surname_ranks()
    )


def _names_a_team(text: str, start: int, end: int) -> bool:
    """Whether a word of the name read names a team or a function of an organisation (`Merchant Success`, `Storage
    On-Call`, `Refunds Squad`): a ticket's owner, a letter's signature or whom to contact, not a person."""
    return _holds_a_word_of(text, start, end, _TEAM_WORDS)


def _holds_a_word_of(text: str, start: int, end: int, words: frozenset[str]) -> bool:
    """Whether a word of text[start:end], its punctuation stripped and in lower case, is one of `words`."""
    return any(word.strip(_PUNCTUATION).lower() in words for word in text[start:end].split())


def _booked_at(text: str, start: int, end: int) -> bool:
    """Whether the name read is the place where a table, a room or a meal is booked."""
    return _BOOKED_AT.search(text, max(0, start - 48), start) is not None and _POSSESSIVE.match(text, end) is None


def _after_the(text: str, start: int, end: int) -> bool:
    """Whether "the" stands just before the name read, and no record of a person's follows it."""
    return _THE_BEFORE.search(text, max(0, start - 8), start) is not None and _RECORD_AFTER.match(text, end) is None


def _after_a_role(text: str, start: int) -> bool:
    """Whether the name read follows a job's role and a bar, an `@` or "at": the role's employer."""
    match = _ROLE_THEN.search(text, max(0, start - 40), start)
    return match is not None and match.group(1).lower() in _ROLES


def _model_before(text: str, start: int) -> bool:
    """Whether a model's family stands just before the name read (`Claude` then `Sonnet` read alone)."""
    match = _MODEL_TAIL.search(text, max(0, start - 30), start)
    return match is not None and _MODEL.match(text, match.start()) is not None

