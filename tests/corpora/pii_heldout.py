"""A held-out PII corpus for the structured types that still leaked (phones, passwords, API keys, tokens) and for
names, built differently from `pii_foreign` so that rules tuned on that corpus are measured on data they were
not tuned on.

* Phones: `phonenumbers`' own example numbers (fixed-line and mobile) for every region it supports, written in
  national, international, E.164 and RFC 3966 forms, with the separators varied (spaces, dashes, dots, none)
  and a cue word in one of several languages around them, as contact fields, SMS logs, CRM JSON and chat.
* Passwords and API keys: in config lines, URLs (`user:pass@host`, `?api_key=`), JSON, YAML, env exports,
  CLI flags and log lines, under key names in several languages and letter cases; key values in the provider
  formats `detect-secrets`' plugins know (AWS, Azure storage, Discord, GitHub, GitLab, IBM, Mailchimp, npm,
  OpenAI, PyPI, SendGrid, Slack, Square, Stripe, Telegram, Twilio, JWT, Artifactory) and random high-entropy
  strings.
* Names: Faker locales `pii_foreign` does not use (see `NAME_LOCALES` there).
* Hard negatives of the same shapes beside them: order ids, version strings, hashes, timestamps, durations,
  UUIDs, prices, ports and counters, also under config keys.

Labels come from the generator; this module imports nothing from `evalforge_assets`. The generated file
`pii_heldout.jsonl` is committed and its sha256 pinned by a test; regenerate only on purpose
(`python -m tests.corpora.pii_heldout --write`) and say why in the commit. It is scored by the same scorer as
the foreign corpus (`pii_foreign.score`), via `benchmarks/pii_compare.py --corpus heldout`.
"""

from __future__ import annotations

import base64
import json
import random
import string
import sys
from pathlib import Path
from urllib.parse import quote

from tests.corpora.pii_foreign import Sample, corpus_cli, file_sha256, read_samples

CORPUS_PATH = Path(__file__).with_name("pii_heldout.jsonl")
SEED = 20260315

# None of these is in pii_foreign.NAME_LOCALES.
NAME_LOCALES = ("pl_PL", "sv_SE", "fi_FI", "cs_CZ", "hu_HU", "da_DK", "no_NO", "ro_RO", "en_IN", "en_AU",
                "pt_PT", "es_MX", "hr_HR", "sk_SK", "id_ID", "en_IE")

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"

# ----------------------------------------------------------------------------------------------- phones

_PHONE_CUES = ("phone", "Phone", "tel", "Tel.", "mobile", "cell", "Telefon", "Handy", "téléphone", "portable",
               "teléfono", "celular", "telefone", "telefono", "telefoon", "puhelin", "telefon", "tlf", "WhatsApp",
               "SMS", "fax", "contact number", "numer telefonu", "mobil")
_PHONE_TEMPLATES = (
    "{cue}: {value}",
    "{cue} {value}",
    "customer {cue} = {value}; order {neg}",
    '{{"{cue}": "{value}", "order_id": "{neg}"}}',
    "sms sent to {value} ({cue}) at {neg}",
    "please call me, my {cue} is {value}",
    "INFO notify channel=sms {cue}={value} took {neg}",
    "<td>{cue}</td><td>{value}</td>",
    "{cue} ({value}) updated by agent",
    "contact: {value} [{cue}]",
    "[crm] lead {neg} {cue} {value}",
)


def _separated(national: str, rng: random.Random) -> str:
    """The same digits with the separators a person or another system might have used instead."""
    style = rng.random()
    if style < 0.35:
        return national
    separator = rng.choice(("-", ".", "", " "))
    return national.replace(" ", separator)


def phone_values(rng: random.Random) -> list[tuple[str, str]]:
    """(form, number) for every region's example numbers: each form of the fixed-line example, one form of
    the mobile example."""
    import phonenumbers
    from phonenumbers import PhoneNumberFormat, PhoneNumberType

    forms = {
        "national": PhoneNumberFormat.NATIONAL,
        "international": PhoneNumberFormat.INTERNATIONAL,
        "e164": PhoneNumberFormat.E164,
        "rfc3966": PhoneNumberFormat.RFC3966,
    }
    out: list[tuple[str, str]] = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        fixed = phonenumbers.example_number(region)
        mobile = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
        for name, fmt in forms.items():
            if fixed is not None:
                text = phonenumbers.format_number(fixed, fmt)
                if name in ("national", "international"):
                    text = _separated(text, rng)
                out.append((name, text))
        if mobile is not None:
            name = rng.choice(sorted(forms))
            text = phonenumbers.format_number(mobile, forms[name])
            out.append((name, _separated(text, rng) if name in ("national", "international") else text))
    return out


