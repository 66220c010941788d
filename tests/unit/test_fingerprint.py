"""Fingerprints: message templates by token class, what groups and what does not, stable versioned ids.

The cases marked "issue 9" are the ones that split groups on data nobody here wrote; each fails on fingerprint v1.
"""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from evalforge_assets.review.fingerprint import (
    FINGERPRINT_VERSION,
    MAX_TEMPLATE,
    RULE_MESSAGE_ONLY,
    RULE_TYPE_AND_MESSAGE,
    RULE_TYPE_ONLY,
    error_parts,
    extends,
    fingerprint_of,
    joins,
    normalize_stack,
    parameterize,
    shorter_forms,
    signature_id_of,
    title_of,
)
from tests.fixtures.factories import make_capture


# Numbers, ids, uuids, hex and the sanitizer's value placeholders are one placeholder, `<id>` (one slot of one
# failure holds values of several shapes); the kinds that say what failed keep their names.
@pytest.mark.parametrize("message, expected", [
    ("Order 4411 timed out after 8423ms", "Order <id> timed out"),
    ("user <EMAIL> not found", "user <id> not found"),
    ("GET https://api.example.com/v1/orders/77 failed", "GET <url> failed"),
    ("connect to db-3.internal refused", "connect to <host> refused"),
    ("peer 10.0.4.17 reset the connection", "peer <ip> reset the connection"),
    ("id 3f2b8c1e-9d4a-4b7e-8f1a-2c3d4e5f6a7b missing", "id <id> missing"),
    ("blob 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b is corrupt", "blob <id> is corrupt"),
    ("at 2026-01-02T03:04:05Z cache stale", "at <date> cache stale"),
    ("bad pointer 0x7ffde4a1 dereferenced", "bad pointer <id> dereferenced"),
    ("ratio 0.73 too low", "ratio <id> too low"),
    ("field 'shipping_address' invalid", "field <quoted> invalid"),
    ("retry with limit=25 and mode=fast", "retry with limit=<id> and mode=<value>"),
    ("cannot open /srv/app/data/orders.parquet", "cannot open <path>"),
    ("session u-6a1B9xQ2 expired", "session <id> expired"),
    ("minimum order total is $25.00", "minimum order total is <id>"),
    ("got 404 Not Found from the catalog", "got 404 Not Found from the catalog"),
    ("Upstream returned HTTP 503", "Upstream returned HTTP 5xx"),
    (("User: arn:aws:sts::699116564168:assumed-role/task-role/i-095d85ba06eb0232a is not authorized to perform: "
      "bedrock:InvokeModel"), "User: <arn> is not authorized to perform: bedrock:InvokeModel"),
    ("cannot open /var/att/2026/03/e8aa9652-af56-432a-b56a-abac869d0842/export.csv: permission denied",
     "cannot open <path>: permission denied"),
    ("card refused for 439.94 BRL", "card refused"),
])
def test_parameterize_masks_variable_parts_by_token_class(message: str, expected: str) -> None:
    assert parameterize(message) == expected


