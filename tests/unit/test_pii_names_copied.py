"""People copied by name after `cc` (`capture/pii_names_copied.py`). The examples are invented."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_copied import copied_names


@pytest.mark.parametrize(("text", "redacted"), [
    ("## Testing\nChecked against Ovinaya's fixtures. cc ovinaya",
     "## Testing\nChecked against <PERSON>'s fixtures. cc <PERSON>"),  # capitalised elsewhere: both hidden
    ("Thanks Marguerite Okafor for the repro. cc marguerite",
     "Thanks <PERSON> for the repro. cc <PERSON>"),  # a found name's part, though an English word
    ("Checked against तनिष्का's fixtures. cc तनिष्का", "Checked against <PERSON>'s fixtures. cc <PERSON>"),
    ("Reviewed with Ζωή's notes. /cc ζωή", "Reviewed with <PERSON>'s notes. /cc <PERSON>"),
    ("Pairing with Teodric and Ysolde tomorrow.\ncc teodric, ysolde",
     "Pairing with <PERSON> and <PERSON> tomorrow.\ncc <PERSON>, <PERSON>"),
])
def test_a_name_copied_after_cc_is_hidden_with_its_other_mention(text: str, redacted: str) -> None:
    assert redact_text(text, {}) == redacted


@pytest.mark.parametrize("text", [
    "cc release notes",  # ordinary words
    "Engine: 1600 cc petrol, manual gearbox",
    "cc me and the on-call team please",
    "gcc -O2 main.c && cc -o app main.c",
    "Built with Kubeflow. cc kubeflowx",  # no other mention of the word itself
    "cc zorvath",  # written nowhere else
])
def test_words_after_cc_that_name_no_one_stay(text: str) -> None:
    assert list(copied_names(text, [])) == []


def test_many_copies_are_read_once_each() -> None:
    text = "cc yadavi, " * 3000 + "Yadavi"
    assert len(set(copied_names(text, []))) == 3000
