"""Fingerprint versions 3 and 4: template rules, each from a failure family of an independent probe corpus (written
by someone who did not read the rules) that the version before split. Version 3: Kubernetes rollouts, Go durations
and Kubernetes quantities, dates written in CJK text, severity values inside a provider's error body, optional
request ids in it, multi-line model output in backticks, a stack trace inside the message, and ports beside an
address. Version 4: `name:port` addresses, dates written with the month's name, bracketed asides, shapes, error
codes and `key=code` values."""

from __future__ import annotations

import pytest

from evalforge_assets.review.templates import message_template, verdict_template


@pytest.mark.parametrize(("one", "other"), [
    (("rollout of deployment/pricing-svc in namespace payments failed after 9m16s: container terminated with reason "
     "OOMKilled (exit code 137, memory limit 512Mi)"),
     ("rollout of deployment/ledger-worker in namespace search failed after 5m9s: container terminated with reason "
     "OOMKilled (exit code 137, memory limit 1Gi)")),
    ("予約に失敗しました: 指定された日程(2026年5月1日〜2026年5月3日)は満室です。",
     "予約に失敗しました: 指定された日程(2026年8月20日〜2026年8月23日)は満室です。"),
    (("Error code: 400 - {'error': {'code': 'content_filter', 'innererror': {'content_filter_result': "
     "{'hate': {'filtered': False, 'severity': 'safe'}, 'violence': {'filtered': True, 'severity': 'medium'}}}}}"),
     ("Error code: 400 - {'error': {'code': 'content_filter', 'innererror': {'content_filter_result': "
     "{'hate': {'filtered': True, 'severity': 'low'}, 'violence': {'filtered': False, 'severity': 'safe'}}}}}")),
    (("Error code: 529 - {'type': 'error', 'error': {'type': 'overloaded_error', 'message': 'Overloaded'}, "
     "'request_id': 'req_011CQm1x'}"),
     "Error code: 529 - {'type': 'error', 'error': {'type': 'overloaded_error', 'message': 'Overloaded'}}"),
    ("Could not parse LLM output: `Action: query_logs\nAction Input: service:checkout status:error`",
     "Could not parse LLM output: `Thought: the error rate spiked at 09:16\nLikely cause: a bad deploy`"),
    ("CannotGetJdbcConnectionException: Failed to obtain JDBC Connection",
     ("CannotGetJdbcConnectionException: Failed to obtain JDBC Connection\n\tat org.springframework.jdbc.datasource."
     "DataSourceUtils.getConnection(DataSourceUtils.java:84)\nCaused by: java.sql.SQLTransientConnectionException")),
    ("failed to connect to all addresses; last error: UNKNOWN: ipv4:10.2.0.7:50051: Connection refused",
     "failed to connect to all addresses; last error: UNKNOWN: ipv4:10.2.0.9:9090: Connection refused"),
    (("(psycopg.errors.DataException) expected 1536 dimensions, not 768\n[SQL: INSERT INTO chunks (id, embedding) "
     "VALUES (%(id)s, %(embedding)s)]\n[parameters: {'id': 7}]\n(Background on this error at: https://sqlalche.me/e/20/9h9h)"),
     "(psycopg.errors.DataException) expected 1024 dimensions, not 768"),
    ("短信发送失败: {'Message': '触发分钟级流控Permits:1', 'Code': 'isv.BUSINESS_LIMIT_CONTROL', 'RequestId': 'A1B2'}",
     "短信发送失败: {'Message': '触发天级流控Permits:10', 'Code': 'isv.BUSINESS_LIMIT_CONTROL'}"),
    ("Quota exceeded with base model: gemini-1.5-pro. Please submit a quota increase request.",
     "Quota exceeded with base model: gemini-1.5-pro-002. Please submit a quota increase request."),
])
def test_one_failure_gets_one_template(one: str, other: str) -> None:
    assert message_template(one) == message_template(other)


@pytest.mark.parametrize(("one", "other"), [
    ("rollout of deployment/api failed: reason OOMKilled", "rollout of deployment/api failed: reason CrashLoopBackOff"),
    ("Error code: 400 - {'error': {'code': 'content_filter'}}", "Error code: 400 - {'error': {'code': 'context_length_exceeded'}}"),
    ("Error code: 529 - {'type': 'error', 'error': {'type': 'overloaded_error'}}",
     "Error code: 529 - {'type': 'error', 'error': {'type': 'api_error'}}"),
    ("connect to [2001:db8::1]:443 refused", "connect to payments.internal refused"),
    # a DB-API driver's (errno, message) tuple is the failure, not an aside
    ("(pymysql.err.OperationalError) (1213, 'Deadlock found when trying to get lock; try restarting transaction')",
     "(pymysql.err.OperationalError) (1205, 'Lock wait timeout exceeded; try restarting transaction')"),
    # a code under a code key is kept whatever its case
    ("{'Code': 'isv.BUSINESS_LIMIT_CONTROL'}", "{'Code': 'isv.MOBILE_NUMBER_ILLEGAL'}"),
    ("{'error': {'code': 'NoSuchKey'}}", "{'error': {'code': 'AccessDenied'}}"),
])
def test_different_failures_keep_different_templates(one: str, other: str) -> None:
    assert message_template(one) != message_template(other)


