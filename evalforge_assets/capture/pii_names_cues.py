"""Person names marked by the words around them, in the languages LLM applications are written to.

`pii_names` finds capitalised runs that name data vouches for, and `pii_finders` reads English cues ("Dear X,",
"my name is X", "Mr. X"). What both miss is the name whose only evidence is the sentence around it in another
language, or written in capitals or lower case, or in a script without capitals:

- **Cues in other languages:** greetings and thanks (`Bonjour,`, `Tack, Folke!`, `Dziękuję, Roksana!`), sign-offs
  with the name on the next line (`Cordialement,\nROBERT GROS-RIVIÈRE`), titles (`Herr`, `Mme`, `Sra.`, `pani`),
  introductions (`je suis yves ménard`, `меня зовут Сергеев Кирилл`, `sono benedetto bottigliero`) and labels
  (`Nome:`, `Имя:`, `Attendees:`). After a cue, a name is one to four words of one case style (capitalised,
  ALL CAPS or lower case). A capitalised name after a strong cue (a title, an introduction, a label) needs only
  to be no ordinary word; a name in capitals or lower case, or one word after a greeting or thanks, needs name
  data: a known given name (gender-guesser) or surname (US Census), or, outside ASCII, a word of a cased
  non-Latin script (Cyrillic, Greek), which name lists do not hold.
- **Full names in capitals without a cue** (`Called back JULIE DIAZ`) when, written as a title, they pass the
  given-name rule of `pii_names`.
- **Names in scripts without capitals** marked by the honorific or label their language puts beside a name:
  Japanese `様`, `さん`, `殿` and `氏名:`; Korean `님`, `씨`, `입니다` and `예금주:` after a common family name; Chinese
  `姓名:`, `户名:` and `我是`, with a common family name; Hindi `श्री`, `नाम:` and `मैं ... हूँ`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from evalforge_assets.capture.pii_names import (
    _EVERYDAY,
    _LOWER,
    _PLACE_WORDS,
    _U,
    _UPPER,
    MIDDLE_INITIAL,
    _common_given_names,
    _given_names,
    _is_name,
    _ordinary,
    _surname_ranks,
    _webster,
    stop_words,
)
from evalforge_assets.capture.pii_names_cjk import (
    CHINESE_FAMILY_NAMES,
    KOREAN_FAMILY_NAMES,
    ROLES_AND_RELATIVES,
)
from evalforge_assets.capture.pii_names_cue_words import (
    DETERMINERS,
    GREETINGS,
    INTRODUCTIONS,
    LABELS,
    RELATIVES,
    SIGN_OFFS,
    THANKS,
    WEAK_LABELS,
)
from evalforge_assets.capture.pii_names_romanised import (
    has_family_name_ending,
    in_romanised_script,
    inflected_given_name,
    romanised_given_name,
)
from evalforge_assets.capture.pii_patterns import (
    _NOT_NAMES,
    _ORGANISATION_WORDS,
    Candidate,
    phrase_alternation,
)
from evalforge_assets.capture.pii_shapes import Shapes, first_ascii_words

_LETTER = f"[{re.escape(_UPPER + _LOWER)}]"
# A word of a name as written in any case: "Müller", "GROS-RIVIÈRE", "d'Arcy", "yves".
_ANY_WORD = rf"{_LETTER}+(?:[-'’]{_LETTER}+)*\.?"
_PARTICLES = frozenset(["da", "de", "do", "dos", "das", "van", "von", "der", "den", "ter", "ten", "di", "del", "della", "du", "le", "la", "y", "e", "bin", "al", "zu"])
_RUN = rf"(?P<name>{_ANY_WORD}(?:[ \t]+{_ANY_WORD}){{0,4}})"

# Cues, lower case; matched case-insensitively as whole words. Phrases are written with single spaces.
# A doctor, as the Nordic languages title one before the surname ("time hos lege Rønning").
_DOCTORS = ("læge", "lege", "läkare", "lääkäri", "doktor", "лікар", "лікаря", "лікарю", "врач", "врача", "доктора")
_TITLES = (
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "herr", "frau", "mme", "mlle", "doña", "sig.ra", "sig.na",
    "dott.ssa", "pani", "mevr", "fru", "herra", "rouva", "sayın", "г-н", "г-жа", "господин", "госпожа",
    "madame", "monsieur", "mademoiselle", "señor", "señora", "señorita", "signor", "signora", "signorina", "senhor",
    "senhora", "meneer", "mevrouw", "doamna", "domnul", "doamnei", "domnului", "paní", "pán", "пан", "пані",
    "пане", "κυρία", "κύριος", "κα", "ông", "bà",
    *_DOCTORS,
)
# Titles that are also words of other languages ("lege artis"): only before a capitalised name.
_TITLES_BEFORE_CAPITALS = frozenset(_DOCTORS)
# Titles that are also words or abbreviations of other things ("Bay", "Don", "M", "Fr"): only with their full stop.
_DOTTED_TITLES = ("m", "hr", "fr", "sr", "sra", "srta", "don", "sig", "dott", "ing", "avv", "dhr", "pan", "dl", "dna", "κ",
                  "bs")
_GREETING_KINDS = {"greeting", "thanks", "sign_off"}
_CUE_KINDS = ("greeting", "thanks", "sign_off", "title", "introduction", "relative", "label", "weak_label")


# Each kind of cue, then what may stand between it and the name.
_END = r"(?![\w'’-])"  # a cue is a whole word: "hi" is not the start of "hinein"
# A line break, or one written as an escape inside a JSON string (`"body": "Best,\\nAnna"`, once or twice encoded).
_LINE_BREAK = r"(?:\r?\n|\\{1,3}n)"
# Every run of spaces here and in `_CUES` is possessive (`*+`): a name starts with a letter, so no run ever has to give
# a space back, and runs that could share a long run of spaces cost quadratic or cubic time when no name follows
# (`rider:` and 2,000 spaces took 25 s, `thanks` and 4,000 spaces 0.6 s).
_KEY_END = r"\**+[ \t]*+[\"']?[ \t]*+[:=][ \t]*+\**+[ \t]*+[\"']?[ \t]*+"
_AFTER_ESCAPE = r"(?<=\\[nrt])"  # a cue right after an escaped line break or tab in a JSON string ("\\nBest,")
_CUES = re.compile(
    rf"(?:(?<![\w.'’-])|{_AFTER_ESCAPE})(?i:"
    rf"(?P<greeting>{phrase_alternation(GREETINGS)}){_END}[ \t]*+,?[ \t]*+"
    rf"|(?P<thanks>{phrase_alternation(THANKS)}){_END}[ \t]*+[,!]?[ \t]*+(?:{_LINE_BREAK}[ \t]*+)?"
    rf"|(?P<sign_off>{phrase_alternation(SIGN_OFFS)}){_END}[ \t]*+[,!.:]?[ \t]*+(?:{_LINE_BREAK}[ \t]*+){{1,2}}"
    rf"|(?P<title>(?:{phrase_alternation(_TITLES)})\.?|(?:{phrase_alternation(_DOTTED_TITLES)})\.)[ \t]+"
    rf"|(?P<introduction>{phrase_alternation(INTRODUCTIONS)}){_END}(?:[ \t]*+[,:])?[ \t]++"
    rf"|(?-i:(?P<relative>{phrase_alternation(RELATIVES)})){_END}[ \t]+"  # in lower case, as in a sentence
    rf"|(?P<label>{phrase_alternation(LABELS)}){_END}{_KEY_END}"
    rf"|(?P<weak_label>{phrase_alternation(WEAK_LABELS)}){_END}{_KEY_END}"
    r")" + _RUN
)
# Where a cue may start, found without running `_CUES` from every position (an alternation of some 300 phrases
# costs about 150 µs per text that way): the first word of each phrase, as an ASCII word in the letter view of
# `Shapes`, or, for the phrases whose first word has other letters, by a search of those words in text that is not
# ASCII. `_CUES` is then matched at those positions only.
_ALL_CUES = (*GREETINGS, *THANKS, *SIGN_OFFS, *_TITLES, *_DOTTED_TITLES, *INTRODUCTIONS, *RELATIVES, *LABELS,
             *WEAK_LABELS)
_ASCII_FIRST_WORDS = first_ascii_words(_ALL_CUES)
_OTHER_FIRST_WORDS = re.compile(
    r"(?<![\w'’-])(?i:" + phrase_alternation(tuple(sorted({
        first for phrase in _ALL_CUES if not (first := re.split(r"[ .'-]", phrase)[0]).isascii() or not first.isalpha()
    }))) + ")"
)


# The letter view of `Shapes` reads "\\nBest" as the word "nBest": cues after an escape are looked for apart.
_ESCAPED_FIRST_WORDS = re.compile(
    _AFTER_ESCAPE + r"(?i:" + phrase_alternation(tuple(sorted(word.decode() for word in _ASCII_FIRST_WORDS))) + r")"
)


def _cue_starts(text: str, shapes: Shapes) -> list[int]:
    starts = shapes.word_positions(shapes.words & _ASCII_FIRST_WORDS)
    if not text.isascii():
        starts += [match.start() for match in _OTHER_FIRST_WORDS.finditer(text)]
    if "\\" in text:
        starts += [match.start() for match in _ESCAPED_FIRST_WORDS.finditer(text)]
    return sorted(set(starts))


# Two or more words in capitals: a full name written in capitals ("Called back JULIE DIAZ").
_CAPITALS_RUN = re.compile(rf"(?<![\w'’-]){_U}{{2,}}(?:-{_U}{{2,}})?(?:[ \t]+{_U}{{2,}}(?:-{_U}{{2,}})?){{1,3}}(?![\w'’-])")
_TWO_CAPITALS = re.compile(rf"{_U}{_U}[ \t]+{_U}{_U}")
_NON_NAME_WORDS = _NOT_NAMES | _ORGANISATION_WORDS | _PLACE_WORDS | _EVERYDAY


def _titled(word: str) -> str:
    """A word as a name is written: `GROS-RIVIÈRE` and `gros-rivière` -> `Gros-Rivière`."""
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def _style(word: str) -> str:
    letters = [c for c in word if c.isalpha()]
    if all(c.isupper() for c in letters):
        return "upper" if len(letters) > 1 else "title"
    if all(c.islower() for c in letters):
        return "lower"
    return "title" if letters[0].isupper() else "mixed"


def _known(word: str) -> bool:
    """A given name or a surname of the name lists, however it is cased."""
    titled = _titled(word.strip("'’."))
    return titled in _given_names() or titled in _surname_ranks()


def _non_latin_cased(word: str) -> bool:
    """Letters of a cased script the name lists do not hold (Cyrillic, Greek)."""
    return any("\u0370" <= c <= "\u052f" for c in word)


_TITLE_WORDS = frozenset(title.rstrip(".") for title in (*_TITLES, *_DOTTED_TITLES))


def _name_words(run: str) -> tuple[int, list[str]]:
    """How many leading words of `run` are titles, and the words after them that can be one name: one case
    style, particles allowed inside, at most four."""
    words = run.split()
    skipped = 0
    while skipped < len(words) - 1 and words[skipped].rstrip(".").lower() in _TITLE_WORDS:
        skipped += 1
    words = words[skipped:]
    style = _style(words[0]) if words else ""
    if style == "mixed":
        return skipped, []
    taken: list[str] = []
    for word in words:
        bare = word.rstrip(".")
        if taken and ((bare.lower() in _PARTICLES and word == bare) or MIDDLE_INITIAL.fullmatch(word)):
            taken.append(word)  # "van der", and a middle initial ("JACK Z. ROBERTS")
            continue
        if _style(bare) != style or bare.lower() in _NON_NAME_WORDS or len(taken) >= 5:
            break
        if taken and style == "lower" and (
                (bare in stop_words() and _titled(bare) not in _common_given_names())
                or (not _known(bare) and (bare in _cue_words() or (bare.isascii() and _a_word_not_a_name(bare))))
                or (in_romanised_script(bare) and not (romanised_given_name(bare) or has_family_name_ending(bare)
                                                         or (len(taken) == 1 and has_family_name_ending(taken[0]))))):
            # In lower case the sentence goes on in the same style: "it's nela halik she lives at …", "avisa camila
            # que …" (`Que` is a census surname, and a Spanish word), "попроси маше перезвонить"; not after a
            # family name that opens the name ("куликова милица федоровна").
            break
        taken.append(bare)
        if word != bare:  # a full stop ends the name ("... Ruiz. Order")
            break
    while taken and (taken[-1].lower() in _PARTICLES or MIDDLE_INITIAL.fullmatch(taken[-1])):
        taken.pop()
    return skipped, (taken if sum(w.lower() not in _PARTICLES for w in taken) <= 4 else [])


def _a_word_not_a_name(word: str) -> bool:
    """An ordinary word, unless it is also a common given name: Webster's Second holds "alan", "emily" and "will"
    among its 200,000 words, and after "Thanks," or "I'm" such a word is the name."""
    lowered = word.lower()
    if lowered in _EVERYDAY or lowered in _NOT_NAMES or lowered in _NON_NAME_WORDS:
        return True
    return (_ordinary(word) or _inflected(lowered)) and _titled(word) not in _common_given_names()


def _no_word(word: str) -> bool:
    """Letters that are no word of English or of the stop words of 58 languages (`kangas`, `juhász`)."""
    return len(word) >= 3 and word.isalpha() and word.lower() not in stop_words() and not _a_word_not_a_name(word)


def capitalised_non_words(words: list[str]) -> bool:
    """Words that can be a name where only their place says so (a transcript's speaker, a table's name column):
    none starts in lower case, and none in ASCII is an ordinary word (`_a_word_not_a_name`)."""
    return not any(word[0].islower() for word in words) and not any(
        _a_word_not_a_name(word) for word in words if word.isascii())


def _inflected(lowered: str) -> bool:
    """A form of an ordinary word that Webster's Second does not list on its own ("discovering", "booked")."""
    common, _ = _webster()
    for suffix in ("ing", "ed", "es"):
        if lowered.endswith(suffix) and len(lowered) > len(suffix) + 2:
            stem = lowered[: -len(suffix)]
            if stem in common or stem + "e" in common or (stem[-1] == stem[-2] and stem[:-1] in common):
                return True
    return False


