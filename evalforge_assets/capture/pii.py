"""Finding and removing personal data and secrets in the text Evalforge stores.

Every text a capture keeps (inputs, outputs, messages, errors, stack traces, metadata, tags) goes through
`redact_text` or `sanitize_value`, which replace each finding with a typed placeholder such as `<EMAIL>` and
count it. The blocking Dagster check rescans stored captures with `contains_pii`, so two properties matter as
much as recall:

* redacted output never matches again (placeholders are inert, and `sanitize_value` scans each value with the
  same `"key": "value"` context the check sees when it rescans the JSON);
* operational identifiers stay intact: order ids, UUIDs, versions, prices, timestamps, durations, trace and
  span ids, and numbers that only look like cards, IBANs or SSNs (checksums and number-range rules decide).

Ingestion redacts several texts per failing span at tens of thousands of spans per second, so each detector
runs only when a cheap substring test says it could match, and every pattern is compiled once.

The detector is split by job: `checksums` (Luhn, IBAN mod 97, SSN rules), `pii_patterns` (entity types and
compiled patterns), `pii_finders` (where each kind of finding is looked for); this module settles overlaps,
redacts, and walks JSON-like values. Import from here: it is the public face of all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from evalforge_assets.capture.checksums import IBAN_LENGTHS, iban_valid, luhn_valid, ssn_valid
from evalforge_assets.capture.not_personal import a_mask, a_websites_address
from evalforge_assets.capture.pii_address_more_types import find_streets_of_more_types
from evalforge_assets.capture.pii_address_prose import find_streets_with_the_learned_look
from evalforge_assets.capture.pii_address_scripts import streets_off_ids, thai_streets_ended
from evalforge_assets.capture.pii_address_slots import streets_in_found_places
from evalforge_assets.capture.pii_decode import encoded_letters_view, prepare
from evalforge_assets.capture.pii_finders import _candidates
from evalforge_assets.capture.pii_key_names import _normalized
from evalforge_assets.capture.pii_library import library_candidates
from evalforge_assets.capture.pii_name_echoes import lower_case_echoes, name_echoes
from evalforge_assets.capture.pii_names_after_model import add_names_after_the_model
from evalforge_assets.capture.pii_names_beside import addressee_names
from evalforge_assets.capture.pii_names_in_rows import contact_cell_names
from evalforge_assets.capture.pii_names_learned import learned_names
from evalforge_assets.capture.pii_names_pairs import partners_of_found_names
from evalforge_assets.capture.pii_names_slots import slot_names
from evalforge_assets.capture.pii_not_people import names_no_one, names_no_one_after_the_model
from evalforge_assets.capture.pii_pairs import credential_id_keys
from evalforge_assets.capture.pii_patterns import (
    _PLACEHOLDER,
    _RANK,
    PII_ENTITIES,
    SECRET_ENTITIES,
    Candidate,
    PiiMatch,
    placeholder,
)
from evalforge_assets.capture.pii_phones import an_id_in_place, split_joined_numbers
from evalforge_assets.capture.pii_shapes import Shapes
from evalforge_assets.capture.pii_street_phones import phones_beside_streets
from evalforge_assets.capture.pii_taken import TakenSpans
from evalforge_assets.capture.pii_unspaced import SPACED_OUT, unspaced_view
from evalforge_assets.capture.pii_value_echoes import value_echoes

__all__ = [
    "IBAN_LENGTHS",
    "PII_ENTITIES",
    "SECRET_ENTITIES",
    "PiiMatch",
    "contains_pii",
    "find_pii",
    "forget_known_clean",
    "iban_valid",
    "key_entity",
    "luhn_valid",
    "placeholder",
    "redact_tag",
    "redact_text",
    "rule_findings",
    "sanitize_value",
    "ssn_valid",
]

# Findings of strings already scanned: metadata keys and values, tags, enum-like fields, system prompts,
# templated error messages and stack traces repeat across spans, and the detector is a pure function of its
# text, so a dict lookup answers a repeat. Bounded in entries and in the length of a remembered string (so
# at most a few tens of MB); cleared when full, which keeps every lookup O(1) without LRU bookkeeping.
_MEMO: dict[str, tuple[PiiMatch, ...]] = {}
_MEMO_LIMIT = 32_768
_MEMO_MAX_LENGTH = 1_024


def find_pii(text: str) -> list[PiiMatch]:
    """Every finding in `text`, non-overlapping and sorted by start.

    Overlaps are settled by entity precedence (`PII_ENTITIES` order), then by length, so a URL's credentials
    win over an email-looking `password@host`, and an API key after `api_key=` is reported once, as API_KEY.
    """
    if len(text) > _MEMO_MAX_LENGTH:
        return _find(text)
    known = _MEMO.get(text)
    if known is None:
        known = tuple(_find(text))
        if len(_MEMO) >= _MEMO_LIMIT:
            _MEMO.clear()
        _MEMO[text] = known
    return list(known)


def forget_known_clean() -> None:
    """Empty the memos of scanned and redacted strings, so a benchmark times cold lookups."""
    _MEMO.clear()
    _REDACTED.clear()


def rule_findings(text: str) -> list[PiiMatch]:
    """The findings of the rules alone, without the learned look at the words they left
    (`pii_names_learned`): what that model is trained on top of (`tools/train_person_model.py`)."""
    return _find(text, learned=False)


def _find(text: str, learned: bool = True) -> list[PiiMatch]:
    if len(text) < 3:
        return []
    shapes = Shapes.of(text)
    candidates = _candidates(text, shapes) + library_candidates(text, shapes, learned)
    if learned:  # not among the rules the person model is trained on (`find_streets_with_the_learned_look`)
        candidates += find_streets_with_the_learned_look(text, shapes)
        candidates += find_streets_of_more_types(text)
    if (view := unspaced_view(text)) is not None:  # a number against Chinese, Japanese, Korean or Thai letters
        view_shapes = Shapes.of(view)
        candidates += [candidate for candidate in _candidates(view, view_shapes) + library_candidates(view, view_shapes, learned)
                       if candidate[0] not in SPACED_OUT
                       and not (candidate[0] == "PHONE" and an_id_in_place(text, candidate[1], candidate[2]))]
    if "/" in text or " - " in text:
        candidates = split_joined_numbers(text, candidates)
    if learned:  # not among the rules the person model is trained on, as `find_streets_with_the_learned_look`
        candidates = thai_streets_ended(text, streets_off_ids(text, candidates))
    if not candidates and not learned:
        return []
    if "<" in text:
        # Redacted text must never match again: a finding that takes in a placeholder is no finding.
        candidates = [c for c in candidates if not _PLACEHOLDER.search(text, c[1], c[2])]
    # A value masked already (`password=[FILTERED]`, `api_key: ***`) holds no secret (`not_personal`).
    candidates = [c for c in candidates if c[0] not in _SECRET_KINDS or not a_mask(_widened(text, c))]
    # A company (`Niemi Ky`, `Weber & Lang GmbH`), a place (`São Paulo`) or a model (`Claude Sonnet`) names no one,
    # whichever finder read it.
    candidates = [c for c in candidates if c[0] != "PERSON" or not names_no_one(text, c[1], c[2])]
    # A website's address in a HAR entry (`"serverIPAddress": …`) is no one's (`not_personal`).
    candidates = [c for c in candidates if c[0] != "IP_ADDRESS" or not a_websites_address(text, c[1])]
    candidates = sorted(set(candidates), key=lambda c: (_RANK[c[0]], c[1] - c[2], c[1]))
    accepted: list[Candidate] = []
    taken = TakenSpans()
    for candidate in candidates:
        _accept_if_free(candidate, accepted, taken)
    for candidate in value_echoes(text, accepted):  # a number found once is that number where it stands again
        _accept_if_free(candidate, accepted, taken)
    for candidate in phones_beside_streets(text, accepted):  # an address line's number
        _accept_if_free(candidate, accepted, taken)
    _add_addressees(text, accepted, taken)
    if learned:  # free by construction: only words outside `accepted` are asked about
        for name in learned_names(text, accepted):
            if not names_no_one(text, *name[1:]):
                accepted.append(name)
                taken.take(name[1], name[2])
        add_names_after_the_model(text, accepted, taken, shapes, lambda c: _accept_if_free(c, accepted, taken))
        accepted = [c for c in accepted if c[0] != "PERSON" or not names_no_one_after_the_model(text, c[1], c[2])]
    _add_partners(text, accepted, taken)
    # A name inside a finding that ranks above it (`maria dot lopez at gmail dot com`) still names someone whose
    # other mentions are echoes of it.
    kept = set(accepted)
    emails = [(start, end) for entity, start, end in accepted if entity == "EMAIL"]
    inside = [c for c in candidates if c[0] == "PERSON" and c not in kept and _inside_email(c, emails)] if emails else []
    _add_name_echoes(text, accepted, inside, taken)
    if learned:  # after the model, as its training words are the rules' (`tools/train_person_model.py --check`)
        for candidate in lower_case_echoes(text, [c for c in accepted if c[0] == "PERSON"]):
            _accept_if_free(candidate, accepted, taken)
        if "\n" in text:  # a list's other streets, in the place of one found (`pii_address_slots`)
            for candidate in streets_in_found_places(text, tuple(accepted)):
                _accept_if_free(candidate, accepted, taken)
    accepted.sort(key=lambda c: c[1])
    return [PiiMatch(entity, start, end, text[start:end]) for entity, start, end in accepted]


_SECRET_KINDS = frozenset({"SECRET", "PASSWORD", "API_KEY", "TOKEN", "BEARER_TOKEN"})


def _widened(text: str, candidate: Candidate) -> str:
    """The candidate's text with a bracket just before or after it (a finder may stop inside `[FILTERED]`)."""
    _, start, end = candidate
    start -= start > 0 and text[start - 1] == "["
    end += end < len(text) and text[end] == "]"
    return text[start:end]


