"""Findings decided by the key beside a value, in any case and in the languages of the data Evalforge sees, and
provider key formats taken from `detect-secrets`' own plugins.

* `find_keyed_values`: `password=…`, `"Passwort": "…"`, `export DB_PASS=…`, `--api-key …`, `?api_key=…`,
  `X-API-Key: …`, `hasło: …`, `"tel": "…"`, `Telefon=…`: the key names the value, so the value is redacted
  whatever it looks like (a password need not look random), after checks that it is a value and not code
  (`settings.API_KEY`), a template (`${TOKEN}`, `%s`) or a word (`required`, `true`). Phone keys take a value
  shaped like a phone number (any numbering plan, national forms included: the key, not the number, says it
  is one), and so does a number with a phone word in brackets after it (`+47 22 12 34 56 (mobil)`).
* `find_provider_keys`: detect-secrets' regex plugins for token formats (AWS, Azure storage, Discord, GitHub,
  GitLab, Mailchimp, OpenAI, PyPI, SendGrid, Slack, Square, Stripe, Telegram, Artifactory; Twilio is left to
  the independent post-write check), used as
  they ship, so a format the plugins learn is learnt here too.

Each finder yields (entity, start, end) candidates for `pii.find_pii`; each runs only when a cheap test says
it could match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, unquote_plus

from evalforge_assets.capture.pii_called import find_called_numbers, may_hold_called_number, phone_value
from evalforge_assets.capture.pii_key_names import _NUMBER_WORDS, _STEMS, _normalized, key_kind
from evalforge_assets.capture.pii_password_prose import find_prose_passwords
from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_session_ids import UUID, find_session_store_keys, random_token
from evalforge_assets.capture.pii_shapes import Shapes, WordFragments

# ------------------------------------------------------------------------------------------- key = value
# After a key: an optional closing quote, a separator (`=`, `:`, `:=`, `=>`, or whitespace as CLI flags and log
# lines write it), then the value, quoted or bare.
# Quotes may be escaped, once or more (`\\\"password\\\": \\\"…\\\"`, JSON inside a JSON string inside another).
_AFTER_KEY = re.compile(
    r"""\.?\\*["')\]]?(?P<sep>\s*(?::=|=>|[:=])\s*|[ \t]+(?:is[ \t]+)?|(?:</t[dh]>\s*<t[dh][^>]*>))"""
    r"""[(\[]?(?:tel:)?(?:\\*(?P<q>["'])(?P<quoted>[^"'\n]{1,2048}?)\\*(?P=q)|(?P<bare>[^\s"'<>]{1,256}))"""
)


def _alternation(stems: tuple[str, ...]) -> str:
    """The stems as one alternation grouped by first character (`k(?:ennwort|ey)|p(?:ass|w)|…`): the regex
    engine then tries one branch per position instead of every stem, several times faster than a flat
    alternation, and any alternation of the same set finds the same leftmost start, all `_keys` uses."""
    by_first: dict[str, list[str]] = {}
    for stem in stems:
        by_first.setdefault(stem[0], []).append(stem[1:])
    return "|".join(
        re.escape(first) + "(?:" + "|".join(re.escape(rest) for rest in sorted(rests, key=len, reverse=True)) + ")"
        for first, rests in sorted(by_first.items())
    )


_STEM = re.compile(_alternation(_STEMS))
# The ASCII stems as bytes, for the gate over an ASCII text's letter view (`Shapes.letters`), which has the
# lowered text's letters at the same places and a space for everything else: a stem, being letters only, is in
# one exactly when it is in the other.
_ASCII_STEM = re.compile(_alternation(tuple(stem for stem in _STEMS if stem.isascii())).encode())
_STEM_WORDS = WordFragments(_ASCII_STEM)
_KEY_CHARS = re.compile(r"[\w.\-]*")
_INERT = frozenset({"true", "false", "none", "null", "nil", "yes", "no", "required", "optional", "changeme?",
                    "redacted", "hidden", "masked", "empty", "invalid", "expired", "missing", "reset", "set",
                    "unset", "enabled", "disabled", "incorrect", "provided", "string", "str", "bytes", "int",
                    "for", "and", "the", "was", "not", "from", "with", "of", "to"})
