"""Delivering export artifacts: bounded retries with backoff, file storage (local or GCS), signed webhooks.

Every destination is delivered by one callable wrapped in `deliver_with_retries`, so a failing destination
is retried on its own and then reported as failed with its error, while the others carry on. Writers are
idempotent: files have deterministic names and are overwritten, so a retry or a re-run never duplicates
anything.

Webhook bodies are signed like this (the receiver recomputes and compares in constant time):

    X-Evalforge-Timestamp: <unix seconds>
    X-Evalforge-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + raw body)>
    X-Evalforge-Delivery:  <export id>   (the same on every retry and re-run, for de-duplication)

Signing the timestamp with the body lets a receiver refuse replays older than its tolerance.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx

from evalforge_assets.models import Artifact, DeliveryStatus, Destination

log = logging.getLogger("evalforge.exports.delivery")

SIGNATURE_HEADER = "X-Evalforge-Signature"
TIMESTAMP_HEADER = "X-Evalforge-Timestamp"
DELIVERY_HEADER = "X-Evalforge-Delivery"
SIGNATURE_PREFIX = "sha256="
DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300
_RETRYABLE_HTTP = frozenset({408, 425, 429})
_ERROR_EXCERPT_CHARS = 300


class DeliveryError(RuntimeError):
    """A delivery attempt failed in a way that may pass on a later attempt (timeouts, 5xx, 429)."""


class PermanentDeliveryError(DeliveryError):
    """A delivery that cannot succeed by trying again (missing configuration, a 4xx refusal): not retried."""


# ---- retries -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RetryPolicy:
    """`max_attempts` tries in all; waits base, base*multiplier, ... (capped) between them."""

    max_attempts: int = 3
    base_delay_seconds: float = 2.0
    multiplier: float = 2.0
    max_delay_seconds: float = 60.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("RetryPolicy.max_attempts must be at least 1 (1 means no retries).")
        if self.base_delay_seconds < 0 or self.max_delay_seconds < 0 or self.multiplier < 1:
            raise ValueError("RetryPolicy delays must be >= 0 and its multiplier >= 1.")

    def delay_after(self, failed_attempt: int) -> float:
        """Seconds to wait after attempt number `failed_attempt` (1-based) failed."""
        return min(self.max_delay_seconds, self.base_delay_seconds * self.multiplier ** (failed_attempt - 1))


@dataclass
class DeliveryOutcome:
    destination: Destination
    status: DeliveryStatus
    artifacts: list[Artifact] = field(default_factory=list)
    attempts: int = 0
    error: str | None = None
    attempt_errors: list[str] = field(default_factory=list)

    @property
    def delivered(self) -> bool:
        return self.status is DeliveryStatus.delivered


def deliver_with_retries(destination: Destination, deliver: Callable[[], list[Artifact]], policy: RetryPolicy,
                         sleep: Callable[[float], None] = time.sleep) -> DeliveryOutcome:
    """Run `deliver` until it returns, at most `policy.max_attempts` times; never raises for its failures.

    `PermanentDeliveryError` stops at once. Any other exception is retried after the policy's delay: a
    destination's writer may raise whatever its client raises, and trying again is safe because every
    writer overwrites or de-duplicates.
    """
    outcome = DeliveryOutcome(destination, DeliveryStatus.failed)
    for attempt in range(1, policy.max_attempts + 1):
        outcome.attempts = attempt
        try:
            outcome.artifacts = deliver()
        except PermanentDeliveryError as error:
            outcome.attempt_errors.append(str(error))
            outcome.error = str(error)
            log.warning("export delivery refused", extra={"destination": destination.value, "attempt": attempt,
                                                          "error": str(error)})
            return outcome
        except Exception as error:  # noqa: BLE001 - any writer failure is retried, then reported, never lost
            message = f"{type(error).__name__}: {error}" if not isinstance(error, DeliveryError) else str(error)
            outcome.attempt_errors.append(message)
            log.warning("export delivery attempt failed", extra={"destination": destination.value,
                                                                 "attempt": attempt, "error": message})
            if attempt < policy.max_attempts:
                sleep(policy.delay_after(attempt))
            continue
        outcome.status = DeliveryStatus.delivered
        outcome.error = None
        return outcome
    outcome.error = (f"{destination.value} failed after {policy.max_attempts} attempt"
                     f"{'s' if policy.max_attempts != 1 else ''}; last error: {outcome.attempt_errors[-1]}")
    return outcome


# ---- files -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArtifactFile:
    """One generated file, addressed by a path relative to the exports root (`<export_id>/...`)."""

    destination: Destination
    kind: str
    path: str
    content: bytes
    content_type: str
    count: int = 1

    @property
    def checksum(self) -> str:
        return "sha256:" + hashlib.sha256(self.content).hexdigest()

    def artifact(self, location: str) -> Artifact:
        return Artifact(destination=self.destination, kind=self.kind, location=location, count=self.count,
                        checksum=self.checksum)


class ArtifactStorage(Protocol):
    """Where artifact files go. `write` overwrites and returns the file's location (a path or gs:// URL)."""

    def write(self, file: ArtifactFile) -> str: ...

    def describe(self) -> str: ...


