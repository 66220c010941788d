"""Finding and removing personal data and secrets in the text Evalforge stores.

Every text a capture keeps (inputs, outputs, messages, errors, stack traces, metadata, tags) goes through
`redact_text` or `sanitize_value`, which replace each finding with a typed placeholder such as `<EMAIL>` and
count it. The blocking Dagster check rescans stored captures with `contains_pii`, so two properties matter as
much as recall:

* redacted output never matches again (placeholders are inert, and `sanitize_value` scans each value with the
  same `"key": "value"` context the check sees when it rescans the JSON);
* operational identifiers stay intact: order ids, UUIDs, versions, prices, timestamps, durations, trace and
  span ids, and numbers that only look like cards, IBANs or SSNs (checksums and number-range rules decide).

Ingestion redacts several texts per failing span at tens of thousands of spans per second, so each detector
runs only when a cheap substring test says it could match, and every pattern is compiled once.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

# Ordered by precedence: when two findings overlap, the one whose type comes first wins (then the longer).
# Specific token formats beat the generic "value after a secret-like key" rule, so `api_key=sk-...` is an
# API_KEY and `Authorization: Bearer eyJ...` a JWT.
PII_ENTITIES: tuple[str, ...] = (
    "URL_CREDENTIALS",
    "JWT",
    "GITHUB_TOKEN",
    "AWS_ACCESS_KEY",
    "API_KEY",
    "BEARER_TOKEN",
    "PASSWORD",
    "SECRET",
    "EMAIL",
    "IBAN",
    "CREDIT_CARD",
    "US_SSN",
    "PHONE",
    "IP_ADDRESS",
    "PERSON",
    "USER_ID",
)
# The finer secret types, for callers that report them together as secrets.
SECRET_ENTITIES = frozenset(
    {"JWT", "GITHUB_TOKEN", "AWS_ACCESS_KEY", "API_KEY", "BEARER_TOKEN", "PASSWORD", "SECRET"}
)
_RANK = {entity: rank for rank, entity in enumerate(PII_ENTITIES)}


@dataclass(frozen=True)
class PiiMatch:
    """One finding: its entity type and where it sits in the scanned text (`text[start:end] == value`)."""

    entity: str
    start: int
    end: int
    value: str


def placeholder(entity: str) -> str:
    return f"<{entity}>"


_PLACEHOLDER = re.compile("<(?:" + "|".join(PII_ENTITIES) + ")>")


# ---------------------------------------------------------------------------------------------- checksums


# Luhn doubles every second digit from the right; this table maps a digit to the digit sum of its double.
_LUHN_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check every payment card number passes (`digits` holds ASCII digits only)."""
    kept, doubled = digits[-1::-2], digits[-2::-2].translate(_LUHN_DOUBLED)
    # Summing the ASCII codes in C and removing the "0" offsets avoids a Python loop over the digits.
    total = sum(kept.encode()) + sum(doubled.encode()) - 48 * len(digits)
    return total % 10 == 0


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


def iban_valid(compact: str) -> bool:
    """Country length and the ISO 7064 mod-97 check of an IBAN written without spaces."""
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact.isalnum():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def ssn_valid(area: str, group: str, serial: str) -> bool:
    """SSA rules: area 000, 666 and 900-999, group 00 and serial 0000 are never issued."""
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


# ------------------------------------------------------------------------------------------------ patterns
# Finders yield (entity, start, end) candidates; `find_pii` settles overlaps. Most patterns are not scanned
# over the whole text: a cheap pass (see `_Shapes`) finds where something could start, and the pattern is
# matched there, because scanning 400 characters with a character-class regex costs microseconds.
Candidate = tuple[str, int, int]

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}"
    r"(?![A-Za-z0-9-])"
)
# After `scheme://`: user:password@host. Only user:password is replaced; scheme, host and path stay readable.
_URL_CREDENTIALS = re.compile(r"([^\s/?#@:\"'<>]*:[^\s/?#\"'<>]+)@(?=[^\s/?#@\"'<>])")