# --------------------------------------------------------------------------------------------- secrets

_PASSWORD_KEYS = ("password", "Password", "PASSWORD", "passwd", "pwd", "db_password", "DB_PASS", "userPassword",
                  "smtp.password", "passwort", "Kennwort", "mot_de_passe", "motdepasse", "contraseña", "contrasena",
                  "senha", "wachtwoord", "parola", "lösenord", "losenord", "hasło", "haslo", "salasana", "heslo",
                  "jelszó", "пароль", "sifre", "kata_sandi", "adgangskode", "passord", "MYSQL_ROOT_PASSWORD",
                  "admin-pass", "Pass", "PGPASSWORD", "redis_pwd")
_API_KEY_KEYS = ("api_key", "apiKey", "API_KEY", "x-api-key", "X-API-Key", "access_token", "auth_token",
                 "secret_key", "client_secret", "SECRET", "token", "Token", "apikey", "private_token",
                 "clave_api", "chave_api", "cle_api", "api_schluessel", "API_SCHLÜSSEL", "klucz_api",
                 "OPENAI_API_KEY", "STRIPE_SECRET_KEY", "slack_token", "bearer", "accessKey", "sessionToken",
                 "app_secret", "webhook_secret", "access-key", "ApiKey")


def _chars(rng: random.Random, alphabet: str, count: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(count))


