"""What looks like personal data and is not, decided once for the redactor and the post-write check alike (so the
check never flags what the redactor keeps on purpose):

* **Role mailboxes:** an address whose whole local part names a function, not a person (`noreply@`, `support@`,
  `billing@`, `notifications@`, `git@github.com`): it identifies an organisation.
* **Machine-made local parts:** a UUID or a hex digest before the `@` (a Message-ID `<9f00…-…@mail.example>`, a
  Sentry DSN key `9f23d74e…@o5824.ingest.sentry.io`): no one's mailbox.
* **A calendar's own address:** a Google Calendar resource (a room, a projector: `c_iaheu…@resource.calendar.google.com`)
  or a shared or imported calendar (`…@group.calendar.google.com`), which the calendar made and no person reads.
* **Loopback and unspecified addresses** (`127.0.0.1`, `0.0.0.0`, `::1`): every machine's own.
* **A website's address in a HAR entry** (`"serverIPAddress": "151.101.161.168"`), which the format defines as the
  server the browser reached. Other hosts are hidden: a proxy's upstream, a connection string's host, the host curl
  tries may be a person's machine (a home server, a developer's box), corpora written by different people disagree
  there, and a leak costs more than a hidden host.
* **A value masked already** (`[FILTERED]` as Rails logs a parameter, `[REDACTED]`, `***`, `sk-...redacted`), or a
  template's placeholder of words (`changeme-in-prod`, `replace_me`): no secret is left in it.
* **A browser's version in a user agent** (`Chrome/124.0.0.0`, `Edg/124.0.2478.51`): a dotted quad after the name
  of a browser or engine and a slash (any other word and slash may stand before an address: `client/203.0.113.7`).
* **A version written as a dotted quad** after "version", "build", "v" or `==`, also as a key (`version =
  "9.17.2.193"`, `"app_version": "10.2.0.15"`).
"""

from __future__ import annotations

import re

ROLE_MAILBOXES = frozenset(
    [
        "noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "notifications", "notification", "notify",
        "alerts", "billing", "invoices", "invoice", "payments", "accounts", "helpdesk", "support", "help", "info",
        "sales", "admin", "contact", "hello", "team", "security", "privacy", "abuse", "postmaster", "webmaster",
        "hostmaster", "mailer-daemon", "careers", "jobs", "press", "legal", "office", "service", "orders",
        "newsletter", "marketing", "feedback", "git",
    ]
)
_MACHINE_LOCAL = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{24,}")
_LOCAL_PART = re.compile(r"[\w.%+-]+$")
_CALENDAR_DOMAINS = ("@resource.calendar.google.com", "@group.calendar.google.com", "@import.calendar.google.com")
_LOOPBACK_V4 = re.compile(r"127\.\d{1,3}\.\d{1,3}\.\d{1,3}|0\.0\.0\.0")


def not_a_persons_mailbox(address: str) -> bool:
    """Whether the e-mail address `address` is a role mailbox, a calendar's own or has a machine-made local part."""
    if address.lower().endswith(_CALENDAR_DOMAINS):
        return True
    # The local part as a mailbox has it: a loose match may start with what stood before it (`https://…@`).
    local = _LOCAL_PART.search(address.rpartition("@")[0].lower())
    return local is not None and (local.group() in ROLE_MAILBOXES or _MACHINE_LOCAL.fullmatch(local.group()) is not None)


_HAR_SERVER_BEFORE = re.compile(r"(?i)\bserveripaddress[\"']?[ \t]*[=:][ \t]*[\"']?\Z")
_HAR_SERVER_REACH = 40


def a_websites_address(text: str, start: int) -> bool:
    """Whether the address at `start` is a HAR entry's `serverIPAddress` (see the module's docstring)."""
    return _HAR_SERVER_BEFORE.search(text, max(0, start - _HAR_SERVER_REACH), start) is not None


def a_loopback_address(address: str) -> bool:
    return _LOOPBACK_V4.fullmatch(address) is not None or address in ("::1", "::")


_BROWSER_BEFORE = re.compile(
    r"(?:Chrome|Chromium|HeadlessChrome|CriOS|Edg|EdgA|EdgiOS|OPR|Opera|Firefox|FxiOS|Safari|Version|AppleWebKit"
    r"|Gecko|YaBrowser|SamsungBrowser|Electron|UCBrowser|Vivaldi|Brave|Mobile|Trident)/$"
)


_VERSION_WORDS = frozenset({"version", "ver", "ver.", "release", "build", "v"})


def after_a_version_word(text: str, index: int) -> bool:
    """Whether a dotted quad at `index` follows "version", "build", "v" or "==", also as a quoted key or the last
    part of one (`version = "9.17.2.193"`, `"app_version": "…"`): then 1.2.3.4 is a version."""
    before = text[max(0, index - 24) : index]
    if before.endswith("=="):
        return True
    words = re.split(r"[^a-z.]+", before.rstrip(" \t:=\"'").lower())
    return bool(words) and words[-1] in _VERSION_WORDS


def a_product_version(text: str, start: int) -> bool:
    """Whether the dotted quad at `start` is a browser's version in a user agent (`Chrome/124.0.0.0`)."""
    return start >= 2 and text[start - 1] == "/" and _BROWSER_BEFORE.search(text, max(0, start - 16), start) is not None


_MASK = re.compile(
    r"\[?(?:FILTERED|REDACTED|MASKED|HIDDEN|REMOVED|SCRUBBED)\]?|[*•x]{3,}|<(?:redacted|hidden|masked)>"
    r"|[\w-]{0,12}\.{3}[ \t]*(?:redacted|masked|hidden)"
    # A template's placeholder, words only (`changeme-in-prod`, `change_me`, `replace-me`); `Changeme12` is a password.
    r"|(?:change|replace)[-_.]?me(?:[-_.][a-z]+){0,3}",
    re.IGNORECASE,
)


def a_mask(value: str) -> bool:
    """Whether `value` (found where a secret would stand) is a mask that hides one, or a file's path in lower case
    that says where the secret is kept (`the password is in /etc/shadow.`, `password: /run/secrets/db_password`), not
    the secret itself. A password with slashes has capitals or symbols in it (`/Xy7!q/9z`)."""
    value = value.strip(" \t\"'")
    return _MASK.fullmatch(value) is not None or _FILE_PATH.fullmatch(value) is not None


_FILE_PATH = re.compile(r"(?:~|\.{1,2})?/[a-z._-]+(?:/[a-z0-9._-]+)+/?[.,;:]?")