# Long-term (AKIA) and temporary (ASIA) AWS access key ids.
_AWS_KEY = re.compile(r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])")
_API_KEY = re.compile(
    r"(?<![\w-])(?:sk-(?:proj-|ant-(?:api\d\d-)?|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"
    r"|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"
    r"|xox[abposr]-[A-Za-z0-9-]{10,}"
    r"|AIza[0-9A-Za-z_-]{35})(?![\w-])"
)
_GITHUB_TOKEN = re.compile(
    r"(?<![\w-])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?![\w-])"
)
_JWT = re.compile(r"(?<![\w-])eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{8,}(?![\w-])")
# A PEM private key: the body between the armour lines is replaced (all of the rest when the END line is cut).
_PEM_PRIVATE_KEY = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----(?P<body>[\s\S]*?)(?:-----END \1PRIVATE KEY-----|$)"
)
_BEARER = re.compile(r"(?<![\w-])(?i:bearer)[ \t]+([A-Za-z0-9._~+/-]{12,}=*)(?![\w~+/=-])")

# What follows a secret-like key (`DB_PASSWORD=...`, `"client_secret": "..."`, `x-api-key: ...`): an optional
# closing quote (JSON-escaped or not), `:` or `=`, then a quoted value or a bare one.
_SECRET_VALUE = re.compile(
    r"s?\\?[\"']?[ \t]*[:=][ \t]*"
    r"(?:(?P<quote>\\?[\"'])(?i:(?:bearer|basic|token|digest)[ \t]+)?"
    r"(?!<[A-Z_]+>)(?P<quoted>[^\"'\\\n]{1,256})(?P=quote)"
    r"|(?i:(?:bearer|basic|token|digest)[ \t]+)?(?P<bare>(?![<\\])[^\s\"',;&<>(){}\[\]]{3,256}))"
)
# "my password is hunter22", "I reset my password to Summer2024!": a sentence end is not part of the value.
_SPOKEN_PASSWORD = re.compile(
    r"[ \t]+(?:is|was|to|now)[ \t]+[\"']?([^\s\"',;<>(){}\[\]]{4,64}?)[\"']?(?=[.]?(?:\s|$))"
)
_SECRET_KEY_STEMS = (
    b"password",
    b"passwd",
    b"passphrase",
    b"secret",
    b"key",
    b"token",
    b"authorization",
    b"credential",
    b"cookie",
)
# `key` alone is too common ("sort key: name"); it counts only as api/access/private/secret key.
_KEY_QUALIFIERS = (b"api", b"access", b"private", b"secret")
_INERT_SECRET_VALUES = frozenset(
    {
        "null",
        "none",
        "nil",
        "true",
        "false",
        "undefined",
        "redacted",
        "[redacted]",
        "hidden",
        "required",
        "bearer",
        "basic",
        "token",
        "digest",
        "missing",
        "invalid",
        "expired",
        "n/a",
        "yes",
        "no",
    }
)

_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]){10,32}")
_CARD = re.compile(r"(?<![\w.,$€£/-])\d(?:[ -]?\d){12,18}(?![\w-]|[.,]\d)")
_SSN = re.compile(r"(?<![\w.-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-]|[.,]\d)")
_PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){2,6}(?![\w-]|[.,]\d)")
_PHONE_US = re.compile(
    r"(?<![\w+.-])(?:1[ .-]?)?(?:\((\d{3})\)[ .-]?|(\d{3})([ .-]))(\d{3})([ .-])\d{4}(?![\w-]|[.,]\d)"
)
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w-]|\.\d)")
_VERSION_WORDS = frozenset({"version", "ver", "ver.", "release", "build", "v"})
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")