def _add_addressees(text: str, accepted: list[Candidate], taken: TakenSpans) -> None:
    """The name on the line above a street line, and the contact's name in the cell before a phone or an e-mail
    address (`pii_names_beside`, `pii_names_in_rows`), where nothing else was found."""
    streets = [candidate for candidate in accepted if candidate[0] == "STREET_ADDRESS"]
    if streets and ("\n" in text or "\\n" in text):  # a line break, or one escaped inside a JSON string
        for candidate in addressee_names(text, streets):
            if not names_no_one(text, candidate[1], candidate[2]):  # a letter's sender firm (`Madsen ApS`)
                _accept_if_free(candidate, accepted, taken)
    contacts = [candidate for candidate in accepted if candidate[0] in ("PHONE", "EMAIL")]
    if contacts and ("|" in text or "\t" in text):
        for candidate in contact_cell_names(text, contacts):
            if not taken.overlaps(candidate[1], candidate[2]) and not names_no_one(text, candidate[1], candidate[2]):
                _accept_if_free(candidate, accepted, taken)


def _add_partners(text: str, accepted: list[Candidate], taken: TakenSpans) -> None:
    """A name joined by "and" to a found name (`pii_names_pairs`), or in its place in lines written from the same
    template (`pii_names_slots`), where nothing else was found."""
    names = [candidate for candidate in accepted if candidate[0] == "PERSON"]
    if names:
        found = partners_of_found_names(text, names)
        if "\n" in text:  # the same place of lines written from one template (`pii_names_slots`)
            found = [*found, *slot_names(text, names)]
        for candidate in found:
            if not names_no_one(text, candidate[1], candidate[2]):
                _accept_if_free(candidate, accepted, taken)


