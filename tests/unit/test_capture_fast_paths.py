"""Shortcuts the capture core takes for speed give exactly what the general path gives."""

from __future__ import annotations

import random
import string
from urllib.parse import quote

from evalforge_assets.capture.build import datadog_span_url
from evalforge_assets.capture.pii import forget_known_clean, redact_tag, sanitize_value


def test_the_span_link_is_what_quote_makes_of_every_trace_id() -> None:
    rng = random.Random(7)
    plain = string.ascii_letters + string.digits + "_.:~/-"
    anything = string.printable + "éü€\u2028@%?&#"
    ids = ["", "69a1f7c2000000004a3b2c1d0e9f8a7b", "idh_0f3a", "a:b:c", "x/y~z", "a b", "@", "a%40b", "é"]
    ids += ["".join(rng.choice(plain if n % 2 else anything) for _ in range(rng.randint(0, 40))) for n in range(5_000)]
    for trace_id in ids:
        expected = f"https://app.datadoghq.eu/llm/traces?query={quote(f'@trace_id:{trace_id}')}&selectedSpanId=42"
        assert datadog_span_url("datadoghq.eu", trace_id, "42") == expected, trace_id


def test_tags_are_redacted_and_counted_the_same_from_memory_and_fresh() -> None:
    tags = ["env:prod", "password:hunter2hunter2", "user_id:u-123", "note:mail ann@example.com",
            "session_id:sess-1a2b3c4d", "bare", "card:4111 1111 1111 1111", "token:<SECRET>", 42]
    expected_counts: dict[str, int] = {}
    expected = [redact_tag(tag, expected_counts) if isinstance(tag, str) else tag for tag in tags]
    assert expected[1] == "password:<PASSWORD>" and "<EMAIL>" in expected[3] and "<CREDIT_CARD>" in expected[6]
    for remembered in (False, True):  # once remembering nothing, once answered from memory
        if not remembered:
            forget_known_clean()
        counts: dict[str, int] = {}
        assert sanitize_value(tags, counts, key="tags") == expected
        assert counts == expected_counts and list(counts) == list(expected_counts)