# Cues after which the words are meant as someone's name: an introduction, a label, a key.
_NAMING_KINDS = frozenset(["introduction", "relative", "label", "weak_label"])
# Legal forms of Cyrillic- and Greek-script companies, written in capitals before or after the name.
_LEGAL_FORMS = frozenset(["ООО", "ОАО", "ЗАО", "АО", "ПАО", "ИП", "ТОВ", "ФОП", "ПП", "ЕООД", "ООД", "АД", "ΑΕ", "ΕΠΕ",
                          "ΙΚΕ", "ΟΕ"])


@cache
def _cue_words() -> frozenset[str]:
    """Every word of every cue phrase, in lower case."""
    return frozenset(word for phrase in _ALL_CUES for word in phrase.split())


def _accept(kind: str, words: list[str]) -> bool:
    names = [w for w in words if w.lower() not in _PARTICLES and not MIDDLE_INITIAL.fullmatch(w)]
    if not names:
        return False
    style = _style(names[0])
    given = _titled(names[0]) in _given_names()
    if style != "title":
        if names[0].lower() in _cue_words():
            return False  # "Hei, dette er Kim": a word of a cue ("dette er") is the sentence, not a name
        if kind in _NAMING_KINDS and len(names) <= 3 and all(_non_latin_cased(w) for w in names):
            # Cyrillic or Greek after "меня зовут" or a label (`Customer: ШУБИНА ПОЛИНА`), which name lists do not
            # hold; not a company's legal form (`ООО РОМАШКА`). In lower case a word of the sentence looks the same
            # (`θα είμαι εκεί`, I'll be there): the first must be a given name romanised (`меня зовут олена`) or a
            # family name before more words.
            if names[0].islower() and not inflected_given_name(names[0]) and not (
                    len(names) >= 2 and has_family_name_ending(names[0])):  # `куликова милица федоровна`
                return False
            return not any(w.upper() in _LEGAL_FORMS for w in names)
        if names[0] in DETERMINERS or (len(names) == 1 and names[0] in stop_words()
                                       and _titled(names[0]) not in _common_given_names()):
            return False  # "cliente: il contratto", "c'est mon mari", "mon mari qui": the sentence goes on
        # In capitals or lower case, the words of a sentence look the same as a name: the first must be a known
        # given name, and not an ordinary English word unless a known name or no word at all follows ("je suis
        # yves ménard" starts at "yves"; "maria gonzalez", "my mom maria wiekiera").
        if given:
            return not _ordinary(_titled(names[0])) or any(
                (_known(w) or _no_word(w)) and not _ordinary(_titled(w)) for w in names[1:])
        # Family name first (`it's juhász anna`, `bognár zsuzsanna`): after a cue that names someone, no word at
        # all, then a common given name that is no English word.
        return (kind in _NAMING_KINDS and len(names) == 2 and _no_word(names[0])
                and _titled(names[1]) in _common_given_names() and not _a_word_not_a_name(names[1]))
    if kind == "weak_label":
        # Such a key holds an organisation as often as a person: a full name led by a known given name.
        return len(names) >= 2 and _titled(names[0]) in _given_names() and not all(_ordinary(w) for w in names)
    if kind in _GREETING_KINDS:
        # One word after "Thanks," is a name only when name data says so (or it is Cyrillic or Greek); a run
        # needs one known name in it.
        if len(names) == 1:
            titled = _titled(names[0])
            return (titled in _given_names() or _non_latin_cased(names[0])) and not _a_word_not_a_name(titled)
        return any(_known(w) or _non_latin_cased(w) for w in names) and not all(_ordinary(w) for w in names)
    if kind == "relative" and (given or _known(names[0])):
        # "my son Marco", "daughter Ana": Webster's Second lists "marco" and "ana", and a known given name is meant
        # here unless it is an everyday word ("my son Will"); every later word a known name or no word at all.
        return not any(_a_word_not_a_name(w) and not _known(w) for w in names)
    if kind in ("introduction", "relative") and not (given or _non_latin_cased(names[0])):
        # "ich bin Anna Schmidt", not "ich bin Montag hier": led by a given name, or two or more capitalised words
        # whose first and last are no words ("soy Jonatan Benet Guitart": name lists miss many names of other
        # countries; Webster's Second has "benet", so a middle word may be one; "Kafka Connect" is no name).
        return len(names) >= 2 and not _a_word_not_a_name(names[0]) and not _a_word_not_a_name(names[-1])
    # A title or a label names whoever follows, unless it is plain English words.
    return not (names[0].isascii() and all(_ordinary(w) for w in names))