def _inside_email(candidate: Candidate, emails: list[tuple[int, int]]) -> bool:
    _, start, end = candidate
    return any(email_start <= start and end <= email_end for email_start, email_end in emails)


def _add_name_echoes(text: str, accepted: list[Candidate], hidden: list[Candidate], taken: TakenSpans) -> None:
    """The found names' other mentions (`pii_name_echoes`), where nothing else was found; `hidden` are names
    found inside an e-mail address, which is redacted whole."""
    names = [candidate for candidate in accepted if candidate[0] == "PERSON"] + hidden
    if not names:
        return
    for candidate in name_echoes(text, names):
        _accept_if_free(candidate, accepted, taken)


def _accept_if_free(candidate: Candidate, accepted: list[Candidate], taken: TakenSpans) -> None:
    """Take `candidate` unless it overlaps one already taken (which ranked before it)."""
    if taken.take(candidate[1], candidate[2]):
        accepted.append(candidate)


def contains_pii(text: str) -> bool:
    """True when `text` still holds a finding, also once normalized and decoded; placeholders such as
    `<EMAIL>` are not findings."""
    if find_pii(text):
        return True
    found: dict[str, int] = {}
    return bool(_found(prepare(text, _redact_decoded, found), find_pii)) or bool(found)


def _found(text: str, find: Callable[[str], list[PiiMatch]]) -> list[PiiMatch]:
    """`find`'s findings in `text` read with its encoded letters as letters (`encoded_letters_view`), placed on
    `text` itself."""
    if (view := encoded_letters_view(text)) is None:
        return find(text)
    letters, origin = view
    return [PiiMatch(m.entity, origin[m.start], origin[m.end], text[origin[m.start] : origin[m.end]])
            for m in find(letters)]


