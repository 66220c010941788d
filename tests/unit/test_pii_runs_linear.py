"""Texts of many street lines or capitalised runs are read in linear time. Two steps were quadratic in the number of
findings or the text's length: merging overlapping street lines compared each with a list of the merged ones (20,000
lines took 4 s, 200,000 would take six minutes), and the full-name finder looked for the word before each run by a
search from the text's start (20,000 runs took 85 s). The suite's timeout catches a return of either; the results
are the same."""

from __future__ import annotations

from evalforge_assets.capture.pii_address import find_addresses
from evalforge_assets.capture.pii_names import find_full_names, load_name_data
from evalforge_assets.capture.pii_shapes import Shapes


def test_a_text_of_many_street_lines_is_read_in_linear_time() -> None:
    text = "ul. Lipowa 5\n" * 200_000
    found = find_addresses(text, Shapes.of(text))
    assert len(found) == 200_000
    assert text[found[0][1]:found[0][2]] == "ul. Lipowa 5"


def test_a_text_of_many_capitalised_runs_is_read_in_linear_time() -> None:
    load_name_data()
    text = "Aa Bb Cc g. " * 40_000
    assert len(list(find_full_names(text))) == 40_000


def test_the_word_before_a_run_still_decides_in_english_text() -> None:
    # "Zqo Vxa" is no known name; an ordinary English word just before or after it makes it one in English prose
    text = "the report was sent to Zqo Vxa"
    assert [text[start:end] for _, start, end in find_full_names(text)] == ["Zqo Vxa"]