class LocalArtifactStorage:
    """Files under a local folder (EVALFORGE_HOME/exports by default), each replaced atomically."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    def describe(self) -> str:
        return str(self.root)

    def write(self, file: ArtifactFile) -> str:
        target = (self.root / file.path).resolve()
        if not target.is_relative_to(self.root):
            raise PermanentDeliveryError(f"Refusing to write {file.path!r}: it points outside {self.root}.")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # A reader never sees half a file: write beside it, then rename over it.
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(file.content)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except PermissionError as error:
            raise PermanentDeliveryError(f"Cannot write {target}: {error}. Make {self.root} writable or point "
                                         "EVALFORGE_HOME elsewhere.") from error
        return str(target)


class GcsBlob(Protocol):
    def upload_from_string(self, data: bytes, content_type: str) -> None: ...


class GcsBucket(Protocol):
    def blob(self, name: str) -> GcsBlob: ...


class GcsClient(Protocol):
    def bucket(self, name: str) -> GcsBucket: ...


class GcsArtifactStorage:
    """Files in a GCS bucket under `prefix/`, through a `google.cloud.storage.Client` (dagster-gcp's
    `GCSResource.get_client()` in the pipeline). Uploading the same name again replaces the object."""

    def __init__(self, client: GcsClient, bucket: str, prefix: str = "exports") -> None:
        if not bucket.strip():
            raise ValueError("EVALFORGE_EXPORT_GCS_BUCKET is empty; set a bucket name or unset it.")
        self.client = client
        self.bucket = bucket.strip()
        self.prefix = prefix.strip("/")

    def describe(self) -> str:
        return f"gs://{self.bucket}/{self.prefix}"

    def write(self, file: ArtifactFile) -> str:
        name = f"{self.prefix}/{file.path}" if self.prefix else file.path
        self.client.bucket(self.bucket).blob(name).upload_from_string(file.content, content_type=file.content_type)
        return f"gs://{self.bucket}/{name}"


# ---- webhooks --------------------------------------------------------------------------------------------------
def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<body>`: the value of the X-Evalforge-Signature header."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


class WebhookSignatureError(ValueError):
    """A webhook whose signature does not verify; the message says which check failed."""


def verify_webhook_signature(secret: str, body: bytes, headers: Mapping[str, str], *, now: float | None = None,
                             tolerance_seconds: float = DEFAULT_SIGNATURE_TOLERANCE_SECONDS) -> None:
    """Raise `WebhookSignatureError` unless `headers` carry a valid, fresh signature of `body`.

    For receivers (and tests): header names are matched case-insensitively, the comparison is constant-time,
    and a timestamp further than `tolerance_seconds` from `now` is refused as a possible replay.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    timestamp = lowered.get(TIMESTAMP_HEADER.lower())
    signature = lowered.get(SIGNATURE_HEADER.lower())
    if not timestamp or not signature:
        raise WebhookSignatureError(f"The request lacks {TIMESTAMP_HEADER} or {SIGNATURE_HEADER}.")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise WebhookSignatureError(f"{TIMESTAMP_HEADER} is not a whole number of seconds: {timestamp!r}.") from None
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance_seconds:
        raise WebhookSignatureError(f"{TIMESTAMP_HEADER} is {abs(current - sent_at):.0f} s away from now, beyond "
                                    f"the {tolerance_seconds:.0f} s tolerance: refusing a possible replay.")
    if not hmac.compare_digest(webhook_signature(secret, timestamp, body), signature):
        raise WebhookSignatureError(f"{SIGNATURE_HEADER} does not match the body: wrong secret or altered body.")


class WebhookSender:
    """POSTs a JSON document to one URL, signed with the shared secret."""

    def __init__(self, url: str, secret: str, *, timeout_seconds: float = 10.0,
                 transport: httpx.BaseTransport | None = None, clock: Callable[[], float] = time.time) -> None:
        self.url = url
        self._secret = secret
        self.timeout_seconds = timeout_seconds
        self._transport = transport
        self._clock = clock

    def __repr__(self) -> str:
        return f"WebhookSender(url={self.url!r}, secret='**********')"

    def send(self, body: bytes, delivery_id: str) -> Artifact:
        """Deliver `body` (JSON bytes). 2xx is success; 408/425/429/5xx and network errors are retryable;
        any other answer is a refusal that retrying cannot fix."""
        timestamp = str(int(self._clock()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "evalforge-export/1",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: webhook_signature(self._secret, timestamp, body),
            DELIVERY_HEADER: delivery_id,
        }
        try:
            with httpx.Client(timeout=self.timeout_seconds, transport=self._transport) as client:
                response = client.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as error:
            raise DeliveryError(f"POST {self.url} got no answer: {type(error).__name__}: {error}") from error
        if response.is_success:
            return Artifact(destination=Destination.webhook, kind="webhook", location=self.url,
                            checksum="sha256:" + hashlib.sha256(body).hexdigest(),
                            http_status=response.status_code)
        excerpt = response.text[:_ERROR_EXCERPT_CHARS]
        described = f"POST {self.url} answered HTTP {response.status_code}" + (f": {excerpt}" if excerpt else "")
        if response.status_code >= 500 or response.status_code in _RETRYABLE_HTTP:
            raise DeliveryError(described)
        raise PermanentDeliveryError(described + ". The receiver refused the package; check its URL and that it "
                                                 "verifies the signature with the same secret.")


def require_webhook(url: str | None, secret: str | None) -> tuple[str, str]:
    """The webhook URL and secret, or a permanent error naming the setting that is missing."""
    if not url:
        raise PermanentDeliveryError("The webhook destination needs EVALFORGE_EXPORT_WEBHOOK_URL: set it to the "
                                     "receiver's URL, or request the export without the webhook destination.")
    if not secret:
        raise PermanentDeliveryError("EVALFORGE_EXPORT_WEBHOOK_SECRET is not set: Evalforge never sends an "
                                     "unsigned package. Set the secret the receiver verifies with.")
    return url, secret


def json_bytes(document: Any) -> bytes:
    """Canonical JSON: sorted keys and no extra spaces, so the same package always signs the same."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
