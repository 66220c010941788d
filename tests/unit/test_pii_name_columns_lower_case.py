"""A table's name column's cells that the capitalised test of `capture/pii_csv_columns.py` leaves: typed in lower
case, or family name first in a quoted cell (`capture/pii_names_keys.names_in_name_columns_the_rules_leave`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("name,email,session\ncorwin haskell,ch@example.org,Workshop A\nysabeau,yf@example.org,Keynote\n",
         ["corwin haskell", "ysabeau"]),
        ('name,email,session\n"Haskell, Corwin",ch@example.org,Keynote\n"Fennimore, Ysabeau",yf@example.org,Keynote\n',
         ["Haskell, Corwin", "Fennimore, Ysabeau"]),
        ("| guest | table |\n|---|---|\n| kofi halvex | 7 |\n", ["kofi halvex"]),
    ],
)
def test_a_name_columns_lower_case_or_family_first_cells_are_redacted(text: str, names: list[str]) -> None:
    redacted = redact_text(text, {})
    assert not [name for name in names if name in redacted], redacted


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("name,status\ntest user,active\nadmin,active\n", ["test user", "admin"]),
        ('name,kind\n"Paris, France",city\n"Austin, TX",city\n"Smith, Barney & Co.",firm\n',
         ["France", "Austin, TX", "Smith, Barney & Co."]),  # (the learned look reads `Paris` alone, as before)
        ("service,owner_team\nledger sync,payments\n", ["ledger sync"]),
    ],
)
def test_ordinary_lower_case_cells_and_places_are_kept(text: str, kept: list[str]) -> None:
    redacted = redact_text(text, {})
    assert all(value in redacted for value in kept), redacted
