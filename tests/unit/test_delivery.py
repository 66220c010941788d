"""Delivery: bounded retries with backoff, idempotent file writers, webhook signing, deterministic file layout."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
from pathlib import Path

import httpx
import pytest
import yaml

from evalforge_assets.exports.artifacts import DeterministicArtifactGenerator
from evalforge_assets.exports.delivery import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    ArtifactFile,
    DeliveryError,
    GcsArtifactStorage,
    LocalArtifactStorage,
    PermanentDeliveryError,
    RetryPolicy,
    WebhookSender,
    WebhookSignatureError,
    deliver_with_retries,
    require_webhook,
    verify_webhook_signature,
    webhook_signature,
)
from evalforge_assets.exports.files import eval_case_files, guardrail_files, package_document, runbook_files
from evalforge_assets.models import Artifact, DeliveryStatus, Destination
from tests.fixtures.factories import make_capture, make_export, make_signature

SECRET = "s3cret-for-tests"
NOW = 1_760_000_000.0


# ---- retries ---------------------------------------------------------------------------------------------------
def test_backoff_doubles_from_the_base_delay_up_to_the_cap() -> None:
    policy = RetryPolicy(max_attempts=6, base_delay_seconds=1.5, multiplier=2, max_delay_seconds=10)
    assert [policy.delay_after(n) for n in range(1, 6)] == [1.5, 3.0, 6.0, 10, 10]


@pytest.mark.parametrize("arguments", [{"max_attempts": 0}, {"base_delay_seconds": -1}, {"multiplier": 0.5}])
def test_a_retry_policy_that_cannot_work_is_refused(arguments: dict) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**arguments)


class Flaky:
    """Fails `failures` times with `error`, then returns one artifact."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures = failures
        self.error = error
        self.calls = 0

    def __call__(self) -> list[Artifact]:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return [Artifact(destination=Destination.runbook, kind="runbook_markdown", location="/x.md")]


def test_a_transient_failure_is_retried_after_the_backoff_and_then_delivered() -> None:
    sleeps: list[float] = []
    deliver = Flaky(2, OSError("disk busy"))
    outcome = deliver_with_retries(Destination.runbook, deliver, RetryPolicy(max_attempts=3, base_delay_seconds=2),
                                   sleep=sleeps.append)
    assert outcome.status is DeliveryStatus.delivered and outcome.delivered
    assert (outcome.attempts, deliver.calls, sleeps) == (3, 3, [2.0, 4.0])
    assert outcome.error is None and len(outcome.attempt_errors) == 2
    assert outcome.artifacts[0].location == "/x.md"


def test_a_destination_that_keeps_failing_is_marked_failed_with_its_last_error() -> None:
    sleeps: list[float] = []
    outcome = deliver_with_retries(Destination.webhook, Flaky(10, DeliveryError("HTTP 500 from receiver")),
                                   RetryPolicy(max_attempts=3, base_delay_seconds=1), sleep=sleeps.append)
    assert outcome.status is DeliveryStatus.failed
    assert outcome.attempts == 3 and sleeps == [1.0, 2.0]  # no wait after the last attempt
    assert outcome.error == "webhook failed after 3 attempts; last error: HTTP 500 from receiver"
    assert outcome.artifacts == []


def test_a_permanent_failure_is_not_retried() -> None:
    sleeps: list[float] = []
    deliver = Flaky(10, PermanentDeliveryError("EVALFORGE_EXPORT_WEBHOOK_URL is not set"))
    outcome = deliver_with_retries(Destination.webhook, deliver, RetryPolicy(max_attempts=5), sleep=sleeps.append)
    assert (outcome.status, outcome.attempts, deliver.calls, sleeps) == (DeliveryStatus.failed, 1, 1, [])
    assert outcome.error == "EVALFORGE_EXPORT_WEBHOOK_URL is not set"


# ---- file storage ----------------------------------------------------------------------------------------------
def a_file(path: str = "exp-1/runbooks/sig-1.md", content: bytes = b"# one") -> ArtifactFile:
    return ArtifactFile(Destination.runbook, "runbook_markdown", path, content, "text/markdown")


