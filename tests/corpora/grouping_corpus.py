"""The frozen grouping corpus: failing spans in Datadog's export format whose true groups come from how they were built.

Written before the v2 fingerprint was tuned and frozen since (tests/unit/test_grouping_quality.py pins the sha256 of
the files it wrote), so grouping is scored on messages nobody fitted the normalizer to. Every span is drawn from one
template (a failure at one site: ml_app, agent, error type); the template id is the span's true group and is written
to a separate labels file, never into the span. Values come from Faker in five locales, in the shapes real systems
produce them: provider API errors (OpenAI, Anthropic, Bedrock), Stripe errors, Python and JavaScript exceptions with
tracebacks, HTTP client and database errors, with ids in every format. Evidence is optional the way it is in real
exports: some spans carry an error object with type, message and stack, some only `metadata["error.message"]`
(with or without an `error_type:` tag), some only the `error_type:` tag.

Regenerate (only when deliberately replacing the corpus; the pinned hashes must then be updated in the same commit):

    python3 -m uv run --frozen python -m tests.corpora.grouping_corpus
"""

from __future__ import annotations

import gzip
import json
import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from faker import Faker

SEED = 20260112
SPANS = 9_000
HOURS = 48
START = datetime(2026, 1, 10, tzinfo=UTC)
CORPUS_DIR = Path(__file__).resolve().parent / "grouping_data"
SPANS_FILE = CORPUS_DIR / "spans.jsonl.gz"
LABELS_FILE = CORPUS_DIR / "labels.json"
LOCALES = ("en_US", "de_DE", "fr_FR", "ja_JP", "pt_BR")

Draw = Callable[[Faker, random.Random], str]
_BASE62 = string.ascii_letters + string.digits


# ---- identifiers in the formats real systems use ----------------------------------------------------------------
def base62(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_BASE62) for _ in range(n))


