"""Failure fingerprints: the normalized parts that decide which captures are the same failure.

A fingerprint names the site of a failure (ml_app, agent, step, kind) and, for errors, the error type and the
message's template (`review/templates.py`: variable parts masked by token class, embedded payloads reduced to
their keys). Only the parts in KEY_PARTS are hashed into the signature id; the rest (`rule`, example `stack`
frames) explain the grouping without splitting it, so a stack trace present on some spans and absent on others
never separates a failure that type and message agree on. The parts are stored on the signature so anyone can
see why captures grouped.

Evidence is optional in real exports: some spans carry an error object, some only `metadata["error.message"]`,
some only an `error_type:` tag. A fingerprint's `rule` says which evidence it was built from; a fingerprint
missing its message or its type is *partial*, and grouping (`review/placement.py`) places such a capture in
the dominant complete signature that agrees with every part it has (`joins`); a capture whose message tells a
shorter signature's with more detail is placed in that one (`extends`).

Changing any rule here changes ids: bump FINGERPRINT_VERSION. Stored captures of an older version are
fingerprinted again when their hour is regrouped (a backfill of `failure_signatures`; see
docs/failure_queue.md).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Any

import orjson

from evalforge_assets.models import FailureCapture, FailureKind
from evalforge_assets.review.templates import (
    MAX_TEMPLATE,
    forget_templates,
    message_template,
    verdict_template,
)

FINGERPRINT_VERSION = 5
KEY_PARTS = ("version", "ml_app", "agent", "step", "failure_kind", "error_type", "message", "evaluations")

# Which evidence a fingerprint was built from.
RULE_TYPE_AND_MESSAGE = "type_and_message"
RULE_MESSAGE_ONLY = "message_without_type"
RULE_TYPE_ONLY = "type_without_message"
RULE_NO_DETAIL = "no_type_no_message"
RULE_EVALUATIONS = "evaluations"
PARTIAL_RULES = frozenset({RULE_MESSAGE_ONLY, RULE_TYPE_ONLY})
# How a capture came to be counted under a signature other than its own (see review/placement.py).
PLACED_EXTENDED = "message_extended"
_SITE = ("version", "ml_app", "agent", "step", "failure_kind")

_PY_FRAME = re.compile(r'File "(?P<file>[^"]+)", line \d+, in (?P<func>[\w<>.]+)')
_JS_FRAME = re.compile(r"at (?P<func>[\w$.<>]+) \((?P<file>[^():]+)(?::\d+){1,2}\)")
_SITE_PACKAGES = re.compile(r".*/(?:site-packages|dist-packages|node_modules)/")
MAX_FRAMES = 5
# "KeyError: 'price'" as a message: the type written in front of the message is the error type. Ruby and C++
# write namespaces with `::` (`Faraday::TimeoutError`).
_TYPE_PREFIX = re.compile(
    r"^(?P<type>[A-Za-z_][\w.]*(?:::[A-Za-z_][\w.]*)*(?:Error|Exception|Timeout|Exit|Interrupt|Warning|Fault)):\s+")
# Frameworks write the exception they wrap in front of its message (`ToolException: 422 Client Error ...`), on some
# spans and not others: a prefix of another type is dropped too, when what follows says enough on its own.
_MAX_PREFIXES = 3
_ENOUGH_AFTER_PREFIX = 20
_NAMESPACE = re.compile(r"\.|::")  # what a type's last name follows: a module's dot, a Ruby or C++ namespace's `::`
# An evaluation's error type (`EvalThresholdError`, `ragas.EvaluationFailed`; not `Evaluator`, not `MedievalError`).
_EVAL_TYPE = re.compile(r"(?:^|[._:])Eval(?:uation)?(?:[A-Z_]|$)")


def parameterize(message: str) -> str:
    """The template of a message: its variable parts replaced by typed placeholders (see review/templates.py)."""
    return message_template(message)


def forget_fingerprint_memos() -> None:
    """Empty the memos of message templates and stack frames, as a new process starts (benchmarks use it so
    that no run profits from an earlier run's memo of the same messages)."""
    forget_templates()
    _normalized_frames.cache_clear()


@lru_cache(maxsize=4096)
def _normalized_frames(stack: str) -> tuple[str, ...]:
    frames = []
    for match in list(_PY_FRAME.finditer(stack)) + list(_JS_FRAME.finditer(stack)):
        path = match.group("file")
        if _SITE_PACKAGES.match(path):
            continue  # library frames differ between installs; in-app frames identify the bug
        parts = path.replace("\\", "/").rsplit("/", 2)
        frames.append(f"{'/'.join(parts[-2:])}:{match.group('func')}")
    return tuple(frames[-MAX_FRAMES:])


def normalize_stack(stack: str | None) -> list[str]:
    """In-app frames as `module/file:function`, innermost last, without line numbers or install paths.

    Cached: the same failure repeats the same stack, and frame extraction is the costliest part of a fingerprint.
    """
    return list(_normalized_frames(stack)) if stack else []


def failing_evaluations(capture: FailureCapture) -> list[str]:
    return sorted({r.evaluation for r in capture.reasons if r.evaluation and r.kind is capture.failure_kind})


# Context a caller writes in front of a message and ends with `: ` or `] ` (`load_attachment failed: `, `[search_agent] `,
# `Unhandled exception in responder.draft_reply: `): dropped when it names the failure's own agent or step, which the
# site already holds. Short, one clause: a longer head is the message itself.
_LEADING_CONTEXT = re.compile(r"\[?(?P<context>[^:\[\]\n]{1,80}?)(?:\]\s*:?\s*|:\s+)(?=\S)")
_MAX_CONTEXTS = 3


def _without_site_context(message: str, site_names: tuple[str, ...]) -> str:
    """`message` without the leading contexts that name one of `site_names` (the agent and the step)."""
    names = [name for name in site_names if name and len(name) >= 3]
    for _ in range(_MAX_CONTEXTS if names else 0):
        context = _LEADING_CONTEXT.match(message)
        if context is None or not any(_names_site(context.group("context"), name) for name in names):
            break
        message = message[context.end():]
    return message


@lru_cache(maxsize=1024)
def _site_name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])")


