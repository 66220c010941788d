"""Street addresses in the shapes Europe and the Americas write them, found without sentence cues:

* number first: `503 Charles Street`, `24 Francis Ford Suite 7`, `32, rue Sébastien Gomez` (US, UK, France);
* unit first: `Flat 85K\\nMarion Manors`, `Studio 7 Kerry Lock` (UK);
* street type first: `Calle de Casemiro Mayoral 238`, `Rua Isabel Casa Grande, 40`, `Viale Pedroni, 24`
  (Spain, Portugal, Brazil, Italy, France);
* compound name ending in a street word, then a number: `Inga-Buchholz-Straße 7809`, `Wesleydreef 6`
  (Germany, Austria, Switzerland, Netherlands, Belgium).

usaddress parses a string already known to be an address; it cannot find one inside a log line, so these
patterns find the candidates. A number followed by capitalised words is what makes the number-first shape an
address and not a count ("3 Retries"): it needs two capitalised words, the last of them a street word, or a
unit word before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from evalforge_assets.capture.pii_address_central import (
    _TYPE_AFTER,
    _TYPE_FIRST,
    CENTRAL_EUROPEAN_STREET,
    may_hold_central_street,
)
from evalforge_assets.capture.pii_address_english_order import a_thing_after_an_english_street
from evalforge_assets.capture.pii_address_lowercase import (
    capitalised,
    lowercase_lines,
    reads_as_address,
    without_leading_words,
    without_trailing_words,
)
from evalforge_assets.capture.pii_address_numbered_ways import NUMBERED_WAY_STREET, may_hold_numbered_way
from evalforge_assets.capture.pii_address_regional import regional_street_patterns
from evalforge_assets.capture.pii_address_scripts import script_address_patterns
from evalforge_assets.capture.pii_names import _ordinary
from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_shapes import Shapes, WordKinds

_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’.-]*"
_LETTERS = re.compile(r"[^\W\d_]+")
# English street types, as postal services abbreviate them too.
_EN_TYPES = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Court|Ct|Boulevard|Blvd|Way|Place|Pl|Square|Sq|Terrace|"
    r"Close|Crescent|Gardens|Grove|Hill|Hills|Park|Parkway|Pkwy|Circle|Cir|Trail|Highway|Hwy|Village|Light|"
    r"Lights|Ford|Fords|Center|Centre|Mews|Row|Walk|Shore|Shores|Trace|Union|Unions|Green|Greens|Manor|"
    r"Manors|Lock|Locks|Mission|Stravenue|Plaza|Loop|Pass|Path|Pike|Point|Points|Port|Ridge|Run|Spur|Station|"
    r"Summit|Track|Turnpike|View|Views|Vista|Wall|Well|Wells|Estate|Estates|Expressway|Extension|Falls|Ferry|"
    r"Field|Fields|Flat|Flats|Forest|Forge|Fork|Fort|Freeway|Garden|Gateway|Glen|Harbor|Haven|Heights|"
    r"Hollow|Inlet|Island|Isle|Junction|Key|Keys|Knoll|Lake|Lakes|Landing|Meadow|Meadows|Mill|Mills|Motorway|"
    r"Mount|Mountain|Neck|Orchard|Oval|Overpass|Pine|Pines|Plain|Plains|Prairie|Radial|Ramp|Ranch|Rapid|"
    r"Rapids|Rest|Route|Skyway|Spring|Springs|Squares|Stream|Crossing|Crossroad|Curve|Dale|Dam|Divide|"
    r"Canyon|Cape|Causeway|Cliff|Cliffs|Club|Common|Commons|Corner|Corners|Course|Courts|Cove|Coves|Creek|"
    r"Bay|Bayou|Beach|Bend|Bluff|Bluffs|Bottom|Branch|Bridge|Brook|Brooks|Burg|Burgs|Bypass|Camp|Alley|"
    r"Annex|Arcade|Hills|Crest|Underpass|Valley|Valleys|Viaduct|Ville|Throughway|Tunnel|Shoal|Shoals|Lodge|"
    r"Loaf|Lodge|Hwy|Ests|Cswy"
)
# Not an HTTP status and its reason (`502 Bad Gateway`), which every error log holds. A unit's number or the first of a
# range may stand before the house number (`4/27 Beach Rd`); `pii_address_more_types` reads other types between these.
NUMBER_BEFORE_NAME = (rf"(?<![\w.,/-])(?!5\d\d[ \t]+Bad[ \t]+Gateway\b(?![ \t]+{_WORD}))"
                      rf"(?:\d{{1,5}}[A-Za-z]?[/-](?=\d))?\d{{1,6}}[A-Za-z]?,?[ \t]+(?:{_WORD}[ \t]+){{1,3}}")
UNIT_AFTER_TYPE = r"(?:[ \t,]+(?:Suite|Apt\.?|Unit|Apartment|Floor)[ \t]+\d+\w?)?"
_NUMBER_FIRST = re.compile(rf"{NUMBER_BEFORE_NAME}(?:{_EN_TYPES})s?\b\.?{UNIT_AFTER_TYPE}")


def an_english_street(value: str) -> bool:
    """Whether `value`, each word capitalised, starts with a house number, a name and an English street type (`14
    elm grove`, `12 oak avenue, springfield`): the form an address cue vouches for even when its words are also
    English words. After the first type may come a place, no English word (not `12 oak avenue to fix`, `18 brooks
    walks last spring`)."""
    street = _NUMBER_FIRST.match(capitalised(value))
    if street is None:
        return False
    words = _LETTERS.findall(value, street.start())
    first_type = next((index for index, word in enumerate(words) if index and word.encode() in _EN_TYPE_WORDS), 0)
    return not any(_ordinary(word.capitalize()) for word in words[first_type + 1 :])


_UNIT_FIRST = re.compile(
    rf"\b(?:Flat|Studio|Apartment|Apt\.?|Unit|Suite)[ \t]+\d+\w?,?\s+{_WORD}(?:[ \t]+{_WORD}){{0,3}}"
)
# French writes the street type in lower case after the number: "32, rue Sébastien Gomez".
_FR_TYPES = r"rue|avenue|boulevard|chemin|allée|impasse|place|quai|route|cours|square|passage|voie|rang|montée"
_FRENCH = re.compile(
    rf"(?:(?<![\w.,/-])\d{{1,5}}(?:[ \t]?(?:bis|ter))?,?[ \t]+)?(?i:{_FR_TYPES})[ \t]+"
    rf"(?:(?:de|du|des|de la|d'|l')[ \t]*)?{_WORD}(?:[ \t]+{_WORD}){{0,3}}"
)
# Street types written first, capitalised, in Spanish, Portuguese and Italian.
_ROMANCE_TYPES = (
    r"Calle|Avenida|Av\.|Plaza|Paseo|Camino|Carrer|Pasaje|Ronda|Rambla|Glorieta|Callejón|Cañada|Carretera|"
    r"Urbanización|Vial|Via|Viale|Piazza|Piazzale|Corso|Largo|Vicolo|Contrada|Borgo|Strada|Canale|Incrocio|"
    r"Rotonda|Stretto|Rua|Travessa|Praça|Alameda|Estrada|Rodovia|Praia|Vereda|Ladeira|Quadra|Setor|Lagoa|"
    r"Residencial|Conjunto|Núcleo|Condomínio|Vila|Passeio|Sítio|Chácara|Fazenda|Distrito|Jardim|Parque|"
    r"Loteamento|Favela|Morro|Aeroporto|Recanto|Feira|Trecho|Viela|Esplanada|Colônia|Lago|Área|Campo|Rampa|"
    r"Acesso|Ponte|Travesía|Senda|Ruela|Salita|Galleria|Piazzetta|Via privata|Avinguda|Cuesta|Acceso|Subida|"
    r"Bajada|Sector|Polígono|Estação|Passarela|Calçada|Beco|Servidão|Avda\.|C\.|Pza\.|Pº"
)
_ROMANCE = re.compile(
    rf"\b(?:{_ROMANCE_TYPES})[ \t]+(?:(?:de|da|do|dos|das|del|della|dei|di|la|le|los|las)[ \t]+)?"
    rf"{_WORD}(?:[ \t]+{_WORD}){{0,3}}(?:,?[ \t]+\d{{1,5}}\w?(?:[ \t]+(?:Piso|Puerta|Appartamento|Piano|Interno|"
    r"Apto\.?|Casa|Bloco|Esc\.?)[ \t]+\d+\w?)?)?"
)
# German, Dutch and Nordic compounds: Hauptstraße 5, Inga-Buchholz-Straße 7809, Binnerring 501, Wesleydreef 6,
# Kirsteinsgade 2, Oliebladsvej 13, Myhrefaret 8, Mannerheiminkatu 36, Orisaarentie 4. Tails that end common words
# elsewhere are left out or narrowed: Finnish "-tie" only after n or i ("Sortie 3", "Partie 2"), and not "-lia"
# ("Julia 2"), "-alle" ("Halle 3"), "-hagen" ("Copenhagen 2") or "-engen" ("Schengen 2").
_COMPOUND_TAILS = (
    r"straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|steig|pfad|markt|hof|berg|graben|"
    r"laan|straat|plein|gracht|kade|singel|dijk|steeg|baan|dreef|pad|park|hoven|wal|erf|plantsoen|veld|weide|"
    r"zoom|lei|boulevard|kanaal|"
    r"vej|gade|allé|stræde|plads|vænget|veien|vegen|gata|gaten|gatan|vägen|gränd|stien|stigen|bakken|backen|åsen|"
    r"faret|stubben|svingen|torget|alléen|berget|bråten|gjerdet|grenda|haugen|holtet|høgda|jordet|kollen|"
    r"kroken|lunden|lyngen|løkka|plassen|ringen|skogen|skrenten|spranget|stranda|stykket|tjernet|toppen|tunet|"
    r"vollen|katu|kuja|polku|bulevardi|väylä|raitti|kaari|rinne|ranta|ntie|itie"
)
_COMPOUND = re.compile(
    rf"\b[A-ZÄÖÜÅÆØ][\w'’-]*(?i:{_COMPOUND_TAILS})[ \t]+\d{{1,5}}[a-zA-Z]?(?:[-/]\d{{1,5}}[a-zA-Z]?)?\b"
)
# Cheap tests that say which pattern could match, so most texts cost a few substring searches. Each is a
# necessary condition of its pattern (never narrower), so gating changes what is found in no text.
# A house number (with its letter, `221B`), then a capitalised word: the gate of `_NUMBER_FIRST`.
_NUMBER_THEN_WORD = re.compile(r"\d(?:-?[A-Za-z])?,?[ \t]+[A-ZÀ-ÖØ-Þ]")
_UNIT_WORDS = ("Flat", "Studio", "Apartment", "Apt", "Unit", "Suite")
_FR_WORDS = tuple(_FR_TYPES.split("|"))
# A Romance street type is followed by a space or tab, so it ends a whitespace-separated token: one C-level
# `endswith` per token instead of a substring search of the whole text per type ("C." alone matched any "C").
_ROMANCE_TOKEN_ENDS = tuple(word.replace("\\.", ".") for word in _ROMANCE_TYPES.split("|"))
_COMPOUND_TAIL = re.compile(rf"(?i:{_COMPOUND_TAILS})[ \t]+\d")
# A compound's tail ends where a run of spaces before a digit starts; searching for the tail only just before
# each such run costs a few microseconds, where a search of the whole text for the tail alternation cost ~50.
# Only from a run's first space: tried from every space of a long run with no digit after it, the scan was quadratic
# (100 KB of spaces took a minute).
_SPACES_THEN_DIGIT = re.compile(r"(?<![ \t])[ \t]+\d")
_LONGEST_TAIL = max(len(tail.replace("\\", "")) for tail in _COMPOUND_TAILS.split("|"))


def _compound_tail_in(text: str) -> bool:
    for run in _SPACES_THEN_DIGIT.finditer(text):
        if _COMPOUND_TAIL.search(text, max(0, run.start() - _LONGEST_TAIL), run.end()):
            return True
    return False


# The same tests on the byte views of ASCII text (`Shapes`), where each is a set lookup or one bytes search.
# A Romance type starts at a word boundary and ends before a space, tab or its own dot, so it is a whole ASCII
# word, lowered; a French type is followed by a space or tab, which the letter view shows as a space.
# The abbreviations with a dot ("C.", "Av.") are looked for with their dot: a lone "c" is in every hex id.
_ROMANCE_ASCII_WORDS = frozenset(
    word.lower().split()[0].encode() for word in _ROMANCE_TOKEN_ENDS if word.isascii() and "." not in word
)
_ROMANCE_DOTTED = tuple(word for word in _ROMANCE_TOKEN_ENDS if word.endswith("."))
# Compound tails as the letter view shows them before the spaces (a dot is a space there too).
_COMPOUND_TAIL_LETTERS = tuple(
    tail.replace("\\.", " ").encode() for tail in _COMPOUND_TAILS.split("|") if tail.isascii()
)
_FR_ASCII_HEADS = re.compile(("(?:" + "|".join(word for word in _FR_WORDS if word.isascii()) + ") ").encode())
# On long texts a substring search per type beats the alternation, which the engine tries at every position.
_FR_ASCII_NEEDLES = tuple(f"{word} ".encode() for word in _FR_WORDS if word.isascii())
_LONG_TEXT = 160
_ROMANCE_DOTTED_HEADS = frozenset(word.rstrip(".").lower().encode() for word in _ROMANCE_DOTTED)
# `_NUMBER_THEN_WORD` on the digit view of ASCII text, where it starts with a literal the engine jumps to.
_NUMBER_THEN_WORD_SHAPE = re.compile(rb"0(?:-?[A-Za-z])?,?[ \t]+[A-Z]")
_UNIT_ASCII_WORDS = frozenset(word.lower().encode() for word in _UNIT_WORDS)


def _compound_tail_ascii(shapes: Shapes) -> bool:
    """`_compound_tail_in` for ASCII text from its byte views: a tail (lowered) ends where the run of spaces
    before a digit starts. The digit follows a space or tab directly, so only those few places are looked at."""
    digits, letters = shapes.digits, shapes.padded_letters  # letters[i + 1] is text[i]
    for gap in (b" 0", b"\t0"):
        at = digits.find(gap)
        while at != -1:
            start = at
            while start > 0 and digits[start - 1] in (0x20, 0x09):
                start -= 1
            if letters.endswith(_COMPOUND_TAIL_LETTERS, 0, start + 1):
                return True
            at = digits.find(gap, at + 1)
    return False


# Every address pattern needs a street or unit word, and in ASCII text each such word is a whole word of the
# letter view (lowered), or the end of one: an English street type (`Street`, `Rd`, plural or not) ends the
# number-first shape between a space and a word boundary; a unit word (`Flat`, `Suite`) and a Romance type
# (`Calle`, `Via`) stand after a word boundary and before a space, tab or their dot; a French type (`rue`) and a
# compound's tail (`-straße` as `strasse`, `str.` as `str`) end a word, followed by a space or tab. So the
# kinds of street word among a text's words say which patterns can match, and most texts have none, which one
# subset test of their words against the words known to be none answers (`WordKinds`). The dotted Romance
# abbreviations (`C.`, `Av.`) are tested apart, with their dot, as before: a lone "c" is in every hex id.
_EN_TYPE_WORD, _UNIT_WORD, _FRENCH_TAIL, _ROMANCE_WORD, _COMPOUND_WORD_TAIL = 1, 2, 4, 8, 16
_EN_TYPE_WORDS = frozenset(
    form for word in _EN_TYPES.split("|") for form in (word.lower().encode(), word.lower().encode() + b"s")
)
_FR_ASCII_TAILS = tuple(word.encode() for word in _FR_WORDS if word.isascii())
_COMPOUND_LETTER_TAILS = tuple(tail.strip() for tail in _COMPOUND_TAIL_LETTERS)


def _street_word_kinds(word: bytes) -> int:
    return (
        (_EN_TYPE_WORD if word in _EN_TYPE_WORDS else 0)
        | (_UNIT_WORD if word in _UNIT_ASCII_WORDS else 0)
        | (_FRENCH_TAIL if word.endswith(_FR_ASCII_TAILS) else 0)
        | (_ROMANCE_WORD if word in _ROMANCE_ASCII_WORDS else 0)
        | (_COMPOUND_WORD_TAIL if word.endswith(_COMPOUND_LETTER_TAILS) else 0)
    )


_STREET_WORDS = WordKinds(_street_word_kinds)


def _patterns_for(text: str, shapes: Shapes) -> list[re.Pattern[str]]:
    """The address patterns that could match `text`: each test is a necessary condition of its pattern."""
    patterns = []
    kinds = -1  # every kind, for text in other scripts
    if shapes.ascii:
        letters, words = shapes.padded_letters, shapes.words
        kinds = _STREET_WORDS.of(shapes)
        if kinds & _FRENCH_TAIL and (
            any(needle in letters for needle in _FR_ASCII_NEEDLES)
            if len(letters) > _LONG_TEXT
            else _FR_ASCII_HEADS.search(letters)
        ):
            patterns.append(_FRENCH)
        if kinds & _ROMANCE_WORD or (
            not words.isdisjoint(_ROMANCE_DOTTED_HEADS) and any(word in text for word in _ROMANCE_DOTTED)
        ):
            patterns.append(_ROMANCE)
    else:
        lowered = text.lower()
        if any(word in lowered for word in _FR_WORDS):
            patterns.append(_FRENCH)
        if any(token.endswith(_ROMANCE_TOKEN_ENDS) for token in text.split()):
            patterns.append(_ROMANCE)
    # The other three shapes hold a house or unit number (`\d`): ASCII text without a digit holds none.
    if shapes.ascii and (b"0" not in shapes.digits or not kinds & (_EN_TYPE_WORD | _UNIT_WORD | _COMPOUND_WORD_TAIL)):
        return patterns
    if kinds & _EN_TYPE_WORD and (
        _NUMBER_THEN_WORD_SHAPE.search(shapes.digits) if shapes.ascii else _NUMBER_THEN_WORD.search(text)
    ):
        patterns.append(_NUMBER_FIRST)
    if kinds & _UNIT_WORD if shapes.ascii else any(w in text for w in _UNIT_WORDS):
        patterns.append(_UNIT_FIRST)
    if kinds & _COMPOUND_WORD_TAIL and (_compound_tail_ascii(shapes) if shapes.ascii else _compound_tail_in(text)):
        patterns.append(_COMPOUND)
    return patterns


# Any locale's street line, found by what follows it: `<street> <house number>, <postcode> <City>` (Backstigen 2,
# 48177 Västerås; ul. Reja 90, 16-804 Wieluń; Prvomajska ulica 92, 2855 Gornja Radgona), with a comma before the
# house number (Trevo de Siqueira, 60, 53678-197 Costa), or number first (8 Justin Upper, 2611 St. Elizabethmouth).
# The street words need no street-type list, so this covers the locales the patterns above do not name (Nordic,
# Central and Eastern European, Greek, Indonesian, Australian, ...); the postcode and the city are part of the
# finding here, since it is their shape that says the line is an address. A count and a unit ("GPU 0, 8192 MiB")
# is no locality. Every repetition is bounded, so a match attempt costs a constant at each position.
# Word characters plus the combining vowel signs of Thai and Devanagari, which `\w` does not take.
_LETTER_WORD = r"[^\W\d_][\w\u0e31-\u0e4e\u0900-\u0903\u093a-\u094f'’.-]*"
# A capital in scripts that have them (Georgian, Armenian, Hebrew, Hangul have none), or an abbreviation (ul., Jl.).
_NOT_LOWER = r"(?![a-zà-öø-ÿα-ωа-яё])"
_STREET_FIRST_WORD = rf"(?:{_NOT_LOWER}{_LETTER_WORD}|[a-z]{{1,3}}\.)"
_HOUSE_NUMBER = r"\d{1,5}(?:-?[A-Za-z])?(?:[/-]\d{1,5}[A-Za-z]?)?\.?"
_POSTCODE = (
    r"(?:[A-Z]{1,2}-?)?(?:\d{3}[ \t]\d{2}|\d{2}-\d{3}|\d{4}-\d{3}|\d{3}-\d{4}|\d{5}-\d{3,4}|\d{4}[ \t]?[A-Z]{2}(?=[ \t,])|\d{4,8})"
)
_UNIT_AFTER_NUMBER = (
    r"(?:[KMGTP]i?B|[KMGT]B/s|[Bb]ytes?|[Tt]okens?|[Rr]equests?|[Ii]tems?|[Rr]ows?|[Ee]rrors?|[Rr]etries|"
    r"[Ss]pans?|[Uu]sers?|[Ss]econds?|[Mm]inutes?|[Hh]ours?|[Dd]ays?|[Mm]s|[Hh]z|[Ff]iles?|[Ll]ines?)\b"
)
# The city starts with a capital in scripts that have them ("1500 foo" is no locality), with any letter in others.
_CITY = rf"(?!{_UNIT_AFTER_NUMBER}){_NOT_LOWER}{_LETTER_WORD}(?:[ \t]+(?:(?:da|de|del|di|am|an|der|upon|on|sur|la|le)[ \t]+)?" \
        rf"{_NOT_LOWER}{_LETTER_WORD}){{0,2}}"
_WITH_LOCALITY = re.compile(
    rf"(?:{_STREET_FIRST_WORD}(?:[ \t]+{_LETTER_WORD}){{0,4}},?[ \t]+(?:(?:No|Nr|N°|Nº|#)\.?[ \t]*)?{_HOUSE_NUMBER}"
    rf"|(?<![\w.,/-]){_HOUSE_NUMBER},?(?:[ \t]+{_LETTER_WORD}){{1,4}})"
    # A district may stand between the street and the postcode (9051-B Jasper Road, Sitangkai, 3748 Quezon), and
    # Greek writes ΤΚ before it.
    rf"(?:,[ \t]+{_CITY})?,,?[ \t]+(?:(?:ΤΚ|Τ\.Κ\.)[ \t]*)?{_POSTCODE}[ \t]+{_CITY}"
)
# A necessary condition of _WITH_LOCALITY: a comma, spaces, then a postcode's first digit (or its country letter).
_COMMA_THEN_POSTCODE = re.compile(r",[ \t]+(?:[A-Z]{1,2}-?|(?:ΤΚ|Τ\.Κ\.)[ \t]*)?\d")

# The other order, the postcode last: `<street line>, <City>[, <district>][, <REGION>] <postcode>` (Lake Curtisburgh,
# MI 51204; 86 Sanders Via, Byrneview, W1G 9BZ; 2 Howard Courtyard, South Jonathan, NT, 2688; Pasadizo de Valentín
# Moles 89, Teruel, 43830; 12/663, Chanda Marg, Junagadh-859631). Here the street line needs more than a number: a
# capitalised word after the number (not a unit: "30 Seconds"), or two words before it ("Shard 3" is no street).
# A four-digit postcode (Australia) counts only after a region code, since "Worker 3, Shard 1024" is a log line.
_POSTCODE_LAST = (
    r"(?:\d{5}(?:-\d{3,4})?|\d{6}|\d{3}-\d{4}|[A-Z]\d[A-Z][ \t]?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2})"
    r"(?![\w-])"
)
_REGION_THEN_POSTCODE = rf"(?:,?[ \t]+[A-Z]{{2,3}}(?:,[ \t]*|[ \t]+)(?:\d{{4}}(?![\w-])|{_POSTCODE_LAST}))"
# A unit before the street line (Flat 76, Ali Path; Suite 020 84 Karen Dell) and after it (Calle Mayor 34 Apt. 77).
_UNITS = r"(?:Flat|Studio|Apartment|Apt\.?|Unit|Suite|Room|Level)"
_UNIT_BEFORE = rf"(?:\b{_UNITS}[ \t]+\d{{1,5}}\w?,?[ \t]+)?"
_UNIT_AFTER = r"(?:[ \t]+(?:Apt\.?|Apartment|Suite|Unit|Flat|Floor|Piso|Puerta|Esc\.?|Interno|Apto\.?|Dpto\.?|Depto\.?|Dto\.?)[ \t]*\d{1,5}\w?)?[ \t]?"
_WITH_LOCALITY_AFTER = re.compile(
    rf"{_UNIT_BEFORE}(?:(?<![\w.,/-]){_HOUSE_NUMBER},?[ \t]+(?!{_UNIT_AFTER_NUMBER}){_NOT_LOWER}{_LETTER_WORD}(?:[ \t]+{_LETTER_WORD}){{0,3}}"
    rf"|{_STREET_FIRST_WORD}(?:[ \t]+{_LETTER_WORD}){{1,4}},?[ \t]+(?:(?:No|Nr|N°|Nº|#)\.?[ \t]*)?{_HOUSE_NUMBER}"
    rf"|\b{_UNITS}[ \t]+\d{{1,5}}\w?,?[ \t]+{_NOT_LOWER}{_LETTER_WORD}(?:[ \t]+{_LETTER_WORD}){{0,3}})"
    rf"{_UNIT_AFTER},[ \t]+{_CITY}(?:,[ \t]+{_CITY})?(?:{_REGION_THEN_POSTCODE}|(?:,[ \t]*|[ \t]+|-){_POSTCODE_LAST})"
)
# United States military mail: PSC 2760, Box 5065, APO AA 64679; USNS Lopez, FPO AE 34291.
_MILITARY = re.compile(
    r"\b(?:(?:PSC|CMR|Unit)[ \t]+\d{4},[ \t]+Box[ \t]+\d{4}|(?:USNS|USS|USCGC)[ \t]+[A-Z][\w'-]*(?:[ \t][A-Z][\w'-]*)?)"
    r",[ \t]+(?:APO|FPO|DPO)[ \t]+A[AEP][ \t]+\d{5}\b"
)
# A post office box and its number, the address of whoever rents it: PO Box 67, Postfach 10 20 30, B.P. 123 (not
# a bare "BP", `the BP 2024 annual report`, nor a bare "Apartado", which is a section in Spanish).
_PO_BOX_WORD = re.compile(r"Box|BOX|Bag|Postfach|Postbus|Postboks|B\.P\.|[Pp]ostale|Apartado|Postal|Casilla")
_PO_BOX = re.compile(
    r"(?<![\w.])(?:(?:G\.?)?P\.?[ ]?O\.?[ ]?(?:Box|BOX)|Post[ ]Office[ ]Box|Locked[ ]Bag|Private[ ]Bag|Postfach|Postbus"
    r"|Postboks|B\.P\.|Boîte[ ]postale|Casella[ ]postale|Apartado[ ](?:de[ ]correos|postal)|Caixa[ ]Postal"
    r"|Casilla(?:[ ]de[ ]correo)?)[ \t]*(?:No\.?|N°|#)?[ \t]*\d{1,6}(?:[ ]\d{2}){0,2}(?![\w-])"
)
# Latin America numbers the way and the door: Calle 14 # 37-17, Cr. 72 Bis P # 6-20 (Colombia), Av. Rawson N° 918
# Dto. 3, Diag. 6 N° 35 (Argentina).
_WAY_TYPES = (
    r"Calle|Cl\.|Cll\.?|Carrera|Cra\.?|Kr\.?|Cr\.|Avenida|Av\.|Avda\.|Ak\.|Ac\.|Diagonal|Dg\.|Diag\.|Transversal|"
    r"Tv\.|Tr\.|Pasaje|Psje\.|Boulevard|Bv\.|Bulevar"
)
_NUMBERED_WAY = re.compile(
    rf"(?<![\w.])(?:{_WAY_TYPES})[ \t]+(?:\d{{1,3}}[A-Z]?(?:[ \t]+Bis)?(?:[ \t]+[A-Z])?|{_WORD}(?:[ \t]+{_WORD}){{0,2}})"
    r"(?:[ \t]+(?:Sur|Este|Norte|Oeste))?[ \t]*(?:#|No\.?|N°|Nº)[ \t]*\d{1,5}[A-Z]?(?:[ \t]?-[ \t]?\d{1,3})?"
    r"(?:[ \t]+(?:Sur|Este))?(?:[ \t]+(?:Dto\.?|Dpto\.?|Depto\.?|Piso|Of\.?|Apto\.?|Int\.?)[ \t]*\d{1,4}\w?)?"
)
_DOOR_NUMBER = re.compile(r"(?:#|No\.?|N°|Nº)[ \t]*\d")
# Turkish and Azerbaijani: Atatürk Caddesi No: 12 Daire: 3; Papatya Sok No:46 D:13 (abbreviations with or without
# their dot, as typed); Nizami küçəsi, b. 6, m. 44.
_TURKIC = re.compile(
    rf"{_NOT_LOWER}{_LETTER_WORD}(?:[ \t]+{_NOT_LOWER}{_LETTER_WORD}){{0,3}}[ \t]+"
    r"(?:Sokak|Sokağı|Sok\.?|Sk\.?|Caddesi|Cad\.?|Cd\.?|Bulvarı|Blv\.?|küçəsi|prospekti|Mahallesi|Mah\.?)"
    r",?[ \t]*(?:No|b\.|bina)[:.]?[ \t]*\d{1,5}\w?(?:/\d{1,4})?(?:,?[ \t]*(?:m\.|Daire|D\.?|Kat|K\.?)[:.]?[ \t]*\d{1,4})*"
)
_TURKIC_WAYS = re.compile(r"Sok|Sk\.|Cad|Cd\.|Bulvar|Blv\.|küçəsi|prospekti|Mah")
# Necessary conditions of _WITH_LOCALITY_AFTER: a comma and a space, and a postcode at its end, after a comma, space,
# tab or hyphen; for ASCII text, looked for in its digit view (digits as "0"), where the search is cheap.
_POSTCODE_LAST_GATE = re.compile(rf"(?:[A-Z]{{2,3}},?[ \t]+\d{{4}}(?![\w-])|{_POSTCODE_LAST})")
_POSTCODE_LAST_SHAPE = re.compile(
    rb"[ \t,-](?:00000(?:-0000?)?|000000|000-0000|[A-Z]0[A-Z][ \t]?0[A-Z]0|[A-Z][A-Z]?0[A-Z0]?[ \t]?0[A-Z][A-Z])(?![\w-])"
    rb"|[A-Z][A-Z][A-Z]?,?[ \t]+0000(?![\w-])"
)
# Before the postcode, on its line: a house or unit number, then a comma and the city's capital.
_COMMA_CAPITAL = re.compile(rb",[ \t]+[A-Z]")


def _postcode_last_lines(text: str, shapes: Shapes) -> Iterator[tuple[int, int]]:
    """The lines of `text` (start, end) where `_WITH_LOCALITY_AFTER` may match, which cannot cross a line: for ASCII
    text, those with a postcode-like number that a number, a comma and a capital precede on the same line."""
    if not shapes.ascii:
        if _POSTCODE_LAST_GATE.search(text):
            yield 0, len(text)
        return
    digits, searched_to = shapes.digits, 0
    # A literal search first: the city follows a comma and spaces (tabs are spaces in the class view) and starts
    # with a capital.
    classes = shapes.classes
    if b". A" not in classes and b".  " not in classes:
        return
    line_start, first_comma_capital = -1, -1
    for hit in _POSTCODE_LAST_SHAPE.finditer(digits):
        if hit.start() < searched_to:
            continue
        start = digits.rfind(b"\n", 0, hit.start()) + 1
        if start != line_start:
            # Once per line, not per postcode-like number on it: a long line holds many (each order id's digits),
            # and a search from the line's start for each made the whole scan cubic in the line's length.
            line_start, first_comma_capital = start, _first_comma_capital_after_a_digit(digits, start)
        if first_comma_capital != -1 and first_comma_capital <= hit.start():
            line_end = digits.find(b"\n", hit.end())
            searched_to = len(digits) if line_end == -1 else line_end
            yield line_start, searched_to


def _first_comma_capital_after_a_digit(digits: bytes, line_start: int) -> int:
    """Where the first `, X` after the line's first digit ends (-1 if none): the house or unit number, then the
    comma and the city's capital, that a postcode after it needs."""
    line_end = digits.find(b"\n", line_start)
    line_end = len(digits) if line_end == -1 else line_end
    zero = digits.find(b"0", line_start, line_end)
    match = _COMMA_CAPITAL.search(digits, zero + 1, line_end) if zero != -1 else None
    return match.end() if match else -1


