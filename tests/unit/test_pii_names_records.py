"""The name of a JSON or YAML contact record that holds a found phone or e-mail address
(`capture/pii_names_records.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_records import record_names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('{"contacts": [{"name": "Ysabeau", "phone": "+44 7700 900481"}]}', "Ysabeau"),
        ('[{"id": 3, "name": "pernilla voskuijlen", "tel": "07700 900482"}]', "pernilla voskuijlen"),
        ('{"name": "Quenby Halloran", "email": "qh@example.org"}', "Quenby Halloran"),
        ('{"email": "ot@example.net", "first": "Zsuzsanna", "last": "Tiszai"}', "Tiszai"),
        ('{"fn": "Wilhelmus T.", "tel": "+31 6 12345678"}', "Wilhelmus T."),
        ("contacts:\n  - name: Ysabeau\n    phone: \"+44 7700 900481\"\n  - name: Fennimore\n    phone: \"+44 7700 900482\"\n",
         "Fennimore"),
        ("- phone: +44 7700 900481\n  name: Quenby\n", "Quenby"),
    ],
)
def test_a_contact_records_name_is_redacted(text: str, name: str) -> None:
    redacted = redact_text(text, {})
    assert name not in redacted and "<PERSON>" in redacted, redacted


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # an app's record beside its admin's address, a company's card, a card saved under a relative's word
        ("app:\n  name: ledger-sync\n  admin_email: ops.lead@example.com\n", "ledger-sync"),
        ('{"name": "Marbleridge Logistics", "phone": "+44 20 7946 0321"}', "Marbleridge Logistics"),
        ('{"name": "Mamá", "tel": "600 123 456"}', "Mamá"),
        # the phone belongs to another record
        ('[{"name": "Zookeeper", "port": 2181}, {"phone": "+44 7700 900481"}]', "Zookeeper"),
        ("services:\n  - name: Grafeon\n    port: 3000\n  - contact: ops\n    phone: +44 7700 900481\n", "Grafeon"),
        ("owner:\n  name: Grafeon\nsupport:\n  phone: +44 7700 900481\n", "Grafeon"),
    ],
)
def test_a_name_outside_a_record_with_a_contact_is_kept(text: str, kept: str) -> None:
    assert kept in redact_text(text, {})


def test_many_names_after_one_contact_are_read_in_linear_time() -> None:
    """Each name asks only the contacts just before and after it, within a card's reach: 40,000 name lines below one
    phone would otherwise slice the lines between each of them and the phone (minutes; the suite's timeout catches
    a return)."""
    text = "phone: +44 7700 900481\n" + "name: Ysabeau\n" * 40_000
    found = list(record_names(text, [("PHONE", 7, 22)]))
    assert 0 < len(found) < 50  # the lines within a card's reach of the phone
    assert {text[start:end] for _, start, end in found} == {"Ysabeau"}