@pytest.mark.parametrize("first, second", [
    # issue 9: mixed-case ids with a prefix (Stripe, OpenAI organizations)
    ("Payment failed for charge ch_o94nOlhvDbNIx7gDXIEp9Zeo", "Payment failed for charge ch_3f9aZZqLmWxYbTrEoPlKjHgF"),
    ("Invoice in_iL2Wme43BrEg50mimMIEhY24 could not be finalized",
     "Invoice in_QxWvTrUoPlMnBgHyTfRdEs12 could not be finalized"),
    # issue 9: a quoted, JSON-like provider error holding an org id, a model and limits
    (("Error code: 429 - {'error': {'message': 'Rate limit reached for gpt-4o-mini in organization "
      "org-rnBrT5xWq9LmKp2ZaVb7YcDe on tokens per min (TPM): Limit 30000, Used 29800, Requested 900. Please try "
      "again in 1.4s. Visit https://platform.openai.com/account/rate-limits to learn more.', 'type': 'tokens', "
      "'param': None, 'code': 'rate_limit_exceeded'}}"),
     ("Error code: 429 - {'error': {'message': 'Rate limit reached for gpt-4o in organization "
      "org-QwErTyUiOpAsDfGhJkLzXcVb on tokens per min (TPM): Limit 200000, Used 199500, Requested 2400. Please try "
      "again in 720ms. Visit https://platform.openai.com/account/rate-limits to learn more.', 'type': 'tokens', "
      "'param': None, 'code': 'rate_limit_exceeded'}}")),
    # issue 9: values that vary inside one failure
    ("rpc Recommend exceeded its deadline of 800ms", "rpc Recommend exceeded its deadline of 2000ms (shard 5/12)"),
    ("Read operation timed out after 10 seconds", "Read operation timed out after 300 seconds (read timeout=300)"),
    ("No such file or directory: /data/exports/2026/01/orders.parquet",
     "No such file or directory: /var/lib/evals/cases.jsonl"),
    ("index_not_found_exception: no such index [logs-2026.01.03]",
     "index_not_found_exception: no such index [customers-eu-7]"),
    ("Query to collection products_v3 timed out", "Query to collection orders-archive-2025 timed out"),
    # a file's name without its directory, a named resource of a kind, an account number shaped like an IBAN
    ("Tika server returned 422 for faktura_final.xlsx", "Tika server returned 422 for IMG_2031.HEIC"),
    ("Lambda function gw-webhook-relay failed: Task timed out", "Lambda function pdf-splitter-prod failed: Task timed out"),
    ("brak środków na rachunku PL84 9583 2661 4688 6250 6183 1990", "brak środków na rachunku PL13 8976 5885 9411 1511"),
    ("Invalid postal code 2000 for the address", "Invalid postal code 3051 for the address"),  # not an error code
    ("Key (tenant_id, ref)=(acme-42, MIL-681214) already exists.", "Key (tenant_id, ref)=(zeta, ZRI-787775) already exists."),
])
def test_one_failure_with_different_values_has_one_template(first: str, second: str) -> None:
    assert parameterize(first) == parameterize(second)


@pytest.mark.parametrize("first, second", [
    ("Tool search_orders timed out after 30s", "Tool search_orders failed after 30s"),
    ("Error code: 429 - {'error': {'message': 'Rate limit reached', 'type': 'tokens', 'code': 'rate_limit_exceeded'}}",
     ("Error code: 429 - {'error': {'message': 'You exceeded your current quota', 'type': 'insufficient_quota', "
      "'code': 'insufficient_quota'}}")),
    ("Error code: 400 - {'error': {'code': 'context_length_exceeded'}}",
     "Error code: 429 - {'error': {'code': 'context_length_exceeded'}}"),
    ("got 401 Unauthorized from the catalog", "got 404 Not Found from the catalog"),
    ("rate limited by gpt-4o", "rate limited by claude-3"),
    # codes: short numbers under a code key, quoted codes under one, statuses a client reports
    ("Process completed with exit code 1.", "Process completed with exit code 137."),
    ('Error Domain=NSURLErrorDomain Code=-1009 "The Internet connection appears to be offline."',
     'Error Domain=NSURLErrorDomain Code=-1001 "The request timed out."'),
    ('Directions API error: code="NoRoute" profile=driving', 'Directions API error: code="NoSegment" profile=driving'),
    ('<HttpError 403 when requesting https://x.example/v4/a returned "denied">',
     '<HttpError 404 when requesting https://x.example/v4/a returned "missing">'),
    ("config.json not found in the repository", "tokenizer.json not found in the repository"),
    ('Verify failed: {"status": "16", "error_text": "The code provided does not match"}',
     'Verify failed: {"status": "17", "error_text": "Too many wrong codes"}'),
])
def test_different_failures_keep_different_templates(first: str, second: str) -> None:
    assert parameterize(first) != parameterize(second)


def test_embedded_payloads_keep_keys_and_codes_not_values() -> None:
    message = ('Error code: 400 - {"error": {"message": "Input is too long: 184002 tokens for user 77", '
               '"type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}}')
    assert parameterize(message) == ("Error code: 400 - {error: {message, type:invalid_request_error, "
                                     "param:messages, code:context_length_exceeded}}")


def test_a_huge_or_unbalanced_payload_is_masked_not_parsed() -> None:
    assert parameterize("bad body {'a': 'x") == "bad body {<quoted>: 'x"
    assert len(parameterize("x" * 10_000 + " {" * 5_000)) <= 300


