"""Names in identity documents and extracted form fields (`capture/pii_names_documents.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("document_type: passport\nsurname: QUARRENDON\nnationality: GBR\n", ["QUARRENDON"]),
        ("extracted:\n  holder: ysolde quarrendon\n  name_of_holder: YSOLDE QUARRENDON\n",
         ["ysolde quarrendon", "YSOLDE QUARRENDON"]),
        ("fields:\n  - key: Surname\n    value: Quarrendon\n  - key: Nationality\n    value: GBR\n", ["Quarrendon"]),
        ('[{"label": "Full name", "value": "ysolde quarrendon"}, {"label": "Sex", "value": "F"}]',
         ["ysolde quarrendon"]),
        ('mrz: "P<GBRQUARRENDON<<YSOLDE<MAE<<<<<<<<<<<<<<<<<"', ["QUARRENDON", "YSOLDE", "MAE"]),
        ("IDGBR1234567897<<<<<<<<<<<<<<<\n8501014F3001012GBR<<<<<<<<<<<6\nQUARRENDON<<YSOLDE<<<<<<<<<<<<\n",
         ["QUARRENDON", "YSOLDE"]),
    ],
)
def test_a_documents_names_are_redacted(text: str, names: list[str]) -> None:
    redacted = redact_text(text, {})
    assert not [name for name in names if name in redacted], redacted


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("surname: UNKNOWN\ngiven_names: NOT PROVIDED\n", ["UNKNOWN", "NOT PROVIDED"]),
        ("fields:\n  - key: Nationality\n    value: Britannic\n  - key: Surname\n    value: n/a\n", ["Britannic"]),
        ('{"label": "Document name", "value": "Annual Report"}', ["Annual Report"]),
        # a line of 44 capitals and fillers without the names' double filler is no zone
        ("ref: ABCDEFGHIJ<KLMNOPQRST<UVWXYZ<ABCDEFGHIJKLMNO", ["ABCDEFGHIJ"]),
    ],
)
def test_placeholders_other_fields_and_other_codes_are_kept(text: str, kept: list[str]) -> None:
    redacted = redact_text(text, {})
    assert all(value in redacted for value in kept), redacted