_CLOSING_KINDS = ("thanks", "sign_off")
# The rest of a line after a name that closes a message: a full stop or an exclamation mark at most.
_LINE_END = re.compile(rf"[ \t]*[.!]?[ \t]*(?:$|\r?\n|{_LINE_BREAK}|[\"'])")


def _ends_line(text: str, end: int) -> bool:
    return _LINE_END.match(text, end) is not None


def _closing_name(words: list[str]) -> bool:
    """Words that close a message after "Thanks," or a sign-off and end its line ("Grazie, elladio", "Merci,
    Émile", "Спасибо, мартын"): whoever signs there writes their name, in whatever case, so name data is not
    needed; one to three words, no part of them an ordinary English word ("Thanks, everyone", "Cheers, ops-bot")."""
    names = [w for w in words if w.lower() not in _PARTICLES]
    if not 1 <= len(names) <= 3 or (len(names) == 1 and (len(names[0]) < 3 or _style(names[0]) == "upper")):
        return False  # "Thanks, QA", "Cheers,\nSRE": a team's initials
    parts = [part for word in names for part in re.split(r"[-'’]", word) if part]
    return not any(_a_word_not_a_name(part) for part in parts if part.isascii())


# A one-word name addressed with an exclamation mark, then a new sentence or the end ("Tack, Nils! Jag har ...").
_VOCATIVE_END = re.compile(r"[ \t]?!(?:[ \t]+[^\W\d_]|[ \t]*(?:$|\r?\n|\\{1,3}n|[\"']))")


