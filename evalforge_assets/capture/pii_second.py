"""A second, independent PII detector for the post-write check: it shares no code path with the redactor
(`pii`, `pii_finders`, `pii_library`), so what the redactor misses by construction it can still catch.

It uses each library's own matching: detect-secrets' regex plugins (keys and tokens of some twenty providers,
keyword-assigned secrets), phonenumbers' `PhoneNumberMatcher` on numbers written with a country code,
python-stdnum's Luhn and IBAN validators on digit runs, the standard library's `ipaddress` on address-shaped
tokens, and a deliberately loose e-mail pattern. Slower than the redactor, which is fine: it runs once per
stored capture in a check, not per span in ingestion.
"""

from __future__ import annotations

import ipaddress
import re
from functools import cache, lru_cache

import phonenumbers
from detect_secrets.plugins.base import RegexBasedDetector
from detect_secrets.plugins.keyword import KeywordDetector
from stdnum import iban as stdnum_iban
from stdnum import luhn

from evalforge_assets.capture.not_personal import (
    a_product_version,
    a_websites_address,
    after_a_version_word,
    not_a_persons_mailbox,
)

# Strings that are placeholders left by the redactor are not findings.
_PLACEHOLDER = re.compile(r"<[A-Z_]+>")
_EMAIL = re.compile(r"[^\s@<>\"'(),;:]+@[^\s@<>\"'(),;:]+\.[^\s@<>\"'(),;:.]{2,}")
_DIGIT_RUN = re.compile(r"(?<![\w.])\d(?:[ -]?\d){11,18}(?![\w])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,30}\b")
_ADDRESS_TOKEN = re.compile(r"[0-9A-Fa-f:.]{7,45}")


@cache
def _secret_plugins() -> tuple[RegexBasedDetector, ...]:
    """Every regex-based detect-secrets plugin (entropy plugins are left out: on their own they flag ordinary
    words); the keyword detector is `_keyword_detector`."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    # Its IP plugin is left out too: addresses are this detector's own `ipaddress` test, which knows the loopback
    # and a browser's version (`bind 0.0.0.0`, `Chrome/124.0.0.0`), where the plugin calls them secrets.
    return tuple(
        cls() for cls in get_mapping_from_secret_type_to_class().values()
        if issubclass(cls, RegexBasedDetector) and cls.__name__ != "IPPublicDetector"
    )


@cache
def _keyword_detector() -> KeywordDetector:
    return KeywordDetector()


# Each of the keyword detector's patterns needs one of its DENYLIST keywords (`api_?key`, `db_?pass`, `password`,
# `pwd`, `secret`, `contraseña`, ...), in any case, and every keyword holds one of these parts; `casefold` folds
# the characters its case-insensitive match also takes (the Kelvin sign, the long s). A text without any part
# cannot match, and running its patterns on every string was half of this detector's time.
KEYWORD_PARTS = ("key", "pass", "pwd", "secret", "contrase")


def _may_hold_keyword(text: str) -> bool:
    folded = text.casefold()
    return any(part in folded for part in KEYWORD_PARTS)


def second_opinion(text: str) -> list[tuple[str, str]]:
    """(entity, value) for everything this detector finds in `text`; empty for clean or redacted text."""
    found: list[tuple[str, str]] = []
    plugins: tuple[RegexBasedDetector | KeywordDetector, ...] = _secret_plugins()
    if _may_hold_keyword(text):
        plugins = (*plugins, _keyword_detector())
    for plugin in plugins:
        for value in plugin.analyze_string(text):
            if value and not _PLACEHOLDER.fullmatch(value) and len(value) >= 4:
                found.append(("SECRET", value))
    if "@" in text:
        found += [("EMAIL", m.group()) for m in _EMAIL.finditer(text)
                  if "<" not in m.group() and not not_a_persons_mailbox(m.group())]
    if "+" in text:
        for match in phonenumbers.PhoneNumberMatcher(text, None):
            found.append(("PHONE", match.raw_string))
    for match in _DIGIT_RUN.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn.is_valid(digits) and digits[0] in "123456":
            found.append(("CREDIT_CARD", match.group()))
    for match in _IBAN.finditer(text):
        if stdnum_iban.is_valid(match.group()):
            found.append(("IBAN", match.group()))
    if text.count(".") >= 3 or text.count(":") >= 2:
        for match in _ADDRESS_TOKEN.finditer(text):
            token = match.group().strip(".:")
            try:
                address = ipaddress.ip_address(token)
            except ValueError:
                continue
            if not (
                address.is_loopback
                or address.is_unspecified
                or a_websites_address(text, match.start())
                or a_product_version(text, match.start())
                or after_a_version_word(text, match.start())
            ):
                found.append(("IP_ADDRESS", token))
    return found


def scrub(text: str) -> tuple[str, list[str]]:
    """`text` with every value `second_opinion` finds replaced by its placeholder, and the entity types."""
    scrubbed, entities = _scrub(text)
    return scrubbed, list(entities)


@lru_cache(maxsize=32_768)
def _scrub(text: str) -> tuple[str, tuple[str, ...]]:
    # Cached: stored captures repeat most of their strings (keys, tags, agents, models, templated messages),
    # and some twenty detect-secrets plugins per string make this detector slow; it is a pure function.
    findings = second_opinion(text)
    for entity, value in sorted(findings, key=lambda finding: -len(finding[1])):
        text = text.replace(value, f"<{entity}>")
    return text, tuple(entity for entity, _ in findings)