# Code that takes a secret from elsewhere names none: `settings.API_KEY`, `os.environ["TOKEN"]`, `getpass()`.
_CALL_OR_INDEX = re.compile(r"""[A-Za-z_][\w.]*(?:\(\s*(?:["'][^"']*["'])?\s*\)|\[["'][^"']+["']\]|[(\[])$""")
_ENV_REFERENCE = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$")
_IDENTIFIER_PATH = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
# A printf or Windows reference (`%s`, `%(password)s`, `%DB_PASSWORD%`), not a password that starts with `%`.
_PERCENT_REFERENCE = re.compile(r"%(?:\(\w+\))?[sdr]$|%\w+%$")
_DATE_OR_TIME = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.:]\d{1,2}[-/.:]\d{2,4}$|\d+\.\d+\.\d+\.\d+$")

# An XML element's text after its start tag's name, up to its end tag (attributes allowed in the start tag).
_ELEMENT_TEXT = re.compile(r"""(?:\s+[\w:.-]+=(?:"[^"]*"|'[^']*'))*\s*>(?P<text>[^<>\n]{1,256})</""")


def _is_reference(value: str, kind: str) -> bool:
    lowered = value.lower()
    if (value[0] == "%" and _PERCENT_REFERENCE.match(value)) or (
            value[0] == "$" and _ENV_REFERENCE.match(value) and _a_variable_name(value)):
        return True
    if value[0] in "{<" or value.startswith(("#{", "{{")) or _CALL_OR_INDEX.match(value):
        return True
    # An identifier path is code when it names the secret it stands for (`config.db_password`).
    return bool(_IDENTIFIER_PATH.fullmatch(value)) and any(
        stem in lowered for stem in (("pass", "pwd") if kind == "PASSWORD" else ("key", "token", "secret"))
    )


_CASE_CHANGE = re.compile(r"[a-z][A-Z]|[A-Z][a-z]")


def _a_variable_name(reference: str) -> bool:
    """Whether a `$…` value names a variable (`$DB_PASS`, `${TOKEN}`, `$dbPassword`), not a password that starts
    with a dollar (`$diFwQma5JlH02Vfe`): a braced name, or one with digits only at its end and at most three changes
    of case (a random string of that length has many)."""
    if reference.startswith("${"):
        return True
    name = reference[1:]
    return not any(char.isdigit() for char in name.rstrip("0123456789")) and len(_CASE_CHANGE.findall(name)) <= 3


def _glued_words(value: str) -> bool:
    """Lower-case letters, twelve or more, that are no English word: words run together as a passphrase."""
    from evalforge_assets.capture.pii_names import _ordinary  # name data loads on first use, not on import

    return len(value) >= 12 and value.isalpha() and value.islower() and value.isascii() and not _ordinary(value)


def _secret_value(value: str, kind: str, spaced: bool) -> bool:
    """Whether `value` after a password or secret key is a value (with a `=` or `:`) or, after a bare space,
    looks like one (letters with digits or symbols, as a CLI flag's or a log line's argument)."""
    if len(value) < 3 or value.lower() in _INERT or set(value) <= set("*xX.-_") or _is_reference(value, kind):
        return False
    has_alpha = any(char.isalpha() for char in value)
    mixed = has_alpha and (any(char.isdigit() for char in value) or not value.isalnum()
                           or any(char.isupper() for char in value[1:]))
    if kind == "PASSWORD":
        # After a bare space, words glued into a passphrase count too ("password is correcthorsebattery").
        return (mixed and len(value) >= 6) or _glued_words(value) if spaced else True
    if spaced:
        return mixed and len(value) >= 16
    return len(value) >= 8 and (mixed or value.isdigit())


def _keys(text: str, lowered: str | bytes, stems: re.Pattern[Any] | None = None) -> Iterator[tuple[str, int]]:
    """(key, end) of every key-like token holding a stem: found by the stems, then widened to the token.

    `lowered` is the lowered text, or for ASCII text its letter view with `_ASCII_STEM` (the same places: every
    stem is letters only), which the engine searches faster."""
    stems = stems or _STEM  # looked up per call: tests swap `_STEM` for the flat alternation
    position = 0
    while True:
        hit = stems.search(lowered, position)
        if hit is None:
            return
        start = hit.start()
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.-"):
            start -= 1
        end = _KEY_CHARS.match(text, hit.end()).end()  # type: ignore[union-attr]
        position = max(end, hit.end())
        key = text[start:end].strip(".-")
        if key and not key[0].isdigit():
            yield key, start + len(text[start:end].rstrip(".-"))


