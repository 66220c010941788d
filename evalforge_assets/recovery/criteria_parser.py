"""The pass-criteria tokenizer and recursive-descent parser (grammar in `criteria`'s docstring).

Criteria are written by an LLM planner, so every error says where it happened and what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from evalforge_assets.recovery.criteria_nodes import (
    _LITERAL_HINT,
    _OPERATOR_LIST,
    _WORD,
    LENGTH,
    LITERAL_WORDS,
    ORDERING_OPERATORS,
    ROOT_OPERANDS,
    And,
    Condition,
    CriteriaError,
    Node,
    Not,
    Operand,
    Or,
    _is_number,
    _show,
)

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
