"""The pass_criteria language: parsing every construct, precedence, errors with positions, evaluation."""

from __future__ import annotations

import pytest

from evalforge_assets.recovery.criteria import (
    NOT_JSON,
    And,
    Condition,
    CriteriaError,
    Not,
    Operand,
    Or,
    ResponseFacts,
    parse_criteria,
)

ORDER = {"order_id": "ord_1", "total": 89.5, "confirmed": True, "note": None,
         "items": [{"sku": "SKU-1001", "name": "Trail shoes"}, {"sku": "SKU-1002", "name": "Socks"}]}


def response(status: int = 200, body: object = ORDER, latency_ms: float = 42.0,
             headers: dict[str, str] | None = None, text: str | None = None) -> ResponseFacts:
    import json
    raw = text if text is not None else json.dumps(body)
    return ResponseFacts.from_text(status, latency_ms, headers or {"Content-Type": "application/json"}, raw)


def holds(criteria: str, answer: ResponseFacts | None = None) -> bool:
    return parse_criteria(criteria).evaluate(answer or response()).passed


# ------------------------------------------------------------------------------------------------- parsing


def test_comparison_parses_into_a_condition_with_operand_operator_and_literal() -> None:
    root = parse_criteria("status == 200").root
    assert root == Condition(Operand("status"), "==", 200)


@pytest.mark.parametrize("operator", ["==", "!=", "<", "<=", ">", ">="])
def test_every_comparison_operator_parses(operator: str) -> None:
    assert parse_criteria(f"latency_ms {operator} 500").root == Condition(Operand("latency_ms"), operator, 500)


def test_json_paths_take_fields_indexes_quoted_keys_and_length() -> None:
    root = parse_criteria("json.items[1]['name'].length >= 4").root
    assert root == Condition(Operand("json", ("items", 1, "name", "length")), ">=", 4)


def test_header_names_keep_their_dashes_and_body_has_a_length() -> None:
    assert parse_criteria("header.content-type contains 'json'").root == Condition(
        Operand("header", ("content-type",)), "contains", "json")
    assert parse_criteria("body.length > 0").root == Condition(Operand("body", ("length",)), ">", 0)


@pytest.mark.parametrize(("text", "expected"), [
    ("json.a == 'single'", "single"),
    ('json.a == "double"', "double"),
    ("json.a == 'it\\'s'", "it's"),
    ("json.a == -2.5", -2.5),
    ("json.a == 1e3", 1000.0),
    ("json.a == true", True),
    ("json.a == FALSE", False),
    ("json.a == null", None),
])
def test_literals(text: str, expected: object) -> None:
    assert parse_criteria(text).root.expected == expected


def test_exists_is_postfix_and_in_takes_a_list() -> None:
    assert parse_criteria("json.order_id exists").root == Condition(Operand("json", ("order_id",)), "exists")
    assert parse_criteria("status in [200, 201]").root == Condition(Operand("status"), "in", (200, 201))


def test_matches_takes_a_regular_expression() -> None:
    assert parse_criteria("json.order_id matches '^ord_[0-9a-f]+$'").root.operator == "matches"


def test_and_binds_tighter_than_or() -> None:
    root = parse_criteria("status == 200 or status == 201 and json.ok == true").root
    assert isinstance(root, Or)
    assert isinstance(root.parts[1], And)


def test_parentheses_override_precedence() -> None:
    root = parse_criteria("(status == 200 or status == 201) and json.ok == true").root
    assert isinstance(root, And)
    assert isinstance(root.parts[0], Or)


def test_not_applies_to_the_next_condition_only() -> None:
    root = parse_criteria("not json.error exists and status == 200").root
    assert isinstance(root, And)
    assert isinstance(root.parts[0], Not)


def test_render_is_canonical_and_reparses_to_the_same_tree() -> None:
    criteria = parse_criteria("(status==200 OR status==201) AND NOT json.error exists")
    assert criteria.render() == "(status == 200 or status == 201) and not json.error exists"
    assert parse_criteria(criteria.render()).root == criteria.root


# ------------------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(("text", "position", "expected_words"), [
    ("status ==", 9, "expected a value"),
    ("status = 200", 7, "use '=='"),
    ("status == 200 && latency_ms < 5", 14, "use 'and'"),
    ("status == 200 latency_ms < 5", 14, "expected 'and', 'or' or the end"),
    ("(status == 200", 14, "expected ')' to close the '(' at position 0"),
    ("code == 200", 0, "expected a value to test: status, latency_ms"),
    ("status 200", 7, "expected an operator"),
    ("json.items.0 > 1", 11, "index arrays with [0]"),
    ("json.a == 'open", 10, "never closed"),
    ("status in []", 11, "is empty"),
    ("status in 200", 10, "'[' to start the list"),
    ("json.a matches '('", 15, "regular expression is invalid"),
    ("status < true", 7, "compares numbers or text"),
    ("status.code == 1", 6, "has no fields"),
    ("body.text == 'x'", 5, "expected 'length'"),
    ("status == latency_ms", 10, "cannot be compared with each other"),
    ("", 0, "is empty"),
])
def test_parse_errors_point_at_the_position_and_say_what_was_expected(
    text: str, position: int, expected_words: str,
) -> None:
    with pytest.raises(CriteriaError) as caught:
        parse_criteria(text)
    assert caught.value.position == position
    assert expected_words in str(caught.value)
    assert f"at position {position}" in str(caught.value)


