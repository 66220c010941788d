"""Street lines read out, the house number in words (`capture/pii_address_spoken.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("take me to four twenty one oak street", "four twenty one oak street"),
        ("it's twelve hundred maple avenue", "twelve hundred maple avenue"),
        ("navigate to one two three main street please", "one two three main street"),
        ("ship to nine ridgeview court", "nine ridgeview court"),  # one number word after "to"
        ("i live at twenty two baker street", "twenty two baker street"),
    ],
)
def test_a_street_read_out_goes(text: str, street: str) -> None:
    assert street not in redact_text(text)
    assert "<STREET_ADDRESS>" in redact_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "it is a one way street",  # one number word with no place word before it
        "two side roads were closed",
        "we walked down three streets",  # a plural type
        "at one point the road was closed",  # a stop word in the name
        "the hotel is ten minutes drive away",  # a time before "drive"
        "it is a short drive, one hour drive from town",
        "The Langham is at One Portland Place",  # capitalised: a building's name, not speech
    ],
)
def test_other_number_words_before_a_street_type_stay(text: str) -> None:
    assert "<STREET_ADDRESS>" not in redact_text(text)
