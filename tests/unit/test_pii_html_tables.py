"""Cells of an HTML table read by the column their header names (`pii_html_tables`)."""

from __future__ import annotations

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_html_tables import find_html_table_cells

_TABLE = (
    '<table class="table table-striped">\n'
    "  <tr><th>Name</th><th>Phone</th><th>Address</th><th>Status</th></tr>\n"
    "  <tr><td>Ακριβή Μαστραγγελή</td><td>6954722797</td><td>Στροπώνων 390-854, 57547 Καρδίτσα</td>"
    "<td>active</td></tr>\n"
    "  <tr><td>გოდერძი პაპაშვილი</td><td> 518112320 </td><td>ბარალეთის ქ. 23, ამბროლაური</td><td>inactive</td></tr>\n"
    "</table>"
)


def test_a_header_names_its_column_s_phones() -> None:
    found = [(kind, _TABLE[start:end]) for kind, start, end in find_html_table_cells(_TABLE)]
    assert found == [("PHONE", "6954722797"), ("PHONE", "518112320")]  # no plan accepts them bare
    redacted = redact_text(_TABLE)
    assert "active" in redacted and "inactive" in redacted  # a column no header names stays
    assert "6954722797" not in redacted and "518112320" not in redacted


def test_ssn_and_password_columns_are_read_and_names_are_left_to_their_finders() -> None:
    text = ("<tr><th>Name</th><th>SSN</th><th>Password</th></tr>"
            "<tr><td>Ana Lima</td><td>078-05-1120</td><td>hunter2!x</td></tr>")
    found = [(kind, text[start:end]) for kind, start, end in find_html_table_cells(text)]
    assert found == [("US_SSN", "078-05-1120"), ("PASSWORD", "hunter2!x")]


def test_columns_no_header_names_rows_of_another_width_and_cells_with_markup_stay() -> None:
    text = (
        "<tr><th>Build</th><th>Phone</th></tr>\n"
        "<tr><td>6954722797</td><td><a href='tel:1'>6954722798</a></td></tr>\n"  # a build's number; markup
        "<tr><td>518112320</td></tr>\n"  # one cell fewer than the header
    )
    assert list(find_html_table_cells(text)) == []


def test_text_without_a_table_and_a_page_of_unclosed_tags_are_read_quickly() -> None:
    assert list(find_html_table_cells("no table here <b>x</b>")) == []
    assert list(find_html_table_cells("<tr>" * 20_000 + "<td>1234567")) == []