def test_stack_frames_keep_in_app_function_names_only() -> None:
    stack = (
        'Traceback (most recent call last):\n'
        '  File "/srv/app/agents/support.py", line 88, in answer\n'
        '  File "/usr/lib/python3.11/site-packages/httpx/_client.py", line 901, in send\n'
        '  File "/srv/app/tools/orders.py", line 12, in lookup_order\n'
    )
    assert normalize_stack(stack) == ["agents/support.py:answer", "tools/orders.py:lookup_order"]
    assert normalize_stack(stack.replace("line 88", "line 90")) == normalize_stack(stack)


def test_a_stack_never_splits_what_type_and_message_agree_on() -> None:
    with_stack = make_capture(error_stack='Traceback:\n  File "/srv/app/agents/support.py", line 8, in answer\n')
    other_stack = make_capture(error_stack='Traceback:\n  File "/srv/app/agents/other.py", line 9, in reply\n')
    without = make_capture()
    ids = {signature_id_of(fingerprint_of(c)) for c in (with_stack, other_stack, without)}
    assert len(ids) == 1
    assert fingerprint_of(with_stack)["stack"] == ["agents/support.py:answer"]  # still shown


def test_type_names_and_type_prefixes_are_one_type() -> None:
    assert error_parts("openai.RateLimitError", "slow down") == error_parts("RateLimitError", "slow down")
    assert error_parts(None, "KeyError: 'price'") == ("KeyError", "<quoted>")
    assert error_parts("KeyError", "KeyError: 'price'") == error_parts("KeyError", "'sku'")


def test_the_rule_says_which_evidence_built_the_fingerprint() -> None:
    assert fingerprint_of(make_capture())["rule"] == RULE_TYPE_AND_MESSAGE
    assert fingerprint_of(make_capture(error_message=None))["rule"] == RULE_TYPE_ONLY
    assert fingerprint_of(make_capture(error_type=None))["rule"] == RULE_MESSAGE_ONLY


def test_a_partial_fingerprint_joins_only_a_complete_one_of_its_site_that_agrees() -> None:
    complete = fingerprint_of(make_capture())
    type_only = fingerprint_of(make_capture(error_message=None))
    message_only = fingerprint_of(make_capture(error_type=None))
    assert joins(type_only, complete) and joins(message_only, complete)
    assert not joins(complete, complete) and not joins(type_only, message_only)
    assert not joins(type_only, fingerprint_of(make_capture(error_type="ValueError")))
    assert not joins(message_only, fingerprint_of(make_capture(error_message="disk full")))
    assert not joins(type_only, fingerprint_of(make_capture(agent="billing-agent")))
    # A message without a type also joins a complete message it tells with more detail, never the reverse.
    told = fingerprint_of(make_capture(error_message="Payment provider rejected the card. Retrying in 5 seconds"))
    shorter = fingerprint_of(make_capture(error_message="Payment provider rejected the card."))
    assert joins({**told, "rule": RULE_MESSAGE_ONLY, "error_type": None}, shorter)
    assert not joins({**shorter, "rule": RULE_MESSAGE_ONLY, "error_type": None}, told)
    other_step = make_capture()
    other_step = other_step.model_copy(update={"source": other_step.source.model_copy(update={"span_name": "charge"})})
    assert not joins(type_only, fingerprint_of(other_step))


FINGERPRINT = {"version": 5, "ml_app": "a", "agent": "b", "step": "s", "failure_kind": "error", "error_type": "E",
               "message": "m", "evaluations": [], "rule": RULE_TYPE_AND_MESSAGE, "stack": ["x.py:f"]}


def test_signature_id_is_stable_versioned_and_hashes_only_the_key_parts() -> None:
    assert FINGERPRINT_VERSION == 5
    assert signature_id_of(FINGERPRINT) == signature_id_of(dict(reversed(list(FINGERPRINT.items()))))
    assert signature_id_of(FINGERPRINT) == signature_id_of({**FINGERPRINT, "stack": [], "joined": {"r": "why"}})
    assert signature_id_of(FINGERPRINT).startswith("sig_v5_")
    assert signature_id_of({**FINGERPRINT, "version": 6}).startswith("sig_v6_")
    assert signature_id_of({**FINGERPRINT, "step": "t"}) != signature_id_of(FINGERPRINT)
    assert title_of(FINGERPRINT) == "E: m (a/b/s)"


