"""Seeded sample spans in Datadog's LLM Observability export shape.

Evalforge needs realistic spans without a Datadog account: as the default source, as benchmark input (hundreds of
thousands of spans, cheaply) and as a corpus whose failures have a known true grouping. Everything here is
deterministic: the spans of one UTC hour depend only on (seed, hour), so any window, fetched at any time, sees the
same spans for the same hour.

Layout of this module: the catalog (apps, agents and their steps, dialogues, failure templates), the value
generators that fill templates (PII and operational identifiers), the compiled "world" built once from the
catalog, trace generation, and the public entry points at the bottom.

Every failure comes from a `FailureTemplate`; one template at one site (ml_app, agent, step, error type) is one true
failure group. The template id never appears in a span, so grouping code cannot cheat by reading it.
"""

from __future__ import annotations

import base64
import json
import random
import string
import unicodedata
import zlib
from bisect import bisect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import accumulate
from typing import Any
from urllib.parse import quote

from evalforge_assets.capture.malformed import MalformedItem
from evalforge_assets.capture.sources.base import FetchStats, SpanFetch
from evalforge_assets.capture.spans import epoch_ns

HOUR_NS = 3_600 * 10**9
DEFAULT_START = datetime(2026, 1, 1, tzinfo=UTC)
# Chance that a span with two or more ways to fail does fail; a span with a single failure template fails half
# as often and one with none never does, so about 20% of all spans fail.
FAILURE_RATE = 0.24
# Datadog's documented export has no `error` object; real exports sometimes carry one. Most sample error spans
# carry it (so messages can be grouped) and some do not (so nothing may depend on it).
ERROR_OBJECT_RATE = 0.92
EVALUATED_SHARE = 0.6  # share of healthy spans at an evaluated step that carry evaluation results
POSITIVE_FEEDBACK_SHARE = 0.1
# Root spans start in the first 58 minutes of their hour, so a whole trace (well under two minutes) stays inside
# the hour that generated it and a fetch of that hour sees all of it.
_TRACE_WINDOW_NS = 3_480 * 10**9
LABEL_SEPARATOR = "|"

FailureKind = str  # "error" | "eval_fail" | "low_quality" | "user_feedback"