# The value a few short words later: one token, or a number written with spaces (`sms to 669 820 176`).
_LATER_VALUE = re.compile(r"(?:[^\W\d_]{1,4}[ \t]+){1,3}([+(]?\d[\d ().\-/]{5,24}\d|[^\s\"'<>]{6,128})")


# A password a few short words later ("my password, I think it was X", "the password I set was X").
_LATER_PASSWORD = re.compile(
    r"(?:[^\W\d_]{1,8}[ \t]+){0,4}(?:(?:was|is|has[ \t]+been|been)[ \t]+(?:re)?set[ \t]+to|was|is|be|as)[ \t]+"
    r"([^\s\"'<>]{6,128})"
)


def _phone_after(text: str, start: int, value: str, group: str, spaced: bool) -> tuple[int, int] | None:
    """Where the phone number after a phone key is: right there, URL-encoded, or after a few short words
    (`sms sent to …`)."""
    window = text[start : start + 40] if group == "bare" else value
    found = phone_value(window)
    if found is not None:
        return start + found[0], start + found[1]
    encoded = value.split("&", 1)[0]  # a query string's or form body's value ends at the next field
    if ("%" in encoded or "+" in encoded[1:]) and any(
            (decoded := phone_value(form)) is not None and decoded[0] == 0 and decoded[1] >= len(form.rstrip()) - 1
            for form in (unquote(encoded), unquote_plus(encoded))):  # a form body writes spaces as `+`
        return start, start + len(encoded)
    if spaced and group == "bare" and text[start - 2] not in ")]":
        later = _LATER_VALUE.match(text, start)
        if later is not None and (found := phone_value(text[later.start(1) : later.start(1) + 40])) is not None:
            return later.start(1) + found[0], later.start(1) + found[1]
    return None


_PREVIOUS_WORD = re.compile(r"([^\W\d_]+)[ _-]$")


def _two_word_kind(text: str, key: str, key_end: int) -> str | None:
    """The kind of a two-word key: `contact number` by its first word, `numer telefonu` by its second."""
    normalized = _normalized(key)
    key_start = key_end - len(key)
    if normalized in _NUMBER_WORDS:
        previous = _PREVIOUS_WORD.search(text, max(0, key_start - 24), key_start)
        if previous is None:
            return None
        # "my number is …", "her number": a person's number is a phone number.
        if previous.group(1).lower() in ("my", "her", "his", "your", "their", "our", "mein", "mon", "mi"):
            return "PHONE"
        return key_kind(previous.group(1) + "number")
    return None


def find_keyed_values(text: str, shapes: Shapes | None = None) -> Iterator[Candidate]:
    if shapes is not None and shapes.ascii:
        keys = _keys(text, shapes.letters, _ASCII_STEM)
    else:
        lowered = text.lower()
        if len(lowered) != len(text):
            lowered = text  # a few letters change length when lowered; the stems then match as written
        keys = _keys(text, lowered)
    for key, key_end in keys:
        kind = key_kind(key)
        if kind is None:
            kind = _two_word_kind(text, key, key_end)
            if kind != "PHONE":
                continue
        key_start = key_end - len(key)
        if key_start > 0 and text[key_start - 1] == "<" and (element := _ELEMENT_TEXT.match(text, key_end)):
            # `<Phone>86 61 18 49</Phone>`: an XML element's text is its value, whole, as a quoted one is.
            group, spaced = "quoted", False
            start, end = element.span("text")
            value = element.group("text")
        else:
            match = _AFTER_KEY.match(text, key_end)
            if match is None:
                continue
            group = "quoted" if match.group("quoted") is not None else "bare"
            start, end = match.span(group)
            value = match.group(group)
            spaced = not any(char in match.group("sep") for char in ":=>")
        if kind == "PHONE":
            found = _phone_after(text, start, value, group, spaced)
            if found is not None:
                yield "PHONE", found[0], found[1]
            continue
        if spaced and kind == "PASSWORD" and not _secret_value(value, kind, True):
            # "the password I set was X": the value may follow a few short words.
            later = _LATER_PASSWORD.match(text, start) or _LATER_VALUE.match(text, start)
            if later is not None and _secret_value(later.group(1), kind, True):
                yield kind, later.start(1), later.end(1)
            continue
        if group == "bare":
            # A query string ends a value at `&` or `#`; a sentence at a trailing comma or semicolon.
            if key_start > 0 and text[key_start - 1] in "?&;":
                cut = min((value.find(c) for c in "&#" if c in value), default=-1)
                if cut > 0:
                    value = value[:cut]
            value = value.rstrip(",;")
            end = start + len(value)
        if kind in ("KEY", "SESSION"):
            # A bare `key` or `session` names a secret only when its value is a long random string (`key=3382…bb`);
            # a UUID after `session` is a conversation's or a request's id (`session=ce8e809b-8f26-…`), which logs
            # quote.
            if not spaced and random_token(value, 20) and not (kind == "SESSION" and UUID.fullmatch(value)):
                yield "SECRET", start, end
        elif value and _secret_value(value, kind, spaced and group == "bare"):
            yield kind, start, end