def _names_site(context: str, name: str) -> bool:
    return name in context and _site_name_pattern(name).search(context) is not None


def error_parts(error_type: str | None, message: str | None, verdict: bool = False,
                site_names: tuple[str, ...] = ()) -> tuple[str | None, str | None]:
    """(type, message template) from whatever evidence a span had.

    The type is its last dotted name (`openai.RateLimitError` and `RateLimitError` are one type, as are
    `ActiveRecord::RecordNotFound` and `RecordNotFound`). A message that starts with a type (`KeyError: 'price'`)
    gives the type when none was reported and loses the prefix, as it loses a wrapper's type written in front
    (`ToolException: HTTPError: 422 ...`). A message that holds its own type further on (`Task embed failed:
    RuntimeError: mat1 and mat2 ...` reported as a RuntimeError) starts after it: what comes before is the
    context a caller wrapped it in, present on some spans and not on others. An evaluation's failure (`verdict`)
    is templated by its verdict alone (`templates.verdict_template`).
    """
    if message and site_names:
        message = _without_site_context(message, site_names)
    if message and error_type:
        message = _after_own_type(error_type, message)
    for _ in range(_MAX_PREFIXES if message else 0):
        prefixed = _TYPE_PREFIX.match(message)
        if prefixed is None:
            break
        same = not error_type or _short_type(prefixed.group("type")) == _short_type(error_type)
        if not same and len(message) - prefixed.end() < _ENOUGH_AFTER_PREFIX:
            break  # `ValueError: 'price'` and `KeyError: 'price'` wrapped alike are told apart by the prefix alone
        error_type = error_type or prefixed.group("type")
        message = message[prefixed.end():]
    if not message or not message.strip():
        template = None
    else:
        template = verdict_template(message) if verdict else message_template(message)
    return (_short_type(error_type) if error_type else None), (template or None)


def _after_own_type(error_type: str, message: str) -> str:
    """The message from after its own type written inside it (the first time). Only the reported type: a type
    named inside a message without one may be the cause of a wrapper's failure (`payout-service returned 503:
    java.lang.NullPointerException: ...`), which the message as a whole joins (see review/placement.py)."""
    inner = _inner_type_pattern(_short_type(error_type)).search(message)
    if inner is None or inner.start() == 0 or not message[inner.end():].strip():
        return message  # at the start, the prefix rules decide; with nothing after, the message is kept
    return message[inner.end():]


@lru_cache(maxsize=1024)
def _inner_type_pattern(short_type: str) -> re.Pattern[str]:
    """`<short_type>: ` written inside a message, with or without its module (`openai.RateLimitError: `)."""
    return re.compile(r"(?<![^\s:(])(?:[A-Za-z_][\w]*(?:\.|::))*" + re.escape(short_type) + r":\s+")


def _is_verdict(capture: FailureCapture) -> bool:
    """Whether an error reports an evaluation's verdict: raised by an evaluation span, or of an evaluation's type
    (`EvalThresholdError`, `EvaluationFailed`)."""
    return capture.source.span_kind == "evaluation" or bool(capture.error_type and _EVAL_TYPE.search(capture.error_type))


def _short_type(error_type: str) -> str:
    return _NAMESPACE.split(error_type.strip())[-1]


