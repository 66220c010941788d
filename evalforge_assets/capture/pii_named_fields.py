"""Values whose field is named by another key: name-and-value pairs.

Forms, CRMs, dialogue systems and tool schemas store a field as a pair rather than as `key: value`:
`{"name": "phone", "value": "+44 20 7946 0958"}`, `slot=callback_number value="552 191 714 3692"`,
`{"field": "first_name", "value": "Alícia"}`. The keyed finders (`pii_context`, `pii_names_keys`) see the key `value`,
which names nothing; here the field's name decides, as it would as a key: a phone's (`phone`, `callback_number`) a
phone-shaped value, a password's or a secret's the value whole, an address's a street line, a person's a name.

So does a phone key over an object or a list of strings: `"phones": {"mobile": "…", "office": "8670806741"}` and
`"phone_numbers": ["…", "…"]` hold phones under keys that name a line (`office`, `home`) or none at all; an
object's other keys (`"sms": {"count": "1234567"}`) hold its metadata.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_address_keys import address_key, street_value
from evalforge_assets.capture.pii_called import phone_value
from evalforge_assets.capture.pii_key_names import PHONE_LINE_KEYS, key_kind
from evalforge_assets.capture.pii_names_keys import _person_under
from evalforge_assets.capture.pii_patterns import Candidate

_NAMED_FIELD = re.compile(
    r"""(?i)(?<![\w-])(?:name|slot|field|key|attribute|attr|param|parameter|property)["']?[ \t]*[:=][ \t]*["']?"""
    r"""(?P<field>[A-Za-z][\w.-]{1,40})["']?[ \t]*[,;]?[ \t]*["']?(?:value|val)["']?[ \t]*[:=][ \t]*"""
    r"""(?:"(?P<double>[^"\n]{1,200})"|'(?P<single>[^'\n]{1,200})')"""
)


# A JSON Patch (RFC 6902) names the field it sets by its path's last step: `{"op": "replace", "path": "/phone",
# "value": "915-22-408"}`, written on one line or several.
_PATCHED_FIELD = re.compile(
    r""""path"\s*:\s*"(?:/[^"/\n]*)*/(?P<field>[A-Za-z][\w.-]{1,40})"\s*,\s*"value"\s*:\s*"""
    r'"(?P<double>[^"\n]{1,200})"'
)
# A key over an object or a list without nesting, or over a list of such objects (`"phones": [{"type": "home",
# "number": "9811838212"}]`), and the quoted strings inside it.
_KEY_OVER = re.compile(
    r"""["'](?P<key>[A-Za-z][\w.-]{1,40})["'][ \t]*:[ \t]*(?:(?P<open>[{\[])(?P<body>[^{}\[\]]{1,2000})[}\]]"""
    r"""|(?P<list>\[)(?P<objects>(?:[^{}\[\]]++|\{[^{}\[\]]{0,400}+\})++)\])"""
)
_MOST_OBJECTS = 4000
_QUOTED = re.compile(
    r"""(?:["'](?P<inner>[A-Za-z][\w.-]{0,30})["'][ \t]*:[ \t]*)?"""
    r"""(?<![\w"'])["'](?P<value>[^"'\n]{1,60})["'](?![ \t]*:)"""
)


def find_phones_under_a_phone_key(text: str) -> Iterator[Candidate]:
    """The phone-shaped strings inside an object or a list that a phone key holds (see the module's docstring)."""
    if "{" not in text and "[" not in text:
        return
    for over in _KEY_OVER.finditer(text):
        if key_kind(over.group("key")) != "PHONE":
            continue
        body = "body" if over.group("body") is not None else "objects"
        if len(over.group(body)) > _MOST_OBJECTS:
            continue
        for quoted in _QUOTED.finditer(over.group(body)):
            inner = quoted.group("inner")
            # An object's strings are its numbers only under a line's key; a list's bare strings are numbers.
            in_an_object = over.group("open") == "{" or body == "objects"
            if in_an_object and (inner is None or (inner.lower() not in PHONE_LINE_KEYS and key_kind(inner) != "PHONE")):
                continue
            found = phone_value(quoted.group("value"))
            if found is not None and sum(char.isdigit() for char in quoted.group("value")) >= 7:
                start = over.start(body) + quoted.start("value")
                yield "PHONE", start + found[0], start + found[1]


def find_named_fields(text: str) -> Iterator[Candidate]:
    """Values of name-and-value pairs, by what their field's name says they hold (see the module's docstring)."""
    if "val" not in text.lower():
        return
    patched = _PATCHED_FIELD.finditer(text) if '"path"' in text else ()
    for match in itertools.chain(_NAMED_FIELD.finditer(text), patched):
        group = "double" if match.group("double") is not None else "single"
        value, start = match.group(group), match.start(group)
        field = match.group("field")
        kind = key_kind(field)
        if kind == "PHONE":
            found = phone_value(value)
            if found is not None:
                yield "PHONE", start + found[0], start + found[1]
        elif kind in ("PASSWORD", "SECRET") and value.strip():
            yield kind, start, start + len(value)
        elif address_key(field):
            if street_value(value):
                yield "STREET_ADDRESS", start, start + len(value)
        elif value.strip() and _person_under(field, value.strip()):
            at = start + value.index(value.strip())
            yield "PERSON", at, at + len(value.strip())