# A phone-shaped number followed by a phone word in brackets: `+47 22 12 34 56 (mobil)`, `… [fax]`.
_NUMBER_THEN_WORD = re.compile(r"(\+?\(?\d[\d ().\-/]{3,22}\d)\s*[(\[]([^\W\d][\w .]{0,24})[)\]]")


def find_labelled_phones(text: str) -> Iterator[Candidate]:
    if "(" not in text and "[" not in text:
        return
    for match in _NUMBER_THEN_WORD.finditer(text):
        if key_kind(match.group(2)) == "PHONE" and phone_value(match.group(1)) is not None:
            yield "PHONE", match.start(1), match.end(1)


# ------------------------------------------------------------------------------------- provider key formats


def _detect_secrets_patterns() -> re.Pattern[str]:
    """detect-secrets' token-format regexes as one alternation, each bounded so it takes a whole token."""
    from detect_secrets.plugins import (
        artifactory,
        aws,
        azure_storage_key,
        discord,
        github_token,
        gitlab_token,
        mailchimp,
        openai,
        pypi_token,
        sendgrid,
        slack,
        square_oauth,
        stripe,
        telegram_token,
    )

    # Twilio's format is left to the post-write check (`pii_second`), so that check still knows a format the
    # redactor does not and stays an independent second opinion (its integration test plants one).
    detectors = (
        artifactory.ArtifactoryDetector, aws.AWSKeyDetector, azure_storage_key.AzureStorageKeyDetector,
        discord.DiscordBotTokenDetector, github_token.GitHubTokenDetector, gitlab_token.GitLabTokenDetector,
        mailchimp.MailchimpDetector, openai.OpenAIDetector, pypi_token.PypiTokenDetector,
        sendgrid.SendGridDetector, slack.SlackDetector, square_oauth.SquareOAuthDetector,
        stripe.StripeDetector, telegram_token.TelegramBotTokenDetector,
    )
    patterns = []
    for detector in detectors:
        for regex in detector().denylist:
            source = regex.pattern
            if "aws.{0,20}" in source or source.startswith("(?:\\s|=|:"):
                continue  # context rules covered by `find_keyed_values`; Artifactory's is re-added bounded below
            patterns.append(re.sub(r"\((?!\?)", "(?:", source))
    patterns += [r"sq0atp-[0-9A-Za-z\-_]{22,}", r"AKC[a-zA-Z0-9]{10,}", r"AccountKey=[a-zA-Z0-9+/=]{88}",
                 r"[A-Za-z0-9+/]{86}==", r"pat[A-Za-z0-9]{14}\.[a-f0-9]{64}"]  # the last: Airtable's personal token
    return re.compile(r"(?<![\w\-+/])(?:" + "|".join(patterns) + r")[\w\-]*(?![\w\-])")


_PROVIDER_KEYS: re.Pattern[str] | None = None
_LONG_RUN = re.compile(r"[\w\-:.+/=]{20,}")


