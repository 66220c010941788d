"""What the PII detector looks for: the entity types in precedence order, the finding record, and the
compiled patterns and context cues its finders match (see `pii_finders` for how they are used).

Names starting with an underscore are private to the `pii*` modules of this package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    "NATIONAL_ID",
    "PHONE",
    "IP_ADDRESS",
    "STREET_ADDRESS",
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


def phrase_alternation(phrases: tuple[str, ...]) -> str:
    """A regex alternation of cue phrases, longest first (so `thank you` is tried before `thank`), each space
    matching any run of spaces or tabs."""
    return "|".join(re.escape(phrase).replace(r"\ ", r"[ \t]+") for phrase in sorted(phrases, key=len, reverse=True))


def placeholder(entity: str) -> str:
    return f"<{entity}>"


_PLACEHOLDER = re.compile("<(?:" + "|".join(PII_ENTITIES) + ")>")


# ------------------------------------------------------------------------------------------------ patterns
# Finders yield (entity, start, end) candidates; `find_pii` settles overlaps. Most patterns are not scanned
# over the whole text: a cheap pass (see `_Shapes`) finds where something could start, and the pattern is
# matched there, because scanning 400 characters with a character-class regex costs microseconds.
Candidate = tuple[str, int, int]

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}"
    # A hyphen ends it when a suffix of another script follows (Bengali `...@example.org-এ`, "to ...").
    r"(?![A-Za-z0-9]|-[A-Za-z0-9-])"
)
# `_EMAIL`, or an address whose domain a generator or a typo left malformed (`n.wen@-consulting.cn`, `zhuchao@.cn`,
# `e.johansen@kasparova-jezkova-s-r-.dk`): the name before the `@` is still a person's mailbox.
_EMAIL_OR_MALFORMED = re.compile(
    rf"(?:{_EMAIL.pattern})"
    r"|(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@(?:[A-Za-z0-9-]*\.)+[A-Za-z]{2,24}"
    r"(?![A-Za-z0-9]|-[A-Za-z0-9-])"
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
# Keys that name a record, not a credential: their values are ids, hashes and names.
_ID_KEY_QUALIFIERS = frozenset(
    b"idempotency cache partition sort primary foreign row object dedup dedupe routing shard lookup hash message "
    b"request trace group public index bucket cursor map dict unique composite natural surrogate join hotkey "
    b"license product registry entry field column table item record session lock redis".split()
)
# A value a machine drew: 16 or more letters and digits (and `_` or `-`), both letters and digits among them.
_RANDOM_VALUE = re.compile(r"(?=[A-Za-z_-]*\d)(?=[\d_-]*[A-Za-z])[A-Za-z0-9_-]{16,}")
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
# Or a whole field of a comma-separated row (`tx_9,4111111111111111,AMY ROBERTS`): a thousands separator is
# followed by three digits, never thirteen. Both card finders (`pii_finders`, `pii_library`) take this field.
CSV_CARD_FIELD = r"(?<=,)\d{13,19}(?=[,;|\t\r\n\"]|$)"
# A card in a reservation's form of payment, written against its `CC` code and perhaps the issuer's two letters
# (`FP CC4111111111111111/1029`, `FP CCVI4111111111111111`), as airline and hotel systems print it.
GDS_CARD_FIELD = r"(?:(?<=[^A-Za-z]CC)|(?<=[^A-Za-z]CC[A-Z]{2}))\d{13,19}(?!\d)"
_CARD = re.compile(
    r"(?<![\w.,$€£/-])\d(?:[ -]?\d){12,18}(?![\w-]|[.,]\d)|" + CSV_CARD_FIELD + "|" + GDS_CARD_FIELD)
_SSN = re.compile(r"(?<![\w.-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-]|[.,]\d)")
_PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){2,6}(?![\w-]|[.,]\d)")
_PHONE_US = re.compile(
    r"(?<![\w+.-])(?:1[ .-]?)?(?:\((\d{3})\)[ .-]?|(\d{3})([ .-]))(\d{3})([ .-])\d{4}(?![\w-]|[.,]\d)"
)
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w-]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
# An address right after a `key:` (`client_ip:2001:db8::1`), which `_IPV6` may not start at: the colon before
# it could be part of a longer hex run. A key with a letter that is no hex digit cannot be.
_KEYED_IPV6 = re.compile(
    r"(?<![\w:.])[\w-]*[G-Zg-z_][\w-]*:(?P<address>(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4})(?![\w:])"
)

# Bare digit strings are a phone number or an SSN only right after a label saying so: ten digits are also
# epoch seconds and nine digits are also plain counters.
_LABEL_TAIL = r"(?:[ _-]?(?:number|num|no\.?|#))?\\?[\"']?[ \t]*(?:[:=#]|is)?[ \t]*\\?[\"']?"
_PHONE_LABELED = re.compile(
    r"(?i:phone|tel|telephone|mobile|cell|fax|sms|whatsapp|call|text)"
    r"(?i:[ \t]+(?:me|us))?(?i:[ \t]+(?:at|on))?" + _LABEL_TAIL + r"(1?[2-9]\d{9})(?![\w-])"
)
# An SSN written as nine bare digits needs its label: right before it, or earlier in the sentence with no other
# number between ("I can't store Social Security numbers. Please remove 654254712 from the ticket"); "my social
# is …" and a taxpayer id (`TIN: …`) label one too.
_SSN_LABELED = re.compile(
    r"(?i:ssn|social[ _-]security|social(?=[ \t]+is\b|[ \t]*[:#])|i?tin(?=[ \t]*[:#=]))"  # the label
    r"(?:(?!(?i:order|invoice|ticket|account|ref|id)\b)[^\d\n#]){0,60}?"  # no other number or id word between
    r"(?<![\w-])(\d{9})(?![\w-])"
)
# A paper form's digit boxes, as OCR or a PDF's text layer writes them: `Social security number: 5 3 7   5 6   8 6 2 9`.
_SSN_BOXED = re.compile(
    r"(?i:ssn|social[ _-]security(?:[ \t]+number)?)[ \t]*[:#]?[ \t]*(\d(?:[ \t]{1,3}\d){8})(?![ \t]?\d)"
)
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
_SSN_LABELS = (b"ssn", b"social", b"tin", b"itin")

# Person names count only where the context says a name follows: "my name is X", "Name: X", "Dear X,",
# "Thanks,\nX", "contact X Y at", "Mr. X", "From: X Y <...>". Each cue (a word or phrase as it reads in the
# letter shape, where "I'm" is "i m") maps to the patterns that start at it and to the fewest name words the
# context needs: weak contexts ("customer X Y") need a first and a last name.
# A capitalised word, Latin-1 letters included: Chen, O'Brien, McDonald, Jean-Luc, Müller.
_NAME_WORD = (
    r"[A-ZÀ-ÖØ-Þ](?:['’][A-Z])?[a-zß-öø-ÿ]+(?:[A-Z][a-zß-öø-ÿ]+)?"
    r"(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)?"
)
# A name's words stand one or two blanks apart; three or more are a column's gap (`Reporter: Ángel Aramburu   Assignee:`).
_NAME = rf"(?P<name>{_NAME_WORD}(?:[ \t]{{1,2}}(?![ \t]){_NAME_WORD}){{0,2}})(?![\w@])"
_LABEL_SEPARATOR = r"\\?[\"']?[ \t]*[:=][ \t]*\\?[\"']?"


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


@dataclass(frozen=True)
class _PersonCue:
    pattern: re.Pattern[str]
    fewest_words: int = 1
    # Titles ("Dr", "Ms") are capitalised: testing that first skips every "ms" of milliseconds.
    capitalised: bool = False
    # A weak cue whose name may not be plain English words ("closed by Auto Resolver" names a bot).
    words_must_name: bool = False


def _cue(pattern: str, fewest_words: int = 1, capitalised: bool = False, words_must_name: bool = False) -> _PersonCue:
    return _PersonCue(re.compile(pattern), fewest_words, capitalised, words_must_name)


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
    r"|ask[ \t]+for|(?:assigned|escalated|forwarded|handed)[ \t_]+to|handed[ \t]+(?:off|over)[ \t]+to"
    r"|(?:met|discussed)[ \t]+with"
    r"|customer|patient|client|caller)" + _LABEL_SEPARATOR.replace("[:=]", "[:=]?") + _NAME,
    fewest_words=2,
)
# The agent of what people do to a ticket or a request ("escalated by Jorn Lips", "reviewed by Sanya Dhar"),
# and the keys that hold who did it ("owner=Jade Sousa", "assignee: ..."): a full name, since a team or a bot
# ("closed by Auto Resolver") is one word more often than two.
_DONE_BY = _cue(
    r"(?i:approved|reviewed|escalated|reported|closed|resolved|submitted|requested|triaged|acknowledged"
    r"|assigned|handled|raised|filed|signed[ \t]+off|opened|created|authored|updated|edited|sent|placed|booked"
    r"|cancell?ed|initiated|verified|confirmed|rejected|declined|flagged|logged|owned)[ \t]+(?i:by)[ \t]+" + _NAME,
    fewest_words=2,
    words_must_name=True,
)
# A party or witness of a court document before a surname (`Plaintiff Wright-Murphy relies on ...`), which
# retrieval puts in front of a model: one word will do, if it is no plain English word (`Defendant Company`).
_LEGAL_PARTIES = (
    "plaintiff", "defendant", "petitioner", "respondent", "appellant", "appellee", "claimant", "witness",
    "deponent", "decedent", "testator", "intervenor",
)
_LEGAL_PARTY = _cue(r"(?i:" + "|".join(_LEGAL_PARTIES) + r")s?[ \t]+" + _NAME, words_must_name=True)
_ROLE_LABEL = _cue(r"(?i:[a-z]+)" + _LABEL_SEPARATOR + _NAME, fewest_words=2, words_must_name=True)
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
    b"signed": (_SIGN_OFF, _LABEL, _DONE_BY),
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
    b"assigned": (_WEAK_CONTEXT, _DONE_BY),
    b"escalated": (_WEAK_CONTEXT, _DONE_BY),
    b"forwarded": (_WEAK_CONTEXT,),
    b"handed": (_WEAK_CONTEXT,),
    **{verb.encode(): (_DONE_BY,) for verb in (
        "approved", "reviewed", "reported", "closed", "resolved", "submitted", "requested", "triaged",
        "acknowledged", "handled", "raised", "filed", "opened", "created", "authored", "updated", "edited", "sent",
        "placed", "booked", "cancelled", "canceled", "initiated", "verified", "confirmed", "rejected", "declined",
        "flagged", "logged", "owned")},
    **{key.encode(): (_ROLE_LABEL,) for key in ("owner", "assignee", "reviewer", "approver", "reporter")},
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
    **{word.encode(): (_LEGAL_PARTY,) for party in _LEGAL_PARTIES for word in (party, party + "s")},
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
    "foundation project ecosystem association society committee "
    "amtsgericht landgericht registergericht handelsregister tribunal"  # a register's court: `Amtsgericht München`
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

