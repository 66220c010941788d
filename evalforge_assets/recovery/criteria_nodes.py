"""The evaluation side of pass criteria: what a response offers (`ResponseFacts`), the operands that read it,
and the syntax tree (`Condition`, `Not`, `And`, `Or`) that evaluates to a `CriteriaOutcome` with an explanation.

Evaluation never raises: a missing JSON path or a value of the wrong type makes its clause false and the
explanation says what the value actually was. The grammar and the parser are in `criteria_parser`; import the
public names from `criteria`.
"""

from __future__ import annotations

import json as jsonlib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

ROOT_OPERANDS = ("status", "latency_ms", "json", "header", "body")
COMPARISON_OPERATORS = ("==", "!=", "<", "<=", ">", ">=")
ORDERING_OPERATORS = ("<", "<=", ">", ">=")
WORD_OPERATORS = ("contains", "matches", "exists", "in")
LITERAL_WORDS = {"true": True, "false": False, "null": None}
# A bare word: keywords, operand names and JSON path segments that need no quotes.
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*")
LENGTH = "length"
_OPERATOR_LIST = "==, !=, <, <=, >, >=, contains, matches, exists or in [...]"
_LITERAL_HINT = "a value (a number, a 'quoted string', true, false or null)"
_MAX_SHOWN_CHARS = 120


class CriteriaError(ValueError):
    """A pass_criteria text that does not parse; the message points at the position and says what was expected."""

    def __init__(self, text: str, position: int, problem: str) -> None:
        self.text = text
        self.position = position
        self.problem = problem
        pointer = " " * position + "^"
        super().__init__(f"Invalid pass_criteria at position {position}: {problem}\n  {text}\n  {pointer}")


class _NotJson:
    """Marks a response whose body is not JSON, so `json.*` operands are missing instead of null."""

    def __repr__(self) -> str:
        return "NOT_JSON"


NOT_JSON: Any = _NotJson()


class ResponseLike(Protocol):
    """What criteria read from a response. `json` is the decoded body, or NOT_JSON when it was not JSON."""

    status: int
    latency_ms: float
    headers: Mapping[str, str]
    json: Any
    text: str


@dataclass(frozen=True)
class ResponseFacts:
    """A plain ResponseLike, built by runners from whatever HTTP client they use."""

    status: int
    latency_ms: float
    headers: Mapping[str, str]
    json: Any
    text: str

    @classmethod
    def from_text(cls, status: int, latency_ms: float, headers: Mapping[str, str], text: str) -> ResponseFacts:
        """Decode the body as JSON when it is JSON; anything else leaves `json` as NOT_JSON."""
        try:
            decoded = jsonlib.loads(text) if text.strip() else NOT_JSON
        except ValueError:
            decoded = NOT_JSON
        return cls(status=status, latency_ms=latency_ms, headers=dict(headers), json=decoded, text=text)


@dataclass(frozen=True)
class CriteriaOutcome:
    passed: bool
    explanation: str



# ---------------------------------------------------------------------------------------------------- values


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


_MISSING: Any = _Missing()