def find_provider_keys(text: str) -> Iterator[Candidate]:
    """Provider formats and unnamed random keys, looked for only inside runs of 20+ token characters (few texts
    have one), so the long alternation never scans ordinary prose."""
    global _PROVIDER_KEYS
    if len(text) < 20:
        return
    for run in _LONG_RUN.finditer(text):
        if _PROVIDER_KEYS is None:
            _PROVIDER_KEYS = _detect_secrets_patterns()
        run_start = run.start()
        while run_start > 0 and not text[run_start - 1].isspace() and run_start > run.start() - 80:
            run_start -= 1  # a format may begin before the run (`AccountKey=`)
        run_end = run.end()
        while run_end < len(text) and not text[run_end].isspace():
            run_end += 1
        for match in _PROVIDER_KEYS.finditer(text, run_start, run_end):
            yield "API_KEY", match.start(), match.end()
        for match in _MIXED_TOKEN.finditer(text, run_start, run_end):
            if _mixed_case_random(match.group()):
                yield "SECRET", match.start(), match.end()


# A key with no name beside it: 32-100 characters mixing both cases and digits, with high entropy (a hash is
# one case, a UUID has dashes in fixed places, a word has no digits). Longer runs are blobs, not keys.
_MIXED_TOKEN = re.compile(r"(?<![\w\-+/=.])[A-Za-z0-9_\-]{32,100}(?![\w\-+/=.])")


def several_of_each_case_and_digits(value: str) -> bool:
    """Four capitals, four small letters and two digits at least, as random keys and base64 have them (words, paths
    and hashes do not)."""
    upper = sum(char.isupper() for char in value)
    lower = sum(char.islower() for char in value)
    digits = sum(char.isdigit() for char in value)
    return upper >= 4 and lower >= 4 and digits >= 2


def _mixed_case_random(value: str) -> bool:
    return several_of_each_case_and_digits(value) and len(set(value)) >= 20


# `scheme://user:password@host`, the password holding any symbol (`#`, `?`, `@`) but no space or slash; the host a
# name, an IPv4 address or an IPv6 address, in brackets or (as some drivers' strings write it) without.
_URL_PASSWORD = re.compile(r"://[^\s:/@]+:(\S+?)@(?=\[?[\w.:-]+\]?(?::\d+)?(?:[/\s\"'?]|$))")


def find_url_passwords(text: str) -> Iterator[Candidate]:
    if "://" not in text or "@" not in text:
        return
    for match in _URL_PASSWORD.finditer(text):
        if "/" not in match.group(1):
            yield "URL_CREDENTIALS", match.start(1), match.end(1)


# ------------------------------------------------------------------------------------------------- gates
# Each gate is a necessary condition of its finder, decided from views of the text made once (`Shapes`), so
# gating skips only finder runs that would find nothing (tests/unit/test_pii_context_gates.py compares the
# gated and ungated findings). Text in other scripts passes the key and phone gates (its digits and case folding
# do not show in the byte views) and gets the provider gate's own tests for the formats whose `\d` is Unicode.

# `_NUMBER_THEN_WORD` up to the bracket, on the digit view (`\d` is "0" there, and `\s` of an ASCII text is
# bytes' `\s` plus the four separator controls).
_NUMBER_THEN_BRACKET_SHAPE = re.compile(rb"0[0 ().\-/]{3,22}0[\s\x1c-\x1f]*[(\[]")
# Provider formats and unnamed keys, by what each needs (`_detect_secrets_patterns`):
# * a literal, for those that may be short or whose alphabet has `+` and `/` (which break up the runs below);
_SHORT_FORMAT_LITERALS = ("xox", "AKC", "==", "AccountKey", "hooks.slack.com")
_SHORT_FORMAT = re.compile(_alternation(_SHORT_FORMAT_LITERALS))
#   In ASCII text each literal but "==" is letters inside one word of the letter view (lowered), so the words
#   answer first: one subset test against the words known to hold none (`WordFragments`).
_SHORT_FORMAT_FRAGMENTS = WordFragments(re.compile(rb"xox|akc|accountkey|hooks"))
# * a run of 20 characters of the key alphabet (kept as "k" in a view in which `.` stays and all else is a space),
#   plus the literal that leads the format: its prefix, AWS's four-letter kinds, Mailchimp's `-us` data centre;
_KEY_ALPHABET_VIEW = bytes(
    0x6B if chr(byte).isascii() and (chr(byte).isalnum() or chr(byte) in "_-\\") else byte if byte == 0x2E else 0x20
    for byte in range(256)
)
_KEY_ALPHABET_RUN = b"k" * 20
_FORMAT_LEADS = ("-us", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "glpat-", "gldt-", "glft-", "glsoat-", "glrt-",
                 "glcbt-", "glimt-", "glptt-", "glagent-", "gloas-", "GR1348941", "T3BlbkFJ", "pypi-", "SG.", "sq0",
                 "k_live_", "A3T", "ABIA", "ACCA", "AKIA", "ASIA")