# Not after a comma: `park avenue eau de parfum, 2 bottles` goes on to a quantity.
_HOUSE_NUMBER_AFTER = re.compile(r"[ \t]+(?:(?:Nr|No|N[º°])\.?[ \t]*)?\d{1,5}[a-z]?(?:/\d{1,4})?(?![\w/:.,-]\w)")
# The way words of `_NUMBERED_WAY` and `_TURKIC` as ASCII words of the letter view (lowered, without their dot).
_WAY_WORDS = frozenset(word.rstrip("\\.?").lower().encode() for word in _WAY_TYPES.split("|"))
_TURKIC_WORDS = frozenset({b"sokak", b"sok", b"sk", b"caddesi", b"cad", b"cd", b"blv", b"mahallesi", b"mah"})


def find_addresses(text: str, shapes: Shapes | None = None) -> list[Candidate]:
    """Street addresses: the street line (a city or postcode line alone identifies no one), with the postcode
    and city that follow it when they are what shows the line is an address. Parts of one address found by
    different patterns (`chemin` + `Lucas Peitrequin 15, 3807 Bochud`) are joined into one finding; the parts are
    kept as candidates too, so that when a finding of a stronger type overlaps the whole, the parts it does not
    touch are still redacted."""
    shapes = shapes or Shapes.of(text)
    spans = [
        ("STREET_ADDRESS", _name_start(text, *match.span()), match.end())
        for match in _matches(text, shapes)
        if not (match.re is _FRENCH and a_thing_after_an_english_street(text, *match.span()))
    ]
    for line_start, line_end in lowercase_lines(text):
        line = capitalised(text[line_start:line_end])
        for match in _matches(line, Shapes.of(line)):
            # A street type and name read without the number after them (`chemin monnet 52`, `drumul nistor nr.
            # 653`): the number is the street line's too, and what shows a lower-case line is an address.
            number = _HOUSE_NUMBER_AFTER.match(line, match.end())
            end = number.end() if number else match.end()
            if reads_as_address(line[match.start() : end], _NAME_WORDS):
                start = without_leading_words(text[line_start:line_end], match.start(), end)
                end = without_trailing_words(text[line_start:line_end], start, end, _NAME_WORDS)
                if reads_as_address(line[start:end], _NAME_WORDS):
                    spans.append(("STREET_ADDRESS", line_start + start, line_start + end))
    if len(spans) < 2:
        return spans
    spans = sorted(set(spans))
    joined: list[Candidate] = []
    for _, start, end in spans:
        if joined and start < joined[-1][2]:
            joined[-1] = ("STREET_ADDRESS", joined[-1][1], max(end, joined[-1][2]))
        else:
            joined.append(("STREET_ADDRESS", start, end))
    return joined + sorted(set(spans) - set(joined))  # sets: thousands of street lines are read in linear time