# --------------------------------------------------------------------------------------------------------------
# Catalog: what the simulated applications look like.
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One child span an agent produces in a trace; `input`/`output` are templates filled per conversation."""

    name: str
    kind: str
    input: str = "{user}"
    output: str = "{answer}"
    model: tuple[str, str] | None = None  # (model_name, model_provider)
    system: str | None = None  # system prompt of llm steps
    calls_tool: str | None = None  # llm steps that answer with a tool call to this step
    runs: float = 1.0  # chance the step happens in a trace
    parent: str | None = None  # another step's name; None means the root span


@dataclass(frozen=True)
class Agent:
    name: str
    root_kind: str  # "agent" or "workflow"
    steps: tuple[Step, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class FeedbackStyle:
    """How an app records user feedback: as a tag (`key:value`) or as an evaluation labelled `key`."""

    channel: str  # "tag" or "evaluation"
    key: str
    negative: str
    positive: str


@dataclass(frozen=True)
class App:
    ml_app: str
    service: str
    versions: tuple[str, ...]
    agents: tuple[Agent, ...]
    dialogues: tuple[tuple[str, str], ...]  # (user message, final answer) templates
    feedback: FeedbackStyle
    weight: float
    ms_start_rate: float = 0.0  # share of traces whose exporter wrote start_ns in milliseconds


@dataclass(frozen=True)
class Site:
    """Where a failure template fires: `step` is a step name, or the agent name for the root span."""

    ml_app: str
    agent: str
    step: str
    error_type: str | None = None
    versions: tuple[str, ...] | None = None  # only in traces of these app versions
    fixed: Mapping[str, str] = field(default_factory=dict)  # message fields that are constant at this site


@dataclass(frozen=True)
class FailureTemplate:
    """One way things go wrong. Errors carry a `str.format` message; evaluations name the failing evaluation."""

    template_id: str
    failure_kind: FailureKind
    sites: tuple[Site, ...]
    message: str | None = None
    evaluation: str | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class EvaluationSpec:
    """An evaluation metric: graded ones carry pass/fail; ungraded scores are judged by the quality threshold."""

    metric_type: str  # score | categorical | boolean
    graded: bool
    passing: Callable[[random.Random], Any]
    failing: Callable[[random.Random], Any]
    pass_reasons: tuple[str, ...]
    fail_reasons: tuple[str, ...]


_SUPPORT_SYSTEM = "You are Acme's support assistant. Policy: returns within 30 days of delivery. Be concise."
_APPS: tuple[App, ...] = (
    App(
        ml_app="support-bot",
        service="support-api",
        versions=("2.3.1", "2.4.0", "2.4.1"),
        weight=0.35,
        feedback=FeedbackStyle("tag", "feedback", "thumbs_down", "thumbs_up"),
        agents=(
            Agent(
                "support_agent",
                "agent",
                weight=0.75,
                steps=(
                    Step("plan_reply", "llm", model=("gpt-4o-mini", "openai"), calls_tool="lookup_order",
                         system="Decide which tool to call for the customer's request.",
                         output="Looking up order {order_id} before answering."),
                    Step("search_kb", "retrieval",
                         output="Retrieved 3 articles: kb-{kb} returns-policy (0.84), kb-{kb2} shipping-times "
                                "(0.79), kb-{kb3} refunds (0.71)"),
                    Step("lookup_order", "tool", runs=0.8, input='{{"order_id": "{order_id}"}}',
                         output='{{"order_id": "{order_id}", "status": "shipped", "carrier": "UPS", '
                                '"tracking": "{tracking}", "total": "{price}", "eta": "{date}"}}'),
                    Step("issue_refund", "tool", runs=0.3,
                         input='{{"order_id": "{order_id}", "amount": {amount}, "card_last4": "{last4}"}}',
                         output='{{"refund_id": "re_{hex24}", "status": "pending", "amount": "{price}"}}'),
                    Step("generate_answer", "llm", model=("gpt-4o-mini", "openai"), system=_SUPPORT_SYSTEM),
                ),
            ),
            Agent(
                "escalation_agent",
                "agent",
                weight=0.25,
                steps=(
                    Step("summarize_case", "llm", model=("claude-3-5-sonnet", "anthropic"),
                         system="Summarize the case for a human agent. Keep identifiers exact.",
                         input="Customer {name} ({email}, {phone}, SSN on file {ssn}) says: {user}",
                         output="Summary: {name} reports a problem with order {order_id}; last contact {days} "
                                "days ago; identity verified (SSN ending {ssn_last4})."),
                    Step("create_ticket", "tool",
                         input='{{"subject": "Order {order_id}", "requester": "{email}", "priority": "high"}}',
                         output='{{"ticket": "{ticket}", "url": "https://tickets.acme.io/t/{ticket}"}}'),
                ),
            ),
        ),
        dialogues=(
            ("Where is my order {order_id}? It was supposed to arrive {days} days ago.",
             "Your order {order_id} shipped with UPS (tracking {tracking}) and should arrive by {date}."),
            ("Hi, my name is {name}. Order {order_id} arrived damaged, can I get a refund of {price}?",
             "I'm sorry, {first}. I've started a refund of {price} for order {order_id}; allow 3-5 days."),
            ("Can you send the invoice for {order_id} to {email}?",
             "Done: the invoice for {order_id} was sent to {email}."),
            ("Please call me back at {phone}, I've been on hold for {duration}.",
             "I've scheduled a callback to {phone} within the next hour."),
            ("I was charged twice on card {card} for order {order_id}.",
             "I see two charges of {price} on the card ending in {last4}; I've reversed the duplicate."),
            ("My IBAN is {iban}, please send the refund for {order_id} there.",
             "Thanks, the refund for {order_id} will arrive by bank transfer within 5 days."),
            ("Can I return shoes after 45 days?",
             "Returns are accepted within 30 days of delivery, so a return after 45 days isn't possible."),
            ("What's your return policy for electronics?",
             "Unopened electronics can be returned within 30 days; refunds take about {duration} to process."),
            ("I'm calling from {phone_intl}; order {order_id} never reached me in Berlin.",
             "Order {order_id} is held at customs; I've asked the carrier to contact you at {phone_intl}."),
            ("Update my account email to {email}. Reference {order_id}, request {uuid}.",
             "Your account email is now {email}. Reference {order_id}."),
        ),
    ),
    App(
        ml_app="checkout-assistant",
        service="checkout-api",
        versions=("3.1.4", "3.2.0", "3.2.1"),
        weight=0.25,
        ms_start_rate=0.02,
        feedback=FeedbackStyle("evaluation", "user_feedback", "thumbs_down", "thumbs_up"),
        agents=(
            Agent(
                "checkout_agent",
                "agent",
                weight=0.8,
                steps=(
                    Step("plan_checkout", "llm", model=("gpt-4o", "openai"), calls_tool="validate_cart",
                         system="Plan the checkout: validate the cart, apply coupons, then charge.",
                         output="Validating cart {uuid} before charging {price}."),
                    Step("validate_cart", "tool", input='{{"cart_id": "{uuid}", "items": ["{sku}"]}}',
                         output='{{"cart_id": "{uuid}", "valid": true, "subtotal": "{price}"}}'),
                    Step("apply_coupon", "tool", runs=0.4, input='{{"cart_id": "{uuid}", "code": "{coupon}"}}',
                         output='{{"applied": true, "discount": "{price2}"}}'),
                    Step("charge_payment", "tool", runs=0.9,
                         input='{{"cart_id": "{uuid}", "amount": "{price}", "card_last4": "{last4}"}}',
                         output='{{"charge_id": "ch_{hex24}", "status": "succeeded", "amount": "{price}"}}'),
                    Step("confirm_order", "llm", model=("gpt-4o-mini", "openai"),
                         system="Confirm the order to the shopper with the total and the order id."),
                ),
            ),
            Agent(
                "fraud_screen_agent",
                "agent",
                weight=0.2,
                steps=(
                    Step("fetch_customer_profile", "tool", input='{{"customer_id": "cus_{hex16}"}}',
                         output='{{"customer_id": "cus_{hex16}", "email": "{email}", "ip": "{ip}", '
                                '"card_bin": "{bin}", "orders": {n}}}'),
                    Step("score_risk", "llm", model=("gpt-4o-mini", "openai"),
                         system="Score the fraud risk of this checkout from 0 to 1 and explain briefly.",
                         input="Customer {email} from {ip}, {n} previous orders, basket {price}.",
                         output="Risk 0.{n}: returning customer, address and IP match previous orders."),
                ),
            ),
        ),
        dialogues=(
            ("Check out cart {uuid} with my card {card}, exp 09/28.",
             "Order {order_id} is confirmed: {price} charged to the card ending in {last4}."),
            ("Apply coupon {coupon} to cart {uuid} and ship to my office.",
             "Coupon {coupon} applied; your new total is {price}. Order {order_id} is confirmed."),
            ("Is {sku} in stock? I need 3 by Friday.",
             "{sku} is in stock (12 left); order {order_id} ships today and arrives by {date}."),
            ("Use my saved card. If anything fails call {phone}.",
             "Charged {price} to your saved card; confirmation {order_id} was sent to you."),
            ("Why is the total {price}? I expected less with the coupon.",
             "The coupon applies to items over $50; your total {price} includes {price2} shipping."),
            ("My name is {name} and my billing email changed to {email}.",
             "Thanks {first}, billing email updated; order {order_id} will use it."),
            ("Pay by bank transfer from {iban} instead of card, please.",
             "Bank transfer selected for order {order_id}; it clears in about {duration}."),
        ),
    ),
    App(
        ml_app="search-rag",
        service="search-api",
        versions=("1.8.0", "1.9.2"),
        weight=0.25,
        ms_start_rate=0.1,
        feedback=FeedbackStyle("tag", "user_feedback", "negative", "positive"),
        agents=(
            Agent(
                "rag_pipeline",
                "workflow",
                steps=(
                    Step("rewrite_query", "llm", model=("mistral-large-latest", "mistral"),
                         system="Rewrite the question into a standalone search query.",
                         output="search: {topic} troubleshooting {version}"),
                    Step("vector_search", "retrieval", input="{topic} troubleshooting {version}",
                         output="Retrieved 4 documents: doc-{kb} ({topic}, 0.88), doc-{kb2} (release notes "
                                "{version}, 0.81), doc-{kb3} (runbook, 0.74), doc-{n} (faq, 0.66)"),
                    Step("embed_query", "embedding", parent="vector_search",
                         model=("text-embedding-3-small", "openai"), input="{topic} troubleshooting {version}",
                         output="[1 embedding(s) returned with 1536 dimensions]"),
                    Step("rerank_results", "task", runs=0.5, input="4 candidates for '{topic}'",
                         output="kept 3 of 4 candidates in {ms}ms"),
                    Step("synthesize_answer", "llm", model=("gemini-1.5-pro", "google"),
                         system="Answer from the retrieved documents only and cite them."),
                ),
            ),
        ),
        dialogues=(
            ("How do I rotate the API key {api_key} that leaked in our repo?",
             "Revoke it under Settings > API keys, create a new one and update your secret store."),
            ("Our AWS key {aws_key} was used from {ip}. What should we do?",
             "Deactivate the access key now, review CloudTrail for calls from {ip}, then rotate credentials."),
            ("What changed in version {version}?",
             "Version {version} adds streaming and fixes the reindex timeout (it used to take {duration})."),
            ("Why does login fail with token {jwt}?",
             "That token's signature has expired; request a new one from the auth service."),
            ("How long does a full reindex take?",
             "A full reindex of 2M documents takes about {duration} on the default cluster."),
            ("Find the runbook for incident {uuid}.",
             "Runbook RB-{n}: restart the indexer, then check that p95 latency is under {duration}."),
            ("The DSN {url_credentials} stopped working after the upgrade, why?",
             "Version {version} requires TLS for database connections; add sslmode=require to the DSN."),
        ),
    ),
    App(
        ml_app="claims-triage",
        service="claims-api",
        versions=("0.9.3", "1.0.0"),
        weight=0.15,
        feedback=FeedbackStyle("evaluation", "user_feedback", "negative", "positive"),
        agents=(
            Agent(
                "triage_agent",
                "agent",
                steps=(
                    Step("extract_claim_fields", "llm", model=("claude-3-5-haiku", "anthropic"),
                         system="Extract claim_id, policy, incident type and contact details as JSON.",
                         output='{{"claim_id": "{claim_id}", "policy": "POL-{n}", "type": "property"}}'),
                    Step("fetch_policy", "tool", input='{{"policy": "POL-{n}"}}',
                         output='{{"policy": "POL-{n}", "holder": "{name}", "deductible": "{price}", '
                                '"active": true}}'),
                    Step("parse_tool_output", "task", input='{{"policy": "POL-{n}", "holder": "{name}"}}',
                         output="parsed 4 fields in {ms}ms"),
                    Step("classify_claim", "llm", model=("gpt-4o", "openai"),
                         system="Classify the claim and set a priority; explain the decision in one line."),
                ),
            ),
        ),
        dialogues=(
            ("Claim {claim_id}: water damage in the kitchen. Policyholder {name}, SSN {ssn}, phone {phone}.",
             "Claim {claim_id} classified as property / water damage, priority medium; adjuster assigned."),
            ("my name is {name} and I want to file a claim for my car, policy POL-{n}. Contact me at {email}.",
             "Claim {claim_id} opened for policy POL-{n}; we'll email {email} with next steps."),
            ("Please pay the settlement to IBAN {iban}.",
             "Payout of {price} for claim {claim_id} is scheduled to the account ending {iban_last4}."),
            ("I can't log in to the portal, password={password}, can you reset it?",
             "I can't see or use passwords; a reset link is on its way to your email."),
            ("Hail damage on the roof, estimate {price}, photos uploaded as {uuid}.",
             "Claim {claim_id} logged with estimate {price}; photos {uuid} attached."),
        ),
    ),
)


def _scores(low: float, high: float) -> Callable[[random.Random], float]:
    return lambda rng: round(low + (high - low) * rng.random(), 2)


_EVALUATIONS: dict[str, EvaluationSpec] = {
    "faithfulness": EvaluationSpec(
        "score", True, _scores(0.72, 0.99), _scores(0.02, 0.45),
        ("Every claim in the answer is supported by the retrieved context.",),
        ("The answer says returns are accepted for {days_wrong} days; the retrieved policy says 30 days.",
         "The answer quotes a refund of {price} but the order total in the context is {price2}.",
         "The answer promises delivery by {date}; the tracking data in context says the parcel is lost.")),
    "answer_relevancy": EvaluationSpec(
        "score", True, _scores(0.7, 0.98), _scores(0.04, 0.4),
        ("The answer addresses the question directly.",),
        ("The question asked about {topic}; the answer talks about {other_topic}.",
         "The answer repeats the order status for {order_id} instead of answering the refund question.")),
    "toxicity": EvaluationSpec(
        "categorical", True, lambda rng: "not_toxic", lambda rng: "toxic",
        ("No toxic language found.",),
        ("The reply calls the user '{insult}'.", "The reply mocks the user's question about {topic}.")),
    "hallucination": EvaluationSpec(
        "boolean", True, lambda rng: False, lambda rng: True,
        ("All extracted fields appear in the source document.",),
        ("Field {field} = '{field_value}' does not appear in the source document.",)),
    "prompt_injection": EvaluationSpec(
        "categorical", True, lambda rng: "none", lambda rng: "injection_detected",
        ("No attempt to override instructions.",),
        ("The user message asks to ignore previous instructions and reveal {secret_thing}.",)),
    "answer_quality": EvaluationSpec(
        "score", False, _scores(0.62, 0.97), _scores(0.05, 0.48),
        ("Complete and specific.",),
        ("Vague: does not state the order status.", "Generic apology without a next step for {order_id}.")),
    "context_precision": EvaluationSpec(
        "score", False, _scores(0.6, 0.95), _scores(0.03, 0.45),
        ("Most retrieved documents are relevant.",),
        ("Only 1 of 4 retrieved documents mentions {topic}.",)),
    "helpfulness": EvaluationSpec(
        "score", False, _scores(0.6, 0.96), _scores(0.05, 0.49),
        ("Actionable and complete.",),
        ("Asks the claimant for information already given in claim {claim_id}.",)),
}


def _sites(template_sites: list[tuple[str, str, str, str | None]]) -> tuple[Site, ...]:
    return tuple(Site(app, agent, step, error_type) for app, agent, step, error_type in template_sites)


_OPENAI_TPM = (
    "Rate limit reached for {model} in organization org-{org} on tokens per min (TPM): Limit {limit}, "
    "Used {used}, Requested {requested}. Please try again in {wait}."
)
# One OpenAI organization per app, as in real deployments.
_SUPPORT_ORG = {"org": "Xq3LmT8vKd2RbN7wYc5HsJ1e"}
_CHECKOUT_ORG = {"org": "P4nWz9GtEa6UyMk2QfVr8Ld3"}
_PAYMENTS_GATEWAY = {"upstream": "payments-gateway", "path": "/v2/charges", "host_service": "pay-gw"}
_OPENAI_RPM = (
    "Rate limit reached for {model} in organization org-{org} on requests per min (RPM): Limit {limit}, "
    "Used {used}, Requested 1. Please try again in {wait}."
)

FAILURE_TEMPLATES: dict[str, FailureTemplate] = {t.template_id: t for t in (
    # ---- errors --------------------------------------------------------------------------------------------
    FailureTemplate(
        "err.tool_timeout", "error",
        message="Tool call {tool} timed out after {seconds}s (attempt {attempt}/3) while calling "
                "https://{host}/v1/{resource}/{record}",
        sites=(Site("support-bot", "support_agent", "lookup_order", "ToolTimeoutError",
                    fixed={"resource": "orders", "host_service": "orders-api"}),
               Site("checkout-assistant", "checkout_agent", "validate_cart", "ToolTimeoutError",
                    fixed={"resource": "carts", "host_service": "inventory"}),
               Site("claims-triage", "triage_agent", "fetch_policy", "TimeoutError",
                    fixed={"resource": "policies", "host_service": "policy-api"}))),
    FailureTemplate("err.openai_tpm", "error", message=_OPENAI_TPM, sites=(
        Site("support-bot", "support_agent", "generate_answer", "openai.RateLimitError", fixed=_SUPPORT_ORG),
        Site("checkout-assistant", "checkout_agent", "plan_checkout", "openai.RateLimitError",
             fixed=_CHECKOUT_ORG),
    )),
    # Shares almost every word with err.openai_tpm at the same site: a different limit, so a different group.
    FailureTemplate("err.openai_rpm", "error", message=_OPENAI_RPM, sites=(
        Site("support-bot", "support_agent", "generate_answer", "openai.RateLimitError", fixed=_SUPPORT_ORG),
        Site("checkout-assistant", "fraud_screen_agent", "score_risk", "openai.RateLimitError",
             fixed=_CHECKOUT_ORG),
    )),
    FailureTemplate(
        "err.anthropic_rate_limit", "error",
        message="Error code: 429 - {{'type': 'error', 'error': {{'type': 'rate_limit_error', 'message': "
                "'Number of request tokens has exceeded your per-minute rate limit; see the response headers for "
                "current usage.'}}, 'request_id': 'req_{hex24}'}}",
        sites=_sites([("support-bot", "escalation_agent", "summarize_case", "anthropic.RateLimitError"),
                      ("claims-triage", "triage_agent", "extract_claim_fields", "anthropic.RateLimitError")])),
    FailureTemplate(
        "err.json_delimiter", "error",
        message="Could not parse output of tool {tool_name} as JSON: Expecting {delimiter} delimiter: "
                "line {line} column {col} (char {char})",
        sites=(Site("claims-triage", "triage_agent", "parse_tool_output", "json.decoder.JSONDecodeError",
                    fixed={"tool_name": "fetch_policy"}),
               Site("checkout-assistant", "checkout_agent", "plan_checkout", "json.decoder.JSONDecodeError",
                    fixed={"tool_name": "apply_coupon"}))),
    # Same opening words and error type as err.json_delimiter, different cause (the tool answered non-JSON).
    FailureTemplate(
        "err.json_not_json", "error",
        message="Could not parse output of tool {tool_name} as JSON: Expecting value: line 1 column 1 (char 0); "
                "output began with '{snippet}'",
        sites=(Site("claims-triage", "triage_agent", "parse_tool_output", "json.decoder.JSONDecodeError",
                    fixed={"tool_name": "fetch_policy"}),)),
    FailureTemplate(
        "err.refund_amount", "error",
        message="1 validation error for RefundRequest\namount\n  Input should be greater than 0 "
                "[type=greater_than, input_value={negative_amount}, input_type=float]",
        sites=_sites([("support-bot", "support_agent", "issue_refund", "pydantic_core.ValidationError")])),
    FailureTemplate(
        "err.refund_order_id", "error",
        message="1 validation error for RefundRequest\norder_id\n  String should match pattern "
                "'^ORD-[0-9]{{8}}$' [type=string_pattern_mismatch, input_value='{bad_order}', input_type=str]",
        sites=_sites([("support-bot", "support_agent", "issue_refund", "pydantic_core.ValidationError")])),
    FailureTemplate(
        "err.crm_missing_key", "error",
        message="Missing key 'loyalty_tier' in CRM response for customer {email} (request {uuid})",
        sites=_sites([("checkout-assistant", "fraud_screen_agent", "fetch_customer_profile", "KeyError"),
                      ("support-bot", "escalation_agent", "create_ticket", "KeyError")])),
    FailureTemplate(
        "err.inventory_missing_key", "error",
        message="Missing key '{sku}' in inventory cache at {host}",
        sites=(Site("checkout-assistant", "checkout_agent", "validate_cart", "KeyError",
                    fixed={"host_service": "inventory-cache"}),)),
    # One message, two exception types at the same site: the 3.1 line still used `requests`.
    FailureTemplate(
        "err.upstream_5xx", "error",
        message="Upstream {upstream} returned HTTP {status} for POST https://{host}{path} (request id {hex16})",
        sites=(Site("checkout-assistant", "checkout_agent", "charge_payment", "UpstreamServiceError",
                    versions=("3.2.0", "3.2.1"), fixed=_PAYMENTS_GATEWAY),
               Site("checkout-assistant", "checkout_agent", "charge_payment", "requests.exceptions.HTTPError",
                    versions=("3.1.4",), fixed=_PAYMENTS_GATEWAY),
               Site("claims-triage", "triage_agent", "fetch_policy", "UpstreamServiceError",
                    fixed={"upstream": "policy-service", "path": "/v1/policies/lookup",
                           "host_service": "policy-api"}))),
    FailureTemplate(
        "err.search_http_status", "error",
        message="Server error '{status} {reason}' for url 'https://{host}/search?q={query}&k={k}'",
        sites=(Site("search-rag", "rag_pipeline", "vector_search", "httpx.HTTPStatusError",
                    fixed={"host_service": "search-index"}),)),
    FailureTemplate(
        "err.context_length", "error",
        message="This model's maximum context length is {max_ctx} tokens. However, your messages resulted in "
                "{n_tokens} tokens. Please reduce the length of the messages.",
        sites=(Site("support-bot", "support_agent", "plan_reply", "openai.BadRequestError",
                    fixed={"max_ctx": "128000"}),
               Site("checkout-assistant", "checkout_agent", "confirm_order", "openai.BadRequestError",
                    fixed={"max_ctx": "128000"}))),
    FailureTemplate(
        "err.db_connection", "error",
        message='could not connect to server: Connection refused\n\tIs the server running on host "{host}" '
                "({ipv4}) and accepting\n\tTCP/IP connections on port {port}?",
        sites=(Site("claims-triage", "triage_agent", "fetch_policy", "psycopg2.OperationalError",
                    fixed={"host_service": "policy-db"}),
               Site("support-bot", "escalation_agent", "create_ticket", "psycopg2.OperationalError",
                    fixed={"host_service": "tickets-db"}))),
    FailureTemplate(
        "err.ticket_auth", "error",
        message="401 Unauthorized from {url_credentials}/api/v1/tickets: invalid credentials for service "
                "account {service_user}",
        sites=(Site("support-bot", "escalation_agent", "create_ticket", "AuthenticationError",
                    fixed={"service_user": "svc_tickets", "host_service": "tickets", "scheme": "https"}),)),
    FailureTemplate(
        "err.card_insufficient_funds", "error",
        message="Card {card} was declined: insufficient_funds (charge ch_{hex24}, amount {price})",
        sites=_sites([("checkout-assistant", "checkout_agent", "charge_payment", "stripe.error.CardError")])),
    # Same opening and error type as the insufficient-funds decline; a different decline reason.
    FailureTemplate(
        "err.card_expired", "error",
        message="Card {card} was declined: expired_card (charge ch_{hex24}, exp {expiry})",
        sites=_sites([("checkout-assistant", "checkout_agent", "charge_payment", "stripe.error.CardError")])),
    FailureTemplate(
        "err.jwt_expired", "error",
        message="Signature has expired for bearer token {jwt} (user {user_id}, expired {minutes} minutes ago)",
        sites=_sites([("checkout-assistant", "fraud_screen_agent", "fetch_customer_profile",
                       "jwt.exceptions.ExpiredSignatureError")])),
    FailureTemplate(
        "err.max_iterations", "error",
        message="Agent stopped after {iterations} iterations without a final answer (max_iterations=8, "
                "last tool '{last_tool}')",
        sites=(Site("support-bot", "support_agent", "support_agent", "MaxIterationsExceeded",
                    fixed={"last_tool": "lookup_order"}),
               Site("claims-triage", "triage_agent", "triage_agent", "MaxIterationsExceeded",
                    fixed={"last_tool": "fetch_policy"}))),
    FailureTemplate(
        "err.gemini_blocked", "error",
        message="Response blocked: finish_reason=SAFETY category={category} probability={probability} "
                "(request {uuid})",
        sites=_sites([("search-rag", "rag_pipeline", "synthesize_answer", "BlockedPromptException")])),
    FailureTemplate(
        "err.gemini_quota", "error",
        message="429 Resource has been exhausted (e.g. check quota). quota_metric=generate_content_requests "
                "limit={quota_limit} project {project_number}",
        sites=_sites([("search-rag", "rag_pipeline", "synthesize_answer",
                       "google.api_core.exceptions.ResourceExhausted")])),
    FailureTemplate(
        "err.empty_retrieval", "error",
        message="Vector index {index} returned 0 results for namespace {uuid} (top_k={k}, tenant {tenant})",
        sites=(Site("search-rag", "rag_pipeline", "vector_search", "EmptyRetrievalError",
                    fixed={"index": "docs-v3"}),
               Site("support-bot", "support_agent", "search_kb", "EmptyRetrievalError",
                    fixed={"index": "kb-articles"}))),
    FailureTemplate(
        "err.embedding_dimension", "error",
        message="Embedding dimension mismatch: index expects 1536 but model returned {dimension} for a "
                "{length}-character query",
        sites=_sites([("search-rag", "rag_pipeline", "embed_query", "ValueError")])),
    FailureTemplate(
        "err.coupon_minimum", "error",
        message="Coupon code '{coupon}' is not valid for cart {uuid}: minimum order total is {price}",
        sites=_sites([("checkout-assistant", "checkout_agent", "apply_coupon", "CouponValidationError")])),
    # Shares "timed out after" with err.tool_timeout, but it is the model call that timed out.
    FailureTemplate(
        "err.llm_timeout", "error",
        message="Request timed out after {ms} ms waiting for {model} completion (request id {hex16})",
        sites=_sites([("search-rag", "rag_pipeline", "rewrite_query", "openai.APITimeoutError"),
                      ("claims-triage", "triage_agent", "classify_claim", "openai.APITimeoutError")])),
    # ---- failing evaluations ----------------------------------------------------------------------------------
    FailureTemplate("eval.faithfulness", "eval_fail", evaluation="faithfulness", sites=_sites([
        ("support-bot", "support_agent", "generate_answer", None),
        ("search-rag", "rag_pipeline", "synthesize_answer", None),
        ("claims-triage", "triage_agent", "classify_claim", None),
    ])),
    FailureTemplate("eval.toxicity", "eval_fail", evaluation="toxicity", weight=0.5, sites=_sites([
        ("support-bot", "escalation_agent", "summarize_case", None),
        ("search-rag", "rag_pipeline", "synthesize_answer", None),
    ])),
    FailureTemplate("eval.answer_relevancy", "eval_fail", evaluation="answer_relevancy", sites=_sites([
        ("checkout-assistant", "checkout_agent", "confirm_order", None),
        ("support-bot", "support_agent", "generate_answer", None),
    ])),
    FailureTemplate("eval.hallucination", "eval_fail", evaluation="hallucination", sites=_sites([
        ("claims-triage", "triage_agent", "extract_claim_fields", None),
        ("checkout-assistant", "fraud_screen_agent", "score_risk", None),
    ])),
    FailureTemplate("eval.prompt_injection", "eval_fail", evaluation="prompt_injection", weight=0.5,
                    sites=_sites([("support-bot", "support_agent", "plan_reply", None)])),
    # ---- low quality scores (no assessment; judged against the quality threshold) ------------------------------
    FailureTemplate("lowq.answer_quality", "low_quality", evaluation="answer_quality", sites=_sites([
        ("support-bot", "support_agent", "generate_answer", None),
        ("checkout-assistant", "checkout_agent", "confirm_order", None),
    ])),
    FailureTemplate("lowq.context_precision", "low_quality", evaluation="context_precision", sites=_sites([
        ("search-rag", "rag_pipeline", "vector_search", None),
        ("support-bot", "support_agent", "search_kb", None),
    ])),
    FailureTemplate("lowq.helpfulness", "low_quality", evaluation="helpfulness", sites=_sites([
        ("claims-triage", "triage_agent", "classify_claim", None),
        ("support-bot", "escalation_agent", "summarize_case", None),
    ])),
    # ---- negative user feedback on the root span, recorded the app's own way -----------------------------------
    FailureTemplate("fb.negative", "user_feedback", weight=2.0, sites=_sites([
        ("support-bot", "support_agent", "support_agent", None),
        ("support-bot", "escalation_agent", "escalation_agent", None),
        ("checkout-assistant", "checkout_agent", "checkout_agent", None),
        ("checkout-assistant", "fraud_screen_agent", "fraud_screen_agent", None),
        ("search-rag", "rag_pipeline", "rag_pipeline", None),
        ("claims-triage", "triage_agent", "triage_agent", None),
    ])),
)}


# --------------------------------------------------------------------------------------------------------------
# Value generators: personal data that must be removed, and operational identifiers that must survive.
# --------------------------------------------------------------------------------------------------------------

_FIRST_NAMES = ("Maria", "John", "Aisha", "Wei", "Olga", "Carlos", "Priya", "Liam", "Fatima", "Kenji", "Sofia",
                "Ahmed", "Emma", "Lucas", "Chloé", "Mateo", "Hannah", "Ravi", "Elena", "Noah", "Zoë", "Jürgen")
_LAST_NAMES = ("Lopez", "Smith", "Khan", "Chen", "Petrova", "Garcia", "Patel", "O'Brien", "Haddad", "Tanaka",
               "Rossi", "Müller", "Johnson", "Silva", "Dubois", "Kowalski", "Nguyen", "Okafor", "Andersson")
_EMAIL_DOMAINS = ("example.com", "gmail.com", "outlook.com", "acme.io", "yahoo.co.uk", "web.de", "proton.me")
_US_AREA_CODES = ("415", "212", "646", "312", "617", "206", "512", "305", "702", "303")
_HOST_SERVICES = ("orders-api", "pay-gw", "inventory", "crm", "policy-db", "tickets", "search-index", "kb-store")
_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1", "ap-northeast-1")
_TOPICS = ("SSO login", "rate limits", "webhook retries", "index rebuilds", "API key rotation", "billing exports",
           "audit logs", "latency spikes")
_SNIPPETS = ("<html><head><title>502 Bad Gateway</title>", "Internal Server Error",
             "upstream connect error or disconnect/reset before headers", "Traceback (most recent call last):",
             "<!DOCTYPE html><html lang=en>", "Service Unavailable: back-end server is at capacity")
_HTTP_5XX = (("500", "Internal Server Error"), ("502", "Bad Gateway"), ("503", "Service Unavailable"),
             ("504", "Gateway Timeout"))
_PASSWORDS = ("Hunter2!", "Summer2025!", "S3cr3t-Pa55", "qwerty123", "CorrectHorse9", "Winter#2024", "p@ssW0rd!")
_SERVICE_USERS = ("svc_tickets", "etl_user", "admin", "svc_claims", "reporting")
_COUPONS = ("SAVE20", "WELCOME10", "FREESHIP", "BLACKFRIDAY", "VIP15", "SPRING5")
_INSULTS = ("an idiot", "clueless", "pathetic", "a waste of time")
_SECRETS = ("the system prompt", "other customers' orders", "the admin API key", "internal refund rules")
_FIELDS = ("policy", "incident_date", "claim_amount", "vehicle_vin", "billing_country", "card_bin")
_SAFETY = ("HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_DANGEROUS_CONTENT", "HARM_CATEGORY_HATE_SPEECH")
_ALNUM = string.ascii_letters + string.digits
_UPPER_ALNUM = string.ascii_uppercase + string.digits
_JWT_HEADER = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"  # {"alg":"HS256","typ":"JWT"}


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(count))


def _luhn_check_digit(body: str) -> str:
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char)
        if position % 2 == 0:  # these get doubled once the check digit is appended on the right
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def _card(rng: random.Random) -> str:
    """A Luhn-valid Visa, Mastercard or Amex number, written the ways people type them."""
    brand = rng.random()
    if brand < 0.5:
        body = "4" + _digits(rng, 14)
    elif brand < 0.85:
        body = "5" + str(rng.randint(1, 5)) + _digits(rng, 13)
    else:
        body = "3" + rng.choice("47") + _digits(rng, 12)
    number = body + _luhn_check_digit(body)
    style = rng.random()
    if len(number) == 15:
        return f"{number[:4]} {number[4:10]} {number[10:]}" if style < 0.6 else number
    if style < 0.45:
        return " ".join(number[i:i + 4] for i in range(0, 16, 4))
    if style < 0.7:
        return "-".join(number[i:i + 4] for i in range(0, 16, 4))
    return number


def _iban(rng: random.Random) -> str:
    """An IBAN whose mod-97 check digits are valid, compact or in groups of four."""
    country, bban = rng.choice((
        ("DE", lambda: _digits(rng, 18)),
        ("GB", lambda: rng.choice(("NWBK", "BARC", "HSBC", "LOYD")) + _digits(rng, 14)),
        ("FR", lambda: _digits(rng, 23)),
        ("NL", lambda: rng.choice(("ABNA", "INGB", "RABO")) + _digits(rng, 10)),
        ("ES", lambda: _digits(rng, 20)),
    ))
    account = bban()
    numeric = "".join(str(int(c, 36)) for c in account + country + "00")
    iban = f"{country}{98 - int(numeric) % 97:02d}{account}"
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4)) if rng.random() < 0.5 else iban


def _ssn(rng: random.Random) -> str:
    area = rng.randint(1, 899)
    area += area == 666  # never issued
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def _us_phone(rng: random.Random) -> str:
    area, line = rng.choice(_US_AREA_CODES), f"01{rng.randint(0, 99):02d}"
    return rng.choice((f"+1 ({area}) 555-{line}", f"({area}) 555-{line}", f"{area}-555-{line}",
                       f"+1-{area}-555-{line}"))


_INTL_PHONE_FORMATS = ("+44 20 7946 0###", "+49 30 ########", "+33 1 42 68 ## ##", "+91 98### #####",
                       "+81 3-####-####", "+34 612 ### ###")


def _intl_phone(rng: random.Random) -> str:
    return "".join(rng.choice(string.digits) if c == "#" else c for c in rng.choice(_INTL_PHONE_FORMATS))


def _ip(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return f"2001:db8:{rng.getrandbits(16):x}::{rng.getrandbits(16):x}"
    return _ipv4(rng)


def _ipv4(rng: random.Random) -> str:
    first = rng.choice((81, 84, 93, 185, 203, 198, 10, 172))
    return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _api_key(rng: random.Random) -> str:
    prefix, length = rng.choice((("sk-", 48), ("sk-proj-", 56), ("sk-ant-api03-", 44)))
    return prefix + "".join(rng.choice(_ALNUM) for _ in range(length))


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _jwt(rng: random.Random, values: Mapping[str, str]) -> str:
    issued = 1_767_000_000 + rng.randint(0, 5_000_000)
    claims = {"sub": values["user_id"], "email": values["email"], "iat": issued, "exp": issued + 3600}
    payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    return f"{_JWT_HEADER}.{payload}.{_b64url(rng.randbytes(32))}"


def _ascii_handle(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return plain.replace("'", "").replace(" ", ".")


def _email(rng: random.Random, values: Mapping[str, str]) -> str:
    domain = rng.choice(_EMAIL_DOMAINS)
    if rng.random() < 0.6:
        return f"{_ascii_handle(values['name'])}@{domain}"
    return f"{_ascii_handle(rng.choice(_FIRST_NAMES))}{rng.randint(1, 999)}@{domain}"


def _host(rng: random.Random, service: str | None = None) -> str:
    return f"{service or rng.choice(_HOST_SERVICES)}-{rng.randint(1, 12)}.{rng.choice(_REGIONS)}.internal"


def _url_credentials(rng: random.Random, values: Mapping[str, str]) -> str:
    # Percent-encoded, as a working URL has it: "Winter#2024" would otherwise end the URL at the "#".
    password = quote(f"{rng.choice(_PASSWORDS)}{rng.randint(10, 99)}", safe="")
    scheme = values.get("scheme") or rng.choice(("https", "https", "postgres"))
    return f"{scheme}://{values['service_user']}:{password}@{_host(rng, values.get('host_service'))}"


def _price(rng: random.Random) -> str:
    return f"{rng.choice(('$', '$', '€', '£'))}{rng.randint(3, 899)}.{rng.choice(('00', '49', '95', '99'))}"


def _duration(rng: random.Random) -> str:
    return rng.choice((f"{rng.randint(40, 950)}ms", f"{rng.randint(1, 59)}.{rng.randint(0, 9)}s",
                       f"{rng.randint(2, 45)} minutes"))


def _uuid(rng: random.Random) -> str:
    raw = f"{rng.getrandbits(128):032x}"
    return f"{raw[:8]}-{raw[8:12]}-4{raw[13:16]}-{'89ab'[rng.getrandbits(2)]}{raw[17:20]}-{raw[20:]}"


def _hex(rng: random.Random, count: int) -> str:
    return f"{rng.getrandbits(4 * count):0{count}x}"


def _http_status(rng: random.Random, values: dict[str, str]) -> str:
    status, reason = rng.choice(_HTTP_5XX)
    values["reason"] = reason
    return status


# name -> generator(rng, values-so-far); a generator may read (and so create) other values of the same span,
# so a conversation's "first" matches its "name" and a card's "last4" matches the card.
_GENERATORS: dict[str, Callable[[random.Random, dict[str, str]], str]] = {
    "name": lambda r, v: f"{r.choice(_FIRST_NAMES)} {r.choice(_LAST_NAMES)}",
    "first": lambda r, v: v["name"].split(" ")[0],
    "email": _email,
    "phone": lambda r, v: _us_phone(r) if r.random() < 0.7 else _intl_phone(r),
    "phone_intl": lambda r, v: _intl_phone(r),
    "card": lambda r, v: _card(r),
    "last4": lambda r, v: "".join(c for c in v["card"] if c.isdigit())[-4:],
    "bin": lambda r, v: "".join(c for c in v["card"] if c.isdigit())[:6],
    "iban": lambda r, v: _iban(r),
    "iban_last4": lambda r, v: v["iban"].replace(" ", "")[-4:],
    "ssn": lambda r, v: _ssn(r),
    "ssn_last4": lambda r, v: v["ssn"][-4:],
    "ip": lambda r, v: _ip(r),
    "ipv4": lambda r, v: _ipv4(r),
    "api_key": lambda r, v: _api_key(r),
    "aws_key": lambda r, v: "AKIA" + "".join(r.choice(_UPPER_ALNUM) for _ in range(16)),
    "jwt": _jwt,
    "password": lambda r, v: r.choice(_PASSWORDS),
    "url_credentials": _url_credentials,
    "service_user": lambda r, v: r.choice(_SERVICE_USERS),
    "host": lambda r, v: _host(r, v.get("host_service")),
    "record": lambda r, v: {"orders": lambda: v["order_id"], "carts": lambda: v["uuid"]}.get(
        v.get("resource", ""), lambda: f"POL-{r.randint(1000, 99999)}")(),
    "order_id": lambda r, v: f"ORD-{r.randint(10_000_000, 99_999_999)}",
    "bad_order": lambda r, v: r.choice((f"ORD-{r.randint(1000, 99999)}", f"{r.randint(10**7, 10**8 - 1)}",
                                        f"ord_{_hex(r, 10)}", f"ORD-{r.randint(1000, 9999)}-{r.randint(10, 99)}")),
    "uuid": lambda r, v: _uuid(r),
    "hex16": lambda r, v: _hex(r, 16),
    "hex24": lambda r, v: _hex(r, 24),
    "price": lambda r, v: _price(r),
    "price2": lambda r, v: _price(r),
    "amount": lambda r, v: f"{r.randint(3, 500)}.{r.randint(0, 99):02d}",
    "negative_amount": lambda r, v: r.choice(("0.0", f"-{r.randint(1, 400)}.{r.randint(0, 99):02d}")),
    "version": lambda r, v: f"{r.randint(1, 4)}.{r.randint(0, 12)}.{r.randint(0, 9)}",
    "duration": lambda r, v: _duration(r),
    "ms": lambda r, v: str(r.randint(30, 120_000)),
    "seconds": lambda r, v: str(r.choice((5, 10, 15, 30, 60))),
    "minutes": lambda r, v: str(r.randint(1, 720)),
    "days": lambda r, v: str(r.randint(2, 20)),
    "days_wrong": lambda r, v: str(r.choice((45, 60, 90, 120))),
    "date": lambda r, v: f"2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
    "n": lambda r, v: str(r.randint(2, 9999)),
    "kb": lambda r, v: str(r.randint(100, 999)),
    "kb2": lambda r, v: str(r.randint(100, 999)),
    "kb3": lambda r, v: str(r.randint(100, 999)),
    "sku": lambda r, v: f"SKU-{r.randint(10_000, 99_999)}",
    "claim_id": lambda r, v: f"CLM-2026-{r.randint(0, 999_999):06d}",
    "ticket": lambda r, v: f"TCK-{r.randint(10_000, 99_999)}",
    "tracking": lambda r, v: "1Z" + "".join(r.choice(_UPPER_ALNUM) for _ in range(16)),
    "coupon": lambda r, v: r.choice(_COUPONS),
    "attempt": lambda r, v: str(r.randint(1, 3)),
    "limit": lambda r, v: str(r.choice((30_000, 90_000, 200_000, 2_000_000))),
    "used": lambda r, v: str(r.randint(10_000, 2_000_000)),
    "requested": lambda r, v: str(r.randint(200, 30_000)),
    "wait": lambda r, v: r.choice((f"{r.randint(20, 999)}ms", f"{r.randint(1, 59)}.{r.randint(0, 999)}s")),
    "delimiter": lambda r, v: r.choice(("','", "':'")),
    "line": lambda r, v: str(r.randint(1, 40)),
    "col": lambda r, v: str(r.randint(1, 200)),
    "char": lambda r, v: str(r.randint(1, 8000)),
    "snippet": lambda r, v: r.choice(_SNIPPETS),
    "status": _http_status,
    "reason": lambda r, v: (v["status"], v["reason"])[1],
    "query": lambda r, v: r.choice(_TOPICS).replace(" ", "+") + (f"+{v['email']}" if r.random() < 0.3 else ""),
    "k": lambda r, v: str(r.choice((4, 8, 10, 20, 50))),
    "n_tokens": lambda r, v: str(int(v["max_ctx"]) + r.randint(1, 60_000)),
    "port": lambda r, v: str(r.choice((5432, 5433, 6432))),
    "expiry": lambda r, v: f"{r.randint(1, 12):02d}/{r.randint(22, 25)}",
    "user_id": lambda r, v: f"u-{r.randint(10_000, 99_999)}",
    "iterations": lambda r, v: str(r.randint(8, 12)),
    "category": lambda r, v: r.choice(_SAFETY),
    "probability": lambda r, v: r.choice(("MEDIUM", "HIGH")),
    "quota_limit": lambda r, v: str(r.choice((60, 300, 1000))),
    "project_number": lambda r, v: str(r.randint(10**11, 10**12 - 1)),
    "tenant": lambda r, v: f"t-{r.randint(100, 9999)}",
    "dimension": lambda r, v: str(r.choice((768, 1024, 3072))),
    "length": lambda r, v: str(r.randint(12, 4000)),
    "topic": lambda r, v: r.choice(_TOPICS),
    "other_topic": lambda r, v: r.choice(_TOPICS),
    "insult": lambda r, v: r.choice(_INSULTS),
    "secret_thing": lambda r, v: r.choice(_SECRETS),
    "field": lambda r, v: r.choice(_FIELDS),
    "field_value": lambda r, v: r.choice((f"POL-{r.randint(1000, 9999)}", v["date"], _price(r), "DE")),
}


class _Values(dict):
    """Template values made on first use, so a template only pays for the fields it names."""

    def __init__(self, rng: random.Random, fixed: Mapping[str, str] | None = None) -> None:
        super().__init__(fixed or {})
        self._rng = rng

    def __missing__(self, key: str) -> str:
        generator = _GENERATORS.get(key)
        if generator is None:
            raise KeyError(f"sample template field {{{key}}} has no value generator")
        value = generator(self._rng, self)
        self[key] = value
        return value


# --------------------------------------------------------------------------------------------------------------
# The compiled world: per (app, agent, version) plans with their failure candidates and conversation pools.
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    template: FailureTemplate
    site: Site
    label: str
    stack_head: str


@dataclass
class _SpanPlan:
    name: str
    kind: str
    parent: int  # index into the trace's span plans; -1 for the root
    runs: float
    model: tuple[str, str] | None
    system: str | None
    calls_tool: str | None
    candidates: tuple[_Candidate, ...]
    cumulative_weights: tuple[float, ...]
    failure_chance: float
    evaluations: tuple[str, ...]


@dataclass(frozen=True)
class _Conversation:
    user: str
    answer: str
    step_io: dict[str, tuple[str, str]]
    metadata: dict[str, str]
    tags: tuple[str, ...]


@dataclass
class _AgentPlan:
    app: App
    agent: Agent
    version: str
    spans: list[_SpanPlan]  # root first, every parent before its children
    conversations: list[_Conversation]


@dataclass
class _World:
    plans: list[_AgentPlan]
    cumulative_weights: list[float]
    mean_trace_size: float

    def pick(self, rng: random.Random) -> _AgentPlan:
        return self.plans[bisect(self.cumulative_weights, rng.random() * self.cumulative_weights[-1])]


def group_label(template: FailureTemplate, site: Site, span_kind: str) -> str:
    """The ground-truth group of a failure: template, kind, app, agent, span and error type."""
    return LABEL_SEPARATOR.join((template.template_id, template.failure_kind, site.ml_app, site.agent,
                                 f"{span_kind}:{site.step}", site.error_type or "-"))


def label_template_id(label: str) -> str:
    return label.split(LABEL_SEPARATOR, 1)[0]


def _stack_head(site: Site) -> str:
    # Line numbers come from a CRC of the names so the stack is stable across processes (hash() is salted).
    package = site.ml_app.replace("-", "_")
    outer = 40 + zlib.crc32(site.agent.encode()) % 300
    inner = 20 + zlib.crc32(site.step.encode()) % 400
    return (f"Traceback (most recent call last):\n  File \"/app/{package}/agents/{site.agent}.py\", line {outer}, "
            f"in run\n    result = await self.call_step({site.step!r}, state)\n  File \"/app/{package}/steps/"
            f"{site.step}.py\", line {inner}, in {site.step}\n    return await client.invoke(payload)\n")


def _conversation(app: App, agent: Agent, rng: random.Random) -> _Conversation:
    values = _Values(rng)
    question, answer = rng.choice(app.dialogues)
    values["user"] = question.format_map(values)
    values["answer"] = answer.format_map(values)
    step_io = {step.name: (step.input.format_map(values), step.output.format_map(values)) for step in agent.steps}
    metadata: dict[str, str] = {}
    tags: list[str] = []
    # Personal data also leaks through metadata and tags in real apps; keep it rare, as it is there.
    roll = rng.random()
    if roll < 0.2:
        metadata["client_ip"] = values["ip"]
    elif roll < 0.3:
        metadata["customer_email"] = values["email"]
    elif roll < 0.33:
        metadata["db_dsn"] = f"{values['url_credentials']}:5432/{app.ml_app.replace('-', '_')}"
    elif roll < 0.35:
        metadata["debug"] = f"auth retry with user={values['service_user']} password={values['password']}"
    if rng.random() < 0.04:
        tags.append(f"user_email:{values['email']}")
    if rng.random() < 0.05:
        tags.append(f"client_ip:{values['ip']}")
    return _Conversation(values["user"], values["answer"], step_io, metadata, tuple(tags))


def _check_catalog() -> None:
    """Fail loudly on a catalog typo rather than silently producing a site that never fires."""
    apps = {app.ml_app: app for app in _APPS}
    for template in FAILURE_TEMPLATES.values():
        for site in template.sites:
            app = apps.get(site.ml_app)
            agent = next((a for a in app.agents if a.name == site.agent), None) if app else None
            if agent is None or (site.step != agent.name and site.step not in {s.name for s in agent.steps}):
                raise ValueError(f"template {template.template_id} names an unknown site {site}")
            if (template.failure_kind == "error") != (site.error_type is not None):
                raise ValueError(f"template {template.template_id}: only error sites carry an error type")
            if template.evaluation and template.evaluation not in _EVALUATIONS:
                raise ValueError(f"template {template.template_id}: unknown evaluation {template.evaluation}")
            known = set(_GENERATORS) | set(site.fixed) | {"tool", "model"}
            fields = {name for _, name, _, _ in string.Formatter().parse(template.message or "") if name}
            if fields - known:
                raise ValueError(f"template {template.template_id} uses fields without values: {fields - known}")


def _span_plan(app: App, agent: Agent, version: str, name: str, kind: str, parent: int, step: Step | None,
               ) -> _SpanPlan:
    candidates: list[_Candidate] = []
    weights: list[float] = []
    evaluations: list[str] = []
    for template in FAILURE_TEMPLATES.values():
        for site in template.sites:
            if (site.ml_app, site.agent, site.step) != (app.ml_app, agent.name, name):
                continue
            if template.evaluation and template.evaluation not in evaluations:
                evaluations.append(template.evaluation)
            if site.versions is not None and version not in site.versions:
                continue
            candidates.append(_Candidate(template, site, group_label(template, site, kind), _stack_head(site)))
            weights.append(template.weight)
    return _SpanPlan(
        name=name, kind=kind, parent=parent, runs=step.runs if step else 1.0,
        model=step.model if step else None, system=step.system if step else None,
        calls_tool=step.calls_tool if step else None, candidates=tuple(candidates),
        cumulative_weights=tuple(accumulate(weights)), failure_chance=FAILURE_RATE * min(1.0, sum(weights) / 2),
        evaluations=tuple(evaluations))


@lru_cache(maxsize=1)
def _world() -> _World:
    """Compile the catalog once per process; the conversation pools use a fixed seed so they never vary."""
    _check_catalog()
    pool_rng = random.Random("evalforge-sample-pools-v1")
    plans: list[_AgentPlan] = []
    weights: list[float] = []
    total_size = 0.0
    for app in _APPS:
        agent_weight_sum = sum(agent.weight for agent in app.agents)
        for agent in app.agents:
            conversations = [_conversation(app, agent, pool_rng) for _ in range(256)]
            runs = {step.name: step.runs for step in agent.steps}
            expected_size = 1.0 + sum(step.runs * runs.get(step.parent, 1.0) for step in agent.steps)
            for version in app.versions:
                spans = [_span_plan(app, agent, version, agent.name, agent.root_kind, -1, None)]
                index_of = {agent.name: 0}
                for step in agent.steps:
                    index_of[step.name] = len(spans)
                    spans.append(_span_plan(app, agent, version, step.name, step.kind,
                                            index_of[step.parent or agent.name], step))
                plans.append(_AgentPlan(app, agent, version, spans, conversations))
                weight = app.weight * agent.weight / agent_weight_sum / len(app.versions)
                weights.append(weight)
                total_size += weight * expected_size
    cumulative = list(accumulate(weights))
    return _World(plans, cumulative, total_size / cumulative[-1])


# --------------------------------------------------------------------------------------------------------------
# Trace generation.
# --------------------------------------------------------------------------------------------------------------

_DURATION_RANGES_NS = {  # (minimum, spread) per span kind
    "llm": (400_000_000, 3_600_000_000),
    "tool": (40_000_000, 1_800_000_000),
    "retrieval": (80_000_000, 700_000_000),
    "embedding": (15_000_000, 180_000_000),
    "task": (1_000_000, 50_000_000),
}

# (true start in ns, export item, ground-truth label or None for healthy spans)
_Record = tuple[int, dict[str, Any], str | None]


def _evaluation_results(rng: random.Random, labels: tuple[str, ...], failing: str | None,
                        values: _Values | None) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for label in labels:
        spec = _EVALUATIONS[label]
        fails = label == failing
        result: dict[str, Any] = {
            "eval_metric_type": spec.metric_type,
            "value": spec.failing(rng) if fails else spec.passing(rng),
        }
        if spec.graded:
            result["assessment"] = "fail" if fails else "pass"
        if fails and values is not None:
            result["reasoning"] = rng.choice(spec.fail_reasons).format_map(values)
        elif spec.graded or rng.random() < 0.3:
            result["reasoning"] = spec.pass_reasons[0]
        result["status"] = "OK"
        results[label] = result
    return results


def _span_io(plan: _SpanPlan, text_in: str, text_out: str, tool_input: str | None) -> tuple[dict, dict]:
    if plan.kind != "llm":
        return {"value": text_in}, {"value": text_out}
    messages_in = [{"role": "system", "content": plan.system or ""}, {"role": "user", "content": text_in}]
    if tool_input is not None:
        message_out = {"role": "assistant", "content": text_out,
                       "tool_calls": [{"name": plan.calls_tool, "arguments": tool_input, "type": "function"}]}
    else:
        message_out = {"role": "assistant", "content": text_out}
    return {"messages": messages_in}, {"messages": [message_out]}


def _trace(rng: random.Random, plan: _AgentPlan, root_start_ns: int, error_object_rate: float) -> list[_Record]:
    """One trace tree: the root span, then each step that runs, parents before children."""
    app = plan.app
    conversation = plan.conversations[int(rng.random() * len(plan.conversations))]
    trace_id = f"{root_start_ns // 10**9:08x}00000000{rng.getrandbits(64):016x}"
    in_ms = app.ms_start_rate > 0 and rng.random() < app.ms_start_rate
    base_tags = [
        "env:prod" if rng.random() < 0.9 else "env:staging", f"service:{app.service}", f"version:{plan.version}",
        f"ml_app:{app.ml_app}", "source:integration", "language:python", f"session_id:sess-{_hex(rng, 8)}",
    ]
    if rng.random() < 0.6:
        base_tags.append(f"user_id:u-{10_000 + int(rng.random() * 90_000)}")
    base_tags.extend(conversation.tags)
    base_metadata = {"agent_name": plan.agent.name, "agent_version": plan.version,
                     "request_id": _uuid(rng), **conversation.metadata}

    records: list[_Record] = []
    starts: list[int] = []
    span_ids: list[str] = []
    ends: list[int] = []
    cursor = root_start_ns + 2_000_000
    for index, span_plan in enumerate(plan.spans):
        skipped = index > 0 and (
            span_ids[span_plan.parent] == ""  # the parent step did not run
            or (span_plan.runs < 1.0 and rng.random() >= span_plan.runs)
        )
        if skipped:
            starts.append(-1)
            ends.append(-1)
            span_ids.append("")
            continue
        minimum, spread = _DURATION_RANGES_NS.get(span_plan.kind, (5_000_000, 50_000_000))
        if index == 0:
            start, duration = root_start_ns, 0  # the root's duration is known once its children are placed
        elif span_plan.parent == 0:
            duration = minimum + int(spread * rng.random())
            start, cursor = cursor, cursor + duration + 3_000_000
        else:
            parent_duration = ends[span_plan.parent] - starts[span_plan.parent]
            start = starts[span_plan.parent] + 1_000_000
            duration = max(1_000_000, int(parent_duration * (0.2 + 0.4 * rng.random())))
        if in_ms:
            start -= start % 1_000_000  # what a reader recovers from the millisecond value
        starts.append(start)
        ends.append(start + duration)
        span_id = str(rng.getrandbits(63) + 1)
        span_ids.append(span_id)
        records.append(_span(rng, plan, span_plan, conversation, trace_id, span_id,
                             span_ids[span_plan.parent] if index else "undefined", start, duration, in_ms,
                             base_tags, base_metadata, error_object_rate))
    root = records[0][1]["attributes"]
    root["duration"] = float(cursor - root_start_ns + 5_000_000)
    return records


def _span(rng: random.Random, plan: _AgentPlan, span_plan: _SpanPlan, conversation: _Conversation,
          trace_id: str, span_id: str, parent_id: str, start_ns: int, duration_ns: int, in_ms: bool,
          base_tags: list[str], base_metadata: dict[str, str], error_object_rate: float) -> _Record:
    failure: _Candidate | None = None
    if span_plan.candidates and rng.random() < span_plan.failure_chance:
        pick = rng.random() * span_plan.cumulative_weights[-1]
        failure = span_plan.candidates[bisect(span_plan.cumulative_weights, pick)]
    failure_kind = failure.template.failure_kind if failure else None
    is_root = span_plan.parent < 0

    if is_root:
        text_in, text_out = conversation.user, conversation.answer
    else:
        text_in, text_out = conversation.step_io[span_plan.name]
    tool_input = conversation.step_io[span_plan.calls_tool][0] if span_plan.calls_tool else None
    span_input, span_output = _span_io(span_plan, text_in, text_out, tool_input)

    tags = base_tags.copy()
    metadata = base_metadata.copy()
    attributes: dict[str, Any] = {
        "span_id": span_id, "trace_id": trace_id, "parent_id": parent_id, "name": span_plan.name,
        "span_kind": span_plan.kind, "ml_app": plan.app.ml_app,
        "start_ns": start_ns // 1_000_000 if in_ms else start_ns, "duration": float(duration_ns),
        "status": "ok", "input": span_input, "output": span_output, "metadata": metadata, "metrics": {},
        "tags": tags,
    }
    if span_plan.model:
        attributes["model_name"], attributes["model_provider"] = span_plan.model
        input_tokens = 200 + int(rng.random() * 3000)
        output_tokens = 0
        if span_plan.kind == "llm":
            metadata["temperature"] = 0.2
            metadata["max_tokens"] = 1024
            output_tokens = 20 + int(rng.random() * 600)
        attributes["metrics"] = {
            "input_tokens": input_tokens, "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
            "estimated_total_cost": input_tokens * 15 + output_tokens * 60,  # micro-dollars, like Datadog's
        }

    values: _Values | None = None
    if failure_kind == "error":
        site = failure.site
        values = _Values(rng, site.fixed)
        values.setdefault("tool", span_plan.name)
        if span_plan.model:
            values.setdefault("model", span_plan.model[0])
        message = failure.template.message.format_map(values)
        attributes["status"] = "error"
        attributes["output"] = {"value": ""}
        tags.append("error:1")
        tags.append(f"error_type:{site.error_type}")
        if rng.random() < error_object_rate:
            attributes["error"] = {"type": site.error_type, "message": message,
                                   "stack": f"{failure.stack_head}{site.error_type}: {message}"}
    else:
        tags.append("error:0")
        if failure_kind in ("eval_fail", "low_quality"):
            values = _Values(rng)
        if span_plan.evaluations and (values is not None or rng.random() < EVALUATED_SHARE):
            failing = failure.template.evaluation if failure else None
            attributes["evaluation"] = _evaluation_results(rng, span_plan.evaluations, failing, values)
        if is_root:
            _add_feedback(rng, plan.app.feedback, attributes, negative=failure_kind == "user_feedback")
    item = {"id": span_id, "type": "span", "attributes": attributes}
    return start_ns, item, failure.label if failure else None


def _add_feedback(rng: random.Random, style: FeedbackStyle, attributes: dict[str, Any], negative: bool) -> None:
    if not negative and rng.random() >= POSITIVE_FEEDBACK_SHARE:
        return
    value = style.negative if negative else style.positive
    if style.channel == "tag":
        attributes["tags"].append(f"{style.key}:{value}")
    else:
        attributes.setdefault("evaluation", {})[style.key] = {
            "eval_metric_type": "categorical", "value": value, "status": "OK"}
    if negative and rng.random() < 0.5:
        values = _Values(rng)
        attributes["metadata"]["feedback_comment"] = rng.choice((
            "Wrong order, mine is {order_id}. Email me at {email}.",
            "Useless answer, I waited {duration}.",
            "Call me instead: {phone}",
            "It didn't answer my question about the refund of {price}.",
        )).format_map(values)


def _hour_records(seed: int, hour_ns: int, spans_per_hour: int, error_object_rate: float) -> Iterator[_Record]:
    """Exactly `spans_per_hour` records for the UTC hour starting at `hour_ns`, a function of (seed, hour) only."""
    world = _world()
    rng = random.Random(f"evalforge-sample:{seed}:{hour_ns // HOUR_NS}")
    expected_traces = max(1.0, spans_per_hour / world.mean_trace_size)
    mean_gap_ns = 0.9 * _TRACE_WINDOW_NS / expected_traces
    window_end = hour_ns + _TRACE_WINDOW_NS
    cursor = hour_ns
    remaining = spans_per_hour
    while remaining > 0:
        cursor += int(2 * mean_gap_ns * rng.random())
        records = _trace(rng, world.pick(rng), min(cursor, window_end), error_object_rate)
        # The last trace of the hour may be cut short: like an export window that closes mid-trace.
        yield from records[:remaining]
        remaining -= len(records)


# --------------------------------------------------------------------------------------------------------------
# Malformed items, so quarantine can be shown working on sample data.
# --------------------------------------------------------------------------------------------------------------

_MALFORMATIONS = ("missing_field", "start_ns_text", "span_id_list", "duration_text", "tags_string",
                  "attributes_not_object", "broken_json")


def _malform(item: dict[str, Any], rng: random.Random, origin: str) -> dict[str, Any] | MalformedItem:
    attributes = item["attributes"]
    kind = rng.choice(_MALFORMATIONS)
    if kind == "missing_field":
        del attributes[rng.choice(("span_id", "trace_id", "name", "ml_app", "start_ns", "status", "span_kind"))]
    elif kind == "start_ns_text":
        attributes["start_ns"] = "yesterday"
    elif kind == "span_id_list":
        attributes["span_id"] = [attributes["span_id"]]
    elif kind == "duration_text":
        attributes["duration"] = "fast"
    elif kind == "tags_string":
        attributes["tags"] = ",".join(attributes["tags"])
    elif kind == "attributes_not_object":
        item["attributes"] = json.dumps(attributes)[:200]
    else:
        text = json.dumps(item)
        return MalformedItem(raw_text=text[: len(text) // 2], reason="the line ends in the middle of a JSON object",
                             origin=origin)
    return item


# --------------------------------------------------------------------------------------------------------------
# Public entry points.
# --------------------------------------------------------------------------------------------------------------


class SampleSpanSource:
    """Deterministic sample spans: the default source when no Datadog keys are configured."""

    name = "sample"

    def __init__(self, seed: int = 7, spans_per_hour: int = 120, malformed_rate: float = 0.0) -> None:
        if spans_per_hour < 0:
            raise ValueError(f"spans_per_hour must be 0 or more, got {spans_per_hour}.")
        if not 0.0 <= malformed_rate <= 1.0:
            raise ValueError(f"malformed_rate must be between 0 and 1, got {malformed_rate}.")
        self.seed = seed
        self.spans_per_hour = spans_per_hour
        self.malformed_rate = malformed_rate

    def fetch(self, start: datetime, end: datetime) -> SpanFetch:
        """Every sample span whose start time is in [start, end), hour by hour, in generation order."""
        start_ns, end_ns = epoch_ns(start), epoch_ns(end)
        items: list[Any] = []
        hour_ns = start_ns - start_ns % HOUR_NS
        while hour_ns < end_ns:
            items.extend(item for true_start, item in self._hour(hour_ns) if start_ns <= true_start < end_ns)
            hour_ns += HOUR_NS
        return SpanFetch(items=items, stats=FetchStats())

    def _hour(self, hour_ns: int) -> Iterator[tuple[int, Any]]:
        # A separate stream decides which items are malformed, so the healthy items are identical to a run
        # without malformation.
        malform_rng = random.Random(f"evalforge-sample-malformed:{self.seed}:{hour_ns // HOUR_NS}")
        hour_label = datetime.fromtimestamp(hour_ns // 10**9, tz=UTC).strftime("%Y-%m-%dT%H")
        records = _hour_records(self.seed, hour_ns, self.spans_per_hour, ERROR_OBJECT_RATE)
        for position, (true_start, item, _label) in enumerate(records):
            if self.malformed_rate and malform_rng.random() < self.malformed_rate:
                yield true_start, _malform(item, malform_rng, f"sample:{hour_label}#{position}")
            else:
                yield true_start, item


def generate_spans(count: int, seed: int = 0, start: datetime | None = None,
                   spans_per_hour: int = 5000) -> Iterator[dict[str, Any]]:
    """A lazy stream of `count` well-formed sample spans starting at `start` (default 2026-01-01T00:00Z).

    Hours are filled `spans_per_hour` at a time, each from (seed, hour), so the stream holds one trace at a time.
    """
    if count < 0 or spans_per_hour <= 0:
        raise ValueError(f"count must be 0 or more and spans_per_hour more than 0, got {count} and "
                         f"{spans_per_hour}.")
    start_ns = epoch_ns(start or DEFAULT_START)
    hour_ns = start_ns - start_ns % HOUR_NS
    produced = 0
    while produced < count:
        for true_start, item, _label in _hour_records(seed, hour_ns, spans_per_hour, ERROR_OBJECT_RATE):
            if true_start < start_ns:
                continue
            yield item
            produced += 1
            if produced == count:
                return
        hour_ns += HOUR_NS


def generate_labeled_failures(count: int, seed: int = 0) -> Iterator[tuple[dict[str, Any], str]]:
    """`count` failing spans, each with its ground-truth group label (see `group_label`).

    Every error span carries its `error` object here, so grouping can be judged on the message. The label is not
    in the span; `label_template_id(label)` names the `FAILURE_TEMPLATES` entry it came from.
    """
    if count < 0:
        raise ValueError(f"count must be 0 or more, got {count}.")
    hour_ns = epoch_ns(DEFAULT_START)
    produced = 0
    while produced < count:
        for _start, item, label in _hour_records(seed, hour_ns, 5000, error_object_rate=1.0):
            if label is None:
                continue
            yield item, label
            produced += 1
            if produced == count:
                return
        hour_ns += HOUR_NS
