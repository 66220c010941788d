"""An HL7 v2 message's people, streets and phones are read by field position (`pii_hl7`), wherever the message is
logged: on its own, in a JSON string with escaped line breaks, with its own separators."""

from __future__ import annotations

import json

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_hl7 import find_hl7_fields

ADMISSION = (
    "MSH|^~\\&|EPIC|STMARYS|LAB|LABSYS|202401240849||ADT^A04|MSG5161757|P|2.5.1\n"
    "EVN|A04\n"
    "PID|1||2646971^^^MRN||KOCH^KRISTINA||20050410|F|||Støbegodsstræde 55^^5133 Kvistgård||64554713\n"
    "NK1|1|STEFFENSEN^METTE|SPO||41624627\n"
    "PV1|1|O|CARDIO^201^A||||6980^KRISTOFFERSEN^ANDRÉ^^^DR"
)


def _found(text: str) -> list[tuple[str, str]]:
    return [(entity, text[start:end]) for entity, start, end in find_hl7_fields(text)]


def test_the_patient_the_next_of_kin_and_the_doctor_are_read_by_field() -> None:
    assert _found(ADMISSION) == [
        ("PERSON", "KOCH"), ("PERSON", "KRISTINA"),
        ("STREET_ADDRESS", "Støbegodsstræde 55"),
        ("PHONE", "64554713"),
        ("PERSON", "STEFFENSEN"), ("PERSON", "METTE"),
        ("PHONE", "41624627"),
        ("PERSON", "KRISTOFFERSEN"), ("PERSON", "ANDRÉ"),  # the doctor's id (6980) and degree (DR) stay
    ]


def test_a_redacted_message_keeps_its_shape_and_its_place() -> None:
    redacted = redact_text(ADMISSION)
    assert "PID|1||2646971^^^MRN||<PERSON>^<PERSON>||20050410|F|||<STREET_ADDRESS>^^5133 Kvistgård||<PHONE>" in redacted
    assert "6980^<PERSON>^<PERSON>^^^DR" in redacted


@pytest.mark.parametrize("line_break", ["\r", "\r\n"])
def test_segments_end_at_a_carriage_return(line_break: str) -> None:
    assert _found(ADMISSION.replace("\n", line_break)) == _found(ADMISSION)


def test_a_message_in_a_json_string_is_read_through_its_escaped_line_breaks() -> None:
    logged = json.dumps({"tool": "send_hl7", "message": ADMISSION})
    assert [entity for entity, _ in _found(logged)] == [entity for entity, _ in _found(ADMISSION)]
    assert "KRISTINA" not in redact_text(logged) and "41624627" not in redact_text(logged)


def test_repetitions_and_the_components_of_a_phone_are_read() -> None:
    text = "PID|1||123^^^MRN||DOE^JANE~SMITH^JANE||19800101|F|||12 Oak Lane^Apt 4^Springfield^IL^62701||^PRN^PH^^1^217^5550123"
    assert _found(text) == [
        ("PERSON", "DOE"), ("PERSON", "JANE"), ("PERSON", "SMITH"), ("PERSON", "JANE"),
        ("STREET_ADDRESS", "12 Oak Lane"), ("STREET_ADDRESS", "Apt 4"),  # the city, state and code stay
        ("PHONE", "5550123"),  # the local number; the area code alone is no phone
    ]


def test_the_message_s_own_separators_are_used() -> None:
    text = "MSH|*#\\&|A|B\nPID|1||7||DOE*JANE#ROE*JOHN"
    assert _found(text) == [("PERSON", "DOE"), ("PERSON", "JANE"), ("PERSON", "ROE"), ("PERSON", "JOHN")]


@pytest.mark.parametrize("text", [
    "PID|USER|%CPU|%MEM|VSZ|RSS|TTY",  # a process table's header: no set id, no message header
    "ps -o PID|grep 1234",
    "ORC|NW|12345||||||||||SMITH^JOHN",  # an order without its message header is not read
])
def test_lines_that_only_look_like_segments_are_not_read(text: str) -> None:
    assert _found(text) == []
