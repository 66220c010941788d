"""The staff a review or a thank-you names, and the people of an incident (`capture/pii_names_staff.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Five stars! Our server Jenna was amazing.", "Jenna"),
        ("Terrible experience. The cashier named Quenby was rude.", "Quenby"),
        ("The technician (Halvard) arrived late but fixed everything.", "Halvard"),
        ("The stylist, Ysabeau Quarrendon, listened to exactly what I wanted.", "Ysabeau Quarrendon"),
        ("Ask for Marisol at the front desk, she sorted our room in minutes.", "Marisol"),
        ("big shoutout to tamsin on the phone line", "tamsin"),
        ("14 Elmstead Rd: resident (Ysolde Q.) heard shouting around 0200", "Ysolde Q."),
        ("The witness, Quenby Marbleridge, left before the officers arrived.", "Quenby Marbleridge"),
        ("Would book the technician Halvard.", "Halvard"),
    ],
)
def test_a_staff_members_name_is_redacted(text: str, name: str) -> None:
    redacted = redact_text(text, {})
    assert name not in redacted and "<PERSON>" in redacted, redacted


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("the server Nginx returned 502 after the deploy", "server Nginx"),
        ("restart the driver Quarrendon if the GPU hangs", "driver Quarrendon"),  # no given name after a shared job
        ("it got faster thanks to Redis and the new index", "thanks to Redis"),
        ("ask for Approval before merging", "ask for Approval"),
        ("the cashier Counter was closed", "cashier Counter"),
        ("the suspect Vehicle was found on the ring road", "suspect Vehicle"),
    ],
)
def test_a_job_before_a_product_or_an_ordinary_word_names_no_one(text: str, kept: str) -> None:
    assert kept in redact_text(text, {})