# The words a street's name may hold in lower case (`Rue de la Paix`, `Laan van Meerdervoort`, `An der Alster`).
_STREET_PARTICLES = frozenset(
    ("de", "del", "della", "dei", "degli", "delle", "di", "da", "das", "do", "dos", "du", "des", "la", "le", "les",
     "el", "los", "las", "y", "e", "i", "van", "von", "der", "den", "het", "ten", "ter", "am", "an", "im", "zum",
     "zur", "auf", "op", "aan", "bij", "sur", "sous", "en", "al", "al.", "ul.", "pl.", "os.", "gg.", "jl.")
)
_NAME_WORD = re.compile(r"[^\s,]+")
_HOUSE_NUMBER_WORD = re.compile(_HOUSE_NUMBER)
# Street types in lower case too, as French, Polish or Romanian write them before the name (`chemin`, `ul.`).
_NAME_WORDS = _STREET_PARTICLES | frozenset(
    word.lower()
    for types in (_EN_TYPES, _FR_TYPES, _ROMANCE_TYPES, _WAY_TYPES, _TYPE_FIRST, _TYPE_AFTER)
    for word in re.sub(r"[^\w|]", "", types).split("|")
)
# Letters and digits in one ASCII word: an id (`PO-2024-33548`, `X1`, `#B50658`), not an ordinal (`18th Cross`), a
# day (`Straße des 17. Juni`) or a Japanese block (`千束17丁目`).
_AN_ID = re.compile(r"(?=.*[A-Za-z])(?=.*\d)(?!\d+(?:st|nd|rd|th)\b)")


