"""A number found once in a text is that number wherever else it stands whole (`pii_value_echoes`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import find_pii, redact_text


def _phones(text: str) -> list[str]:
    return [match.value for match in find_pii(text) if match.entity == "PHONE"]


def test_a_number_found_after_a_cue_is_hidden_where_it_stands_again_without_one() -> None:
    text = ("Media contact: Emiro Salgado Arteaga, salgado@sales-gomes-me.com.co, 32877622526 "
            "Press office: 32877622526")
    assert _phones(text) == ["32877622526", "32877622526"]
    assert "32877622526" not in redact_text(text)


@pytest.mark.parametrize("text", [
    "tel 32877622526; ref 1-32877622526",  # inside a longer number
    "tel 32877622526; token x32877622526",  # inside a word
    "tel 32877622526; https://example.org/run/32877622526",  # a URL's path segment
    "tel 32877622526; control id 32877622526",  # an id's noun before it
])
def test_the_same_digits_inside_something_else_or_after_an_id_s_noun_stay(text: str) -> None:
    assert _phones(text) == ["32877622526"]

