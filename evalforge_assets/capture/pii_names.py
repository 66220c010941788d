"""Person names found from name data, not from the sentence around them. A run of two to four capitalised
words (lower-case family-name particles allowed inside: "Matheus da Luz", "Stef van Boven") is a person's
name when the words say so by themselves, wherever the run stands:

- **Led by a given name.** The first word is one of gender-guesser's ~45,000 given names from some 50
  countries, and every later word is name-like: one of the US Census's 88,799 surnames (the `names`
  package) or a word that is neither an ordinary English word nor another kind of proper noun. "Diana
  Baker", "Karen Shah", "Anuța Cristea".
- **Made of no ordinary word,** with name evidence (a known given name or surname, or letters outside
  ASCII: "Yağızkurt Öcalan") or, without any, beside an ordinary English word ("refund approved by Paiman
  Laksita at"). These weaker rules apply only to English text.

"Ordinary" is decided by Webster's Second (the english-words package), which keeps proper nouns
capitalised ("Andrew", "Paris") and common words in lower case ("baker", "hill"), so a given name is not
mistaken for a word. Every list ships inside its package; nothing is downloaded.

What keeps common phrases out:
- A given name that is also a word ("Hope", "Holly") needs a later word that is no word at all, unless it
  is one of the US Census's common given names and the run is two words ("Luke Wright", "Nancy Bell").
  The price: "Sterling Silver" is read as a name.
- An ordinary word counts as a surname only when it is a common one (US Census rank <= 10,000: "Smith",
  "Baker", "Hill"), so "Victoria Station" stays while "Trevor Hall" goes.
- No word of the run may be an organisation or place word; a run of more than four capitalised words is a
  heading; words with inner capitals ("GitHub") are products.
- German capitalises every noun, so the weaker rules need most of the text's lower-case words to be
  English. Two unknown capitalised words with no English word beside them ("Redis Timeout") stay.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

from evalforge_assets.capture.pii_patterns import _NOT_NAMES, _ORGANISATION_WORDS, Candidate
from evalforge_assets.capture.pii_shapes import CLASS_SHAPE, Shapes

# Every upper- and lower-case letter of the Latin, Greek and Cyrillic blocks, so Łukasz, Şafak, Niță, Ørsted
# and Nguyễn are words too (`re` has no Unicode case classes; scripts without case have no capitalised runs).
_CASED_BLOCKS = (range(0x41, 0x530), range(0x1E00, 0x2000))
_UPPER = "".join(chr(code) for block in _CASED_BLOCKS for code in block if chr(code).isupper())
_LOWER = "".join(chr(code) for block in _CASED_BLOCKS for code in block if chr(code).islower())
_U = f"[{re.escape(_UPPER)}]"
CAPITAL_LETTER = _U  # a character class: any capital of those scripts
_L = f"[{re.escape(_LOWER)}]"
# "Müller", "O'Connor", "McCullough", "MacLeod", "Hans-Josef"; not "GitHub" or "OpenAI".
_WORD = rf"(?:Ma?c(?={_U}))?{_U}(?:['’]{_U})?{_L}+(?:-{_U}{_L}+)?"
_PARTICLE_WORDS = "da|de|do|dos|das|van|von|der|den|ter|ten|di|del|della|du|le|la|op|zu|bin|al|y|e"
_PARTICLES = frozenset(_PARTICLE_WORDS.split("|"))
# A run may follow an `@` that starts a mention ("@Scott Hancock can you check"), not one inside an e-mail address.
# A middle initial may stand before a later word ("Christine B. Galloway"); the name cues read it the same way.
MIDDLE_INITIAL = re.compile(rf"{_U}\.")
_RUN = re.compile(
    rf"(?<![\w.#/\\-])(?<!\w@){_WORD}(?:[ \t]+(?:(?:{_PARTICLE_WORDS})[ \t]+)*(?:{_U}\.[ \t]+)?{_WORD}){{1,5}}(?![\w@])"
)
MOST_WORDS = 4
# An ordinary English word counts as a surname only when this many surnames or fewer are more common.
COMMON_SURNAME_RANK = 10_000
# Where an ordinary word must be a surname on its own evidence (lower case, a citation's lone author: `james young`,
# `Smith (2019)`), only the commonest count.
VERY_COMMON_SURNAME_RANK = 1_000

# Given names that are also everyday words in the text Evalforge stores (status words, UI labels, months,
# product words); as the first word of a run they start a phrase far more often than a name.
_EVERYDAY = frozenset(
    ["will", "mark", "max", "may", "june", "april", "august", "summer", "autumn", "winter", "spring", "rose", "joy", "faith", "page", "art", "star", "ruby", "amber", "jade", "crystal", "pearl", "coral", "ivy", "lily", "daisy", "iris", "violet", "hazel", "sunny", "storm", "rain", "angel", "honey", "candy", "cash", "chance", "early", "easter", "forest", "golden", "happy", "harmony", "justice", "king", "major", "mercy", "noble", "patience", "price", "royal", "sage", "stone", "strong", "true", "trust", "young", "content", "lucky", "case", "else", "ever", "job", "penny",
     # German words at the start of a sentence that gender-guesser also lists as given names ("Meine Bestellung").
     "meine", "mein", "eine", "bitte", "alle"]
)
# Words that make a run a place or a venue ("Hope Street Cafe", "Victoria Station"); the address finder
# handles addresses.
_PLACE_WORDS = frozenset(
    [
        "street", "st", "station", "cafe", "café", "road", "avenue", "ave", "boulevard", "lane", "square", "plaza",
        "airport", "harbour", "harbor", "market", "mall", "restaurant", "bar", "pub", "bridge", "tower", "gardens",
        "garden", "park", "terrace", "mill", "farm", "ranch",
    ]
)
# Share of a text's lower-case words that must be English words for the weaker rules to apply: German
# capitalises every noun, and two unknown capitalised words in a German sentence are nouns, not a name.
ENGLISH_SHARE = 0.6
_PUNCTUATION = "\"'`.,;:!?()[]{}<>"
# A necessary condition of `_RUN`, far cheaper than its scan (which tries a lookbehind at every position):
# every run holds a capitalised word whose last letters are lower case ("Diana", the "Leod" of "MacLeod"),
# then spaces or tabs, any lower-case particles each followed by spaces or tabs, then a capital. ASCII text is
# asked on its view of character classes (`Shapes.classes`: upper "A", lower "a", space or tab " "); other text
# with the same condition in letters of its own (the last letter before the gap is lower case, the next capital).
_CASE_GAP = re.compile(rb"Aa+ +(?:a+ +)*A")
_WIDE_GAP = re.compile(rf"{_L}[ \t]+{_U}")
_LAST_WORD = re.compile(r"(?:^|[^\w])([a-z]+)[ \t]+$")
_FIRST_WORD = re.compile(r"[ \t]*[,:;]?[ \t]+([a-z]+)\b")
_WORD_WINDOW = 80


@cache
def _given_names() -> frozenset[str]:
    """The given names of gender-guesser's list, as written (case-sensitive), loaded on first use."""
    from gender_guesser.detector import Detector

    return frozenset(name for name in Detector(case_sensitive=True).names if len(name) > 1)


