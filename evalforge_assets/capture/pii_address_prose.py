"""Street addresses a sentence names: an address change (`changed the delivery address to Brixiho 179 and`,
`Old: Κουτσικούρη 1\\nNew: …`) or a delivery (`will be delivered to Javornická 834 tomorrow`, `the flat at Calle 2ª
# 5-15 Sur.`).

Support chats and their replies write the new address in whatever form its country uses, often with no street
word `pii_address` knows. Here the sentence decides, as the key does in `pii_address_keys`: after an address word
and a word for "to" (in many languages) or after a delivery verb, the words up to the end of the clause are the
address when they hold a house number and a word (`pii_address_keys.street_value`) and no ordinary English word in
lower case ("to the warehouse 3"). After a delivery verb with no address word, the value must also start with a
capital or a number (in a line typed in lower case, any word) and hold a house number that is no year ("shipped to
Berlin 2019").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_address import _NOT_LOWER, an_english_street
from evalforge_assets.capture.pii_address_keys import address_key, names_another_address, street_value
from evalforge_assets.capture.pii_address_lowercase import reads_as_address
from evalforge_assets.capture.pii_names import _ordinary
from evalforge_assets.capture.pii_patterns import Candidate, phrase_alternation
from evalforge_assets.capture.pii_shapes import Shapes

# Words for an address, as stems a word may hold ("leveringsadressen", "adresu", "Lieferadresse").
_ADDRESS_STEMS = (
    "address", "addr", "adress", "adres", "anschrift", "dirección", "direccion", "endereço", "endereco", "indirizzo",
    "osoite", "címet", "cím", "адрес", "διεύθυνση", "địa chỉ", "alamat", "ঠিকানা", "آدرس", "כתובת", "முகவரி",
    "ที่อยู่", "पता",
)
# "to" and "into" before the new address, in the languages of the stems.
_TO_WORDS = (
    "to", "into", "na", "naar", "til", "till", "à", "a", "en", "auf", "nach", "in", "thành", "menjadi", "ke",
    "jadi", "به", "на", "para", "per", "σε", "sur", "olarak", "vers", "बदलकर",
)
_DELIVERY = (
    "delivered to", "deliver to", "delivery to", "ship to", "shipped to", "shipping to", "send it to",
    "dispatched to", "forwarded to", "moved to", "flat at", "apartment at", "house at", "home at", "lives at",
    "living at", "located at", "property at", "unit at", "livré à", "geliefert an", "entregado en",
    "entregue em", "consegnato a", "bezorgd op", "levereras till", "leveres til", "dostarczona na",
    # Where someone lives or is, as police, care and chat notes put it.
    "resident at", "residents at", "resides at", "residing at", "occupant of", "occupants of", "occupier of",
    "neighbour at", "neighbor at", "staying at", "i'm at", "im at", "i am at", "we're at", "we are at",
)
_CLAUSE = r"[^.?!\n<>\"{}]{0,60}?"
_STEM = f"(?i:{phrase_alternation(_ADDRESS_STEMS)})"
# The address word, then "to" (`… address to 5 Elm St`, `… adres dostawy na:\n`) or a colon (`**Address:** …`),
# and the value on the same line or on the next one.
_AFTER_ADDRESS = re.compile(
    rf"{_STEM}[^\W\d_]*(?:\*\*)?"
    rf"(?:{_CLAUSE}(?<![^\W\d_])(?i:{phrase_alternation(_TO_WORDS)})(?![^\W\d_])[ \t]*:?"  # "… address to"
    r"|(?:[ \t]+[^\W\d_]+){0,2}[ \t]*:)"  # "Address:", "adresse de livraison :"
    r"[ \t*]*(?:\r?\n[ \t]*)?"
)
_ADDRESS_WORD = re.compile(_STEM)
# Keys for a line or a part of an address that name no address word (`line2`, `house_no`, `calle`), and the keys
# of a field's value in a form-filling step, whose field the address word named (`"selector": "#address1",
# "value": "…"`).
_ADDRESS_PART_KEY = re.compile(
    r"(?i)(?:^|[_.-])(?:line|house|unit|apt|apartment|flat|suite|building|premise|road|calle|rua|rue|via|avenida"
    r"|strada|straat|gata|gade|katu|sokak|cadde)"
    r"|^(?:value|text|input|content|data|val|fill|answer|typed|keys)$"
)
# The key a quoted value belongs to, just before its opening quote (`, "window": `).
_KEY_BEFORE_VALUE = re.compile(r"[\"']?(?P<key>[^\W\d][\w.-]{0,39})[\"']?[ \t]*[:=][ \t]*\Z")
# "To" before the address word, whose value then follows it directly (`na adresu Obchodní 22`, `to the address 12
# Elm St`), as the Slavic languages write it.
_TO_BEFORE = re.compile(
    rf"(?<![^\W\d_])(?i:{phrase_alternation((*_TO_WORDS, 'pod'))})(?:[ \t]+(?i:the|die|het|de|la|l'))?[ \t]+\Z"
)
_REST_OF_WORD = re.compile(r"[^\W\d_]*[ \t]*:?[ \t]*")
# The word before an address word, which says whose address it is ("IP address", "delivery address").
_PREVIOUS_WORD = re.compile(r"([^\W\d_]+)[ \t_-]*$")
# A quoted value in the words after an address word: `the address "2 Ryan Trafficway"`, `l'adresse « 5 rue … »`,
# `billing_address from '39/922, Bhargava' to '63/612, Parekh Road'`.
_QUOTED = re.compile(r"""["“„«‘']\s*(?P<value>[^"“”„«»‘’'\n]{3,100}?)\s*["”»’']""")
_AFTER_DELIVERY = re.compile(rf"(?<![^\W\d_])(?i:{phrase_alternation(_DELIVERY)})[ \t]+")
# Old and new addresses on labelled lines of a change request.
_CHANGE_LINE = re.compile(
    r"(?im)^[ \t]*(?:old|new|previous|current|alt|neu|ancienne|nouvelle|antigua|nueva|antiga|nova|vecchio|nuovo)"
    r"(?:[ \t]+(?i:address|adresse|dirección|endereço|indirizzo))?[ \t]*:[ \t]*"
)
# Where a clause ends: punctuation, a quote or tag, or a conjunction or time word of the languages above.
_CLAUSE_END = re.compile(r"[?!;\n\"<>{}|\t«»“”„]|'(?=\s|$)")
_QUOTES = "'\"‘’“”«»„ "
_STOP_WORDS = frozenset([
    "and", "và", "dan", "og", "och", "a", "e", "y", "und", "et", "и", "і", "ve", "és", "oraz", "i", "en", "και",
    "va", "و", "tomorrow", "today", "tonight", "between", "on", "by", "from", "within", "please", "pls", "asap",
    "thanks", "thank", "before", "after", "until", "at", "for", "with", "so", "but", "تغییر", "را", "कर",
])
# Abbreviations that end in a full stop inside an address ("Gg. Jakarta No. 0", "Jl. Moch. Ramdan", "Cl. 5ª").
_ABBREVIATION = re.compile(r"(?:[^\W\d_]{1,4}|[^\W\d_]\.[^\W\d_])\.$")
# Lower-case words that belong to addresses though English has them ("rue", "via", "flat 7", "no. 3").
_ADDRESS_WORDS_IN_LOWER_CASE = frozenset([
    "rue", "via", "flat", "unit", "apt", "suite", "floor", "block", "building", "house", "no", "nr", "de", "da",
    "del", "di", "la", "le", "van", "der", "am", "an", "bis", "ter", "sur", "apartment", "apartamento", "piso",
    "street", "road", "avenue", "lane",
])
_YEAR = re.compile(r"(?:19|20)\d\d$")
# Spoken answers name the address with no "to" or colon: an utterance that starts with the address word (a speaker's
# label, an article or "my" before it) or with "I live", then the address (`arayan: adresim cumhuriyet mah papatya
# sok no:46`, `клиент: адрес ул светлая д 16`, `o endereço é rua x 12`, `klient: mieszkam pl mickiewicza 731`).
_UTTERANCE_PREFIX = re.compile(
    r"[ \t]*(?:\[[^\]\n]{1,20}\][ \t]*)?(?:[^\W\d_][\w .'-]{0,24}:[ \t]+)?(?:[^\W\d_]{1,3}[ \t]+){0,2}[^\W\d_]{0,2}"
)
_SPOKEN_IS = re.compile(
    r"[^\W\d_]*[ \t]+(?:(?:is|es|é|est|ist|è|jest|je|är|er|on|это|це|είναι)[ \t]+)?(?=[^\W_])"
)
_LIVE_WORDS = ("i live", "i'm living", "mieszkam", "j'habite", "ich wohne", "vivo", "moro", "abito", "woon", "bor",
               "живу", "bydlím", "bývam", "živim", "lakom")
_LIVE = re.compile(
    rf"(?i:{phrase_alternation(_LIVE_WORDS)})(?:[ \t]+(?:at|in|on|na|przy|w|au|à|a|am|an|en|em|aan|op|på|на|по|в|v|u))?"
    r"[ \t]+(?=[^\W_])"
)
# A street's own word as a form's label (`Street: Benákova 20`, `Ulice: …`, `Οδός: …`): the value is read as after a
# delivery verb, with a capitalised or numbered start and a number that is no year.
_STREET_LABEL_WORDS = (
    "street", "straße", "strasse", "ulice", "ulica", "calle", "rua", "via", "rue", "gade", "gata", "gatan", "katu",
    "utca", "οδός", "улица", "вулиця",
)
_STREET_LABEL = re.compile(rf"(?<![^\W\d_])(?i:{phrase_alternation(_STREET_LABEL_WORDS)})[ \t]*:[ \t]*")
_STREET_LABEL_GATE = frozenset(word.encode() for word in _STREET_LABEL_WORDS if word.isascii())
# An address word with its value straight after it, starting with a capital or a number (`Billing address Benákova
# 20`): the value must also hold a word no English sentence has (`address Line 2` is a form's field).
# A value's start: a number, or a letter that is no lower-case one.
_CAPITAL_OR_NUMBER = rf"(?=\d|{_NOT_LOWER}[^\W\d_])"
_STRAIGHT_AFTER = re.compile(rf"[^\W\d_]*[ \t]+{_CAPITAL_OR_NUMBER}")
_DOTTED_LEADER = re.compile(r"[^\W\d_]*[ \t]*\.{3,}[ \t]*")
# Czech and Slovak "residing at", as a contract or a statement names a party (`Jana Veselá, bytem Lipová 14`).
_RESIDING_WORDS = frozenset({b"bytem", b"bytom"})
_RESIDING = re.compile(r"(?<![^\W\d_])(?i:bytem|bytom)[ \t]+")
# A question for an address and its answer on the same line, after "I have" or "it is" (`Jakou máte adresu? Mám
# Lipová 14.`, `¿Dirección de envío? Tengo Calle Mayor 5.`; Greek asks with `;`): the answer starts with a capital or
# a number.
_ANSWER_WORDS = ("i have", "i've got", "mám", "mam", "έχω", "tengo", "tenho", "j'ai", "ich habe", "ho", "it's",
                 "it is", "its", "je", "es", "è", "é", "ist", "est", "είναι")
_ASKED_THEN_ANSWERED = re.compile(
    rf"[^?;\u037e\n]{{0,40}}[?;\u037e][ \t]+(?i:{phrase_alternation(_ANSWER_WORDS)})[ \t]+{_CAPITAL_OR_NUMBER}"
)
_LIVE_GATE_WORDS = frozenset(b"live living mieszkam habite wohne vivo moro abito woon bor".split())
_MOST_WORDS = 12
_WORD_AT = re.compile(r"[^\W\d_]+")


def _clause(text: str, start: int) -> tuple[int, int] | None:
    """The words from `start` up to the end of their clause, as (start, end), trailing commas dropped."""
    stop = _CLAUSE_END.search(text, start, min(len(text), start + 140))
    limit = stop.start() if stop else min(len(text), start + 140)
    while start < limit and text[start] in _QUOTES:
        start += 1  # `to 'Flat 7, Hughes Club'`: the quote is no part of the address
    end = start
    numbered = False
    tokens = list(re.finditer(r"\S+", text[start:limit]))
    for index, token in enumerate(tokens):
        word = token.group()
        bare = word.rstrip(".,:")
        if index and (bare.lower() in _STOP_WORDS or (numbered and _lower_word_after_number(bare))):
            break  # "… na Brixiho 179 a potvrzení", "… auf Jäntschstraße 30/85 ändern"
        if index and word.startswith("("):
            break  # an aside: "… moved to 66 thompson street (it's for work)"
        numbered = numbered or (index > 0 and bare[:1].isdigit())
        if index >= _MOST_WORDS:
            return None
        end = start + token.start() + len(word.rstrip(",:"))
        if word.endswith("."):
            # An abbreviation ("Gg.", "No.") has its house number still to come; any other full stop ends the
            # sentence ("… Calle 2ª # 5-15 Sur. Please call").
            number_follows = any(any(char.isdigit() for char in later.group()) for later in tokens[index + 1 :])
            if not (_ABBREVIATION.search(word) and number_follows):
                end -= 1
                break
    end = len(text[start:end].rstrip(_QUOTES + ",")) + start
    return (start, end) if end > start else None


# A house number written with a slash (`00/53, Memon Street`, `plac Szarych Szeregów 26/98`, `vončinina 2c/8`), which
# `street_value` reads as a path.
_SLASHED_NUMBER = re.compile(r"(?:(?<=\d)|(?<=\d[A-Za-z]))/(?=\d)")


def _lower_word_after_number(word: str) -> bool:
    """A lower-case word after a street's name and number starts the rest of the sentence, unless it is an
    address's own word ("Via Roma 9 int. 3", "Calle 5 piso 2")."""
    return word.isalpha() and word.islower() and word not in _ADDRESS_WORDS_IN_LOWER_CASE