def password_value(rng: random.Random, faker: object) -> str:
    roll = rng.random()
    if roll < 0.35:
        return faker.password(length=rng.randint(8, 24), special_chars=rng.random() < 0.7)  # type: ignore[attr-defined]
    if roll < 0.55:
        words = [rng.choice(("correct", "horse", "Battery", "staple", "Kaffee", "sol", "Luna", "tiger", "rojo",
                             "zamek", "kissa", "blue", "Orange")) for _ in range(rng.randint(2, 4))]
        return rng.choice(("-", "_", ".", "")).join(words) + str(rng.randint(0, 99))
    if roll < 0.75:
        word = rng.choice(("Spring", "Autumn", "Admin", "Passw0rd", "Qwertz", "Haslo", "Salasana", "Soleil",
                           "Verano", "Changeme", "Company"))
        return f"{word}{rng.choice(('', '@', '#', '!', '_'))}{rng.randint(1, 2031)}{rng.choice(('', '!', '$', '?'))}"
    if roll < 0.9:
        return _chars(rng, ALNUM + "!@#$%^*()-_+", rng.randint(12, 32))
    return _chars(rng, ALNUM, rng.randint(8, 14))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def provider_key(rng: random.Random) -> tuple[str, str]:
    """(corpus type, value) in one of the formats detect-secrets' plugins describe, or high-entropy random."""
    upper_digits = string.ascii_uppercase + string.digits
    kind = rng.randrange(22)
    if kind == 0:
        return "API_KEY", "AKIA" + _chars(rng, upper_digits, 16)
    if kind == 1:
        return "API_KEY", _chars(rng, ALNUM + "+/", 86) + "=="  # Azure storage account key
    if kind == 2:
        return "TOKEN", rng.choice("MNO") + _chars(rng, ALNUM, 23) + "." + _chars(rng, ALNUM + "_-", 6) + "." + _chars(rng, ALNUM + "_-", 27)
    if kind == 3:
        return "TOKEN", rng.choice(("ghp_", "gho_", "ghu_", "ghs_", "ghr_")) + _chars(rng, ALNUM, 36)
    if kind == 4:
        return "TOKEN", "glpat-" + _chars(rng, ALNUM + "_-", 20)
    if kind == 5:
        return "API_KEY", _chars(rng, HEX, 32) + "-us" + str(rng.randint(1, 20))  # Mailchimp
    if kind == 6:
        return "TOKEN", "npm_" + _chars(rng, ALNUM, 36)
    if kind == 7:
        return "API_KEY", "sk-" + rng.choice(("", "proj-", "svcacct-")) + _chars(rng, ALNUM, 20) + "T3BlbkFJ" + _chars(rng, ALNUM, 20)
    if kind == 8:
        return "TOKEN", "pypi-AgEIcHlwaS5vcmc" + _chars(rng, ALNUM + "_-", 60)
    if kind == 9:
        return "API_KEY", "SG." + _chars(rng, ALNUM + "_-", 22) + "." + _chars(rng, ALNUM + "_-", 43)
    if kind == 10:
        return "TOKEN", rng.choice(("xoxb-", "xoxp-", "xoxa-", "xoxs-")) + "-".join(_chars(rng, string.digits, 12) for _ in range(2)) + "-" + _chars(rng, ALNUM, 24)
    if kind == 11:
        return "API_KEY", rng.choice(("sq0atp-", "sq0csp-")) + _chars(rng, ALNUM + "_-", 22 if rng.random() < 0.5 else 43)
    if kind == 12:
        return "API_KEY", rng.choice(("sk_live_", "rk_live_", "sk_test_", "pk_live_")) + _chars(rng, ALNUM, rng.randint(24, 99))
    if kind == 13:
        return "TOKEN", f"{rng.randint(10**8, 10**10)}:AA" + _chars(rng, ALNUM + "_-", 33)  # Telegram bot
    if kind == 14:
        return "API_KEY", rng.choice(("SK", "AC")) + _chars(rng, HEX, 32)  # Twilio
    if kind == 15:
        header = _b64url(json.dumps({"alg": rng.choice(("RS256", "HS512", "ES256")), "kid": _chars(rng, HEX, 8)}).encode())
        body = _b64url(json.dumps({"sub": _chars(rng, ALNUM, 12), "exp": rng.randint(1_700_000_000, 1_900_000_000)}).encode())
        return "TOKEN", f"{header}.{body}.{_chars(rng, ALNUM + '_-', rng.randint(43, 86))}"
    if kind == 16:
        return "API_KEY", "AKC" + _chars(rng, ALNUM, 70)  # Artifactory
    if kind == 17:
        return "API_KEY", _chars(rng, ALNUM + "_-", 44)  # IBM Cloud IAM-like
    if kind == 18:
        return "API_KEY", _chars(rng, HEX, rng.choice((32, 40, 48)))
    if kind == 19:
        return "API_KEY", "AIza" + _chars(rng, ALNUM + "_-", 35)
    if kind == 20:
        return "API_KEY", "hf_" + _chars(rng, string.ascii_letters, 34)
    return "API_KEY", _chars(rng, ALNUM, rng.randint(20, 64))


# {key} is the key name, {value} the secret, {neg} a hard negative; {url_value} is the value URL-quoted.
_SECRET_TEMPLATES = (
    ("config", "{key}={value}"),
    ("config", "{key} = {value}"),
    ("config", "{key}: {value}"),
    ("config", "[database]\nhost = db.internal\n{key} = \"{value}\"\ntimeout = {neg}"),
    ("env", "export {key}={value}"),
    ("env", "export {key}=\"{value}\""),
    ("env", "{key}='{value}' ./run.sh --release {neg}"),
    ("yaml", "services:\n  api:\n    {key}: {value}\n    version: {neg}"),
    ("yaml", "- name: deploy\n  env:\n    {key}: \"{value}\""),
    ("json", '{{"{key}": "{value}", "request_id": "{neg}"}}'),
    ("json", '{{"config": {{"{key}": "{value}", "retries": 3}}, "at": "{neg}"}}'),
    ("cli", "myapp login --{key} {value} --region eu-west-1"),
    ("cli", "curl -H '{key}: {value}' https://api.example.com/v2/items?since={neg}"),
    ("cli", "tool deploy --{key}={value} --build {neg}"),
    ("log", "2026-03-14 09:12:44,120 DEBUG client init {key}={value} elapsed={neg}"),
    ("log", "level=warn msg=\"auth failed\" {key}=\"{value}\" request={neg}"),
    ("log", "INFO [worker-3] using {key} {value} for job {neg}"),
    ("url", "GET https://api.example.com/v1/search?q=shoes&{key}={url_value}&page=2"),
    ("url", "redirecting to https://hooks.example.org/cb?{key}={url_value}&ts={neg}"),
)
_URL_CREDENTIAL_TEMPLATES = (
    "connecting to {scheme}://{user}:{value}@{host}:{port}/{db}",
    "DATABASE_URL={scheme}://{user}:{value}@{host}/{db}",
    "error: could not connect {scheme}://{user}:{value}@{host}:{port} after {neg}",
    '{{"dsn": "{scheme}://{user}:{value}@{host}:{port}/{db}"}}',
)
_BARE_KEY_TEMPLATES = (
    "Authorization: Bearer {value}",
    "rotated credential {value} at {neg}",
    "openai.AuthenticationError: Incorrect API key provided: {value}",
    "leaked in commit {neg}: {value}",
)


