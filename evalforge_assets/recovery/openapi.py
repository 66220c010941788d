"""What a service's OpenAPI document says about its operations: paths and methods, request bodies that are
valid or invalid for them, and whether they need authorization. The deterministic planner (plan.py) reads it
so its checks call real paths with bodies the service really accepts or rejects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# The statuses that mean "not authorized": an operation that declares one needs credentials.
AUTH_STATUSES = frozenset({401, 403})
_HTTP_METHODS = ("get", "post", "put", "delete")
_MAX_DEPTH = 12


@dataclass(frozen=True)
class Operation:
    method: str  # lower case, as the OpenAPI document spells it
    path: str
    spec: Mapping[str, Any]


def show_value(value: Any) -> str:
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

    def _non_null_alternative(self, schema: Mapping[str, Any]) -> Any | None:
        """The one non-null shape of a nullable schema (`anyOf: [X, null]`, as FastAPI writes an optional
        body), else None."""
        options = [option for option in self._alternatives(schema) if self._types(self.flatten(option)) != ["null"]]
        return options[0] if len(options) == 1 and len(self._alternatives(schema)) == 2 else None

    def schema_problems(self, schema: Any, value: Any, where: str = "", depth: int = 0) -> list[str]:
        """Why `value` does not fit `schema`, as sentences naming the field; empty when it fits."""
        flat = self.flatten(schema)
        label = where or "the body"
        if depth > _MAX_DEPTH or not flat:
            return []
        alternatives = self._alternatives(flat)
        if alternatives and all(self.schema_problems(option, value, where, depth + 1) for option in alternatives):
            # A non-null value that misses a nullable schema is best explained by the non-null shape's problems.
            shape = self._non_null_alternative(flat) if value is not None else None
            if shape is not None:
                return self.schema_problems(shape, value, where, depth + 1)
            return [f"{label} matches none of the allowed shapes"]
        if "const" in flat and value != flat["const"]:
            return [f"{label} must be {show_value(flat['const'])} but is {show_value(value)}"]
        if isinstance(flat.get("enum"), list) and value not in flat["enum"]:
            return [f"{label} must be one of {show_value(flat['enum'])} but is {show_value(value)}"]
        types = self._types(flat)
        if types and not any(_is_json_type(value, kind) for kind in types):
            return [f"{label} must be of type {' or '.join(types)} but is {show_value(value)}"]
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
        if flat.get("additionalProperties") is False:
            known = flat.get("properties") or {}
            problems += [f"{prefix}{name} is not a field this body accepts" for name in value if name not in known]
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
            return [f"{label} must be greater than {show_value(exclusive_min)} but is {show_value(value)}"]
        if isinstance(minimum, (int, float)) and value < minimum:
            return [f"{label} must be at least {show_value(minimum)} but is {show_value(value)}"]
        if isinstance(exclusive_max, (int, float)) and not isinstance(exclusive_max, bool) and value >= exclusive_max:
            return [f"{label} must be less than {show_value(exclusive_max)} but is {show_value(value)}"]
        if isinstance(maximum, (int, float)) and value > maximum:
            return [f"{label} must be at most {show_value(maximum)} but is {show_value(value)}"]
        return []

    @staticmethod
    def _string_problems(flat: Mapping[str, Any], value: str, label: str) -> list[str]:
        if isinstance(flat.get("minLength"), int) and len(value) < flat["minLength"]:
            return [f"{label} must have at least {flat['minLength']} characters but is {show_value(value)}"]
        if isinstance(flat.get("maxLength"), int) and len(value) > flat["maxLength"]:
            return [f"{label} must have at most {flat['maxLength']} characters but has {len(value)}"]
        pattern = flat.get("pattern")
        if isinstance(pattern, str):
            try:
                if re.search(pattern, value) is None:
                    return [f"{label} must match {pattern!r} but is {show_value(value)}"]
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
                return candidate, f"it sends {show_value(candidate)}, where {problems[0]}"
        return {}, "it sends an empty body"

    def _violations(self, schema: Any, valid: dict[str, Any]) -> Iterable[dict[str, Any]]:
        """Candidate bodies breaking one rule each, from the most to the least telling."""
        flat = self.flatten(schema)
        shape = self._non_null_alternative(flat)
        if shape is not None:
            flat = self.flatten(shape)
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

    def _requirements(self, operation: Operation) -> list[Mapping[str, Any]]:
        requirements = operation.spec.get("security", self.document.get("security")) or []
        return [requirement for requirement in requirements if isinstance(requirement, Mapping)]

    def _schemes(self, operation: Operation) -> list[str]:
        """Names of every security scheme the operation accepts, required or optional."""
        return sorted({name for requirement in self._requirements(operation) for name in requirement})

    def credentials_optional(self, operation: Operation) -> bool:
        """Whether the operation declares an empty security requirement (`{}`): callers may send none."""
        return any(not requirement for requirement in self._requirements(operation))

    def _security(self, operation: Operation) -> list[str]:
        """Names of the security schemes the operation requires; [] when none (or `{}`: auth optional)."""
        return [] if self.credentials_optional(operation) else self._schemes(operation)

    def _has_authorization_parameter(self, operation: Operation) -> bool:
        return any(
            isinstance(parameter, Mapping) and parameter.get("in") == "header"
            and str(parameter.get("name", "")).lower() == "authorization" and parameter.get("required", False)
            for parameter in (self.resolve(parameter) for parameter in operation.spec.get("parameters") or [])
        )

    def requires_auth(self, operation: Operation) -> bool:
        """Whether the operation checks credentials at all: it refuses wrong ones even where none are needed."""
        return bool(self._schemes(operation) or self.declared_statuses(operation) & AUTH_STATUSES
                    or self._has_authorization_parameter(operation))

    def needs_credentials(self, operation: Operation) -> bool:
        """Whether a call without credentials would be refused (auth checked and not declared optional)."""
        return self.requires_auth(operation) and not self.credentials_optional(operation)

    def protected_operation(self, prefer: Operation | None) -> Operation | None:
        """`prefer` when it needs credentials, else the first operation (by path) that does."""
        if prefer is not None and self.requires_auth(prefer):
            return prefer
        return next((operation for operation in self.operations() if self.requires_auth(operation)), None)

    def auth_reason(self, operation: Operation) -> str:
        reasons = []
        schemes = self._schemes(operation)
        if schemes:
            kind = "accepts optional" if self.credentials_optional(operation) else "requires"
            reasons.append(f"{kind} {', '.join(schemes)} security")
        declared = sorted(self.declared_statuses(operation) & AUTH_STATUSES)
        if declared:
            reasons.append(f"documents a {' and a '.join(map(str, declared))} response")
        if not reasons:
            reasons.append("takes a required Authorization header")
        return "the OpenAPI document says it " + " and ".join(reasons)
