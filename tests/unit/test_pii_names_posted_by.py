"""The writers of a thread copied from a chat app, each message opened by a line of the writer's name and the time
(`capture/pii_names_speakers.py`, `posted_by_speakers`), and the writer leading a paragraph in lower case
(`paragraph_writers`). The examples are invented."""

from __future__ import annotations

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_speakers import paragraph_writers, posted_by_speakers

THREAD = (
    "Teodric Marrow  10:50\n"
    "anyone know who's covering on-call tonight?\n"
    "Dalia  11:02\n"
    "not me, ask teodric again later\n"
    "Teodric Marrow  11:40\n"
    "👍 thanks"
)


def test_the_writers_of_a_copied_thread_and_their_lower_case_mentions_are_found() -> None:
    found = {THREAD[start:end] for _, start, end in posted_by_speakers(THREAD)}
    assert found == {"Teodric Marrow", "Dalia", "teodric"}
    redacted = redact_text(THREAD, {})
    assert "Teodric" not in redacted and "teodric" not in redacted and "Dalia" not in redacted


def test_a_writer_of_two_words_may_hold_one_ordinary_word() -> None:
    text = "Orla Seven  9:14 AM\nshipping it\nBram Tolle  9:20 AM\nok"
    assert {text[start:end] for _, start, end in posted_by_speakers(text)} == {"Orla Seven", "Bram Tolle"}


def test_lines_of_a_word_and_a_time_that_name_no_one_stay() -> None:
    for text in (
        "Release Train  10:50\nfrozen\nCode Freeze  11:00\nlifted",  # only ordinary words
        "Deploy  10:50\nok\nRollback  11:00\nok",  # one word that is no given name
        "Agent  10:50\nhello\nMarisol Quant  10:51\nhi",  # a role writes: a support transcript, read elsewhere
        "Teodric Marrow  10:50\nhello",  # one line is no thread
    ):
        assert list(posted_by_speakers(text)) == []


def test_the_writer_leading_a_paragraph_in_lower_case_is_found() -> None:
    text = 'config/app.ts:41\n> client = Client(api_key="…")\n\nmirela: please move this key into the vault first.'
    assert [text[start:end] for _, start, end in paragraph_writers(text)] == ["mirela"]
    assert "mirela" not in redact_text(text, {})


def test_a_paragraph_led_by_a_label_or_a_short_note_stays() -> None:
    for text in ("intro\n\nnote: please move this key into the vault first.",  # an English word
                 "intro\n\nmirela: thanks",  # no sentence after it
                 "intro\nmirela: please move this key into the vault first."):  # no blank line before it
        assert list(paragraph_writers(text)) == []
