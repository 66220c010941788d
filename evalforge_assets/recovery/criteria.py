"""The `pass_criteria` language of recovery checks: a tokenizer, a recursive-descent parser and an evaluator.

A criteria text says when one HTTP check passes, for example::

    status == 200 and json.items.length > 0 and latency_ms < 500

The syntax tree and its evaluation are in `criteria_nodes`, the tokenizer and parser in `criteria_parser`.

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

from collections.abc import Iterable
from dataclasses import dataclass

from evalforge_assets.recovery.criteria_nodes import (
    NOT_JSON,
    And,
    Condition,
    CriteriaError,
    CriteriaOutcome,
    Node,
    Not,
    Operand,
    Or,
    ResponseFacts,
    ResponseLike,
)
from evalforge_assets.recovery.criteria_parser import _Parser

# The public names of the criteria modules: callers import them from here.
__all__ = [
    "NOT_JSON",
    "And",
    "Condition",
    "Criteria",
    "CriteriaError",
    "CriteriaOutcome",
    "Node",
    "Not",
    "Operand",
    "Or",
    "ResponseFacts",
    "ResponseLike",
    "parse_criteria",
]


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