_FORMAT_LEAD = re.compile(_alternation(_FORMAT_LEADS))
_AIRTABLE_LEAD = re.compile(r"pat[A-Za-z0-9]{14}\.")  # its 17 characters before the dot are no run of 20
# * an unnamed key (`_MIXED_TOKEN`): a run of 32 with upper-case letters in it;
_RUN_OF_32 = re.compile(b"k" * 32 + b"k*")
_RUN_32 = b"k" * 32
# * Discord's bot token: 24-26, a dot, exactly 6, a dot, 27 (in the view); Telegram's: 8+ digits and a colon
#   (in the digit view). Their `\d` takes other scripts' digits too, which the views do not show, so other
#   scripts are asked with the formats' own leading parts.
_DISCORD_RUNS = b"k" * 24 + b".kkkkkk." + b"k" * 27
_TELEGRAM_DIGITS = b"0" * 8 + b":"
_DISCORD = re.compile(r"[MNO][a-zA-Z\d_-]{23,25}\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}")
_TELEGRAM = re.compile(r"\d{8}:")  # its 35 characters after the colon are ASCII: only asked with a run of 20


def _may_hold_format(text: str, view: bytes) -> bool:
    """Whether a format of ASCII classes (all but Discord's and Telegram's) or an unnamed key could be in a
    text whose view has a run of 20."""
    if _FORMAT_LEAD.search(text) is not None or _AIRTABLE_LEAD.search(text) is not None:
        return True
    return _RUN_32 in view and any(not text[run.start() : run.end()].islower() for run in _RUN_OF_32.finditer(view))


def _may_hold_key(shapes: Shapes) -> bool:
    """A keyed value needs a key, and every key holds one of the stems."""
    return _STEM_WORDS.may_hold(shapes)


def _may_hold_labelled_phone(text: str, shapes: Shapes) -> bool:
    return ("(" in text or "[" in text) and shapes.may_hold_digits(_NUMBER_THEN_BRACKET_SHAPE)


def _may_hold_provider_key(text: str, shapes: Shapes) -> bool:
    if len(text) < 20:
        return False
    # One C-level translation and literal searches, far cheaper than the runs' regex (cf. `_AWS_VIEW`); other
    # scripts' characters become "?" (one byte each, so indexes agree), outside the key alphabet as they are.
    view = text.encode("ascii", "replace").translate(_KEY_ALPHABET_VIEW)
    long_run = _KEY_ALPHABET_RUN in view
    if long_run and _may_hold_format(text, view):
        return True
    if shapes.ascii:
        if long_run and (_DISCORD_RUNS in view or _TELEGRAM_DIGITS in shapes.digits):
            return True
    elif _DISCORD.search(text) is not None or (long_run and _TELEGRAM.search(text) is not None):
        return True
    if shapes.ascii and "==" not in text and not _SHORT_FORMAT_FRAGMENTS.may_hold(shapes):
        return False
    return _SHORT_FORMAT.search(text) is not None


def context_candidates(text: str, shapes: Shapes | None = None) -> list[Candidate]:
    """Every finding of the finders above, each run only when its gate says it could find something."""
    shapes = shapes or Shapes.of(text)
    found: list[Candidate] = []
    if _may_hold_key(shapes):
        found += find_keyed_values(text, shapes)
    if _may_hold_labelled_phone(text, shapes):
        found += find_labelled_phones(text)
    if may_hold_called_number(text, shapes):
        found += find_called_numbers(text, shapes)
    if _may_hold_provider_key(text, shapes):
        found += find_provider_keys(text)
    found += find_url_passwords(text)  # gated inside: `://` and `@` are two literal searches
    found += find_prose_passwords(text)  # gated inside: a symbol, then a password word
    found += find_session_store_keys(text)  # gated inside: one literal search
    return found


__all__ = [
    "context_candidates", "find_keyed_values", "find_labelled_phones", "find_provider_keys", "find_url_passwords", "key_kind",
    "several_of_each_case_and_digits",
]