def _name_start(text: str, start: int, end: int) -> int:
    """Where the street's name starts in a match whose name-first pattern took words before it: an order's id, or a
    word in lower case (ASCII) that is no street type or particle, ends what came before (`Bestellung PO-2024-33548 an
    Forsterstrasse 334`, `X1 Carbon ships to Daniëlhof 74`, `tilaus WEB-XBGQFM osoitteeseen Kuhankeittäjänkuja
    01`). The house number and what follows it are left as they are."""
    if "\n" in text[start:end]:
        return start  # a block of lines (`H.No. 3-3-31, Kaveri Block\n18th Cross`) is read whole
    words = []
    for word in _NAME_WORD.finditer(text, start, end):
        if _HOUSE_NUMBER_WORD.fullmatch(word.group()):
            break
        words.append(word)
    cut = start
    for word, following in pairwise(words):
        value = word.group()
        lower_case_word = value.isalpha() and value.islower() and value not in _NAME_WORDS
        if value.isascii() and (_AN_ID.search(value) or lower_case_word):
            cut = following.start()
    return cut


def _matches(text: str, shapes: Shapes) -> Iterator[re.Match[str]]:
    """Every match of every address pattern that may match `text`, each searched in its part of the text."""
    for pattern, start, end in _searches(text, shapes):
        yield from pattern.finditer(text, start, end)