def _vocative(words: list[str]) -> bool:
    """Capitalised words addressed after a greeting or thanks with "!": one word that is a known given name even
    where it is also a word ("nils", Webster's Second's plural of "nil") or of three letters or more and no
    ordinary word ("Teşekkürler Safinaz!"); two or three words none of which is an ordinary word."""
    if not 1 <= len(words) <= 3 or any(_style(word) != "title" or word.lower() in _NON_NAME_WORDS for word in words):
        return False
    if len(words) > 1:  # "Merci, Geneviève-Chantal Bélisle !": no word of it an ordinary one
        return not any(_a_word_not_a_name(part) for word in words for part in word.split("-") if part.isascii())
    word = words[0]
    return _titled(word) in _given_names() or (len(word) >= 3 and not _a_word_not_a_name(word))


# The initial an app writes for a family name (`rider: Sarah S.`, `Customer: Sten v.`).
_INITIAL_AFTER = re.compile(r"[ \t]+[^\W\d_]\.(?![\w.])")


def _abbreviated_name(word: str) -> bool:
    """A given name before a family name's initial: after a label that may hold a firm, the initial says a person."""
    return _titled(word) in _given_names() and not _a_word_not_a_name(word)


def _cued_names(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """Names after cues. A cue followed by titles ("Called back Hr. Wagner") or by no name leaves what follows to
    the cues inside it ("Bonjour, je suis ..."), which are tried at their own starts."""
    reached = 0
    for position in _cue_starts(text, shapes):
        if position < reached:
            continue
        match = _CUES.match(text, position)
        if match is None:
            continue
        kind = next(k for k in _CUE_KINDS if match.group(k) is not None)
        skipped, name = _name_words(match.group("name"))
        if skipped or not name or (kind == "title" and _style(name[0]) != "title"
                                   and match.group("title").strip().lower() in _TITLES_BEFORE_CAPITALS) or (
                kind == "introduction" and match.group(kind).lower() == "im"  # German "in the": "im Vertrieb"
                and _titled(name[0]) not in _given_names()):
            continue
        start = match.start("name")
        end = text.index(name[-1], start) + len(name[-1])
        initial = _INITIAL_AFTER.match(text, end) if kind == "weak_label" and len(name) == 1 else None
        if initial is not None and _abbreviated_name(name[0]):
            end = initial.end()
        elif not (_accept(kind, name) or (kind in _CLOSING_KINDS and _ends_line(text, end) and _closing_name(name))
                  or (kind in _GREETING_KINDS and _VOCATIVE_END.match(text, end) and _vocative(name))):
            continue
        yield "PERSON", start, end
        reached = end


def _capital_names(text: str) -> Iterator[Candidate]:
    for match in _CAPITALS_RUN.finditer(text):
        words = [_titled(word) for word in match.group().split()]
        if {w.lower() for w in words} & _NON_NAME_WORDS:
            continue
        if _is_name(words) is True:
            yield "PERSON", match.start(), match.end()


# Scripts without capitals: the honorific or label their language writes beside a name.
_HAN = "\u3005\u4e00-\u9fff"
_KANA = "\u3040-\u309f\u30a0-\u30ff"
_HANGUL = "\uac00-\ud7a3"
_DEVANAGARI = "\u0900-\u0963\u0966-\u097f"  # without the danda (।), which ends a sentence
# A label's colon, in a Markdown list perhaps in bold (`- **氏名:** 清水 聡太郎`).
_LABEL_COLON = r"\**[ \t]*[:：][ \t]*\**[ \t]*"
_JAPANESE_NAME = rf"[{_HAN}]{{1,3}}[ \u3000]?[{_HAN}{_KANA}]{{1,4}}"
_JAPANESE = re.compile(
    rf"(?P<name>{_JAPANESE_NAME})(?=様|さん|殿)"
    rf"|(?:氏名|お名前|名前|担当者?|宛名|契約者|申込者|署名|口座名義|名義人?){_LABEL_COLON}(?P<labelled>{_JAPANESE_NAME})"
    rf"|(?:こんにちは|はじめまして)[、,][ \t]*(?P<introduced>{_JAPANESE_NAME})(?=です|と申します)"
    # A message that opens with its writer's name, family and given name apart ("清水 裕美子です。").
    rf"|(?:^|(?<=\n))[ \t]*(?P<opening>[{_HAN}]{{1,3}}[ \u3000][{_HAN}{_KANA}]{{1,4}})(?=です|と申します)"
    # A name that closes a message on its own line after the closing formula ("よろしくお願いします。松本裕太").
    rf"|(?:よろしくお願い(?:いた)?します|ありがとうございま(?:す|した))[。、]?[ \t\u3000]*(?:\r?\n[ \t]*)?"
    rf"(?P<signed>{_JAPANESE_NAME})(?<![課部室係社店局所院])(?=[ \t\u3000]*(?:$|\r?\n))"  # not a department
)
_KOREAN = re.compile(
    rf"(?<![{_HANGUL}])(?P<name>[{_HANGUL}]{{2,4}})(?=[ \t]?(?:고객님|님|씨|입니다|이에요|예요|드림|올림))"
    # A closing, then the writer's name alone on the next line ("좋은 하루 되세요.\n이은주").
    rf"|(?:좋은[ \t]하루[ \t]되세요|감사합니다|고맙습니다)[.!]?[ \t]*\r?\n[ \t]*(?P<signed>[{_HANGUL}]{{2,4}})(?=[ \t]*(?:$|\r?\n))"
    rf"|(?:이름|성명|예금주|고객명|담당자|수신인|받는[ \t]?분)\**[ \t]*[:：]?[ \t]*\**[ \t]*(?P<labelled>[{_HANGUL}]{{2,4}})(?![{_HANGUL}])"
    # Roles a form labels a person by (customer, recipient, sender, orderer, patient, driver): only before a colon.
    rf"|(?<![{_HANGUL}])(?:고객|수령인|수령자|수취인|받는[ \t]?사람|보내는[ \t]?(?:분|사람)|발송인|주문자|신청자|예약자|예약자명"
    rf"|환자|환자명|기사|배송[ \t]?기사|직원|상담원){_LABEL_COLON}(?P<role>[{_HANGUL}]{{2,4}})(?![{_HANGUL}])"
)
# Who a Chinese message greets when it greets no one by name: customer, user, member, everyone, teacher, friend.
_GREETED_ROLES = ("客户", "客戶", "用户", "用戶", "会员", "會員", "顾客", "顧客", "各位", "大家", "老师", "老師", "同学",
                  "同學", "朋友", "亲爱的", "親愛的", "家长", "家長", "您")
_CHINESE = re.compile(
    rf"(?:姓名|户名|戶名|开户名|開戶名|账户名|帳戶名|联系人|聯絡人|收件人|收货人|收貨人|客户|客戶|持卡人|患者|签名|簽名)"
    rf"{_LABEL_COLON}(?P<labelled>[{_HAN}]{{2,4}})(?![{_HAN}])"
    rf"|(?:我是|我叫|您好[,，、]?|你好[,，、]?|谢谢您?[,，、!！]?|謝謝您?[,，、!！]?|已回电|已回電|回电给|回電給)"
    rf"(?P<name>[{_HAN}]{{2,3}})(?![{_HAN}])"
    # A title written after the name: 先生 (Mr), 女士 (Ms), 小姐 (Miss); the run must start with a family name.
    rf"|(?P<titled>[{''.join(sorted(CHINESE_FAMILY_NAMES))}][{_HAN}]{{1,2}}?)(?=先生|女士|小姐)"
    # A given name greeted at a message's start ("美雲您好，您的訂單…"), unless it is a role (`客户您好`).
    rf"|(?:^|(?<=[\n。!?,]))[ \t]*(?!{'|'.join(_GREETED_ROLES)})(?P<greeted>[{_HAN}]{{2,3}})(?=您好|你好)"
)
_HINDI_ROLES = ("ग्राहक", "महोदय", "महोदया", "उपयोगकर्ता", "सदस्य", "मित्र", "मित्रों", "टीम", "साथी", "साथियों", "सर", "मैडम")
_HINDI_NAME = rf"[{_DEVANAGARI}]+(?:[ \t]+[{_DEVANAGARI}]+){{0,2}}"
_HINDI = re.compile(
    # A title, or the "Respected"/"Dear" that opens a letter ("आदरणीय अनिला छेत्री जी,"), not before a role ("प्रिय
    # ग्राहक", dear customer).
    rf"(?:(?:श्रीमती|श्री|सुश्री|डॉ\.?)[ \t]+|(?:आदरणीय|प्रिय)[ \t]+(?!{'|'.join(_HINDI_ROLES)}))"
    rf"(?P<name>[{_DEVANAGARI}]+(?:[ \t]+[{_DEVANAGARI}]+)?)"
    rf"|(?:नाम|पूरा नाम|संपर्क व्यक्ति|ग्राहक|खाताधारक|खाता धारक|प्राप्तकर्ता|प्रेषक|भेजने वाला|मरीज़|मरीज|रोगी|चालक|ड्राइवर"
    rf"|कर्मचारी|एजेंट|आवेदक|यात्री|अतिथि){_LABEL_COLON}(?:(?:श्रीमती|श्री|सुश्री|डॉ\.?)[ \t]+)?"
    rf"(?P<labelled>{_HINDI_NAME})"
    rf"|मैं[ \t]+(?P<introduced>[{_DEVANAGARI}]+(?:[ \t]+[{_DEVANAGARI}]+)?)[ \t]+(?:हूँ|हूं)"
    # Thanks or a sign-off, then a name that ends the line ("धन्यवाद, सरल", "शुभकामनाओं सहित,\nनीरव जेटली").
    rf"|(?:धन्यवाद|सादर|शुभकामनाओं सहित|आभार सहित)[ \t]*[,،]?[ \t]*(?:\r?\n[ \t]*)?"
    rf"(?P<signed>{_HINDI_NAME})(?=[ \t]*[।.!]?[ \t]*(?:$|\r?\n))"
    # Thanks, then a name addressed with "!" and the sentence going on ("धन्यवाद, शिव! मैंने ...").
    rf"|(?:धन्यवाद|शुक्रिया)[ \t]*,[ \t]*(?P<thanked>[{_DEVANAGARI}]+(?:[ \t]+[{_DEVANAGARI}]+)?)(?=[ \t]*!)"
    # A greeting, then a name addressed with the honorific "जी", a comma or "!" ("नमस्ते राहुल जी,", "हैलो प्रिया!").
    rf"|(?:नमस्ते|नमस्कार|प्रणाम|हैलो|हेलो|हाय)[ \t]*,?[ \t]+(?!(?:{'|'.join(_HINDI_ROLES)}|जी)(?![{_DEVANAGARI}]))"
    rf"(?P<greeted>[{_DEVANAGARI}]+(?:[ \t]+[{_DEVANAGARI}]+)?)(?=[ \t]*(?:जी(?![{_DEVANAGARI}])|[,!।]))"
)
_HINDI_WORDS_AFTER = frozenset(["को", "से", "का", "की", "के", "ने", "हूँ", "हूं", "है", "जी"])


def _script_names(text: str) -> Iterator[Candidate]:
    if any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in text):
        for match in _JAPANESE.finditer(text):
            group = match.lastgroup or "name"
            yield "PERSON", match.start(group), match.end(group)
        for match in _CHINESE.finditer(text):
            group = match.lastgroup or "name"
            if group == "name" and match.group(group)[0] not in CHINESE_FAMILY_NAMES:
                continue  # after a greeting, only a run led by a family name ("您好,陈伟")
            yield "PERSON", match.start(group), match.end(group)
    if any("\uac00" <= c <= "\ud7a3" for c in text):
        for match in _KOREAN.finditer(text):
            group = match.lastgroup or "name"
            name = match.group(group)
            if group in ("name", "signed", "role") and (name[0] not in KOREAN_FAMILY_NAMES or len(name) > 3):
                continue  # before 님 or 씨, a name of a common family name and one or two syllables
            if name in ROLES_AND_RELATIVES:
                continue  # `고객님`, `사장님`: "dear customer", "boss"
            yield "PERSON", match.start(group), match.end(group)
    if any("\u0900" <= c <= "\u097f" for c in text):
        for match in _HINDI.finditer(text):
            group = match.lastgroup or "name"
            words = match.group(group).split()
            while words and words[-1] in _HINDI_WORDS_AFTER:
                words.pop()
            if words:
                start = match.start(group)
                yield "PERSON", start, text.index(words[-1], start) + len(words[-1])


def find_cued_names(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """Names after cues of many languages, full names in capitals, and names in scripts without capitals."""
    if not text.isascii() or not shapes.words.isdisjoint(_ASCII_FIRST_WORDS) or "\\" in text:
        yield from _cued_names(text, shapes)
    if _TWO_CAPITALS.search(text):
        yield from _capital_names(text)
    if not text.isascii():
        yield from _script_names(text)