def test_error_message_shows_a_caret_under_the_position() -> None:
    with pytest.raises(CriteriaError) as caught:
        parse_criteria("status == 200 and")
    lines = str(caught.value).splitlines()
    assert lines[1] == "  status == 200 and"
    assert lines[2] == "  " + " " * 17 + "^"


# ------------------------------------------------------------------------------------------------- evaluation


def test_the_example_from_the_brief_passes_and_fails_on_the_right_clause() -> None:
    criteria = parse_criteria("status == 200 and json.items.length > 0 and latency_ms < 500")
    assert criteria.evaluate(response()).passed
    failed = criteria.evaluate(response(status=500, body={"error": "boom"}))
    assert not failed.passed
    assert failed.explanation.startswith("status == 200 failed: status was 500")
    assert "json.items.length > 0 failed: json.items.length was missing (json has no key 'items')" in (
        failed.explanation)


def test_slow_answer_names_the_latency_clause_with_its_value() -> None:
    outcome = parse_criteria("latency_ms < 500").evaluate(response(latency_ms=812.0))
    assert outcome.explanation == "latency_ms < 500 failed: latency_ms was 812.0"


@pytest.mark.parametrize(("criteria", "expected"), [
    ("json.total == 89.5", True),
    ("json.total != 89.5", False),
    ("json.total > 89", True),
    ("json.total <= 89", False),
    ("json.confirmed == true", True),
    ("json.confirmed == 1", False),  # JSON true is not the number 1
    ("json.items[0].sku == 'SKU-1001'", True),
    ("json.items[-1].sku == 'SKU-1002'", True),
    ("json.items.length == 2", True),
    ("json.items[0].name.length == 11", True),
    ("json.order_id contains 'ord'", True),
    ("json.items contains 'SKU-1001'", False),  # a list contains elements, not substrings of them
    ("json contains 'order_id'", True),  # an object contains its keys
    ("json.order_id matches '^ord_\\d$'", True),
    ("status matches '^2'", True),
    ("status in [200, 201]", True),
    ("status in [201, 204]", False),
    ("json.order_id exists", True),
    ("json.note exists", False),  # null is not a value that exists
    ("not json.error exists", True),
    ("json.order_id > 3", False),  # text is not a number
])
def test_evaluation_of_each_operator(criteria: str, expected: bool) -> None:
    assert holds(criteria) is expected


def test_missing_paths_make_comparisons_false_instead_of_raising() -> None:
    for text in ("json.customer.email == 'x'", "json.customer.email != 'x'", "json.items[9].sku exists",
                 "json.order_id.value == 1", "json.items.length.extra > 0"):
        assert not holds(text), text


def test_missing_path_explanations_say_where_the_path_stopped() -> None:
    outcome = parse_criteria("json.items[5].sku == 'a'").evaluate(response())
    assert outcome.explanation == ("json.items[5].sku == 'a' failed: json.items[5].sku was missing "
                                   "(json.items has 2 elements, so [5] is out of range)")


def test_body_that_is_not_json_leaves_json_paths_missing_but_body_readable() -> None:
    answer = response(status=502, text="<html>Bad gateway</html>", headers={"Content-Type": "text/html"})
    assert answer.json is NOT_JSON
    outcome = parse_criteria("json.ok exists").evaluate(answer)
    assert "the response body was not JSON" in outcome.explanation
    assert holds("body contains 'Bad gateway'", answer)


def test_headers_are_matched_without_regard_to_case_and_compare_as_numbers_when_asked() -> None:
    answer = response(headers={"Content-Type": "application/json", "X-Request-Count": "7"})
    assert holds("header.content-type == 'application/json'", answer)
    assert holds("header.CONTENT-TYPE contains 'json'", answer)
    assert holds("header.x-request-count > 5", answer)
    outcome = parse_criteria("header.retry-after exists").evaluate(answer)
    assert "the response has no retry-after header" in outcome.explanation


def test_or_fails_only_when_every_alternative_fails_and_lists_them() -> None:
    outcome = parse_criteria("status == 201 or json.ok == true").evaluate(response())
    assert not outcome.passed
    assert outcome.explanation.startswith("none of the alternatives held: status == 201 failed: status was 200")


def test_not_explains_what_held_that_should_not_have() -> None:
    outcome = parse_criteria("not json.order_id exists").evaluate(response())
    assert outcome.explanation == ("not json.order_id exists failed: json.order_id exists held "
                                   "(json.order_id was 'ord_1')")


def test_passing_explanation_names_the_values_seen() -> None:
    outcome = parse_criteria("status == 200").evaluate(response())
    assert outcome == type(outcome)(True, "status == 200 held (status was 200)")


@pytest.mark.parametrize(("criteria", "accepted"), [
    ("status == 200 and json.order_id exists", {200}),
    ("status in [401, 403]", {401, 403}),
    ("status >= 400 and status < 500 and status != 404", set(range(400, 500)) - {404}),
    ("not status == 200 and status < 203", {100, 101, 102, 201, 202} | set(range(103, 200))),
    ("status == 200 or json.retry == true", set(range(100, 600))),  # the json branch could pass any status
])
def test_accepted_statuses_reads_only_the_status_clauses(criteria: str, accepted: set[int]) -> None:
    assert parse_criteria(criteria).accepted_statuses() == frozenset(accepted)