# -------------------------------------------------------------------------------------------- negatives

def negative_value(rng: random.Random) -> str:
    n = rng.randint
    kind = rng.randrange(16)
    return [
        lambda: f"ORD-{n(2020, 2026)}{n(10, 12)}-{n(1000, 99999)}",
        lambda: f"{n(0, 9)}.{n(0, 30)}.{n(0, 99)}",
        lambda: f"v{n(1, 5)}.{n(0, 20)}.{n(0, 9)}-rc.{n(1, 9)}",
        lambda: _chars(rng, HEX, rng.choice((7, 40, 64))),
        lambda: f"{n(2020, 2026)}-{n(1, 12):02d}-{n(1, 28):02d}T{n(0, 23):02d}:{n(0, 59):02d}:{n(0, 59):02d}.{n(0, 999):03d}Z",
        lambda: f"{n(1, 23):02d}:{n(0, 59):02d}:{n(0, 59):02d}",
        lambda: f"{n(1, 9999)}ms",
        lambda: f"{n(1, 59)}m{n(0, 59)}s",
        lambda: "-".join(_chars(rng, HEX, size) for size in (8, 4, 4, 4, 12)),
        lambda: f"€{n(1, 9999)},{n(0, 99):02d}",
        lambda: f"{n(1, 999)} {n(100, 999)},{n(0, 99):02d} zł",
        lambda: str(n(1_600_000_000_000, 1_800_000_000_000)),
        lambda: f"#{n(100000, 9999999)}",
        lambda: f"{n(2020, 2026)}{n(1, 12):02d}{n(1, 28):02d}.{n(1, 99)}",
        lambda: f"10.{n(0, 20)}.{n(1000, 99999)}.{n(0, 9999)}",
        lambda: f"port {n(1024, 65535)}",
    ][kind]()


_NEGATIVE_TEMPLATES = (
    "order_id={} version={} took {}",
    '{{"id": "{}", "build": "{}", "duration": "{}"}}',
    "release:\n  tag: {}\n  commit: {}\n  at: {}",
    "--build-id {} --version {} --timeout {}",
    "INFO job {} finished at {} in {}",
    "invoice {} total {} due {}",
)

# ------------------------------------------------------------------------------------------------ names

_NAME_TEMPLATES = (
    "ticket assigned to {name} ({neg})",
    "{name} wrote: the parcel never arrived",
    '{{"customer_name": "{name}", "order": "{neg}"}}',
    "Dear {name}, your order {neg} has shipped.",
    "refund approved by {name} at {neg}",
    "signed: {name}",
    "From: {name} <support desk>",
)