@cache
def _surname_ranks() -> dict[str, int]:
    """US Census 1990 surnames (the `names` package's `dist.all.last`), capitalised, with their rank."""
    ranks: dict[str, int] = {}
    lines = resources.files("names").joinpath("dist.all.last").read_text(encoding="ascii").splitlines()
    for rank, line in enumerate(lines, start=1):
        if line.strip():
            ranks[line.split()[0].capitalize()] = rank
    return ranks


@cache
def _common_given_names() -> frozenset[str]:
    """The US Census 1990 given names (the `names` package), capitalised: names common enough that a
    given name which is also a word ("Luke", "Nancy", "Heather") is read as a name before a surname."""
    return frozenset(given_name_ranks())


@cache
def given_name_ranks() -> dict[str, int]:
    """The US Census 1990 given names (the `names` package), capitalised, with their rank among the women's or
    the men's names, whichever is higher."""
    ranks: dict[str, int] = {}
    for table in ("dist.female.first", "dist.male.first"):
        lines = resources.files("names").joinpath(table).read_text(encoding="ascii").splitlines()
        for rank, line in enumerate((line for line in lines if line.strip()), start=1):
            name = line.split()[0].capitalize()
            ranks[name] = min(rank, ranks.get(name, rank))
    return ranks


# Georgian's Mkhedruli letters have capitals in Unicode (Mtavruli), which its writing uses only for whole words in
# capitals: a name is written in them as every word is (`ნატო თოლორდავა`).
_MKHEDRULI = ("\u10d0", "\u10ff")


