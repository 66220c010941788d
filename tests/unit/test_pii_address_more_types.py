"""English-order streets of the USPS's and AS/NZS 4819's road types the main patterns leave
(`capture/pii_address_more_types.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import find_pii, rule_findings


def _streets(text: str) -> list[str]:
    return [match.value for match in find_pii(text) if match.entity == "STREET_ADDRESS"]


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("Lease of 12 Harlow Amble, Sydney NSW", "12 Harlow Amble"),
        ("I have 45 Kestrel Byway as my new address", "45 Kestrel Byway"),
        ('{"query": "Room 1.17, 713 Amber Trafficway Apt. 241"}', "713 Amber Trafficway Apt. 241"),
        ("The flat at 12/4 Harbour Esplanade is vacant.", "12/4 Harbour Esplanade"),
        ("She moved to 8 Tamsin Wynd last year.", "8 Tamsin Wynd"),
    ],
)
def test_a_street_of_another_road_type_is_found_with_the_learned_look_only(text: str, street: str) -> None:
    assert _streets(text) == [street]
    assert not [m for m in rule_findings(text) if m.entity == "STREET_ADDRESS"]  # the model's training words hold


@pytest.mark.parametrize(
    "text",
    [
        "Top 10 Summer Retreats in 5 Easy Steps",  # no plural
        "Chapter 3 Secret Passage opens",  # an everyday word in a title is no road type here
        "None of the 8 retrieved passages address configuring SAML SSO",
        "Level 4 Quay Quarter Tower",  # no house number before the name
    ],
)
def test_titles_and_counts_before_such_words_stay(text: str) -> None:
    assert _streets(text) == []
