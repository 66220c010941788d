"""Names after a label that the cue finder's tests leave, asked after the learned look (as a rule among the cues
they moved the words the person model is trained on):

- **After a label that names a person** (`Organizer:`, `Tenant:`, `Author:`; `pii_names_cue_words.LABELS`):
  capitalised words led by a known given name, though Webster's Second lists every one of them (`Organizer: Ralph
  Stey`: it lists "ralph" and "stey"). `pii_names_cues` leaves a run of such words, as it must leave `Organizer:
  Marketing Team`.
- **After a key for a person's role in a ticket, a trip, a booking or a child's form** (`Assignee`, `Driver`, `Guest`,
  `Passenger`, `Cardholder`, `Patient`, `Child`), a value that fills its field alone, up to the line's end or a cell's
  or list's mark: one capitalised word that is no ordinary English word or a known given name (`Assignee: Cailin |`,
  `Driver: Svea`), such a word before a family name's initial (`Rider: Adaeze K.`), two or three words in capitals
  none of which is an ordinary word (`Guest: KITTIPONG RATTANAKUL`), or one or two words of a script without capitals
  (`Assignee: 광수 |`). `pii_names_cues` reads the keys that hold an organisation as often as a person (`Customer:
  Initech`) as weak labels and asks them for a full name led by a known given name; these keys hold a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import _ordinary, known_given_name, stop_words
from evalforge_assets.capture.pii_names_cue_words import LABELS
from evalforge_assets.capture.pii_names_cues import _NON_NAME_WORDS, _style, _titled
from evalforge_assets.capture.pii_names_scripts import UNCASED_LETTERS
from evalforge_assets.capture.pii_patterns import Candidate, phrase_alternation
from evalforge_assets.capture.pii_shapes import Shapes, first_ascii_words

_ROLE_KEYS = ("assignee", "assigned to", "driver", "rider", "passenger", "guest", "cardholder", "card holder",
              "patient", "courier", "technician",
              # a ward's or a care home's staff, as handovers list them (`Nurse in charge: Gwenda.`)
              "nurse", "nurse in charge", "charge nurse", "named nurse", "key worker", "keyworker", "carer", "midwife",
              "infirmière", "infirmier", "pflegekraft", "enfermera", "enfermero", "infermiera", "infermiere",
              "verpleegkundige",
              # the child on a nursery's, a school's or a camp's form (`Child: Emma`)
              "child", "child's name", "child name", "pupil", "student", "camper", "enfant", "niño", "niña",
              "bambino", "bambina", "criança", "dziecko", "lapsi", "çocuk", "ребёнок", "ребенок", "дитина", "dítě",
              "gyermek", "παιδί")
# Possessive runs (`*+`): a value starts with a letter, and runs that could share a long run of spaces cost quadratic
# time when none follows (`rider:` and 4,000 spaces took 0.55 s).
_COLON = r"(?![\w'’-])\**+[ \t]*+[:=][ \t]*+\**+[ \t]*+"
_WORD = r"[^\W\d_]+(?:-[^\W\d_]+)?"
_LABELLED_RUN = re.compile(
    rf"(?<![\w'’-])(?i:{phrase_alternation(LABELS)}){_COLON}(?P<run>{_WORD}(?:[ \t]{_WORD}){{1,3}})(?![\w'’@.-])"
)
_UNCASED_WORD = rf"[{UNCASED_LETTERS}]{{2,12}}"
_INITIAL = r"[^\W\d_]\."  # a family name's initial, as an app shortens it (`Rider: Adaeze K.`)
_ROLE_VALUE = re.compile(
    rf"(?<![\w'’-])(?i:{phrase_alternation(_ROLE_KEYS)}){_COLON}"
    # the initial's form first: the other would take `Châu D` before the full stop that may end a value
    rf"(?P<value>{_WORD}[ \t]{_INITIAL}|{_WORD}(?:[ \t]{_WORD}){{0,2}}|{_UNCASED_WORD}(?:[ \t]{_UNCASED_WORD})?)"
    r"(?=[ \t]*(?:$|[|,;(<\t]|\\n)|\.(?:[ \t]|$))",
    re.MULTILINE,
)
_MIN_LETTERS = 3
# Each label's and key's first word in ASCII, for a cheap test that a text may hold one (`Shapes.may_hold_words`).
_FIRST_WORDS = first_ascii_words((*LABELS, *_ROLE_KEYS))
_UNCASED = re.compile(f"[{UNCASED_LETTERS}]")


def labelled_names(text: str, shapes: Shapes | None = None) -> Iterator[Candidate]:
    """PERSON spans of the names after labels and role keys that the cue finder left (see the module docstring)."""
    if (":" not in text and "=" not in text) or (shapes is not None and not shapes.may_hold_words(_FIRST_WORDS)):
        return
    for match in _LABELLED_RUN.finditer(text):
        words = match.group("run").split()
        if (len(words) == 2 and known_given_name(_titled(words[0])) and all(_style(word) == "title" for word in words)
                and not any(word.lower() in _NON_NAME_WORDS for word in words)):
            yield "PERSON", match.start("run"), match.end("run")
    for match in _ROLE_VALUE.finditer(text):
        if _a_persons_value(match.group("value").split()):
            yield "PERSON", match.start("value"), match.end("value")


def _a_persons_value(words: list[str]) -> bool:
    if _UNCASED.match(words[0]):
        return True
    if any(word.lower() in _NON_NAME_WORDS or word.lower() in stop_words() for word in words):
        return False
    if len(words) == 1 or (len(words) == 2 and re.fullmatch(_INITIAL, words[1])):
        word = words[0]
        return (_style(word) == "title" and len(word) >= _MIN_LETTERS
                and (known_given_name(_titled(word)) or not _ordinary(_titled(word))))
    return all(_style(word) == "upper" and not _ordinary(_titled(word)) for word in words)
