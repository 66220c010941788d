"""Undoing the disguises personal data travels in before it is scanned: Unicode compatibility forms
(full-width `ｅｘａｍｐｌｅ＠…`, ligatures), zero-width characters inside a value, URL-encoding
(`?email=erin.url%40example.com`, `+` for a space in a form-encoded value), JSON strings whose letters are `\\uXXXX` escapes (what `json.dumps` writes by
default: `"Harloffstra\\u00dfe 127"`, also a JSON document inside a JSON string) and base64 segments
(`payload=eyJlbWFpbCI6…`).

`prepare` returns the text to scan and to store: normalized (NFKC, zero-width characters removed), and with
each encoded segment that hides a finding replaced by its decoded, redacted form. Encoded segments that hide
nothing are kept as they were, so ordinary URLs and blobs stay byte for byte. A segment is judged alone, by the
rules; `encoded_letters_view` lets the finders read escaped and percent-encoded letters with the text around them
(a key, a sentence), and their findings are placed back on the encoded letters.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import unquote, unquote_plus

# Zero-width and invisible formatting characters that split a value without showing: ZWSP, ZWNJ, ZWJ, LRM,
# RLM, word joiner and invisible operators, BOM, soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad"))
_PERCENT_RUN = re.compile(r"[^\s\"'<>&?=]*%[0-9A-Fa-f]{2}[^\s\"'<>&?=]*")
# A form-encoded value of a query string or a form body, where `+` is a space (`?from=Calle+Mayor+48%2C+Madrid`).
_FORM_VALUE = re.compile(r"(?<==)[^\s\"'<>&?=#]*[^\W_]\+[^\s\"'<>&?=#]*")
# A JSON string (its content may hold escaped quotes); one that holds a `\uXXXX` escape is decoded.
_JSON_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_BASE64_RUN = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])")
# Affiliation and footnote marks in superscript at a word's end (`Roksana Denkiewicz¹*`, `Petr Bláha²,`, `Smithᵃ`):
# NFKC would glue them to the word as plain digits or letters (`Denkiewicz1`), which no name finder reads as a
# name, so they are written `^1` as one types a superscript. Only one or two marks that end a word: a number
# written in superscripts, or a mark inside an address (`john¹@…`), is folded as NFKC folds it.
_SUPERSCRIPT_MARKS = "⁰¹²³⁴⁵⁶⁷⁸⁹ᵃᵇᶜᵈᵉ"
_MARK_AFTER_WORD = re.compile(rf"(?<=[^\W\d_{_SUPERSCRIPT_MARKS}])[{_SUPERSCRIPT_MARKS}]{{1,2}}(?![{_SUPERSCRIPT_MARKS}\w@.])")
_FOLDED_MARKS = str.maketrans(_SUPERSCRIPT_MARKS, unicodedata.normalize("NFKC", _SUPERSCRIPT_MARKS))
# A `\uXXXX` escape behind one backslash or more: `json.dumps` writes every letter outside ASCII so by default
# (`"Ger\u00f3nimo"`), and a JSON document inside a JSON string doubles the backslash (`\\u00c7elikkan`).
_ESCAPED_LETTER = re.compile(r"(?<!\\)\\+u([0-9a-fA-F]{4})")
_PERCENT_BYTES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_PERCENT_LEAD = re.compile(r"%[C-Fc-f][0-9A-Fa-f]")  # the first byte of a UTF-8 character outside ASCII
# Decoded bytes count as text when nearly all of them are printable.
_PRINTABLE_SHARE = 0.95

Redactor = Callable[[str, "dict[str, int] | None"], str]


def normalize(text: str) -> str:
    """NFKC with invisible characters removed; ASCII text is returned as it is (nothing to fold)."""
    if text.isascii():
        return text
    text = _MARK_AFTER_WORD.sub(lambda match: "^" + match.group().translate(_FOLDED_MARKS), text)
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE)


def encoded_letters_view(text: str) -> tuple[str, list[int]] | None:
    """`text` with each letter or mark outside ASCII that is written as a `\\uXXXX` escape or percent-encoded
    (`%D0%90`, a query string's or a form body's) read as itself, so the finders read a name or a street with the
    words around it (a key, a sentence); and for each character of that view where it starts in `text` (one more for
    the view's end). None when `text` holds no such letter. Findings are placed back on the encoded letters, so a
    text keeps its encoding wherever it hides nothing."""
    pieces = [*_escaped_letters(text), *_percent_letters(text)]
    if not pieces:
        return None
    parts: list[str] = []
    origin: list[int] = []
    position = 0
    for start, end, letter in sorted(pieces):
        parts.append(text[position:start])
        origin.extend(range(position, start))
        parts.append(letter)
        origin.append(start)
        position = end
    parts.append(text[position:])
    origin.extend(range(position, len(text) + 1))
    return "".join(parts), origin


def _escaped_letters(text: str) -> list[tuple[int, int, str]]:
    """Where a `\\uXXXX` escape of a letter stands, and the letter. An even run of backslashes is an escape only in a
    nested document (one with an escaped quote): elsewhere it is a backslash written twice, as in a Windows path
    (`C:\\\\Users\\\\u1000`)."""
    if "\\u" not in text:
        return []
    nested = '\\"' in text
    pieces = []
    for match in _ESCAPED_LETTER.finditer(text):
        if (match.end() - match.start() - 5) % 2 == 1 or nested:  # the backslashes before `u`, odd
            char = chr(int(match.group(1), 16))
            if _outside_ascii_letter(char):
                pieces.append((match.start(), match.end(), char))
    return pieces


def _percent_letters(text: str) -> list[tuple[int, int, str]]:
    """Where a percent-encoded letter's UTF-8 bytes stand (`%CE%A0`), and the letter; other bytes (`%20`, `%40`)
    are left to `prepare`, which decodes a run that hides a finding."""
    if "%" not in text or _PERCENT_LEAD.search(text) is None:
        return []
    pieces = []
    for match in _PERCENT_BYTES.finditer(text):
        raw = bytes.fromhex(match.group().replace("%", ""))
        index = 0
        while index < len(raw):
            size = _utf8_length(raw[index])
            try:
                char = raw[index : index + size].decode("utf-8")
            except UnicodeDecodeError:
                char = ""
            if len(char) == 1 and _outside_ascii_letter(char):
                start = match.start() + 3 * index
                pieces.append((start, start + 3 * size, char))
            index += size
    return pieces


def _utf8_length(lead: int) -> int:
    """How many bytes a UTF-8 character takes, by its first byte (1 for a byte no character starts with)."""
    return 2 if 0xC0 <= lead < 0xE0 else 3 if 0xE0 <= lead < 0xF0 else 4 if 0xF0 <= lead < 0xF8 else 1


def _outside_ascii_letter(char: str) -> bool:
    return not char.isascii() and unicodedata.category(char)[0] in "LM"


@lru_cache(maxsize=16_384)
def _decode_base64(segment: str) -> str | None:
    # Cached: most segments that reach here are file paths and ids of stack traces and URLs, which repeat.
    padded = segment + "=" * (-len(segment) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded) if ("-" in segment or "_" in segment) else base64.b64decode(padded)
        decoded = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    if len(decoded) < 6:
        return None
    printable = sum(char.isprintable() or char in "\n\t" for char in decoded)
    return decoded if printable >= _PRINTABLE_SHARE * len(decoded) else None


def prepare(text: str, redact: Redactor, counts: dict[str, int] | None) -> str:
    """`text` normalized, with every URL-encoded, JSON-escaped or base64 segment that hides a finding replaced
    by its decoded form passed through `redact` (which counts what it removes in `counts`)."""
    text = normalize(text)
    if "+" in text and "=" in text:
        text = _FORM_VALUE.sub(lambda match: _form_value_if_hiding(match.group(), redact, counts), text)
    if "%" in text:
        text = _PERCENT_RUN.sub(lambda match: _decoded_if_hiding(match.group(), unquote(match.group()), redact, counts), text)
    if "\\u" in text or "\\n" in text:
        text = _JSON_STRING.sub(lambda match: _unescaped_if_hiding(match, redact, counts), text)
    # Most segments are paths and ids that decode to no text: the rewrite (a callback per segment) runs only when
    # one does, and then it is the same as running it always (undecodable segments are kept as they are).
    if len(text) >= 16 and any(_decode_base64(segment) is not None for segment in _BASE64_RUN.findall(text)):
        text = _BASE64_RUN.sub(lambda match: _base64_if_hiding(match.group(), redact, counts), text)
    return text


def _decoded_if_hiding(original: str, decoded: str, redact: Redactor, counts: dict[str, int] | None,
                       unless_written_hides: bool = False) -> str:
    if decoded == original:
        return original
    found: dict[str, int] = {}
    redacted = redact(normalize(decoded), found)
    if not found:
        return original
    if unless_written_hides and redact(original, {}) != original:
        return original  # asked only when the decoded value hides something: most values hide nothing
    if counts is not None:
        for entity, count in found.items():
            counts[entity] = counts.get(entity, 0) + count
    return redacted


def _form_value_if_hiding(original: str, redact: Redactor, counts: dict[str, int] | None) -> str:
    """A form-encoded value decoded (`+` a space) when that shows a finding the value as written does not hide: a
    base64 secret holds `+` too (`AWS_SECRET_ACCESS_KEY=Vq+OVUrB…`), and read with spaces it would be cut in two."""
    # A value's first `+` before a digit is a phone's international prefix written as it is (`phone=+91+87200+37618`):
    # as a space it would open the value with nothing.
    kept_plus = original[:1] == "+" and original[1:2].isdigit()
    decoded = "+" + unquote_plus(original[1:]) if kept_plus else unquote_plus(original)
    return _decoded_if_hiding(original, decoded, redact, counts, unless_written_hides=True)


def _unescaped_if_hiding(match: re.Match[str], redact: Redactor, counts: dict[str, int] | None) -> str:
    """A JSON string with `\\uXXXX` escapes or escaped line breaks (an address's lines, a nested document),
    decoded and redacted when it hides a finding, then escaped again
    (quotes, backslashes, line breaks; letters stay as they are), so the text around it keeps its structure."""
    content = match.group(1)
    if "\\u" not in content and "\\n" not in content:
        return match.group()
    try:
        decoded = json.loads(f'"{content}"')
    except ValueError:
        return match.group()
    redacted = _decoded_if_hiding(content, decoded, redact, counts)
    if redacted is content:
        return match.group()
    return json.dumps(redacted, ensure_ascii=False)


def _base64_if_hiding(segment: str, redact: Redactor, counts: dict[str, int] | None) -> str:
    decoded = _decode_base64(segment)
    return segment if decoded is None else _decoded_if_hiding(segment, decoded, redact, counts)
