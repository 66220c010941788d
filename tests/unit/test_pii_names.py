"""Person names found by name data (capture/pii_names.py): which runs of capitalised words are names, and
which look like names but are places, products, German nouns or tool names."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names import find_full_names


def _names(text: str) -> list[str]:
    return [text[start:end] for _, start, end in find_full_names(text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # A given name, then a common surname that is also an English word.
        ("call Elizabeth Smith at the desk", "Elizabeth Smith"),
        ("Deliver to Diana Baker, Gnatzgasse 9486", "Diana Baker"),
        ("I think Luke Wright already paid", "Luke Wright"),
        # A given name, then a surname no dictionary knows, in any Latin script.
        ("ticket assigned to Anuța Cristea (v3.19.0-rc.2)", "Anuța Cristea"),
        ("refund approved by Constance McCullough at #1", "Constance McCullough"),
        ("invalid account holder 'Danielle O'Connor' for IBAN", "Danielle O'Connor"),
        ("forwarding this to Hans-Josef Renner, she handles it", "Hans-Josef Renner"),
        ("AddressValidationError: could not geocode it for Matheus da Luz", "Matheus da Luz"),
        # No known given name: no ordinary word, and letters outside ASCII.
        ("Yağızkurt Öcalan told me to ask you about order 17", "Yağızkurt Öcalan"),
        # No name evidence at all: two unknown capitalised words beside an English word.
        ("refund approved by Paiman Laksita at effb2e3", "Paiman Laksita"),
        # The words of the sentence before a name are not part of it.
        ("Yesterday John Smith called", "John Smith"),
        ("Dear Lukáš Kozák, your order has shipped.", "Lukáš Kozák"),
    ],
)
def test_full_names_are_found_without_a_sentence_cue(text: str, name: str) -> None:
    assert _names(text) == [name]
    assert name not in redact_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "upstream 502 while calling Georgia Pacific; client 10.0.0.1",  # a given name, then a proper noun
        "rotated at Victoria Station",  # a rare surname that is an ordinary word
        '{"ref": "Hope Street Cafe"}',  # a place word
        "sku Holly Berry Mix",  # three words led by a word
        "Max Retries exceeded",  # an everyday word
        "Payment Gateway Timeout",  # words
        "ConnectionResetError Redis Timeout",  # tool names: no English word beside them, no name evidence
        "Bauer tief Tante Arzt kennen in darin Uhr.",  # German nouns
        "Die Rechnung liegt im Ordner Eingang Post.",
        "Acme Cloud Support replied",  # an organisation word
        "PostgreSQL OpenAI GitHub",  # inner capitals are product names
    ],
)
def test_phrases_that_look_like_names_are_left_alone(text: str) -> None:
    assert _names(text) == []


def test_a_run_of_title_case_words_is_a_heading_not_a_name() -> None:
    assert _names("Failed To Reach Upstream Payment Service Gateway") == []


@pytest.mark.parametrize(("text", "redacted"), [
    ("@Scott Hancock can you check this trace?", "@<PERSON> can you check this trace?"),
    ("ping @Ewa Asp about the outage", "ping @<PERSON> about the outage"),  # a given name, then a word
    ("Escalated by John Mistry after the third retry.", "Escalated by <PERSON> after the third retry."),
    ("reviewed by Sanya Dhar", "reviewed by <PERSON>"),
    ("ticket owner=Jade Sousa; priority=high", "ticket owner=<PERSON>; priority=high"),
    ("assigned_to: Joséphine Da Silva", "assigned_to: <PERSON>"),
    ("Agent handed off to Sara Mayoral at 14:02", "Agent handed off to <PERSON> at 14:02"),
])
def test_mentions_and_who_did_what_to_a_ticket_are_names(text: str, redacted: str) -> None:
    assert redact_text(text) == redacted


@pytest.mark.parametrize("text", [
    "mail bob@Example Corp today",  # an e-mail's domain is no mention
    "@Override Public void run",
    "@Release Notes are out",
    "closed by Auto Resolver",  # plain words after a weak cue name a bot or a team
    "owner: Platform Team",
    "owner=Data Platform",
    "caused by Redis Timeout",
])
def test_handles_bots_and_teams_in_the_same_places_are_not_names(text: str) -> None:
    assert "<PERSON>" not in redact_text(text)
