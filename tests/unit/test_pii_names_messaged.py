"""Whom a message is to be written to, and who a lower-case message says just wrote or called (`pii_names_messaged`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_messaged import names_messaged, names_written_to


def _names(text: str) -> list[str]:
    return [text[start:end] for _, start, end in names_messaged(text)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("inga lassen skrev lige", ["inga lassen"]),  # `inga` is a Swedish stop word, and a given name
        ('  "text": "nasrin duran az önce yazdı",', ["nasrin duran"]),
        ("Transcription (auto): hey dana it's mo um agnes obi just texted me lol", ["agnes obi"]),
        ("[05/05/2025, 23:15] Joost: cas van vlaanderen appte net", ["cas van vlaanderen"]),
        ("14:02 me teodora vasilescu tocmai mi-a scris", ["teodora vasilescu"]),
    ],
)
def test_the_person_who_just_wrote_goes(text: str, names: list[str]) -> None:
    assert _names(text) == names
    assert all(name not in redact_text(text, {}) for name in names)


@pytest.mark.parametrize(
    "text",
    [
        "the build just texted me again",  # no message starts before `build`
        "my mom just texted",
        "hey support just emailed",  # an English word alone
        "customer support just emailed",
        "me: mam właśnie napisała",  # Polish "mum": a stop word
        "Hey Dana, Agnes just texted",  # capitals: the other finders' to read
    ],
)
def test_words_before_the_phrase_that_are_no_name_stay(text: str) -> None:
    assert _names(text) == []


def test_a_line_of_many_phrases_is_read_in_one_pass() -> None:
    line = "um agnes obi just texted " * 20_000
    assert len(_names(line)) == 20_000


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("User: schreib eine nachricht an ramon, dass wir freitag nicht kommen", "ramon"),
        ('{"role": "user", "content": "scrivi un messaggio a luciana per martedì"}', "luciana"),
        ("help me reply to hamsini rajagopalan he says she drew a map", "hamsini rajagopalan"),
        ("Reply to Ottilie about the invoice", "Ottilie"),
        ("can you set up a meeting with theodora vasquez-oyelaran next week", "theodora vasquez-oyelaran"),
        ("Bitte einen Termin mit Ludovica am Freitag eintragen", "Ludovica"),
    ],
)
def test_whom_a_message_is_to_be_written_to_goes(text: str, name: str) -> None:
    assert [text[start:end] for _, start, end in names_written_to(text)] == [name]
    assert name not in redact_text(text, {})


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Plan: fetch the invoice, then email it to Jonas. Then close the ticket.", "Jonas"),
        ("Assign the ticket to Mateus, then close it.", "Mateus"),
        ("Step 3: forward the logs to oksana before noon.", "oksana"),
    ],
)
def test_whom_a_thing_is_sent_or_handed_to_goes(text: str, name: str) -> None:
    redacted = redact_text(text, {})
    assert name not in redacted and "<PERSON>" in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "Escalate to Tier 2, then switch to Python.",
        "send the report to Berlin.",
        "Send it to Will.",  # an English word first
        "forward the alert to Kafka and retry",
    ],
)
def test_what_a_thing_is_sent_to_that_is_no_one_stays(text: str) -> None:
    assert "<PERSON>" not in redact_text(text, {})


@pytest.mark.parametrize(
    "text",
    [
        "reply to everyone in the thread",
        "sent a message to kafka topic orders",  # one word that is no given name
        "write to disk failed: no space left on device",  # English words, `failed` inflected
        "write to Redis Cluster failed",
        "The bot's reply to lil_turtle#3696 in #lfg-na",  # a handle, not a name
        "schedule a meeting with the platform team",
        "lunch with grpc clients is flaky",
    ],
)
def test_a_message_to_no_one_named_stays(text: str) -> None:
    assert list(names_written_to(text)) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("hey assistant remind me to call corwin at five", "corwin"),
        ("text tamsin that I'm running late", "tamsin"),
        ("remind me tomorrow to ring Corwin Haskell about the invoice", "Corwin Haskell"),
        ("please follow up with ysolde quarrendon next week", "ysolde quarrendon"),
        ("running late can u collect amara from nursery", "amara"),
        ("im grabbing kofi from school", "kofi"),
        ("tu peux dire à théo que j'arrive vers 19h ?", "théo"),
        ("oi, avisa o joão que vou atrasar", "joão"),
        ("dile a joaquín que llego tarde", "joaquín"),
        ("sag anna bitte, dass ich später komme", "anna"),
        # a capitalised given name alone, with a phone number straight after it
        ("Bake sale on Saturday. Questions? Call Ingrid on +44 20 7946 0958.", "Ingrid"),
        ("Book club meets monthly. Contact Mateus on 07700 900123 to join.", "Mateus"),
        ("Lost keys? Reach Oksana at (212) 555-0148.", "Oksana"),
    ],
)
def test_whom_an_assistant_is_asked_to_call_goes(text: str, name: str) -> None:
    redacted = redact_text(text, {})
    assert name not in redacted and "<PERSON>" in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "the wifi at the office is called Quarrendon Mesh and the password is on the fridge",
        "- Tamsin — call Hilton about the invoice",  # a capitalised word alone after the verb is a firm's as often
        "call support at five, or text help to 60060",
        "remind me to call back after the standup",
        "can you collect logs from the pod and grab coffee",
        "appelle le service client demain",
        "chiama il tecnico domani mattina",
        "Contact Support at 0800 123 4567 for a new card",  # no given name before the number
    ],
)
def test_a_call_to_no_one_named_stays(text: str) -> None:
    redacted = redact_text(text, {})
    kept = {"called Quarrendon Mesh", "call Hilton", "call support", "call back", "collect logs", "appelle le service",
            "chiama il tecnico", "Contact Support"}
    assert any(phrase in redacted for phrase in kept), redacted


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("jaja le dije a martín que sí y ya", "martín"),
        ("ayer vi a jimena en el súper y me dijo que ya", "jimena"),
    ],
)
def test_a_lower_case_given_name_after_spanish_personal_a_goes(text: str, name: str) -> None:
    redacted = redact_text(text, {})
    assert name not in redacted and "<PERSON>" in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "mañana voy a paris con el equipo",  # a city
        "i need a mark on the map for the trip",  # English's article
        "ela mostrou a glória da cidade, que linda",  # Portuguese's article
    ],
)
def test_what_follows_a_that_is_no_person_stays(text: str) -> None:
    assert "<PERSON>" not in redact_text(text, {})
