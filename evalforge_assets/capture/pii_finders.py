"""The finders of the PII detector: cheap byte "shapes" of a text that tell which finders can match, and
one finder per kind of finding, each yielding (entity, start, end) candidates that `pii.find_pii` settles.

Names starting with an underscore are private to the `pii*` modules of this package.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator
from functools import cache

from evalforge_assets.capture.checksums import IBAN_LENGTHS, iban_valid, luhn_valid, ssn_valid
from evalforge_assets.capture.not_personal import (
    a_loopback_address,
    a_product_version,
    after_a_version_word,
    not_a_persons_mailbox,
)
from evalforge_assets.capture.pii_names import plain_words
from evalforge_assets.capture.pii_patterns import (
    _API_KEY,
    _AWS_KEY,
    _BEARER,
    _CARD,
    _EMAIL_OR_MALFORMED,
    _GITHUB_TOKEN,
    _IBAN,
    _ID_KEY_QUALIFIERS,
    _INERT_SECRET_VALUES,
    _IPV4,
    _IPV6,
    _JWT,
    _KEY_QUALIFIERS,
    _KEYED_IPV6,
    _LABEL,
    _MAIL_HEADER,
    _MAIL_HEADER_KEYS,
    _PEM_PRIVATE_KEY,
    _PERSON_CUES,
    _PERSON_NAME_QUALIFIERS,
    _PHONE_INTERNATIONAL,
    _PHONE_LABELED,
    _PHONE_LABELS,
    _PHONE_US,
    _RANDOM_VALUE,
    _SECRET_KEY_STEMS,
    _SECRET_VALUE,
    _SPOKEN_PASSWORD,
    _SSN,
    _SSN_BOXED,
    _SSN_LABELED,
    _SSN_LABELS,
    _URL_CREDENTIALS,
    Candidate,
    _person_name,
)
from evalforge_assets.capture.pii_phones import number_within_its_bracket
from evalforge_assets.capture.pii_shapes import Shapes, WordFragments

# Seven or more characters of digits and separators: where cards, phones, SSNs and IPv4 addresses live.
# The pattern starts with a literal so the engine can jump between digits instead of testing every position.
_NUMBER_RUN = re.compile(rb"0[0 .()-]{5,}0")
# The digit shape a separated US phone number leaves in a run: 415) 555-0132, 415.555.0132, 415 555 0132.
_US_PHONE_SHAPE = re.compile(rb"000\)?[ .-]?000[ .-]0000")
_PERSON_CUE_WORDS = frozenset(cue for cue in _PERSON_CUES if b" " not in cue)
_PERSON_CUE_PHRASES = tuple(cue for cue in _PERSON_CUES if b" " in cue)
# The last word of each cue phrase ("am" of "i am"): phrases are looked for only when that word is there.
_PHRASE_KEY_WORDS = frozenset(phrase.split()[-1] for phrase in _PERSON_CUE_PHRASES)
_NUMBER_LABELS = frozenset(_PHONE_LABELS) | frozenset(_SSN_LABELS)
# Token prefixes as the letter shape splits them: "sk-proj-..." reads "sk proj", "ghp_..." reads "ghp".
_API_KEY_WORDS = frozenset({b"sk", b"rk", b"xoxa", b"xoxb", b"xoxp", b"xoxo", b"xoxs", b"xoxr"})
_GITHUB_WORDS = frozenset({b"ghp", b"gho", b"ghu", b"ghs", b"ghr", b"github"})
_SECRET_KEY_WORDS = frozenset(_SECRET_KEY_STEMS) | {b"apikey", b"credentials"}
# Every word some finder waits for; one set intersection per text tells which finders can run.
_CUE_WORDS = (
    _PHRASE_KEY_WORDS
    | _PERSON_CUE_WORDS
    | _NUMBER_LABELS
    | _API_KEY_WORDS
    | _GITHUB_WORDS
    | _SECRET_KEY_WORDS
    | {b"bearer"}
)


@cache
def _whole_word(word: bytes) -> re.Pattern[bytes]:
    # A leading space literal (the padded shape starts with one) lets the engine search for a fixed prefix.
    return re.compile(b" " + re.escape(word) + rb"(?![a-z])")


def _word_starts(shapes: Shapes, word: bytes) -> Iterator[int]:
    """Where `word` (or a phrase) stands whole in the text."""
    # The match starts at the padding space, one byte before the word: exactly the word's index in `text`.
    for match in _whole_word(word).finditer(shapes.padded_letters):
        yield match.start()


_EMAIL_LOCAL_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")


def _find_emails(text: str) -> Iterator[Candidate]:
    at = text.find("@")
    while at != -1:
        # Walk back over the local part (RFC 5321 caps it at 64 characters), then match from its start.
        start = at
        while start > 0 and at - start < 64 and text[start - 1] in _EMAIL_LOCAL_CHARACTERS:
            start -= 1
        while start < at and not text[start].isalnum():
            start += 1
        match = _EMAIL_OR_MALFORMED.match(text, start) if start < at else None
        if match and not not_a_persons_mailbox(match.group()):
            yield "EMAIL", match.start(), match.end()
        at = text.find("@", at + 1)


# The fixed user names of token logins (PyPI, GitHub, GitLab, Bitbucket) name no one, and an engineer reading
# `https://__token__:<URL_CREDENTIALS>@pypi.example.com` still sees which login failed.
_TOKEN_USERS = frozenset({"__token__", "x-access-token", "x-oauth-basic", "oauth2", "gitlab-ci-token", "x-token-auth"})


def _find_url_credentials(text: str) -> Iterator[Candidate]:
    index = text.find("://")
    while index != -1:
        match = _URL_CREDENTIALS.match(text, index + 3)
        if match:
            user = match.group(1).partition(":")[0]
            start = match.start(1) + len(user) + 1 if user.lower() in _TOKEN_USERS else match.start(1)
            yield "URL_CREDENTIALS", start, match.end(1)
        index = text.find("://", index + 3)


def _find_pattern(text: str, entity: str, pattern: re.Pattern[str]) -> Iterator[Candidate]:
    for match in pattern.finditer(text):
        yield entity, match.start(), match.end()


def _find_private_keys(text: str) -> Iterator[Candidate]:
    for match in _PEM_PRIVATE_KEY.finditer(text):
        if match.group("body").strip():
            yield "SECRET", match.start("body"), match.end("body")


def _find_bearer(text: str, shapes: Shapes) -> Iterator[Candidate]:
    for index in _word_starts(shapes, b"bearer"):
        match = _BEARER.match(text, index)
        if match:
            yield "BEARER_TOKEN", match.start(1), match.end(1)


# A key stem is letters only, so it lies inside one word of the letter view: a text none of whose words holds a
# stem has no key, which one subset test against the words known to hold none answers (JSON texts reach this
# finder by their quotes and colons alone).
_KEY_STEM_WORDS = WordFragments(re.compile(b"|".join(_SECRET_KEY_STEMS)))


def _find_key_values(text: str, shapes: Shapes) -> Iterator[Candidate]:
    if not _KEY_STEM_WORDS.may_hold(shapes):
        return
    letters = shapes.letters
    for stem in _SECRET_KEY_STEMS:
        index = letters.find(stem)
        while index != -1:
            after = index + len(stem)
            candidate = _secret_after_key(text, letters, stem, index, after)
            if candidate is not None:
                yield candidate
            index = letters.find(stem, after)


def _secret_after_key(text: str, letters: bytes, stem: bytes, index: int, after: int) -> Candidate | None:
    # The stem must end the key (`max_tokens` and `token_count` are not secrets) ...
    if (
        after < len(letters)
        and letters[after] != 0x20
        and not (stem == b"credential" and letters[after] == 0x73)
    ):
        return None
    # ... and a bare `key` must be an api, access, private or secret key, or a service's key holding a random
    # value (`STRIPE_KEY=43c8710d…`; not `sort key: name`, not an idempotency or cache key).
    vendor_key = False
    if stem == b"key" and not letters[max(0, index - 9) : index].replace(b" ", b"").endswith(_KEY_QUALIFIERS):
        before = letters[max(0, index - 24) : index]
        words_before = before.split()
        if not before.endswith(b" ") or not words_before or words_before[-1] in _ID_KEY_QUALIFIERS:
            return None
        vendor_key = True
    entity = "PASSWORD" if stem.startswith(b"pass") else "SECRET"
    match = _SECRET_VALUE.match(text, after)
    if match:
        group = "quoted" if match.group("quoted") is not None else "bare"
        value = match.group(group)
        if vendor_key and not _RANDOM_VALUE.fullmatch(value):
            return None
        if _is_secret_value(
            value, stem, bare=group == "bare", followed_by=text[match.end(group) : match.end(group) + 1]
        ):
            return entity, match.start(group), match.end(group)
        return None
    match = _SPOKEN_PASSWORD.match(text, after) if entity == "PASSWORD" else None
    if match and _looks_like_password(match.group(1)):
        return entity, match.start(1), match.end(1)
    return None


# Code that assigns a secret from somewhere else names none: `password = getpass()`, `token=self.token`, …
_CODE_REFERENCE = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+|[A-Za-z]+_\w+")


def _is_secret_value(value: str, stem: bytes, bare: bool, followed_by: str) -> bool:
    lowered = value.lower()
    if len(value) < 3 or lowered in _INERT_SECRET_VALUES or set(value) <= {"*", "x", "X", ".", "-"}:
        return False
    if value[0] in "%$":
        return False  # a format or template placeholder (%s, $TOKEN), not a value
    if not bare:
        return True
    if followed_by in ("(", "[") or lowered == stem.decode():
        return False
    return not (
        _CODE_REFERENCE.fullmatch(value) and stem.decode() in lowered.replace("_", "").replace(".", "")
    )


def _looks_like_password(value: str) -> bool:
    """Letters mixed with digits or symbols: "my password is hunter22", not "my password is wrong"."""
    return any(char.isalpha() for char in value) and not value.isalpha()


def _find_ibans(text: str, start: int, end: int) -> Iterator[Candidate]:
    for match in _IBAN.finditer(text, start, end):
        candidate = match.group()
        length = IBAN_LENGTHS.get(candidate[:2])
        if length is None:
            continue
        # The pattern may run on into the next word; keep exactly the country's number of characters.
        kept, iban_end = 0, match.start()
        for offset, char in enumerate(candidate):
            if char.isalnum():
                kept += 1
                if kept == length:
                    iban_end = match.start() + offset + 1
                    break
        if kept != length or (iban_end < len(text) and text[iban_end].isalnum()):
            continue
        if iban_valid(text[match.start() : iban_end].replace(" ", "").replace("-", "")):
            yield "IBAN", match.start(), iban_end


_CARD_LENGTHS_BY_PREFIX: tuple[tuple[tuple[str, ...], frozenset[int]], ...] = (
    (("4",), frozenset({13, 16, 19})),  # Visa
    (("51", "52", "53", "54", "55", "22", "23", "24", "25", "26", "27"), frozenset({16})),  # Mastercard
    (("34", "37"), frozenset({15})),  # American Express
    (("6011", "65", "644", "645", "646", "647", "648", "649"), frozenset({16, 19})),  # Discover
    (("35",), frozenset({16, 19})),  # JCB
    (("36", "38", "300", "301", "302", "303", "304", "305"), frozenset({14})),  # Diners Club
)
# How card numbers are printed when separated: 4-4-4-4 (and 19-digit 4-4-4-4-3), Amex 4-6-5, Diners 4-6-4.
_CARD_GROUPINGS = frozenset({(4, 4, 4, 4), (4, 4, 4, 4, 3), (4, 6, 5), (4, 6, 4), (4, 4, 4, 1), (4, 4, 4, 3)})
_CARD_SEPARATORS = re.compile(r"[ -]")


def _card_issuer_accepts(digits: str) -> bool:
    return any(
        digits.startswith(prefixes) and len(digits) in lengths
        for prefixes, lengths in _CARD_LENGTHS_BY_PREFIX
    )


def _find_cards(text: str, start: int, end: int) -> Iterator[Candidate]:
    for match in _CARD.finditer(text, start, end):
        candidate = match.group()
        groups = _CARD_SEPARATORS.split(candidate)
        if len(groups) == 1:
            # Unseparated runs longer than 16 digits are span ids and other 64-bit counters, not cards.
            if len(candidate) > 16:
                continue
        elif tuple(len(g) for g in groups) not in _CARD_GROUPINGS or ("-" in candidate and " " in candidate):
            continue
        elif _continues_digit_groups(text, match.start(), match.end()):
            # Four groups inside a longer grouped number (an IBAN lookalike, an account number) are no card.
            continue
        digits = "".join(groups)
        if _card_issuer_accepts(digits) and luhn_valid(digits):
            yield "CREDIT_CARD", match.start(), match.end()


def _continues_digit_groups(text: str, start: int, end: int) -> bool:
    before = start >= 2 and text[start - 1] in " -" and text[start - 2].isdigit()
    after = end + 1 < len(text) and text[end] in " -" and text[end + 1].isdigit()
    return before or after


def _find_ssns(text: str, start: int, end: int) -> Iterator[Candidate]:
    for match in _SSN.finditer(text, start, end):
        if ssn_valid(match.group(1), match.group(3), match.group(4)):
            yield "US_SSN", match.start(), match.end()


def _find_us_phones(text: str, start: int, end: int) -> Iterator[Candidate]:
    for match in _PHONE_US.finditer(text, start, end):
        area = match.group(1) or match.group(2)
        # North American numbering: area codes and exchanges never start with 0 or 1; and a number is written
        # with one separator (415.555.0132), while 252.227-7013 is a clause reference.
        if area[0] in "01" or match.group(4)[0] in "01":
            continue
        if match.group(2) and match.group(3) != match.group(5):
            continue
        yield "PHONE", match.start(), match.end()


def _find_international_phones(text: str, start: int, end: int) -> Iterator[Candidate]:
    for match in _PHONE_INTERNATIONAL.finditer(text, start, end):
        value = match.group()
        if (cut := number_within_its_bracket(value)) is not None:
            value = cut  # `(+36 30 123 4567) 12 000 Ft`: an amount after the bracket
        elif sum(char.isdigit() for char in value) > 15:
            # The pattern also took in a number after the phone ("+49 151 48271108 401 Unauthorized"): E.164
            # allows 15 digits, so keep the longest part that ends at a separator and fits.
            value = _within_phone_length(value)
        if 8 <= sum(char.isdigit() for char in value) <= 15:
            yield "PHONE", match.start(), match.start() + len(value)


def _within_phone_length(value: str) -> str:
    """The longest prefix of `value` that ends before a separator and holds at most 15 digits, or ""."""
    for cut in range(len(value) - 1, 0, -1):
        if value[cut] in " .-" and sum(char.isdigit() for char in value[:cut]) <= 15:
            return value[:cut].rstrip(" .-(")
    return ""


def _find_ipv4(text: str, start: int, end: int) -> Iterator[Candidate]:
    for match in _IPV4.finditer(text, start, end):
        octets = match.group().split(".")
        # 0.x.x.x is no host address ("0.12.0.0" is a version); above 255 is no octet; four single digits
        # are far more often a section or version number (7.1.3.4) than a host someone uses.
        if octets[0] == "0" or any(int(octet) > 255 for octet in octets) or len(match.group()) == 7:
            continue
        if not (after_a_version_word(text, match.start()) or a_loopback_address(match.group())
                or a_product_version(text, match.start())):
            yield "IP_ADDRESS", match.start(), match.end()


def _find_numbers(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """Cards, SSNs, phones, IPv4 addresses and IBANs, looked for only around runs of digits."""
    digits = shapes.digits
    size = len(text)
    for run in _NUMBER_RUN.finditer(digits):
        start, end = run.span()
        shape = run.group()
        count = shape.count(b"0")
        separated = count != len(shape)
        # Two characters either side: a leading "+" or "(" and the characters a lookahead needs to see.
        low, high = max(0, start - 2), min(size, end + 2)
        if count >= 13 and (separated or count <= 16):
            yield from _find_cards(text, low, high)
        if count >= 9 and (b"000-00-0000" in shape or b"000 00 0000" in shape):
            yield from _find_ssns(text, low, high)
        if count >= 10 and separated and _US_PHONE_SHAPE.search(shape):
            yield from _find_us_phones(text, low, high)
        if "+" in text[low:end]:
            yield from _find_international_phones(text, low, high)
        if shape.count(b".") >= 3:
            yield from _find_ipv4(text, low, high)
        if _after_capital(text, start):
            # An IBAN's digits follow its country code, or bank letters as in GB82 WEST 1234 ...
            yield from _find_ibans(text, max(0, start - 16), min(size, end + 24))


def _after_capital(text: str, index: int) -> bool:
    """Whether the last non-space character before `index` is an ASCII capital letter."""
    index -= 1
    while index >= 0 and text[index] == " ":
        index -= 1
    return index >= 0 and "A" <= text[index] <= "Z"


def _find_labeled_numbers(text: str, shapes: Shapes) -> Iterator[Candidate]:
    for labels, pattern, entity, run in (
        (_PHONE_LABELS, _PHONE_LABELED, "PHONE", b"0" * 10),
        (_SSN_LABELS, _SSN_LABELED, "US_SSN", b"0" * 9),
        (_SSN_LABELS, _SSN_BOXED, "US_SSN", b"0 0 0"),
    ):
        present = shapes.words.intersection(labels)
        if not present or run not in shapes.digits:
            continue
        for label in present:
            for index in _word_starts(shapes, label):
                match = pattern.match(text, index)
                digits = match[1].replace(" ", "").replace("\t", "") if match else ""
                if match and (entity != "US_SSN" or ssn_valid(digits[:3], digits[3:5], digits[5:])):
                    yield entity, match.start(1), match.end(1)


def _find_ipv6(text: str) -> Iterator[Candidate]:
    for match in _IPV6.finditer(text):
        if _ipv6_address(match.group()):
            yield "IP_ADDRESS", match.start(), match.end()
    for match in _KEYED_IPV6.finditer(text):
        if _ipv6_address(match.group("address")):
            yield "IP_ADDRESS", match.start("address"), match.end("address")


def _ipv6_address(candidate: str) -> bool:
    if ("::" not in candidate and candidate.count(":") != 7) or a_loopback_address(candidate):
        return False
    if len(candidate) < 3 or not any(char.isdigit() for char in candidate):
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def _find_people(text: str, shapes: Shapes, cues: Iterable[bytes]) -> Iterator[Candidate]:
    for word in cues:
        for index in _word_starts(shapes, word):
            for cue in _PERSON_CUES[word]:
                if cue.capitalised and not text[index].isupper():
                    continue
                match = cue.pattern.match(text, index)
                if match is None:
                    continue
                fewest = cue.fewest_words
                if cue is _LABEL and word == b"name":
                    # The qualifier must belong to the same key ("customer_name", "full name"), not to a
                    # parent JSON key before it.
                    previous = shapes.padded_letters[max(0, index - 11) : index + 1].split()
                    adjacent = index >= 2 and text[index - 1] in "_- " and text[index - 2].isalpha()
                    fewest = 1 if adjacent and previous and previous[-1] in _PERSON_NAME_QUALIFIERS else 2
                length = _person_name(match.group("name"), fewest)
                if length is None:
                    continue
                if cue.words_must_name and plain_words(match.group("name")[:length].split()):
                    continue
                yield "PERSON", match.start("name"), match.start("name") + length


def _find_mail_headers(text: str) -> Iterator[Candidate]:
    """Mail headers such as `From: Alice Chen <alice@...>`: from each "<", look back for a key and a name."""
    bracket = text.find("<")
    while bracket != -1:
        colon = text.rfind(":", max(0, bracket - 64), bracket)
        for key in _MAIL_HEADER_KEYS if colon != -1 else ():
            start = colon - len(key)
            if (
                start >= 0
                and text[start:colon].lower() == key
                and (start == 0 or not text[start - 1].isalnum())
            ):
                match = _MAIL_HEADER.match(text, start)
                length = _person_name(match.group("name"), 2) if match else None
                if match and length is not None:
                    yield "PERSON", match.start("name"), match.start("name") + length
        bracket = text.find("<", bracket + 1)


def _candidates(text: str, shapes: Shapes) -> list[Candidate]:
    """Every finding of every finder, overlapping; each finder runs only if a cheap test says it may match."""
    cues = _CUE_WORDS.intersection(shapes.words)
    found: list[Candidate] = []
    if "@" in text:
        found += _find_emails(text)
        if "://" in text:
            found += _find_url_credentials(text)
    if "IA" in text:
        found += _find_pattern(text, "AWS_ACCESS_KEY", _AWS_KEY)
    if not cues.isdisjoint(_API_KEY_WORDS) or ("z" in text and "AIza" in text):
        found += _find_pattern(text, "API_KEY", _API_KEY)
    if not cues.isdisjoint(_GITHUB_WORDS):
        found += _find_pattern(text, "GITHUB_TOKEN", _GITHUB_TOKEN)
    if "J" in text and "eyJ" in text:
        found += _find_pattern(text, "JWT", _JWT)
    if "-----BEGIN" in text:
        found += _find_private_keys(text)
    if b"bearer" in cues:
        found += _find_bearer(text, shapes)
    if not cues.isdisjoint(_SECRET_KEY_WORDS) or ('"' in text and ("=" in text or ":" in text)):
        found += _find_key_values(text, shapes)
    if shapes.number_run:  # both look only at runs of it (`_NUMBER_RUN`, nine or ten digits in a row)
        found += _find_numbers(text, shapes)
        if not cues.isdisjoint(_NUMBER_LABELS):
            found += _find_labeled_numbers(text, shapes)
    colons = text.count(":")
    if colons >= 2 and ("::" in text or colons >= 7):
        found += _find_ipv6(text)
    person_cues = [word for word in cues if word in _PERSON_CUES]
    if not cues.isdisjoint(_PHRASE_KEY_WORDS):
        person_cues += [phrase for phrase in _PERSON_CUE_PHRASES if b" " + phrase in shapes.padded_letters]
    if person_cues:
        found += _find_people(text, shapes, person_cues)
    if "<" in text:
        found += _find_mail_headers(text)
    return found