# A word of the scripts whose vowel signs are no letters to `\w` ("माधव मिश्रा"), which `street_value`'s word misses.
_SCRIPT_WORD = re.compile(r"[\u0900-\u0dff]{3,}")  # the Indic scripts, Devanagari to Sinhala


def _plain_street(value: str, after_verb: bool) -> bool:
    """Whether a clause a cue names is a street: a house number and a word, no log fields, no ordinary English
    word in lower case; after a delivery verb also a capitalised or numbered start and a number that is no year."""
    if "=" in value:
        return False  # a log line's fields (`zipcode=069-961`), not an address
    plain = _SLASHED_NUMBER.sub("-", value)
    if not (street_value(plain) or (not value.isascii() and street_value(_SCRIPT_WORD.sub("word", plain)))):
        return False
    words = value.replace(",", " ").split()
    english = any(word.isascii() and word.islower() and len(word) >= 3 and word.isalpha()
                  and word not in _ADDRESS_WORDS_IN_LOWER_CASE and _ordinary(word) for word in words)
    # English words, unless in the form of an English street (`my address is 14 elm grove`)
    if english and not (value.islower() and an_english_street(value)):
        return False
    if after_verb:
        # A capitalised or numbered start, and a house number that is no year ("shipped to Berlin 2019").
        numbers = [word for word in words if word[:1].isdigit() and len(word.rstrip(".")) <= 5]
        # In a line typed in lower case the start is lower case too (`ship to vogter allé 730 pls`).
        starts = words[0][:1].isdigit() or words[0][:1].isupper() or value.islower()
        return starts and any(not _YEAR.match(n) for n in numbers)
    return True


