"""Slack's own Web API spec, and checks of every request and response of the Slack double against it.

`slack_web_openapi_v2.json` (beside this module, with its MIT `slack_web_openapi_v2.LICENSE`) is Slack's
published OpenAPI 2.0 spec: `web-api/slack_web_openapi_v2_without_examples.json` in the public
slackapi/slack-api-specs repository (last updated October 2020), copied unchanged.

Three things are read from it differently from the letter of OpenAPI 2.0, each for a stated reason:
- Slack wrote alternatives as a list under `items` on a schema with no `type` (objs_conversation, objs_user,
  `tz`, `latest`, ...). Under JSON Schema such a list only constrains arrays, so objects would pass unchecked;
  it is read as the `anyOf` it was meant to be.
- Slack accepts every argument either in the query string or in the body (form or JSON), and the token as an
  `Authorization: Bearer` header, whatever `in` the spec says; names, required-ness and types are checked.
- A string argument whose description says it is JSON (`blocks`, `attachments`) may be the JSON value itself
  in a JSON body, as Slack documents for `application/json` requests.

Two supplements are NOT from the 2020 spec and are marked so below: `COMMON_ERRORS`, the errors Slack's method
docs list under "common errors" for every method (the 2020 enums omit e.g. `ratelimited`, the body of every
HTTP 429, and `missing_scope` with its `needed`/`provided` fields on chat.*), and `BOOKMARKS_ADD`, the
operation bookmarks.add, which came after the spec and is written here from https://api.slack.com/methods/
bookmarks.add. Everything else is validated exactly as the spec says, with `jsonschema` (draft 4).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator

SPEC_PATH = Path(__file__).with_name("slack_web_openapi_v2.json")

# SUPPLEMENT (not in the 2020 spec): "Common errors" on every method's page of Slack's current docs.
COMMON_ERRORS = (
    "ratelimited", "missing_scope", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
    "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "no_permission",
    "not_allowed_token_type", "accesslimited", "invalid_arg_name", "invalid_form_data", "invalid_json",
)
COMMON_ERROR_FIELDS = {"needed": {"type": "string"}, "provided": {"type": "string"},
                       "warning": {"type": "string"}}

# SUPPLEMENT (not in the 2020 spec): bookmarks.add, written from https://api.slack.com/methods/bookmarks.add.
BOOKMARKS_ADD: dict[str, Any] = {
    "consumes": ["application/x-www-form-urlencoded", "application/json"],
    "parameters": [
        {"name": "token", "in": "header", "required": True, "type": "string"},
        {"name": "channel_id", "in": "formData", "required": True, "type": "string"},
        {"name": "title", "in": "formData", "required": True, "type": "string"},
        {"name": "type", "in": "formData", "required": True, "type": "string", "enum": ["link"]},
        {"name": "link", "in": "formData", "type": "string"},
        {"name": "emoji", "in": "formData", "type": "string"},
        {"name": "entity_id", "in": "formData", "type": "string"},
        {"name": "access_level", "in": "formData", "type": "string"},
        {"name": "parent_id", "in": "formData", "type": "string"},
    ],
    "responses": {
        "200": {"schema": {
            "type": "object", "additionalProperties": False, "required": ["ok", "bookmark"],
            "properties": {
                "ok": {"$ref": "#/definitions/defs_ok_true"},
                "bookmark": {
                    "type": "object", "additionalProperties": False,
                    "required": ["id", "channel_id", "title", "link", "type", "date_created", "date_updated"],
                    "properties": {
                        "id": {"type": "string", "pattern": "^Bk[A-Z0-9]{6,}$"},
                        "channel_id": {"$ref": "#/definitions/defs_channel"},
                        "title": {"type": "string"}, "link": {"type": "string"},
                        "emoji": {"type": ["string", "null"]}, "icon_url": {"type": ["string", "null"]},
                        "type": {"enum": ["link"]}, "entity_id": {"type": ["string", "null"]},
                        "date_created": {"type": "integer"}, "date_updated": {"type": "integer"},
                        "rank": {"type": "string"}, "last_updated_by_user_id": {"$ref": "#/definitions/defs_user_id"},
                        "last_updated_by_team_id": {"$ref": "#/definitions/defs_team"},
                        "shortcut_id": {"type": ["string", "null"]}, "app_id": {"type": ["string", "null"]},
                    },
                },
            },
        }},
        "default": {"schema": {
            "type": "object", "additionalProperties": False, "required": ["ok", "error"],
            "properties": {
                "ok": {"$ref": "#/definitions/defs_ok_false"},
                "error": {"enum": ["channel_not_found", "not_in_channel", "is_archived", "invalid_link",
                                   "invalid_type", "too_many_bookmarks", "permission_denied", "restricted_action",
                                   "invalid_arguments"]},
            },
        }},
    },
}


def _as_intended(node: Any) -> Any:
    """The spec with every typeless `items: [..]` read as `anyOf` (see the module docstring)."""
    if isinstance(node, list):
        return [_as_intended(item) for item in node]
    if not isinstance(node, dict):
        return node
    fixed = {key: _as_intended(value) for key, value in node.items()}
    if isinstance(fixed.get("items"), list) and "type" not in fixed:
        fixed["anyOf"] = fixed.pop("items")
    return fixed


@cache
def _spec() -> dict[str, Any]:
    spec = _as_intended(json.loads(SPEC_PATH.read_text(encoding="utf-8")))
    assert "/bookmarks.add" not in spec["paths"], "the spec now has bookmarks.add: drop the supplement"
    spec["paths"]["/bookmarks.add"] = {"post": _as_intended(BOOKMARKS_ADD)}
    return spec


def operation(method: str) -> dict[str, Any] | None:
    """The spec's operation for a Web API method (e.g. "chat.postMessage"), or None if Slack has no such method."""
    path = _spec()["paths"].get(f"/{method}")
    return next(iter(path.values())) if path else None


