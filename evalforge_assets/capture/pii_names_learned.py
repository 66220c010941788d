"""A learned second look at capitalised words the rules left: is this word part of a person's name?

The rules of the other `pii_names*` modules find a name by what stands around it (a cue, a label, a list, a
place in a form). A name written with none of those (`Their daughter Bogdana moved to Lyon`) is left to this
scorer: a logistic regression over features of one capitalised word and its neighbours (its shape and ending,
whether the name lists and Webster's dictionary know it and its neighbours, the separators around it, the run of
capitalised words it stands in, a company suffix after it, whether it recurs in the text). It never sees the
word itself unless the word is an ordinary dictionary word (`Monday`, `Support`), so it cannot learn a list of
the training corpora's names: what it learns is how names stand in text.

The weights (`person_token_model.json`) are trained by `tools/train_person_model.py` on blind probes 1-10 and 12,
every word the rules had not already taken, labelled by whether it lies inside a planted name; probes 11 and 13 and
later are held out to measure it (`docs/ingestion.md`, "A learned look at the words the rules left"). A word is
taken when the model's probability reaches the file's threshold, chosen so that three in four words taken on
probes left out of the fit are names; a run of capitalised words with one taken word is taken whole and reported
as one name. Known limit: a lone surname in prose (`Kowalski signed the lease`) mostly scores under the threshold.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from evalforge_assets.capture.pii_names import (
    _PLACE_WORDS,
    _common_given_names,
    _given_names,
    _surname_ranks,
    _webster,
)
from evalforge_assets.capture.pii_names_cues import _TITLE_WORDS
from evalforge_assets.capture.pii_patterns import (
    _NOT_NAMES,
    _ORGANISATION_WORDS,
    _PLACEHOLDER,
    Candidate,
    _word_set,
)
from evalforge_assets.capture.pii_taken import TakenSpans

MODEL_PATH = Path(__file__).with_name("person_token_model.json")

# A word: letters, with inner apostrophes or hyphens (`O'Neil`, `Jean-Luc`); a capitalised one starts with an
# upper-case letter of any script and no letter before it.
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*")
_UPPER_CASE = "".join(re.escape(char) for char in map(chr, range(0x2FFF)) if char.isupper())
_CAPITALISED = re.compile(rf"(?<![^\W\d_])[{_UPPER_CASE}](?:[^\W\d_]|['’\-](?=[^\W\d_]))*")
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’-]*)\W*$")
_WORD_AFTER = re.compile(r"\W*?([^\W\d_][\w'’-]*)")
_CAPITAL = "A-ZÀ-ÖØ-ÞĀ-ſА-ЯΑ-Ω"
_NEXT_IN_RUN = re.compile(
    rf"[ \t]+(?:(?:de|da|del|van|von|der|den|la|le|di|bin|al|el|du|dos|das)[ \t]+)?[{_CAPITAL}][\w'’-]*"
)
_PREVIOUS_IN_RUN = re.compile(rf"[{_CAPITAL}][\w'’-]*[ \t]+$")
_COMPANY_AFTER = re.compile(
    r"(?:[ \t]+[A-Z][\w'’-]*){0,3}[ \t,]+(?:&|and|Inc|LLC|Ltd|GmbH|AG|SA|S\.A\.|SAS|SARL|S\.p\.A|BV|B\.V\.|Corp|Co\b"
    r"|Group|Holdings|PLC|plc|Sp\. z o\.o\.|s\.r\.o\.|Ltda|OOO|ООО)"
)
# Legal forms of companies, lower case, beside the organisation words the name cues know.
_LEGAL_FORMS = _word_set(
    "inc llc ltd gmbh ag kg sa sas sarl spa srl bv nv plc ltda oy ab aps kk bt kft zrt nyrt sro spol ооо оао зао пао "
    "ао тов"
)
# Words of venues, institutions and places that are often named after people (`Frida Kahlo Museum`, `Royal
# Albert Hall`, `Escola Machado de Assis`, `Santa Maria Novella`, `Chez Janou`), beside the place words of
# `pii_names`.
_VENUE_WORDS = _word_set(
    "museum museo musée hall room suite school escola escuela école schule scuola college institute institut "
    "church cathedral chapel basilica hospital clinic stadium arena theatre theater teatro cinema gallery library "
    "centre center palace castle villa inn bistro trattoria osteria pizzeria brasserie chez casa caffè bakery "
    "santa san são saint sankt fort lake mount port beach island bay valley building award prize"
)
_ORGANISATIONS_AND_PLACES = _ORGANISATION_WORDS | _PLACE_WORDS | _LEGAL_FORMS | _VENUE_WORDS
# Lower-case words inside names (`Ludwig van Beethoven`, `Machado de Assis`): a gap of spaces or tabs with up to
# two of them joins two capitalised words into one run.
_PARTICLES = _word_set("de da del della di do dos das du van von der den la le bin al el")
_GAP = re.compile(rf"[ \t]+(?:(?:{'|'.join(sorted(_PARTICLES))})[ \t]+){{0,2}}")
# A legal form after the run and up to three more capitalised words or names joined by `and`, `&`, `és`, `e`, `y`:
# the run names a company (`Balázs és Balogh Bt.`, `Horváthová a.s.`, `Weber & Lang GmbH`).
_LEGAL_FORM_AFTER = re.compile(
    r"(?:[ \t,]+(?:[A-Z][\w'’-]*|and|&|és|e|y|und|et|i))*[ \t,]+"
    r"(?:a\.s\.|s\.r\.o\.|spol\.|Bt\.|Kft\.|Zrt\.|Nyrt\.|Sp\. ?z ?o\.o\.|S\.A\.|S\.L\.|S\.p\.A\.|S\.r\.l\.|"
    r"GmbH|AG|KG|Inc\b|LLC|Ltd|PLC|plc|Corp\b|Oy\b|AB\b|A/S|ApS|AS\b|BV\b|NV\b|SAS\b|SARL|Ltda|ООО|АО|ТОВ)"
)
# A town before the code of its state or province (`Austin, TX`, `Madison, WI`, `Guelph, ON`).
_REGION_CODE_AFTER = re.compile(r",[ \t]?[A-Z]{2}\b(?!['’.-])")
_MONTHS_AND_DAYS = _word_set(
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday"
)
# Formats, protocols and types that programs write in messages (`Failed to parse JSON`, `expected Boolean`); three
# letters or fewer in capitals are never asked anyway.
_CODE_WORDS = _word_set(
    "json yaml toml html xhtml http https uuid guid cors oauth saml smtp imap grpc ajax cuda null true false none "
    "boolean bool integer float double varchar nvarchar datetime timestamp enum struct tuple"
)
_NEVER_ASKED = _TITLE_WORDS | _NOT_NAMES | _MONTHS_AND_DAYS | _CODE_WORDS
# Keys and labels whose values are places or things, never people (the last part of `ship_to_city` counts).
_KEYS_OF_THINGS = _word_set(
    "city town village county district region state province country destination origin location venue place "
    "airport hotel airline title subject product brand company organisation organization employer team department "
    "street neighbourhood neighborhood project category model"
)
_NUMBER_BEFORE = re.compile(r"\d[ ,.]*$")
# Characters after which a capital says nothing: the start of a sentence, a line, a quote or a list item.
_OPENERS = frozenset(".!?\n\"'«“>*-•:")
_CONTEXT = 40  # characters looked at for the word before and after


@dataclass(frozen=True)
class PersonTokenModel:
    """The trained weights: a bias, a weight per feature, and the score from which a word is taken."""

    bias: float
    weights: dict[str, float]
    threshold: float

    @property
    def logit_threshold(self) -> float:
        return math.log(self.threshold / (1 - self.threshold))

    def score(self, features: list[str]) -> float:
        """The model's logit for one word's features."""
        weights = self.weights
        return self.bias + sum(weights.get(feature, 0.0) for feature in features)


@cache
def person_token_model() -> PersonTokenModel:
    """The shipped model, read on first use."""
    document = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return PersonTokenModel(document["bias"], document["weights"], document["threshold"])


def learned_names(text: str, taken: list[Candidate]) -> list[Candidate]:
    """PERSON candidates for the capitalised words of `text` outside `taken` that the model reads as names."""
    runs = asked_runs(text, taken)
    if not runs:
        return []
    model = person_token_model()
    cutoff = model.logit_threshold
    counts = word_positions(text)
    chosen: list[tuple[int, int]] = []
    for run, asked in runs:
        scores = [
            model.score(word_features(text, start, end, counts)) if ask else None
            for (start, end), ask in zip(run, asked, strict=True)
        ]
        named = [score is not None and score >= cutoff for score in scores]
        if any(named) and not _phrase(text, run, named):
            # A name is the whole run: the run's other words the model was asked about go with the one it took
            # (`Adaeze Oyelaran`, where the surname alone scores lower than the given name), but for a first word
            # that opens the sentence and is more likely no name than one (`Ayer Taro y …`, "yesterday"; `Chào`),
            # unless it is written in capitals, as names in a heading or a caption are (`ÉLÉONORE DUBOIS,`).
            first, first_end = run[0]
            low = scores[0] is not None and scores[0] < 0
            opener = low and _opens_sentence(text, first) and not text[first:first_end].isupper()
            chosen += [span for index, span in enumerate(run) if asked[index] and not (index == 0 and opener)]
    return _joined(text, chosen)


def _opens_sentence(text: str, start: int) -> bool:
    gap_start = _gap_start(text, start)
    return gap_start == 0 or text[gap_start - 1] in _OPENERS


def _phrase(text: str, run: list[tuple[int, int]], named: list[bool]) -> bool:
    """Whether a word the model takes is followed in its run by an ordinary word it does not take: a name-like
    word before a dictionary word makes a phrase (`Jordan Almonds`, `Chase Mode`, `Max Retries`), and the run is
    then taken not at all. (A word before the name, `Yesterday Kowalski`, is the sentence's.)"""
    return any(
        named[index] and not named[index + 1] and _ordinary_word(text[run[index + 1][0] : run[index + 1][1]])
        for index in range(len(run) - 1)
    )


@lru_cache(maxsize=32_768)
def _ordinary_word(word: str) -> bool:
    """A dictionary word that no name list knows; in capitals, one the census's common given names do not know
    either (`SKIP` and `MERGE` are words, `MARIA` a name: gender-guesser's long list knows `Skip`)."""
    capitalised = word[:1].upper() + word[1:].lower()
    given = _common_given_names() if len(word) > 1 and word.isupper() else _given_names()
    if capitalised in given or _surname_ranks().get(capitalised, _COMMON_SURNAMES + 1) <= _COMMON_SURNAMES:
        return False
    common, _ = _webster()
    lowered = word.lower()
    return lowered in common or _inflected(lowered, common)


def capitalised_words(text: str, taken: list[Candidate]) -> list[tuple[int, int]]:
    """The words `asked_runs` asks the model about, in order (the examples the model is trained on)."""
    return [
        span for run, asked in asked_runs(text, taken) for span, ask in zip(run, asked, strict=True) if ask
    ]


def asked_runs(text: str, taken: list[Candidate]) -> list[tuple[list[tuple[int, int]], list[bool]]]:
    """The runs of capitalised words (`_runs`) with, for each word, whether the model is asked about it: a word of
    two letters or more, outside `taken` and outside placeholders (`<PERSON>`), no title (`Dr`, `Frau`) or word the
    name cues know is none (`Team`), no ordinary dictionary word that no name list knows (`Error`, `Limit`: 2% of
    the training probes' name words, 37% of the rest), in no run that names an organisation or a place (`Tyrell
    Systems`, `Hope Street`)."""
    placeholders = [match.span() for match in _PLACEHOLDER.finditer(text)] if "<" in text else []
    blocked = TakenSpans([(start, end) for _, start, end in taken] + placeholders)
    runs = []
    for run in _runs(text):
        lowered = [text[start:end].lower() for start, end in run]
        if (
            any(word in _ORGANISATIONS_AND_PLACES for word in lowered)
            or under_a_key_of_things(text, run[0][0])
            or _LEGAL_FORM_AFTER.match(text, run[-1][1], run[-1][1] + 60)
            or _REGION_CODE_AFTER.match(text, run[-1][1], run[-1][1] + 8)
        ):
            continue
        asked = [
            _asked(text, start, end, word, blocked) for (start, end), word in zip(run, lowered, strict=True)
        ]
        if any(asked):
            runs.append((run, asked))
    return runs


def _asked(text: str, start: int, end: int, lowered: str, blocked: TakenSpans) -> bool:
    if end - start < 2 or not text[start].isupper() or lowered in _NEVER_ASKED:
        return False
    # Part of an id (`DE89370400…`, `build_Alpha`), a short code in capitals (`DE`, `SIM`), or taken already.
    if _glued(text, start, end) or (end - start <= 3 and lowered.upper() == text[start:end]):
        return False
    if blocked.overlaps(start, end):
        return False
    word = text[start:end]
    return not (_ordinary_word(word) or _identifier(word) or _compound_of_words(word))


# The last hump of an identifier in CamelCase: a capital and small letters after a letter (`Py|Torch`, `SSL|Error`).
_LAST_HUMP = re.compile(r"(?<=[^\W\d_])[A-Z][a-z]+$")
# What starts a surname with a capital inside it (`McQueen`, `MacArthur`, `DeShawn`, `LaToya`, `DiNapoli`, `O'Neil`).
_NAME_PREFIXES = ("Mc", "Mac", "Fitz", "De", "Di", "Da", "Del", "Du", "La", "Le", "Van", "Von", "St", "Ten", "Ter")


@lru_cache(maxsize=32_768)
def _identifier(word: str) -> bool:
    """A code identifier in CamelCase (`PyTorch`, `InvokeModel`, `VerificationResult`): a capital after a small
    letter starts a last part that is an ordinary dictionary word, and what comes before it is no surname's prefix."""
    hump = _LAST_HUMP.search(word)
    if hump is None or word[: hump.start()] in _NAME_PREFIXES:
        return False
    return _ordinary_word(hump.group())


def _compound_of_words(word: str) -> bool:
    """A compound of ordinary words joined by hyphens, the parts after the first in lower case (`Time-out` of
    nginx's `504 Gateway Time-out` page, `Check-in`, `Follow-up`); a double name keeps its capitals (`Jean-Pierre`)
    or holds a name (`Anne-marie`)."""
    parts = word.split("-")
    return (
        len(parts) > 1
        and all(part.isalpha() for part in parts)
        and all(part.islower() for part in parts[1:])
        and all(_ordinary_word(part) for part in parts)
    )


def under_a_key_of_things(text: str, start: int, keys: frozenset[str] = _KEYS_OF_THINGS) -> bool:
    """Whether the run is the value of a key or label that names a place or a thing (`"destination": "Milan"`)."""
    position = _gap_start(text, start)
    if position == 0 or text[position - 1] not in "\"':=":
        return False
    key, _ = _word_before(text, position)
    return key.lower().replace("-", "_").rsplit("_", 1)[-1] in keys


def _glued(text: str, start: int, end: int) -> bool:
    """Whether the word is part of something longer than a word: it touches a digit or an underscore, a letter or
    digit stands right before it, or it is a segment of a path, a time zone, a dotted name or an address
    (`America/New_York`, `Polly.CircuitBreaker`, `Honza#6745`, `values/Trang%20`)."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if before.isalnum() or before in "_\\#@" or after.isdigit() or after in "_\\%#@":
        return True
    if "/" in (before, after):
        return not _airline_name(text, start, end)
    return after == "." and end + 1 < len(text) and text[end + 1].isalnum()


def _airline_name(text: str, start: int, end: int) -> bool:
    """Whether the word is a half of a name written the airlines' way, in capitals (`VARGA/MARIA`)."""
    if not text[start:end].isupper():
        return False
    if end < len(text) - 1 and text[end] == "/":
        return text[end + 1].isupper()
    return start > 1 and text[start - 1] == "/" and text[start - 2].isupper()


def _runs(text: str) -> list[list[tuple[int, int]]]:
    """The runs of words that may make one name or one place: capitalised words with only spaces or tabs between
    them, and up to two lower-case particles of names (`Escola Machado de Assis`)."""
    runs: list[list[tuple[int, int]]] = []
    previous_end = -1
    for match in _CAPITALISED.finditer(text):
        start, end = match.span()
        gap = _GAP.fullmatch(text, previous_end, start) if runs and start > previous_end else None
        if gap is None:
            runs.append([(start, end)])
        else:
            runs[-1] += [particle.span() for particle in _WORD.finditer(text, previous_end, start)]
            runs[-1].append((start, end))
        previous_end = end
    return runs


def word_positions(text: str) -> dict[str, list[int]]:
    """Where each capitalised word of `text` starts, in order, read once per text (whether the word asked about
    recurs nearby is one of its features; one pass, not a scan of the text per word)."""
    positions: dict[str, list[int]] = defaultdict(list)
    for match in _CAPITALISED.finditer(text):
        positions[match.group()].append(match.start())
    return positions


# How near another mention must stand for a word to recur: about a short message's length. A name recurs within a
# message; in a long document every capitalised word recurs somewhere (a heading, a product, a German noun), and the
# training probes' texts are short, so "anywhere in the text" taught the model a signal that long texts do not keep.
_NEAR = 600


def _recurs_near(positions: list[int], start: int) -> bool:
    index = bisect_left(positions, start)
    before = index > 0 and start - positions[index - 1] <= _NEAR
    after = index + 1 < len(positions) and positions[index + 1] - start <= _NEAR
    return before or after


def word_features(text: str, start: int, end: int, counts: dict[str, list[int]]) -> list[str]:
    """The features of the word `text[start:end]`, given the text's `word_positions` (the same function trains the
    model and applies it)."""
    return [*_own_features(text[start:end]), *context_features(text, start, end, counts)]


def context_features(text: str, start: int, end: int, counts: dict[str, list[int]]) -> list[str]:
    """The features of the words and marks around `text[start:end]` and of whether it recurs nearby."""
    word = text[start:end]
    features = [f"run={min(_run_before(text, start), 3)},{min(_run_after(text, end), 4)}"]
    if _COMPANY_AFTER.match(text, end, end + 30):
        features.append("n_corp")
    if (start > 0 and text[start - 1].isdigit()) or _NUMBER_BEFORE.search(text[max(0, start - 4) : start]):
        features.append("pdigit")
    if _opens_sentence(text, start):
        features.append("sstart")
    gap_start = _gap_start(text, start)
    before, separator_before = _word_before(text, gap_start)
    after, separator_after = _word_after(text, end)
    features += [
        f"psep={separator_before}",
        f"nsep={separator_after}",
        f"pw={before.lower()}",
        f"nw={after.lower()}",
        f"pw_nw={before.lower()}|{after.lower()}",
    ]
    if before:
        features.append(f"pshape={_shape(before)}")
        features += _lexical(before, "p_")
    if after:
        features.append(f"nshape={_shape(after)}")
        features += _lexical(after, "n_")
    if _recurs_near(counts.get(word, []), start):
        features.append("repeat")
    return features


@lru_cache(maxsize=32_768)
def _own_features(word: str) -> tuple[str, ...]:
    """The features of the word alone (its ending, shape, length and what the lists know of it), remembered:
    the same words recur across texts."""
    common, _ = _webster()
    features = [
        f"suf3={word[-3:].lower()}",
        f"suf2={word[-2:].lower()}",
        f"shape={_shape(word)}",
        f"len={min(len(word), 12)}",
        *_lexical(word, ""),
    ]
    if word.lower() in common:
        features.append(f"dw={word.lower()}")
    elif _inflected(word.lower(), common):
        features.append("inflected")
    return tuple(features)


def _shape(word: str) -> str:
    if word.isupper():
        return "XX" if len(word) > 1 else "X"
    return "Xx" if word[0].isupper() else "x"


@lru_cache(maxsize=32_768)
def _lexical(word: str, prefix: str) -> tuple[str, ...]:
    """What the name lists and the dictionary know of `word`, and whether it is written outside ASCII."""
    found = []
    lowered = word.lower()
    capitalised = word[:1].upper() + word[1:].lower()
    common, proper = _webster()
    if capitalised in _given_names():
        found.append(prefix + "given")
    if capitalised in _common_given_names():
        found.append(prefix + "cgiven")
    rank = _surname_ranks().get(capitalised)
    if rank:
        found.append(f"{prefix}sur{min(4, len(str(rank)))}")  # the rank's order of magnitude
    if lowered in common:
        found.append(prefix + "dict")
    if capitalised in proper:
        found.append(prefix + "proper")
    if not word.isascii():
        found.append(prefix + "nonascii")
    return tuple(found)


def _inflected(lowered: str, common: frozenset[str]) -> bool:
    """Whether the word is a dictionary word with an English ending Webster's list does not spell out
    (`discovering`, `shipped`, `boxes`)."""
    if lowered.endswith("ies") and lowered[:-3] + "y" in common:
        return True
    for ending in _ENDINGS:
        if lowered.endswith(ending) and len(lowered) > len(ending) + 2:
            stem = lowered[: -len(ending)]
            if stem in common or stem + "e" in common or (stem[-1:] == stem[-2:-1] and stem[:-1] in common):
                return True
    return False


# The census's surnames down to this rank are names first; below it many are words too (`Mix`, `Sale`, `Mode`).
_COMMON_SURNAMES = 5_000
_ENDINGS = ("ing", "ed", "es", "s", "ly", "ers", "er", "ment", "ness", "ions", "ion")


def _gap_start(text: str, start: int) -> int:
    """Where the spaces or tabs before `start` begin."""
    position = start
    while position > 0 and text[position - 1] in " \t":
        position -= 1
    return position


def _word_before(text: str, position: int) -> tuple[str, str]:
    """The word before `position` (a `_gap_start`) and the character just before it (`^` at the text's start)."""
    separator = text[position - 1] if position > 0 else "^"
    match = _WORD_BEFORE.search(text[max(0, position - _CONTEXT) : position])
    return (match.group(1) if match else ""), separator


def _word_after(text: str, end: int) -> tuple[str, str]:
    """The word after `end` and the character just after the gap (`$` at the text's end)."""
    position = end
    while position < len(text) and text[position] in " \t":
        position += 1
    separator = text[position] if position < len(text) else "$"
    match = _WORD_AFTER.match(text[position : position + _CONTEXT])
    return (match.group(1) if match else ""), separator


def _run_after(text: str, end: int) -> int:
    """How many capitalised words the run starting with this word holds (at most 5 are counted)."""
    run, position = 1, end
    while run <= 4:
        match = _NEXT_IN_RUN.match(text, position)
        if not match:
            break
        run, position = run + 1, match.end()
    return run


def _run_before(text: str, start: int) -> int:
    """How many capitalised words stand just before this one (at most 4 are counted)."""
    count, position = 0, start
    while count < 4:
        match = _PREVIOUS_IN_RUN.search(text, max(0, position - _CONTEXT), position)
        if not match:
            break
        count, position = count + 1, match.start()
    return count


def _joined(text: str, spans: list[tuple[int, int]]) -> list[Candidate]:
    """Chosen words next to each other (only spaces or tabs between them) as one name."""
    joined: list[list[int]] = []
    for start, end in spans:
        if joined and not text[joined[-1][1] : start].strip(" \t"):
            joined[-1][1] = end
        else:
            joined.append([start, end])
    return [("PERSON", start, end) for start, end in joined]
