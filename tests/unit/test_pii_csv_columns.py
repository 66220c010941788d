"""Cells of CSV tables under a header that names them (`capture/pii_csv_columns.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_csv_columns import find_table_cells


def test_phone_name_and_street_columns_are_read_by_their_header() -> None:
    text = ("id;name;mobile;street;plan\n"
            "81706;Cecilie Bøe;99445506;Kirsteinsgade 2;Pro\n"
            '86270;"Cathrine Martinsen";95 17 75 14;"Gerdas Allé 351, 2. th";Free')
    assert redact_text(text) == ("id;name;mobile;street;plan\n"
                                 "81706;<PERSON>;<PHONE>;<STREET_ADDRESS>;Pro\n"
                                 '86270;"<PERSON>";<PHONE>;"<STREET_ADDRESS>";Free')


def test_a_tab_separated_table_inside_a_prompt() -> None:
    text = "Customers to call back:\nfull_name\ttelephone\tnote\nJosé Quiroga\t+57 315 481 2190\tasked twice\n\nThanks"
    kinds = {(kind, text[start:end]) for kind, start, end in find_table_cells(text)}
    assert kinds == {("PERSON", "José Quiroga"), ("PHONE", "+57 315 481 2190")}


@pytest.mark.parametrize(
    "text",
    [
        "name,sku,price\nWireless Mouse,SKU-123,19.99\nBosch Serie 6,BS-6,499",  # products under `name`
        "service,phone_checks,street\ncheckout,12,ok\npayments,3,degraded",  # counts, not phones; no house number
        "a,b\n1,2",  # no column of interest
        "user,action,count\nAdmin,login,3\nKubernetes,deploy,1",  # service accounts under `user`
        "name,phone\nAlice Smith,555-0100,extra,cells",  # a row that does not fit the header is no row of it
    ],
)
def test_tables_without_such_values_keep_their_cells(text: str) -> None:
    assert list(find_table_cells(text)) == []


def test_a_card_columns_long_run_of_digits_is_a_card() -> None:
    # A Maestro's 19 digits: a long unseparated run outside a card's column is an id.
    text = ("INSERT INTO payments (id, card_number, amount)\n"
            "VALUES (1, '6304123456789012347', 12.50), (2, '4111 1111 1111 1111', 3.00);")
    redacted = redact_text(text, {})
    assert "6304123456789012347" not in redacted and redacted.count("<CREDIT_CARD>") == 2, redacted


def test_a_card_columns_cell_that_fails_luhn_is_kept() -> None:
    text = "id,card_number,amount\n1,6304123456789012348,12.50\n"
    assert redact_text(text, {}) == text


def test_a_georgian_name_column_is_read_though_unicode_gives_mkhedruli_capitals() -> None:
    text = "first_name,last_name,email\nნატო,თოლორდავა,nato@example.ge\n"
    redacted = redact_text(text, {})
    assert "ნატო" not in redacted and "თოლორდავა" not in redacted, redacted