# Bare digit strings are a phone number or an SSN only right after a label saying so: ten digits are also
# epoch seconds and nine digits are also plain counters.
_LABEL_TAIL = r"(?:[ _-]?(?:number|num|no\.?|#))?\\?[\"']?[ \t]*(?:[:=#]|is)?[ \t]*\\?[\"']?"
_PHONE_LABELED = re.compile(
    r"(?i:phone|tel|telephone|mobile|cell|fax|sms|whatsapp|call|text)"
    r"(?i:[ \t]+(?:me|us))?(?i:[ \t]+(?:at|on))?" + _LABEL_TAIL + r"(1?[2-9]\d{9})(?![\w-])"
)
_SSN_LABELED = re.compile(r"(?i:ssn|social[ _-]security)" + _LABEL_TAIL + r"(\d{9})(?![\w-])")
_PHONE_LABELS = (
    b"phone",
    b"tel",
    b"telephone",
    b"mobile",
    b"cell",
    b"fax",
    b"sms",
    b"whatsapp",
    b"call",
    b"text",
)
_SSN_LABELS = (b"ssn", b"social")

# Person names count only where the context says a name follows: "my name is X", "Name: X", "Dear X,",
# "Thanks,\nX", "contact X Y at", "Mr. X", "From: X Y <...>". Each cue (a word or phrase as it reads in the
# letter shape, where "I'm" is "i m") maps to the patterns that start at it and to the fewest name words the
# context needs: weak contexts ("customer X Y") need a first and a last name.
# A capitalised word, Latin-1 letters included: Chen, O'Brien, McDonald, Jean-Luc, Müller.
_NAME_WORD = (
    r"[A-ZÀ-ÖØ-Þ](?:['’][A-Z])?[a-zß-öø-ÿ]+(?:[A-Z][a-zß-öø-ÿ]+)?"
    r"(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)?"
)
_NAME = rf"(?P<name>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}})(?![\w@])"
_LABEL_SEPARATOR = r"\\?[\"']?[ \t]*[:=][ \t]*\\?[\"']?"


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


@dataclass(frozen=True)
class _PersonCue:
    pattern: re.Pattern[str]
    fewest_words: int = 1
    # Titles ("Dr", "Ms") are capitalised: testing that first skips every "ms" of milliseconds.
    capitalised: bool = False


def _cue(pattern: str, fewest_words: int = 1, capitalised: bool = False) -> _PersonCue:
    return _PersonCue(re.compile(pattern), fewest_words, capitalised)