def _apply(text: str, matches: list[PiiMatch], counts: dict[str, int] | None) -> str:
    parts: list[str] = []
    position = 0
    for match in matches:
        parts.append(text[position : match.start])
        parts.append(placeholder(match.entity))
        position = match.end
        if counts is not None:
            counts[match.entity] = counts.get(match.entity, 0) + 1
    parts.append(text[position:])
    return "".join(parts)


# Redacted forms of strings already redacted, keyed by (JSON key context, text), with what was counted: keys,
# tag values and templated values repeat, and redaction is a pure function of them, so a repeat skips the
# normalizing and decoding pass as well as the scan. Bounded like _MEMO.
_REDACTED: dict[tuple[str, str], tuple[str, tuple[tuple[str, int], ...]]] = {}


def _remembered(
    prefix: str, text: str, counts: dict[str, int] | None, redact: Callable[[str, str, dict[str, int]], str]
) -> str:
    if len(text) > _MEMO_MAX_LENGTH:
        return redact(prefix, text, counts) if counts is not None else redact(prefix, text, {})
    known = _REDACTED.get((prefix, text))
    if known is None:
        found: dict[str, int] = {}
        known = (redact(prefix, text, found), tuple(found.items()))
        if len(_REDACTED) >= _MEMO_LIMIT:
            _REDACTED.clear()
        _REDACTED[(prefix, text)] = known
    if counts is not None:
        for entity, count in known[1]:
            counts[entity] = counts.get(entity, 0) + count
    return known[0]


def redact_text(text: str, counts: dict[str, int] | None = None) -> str:
    """`text` normalized (NFKC, no zero-width characters), with encoded segments that hide findings decoded,
    and every finding replaced by its placeholder; `counts[entity]` grows by one per finding."""
    known = _REDACTED.get(("", text))
    if known is not None and not known[1]:
        return known[0]  # `_remembered`'s answer for a string seen before that held nothing, one call sooner
    return _remembered("", text, counts, _redact_plain)


def _redact_plain(_: str, text: str, counts: dict[str, int]) -> str:
    return _decoded_and_redacted(text, counts, find_pii)


def _decoded_and_redacted(text: str, counts: dict[str, int], find: Callable[[str], list[PiiMatch]]) -> str:
    if not text.isascii() or "%" in text or len(text) >= 16:
        text = prepare(text, _redact_decoded, counts)
    matches = _found(text, find)
    return _apply(text, matches, counts) if matches else text


def _redact_decoded(text: str, counts: dict[str, int] | None) -> str:
    """A decoded segment redacted by the rules alone: the learned look at capitalised words (`pii_names_learned`)
    reads text as people write it, and random bytes decoded as text are full of capitals, so whether a segment
    hides something, and is therefore decoded in the output, is the rules' call."""
    return _remembered(_DECODED, text, counts, _redact_by_rules)


_DECODED = "\0decoded"  # the memo's prefix for decoded segments (no key of a JSON-like value holds a NUL)


def _redact_by_rules(_: str, text: str, counts: dict[str, int]) -> str:
    return _decoded_and_redacted(text, counts, rule_findings)


# ------------------------------------------------------------------------------------------ JSON-like values


_SECRET_KEY_SUFFIXES = (
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "apikey",
    "accesskey",
    "privatekey",
    "secretkey",
    "token",
    "auth",
    "authorization",
    "credential",
    "credentials",
    "cookie",
    "signature",
    "sessionkey",
)
_PASSWORD_KEY_SUFFIXES = ("password", "passwd", "passphrase", "pwd")
_EMAIL_KEYS = frozenset({"email", "emailaddress", "mail", "useremail", "usremail", "customeremail"})
_PHONE_KEYS = frozenset({"phone", "phonenumber", "mobile", "telephone", "userphone", "customerphone"})
_USER_KEYS = frozenset(
    {"user", "userid", "username", "usrid", "usrname", "login", "customerid", "enduserid", "accountemail"}
)


@lru_cache(maxsize=4096)
def key_entity(key: str) -> str | None:
    """The placeholder type that replaces any value stored under `key`, or None for an ordinary key.

    Secret-like keys (password, api_key, Authorization, client_secret, ...) and keys that identify a person
    (user_id, email, phone) hide their whole value, whatever it looks like. Matching ignores case and
    separators, so `X-Api-Key`, `api_key` and `apiKey` are the same key.
    """
    normalized = _normalized(key)
    if not normalized:
        return None
    if normalized.endswith(_PASSWORD_KEY_SUFFIXES):
        return "PASSWORD"
    if normalized.endswith(_SECRET_KEY_SUFFIXES):
        return "SECRET"
    if normalized in _EMAIL_KEYS:
        return "EMAIL"
    if normalized in _PHONE_KEYS:
        return "PHONE"
    if normalized in _USER_KEYS:
        return "USER_ID"
    return None


