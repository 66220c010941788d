"""Street addresses named by their key: `"addr": "Mírová 312"`, `billing_address='10 Downing St'`, `"Adresse": …`,
`?street=12+Main+Street&…` in a query string or form body.

Tool calls and CRM payloads put an address under a key that says so, in whatever form its locale writes it, and
the street shapes of `pii_address` know only some of those forms. The key decides here, as it does for passwords
and phones (`pii_context`): a quoted value under an address key that holds a number and a word of three letters or
more is a street address. Keys that hold other addresses (`ip_address`, `email_address`, `wallet_address`,
`server_address`, `mac_address`...) and values that are e-mails, URLs, hosts or numbers alone are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote_plus

from evalforge_assets.capture.pii_answers import ENDS_AS_A_QUESTION, answers
from evalforge_assets.capture.pii_key_names import _normalized
from evalforge_assets.capture.pii_names_beside import an_addressee
from evalforge_assets.capture.pii_patterns import Candidate, phrase_alternation
from evalforge_assets.capture.pii_shapes import Shapes

_ADDRESS_WORDS = (
    "address", "addr", "street", "adresse", "anschrift", "direccion", "dirección", "endereco", "endereço",
    "indirizzo", "adres", "adresa", "adress", "osoite", "cím", "адрес", "адреса", "διεύθυνση", "住所", "地址", "주소",
    "adresă", "alamat", "địachỉ", "ที่อยู่", "عنوان", "العنوان", "כתובת", "पता", "straße", "strasse", "ulica", "ulice",
    "آدرس", "نشانی",
)
# Keys ending in an address word that hold no street: network, mail and ledger addresses, and where a message went.
_OTHER_ADDRESSES = (
    "ip", "ipv4", "ipv6", "mac", "email", "mail", "wallet", "server", "remote", "local", "bind", "listen", "host",
    "contract", "web", "url", "sender", "reply", "from", "to", "cc", "bcc", "return", "peer", "client", "proxy",
    "gateway", "broadcast", "multicast", "network", "memory", "base", "virtual", "physical", "hardware", "node",
    "bitcoin", "eth", "crypto", "deposit", "payment", "smtp", "forward", "source", "destination", "target",
)
# Where an address word stands, the key around it, then the quoted value after it. Looked for only at the address
# words, not from every position of the text (which cost a sixth of the whole capture core).
_ADDRESS_WORD = re.compile(f"(?i:{phrase_alternation(_ADDRESS_WORDS)})")
_KEY_TAIL = re.compile(r"[\w.-]{0,20}")
_KEY_HEAD = re.compile(r"[\w.-]{0,40}$")
_VALUE = re.compile(
    r"\\{0,3}[\"']?[ \t]*[:=][ \t]*(?P<quote>\\{0,3}[\"'])(?P<value>[^\"'\n\\]{4,120})(?P=quote)"
)
_ELEMENT_TEXT = re.compile(r"(?P<value>[^<>\n]{4,120})</")
_FORM_VALUE = re.compile(r"=(?P<value>[^&\s\"'#<>]{4,200})")
# An e-mail, a URL or a path is no street; a slash between digits or after one is a house number's
# (`Severní 1424/16`, `48/22 Trần Hưng Đạo`, `RT 05/RW 01`), a slash first or between letters a path's.
_NOT_A_STREET = re.compile(
    r"@|://|(?:^|\s)/|[^\W\d_]/[^\W\d_]|/\S*/|^[\d\s.:,-]+$|^0x[0-9a-fA-F]+$|^[0-9a-fA-F:.]+$"
)
_DIGIT = re.compile(r"\d")
# In Latin script a house number stands apart (`Mírová 312`, `# 7Z-35`, `12, High St`), which a cloud region's or a
# version's number does not (`us-east-1`, `v2`); scripts without spaces write it inside (`高田馬場2丁目3番`).
_HOUSE_NUMBER = re.compile(r"(?:^|[\s,#])\d{1,6}[^\W\d_]?(?:[-/]\d{1,5}[^\W\d_]?)*(?=$|[\s,.])")
# A word: three letters, or one of the scripts that write a word in one or two characters (`栄1丁目3番7号`).
_WORD = re.compile(r"[^\W\d_]{3,}|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def address_key(key: str) -> bool:
    """Whether `key` names a street address (`addr`, `billing_address`, `Adresse`), not a network or mail one."""
    normalized = _normalized(key)
    for word in _ADDRESS_WORDS:
        at = normalized.rfind(word)
        # The address word ends the key, or is followed by a line number (`address_line1`, `street2`).
        if at != -1 and (normalized.endswith(word) or normalized[at + len(word):] in ("line1", "line2", "1", "2")):
            return not names_another_address(normalized[:at])
    return False


def names_another_address(prefix: str) -> bool:
    """Whether the words before an address word make it a network, mail or ledger address (`ip`, `email`, …)."""
    return _normalized(prefix).endswith(_OTHER_ADDRESSES)


def street_value(value: str) -> bool:
    """Whether a value named as an address holds a street: a house number and a word, and is no e-mail, URL or host."""
    if _NOT_A_STREET.search(value):
        return False
    number = _HOUSE_NUMBER if value.isascii() else _DIGIT
    return bool(number.search(value) and _WORD.search(value))


# The ASCII address words by the shortest part each shares with others ("adres" is in adresse, adresa, adress).
_GATE_LETTERS = re.compile(rb"addr|street|adres|anschrift|direccion|endereco|indirizzo|osoite|alamat|strasse|ulic")


def may_hold_keyed_address(text: str, shapes: Shapes) -> bool:
    """A cheap test: an address word is in the text (in the lowered letter view of ASCII text)."""
    if shapes.ascii:
        return _GATE_LETTERS.search(shapes.padded_letters) is not None
    lowered = text.lower()
    return any(word in lowered for word in _ADDRESS_WORDS)


def find_keyed_addresses(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """STREET_ADDRESS candidates for quoted values under address keys (see the module's docstring)."""
    if not may_hold_keyed_address(text, shapes):
        return
    reached = 0
    for word in _ADDRESS_WORD.finditer(text):
        if word.start() < reached:
            continue
        key_end = _KEY_TAIL.match(text, word.end()).end()  # type: ignore[union-attr]  # matches the empty string
        head = _KEY_HEAD.search(text, max(0, word.start() - 40), word.start())
        key_start = head.start() if head else word.start()
        key = text[key_start:key_end]
        match = _VALUE.match(text, key_end)
        if match is None and key_start > 0 and text[key_start - 1] == "<" and text.startswith(">", key_end):
            element = _ELEMENT_TEXT.match(text, key_end + 1)  # `<Street>Κοκκινιάς 644</Street>`
            if element is not None and address_key(key) and street_value(element.group("value").strip()):
                value = element.group("value").strip()
                start = element.start("value") + element.group("value").index(value)
                yield "STREET_ADDRESS", start, start + len(value)
            continue
        if match is None:
            if (key_start == 0 or text[key_start - 1] in "?&") and (form := _FORM_VALUE.match(text, key_end)):
                # A query string's or form body's field (`&street=Hornichstra%C3%9Fe+5&zip=…`), read decoded.
                reached = form.end()
                if address_key(key) and street_value(unquote_plus(form.group("value")).strip()):
                    yield "STREET_ADDRESS", form.start("value"), form.end("value")
            continue
        reached = match.end()
        value = match.group("value").strip()
        if address_key(key) and street_value(value):
            start = match.start("value") + match.group("value").index(value)
            yield "STREET_ADDRESS", start, start + len(value)


# ------------------------------------------------------------------------------ an address block under its label

# A line that ends by announcing an address (`Bill to:`, `Ship to:`, `I've updated your shipping address to:`,
# `Lieferadresse:`): the lines under it are the address, whatever their country's shape.
# The verbs of "ship to", "bill to" and the like.
_TO_VERBS = ("ship", "bill", "deliver", "send", "mail", "sold")
_SHIP_TO = r"(?:" + "|".join(_TO_VERBS) + r")[ \t]+to"
_BLOCK_LABEL = re.compile(
    r"(?i)(?:" + phrase_alternation(_ADDRESS_WORDS) + r"|" + _SHIP_TO + r")"
    r"(?:[ \t]+(?:to|is|as|à|a))?[ \t]*:[ \t]*$"
)
_LINES = re.compile(r"[^\n\\]*(?:\\(?!n)[^\n\\]*)*")  # a line, ending at a line break or an escaped one
_ADDRESS_LINE = re.compile(r"[^\"'{}\[\]()=<>|@\\]{2,80}")
_KEYED_LINE = re.compile(r"[ \t]*[^\W\d_][\w .]{0,20}:")  # `Tel:`, `M:`, `Email:` start the contact lines
_SENTENCE_END = re.compile(r"[^\W\d_]{2,}[.!?]$")
_BLOCK_LINES = 4


_ASCII_TO_VERBS = frozenset(verb.encode() for verb in _TO_VERBS)
_SHIP_TO_TEXT = re.compile(r"(?i)" + _SHIP_TO + r"\b")


def may_announce_an_address(text: str, shapes: Shapes) -> bool:
    """A cheap test: an address word, or "ship to" or the like, is in the text."""
    if shapes.ascii:
        if b"to" in shapes.words and not shapes.words.isdisjoint(_ASCII_TO_VERBS):
            return True
    elif _SHIP_TO_TEXT.search(text):
        return True
    return may_hold_keyed_address(text, shapes)


def find_address_blocks(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """STREET_ADDRESS candidates for the lines under a line that announces an address (see above): after the
    addressee (or a company's name), up to four lines of an address (no key, no e-mail, no sentence) from the first
    one with a number."""
    if ":" not in text or ("\n" not in text and "\\n" not in text) or not may_announce_an_address(text, shapes):
        return
    lines = _split_lines(text)
    for index, (start, end) in enumerate(lines):
        if not _BLOCK_LABEL.search(text, start, end):
            continue
        block = lines[index + 1 : index + 2 + _BLOCK_LINES]
        if block and an_addressee(text[block[0][0] : block[0][1]].strip()):
            block = block[1:]
        taken: list[tuple[int, int]] = []
        for line_start, line_end in block[:_BLOCK_LINES]:
            quote = text.find('"', line_start, line_end)
            if quote != -1:
                line_end = quote  # the block ends with the JSON string it is written in
            line = text[line_start:line_end].strip()
            if not line or not _ADDRESS_LINE.fullmatch(line) or _KEYED_LINE.match(line) or len(line.split()) > 8 \
                    or _SENTENCE_END.search(line):
                break
            if taken or _DIGIT.search(line):  # lines before the first number are a company's or a person's name
                taken.append((line_start, line_end))
        if taken and _WORD.search(text, taken[0][0], taken[-1][1]):
            first = text[taken[0][0] : taken[0][1]]
            last = text[taken[-1][0] : taken[-1][1]]
            yield ("STREET_ADDRESS", taken[0][0] + len(first) - len(first.lstrip()),
                   taken[-1][1] - (len(last) - len(last.rstrip())))


# A question for an address, as a bot or an agent asks it in a chat.
_ASKED_FOR_ADDRESS = re.compile(
    r"(?i)^(?![^\n]*\b(?:ip|e-?mail|mac|wallet|server|web|url|bitcoin|ethereum)\b)"  # another address
    rf"{ENDS_AS_A_QUESTION}[^\n]*?"
    r"\b(?:address|adresse|dirección|direccion|endereço|indirizzo|adres|adresa|адрес|כתובת|عنوان|住所|地址|주소)\b"
)


def find_answered_addresses(text: str) -> Iterator[Candidate]:
    """STREET_ADDRESS candidates for a chat answer to a question for an address: the message has a number and a
    word (`street_value`) and no more than eight words."""
    if "?" not in text or "\n" not in text:
        return
    for start, end in answers(text, _ASKED_FOR_ADDRESS):
        value = text[start:end]
        if len(value.split()) <= 8 and street_value(value):
            yield "STREET_ADDRESS", start, end


def _split_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, real line breaks and ones escaped inside a JSON string (`\\n`) alike."""
    spans: list[tuple[int, int]] = []
    position = 0
    while position <= len(text):
        match = _LINES.match(text, position)
        end = match.end() if match else position
        spans.append((position, end))
        if text.startswith("\\n", end):
            position = end + 2
        elif text.startswith("\n", end):
            position = end + 1
        else:
            break
    return spans
