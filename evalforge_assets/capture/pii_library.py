"""Finders backed by the libraries made for each job, beside the hand-written ones of `pii_finders`:
`phonenumbers` decides whether a digit run is a telephone number in some numbering plan (international and
national formats), `python-stdnum` supplies every country's IBAN length, and `detect-secrets`' Shannon entropy
tells a random key from a word. Also here: the shapes the older finders missed (IDN and punycode e-mails,
IPv4-mapped IPv6, an IPv6 address with a port, card numbers of every issuer range and two cards in a row,
dotted SSNs, token formats of more providers, values after a password or key word in running text).

Each finder yields (entity, start, end) candidates that `pii.find_pii` settles with the others; each runs only
when a cheap test says it could match, because ingestion scans several texts per span.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString

from evalforge_assets.capture.checksums import luhn_valid, ssn_valid
from evalforge_assets.capture.not_personal import not_a_persons_mailbox
from evalforge_assets.capture.pii_address import find_addresses
from evalforge_assets.capture.pii_address_keys import (
    find_address_blocks,
    find_answered_addresses,
    find_keyed_addresses,
)
from evalforge_assets.capture.pii_address_prose import find_prose_addresses
from evalforge_assets.capture.pii_address_spoken import find_spoken_streets
from evalforge_assets.capture.pii_address_stacked import find_stacked_streets
from evalforge_assets.capture.pii_address_vcard import find_vcard_streets
from evalforge_assets.capture.pii_aligned_tables import find_aligned_table_cells
from evalforge_assets.capture.pii_context import context_candidates, several_of_each_case_and_digits
from evalforge_assets.capture.pii_csv_columns import find_table_cells
from evalforge_assets.capture.pii_hl7 import find_hl7_fields
from evalforge_assets.capture.pii_html_tables import find_html_table_cells
from evalforge_assets.capture.pii_ibans import find_ibans
from evalforge_assets.capture.pii_link_tokens import find_link_tokens
from evalforge_assets.capture.pii_name_finders import name_candidates
from evalforge_assets.capture.pii_named_fields import find_named_fields, find_phones_under_a_phone_key
from evalforge_assets.capture.pii_national_ids import find_national_ids, may_hold_national_id
from evalforge_assets.capture.pii_pairs import find_credential_ids
from evalforge_assets.capture.pii_password_files import find_answered_passwords, find_file_passwords
from evalforge_assets.capture.pii_patterns import CSV_CARD_FIELD, GDS_CARD_FIELD, Candidate
from evalforge_assets.capture.pii_phone_columns import find_contact_column_phones, find_phone_cells
from evalforge_assets.capture.pii_phones import DATE_OR_TIME, find_cued_phones, find_phones
from evalforge_assets.capture.pii_phones_placed import find_placed_phones
from evalforge_assets.capture.pii_phones_reported import find_reported_calls
from evalforge_assets.capture.pii_reservations import find_reservation_contacts
from evalforge_assets.capture.pii_shapes import Shapes
from evalforge_assets.capture.pii_spoken_digits import find_spoken_numbers
from evalforge_assets.capture.pii_spoken_emails import find_spoken_emails
from evalforge_assets.capture.pii_sql_values import find_inserted_values
from evalforge_assets.capture.pii_ssn_words import find_worded_ssns

# ----------------------------------------------------------------------------------------------- e-mail
# Unicode local parts and domains (hans@bücher.de, 用户@例子.广告) and punycode labels (a@xn--d1acufc.xn--p1ai).
_EMAIL_UNICODE = re.compile(
    r"(?<![\w.%+-])[\w][\w.%+-]*@[\w](?:[\w-]*[\w])?(?:\.[\w](?:[\w-]*[\w])?)*\.(?:xn--[a-z0-9-]{2,59}|[^\W\d_]{2,24})"
    r"(?![\w-])"
)


def find_unicode_emails(text: str) -> Iterator[Candidate]:
    for match in _EMAIL_UNICODE.finditer(text):
        if not not_a_persons_mailbox(match.group()):
            yield "EMAIL", match.start(), match.end()


# ---------------------------------------------------------------------------------------------- IP addresses
_IPV6_WITH_V4 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,6}(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
# An IPv6 address followed by `:port` with no brackets, as connection errors and uvicorn's access log print it:
# eight groups then the port, or a compressed address (`2a00:3ab7::da61:c67:37192`) then a port of five digits,
# which no hex group has.
_IPV6_PORT = re.compile(
    r"(?<![\w:.])((?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}):\d{1,5}(?!\w)"
    r"|(?<![\w:.])((?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}):\d{5}(?![\w:])"
)


# A dotted quad as the digit view of ASCII text shows it; the embedded-IPv4 pattern needs one.
_DOTTED_QUAD_SHAPE = re.compile(rb"0\.0{1,3}\.0{1,3}\.0")


def find_ipv6_extra(text: str, shapes: Shapes | None = None) -> Iterator[Candidate]:
    shapes = shapes or Shapes.of(text)
    for match in _IPV6_WITH_V4.finditer(text) if shapes.may_hold_digits(_DOTTED_QUAD_SHAPE) else ():
        if _valid_ipv6(match.group()):
            yield "IP_ADDRESS", match.start(), match.end()
    for match in _IPV6_PORT.finditer(text) if text.count(":") >= 8 or "::" in text else ():
        group = 1 if match.group(1) else 2
        if group == 1 or "::" in match.group(2) and _valid_ipv6(match.group(2)):
            yield "IP_ADDRESS", match.start(group), match.end(group)


def _valid_ipv6(candidate: str) -> bool:
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


_DIGIT_RUN = re.compile(r"\d+")
# Passwords hold brackets and symbols too; only spaces, quotes and list separators end one.
_PASSWORD_TOKEN = re.compile(r"[^\s\"',;&]+")


# -------------------------------------------------------------------------------------------------- cards
# Issuer ranges (prefix, lengths): Visa, Mastercard (51-55, 2221-2720), Amex, Discover, JCB, Diners, UATP,
# Dankort, Maestro (incl. Maestro UK 6759/676770/676774), UnionPay, Mir, RuPay, Verve, Troy.
_CARD_PREFIXES: tuple[tuple[tuple[str, ...], frozenset[int]], ...] = (
    (("4",), frozenset({13, 16, 19})),
    (("51", "52", "53", "54", "55", "22", "23", "24", "25", "26", "27"), frozenset({16})),
    (("34", "37"), frozenset({15})),
    (("6011", "644", "645", "646", "647", "648", "649", "65"), frozenset({16, 19})),
    (("35",), frozenset({16, 17, 18, 19})),
    (("36", "38", "39", "300", "301", "302", "303", "304", "305", "309"), frozenset({14, 16, 19})),
    (("1",), frozenset({15})),
    (("2131", "1800"), frozenset({15})),  # JCB's older 15-digit ranges
    (("5019", "4571"), frozenset({16})),
    (("50", "56", "57", "58", "6"), frozenset({12, 13, 14, 15, 16, 17, 18, 19})),  # Maestro: 12 to 19 digits
    (("62", "81"), frozenset({16, 17, 18, 19})),
    (("2200", "2201", "2202", "2203", "2204"), frozenset({16, 17, 18, 19})),
    (("9792",), frozenset({16})),
)
# As `pii_patterns._CARD`: a whole field of a comma-separated row may be a card too.
_DIGIT_GROUPS = re.compile(
    r"(?<![\w.,$€£/:-])\d+(?:[ -]\d+)*(?![\w-]|[.,]\d)|" + CSV_CARD_FIELD + "|" + GDS_CARD_FIELD)


# A card's word right before a number, as a key or in a sentence (`"payment_card": "6759…"`, `my card 5018…`,
# `Kreditkartennummer: …`; not the `pan` of `answer_span_id`): there a long unseparated run (Maestro's 19 digits) is a
# card, not a span id.
_CARD_WORD_BEFORE = re.compile(
    r"(?i:card|karte|tarjeta|carte|cart[aã]o|carta|kaart|karta|kort|kartu|kart|(?<![A-Za-z])pan)"
    r"(?:[\w ]{0,12})?[\"']?[ \t]*[:=]?[ \t]*[\"']?\Z"
)


def _issuer_accepts(digits: str) -> bool:
    return any(digits.startswith(prefixes) and len(digits) in lengths for prefixes, lengths in _CARD_PREFIXES)


def _card(digits: str) -> bool:
    # 15-digit UATP numbers start with 1; other numbers starting with 1 or 0 are no card.
    return 12 <= len(digits) <= 19 and _issuer_accepts(digits) and luhn_valid(digits)


def find_cards(text: str) -> Iterator[Candidate]:
    """Card numbers as printed: unseparated, or in groups with one kind of separator; a run of groups may
    hold two cards side by side (`4111-1111-1111-1111 5555-5555-5555-4444`), so windows of groups are tried."""
    for run in _DIGIT_GROUPS.finditer(text):
        value = run.group()
        if sum(char.isdigit() for char in value) < 12:
            continue
        groups = [(m.start() + run.start(), m.end() + run.start()) for m in _DIGIT_RUN.finditer(value)]
        index = 0
        while index < len(groups):
            found = None
            for last in range(min(len(groups), index + 6) - 1, index - 1, -1):
                start, end = groups[index][0], groups[last][1]
                chunk = text[start:end]
                if last > index and len({text[groups[i][1]] for i in range(index, last)}) > 1:
                    continue  # a card uses one separator throughout
                if (last == index and len(chunk) > 16 and not chunk.startswith(("62", "4"))
                        and not _CARD_WORD_BEFORE.search(text, max(0, start - 40), start)):
                    continue  # longer unseparated runs are span ids and counters (UnionPay's and Visa's 19 aside)
                digits = chunk.replace(" ", "").replace("-", "")
                if _card(digits) and (last > index or len(groups) == 1 or len(digits) >= 13):
                    found = (start, end, last)
                    break
            if not found:
                break  # groups inside a longer grouped number (a reference, an account) are no card
            if found[0] > 0 and text[found[0] - 1] == "+":
                break  # `+49 151 36308454`: a number after a plus is a phone's, whatever Luhn says
            yield "CREDIT_CARD", found[0], found[1]
            index = found[2] + 1


# ---------------------------------------------------------------------------------------------------- SSN
_SSN_ANY = re.compile(r"(?<![\w.,-])(\d{3})([-. ])(\d{2})\2(\d{4})(?![\w-]|[.,]\d)")


def find_ssns(text: str) -> Iterator[Candidate]:
    for match in _SSN_ANY.finditer(text):
        if ssn_valid(match.group(1), match.group(3), match.group(4)):
            yield "US_SSN", match.start(), match.end()


# ------------------------------------------------------------------------------------------------ secrets
_TOKEN_FORMATS = re.compile(
    r"(?<![\w-])(?:glpat-[A-Za-z0-9_-]{20,}|ya29\.[A-Za-z0-9_-]{30,}|npm_[A-Za-z0-9]{36}"
    r"|SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{30,64}|sk-ant-[A-Za-z0-9_-]{20,}|hf_[A-Za-z0-9]{30,}"
    r"|shpat_[a-fA-F0-9]{32}|dop_v1_[a-f0-9]{64}|pypi-[A-Za-z0-9_-]{50,}|1//[A-Za-z0-9_-]{40,}"
    r"|key-[0-9a-f]{32})(?![\w-])"  # Mailgun's private API key
)
# A bare AWS secret access key: 40 characters of base64 with both cases (a SHA-1 is lowercase hex).
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_AWS_VIEW = bytes(0x61 if chr(b).isascii() and (chr(b).isalnum() or chr(b) in "/+") else 0x20 for b in range(256))
_AWS_RUN = b"a" * 40
# Base64's `/` inside too (`…EU0c/0qjc…`), which a path also has: a token with one must look random (see
# `find_secrets`).
_LONG_TOKEN = re.compile(r"(?<![\w/+=.:-])[A-Za-z0-9_\-+][A-Za-z0-9_\-+/]{15,}={0,2}(?![\w/+=.:-])")
# Code that assigns a secret from elsewhere names none: `api_key=settings.API_KEY`, `password=db_password`,
# `password=%(pw)s`, `PASSWORD=%DB_PASSWORD%`.
_CODE_REFERENCE = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?:\(\))?|[a-z]+_[a-z_]+|\w+\(.*|%(?:\(\w+\))?[sdr]|%\w+%")
# Words joined by dots and ended by digits are a passphrase's shape, not code's (`river.candle.orbit42`, where
# `settings.API_KEY` and `self.password` are references).
_DOTTED_PASSPHRASE = re.compile(r"[a-z]{3,}(?:\.[a-z]{3,}){2,}\d{1,4}")
_ENTROPY = Base64HighEntropyString()
# Identifiers that follow "key" or "token" without being one: UUIDs, SHA-1 and SHA-256 digests.
_NOT_A_KEY = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-f]{40}|[0-9a-f]{64}")

# Words after which the next token is a password, in the languages of the data Evalforge sees.
# Words of languages that inflect them take any ending ("passordet", "salasanani", "jelszavam", "Şifrem").
_PASSWORD_WORDS = re.compile(
    r"(?i)\b(?:passwords?|passwort|passwd|passphrase|pass|pwd|pw|kennwort|passcode|mot de passe|kata sandi|mật khẩu"
    r"|(?:wachtwoord|contraseñ|senh|parol|şifre|sifre|passord|salasan|jelsz|hasł|hasl|lösenord|losenord|adgangskod"
    r"|hesl|пароль|парол|συνθηματικ|პაროლ)\w*)\b|(?i:κωδικ\w* (?:πρόσβασης|μου))|סיסמ\w*|كلمة (?:المرور|السر)|رمز عبور|パスワード|密码|密碼|비밀번호"
    r"|รหัสผ่าน|पासवर्ड"
)
# The inflected words' stems in an ASCII text's padded letter view, for the gate.
_INFLECTED_PASSWORD_WORDS = re.compile(
    rb" (?:wachtwoord|contrase|senh|parol|sifre|passord|salasan|jelsz|hasl|losenord|adgangskod|hesl)"
)
# After `password=` a value ends at `&` as a query string's does; in prose `&` is one of its symbols.
_PROSE_TOKEN = re.compile(r"[^\s\"',;]+")
# The first run of ASCII characters in a token of a script written without spaces (`是velvet-window-velvet81，`).
_ASCII_RUN = re.compile(r"[!-~]{6,128}")


# A dated id in a sentence after a password word is what it names, not the password (`password reset using
# gpt-4o-2024-08-06`, `claude-3-5-sonnet-20241022`).
_DATED_ID = re.compile(r"(?<!\d)(?:19|20)\d\d-?[01]\d-?[0-3]\d(?!\d)")


def _password_after(text: str, word_end: int) -> tuple[int, int] | None:
    """Where the password after a password word is: one of the next few tokens ("the password I set was X",
    "pw X", "password: X", "mon mot de passe est X", "我的密碼是X")."""
    window_end = min(len(text), word_end + 48)
    tokens = _PASSWORD_TOKEN if text[word_end : word_end + 1] == "=" else _PROSE_TOKEN
    for token in tokens.finditer(text, word_end, window_end):
        value, start = token.group(), token.start()
        if not value.isascii() and (run := _ASCII_RUN.search(value)) is not None:
            value, start = run.group(), start + run.start()
        stripped = value.strip(".:=")
        if stripped.startswith("<") or "\\" in stripped or DATE_OR_TIME.match(stripped):
            return None  # already redacted, an escaped line break or a timestamp: the sentence has moved on
        password_shaped = len(stripped) >= 6 and stripped.isascii() and _looks_like_password(stripped)
        if password_shaped and not _DATED_ID.search(stripped):
            start += value.find(stripped)
            return start, start + len(stripped)
    return None


_SECRET_WORDS = re.compile(r"(?i)\b(?:key|token|secret|apikey|api_key|credential|credentials|auth)\b")
_VALUE_AFTER = re.compile(r"""[\s"':=]*(?:(?:is|was|to|set|now|de|:|=)[\s"':=]+)*["']?([^\s"',;&<>(){}\[\]]{6,128})""")


def _entropy(value: str) -> float:
    return _ENTROPY.calculate_shannon_entropy(value)


def _mixed(value: str) -> bool:
    return any(c.isupper() for c in value) and any(c.islower() for c in value) and any(c.isdigit() for c in value)


def _looks_like_password(value: str) -> bool:
    if _EMAIL_LIKE.search(value) or "://" in value or value.startswith("<") or value.lower() in _NOT_PASSWORDS or "=" in value:
        return False
    if _CODE_REFERENCE.fullmatch(value) and not _DOTTED_PASSPHRASE.fullmatch(value):
        return False
    has_digit = any(c.isdigit() for c in value)
    has_symbol = any(not c.isalnum() for c in value)
    inner_upper = any(c.isupper() for c in value[1:]) and any(c.islower() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    return has_alpha and (has_digit or has_symbol or inner_upper)


_EMAIL_LIKE = re.compile(r"[\w.+-]@[\w-]+\.[A-Za-z]")
_NOT_PASSWORDS = frozenset({"reset", "expired", "required", "invalid", "changed", "incorrect", "provided", "-stdin"})


_TOKEN_PREFIXES = ("glpat-", "ya29.", "npm_", "SG.", "sk-ant", "hf_", "shpat_", "dop_v1", "pypi-", "key-")
_PASSWORD_STEMS = ("pass", "pw", "kennwort", "wachtwoord", "contrase", "senh", "parol", "şifre", "sifre", "salasan",
                   "jelsz", "hasł", "hasl", "lösenord", "losenord", "adgangskod", "hesl", "sandi", "mật khẩu",
                   "пароль", "парол", "סיסמ", "كلمة", "パスワード", "密码", "密碼", "비밀번호", "รหัสผ่าน", "पासवर्ड", "κωδικ",
                   "συνθηματικ", "პაროლ", "رمز عبور")
_SECRET_STEMS = ("key", "token", "secret", "credential", "auth")


# The same words as whole ASCII words, for the cheap test on ASCII text (`Shapes.words`).
_PASSWORD_WORD_SET = frozenset({b"password", b"passwords", b"passwort", b"passwd", b"passphrase", b"pass", b"pwd", b"pw",
                                b"kennwort", b"wachtwoord", b"senha", b"parola", b"passe", b"passcode"})
# Each token prefix starts a whole ASCII word, as the letter view splits it ("sk-ant" reads "sk ant").
_TOKEN_PREFIX_WORDS = frozenset({b"glpat", b"ya", b"npm", b"sg", b"sk", b"hf", b"shpat", b"dop", b"pypi", b"key"})
_SECRET_WORD_SET = frozenset({b"key", b"token", b"secret", b"apikey", b"credential", b"credentials", b"auth"})


def _may_hold(shapes: Shapes, words: frozenset[bytes], text: str, stems: tuple[str, ...]) -> bool:
    """Whether one of the cue words can be in the text: whole ASCII words for ASCII text, else any stem in
    `text` (lowered for case-insensitive cues: that matching folds some other letters onto ASCII ones)."""
    return shapes.may_hold_words(words) if shapes.ascii else any(stem in text for stem in stems)


# Every cue word of the three keyed finders below, for one test that rules them all out in ASCII text.
_SECRET_CUE_WORDS = _TOKEN_PREFIX_WORDS | _PASSWORD_WORD_SET | _SECRET_WORD_SET


# A login written `user / password` after a word that says so ("service account svc-helpdesk / !_#$123fFZrk",
# "Router admin login is admin / Chivas#1993*"): the value after the slash, when it looks like a password.
_LOGIN_PAIR = re.compile(
    r"(?i:log[ -]?in(?:[ \t]+as)?|account|credentials?|creds|user(?:name)?|sign[ -]?in(?:[ \t]+as)?)"
    r"(?:[ \t]+(?i:is|was|=|:))?[ \t]*[:=]?[ \t]+"
    r"(?P<user>[\w.@+-]{2,64})[ \t]*/[ \t]*(?P<password>[^\s/]{6,128}?)[,.;:)]?(?=\s|$)"
)
_LOGIN_WORDS = frozenset({b"login", b"log", b"account", b"credential", b"credentials", b"creds", b"user", b"username",
                          b"sign", b"signin"})


def _login_passwords(text: str, shapes: Shapes) -> Iterator[Candidate]:
    if "/" not in text or not shapes.may_hold_words(_LOGIN_WORDS):
        return
    for match in _LOGIN_PAIR.finditer(text):
        value = match.group("password")
        # After an e-mail address the pair is a login whatever the password's make-up ("Log in as a@b.co / coffee959");
        # after a bare name it needs a policy's three classes (`account acme / billing-v2` names a plan).
        classes = 2 if _EMAIL_LIKE.search(match.group("user")) else 3
        if _looks_like_password(value) and not value.startswith(("http", "<")) and _character_classes(value) >= classes:
            yield "PASSWORD", match.start("password"), match.end("password")


def _character_classes(value: str) -> int:
    """How many of upper case, lower case, digits and symbols (other than the `-_.` of names) a value holds: a
    password policy's three, which a path segment or a product name (`billing-v2`) does not reach."""
    return (any(c.isupper() for c in value) + any(c.islower() for c in value) + any(c.isdigit() for c in value)
            + any(not c.isalnum() and c not in "-_." for c in value))


# A password given to a command-line client: `sshpass -p 'X'`, `mysql -u admin -p'X'`, `redis-cli -a 'X'`,
# `docker login -u ci -p X`, `--password=X`. Quoted after `-p` or `--password`, any value is one; bare, only after
# the clients whose `-p` takes a password (elsewhere `-p` is a port or a path): `sshpass`, the registry logins,
# mysql's attached `-pX`, and redis-cli's `-a`.
_FLAG_PASSWORD = re.compile(
    r"(?<![\w-])(?:-p[ \t]*|--pass(?:word)?(?:=|[ \t]+))(?P<q>['\"])(?P<quoted>[^'\"\s]{4,128})(?P=q)"
    r"|(?<![\w-])(?:(?:sshpass|(?:docker|podman|nerdctl|buildah|skopeo|helm[ \t]+registry)[ \t]+login)\b"
    r"[^\n|;&]{0,80}?(?<![\w-])(?:-p[ \t]*|--password[= ])"
    r"|(?:mysql|mysqldump|mariadb|mysqladmin)\b[^\n|;&]{0,80}?(?<![\w-])-p(?=\S)"  # `-p X` asks; X is a database
    r"|redis-cli\b[^\n|;&]{0,80}?(?<![\w-])-a[ \t]+)['\"]?(?P<bare>[^\s'\"]{4,128})"
)


def _flag_passwords(text: str) -> Iterator[Candidate]:
    if "-p" not in text and "-a" not in text and "--pass" not in text:
        return
    for match in _FLAG_PASSWORD.finditer(text):
        group = "quoted" if match.group("quoted") is not None else "bare"
        value = match.group(group)
        if not value.isdigit() and "/" not in value and _looks_like_password(value):
            yield "PASSWORD", match.start(group), match.end(group)


def find_secrets(text: str, shapes: Shapes | None = None) -> Iterator[Candidate]:
    shapes = shapes or Shapes.of(text)
    yield from _login_passwords(text, shapes)
    yield from _flag_passwords(text)
    if shapes.ascii and shapes.words.isdisjoint(_SECRET_CUE_WORDS) and (len(text) < 40 or b"0" not in shapes.digits):
        return  # none of the cue words below, and too short or digitless for a bare AWS secret
    # A Google OAuth refresh token starts `1//` (no word for the ASCII test to see).
    if _may_hold(shapes, _TOKEN_PREFIX_WORDS, text, _TOKEN_PREFIXES) or "1//" in text:
        for match in _TOKEN_FORMATS.finditer(text):
            yield "API_KEY", match.start(), match.end()
    # A bare AWS secret is mixed-case base64 with an ASCII digit, which the digit shape shows as "0", and a run
    # of 40 characters of its alphabet, which one translation and a literal search rule out far faster than
    # the pattern's own scan.
    if len(text) >= 40 and b"0" in shapes.digits and _AWS_RUN in text.encode("ascii", "replace").translate(_AWS_VIEW):
        for match in _AWS_SECRET.finditer(text):
            value = match.group()
            if _mixed(value) and _entropy(value) > 4.0:
                yield "SECRET", match.start(), match.end()
    lowered = "" if shapes.ascii else text.lower()
    if _may_hold(shapes, _PASSWORD_WORD_SET, lowered, _PASSWORD_STEMS) or (
            shapes.ascii and _INFLECTED_PASSWORD_WORDS.search(shapes.padded_letters)):
        for word in _PASSWORD_WORDS.finditer(text):
            if text[max(0, word.start() - 2) : word.start()].endswith(("<", "</")):
                continue  # a placeholder's type, or an XML tag's name (its element's text is read as a keyed value)
            found = _password_after(text, word.end())
            if found is not None:
                yield "PASSWORD", found[0], found[1]
    if _may_hold(shapes, _SECRET_WORD_SET, lowered, _SECRET_STEMS):
        for word in _SECRET_WORDS.finditer(text):
            if word.start() and text[word.start() - 1] == "<":
                continue  # the type inside a placeholder such as <SECRET>
            window_end = min(len(text), word.end() + 40)
            placeholder_at = text.find("<", word.end(), window_end)
            if placeholder_at != -1:
                window_end = placeholder_at  # the value after this word was already redacted
            # The token must start within the window but may run past it, so it is seen whole.
            for token in _LONG_TOKEN.finditer(text, word.end(), min(len(text), window_end + 256)):
                if token.start() >= window_end:
                    break
                value = token.group()
                if _NOT_A_KEY.fullmatch(value):
                    continue
                if "/" in value and not several_of_each_case_and_digits(value):
                    continue  # a path after the word (`key file in etc/ssl2/private`)
                if any(c.isdigit() for c in value) and any(c.isalpha() for c in value) and _entropy(value) > 3.0:
                    yield "SECRET", token.start(), token.end()
                    break


_IBAN_START = re.compile(r"[A-Z]{2}\d{2}")
_LONG_DIGITS = re.compile(r"\d[\d -]{10,}\d")
# The same tests on the digit shape of ASCII text, where `\d` is exactly [0-9]: literal-led, so fast.
_LONG_DIGITS_SHAPE = re.compile(rb"0[0 -]{10,}0")
_SSN_SHAPE_RUN = re.compile(rb"000[-. ]00[-. ]0000")
_PHONE_SHAPE_RUN = re.compile(rb"0[0 ()./-]{5,}0")


def library_candidates(text: str, shapes: Shapes | None = None, learned: bool = False) -> list[Candidate]:
    """Every finding of the finders above, each run only when a cheap test says it may match (each test a
    necessary condition of its finder, see `Shapes`); `learned` as in `pii._find` (what the rules the person model
    is trained on do not ask)."""
    shapes = shapes or Shapes.of(text)
    found: list[Candidate] = []
    if "@" in text and (not text.isascii() or "xn--" in text):
        found += find_unicode_emails(text)
    if text.count(":") >= 2:
        found += find_ipv6_extra(text, shapes)
    if shapes.ascii:
        # Every digit shape below is a special case of `Shapes.number_run`: without one, none can match.
        run = shapes.number_run
        has_digits = run and _LONG_DIGITS_SHAPE.search(shapes.digits) is not None
        if has_digits:
            found += find_cards(text)
        if b"AA00" in shapes.classes:  # `_IBAN_START` on ASCII text, as one literal search
            found += find_ibans(text)
        # The first test is the one other scripts get (it passes over "810 89 3259", which other finders
        # catch); the second is a necessary condition of an SSN, so together they skip only finder runs
        # that would find nothing.
        if run and (has_digits or "." in text or "-" in text) and _SSN_SHAPE_RUN.search(shapes.digits):
            found += find_ssns(text)
        if run:  # `_PHONE_SHAPE_RUN` is the number run's own shape
            found += find_phones(text, shapes)
            found += find_cued_phones(text, shapes)
    else:
        has_digits = _LONG_DIGITS.search(text) is not None
        if has_digits:
            found += find_cards(text)
        if _IBAN_START.search(text):
            found += find_ibans(text)
        if has_digits or "." in text or "-" in text:
            found += find_ssns(text)
        found += find_phones(text)
        found += find_cued_phones(text)
    if may_hold_national_id(text, shapes):
        found += find_national_ids(text, shapes)
    found += find_secrets(text, shapes)
    found += find_worded_ssns(text, shapes)
    found += find_link_tokens(text)  # gated inside: `code` with an OAuth word, or a URL's query
    found += find_addresses(text, shapes)
    found += find_keyed_addresses(text, shapes)
    found += find_address_blocks(text, shapes)
    found += find_answered_addresses(text)
    found += find_stacked_streets(text)
    found += find_vcard_streets(text)  # gated inside: a literal search for ADR
    found += find_hl7_fields(text)  # gated inside: literal searches for the segments it reads (`PID|`)
    found += find_placed_phones(text, shapes)
    if shapes.number_run:  # room for eight digits with a phone's separators
        found += find_reported_calls(text)
    found += find_prose_addresses(text, shapes, learned)
    found += find_spoken_streets(text, shapes)  # gated inside: a number word among the words
    found += find_table_cells(text)
    found += find_html_table_cells(text)  # gated inside: a literal search for `<t`
    found += find_aligned_table_cells(text)  # gated inside: a literal search for two spaces
    found += find_phone_cells(text)
    found += find_contact_column_phones(text)  # gated inside: an `@`
    found += find_named_fields(text)  # gated inside: a literal search for `val`
    found += find_phones_under_a_phone_key(text)  # gated inside: a `{` or a `[`
    found += find_inserted_values(text)  # gated inside: a literal search for INSERT
    found += name_candidates(text, shapes)
    found += find_credential_ids(text)  # gated inside: a `{` is one literal search
    found += find_file_passwords(text)  # gated inside, as are the next
    found += find_answered_passwords(text, shapes)
    found += find_reservation_contacts(text)
    found += find_spoken_emails(text, shapes)
    found += find_spoken_numbers(text, shapes)
    found += context_candidates(text, shapes)
    return found