_GREETING = _cue(r"(?i:dear|hi|hello|hey|greetings)[ \t]+" + _NAME + r"(?=[ \t]*(?:[,!:\n]|[-–—][ \t]))")
_SIGN_OFF = _cue(
    r"(?i:signed|sincerely|regards|best|thanks|thank[ \t]+you|cheers|yours(?:[ \t]+truly)?|respectfully)"
    r"(?:[ \t]*[,:][ \t]*(?:\r?\n[ \t]*){0,2}|(?:[ \t]*\r?\n){1,2}|[ \t]+by[ \t]+)[ \t]*(?:--?[ \t]*)?"
    + _NAME
)
_LABEL = _cue(r"(?i:[a-z]+)" + _LABEL_SEPARATOR + _NAME)
_TITLE = _cue(r"(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof)\.?[ \t]+" + _NAME, capitalised=True)
_INTRODUCTION_END = r"(?=[ \t]*(?:,|\.|!|\bfrom\b|\bhere\b|\band\b)|['’]s\b)"
_WEAK_CONTEXT = _cue(
    r"(?i:contact|reach[ \t]+out[ \t]+to|speak[ \t]+(?:to|with)|spoke[ \t]+(?:to|with)"
    r"|talk(?:ed)?[ \t]+(?:to|with)"
    r"|ask[ \t]+for|(?:assigned|escalated|forwarded|handed)[ \t]+to|(?:met|discussed)[ \t]+with"
    r"|customer|patient|client|caller)" + _LABEL_SEPARATOR.replace("[:=]", "[:=]?") + _NAME,
    fewest_words=2,
)
# "From: Alice Chen <alice@example.com>".
_MAIL_HEADER = re.compile(r"(?i:from|to|cc|reply-to):[ \t]*" + _NAME + r"(?=[ \t]*<)")
_MAIL_HEADER_KEYS = ("from", "to", "cc", "reply-to")
# "Account holder Alice Chen asked ...": a holder or payee named without a colon needs a full name.
_HOLDER = _cue(r"(?i:[a-z]+)[ \t]+" + _NAME, fewest_words=2)
_ADDRESSEE = _cue(r"(?i:ship|bill|deliver|sold)[ \t]+(?i:to)" + _LABEL_SEPARATOR + _NAME)
_PERSON_CUES: dict[bytes, tuple[_PersonCue, ...]] = {
    b"name": (_cue(r"(?i:name)(?:[ \t]+is|'s)[ \t]+" + _NAME), _LABEL),
    b"dear": (_GREETING,),
    b"hi": (_GREETING,),
    b"hello": (_GREETING,),
    b"hey": (_GREETING,),
    b"greetings": (_GREETING,),
    b"good": (_cue(r"(?i:good[ \t]+(?:morning|afternoon|evening))[ \t]+" + _NAME + r"(?=[ \t]*[,!:\n])"),),
    b"signed": (_SIGN_OFF, _LABEL),
    b"sincerely": (_SIGN_OFF,),
    b"regards": (_SIGN_OFF,),
    b"best": (_SIGN_OFF,),
    b"thanks": (_SIGN_OFF,),
    b"thank": (_SIGN_OFF,),
    b"cheers": (_SIGN_OFF,),
    b"yours": (_SIGN_OFF,),
    b"respectfully": (_SIGN_OFF,),
    b"mr": (_TITLE,),
    b"mrs": (_TITLE,),
    b"ms": (_TITLE,),
    b"mx": (_TITLE,),
    b"miss": (_TITLE,),
    b"dr": (_TITLE,),
    b"prof": (_TITLE,),
    b"this is": (_cue(r"(?i:this is)[ \t]+" + _NAME + _INTRODUCTION_END),),
    b"i am": (_cue(r"[Ii] am[ \t]+" + _NAME + _INTRODUCTION_END),),
    b"i m": (_cue(r"[Ii]['’]m[ \t]+" + _NAME + _INTRODUCTION_END),),
    b"contact": (_WEAK_CONTEXT,),
    b"reach": (_WEAK_CONTEXT,),
    b"speak": (_WEAK_CONTEXT,),
    b"spoke": (_WEAK_CONTEXT,),
    b"talk": (_WEAK_CONTEXT,),
    b"talked": (_WEAK_CONTEXT,),
    b"ask": (_WEAK_CONTEXT,),
    b"assigned": (_WEAK_CONTEXT,),
    b"escalated": (_WEAK_CONTEXT,),
    b"forwarded": (_WEAK_CONTEXT,),
    b"handed": (_WEAK_CONTEXT,),
    b"met": (_WEAK_CONTEXT,),
    b"discussed": (_WEAK_CONTEXT,),
    b"ship": (_ADDRESSEE,),
    b"bill": (_ADDRESSEE,),
    b"deliver": (_ADDRESSEE,),
    b"sold": (_ADDRESSEE,),
    b"customer": (_WEAK_CONTEXT,),
    b"patient": (_WEAK_CONTEXT, _LABEL),
    b"client": (_WEAK_CONTEXT,),
    b"caller": (_WEAK_CONTEXT,),
    b"cc": (_cue(r"(?i:cc):?[ \t]+" + _NAME, fewest_words=2),),
    b"attn": (_LABEL,),
    b"recipient": (_LABEL, _HOLDER),
    b"holder": (_LABEL, _HOLDER),
    b"cardholder": (_LABEL, _HOLDER),
    b"beneficiary": (_LABEL, _HOLDER),
    b"payee": (_LABEL, _HOLDER),
    b"signature": (_LABEL,),
}
# Words before "name" that make it a person's name: a bare "name:" also labels tools and products, so it
# needs a first and a last name.
_PERSON_NAME_QUALIFIERS = frozenset(
    word.encode()
    for word in _word_set(
        "full customer contact first last user display holder cardholder patient my your his her their legal "
        "account billing shipping"
    )
)
# Capitalised words that follow the same cues without being names ("Hi Team,", "Dear Valued Customer,").
_NOT_NAMES = _word_set(
    "team all there everyone everybody folks guys friend friends sir madam customer customers user users "
    "admin support sales billing service services help bot assistant agent valued the this that dear hi "
    "hello hey thanks thank regards best sorry not unable happy glad sure here please our your my we you "
    "it unknown anonymous null none name email phone order account product manager owner again in on "
    "at to for from and or if when what how why yes no ok okay good great fine done new still just also "
    "trying looking having getting going interested afraid ready back able available world"
)
_ORGANISATION_WORDS = _word_set(
    "team support desk service services sales billing inc corp corporation llc ltd gmbh co company labs "
    "cloud pro plus premium store shop app api bot platform group bank airlines hotel university "
    "department dept operations ops engineering security software products systems solutions technologies "
    "foundation project ecosystem association society committee"
)