def _show(value: Any) -> str:
    """A value as the explanation shows it: JSON spelling, strings in single quotes, long values cut."""
    if isinstance(value, str):
        shown = "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    elif value is NOT_JSON:
        shown = "not JSON"
    else:
        try:
            shown = jsonlib.dumps(value, sort_keys=True, default=str)
        except ValueError:
            shown = repr(value)
    return shown if len(shown) <= _MAX_SHOWN_CHARS else shown[: _MAX_SHOWN_CHARS - 3] + "..."


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same(left: Any, right: Any) -> bool:
    """JSON equality: true is not 1, 1 equals 1.0."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left is right
    if _is_number(left) and _is_number(right):
        return float(left) == float(right)
    return type(left) is type(right) and left == right


@dataclass(frozen=True)
class _Resolved:
    value: Any
    missing_reason: str | None = None

    @property
    def found(self) -> bool:
        return self.missing_reason is None


@dataclass(frozen=True)
class Operand:
    """Where a value comes from: a root (status, latency_ms, json, header, body) and a path below it."""

    root: str
    segments: tuple[str | int, ...] = ()

    def render(self) -> str:
        rendered = self.root
        for segment in self.segments:
            if isinstance(segment, int):
                rendered += f"[{segment}]"
            elif _WORD.fullmatch(segment):
                rendered += f".{segment}"
            else:
                rendered += "[" + _show(segment) + "]"
        return rendered

    def resolve(self, response: ResponseLike) -> _Resolved:
        if self.root == "status":
            return _Resolved(response.status)
        if self.root == "latency_ms":
            return _Resolved(response.latency_ms)
        if self.root == "body":
            return self._walk(response.text, self.segments, "body")
        if self.root == "header":
            name = str(self.segments[0])
            wanted = name.lower()
            for key, value in response.headers.items():
                if key.lower() == wanted:
                    return self._walk(value, self.segments[1:], f"header.{name}")
            return _Resolved(_MISSING, f"the response has no {name} header")
        if response.json is NOT_JSON:
            return _Resolved(_MISSING, "the response body was not JSON")
        return self._walk(response.json, self.segments, "json")

    @staticmethod
    def _walk(value: Any, segments: Iterable[str | int], walked: str) -> _Resolved:
        for segment in segments:
            if isinstance(segment, int):
                if not isinstance(value, list):
                    return _Resolved(_MISSING, f"{walked} was {_show(value)}, not an array")
                if not -len(value) <= segment < len(value):
                    return _Resolved(_MISSING, f"{walked} has {len(value)} elements, so [{segment}] is out of range")
                value = value[segment]
                walked += f"[{segment}]"
                continue
            if isinstance(value, dict) and segment in value:
                value = value[segment]
            elif segment == LENGTH and isinstance(value, (list, str, dict)):
                value = len(value)
            elif isinstance(value, dict):
                return _Resolved(_MISSING, f"{walked} has no key '{segment}'")
            else:
                return _Resolved(_MISSING, f"{walked} was {_show(value)}, which has no field '{segment}'")
            walked += f".{segment}"
        return _Resolved(value)


# ---------------------------------------------------------------------------------------------------- AST


class Node:
    """A criteria expression. Evaluation never raises; `status_verdict` is three-valued (None = depends)."""

    def render(self) -> str:
        raise NotImplementedError

    def evaluate(self, response: ResponseLike) -> CriteriaOutcome:
        raise NotImplementedError

    def status_verdict(self, status: int) -> bool | None:
        raise NotImplementedError


@dataclass(frozen=True)
class Condition(Node):
    """One clause: an operand, an operator and (except for `exists`) a literal or a list of literals."""

    operand: Operand
    operator: str
    expected: Any = None

    def render(self) -> str:
        if self.operator == "exists":
            return f"{self.operand.render()} exists"
        if self.operator == "in":
            return f"{self.operand.render()} in [{', '.join(_show(item) for item in self.expected)}]"
        return f"{self.operand.render()} {self.operator} {_show(self.expected)}"

    def evaluate(self, response: ResponseLike) -> CriteriaOutcome:
        resolved = self.operand.resolve(response)
        clause = self.render()
        if not resolved.found:
            return CriteriaOutcome(False, f"{clause} failed: {self.operand.render()} was missing "
                                          f"({resolved.missing_reason})")
        actual = f"{self.operand.render()} was {_show(resolved.value)}"
        problem = self._check(resolved.value)
        if problem is None:
            return CriteriaOutcome(True, f"{clause} held ({actual})")
        return CriteriaOutcome(False, f"{clause} failed: {actual}{problem}")

    def status_verdict(self, status: int) -> bool | None:
        if self.operand.root != "status":
            return None
        return self._check(status) is None

    def _check(self, value: Any) -> str | None:
        """None when the clause holds, else a (possibly empty) suffix explaining why it did not."""
        operator, expected = self.operator, self.expected
        if self.operand.root == "header" and _is_number(expected) and isinstance(value, str):
            value = _as_number(value)  # headers are text; `header.content-length > 0` means the number
        if operator == "exists":
            return None if value is not None else ""
        if operator == "==":
            return None if _same(value, expected) else ""
        if operator == "!=":
            return None if not _same(value, expected) else ""
        if operator == "in":
            return None if any(_same(value, item) for item in expected) else ""
        if operator in ORDERING_OPERATORS:
            return self._check_order(value)
        if operator == "contains":
            return self._check_contains(value)
        return self._check_matches(value)

    def _check_order(self, value: Any) -> str | None:
        expected = self.expected
        comparable = (_is_number(value) and _is_number(expected)) or (
            isinstance(value, str) and isinstance(expected, str)
        )
        if not comparable:
            kind = "a number" if _is_number(expected) else "text"
            return f", which is not {kind}"
        if isinstance(value, float) and math.isnan(value):
            return ", which is not a number"
        holds = {
            "<": value < expected, "<=": value <= expected, ">": value > expected, ">=": value >= expected,
        }[self.operator]
        return None if holds else ""

    def _check_contains(self, value: Any) -> str | None:
        expected = self.expected
        if isinstance(value, str):
            return None if isinstance(expected, str) and expected in value else ""
        if isinstance(value, list):
            return None if any(_same(item, expected) for item in value) else ""
        if isinstance(value, dict):
            return None if isinstance(expected, str) and expected in value else ", which has no such key"
        return ", which is neither text, an array nor an object"

    def _check_matches(self, value: Any) -> str | None:
        if _is_number(value):
            value = str(value)
        if not isinstance(value, str):
            return ", which is not text"
        return None if re.search(self.expected, value) else ""


def _as_number(text: str) -> Any:
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


@dataclass(frozen=True)
class Not(Node):
    inner: Node

    def render(self) -> str:
        inner = self.inner.render()
        return f"not ({inner})" if isinstance(self.inner, (And, Or)) else f"not {inner}"

    def evaluate(self, response: ResponseLike) -> CriteriaOutcome:
        outcome = self.inner.evaluate(response)
        if outcome.passed:
            return CriteriaOutcome(False, f"{self.render()} failed: {outcome.explanation}")
        return CriteriaOutcome(True, f"{self.render()} held ({outcome.explanation})")

    def status_verdict(self, status: int) -> bool | None:
        verdict = self.inner.status_verdict(status)
        return None if verdict is None else not verdict


def _render_child(child: Node, parent: type) -> str:
    # Parentheses only where precedence needs them: an `or` inside an `and`.
    rendered = child.render()
    return f"({rendered})" if parent is And and isinstance(child, Or) else rendered


@dataclass(frozen=True)
class And(Node):
    parts: tuple[Node, ...]

    def render(self) -> str:
        return " and ".join(_render_child(part, And) for part in self.parts)

    def evaluate(self, response: ResponseLike) -> CriteriaOutcome:
        # Every part is evaluated so the explanation lists all failing clauses, not just the first.
        outcomes = [part.evaluate(response) for part in self.parts]
        failures = [outcome.explanation for outcome in outcomes if not outcome.passed]
        if failures:
            return CriteriaOutcome(False, "; ".join(failures))
        return CriteriaOutcome(True, "; ".join(outcome.explanation for outcome in outcomes))

    def status_verdict(self, status: int) -> bool | None:
        verdicts = [part.status_verdict(status) for part in self.parts]
        if False in verdicts:
            return False
        return True if all(verdicts) else None


@dataclass(frozen=True)
class Or(Node):
    parts: tuple[Node, ...]

    def render(self) -> str:
        return " or ".join(_render_child(part, Or) for part in self.parts)

    def evaluate(self, response: ResponseLike) -> CriteriaOutcome:
        outcomes = [part.evaluate(response) for part in self.parts]
        for outcome in outcomes:
            if outcome.passed:
                return outcome
        return CriteriaOutcome(
            False, "none of the alternatives held: " + "; ".join(outcome.explanation for outcome in outcomes)
        )

    def status_verdict(self, status: int) -> bool | None:
        verdicts = [part.status_verdict(status) for part in self.parts]
        if True in verdicts:
            return True
        return False if all(verdict is False for verdict in verdicts) else None
