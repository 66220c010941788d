"""Names after a label or a role key that the cue finder's tests leave (`capture/pii_names_labelled.py`). The
examples are invented."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_labelled import labelled_names


@pytest.mark.parametrize(("text", "name"), [
    ("Invitation: Quarterly review\nOrganizer: Ralph Stey\nGuests: ops@example.org", "Ralph Stey"),  # Webster words
    ("Ticket CS-5521 | Pending | Assignee: Oriane | Refund not received", "Oriane"),
    ("Ticket CS-5521 | Pending | Assignee: Hans-Jörg | Erstattung fehlt", "Hans-Jörg"),
    ("Ticket CS-5521 | Pending | Assignee: 민재 | 환불이 안 됐어요", "민재"),
    ("Reservation 88213 · Harbour Hotel\nGuest: SOMCHAI PHROMMA\nGuarantee: card on file", "SOMCHAI PHROMMA"),
    ("Trip receipt TR-2231\nDriver: Ildikó\nPickup: airport", "Ildikó"),
    ("Pickup authorization\nChild: Emma\nRoom: Bluebirds\nValid until: 30 June", "Emma"),  # a child's form
    ("Autorisation de sortie\nEnfant : Léonie\nClasse : CE1", "Léonie"),
])
def test_a_name_after_a_label_or_a_role_key_is_found(text: str, name: str) -> None:
    assert name in [text[start:end] for _, start, end in labelled_names(text)]
    assert name not in redact_text(text, {})


@pytest.mark.parametrize("text", [
    "Organizer: Marketing Team",  # plain words, no given name first
    "Organizer: Grace Hopper Conference",  # three words, the last an event's
    "Driver: Unknown",  # an ordinary word
    "Guest: VIP",  # one word in capitals
    "Assignee: Unassigned | Priority: P2",
    "driver: nvidia\nversion: 535.104",  # lower case
    "Driver: NVIDIA",
    "Child: Unknown\nChild: Yes",  # no name on a child's form
    "Assignee: Cailin Brody and the on-call rotation",  # does not fill its field alone
])
def test_a_label_followed_by_no_persons_name_finds_none(text: str) -> None:
    assert list(labelled_names(text)) == []


@pytest.mark.parametrize(("text", "name"), [
    ("ride.status → DRIVER_ASSIGNED | rider: Chiêu D.\nride.contact → rider_phone=hidden", "Chiêu D."),
    ("Driver: Adebola K.", "Adebola K."),
])
def test_a_role_keys_value_may_end_in_a_family_names_initial(text: str, name: str) -> None:
    assert name not in redact_text(text, {})


@pytest.mark.parametrize("text", ["Guest: Room B.", "Passenger: Economy Y."])
def test_an_ordinary_word_before_an_initial_stays(text: str) -> None:
    assert redact_text(text, {}) == text


@pytest.mark.parametrize("cue", ["rider:", "Name:", 'name = "', "hi", "thanks", "best regards", "i'm"])
def test_a_cue_before_a_long_run_of_spaces_is_read_in_linear_time(cue: str) -> None:
    # Runs of spaces that two or three quantifiers could share made the cue patterns quadratic or cubic when no name
    # followed (`rider:` and 2,000 spaces took 25 s); the suite's timeout catches a return of it.
    text = cue + " " * 100_000
    assert redact_text(text, {}) == text