def _person_name(name: str, fewest_words: int) -> int | None:
    """Length of the leading part of `name` that is a person's name, or None if it is not one."""
    words = name.split()
    if words[0].lower() in _NOT_NAMES:
        return None
    # "Thanks, Dmitri Hi Team": the name ends before the first word that is no name; "Acme Cloud Support"
    # names an organisation, whichever of its words says so.
    for count, word in enumerate(words[1:], start=1):
        if word.lower() in _NOT_NAMES:
            if word.lower() in _ORGANISATION_WORDS:
                return None
            words = words[:count]
            break
    if len(words) < fewest_words or any(word.lower() in _ORGANISATION_WORDS for word in words):
        return None
    position = 0
    for word in words:
        position = name.index(word, position) + len(word)
    return position


# ---------------------------------------------------------------------------------------------- the scan


def _translation(keep: Callable[[int], int]) -> bytes:
    return bytes(keep(byte) for byte in range(256))


# Letters lowered, everything else a space: `set(shape.split())` is the set of words, found in one C pass.
_LETTER_SHAPE = _translation(lambda b: b | 0x20 if chr(b).isascii() and chr(b).isalpha() else 0x20)
# Digits as "0", everything else kept: digit runs become a literal the regex engine searches fast.
_DIGIT_SHAPE = _translation(lambda b: 0x30 if 0x30 <= b <= 0x39 else b)
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


@dataclass(frozen=True)
class _Shapes:
    """Byte views of one text with the same indexes (non-ASCII characters become one `?` byte each)."""

    padded_letters: bytes  # a space, then the letter shape
    digits: bytes
    cues: frozenset[bytes]

    @classmethod
    def of(cls, text: str) -> _Shapes:
        raw = text.encode("ascii", "replace")
        padded_letters = b" " + raw.translate(_LETTER_SHAPE)
        return cls(
            padded_letters, raw.translate(_DIGIT_SHAPE), _CUE_WORDS.intersection(padded_letters.split())
        )

    @property
    def letters(self) -> bytes:
        return self.padded_letters[1:]


@cache
def _whole_word(word: bytes) -> re.Pattern[bytes]:
    # A leading space literal (the padded shape starts with one) lets the engine search for a fixed prefix.
    return re.compile(b" " + re.escape(word) + rb"(?![a-z])")


def _word_starts(shapes: _Shapes, word: bytes) -> Iterator[int]:
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
        match = _EMAIL.match(text, start) if start < at else None
        if match:
            yield "EMAIL", match.start(), match.end()
        at = text.find("@", at + 1)


def _find_url_credentials(text: str) -> Iterator[Candidate]:
    index = text.find("://")
    while index != -1:
        match = _URL_CREDENTIALS.match(text, index + 3)
        if match:
            yield "URL_CREDENTIALS", match.start(1), match.end(1)
        index = text.find("://", index + 3)


def _find_pattern(text: str, entity: str, pattern: re.Pattern[str]) -> Iterator[Candidate]:
    for match in pattern.finditer(text):
        yield entity, match.start(), match.end()