# For ASCII text, the tests that rule each kind of cue out: an address stem in its letter view (a stem may stand
# inside a word: "Lieferadresse"), or a delivery phrase's first and last words among its words.
_ADDRESS_GATE = re.compile("|".join(sorted(re.escape(stem) for stem in _ADDRESS_STEMS if stem.isascii())).encode())


def _delivery_last_words() -> dict[bytes, frozenset[bytes]]:
    """Each ASCII delivery phrase's first word, with the last words of the phrases it starts."""
    by_first: dict[bytes, set[bytes]] = {}
    for phrase in _DELIVERY:
        if phrase.isascii():
            words = phrase.encode().split()
            by_first.setdefault(words[0], set()).add(words[-1])
    return {first: frozenset(lasts) for first, lasts in by_first.items()}


_DELIVERY_LAST_WORDS = _delivery_last_words()
_DELIVERY_FIRST_WORDS = frozenset(_DELIVERY_LAST_WORDS)


def _may_hold_delivery(shapes: Shapes) -> bool:
    """Whether a text may hold a delivery cue (the ASCII test above; other text: yes)."""
    if not shapes.ascii:
        return True
    words = shapes.words
    return any(not _DELIVERY_LAST_WORDS[first].isdisjoint(words) for first in words & _DELIVERY_FIRST_WORDS)


