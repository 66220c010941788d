"""Every finder of person names, each asked only when a cheap test says it may find one."""

from __future__ import annotations

import re

from evalforge_assets.capture.pii_names import find_full_names
from evalforge_assets.capture.pii_names_beside import find_holders_before_ibans
from evalforge_assets.capture.pii_names_chinese import find_chinese_names
from evalforge_assets.capture.pii_names_citations import find_cited_names
from evalforge_assets.capture.pii_names_cjk import find_cjk_cued_names
from evalforge_assets.capture.pii_names_cues import find_cued_names
from evalforge_assets.capture.pii_names_devanagari import find_devanagari_names
from evalforge_assets.capture.pii_names_fhir import find_fhir_names
from evalforge_assets.capture.pii_names_fields import find_field_names
from evalforge_assets.capture.pii_names_handles import find_handle_names
from evalforge_assets.capture.pii_names_keys import find_keyed_names
from evalforge_assets.capture.pii_names_lists import find_listed_names
from evalforge_assets.capture.pii_names_lowercase import find_lower_case_names
from evalforge_assets.capture.pii_names_native import find_native_cued_names
from evalforge_assets.capture.pii_names_native_keys import find_native_keyed_names
from evalforge_assets.capture.pii_names_pairs import find_paired_names
from evalforge_assets.capture.pii_names_places import find_placed_names
from evalforge_assets.capture.pii_names_possessive import find_possessive_names
from evalforge_assets.capture.pii_names_scripts import find_script_names
from evalforge_assets.capture.pii_names_signed import find_signed_names
from evalforge_assets.capture.pii_names_speakers import find_speakers
from evalforge_assets.capture.pii_names_spelled import find_spelled_names
from evalforge_assets.capture.pii_names_spoken import find_spoken_names
from evalforge_assets.capture.pii_names_tasks import find_task_owners
from evalforge_assets.capture.pii_names_thai import find_thai_names
from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_shapes import Shapes

_DEVANAGARI = re.compile("[\u0900-\u097f]")
# Three single letters in a row, the least a spelled name has (a search far cheaper than the finder's patterns).
_SPELLED_GATE = re.compile(r"(?<![\w'’])[^\W\d_][ \t.-][^\W\d_][ \t.-][^\W\d_](?![\w'’])")


def name_candidates(text: str, shapes: Shapes) -> list[Candidate]:
    """PERSON candidates of every name finder (the addressee above a street is added once streets are found,
    `pii_names_beside.addressee_names`)."""
    found: list[Candidate] = []
    found += find_keyed_names(text, shapes.letters if shapes.ascii else None)
    found += find_fhir_names(text)  # gated inside: a literal search for its keys
    if not shapes.ascii:
        found += find_native_keyed_names(text)
        found += find_chinese_names(text)
        found += find_thai_names(text)  # gated inside: a search for a Thai letter
        if _DEVANAGARI.search(text):
            found += find_devanagari_names(text)
    found += find_signed_names(text)
    found += find_possessive_names(text)
    found += find_field_names(text)
    found += find_full_names(text, shapes)
    found += find_cued_names(text, shapes)
    found += find_listed_names(text, shapes)
    found += find_placed_names(text, shapes)
    found += find_lower_case_names(text, shapes)
    found += find_spoken_names(text)
    found += find_paired_names(text, shapes)
    found += find_cited_names(text)
    found += find_task_owners(text)
    found += find_handle_names(text)
    if ":" in text:
        found += find_speakers(text)
    if not shapes.ascii:
        found += find_script_names(text)
        found += find_cjk_cued_names(text)
    found += find_native_cued_names(text, shapes)  # titles after a name (`Tanaka-san`, `Ahmet Bey`) are ASCII too
    if _SPELLED_GATE.search(text):
        found += find_spelled_names(text)
    if "IBAN" in text:
        found += find_holders_before_ibans(text)
    return found