def _find_private_keys(text: str) -> Iterator[Candidate]:
    for match in _PEM_PRIVATE_KEY.finditer(text):
        if match.group("body").strip():
            yield "SECRET", match.start("body"), match.end("body")


def _find_bearer(text: str, shapes: _Shapes) -> Iterator[Candidate]:
    for index in _word_starts(shapes, b"bearer"):
        match = _BEARER.match(text, index)
        if match:
            yield "BEARER_TOKEN", match.start(1), match.end(1)


def _find_key_values(text: str, shapes: _Shapes) -> Iterator[Candidate]:
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
    # ... and a bare `key` must be an api, access, private or secret key.
    if stem == b"key" and not letters[max(0, index - 9) : index].replace(b" ", b"").endswith(_KEY_QUALIFIERS):
        return None
    entity = "PASSWORD" if stem.startswith(b"pass") else "SECRET"
    match = _SECRET_VALUE.match(text, after)
    if match:
        group = "quoted" if match.group("quoted") is not None else "bare"
        value = match.group(group)
        if _is_secret_value(
            value, stem, bare=group == "bare", followed_by=text[match.end(group) : match.end(group) + 1]
        ):
            return entity, match.start(group), match.end(group)
        return None
    match = _SPOKEN_PASSWORD.match(text, after) if entity == "PASSWORD" else None
    if match and _looks_like_password(match.group(1)):
        return entity, match.start(1), match.end(1)
    return None


# Code that assigns a secret from somewhere else names no secret: `password = getpass()`,
# `token=self.token`, `api_key=settings.API_KEY`, `password=db_password`.
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
        if 8 <= sum(char.isdigit() for char in match.group()) <= 15:
            yield "PHONE", match.start(), match.end()


def _find_ipv4(text: str, start: int, end: int) -> Iterator[Candidate]:
    for match in _IPV4.finditer(text, start, end):
        octets = match.group().split(".")
        # 0.x.x.x is no host address ("0.12.0.0" is a version); above 255 is no octet; four single digits
        # are far more often a section or version number (7.1.3.4) than a host someone uses.
        if octets[0] == "0" or any(int(octet) > 255 for octet in octets) or len(match.group()) == 7:
            continue
        if not _after_version_word(text, match.start()):
            yield "IP_ADDRESS", match.start(), match.end()


def _after_version_word(text: str, index: int) -> bool:
    """Whether a dotted quad at `index` follows "version", "build", "v" or "==": then 1.2.3.4 is a version."""
    before = text[max(0, index - 10) : index]
    if before.endswith("=="):
        return True
    words = before.rstrip(" \t:=").lower().split()
    return bool(words) and words[-1] in _VERSION_WORDS


def _find_numbers(text: str, shapes: _Shapes) -> Iterator[Candidate]:
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


def _find_labeled_numbers(text: str, shapes: _Shapes) -> Iterator[Candidate]:
    for labels, pattern, entity, run in (
        (_PHONE_LABELS, _PHONE_LABELED, "PHONE", b"0" * 10),
        (_SSN_LABELS, _SSN_LABELED, "US_SSN", b"0" * 9),
    ):
        present = shapes.cues.intersection(labels)
        if not present or run not in shapes.digits:
            continue
        for label in present:
            for index in _word_starts(shapes, label):
                match = pattern.match(text, index)
                if match and (entity != "US_SSN" or ssn_valid(match[1][:3], match[1][3:5], match[1][5:])):
                    yield entity, match.start(1), match.end(1)


def _find_ipv6(text: str) -> Iterator[Candidate]:
    for match in _IPV6.finditer(text):
        candidate = match.group()
        if "::" not in candidate and candidate.count(":") != 7:
            continue
        if len(candidate) < 3 or not any(char.isdigit() for char in candidate):
            continue
        try:
            ipaddress.IPv6Address(candidate)
        except ValueError:
            continue
        yield "IP_ADDRESS", match.start(), match.end()


