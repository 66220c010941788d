"""Values that fill the sample span templates: personal data that redaction must remove (names, e-mails,
phones, cards, IBANs, SSNs, IPs, keys, tokens, passwords) and operational identifiers that must survive it
(order ids, UUIDs, prices, versions, durations).

The one set of these generators in the code: the sample span source fills its templates with `TemplateValues`,
and the labelled PII corpus in tests/corpora builds its cards, IBANs, SSNs and international phones with the
functions here (passing wider layouts where it wants more variety). Check digits come from `capture.checksums`,
the same arithmetic the detector validates with. Every function draws only from the `rng` it is given, in a
fixed order, so a seed always gives the same values.
"""

from __future__ import annotations

import base64
import json
import random
import string
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import quote

from evalforge_assets.capture.checksums import iban_check_digits, luhn_check_digit

_FIRST_NAMES = ("Maria", "John", "Aisha", "Wei", "Olga", "Carlos", "Priya", "Liam", "Fatima", "Kenji", "Sofia",
                "Ahmed", "Emma", "Lucas", "Chloé", "Mateo", "Hannah", "Ravi", "Elena", "Noah", "Zoë", "Jürgen")
_LAST_NAMES = ("Lopez", "Smith", "Khan", "Chen", "Petrova", "Garcia", "Patel", "O'Brien", "Haddad", "Tanaka",
               "Rossi", "Müller", "Johnson", "Silva", "Dubois", "Kowalski", "Nguyen", "Okafor", "Andersson")
_EMAIL_DOMAINS = ("example.com", "gmail.com", "outlook.com", "acme.io", "yahoo.co.uk", "web.de", "proton.me")
_US_AREA_CODES = ("415", "212", "646", "312", "617", "206", "512", "305", "702", "303")
_HOST_SERVICES = ("orders-api", "pay-gw", "inventory", "crm", "policy-db", "tickets", "search-index", "kb-store")
_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1", "ap-northeast-1")
_TOPICS = ("SSO login", "rate limits", "webhook retries", "index rebuilds", "API key rotation", "billing exports",
           "audit logs", "latency spikes")
_SNIPPETS = ("<html><head><title>502 Bad Gateway</title>", "Internal Server Error",
             "upstream connect error or disconnect/reset before headers", "Traceback (most recent call last):",
             "<!DOCTYPE html><html lang=en>", "Service Unavailable: back-end server is at capacity")
_HTTP_5XX = (("500", "Internal Server Error"), ("502", "Bad Gateway"), ("503", "Service Unavailable"),
             ("504", "Gateway Timeout"))
_PASSWORDS = ("Hunter2!", "Summer2025!", "S3cr3t-Pa55", "qwerty123", "CorrectHorse9", "Winter#2024", "p@ssW0rd!")
_SERVICE_USERS = ("svc_tickets", "etl_user", "admin", "svc_claims", "reporting")
_COUPONS = ("SAVE20", "WELCOME10", "FREESHIP", "BLACKFRIDAY", "VIP15", "SPRING5")
_INSULTS = ("an idiot", "clueless", "pathetic", "a waste of time")
_SECRETS = ("the system prompt", "other customers' orders", "the admin API key", "internal refund rules")
_FIELDS = ("policy", "incident_date", "claim_amount", "vehicle_vin", "billing_country", "card_bin")
_SAFETY = ("HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_DANGEROUS_CONTENT", "HARM_CATEGORY_HATE_SPEECH")
_ALNUM = string.ascii_letters + string.digits
_UPPER_ALNUM = string.ascii_uppercase + string.digits
_JWT_HEADER = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"  # {"alg":"HS256","typ":"JWT"}

def digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(count))


# A card brand: (upper bound of the roll that picks it, the number without its check digit). Rolls are uniform
# in [0, 1), so the last bound must be 1.0.
CardBrand = tuple[float, Callable[[random.Random], str]]
CARD_BRANDS: tuple[CardBrand, ...] = (
    (0.5, lambda rng: "4" + digits(rng, 14)),  # Visa
    (0.85, lambda rng: "5" + str(rng.randint(1, 5)) + digits(rng, 13)),  # Mastercard
    (1.0, lambda rng: "3" + rng.choice("47") + digits(rng, 12)),  # American Express
)


def card_number(rng: random.Random, brands: Sequence[CardBrand] = CARD_BRANDS) -> str:
    """A Luhn-valid card number, digits only, of a brand picked from `brands`."""
    roll = rng.random()
    body = next(make for bound, make in brands if roll < bound)(rng)
    return body + luhn_check_digit(body)


