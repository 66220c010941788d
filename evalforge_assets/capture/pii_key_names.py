"""What a key names, in any case and in the languages of the data Evalforge sees: a password (`Passwort`,
`hasło`, `password_confirm`), an API key, token or secret, a phone, or a session's credential. `pii_context` reads
the value after such a key; `pii_names_keys` and `pii` normalize keys the same way."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Normalized key (lowered, letters and digits only) endings that name a password, in several languages.
_PASSWORD_KEYS = (
    "password", "passwd", "passwort", "passphrase", "passcode", "pass", "pwd", "pw", "kennwort", "motdepasse",
    "contraseña", "contrasena", "senha", "wachtwoord", "parola", "parool", "lösenord", "losenord", "hasło",
    "haslo", "salasana", "heslo", "jelszó", "jelszo", "пароль", "şifre", "sifre", "katasandi", "adgangskode",
    "passord", "lozinka", "geslo", "パスワード", "密码", "비밀번호", "palavrapasse", "κωδικόςπρόσβασης",
    "συνθηματικό",
)
# Endings that name an API key, token or secret; a bare `key` needs a qualifier (`cache_key` is no secret).
_SECRET_KEYS = (
    "apikey", "accesskey", "secretkey", "privatekey", "signingkey", "clientkey", "appkey", "masterkey",
    "encryptionkey", "licensekey", "subscriptionkey", "token", "secret", "bearer", "credential", "credentials",
    "authorization", "auth", "apischluessel", "apischlüssel", "accesskeyid",
)
# `clave_api`, `chave_api`, `cle_api`, `klucz_api`, `chiave_api`: "key" before "api" in other languages.
_SECRET_KEY_LEADS = ("clave", "chave", "cle", "clé", "klucz", "chiave", "sleutel", "schluessel", "schlüssel")
# Pagination and counting keys end like secret keys but hold no secret.
_NOT_SECRET_KEYS = ("nexttoken", "pagetoken", "continuationtoken", "synctoken", "maxtoken", "tokencount",
                    "numtoken", "cachekey", "oauth2")
_PHONE_KEYS = (
    "phone", "phonenumber", "tel", "telephone", "telefon", "telefone", "telefono", "teléfono", "telefoon",
    "mobile", "mobil", "cell", "cellphone", "celular", "handy", "portable", "puhelin", "tlf", "whatsapp", "sms",
    "fax", "msisdn", "contactnumber", "numertelefonu", "mobilenumber", "telnr", "電話", "电话", "телефон", "callback",
    "callbacknumber", "caller", "callerid", "callernumber",
    # The same in the other languages LLM applications are spoken to in, as `_normalized` writes them.
    "telepon", "điệnthoại", "sđt", "τηλέφωνο", "τηλ", "κινητό", "טלפון", "נייד", "फ़ोन", "फोन", "मोबाइल",
    "दूरभाष", "電話番号", "携帯", "전화", "전화번호", "휴대폰", "핸드폰", "연락처", "手机", "手机号", "手机号码",
    "电话号码", "電話號碼", "เบอร์โทร", "โทรศัพท์", "เบอร์โทรศัพท์", "هاتف", "الهاتف", "جوال", "الجوال", "тел",
    "телефона", "мобильный", "telefonu", "telefonnumarası", "telefonnumarasi", "تلفن", "موبایل", "تلفنهمراه",
    "شمارهتلفن", "شمارهتماس",
    # Where to call back, and a contact's number: `折り返し先：070-…`, `连络`, `Visszahívás: 31/241 3984`.
    "連絡先", "折り返し先", "折り返し", "携帯番号", "联系电话", "联系方式", "回电", "回電", "visszahívás",
    "telefonszám", "mobilszám", "tilbakeringing", "återuppringning", "rückruf", "rappel", "richiamata",
)
# Phone words in other grammatical forms (`telefonu`, `Mobilnummer`, `Handynummer`).
_PHONE_LEADS = ("phone", "telefon", "telephon", "mobil", "handy", "celular", "puhelin")
# Words that start like a phone's key and name no phone: a payment app and its verb (`MobilePay`, Danish
# `mobilepayet 1.234,50 kr.`), mobility, a handyman, phonetics.
_NOT_PHONE_LEADS = ("mobilepay", "mobilit", "mobilis", "mobiliz", "handyman", "handwerk", "phonet", "phonem")
# A key of two words whose second is "number" is judged by its first (`contact number`, `numer telefonu`).
# The keys a phone object files its numbers under: which line, not what the value is (`sent_at`, `count` are not).
PHONE_LINE_KEYS = frozenset(["mobile", "office", "home", "work", "main", "primary", "secondary", "other", "personal",
                             "business", "landline", "fax", "cell", "direct", "number", "value", "private",
                             "emergency"])
_NUMBER_WORDS = frozenset({"number", "nummer", "numero", "número", "numer", "no", "nr", "num"})
# Cheap test: one of these (lowered) must be in the text for any key above to be.
_STEMS = ("pass", "pw", "kennwort", "contras", "senha", "wachtwoord", "parol", "senord", "hasl", "hasł", "salasana",
          "heslo", "jelsz", "пароль", "κωδικ", "συνθηματικ", "ifre", "sandi", "adgangskode", "lozinka", "geslo",
          "パスワード", "密码", "비밀번호", "key", "token", "secret", "bearer", "credential", "auth", "schl", "api", "phone", "tel",
          "mobil", "cell", "celular", "handy", "portable", "puhelin", "tlf", "whatsapp", "sms", "fax", "msisdn",
          "電話", "电话", "телефон", "number", "numer", "nummer", "numero", "callback", "caller", "session",
          "điện", "sđt", "τηλ", "κινητ", "טלפון", "נייד", "फ़ोन", "फोन", "मोबाइल", "दूरभाष", "携帯", "전화", "휴대폰",
          "핸드폰", "연락처", "手机", "เบอร์", "โทร", "هاتف", "جوال", "тел", "мобил")


# What a sign-up or reset form puts after the password's key for the field that repeats it.
_CONFIRMATION_END = re.compile(
    r"(?:confirm(?:ation|ed)?|again|repeat(?:ed)?|verify|verification|check|2|wiederhol(?:en|ung)|bestaetigung"
    r"|bestätigung|confirmaci[oó]n|confirma[cç][aã]o)\Z"
)


# Combining marks from Hebrew on are kept: they spell the word (Devanagari's vowel signs, `फ़ोन`), where Latin's
# (an accent typed apart from its letter) are dropped with the other punctuation.
_FIRST_SPELLING_MARK = "\u0590"


@lru_cache(maxsize=4096)
def _normalized(key: str) -> str:
    return "".join(
        char
        for char in key.lower()
        if char.isalnum() or (char >= _FIRST_SPELLING_MARK and unicodedata.category(char).startswith("M"))
    )


@lru_cache(maxsize=4096)
def key_kind(key: str) -> str | None:
    """"PASSWORD", "SECRET", "PHONE", "KEY" or "SESSION" for a key that names such a value, else None."""
    normalized = _normalized(key)
    if not normalized or normalized.endswith(_NOT_SECRET_KEYS):
        return None
    if normalized.endswith(_PASSWORD_KEYS) and not normalized.endswith(("bypass", "compass", "surpass")):
        return "PASSWORD"
    unconfirmed = _CONFIRMATION_END.sub("", normalized)
    if unconfirmed != normalized and unconfirmed.endswith(_PASSWORD_KEYS):
        return "PASSWORD"  # `password_confirm`, `passwordConfirmation`, `password2`: the same password again
    if normalized == "key":
        return "KEY"
    if normalized.endswith(("session", "sessionkey", "sessioncookie")):
        return "SESSION"  # its value is its credential when it is a random string (not `session_id: 42`)
    if normalized.endswith(_SECRET_KEYS) or (normalized.startswith(_SECRET_KEY_LEADS) and "api" in normalized):
        return "SECRET"
    if (normalized.endswith(_PHONE_KEYS) and not normalized.endswith(("hotel", "intel", "motel"))) or (
        normalized.startswith(_PHONE_LEADS) and not normalized.startswith(_NOT_PHONE_LEADS)
    ):
        return "PHONE"
    return None
