"""Passwords that a file or command format puts in a fixed place, with no password word beside them:

* a PostgreSQL password file line (`~/.pgpass`, documented as `hostname:port:database:username:password`):
  `db.internal:5432:*:analytics:lP6f3WJ1ktcvOfkZ`, the fifth field;
* a password piped into a login (`echo "tovcUu1a~LCs" | docker login ghcr.io -u bot --password-stdin`, the same
  for `helm registry login`, `podman login`, `oras login`): what `echo` or `printf` prints;
* the MySQL clients' password written against their `-p` flag (`mysql -h db -u admin -p'hunter.2' crm`,
  `mysqldump -uroot -pS3cret db`), which their manual says takes no space;
* a Wi-Fi network and its password written `network / password` after a Wi-Fi label, as agendas, welcome notes and
  room cards print them (`Speaker Wi-Fi: AILS-Speakers / Sunflower.1551&9`): the token after the slash, when it
  mixes letters with digits or symbols;
* the answer in a chat to a request for a password (`nicole: whats the wifi pw for the office` then `upasna:
  north_prove_area_price15`): one token of six characters or more, alone on the next line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_answers import answers
from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_shapes import Shapes

# Host, a port number or `*`, database, user, then the password to the end of the line (a `\:` escapes a colon).
_PGPASS_LINE = re.compile(
    r"(?m)^[ \t]*[\w.*-]+:(?:\d{1,5}|\*):[\w.*-]+:[\w.@*-]+:(?P<password>(?:\\:|[^\s:])+)[ \t]*\r?$"
)
_PIPED_TO_LOGIN = re.compile(
    r"""(?:echo|printf(?:[ \t]+['"]%s['"])?)[ \t]+(?:-n[ \t]+)?(?P<quote>['"]?)(?P<password>[^\s'"|]{4,128})(?P=quote)"""
    r"""[ \t]*\|[ \t]*[^|\n]{0,80}?\blogin\b[^|\n]{0,120}?--password-stdin"""
)

_MYSQL_CLIENT = re.compile(r"(?<![\w/.-])(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mariadb)\b")
_JOINED_P_FLAG = re.compile(r"""[ \t]-p(?P<quote>['"]?)(?P<password>[^\s'"]{1,128})(?P=quote)(?=\s|$)""")


_WIFI_PAIR = re.compile(
    r"(?i)\b(?:wi-?fi|wlan|wireless)\b[^\n:]{0,30}:[ \t]*[^\s/]{1,32}(?:[ \t][^\s/]{1,32}){0,2}[ \t]+/[ \t]+"
    r"(?P<password>\S{6,64})"
)
# The first asking word of a line is held (an atomic group), so the password word is looked for once after it, not
# after each (a line of 20,000 "what" took seconds).
_ASKED_FOR_PASSWORD = re.compile(
    r"(?im)^(?>[^\n]*?\b(?:what|what's|whats|send|share|give|tell|need)\b)[^\n]*"
    r"\b(?:password|passwd|pw|passcode|passphrase)\b"
    r"|\b(?:password|passwd|pw|passcode|passphrase)[ \t]+(?:pls|plz|please)\b"  # `wifi pw pls`
)
_PASSWORD_WORDS = frozenset([b"password", b"passwd", b"pw", b"passcode", b"passphrase"])
_ONE_TOKEN = re.compile(r"\S{6,128}")


def find_answered_passwords(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """The password a chat gives on the line after someone asks for one (see the module docstring)."""
    if "\n" not in text or (shapes.ascii and shapes.words.isdisjoint(_PASSWORD_WORDS)):
        return
    if not _ASKED_FOR_PASSWORD.search(text):
        return
    for start, end in answers(text, _ASKED_FOR_PASSWORD):
        if _ONE_TOKEN.fullmatch(text, start, end):
            yield "PASSWORD", start, end


def _mixed(value: str) -> bool:
    """Letters with digits or symbols: a password, not a word (`Sunflower.1551&9`, not `Guest`)."""
    return any(char.isalpha() for char in value) and not value.isalpha()


def find_file_passwords(text: str) -> Iterator[Candidate]:
    """The password field of `.pgpass` lines, the value echoed into `... login --password-stdin`, a MySQL
    client's `-pPASSWORD`, and a Wi-Fi network's password after its name and a slash."""
    if "--password-stdin" in text:
        for match in _PIPED_TO_LOGIN.finditer(text):
            yield "PASSWORD", match.start("password"), match.end("password")
    if "-p" in text:
        for client in _MYSQL_CLIENT.finditer(text):
            line_end = text.find("\n", client.end())
            flag = _JOINED_P_FLAG.search(text, client.end(), len(text) if line_end == -1 else line_end)
            if flag is not None:
                yield "PASSWORD", flag.start("password"), flag.end("password")
    if " / " in text:
        for match in _WIFI_PAIR.finditer(text):
            password = match.group("password").rstrip(".,;")
            if _mixed(password):
                yield "PASSWORD", match.start("password"), match.start("password") + len(password)
    if text.count(":") >= 4:
        for match in _PGPASS_LINE.finditer(text):
            yield "PASSWORD", match.start("password"), match.end("password")
