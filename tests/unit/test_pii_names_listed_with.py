"""Given names listed with a found name or after a family's word in the plural (`pii_names_listed_with`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (("Margaret Olsen, 84, died on March 3. She is survived by her children, Anna, Mark and Leo, and her sister "
          "Ruth."), ["Mark"]),
        ("He leaves his wife Ingrid, his sons Tomas and Elias, and grandchildren Ada, Noor, Kai.",
         ["Tomas", "Elias", "Ada", "Kai"]),
        ("Beloved grandmother of Sara, Jonas and Mikkel.", ["Sara", "Jonas", "Mikkel"]),
    ],
)
def test_the_given_names_of_a_list_with_a_found_name_go(text: str, names: list[str]) -> None:
    redacted = redact_text(text, {})
    assert [name for name in names if f"{name}," in redacted or f"{name} " in redacted or f"{name}." in redacted] == []


@pytest.mark.parametrize(
    "text",
    [
        "Thanks Anna, Support and Billing will follow up.",  # words that are no given names stay
        "Contract drafted by Sanchez, Bailey and Simmons LLP.",  # a firm's partners: very common surnames
        "Invoices went out in January, April and August.",
        "Parents, Teachers and Staff are invited.",
    ],
)
def test_words_of_a_list_that_name_no_one_stay(text: str) -> None:
    kept = [word for word in ("Support", "Billing", "Bailey", "Simmons", "January", "April", "August", "Teachers")
            if word in text]
    redacted = redact_text(text, {})
    assert [word for word in kept if word not in redacted] == [], redacted
