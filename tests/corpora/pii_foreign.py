"""A PII evaluation corpus the detector was not written against, and its scorer.

Values come from Faker in eleven locales (names, street addresses, phones, emails, IBANs) and from small
generators here (cards of every issuer range, SSNs, IPs, keys, tokens, passwords, AWS secret keys); the
sentences around them are written as the systems that store them write (log lines, chat turns, JSON bodies,
query strings, exception messages), and some values are stored URL-encoded, base64-encoded, in full-width
characters or with zero-width characters inside. Hard negatives (order ids, versions, timestamps, hashes,
prices, SKUs, UUIDs, capitalised words that are not names) are planted beside them. Labels come from the
generator, never from the detector: this module imports nothing from `evalforge_assets`.

The generated file `pii_foreign.jsonl` is committed and its sha256 is pinned by a test, so nobody tunes the
corpus to the detector; regenerate only on purpose (`python -m tests.corpora.pii_foreign --write`) and say
why in the commit. Faker's output depends on its version, which is why the file, not the generator, is the
reference.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

CORPUS_PATH = Path(__file__).with_name("pii_foreign.jsonl")
SEED = 20260201
SIZE = 3000

NAME_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR", "tr_TR", "ja_JP")
ADDRESS_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR")
PHONE_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "ja_JP", "pt_BR", "es_ES", "it_IT", "nl_NL", "tr_TR", "zh_CN")
IBAN_LOCALES = ("en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR", "tr_TR")

# Structured types: none may leak. PERSON and STREET_ADDRESS are judged by a leak rate.
STRUCTURED = (
    "EMAIL",
    "PHONE",
    "IBAN",
    "CREDIT_CARD",
    "US_SSN",
    "IP_ADDRESS",
    "API_KEY",
    "TOKEN",
    "PASSWORD",
    "AWS_SECRET_KEY",
)
FUZZY = ("PERSON", "STREET_ADDRESS")
TYPES = (*STRUCTURED, *FUZZY)


@dataclass
class Sample:
    """One stored text, the values planted in it as they appear in it, and the hard negatives it holds."""

    text: str
    form: str
    entities: list[tuple[str, str]] = field(default_factory=list)
    negatives: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(
            {"form": self.form, "text": self.text, "entities": self.entities, "negatives": self.negatives},
            ensure_ascii=False,
            sort_keys=True,
        )


# ------------------------------------------------------------------------------------------- values


def _luhn_complete(body: str) -> str:
    total = 0
    for index, char in enumerate(reversed(body + "0")):
        digit = int(char)
        if index % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return body + str((10 - total % 10) % 10)


# (issuer, prefixes, length, grouping)
_CARD_RANGES = (
    ("visa", ("4",), 16, (4, 4, 4, 4)),
    ("mastercard", ("51", "55", "2221", "2720"), 16, (4, 4, 4, 4)),
    ("amex", ("34", "37"), 15, (4, 6, 5)),
    ("discover", ("6011", "65"), 16, (4, 4, 4, 4)),
    ("jcb", ("3528", "3589"), 16, (4, 4, 4, 4)),
    ("diners", ("36", "305"), 14, (4, 6, 4)),
    ("uatp", ("1",), 15, (4, 5, 6)),
    ("dankort", ("5019",), 16, (4, 4, 4, 4)),
    ("maestro_uk", ("675900", "676770", "676774"), 16, (4, 4, 4, 4)),
    ("unionpay", ("62",), 16, (4, 4, 4, 4)),
    ("unionpay19", ("62",), 19, (4, 4, 4, 4, 3)),
    ("mir", ("2200", "2204"), 16, (4, 4, 4, 4)),
    ("rupay", ("6521", "6522"), 16, (4, 4, 4, 4)),
)
# Countries whose IBANs a hand-written length table tends to miss; (country, bank-and-account length, letters)
_RARE_IBANS = (("BY", 24, 4), ("TL", 19, 0), ("VA", 18, 0), ("IQ", 19, 4), ("LC", 28, 4), ("SC", 27, 4),
               ("LY", 21, 0), ("SV", 24, 4), ("EG", 25, 0), ("SD", 14, 0))


def _mod97_check(country: str, bban: str) -> str:
    digits = "".join(str(int(char, 36)) for char in bban + country + "00")
    return f"{98 - int(digits) % 97:02d}"


class Values:
    """Every kind of value the corpus plants, each drawn from Faker or a seeded generator."""

    def __init__(self, seed: int) -> None:
        from faker import Faker

        self.random = random.Random(seed)
        self.fakers: dict[str, Faker] = {}
        for offset, locale in enumerate(sorted({*NAME_LOCALES, *ADDRESS_LOCALES, *PHONE_LOCALES, *IBAN_LOCALES})):
            faker = Faker(locale)
            faker.seed_instance(seed + offset)
            self.fakers[locale] = faker

    def pick(self, options: Iterable[str]) -> str:
        return self.random.choice(list(options))

    def faker(self, locales: tuple[str, ...]) -> object:
        return self.fakers[self.pick(locales)]

    # ---- people and places
    def name(self) -> str:
        locale = self.pick(NAME_LOCALES)
        faker = self.fakers[locale]
        if locale == "ja_JP":
            return f"{faker.first_romanized_name()} {faker.last_romanized_name()}"
        return f"{faker.first_name()} {faker.last_name()}"

    def first_name(self) -> str:
        locale = self.pick(NAME_LOCALES)
        faker = self.fakers[locale]
        return faker.first_romanized_name() if locale == "ja_JP" else faker.first_name()

    def street(self) -> str:
        return self.fakers[self.pick(ADDRESS_LOCALES)].street_address()

    # ---- contact
    def phone(self) -> str:
        locale = self.pick(PHONE_LOCALES)
        number = self.fakers[locale].phone_number()
        if self.random.random() < 0.3:
            number = self.pick(_NATIONAL_PHONES)
        return number

    def email(self) -> str:
        roll = self.random.random()
        if roll < 0.7:
            faker = self.fakers[self.pick(NAME_LOCALES[:-1])]
            return faker.free_email() if self.random.random() < 0.5 else faker.company_email()
        if roll < 0.85:
            local = self.first_name().lower().replace(" ", "")
            return f"{local}@{self.pick(_IDN_DOMAINS)}"
        local = "".join(self.random.choice(string.ascii_lowercase) for _ in range(self.random.randint(1, 8)))
        return f"{local}@{self.pick(_PUNYCODE_DOMAINS)}"

    # ---- money
    def iban(self, spaced: bool) -> str:
        if self.random.random() < 0.25:
            country, length, letters = self.random.choice(_RARE_IBANS)
            bban = "".join(self.random.choice(string.ascii_uppercase) for _ in range(letters))
            bban += "".join(self.random.choice(string.digits) for _ in range(length - letters))
            compact = country + _mod97_check(country, bban) + bban
        else:
            compact = self.fakers[self.pick(IBAN_LOCALES)].iban()
        if not spaced:
            return compact
        return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))

    def card(self) -> str:
        _, prefixes, length, grouping = self.random.choice(_CARD_RANGES)
        prefix = self.random.choice(prefixes)
        body = prefix + "".join(self.random.choice(string.digits) for _ in range(length - len(prefix) - 1))
        number = _luhn_complete(body)
        style = self.random.random()
        if style < 0.4:
            return number
        separator = " " if style < 0.75 else "-"
        parts, position = [], 0
        for size in grouping:
            parts.append(number[position : position + size])
            position += size
        return separator.join(parts)

    def ssn(self) -> str:
        area = self.random.choice([a for a in range(1, 900) if a != 666])
        group, serial = self.random.randint(1, 99), self.random.randint(1, 9999)
        separator = self.pick(("-", "-", ".", " "))
        return f"{area:03d}{separator}{group:02d}{separator}{serial:04d}"

    # ---- network
    def ip(self) -> str:
        faker = self.fakers["en_US"]
        roll = self.random.random()
        if roll < 0.45:
            return faker.ipv4_public()
        if roll < 0.6:
            return faker.ipv4_private()
        if roll < 0.8:
            return faker.ipv6()
        v4 = faker.ipv4_private() if self.random.random() < 0.5 else faker.ipv4_public()
        return self.pick(("::ffff:", "64:ff9b::", "::FFFF:")) + v4

    # ---- secrets
    def _chars(self, alphabet: str, count: int) -> str:
        return "".join(self.random.choice(alphabet) for _ in range(count))

    def api_key(self) -> str:
        alnum = string.ascii_letters + string.digits
        return self.pick(
            (
                "sk-proj-" + self._chars(alnum + "_-", 48),
                "sk-ant-api03-" + self._chars(alnum + "_-", 60),
                "sk_live_" + self._chars(alnum, 24),
                "rk_test_" + self._chars(alnum, 24),
                "AIza" + self._chars(alnum + "_-", 35),
                "xoxb-" + self._chars(string.digits, 11) + "-" + self._chars(alnum, 24),
                "AKIA" + self._chars(string.ascii_uppercase + string.digits, 16),
                "SG." + self._chars(alnum, 22) + "." + self._chars(alnum + "_-", 43),
                self._chars("0123456789abcdef", 32),
            )
        )

    def token(self) -> str:
        alnum = string.ascii_letters + string.digits
        header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
        claims = json.dumps({"sub": self._chars(string.digits, 8), "iat": self.random.randint(10**9, 2 * 10**9)})
        payload = base64.urlsafe_b64encode(claims.encode()).decode().rstrip("=")
        return self.pick(
            (
                f"{header}.{payload}.{self._chars(alnum + '_-', 43)}",
                "ghp_" + self._chars(alnum, 36),
                "github_pat_" + self._chars(alnum + "_", 82),
                "glpat-" + self._chars(alnum + "_-", 20),
                "ya29." + self._chars(alnum + "_-", 60),
                "npm_" + self._chars(alnum, 36),
            )
        )

    def password(self) -> str:
        faker = self.fakers["en_US"]
        roll = self.random.random()
        if roll < 0.5:
            return faker.password(length=self.random.randint(8, 20))
        if roll < 0.8:
            word = self.pick(("Summer", "Winter", "Dragon", "Monkey", "Sunshine", "Letmein", "Welcome", "Qwerty"))
            return f"{word}{self.random.randint(1, 2030)}{self.pick('!@#$%&*?')}"
        return self._chars(string.ascii_letters + string.digits, self.random.randint(10, 16))

    def aws_secret(self) -> str:
        return self._chars(string.ascii_letters + string.digits + "/+", 40)

    # ---- hard negatives
    def negative(self) -> str:
        faker = self.fakers["en_US"]
        kind = self.random.randrange(14)
        number = self.random.randint
        return [
            lambda: f"ORD-{number(2019, 2026)}-{number(100000, 999999)}",
            lambda: f"v{number(0, 12)}.{number(0, 40)}.{number(0, 200)}",
            lambda: faker.iso8601() + "Z",
            lambda: str(number(1_600_000_000, 1_800_000_000)),
            lambda: faker.sha1(),
            lambda: faker.sha256(),
            lambda: f"${number(1, 9999):,}.{number(0, 99):02d}",
            lambda: f"SKU-{number(10000, 99999)}-{self.pick(('BLK', 'WHT', 'RED', 'XL', 'S'))}",
            lambda: faker.uuid4(),
            lambda: self.pick(_NAME_LIKE_WORDS),
            # 13-digit ids led by a digit no card issuer uses (a 4... id passing Luhn would be a Visa number).
            lambda: f"{self.pick('79')}{number(10**11, 10**12 - 1)}",
            lambda: f"INV{number(10**7, 10**8 - 1)}",
            lambda: f"build {number(1, 9)}.{number(0, 9)}.{number(0, 99)}.{number(0, 9999)}",
            lambda: f"{number(1, 500)}ms",
        ][kind]()


_NATIONAL_PHONES = (
    "0044 20 7946 0958",
    "07700 900123",
    "09-7625400",
    "090-1234-5678",
    "13812345678",
    "0532 123 45 67",
    "0917-123-4567",
    "030 901820",
    "06 12 34 56 78",
    "(11) 98765-4321",
    "+1 (415) 555-2671",
    "0034 612 345 678",
    "+81 3-1234-5678",
    "+86 138 0013 8000",
    "+90 532 123 4567",
    "+31 6 12345678",
    "+39 347 123 4567",
    "0151 23456789",
    "020 7946 0018",
    "+55 21 99876-5432",
)
_IDN_DOMAINS = ("bücher.de", "例子.广告", "müller-bau.de", "café.fr", "españa.es", "пример.рф", "日本語.jp")
_PUNYCODE_DOMAINS = ("xn--d1acufc.xn--p1ai", "xn--bcher-kva.de", "xn--fsqu00a.xn--3lr804guic", "xn--caf-dma.fr")
# Capitalised words and phrases that read like names but are not people.
_NAME_LIKE_WORDS = (
    "Summer Sale",
    "Grace Period",
    "Will Call",
    "Mark As Read",
    "Victoria Station",
    "Jordan Almonds",
    "Amazon Basics",
    "Florence Flask",
    "Paris Gateway",
    "Holly Berry Mix",
    "Georgia Pacific",
    "Austin Region",
    "Rose Gold",
    "Chase Mode",
    "Hope Street Cafe",
    "Max Retries",
    "Dawn Patrol",
    "Sterling Silver",
)


# ----------------------------------------------------------------------------------------- templates
# Written as the systems that store them write, without reference to any detector's cues. `{x}` slots are
# filled by `_fill`: the slot names say which generator fills them.

_TEMPLATES: dict[str, tuple[str, ...]] = {
    "log": (
        "2026-02-01T10:14:03Z INFO checkout user={email} ip={ip} order {neg} total {neg}",
        "WARN payment retry card={card} attempt=3 trace={neg}",
        "level=error msg=\"refund failed\" iban={iban} amount={neg} ref={neg}",
        "[auth] failed login for {email} from {ip} ({neg})",
        "upstream 502 from {ip} while calling {neg}; client {ip}",
        "DEBUG env OPENAI_API_KEY={api_key} MODEL=gpt-4o ts={neg}",
        "export AWS_SECRET_ACCESS_KEY={aws_secret}",
        "{aws_secret} rotated at {neg}",
        "conn string postgres://app:{password}@db.internal:5432/orders",
        "sent sms to {phone} for order {neg}",
        "shipping label printed for {street} ({neg})",
        "db query took {neg}: SELECT * FROM users WHERE ssn = '{ssn}'",
        "remoteAddress: \"{ip}\" request {neg}",
        "cards: {card} {card}",
        "kyc hit for {name} at {street}",
        "{name} changed the delivery address to {street}",
        "Authorization: Bearer {token}",
        "token {token} expired at {neg}",
        "password reset for {email}; temporary password {password}",
    ),
    "chat": (
        "hi, it's {name} again, my card {card} keeps getting declined",
        "can you send the invoice to {email}? thanks",
        "I moved, new place is {street}, please update it",
        "you can reach me on {phone} after six",
        "my ssn is {ssn} if you need it for the form",
        "the password I set was {password} but it doesn't work",
        "please wire it to {iban}",
        "{name} told me to ask you about order {neg}",
        "ok so {name} and I share the account, her number is {phone}",
        "I'm at {street}, buzzer doesn't work, call {phone}",
        "forwarding this to {name}, she handles {neg}",
        "here's my key {api_key} can you see why it fails",
        "my login is {email} and pw {password}",
        "I think {name} already paid {neg} for {neg}",
        "Deliver to {name}, {street}",
        "{name} here. Did {neg} ship?",
    ),
    "json": (
        '{{"customer": {{"full_name": "{name}", "address": "{street}", "mail": "{email}"}}, "sku": "{neg}"}}',
        '{{"payer": "{name}", "iban": "{iban}", "amount": "{neg}", "id": "{neg}"}}',
        '{{"contact": "{phone}", "order_id": "{neg}", "created": "{neg}"}}',
        '{{"card": "{card}", "exp": "04/29", "request_id": "{neg}"}}',
        '{{"creds": {{"user": "svc", "pass": "{password}"}}, "version": "{neg}"}}',
        '{{"headers": {{"x-goog-api-key": "{api_key}", "x-request-id": "{neg}"}}}}',
        '{{"client_ip": "{ip}", "ua": "Mozilla/5.0", "trace": "{neg}"}}',
        '{{"taxpayer": "{ssn}", "year": 2025}}',
        '{{"aws": {{"id": "{api_key}", "secret": "{aws_secret}"}}}}',
        '{{"note": "call {name} at {phone}", "ticket": "{neg}"}}',
        '{{"recipient": "{name}", "line1": "{street}", "ref": "{neg}"}}',
        '{{"session": "{token}"}}',
    ),
    "query": (
        "GET /api/users?email={email_url}&page=2",
        "POST /callback?phone={phone_url}&status=ok",
        "/search?q={name_url}&sort=recent",
        "/ship?to={street_url}&sku={neg}",
        "https://api.example.com/v1/pay?iban={iban_url}&amount=10",
        "redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb%3Femail%3D{email_url}",
        "/login?user={email_url}&password={password_url}",
    ),
    "base64": (
        "payload={b64} len={neg}",
        "X-Debug-Context: {b64}",
        "cookie session_blob={b64}; path=/",
    ),
    "fullwidth": (
        "お客様のメールアドレス：{email_fw}",
        "連絡先 {phone_fw} まで",
        "card {card_fw} declined",
    ),
    "zerowidth": (
        "email: {email_zw}",
        "reach {name_zw} at {phone_zw}",
        "ssn {ssn_zw} on file",
        "key={api_key_zw}",
    ),
    "exception": (
        "ValueError: invalid account holder '{name}' for IBAN {iban}",
        "stripe.error.CardError: Your card number {card} is incorrect. request_id={neg}",
        "Traceback (most recent call last):\n  File \"app.py\", line 42, in send\n    smtp.send(to='{email}')\nSMTPRecipientsRefused: {email}",
        "psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint \"users_phone_key\" DETAIL: Key (phone)=({phone}) already exists.",
        "TypeError: Cannot read properties of undefined (reading 'street') at normalize('{street}')",
        "botocore.exceptions.ClientError: SignatureDoesNotMatch for secret {aws_secret}",
        "openai.AuthenticationError: Error code: 401 - Incorrect API key provided: {api_key}",
        "ConnectionRefusedError: [Errno 111] {ip}:5432",
        "AddressValidationError: could not geocode {street} for {name}",
    ),
}

_SLOT_TYPES = {
    "name": "PERSON",
    "street": "STREET_ADDRESS",
    "phone": "PHONE",
    "email": "EMAIL",
    "iban": "IBAN",
    "card": "CREDIT_CARD",
    "ssn": "US_SSN",
    "ip": "IP_ADDRESS",
    "api_key": "API_KEY",
    "token": "TOKEN",
    "password": "PASSWORD",
    "aws_secret": "AWS_SECRET_KEY",
}
_FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}
_ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")


def _raw(values: Values, slot: str) -> str:
    if slot == "name":
        return values.name()
    if slot == "street":
        return values.street()
    if slot == "phone":
        return values.phone()
    if slot == "email":
        return values.email()
    if slot == "iban":
        return values.iban(spaced=values.random.random() < 0.5)
    if slot == "card":
        return values.card()
    if slot == "ssn":
        return values.ssn()
    if slot == "ip":
        return values.ip()
    if slot == "api_key":
        return values.api_key()
    if slot == "token":
        return values.token()
    if slot == "password":
        return values.password()
    if slot == "aws_secret":
        return values.aws_secret()
    raise KeyError(slot)


def _zero_width(values: Values, text: str) -> str:
    position = values.random.randint(1, max(1, len(text) - 1))
    return text[:position] + values.random.choice(_ZERO_WIDTH) + text[position:]


def _base64_payload(values: Values) -> tuple[str, list[tuple[str, str]]]:
    """A base64 blob of a small JSON or form body holding one or two values; the blob is what must go."""
    slots = values.random.sample(["email", "phone", "card", "password", "name", "iban", "ssn"], 2)
    fields = {slot: _raw(values, slot) for slot in slots}
    body = json.dumps(fields) if values.random.random() < 0.5 else "&".join(f"{k}={v}" for k, v in fields.items())
    blob = base64.b64encode(body.encode()).decode()
    if values.random.random() < 0.5:
        blob = blob.rstrip("=")
    return blob, [(_SLOT_TYPES[slot], blob) for slot in slots]


def _fill(template: str, values: Values, form: str) -> Sample:
    sample = Sample(text="", form=form)
    out: list[str] = []
    for literal, slot, _, _ in string.Formatter().parse(template):
        out.append(literal)
        if slot is None:
            continue
        if slot == "neg":
            negative = values.negative()
            sample.negatives.append(negative)
            out.append(negative)
            continue
        if slot == "b64":
            blob, planted = _base64_payload(values)
            sample.entities += planted
            out.append(blob)
            continue
        base, variant = slot, ""
        for suffix in ("_url", "_fw", "_zw"):
            if slot.endswith(suffix):
                base, variant = slot[: -len(suffix)], suffix[1:]
        value = _raw(values, base)
        if variant == "url":
            value = quote(value, safe="")
        elif variant == "fw":
            value = value.translate(_FULL_WIDTH).replace(" ", "\u3000")
        elif variant == "zw":
            value = _zero_width(values, value)
        sample.entities.append((_SLOT_TYPES[base], value))
        out.append(value)
    sample.text = "".join(out)
    return sample


_FORM_WEIGHTS = {
    "log": 6,
    "chat": 6,
    "json": 5,
    "exception": 4,
    "query": 2,
    "base64": 1,
    "fullwidth": 1,
    "zerowidth": 1,
}


def generate(seed: int = SEED, size: int = SIZE) -> list[Sample]:
    """`size` labelled samples, the same for a seed (and a Faker version)."""
    values = Values(seed)
    forms = [form for form, weight in _FORM_WEIGHTS.items() for _ in range(weight)]
    samples = []
    for _ in range(size):
        form = values.random.choice(forms)
        samples.append(_fill(values.random.choice(_TEMPLATES[form]), values, form))
    # Hard-negative-only texts: nothing in them may be redacted.
    for _ in range(size // 5):
        negatives = [values.negative() for _ in range(values.random.randint(2, 4))]
        template = values.random.choice(
            (
                "order {} for {} confirmed at {}",
                "release {} deployed; build hash {} ({})",
                '{{"id": "{}", "sku": "{}", "price": "{}"}}',
                "retrying {} after {}: still waiting on {}",
            )
        )
        negatives = (negatives * 2)[:3]
        samples.append(Sample(text=template.format(*negatives), form="negatives", negatives=negatives))
    return samples


def read_samples(path: Path) -> list[Sample]:
    """A frozen corpus file (one sample per JSON line), as committed; the held-out corpus is read the same way."""
    samples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        samples.append(
            Sample(
                text=record["text"],
                form=record["form"],
                entities=[(entity, value) for entity, value in record["entities"]],
                negatives=list(record["negatives"]),
            )
        )
    return samples


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def corpus_cli(argv: list[str], path: Path, generate: Callable[[], list[Sample]]) -> None:
    """`--write` regenerates the corpus file at `path`; without it, prints its size and the sha256 a test pins."""
    if "--write" in argv:
        lines = [sample.to_json() for sample in generate()]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {len(lines)} samples to {path} sha256 {file_sha256(path)}")
    else:
        print(f"{path}: {len(read_samples(path))} samples, sha256 {file_sha256(path)}")


def load() -> list[Sample]:
    """The frozen corpus, as committed."""
    return read_samples(CORPUS_PATH)


def corpus_sha256() -> str:
    return file_sha256(CORPUS_PATH)


# ------------------------------------------------------------------------------------------- scoring

# Which detector placeholders count as finding each corpus type (precision is judged per corpus type).
PLACEHOLDER_TYPES: dict[str, frozenset[str]] = {
    "EMAIL": frozenset({"EMAIL"}),
    "PHONE": frozenset({"PHONE"}),
    "IBAN": frozenset({"IBAN"}),
    "CREDIT_CARD": frozenset({"CREDIT_CARD"}),
    "US_SSN": frozenset({"US_SSN"}),
    "IP_ADDRESS": frozenset({"IP_ADDRESS"}),
    "API_KEY": frozenset({"API_KEY", "AWS_ACCESS_KEY", "SECRET"}),
    "TOKEN": frozenset({"JWT", "GITHUB_TOKEN", "BEARER_TOKEN", "API_KEY", "SECRET"}),
    "PASSWORD": frozenset({"PASSWORD", "SECRET", "URL_CREDENTIALS"}),
    "AWS_SECRET_KEY": frozenset({"SECRET", "AWS_SECRET_KEY"}),
    "PERSON": frozenset({"PERSON"}),
    "STREET_ADDRESS": frozenset({"STREET_ADDRESS"}),
}


@dataclass
class TypeScore:
    """Per corpus type: planted values, how many were removed, leaked, and what the redactor emitted."""

    entity: str
    planted: int = 0
    removed: int = 0
    emitted: int = 0

    @property
    def leaked(self) -> int:
        return self.planted - self.removed

    @property
    def recall(self) -> float:
        return self.removed / self.planted if self.planted else 1.0

    @property
    def leak_rate(self) -> float:
        return self.leaked / self.planted if self.planted else 0.0

    @property
    def precision(self) -> float:
        # Emitted placeholders beyond the planted values of this type that went are false positives.
        return min(self.removed, self.emitted) / self.emitted if self.emitted else 1.0


@dataclass
class CorpusScore:
    types: dict[str, TypeScore]
    negatives: int
    damaged_negatives: int
    leaks: list[tuple[str, str, str]]  # (type, value, form) for every leaked value

    @property
    def over_redaction(self) -> float:
        return self.damaged_negatives / self.negatives if self.negatives else 0.0


def _plain(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKC", text) if char not in _ZERO_WIDTH)


Redactor = Callable[[str, dict[str, int]], str]


def score(samples: Iterable[Sample], redact: Redactor) -> CorpusScore:
    """Run `redact(text, counts)` over every sample: a planted value leaks when it is still in the output,
    as written or once normalized (NFKC, zero-width characters dropped); a negative is damaged when it
    appears fewer times after redaction than before. `counts` receives placeholder counts by type."""
    types = {entity: TypeScore(entity) for entity in TYPES}
    negatives = damaged = 0
    leaks: list[tuple[str, str, str]] = []
    for sample in samples:
        counts: dict[str, int] = {}
        redacted = redact(sample.text, counts)
        plain_redacted = _plain(redacted)
        for entity, value in sample.entities:
            score_ = types[entity]
            score_.planted += 1
            if value in redacted or (len(_plain(value)) > 3 and _plain(value) in plain_redacted):
                leaks.append((entity, value, sample.form))
            else:
                score_.removed += 1
        present = {entity for entity, _ in sample.entities}
        for entity in TYPES:
            emitted = sum(counts.get(kind, 0) for kind in PLACEHOLDER_TYPES[entity])
            # A placeholder type shared by several corpus types counts for the one that was planted here.
            if entity in present or not any(
                PLACEHOLDER_TYPES[entity] & PLACEHOLDER_TYPES[other] for other in present
            ):
                types[entity].emitted += emitted
        for negative in sample.negatives:
            negatives += 1
            if redacted.count(negative) < sample.text.count(negative):
                damaged += 1
    return CorpusScore(types, negatives, damaged, leaks)


def main(argv: list[str]) -> None:
    corpus_cli(argv, CORPUS_PATH, generate)


if __name__ == "__main__":
    main(sys.argv[1:])