def _find_people(text: str, shapes: _Shapes, cues: Iterable[bytes]) -> Iterator[Candidate]:
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
                if length is not None:
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


def _candidates(text: str) -> list[Candidate]:
    """Every finding of every finder, overlapping; each finder runs only if a cheap test says it may match."""
    shapes = _Shapes.of(text)
    cues = shapes.cues
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
    if b"0" in shapes.digits:
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


# Short strings that held nothing: metadata keys and values, tags and enum-like fields repeat across spans,
# and the detector is a pure function, so a set lookup answers them. Bounded; cleared when full.
_KNOWN_CLEAN: set[str] = set()
_KNOWN_CLEAN_LIMIT = 65_536
_MEMO_MAX_LENGTH = 96


def find_pii(text: str) -> list[PiiMatch]:
    """Every finding in `text`, non-overlapping and sorted by start.

    Overlaps are settled by entity precedence (`PII_ENTITIES` order), then by length, so a URL's credentials
    win over an email-looking `password@host`, and an API key after `api_key=` is reported once, as API_KEY.
    """
    if len(text) > _MEMO_MAX_LENGTH:
        return _find(text)
    if text in _KNOWN_CLEAN:
        return []
    matches = _find(text)
    if not matches:
        if len(_KNOWN_CLEAN) >= _KNOWN_CLEAN_LIMIT:
            _KNOWN_CLEAN.clear()
        _KNOWN_CLEAN.add(text)
    return matches


def forget_known_clean() -> None:
    """Empty the memo of clean short strings, so a benchmark times cold lookups."""
    _KNOWN_CLEAN.clear()


def _find(text: str) -> list[PiiMatch]:
    if len(text) < 3:
        return []
    candidates = _candidates(text)
    if not candidates:
        return []
    if "<" in text:
        # Redacted text must never match again: a finding that takes in a placeholder is no finding.
        candidates = [c for c in candidates if not _PLACEHOLDER.search(text, c[1], c[2])]
    candidates = sorted(set(candidates), key=lambda c: (_RANK[c[0]], c[1] - c[2], c[1]))
    accepted: list[Candidate] = []
    for candidate in candidates:
        _, start, end = candidate
        if all(end <= other_start or start >= other_end for _, other_start, other_end in accepted):
            accepted.append(candidate)
    accepted.sort(key=lambda c: c[1])
    return [PiiMatch(entity, start, end, text[start:end]) for entity, start, end in accepted]


def contains_pii(text: str) -> bool:
    """True when `text` still holds a finding; placeholders such as `<EMAIL>` are not findings."""
    return bool(find_pii(text))


def _apply(text: str, matches: list[PiiMatch], counts: dict[str, int] | None) -> str:
    parts: list[str] = []
    position = 0
    for match in matches:
        parts.append(text[position : match.start])
        parts.append(placeholder(match.entity))
        position = match.end
        if counts is not None:
            counts[match.entity] = counts.get(match.entity, 0) + 1
    parts.append(text[position:])
    return "".join(parts)


def redact_text(text: str, counts: dict[str, int] | None = None) -> str:
    """`text` with every finding replaced by its placeholder; `counts[entity]` grows by one per finding."""
    matches = find_pii(text)
    return _apply(text, matches, counts) if matches else text


# ------------------------------------------------------------------------------------------ JSON-like values


def _normalized_key(key: str) -> str:
    return "".join(char for char in key.lower() if char.isalnum())


_SECRET_KEY_SUFFIXES = (
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "apikey",
    "accesskey",
    "privatekey",
    "secretkey",
    "token",
    "auth",
    "authorization",
    "credential",
    "credentials",
    "cookie",
    "signature",
    "sessionkey",
)
_PASSWORD_KEY_SUFFIXES = ("password", "passwd", "passphrase", "pwd")
_EMAIL_KEYS = frozenset({"email", "emailaddress", "mail", "useremail", "usremail", "customeremail"})
_PHONE_KEYS = frozenset({"phone", "phonenumber", "mobile", "telephone", "userphone", "customerphone"})
_USER_KEYS = frozenset(
    {"user", "userid", "username", "usrid", "usrname", "login", "customerid", "enduserid", "accountemail"}
)


