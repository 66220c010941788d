"""Fingerprints: parameterization order, what groups and what does not, stable versioned ids."""

from __future__ import annotations

import pytest

from evalforge_assets.review.fingerprint import (
    normalize_stack,
    parameterize,
    signature_id_of,
    title_of,
)


@pytest.mark.parametrize("message, expected", [
    ("Order 4411 timed out after 8423ms", "Order <int> timed out after <duration>"),
    ("user <EMAIL> not found", "user <email> not found"),
    ("GET https://api.example.com/v1/orders/77 failed", "GET <url> failed"),
    ("connect to db-3.internal refused", "connect to <hostname> refused"),
    ("peer 10.0.4.17 reset", "peer <ip> reset"),
    ("id 3f2b8c1e-9d4a-4b7e-8f1a-2c3d4e5f6a7b missing", "id <uuid> missing"),
    ("blob 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b", "blob <sha1>"),
    ("at 2026-01-02T03:04:05Z cache stale", "at <date> cache stale"),
    ("bad pointer 0x7ffde4a1", "bad pointer <hex>"),
    ("ratio 0.73 too low", "ratio <float> too low"),
    ("field 'shipping_address' invalid", "field <quoted> invalid"),
    ("retry with limit=25 and mode=fast", "retry with limit=<int> and mode=<value>"),
])
def test_parameterize_replaces_variable_parts(message: str, expected: str) -> None:
    assert parameterize(message) == expected


def test_same_template_different_values_share_a_message() -> None:
    a = parameterize("Tool search_orders timed out after 30s for order 4411 (user <EMAIL>)")
    b = parameterize("Tool search_orders timed out after 12.5s for order 97 (user <EMAIL>)")
    assert a == b


def test_different_templates_do_not_share_a_message() -> None:
    assert parameterize("Tool search_orders timed out after 30s") != parameterize("Tool search_orders failed after 30s")
    assert parameterize("KeyError: 'price'") == parameterize("KeyError: 'sku'")  # quoted values are parameters


def test_stack_frames_keep_in_app_function_names_only() -> None:
    stack = (
        'Traceback (most recent call last):\n'
        '  File "/srv/app/agents/support.py", line 88, in answer\n'
        '  File "/usr/lib/python3.11/site-packages/httpx/_client.py", line 901, in send\n'
        '  File "/srv/app/tools/orders.py", line 12, in lookup_order\n'
    )
    assert normalize_stack(stack) == ["agents/support.py:answer", "tools/orders.py:lookup_order"]
    assert normalize_stack(stack.replace("line 88", "line 90")) == normalize_stack(stack)


def test_signature_id_is_stable_and_versioned() -> None:
    fingerprint = {"version": 1, "ml_app": "a", "agent": "b", "failure_kind": "error", "error_type": "E",
                   "message": "m", "evaluations": [], "stack": []}
    assert signature_id_of(fingerprint) == signature_id_of(dict(reversed(list(fingerprint.items()))))
    assert signature_id_of(fingerprint).startswith("sig_v1_")
    assert signature_id_of({**fingerprint, "version": 2}).startswith("sig_v2_")
    assert title_of(fingerprint) == "E: m (a/b)"
