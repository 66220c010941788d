"""The rules every recovery plan obeys, whoever wrote it: five checks, priorities 1..5, parseable criteria,
absolute URLs, and coverage of the incident contract (GET /health, GET /catalog, a valid POST /checkout, a
checkout the service must reject with a 4xx, and an auth/mock case). `validate_plan` turns each broken rule into
a sentence a person or an LLM can act on; plan.py's `PlanDraft` and deterministic planner build on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol
from urllib.parse import urlsplit

from evalforge_assets.models import HttpMethod, PlanItem
from evalforge_assets.recovery.criteria import CriteriaError, parse_criteria
from evalforge_assets.recovery.openapi import AUTH_STATUSES

PLAN_SIZE = 5
DEFAULT_TOKEN = "demo-token"
# What the auth case presents: a token no service issues (made different from the real one if they ever match).
WRONG_TOKEN = "evalforge-wrong-token"
DEFAULT_LATENCY_BUDGET_MS = 1500

COVERAGE_HEALTH = "health"
COVERAGE_CATALOG = "catalog"
COVERAGE_CHECKOUT = "checkout"
COVERAGE_CHECKOUT_NEGATIVE = "checkout_negative"
COVERAGE_AUTH = "auth"
REQUIRED_COVERAGE: tuple[str, ...] = (
    COVERAGE_HEALTH, COVERAGE_CATALOG, COVERAGE_CHECKOUT, COVERAGE_CHECKOUT_NEGATIVE, COVERAGE_AUTH,
)
# What each missing coverage asks the planner to add; shown verbatim in validation errors.
COVERAGE_ADVICE: dict[str, str] = {
    COVERAGE_HEALTH: "a GET check of the /health path whose pass_criteria only accepts a 2xx status "
                     "(for example `status == 200`)",
    COVERAGE_CATALOG: "a GET check of the /catalog path whose pass_criteria only accepts a 2xx status "
                      "(for example `status == 200 and json.items.length > 0`)",
    COVERAGE_CHECKOUT: "a POST check of the /checkout path with a valid body (and valid credentials where the "
                       "service requires them) whose pass_criteria only accepts a 2xx status (for example "
                       "`status == 200`)",
    COVERAGE_CHECKOUT_NEGATIVE: "a POST check of the /checkout path with an invalid body whose pass_criteria only "
                                "accepts a 4xx other than 401/403 (for example `status == 422`)",
    COVERAGE_AUTH: "an auth check: a request that sends wrong credentials (for example the header "
                   f"`Authorization: Bearer {WRONG_TOKEN}`) whose pass_criteria only accepts 401 or 403 (for "
                   "example `status == 401`), or a check that sets an X-Mock-* header to mock a dependency",
}
_MOCK_HEADER_PREFIX = "x-mock"
# Header names that carry credentials. An auth check must send some: a service that lets guests in answers a
# request without credentials like any other, so only presented-but-wrong credentials are sure to be refused.
_CREDENTIAL_HEADER_HINTS = ("authorization", "api-key", "apikey", "token")

# The contract's endpoints, used when the OpenAPI document is missing or does not describe them.
CONTRACT_PATHS = {COVERAGE_HEALTH: "/health", COVERAGE_CATALOG: "/catalog", COVERAGE_CHECKOUT: "/checkout"}
CONTRACT_CHECKOUT_BODY: dict[str, Any] = {"sku": "SKU-1001", "quantity": 1, "payment_token": "tok_visa_4242"}


# ------------------------------------------------------------------------------------------------- coverage


def _last_segment(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1].lower()


def _sends_credentials(item: PlanItem) -> bool:
    return any(hint in name.lower() for name in item.target.headers for hint in _CREDENTIAL_HEADER_HINTS)


def _item_coverage(item: PlanItem) -> set[str]:
    try:
        accepted = parse_criteria(item.pass_criteria).accepted_statuses()
    except CriteriaError:
        return set()
    method, endpoint = item.target.method, _last_segment(item.target.url)
    success = bool(accepted) and all(200 <= code < 300 for code in accepted)
    client_error = bool(accepted) and all(400 <= code < 500 for code in accepted)
    auth_rejection = bool(accepted) and accepted <= AUTH_STATUSES

    covered: set[str] = set()
    if method is HttpMethod.GET and endpoint == CONTRACT_PATHS[COVERAGE_HEALTH].strip("/") and success:
        covered.add(COVERAGE_HEALTH)
    if method is HttpMethod.GET and endpoint == CONTRACT_PATHS[COVERAGE_CATALOG].strip("/") and success:
        covered.add(COVERAGE_CATALOG)
    if method is HttpMethod.POST and endpoint == CONTRACT_PATHS[COVERAGE_CHECKOUT].strip("/"):
        if success:
            covered.add(COVERAGE_CHECKOUT)
        if client_error and not auth_rejection:
            covered.add(COVERAGE_CHECKOUT_NEGATIVE)
    if (auth_rejection and _sends_credentials(item)) or any(
            name.lower().startswith(_MOCK_HEADER_PREFIX) for name in item.target.headers):
        covered.add(COVERAGE_AUTH)
    return covered


def coverage_of(items: Iterable[PlanItem]) -> set[str]:
    """Which of the contract's five coverage names (REQUIRED_COVERAGE) these checks provide.

    Judged from the method, the URL's last path segment, the statuses the pass_criteria can accept and the
    headers: a check only counts as a positive check when its criteria rejects every non-2xx status, and as the
    auth case only when it sends credentials (or mocks a dependency).
    """
    covered: set[str] = set()
    for item in items:
        covered |= _item_coverage(item)
    return covered


# ------------------------------------------------------------------------------------------------- validation


def count_problem(count: int) -> str:
    change = f"add {PLAN_SIZE - count}" if count < PLAN_SIZE else f"remove {count - PLAN_SIZE}"
    return (
        f"A plan must have exactly {PLAN_SIZE} checks, but this one has {count}; {change} so that there is one "
        "check each for GET /health, GET /catalog, a valid POST /checkout, an invalid checkout that must be "
        "rejected with a 4xx, and an auth/mock case."
    )


def _names(test_ids: Iterable[str]) -> str:
    quoted = [f"'{test_id}'" for test_id in test_ids]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _priority_problems(items: Sequence[PlanItem]) -> list[str]:
    by_priority: dict[int, list[str]] = {}
    for item in items:
        by_priority.setdefault(item.priority, []).append(item.test_id)
    if sorted(by_priority) == list(range(1, PLAN_SIZE + 1)) and len(items) == PLAN_SIZE:
        return []
    details = [f"priority {priority} is used by {_names(ids)}"
               for priority, ids in sorted(by_priority.items()) if len(ids) > 1]
    unused = [str(priority) for priority in range(1, PLAN_SIZE + 1) if priority not in by_priority]
    if unused:
        details.append(f"priority {', '.join(unused)} {'is' if len(unused) == 1 else 'are'} not used")
    summary = "; ".join(details)
    return [f"Priorities must be 1, 2, 3, 4 and 5, each used by exactly one check (1 = most important); {summary}."]


def _duplicate_id_problems(items: Sequence[PlanItem]) -> list[str]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.test_id] = counts.get(item.test_id, 0) + 1
    return [f"test_id '{test_id}' is used by {count} checks; give every check its own test_id."
            for test_id, count in counts.items() if count > 1]


def is_absolute_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _item_problems(item: PlanItem, base_url: str | None) -> list[str]:
    label = f"Check '{item.test_id}'"
    problems: list[str] = []
    if not item.test_id.strip():
        problems.append("Every check needs a non-empty test_id, such as 'checkout-valid-order'.")
    if not item.name.strip():
        problems.append(f"{label} needs a name saying what it checks in a few words.")
    if not item.what_it_checks.strip():
        problems.append(f"{label} needs a what_it_checks sentence saying why this check matters for the incident.")
    try:
        parse_criteria(item.pass_criteria)
    except CriteriaError as error:
        problems.append(
            f"{label} has a pass_criteria that does not parse: {error.problem} (position {error.position} of "
            f"{item.pass_criteria!r}). Write conditions such as `status == 200 and json.items.length > 0`."
        )
    url = item.target.url
    if not is_absolute_http_url(url):
        problems.append(f"{label} has target.url {url!r}, which is not an absolute http(s) URL; write the full "
                        f"address, such as {(base_url or 'http://127.0.0.1:8001').rstrip('/')}/health.")
    elif base_url is not None and not url.startswith(base_url.rstrip("/") + "/"):
        problems.append(f"{label} calls {url!r}, outside the service under test; every check must call "
                        f"{base_url.rstrip('/')}.")
    return problems


class HasItems(Protocol):
    """A plan or a draft: anything holding its checks in `items`."""

    @property
    def items(self) -> Sequence[PlanItem]: ...


def validate_plan(plan: HasItems | Sequence[PlanItem], *, base_url: str | None = None) -> list[str]:
    """Every problem with a plan, each a sentence a person or an LLM can act on; empty when the plan is valid.

    With `base_url`, every check must also call that service.
    """
    items = list(plan) if isinstance(plan, Sequence) else list(plan.items)
    problems: list[str] = []
    if len(items) != PLAN_SIZE:
        problems.append(count_problem(len(items)))
    problems += _duplicate_id_problems(items)
    problems += _priority_problems(items)
    for item in items:
        problems += _item_problems(item, base_url)
    covered = coverage_of(items)
    for name in REQUIRED_COVERAGE:
        if name not in covered:
            problems.append(f"The plan has no {name.replace('_', ' ')} check; add {COVERAGE_ADVICE[name]}.")
    return problems