def fingerprint_of(capture: FailureCapture) -> dict[str, Any]:
    """The normalized parts. Two captures share a signature id exactly when their KEY_PARTS are equal."""
    is_error = capture.failure_kind is FailureKind.error
    agent = capture.agent or capture.source.span_name
    error_type, message = error_parts(capture.error_type, capture.error_message, _is_verdict(capture),
                                      (agent, capture.source.span_name)) if is_error else (None, None)
    if not is_error:
        rule = RULE_EVALUATIONS
    elif error_type and message:
        rule = RULE_TYPE_AND_MESSAGE
    elif message:
        rule = RULE_MESSAGE_ONLY
    elif error_type:
        rule = RULE_TYPE_ONLY
    else:
        rule = RULE_NO_DETAIL
    return {
        "version": FINGERPRINT_VERSION,
        "ml_app": capture.ml_app,
        "agent": agent,
        "step": capture.source.span_name,
        "failure_kind": capture.failure_kind.value,
        "error_type": error_type,
        "message": message,
        "evaluations": failing_evaluations(capture),
        "rule": rule,
        "stack": normalize_stack(capture.error_stack),  # shown, never hashed: a stack may be missing
    }


def signature_id_of(fingerprint: dict[str, Any]) -> str:
    key = {part: fingerprint.get(part) for part in KEY_PARTS}
    digest = hashlib.sha256(orjson.dumps(key, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return f"sig_v{fingerprint['version']}_{digest[:20]}"


def is_partial(fingerprint: dict[str, Any]) -> bool:
    """Whether the fingerprint lacks a message or a type that other captures of its failure may carry."""
    return fingerprint.get("rule") in PARTIAL_RULES


def joins(partial: dict[str, Any], complete: dict[str, Any]) -> bool:
    """Whether a partial fingerprint may be placed in a complete one's signature: same version and site, and
    equal on the part (type or message) the partial one has, or, for a message without a type, telling the
    complete one's message with more detail (`goes_on`)."""
    if complete.get("rule") != RULE_TYPE_AND_MESSAGE or not is_partial(partial):
        return False
    if site_of(partial) != site_of(complete):
        return False
    if partial["rule"] == RULE_MESSAGE_ONLY:
        return partial.get("message") == complete.get("message") or goes_on(partial.get("message") or "",
                                                                            complete.get("message") or "")
    return partial.get("error_type") == complete.get("error_type")


def site_of(fingerprint: dict[str, Any]) -> tuple[Any, ...]:
    """Where a failure happened: version, ml_app, agent, step and kind."""
    return tuple(fingerprint.get(part) for part in _SITE)


# Where a longer message may go on from a shorter one of the same failure: a new sentence, an aside in brackets, a
# clause after a dash (`Agent stopped due to max iterations.` + ` Last observation: []`). Not after `:` or `,`:
# `Failed to fetch job <id>: 403 Forbidden` and `...: 404 Not Found` are two failures.
# A trailing `key=<placeholder>` (`req=<id>`, `session=<id>`) is detail too: its value was masked as varying.
_GOES_ON = re.compile(r"(?:[.;!?。]|\s*[(\[]|\s+[-–—]\s|\s+[\w.-]+=<[a-z_]+>)")
_SENTENCE_END = (".", "!", "?", "。")
_CLOSERS = ("}", ")", "]")
# Where the context a caller wraps a message in ends (`Error invoking tool search: `, `Policy lookup failed - `).
_WRAPPED = (": ", " - ")
_WRAPPER_END = re.compile(r"(?<=: )|(?<= - )")
_CUT = re.compile(r"[.;!?。(\[\s]")  # where a shorter form can end: the first character of what goes on
# A message this short is a wrapper (`Request failed`), not a failure that more detail only illustrates.
MIN_EXTENDED_WORDS = 4
MIN_TRUNCATED_FORM = 100  # characters of a cut template behind a wrapper: the wrapper may be up to 200


def extends(longer: dict[str, Any], shorter: dict[str, Any]) -> bool:
    """Whether `longer`'s captures are `shorter`'s failure told with more detail: both complete, of one site and
    error type, and `longer`'s message is `shorter`'s (of four words or more) going on at a sentence or an aside,
    or `shorter`'s behind the context a caller wrapped it in (`Task embed failed: <shorter>`)."""
    if longer.get("rule") != RULE_TYPE_AND_MESSAGE or shorter.get("rule") != RULE_TYPE_AND_MESSAGE:
        return False
    if site_and_type(longer) != site_and_type(shorter):
        return False
    return goes_on(longer.get("message") or "", shorter.get("message") or "")


def goes_on(long_message: str, short_message: str) -> bool:
    """Whether `long_message` is `short_message` (of four words or more) going on at a sentence, an aside or a
    trailing `key=<placeholder>`, or behind the context a caller wrapped it in (`Task embed failed: <short>`)."""
    if len(short_message.split()) < MIN_EXTENDED_WORDS:
        return False
    if len(long_message) > len(short_message):
        if long_message.startswith(short_message):
            rest = long_message[len(short_message):]
            return _GOES_ON.match(rest) is not None or _new_sentence(short_message, rest)
        if long_message.endswith(short_message) and long_message[:-len(short_message)].endswith(_WRAPPED):
            return True
    return short_message.startswith(truncated_forms(long_message))


def _new_sentence(before: str, rest: str) -> bool:
    """Whether `rest` starts a new sentence after `before`: after a sentence's end, or a payload or aside closed and
    a capital (`... {status, error_text} Giving up after <id> retries.`)."""
    if not rest[:1].isspace():
        return False
    return before.endswith(_SENTENCE_END) or (before.endswith(_CLOSERS) and rest.lstrip()[:1].isupper())


def truncated_forms(message: str) -> tuple[str, ...]:
    """What follows each wrapper's `: ` or ` - ` in a template cut at MAX_TEMPLATE characters, when long enough to
    name a failure: there the wrapped message is cut too, so it is the beginning of the shorter one's template, not
    all of it (`commit hold <id>: ERROR: restart transaction: ...` cut 30 characters before its end)."""
    if len(message) < MAX_TEMPLATE:
        return ()
    return tuple(rest for wrapped in _WRAPPER_END.finditer(message)
                 if len(rest := message[wrapped.end():]) >= MIN_TRUNCATED_FORM)


def site_and_type(fingerprint: dict[str, Any]) -> tuple[Any, ...]:
    """What two fingerprints must share for one to extend the other: version, site and error type."""
    return tuple(fingerprint.get(part) for part in (*_SITE, "error_type"))


def shorter_forms(message: str) -> set[str]:
    """Every message `extends` could find `message` going on from: its prefixes cut where a sentence, an aside or a
    dash begins, and what follows each wrapper's `: ` or ` - `. Looking these up is linear in the message, where
    trying `extends` against every signature of a site is quadratic in the signatures."""
    forms = {message[:cut.start()] for cut in _CUT.finditer(message, 1)
             if _GOES_ON.match(message, cut.start()) or _new_sentence(message[:cut.start()], message[cut.start():])}
    forms.update(message[wrapped.end():] for wrapped in _WRAPPER_END.finditer(message))
    forms.discard("")
    return forms


class ShorterMessages:
    """Complete fingerprints indexed so that those a message may extend are found by lookup (`shorter_forms`, and
    for a cut template `truncated_forms` through their first MIN_TRUNCATED_FORM characters), not by trying `extends`
    against every one. Keys are the caller's (a signature id, a fingerprint); the first key added for a message is
    the one found. What `candidates` returns is still to be checked with `extends`."""

    def __init__(self) -> None:
        self._by_message: dict[tuple[tuple[Any, ...], str], Any] = {}
        self._by_head: dict[tuple[tuple[Any, ...], str], list[Any]] = {}

    def add(self, key: Any, fingerprint: dict[str, Any]) -> None:
        message = fingerprint.get("message")
        if not message or fingerprint.get("rule") != RULE_TYPE_AND_MESSAGE:
            return
        site = site_and_type(fingerprint)
        self._by_message.setdefault((site, message), key)
        if len(message) >= MIN_TRUNCATED_FORM:
            self._by_head.setdefault((site, message[:MIN_TRUNCATED_FORM]), []).append(key)

    def candidates(self, fingerprint: dict[str, Any]) -> list[Any]:
        """Keys of the indexed fingerprints whose message `fingerprint`'s may go on from."""
        message, site = fingerprint.get("message") or "", site_and_type(fingerprint)
        found = [self._by_message[(site, form)] for form in shorter_forms(message) if (site, form) in self._by_message]
        found += [key for form in truncated_forms(message)
                  for key in self._by_head.get((site, form[:MIN_TRUNCATED_FORM]), ())]
        return found


def title_of(fingerprint: dict[str, Any]) -> str:
    agent, step = fingerprint["agent"], fingerprint.get("step")
    where = f"{fingerprint['ml_app']}/{agent}" + (f"/{step}" if step and step != agent else "")
    if fingerprint["failure_kind"] == FailureKind.error.value:
        head = fingerprint["error_type"] or "Error"
        return f"{head}: {fingerprint['message']} ({where})" if fingerprint["message"] else f"{head} in {where}"
    labels = ", ".join(fingerprint["evaluations"]) or fingerprint["failure_kind"]
    readable = {"eval_fail": "failing evaluation", "low_quality": "low score", "user_feedback": "negative feedback"}
    return f"{readable.get(fingerprint['failure_kind'], fingerprint['failure_kind'])}: {labels} ({where})"