def test_local_storage_overwrites_the_same_file_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    storage = LocalArtifactStorage(tmp_path)
    first = storage.write(a_file(content=b"# one"))
    second = storage.write(a_file(content=b"# two"))
    assert first == second == str(tmp_path / "exp-1" / "runbooks" / "sig-1.md")
    assert Path(second).read_bytes() == b"# two"
    assert sorted(p.name for p in (tmp_path / "exp-1" / "runbooks").iterdir()) == ["sig-1.md"]


def test_local_storage_refuses_paths_that_leave_its_folder(tmp_path: Path) -> None:
    with pytest.raises(PermanentDeliveryError, match="outside"):
        LocalArtifactStorage(tmp_path / "exports").write(a_file(path="../escape.md"))
    assert not (tmp_path / "escape.md").exists()


class FakeBlob:
    def __init__(self, uploads: dict, bucket: str, name: str) -> None:
        self.uploads, self.bucket, self.name = uploads, bucket, name

    def upload_from_string(self, data: bytes, content_type: str) -> None:
        self.uploads[(self.bucket, self.name)] = (data, content_type)


class FakeGcsClient:
    """The slice of google.cloud.storage.Client the GCS writer uses, recording uploads by (bucket, name)."""

    def __init__(self) -> None:
        self.uploads: dict[tuple[str, str], tuple[bytes, str]] = {}

    def bucket(self, name: str):
        uploads = self.uploads

        class Bucket:
            def blob(self, blob_name: str) -> FakeBlob:
                return FakeBlob(uploads, name, blob_name)

        return Bucket()


def test_gcs_storage_uploads_under_the_prefix_and_replaces_the_same_object() -> None:
    client = FakeGcsClient()
    storage = GcsArtifactStorage(client, "team-bucket", prefix="evalforge/exports/")
    assert storage.write(a_file(content=b"# one")) == "gs://team-bucket/evalforge/exports/exp-1/runbooks/sig-1.md"
    storage.write(a_file(content=b"# two"))
    assert client.uploads == {("team-bucket", "evalforge/exports/exp-1/runbooks/sig-1.md"): (b"# two",
                                                                                              "text/markdown")}


# ---- webhook signatures ----------------------------------------------------------------------------------------
def signed_headers(body: bytes, secret: str = SECRET, at: float = NOW) -> dict[str, str]:
    timestamp = str(int(at))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: webhook_signature(secret, timestamp, body)}


def test_a_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), b'1760000000.{"a":1}', hashlib.sha256).hexdigest()
    assert webhook_signature(SECRET, "1760000000", b'{"a":1}') == f"sha256={expected}"


def test_a_valid_signature_verifies_whatever_the_header_case() -> None:
    body = b'{"export_id":"exp-1"}'
    headers = {name.lower(): value for name, value in signed_headers(body).items()}
    verify_webhook_signature(SECRET, body, headers, now=NOW + 10)


@pytest.mark.parametrize(("body", "headers", "now", "message"), [
    (b'{"export_id":"exp-2"}', signed_headers(b'{"export_id":"exp-1"}'), NOW, "does not match"),
    (b"{}", signed_headers(b"{}", secret="other"), NOW, "does not match"),
    (b"{}", signed_headers(b"{}"), NOW + 301, "replay"),
    (b"{}", {SIGNATURE_HEADER: "sha256=00"}, NOW, "lacks"),
    (b"{}", {TIMESTAMP_HEADER: "soon", SIGNATURE_HEADER: "sha256=00"}, NOW, "whole number"),
])
def test_tampered_stale_or_unsigned_bodies_are_refused(body: bytes, headers: dict, now: float, message: str) -> None:
    with pytest.raises(WebhookSignatureError, match=message):
        verify_webhook_signature(SECRET, body, headers, now=now)


def recording_transport(status: int, seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, text="receiver says no" if status >= 400 else "ok")

    return httpx.MockTransport(handler)


def test_the_sender_posts_signed_json_with_a_stable_delivery_id() -> None:
    seen: list[httpx.Request] = []
    sender = WebhookSender("https://hooks.example.com/in", SECRET, transport=recording_transport(202, seen),
                           clock=lambda: NOW)
    artifact = sender.send(b'{"export_id":"exp-1"}', delivery_id="exp-1")
    [request] = seen
    assert request.headers[DELIVERY_HEADER] == "exp-1"
    assert request.headers["content-type"] == "application/json"
    verify_webhook_signature(SECRET, request.content, dict(request.headers), now=NOW)
    assert (artifact.destination, artifact.location, artifact.http_status) == (
        Destination.webhook, "https://hooks.example.com/in", 202)
    assert "s3cret" not in repr(sender)