@lru_cache(maxsize=4096)
def key_entity(key: str) -> str | None:
    """The placeholder type that replaces any value stored under `key`, or None for an ordinary key.

    Secret-like keys (password, api_key, Authorization, client_secret, ...) and keys that identify a person
    (user_id, email, phone) hide their whole value, whatever it looks like. Matching ignores case and
    separators, so `X-Api-Key`, `api_key` and `apiKey` are the same key.
    """
    normalized = _normalized_key(key)
    if not normalized:
        return None
    if normalized.endswith(_PASSWORD_KEY_SUFFIXES):
        return "PASSWORD"
    if normalized.endswith(_SECRET_KEY_SUFFIXES):
        return "SECRET"
    if normalized in _EMAIL_KEYS:
        return "EMAIL"
    if normalized in _PHONE_KEYS:
        return "PHONE"
    if normalized in _USER_KEYS:
        return "USER_ID"
    return None


def _count(counts: dict[str, int] | None, entity: str) -> None:
    if counts is not None:
        counts[entity] = counts.get(entity, 0) + 1


def _redact_in_context(text: str, prefix: str, counts: dict[str, int] | None) -> str:
    """Redact `text` as it reads after `prefix` (its JSON key), keeping only findings inside `text`.

    The blocking check rescans captures as JSON, where a value reads `"ssn": "123456789"`; scanning the value
    with the same context here means anything the check would flag has already been removed.
    """
    matches = find_pii(prefix + text)
    if not matches:
        return text
    offset = len(prefix)
    inside = [
        PiiMatch(m.entity, max(m.start, offset) - offset, m.end - offset, "")
        for m in matches
        if m.end > offset
    ]
    return _apply(text, inside, counts) if inside else text


def redact_tag(tag: str, counts: dict[str, int] | None = None) -> str:
    """A `key:value` tag with its value hidden when the key is secret-like or names a user, else redacted."""
    tag_key, separator, tag_value = tag.partition(":")
    if separator and tag_value:
        entity = key_entity(tag_key)
        if entity is not None and tag_value != placeholder(entity):
            _count(counts, entity)
            return f"{tag_key}:{placeholder(entity)}"
    return redact_text(tag, counts)


@lru_cache(maxsize=4096)
def _key_role(key: str) -> tuple[str | None, bool]:
    """(placeholder type for values under `key`, whether `key` holds `key:value` tags)."""
    return key_entity(key), _normalized_key(key) == "tags"


def sanitize_value(value: Any, counts: dict[str, int] | None = None, key: str | None = None) -> Any:
    """A redacted copy of a JSON-like value: strings redacted, containers walked, nothing changed in place.

    `key` is the dict key (or the field name) the value sits under: values under secret-like or
    user-identifying keys are replaced whole by a placeholder, and the elements of a `tags` list are treated
    as `key:value` tags.
    """
    entity, holds_tags = _key_role(key) if key is not None else (None, False)
    if entity is not None and value is not None and value != "" and not isinstance(value, bool):
        if value == placeholder(entity):
            return value
        _count(counts, entity)
        return placeholder(entity)
    if isinstance(value, str):
        if key is None:
            return redact_text(value, counts)
        if holds_tags:
            return redact_tag(value, counts)
        return _redact_in_context(value, f'"{key}": "', counts)
    if isinstance(value, dict):
        return {
            (redact_text(k, counts) if isinstance(k, str) else k): sanitize_value(v, counts, str(k))
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [sanitize_value(item, counts, key) for item in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A number can be a card or phone number too; it becomes a placeholder string only if it is one.
        text = str(value)
        if len(text) < 7:
            return value
        redacted = _redact_in_context(text, f'"{key}": ' if key is not None else "", counts)
        return value if redacted == text else redacted
    return value
