"""IBANs: of the registry's countries by their length and check (python-stdnum's registry), of other lengths or of
countries outside the registry by their check or by the word IBAN before them."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

import phonenumbers
from stdnum import iban as stdnum_iban

from evalforge_assets.capture.checksums import iban_check_holds
from evalforge_assets.capture.pii_patterns import Candidate

_SEPARATORS = re.compile(r"[ -]")
_IBAN_LENGTHS: dict[str, int] = {}


def _load_iban_lengths() -> dict[str, int]:
    """Every country's IBAN length from python-stdnum's registry (4 + the BBAN's field widths), read once."""
    if not _IBAN_LENGTHS:
        for code in (f"{a}{b}" for a in string.ascii_uppercase for b in string.ascii_uppercase):
            bban = stdnum_iban._ibandb.info(code)[0][1].get("bban")
            if bban:
                _IBAN_LENGTHS[code] = 4 + sum(int(width) for width in re.findall(r"(\d+)!", bban))
    return _IBAN_LENGTHS


# An IBAN's print form, groups of four after the country and check (`BD23 DZTP 6301 8092 9`): with letters in its
# account too, what an unlabelled number outside the registry needs besides its check (an id's letters are not so
# grouped).
_PRINTED_IN_FOURS = re.compile(r"[A-Z]{2}\d{2}(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?(?![A-Za-z0-9])")
_IBAN_LOOSE = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2})(\d{2})((?:[ -]?[A-Z0-9]){8,32})")


def find_ibans(text: str) -> Iterator[Candidate]:
    lengths = _load_iban_lengths()
    for match in _IBAN_LOOSE.finditer(text):
        length = lengths.get(match.group(1))
        if length is None:
            # A country outside the registry (Iran writes its Sheba numbers as IBANs): labelled, or with its check.
            found = _labelled_iban_end(text, match)
            if found is None and match.group(1) in _REGIONS:
                if match.group(3).replace(" ", "").replace("-", "").isdigit():
                    found = _other_length_iban(text, match)
                elif (printed := _PRINTED_IN_FOURS.match(text, match.start())) is not None:
                    compact = printed.group().replace(" ", "")
                    found = printed.end() if iban_check_holds(compact) else None
            if found is not None:
                yield "IBAN", match.start(), found
            continue
        kept, end = 0, match.start()
        for offset, char in enumerate(match.group()):
            if char.isalnum():
                kept += 1
                if kept == length:
                    end = match.start() + offset + 1
                    break
        if kept == length and not (end < len(text) and text[end].isalnum()):
            compact = _SEPARATORS.sub("", text[match.start() : end])
            if iban_check_holds(compact):
                yield "IBAN", match.start(), end
                continue
        if (other := _other_length_iban(text, match)) is not None:
            yield "IBAN", match.start(), other


# Generators and some banks' test data write an IBAN of another length than its country's (Faker's `iban()` in a
# locale without a format of its own writes `GB` and 17 characters, one short of a British IBAN) with a valid
# check: kept whole when its check holds, which a random string of that shape passes one time in 97.
_MIN_IBAN, _MAX_IBAN = 15, 34


def _other_length_iban(text: str, match: re.Match[str]) -> int | None:
    """The end of the longest IBAN-shaped run at `match` (cut only where a separator stands) whose check holds."""
    ends = [match.end()] + [m.start() for m in _SEPARATORS.finditer(match.group())][::-1]
    for end in ends:
        end = end if end == match.end() else match.start() + end
        if end < len(text) and text[end].isalnum():
            continue
        compact = _SEPARATORS.sub("", text[match.start() : end])
        if _MIN_IBAN <= len(compact) <= _MAX_IBAN and iban_check_holds(compact):
            return end
    return None


# Country codes (phonenumbers' regions): an unlabelled IBAN outside the registry is one of a country, with digits
# after its check (`IR25 7095 3675 …`), not a random id whose first letters happen to pass (`VD72NKSVDPG…`).
_REGIONS = frozenset(phonenumbers.SUPPORTED_REGIONS)


# A value right after the word IBAN with the code of a country that has no IBAN (`IBAN AR64HDOK98823945137923743028`,
# `iban=TH39 6788 4575 11`, `"iban": "…"`): generators (Faker) and payment forms write an account number so, and
# no check can decide, so the label does. A registry country's IBAN still needs its check ("invalid IBAN DE00 …"
# is a test value). Its groups end at the first one without a digit (`IBAN AR12 3456 7890 12 SENT` keeps `SENT`).
_IBAN_LABEL = re.compile(r"""(?i:iban)[\w-]{0,12}\\?["']?[ \t]*(?:[:=]|is)?[ \t]*\\?["']?$""")
_BANK_LETTERS = re.compile(r"[ -]?[A-Z]{4}(?=[ -]?\d)")  # GB82 WEST 1234 …: a bank code of letters comes first
_GROUP_WITH_DIGIT = re.compile(r"[ -]?[A-Z]*\d[A-Z0-9]*")


def _labelled_iban_end(text: str, match: re.Match[str]) -> int | None:
    """The end of the IBAN-shaped run at `match` when the word IBAN labels it, else None."""
    if not _IBAN_LABEL.search(text, max(0, match.start() - 24), match.start()):
        return None
    end = match.start(3)
    if (bank := _BANK_LETTERS.match(text, end, match.end())) is not None:
        end = bank.end()
    while (group := _GROUP_WITH_DIGIT.match(text, end, match.end())) is not None:
        end = group.end()
    if end < len(text) and text[end].isalnum():
        return None
    return end if end - match.start() >= 12 else None
