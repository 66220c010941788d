"""Places and language models whose names read like a person's are kept (`capture/pii_not_people.py`,
`capture/pii_places.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_not_people import names_no_one
from evalforge_assets.capture.pii_places import city_names, place_names


def _names_no_one(text: str, name: str) -> bool:
    start = text.index(name)
    return names_no_one(text, start, start + len(name))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Flight GRU lands in São Paulo at 9.", "São Paulo"),
        ("Depot moved to Milton Keynes last year.", "Milton Keynes"),
        ("Route: Kuala Lumpur → Rio de Janeiro", "Rio de Janeiro"),
        ("model=Claude Sonnet returned an empty tool call", "Claude Sonnet"),
        ("fell back from Claude 3.5 Sonnet to Gemini Flash", "Gemini Flash"),
        ("fell back from Claude 3.5 Sonnet to Gemini Flash", "Sonnet"),  # a tier read alone after its family
        ("Mistral Large timed out", "Mistral Large"),
    ],
)
def test_places_and_models_name_no_one(text: str, name: str) -> None:
    assert _names_no_one(text, name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Ticket from Claude Moreau about the refund", "Claude Moreau"),  # a family alone is a name like any other
        ("Guest Maria Stein checked in", "Maria Stein"),  # a place in Ohio, and a person's name first
        ("Signed: Glen Davis", "Glen Davis"),
        ("Customer Ana Souza called", "Ana Souza"),
    ],
)
def test_people_named_like_a_place_or_a_model_family_stay_people(text: str, name: str) -> None:
    assert not _names_no_one(text, name)


def test_the_gazetteer_holds_places_of_two_words_or_more_and_leaves_out_those_named_like_people() -> None:
    places = place_names()
    assert {"São Paulo", "Milton Keynes", "Kuala Lumpur", "Rio de Janeiro"} <= places
    assert not {"Maria Stein", "Glen Davis", "Jim Thorpe"} & places
    assert all(" " in place for place in places)


def test_the_gazetteer_knows_geonames_cities_and_a_large_citys_other_names() -> None:
    places = place_names() | city_names()
    assert {"Puerto Montt", "Vung Tau", "Nova Iguaçu", "Nova Iguassu", "Cd. Obregón"} <= places
    # GeoNames' towns named after a person, and a city's romanised syllables that are a given name and a surname too
    assert not {"Juan Aldama", "Domingos Martins", "Hai Phong"} & places


def test_a_city_in_running_text_is_kept_and_the_person_beside_it_hidden() -> None:
    text = "Olga Brandt met us in Nova Iguaçu, then drove to Ciudad Obregón."
    assert redact_text(text, {}) == "<PERSON> met us in Nova Iguaçu, then drove to Ciudad Obregón."
    assert redact_text("Customer Juan Aldama called.", {}) == "Customer <PERSON> called."


def test_the_redactor_keeps_the_place_and_the_model_and_hides_the_person() -> None:
    text = "Olga Brandt flew from São Paulo; the agent on Claude Sonnet booked it."
    assert redact_text(text, {}) == "<PERSON> flew from São Paulo; the agent on Claude Sonnet booked it."


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ('{"sku": "SKU-13155", "title": "Calvin Klein"}', "Calvin Klein"),
        ('{"employer": "Morgan Stanley", "city": "Florence"}', "Morgan Stanley"),
        ("FN:Jay Kay\nORG:Goldman Sachs\nTEL;TYPE=CELL:+44 7118 300100", "Goldman Sachs"),  # a vCard's organisation
        ('refund queued merchant="Tim Hortons" retry_in=3600', "Tim Hortons"),
        ('{"name": "Mai Ota", "affiliation": "Sorbonne Université"}', "Sorbonne Université"),
    ],
)
def test_the_value_of_a_key_of_things_names_no_one(text: str, kept: str) -> None:
    assert kept in redact_text(text, {})


def test_an_audit_logs_subject_is_the_person_acted_on() -> None:
    text = 'AUDIT actor=ops@example.com action=payout_account.update subject="Trine Poulsen"'
    assert "Trine Poulsen" not in redact_text(text, {})


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Plenty of room for the Calvin Klein boxes.", "Calvin Klein"),  # English puts no article before a person
        ("donations to the Ronald McDonald House", "Ronald McDonald"),
        ("Compared to the Cadbury one, the Tim Hortons is way better.", "Tim Hortons"),
        ("Account Director | Morgan Stanley", "Morgan Stanley"),  # a signature's employer after its role
        ("Lead Engineer at Carl Zeiss", "Carl Zeiss"),
    ],
)
def test_a_name_after_the_or_after_a_role_names_no_one(text: str, kept: str) -> None:
    assert kept in redact_text(text, {})


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("Please reopen the Maria Lopez account today.", "Maria Lopez"),  # the record of a person follows
        ("I sent the Jonas Berg file to legal.", "Jonas Berg"),
        ("Escalate the Priya Raman case now.", "Priya Raman"),
        ("Maria Lopez, Account Director, called.", "Maria Lopez"),  # a role after the name is her title
    ],
)
def test_a_person_whose_record_follows_the_article_stays_a_person(text: str, hidden: str) -> None:
    assert hidden not in redact_text(text, {})


@pytest.mark.parametrize(
    "text",
    [
        # a weekday that a month or a day's number follows begins a date (`names_no_one_after_the_model`)
        "Left at reception, Friday December 12, 2025.\nSigned by: front desk",
        "Delivered Thursday November 13, 2025.",
        "Parcel arrived Saturday, October 4 at the side gate",
    ],
)
def test_a_weekday_that_begins_a_date_names_no_one(text: str) -> None:
    assert redact_text(text) == text


def test_a_person_before_a_month_and_a_day_is_still_a_person() -> None:
    assert redact_text("Call Kelly Andersen April 3 about the lease") == "Call <PERSON> April 3 about the lease"


@pytest.mark.parametrize(
    "text",
    [
        # a public place's word in a run read as a name (`names_no_one_after_the_model`)
        "Ana: ne vedem la Piața Victoriei la 12:30?",
        "Spotkamy się na Plac Zbawiciela o 18:00.",
        "Le colis attend à la Gare Saint-Lazare, consigne 4.",
    ],
)
def test_a_public_place_read_as_a_name_names_no_one(text: str) -> None:
    assert redact_text(text) == text


def test_a_public_place_before_a_house_number_stays_a_street() -> None:
    assert "Fügnerovo Náměstí 8" not in redact_text("Doručit na Fügnerovo Náměstí 8, Praha 2")
