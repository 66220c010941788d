"""Streets in the place of a found street in a list's other lines (`capture/pii_address_slots.py`)."""

from __future__ import annotations

from evalforge_assets.capture.pii import find_pii


def _streets(text: str) -> list[str]:
    return [match.value for match in find_pii(text) if match.entity == "STREET_ADDRESS"]


def test_the_other_lines_of_a_canvass_hold_streets_without_a_type_word() -> None:
    text = (
        "Canvass of the block after the burglary on Friday.\n"
        "- 14 Harlow Rd: no answer, card left.\n"
        "- Benákova 20: resident heard shouting.\n"
        "- Παναρίτη 181: saw a van.\n"
        "- Izraelská 1/3: declined to talk.\n"
        "- Fialkové údolie 20: vacant.\n"
    )
    assert _streets(text) == ["14 Harlow Rd", "Benákova 20", "Παναρίτη 181", "Izraelská 1/3", "Fialkové údolie 20"]


def test_a_numbered_list_with_a_dash_after_the_place() -> None:
    text = "1. 22 Kestrel Close — no answer\n2. Záporožská 230 — CCTV\n3. Phase 2 — pending"
    assert _streets(text) == ["22 Kestrel Close", "Záporožská 230"]


def test_list_items_of_ordinary_words_and_a_number_are_no_streets() -> None:
    text = "Plan for today:\n- 14 Harlow Rd: check the meter\n- Step 2: call the office\n- Room 5: clean\n- Windows 11: upgrade"
    assert _streets(text) == ["14 Harlow Rd"]


def test_without_a_found_street_no_line_is_read_as_one() -> None:
    text = "Sites:\n- Benákova 20: resident heard shouting\n- Παναρίτη 181: saw a van\n- Záporožská 230: CCTV"
    assert _streets(text) == []


def test_another_bullet_or_separator_is_another_list() -> None:
    text = "- 14 Harlow Rd: no answer\n* Benákova 20: heard shouting\n- Záporožská 230, CCTV"
    assert _streets(text) == ["14 Harlow Rd"]


def test_a_canvass_of_people_at_streets_no_pattern_knows() -> None:
    text = (
        "Door-to-door canvass, 12 March.\n"
        "- Benákova 20: Agnes Whitford (agnes.w@example.net) heard a car door at 02:00.\n"
        "- Záporožská 230: Jonas Kramer saw nothing.\n"
        "- Παναρίτη 181: Priya Natarajan has a doorbell camera.\n"
    )
    assert _streets(text) == ["Benákova 20", "Záporožská 230", "Παναρίτη 181"]


def test_a_list_of_versions_and_their_owners_holds_no_street() -> None:
    text = "Upgrade status:\n- Django 4: done by Tom Baker\n- Kafka 3: pending, ask Lena Ortiz\n- Postgres 15: done"
    assert _streets(text) == []


def test_one_line_of_a_person_at_a_place_is_no_list() -> None:
    text = "Notes:\n- Benákova 20: Agnes Whitford heard a car door.\n- Weather: rain\n- Shift: night"
    assert _streets(text) == []