def _street_address_words(text: str, shapes: Shapes) -> list[re.Match[str]]:
    """The address words of `text` that name a street address (the ASCII gate above first)."""
    if shapes.ascii and _ADDRESS_GATE.search(shapes.letters) is None:
        return []
    return [word for word in _ADDRESS_WORD.finditer(text) if _names_a_street(text, word)]


def find_prose_addresses(text: str, shapes: Shapes, learned: bool = False) -> Iterator[Candidate]:
    """STREET_ADDRESS candidates a sentence names (see the module's docstring). With the learned look (`pii._find`),
    a quoted value after an address word that is a later key's (`"window": "Montag 09-12"`) is left alone: among
    the rules the person model is trained on, that moved its training words."""
    if not _has_digit(text, shapes):
        return  # every street line a sentence names here has a house number
    if _may_hold_delivery(shapes):
        for cue in _AFTER_DELIVERY.finditer(text):
            yield from _street_in_clause(text, cue.end(), after_verb=True)
    if not shapes.ascii or not shapes.words.isdisjoint(_LIVE_GATE_WORDS):
        for cue in _LIVE.finditer(text):
            if _starts_an_utterance(text, cue.start()):
                yield from _street_in_clause(text, cue.end(), after_verb=False)
    words = _street_address_words(text, shapes)
    if not words:
        return
    for word in words:
        cue = _AFTER_ADDRESS.match(text, word.start())
        if cue is None and _starts_an_utterance(text, word.start()):
            cue = _SPOKEN_IS.match(text, word.end())
        if cue is not None:
            yield from _street_in_clause(text, cue.end(), after_verb=False)
        line_end = text.find("\n", word.end())
        window_end = min(len(text), word.end() + 80) if line_end == -1 else min(line_end, word.end() + 80)
        for quoted in _QUOTED.finditer(text, word.end(), window_end):
            if _plain_street(quoted.group("value"), after_verb=False) and not (
                learned and _another_keys_value(text, word.end(), quoted.start())
            ):
                yield "STREET_ADDRESS", quoted.start("value"), quoted.end("value")
    for cue in _CHANGE_LINE.finditer(text):  # old and new lines only where an address word stands
        yield from _street_in_clause(text, cue.end(), after_verb=False)