@pytest.mark.parametrize(("status", "error"), [(500, DeliveryError), (503, DeliveryError), (429, DeliveryError),
                                               (400, PermanentDeliveryError), (401, PermanentDeliveryError)])
def test_server_errors_are_retryable_and_refusals_are_not(status: int, error: type[Exception]) -> None:
    sender = WebhookSender("https://hooks.example.com/in", SECRET, transport=recording_transport(status, []))
    with pytest.raises(error, match=f"HTTP {status}: receiver says no") as raised:
        sender.send(b"{}", delivery_id="exp-1")
    assert (type(raised.value) is PermanentDeliveryError) == (error is PermanentDeliveryError)


def test_an_unreachable_receiver_is_a_retryable_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    sender = WebhookSender("https://hooks.example.com/in", SECRET, transport=httpx.MockTransport(refuse))
    with pytest.raises(DeliveryError, match="got no answer") as raised:
        sender.send(b"{}", delivery_id="exp-1")
    assert not isinstance(raised.value, PermanentDeliveryError)


@pytest.mark.parametrize(("url", "secret", "setting"), [(None, SECRET, "EVALFORGE_EXPORT_WEBHOOK_URL"),
                                                        ("https://x", None, "EVALFORGE_EXPORT_WEBHOOK_SECRET")])
def test_a_webhook_without_url_or_secret_fails_permanently_naming_the_setting(url, secret, setting) -> None:
    with pytest.raises(PermanentDeliveryError, match=setting):
        require_webhook(url, secret)


# ---- the file layout ------------------------------------------------------------------------------------------
@pytest.fixture
def generated():
    generator = DeterministicArtifactGenerator()
    captures = [make_capture(capture_id="cap-b", input_text="Where, exactly, is \"my\" order?\nNow."),
                make_capture(capture_id="cap-a")]
    signature = make_signature(signature_id="sig/../1")
    return ([generator.eval_case(c, signature) for c in captures], [generator.guardrail(signature, captures)],
            [generator.runbook(signature, captures)])


def test_eval_cases_go_to_one_jsonl_and_one_csv_sorted_by_case(generated) -> None:
    cases, _, _ = generated
    jsonl, table = eval_case_files("exp-1", cases)
    assert (jsonl.path, table.path) == ("exp-1/eval_cases.jsonl", "exp-1/eval_cases.csv")
    lines = [json.loads(line) for line in jsonl.content.decode().splitlines()]
    assert [line["metadata"]["capture_id"] for line in lines] == ["cap-a", "cap-b"]
    rows = list(csv.DictReader(io.StringIO(table.content.decode())))
    assert [row["capture_id"] for row in rows] == ["cap-a", "cap-b"]
    assert rows[1]["input"] == "user: Where, exactly, is \"my\" order?\nNow."
    assert jsonl.count == table.count == 2
    assert eval_case_files("exp-1", list(reversed(cases))) == [jsonl, table]  # same bytes whatever the order


def test_guardrails_and_runbooks_get_one_file_per_signature_with_safe_names(generated) -> None:
    _, rules, runbooks = generated
    as_json, as_yaml = guardrail_files("exp-1", rules)
    assert as_json.path == "exp-1/guardrails/sig_.._1.json" and as_yaml.path == "exp-1/guardrails/sig_.._1.yaml"
    assert json.loads(as_json.content) == yaml.safe_load(as_yaml.content) == rules[0].to_document()
    [markdown] = runbook_files("exp-1", runbooks)
    assert markdown.path == "exp-1/runbooks/sig_.._1.md"
    assert markdown.content.decode() == runbooks[0].to_markdown()


def test_the_package_document_carries_every_artifact_in_full(generated) -> None:
    cases, rules, runbooks = generated
    package = make_export(export_id="exp-1", destinations=["webhook"], capture_ids=["cap-a", "cap-b"])
    document = package_document(package, cases, rules, runbooks, [])
    assert document["export_id"] == "exp-1" and document["destinations"] == ["webhook"]
    assert [c["metadata"]["capture_id"] for c in document["eval_cases"]] == ["cap-a", "cap-b"]
    assert document["guardrails"][0]["rule_id"] == rules[0].rule_id
    assert document["runbooks"][0]["markdown"] == runbooks[0].to_markdown()
