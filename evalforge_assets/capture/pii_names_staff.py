"""The staff a review, a complaint or a thank-you names: after the word for their job (`our server Jenna`, `the
manager, Tobiah,`, `the technician (Halvard)`, `the cashier named Quenby`) or after a word of thanks or a request
for them (`shoutout to Corwin`, `kudos to Fennimore`, `ask for Marisol at the front desk`); and the people of an
incident after their part in it, as a police canvass or a claim names them (`resident (Ysolde Q.)`, `the witness,
Quenby Marbleridge,`).

One or two words are the name. The first, capitalised, is a known given name (not an ordinary English word unless a
common given name: `Jenna`, `Grace`; not `Will`), or after the word for a job only people do (`cashier`, `waitress`,
`receptionist`) any capitalised word that is no ordinary English word or stop word (`Quenby`). A job's word that names
a machine or a program as often (`server`, `driver`, `manager`, `agent`, `host`, `guide`) and the words of thanks ask
for the known given name. Not `courier`, which is followed by a firm as often, a given name's too (`courier
Hermes`). Typed in lower case, the first word is a known given name however typed
(`pii_names_romanised.typed_given_name`). A second capitalised word joins when it is a census surname or no ordinary
word, and so does a family name's initial (`Ysolde Q.`). Asked after the learned look (`pii_names_after_model`), and
through `pii_not_people`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import _ordinary, _surname_ranks, stop_words
from evalforge_assets.capture.pii_names_cues import _titled
from evalforge_assets.capture.pii_names_romanised import typed_given_name
from evalforge_assets.capture.pii_patterns import Candidate, phrase_alternation

# Jobs only people do, whose word before a capitalised word makes it a name.
_PEOPLES_JOBS = (
    "waiter", "waitress", "bartender", "barista", "cashier", "receptionist", "concierge", "stylist", "hairdresser",
    "barber", "technician", "mechanic", "plumber", "electrician", "installer", "cleaner", "housekeeper", "nurse",
    "dentist", "hygienist", "therapist", "physio", "physiotherapist", "pharmacist", "teacher", "tutor", "salesman",
    "saleswoman", "salesperson", "supervisor", "attendant", "valet", "doorman", "porter", "chef",
    "masseuse", "masseur", "optician", "realtor", "tour guide", "sales rep", "sales associate", "customer service rep",
    "nanny", "caregiver", "instructor", "trainer",
    # the people of an incident, as a police canvass or a claim names them (`resident (Ysolde Q.)`)
    "witness", "resident", "occupant", "complainant", "victim", "suspect", "homeowner", "informant", "passer-by",
)
# Jobs whose word names a machine, a program or a role in software as often.
_SHARED_JOBS = ("server", "driver", "manager", "agent", "host", "hostess", "guide", "rep", "representative",
                "associate", "assistant", "coach", "advisor", "adviser", "consultant")
# Not "thanks to", which credits a tool or a product as often (`thanks to Redis`, `thanks to Mercedes`).
_THANKS = ("shoutout to", "shout out to", "shout-out to", "kudos to", "props to", "hats off to", "ask for", "asked for")
_NAME = (r"(?P<first>[^\W\d_]{3,}(?:-[^\W\d_]+)?)"
         r"(?:[ \t]+(?P<initial>[A-Z]\.)|[ \t]+(?P<second>[A-Z][^\W\d_]{2,}(?:-[^\W\d_]+)?))?")
_AFTER_JOB = re.compile(
    rf"(?<![\w'’-])(?P<job>{phrase_alternation(_PEOPLES_JOBS + _SHARED_JOBS)})"
    rf"(?:[ \t]*,[ \t]*|[ \t]*\([ \t]*|[ \t]+(?:named[ \t]+|called[ \t]+)?){_NAME}(?![\w'’@-]|\.\w)"
)
_AFTER_THANKS = re.compile(rf"(?<![\w'’-])(?i:{phrase_alternation(_THANKS)})[ \t]+{_NAME}(?![\w'’@-]|\.\w)")
_PEOPLES = frozenset(_PEOPLES_JOBS)


def staff_names(text: str) -> Iterator[Candidate]:
    """PERSON spans of the staff named after their job or a word of thanks (see the module docstring)."""
    for match in _AFTER_JOB.finditer(text):
        yield from _name(match, any_word=match.group("job") in _PEOPLES)
    for match in _AFTER_THANKS.finditer(text):
        yield from _name(match, any_word=False)


def _name(match: re.Match[str], any_word: bool) -> Iterator[Candidate]:
    first, second = match.group("first"), match.group("second")
    if first.lower() in stop_words():
        return
    if first.islower():
        named = typed_given_name(first)
    else:
        named = first[0].isupper() and (typed_given_name(first) or (any_word and not _ordinary(_titled(first))))
    if not named:
        return
    end = match.end("initial") if match.group("initial") else match.end("first")  # `Ysolde Q.`
    if second is not None and first[0].isupper() and second.lower() not in stop_words() and (
            _titled(second) in _surname_ranks() or not _ordinary(_titled(second))):
        end = match.end("second")
    yield "PERSON", match.start("first"), end
