"""Handles that spell a person's name, as chat tools write mentions (`cc @maria.lopez`, `@Priya can you check`,
`thanks @jdoe`). Slack, Teams and GitHub threads name people this way more often than by their full name, and a
handle that is a name identifies its owner as well as the name does.

A mention is `@` and a handle after a space or the line's start (not an e-mail address, an npm scope `@types/node`
or a decorator's call `@app.route(`); a GitHub comment's author is the handle in bold over it (`**ronald-wright**
commented on`). The handle is a name when one of its parts (split at `.`, `_` and `-`) is a
given name or a common surname that is no English word (`maria.lopez`, `Priya`), when two of its parts are names
(`will.smith`), or when it is an initial glued to such a surname (`jdoe` is not, `mkowalski` is). Channel words
(`@here`, `@channel`, `@oncall`) and decorators (`@property`, `@dataclass`) are no names.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import _given_names, _ordinary, _surname_ranks
from evalforge_assets.capture.pii_patterns import Candidate

# A handle's letters may be any script's (`@सीता`, `@öztek`); its marks too (`\w` leaves out the vowel signs of
# India's scripts and Thai).
_HANDLE = r"[^\W\d_][\w\u0900-\u0eff]*(?:[._-][\w\u0900-\u0eff]+){0,3}"
_MENTION = re.compile(rf"(?<![\w.@/+-])@(?P<handle>{_HANDLE})(?![\w\u0900-\u0eff@/(-])")
# Everyone and the team, in the scripts whose handles are read as names (`@所有人` in a WeChat group).
_EVERYONE = frozenset(["所有人", "全体成员", "全員", "みんな", "모두", "전체", "все", "всем", "всі", "усі", "команда",
                       "כולם", "الجميع", "सभी", "ทุกคน", "ทีม", "όλοι"])
_PARTS = re.compile(r"[._-]")
_COMMON_SURNAME_RANK = 5_000


# GitHub's header over a comment or a review writes its author's handle in bold (`**ronald-wright** commented on`).
_AUTHOR = re.compile(
    rf"\*\*(?P<handle>{_HANDLE})\*\*[ \t]+(?:commented|approved|requested changes|reviewed|replied)\b"
)
# A login of two or three words joined by hyphens is a person's first and last name there (`hélène-fonjallaz`),
# unless one of its words names a machine or a team.
_LOGIN_NAME = re.compile(r"[^\W\d_]{2,}(?:-[^\W\d_]{2,}){1,2}")
_NOT_A_PERSONS_LOGIN = frozenset(["bot", "ci", "build", "deploy", "release", "github", "actions", "dependabot",
                                  "renovate", "team", "admin", "service", "automation", "app", "infra", "ops", "sre"])


def find_handle_names(text: str) -> Iterator[Candidate]:
    """The mentions of `text` and the authors of its GitHub comments whose handle spells a person's name (see the
    module docstring)."""
    if "@" not in text and "**" not in text:
        return
    matches = itertools.chain(_MENTION.finditer(text) if "@" in text else (),
                              _AUTHOR.finditer(text) if "**" in text else ())
    for match in matches:
        handle = match.group("handle")
        if _a_name(handle) or (match.re is _AUTHOR and _a_persons_login(handle)):
            yield "PERSON", match.start("handle"), match.end("handle")


def _a_persons_login(handle: str) -> bool:
    return _LOGIN_NAME.fullmatch(handle) is not None and not any(
        part.lower() in _NOT_A_PERSONS_LOGIN for part in handle.split("-"))


def _a_name(handle: str) -> bool:
    if not any("a" <= char.lower() <= "z" for char in handle):
        return handle not in _EVERYONE  # a script with no English words to mistake it for (`@सीता`, `@רוי`)
    parts = [part.capitalize() for part in _PARTS.split(handle) if part.isalpha() and len(part) >= 3]
    named = [part for part in parts if _known(part)]
    if any(not _ordinary(part) for part in named) or len(named) >= 2:
        return True
    if len(parts) == 1 and len(handle) >= 5 and handle.isalpha():
        surname = handle[1:].capitalize()  # `mkowalski`: an initial glued to a surname
        return _surname_ranks().get(surname, _COMMON_SURNAME_RANK + 1) <= _COMMON_SURNAME_RANK and not _ordinary(
            surname
        )
    return False


def _known(part: str) -> bool:
    return part in _given_names() or _surname_ranks().get(part, _COMMON_SURNAME_RANK + 1) <= _COMMON_SURNAME_RANK