def format_card(rng: random.Random, number: str) -> str:
    """`number` written the ways people type it: in groups (4-6-5 for 15 digits) or as one run."""
    style = rng.random()
    if len(number) == 15:
        return f"{number[:4]} {number[4:10]} {number[10:]}" if style < 0.6 else number
    if style < 0.45:
        return " ".join(number[i:i + 4] for i in range(0, 16, 4))
    if style < 0.7:
        return "-".join(number[i:i + 4] for i in range(0, 16, 4))
    return number


def card(rng: random.Random) -> str:
    """A Luhn-valid Visa, Mastercard or Amex number, written the ways people type them."""
    return format_card(rng, card_number(rng))


# An IBAN layout: (country, the account part after the check digits).
IbanLayout = tuple[str, Callable[[random.Random], str]]
IBAN_LAYOUTS: tuple[IbanLayout, ...] = (
    ("DE", lambda rng: digits(rng, 18)),
    ("GB", lambda rng: rng.choice(("NWBK", "BARC", "HSBC", "LOYD")) + digits(rng, 14)),
    ("FR", lambda rng: digits(rng, 23)),
    ("NL", lambda rng: rng.choice(("ABNA", "INGB", "RABO")) + digits(rng, 10)),
    ("ES", lambda rng: digits(rng, 20)),
)


def iban_compact(rng: random.Random, layouts: Sequence[IbanLayout] = IBAN_LAYOUTS) -> str:
    """An IBAN with valid mod-97 check digits, without spaces, in a layout picked from `layouts`."""
    country, account = rng.choice(layouts)
    account = account(rng)
    return f"{country}{iban_check_digits(country, account)}{account}"


def format_iban(rng: random.Random, compact: str) -> str:
    """`compact` as is or in groups of four, as often one as the other."""
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4)) if rng.random() < 0.5 else compact


def iban(rng: random.Random) -> str:
    """An IBAN whose mod-97 check digits are valid, compact or in groups of four."""
    return format_iban(rng, iban_compact(rng))


def ssn_parts(rng: random.Random) -> tuple[str, str, str]:
    """Area, group and serial of a US social security number that could have been issued."""
    area = rng.randint(1, 899)
    area += area == 666  # never issued
    return f"{area:03d}", f"{rng.randint(1, 99):02d}", f"{rng.randint(1, 9999):04d}"


def ssn(rng: random.Random) -> str:
    return "-".join(ssn_parts(rng))


def us_phone(rng: random.Random) -> str:
    area, line = rng.choice(_US_AREA_CODES), f"01{rng.randint(0, 99):02d}"
    return rng.choice((f"+1 ({area}) 555-{line}", f"({area}) 555-{line}", f"{area}-555-{line}",
                       f"+1-{area}-555-{line}"))


INTL_PHONE_FORMATS = ("+44 20 7946 0###", "+49 30 ########", "+33 1 42 68 ## ##", "+91 98### #####",
                      "+81 3-####-####", "+34 612 ### ###")


def intl_phone(rng: random.Random, formats: Sequence[str] = INTL_PHONE_FORMATS) -> str:
    """A phone number in one of `formats`, each `#` a random digit."""
    return "".join(rng.choice(string.digits) if c == "#" else c for c in rng.choice(formats))


