"""The name rules asked after the learned look (`pii_names_learned`): asked among the other finders, they moved the
words the person model is trained on (`tools/train_person_model.py --check`), so they take only what the model and
the rules before it left. Three rounds, each taking a candidate only where nothing was found yet:

1. names beside a relative's word in another script, lower-case names under name keys, a name column's cells in
   lower case or family name first, and ordinary words in a column of one part of a name (`pii_names_keys`), a
   passport's machine-readable zone (`pii_names_documents`), possessive citations;
2. rules whose candidates may be firms or products, so each passes `pii_not_people.names_no_one` first: lone words
   of scripts without capitals, introductions, labels, kin words, speakers, paragraph writers, capitalised
   Russian given names (`pii_names_russian`), the answer to a question for a name, an author block's names with
   their footnote marks, who a lower-case message says just wrote, whom a message is to be written to or an
   assistant is asked to call, the name of a JSON or YAML contact record that holds a found phone or e-mail address
   (`pii_names_records`), a name after a ward's title (`RN`, `Sister`: `pii_names_titled`), the names under an
   identity document's keys and in extracted form fields (`pii_names_documents`), a name beside an honorific or a
   case marker of romanised chat (`mehmet abi`, `ravi ko`, `kay ana`: `pii_names_honorifics`), and the staff a
   review names after their job or a word of thanks (`our server Jenna`, `kudos to Corwin`: `pii_names_staff`),
   and Hebrew, Arabic and Persian names after an attendee or owner label or before a person's verb
   (`pii_names_caseless`), and Korean names before a job title, after a minutes' label or opening the lines of two
   speakers (`pii_names_korean`), and patients before an age and a sex, after a bed or family name first in
   capitals (`pii_names_clinical`), and a particle-led family name after a title (`pii_names_particles`);
3. names found again: copies of the names found so far, the authors beside a found author in a reference row, and
   the given names in a list with a found name (`pii_names_listed_with`).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain

from evalforge_assets.capture.pii_names_answered import names_answered
from evalforge_assets.capture.pii_names_caseless import names_before_verbs, names_listed_after_labels
from evalforge_assets.capture.pii_names_citations import (
    authors_beside_found,
    marked_authors,
    possessive_citations,
)
from evalforge_assets.capture.pii_names_clinical import clinical_names
from evalforge_assets.capture.pii_names_copied import copied_names
from evalforge_assets.capture.pii_names_documents import document_names, machine_readable_names
from evalforge_assets.capture.pii_names_honorifics import names_beside_honorifics
from evalforge_assets.capture.pii_names_introduced import find_introduced_names
from evalforge_assets.capture.pii_names_keys import (
    lower_case_names_under_keys,
    names_in_name_columns_the_rules_leave,
    names_in_name_part_columns,
)
from evalforge_assets.capture.pii_names_kin import names_after_kin, names_before_kin
from evalforge_assets.capture.pii_names_korean import (
    korean_names_before_titles,
    korean_names_listed,
    korean_speakers,
)
from evalforge_assets.capture.pii_names_labelled import labelled_names
from evalforge_assets.capture.pii_names_listed_with import names_listed_with_found
from evalforge_assets.capture.pii_names_lone import lone_words_named
from evalforge_assets.capture.pii_names_messaged import (
    names_after_personal_a,
    names_contacted,
    names_messaged,
    names_written_to,
)
from evalforge_assets.capture.pii_names_particles import names_with_particles_after_titles
from evalforge_assets.capture.pii_names_records import record_names
from evalforge_assets.capture.pii_names_russian import find_russian_names
from evalforge_assets.capture.pii_names_scripts import names_after_relatives
from evalforge_assets.capture.pii_names_speakers import paragraph_writers, posted_by_speakers, timed_speakers
from evalforge_assets.capture.pii_names_staff import staff_names
from evalforge_assets.capture.pii_names_titled import titled_staff_names
from evalforge_assets.capture.pii_not_people import names_no_one
from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_shapes import Shapes
from evalforge_assets.capture.pii_taken import TakenSpans


def add_names_after_the_model(
    text: str, accepted: list[Candidate], taken: TakenSpans, shapes: Shapes, accept: Callable[[Candidate], None]
) -> None:
    """Offer `accept` (which takes a candidate if it is free, into `accepted` and `taken`) each round's names."""
    for candidate in chain(names_after_relatives(text), lower_case_names_under_keys(text),
                           names_in_name_columns_the_rules_leave(text), names_in_name_part_columns(text),
                           machine_readable_names(text), possessive_citations(text)):
        accept(candidate)
    for candidate in chain(lone_words_named(text, taken), find_introduced_names(text, shapes),
                           labelled_names(text, shapes), names_after_kin(text, shapes), names_before_kin(text, shapes),
                           timed_speakers(text), posted_by_speakers(text), paragraph_writers(text),
                           find_russian_names(text), names_answered(text, shapes), marked_authors(text),
                           names_messaged(text), names_written_to(text), names_contacted(text, shapes),
                           record_names(text, accepted), titled_staff_names(text), document_names(text),
                           names_beside_honorifics(text), staff_names(text), names_before_verbs(text),
                           names_listed_after_labels(text), korean_names_before_titles(text),
                           korean_names_listed(text), korean_speakers(text), clinical_names(text),
                           names_with_particles_after_titles(text, shapes), names_after_personal_a(text)):
        if not names_no_one(text, *candidate[1:]):
            accept(candidate)
    persons = [c for c in accepted if c[0] == "PERSON"]
    for candidate in chain(copied_names(text, persons, shapes), authors_beside_found(text, persons),
                           names_listed_with_found(text, persons)):  # named again
        accept(candidate)
