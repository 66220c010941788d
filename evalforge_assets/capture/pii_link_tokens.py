"""Credentials that a redirect, a token request or a sign-in link carries under a short name, which the key finders
(`pii_context`) cannot read as secret keys, since the same names mean other things elsewhere:

* an OAuth 2.0 authorization code (RFC 6749, section 4.1.2): the `code` beside a `redirect_uri` or a `grant_type`
  in a token request or a callback (`"code": "4/0AWswjN_m5…"`, `code=aCDIibE88xpzdLKPFdoe`), which trades for an
  access token until it expires; a `code` anywhere else is an error's or a status's;
* a sign-in, reset or invitation link's token: the value of a short query parameter (`t`, `token`, `code`, `key`,
  `sig`, `auth`) in a URL whose path says what it is for (`https://auth.example.co/magic?t=9rmfGm…`), when it looks
  random (`_random`): such a link signs its holder in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_patterns import Candidate

_OAUTH_CONTEXT = re.compile(r"redirect_uri|grant_type|authorization_code")
# `code`, quoted or not (quotes maybe escaped inside JSON), `=` or `:`, then the value up to a quote or separator.
_CODE_VALUE = re.compile(
    r"""(?<![\w.-])\\*["']?code\\*["']?[ \t]*[:=][ \t]*\\*["']?(?P<value>[^\s"'\\,&}<>)]{8,512})"""
)
# A URL with a query; its path is tested for the words below, and its query for the short names.
_URL_WITH_QUERY = re.compile(r"""https?://(?P<path>[^\s"'<>?]{1,2048})\?(?P<query>[^\s"'<>#]{1,4096})""")
_SIGN_IN_WORDS = ("magic", "login", "log-in", "signin", "sign-in", "sign_in", "verify", "verification", "reset",
                  "invite", "activate", "confirm", "auth", "sso", "otp")
_SHORT_PARAMETER = re.compile(r"""(?:^|&)(?:t|token|code|key|sig|auth)=(?P<value>[^&\\]{16,512})""")


def find_link_tokens(text: str) -> Iterator[Candidate]:
    """SECRET candidates (see the module's docstring)."""
    if "code" in text and _OAUTH_CONTEXT.search(text):
        for code in _CODE_VALUE.finditer(text):
            if _random(code.group("value")):
                yield "SECRET", code.start("value"), code.end("value")
    if "?" in text and "://" in text:
        for link in _URL_WITH_QUERY.finditer(text):
            path = link.group("path").lower()
            if not any(word in path for word in _SIGN_IN_WORDS):
                continue
            query_start = link.start("query")
            for parameter in _SHORT_PARAMETER.finditer(link.group("query")):
                if _random(parameter.group("value")):
                    yield "SECRET", query_start + parameter.start("value"), query_start + parameter.end("value")


def _random(value: str) -> bool:
    """Letters and digits mixed as a generated value has them: a digit and a letter, and both cases or length."""
    has_digit = any(char.isdigit() for char in value)
    has_letter = any(char.isalpha() for char in value)
    mixed_case = any(char.isupper() for char in value) and any(char.islower() for char in value)
    return has_digit and has_letter and (mixed_case or len(value) >= 24)
