"""A labeled PII set generated from templates, and a scorer for any detector over it.

The texts read like what an LLM application stores: user messages, model answers, error messages, Python,
Java and Node stack traces, log lines, JSON metadata and e-mails. Each planted value is recorded with its
entity type, and each hard negative (order ids, UUIDs, versions, prices, timestamps, durations, trace and span
ids, Luhn-failing card-like numbers, IBANs with a wrong checksum, never-issued SSNs, product names after a
greeting) is recorded so the scorer can tell when redaction damaged it. Generation is deterministic for a
seed.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import random
import string
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from evalforge_assets.capture.checksums import IBAN_LENGTHS, iban_valid, luhn_valid
from evalforge_assets.capture.pii import PiiMatch, find_pii, placeholder
from evalforge_assets.capture.sources import sample_values

# Every type except PERSON is a structured identifier: none of them may survive redaction.
PERSON = "PERSON"


@dataclass(frozen=True)
class LabeledText:
    """One text, the (entity type, exact value) pairs planted in it, and the hard negatives it holds."""

    text: str
    entities: list[tuple[str, str]]
    negatives: list[str] = field(default_factory=list)


@dataclass
class EntityScore:
    """Counts for one entity type. A planted value is found when one finding of its type covers all of it."""

    entity: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    leaks: int = 0
    damaged_negatives: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


# --------------------------------------------------------------------------------------------- values

FIRST_NAMES = (
    "Alice",
    "Maria",
    "José",
    "Wei",
    "Priya",
    "Oluwaseun",
    "Siobhan",
    "Mohammed",
    "Yuki",
    "Lars",
    "Fatima",
    "Dmitri",
    "Chloé",
    "Aarav",
    "Sofia",
    "Mateo",
    "Hannah",
    "Kwame",
    "Ingrid",
    "Raj",
    "Elena",
    "Tomás",
    "Amara",
    "Noah",
    "Léa",
    "Jürgen",
    "Ana",
    "Liam",
    "Zoe",
    "Omar",
    "Jean-Luc",
    "Grace",
    "Hiroshi",
    "Nadia",
)
LAST_NAMES = (
    "Chen",
    "Lopez",
    "Müller",
    "O'Brien",
    "Nguyen",
    "Okafor",
    "Patel",
    "Schmidt",
    "Rossi",
    "Kowalski",
    "García",
    "Johansson",
    "Dubois",
    "Tanaka",
    "Kim",
    "Smith",
    "Ivanova",
    "McDonald",
    "Haddad",
    "Silva",
    "Smith-Jones",
    "Andersen",
    "Mensah",
    "Fischer",
    "Moreau",
    "Novak",
    "Costa",
    "Yilmaz",
    "Murphy",
    "Sato",
)
PRODUCTS = (
    "Evalforge Pro",
    "Acme Cloud",
    "Stripe Checkout",
    "Nimbus Store",
    "Orbit Analytics",
    "Dagster Plus",
    "Helix Platform",
    "Lumen Billing",
)
EMAIL_DOMAINS = (
    "example.com",
    "example.org",
    "mail.example.net",
    "corp.example.co.uk",
    "acme-corp.io",
    "shop.example.de",
)
_ASCII_FOLD = str.maketrans("éèüöäíáóúñçÉ", "eeuoaiaounce")
# Wider than the sample spans' formats (`sample_values.INTL_PHONE_FORMATS`); each `#` is a random digit.
_INTL_PHONE_FORMATS = (
    "+44 20 #### ####",
    "+44 7700 ######",
    "+44 (0)20 #### ####",
    "+49 30 ########",
    "+49 151 ########",
    "+49-89-#######",
    "+33 1 ## ## ## ##",
    "+33 6 ## ## ## ##",
    "+91 9#### #####",
    "+91-9#########",
)


class _Values:
    """Random values of every planted kind; each method returns one value as it would appear in text."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        # The product's generators make the numbers (check digits included); the corpus asks for more brands
        # and IBAN countries than the sample spans use, letters inside the account part included.
        upper, alnum = string.ascii_uppercase, string.ascii_uppercase + string.digits
        brands = (("4", 16), ("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15), ("37", 15), ("6011", 16))
        self._card_brands = tuple(
            ((index + 1) / len(brands), lambda rng, p=prefix, n=length: p + self.digits(n - len(p) - 1))
            for index, (prefix, length) in enumerate(brands)
        )
        self._iban_layouts = (
            ("DE", lambda rng: self.digits(18)),
            ("GB", lambda rng: self.chars(4, upper) + self.digits(14)),
            ("FR", lambda rng: self.digits(10) + self.chars(11, alnum) + self.digits(2)),
            ("NL", lambda rng: self.chars(4, upper) + self.digits(10)),
            ("ES", lambda rng: self.digits(20)),
            ("IT", lambda rng: self.chars(1, upper) + self.digits(10) + self.chars(12, alnum)),
            ("CH", lambda rng: self.digits(5) + self.chars(12, alnum)),
            ("BE", lambda rng: self.digits(12)),
        )

    def digits(self, count: int, first: str = string.digits) -> str:
        return self.rng.choice(first) + "".join(self.rng.choice(string.digits) for _ in range(count - 1))

    def chars(self, count: int, alphabet: str = string.ascii_letters + string.digits) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(count))

    # People and contact details

    def first(self) -> str:
        return self.rng.choice(FIRST_NAMES)

    def last(self) -> str:
        return self.rng.choice(LAST_NAMES)

    def full(self) -> str:
        return f"{self.first()} {self.last()}"

    def email(self) -> str:
        first = self.first().lower().translate(_ASCII_FOLD).replace("-", "")
        last = self.last().lower().translate(_ASCII_FOLD).replace("'", "").replace("-", "")
        local = self.rng.choice(
            (
                f"{first}.{last}",
                f"{first}{last[0]}",
                f"{first[0]}{last}{self.rng.randint(1, 99)}",
                f"{first}_{last}+{self.rng.choice(('orders', 'work', 'spam'))}",
                f"{first}-{last}",
            )
        )
        return f"{local}@{self.rng.choice(EMAIL_DOMAINS)}"

    def phone_us(self) -> str:
        area, exchange, line = self.digits(3, "23456789"), self.digits(3, "23456789"), self.digits(4)
        return self.rng.choice(
            (
                f"({area}) {exchange}-{line}",
                f"{area}-{exchange}-{line}",
                f"{area}.{exchange}.{line}",
                f"+1 {area} {exchange} {line}",
                f"+1-{area}-{exchange}-{line}",
                f"1-{area}-{exchange}-{line}",
                f"+1 ({area}) {exchange}-{line}",
            )
        )

    def phone_bare(self) -> str:
        return self.digits(3, "23456789") + self.digits(3, "23456789") + self.digits(4)

    def phone_intl(self) -> str:
        return sample_values.intl_phone(self.rng, _INTL_PHONE_FORMATS)

    # Payment and identity numbers

    def card_number(self) -> str:
        return sample_values.card_number(self.rng, self._card_brands)

    def card(self) -> str:
        return sample_values.format_card(self.rng, self.card_number())

    def bad_card(self) -> str:
        number = self.card_number()
        if len(number) != 16:
            number = "4" + number[1:] + self.digits(1)
        while luhn_valid(number):
            number = number[:-1] + str((int(number[-1]) + 1) % 10)
        return sample_values.format_card(self.rng, number)

    def iban_compact(self, valid: bool = True) -> str:
        compact = sample_values.iban_compact(self.rng, self._iban_layouts)
        if len(compact) != IBAN_LENGTHS[compact[:2]]:
            raise ValueError(
                f"the {compact[:2]} account layout here does not give a {IBAN_LENGTHS[compact[:2]]}-character IBAN"
            )
        while not valid and iban_valid(compact):
            compact = f"{compact[:2]}{self.rng.randint(0, 99):02d}{compact[4:]}"
        return compact

    def iban(self) -> str:
        return sample_values.format_iban(self.rng, self.iban_compact())

    def bad_iban(self) -> str:
        return sample_values.format_iban(self.rng, self.iban_compact(valid=False))

    def _ssn_parts(self) -> tuple[str, str, str]:
        return sample_values.ssn_parts(self.rng)

    def ssn(self) -> str:
        separator = "-" if self.rng.random() < 0.8 else " "
        return separator.join(self._ssn_parts())

    def ssn_bare(self) -> str:
        return "".join(self._ssn_parts())

    def bad_ssn(self) -> str:
        area, group, serial = self._ssn_parts()
        broken = self.rng.choice(("area0", "area666", "area9", "group", "serial"))
        area = {"area0": "000", "area666": "666", "area9": self.digits(3, "9")}.get(broken, area)
        group = "00" if broken == "group" else group
        serial = "0000" if broken == "serial" else serial
        return f"{area}-{group}-{serial}"

    def ipv4(self) -> str:
        return self.rng.choice(
            (
                f"10.{self.rng.randint(0, 255)}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}",
                f"192.168.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}",
                f"172.{self.rng.randint(16, 31)}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}",
                ".".join(
                    str(self.rng.randint(low, high))
                    for low, high in ((11, 223), (0, 255), (0, 255), (1, 254))
                ),
            )
        )

    def ipv6(self) -> str:
        if self.rng.random() < 0.4:
            address = ipaddress.IPv6Address(self.rng.getrandbits(128))
            return (
                address.exploded
                if self.rng.random() < 0.5
                else ":".join(group.lstrip("0") or "0" for group in address.exploded.split(":"))
            )
        prefix = self.rng.choice(("2001:db8", "fe80", "2a02:1205", "2600:1f18"))
        tail = ":".join(f"{self.rng.getrandbits(16):x}" for _ in range(self.rng.randint(1, 4)))
        return str(ipaddress.IPv6Address(f"{prefix}::{tail}"))

    # Secrets

    def aws_key(self) -> str:
        return self.rng.choice(("AKIA", "AKIA", "ASIA")) + self.chars(16, string.ascii_uppercase + "234567")

    def api_key(self) -> str:
        alnum = string.ascii_letters + string.digits
        return self.rng.choice(
            (
                f"sk-{self.chars(48, alnum)}",
                f"sk-proj-{self.chars(56, alnum + '_-')}",
                f"sk-ant-api03-{self.chars(86, alnum + '_-')}",
                f"sk_live_{self.chars(24, alnum)}",
                f"xoxb-{self.digits(12)}-{self.digits(13)}-{self.chars(24, alnum)}",
            )
        )

    def github_token(self) -> str:
        alnum = string.ascii_letters + string.digits
        return self.rng.choice(
            (
                f"ghp_{self.chars(36, alnum)}",
                f"gho_{self.chars(36, alnum)}",
                f"github_pat_{self.chars(22, alnum)}_{self.chars(59, alnum)}",
            )
        )

    def jwt(self) -> str:
        def part(data: dict[str, object]) -> str:
            return (
                base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode())
                .decode()
                .rstrip("=")
            )

        header = part({"alg": self.rng.choice(("HS256", "RS256")), "typ": "JWT"})
        payload = part(
            {"sub": self.digits(8), "iat": 1714557733 + self.rng.randint(0, 10**6), "scope": "orders"}
        )
        return f"{header}.{payload}.{self.chars(43, string.ascii_letters + string.digits + '-_')}"

    def bearer(self) -> str:
        return self.chars(self.rng.randint(32, 48), string.ascii_letters + string.digits + "-._")

    def password(self) -> str:
        word = self.rng.choice(("hunter", "Summer", "Tr0ub4dor", "letmein", "P@ssw0rd", "dragon", "Winter"))
        return word + self.digits(self.rng.randint(2, 4)) + self.rng.choice(("!", "#", "$", "%", "*", ""))

    def passphrase(self) -> str:
        return " ".join(
            self.rng.sample(("correct", "horse", "battery", "staple", "blue", "river", "lamp"), 4)
        )

    def secret_hex(self) -> str:
        return self.chars(self.rng.choice((32, 40)), "0123456789abcdef")

    def secret_b64(self) -> str:
        return self.chars(40, string.ascii_letters + string.digits + "+/")

    # Hard negatives: operational identifiers that must survive redaction untouched

    def order_id(self) -> str:
        return self.rng.choice(
            (
                f"ORD-{self.rng.randint(2019, 2025)}-{self.digits(5)}",
                f"#{self.digits(6, '123456789')}",
                f"A-{self.digits(5)}",
                f"SO{self.digits(8)}",
            )
        )

    def order_number(self) -> str:
        return self.digits(self.rng.randint(4, 6), "123456789")

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def version(self) -> str:
        major, minor, patch = self.rng.randint(0, 12), self.rng.randint(0, 40), self.rng.randint(0, 30)
        return self.rng.choice(
            (f"{major}.{minor}.{patch}", f"v{major}.{minor}.{patch}", f"{major}.{minor}.{patch}-rc.2")
        )

    def price(self) -> str:
        dollars, cents = self.rng.randint(1, 2500), self.rng.randint(0, 99)
        return self.rng.choice(
            (
                f"${dollars}.{cents:02d}",
                f"€{dollars},{cents:02d}",
                f"USD {dollars}.{cents:02d}",
                f"${dollars // 1000},{dollars % 1000:03d}.{cents:02d}"
                if dollars >= 1000
                else f"${dollars}.99",
            )
        )

    def timestamp(self) -> str:
        day, hour, minute, second = (
            self.rng.randint(1, 28),
            self.rng.randint(0, 23),
            self.rng.randint(0, 59),
            self.rng.randint(0, 59),
        )
        month = self.rng.randint(1, 12)
        return self.rng.choice(
            (
                f"2024-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}.{self.digits(3)}Z",
                f"2024-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}",
                f"2024-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}+02:00",
            )
        )

    def epoch_ms(self) -> str:
        return str(1714557733123 + self.rng.randint(0, 10**10))

    def epoch_s(self) -> str:
        return str(1714557733 + self.rng.randint(0, 10**7))

    def duration(self) -> str:
        return self.rng.choice(
            (
                f"{self.rng.randint(5, 30000)}ms",
                f"{self.rng.randint(5, 30000)} ms",
                f"{self.rng.randint(1, 59)}.{self.digits(2)}s",
            )
        )

    def trace_id(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    def span_id(self) -> str:
        return str(self.rng.randint(10**18, 2**64 - 1))

    def product(self) -> str:
        return self.rng.choice(PRODUCTS)


# ------------------------------------------------------------------------------------------- templates
# `{slot}` fills from the generator of that name. Positive slots are labeled with their entity type; negative
# slots are recorded as hard negatives. `{url_credentials}` writes a whole URL and labels its user:password.

POSITIVE_SLOTS: dict[str, tuple[str, str]] = {
    "email": ("EMAIL", "email"),
    "phone_us": ("PHONE", "phone_us"),
    "phone_bare": ("PHONE", "phone_bare"),
    "phone_intl": ("PHONE", "phone_intl"),
    "card": ("CREDIT_CARD", "card"),
    "iban": ("IBAN", "iban"),
    "ssn": ("US_SSN", "ssn"),
    "ssn_bare": ("US_SSN", "ssn_bare"),
    "ipv4": ("IP_ADDRESS", "ipv4"),
    "ipv6": ("IP_ADDRESS", "ipv6"),
    "aws_key": ("AWS_ACCESS_KEY", "aws_key"),
    "api_key": ("API_KEY", "api_key"),
    "github_token": ("GITHUB_TOKEN", "github_token"),
    "jwt": ("JWT", "jwt"),
    "bearer": ("BEARER_TOKEN", "bearer"),
    "password": ("PASSWORD", "password"),
    "passphrase": ("PASSWORD", "passphrase"),
    "secret_hex": ("SECRET", "secret_hex"),
    "secret_b64": ("SECRET", "secret_b64"),
    "first": (PERSON, "first"),
    "last": (PERSON, "last"),
    "full": (PERSON, "full"),
}
NEGATIVE_SLOTS = frozenset(
    {
        "order_id",
        "order_number",
        "uuid",
        "version",
        "price",
        "timestamp",
        "epoch_ms",
        "epoch_s",
        "duration",
        "bad_card",
        "trace_id",
        "span_id",
        "bad_iban",
        "bad_ssn",
        "product",
    }
)

USER_MESSAGES = (
    "Hi, my name is {full} and I was charged twice for order {order_number}. My card is {card}.",
    "Please update my email to {email} and my phone to {phone_us}.",
    "You can call me at {phone_bare} after 5pm, or text me at {phone_intl}.",
    "I'm {first}, the account owner. My SSN is {ssn} if you need to verify.",
    "wire the refund to IBAN {iban} please, the amount was {price}",
    "My name is {first} {last}, email {email}, and my order {order_id} never arrived.",
    "Hello, this is {full} from the finance team. Our IBAN changed to {iban}.",
    "Can you check why order {order_id} shows {price}? My contact is {email}.",
    "ssn: {ssn_bare} and dob 1985-04-12, please confirm my identity",
    "Customer {full} says the {product} checkout failed with card {card}.",
    "I reset my password to {password} but the login at {timestamp} still failed.",
    "Dear support, I'm on {product} and my invoice shows {price} instead of {price}. Thanks, {first}",
    "my phone number is {phone_intl}, the old one {phone_us} no longer works",
    "Hi Team, the {product} dashboard shows card number {bad_card} which is not mine.",
)
MODEL_OUTPUTS = (
    (
        "Dear {first},\n\nYour refund of {price} for order {order_id} has been issued to the card ending in "
        "{order_number}."
    ),
    "I found the customer record: Name: {full}, Email: {email}, Phone: {phone_us}.",
    "Thanks for reaching out. Please contact {full} at {email} to finish the transfer.",
    "Hi {first}, I've updated the shipping address. Your tracking id is {uuid}.",
    "The payment from account {iban} was declined at {timestamp}; request {trace_id} took {duration}.",
    "Best regards,\n{full}\n{product} Support",
    "Sincerely,\n{full}",
    "Hello {first}! Your {product} plan renews on 2024-06-01 for {price}.",
    "Dear Valued Customer,\nYour order {order_id} shipped. Thanks,\nThe {product} Team",
    "Dear Mr. {last}, your claim {order_id} was approved.",
    "I can't share the SSN {ssn} over chat. Please call {phone_intl} instead.",
    "Hi there! Version {version} of {product} fixed the bug you reported at {timestamp}.",
    "The reference {bad_card} does not match any card on file; the IBAN {bad_iban} failed validation.",
    "Signed, {full}",
    "Cheers,\n{first}",
)
ERROR_MESSAGES = (
    "psycopg2.OperationalError: could not connect to {url_credentials}: timeout after {duration}",
    "AuthenticationError: invalid api key {api_key} (request {uuid})",
    "401 Unauthorized: token {jwt} expired at {epoch_s}",
    (
        "botocore.exceptions.ClientError: InvalidAccessKeyId: the key {aws_key} does not exist "
        "(trace {trace_id})"
    ),
    "git push failed for https://{github_token}@github.com/acme/orders.git (exit 128)",
    "ConnectionRefusedError: [Errno 111] {ipv4}:5432 refused connection after {duration}",
    "upstream {ipv6} port 443 reset the stream; span {span_id}",
    "ValidationError: card {card} rejected by issuer; order {order_id}, amount {price}",
    "ValueError: SSN {bad_ssn} is not a valid number (span {span_id})",
    "PaymentError: IBAN {iban} is blocked; ref {uuid}",
    "ValueError: invalid IBAN {bad_iban} (checksum mismatch) for order {order_number}",
    "TimeoutError: {product} API v{version} did not answer within {duration} (trace_id={trace_id})",
    "RuntimeError: password={password} rejected by LDAP for {email}",
    "KeyError: 'client_secret' missing; got client_secret={secret_hex}",
)
STACK_TRACES = (
    (
        'Traceback (most recent call last):\n  File "/srv/app/payments/charge.py", line 142, in charge\n'
        '    response = gateway.charge(card="{card}", amount={order_number})\n'
        '  File "/srv/app/.venv/lib/python3.11/site-packages/httpx/_client.py", line 1013, in send\n'
        "    raise exc\nhttpx.ConnectError: could not reach {url_credentials}"
    ),
    (
        "java.sql.SQLException: Access denied for user 'app'@'{ipv4}' (using password: YES)\n"
        "\tat com.mysql.cj.jdbc.exceptions.SQLError.createSQLException(SQLError.java:129)\n"
        "\tat com.acme.orders.OrderRepository.find(OrderRepository.java:88)\n"
        "\tat com.acme.orders.OrderService.load(OrderService.java:41) [trace {trace_id}]"
    ),
    (
        "Error: Request failed with status code 401\n"
        "    at createError (/app/node_modules/axios/lib/core/createError.js:16:15)\n"
        "    at settle (/app/node_modules/axios/lib/core/settle.js:17:12)\n"
        "  config: {{ headers: {{ Authorization: 'Bearer {bearer}' }} }}"
    ),
    (
        'Traceback (most recent call last):\n  File "/srv/app/agents/support.py", line 77, in run\n'
        '    client = OpenAI(api_key="{api_key}")\n'
        "openai.AuthenticationError: Error code: 401 (request {uuid})"
    ),
    (
        'Traceback (most recent call last):\n  File "/srv/app/crm/sync.py", line 203, in push\n'
        '    crm.update(contact={{"email": "{email}", "phone": "{phone_intl}"}})\n'
        "requests.exceptions.HTTPError: 409 Conflict for order {order_id} at {timestamp}"
    ),
    (
        "panic: runtime error: invalid memory address\n\ngoroutine 17 [running]:\n"
        "main.(*Server).handle(0xc0001a2000, {{0x{order_number}, 0x2}})\n\t/app/server.go:88 +0x1f4\n"
        "remote_addr={ipv4} user_agent=curl/{version} duration={duration}"
    ),
)
LOG_LINES = (
    (
        "{timestamp} INFO checkout order={order_id} amount={price} latency={duration} trace={trace_id} "
        "span={span_id}"
    ),
    "{timestamp} WARN auth login failed user={email} ip={ipv4} attempts=3",
    "{timestamp} DEBUG request headers: Authorization: Bearer {bearer}; x-request-id={uuid}",
    "{timestamp} ERROR export DB_PASSWORD={password} AWS_ACCESS_KEY_ID={aws_key} failed",
    "{timestamp} INFO model=gpt-4o prompt_tokens=812 completion_tokens=164 max_tokens=1024 took {duration}",
    "{epoch_ms} ERROR webhook retry to {url_credentials} (attempt 2, build {version})",
    "{timestamp} INFO tokens used: 1532 token_count=3 session=sess_{order_number} version={version}",
    "{timestamp} WARN client {ipv6} exceeded rate limit; span_id={span_id} trace_id={trace_id}",
    "{timestamp} ERROR GITHUB_TOKEN={github_token} rejected by api.github.com",
    "{timestamp} INFO aws_secret_access_key={secret_b64} loaded from env (order {order_number})",
)
METADATA = (
    (
        '{{"user_email": "{email}", "client_ip": "{ipv4}", "order_id": "{order_id}", '
        '"latency_ms": {order_number}}}'
    ),
    '{{"customer_name": "{full}", "plan": "{product}", "renewal": "{timestamp}"}}',
    '{{"password": "{passphrase}", "db_host": "db.internal", "request_id": "{uuid}"}}',
    '{{"headers": {{"x-api-key": "{secret_hex}", "user-agent": "evalforge/{version}"}}, "status": 403}}',
    '{{"payment": {{"iban": "{iban}", "amount": "{price}"}}, "trace_id": "{trace_id}"}}',
    '{{"ssn": "{ssn}", "reference": "{bad_card}", "span_id": "{span_id}"}}',
    '{{"access_token": "{jwt}", "expires_at": {epoch_s}}}',
    '{{"phone": "{phone_intl}", "created_at": "{timestamp}", "ticket": "{order_id}"}}',
    '{{"invalid_ssn": "{bad_ssn}", "invalid_iban": "{bad_iban}", "build": "{version}"}}',
)
EMAILS = (
    "From: {full} <{email}>\nSubject: Refund for order {order_id}\n\nHi, please refund {price} to {iban}.",
    (
        "To: {full} <{email}>\nSubject: Your {product} receipt\n\n"
        "Dear {first},\nWe charged {price} on {timestamp}."
    ),
    "Hi Team,\nThe customer at {email} asked about order {order_id}.\nRegards,\nThe {product} Team",
    "Hello,\n\nCardholder: {full}\nCard: {card}\nExpiry: 09/27\n\nKind regards,\n{full}",
    "Please contact {product} Support at the help center for order {order_id}.\nThanks,\n{first}",
)
# Formats and contexts beyond the common ones: other spellings of the same data, and look-alikes.
VARIANTS = (
    "Ship to: {full}, 12 Main St. Contact: tel:+1{phone_bare}, mailto:{email}",
    "SSN#{ssn} on file; alternate card {card} expires 04/29",
    "curl -H 'Authorization: Token {secret_hex}' https://api.example.com/v1/orders/{order_number}",
    "GET /callback?code=ok&access_token={secret_hex}&state={uuid} 302 {duration}",
    "Cookie: session={secret_hex}; theme=dark; build={version}",
    "-----BEGIN RSA PRIVATE KEY-----\n{secret_b64}\n{secret_b64}\n-----END RSA PRIVATE KEY-----",
    (
        '{{"card": "{card}", "cvv_checked": true, "isbn": "978-3-16-148410-0", '
        '"pod": "checkout-7d9f8b6c5-x2x8q"}}'
    ),
    "reach out to {full} on {phone_us} or {phone_intl}; tracking 1Z999AA10123456784",
    "Password must be at least 12 characters; your password is too short (build 10.0.19045.3803)",
    "Hi {first},\nI'm {full}'s assistant. My password is {password} and the IBAN is {iban}.",
    "{timestamp} INFO token_type=bearer expires_in=3600 scope=orders span={span_id}",
    "Date: Mon, 01 May 2024 10:22:13 GMT; ETag: {trace_id}; Content-Length: {order_number}",
    "Talked to {full} at {timestamp}; she gave {email} and asked for a callback on {phone_us}.",
    "user {email} logged in from {ipv4} and {ipv6} using key {aws_key}",
    'The new password: "{passphrase}"',
    "api_key='{secret_hex}' api_version={version} base_url=https://api.example.com",
    "Customer wrote: 'pls send the invoice to {email}, ta' (ticket {order_id})",
    "Reach me on {phone_us} (mobile) or the office {phone_intl}",
    "The caller gave card {card}, exp 11/26, CVV withheld; order {order_number}",
    "Beneficiary: {full}\nIBAN: {iban}\nReference: {order_id}",
    "social security number {ssn} was entered in the free-text field",
    "X-Forwarded-For: {ipv4}, {ipv4}; upstream_addr={ipv6}",
    (
        "export OPENAI_API_KEY={api_key}\nexport AWS_ACCESS_KEY_ID={aws_key}\n"
        "export AWS_SECRET_ACCESS_KEY={secret_b64}"
    ),
    "headers={{'authorization': 'Bearer {jwt}', 'x-trace': '{trace_id}'}}",
    "GH_TOKEN={github_token} gh pr create --title 'fix {version}'",
    "mongodb: {url_credentials} (pool exhausted after {duration})",
    "Kind regards,\n\n{full}\nHead of Operations",
    "Good morning {first}, your appointment is confirmed for {timestamp}.",
    "As discussed with {full} yesterday, the refund of {price} is approved.",
    "passwd: {password}",
    "Respectfully, {full}",
    '{{"contact": {{"full_name": "{full}", "email": "{email}", "phone": "{phone_us}"}}}}',
    "Hey {first} - the build {version} is out; trace {trace_id}",
    "Account holder {full} asked to close IBAN {iban}",
    "db password = '{password}' (rotated {timestamp})",
    "client_secret: {secret_hex}\nclient_id: app-{order_number}",
)
TEMPLATES: tuple[str, ...] = (
    USER_MESSAGES + MODEL_OUTPUTS + ERROR_MESSAGES + STACK_TRACES + LOG_LINES + METADATA + EMAILS + VARIANTS
)
_URL_SCHEMES = (
    ("postgres", "db.internal:5432/orders"),
    ("postgresql", "pg-primary.prod.svc:5432/app"),
    ("mysql", "mysql.internal:3306/shop"),
    ("mongodb+srv", "cluster0.example.mongodb.net/orders"),
    ("redis", "cache.internal:6379/0"),
    ("amqp", "rabbit.internal:5672/"),
    ("https", "git.example.com/acme/repo.git"),
)


def _url_credentials(values: _Values) -> tuple[str, str]:
    scheme, rest = values.rng.choice(_URL_SCHEMES)
    user = (
        ""
        if scheme == "redis" and values.rng.random() < 0.5
        else values.rng.choice(("app_user", "admin", "svc-deploy", "root", "orders_rw"))
    )
    password = values.chars(values.rng.randint(8, 20), string.ascii_letters + string.digits + "!$%*_-")
    credentials = f"{user}:{password}"
    return f"{scheme}://{credentials}@{rest}", credentials


def _render(template: str, values: _Values) -> LabeledText:
    text: list[str] = []
    entities: list[tuple[str, str]] = []
    negatives: list[str] = []
    for literal, slot, _, _ in string.Formatter().parse(template):
        text.append(literal)
        if slot is None:
            continue
        if slot == "url_credentials":
            url, credentials = _url_credentials(values)
            text.append(url)
            entities.append(("URL_CREDENTIALS", credentials))
        elif slot in POSITIVE_SLOTS:
            entity, generator = POSITIVE_SLOTS[slot]
            value = getattr(values, generator)()
            text.append(value)
            entities.append((entity, value))
        elif slot in NEGATIVE_SLOTS:
            value = getattr(values, slot)()
            text.append(value)
            negatives.append(value)
        else:
            raise ValueError(f"template slot {{{slot}}} has no generator; add it to the slot tables")
    return LabeledText("".join(text), entities, negatives)


def labeled_pii_corpus(seed: int = 0, size: int = 2000) -> list[LabeledText]:
    """`size` labeled texts, the same for the same seed: each joins one to three rendered templates."""
    rng = random.Random(seed)
    values = _Values(rng)
    corpus = []
    for _ in range(size):
        parts = [_render(rng.choice(TEMPLATES), values) for _ in range(rng.choice((1, 1, 2, 3)))]
        separator = rng.choice(("\n", " ", "\n\n"))
        corpus.append(
            LabeledText(
                separator.join(part.text for part in parts),
                [entity for part in parts for entity in part.entities],
                [negative for part in parts for negative in part.negatives],
            )
        )
    return corpus


# ---------------------------------------------------------------------------------------------- scoring

Finder = Callable[[str], Sequence[PiiMatch]]


def occurrences(text: str, value: str) -> list[tuple[int, int]]:
    """Every span where `value` stands in `text`, overlapping ones included."""
    spans, start = [], text.find(value)
    while start != -1:
        spans.append((start, start + len(value)))
        start = text.find(value, start + 1)
    return spans


def _redacted(text: str, matches: Sequence[PiiMatch]) -> str:
    parts, position = [], 0
    for match in sorted(matches, key=lambda m: m.start):
        if match.start < position:
            continue
        parts += [text[position : match.start], placeholder(match.entity)]
        position = match.end
    return "".join(parts) + text[position:]


def score(
    corpus: Iterable[LabeledText], find: Finder = find_pii, entities: Iterable[str] | None = None
) -> dict[str, EntityScore]:
    """Per-entity counts of `find` over the corpus, plus an "ALL" total.

    `entities` limits scoring to those types (planted values and findings of other types are ignored), which
    is how detectors that know fewer types are compared fairly.
    """
    wanted = None if entities is None else frozenset(entities)
    scores: dict[str, EntityScore] = {}

    def entry(entity: str) -> EntityScore:
        return scores.setdefault(entity, EntityScore(entity))

    for sample in corpus:
        matches = [m for m in find(sample.text) if wanted is None or m.entity in wanted]
        planted = [(e, v) for e, v in sample.entities if wanted is None or e in wanted]
        planted_spans = [(e, span) for e, v in planted for span in occurrences(sample.text, v)]
        for entity, value in planted:
            spans = occurrences(sample.text, value)
            covered = any(
                m.entity == entity and m.start <= s and m.end >= e for m in matches for s, e in spans
            )
            if covered:
                entry(entity).tp += 1
            else:
                entry(entity).fn += 1
        for match in matches:
            if not any(
                e == match.entity and match.start < end and start < match.end
                for e, (start, end) in planted_spans
            ):
                entry(match.entity).fp += 1
        redacted = _redacted(sample.text, matches)
        for entity, value in planted:
            if entity != PERSON and value in redacted:
                entry(entity).leaks += 1
        for negative in sample.negatives:
            if redacted.count(negative) < sample.text.count(negative):
                spans = occurrences(sample.text, negative)
                culprit = next(
                    (m.entity for m in matches for s, e in spans if m.start < e and s < m.end), "UNKNOWN"
                )
                entry(culprit).damaged_negatives += 1
    total = EntityScore("ALL")
    for item in scores.values():
        total.tp += item.tp
        total.fp += item.fp
        total.fn += item.fn
        total.leaks += item.leaks
        total.damaged_negatives += item.damaged_negatives
    return {**dict(sorted(scores.items())), "ALL": total}
