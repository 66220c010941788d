"""Names in Hindi prose, read by romanising Devanagari against the name data (`pii_names_devanagari`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_devanagari import romanised_keys


@pytest.mark.parametrize(
    ("word", "keys"),
    [
        ("राहुल", ("rahul",)),
        ("दीपक", ("dipak",)),  # long vowels short: the key of `Deepak` too
        ("संजय", ("sanjay",)),  # the vowel a last consonant carries is not spoken
        ("आदित्य", ("aditya",)),  # but it is after a cluster
        ("सरला", ("sarala", "sarla")),  # and between a vowel and a consonant with a vowel, Hindi drops it
        ("ऑर्डर", ()),  # a letter the romaniser does not know: no key
    ],
)
def test_a_devanagari_word_is_romanised_as_the_name_data_spells_it(word: str, keys: tuple[str, ...]) -> None:
    assert romanised_keys(word) == keys


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("राहुल शर्मा ने कल ऑर्डर के बारे में फोन किया।", "<PERSON> ने कल ऑर्डर के बारे में फोन किया।"),
        ("कृपया अमित कुमार से संपर्क करें।", "कृपया <PERSON> से संपर्क करें।"),
        ("सतीश और रति को बोल दो हम लेट होंगे", "<PERSON> और <PERSON> को बोल दो हम लेट होंगे"),
        ("मैं कल दिल्ली जाऊंगा और राकेश से मिलूंगा", "मैं कल दिल्ली जाऊंगा और <PERSON> से मिलूंगा"),
    ],
)
def test_a_given_name_of_india_before_a_surname_or_a_postposition_goes(text: str, expected: str) -> None:
    assert redact_text(text, {}) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Whole sentences: a short run of one script alone is read by `pii_names_scripts` as a name.
        "हम सब पूजा के बाद खाना खाएंगे",  # after the puja: a given name that is a noun, with no surname
        "शाम को दीपक जलाओ और घर साफ करो",
        "आखिरकार सच की विजय हुई और सब खुश हैं",
        "कृपया शांति से बात करें और इंतजार करें",
        "आज मौसम अच्छा है और कल बारिश होगी।",  # `कल` romanises to a name, and is "tomorrow"
    ],
)
def test_nouns_named_like_people_and_everyday_words_stay(text: str) -> None:
    assert redact_text(text, {}) == text


def test_a_loanword_that_romanises_to_another_country_s_name_is_no_name() -> None:
    text = "सर्वर से कनेक्शन टूट गया है और अनुरोध विफल हो गया"  # server: `sarvar`, an Uzbek name, not one of India's
    assert redact_text(text, {}) == text
