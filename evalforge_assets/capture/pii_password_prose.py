"""A password a user types into a conversation about passwords, with no key beside it: `tried resetting but the
new one (Winter#135*) doesn't work either`, answered by `please never share your password`. The key-value finders
(`pii_context`) need the key next to the value; in a chat the word "password" may stand a sentence or a turn away.

In a text that names a password in any of the languages of `pii_key_names` (`password`, `Passwort`, `contraseña`,
`пароль`, ...), a run without spaces of 8 to 64 characters that holds a capital, a small letter, a digit and one
of the symbols passwords are told to hold (`!@#$%^&*?~`) is one. Identifiers, versions and paths rarely hold all
four, and never such a symbol: `gpt-4o-2024-08-06`, `x86_64-linux-gnu`, `v1.2.3-rc1`. An e-mail address, a URL,
a path, a query string, fields joined by colons or a placeholder is none. Brackets around the run are the sentence's (`(OeC)IySZ#1m!PWwB$)` holds one pair of them
inside), and so is a full stop or a comma at its end.

What follows "the old one was" or "the new one is" in such a text is one (`esqueci a senha, a antiga era
saudade.Praha84`, `das alte war glaub ich sarang1764#`), in the languages of those chats.

A Wi-Fi's password named in a sentence is what follows it (`le code wifi c'est Doudou99*`, `와이파이 비번은 …`,
`รหัสไวไฟ …`), when it is no word: a digit, a symbol or a capital after its first letter; with a bracket in it, when
it mixes three kinds of character (`D*((TZ3qGI5Q`), not a word in brackets (`(5GHz)`).

What the user typed or wrote in such a text (`I keep typing H1GLPwIyM9 for my Outlook account`, `You wrote
"625MEH(e_ngJl"`) is one when it has a letter, mixes two kinds of character and is no word.

A quoted word that a few words later is called a password is one, whatever its shape (`Is "granite-cactus-staple31"
a strong password?`, `is 'rrvpvqj7y' a strogn password`), unless it names a variable (`"DB_PASSWORD" in the vault`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_patterns import Candidate

# Words for "password" (lowered) whose presence anywhere in the text makes a password-shaped run one.
_PASSWORD_WORDS = re.compile(
    r"passw|passcode|passphrase|kennwort|contrase[ñn]a|senha|mot de passe|wachtwoord|parol|hasł|haslo|пароль"
    r"|[şs]ifre|salasana|heslo|jelsz[óo]|l[öo]senord|adgangskode|passord|lozinka|geslo|パスワード|密码|비밀번호"
    r"|palavra-passe|κωδικ|συνθηματικ"
)
_RUN = re.compile(r"(?<!\S)\S{8,66}(?!\S)")
_SYMBOLS = frozenset("!@#$%^&*?~")
# An e-mail address, a URL, a path or a query string (`/track?order=A24395&lang=ru-RU`), fields joined by colons
# (a `.pgpass` line, `host:5432:*:user:secret`, which `pii_password_files` reads field by field), or a key and its
# value (`DB_PASSWORD=…`, which `pii_context` reads as such), or code: a stack frame's call
# (`main.(*Server).handle(0xc0001a2000`, `client.invoke(payload`).
_NO_PASSWORD = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.-]+|://|^www\.|^[/~]|\?.*=|&.*=|=.*&|:.*:|^[A-Za-z_][\w.-]*[=:]"
    r"|\.\(|\)\.|\b0x[0-9a-fA-F]{2,}|[A-Za-z_]\w*\.[A-Za-z_]\w*\("
)
_SENTENCE_END = ".,;:"
# A line break or tab written as an escape inside a JSON string ends the run (`#751874.\\nRegards,\\nThe`).
_ESCAPED_BREAK = re.compile(r"\\[ntr]")
# A quoted word (its quotes maybe escaped inside JSON), then "a", "as", "for", "my" or "is" and up to three words
# (`a strnog`, `as my new`), then a word for "password".
_CALLED_A_PASSWORD = re.compile(
    r"""\\?["“‘'](?P<value>[^\s"“”‘’'\\]{4,64})\\?["”’'][ \t]+(?i:a|an|as|for|my|is|was)[ \t]+"""
    r"""(?:[^\W\d_]{1,12}[ \t]+){0,3}"""
    r"""(?i:password|passphrase|passwort|contrase[ñn]a|senha|mot de passe|wachtwoord|пароль)"""
)
# "The old one was", "the new one is", in the languages a chat about a password is typed in, perhaps with a
# hedge between ("das alte war glaub ich …", "a antiga era …", "the old one was I think …"), then the value.
_OLD_OR_NEW_ONE = re.compile(
    r"(?i)(?<![^\W\d_])(?:the[ \t]+(?:old|new|previous|current)[ \t]+one|(?:das|der|die)[ \t]+(?:alte|neue)"
    r"|(?:a|la)[ \t]+(?:antiga|nova|antigua|nueva|vecchia|nuova)|(?:o|el|il)[ \t]+(?:antigo|novo|viejo|nuevo|vecchio"
    r"|nuovo)|l['’](?:ancien|ancienne)|le[ \t]+nouveau|la[ \t]+nouvelle|(?:de|het)[ \t]+(?:oude|nieuwe))"
    r"[ \t]+(?:was|is|war|ist|era|é|es|était|est|è)[ \t:]+(?:(?:i[ \t]+think|glaub[ \t]+ich|ich[ \t]+glaube|acho"
    r"|acho[ \t]+que|creo|creo[ \t]+que|je[ \t]+crois|penso|denk[ \t]+ik)[ \t,:]+)?"
    r"(?P<value>[^\s\"'“”‘’]{6,64})"
)
# What the user typed or wrote, in a text about a password (`I keep typing G+u8LCVHmOslTcNU for my Netflix account and
# it says wrong password`, `Please never share passwords. You wrote "625MEH(e_ngJl" above`): a value with a letter,
# mixing two of capitals, small letters, digits and symbols, that is no word.
_TYPED = re.compile(
    r"(?i)(?<![^\W\d_])(?:typing|typed|type[ \t]+in|entering|entered|enter|put[ \t]+in|wrote|pasted)[ \t:]+"
    r"[\"'“‘]?(?P<value>[^\s\"'“”‘’]{6,64})"
)
# A Wi-Fi's password named in a sentence, then "is" or a colon, then the value: `le code wifi c'est Doudou99*`, `la
# clave del wifi es …`, `와이파이 비번은 …`, `รหัสไวไฟ …`, `wifi密码…`, `the wifi password is …`. A Wi-Fi word and a
# password word in either order, a few characters apart.
_WIFI_WORDS = ("와이파이", "ไวไฟ", "无线", "無線")
_WIFI = r"(?:wi-?fi|wlan|" + "|".join(_WIFI_WORDS) + ")"
_KEY_WORD = (r"(?:password|passwort|passcode|pw|pass|code|key|clave|contrase[ñn]a|senha|mot[ \t]+de[ \t]+passe"
             r"|schlüssel|kennwort|비번|비밀번호|รหัส(?:ผ่าน)?|密码|密碼|パスワード|kata[ \t]+sandi|sandi|mật[ \t]+khẩu)")
_WIFI_PASSWORD = re.compile(
    rf"(?i)(?<![^\W\d_]){_WIFI}[^\n\d]{{0,12}}?{_KEY_WORD}|(?<![^\W\d_]){_KEY_WORD}[^\n\d]{{0,12}}?{_WIFI}"
)
_WIFI_VALUE = re.compile(
    r"(?i)(?:[ \t]*(?:is|es|est|c['’]est|é|è|ist|er|är|on|jest|是|は|은|는|=|:|：|-))*[ \t]*"
    r"(?P<value>[^\s,;。、\"'“”‘’]{4,64})"
)
_VARIABLE = re.compile(r"[A-Z_][A-Z0-9_]*")
_QUOTES = "\"“‘'"


def find_prose_passwords(text: str) -> Iterator[Candidate]:
    """Password-shaped runs in a text that speaks of passwords, and quoted words it calls one (see the module's
    docstring)."""
    lowered = text.lower()
    if "wifi" in lowered or "wi-fi" in lowered or "wlan" in lowered or (
            not text.isascii() and any(word in text for word in _WIFI_WORDS)):
        yield from _wifi_passwords(text)
    if _PASSWORD_WORDS.search(lowered) is None:
        return
    symbols = any(symbol in text for symbol in _SYMBOLS)
    quotes = any(quote in text for quote in _QUOTES)
    for said in _OLD_OR_NEW_ONE.finditer(text):
        start, end = said.start("value"), _without_sentence_end(text, *said.span("value"))
        value = text[start:end]
        if len(value) >= 6 and _not_a_word(value) and _NO_PASSWORD.search(value) is None:
            yield "PASSWORD", start, end
    for typed in _TYPED.finditer(text):
        start, end = typed.start("value"), _without_sentence_end(text, *typed.span("value"))
        value = text[start:end]
        if (len(value) >= 6 and _not_a_word(value) and any(char.isalpha() for char in value) and _mixes(value, 2)
                and _NO_PASSWORD.search(value) is None and "<" not in value):
            yield "PASSWORD", start, end
    if quotes:
        for called in _CALLED_A_PASSWORD.finditer(text):
            value = called.group("value")
            if not (_VARIABLE.fullmatch(value) or "passw" in value.lower()):
                yield "PASSWORD", called.start("value"), called.end("value")
    if not symbols:
        return
    for match in _RUN.finditer(text):
        start, end = match.start(), _without_sentence_end(text, *match.span())
        if text[start] in "([{\"'" and text[end - 1] in ")]}\"'":
            start, end = start + 1, end - 1
        value = text[start:end]
        if 8 <= len(value) <= 64 and _password_shaped(value):
            yield "PASSWORD", start, end


def _without_sentence_end(text: str, start: int, end: int) -> int:
    """The end of text[start:end] without the full stops and commas of the sentence around it."""
    while end > start and text[end - 1] in _SENTENCE_END:
        end -= 1
    return end


def _not_a_word(value: str) -> bool:
    """A digit, a symbol or a capital after the first letter: no word of the sentence (`better`, `Faster`)."""
    return not value.isalpha() or any(char.isupper() for char in value[1:])


def _password_shaped(value: str) -> bool:
    return (
        any(char.isupper() for char in value)
        and any(char.islower() for char in value)
        and any(char.isdigit() for char in value)
        and any(char in _SYMBOLS for char in value)
        and "<" not in value
        and _ESCAPED_BREAK.search(value) is None
        and _NO_PASSWORD.search(value) is None
    )


def _wifi_passwords(text: str) -> Iterator[Candidate]:
    """The value after a Wi-Fi's password is named (`_WIFI_PASSWORD`), when it is no word of the sentence."""
    for named in _WIFI_PASSWORD.finditer(text):
        said = _WIFI_VALUE.match(text, named.end())
        if said is None:
            continue
        start, end = said.start("value"), _without_sentence_end(text, *said.span("value"))
        value = text[start:end]
        if len(value) >= 4 and _not_a_word(value) and _NO_PASSWORD.search(value) is None and "<" not in value and (
                _no_brackets_or_mixed(value)):
            yield "PASSWORD", start, end


def _no_brackets_or_mixed(value: str) -> bool:
    """A value with a bracket in it is a password only when it mixes three of capitals, small letters, digits and
    symbols (`D*((TZ3qGI5Q`, `(@vQThn*MK3x$ZMGx^`); a word in brackets (`(guest)`, `(5GHz)`) is an aside."""
    if "(" not in value and ")" not in value:
        return True
    if value.startswith("(") and value.endswith(")"):
        return False
    return _mixes(value.strip("()"), 3)


def _mixes(value: str, kinds: int) -> bool:
    """Whether `value` holds at least `kinds` of capitals, small letters, digits and symbols."""
    classes = (str.isupper, str.islower, str.isdigit, lambda char: not char.isalnum())
    return sum(any(test(char) for char in value) for test in classes) >= kinds
