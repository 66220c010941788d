"""Message templates: an error message with its variable parts masked by token class, deterministically.

The template of a message depends on that message alone (no learned state), so the same capture gets the same
template in any run, process or partition order. Steps, in order:

1. Embedded JSON or Python-dict payloads (`Error code: 429 - {'error': {'message': ..., 'code': ...}}`) are
   parsed and replaced by their keys; a value is kept only when it is a code (a lowercase identifier such as
   `rate_limit_exceeded`), because codes name the failure while other values are the data it failed on.
2. Variable tokens become typed placeholders (names of things, such as index names or ids glued to a
   placeholder, are all `<id>`: one slot of one failure holds values of several shapes): sanitizer placeholders,
   URLs, emails, AWS resource names (`<arn>`), IPs, UUIDs, host names and `name:port` addresses, file paths and
   document or media file names (`faktura_final.xlsx`), compound names after their kind (`Lambda function
   gw-webhook-relay`), dates (also written with the month's name), hex ids, ids with or without a prefix
   (`ch_o94nOlhvDbNIx7gDXIEp9Zeo`, `org-rnBr…`, `req-3f…`), IBAN-shaped account numbers, numbers with or without
   units (`800ms`, `10 seconds`, `5/12`, `16x384`, `439.94 BRL`), quoted values, `key=value` values (a code under a
   key that names the failure stays: `code=_MSG_TIMED_OUT`, `code="NoRoute"`) and single-token bracketed values
   (`[logs-2026.01.03]`). Error codes (`ORA-00054`), HTTP statuses and short numbers under a code key (`exit code
   137`, `Code=-1009`) are not values.
3. Parenthesized and bracketed asides that hold only placeholders and a few words (`(shard <num>/<num>)`,
   `(attempt <num> of <num>)`, `[<id>]`) are context of one occurrence, not the failure: they are dropped.
4. Runs of placeholders joined by punctuation (`<ip>:<num>`) collapse to the first.

An evaluation's failure message is templated by its verdict alone, the head before the judge's rationale
(`verdict_template`).
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

MAX_INPUT = 4_000  # characters of a message read; the rest of a huge message is the same failure's detail
MAX_TEMPLATE = 300
_MAX_PAYLOAD = 3_000

# Kubernetes objects (`deployment/pricing-svc`, `pod/web-7c9f`) and the namespace a message names: which workload
# failed is data of one occurrence (the kind before the slash stays). One fixed-width look-behind per kind.
_K8S_KINDS = ("deployment", "deploy", "daemonset", "statefulset", "replicaset", "cronjob", "job", "pod", "service", "svc",
              "node", "configmap", "secret", "ingress", "namespace")
_K8S_OBJECT = (
    "(?:" + "|".join(rf"(?<=\b{kind}/)" for kind in _K8S_KINDS) + r"|(?<=\bin namespace ))"
    r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?\b"
)
# A service's address written `name:port` (`localhost:4317`, `otel-collector.observability:4317`, `redis:6379`):
# which instance a client talked to is data of one occurrence. Not after words that count (`line:42`, `attempt:3`).
_HOST_PORT = (r"(?<![\w.:/<>-])(?!(?:line|col|column|attempt|retry|retries|try|step|page|offset|partition|index|row"
              r"|epoch|code|status|error|errno|exit|pid|shard|chunk|batch|version|v):)"
              r"(?:[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*|\d{1,3}(?:\.\d{1,3}){3}):\d{2,5}(?![\w.:])")
# A date written with its month's name (`Feb 3, 2026`, `3 February 2026`, `Tue, 03 Feb 2026 10:04:05 GMT`): the
# same slot holds `2026-02-03` on other spans.
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
          r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_WORDED_DATE = (r"(?:\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?"
                r"(?:\b\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH + r"\.?,?\s+\d{4}\b"
                r"|\b" + _MONTH + r"\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b)"
                r"(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[AaPp][Mm]|GMT|UTC|Z))?)?")
# An amount's currency written after it (`439.94 BRL`): the amount and its currency vary together.
_CURRENCIES = ("(?:USD|EUR|GBP|JPY|CNY|INR|BRL|SEK|NOK|DKK|CHF|AUD|CAD|MXN|PLN|TRY|ZAR|KRW|SGD|HKD|NZD|RUB|IDR|THB|PHP"
               "|MYR|VND|CZK|HUF|ILS|AED|SAR|ARS|CLP|COP|PEN|NGN|KES|EGP|RON|UAH)")
# A document's or a media file's name without its directory (`faktura_final.xlsx`, `IMG_2031.HEIC`): which file one
# occurrence read. Configuration and code files (`config.json`, `convert.c`) name what failed and stay.
_FILE_NAME = (r"(?<![\w./<>@-])[\w-]+(?:\.[\w-]+)*\.(?i:pdf|docx?|xlsx?|pptx?|od[tsp]|csv|tsv|txt|rtf|eml|msg|html?|png"
              r"|jpe?g|gif|webp|tiff?|heic|bmp|mp3|mp4|m4a|wav|mov|avi|mkv|webm|ogg|flac|zip|tgz|rar|7z|parquet|avro|epub)"
              r"(?![\w.])")
# A named resource after the kind of thing it is (`Lambda function gw-webhook-relay`, `bucket acme-exports-eu`,
# `repo acme-ml/ner-pl-base`): which one of its kind failed is data of one occurrence. Only compound names (with a
# `-` or `/`), so words stay; not after `model`, whose name tells rate limits and capabilities apart.
_RESOURCE_KINDS = ("function", "bucket", "table", "queue", "topic", "collection", "index", "cluster", "database",
                   "repo", "repository", "stream", "workspace", "tenant", "project", "container", "file")
_NAMED_RESOURCE = ("(?:" + "|".join(rf"(?<=\b{kind} )" for kind in _RESOURCE_KINDS) + r")"
                   r"(?![<\s])[\w.]+(?:[-/][\w.]+)+(?![\w/-])")
_PLACEHOLDER = {"when": "date", "hostport": "host", "file": "path", "named": "id"}  # classes that write another class's placeholder
# (placeholder, pattern) in application order: earlier classes protect their matches from later ones.
_TOKEN_CLASSES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("url", r"\b[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^\s'\"<>)\]]|<\w+>)+"),
        ("email", r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
        # An AWS resource name (`arn:aws:sts::123456789012:assumed-role/task-role/i-0abc...`): which role, session or
        # resource one occurrence named.
        ("arn", r"\barn:aws[\w-]*:[\w-]+:[\w-]*:\d*:[^\s'\"<>,;)\]]+"),
        ("object", _K8S_OBJECT),
        ("uuid", r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"),
        ("ip", (r"(?<![\w.:])(?:(?:\d{1,3}\.){3}\d{1,3}|(?=[0-9a-fA-F:]*::|(?:[0-9a-fA-F]{1,4}:){3})"
                r"(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}"
                r"(?:\.\d{1,3}){0,3})(?![\w.:]*\w)")),
        ("when", _WORDED_DATE),
        ("date", (r"\b\d{4}[-/.]\d{2}[-/.]\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
                  r"|\b\d{2}:\d{2}:\d{2}(?:\.\d+)?\b")),
        # A directory may be a value masked already (`/attachments/<uuid>/invoice.pdf`, `/logs-<date>/`).
        ("path", r"(?<![\w/.])(?:[A-Za-z]:\\|~?/)(?:(?:[\w.@+-]|<\w+>)+[/\\])+(?:[\w.@+-]|<\w+>)*"),
        ("file", _FILE_NAME),
        ("named", _NAMED_RESOURCE),
        ("hostport", _HOST_PORT),
        # Lowercase dotted names: any with two dots or more (`web-42.acme.info`), one dot with a common top level.
        ("host", (r"\b(?:[a-z0-9-]+\.){2,}[a-z]{2,24}\b(?![\w-])|\b[a-z0-9-]+\.(?:com|net|org|io|dev|ai|co|app|cloud"
                  r"|local|internal|svc|info|biz)\b(?![\w-])")),
        ("hex", r"\b0x[0-9a-fA-F]+\b|(?<![\w-])(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b"),
        ("iban", r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b"),
        # Bounded by ASCII word characters only: in 2026年5月1日 the digits touch letters of a script without spaces.
        # Go durations (9m16s, 1h0m0s) and Kubernetes quantities (512Mi, 2Gi) are one number with its unit, and
        # shapes and sizes (128x768, 1920x1080) one number.
        ("num", (r"(?<![A-Za-z0-9_<])(?<![A-Za-z0-9_]-)[-+$€£¥]?\d+(?:[.,]\d+)*(?:[hm]\d+(?:\.\d+)?)*(?:[x×]\d+)*"
                 r"(?:\s?(?:ns|us|µs|ms|s|sec|secs|seconds?|mins?|minutes?|m|h|hrs?|hours?|days?|[kKMGTP]i?B|[KMGTP]i"
                 r"|bytes?|%|x|" + _CURRENCIES + r"))?(?![A-Za-z0-9_])")),
        # Not after a letter: the apostrophe of "field's" opens no quoted value.
        ("quoted", r"(?<![\w\x00])(?!(?P<q>['\"`])\x00(?P=q))(?:'[^'\n]{0,200}'|\"[^\"\n]{0,200}\"|`[^`]{0,2000}`)"),
        # A parenthesized tuple is one value (PostgreSQL's `Key (tenant_id, ref)=(acme, MIL-681214) already exists`).
        ("value", r"(?<==)(?!<)(?:\([^()\n]{0,200}\)|[^\s,;&)\]}\x00]+)"),
    )
)
# A class's pattern runs only when a cheap test passes that every match of it needs (a necessary condition, so
# skipping changes nothing): most messages have no "@", "://" or "=", four hyphens or two colons. Plain searches
# (a character class first, which the engine scans for quickly, unlike a lookbehind) look for a part of every
# match: a date's two digits, separator, two digits; eight hex digits; a dot inside a name. Dates, hex ids and
# numbers are also only looked for when the text has an ASCII digit, as they always have been.
_ASCII_DIGIT = re.compile(r"[0-9]").search
_DATE_CORE = re.compile(r"\d\d[-/.:]\d\d").search
_HEX_RUN = re.compile(r"[0-9a-f]{8}").search
_DOTTED = re.compile(r"[a-z0-9-]\.[a-z0-9-]").search
_MONTH_WORD = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)").search
_PORT = re.compile(r"[a-z0-9]:\d\d").search  # the name's (or address's) last character, the port's first two
_RESOURCE_WORD = re.compile(r"\b(?:" + "|".join(_RESOURCE_KINDS) + r") ").search
_IBAN_HEAD = re.compile(r"[A-Z]{2}\d{2}").search
_MAY_MATCH: dict[str, Callable[[str], bool]] = {
    "url": lambda text: "://" in text,
    "email": lambda text: "@" in text,
    "arn": lambda text: "arn:" in text,
    "object": lambda text: "/" in text or "namespace " in text,
    "uuid": lambda text: text.count("-") >= 4,
    "ip": lambda text: text.count(".") >= 3 or text.count(":") >= 2,  # IPv4's three dots, IPv6's two colons
    "when": lambda text: _ASCII_DIGIT(text) is not None and _MONTH_WORD(text) is not None,
    "hostport": lambda text: ":" in text and _PORT(text) is not None,
    "date": lambda text: _ASCII_DIGIT(text) is not None
    and (text.count(":") >= 2 or text.count("-") + text.count("/") + text.count(".") >= 2)
    and _DATE_CORE(text) is not None,
    "path": lambda text: "/" in text or "\\" in text,
    "file": lambda text: "." in text,
    "named": lambda text: ("-" in text or "/" in text) and _RESOURCE_WORD(text) is not None,
    "iban": lambda text: _ASCII_DIGIT(text) is not None and _IBAN_HEAD(text) is not None,
    "host": lambda text: _DOTTED(text) is not None,
    "hex": lambda text: _ASCII_DIGIT(text) is not None and ("0x" in text or _HEX_RUN(text) is not None),
    "num": lambda text: _ASCII_DIGIT(text) is not None,
    "quoted": lambda text: "'" in text or '"' in text or "`" in text,
    "value": lambda text: "=" in text,
}
# An id is a token of letters and digits with _ or - joints (`ch_o94nOlhvDbNIx7gDXIEp9Zeo`, `org-rnBr…`,
# `products_v8`); `_is_id` decides, so words, versions and short codes (`v2`, `gpt-4o`, `E11000`) stay.
# A match is always the whole token from its start, and `_is_id` needs 8 characters or more: the lookahead asks
# for them first, so the short words of a message never reach the Python callback.
# A token without a digit is an id only with 12 letters after a prefix of two or more, or 16 without one.
_ID_CANDIDATE = re.compile(r"(?<![\w<>/-])(?=[A-Za-z0-9_-]{8})(?=[A-Za-z0-9_-]{13}|[A-Za-z0-9_-]*\d)[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*(?![\w>/-])")
_PREFIX = re.compile(r"[A-Za-z]{1,8}[_-]")
_ERROR_CODE = re.compile(r"[A-Z]{1,8}-?\d{3,6}")
_VOWELS = frozenset("aeiouAEIOU")
_LONE_LOWER = re.compile(r"(?<![a-z])[a-z](?![a-z])")
# A single token in brackets is a name (`[logs-2026.01.03]`, `[price]`); read before the classes above split it.
_BRACKETED = re.compile(r"(?<=\[)(?!<)[^\s\[\]<'\"]+(?=\])")
# Shielded from the classes: HTTP statuses name the failure (`404 Not Found`, `code: 429`); 5xx become one class.
# So are HTTP statuses a client reports (`<HttpError 403 when requesting ...`, `returned 404`) and a short number
# under a key that names a code (`exit code 1` and `exit code 137`, `Code=-1009`, `refusalReasonCode=12`, `errno=13`);
# not a postal, zip or area code.
_KEPT = re.compile(
    r"\b[1-5]\d\d(?: [A-Z][a-z]+){1,4}\b|\b(?:[Cc]ode|[Ss]tatus|HTTP)[:/ ]{1,2}[1-5]\d\d\b"
    r"|\b(?:HttpError|returned|responded)\s[1-5]\d\d\b"
    r"|(?<![\w-])(?<!postal )(?<!zip )(?<!area )(?<!country )"
    r"(?:(?i:[a-z]*(?:error|exit|return|response|status|reason|result|refusal|decline|http)[_ ]?code)|[Cc]ode|CODE"
    r"|[Ss]tatus|STATUS|[Ee]rrno|cStat)(?:=|: ?| )-?\d{1,4}(?!\w|\.\d)")
# A token glued to a placeholder (`logs-<date>`, `srv-<num>.walsh.info`) is one value.
_GLUED = re.compile(r"(?<![\w<>.-])[\w.-]*(?:[\w.-]<\w+>|<\w+>[\w.-])[\w.<>-]*(?<!\.)")
# A trailing prepositional phrase about one value (`for order <num>`, `to <host>`) is context, not the failure.
_TRAILING = re.compile(r"\s+(?:for|of|on|at|in|to|from|with|by|after|via)\s+(?:[A-Za-z_]+\s+){0,2}<\w+>[.)]*\s*$")
_SANITIZED = re.compile(r"<[A-Z][A-Z_]*>")  # the PII sanitizer's placeholders are parameters already
_ASIDE = re.compile(r"\s*\((?=[^()]*<\w+>)(?:[^()<]|<\w+>){0,60}\)")
# The same in square brackets (`[<id>]`, `[WHERE <quoted> = ?]`, `[retry <num>/<num>]`): a request id or the
# statement one occurrence ran.
_SQUARE_ASIDE = re.compile(r"\s*\[(?=[^\[\]]*<\w+>)(?:[^\[\]<]|<\w+>){0,60}\]")
_ASIDE_WORDS = 4
_HAS_DIGIT = re.compile(r"\d").search
_KEPT_LEAD = re.compile(r"[1-5]\d\d [A-Z]").search
_MAY_KEEP_CODE = re.compile(r"TATUS|rrno|cStat|HttpError|returned|responded|(?i:code)").search
# `[\w.-]<\w+>|<\w+>[\w.-]` written to start with its literal `<`, which the engine finds far faster.
_MAY_GLUE = re.compile(r"<(?:(?<=[\w.-]<)\w+>|\w+>[\w.-])").search
_RUN = re.compile(r"<(\w+)>(?:[\s:/.,#-]{0,3}<\w+>)+")
_PARENS = re.compile(r"[()]")
# One slot of one failure holds values of several shapes (`with 'id'=<uuid>` / `=<num>` / `=<id>`; an order number
# the sanitizer read as a phone number on some spans): numbers, ids, uuids, hex and the sanitizer's value
# placeholders are one placeholder. Placeholders that say what kind of thing failed (url, host, path, date,
# quoted, value, object) keep their names.
_ONE_SLOT = re.compile(
    r"<(?:num|uuid|hex|phone|person|credit_card|national_id|us_ssn|user_id|iban|ip_address|email|street_address)>"
)
# A DB-API driver's error is the tuple (errno, message): `(1213, 'Deadlock found when trying to get lock')`. Its
# number and words are the failure, not a value or an aside: written `E1213 Deadlock found ...` before the classes.
_ERRNO_TUPLE = re.compile(r"\((\d{3,5}), (['\"])([^'\"\n]{1,300})\2\)")
# SQLAlchemy appends the statement, its parameters and a link to its docs: the same failure's evidence, written
# or not depending on how the error was reported.
_SQL_TRAILER = re.compile(r"\s*(?:\[SQL: |\(Background on this error)")
# The first line of a stack trace written into a message: a Java or JavaScript frame (`\tat com.acme.Pay.run(`,
# `    at Object.<anonymous> (`), a Go goroutine header, a Python traceback's heading.
_FRAMES = re.compile(r"\n[ \t]*(?:at [\w$.<>/]+[ (]|goroutine \d+ \[|Traceback \(most recent call last\))")
# Where an evaluation's verdict ends and the judge's rationale begins: a colon, a sentence's end, a dash between
# spaces, the full-width stops of CJK text.
_VERDICT_END = re.compile(r":\s|\.\s|\.$|\s[-–—]{1,2}\s|[。：]")
_QUOTED_NAME = re.compile(r"['\"`‘“](?P<name>[\w.-]{1,80})['\"`’”]|「(?P<cjk>[^」]{1,80})」")
_CODE = re.compile(r"_?[A-Za-z][A-Za-z0-9]*(?:[_.:-][A-Za-z0-9]+)*")
_KEY_BEFORE = re.compile(r"[\w.-]+(?==\Z)")  # the key of a `key=value`, searched in the text up to its `=`
_MAX_KEY = 64


def message_template(message: str) -> str:
    """The template of one error message (see the module docstring for the rules)."""
    return _template(message[:MAX_INPUT])


def verdict_template(message: str) -> str:
    """The template of an evaluation's failure message: its verdict, the head before the judge's rationale
    (`Eval 'answer_relevance' failed. Judge rationale: ...`, `context_relevance below threshold (0.2 < 0.5): ...`,
    `評価「route_feasibility」不合格。判定理由: ...`). The rationale is a judge's prose about one answer, worded anew
    each time; the verdict says which evaluation failed how. Quoted names in the head stay: they name the
    evaluation (`answer_relevance` and `context_relevance` are two failures)."""
    text = message[:MAX_INPUT].strip()
    end = _VERDICT_END.search(text)
    head = text[: end.start()] if end is not None and end.start() > 0 else text
    return _template(_QUOTED_NAME.sub(lambda m: m.group("name") or m.group("cjk"), head))


def forget_templates() -> None:
    """Empty the memo of message templates."""
    _template.cache_clear()


@lru_cache(maxsize=8192)
def _template(message: str) -> str:
    if "\n" in message and (frames := _FRAMES.search(message)) is not None:
        message = message[: frames.start()]  # a stack inside the message is the stack's evidence, not the message
    if ("[SQL: " in message or "(Background on this error" in message) and (
            trailer := _SQL_TRAILER.search(message)) is not None:
        message = message[: trailer.start()]
    text = _SANITIZED.sub(lambda m: f"<{m.group(0)[1:-1].lower()}>", message) if "<" in message else message
    text = _payloads_to_keys(text).replace("\x00", "")
    if "(" in text and _ERRNO_TUPLE.search(text):
        text = _ERRNO_TUPLE.sub(r"E\1 \3", text)
    kept: list[str] = []
    if _HAS_DIGIT(text) and ("ode" in text or "tatus" in text or "HTTP" in text or _KEPT_LEAD(text)
                             or _MAY_KEEP_CODE(text)):
        # every kept status has digits, and the first form `[1-5]\d\d [A-Z]`; the others (C|c)ode, (S|s)tatus, HTTP,
        # or one of the words in `_MAY_KEEP_CODE`
        text = _KEPT.sub(lambda m: kept.append(_status_class(m.group(0))) or "\x00", text)
    if "[" in text:
        text = _BRACKETED.sub("<id>", text)
    for name, pattern in _TOKEN_CLASSES:
        if _MAY_MATCH[name](text):
            text = pattern.sub(replacement(name), text)
        if name == "hex":  # ids after the shapes with their own names, before numbers take their digits
            text = _ID_CANDIDATE.sub(lambda m: "<id>" if _is_id(m.group(0)) else m.group(0), text)
    if _MAY_GLUE(text):  # a glued token has a placeholder's bracket next to a token character
        text = _GLUED.sub(_glued, text)
    if "<" in text:
        text = _ONE_SLOT.sub("<id>", text)
    if text.count("<") >= 2:  # a run is two placeholders or more
        text = _RUN.sub(lambda m: f"<{m.group(1)}>", text)
    for _ in range(3):  # asides nest: `(query took <num> (shard <num>/<num>))`
        if "(" not in text:
            break
        text, before = _ASIDE.sub(_drop_short_aside, text), text
        if text == before:  # the next pass would find the same asides
            break
    if "[" in text:
        text = _SQUARE_ASIDE.sub(_drop_short_aside, text)
    # str.split splits on exactly the characters `\s` matches (str.isspace), so this is `\s+` -> " ", stripped.
    text = " ".join(_unmatched_closers(text).split())
    for _ in range(3):
        if not text.rstrip(".)").endswith(">"):  # `_TRAILING` ends with a placeholder, then `.` or `)` only
            break
        text, before = _TRAILING.sub("", text), text
        if text == before:
            break
    for value in kept:
        text = text.replace("\x00", value, 1)
    return text[:MAX_TEMPLATE]


def replacement(name: str) -> str | Callable[[re.Match[str]], str]:
    """What a match of the token class `name` becomes."""
    if name == "value":
        return _keep_codes
    if name == "quoted":
        return _keep_quoted_codes
    return f"<{_PLACEHOLDER.get(name, name)}>"


def _keep_codes(match: re.Match[str]) -> str:
    """A `key=value` value is `<value>`, unless the key names the failure and the value is a code
    (`KafkaError{code=_MSG_TIMED_OUT}`, `reason=EXPIRED`, `code="NoRoute"`): codes name the failure, as in payloads."""
    value = match.group(0)
    return value if _code_under_code_key(match, value.strip("\"'")) else "<value>"


def _keep_quoted_codes(match: re.Match[str]) -> str:
    """A quoted value is `<quoted>`, unless it is a code under a key that names the failure (`code="NoSegment"`,
    `error="invalid_token"`), which `_keep_codes` then keeps."""
    value = match.group(0)
    return value if value[:1] != "`" and _code_under_code_key(match, value[1:-1]) else "<quoted>"


def _code_under_code_key(match: re.Match[str], value: str) -> bool:
    key = _KEY_BEFORE.search(match.string, max(0, match.start() - _MAX_KEY), match.start())
    return key is not None and _names_code(key.group(0)) and _is_code(value)


def _unmatched_closers(text: str) -> str:
    """Without `)` that close nothing: what is left of an aside whose opening was masked with its value."""
    if ")" not in text:
        return text
    depth, unmatched = 0, []
    for paren in _PARENS.finditer(text):  # only the brackets, not every character
        if paren.group(0) == "(":
            depth += 1
        elif depth == 0:
            unmatched.append(paren.start())
        else:
            depth -= 1
    if not unmatched:
        return text
    pieces, position = [], 0
    for index in unmatched:
        pieces.append(text[position:index])
        position = index + 1
    pieces.append(text[position:])
    return "".join(pieces)


def _status_class(kept: str) -> str:
    """Server errors are one failure seen from the caller (`502 Bad Gateway`, `HTTP 503` -> `5xx`); client
    errors keep their code (401, 404 and 429 are different failures)."""
    status = re.search(r"\b([1-5])\d\d\b", kept)
    if status is None or status.group(1) != "5":
        return kept
    return kept[:status.start()] + "5xx" if kept[:status.start()].strip() else "5xx"


def _glued(match: re.Match[str]) -> str:
    token = match.group(0)
    return token if re.fullmatch(r"(?:<\w+>[.-]?)+", token) else "<id>"


def _is_id(token: str) -> bool:
    """Whether a token is an identifier: long enough, with letters and digits, or random-looking mixed case; not
    an error code (`ORA-00054`, `TNS-12514`, `AADSTS50126`: capitals, then digits)."""
    has_digit = any(c.isdigit() for c in token)
    if has_digit:
        return len(token) >= 8 and any(c.isalpha() for c in token) and _ERROR_CODE.fullmatch(token) is None
    prefix = _PREFIX.match(token)
    body = token[prefix.end():] if prefix else token
    if len(body) < (12 if prefix else 16) or not body.isalpha() or body.islower() or body.isupper():
        return False
    # Random mixed-case letters (base62 without a digit) have lone lowercase letters between capitals and few
    # vowels; CamelCase words have lowercase runs of two or more and many vowels.
    lone = len(_LONE_LOWER.findall(body))
    return lone >= 3 or (lone >= 2 and sum(c in _VOWELS for c in body) / len(body) < 0.3)


def _drop_short_aside(match: re.Match[str]) -> str:
    words = [w for w in re.split(r"[\s()\[\],:/=]+", match.group(0)) if w and not w.startswith("<")]
    return "" if len(words) <= _ASIDE_WORDS else match.group(0)


# ---- embedded payloads -------------------------------------------------------------------------------------------
_PAYLOAD_CHARS = re.compile(r"[{}'\"\\]")


def _payloads_to_keys(text: str) -> str:
    if "{" not in text:
        return text
    out, position = [], 0
    while (start := text.find("{", position)) >= 0:
        end = _balanced_end(text, start)
        if end is None:
            break
        parsed = _parse_payload(text[start:end])
        out.append(text[position:start])
        out.append(_skeleton(parsed) if parsed is not None else text[start:end])
        position = end
    out.append(text[position:])
    return "".join(out)


def _balanced_end(text: str, start: int) -> int | None:
    """Index just past the brace that closes the one at `start`, skipping quoted strings; None when unclosed."""
    depth, quote, escaped = 0, "", -1
    # Only braces, quotes and backslashes change the state: the engine finds them, instead of a Python step per
    # character of the payload.
    for found in _PAYLOAD_CHARS.finditer(text, start, min(len(text), start + _MAX_PAYLOAD)):
        index = found.start()
        if index == escaped:
            continue  # the character after a backslash inside quotes
        char = found.group()
        if quote:
            if char == "\\":
                escaped = index + 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
    return None


def _parse_payload(segment: str) -> Any:
    try:
        return json.loads(segment)
    except ValueError:
        return _parse_python_literal(segment)


def _parse_python_literal(segment: str) -> Any:
    """Python reprs of provider errors ({'error': {...}, 'param': None}); literal_eval evaluates no code."""
    try:
        return ast.literal_eval(segment)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _skeleton(value: Any) -> str:
    if isinstance(value, dict):
        parts = [f"{key}: {_skeleton(item)}" if isinstance(item, dict | list) else
                 f"{key}:{item}" if _names_code(key) and (_is_code(item) or _is_numeric_code(item)) else str(key)
                 for key, item in value.items() if not _REQUEST_KEY.search(str(key))]
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, list):
        return "[" + (_skeleton(value[0]) if value else "") + "]"
    return "<value>"


# Keys whose value names the failure (`code: content_filter`, `type: overloaded_error`); a value under another key
# (`severity: low`, `region: eu`) is data of one occurrence. Keys that identify one request or trace are left out
# of the skeleton whole: a body with `request_id` and one without are the same failure.
_CODE_KEY = re.compile(r"(?i)(?:^|_|-)(?:code|type|error|reason|status|kind|param|cause|category)$|^err$")
_REQUEST_KEY = re.compile(r"(?i)^(?:request|trace|span|correlation|x[-_]request)[-_]?id$|^id$")


def _names_code(key: object) -> bool:
    return _CODE_KEY.search(str(key)) is not None


def _is_numeric_code(value: object) -> bool:
    """A short number under a code key (`"status": "16"`, `"code": 1200`): kept like `exit code 137` (`_KEPT`)."""
    return (isinstance(value, int) and not isinstance(value, bool) and -9999 <= value <= 9999) or (
        isinstance(value, str) and _SHORT_NUMBER.fullmatch(value) is not None)


_SHORT_NUMBER = re.compile(r"-?\d{1,4}")


def _is_code(value: object) -> bool:
    """A code: an identifier (`rate_limit_exceeded`, `isv.BUSINESS_LIMIT_CONTROL`, `NoSuchKey`); not a sentence, a
    number (it would be masked as one later) or a random id."""
    return isinstance(value, str) and len(value) <= 40 and _CODE.fullmatch(value) is not None and not (
        any(c.isdigit() for c in value) and _is_id(value))
