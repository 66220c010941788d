"""The name someone gives for themselves right after a greeting (`capture/pii_names_introduced.py`). The examples
are invented."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_introduced import find_introduced_names


@pytest.mark.parametrize(("text", "names"), [
    ('Voicemail transcript: "hey it\'s taniska again, um, call me back when you can"', ["taniska"]),
    ("hi!! okonkwo here - can u move my slot to friday?", ["okonkwo"]),
    ('{"text": " hi odile it\'s maelys from accounts payable"}', ["maelys", "odile"]),
    ("caller: yeah hi it's nguyễn thị lan i'm calling about my order", ["nguyễn thị lan"]),
    ('Voicemail (9s): "Hi, it\'s Zubair calling about the boiler repair."', ["Zubair"]),
    ("hey its wendelin brocks from Oakfield Builders, can u resend the quote", ["wendelin brocks"]),
    ("Hello, this is Ngozi Adeyemi speaking.", ["Ngozi Adeyemi"]),
    ("hey it's laura again, the dog sitter", ["laura"]),  # a Webster word that is a given name
    ("hi дарина it's степан from procurement", ["степан", "дарина"]),
])
def test_a_name_given_after_a_greeting_is_found(text: str, names: list[str]) -> None:
    assert [text[start:end] for _, start, end in find_introduced_names(text)] == names
    redacted = redact_text(text, {})
    assert not any(name in redacted for name in names)


@pytest.mark.parametrize("text", [
    "hi it's me again, the build is still red",  # a stop word
    "hey its down again since the deploy",  # an ordinary word
    "hi team, it's fine, no action needed.",
    "hi all here is the agenda for tomorrow",
    "Hi, this is the Acme support team.",
    "Hello it's broken from the start",
    "it's orlando again",  # no greeting before the cue
    "hey it's ", "hi", "",
])
def test_what_follows_a_greeting_but_names_no_one_stays(text: str) -> None:
    assert list(find_introduced_names(text)) == []


def test_the_name_must_be_confirmed_by_what_follows_it() -> None:
    # "it's" after a greeting, then a word that neither ends the clause nor is a caller's next word: not read.
    assert list(find_introduced_names("hey it's grafana dashboards that broke")) == []
    # "again" after a word that is no given name: a name only when the caller goes on about themselves.
    assert list(find_introduced_names("hey it's nginx again, restart the pods")) == []
    assert [m[1:] for m in find_introduced_names("hey it's zorvani again, can you call me")] == [(9, 16)]
    assert [m[1:] for m in find_introduced_names("hey it's zorvani calling about the order")] == [(9, 16)]


def test_many_greetings_and_long_blank_runs_cost_little() -> None:
    text = ("yeah  " * 3000) + ("hey,   " + " " * 40) * 2000 + "hi " + "abc " * 5000
    assert list(find_introduced_names(text)) == []