class Builder:
    def __init__(self, seed: int) -> None:
        from faker import Faker

        self.rng = random.Random(seed)
        self.fakers: dict[str, Faker] = {}
        for offset, locale in enumerate(NAME_LOCALES):
            faker = Faker(locale)
            faker.seed_instance(seed + offset)
            self.fakers[locale] = faker

    def negative(self, sample: Sample) -> str:
        value = negative_value(self.rng)
        sample.negatives.append(value)
        return value

    def phone(self, form: str, number: str) -> Sample:
        sample = Sample(text="", form=f"phone_{form}")
        template = self.rng.choice(_PHONE_TEMPLATES)
        cue = self.rng.choice(_PHONE_CUES)
        neg = self.negative(sample) if "{neg}" in template else ""
        sample.text = template.format(cue=cue, value=number, neg=neg)
        sample.entities.append(("PHONE", number))
        return sample

    def secret(self, entity: str, value: str, keys: tuple[str, ...]) -> Sample:
        form, template = self.rng.choice(_SECRET_TEMPLATES)
        sample = Sample(text="", form=f"{entity.lower()}_{form}")
        key = self.rng.choice(keys)
        if form in ("cli", "url"):
            key = key.replace(" ", "_")
        neg = self.negative(sample) if "{neg}" in template else ""
        planted = quote(value, safe="") if form == "url" else value
        sample.text = template.format(key=key, value=value, url_value=planted, neg=neg)
        sample.entities.append((entity, planted))
        return sample

    def url_credentials(self, password: str) -> Sample:
        sample = Sample(text="", form="password_url_userinfo")
        template = self.rng.choice(_URL_CREDENTIAL_TEMPLATES)
        planted = quote(password, safe="")
        neg = self.negative(sample) if "{neg}" in template else ""
        sample.text = template.format(
            scheme=self.rng.choice(("postgresql", "mysql", "redis", "amqp", "mongodb+srv", "https", "ftp")),
            user=self.rng.choice(("app", "svc_orders", "admin", "root", "deploy")), value=planted,
            host=self.rng.choice(("db.internal", "10.0.3.7", "cache-1.prod.local", "mq.example.net")),
            port=self.rng.choice((5432, 3306, 6379, 5672, 21)), db=self.rng.choice(("orders", "app", "0")), neg=neg)
        sample.entities.append(("PASSWORD", planted))
        return sample

    def bare_key(self, entity: str, value: str) -> Sample:
        sample = Sample(text="", form=f"{entity.lower()}_bare")
        template = self.rng.choice(_BARE_KEY_TEMPLATES)
        neg = self.negative(sample) if "{neg}" in template else ""
        sample.text = template.format(value=value, neg=neg)
        sample.entities.append((entity, value))
        return sample

    def name(self) -> Sample:
        faker = self.fakers[self.rng.choice(NAME_LOCALES)]
        name = f"{faker.first_name()} {faker.last_name()}"
        sample = Sample(text="", form="person")
        template = self.rng.choice(_NAME_TEMPLATES)
        neg = self.negative(sample) if "{neg}" in template else ""
        sample.text = template.format(name=name, neg=neg)
        sample.entities.append(("PERSON", name))
        return sample

    def negatives_only(self) -> Sample:
        sample = Sample(text="", form="negatives")
        values = [self.negative(sample) for _ in range(3)]
        sample.text = self.rng.choice(_NEGATIVE_TEMPLATES).format(*values)
        return sample


def generate(seed: int = SEED) -> list[Sample]:
    """The held-out samples, the same for a seed (and a Faker and phonenumbers version)."""
    builder = Builder(seed)
    rng = builder.rng
    samples = [builder.phone(form, number) for form, number in phone_values(rng)]
    password_faker = builder.fakers["pl_PL"]
    for _ in range(500):
        samples.append(builder.secret("PASSWORD", password_value(rng, password_faker), _PASSWORD_KEYS))
    for _ in range(150):
        samples.append(builder.url_credentials(password_value(rng, password_faker)))
    for _ in range(600):
        entity, value = provider_key(rng)
        samples.append(builder.secret(entity, value, _API_KEY_KEYS))
    for _ in range(150):
        entity, value = provider_key(rng)
        if len(value) >= 20 and not value.isalnum() or value.startswith(("AKIA", "sk", "gh", "xox", "AIza", "SG.")):
            samples.append(builder.bare_key(entity, value))
    samples += [builder.name() for _ in range(400)]
    samples += [builder.negatives_only() for _ in range(600)]
    rng.shuffle(samples)
    return samples


def load() -> list[Sample]:
    """The frozen corpus, as committed."""
    return read_samples(CORPUS_PATH)


def corpus_sha256() -> str:
    return file_sha256(CORPUS_PATH)


def main(argv: list[str]) -> None:
    corpus_cli(argv, CORPUS_PATH, generate)


if __name__ == "__main__":
    main(sys.argv[1:])