def hexid(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def stripe_id(rng: random.Random, prefix: str) -> str:
    return f"{prefix}_{base62(rng, 24)}"


def org_id(rng: random.Random) -> str:
    return f"org-{base62(rng, 24)}"


def request_id(rng: random.Random) -> str:
    return rng.choice([f"req_{base62(rng, 24)}", f"req-{hexid(rng, 32)}", f"{hexid(rng, 8)}-{hexid(rng, 4)}"])


def deadline(rng: random.Random) -> str:
    ms = rng.choice([200, 500, 800, 1000, 1500, 2000, 5000, 30000])
    return f"{ms}ms" + (f" (shard {rng.randint(1, 12)}/12)" if rng.random() < 0.4 else "")


def seconds(rng: random.Random) -> str:
    return f"{rng.choice([5, 10, 30, 60, 120, 300, 600])} seconds"


def pod(rng: random.Random, name: str) -> str:
    return f"{name}-{hexid(rng, 9)}-{''.join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(5))}"


def index_name(fake: Faker, rng: random.Random) -> str:
    day = START + timedelta(days=rng.randint(0, 40))
    return rng.choice([f"logs-{day:%Y.%m.%d}", f"products_v{rng.randint(1, 9)}",
                       f"customers-{rng.choice(['eu', 'us', 'ap'])}-{rng.randint(1, 20)}",
                       f"{fake.word().lower()}-{rng.randint(1, 999):03d}"])


def model(rng: random.Random) -> str:
    return rng.choice(["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "o3-mini"])


def py_path(fake: Faker, rng: random.Random) -> str:
    return rng.choice([f"/srv/app/{fake.file_path(depth=2, extension='py').lstrip('/')}",
                       f"/usr/lib/python3.11/site-packages/{fake.word()}/{fake.word()}.py"])


# ---- stacks -------------------------------------------------------------------------------------------------------
def python_stack(frames: tuple[tuple[str, str], ...], last: str) -> Draw:
    def draw(fake: Faker, rng: random.Random) -> str:
        lines = ["Traceback (most recent call last):"]
        for path, func in frames:
            prefix = rng.choice(["/srv/app", "/opt/venv/app", "/workspace/src"])
            lines.append(f'  File "{prefix}/{path}", line {rng.randint(10, 900)}, in {func}')
            lines.append(f"    result = {func}(request)")
        lines.append(f'  File "/usr/lib/python3.11/site-packages/{fake.word()}/client.py", '
                     f"line {rng.randint(10, 900)}, in request")
        lines.append(last)
        return "\n".join(lines)
    return draw


def js_stack(frames: tuple[tuple[str, str], ...], head: str) -> Draw:
    def draw(fake: Faker, rng: random.Random) -> str:
        lines = [head]
        for path, func in reversed(frames):
            lines.append(f"    at {func} (/app/{path}:{rng.randint(1, 400)}:{rng.randint(1, 80)})")
        lines.append(f"    at process.processTicksAndRejections (node:internal/process/task_queues:{rng.randint(80, 99)}:5)")
        return "\n".join(lines)
    return draw


# ---- templates ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Template:
    """One true failure group: a failure at one site."""

    template_id: str
    ml_app: str
    agent: str
    span_name: str
    span_kind: str
    error_type: str
    message: Draw
    stack: Draw | None = None
    weight: float = 1.0


PY_AGENT = (("agents/support.py", "answer"), ("tools/orders.py", "lookup_order"))
PY_BILLING = (("billing/agent.py", "handle"), ("billing/payments.py", "charge_customer"))
PY_SEARCH = (("search/agent.py", "run"), ("search/retriever.py", "query_index"))
JS_CHAT = (("src/chat/handler.js", "handleMessage"), ("src/chat/render.js", "renderReply"))


def _openai_429(unit: str, kind: str) -> Draw:
    def draw(fake: Faker, rng: random.Random) -> str:
        limit = rng.choice([30000, 60000, 200000, 500])
        used = limit - rng.randint(1, 400)
        return ("Error code: 429 - {'error': {'message': 'Rate limit reached for " + model(rng) + " in organization "
                + org_id(rng) + f" on {unit}: Limit {limit}, Used {used}, Requested {rng.randint(100, 4000)}. "
                "Please try again in " + f"{rng.randint(1, 900)}ms" + ". Visit https://platform.openai.com/account/"
                "rate-limits to learn more.', 'type': '" + kind + "', 'param': None, 'code': 'rate_limit_exceeded'}}")
    return draw


def _openai_quota(fake: Faker, rng: random.Random) -> str:
    return ("Error code: 429 - {'error': {'message': 'You exceeded your current quota, please check your plan and "
            "billing details. For more information on this error, read the docs: https://platform.openai.com/docs/"
            "guides/error-codes/api-errors.', 'type': 'insufficient_quota', 'param': None, "
            "'code': 'insufficient_quota'}}")


def _openai_context(fake: Faker, rng: random.Random) -> str:
    n = rng.randint(128001, 190000)
    return ("Error code: 400 - {'error': {'message': \"This model's maximum context length is 128000 tokens. "
            f"However, your messages resulted in {n} tokens. Please reduce the length of the messages.\", "
            "'type': 'invalid_request_error', 'param': 'messages', 'code': 'context_length_exceeded'}}")


def _anthropic_overloaded(fake: Faker, rng: random.Random) -> str:
    return ("Error code: 529 - {'type': 'error', 'error': {'type': 'overloaded_error', 'message': 'Overloaded'}, "
            f"'request_id': '{stripe_id(rng, 'req')}'}}")


def _anthropic_invalid(fake: Faker, rng: random.Random) -> str:
    return ("Error code: 400 - {'type': 'error', 'error': {'type': 'invalid_request_error', 'message': "
            f"'messages.{rng.randint(0, 40)}.content.{rng.randint(0, 3)}.tool_use.id: String should match pattern "
            "\\'^[a-zA-Z0-9_-]+$\\''}, " + f"'request_id': '{stripe_id(rng, 'req')}'}}")


def _bedrock_throttle(fake: Faker, rng: random.Random) -> str:
    return ("An error occurred (ThrottlingException) when calling the InvokeModel operation "
            f"(reached max retries: {rng.randint(1, 10)}): Too many requests, please wait before trying again.")


def _bedrock_validation(fake: Faker, rng: random.Random) -> str:
    return ("An error occurred (ValidationException) when calling the Converse operation: The model returned the "
            f"following errors: Input is too long for requested model. Request id {hexid(rng, 8)}-{hexid(rng, 4)}-"
            f"{hexid(rng, 4)}-{hexid(rng, 4)}-{hexid(rng, 12)}")


def _stripe_declined(fake: Faker, rng: random.Random) -> str:
    return rng.choice([
        f"Your card was declined. (charge {stripe_id(rng, 'ch')}, request {stripe_id(rng, 'req')})",
        f"Your card was declined. Request {stripe_id(rng, 'req')}: charge {stripe_id(rng, 'ch')}",
    ]) if rng.random() < 0.5 else f"Your card was declined. charge {stripe_id(rng, 'ch')}"


def _stripe_missing(fake: Faker, rng: random.Random) -> str:
    kind, prefix = rng.choice([("customer", "cus"), ("invoice", "in"), ("payment_intent", "pi")])
    return f"Request {stripe_id(rng, 'req')}: No such {kind}: '{stripe_id(rng, prefix)}'"


def _stripe_idempotency(fake: Faker, rng: random.Random) -> str:
    return (f"Keys for idempotent requests can only be used with the same parameters they were first used with. "
            f"Try using a key other than '{fake.uuid4()}' if you meant to execute a different request.")


def _http_timeout(fake: Faker, rng: random.Random) -> str:
    return (f"HTTPSConnectionPool(host='{fake.domain_name()}', port=443): Read timed out. "
            f"(read timeout={rng.choice([5, 10, 30, 60])})")


def _http_status(code: int, reason: str) -> Draw:
    def draw(fake: Faker, rng: random.Random) -> str:
        path = f"/v{rng.randint(1, 3)}/{fake.word()}/{rng.randint(1, 99999)}"
        return (f"Server error '{code} {reason}' for url 'https://{fake.domain_name()}{path}'\n"
                f"For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/{code}")
    return draw


def _connection_refused(fake: Faker, rng: random.Random) -> str:
    return rng.choice([
        f"[Errno 111] Connection refused ({fake.ipv4()}:{rng.choice([5432, 6379, 8080])})",
        f"[Errno 111] Connection refused to {pod(rng, 'inventory')}.default.svc.cluster.local",
    ])


def _pg_unique(fake: Faker, rng: random.Random) -> str:
    return (f'duplicate key value violates unique constraint "orders_external_id_key"\n'
            f"DETAIL:  Key (external_id)=({base62(rng, 16)}) already exists.")


def _pg_deadlock(fake: Faker, rng: random.Random) -> str:
    return (f"deadlock detected\nDETAIL:  Process {rng.randint(1000, 99999)} waits for ShareLock on transaction "
            f"{rng.randint(10**6, 10**7)}; blocked by process {rng.randint(1000, 99999)}.")


def _pg_timeout(fake: Faker, rng: random.Random) -> str:
    return f"canceling statement due to statement timeout (query took {deadline(rng)})"


def _mongo_timeout(fake: Faker, rng: random.Random) -> str:
    return (f"{fake.hostname()}:27017: timed out after {seconds(rng)}, Timeout: {rng.choice([10, 30])}s, "
            f"Topology Description: <TopologyDescription id: {hexid(rng, 24)}, topology_type: ReplicaSetNoPrimary>")


def _grpc_deadline(fake: Faker, rng: random.Random) -> str:
    return f"Deadline Exceeded: rpc Recommend exceeded its deadline of {deadline(rng)}"


def _es_missing(fake: Faker, rng: random.Random) -> str:
    name = index_name(fake, rng)
    return f"index_not_found_exception: no such index [{name}] (resource.id={name})"


def _es_mapping(fake: Faker, rng: random.Random) -> str:
    return (f"mapper_parsing_exception: failed to parse field [{fake.word()}] of type [long] in document with id "
            f"'{base62(rng, 20)}'. Preview of field's value: '{fake.word()}'")


def _file_missing(fake: Faker, rng: random.Random) -> str:
    return f"[Errno 2] No such file or directory: '{fake.file_path(depth=rng.randint(2, 5), extension='parquet')}'"


def _permission(fake: Faker, rng: random.Random) -> str:
    return f"[Errno 13] Permission denied: '/var/lib/evals/{fake.word()}/{hexid(rng, 12)}.json'"


def _key_error(fake: Faker, rng: random.Random) -> str:
    return f"'{rng.choice(['price', 'sku', 'currency', 'quantity', 'shipping_address', 'total'])}'"


def _json_decode(fake: Faker, rng: random.Random) -> str:
    return f"Expecting value: line {rng.randint(1, 40)} column {rng.randint(1, 120)} (char {rng.randint(0, 5000)})"


def _tool_args(fake: Faker, rng: random.Random) -> str:
    return (f"1 validation error for {rng.choice(['LookupOrder', 'LookupOrderArgs'])}\norder_id\n  Input should be a "
            f"valid integer, unable to parse string as an integer [type=int_parsing, input_value='{fake.word()}', "
            f"input_type=str]")


def _tool_timeout(tool: str) -> Draw:
    def draw(fake: Faker, rng: random.Random) -> str:
        return rng.choice([f"Tool {tool} timed out after {seconds(rng)}",
                           f"Tool {tool} timed out after {rng.randint(1, 120)}s for order {rng.randint(1, 99999)}",
                           f"Tool {tool} timed out after {rng.randint(100, 60000)}ms (attempt {rng.randint(1, 3)} of 3)"])
    return draw


def _js_undefined(prop: str) -> Draw:
    def draw(fake: Faker, rng: random.Random) -> str:
        return f"Cannot read properties of undefined (reading '{prop}')"
    return draw


def _js_fetch(fake: Faker, rng: random.Random) -> str:
    return f"request to https://{fake.domain_name()}/api/{fake.word()}?id={base62(rng, 12)} failed, reason: " \
           f"connect ECONNREFUSED {fake.ipv4()}:{rng.choice([443, 8443, 3000])}"


def _js_socket(fake: Faker, rng: random.Random) -> str:
    return f"socket hang up (host {fake.hostname()}, after {rng.randint(1, 60000)}ms)"


def _redis_oom(fake: Faker, rng: random.Random) -> str:
    return f"OOM command not allowed when used memory > 'maxmemory'. (key cache:{fake.user_name()}:{hexid(rng, 16)})"


def _s3_denied(fake: Faker, rng: random.Random) -> str:
    return (f"An error occurred (AccessDenied) when calling the GetObject operation: Access Denied "
            f"(bucket {fake.word()}-{rng.randint(1, 99)}, key exports/{fake.date(pattern='%Y/%m/%d')}/"
            f"{fake.uuid4()}.csv)")


def _guardrail(fake: Faker, rng: random.Random) -> str:
    return (f"Output guardrail tripped: policy {rng.choice(['pii_leak', 'toxicity'])} score "
            f"{rng.random():.2f} > {rng.choice([0.5, 0.7, 0.8])} for session {fake.uuid4()}")


def _embed_dims(fake: Faker, rng: random.Random) -> str:
    return f"Embedding dimension mismatch: expected 1536, got {rng.choice([768, 1024, 3072])} for document " \
           f"{hexid(rng, 40)}"


def _vector_timeout(fake: Faker, rng: random.Random) -> str:
    return f"Query to collection {index_name(fake, rng)} timed out after {seconds(rng)}"


def _templates() -> list[Template]:
    def t(*args: object, **kwargs: object) -> Template:
        return Template(*args, **kwargs)  # type: ignore[arg-type]

    tb = python_stack
    return [
        # shop-assistant: OpenAI-backed support agent with order tools
        t("shop.openai_tpm", "shop-assistant", "support", "answer", "agent", "RateLimitError",
          _openai_429("tokens per min (TPM)", "tokens"), tb(PY_AGENT, "openai.RateLimitError: Error code: 429"), 4),
        t("shop.openai_rpm", "shop-assistant", "support", "answer", "agent", "RateLimitError",
          _openai_429("requests per min (RPM)", "requests"), tb(PY_AGENT, "openai.RateLimitError: Error code: 429"), 2),
        t("shop.openai_quota", "shop-assistant", "support", "answer", "agent", "RateLimitError", _openai_quota,
          tb(PY_AGENT, "openai.RateLimitError: Error code: 429")),
        t("shop.openai_context", "shop-assistant", "support", "answer", "agent", "BadRequestError", _openai_context,
          tb(PY_AGENT, "openai.BadRequestError: Error code: 400")),
        t("shop.lookup_timeout", "shop-assistant", "support", "lookup_order", "tool", "ToolTimeout",
          _tool_timeout("lookup_order"), tb(PY_AGENT, "TimeoutError"), 3),
        t("shop.refund_timeout", "shop-assistant", "support", "issue_refund", "tool", "ToolTimeout",
          _tool_timeout("issue_refund"), tb(PY_AGENT, "TimeoutError")),
        t("shop.key_error", "shop-assistant", "support", "lookup_order", "tool", "KeyError", _key_error,
          tb(PY_AGENT, "KeyError"), 2),
        t("shop.tool_args", "shop-assistant", "support", "lookup_order", "tool", "ValidationError", _tool_args,
          tb(PY_AGENT, "pydantic_core._pydantic_core.ValidationError")),
        t("shop.json", "shop-assistant", "support", "parse_reply", "task", "JSONDecodeError", _json_decode,
          tb(PY_AGENT, "json.decoder.JSONDecodeError")),
        t("shop.http_503", "shop-assistant", "support", "lookup_order", "tool", "HTTPStatusError",
          _http_status(503, "Service Unavailable"), tb(PY_AGENT, "httpx.HTTPStatusError")),
        t("shop.http_502", "shop-assistant", "support", "lookup_order", "tool", "HTTPStatusError",
          _http_status(502, "Bad Gateway"), tb(PY_AGENT, "httpx.HTTPStatusError")),
        t("shop.refused", "shop-assistant", "support", "check_stock", "tool", "ConnectionRefusedError",
          _connection_refused, tb(PY_AGENT, "ConnectionRefusedError")),
        t("shop.pg_unique", "shop-assistant", "support", "save_order", "tool", "UniqueViolation", _pg_unique,
          tb(PY_AGENT, "psycopg.errors.UniqueViolation")),
        t("shop.redis_oom", "shop-assistant", "support", "cache_reply", "task", "ResponseError", _redis_oom,
          tb(PY_AGENT, "redis.exceptions.ResponseError")),
        t("shop.guardrail", "shop-assistant", "support", "answer", "agent", "GuardrailTripped", _guardrail),
        # billing-copilot: Anthropic-backed agent with Stripe and Postgres
        t("billing.anthropic_overloaded", "billing-copilot", "billing", "plan", "agent", "OverloadedError",
          _anthropic_overloaded, tb(PY_BILLING, "anthropic.InternalServerError: Error code: 529"), 3),
        t("billing.anthropic_invalid", "billing-copilot", "billing", "plan", "agent", "BadRequestError",
          _anthropic_invalid, tb(PY_BILLING, "anthropic.BadRequestError: Error code: 400")),
        t("billing.card_declined", "billing-copilot", "billing", "charge_card", "tool", "CardError",
          _stripe_declined, tb(PY_BILLING, "stripe.error.CardError"), 4),
        t("billing.no_such", "billing-copilot", "billing", "fetch_invoice", "tool", "InvalidRequestError",
          _stripe_missing, tb(PY_BILLING, "stripe.error.InvalidRequestError"), 2),
        t("billing.idempotency", "billing-copilot", "billing", "charge_card", "tool", "IdempotencyError",
          _stripe_idempotency, tb(PY_BILLING, "stripe.error.IdempotencyError")),
        t("billing.pg_deadlock", "billing-copilot", "billing", "record_payment", "tool", "DeadlockDetected",
          _pg_deadlock, tb(PY_BILLING, "psycopg.errors.DeadlockDetected")),
        t("billing.pg_timeout", "billing-copilot", "billing", "record_payment", "tool", "QueryCanceled",
          _pg_timeout, tb(PY_BILLING, "psycopg.errors.QueryCanceled")),
        t("billing.pg_unique", "billing-copilot", "billing", "record_payment", "tool", "UniqueViolation",
          _pg_unique, tb(PY_BILLING, "psycopg.errors.UniqueViolation")),
        t("billing.http_timeout", "billing-copilot", "billing", "fx_rates", "tool", "ReadTimeout", _http_timeout,
          tb(PY_BILLING, "requests.exceptions.ReadTimeout")),
        t("billing.s3_denied", "billing-copilot", "billing", "export_statement", "task", "ClientError",
          _s3_denied, tb(PY_BILLING, "botocore.exceptions.ClientError")),
        t("billing.permission", "billing-copilot", "billing", "export_statement", "task", "PermissionError",
          _permission, tb(PY_BILLING, "PermissionError")),
        t("billing.key_error", "billing-copilot", "billing", "charge_card", "tool", "KeyError", _key_error,
          tb(PY_BILLING, "KeyError")),
        # search-rag: Bedrock-backed retrieval with Elasticsearch, Mongo and a vector store
        t("search.bedrock_throttle", "search-rag", "researcher", "generate", "llm", "ThrottlingException",
          _bedrock_throttle, tb(PY_SEARCH, "botocore.errorfactory.ThrottlingException"), 3),
        t("search.bedrock_validation", "search-rag", "researcher", "generate", "llm", "ValidationException",
          _bedrock_validation, tb(PY_SEARCH, "botocore.errorfactory.ValidationException")),
        t("search.es_missing", "search-rag", "researcher", "retrieve", "retrieval", "NotFoundError", _es_missing,
          tb(PY_SEARCH, "elasticsearch.NotFoundError"), 2),
        t("search.es_mapping", "search-rag", "researcher", "index_docs", "task", "BadRequestError", _es_mapping,
          tb(PY_SEARCH, "elasticsearch.BadRequestError")),
        t("search.mongo_timeout", "search-rag", "researcher", "load_profile", "tool", "ServerSelectionTimeoutError",
          _mongo_timeout, tb(PY_SEARCH, "pymongo.errors.ServerSelectionTimeoutError")),
        t("search.grpc_deadline", "search-rag", "researcher", "rerank", "tool", "DeadlineExceeded", _grpc_deadline,
          tb(PY_SEARCH, "grpc._channel._InactiveRpcError"), 2),
        t("search.file_missing", "search-rag", "researcher", "load_corpus", "task", "FileNotFoundError",
          _file_missing, tb(PY_SEARCH, "FileNotFoundError")),
        t("search.embed_dims", "search-rag", "researcher", "embed", "embedding", "ValueError", _embed_dims,
          tb(PY_SEARCH, "ValueError")),
        t("search.vector_timeout", "search-rag", "researcher", "retrieve", "retrieval", "TimeoutError",
          _vector_timeout, tb(PY_SEARCH, "TimeoutError")),
        t("search.http_504", "search-rag", "researcher", "web_search", "tool", "HTTPStatusError",
          _http_status(504, "Gateway Timeout"), tb(PY_SEARCH, "httpx.HTTPStatusError")),
        t("search.json", "search-rag", "researcher", "parse_citations", "task", "JSONDecodeError", _json_decode,
          tb(PY_SEARCH, "json.decoder.JSONDecodeError")),
        # chat-widget: a Node.js front agent
        t("chat.undefined_map", "chat-widget", "concierge", "render_reply", "task", "TypeError",
          _js_undefined("map"), js_stack(JS_CHAT, "TypeError: Cannot read properties of undefined (reading 'map')"),
          3),
        t("chat.undefined_length", "chat-widget", "concierge", "render_reply", "task", "TypeError",
          _js_undefined("length"),
          js_stack(JS_CHAT, "TypeError: Cannot read properties of undefined (reading 'length')")),
        t("chat.fetch_refused", "chat-widget", "concierge", "call_backend", "tool", "FetchError", _js_fetch,
          js_stack(JS_CHAT, "FetchError: request failed"), 2),
        t("chat.socket", "chat-widget", "concierge", "call_backend", "tool", "Error", _js_socket,
          js_stack(JS_CHAT, "Error: socket hang up")),
        t("chat.openai_tpm", "chat-widget", "concierge", "reply", "agent", "RateLimitError",
          _openai_429("tokens per min (TPM)", "tokens"), js_stack(JS_CHAT, "RateLimitError: 429"), 2),
        t("chat.tool_timeout", "chat-widget", "concierge", "lookup_order", "tool", "ToolTimeout",
          _tool_timeout("lookup_order")),
    ]


TEMPLATES = _templates()


def _evidence(rng: random.Random) -> str:
    """How much of the failure a span carries: the mix real exports show."""
    pick = rng.random()
    return "object" if pick < 0.55 else "metadata_typed" if pick < 0.70 else "metadata" if pick < 0.85 else "tag"


def _span(fake: Faker, rng: random.Random, template: Template) -> dict:
    start = START + timedelta(seconds=rng.uniform(0, HOURS * 3600))
    start_ns = int(start.timestamp()) * 10**9 + rng.randint(0, 10**9 - 1)
    trace_id = f"{int(start.timestamp()):08x}00000000{rng.getrandbits(64):016x}"
    span_id = str(rng.getrandbits(63) + 1)
    evidence = _evidence(rng)
    message = template.message(fake, rng)
    tags = [f"service:{template.ml_app}", f"env:{rng.choice(['prod', 'prod', 'staging'])}",
            f"version:2.{rng.randint(0, 4)}.{rng.randint(0, 9)}", f"ml_app:{template.ml_app}", "source:integration",
            f"session_id:{fake.uuid4()}"]
    metadata: dict = {"agent_name": template.agent, "request_id": fake.uuid4()}
    attributes: dict = {
        "span_id": span_id, "trace_id": trace_id, "parent_id": "undefined" if template.span_kind == "agent"
        else str(rng.getrandbits(63) + 1), "name": template.span_name, "span_kind": template.span_kind,
        "ml_app": template.ml_app, "start_ns": start_ns, "duration": float(rng.randint(10**6, 9 * 10**9)),
        "status": "error", "input": {"value": fake.sentence(nb_words=10)}, "output": {"value": ""},
        "metadata": metadata, "metrics": {}, "tags": tags,
    }
    if evidence == "object":
        error = {"type": template.error_type, "message": message}
        if template.stack is not None:
            error["stack"] = template.stack(fake, rng)
        attributes["error"] = error
    elif evidence in ("metadata", "metadata_typed"):
        metadata["error.message"] = message
        if evidence == "metadata_typed":
            tags.append(f"error_type:{template.error_type}")
    else:
        tags.append(f"error_type:{template.error_type}")
    return {"id": span_id, "type": "span", "attributes": attributes}


def generate(count: int = SPANS, seed: int = SEED) -> tuple[list[dict], dict[str, str]]:
    """(export items, span_id -> true group) for `count` failing spans; the same arguments give the same corpus."""
    rng = random.Random(seed)
    fake = Faker(list(LOCALES))
    fake.seed_instance(seed)
    weights = [template.weight for template in TEMPLATES]
    items, labels = [], {}
    for _ in range(count):
        template = rng.choices(TEMPLATES, weights)[0]
        item = _span(fake, rng, template)
        items.append(item)
        labels[item["id"]] = template.template_id
    items.sort(key=lambda item: item["attributes"]["start_ns"])
    return items, labels


def write(directory: Path = CORPUS_DIR) -> tuple[Path, Path]:
    """Write the corpus files; gzip without a timestamp, so the same corpus has the same bytes."""
    items, labels = generate()
    directory.mkdir(parents=True, exist_ok=True)
    spans, label_file = directory / SPANS_FILE.name, directory / LABELS_FILE.name
    lines = "".join(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n" for item in items).encode()
    with spans.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write(lines)
    label_file.write_text(json.dumps(labels, indent=0, sort_keys=True) + "\n")
    return spans, label_file


def load(directory: Path = CORPUS_DIR) -> list[tuple[dict, str]]:
    """The frozen corpus as (export item, true group) pairs, in file order."""
    labels = json.loads((directory / LABELS_FILE.name).read_text())
    with gzip.open(directory / SPANS_FILE.name, "rt", encoding="utf-8") as lines:
        return [(item, labels[item["id"]]) for item in map(json.loads, lines)]


if __name__ == "__main__":
    for path in write():
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