def _searches(text: str, shapes: Shapes) -> list[tuple[re.Pattern[str], int, int]]:
    """The patterns that may match `text`, each with the part of the text to search; each test a necessary
    condition of its pattern."""
    whole = len(text)
    searches = [(pattern, 0, whole) for pattern in _patterns_for(text, shapes)]
    if _COMMA_THEN_POSTCODE.search(text):
        searches.append((_WITH_LOCALITY, 0, whole))
    if ", " in text:
        searches += [(_WITH_LOCALITY_AFTER, start, end) for start, end in _postcode_last_lines(text, shapes)]
    if (not shapes.ascii or not shapes.words.isdisjoint(_WAY_WORDS)) and _DOOR_NUMBER.search(text):
        searches.append((_NUMBERED_WAY, 0, whole))
    if (not shapes.ascii or not shapes.words.isdisjoint(_TURKIC_WORDS)) and _TURKIC_WAYS.search(text):
        searches.append((_TURKIC, 0, whole))
    if may_hold_central_street(text, shapes):
        searches.append((CENTRAL_EUROPEAN_STREET, 0, whole))
    if may_hold_numbered_way(text, shapes):
        searches.append((NUMBERED_WAY_STREET, 0, whole))
    if "PO A" in text:  # APO, FPO, DPO
        searches.append((_MILITARY, 0, whole))
    if _PO_BOX_WORD.search(text):
        searches.append((_PO_BOX, 0, whole))
    if not shapes.ascii:
        searches += [(pattern, 0, whole) for pattern in script_address_patterns(text)]
    searches += [(pattern, 0, whole) for pattern in regional_street_patterns(text, shapes)]
    return searches