def find_streets_with_the_learned_look(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """STREET_ADDRESS candidates after cues asked only with the learned look (`pii._find`), before it: among the rules
    the person model is trained on, these streets' words moved its training words, and the retrain that followed read
    `NF-e` and `Hotel dei Mellini` as names. Right after "to" and an address word (`na adresu Lipová 14`); after a
    street's word as a label (`Street: Benákova 20`); after an address word with its value straight after it
    (`Billing address Benákova 20`) or after a dotted leader (`Address ....... Lipová 14`); the answer to a question for
    an address on its line (`adresu? Mám Lipová 14`); and after Czech and Slovak "residing at" (`bytem`)."""
    if not _has_digit(text, shapes):
        return
    if not shapes.ascii or not shapes.words.isdisjoint(_STREET_LABEL_GATE):
        for cue in _STREET_LABEL.finditer(text):
            yield from _street_in_clause(text, cue.end(), after_verb=True)
    if not shapes.ascii or not shapes.words.isdisjoint(_RESIDING_WORDS):
        for cue in _RESIDING.finditer(text):
            yield from _street_in_clause(text, cue.end(), after_verb=True)
    for word in _street_address_words(text, shapes):
        if _TO_BEFORE.search(text, max(0, word.start() - 16), word.start()):
            value = _REST_OF_WORD.match(text, word.end())
            yield from _street_in_clause(text, value.end() if value else word.end(), after_verb=False)
        if _AFTER_ADDRESS.match(text, word.start()) is not None:
            continue  # read by `find_prose_addresses`
        if (answer := _ASKED_THEN_ANSWERED.match(text, word.end())) is not None:
            yield from _street_in_clause(text, answer.end(), after_verb=True)
        elif (dots := _DOTTED_LEADER.match(text, word.end())) is not None:
            yield from _street_in_clause(text, dots.end(), after_verb=False)
        elif (straight := _STRAIGHT_AFTER.match(text, word.end())) is not None:
            for found in _street_in_clause(text, straight.end(), after_verb=True):
                if reads_as_address(text[found[1] : found[2]]):
                    yield found


def _another_keys_value(text: str, word_end: int, quote_start: int) -> bool:
    """Whether the quoted value at `quote_start` is a later key's, not the address word's (`"address": "…",
    "window": "Montag 09-12"`), and that key names no part of an address."""
    key = _KEY_BEFORE_VALUE.search(text, word_end, quote_start)
    return (key is not None and key.start() > word_end and not address_key(key.group("key"))
            and not _ADDRESS_PART_KEY.search(key.group("key")))


def _has_digit(text: str, shapes: Shapes) -> bool:
    """Whether the text holds a digit, which every street line here has."""
    return b"0" in shapes.digits if shapes.ascii else any(char.isdigit() for char in text)


def _starts_an_utterance(text: str, start: int) -> bool:
    """Whether only a speaker's label, a time stamp and up to two short words stand before `start` on its line."""
    line_start = text.rfind("\n", 0, start) + 1
    return _UTTERANCE_PREFIX.fullmatch(text, line_start, start) is not None


def _names_a_street(text: str, word: re.Match[str]) -> bool:
    """Whether the address word, with the word before it, names a street address (not "IP address")."""
    whole = _WORD_AT.match(text, word.start())
    ending = text[word.end() : whole.end()] if whole is not None else ""
    if len(ending) > 3 or (ending and not ending.islower()) or ending in ("ed", "ing"):
        return False  # a verb or another word ("the issue was addressed in", "AddressValidationError: …")
    previous = _PREVIOUS_WORD.search(text, max(0, word.start() - 24), word.start())
    return not (previous and names_another_address(previous.group(1)))


def _street_in_clause(text: str, start: int, after_verb: bool) -> Iterator[Candidate]:
    found = _clause(text, start)
    if found is not None and _plain_street(text[found[0] : found[1]], after_verb):
        yield "STREET_ADDRESS", found[0], found[1]
