"""Message templates skip a pass when a cheap test says it cannot match (review/templates.py). Each test must be a
necessary condition, so the template is the same as with every pass run: this compares `message_template` with
the ungated pipeline on the frozen grouping corpus, the sample source's messages and edge cases chosen to sit on
each gate's boundary. Signature ids are hashes of templates, so any difference would split stored groups."""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from evalforge_assets.capture.sources.sample import generate_spans
from evalforge_assets.review import templates as t
from tests.corpora.grouping_corpus import SPANS_FILE

_ASCII_DIGITS = tuple("0123456789")
_CHARACTERS_NEEDED = {
    "url": ("://",), "object": ("/", "namespace "), "email": ("@",), "arn": ("arn:",), "file": (".",),
    "named": ("-", "/"), "iban": _ASCII_DIGITS, "uuid": ("-",), "ip": (":", "."),
    "when": _ASCII_DIGITS, "date": _ASCII_DIGITS, "path": ("/", "\\"), "hostport": (":",), "host": (".",), "hex": _ASCII_DIGITS, "num": _ASCII_DIGITS, "quoted": ("'", '"', "`"), "value": ("=",),
}
# The id candidate as it was before its length and digit lookaheads: every token goes to `_is_id`.
_EVERY_TOKEN = re.compile(r"(?<![\w<>/-])[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*(?![\w>/-])")


def _ungated(message: str) -> str:
    """`message_template` with every pass run, in the same order (the rules of review/templates.py)."""
    message = message[: t.MAX_INPUT]
    if frames := t._FRAMES.search(message):
        message = message[: frames.start()]
    if trailer := t._SQL_TRAILER.search(message):
        message = message[: trailer.start()]
    text = t._SANITIZED.sub(lambda m: f"<{m.group(0)[1:-1].lower()}>", message)
    text = t._payloads_to_keys(text).replace("\x00", "")
    text = t._ERRNO_TUPLE.sub(r"E\1 \3", text)
    kept = [t._status_class(value) for value in t._KEPT.findall(text)]
    text = t._KEPT.sub("\x00", text)
    text = t._BRACKETED.sub("<id>", text)
    for name, pattern in t._TOKEN_CLASSES:
        # The one gate templates had before the pass gates: a class whose characters are absent is not run (so
        # a text with only other scripts' digits gets no date, hex or number placeholders).
        if any(marker in text for marker in _CHARACTERS_NEEDED[name]):
            text = pattern.sub(t.replacement(name), text)
        if name == "hex":
            text = _EVERY_TOKEN.sub(lambda m: "<id>" if t._is_id(m.group(0)) else m.group(0), text)
    text = t._GLUED.sub(t._glued, text)
    text = t._ONE_SLOT.sub("<id>", text)
    text = t._RUN.sub(lambda m: f"<{m.group(1)}>", text)
    for _ in range(3):
        text = t._ASIDE.sub(t._drop_short_aside, text)
    text = t._SQUARE_ASIDE.sub(t._drop_short_aside, text)
    depth, out = 0, []
    for char in text:  # closers that close nothing are dropped
        if char == ")":
            if depth == 0:
                continue
            depth -= 1
        elif char == "(":
            depth += 1
        out.append(char)
    text = re.sub(r"\s+", " ", "".join(out)).strip()
    for _ in range(3):
        text = t._TRAILING.sub("", text)
    for value in kept:
        text = text.replace("\x00", value, 1)
    return text[: t.MAX_TEMPLATE]


def _strings(value: Any, out: set[str]) -> None:
    if isinstance(value, str):
        out.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)