def _count(counts: dict[str, int] | None, entity: str) -> None:
    if counts is not None:
        counts[entity] = counts.get(entity, 0) + 1


def _redact_in_context(text: str, prefix: str, counts: dict[str, int] | None) -> str:
    """Redact `text` as it reads after `prefix` (its JSON key), keeping only findings inside `text`.

    The blocking check rescans captures as JSON, where a value reads `"ssn": "123456789"`; scanning the value
    with the same context here means anything the check would flag has already been removed.
    """
    return _remembered(prefix, text, counts, _redact_after)


def _redact_after(prefix: str, text: str, counts: dict[str, int]) -> str:
    if not text.isascii() or "%" in text or len(text) >= 16:
        text = prepare(text, _redact_decoded, counts)
    matches = _found(prefix + text, find_pii)
    if not matches:
        return text
    offset = len(prefix)
    inside = [
        PiiMatch(m.entity, max(m.start, offset) - offset, m.end - offset, "")
        for m in matches
        if m.end > offset
    ]
    return _apply(text, inside, counts) if inside else text


def redact_tag(tag: str, counts: dict[str, int] | None = None) -> str:
    """A `key:value` tag with its value hidden when the key is secret-like or names a user, else redacted."""
    # Remembered like `redact_text` (a span carries about ten tags, most of them seen on earlier spans).
    return _remembered("tag", tag, counts, _redact_tag)


def _redact_tag(_: str, tag: str, counts: dict[str, int]) -> str:
    tag_key, separator, tag_value = tag.partition(":")
    if separator and tag_value:
        entity = key_entity(tag_key)
        if entity is not None and tag_value != placeholder(entity):
            _count(counts, entity)
            return f"{tag_key}:{placeholder(entity)}"
    return redact_text(tag, counts)


@lru_cache(maxsize=4096)
def _key_role(key: str) -> tuple[str | None, bool]:
    """(placeholder type for values under `key`, whether `key` holds `key:value` tags)."""
    return key_entity(key), _normalized(key) == "tags"


def sanitize_value(value: Any, counts: dict[str, int] | None = None, key: str | None = None) -> Any:
    """A redacted copy of a JSON-like value: strings redacted, containers walked, nothing changed in place.

    `key` is the dict key (or the field name) the value sits under: values under secret-like or
    user-identifying keys are replaced whole by a placeholder, and the elements of a `tags` list are treated
    as `key:value` tags.
    """
    entity, holds_tags = _key_role(key) if key is not None else (None, False)
    if entity is not None and value is not None and value != "" and not isinstance(value, bool):
        if value == placeholder(entity) or (entity in _SECRET_KINDS and isinstance(value, str) and a_mask(value)):
            return value
        _count(counts, entity)
        return placeholder(entity)
    if isinstance(value, str):
        if key is None:
            return redact_text(value, counts)
        if holds_tags:
            return redact_tag(value, counts)
        prefix = f'"{key}": "'
        # A value seen before that held nothing is answered here: a span has dozens of such strings.
        known = _REDACTED.get((prefix, value))
        if known is not None and not known[1]:
            return known[0]
        return _redact_in_context(value, prefix, counts)
    if isinstance(value, dict):
        sanitized: dict[Any, Any] = {}
        credential_ids = credential_id_keys(value)
        for k, v in value.items():
            if k in credential_ids:  # the id stored beside a secret names that credential
                _count(counts, "API_KEY")
                sanitized[k] = placeholder("API_KEY")
            elif isinstance(k, str):
                known = _REDACTED.get(("", k))
                sanitized[known[0] if known is not None and not known[1] else redact_text(k, counts)] = (
                    sanitize_value(v, counts, k)
                )
            else:
                sanitized[k] = sanitize_value(v, counts, str(k))
        return sanitized
    if isinstance(value, (list, tuple)):
        if holds_tags:  # what the call per item would do for a string (its key holds tags, no placeholder)
            return [redact_tag(item, counts) if isinstance(item, str) else sanitize_value(item, counts, key)
                    for item in value]
        return [sanitize_value(item, counts, key) for item in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A number can be a card or phone number too; it becomes a placeholder string only if it is one.
        text = str(value)
        if len(text) < 7:
            return value
        redacted = _redact_in_context(text, f'"{key}": ' if key is not None else "", counts)
        return value if redacted == text else redacted
    return value
