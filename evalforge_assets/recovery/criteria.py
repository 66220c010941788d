"""The `pass_criteria` language of recovery checks: a tokenizer, a recursive-descent parser and an evaluator.

A criteria text says when one HTTP check passes, for example::

    status == 200 and json.items.length > 0 and latency_ms < 500

Grammar (keywords are case-insensitive)::

    criteria   := or_expr END
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | "(" or_expr ")" | condition
    condition  := operand ( ("==" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "matches") literal
                          | "exists"
                          | "in" "[" literal ("," literal)* "]" )
    operand    := "status" | "latency_ms" | "body" ["." "length"]
                | "json" segment* | "header" "." NAME ["." "length"]
    segment    := "." NAME | "[" INTEGER "]" | "[" STRING "]"
    literal    := NUMBER | 'string' | "string" | true | false | null

Criteria are written by an LLM planner, so every parse error says where it happened and what was expected, and
evaluation never raises: a missing JSON path or a value of the wrong type makes its clause false and the
explanation says what the value actually was.
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


# ---------------------------------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class _Token:
    kind: str  # NUMBER, STRING, WORD, OP, "(", ")", "[", "]", ".", ",", END
    text: str
    position: int
    value: Any = None

    def describe(self) -> str:
        return "the end of the criteria" if self.kind == "END" else f"'{self.text}'"


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
# Header names carry dashes (content-type), so a word may contain inner dashes.
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*")
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"'}
_MISTAKES = {
    "&&": "use 'and' instead of '&&'",
    "||": "use 'or' instead of '||'",
    "=": "use '==' to compare for equality",
    "!": "use 'not' instead of '!' (or '!=' for inequality)",
}


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char.isspace():
            position += 1
            continue
        two = text[position : position + 2]
        if two in ("==", "!=", "<=", ">="):
            tokens.append(_Token("OP", two, position))
            position += 2
        elif char in "<>":
            tokens.append(_Token("OP", char, position))
            position += 1
        elif two in ("&&", "||"):
            raise CriteriaError(text, position, _MISTAKES[two] + ".")
        elif char in "=!":
            raise CriteriaError(text, position, _MISTAKES[char] + ".")
        elif char in "()[].,":
            tokens.append(_Token(char, char, position))
            position += 1
        elif char in "'\"":
            value, end = _read_string(text, position)
            tokens.append(_Token("STRING", text[position:end], position, value))
            position = end
        elif (match := _NUMBER.match(text, position)) is not None:
            literal = match.group()
            number: float | int = float(literal) if any(c in literal for c in ".eE") else int(literal)
            tokens.append(_Token("NUMBER", literal, position, number))
            position = match.end()
        elif (match := _WORD.match(text, position)) is not None:
            tokens.append(_Token("WORD", match.group(), position))
            position = match.end()
        else:
            raise CriteriaError(text, position, f"unexpected character {char!r}.")
    tokens.append(_Token("END", "", len(text)))
    return tokens


def _read_string(text: str, start: int) -> tuple[str, int]:
    quote = text[start]
    chars: list[str] = []
    position = start + 1
    while position < len(text):
        char = text[position]
        if char == "\\" and position + 1 < len(text):
            chars.append(_ESCAPES.get(text[position + 1], "\\" + text[position + 1]))
            position += 2
        elif char == quote:
            return "".join(chars), position + 1
        else:
            chars.append(char)
            position += 1
    raise CriteriaError(text, start, f"the string starting here is never closed; add a closing {quote}.")


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


# ---------------------------------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def _advance(self) -> _Token:
        token = self.tokens[self.index]
        if token.kind != "END":
            self.index += 1
        return token

    def _is_word(self, *words: str) -> bool:
        return self.current.kind == "WORD" and self.current.text.lower() in words

    def _fail(self, expected: str, token: _Token | None = None) -> CriteriaError:
        token = token or self.current
        return CriteriaError(self.text, token.position, f"expected {expected}, found {token.describe()}.")

    def parse(self) -> Node:
        if self.current.kind == "END":
            raise CriteriaError(self.text, 0, "the criteria is empty; write a condition such as status == 200.")
        node = self._or()
        if self.current.kind != "END":
            raise self._fail("'and', 'or' or the end of the criteria")
        return node

    def _or(self) -> Node:
        parts = [self._and()]
        while self._is_word("or"):
            self._advance()
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def _and(self) -> Node:
        parts = [self._not()]
        while self._is_word("and"):
            self._advance()
            parts.append(self._not())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def _not(self) -> Node:
        if self._is_word("not"):
            self._advance()
            return Not(self._not())
        if self.current.kind == "(":
            opening = self._advance()
            node = self._or()
            if self.current.kind != ")":
                raise self._fail(f"')' to close the '(' at position {opening.position}")
            self._advance()
            return node
        return self._condition()

    def _condition(self) -> Node:
        operand = self._operand()
        token = self.current
        if token.kind == "OP":
            self._advance()
            expected = self._literal(after=token.text)
            if token.text in ORDERING_OPERATORS and not (_is_number(expected) or isinstance(expected, str)):
                raise CriteriaError(self.text, token.position, f"'{token.text}' compares numbers or text, "
                                                               f"not {_show(expected)}.")
            return Condition(operand, token.text, expected)
        if self._is_word("exists"):
            self._advance()
            return Condition(operand, "exists")
        if self._is_word("contains"):
            self._advance()
            return Condition(operand, "contains", self._literal(after="contains"))
        if self._is_word("matches"):
            self._advance()
            return Condition(operand, "matches", self._pattern())
        if self._is_word("in"):
            self._advance()
            return Condition(operand, "in", self._list())
        raise self._fail(f"an operator ({_OPERATOR_LIST}) after {operand.render()}")

    def _operand(self) -> Operand:
        token = self.current
        root = token.text.lower() if token.kind == "WORD" else ""
        if root not in ROOT_OPERANDS:
            raise self._fail("a value to test: status, latency_ms, json.<path>, header.<name> or body")
        self._advance()
        if root == "json":
            return Operand(root, self._json_segments())
        if root == "header":
            if self.current.kind != ".":
                raise self._fail("'.' and a header name, as in header.content-type")
            self._advance()
            name = self.current
            if name.kind != "WORD":
                raise self._fail("a header name, as in header.content-type")
            self._advance()
            return Operand(root, (name.text, *self._length_only("header." + name.text)))
        if root == "body":
            return Operand(root, self._length_only("body"))
        if self.current.kind in (".", "["):
            raise CriteriaError(self.text, self.current.position, f"{root} is a number and has no fields; "
                                                                  f"compare it directly, as in {root} < 500.")
        return Operand(root)

    def _length_only(self, where: str) -> tuple[str, ...]:
        if self.current.kind != ".":
            return ()
        self._advance()
        if not self._is_word(LENGTH):
            raise self._fail(f"'length' (text like {where} only has a length; use json.<path> for fields)")
        self._advance()
        return (LENGTH,)

    def _json_segments(self) -> tuple[str | int, ...]:
        segments: list[str | int] = []
        while self.current.kind in (".", "["):
            if self._advance().kind == ".":
                field = self.current
                if field.kind == "NUMBER":
                    raise self._fail("a field name after '.' (index arrays with [0])")
                if field.kind != "WORD":
                    raise self._fail("a field name after '.'")
                segments.append(self._advance().text)
                continue
            index = self.current
            if (index.kind == "NUMBER" and isinstance(index.value, int)) or index.kind == "STRING":
                segments.append(index.value)
            else:
                raise self._fail("an integer index or a 'quoted key' inside [ ]")
            self._advance()
            if self.current.kind != "]":
                raise self._fail("']'")
            self._advance()
        return tuple(segments)

    def _literal(self, after: str) -> Any:
        token = self.current
        if token.kind in ("NUMBER", "STRING"):
            self._advance()
            return token.value
        if token.kind == "WORD" and token.text.lower() in LITERAL_WORDS:
            self._advance()
            return LITERAL_WORDS[token.text.lower()]
        if token.kind == "WORD" and token.text.lower() in ROOT_OPERANDS:
            raise self._fail(f"{_LITERAL_HINT} after '{after}' (values cannot be compared with each other)")
        raise self._fail(f"{_LITERAL_HINT} after '{after}'")

    def _pattern(self) -> str:
        token = self.current
        if token.kind != "STRING":
            raise self._fail("a 'quoted regular expression' after 'matches'")
        self._advance()
        try:
            re.compile(token.value)
        except re.error as error:
            raise CriteriaError(self.text, token.position, f"the regular expression is invalid: {error}.") from error
        return token.value

    def _list(self) -> tuple[Any, ...]:
        if self.current.kind != "[":
            raise self._fail("'[' to start the list after 'in', as in status in [200, 201]")
        self._advance()
        if self.current.kind == "]":
            raise CriteriaError(self.text, self.current.position, "the list after 'in' is empty; list the "
                                                                  "accepted values, as in status in [200, 201].")
        items = [self._literal(after="[")]
        while self.current.kind == ",":
            self._advance()
            items.append(self._literal(after=","))
        if self.current.kind != "]":
            raise self._fail("',' or ']' in the list")
        self._advance()
        return tuple(items)


# ---------------------------------------------------------------------------------------------------- API


@dataclass(frozen=True)
class Criteria:
    """A parsed pass_criteria. `text` is what was written; `render()` is the canonical spelling."""

    text: str
    root: Node

    def render(self) -> str:
        return self.root.render()

    def evaluate(self, response: ResponseLike) -> CriteriaOutcome:
        return self.root.evaluate(response)

    def accepted_statuses(self, candidates: Iterable[int] = range(100, 600)) -> frozenset[int]:
        """The status codes this criteria can pass with, whatever the rest of the response holds.

        Clauses that do not read `status` count as "unknown" (three-valued logic), so `status == 200 and
        json.ok == true` accepts {200} and a criteria that never mentions status accepts every code.
        """
        return frozenset(code for code in candidates if self.root.status_verdict(code) is not False)


def parse_criteria(text: str) -> Criteria:
    """Parse a pass_criteria text, raising CriteriaError (position and what was expected) when it is invalid."""
    return Criteria(text=text, root=_Parser(text).parse())
