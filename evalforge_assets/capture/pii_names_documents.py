"""Names in identity documents and in the fields a document extractor returns, where the rules before the learned look
leave them (asked after it, `pii_names_after_model`, so the words the person model is trained on stay the rules'):

- **A name key's value on its own line** (`surname: HALVEX`, `holder: ysabeau halvex`, `Given name(s): …`), as a
  passport's or a licence's YAML or a `Key: value` dump writes it: one to four words in capitals, each no ordinary
  English word or a known given name or a census surname (`SMITH`; not `UNKNOWN`); in lower case, each a known name or
  no English word; or capitalised, as a name column's cell (`pii_csv_columns.cell_is_name`). The rules read a
  capitalised run; one word in capitals they leave to the model, which reads it as often as a code.
- **A form field's label and value** (`{"key": "Surname", "value": "Fennimore"}`, `- label: Full name` above
  `  value: …`), the pairs document extractors return: the value beside a label that is a name key in the same flat
  record (`pii_names_records`' test of a record), read as above.
- **A machine-readable zone's name field** (ICAO 9303): `HALVEX<<YSABEAU<CORWIN` in a line of 30, 36 or 44 letters,
  digits and `<` fillers, after the document code and issuing state on a passport's or a visa's first line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_csv_columns import _NAME_WORD, cell_is_name
from evalforge_assets.capture.pii_key_names import _normalized
from evalforge_assets.capture.pii_names import _ordinary, _surname_ranks, known_given_name
from evalforge_assets.capture.pii_names_cues import _NON_NAME_WORDS, _titled
from evalforge_assets.capture.pii_names_keys import _DOCUMENT_NAME_KEYS, _NAME_KEY_ENDINGS, lower_case_name
from evalforge_assets.capture.pii_names_records import nearest_spans, same_json_record, same_yaml_item
from evalforge_assets.capture.pii_patterns import Candidate

# A passport's, an ID card's and a licence's keys for the name and its holder, normalized (`_normalized`): the name
# keys `pii_names_keys` reads on documents, and the holder's.
_DOCUMENT_KEYS = frozenset([*_DOCUMENT_NAME_KEYS, "holder", "nameofholder", "bearer", "nameofbearer",
                            "primaryidentifier", "secondaryidentifier"])
_KEY_LINE = re.compile(
    r"^[ \t]*(?:-[ \t]+)?(?P<key>[A-Za-z][\w .()/-]{1,40}?)[ \t]*:[ \t]+"
    r"(?P<value>[^\W\d_][^\n:#\"'{}\[\]<>|,;=]{0,60}?)[ \t]*$",
    re.MULTILINE,
)
# A form field's label and its value, in JSON or on a YAML item's lines.
_LABEL_KEYS = "key|label|field|fieldName|field_name|name|title"
_VALUE_KEYS = "value|text|content|fieldValue|field_value|answer"
_JSON_LABEL = re.compile(rf'"(?:{_LABEL_KEYS})"[ \t]*:[ \t]*"(?P<label>[^"\\\n]{{1,40}})"')
_JSON_VALUE = re.compile(rf'"(?:{_VALUE_KEYS})"[ \t]*:[ \t]*"(?P<value>[^"\\\n<>{{}}\[\]@]{{1,60}})"')
_YAML_LABEL = re.compile(
    rf"^(?P<indent>[ \t]*(?:-[ \t]+)?)(?:{_LABEL_KEYS})[ \t]*:[ \t]*[\"']?(?P<label>[^\"'\n:#]{{1,40}}?)[\"']?[ \t]*$",
    re.MULTILINE,
)
_YAML_VALUE = re.compile(
    rf"^[ \t]*(?:-[ \t]+)?(?:{_VALUE_KEYS})[ \t]*:[ \t]*[\"']?(?P<value>[^\"'\n:#]{{1,60}}?)[\"']?[ \t]*$",
    re.MULTILINE,
)
# A machine-readable zone's line: 30 (TD1), 36 (TD2) or 44 (TD3) capitals, digits and fillers.
_MRZ_LINE = re.compile(r"(?<![A-Z0-9<])[A-Z0-9<]{30,44}(?![A-Z0-9<])")
_MRZ_LENGTHS = frozenset([30, 36, 44])
_MRZ_NAMES = re.compile(r"[A-Z]+(?:<[A-Z]+)*<<[A-Z]+(?:<[A-Z]+)*")
_MRZ_NAME = re.compile(r"[A-Z]+")
_MRZ_FIRST_LINE = re.compile(r"[PVIAC][A-Z<][A-Z<]{3}")  # document code and issuing state, before the names


def document_names(text: str) -> Iterator[Candidate]:
    """PERSON candidates of a name key's line and a form field's label and value (see the module's docstring)."""
    if ":" in text:
        for match in _KEY_LINE.finditer(text):
            if _a_name_key(match.group("key")) and _document_name(match.group("value")):
                yield "PERSON", match.start("value"), match.end("value")
        yield from _form_field_names(text)


def _a_name_key(key: str) -> bool:
    normalized = _normalized(key)
    return normalized.endswith(_NAME_KEY_ENDINGS) or normalized in _DOCUMENT_KEYS


def _document_name(value: str) -> bool:
    """A name key's value, in capitals, lower case or capitalised (see the module's docstring)."""
    words = value.split()
    if not 1 <= len(words) <= 4 or not all(_NAME_WORD.fullmatch(word) for word in words):
        return False
    if value.isupper():
        return all(len(word) > 1 and word.lower() not in _NON_NAME_WORDS and (
            not _ordinary(titled := _titled(word)) or known_given_name(titled) or titled in _surname_ranks())
            for word in words)
    if value.islower():
        return lower_case_name(value)
    return cell_is_name(value)


def _form_field_names(text: str) -> Iterator[Candidate]:
    """The value beside each name label in the same flat JSON record or YAML item; only the values just before and
    after a label are asked (`pii_names_records.nearest_spans`), which keeps a long form linear."""
    for gate, labels, value_pattern, same_record in (('":', _JSON_LABEL, _JSON_VALUE, same_json_record),
                                                     ("\n", _YAML_LABEL, _YAML_VALUE, same_yaml_item)):
        if gate not in text:
            continue
        values = {(value.start(), value.end()): value for value in value_pattern.finditer(text)}
        spans = list(values)
        starts = [start for start, _ in spans]
        for label in labels.finditer(text):
            if not spans or not _a_name_key(label.group("label")):
                continue
            for span in nearest_spans(spans, starts, label):
                value = values[span]
                if _document_name(value.group("value")) and same_record(text, label, span):
                    yield "PERSON", value.start("value"), value.end("value")


def machine_readable_names(text: str) -> Iterator[Candidate]:
    """Each name of a machine-readable zone's name field (see the module's docstring). Its place says it is a person's,
    so `pii_not_people` is not asked (it reads `QUARRENDON` after `P<GBR` as a firm's)."""
    if "<<" not in text:
        return
    for line in _MRZ_LINE.finditer(text):
        zone = line.group()
        if len(zone) not in _MRZ_LENGTHS:
            continue
        offset = 5 if _MRZ_FIRST_LINE.match(zone) and len(zone) != 30 else 0  # TD1's names have a line of their own
        names = _MRZ_NAMES.match(zone, offset)
        if names is not None:  # each name apart: one may be taken already, as an echo of the document's name field
            for name in _MRZ_NAME.finditer(zone, names.start(), names.end()):
                yield "PERSON", line.start() + name.start(), line.start() + name.end()