EDGE_CASES = [
    "Upstream said 502 Bad Gateway (attempt 2 of 3)", "status 429 from code:404 HTTP/503", "code 4O4 Not Found",
    "uuid 123e4567-e89b-12d3-a456-426614174000 and 123e4567e89b", "one-two-three-four", "ip 10.0.0.1:8080",
    "v6 fe80::1%eth0 and ::ffff:10.1.2.3", "a:b", "at 2026-01-03T10:11:12Z or 10:11:12 or 2026/01/03 or 12-34",
    "0xDEADBEEF and deadbeef00 and deadbeefcafe", "host web-42.acme.info and api.example.com. and a.b",
    "ch_o94nOlhvDbNIx7gDXIEp9Zeo org-rnBrXkQpLmZtWvYsUaHeJcDf products_v8 abcdefgh1 abcdefghijklm",
    "RateLimitErrorForTheWholeOrganization kQzLpWmXnRtYvBsD in_iL2Wme43BrEg50mimMIEhY24 x" + "y" * 30,
    "glued logs-2026.01.03 srv-12.walsh.info [logs-2026.01.03] [price] (shard 5/12) ((nested) (a 1))",
    "unmatched ) closers ) here (and (open", "trailing for order 12345.", "to host 10.0.0.1)", "a\u2003b\x1c c",
    "Error code: 429 - {'error': {'message': 'Rate limit', 'code': 'rate_limit_exceeded'}}", 'x={"a": [1, 2]}',
    "key=value&other=<EMAIL_ADDRESS> <PHONE> name=<PERSON>", "٣٤٥ Arabic-Indic digits 12٣4 and ５０２ Bad Gateway",
    "see https://x.example/a?b=1, a.b@c.io, C:\\dir\\f.txt and /usr/lib/x.py", "only ٢٠٢٦-٠١-٠٣ and deadbeefcafe",
    "Missing key 'price' in \"cart\" or `sku`", "", "   ", "((()))", "<num> <id>", "deadline of 800ms (shard 5/12)", "timed out after 10 seconds",
    "exporting to otel-collector.observability:4317 and redis:6379, 10.0.0.1:5432, line:42", "host:port a:12",
    "expired on Tue, 03 Feb 2026 10:04:05 GMT, Feb 3, 2026 or 3rd March 2026", "Mayday 12, 2026", "May 2026",
    "not known [req-8f7e6d5c4b] [WHERE \"id\" = $1] [ERROR] [a b c d e f <id>]",
    "User: arn:aws:sts::699116564168:assumed-role/r/i-095d85ba06eb0232a denied on arn:aws:s3:::bucket/key, arn:x",
    "open /var/att/2026/03/e8aa9652-af56-432a-b56a-abac869d0842/export.csv", "refused for 439.94 BRL or 5 USDC",
    "parse faktura_final.xlsx, IMG_2031.HEIC, .pdf, a.pdf.bak, config.json", "Lambda function gw-webhook-relay failed",
    "in repo acme-ml/ner-pl-base and table users, bucket -x", "rachunek PL84 9583 2661 4688 6250 6183 1990 or PL84 12",
    "exit code 1. Code=-1009 errno=13 cStat=204 STATUS 12 ERROR CODE: 7 <HttpError 403 x> returned 404 postal code 2000",
    'error="invalid_token", code="NoRoute", name="bob", code=`x`',
]


def _corpus_messages() -> set[str]:
    found: set[str] = set(EDGE_CASES)
    with gzip.open(SPANS_FILE, "rt") as handle:
        for line in handle:
            _strings(json.loads(line), found)
    for span in generate_spans(3000, seed=11, start=datetime(2026, 2, 1, tzinfo=UTC)):
        _strings(span, found)
    return found


def test_gated_templates_equal_the_ungated_pipeline() -> None:
    messages = sorted(_corpus_messages())
    assert len(messages) > 10_000
    t.forget_templates()
    differing = [m for m in messages if t.message_template(m) != _ungated(m)]
    assert differing == []


@pytest.mark.parametrize("name", ["url", "email", "arn", "file", "named", "iban", "uuid", "ip", "when", "date", "path", "hostport", "host", "hex", "num",
                                  "quoted", "value"])
def test_a_gate_narrowed_past_its_pattern_is_caught(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # A gate that refuses too much must show up as a difference; otherwise the comparison proves nothing.
    narrowed = dict(t._MAY_MATCH)
    narrowed[name] = lambda text: False
    monkeypatch.setattr(t, "_MAY_MATCH", narrowed)
    # With the value placeholders kept apart: merged into `<id>`, a uuid that the hex and id classes mask instead
    # would give the same template, and the check would prove nothing about the uuid gate.
    monkeypatch.setattr(t, "_ONE_SLOT", re.compile(r"(?!)"))
    t.forget_templates()
    try:
        assert any(t.message_template(m) != _ungated(m) for m in EDGE_CASES)
    finally:
        t.forget_templates()


def _balanced_end_by_characters(text: str, start: int) -> int | None:
    """The brace matcher as a step per character (what `_balanced_end` computes by jumping between the
    characters that change its state)."""
    depth, quote, index = 0, "", start
    limit = min(len(text), start + t._MAX_PAYLOAD)
    while index < limit:
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return None


def test_payload_ends_are_found_as_a_step_per_character_finds_them() -> None:
    cases = sorted(m for m in _corpus_messages() if "{" in m) + [
        r"{'a': 'x\'}'} tail", r'{"a": "x\\"} }', r'{"a": "\"{"}', "{'a': {'b': '}'}}", "{\\}", "{'open",
        "{" + "x" * (t._MAX_PAYLOAD + 5) + "}", "{{}", "}{}", r"{'a\\': 1}", "{'k': \"it's\"}",
    ]
    assert len(cases) > 100
    for text in cases:
        for start in (i for i, char in enumerate(text) if char == "{"):
            assert t._balanced_end(text, start) == _balanced_end_by_characters(text, start), (text, start)
