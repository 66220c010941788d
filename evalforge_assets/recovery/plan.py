"""Recovery validation plans: the strict schema a planner must fill, its validator, and the deterministic planner.

A plan is exactly five HTTP checks of the service under watch, priorities 1..5, that together cover the
incident contract: GET /health, GET /catalog, a valid POST /checkout, a checkout the service must reject (a 4xx),
and an auth/mock case. The LLM planner returns a `PlanDraft`; every problem `validate_plan` finds becomes a
validation error sentence that Strands hands back to the model as a tool error, so the model can fix it and
retry. `deterministic_plan` is the planner used without an LLM (and the fallback when the LLM fails): it reads
the service's OpenAPI document so the checks call real paths with bodies the service really accepts or rejects.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from evalforge_assets.models import CheckTarget, HttpMethod, Plan, PlanItem, PlanItemType, Signal
from evalforge_assets.recovery.criteria import CriteriaError, parse_criteria

PLAN_SIZE = 5
DEFAULT_TOKEN = "demo-token"
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
    COVERAGE_CHECKOUT: "a POST check of the /checkout path with a valid body and valid credentials whose "
                       "pass_criteria only accepts a 2xx status (for example `status == 200`)",
    COVERAGE_CHECKOUT_NEGATIVE: "a POST check of the /checkout path with an invalid body whose pass_criteria only "
                                "accepts a 4xx other than 401/403 (for example `status == 422`)",
    COVERAGE_AUTH: "an auth check: a request without valid credentials whose pass_criteria only accepts 401 or "
                   "403 (for example `status == 401`), or a check that sets an X-Mock-* header to mock a "
                   "dependency",
}
_AUTH_STATUSES = frozenset({401, 403})
_MOCK_HEADER_PREFIX = "x-mock"

# The contract's endpoints, used when the OpenAPI document is missing or does not describe them.
CONTRACT_PATHS = {COVERAGE_HEALTH: "/health", COVERAGE_CATALOG: "/catalog", COVERAGE_CHECKOUT: "/checkout"}
CONTRACT_CHECKOUT_BODY: dict[str, Any] = {"sku": "SKU-1001", "quantity": 1, "payment_token": "tok_visa_4242"}


# ------------------------------------------------------------------------------------------------- coverage


def _last_segment(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1].lower()


def _item_coverage(item: PlanItem) -> set[str]:
    try:
        accepted = parse_criteria(item.pass_criteria).accepted_statuses()
    except CriteriaError:
        return set()
    method, endpoint = item.target.method, _last_segment(item.target.url)
    success = bool(accepted) and all(200 <= code < 300 for code in accepted)
    client_error = bool(accepted) and all(400 <= code < 500 for code in accepted)
    auth_rejection = bool(accepted) and accepted <= _AUTH_STATUSES

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
    if auth_rejection or any(name.lower().startswith(_MOCK_HEADER_PREFIX) for name in item.target.headers):
        covered.add(COVERAGE_AUTH)
    return covered


def coverage_of(items: Iterable[PlanItem]) -> set[str]:
    """Which of the contract's five coverage names (REQUIRED_COVERAGE) these checks provide.

    Judged from the method, the URL's last path segment, the statuses the pass_criteria can accept and the
    headers: a check only counts as a positive check when its criteria rejects every non-2xx status.
    """
    covered: set[str] = set()
    for item in items:
        covered |= _item_coverage(item)
    return covered


# ------------------------------------------------------------------------------------------------- validation


def _count_problem(count: int) -> str:
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


def _is_absolute_http_url(url: str) -> bool:
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
    if not _is_absolute_http_url(url):
        problems.append(f"{label} has target.url {url!r}, which is not an absolute http(s) URL; write the full "
                        f"address, such as {(base_url or 'http://127.0.0.1:8001').rstrip('/')}/health.")
    elif base_url is not None and not url.startswith(base_url.rstrip("/") + "/"):
        problems.append(f"{label} calls {url!r}, outside the service under test; every check must call "
                        f"{base_url.rstrip('/')}.")
    return problems


def validate_plan(plan: PlanDraft | Plan | Sequence[PlanItem], *, base_url: str | None = None) -> list[str]:
    """Every problem with a plan, each a sentence a person or an LLM can act on; empty when the plan is valid.

    With `base_url`, every check must also call that service.
    """
    items = list(plan.items) if isinstance(plan, (PlanDraft, Plan)) else list(plan)
    problems: list[str] = []
    if len(items) != PLAN_SIZE:
        problems.append(_count_problem(len(items)))
    problems += _duplicate_id_problems(items)
    problems += _priority_problems(items)
    for item in items:
        problems += _item_problems(item, base_url)
    covered = coverage_of(items)
    for name in REQUIRED_COVERAGE:
        if name not in covered:
            problems.append(f"The plan has no {name.replace('_', ' ')} check; add {COVERAGE_ADVICE[name]}.")
    return problems


class PlanDraft(BaseModel):
    """A recovery validation plan: exactly 5 HTTP checks of the service under test, priorities 1 to 5 (1 = most
    important, each used once), unique test_ids and absolute URLs. Together the checks must cover GET /health,
    GET /catalog, a valid POST /checkout expecting 2xx, an invalid POST /checkout expecting a 4xx such as 422,
    and a request without valid credentials expecting 401/403. pass_criteria is an expression such as
    `status == 200 and json.items.length > 0 and latency_ms < 1500` over status, latency_ms, json.<path>,
    header.<name> and body, with == != < <= > >= contains matches exists in [...] and/or/not."""

    model_config = ConfigDict(extra="forbid")

    items: list[PlanItem] = Field(
        min_length=PLAN_SIZE,
        max_length=PLAN_SIZE,
        description="Exactly 5 checks, one per priority 1..5.",
    )

    @field_validator("items", mode="before")
    @classmethod
    def _exactly_five(cls, value: Any) -> Any:
        # Runs before the length constraint so the model reads a sentence instead of "List should have...".
        if isinstance(value, list) and len(value) != PLAN_SIZE:
            raise ValueError(_count_problem(len(value)))
        return value

    @model_validator(mode="after")
    def _plan_is_coherent(self) -> PlanDraft:
        problems = validate_plan(self)
        if problems:
            raise ValueError(f"The plan has {len(problems)} problem(s): " + " ".join(problems))
        return self

    def to_plan(self, *, plan_id: str, generated_at: str) -> Plan:
        return Plan(plan_id=plan_id, generated_at=generated_at,
                    items=sorted(self.items, key=lambda item: item.priority))



# ------------------------------------------------------------------------------------------------- OpenAPI

_HTTP_METHODS = ("get", "post", "put", "delete")
_MAX_DEPTH = 12


@dataclass(frozen=True)
class Operation:
    method: str  # lower case, as the OpenAPI document spells it
    path: str
    spec: Mapping[str, Any]


def _show_value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON Schema bounds often arrive as 0.0; people write 0
    return json.dumps(value, sort_keys=True, default=str)


def _is_json_type(value: Any, kind: str) -> bool:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return {
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "boolean": isinstance(value, bool),
        "null": value is None,
        "number": number,
        "integer": number and float(value).is_integer(),
    }.get(kind, True)


def _number(value: Any, integer: bool) -> int | float:
    return int(value) if integer and float(value).is_integer() else value


class OpenApiDocument:
    """Reads what the planner needs from an OpenAPI 3.0/3.1 document (None: an empty document).

    Only local `$ref`s are followed. `schema_problems` checks the subset of JSON Schema that request bodies use
    in practice (types, required, bounds, lengths, patterns, enums), which is enough to tell a valid example
    from an invalid one and to prove that a generated negative body really violates the schema.
    """

    def __init__(self, document: Mapping[str, Any] | None) -> None:
        self.document: Mapping[str, Any] = document or {}

    @property
    def present(self) -> bool:
        return bool(self.document.get("paths"))

    # -- references and schemas

    def resolve(self, node: Any) -> Any:
        """Follow local `$ref`s; sibling keys of a `$ref` (OpenAPI 3.1) override the target's."""
        for _ in range(_MAX_DEPTH):
            if not isinstance(node, Mapping) or "$ref" not in node:
                return node
            reference = str(node["$ref"])
            target: Any = self.document
            if reference.startswith("#/"):
                for part in reference[2:].split("/"):
                    part = part.replace("~1", "/").replace("~0", "~")
                    target = target.get(part) if isinstance(target, Mapping) else None
            else:
                target = None
            siblings = {key: value for key, value in node.items() if key != "$ref"}
            node = {**target, **siblings} if isinstance(target, Mapping) else siblings
        return node

    def flatten(self, schema: Any, depth: int = 0) -> dict[str, Any]:
        """The schema with `$ref`s followed and `allOf` parts merged into one object."""
        resolved = self.resolve(schema)
        if not isinstance(resolved, Mapping):
            return {}
        flat = {key: value for key, value in resolved.items() if key != "allOf"}
        for part in resolved.get("allOf", []) if depth < _MAX_DEPTH else []:
            merged = self.flatten(part, depth + 1)
            flat["properties"] = {**merged.get("properties", {}), **flat.get("properties", {})}
            flat["required"] = list(dict.fromkeys([*merged.get("required", []), *flat.get("required", [])]))
            for key, value in merged.items():
                flat.setdefault(key, value)
        return flat

    def _types(self, schema: Mapping[str, Any]) -> list[str]:
        declared = schema.get("type")
        if isinstance(declared, str):
            return [declared]
        if isinstance(declared, list):
            return [kind for kind in declared if isinstance(kind, str)]
        if "properties" in schema:
            return ["object"]
        if "items" in schema:
            return ["array"]
        return []

    def _alternatives(self, schema: Mapping[str, Any]) -> list[Any]:
        return list(schema.get("anyOf") or schema.get("oneOf") or [])

    def schema_problems(self, schema: Any, value: Any, where: str = "", depth: int = 0) -> list[str]:
        """Why `value` does not fit `schema`, as sentences naming the field; empty when it fits."""
        flat = self.flatten(schema)
        label = where or "the body"
        if depth > _MAX_DEPTH or not flat:
            return []
        alternatives = self._alternatives(flat)
        if alternatives and all(self.schema_problems(option, value, where, depth + 1) for option in alternatives):
            return [f"{label} matches none of the allowed shapes"]
        if "const" in flat and value != flat["const"]:
            return [f"{label} must be {_show_value(flat['const'])} but is {_show_value(value)}"]
        if isinstance(flat.get("enum"), list) and value not in flat["enum"]:
            return [f"{label} must be one of {_show_value(flat['enum'])} but is {_show_value(value)}"]
        types = self._types(flat)
        if types and not any(_is_json_type(value, kind) for kind in types):
            return [f"{label} must be of type {' or '.join(types)} but is {_show_value(value)}"]
        if isinstance(value, dict):
            return self._object_problems(flat, value, where, depth)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return self._number_problems(flat, value, label)
        if isinstance(value, str):
            return self._string_problems(flat, value, label)
        if isinstance(value, list):
            return self._array_problems(flat, value, where, label, depth)
        return []

    def _object_problems(self, flat: Mapping[str, Any], value: dict, where: str, depth: int) -> list[str]:
        problems = []
        prefix = f"{where}." if where else ""
        for name in flat.get("required", []):
            if name not in value:
                problems.append(f"{prefix}{name} is required but missing")
        for name, subschema in (flat.get("properties") or {}).items():
            if name in value:
                problems += self.schema_problems(subschema, value[name], prefix + name, depth + 1)
        return problems

    @staticmethod
    def _number_problems(flat: Mapping[str, Any], value: float, label: str) -> list[str]:
        minimum, maximum = flat.get("minimum"), flat.get("maximum")
        exclusive_min, exclusive_max = flat.get("exclusiveMinimum"), flat.get("exclusiveMaximum")
        if exclusive_min is True and minimum is not None:  # OpenAPI 3.0 spells exclusivity as a flag
            exclusive_min, minimum = minimum, None
        if exclusive_max is True and maximum is not None:
            exclusive_max, maximum = maximum, None
        if isinstance(exclusive_min, (int, float)) and not isinstance(exclusive_min, bool) and value <= exclusive_min:
            return [f"{label} must be greater than {_show_value(exclusive_min)} but is {_show_value(value)}"]
        if isinstance(minimum, (int, float)) and value < minimum:
            return [f"{label} must be at least {_show_value(minimum)} but is {_show_value(value)}"]
        if isinstance(exclusive_max, (int, float)) and not isinstance(exclusive_max, bool) and value >= exclusive_max:
            return [f"{label} must be less than {_show_value(exclusive_max)} but is {_show_value(value)}"]
        if isinstance(maximum, (int, float)) and value > maximum:
            return [f"{label} must be at most {_show_value(maximum)} but is {_show_value(value)}"]
        return []

    @staticmethod
    def _string_problems(flat: Mapping[str, Any], value: str, label: str) -> list[str]:
        if isinstance(flat.get("minLength"), int) and len(value) < flat["minLength"]:
            return [f"{label} must have at least {flat['minLength']} characters but is {_show_value(value)}"]
        if isinstance(flat.get("maxLength"), int) and len(value) > flat["maxLength"]:
            return [f"{label} must have at most {flat['maxLength']} characters but has {len(value)}"]
        pattern = flat.get("pattern")
        if isinstance(pattern, str):
            try:
                if re.search(pattern, value) is None:
                    return [f"{label} must match {pattern!r} but is {_show_value(value)}"]
            except re.error:
                return []  # a pattern Python cannot read says nothing about the value
        return []

    def _array_problems(self, flat: Mapping[str, Any], value: list, where: str, label: str,
                        depth: int) -> list[str]:
        if isinstance(flat.get("minItems"), int) and len(value) < flat["minItems"]:
            return [f"{label} must have at least {flat['minItems']} elements but has {len(value)}"]
        if isinstance(flat.get("maxItems"), int) and len(value) > flat["maxItems"]:
            return [f"{label} must have at most {flat['maxItems']} elements but has {len(value)}"]
        problems = []
        for index, element in enumerate(value):
            problems += self.schema_problems(flat.get("items"), element, f"{label}[{index}]", depth + 1)
        return problems

    def example_value(self, schema: Any, name: str | None = None, hints: Mapping[str, Any] | None = None,
                      depth: int = 0) -> Any:
        """A value that fits `schema`: its example, a hint for a field of that name, its default, or one
        made from its type and bounds."""
        hints = hints or {}
        flat = self.flatten(schema)
        if depth > _MAX_DEPTH:
            return None
        if "example" in flat:
            return flat["example"]
        if isinstance(flat.get("examples"), list) and flat["examples"]:
            return flat["examples"][0]
        if name is not None and name in hints and not self.schema_problems(flat, hints[name]):
            return hints[name]
        for key in ("default", "const"):
            if key in flat:
                return flat[key]
        if isinstance(flat.get("enum"), list) and flat["enum"]:
            return flat["enum"][0]
        options = [option for option in self._alternatives(flat) if self._types(self.flatten(option)) != ["null"]]
        if options:
            return self.example_value(options[0], name, hints, depth + 1)
        types = [kind for kind in self._types(flat) if kind != "null"] or ["null"]
        return self._example_of_type(types[0], flat, name, hints, depth)

    def _example_of_type(self, kind: str, flat: Mapping[str, Any], name: str | None,
                         hints: Mapping[str, Any], depth: int) -> Any:
        if kind == "object":
            properties = flat.get("properties") or {}
            wanted = flat.get("required") or list(properties)
            return {prop: self.example_value(properties[prop], prop, hints, depth + 1)
                    for prop in properties if prop in wanted}
        if kind == "array":
            element = self.example_value(flat.get("items"), None, hints, depth + 1)
            return [element] * max(1, int(flat.get("minItems") or 1))
        if kind in ("integer", "number"):
            return self._example_number(flat, integer=kind == "integer")
        if kind == "boolean":
            return True
        if kind == "string":
            return self._example_string(flat, name)
        return None

    @staticmethod
    def _example_number(flat: Mapping[str, Any], integer: bool) -> int | float:
        step = 1
        value: float = 1
        minimum, exclusive_min = flat.get("minimum"), flat.get("exclusiveMinimum")
        if exclusive_min is True and minimum is not None:
            value = max(value, minimum + step)
        elif isinstance(exclusive_min, (int, float)) and not isinstance(exclusive_min, bool):
            value = max(value, exclusive_min + step)
        if isinstance(minimum, (int, float)) and exclusive_min is not True:
            value = max(value, minimum)
        if isinstance(flat.get("maximum"), (int, float)):
            value = min(value, flat["maximum"])
        return _number(value, integer) if integer else float(value)

    @staticmethod
    def _example_string(flat: Mapping[str, Any], name: str | None) -> str:
        by_format = {
            "email": "buyer@example.com", "date-time": "2026-01-01T00:00:00Z", "date": "2026-01-01",
            "uuid": "00000000-0000-4000-8000-000000000000", "uri": "https://example.com/",
        }
        text = by_format.get(str(flat.get("format")), f"example-{name or 'value'}")
        minimum, maximum = flat.get("minLength"), flat.get("maxLength")
        if isinstance(minimum, int) and len(text) < minimum:
            text = text.ljust(minimum, "x")
        if isinstance(maximum, int):
            text = text[:maximum]
        return text

    # -- operations

    def operations(self) -> list[Operation]:
        found = []
        for path, item in sorted((self.document.get("paths") or {}).items()):
            item = self.resolve(item)
            for method in _HTTP_METHODS:
                if isinstance(item, Mapping) and isinstance(item.get(method), Mapping):
                    found.append(Operation(method, path, item[method]))
        return found

    def find_operation(self, method: str, contract_path: str) -> Operation | None:
        """The operation at `contract_path`, else the shortest path ending in the same segment (/api/health)."""
        name = contract_path.strip("/")
        matches = [operation for operation in self.operations() if operation.method == method
                   and operation.path.rstrip("/").rsplit("/", 1)[-1] == name]
        matches.sort(key=lambda operation: (operation.path != contract_path, len(operation.path), operation.path))
        return matches[0] if matches else None

    def declared_statuses(self, operation: Operation) -> set[int]:
        return {int(code) for code in (operation.spec.get("responses") or {}) if str(code).isdigit()}

    def success_status(self, operation: Operation) -> int:
        successes = sorted(code for code in self.declared_statuses(operation) if 200 <= code < 300)
        return successes[0] if successes else 200

    @staticmethod
    def _json_media(content: Any) -> Mapping[str, Any]:
        if not isinstance(content, Mapping):
            return {}
        for media_type, media in content.items():
            if media_type == "application/json" or media_type.endswith("+json"):
                return media if isinstance(media, Mapping) else {}
        return {}

    def _request_media(self, operation: Operation) -> Mapping[str, Any]:
        body = self.resolve(operation.spec.get("requestBody") or {})
        return self._json_media(body.get("content") if isinstance(body, Mapping) else None)

    def _success_media(self, operation: Operation) -> Mapping[str, Any]:
        response = self.resolve((operation.spec.get("responses") or {}).get(str(self.success_status(operation))))
        return self._json_media(response.get("content") if isinstance(response, Mapping) else None)

    def _success_schema(self, operation: Operation) -> dict[str, Any]:
        return self.flatten(self._success_media(operation).get("schema"))

    def fixed_response_fields(self, operation: Operation) -> list[tuple[str, Any]]:
        """Required response fields with exactly one allowed value, such as a health check's status "ok"."""
        schema = self._success_schema(operation)
        fixed = []
        for name in schema.get("required", []):
            prop = self.flatten((schema.get("properties") or {}).get(name))
            if "const" in prop:
                fixed.append((name, prop["const"]))
            elif isinstance(prop.get("enum"), list) and len(prop["enum"]) == 1:
                fixed.append((name, prop["enum"][0]))
        return fixed

    def response_array_path(self, operation: Operation) -> str | None:
        """Where the success response lists things: "" for a top-level array, a field name, or None."""
        schema = self._success_schema(operation)
        if "array" in self._types(schema):
            return ""
        arrays = [name for name, prop in (schema.get("properties") or {}).items()
                  if "array" in self._types(self.flatten(prop))]
        return "items" if "items" in arrays else (arrays[0] if arrays else None)

    def response_id_field(self, operation: Operation) -> str | None:
        """The required identifier field of the success response (order_id, id), if it has one."""
        required = self._success_schema(operation).get("required", [])
        named_ids = [name for name in required if name == "id" or name.endswith("_id")]
        return named_ids[0] if named_ids else None

    def first_array_element_example(self, operation: Operation) -> dict[str, Any]:
        """Field values of the first listed thing in an example response: real ids to reuse in requests."""
        media = self._success_media(operation)
        example = media.get("example", self.example_value(media.get("schema")))
        if isinstance(example, dict):
            example = next((value for value in example.values() if isinstance(value, list)), [])
        first = example[0] if isinstance(example, list) and example else {}
        return first if isinstance(first, dict) else {}

    def _request_examples(self, operation: Operation) -> list[tuple[str, str, Any]]:
        """(name, summary, value) of every example the document gives for the request body, in order."""
        media = self._request_media(operation)
        examples: list[tuple[str, str, Any]] = []
        if "example" in media:
            examples.append(("example", "", media["example"]))
        for key, example in (media.get("examples") or {}).items():
            example = self.resolve(example)
            if isinstance(example, Mapping) and "value" in example:
                examples.append((key, str(example.get("summary", "")), example["value"]))
        schema = self.flatten(media.get("schema"))
        if "example" in schema:
            examples.append(("schema example", "", schema["example"]))
        for value in schema.get("examples") or [] if isinstance(schema.get("examples"), list) else []:
            examples.append(("schema example", "", value))
        return examples

    def valid_request_example(self, operation: Operation, hints: Mapping[str, Any]) -> Any:
        """The first documented request example that fits the schema, else one generated from the schema."""
        schema = self._request_media(operation).get("schema")
        for _, _, value in self._request_examples(operation):
            if not self.schema_problems(schema, value):
                return value
        return self.example_value(schema, None, hints)

    def invalid_request_example(self, operation: Operation, valid: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
        """A body the schema forbids and why: a documented invalid example, else `valid` with one field broken."""
        schema = self._request_media(operation).get("schema")
        for key, summary, value in self._request_examples(operation):
            problems = self.schema_problems(schema, value)
            if problems and isinstance(value, dict):
                named = f"'{key}'" + (f" ({summary})" if summary else "")
                return value, f"it sends the OpenAPI document's invalid example {named}, where {problems[0]}"
        for candidate in self._violations(schema, dict(valid)):
            problems = self.schema_problems(schema, candidate)
            if problems:
                return candidate, f"it sends {_show_value(candidate)}, where {problems[0]}"
        return {}, "it sends an empty body"

    def _violations(self, schema: Any, valid: dict[str, Any]) -> Iterable[dict[str, Any]]:
        """Candidate bodies breaking one rule each, from the most to the least telling."""
        flat = self.flatten(schema)
        properties = flat.get("properties") or {}
        for name, prop in properties.items():
            prop = self.flatten(prop)
            types = self._types(prop)
            integer = "integer" in types
            if integer or "number" in types:
                exclusive_min, minimum = prop.get("exclusiveMinimum"), prop.get("minimum")
                if exclusive_min is True and minimum is not None:
                    yield {**valid, name: _number(minimum, integer)}
                elif isinstance(exclusive_min, (int, float)) and not isinstance(exclusive_min, bool):
                    yield {**valid, name: _number(exclusive_min, integer)}
                elif isinstance(minimum, (int, float)):
                    yield {**valid, name: _number(minimum - 1, integer)}
        for name, prop in properties.items():
            if isinstance(self.flatten(prop).get("minLength"), int) and self.flatten(prop)["minLength"] > 0:
                yield {**valid, name: ""}
        for name in flat.get("required", []):
            yield {key: value for key, value in valid.items() if key != name}
        for name, prop in properties.items():
            yield {**valid, name: 12345 if "string" in self._types(self.flatten(prop)) else "not-a-valid-value"}

    # -- auth

    def _security(self, operation: Operation) -> list[str]:
        """Names of the security schemes the operation requires; [] when none (or `{}`: auth optional)."""
        requirements = operation.spec.get("security", self.document.get("security")) or []
        if any(isinstance(requirement, Mapping) and not requirement for requirement in requirements):
            return []
        return sorted({name for requirement in requirements if isinstance(requirement, Mapping)
                       for name in requirement})

    def _has_authorization_parameter(self, operation: Operation) -> bool:
        return any(
            isinstance(parameter, Mapping) and parameter.get("in") == "header"
            and str(parameter.get("name", "")).lower() == "authorization" and parameter.get("required", False)
            for parameter in (self.resolve(parameter) for parameter in operation.spec.get("parameters") or [])
        )

    def requires_auth(self, operation: Operation) -> bool:
        return bool(self._security(operation) or self.declared_statuses(operation) & _AUTH_STATUSES
                    or self._has_authorization_parameter(operation))

    def protected_operation(self, prefer: Operation | None) -> Operation | None:
        """`prefer` when it needs credentials, else the first operation (by path) that does."""
        if prefer is not None and self.requires_auth(prefer):
            return prefer
        return next((operation for operation in self.operations() if self.requires_auth(operation)), None)

    def auth_reason(self, operation: Operation) -> str:
        reasons = []
        schemes = self._security(operation)
        if schemes:
            reasons.append(f"requires {', '.join(schemes)} security")
        declared = sorted(self.declared_statuses(operation) & _AUTH_STATUSES)
        if declared:
            reasons.append(f"documents a {' and a '.join(map(str, declared))} response")
        if not reasons:
            reasons.append("takes a required Authorization header")
        return "the OpenAPI document says it " + " and ".join(reasons)


# ------------------------------------------------------------------------------------------------- planner


@dataclass(frozen=True)
class _IncidentSignal:
    top_error: str | None = None
    error_rate: float | None = None
    p95_ms: float | None = None

    @classmethod
    def of(cls, signal: Mapping[str, Any] | Signal | None) -> _IncidentSignal:
        if signal is None:
            return cls()
        values = signal.model_dump() if isinstance(signal, Signal) else dict(signal)
        return cls(values.get("top_error"), values.get("error_rate_5m"), values.get("p95_latency_ms_5m"))

    def summary(self) -> str:
        parts = []
        if self.top_error:
            parts.append(f"top error {self.top_error!r}")
        if self.error_rate is not None:
            parts.append(f"5-minute error rate {self.error_rate:.1%}")
        if self.p95_ms is not None:
            parts.append(f"p95 latency {self.p95_ms:.0f} ms")
        return ", ".join(parts)


@dataclass
class _Check:
    key: str
    test_id: str
    name: str
    method: HttpMethod
    path: str
    criteria: str
    why: str
    route: str  # the contract route the check exercises, for "failing route first" ordering ("" if none)
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Endpoints:
    """The three contract operations as the OpenAPI document describes them (None: not described)."""

    health: Operation | None
    catalog: Operation | None
    checkout: Operation | None

    def path(self, key: str) -> str:
        operation = getattr(self, key)
        return operation.path if operation is not None else CONTRACT_PATHS[key]


def _criteria_literal(value: Any) -> str:
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return json.dumps(value)


def _status_expectation(codes: Sequence[int]) -> str:
    return f"status == {codes[0]}" if len(codes) == 1 else f"status in [{', '.join(map(str, codes))}]"


def _failing_route(signal: _IncidentSignal, endpoints: _Endpoints) -> str | None:
    """The contract route the signal's top error names first (by path or by name), if any."""
    if not signal.top_error:
        return None
    text = signal.top_error.lower()
    found: list[tuple[int, str]] = []
    for key in (COVERAGE_HEALTH, COVERAGE_CATALOG, COVERAGE_CHECKOUT):
        path = endpoints.path(key).lower()
        name = path.rstrip("/").rsplit("/", 1)[-1]
        positions = [text.find(path)] + [match.start() for match in re.finditer(rf"\b{re.escape(name)}\b", text)]
        positions = [position for position in positions if position >= 0]
        if positions:
            found.append((min(positions), key))
    return min(found)[1] if found else None


def _health_check(doc: OpenApiDocument, endpoints: _Endpoints, budget: int) -> _Check:
    operation, path = endpoints.health, endpoints.path(COVERAGE_HEALTH)
    code = doc.success_status(operation) if operation else 200
    fixed = doc.fixed_response_fields(operation) if operation else []
    clauses = [f"status == {code}"] + [f"json.{name} == {_criteria_literal(value)}" for name, value in fixed]
    clauses.append(f"latency_ms < {budget}")
    return _Check(
        key=COVERAGE_HEALTH, test_id="health-up", name="Service answers its health check",
        method=HttpMethod.GET, path=path, criteria=" and ".join(clauses), route=COVERAGE_HEALTH,
        why=f"GET {path} must answer {code} within {budget} ms: if the service itself is down or slow, no other "
            "result means anything (on its own it proves little, since a shallow health check can stay green "
            "while a route fails).",
    )


def _catalog_check(doc: OpenApiDocument, endpoints: _Endpoints, budget: int) -> _Check:
    operation, path = endpoints.catalog, endpoints.path(COVERAGE_CATALOG)
    code = doc.success_status(operation) if operation else 200
    array_path = doc.response_array_path(operation) if operation else "items"
    clauses = [f"status == {code}"]
    listed = ""
    if array_path is not None:
        listed = f"json.{array_path}.length" if array_path else "json.length"
        clauses.append(f"{listed} > 0")
    clauses.append(f"latency_ms < {budget}")
    content = f" with at least one product ({listed} > 0)" if listed else ""
    return _Check(
        key=COVERAGE_CATALOG, test_id="catalog-lists-products", name="Catalog lists products",
        method=HttpMethod.GET, path=path, route=COVERAGE_CATALOG, criteria=" and ".join(clauses),
        why=f"GET {path} must answer {code}{content} within {budget} ms: shoppers reach checkout through the "
            "catalog, and an empty list would hide a broken data source behind a 200.",
    )


def _checkout_body(doc: OpenApiDocument, endpoints: _Endpoints) -> dict[str, Any]:
    if endpoints.checkout is None:
        return dict(CONTRACT_CHECKOUT_BODY)
    # Ids the catalog example lists (a real sku) make a generated body one the service accepts.
    hints = doc.first_array_element_example(endpoints.catalog) if endpoints.catalog else {}
    body = doc.valid_request_example(endpoints.checkout, hints)
    return body if isinstance(body, dict) else dict(CONTRACT_CHECKOUT_BODY)


def _checkout_check(doc: OpenApiDocument, endpoints: _Endpoints, body: dict[str, Any], token: str,
                    budget: int) -> _Check:
    operation, path = endpoints.checkout, endpoints.path(COVERAGE_CHECKOUT)
    code = doc.success_status(operation) if operation else 200
    id_field = doc.response_id_field(operation) if operation else "order_id"
    clauses = [f"status == {code}"] + ([f"json.{id_field} exists"] if id_field else []) + [f"latency_ms < {budget}"]
    answer = f"{code} with an {id_field}" if id_field else str(code)
    return _Check(
        key=COVERAGE_CHECKOUT, test_id="checkout-valid-order", name="Checkout accepts a valid order",
        method=HttpMethod.POST, path=path, route=COVERAGE_CHECKOUT, body=body,
        headers={"Authorization": f"Bearer {token}"}, criteria=" and ".join(clauses),
        why=f"A valid order {_show_value(body)} with a valid bearer token must answer {answer} within {budget} ms: "
            "checkout is the route that earns money, so it has to work for recovery to count.",
    )


def _negative_check(doc: OpenApiDocument, endpoints: _Endpoints, body: dict[str, Any], token: str) -> _Check:
    operation, path = endpoints.checkout, endpoints.path(COVERAGE_CHECKOUT)
    codes: Sequence[int]
    if operation is None:
        invalid, reason = {**body, "quantity": 0}, "it sends quantity 0, and an order needs at least one unit"
        codes = (400, 422)
    else:
        invalid, reason = doc.invalid_request_example(operation, body)
        declared = doc.declared_statuses(operation)
        codes = [code for code in (422, 400) if code in declared][:1] or (400, 422)
    return _Check(
        key=COVERAGE_CHECKOUT_NEGATIVE, test_id="checkout-rejects-invalid-body",
        name="Checkout rejects an invalid order", method=HttpMethod.POST, path=path, route=COVERAGE_CHECKOUT,
        body=invalid, headers={"Authorization": f"Bearer {token}"}, criteria=_status_expectation(codes),
        why=f"An invalid order must be refused with {' or '.join(map(str, codes))}, not a 5xx: {reason}. A fix "
            "that crashes on bad input would keep the error rate up and page people again.",
    )


def _auth_check(doc: OpenApiDocument, endpoints: _Endpoints, body: dict[str, Any]) -> _Check:
    protected = doc.protected_operation(prefer=endpoints.checkout)
    codes: Sequence[int]
    if protected is None:
        path, method, request_body, codes = endpoints.path(COVERAGE_CHECKOUT), HttpMethod.POST, body, (401, 403)
        reason = ("the OpenAPI document declares no security for it, but the contract says checkout needs a "
                  "bearer token" if doc.present else "the contract says checkout needs a bearer token")
    else:
        path, method = protected.path, HttpMethod(protected.method.upper())
        request_body = body if protected == endpoints.checkout else doc.valid_request_example(protected, {})
        codes = sorted(doc.declared_statuses(protected) & _AUTH_STATUSES) or (401, 403)
        reason = doc.auth_reason(protected)
    endpoint = path.rstrip("/").rsplit("/", 1)[-1] or "root"
    return _Check(
        key=COVERAGE_AUTH, test_id=f"{endpoint}-requires-auth", name=f"{method.value} {path} refuses missing "
        "credentials", method=method, path=path,
        route=COVERAGE_CHECKOUT if path == endpoints.path(COVERAGE_CHECKOUT) else "",
        body=request_body if isinstance(request_body, dict) else {}, criteria=_status_expectation(codes),
        why=f"{method.value} {path} without an Authorization header must be refused with "
            f"{' or '.join(map(str, codes))} because {reason}: a fix must not open the route to anyone.",
    )


def _with_incident_context(check: _Check, failing: str | None, signal: _IncidentSignal) -> _Check:
    """Say why the check matters for this incident when it exercises the route that failed."""
    if failing is None or check.route != failing:
        return check
    summary = signal.summary()
    if check.key == failing:
        incident = f"{check.method.value} {check.path} was failing during the incident" + (
            f" ({summary})" if summary else "")
        check.why = f"{incident}. {check.why}"
    else:
        check.why = f"{check.why} It exercises {check.path}, the route that failed during the incident."
    return check


def _plan_id(base_url: str, openapi: Mapping[str, Any] | None, signal: _IncidentSignal, token: str,
             budget: int) -> str:
    # `now` is left out on purpose: the id names the plan's content, so regenerating the plan for the same
    # inputs upserts the same plan instead of adding another.
    payload = json.dumps(
        {"base_url": base_url, "openapi": openapi, "signal": signal.__dict__, "token": token, "budget": budget},
        sort_keys=True, default=str,
    )
    return "plan-" + hashlib.sha256(payload.encode()).hexdigest()[:16]


def deterministic_plan(
    base_url: str,
    openapi: Mapping[str, Any] | None,
    signal: Mapping[str, Any] | Signal | None,
    now: str,
    *,
    token: str = DEFAULT_TOKEN,
    latency_budget_ms: int = DEFAULT_LATENCY_BUDGET_MS,
) -> Plan:
    """The five-check plan for the service at `base_url`, grounded in its OpenAPI document when given.

    Paths, success statuses, response fields and request bodies come from the document (falling back to the
    contract's /health, /catalog and /checkout); the negative case sends a body the request schema forbids and
    the auth case omits the bearer token of an operation that declares security or a 401. Checks of the route
    the signal's top error names come first. The same inputs always give the same plan; `plan_id` hashes them.
    """
    if not _is_absolute_http_url(base_url):
        raise ValueError(f"base_url {base_url!r} is not an absolute http(s) URL; pass the service's address, "
                         "such as http://127.0.0.1:8001.")
    doc = OpenApiDocument(openapi)
    endpoints = _Endpoints(
        health=doc.find_operation("get", CONTRACT_PATHS[COVERAGE_HEALTH]),
        catalog=doc.find_operation("get", CONTRACT_PATHS[COVERAGE_CATALOG]),
        checkout=doc.find_operation("post", CONTRACT_PATHS[COVERAGE_CHECKOUT]),
    )
    incident = _IncidentSignal.of(signal)
    body = _checkout_body(doc, endpoints)
    checks = [
        _health_check(doc, endpoints, latency_budget_ms),
        _catalog_check(doc, endpoints, latency_budget_ms),
        _checkout_check(doc, endpoints, body, token, latency_budget_ms),
        _negative_check(doc, endpoints, body, token),
        _auth_check(doc, endpoints, body),
    ]
    failing = _failing_route(incident, endpoints)
    checks = [_with_incident_context(check, failing, incident) for check in checks]
    checks.sort(key=lambda check: 0 if failing is not None and check.route == failing else 1)  # stable

    root = base_url.rstrip("/")
    items = [
        PlanItem(
            test_id=check.test_id, name=check.name, type=PlanItemType.API, priority=priority,
            what_it_checks=check.why, pass_criteria=check.criteria,
            target=CheckTarget(method=check.method, url=root + check.path, headers=check.headers,
                               body_json=check.body),
        )
        for priority, check in enumerate(checks, start=1)
    ]
    draft = PlanDraft(items=items)  # the deterministic plan obeys the same rules as the LLM's
    return draft.to_plan(plan_id=_plan_id(base_url, openapi, incident, token, latency_budget_ms), generated_at=now)
