"""The contact's name in a row of cells with no header (`capture/pii_names_in_rows.py`), and a Persian table's
header (`capture/pii_csv_columns.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("| CASE-4379193 | Melitta Siering | 08604 007753 | Fliegner AG |\n| CASE-4300524 | Ana | a@b.de | x |",
         "Melitta Siering"),
        ("| INC5961702 | एषा यादव | +91-7722700314 | पाटिल, सुब्रमण्यम and कुमार |", "एषा यादव"),
        ("TCK-55589\tMelitta Siering\t+62 (0486) 445-7019\tCV Sirait Tbk", "Melitta Siering"),
        ("| نام | ایمیل | تلفن | آدرس |\n|---|---|---|---|\n| سجاد اکبر پور | nznyn-zhr34@gmail.com | +98 992 075 5243 | - |",
         "سجاد اکبر پور"),
    ],
)
def test_the_name_before_a_contact_in_a_row_is_redacted(text: str, name: str) -> None:
    redacted = redact_text(text, {})
    assert name not in redacted and "<PERSON>" in redacted, redacted


def test_the_cell_after_the_contact_and_a_named_column_are_kept() -> None:
    """The cell after a phone is as often the contact's company; under a header the header says what a cell is."""
    row = "| CASE-4379193 | Melitta Siering | 08604 007753 | Fliegner AG |"
    assert "Fliegner AG" in redact_text(row, {})
    table = "| name | company | email |\n|---|---|---|\n| Anna Berg | PD Mayasari Tbk | ab@example.com |"
    assert "PD Mayasari Tbk" in redact_text(table, {})


@pytest.mark.parametrize(
    "text",
    [
        "| INC-1 | Sales Team | +44 20 7946 0958 | open |",
        "| INC-2 | High Priority | ops@example.com | closed |",
        "| see the runbook | +44 20 7946 0958 |",
    ],
)
def test_a_cell_that_is_no_name_is_kept(text: str) -> None:
    redacted = redact_text(text, {})
    assert "<PERSON>" not in redacted, redacted