@cache
def _validator(method: str, answer: str) -> Draft4Validator:
    op = operation(method)
    assert op is not None
    schema = copy.deepcopy(op["responses"][answer]["schema"])
    if answer == "default":
        # SUPPLEMENT: the common errors and their fields (module docstring).
        error = schema["properties"]["error"]
        error["enum"] = sorted(set(error.get("enum", [])) | set(COMMON_ERRORS))
        for name, field in COMMON_ERROR_FIELDS.items():
            schema["properties"].setdefault(name, field)
    schema["definitions"] = _spec()["definitions"]
    return Draft4Validator(schema)


def allowed_errors(method: str) -> frozenset[str]:
    """The `error` codes the method may answer with (its spec enum plus the common errors)."""
    return frozenset(_validator(method, "default").schema["properties"]["error"]["enum"])


def response_problems(method: str, body: Any) -> list[str]:
    """Why this response body does not match the method's response schema (empty when it does)."""
    answer = "200" if isinstance(body, dict) and body.get("ok") is True else "default"
    return [f"{method} response ({answer}) {'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
            for error in _validator(method, answer).iter_errors(body)]


def _type_problem(name: str, value: Any, param: dict[str, Any], *, from_json: bool) -> str | None:
    kind = param.get("type", "string")
    if from_json:
        ok = {"boolean": isinstance(value, bool), "integer": isinstance(value, int) and not isinstance(value, bool),
              "number": isinstance(value, int | float) and not isinstance(value, bool),
              "string": isinstance(value, str) or (isinstance(value, list | dict)
                                                   and "JSON" in param.get("description", ""))}.get(kind, True)
    else:
        text = str(value)
        ok = {"boolean": text in {"true", "false", "1", "0"}, "integer": text.lstrip("-").isdigit(),
              "number": text.replace(".", "", 1).lstrip("-").isdigit()}.get(kind, True)
    if not ok:
        return f"argument {name!r} should be a {kind}, got {value!r}"
    if "enum" in param and value not in param["enum"]:
        return f"argument {name!r} must be one of {param['enum']}, got {value!r}"
    return None


def request_problems(method: str, params: dict[str, Any], *, has_token: bool, content_type: str | None,
                     from_json: bool) -> list[str]:
    """Why this request is not one the spec allows: unknown method or argument, missing required argument,
    wrong type, or a content type the operation does not consume (empty when it is allowed)."""
    op = operation(method)
    if op is None:
        return [f"{method} is not a Slack Web API method in the spec"]
    declared = {param["name"]: param for param in op.get("parameters", [])}
    problems = [f"{method}: argument {name!r} is not in the spec" for name in params if name not in declared]
    for name, param in declared.items():
        present = has_token if name == "token" else name in params
        if param.get("required") and not present:
            problems.append(f"{method}: required argument {name!r} is missing")
        if name in params and name != "token":
            problem = _type_problem(name, params[name], param, from_json=from_json)
            if problem:
                problems.append(f"{method}: {problem}")
    if content_type is not None and content_type not in op.get("consumes", []):
        problems.append(f"{method}: content type {content_type} is not one of {op.get('consumes')}")
    return problems