def test_the_same_capture_gets_the_same_id_in_another_process() -> None:
    code = ("from tests.fixtures.factories import make_capture\n"
            "from evalforge_assets.review.fingerprint import fingerprint_of, signature_id_of\n"
            "print(signature_id_of(fingerprint_of(make_capture(capture_id='x', error_message="
            "'charge ch_o94nOlhvDbNIx7gDXIEp9Zeo failed after 800ms (shard 5/12)'))))")
    here = signature_id_of(fingerprint_of(make_capture(
        capture_id="x", error_message="charge ch_o94nOlhvDbNIx7gDXIEp9Zeo failed after 800ms (shard 5/12)")))
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "123", "PATH": ""}).stdout.strip()
    assert here == there


def test_a_wrapper_type_written_in_front_of_the_message_is_dropped() -> None:
    assert error_parts("HTTPError", "ToolException: 422 Client Error: Unprocessable Entity for url: http://x/y") == (
        error_parts("HTTPError", "422 Client Error: Unprocessable Entity for url: http://x/y"))
    assert error_parts(None, "Faraday::TimeoutError: execution expired after 30 seconds") == (
        "TimeoutError", "execution expired")
    assert error_parts("ActiveRecord::RecordNotFound", "x")[0] == "RecordNotFound"
    # A message holding its own type further on starts after it: before it is a caller's context.
    assert error_parts("RuntimeError", "Task embed failed: RuntimeError: mat1 and mat2 shapes cannot be multiplied") == (
        "RuntimeError", "mat1 and mat2 shapes cannot be multiplied")
    assert error_parts("Error", "fetch failed (cause: Error: read ECONNRESET)") == ("Error", "read ECONNRESET")
    assert error_parts("Error", "TypeError: x is undefined") == ("Error", "TypeError: x is undefined")
    assert error_parts("ValueError", "bad value: ValueError:")[1] == "bad value: ValueError:"  # nothing after it
    # With too little after it, another type's prefix is what tells two failures apart.
    assert error_parts("ToolException", "KeyError: 'price'") != error_parts("ToolException", "ValueError: 'price'")


def _complete(message: str, **parts: object) -> dict:
    return {**FINGERPRINT, "message": message, **parts}


def test_a_longer_message_extends_a_shorter_one_only_where_it_goes_on() -> None:
    short = _complete("Agent stopped due to max iterations.")
    assert extends(_complete("Agent stopped due to max iterations. Last observation: []"), short)
    assert extends(_complete("Agent stopped due to max iterations. (<id> steps)"), short)
    base = _complete("HTTP 404 Not Found reading <id>")
    assert extends(_complete("HTTP 404 Not Found reading <id> [WHERE id = ?]"), base)
    assert extends(_complete("HTTP 404 Not Found reading <id> - retry later"), base)
    assert extends(_complete("HTTP 404 Not Found reading <id> req=<id>"), base)  # a masked key=value trailing
    assert not extends(_complete("HTTP 404 Not Found reading <id> mode=strict"), base)  # a value that was kept
    assert not extends(_complete("HTTP 404 Not Found reading <id>: gone"), base)  # after `:` another failure
    assert not extends(_complete("HTTP 404 Not Found reading <id>s"), base)  # not at a boundary
    assert not extends(_complete("Request failed. Timeout"), _complete("Request failed."))  # a wrapper
    assert not extends(_complete("Agent stopped due to max iterations. More", error_type="F"), short)
    assert not extends(_complete("Agent stopped due to max iterations. More", step="t"), short)
    assert not extends(short, short)
    inner = _complete("MCP error <id>: Connection closed")
    assert extends(_complete("tool search failed on <id>: MCP error <id>: Connection closed"), inner)
    assert extends(_complete("Delivery failed - MCP error <id>: Connection closed"), inner)
    assert not extends(_complete("tool search failed on <id> MCP error <id>: Connection closed"), inner)
    assert not extends(_complete("payment failed: read ECONNRESET"), _complete("read ECONNRESET"))  # too short
    assert not extends({**_complete("Agent stopped due to max iterations. More"), "rule": RULE_MESSAGE_ONLY}, short)
    # A new sentence after a payload or an aside closed
    payload = _complete("Verify check failed: {status, error_text}")
    assert extends(_complete("Verify check failed: {status, error_text} Giving up after <id> retries."), payload)
    assert not extends(_complete("Verify check failed: {status, error_text} and more"), payload)


