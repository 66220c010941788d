"""Who a lower-case message says just wrote or called (`pii_names_messaged`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_messaged import names_messaged


def _names(text: str) -> list[str]:
    return [text[start:end] for _, start, end in names_messaged(text)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("inga lassen skrev lige", ["inga lassen"]),  # `inga` is a Swedish stop word, and a given name
        ('  "text": "nasrin duran az önce yazdı",', ["nasrin duran"]),
        ("Transcription (auto): hey dana it's mo um agnes obi just texted me lol", ["agnes obi"]),
        ("[05/05/2025, 23:15] Joost: cas van vlaanderen appte net", ["cas van vlaanderen"]),
        ("14:02 me teodora vasilescu tocmai mi-a scris", ["teodora vasilescu"]),
    ],
)
def test_the_person_who_just_wrote_goes(text: str, names: list[str]) -> None:
    assert _names(text) == names
    assert all(name not in redact_text(text, {}) for name in names)


@pytest.mark.parametrize(
    "text",
    [
        "the build just texted me again",  # no message starts before `build`
        "my mom just texted",
        "hey support just emailed",  # an English word alone
        "customer support just emailed",
        "me: mam właśnie napisała",  # Polish "mum": a stop word
        "Hey Dana, Agnes just texted",  # capitals: the other finders' to read
    ],
)
def test_words_before_the_phrase_that_are_no_name_stay(text: str) -> None:
    assert _names(text) == []


def test_a_line_of_many_phrases_is_read_in_one_pass() -> None:
    line = "um agnes obi just texted " * 20_000
    assert len(_names(line)) == 20_000