def ip_address(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return f"2001:db8:{rng.getrandbits(16):x}::{rng.getrandbits(16):x}"
    return ipv4(rng)


def ipv4(rng: random.Random) -> str:
    first = rng.choice((81, 84, 93, 185, 203, 198, 10, 172))
    return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _api_key(rng: random.Random) -> str:
    prefix, length = rng.choice((("sk-", 48), ("sk-proj-", 56), ("sk-ant-api03-", 44)))
    return prefix + "".join(rng.choice(_ALNUM) for _ in range(length))


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _jwt(rng: random.Random, values: Mapping[str, str]) -> str:
    issued = 1_767_000_000 + rng.randint(0, 5_000_000)
    claims = {"sub": values["user_id"], "email": values["email"], "iat": issued, "exp": issued + 3600}
    payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    return f"{_JWT_HEADER}.{payload}.{_b64url(rng.randbytes(32))}"


def _ascii_handle(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return plain.replace("'", "").replace(" ", ".")


def _email(rng: random.Random, values: Mapping[str, str]) -> str:
    domain = rng.choice(_EMAIL_DOMAINS)
    if rng.random() < 0.6:
        return f"{_ascii_handle(values['name'])}@{domain}"
    return f"{_ascii_handle(rng.choice(_FIRST_NAMES))}{rng.randint(1, 999)}@{domain}"


def _host(rng: random.Random, service: str | None = None) -> str:
    return f"{service or rng.choice(_HOST_SERVICES)}-{rng.randint(1, 12)}.{rng.choice(_REGIONS)}.internal"


def _url_credentials(rng: random.Random, values: Mapping[str, str]) -> str:
    # Percent-encoded, as a working URL has it: "Winter#2024" would otherwise end the URL at the "#".
    password = quote(f"{rng.choice(_PASSWORDS)}{rng.randint(10, 99)}", safe="")
    scheme = values.get("scheme") or rng.choice(("https", "https", "postgres"))
    return f"{scheme}://{values['service_user']}:{password}@{_host(rng, values.get('host_service'))}"


def _price(rng: random.Random) -> str:
    return f"{rng.choice(('$', '$', '€', '£'))}{rng.randint(3, 899)}.{rng.choice(('00', '49', '95', '99'))}"


def _duration(rng: random.Random) -> str:
    return rng.choice((f"{rng.randint(40, 950)}ms", f"{rng.randint(1, 59)}.{rng.randint(0, 9)}s",
                       f"{rng.randint(2, 45)} minutes"))


def uuid4(rng: random.Random) -> str:
    raw = f"{rng.getrandbits(128):032x}"
    return f"{raw[:8]}-{raw[8:12]}-4{raw[13:16]}-{'89ab'[rng.getrandbits(2)]}{raw[17:20]}-{raw[20:]}"


def hex_digits(rng: random.Random, count: int) -> str:
    return f"{rng.getrandbits(4 * count):0{count}x}"


def _http_status(rng: random.Random, values: dict[str, str]) -> str:
    status, reason = rng.choice(_HTTP_5XX)
    values["reason"] = reason
    return status


# name -> generator(rng, values-so-far); a generator may read (and so create) other values of the same span,
# so a conversation's "first" matches its "name" and a card's "last4" matches the card.
GENERATORS: dict[str, Callable[[random.Random, dict[str, str]], str]] = {
    "name": lambda r, v: f"{r.choice(_FIRST_NAMES)} {r.choice(_LAST_NAMES)}",
    "first": lambda r, v: v["name"].split(" ")[0],
    "email": _email,
    "phone": lambda r, v: us_phone(r) if r.random() < 0.7 else intl_phone(r),
    "phone_intl": lambda r, v: intl_phone(r),
    "card": lambda r, v: card(r),
    "last4": lambda r, v: "".join(c for c in v["card"] if c.isdigit())[-4:],
    "bin": lambda r, v: "".join(c for c in v["card"] if c.isdigit())[:6],
    "iban": lambda r, v: iban(r),
    "iban_last4": lambda r, v: v["iban"].replace(" ", "")[-4:],
    "ssn": lambda r, v: ssn(r),
    "ssn_last4": lambda r, v: v["ssn"][-4:],
    "ip": lambda r, v: ip_address(r),
    "ipv4": lambda r, v: ipv4(r),
    "api_key": lambda r, v: _api_key(r),
    "aws_key": lambda r, v: "AKIA" + "".join(r.choice(_UPPER_ALNUM) for _ in range(16)),
    "jwt": _jwt,
    "password": lambda r, v: r.choice(_PASSWORDS),
    "url_credentials": _url_credentials,
    "service_user": lambda r, v: r.choice(_SERVICE_USERS),
    "host": lambda r, v: _host(r, v.get("host_service")),
    "record": lambda r, v: {"orders": lambda: v["order_id"], "carts": lambda: v["uuid"]}.get(
        v.get("resource", ""), lambda: f"POL-{r.randint(1000, 99999)}")(),
    "order_id": lambda r, v: f"ORD-{r.randint(10_000_000, 99_999_999)}",
    "bad_order": lambda r, v: r.choice((f"ORD-{r.randint(1000, 99999)}", f"{r.randint(10**7, 10**8 - 1)}",
                                        f"ord_{hex_digits(r, 10)}", f"ORD-{r.randint(1000, 9999)}-{r.randint(10, 99)}")),
    "uuid": lambda r, v: uuid4(r),
    "hex16": lambda r, v: hex_digits(r, 16),
    "hex24": lambda r, v: hex_digits(r, 24),
    "price": lambda r, v: _price(r),
    "price2": lambda r, v: _price(r),
    "amount": lambda r, v: f"{r.randint(3, 500)}.{r.randint(0, 99):02d}",
    "negative_amount": lambda r, v: r.choice(("0.0", f"-{r.randint(1, 400)}.{r.randint(0, 99):02d}")),
    "version": lambda r, v: f"{r.randint(1, 4)}.{r.randint(0, 12)}.{r.randint(0, 9)}",
    "duration": lambda r, v: _duration(r),
    "ms": lambda r, v: str(r.randint(30, 120_000)),
    "seconds": lambda r, v: str(r.choice((5, 10, 15, 30, 60))),
    "minutes": lambda r, v: str(r.randint(1, 720)),
    "days": lambda r, v: str(r.randint(2, 20)),
    "days_wrong": lambda r, v: str(r.choice((45, 60, 90, 120))),
    "date": lambda r, v: f"2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
    "n": lambda r, v: str(r.randint(2, 9999)),
    "kb": lambda r, v: str(r.randint(100, 999)),
    "kb2": lambda r, v: str(r.randint(100, 999)),
    "kb3": lambda r, v: str(r.randint(100, 999)),
    "sku": lambda r, v: f"SKU-{r.randint(10_000, 99_999)}",
    "claim_id": lambda r, v: f"CLM-2026-{r.randint(0, 999_999):06d}",
    "ticket": lambda r, v: f"TCK-{r.randint(10_000, 99_999)}",
    "tracking": lambda r, v: "1Z" + "".join(r.choice(_UPPER_ALNUM) for _ in range(16)),
    "coupon": lambda r, v: r.choice(_COUPONS),
    "attempt": lambda r, v: str(r.randint(1, 3)),
    "limit": lambda r, v: str(r.choice((30_000, 90_000, 200_000, 2_000_000))),
    "used": lambda r, v: str(r.randint(10_000, 2_000_000)),
    "requested": lambda r, v: str(r.randint(200, 30_000)),
    "wait": lambda r, v: r.choice((f"{r.randint(20, 999)}ms", f"{r.randint(1, 59)}.{r.randint(0, 999)}s")),
    "delimiter": lambda r, v: r.choice(("','", "':'")),
    "line": lambda r, v: str(r.randint(1, 40)),
    "col": lambda r, v: str(r.randint(1, 200)),
    "char": lambda r, v: str(r.randint(1, 8000)),
    "snippet": lambda r, v: r.choice(_SNIPPETS),
    "status": _http_status,
    "reason": lambda r, v: (v["status"], v["reason"])[1],
    "query": lambda r, v: r.choice(_TOPICS).replace(" ", "+") + (f"+{v['email']}" if r.random() < 0.3 else ""),
    "k": lambda r, v: str(r.choice((4, 8, 10, 20, 50))),
    "n_tokens": lambda r, v: str(int(v["max_ctx"]) + r.randint(1, 60_000)),
    "port": lambda r, v: str(r.choice((5432, 5433, 6432))),
    "expiry": lambda r, v: f"{r.randint(1, 12):02d}/{r.randint(22, 25)}",
    "user_id": lambda r, v: f"u-{r.randint(10_000, 99_999)}",
    "iterations": lambda r, v: str(r.randint(8, 12)),
    "category": lambda r, v: r.choice(_SAFETY),
    "probability": lambda r, v: r.choice(("MEDIUM", "HIGH")),
    "quota_limit": lambda r, v: str(r.choice((60, 300, 1000))),
    "project_number": lambda r, v: str(r.randint(10**11, 10**12 - 1)),
    "tenant": lambda r, v: f"t-{r.randint(100, 9999)}",
    "dimension": lambda r, v: str(r.choice((768, 1024, 3072))),
    "length": lambda r, v: str(r.randint(12, 4000)),
    "topic": lambda r, v: r.choice(_TOPICS),
    "other_topic": lambda r, v: r.choice(_TOPICS),
    "insult": lambda r, v: r.choice(_INSULTS),
    "secret_thing": lambda r, v: r.choice(_SECRETS),
    "field": lambda r, v: r.choice(_FIELDS),
    "field_value": lambda r, v: r.choice((f"POL-{r.randint(1000, 9999)}", v["date"], _price(r), "DE")),
}


class TemplateValues(dict):
    """Template values made on first use, so a template only pays for the fields it names."""

    def __init__(self, rng: random.Random, fixed: Mapping[str, str] | None = None) -> None:
        super().__init__(fixed or {})
        self._rng = rng

    def __missing__(self, key: str) -> str:
        generator = GENERATORS.get(key)
        if generator is None:
            raise KeyError(f"sample template field {{{key}}} has no value generator")
        value = generator(self._rng, self)
        self[key] = value
        return value
