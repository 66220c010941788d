"""The check-digit arithmetic personal-data numbers carry: Luhn for payment cards, ISO 7064 mod 97 for IBANs,
and the SSA's never-issued rules for US social security numbers.

Written once and used both ways: the PII detector validates candidates with it, and the sample span source
(and the test corpora, through it) generates valid numbers with it.
"""

from __future__ import annotations

# Luhn doubles every second digit from the right; this table maps a digit to the digit sum of its double.
_LUHN_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check every payment card number passes (`digits` holds ASCII digits only)."""
    kept, doubled = digits[-1::-2], digits[-2::-2].translate(_LUHN_DOUBLED)
    # Summing the ASCII codes in C and removing the "0" offsets avoids a Python loop over the digits.
    total = sum(kept.encode()) + sum(doubled.encode()) - 48 * len(digits)
    return total % 10 == 0


def luhn_check_digit(body: str) -> str:
    """The digit that makes `body + digit` pass the Luhn check (`body` holds ASCII digits only)."""
    return next(digit for digit in "0123456789" if luhn_valid(body + digit))


# ISO 13616 IBAN lengths per country: a candidate of the wrong length for its country is not an IBAN.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24,
    "AE": 23,
    "AL": 28,
    "AT": 20,
    "AZ": 28,
    "BA": 20,
    "BE": 16,
    "BG": 22,
    "BH": 22,
    "BR": 29,
    "CH": 21,
    "CR": 22,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DK": 18,
    "DO": 28,
    "EE": 20,
    "EG": 29,
    "ES": 24,
    "FI": 18,
    "FO": 18,
    "FR": 27,
    "GB": 22,
    "GE": 22,
    "GI": 23,
    "GL": 18,
    "GR": 27,
    "GT": 28,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IL": 23,
    "IS": 26,
    "IT": 27,
    "JO": 30,
    "KW": 30,
    "KZ": 20,
    "LB": 28,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "MC": 27,
    "MD": 24,
    "ME": 22,
    "MK": 19,
    "MR": 27,
    "MT": 31,
    "MU": 30,
    "NL": 18,
    "NO": 15,
    "PK": 24,
    "PL": 28,
    "PS": 29,
    "PT": 25,
    "QA": 29,
    "RO": 24,
    "RS": 22,
    "SA": 24,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "TN": 24,
    "TR": 26,
    "UA": 29,
    "VG": 24,
    "XK": 20,
}


def mod97(text: str) -> int:
    """ISO 7064 mod 97-10 of digits and letters, with letters counted as 10 (A) to 35 (Z)."""
    return int("".join(str(int(char, 36)) for char in text)) % 97


def iban_valid(compact: str) -> bool:
    """Country length and the ISO 7064 mod-97 check of an IBAN written without spaces."""
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact.isalnum():
        return False
    return iban_check_holds(compact)


def iban_check_holds(compact: str) -> bool:
    """The ISO 7064 mod-97 check of an IBAN written without spaces, whatever its country and length."""
    return mod97(compact[4:] + compact[:4]) == 1


def iban_check_digits(country: str, account: str) -> str:
    """The two check digits that make `country + digits + account` a valid IBAN (ISO 13616)."""
    return f"{98 - mod97(account + country + '00'):02d}"


def ssn_valid(area: str, group: str, serial: str) -> bool:
    """SSA rules: area 000, 666 and 900-999, group 00 and serial 0000 are never issued."""
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"