def capitalised_or_caseless(word: str) -> bool:
    """A word written as a name is: a capital first, or a script without case (`राजीव`, `שושנה`, `太郎`, `ნატო`),
    whose every word is as written."""
    return word[0].isupper() or word.lower() == word.upper() or _MKHEDRULI[0] <= word[0] <= _MKHEDRULI[1]


@cache
def _webster() -> tuple[frozenset[str], frozenset[str]]:
    """Webster's Second as (ordinary words in lower case, proper nouns as written)."""
    from english_words import get_english_words_set

    words = get_english_words_set(["web2"], lower=False, alpha=True)
    return (
        frozenset(word for word in words if word[0].islower()),
        frozenset(word for word in words if word[0].isupper()),
    )


@cache
def stop_words() -> frozenset[str]:
    """The stop words of stopwords-iso's 58 languages, in lower case: `una`, `esta`, `ini`, `ile` are gender-guesser's
    given names too, and typed in lower case they are far more often the word."""
    import stopwordsiso

    return frozenset(stopwordsiso.stopwords(stopwordsiso.langs()))


def _ordinary(word: str) -> bool:
    lowered = word.lower()
    common, _ = _webster()
    return (
        lowered in common
        or (lowered.endswith("s") and lowered[:-1] in common)
        or lowered in _EVERYDAY
        or lowered in _NOT_NAMES
    )


# The shortest stem an -ing form is read back to: `Gading`, `Ming` and `Sterling` are names, not `gad` + ing.
_SHORTEST_ING_STEM = 4


def an_inflected_word(word: str) -> bool:
    """Whether `word` is the past tense or the -ing form of an ordinary word (`Upgraded`, `Bumped`, `Copied`,
    `Retrying`): Webster's Second lists a verb by its stem alone, so the weaker rules read these as no words."""
    lowered = word.lower()
    common, _ = _webster()
    if lowered in common or not lowered.isalpha():
        return False
    stems: list[str] = []
    if lowered.endswith("ied"):
        stems.append(lowered[:-3] + "y")
    if lowered.endswith("ed"):
        stems += [lowered[:-2], lowered[:-1]]
        if len(lowered) > 4 and lowered[-3] == lowered[-4]:  # a doubled last consonant: `bumped`, `stopped`
            stems.append(lowered[:-3])
    if lowered.endswith("ing") and len(lowered) >= _SHORTEST_ING_STEM + 3:
        stems += [lowered[:-3], lowered[:-3] + "e"]
        if lowered[-4] == lowered[-5]:
            stems.append(lowered[:-4])
    return any(len(stem) >= 3 and stem in common for stem in stems)


def _surname(word: str, ordinary: bool) -> bool:
    rank = _surname_ranks().get(word.capitalize())
    return rank is not None and (not ordinary or rank <= COMMON_SURNAME_RANK)


def _name_like(word: str) -> bool:
    """A surname, or a word that is neither an ordinary word nor another kind of proper noun."""
    ordinary = _ordinary(word)
    if _surname(word, ordinary):
        return True
    _, proper = _webster()
    return not ordinary and (word not in proper or word in _given_names())


def known_given_name(word: str) -> bool:
    """One of gender-guesser's given names, or given names joined by a hyphen ("Hans-Jürgen", "Capucine-Nathalie":
    the list holds some such pairs, not every one)."""
    given = _given_names()
    return word in given or ("-" in word and all(part in given for part in word.split("-")))


def _is_name(words: list[str]) -> bool | None:
    """True for a name by the given-name rule, None for a name by a weaker rule, False for no name."""
    first, rest = words[0], words[1:]
    if known_given_name(first) and first.lower() not in _EVERYDAY and all(_name_like(word) for word in rest):
        if not _ordinary(first) or any(not _ordinary(word) for word in rest):
            return True
        # "Luke Wright", "Nancy Bell": a common given name and a common surname, both also words. Longer runs
        # of words ("Holly Berry Mix") are product names far more often.
        if len(words) == 2 and first in _common_given_names():
            return True
    if any(_ordinary(word) for word in words):
        return False
    return None


