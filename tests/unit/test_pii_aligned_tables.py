"""Cells of a table printed in aligned columns (`capture/pii_aligned_tables.py`): a DataFrame's or a CLI's listing."""

from __future__ import annotations

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_aligned_tables import find_aligned_table_cells

_FRAME = (
    "Out[7]:\n"
    "      name              email                  phone             ssn\n"
    "0     Ana Lima          ana.lima@example.com   0045 74 89 40 16  078-05-1120\n"
    "1     Bo Jensen         bo@example.dk          71945268          219-09-9999\n"
)


def test_a_dataframes_phone_and_ssn_columns_are_read_by_their_header() -> None:
    found = {_FRAME[start:end] for _, start, end in find_aligned_table_cells(_FRAME)}
    assert {"71945268", "219-09-9999"} <= found


def test_the_printed_frame_keeps_none_of_its_numbers() -> None:
    redacted = redact_text(_FRAME, {})
    assert "71945268" not in redacted and "219-09-9999" not in redacted, redacted


def test_a_listing_whose_columns_name_nothing_personal_is_kept() -> None:
    text = "NAME       READY   STATUS    RESTARTS   AGE\napi-7d9f    1/1     Running   71945268   3d\n"
    assert list(find_aligned_table_cells(text)) == []


def test_a_row_of_another_width_ends_the_table() -> None:
    text = "phone      plan\n71945268   basic\n\nsomething  else  entirely\n12345678   x   y\n"
    assert [text[start:end] for _, start, end in find_aligned_table_cells(text)] == ["71945268"]
