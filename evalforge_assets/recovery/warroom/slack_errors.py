"""Every way a Slack call can fail, as one exception that says whether to retry and what a person must fix.

The war room must never block recovery, so callers catch exactly `SlackFailure`, record its sentence on the
incident and in /health, and retry when `retryable` is true. slack_sdk's own errors (SlackApiError, urllib's
connection errors) are translated here and nowhere else.
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

# Slack's `error` codes that mean the token itself is unusable; the fix is always a new SLACK_BOT_TOKEN.
AUTH_ERRORS = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive",
                         "not_allowed_token_type"})
# Codes that describe Slack's side being busy or broken: trying again later can succeed without anyone acting.
TRANSIENT_ERRORS = frozenset({"ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable",
                              "request_timeout", "connection_error"})


class SlackFailure(Exception):
    """A Slack call that did not do what was asked.

    `code` is Slack's `error` string (or `http_<status>` / `connection_error` when Slack gave none), `needed`
    the scope Slack asked for on `missing_scope`, `retry_after` the seconds from an HTTP 429 Retry-After header,
    and `str(failure)` a sentence for the person who has to fix it.
    """

    def __init__(self, code: str, sentence: str, *, method: str | None = None, needed: str | None = None,
                 retry_after: float | None = None, retryable: bool | None = None) -> None:
        super().__init__(sentence)
        self.code = code
        self.method = method
        self.needed = needed
        self.retry_after = retry_after
        self.retryable = code in TRANSIENT_ERRORS or code.startswith("http_5") if retryable is None else retryable

    @property
    def sentence(self) -> str:
        return str(self)


def failure_sentence(code: str, method: str, *, needed: str | None = None, channel: str | None = None,
                     retry_after: float | None = None) -> str:
    """What went wrong with `method` and what to do about it, in words a person can act on."""
    where = f" in channel {channel}" if channel else ""
    if code == "missing_scope":
        scope = needed or "required"
        return (f"Slack refused {method} because the Slack app lacks the {scope} scope: add the {scope} scope to "
                "the Slack app (OAuth & Permissions) and reinstall it to the workspace.")
    if code in AUTH_ERRORS:
        return (f"Slack refused {method} with {code}: SLACK_BOT_TOKEN is wrong or revoked. Set SLACK_BOT_TOKEN to "
                "the app's current Bot User OAuth Token (xoxb-...) from its OAuth & Permissions page.")
    if code in {"ratelimited", "rate_limited"}:
        wait = f" (Retry-After {retry_after:g} s)" if retry_after is not None else ""
        return (f"Slack rate-limited {method}{wait} and was still limiting it after the allowed retries; the call "
                "will be retried later. If this persists, fewer updates per incident are needed.")
    if code == "not_in_channel":
        return (f"The Slack app is not a member{where}, so {method} was refused: invite the app to the channel "
                "(/invite @app), or let Evalforge create the war-room channel itself.")
    if code == "channel_not_found":
        return (f"Slack cannot find the channel{where or ' given'} for {method}: it was deleted, or it is private "
                "and the app was never invited; invite the app or let Evalforge create a new channel.")
    if code in {"users_not_found", "user_not_found"}:
        return (f"Slack has no such user for {method}: fix that person's email or handle in the routing file "
                "(EVALFORGE_SLACK_ROUTING).")
    if code == "is_archived":
        return f"The channel{where} is archived, so {method} was refused: unarchive it or remove the channel."
    if code == "connection_error":
        return (f"Slack could not be reached for {method}: check SLACK_API_URL and the network; the call will be "
                "retried.")
    if code.startswith("http_5") or code in TRANSIENT_ERRORS:
        return f"Slack failed while answering {method} ({code}); Slack is having trouble and the call will be retried."
    return (f"Slack refused {method} with {code}: see https://api.slack.com/methods/{method}#errors for what "
            "it means, and fix the Slack app or the request accordingly.")


def retry_after_from(headers: dict[str, object] | None) -> float | None:
    """Seconds from a Retry-After header, if the answer had one."""
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            # urllib gives a header either as a string or as the list of its values.
            raw = value[0] if isinstance(value, list) and value else value
            try:
                return float(str(raw))
            except ValueError:
                return None
    return None


def from_api_error(method: str, error: SlackApiError, *, channel: str | None = None) -> SlackFailure:
    """The SlackFailure for a Slack answer that was not `ok` (an `error` code, HTTP 429 or a 5xx)."""
    response = error.response
    status = getattr(response, "status_code", 200)
    data = response.data if isinstance(getattr(response, "data", None), dict) else {}
    code = str(data.get("error") or "")
    retry_after = retry_after_from(getattr(response, "headers", None))
    if status == 429:
        code = "ratelimited"
    elif not code or " " in code:
        # slack_sdk reports a non-JSON body (an HTML 500 page) as an `error` made of that body: not a code.
        code = f"http_{status}" if status != 200 else "unexpected_response"
    needed = data.get("needed") if isinstance(data.get("needed"), str) else None
    return SlackFailure(code, failure_sentence(code, method, needed=needed, channel=channel,
                                               retry_after=retry_after),
                        method=method, needed=needed, retry_after=retry_after,
                        retryable=True if status == 429 or status >= 500 else None)


def from_connection_error(method: str, error: Exception) -> SlackFailure:
    """The SlackFailure for a call that never got an answer (refused connection, reset, timeout)."""
    return SlackFailure("connection_error", f"{failure_sentence('connection_error', method)} ({error})",
                        method=method, retryable=True)


def is_connection_error(error: Exception) -> bool:
    """True for errors raised when Slack could not be reached at all (as opposed to an answer saying no)."""
    # URLError, ConnectionError and TimeoutError are all OSErrors; urllib raises them unwrapped.
    return isinstance(error, OSError)
