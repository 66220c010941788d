"""Shortcuts the capture core takes for speed give exactly what the general path gives."""

from __future__ import annotations

import random
import string
from urllib.parse import quote

from evalforge_assets.capture.build import datadog_span_url


def test_the_span_link_is_what_quote_makes_of_every_trace_id() -> None:
    rng = random.Random(7)
    plain = string.ascii_letters + string.digits + "_.:~/-"
    anything = string.printable + "éü€\u2028@%?&#"
    ids = ["", "69a1f7c2000000004a3b2c1d0e9f8a7b", "idh_0f3a", "a:b:c", "x/y~z", "a b", "@", "a%40b", "é"]
    ids += ["".join(rng.choice(plain if n % 2 else anything) for _ in range(rng.randint(0, 40))) for n in range(5_000)]
    for trace_id in ids:
        expected = f"https://app.datadoghq.eu/llm/traces?query={quote(f'@trace_id:{trace_id}')}&selectedSpanId=42"
        assert datadog_span_url("datadoghq.eu", trace_id, "42") == expected, trace_id