def plain_words(words: list[str]) -> bool:
    """Whether `words` read as ordinary English words rather than a name: every word is one, and the first is
    no given name ("Auto Resolver", not "Will Smith")."""
    return words[0] not in _given_names() and all(_ordinary(word) for word in words)


def _name_evidence(words: list[str]) -> bool:
    """A known given name or surname, or letters outside ASCII, among words that are no ordinary words."""
    given, surnames = _given_names(), _surname_ranks()
    return any(word in given or word.capitalize() in surnames or not word.isascii() for word in words)


def _beside_english_word(text: str, start: int, end: int) -> bool:
    """Whether the word just before or just after text[start:end] is an ordinary lower-case English word."""
    # The search looks back a bounded window: from the text's start, a text of thousands of capitalised runs took
    # time quadratic in its length. A dictionary word is far shorter than the window.
    before = _LAST_WORD.search(text, max(0, start - _WORD_WINDOW), start)
    after = _FIRST_WORD.match(text, end)
    common, _ = _webster()
    return any(found is not None and found.group(1) in common for found in (before, after))


def _leading_phrase_words(words: list[str]) -> int:
    """How many leading words belong to the sentence, not the name: "Dear", "Yesterday", "Thanks"."""
    count = 0
    while count < len(words) and (words[count].lower() in _NOT_NAMES or (
        _ordinary(words[count]) and words[count] not in _given_names()
    )):
        count += 1
    return count


def _english_text(text: str) -> bool:
    """Whether most of the text's lower-case words are English words (true when it has none)."""
    # Whole words only: the letters inside a hash or an id ("a14f88d7") are no words of any language.
    words = (token.strip(_PUNCTUATION) for token in text.split())
    lower_case = [word for word in words if len(word) > 1 and word.isalpha() and word.islower()]
    common, _ = _webster()
    return sum(word in common for word in lower_case) >= ENGLISH_SHARE * len(lower_case)


def may_hold_run(text: str, shapes: Shapes | None = None) -> bool:
    """Whether `_RUN` can match in `text` (a necessary condition only, see `_CASE_GAP`)."""
    if not text.isascii():
        return _WIDE_GAP.search(text) is not None
    view = shapes.classes if shapes is not None else text.encode("ascii").translate(CLASS_SHAPE)
    if b"  " not in view and b"a A" not in view:
        return False  # single spaces only: the gap of every run reads "a A" in the view
    return _CASE_GAP.search(view) is not None


def load_name_data() -> None:
    """Load every name list now (about a second of CPU), not inside the first scan that meets a run of
    capitalised words: a long-running process (a Dagster run, the API) pays it once either way."""
    for load in (_given_names, _surname_ranks, _common_given_names, _webster, stop_words):
        load()


def find_full_names(text: str, shapes: Shapes | None = None) -> Iterator[Candidate]:
    if not may_hold_run(text, shapes):
        return
    english: bool | None = None
    for match in _RUN.finditer(text):
        words = match.group().split()
        skip = _leading_phrase_words(words)
        start = match.start()
        for word in words[:skip]:
            start = text.index(word, start) + len(word)
        words = words[skip:]
        while words and words[-1] in _PARTICLES:
            words.pop()
        names = [word for word in words if word not in _PARTICLES and not MIDDLE_INITIAL.fullmatch(word)]
        if not 2 <= len(names) <= MOST_WORDS:
            continue
        lowered = {word.lower() for word in names}
        if lowered & (_ORGANISATION_WORDS | _PLACE_WORDS | _NOT_NAMES):
            continue
        verdict = _is_name(names)
        start = text.index(words[0], start)
        end = text.index(words[-1], start) + len(words[-1])
        if start > 0 and text[start - 1] == "@":
            # A mention names a person or a handle: unknown words are a name, and so is a run led by a known
            # given name whatever follows it ("@Ewa Asp"); "@Override Public" is neither.
            verdict = verdict is not False or names[0] in _given_names()
        elif verdict is None:
            if english is None:
                english = _english_text(text)
            verdict = english and (_name_evidence(names) or _beside_english_word(text, start, end))
        if verdict:
            yield "PERSON", start, end
