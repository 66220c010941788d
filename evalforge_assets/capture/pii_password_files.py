"""Passwords that a file or command format puts in a fixed place, with no password word beside them:

* a PostgreSQL password file line (`~/.pgpass`, documented as `hostname:port:database:username:password`):
  `db.internal:5432:*:analytics:lP6f3WJ1ktcvOfkZ`, the fifth field;
* a password piped into a login (`echo "tovcUu1a~LCs" | docker login ghcr.io -u bot --password-stdin`, the same
  for `helm registry login`, `podman login`, `oras login`): what `echo` or `printf` prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_patterns import Candidate

# Host, a port number or `*`, database, user, then the password to the end of the line (a `\:` escapes a colon).
_PGPASS_LINE = re.compile(
    r"(?m)^[ \t]*[\w.*-]+:(?:\d{1,5}|\*):[\w.*-]+:[\w.@*-]+:(?P<password>(?:\\:|[^\s:])+)[ \t]*\r?$"
)
_PIPED_TO_LOGIN = re.compile(
    r"""(?:echo|printf(?:[ \t]+['"]%s['"])?)[ \t]+(?:-n[ \t]+)?(?P<quote>['"]?)(?P<password>[^\s'"|]{4,128})(?P=quote)"""
    r"""[ \t]*\|[ \t]*[^|\n]{0,80}?\blogin\b[^|\n]{0,120}?--password-stdin"""
)


def find_file_passwords(text: str) -> Iterator[Candidate]:
    """The password field of `.pgpass` lines and the value echoed into `... login --password-stdin`."""
    if "--password-stdin" in text:
        for match in _PIPED_TO_LOGIN.finditer(text):
            yield "PASSWORD", match.start("password"), match.end("password")
    if text.count(":") >= 4:
        for match in _PGPASS_LINE.finditer(text):
            yield "PASSWORD", match.start("password"), match.end("password")