def test_the_kind_of_a_kubernetes_object_stays() -> None:
    assert message_template("pod/web-7c9f8 in namespace prod-eu was evicted") == (
        "pod/<object> in namespace <object> was evicted")


# Version 4: a service's `name:port`, dates written with the month's name, bracketed asides, shapes (`16x384`), error
# codes (`ORA-00054`) and codes under code keys in `key=value`.
@pytest.mark.parametrize(("one", "other"), [
    ("Failed to export traces to otel-collector.observability:4317, error code: StatusCode.UNAVAILABLE",
     "Failed to export traces to localhost:4317, error code: StatusCode.UNAVAILABLE"),
    ("Connection refused by redis:6379", "Connection refused by 10.0.4.12:6380"),
    ("certificate expired on Tue, 03 Feb 2026 10:04:05 GMT; renew it",
     "certificate expired on 2026-02-03T10:04:05Z; renew it"),
    ("statement expires March 3, 2026 for this account", "statement expires 3 March 2026 for this account"),
    ("Resource Patient/abc is not known [req-8f7e6d5c4b]", "Resource Patient/abc is not known"),
    ("Couldn't find Reservation with 'id'=42 [WHERE \"reservations\".\"id\" = $1]",
     "Couldn't find Reservation with 'id'=7"),
    ("mat1 and mat2 shapes cannot be multiplied (16x384 and 768x128)",
     "mat1 and mat2 shapes cannot be multiplied (64x1024 and 768x256)"),
])
def test_one_failure_gets_one_template_in_version_4(one: str, other: str) -> None:
    assert message_template(one) == message_template(other)


@pytest.mark.parametrize(("one", "other"), [
    ("parse error at line:42", "parse error at line"),  # a line number is not a host
    ("May I retry the request", "June I retry the request"),  # a month's name alone is a word
    ("[ERROR] disk full, see [runbook page for disks written by the platform team]", "[ERROR] disk full"),
    # error codes are the failure, not ids
    ("ORA-00060: deadlock detected while waiting for resource", "ORA-00054: deadlock detected while waiting for resource"),
    ("AADSTS50126: Error validating credentials", "AADSTS50076: Error validating credentials"),
    # a code under a key that names the failure stays, as in payloads
    ('KafkaError{code=_MSG_TIMED_OUT,val=-192,str="Local: Message timed out"}',
     'KafkaError{code=NOT_ENOUGH_REPLICAS,val=19,str="Broker: Not enough in-sync replicas"}'),
    ("token rejected reason=EXPIRED", "token rejected reason=REVOKED"),
])
def test_what_version_4_leaves_alone(one: str, other: str) -> None:
    assert message_template(one) != message_template(other)


def test_a_value_under_another_key_is_still_a_value() -> None:
    assert message_template("token rejected user=bob42 reason=EXPIRED") == "token rejected user=<value> reason=EXPIRED"
    assert message_template("invoice INV-12345678901 failed") == "invoice <id> failed"  # too long for a code


@pytest.mark.parametrize(("message", "verdict"), [
    ("context_relevance below threshold (0.21 < 0.5): The retrieved context is about deleting a workspace",
     "context_relevance below threshold (<id> < <id>)"),
    ("Eval 'answer_relevance' failed. Judge rationale: Retrieval missed", "Eval answer_relevance failed"),
    ("LLM judge verdict=FAIL score=0.2 -- Hallucinated detail: 'SSO on all plans'", "LLM judge verdict=<value> score=<id>"),
    ("評価「route_feasibility」不合格。判定理由:ルートに通行止め区間が含まれており", "評価route_feasibility不合格"),
    ("groundedness judge verdict: FAIL — The review comment claims", "groundedness judge verdict"),
    ("faithfulness score 0.2 below 0.5", "faithfulness score <id> below <id>"),
])
def test_an_evaluations_verdict_is_the_head_before_its_rationale(message: str, verdict: str) -> None:
    assert verdict_template(message) == verdict