def test_a_cut_template_extends_the_message_it_wraps() -> None:
    # Templates are cut at MAX_TEMPLATE characters, so a caller's context in front pushes the wrapped message's end
    # out: what is left behind the wrapper is the beginning of the shorter template.
    inner = "ERROR: restart transaction: " + " ".join(f"word{i}" for i in range(60))
    inner = inner[:MAX_TEMPLATE]
    wrapped = ("commit inventory hold <id>: " + inner)[:MAX_TEMPLATE]
    assert extends(_complete(wrapped), _complete(inner))
    assert not extends(_complete(wrapped[:-1] + "X"), _complete(inner[:150] + " other ending"))
    assert not extends(_complete(("short prefix: " + inner)[:120]), _complete(inner))  # not cut: the whole is needed


def _judged(message: str, span_kind: str = "evaluation", error_type: str = "EvalThresholdError") -> dict:
    source = {**make_capture().source.model_dump(), "span_kind": span_kind, "span_name": "eval.rag"}
    return fingerprint_of(make_capture(error_type=error_type, error_message=message, source=source))


def test_an_evaluation_failure_is_grouped_by_its_verdict_not_the_judges_prose() -> None:
    one = _judged("Eval 'answer_relevance' failed. Judge rationale: the answer explains pricing, not SSO.")
    other = _judged("Eval 'answer_relevance' failed. Judge rationale: Retrieval missed the audit log question.")
    assert one["message"] == other["message"] == "Eval answer_relevance failed"
    # the evaluation's name is what tells two verdicts apart
    assert _judged("Eval 'context_relevance' failed. Judge rationale: x")["message"] != one["message"]
    # an evaluation's type in another kind of span is a verdict too; other errors keep their whole message
    assert _judged("Eval 'tone' failed. Rationale: curt.", span_kind="task")["message"] == "Eval tone failed"
    plain = _judged("Upstream failed. Retrying in 5 seconds", span_kind="tool", error_type="TimeoutError")
    assert plain["message"] == "Upstream failed. Retrying"  # its second sentence stays


def test_shorter_forms_hold_every_message_a_longer_one_extends() -> None:
    # Placement looks shorter messages up by these forms instead of trying `extends` against every signature of a
    # site, so a form missing here would be a placement silently lost: compare with `extends` over every cut.
    rng = random.Random(7)
    words = ["Agent", "stopped", "due", "to", "<id>", "max", "iterations", "error", "tool", "failed", "(<id>)", "[x]",
             "-", ":", ".", "。", "!", "Retry", "later", "on", "<host>", "MCP", "req=<id>", "mode=x", "{a, b}", "(x)"]
    for _ in range(400):
        message = " ".join(rng.choice(words) for _ in range(rng.randint(4, 14)))
        message = message.replace(" :", ":").replace(" .", ".")
        forms = shorter_forms(message)
        for cut in range(1, len(message)):
            for shorter in (message[:cut], message[cut:]):
                if extends(_complete(message), _complete(shorter)):
                    assert shorter in forms, (message, shorter)


def _at_site(message: str, agent: str = "responder", step: str = "draft_reply") -> str | None:
    source = {**make_capture().source.model_dump(), "span_name": step}
    return fingerprint_of(make_capture(agent=agent, source=source, error_message=message))["message"]


def test_context_that_names_the_failures_own_agent_or_step_is_dropped() -> None:
    # The site already holds the agent and step: a caller writing them in front of the message is not the failure.
    assert _at_site("Unhandled exception in responder.draft_reply: client disconnected") == "client disconnected"
    assert _at_site("draft_reply failed: client disconnected") == "client disconnected"
    assert _at_site("[responder] client disconnected") == "client disconnected"
    assert _at_site("responder: draft_reply: client disconnected") == "client disconnected"
    # Context naming something else is part of the message; a name inside a word is not the step's name.
    assert _at_site("checkout failed: client disconnected") == "checkout failed: client disconnected"
    assert _at_site("draft_reply_v2 failed: client disconnected") != "client disconnected"
    assert _at_site("draft_reply: ") == "draft_reply:"  # nothing after it: the message is kept
