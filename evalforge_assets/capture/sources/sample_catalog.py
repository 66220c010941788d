"""The sample span source's catalog: what the simulated applications look like.

The catalog itself is data, in `sample_catalog.json` beside this module (shipped in the wheel with the
package): apps with their agents, steps and dialogues, evaluation metrics, and failure templates. This module
holds the records it is read into and reads it once, at import, checking its shape as it goes.

Every failure comes from a `FailureTemplate`; one template at one site (ml_app, agent, step, error type) is one
true failure group.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any, TypeVar

CATALOG_FILE = "sample_catalog.json"
_T = TypeVar("_T")

FailureKind = str  # "error" | "eval_fail" | "low_quality" | "user_feedback"


@dataclass(frozen=True)
class Step:
    """One child span an agent produces in a trace; `input`/`output` are templates filled per conversation."""

    name: str
    kind: str
    input: str = "{user}"
    output: str = "{answer}"
    model: tuple[str, str] | None = None  # (model_name, model_provider)
    system: str | None = None  # system prompt of llm steps
    calls_tool: str | None = None  # llm steps that answer with a tool call to this step
    runs: float = 1.0  # chance the step happens in a trace
    parent: str | None = None  # another step's name; None means the root span


@dataclass(frozen=True)
class Agent:
    name: str
    root_kind: str  # "agent" or "workflow"
    steps: tuple[Step, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class FeedbackStyle:
    """How an app records user feedback: as a tag (`key:value`) or as an evaluation labelled `key`."""

    channel: str  # "tag" or "evaluation"
    key: str
    negative: str
    positive: str


@dataclass(frozen=True)
class App:
    ml_app: str
    service: str
    versions: tuple[str, ...]
    agents: tuple[Agent, ...]
    dialogues: tuple[tuple[str, str], ...]  # (user message, final answer) templates
    feedback: FeedbackStyle
    weight: float
    ms_start_rate: float = 0.0  # share of traces whose exporter wrote start_ns in milliseconds


@dataclass(frozen=True)
class Site:
    """Where a failure template fires: `step` is a step name, or the agent name for the root span."""

    ml_app: str
    agent: str
    step: str
    error_type: str | None = None
    versions: tuple[str, ...] | None = None  # only in traces of these app versions
    fixed: Mapping[str, str] = field(default_factory=dict)  # message fields that are constant at this site


@dataclass(frozen=True)
class FailureTemplate:
    """One way things go wrong. Errors carry a `str.format` message; evaluations name the failing evaluation."""

    template_id: str
    failure_kind: FailureKind
    sites: tuple[Site, ...]
    message: str | None = None
    evaluation: str | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class EvaluationSpec:
    """An evaluation metric: graded ones carry pass/fail; ungraded scores are judged by the quality threshold."""

    metric_type: str  # score | categorical | boolean
    graded: bool
    passing: Callable[[random.Random], Any]
    failing: Callable[[random.Random], Any]
    pass_reasons: tuple[str, ...]
    fail_reasons: tuple[str, ...]


def _value_maker(spec: Mapping[str, Any]) -> Callable[[random.Random], Any]:
    """An evaluation value: `{"uniform": [low, high]}` draws a score rounded to 2 places, `{"constant": v}` is v."""
    if "uniform" in spec:
        low, high = spec["uniform"]
        return lambda rng: round(low + (high - low) * rng.random(), 2)
    constant = spec["constant"]
    return lambda rng: constant


def _step(raw: Mapping[str, Any]) -> Step:
    model = raw.get("model")
    return Step(**{**raw, "model": tuple(model) if model is not None else None})


def _app(raw: Mapping[str, Any]) -> App:
    agents = tuple(
        Agent(agent["name"], agent["root_kind"], tuple(_step(step) for step in agent["steps"]),
              agent.get("weight", 1.0))
        for agent in raw["agents"]
    )
    return App(
        ml_app=raw["ml_app"], service=raw["service"], versions=tuple(raw["versions"]), agents=agents,
        dialogues=tuple((question, answer) for question, answer in raw["dialogues"]),
        feedback=FeedbackStyle(**raw["feedback"]), weight=raw["weight"],
        ms_start_rate=raw.get("ms_start_rate", 0.0),
    )


def _evaluation(raw: Mapping[str, Any]) -> EvaluationSpec:
    return EvaluationSpec(
        raw["metric_type"], raw["graded"], _value_maker(raw["passing"]), _value_maker(raw["failing"]),
        tuple(raw["pass_reasons"]), tuple(raw["fail_reasons"]),
    )


def _site(raw: Mapping[str, Any]) -> Site:
    versions = raw.get("versions")
    return Site(raw["ml_app"], raw["agent"], raw["step"], raw.get("error_type"),
                tuple(versions) if versions is not None else None, dict(raw.get("fixed", {})))


def _template(raw: Mapping[str, Any]) -> FailureTemplate:
    return FailureTemplate(raw["template_id"], raw["failure_kind"], tuple(_site(site) for site in raw["sites"]),
                           raw.get("message"), raw.get("evaluation"), raw.get("weight", 1.0))


@dataclass(frozen=True)
class Catalog:
    apps: tuple[App, ...]
    evaluations: dict[str, EvaluationSpec]
    failure_templates: dict[str, FailureTemplate]  # in file order, which decides how failures are drawn


def _entry(section: str, index: int, raw: Any, build: Callable[[Any], _T]) -> _T:
    try:
        return build(raw)
    except (KeyError, TypeError, ValueError) as exc:
        name = raw.get("template_id") or raw.get("ml_app") if isinstance(raw, dict) else None
        where = f"{section}[{index}]" + (f" ({name})" if name else "")
        problem = f"lacks the field {exc}" if isinstance(exc, KeyError) else f"is invalid: {exc}"
        raise ValueError(f"The sample catalog ({CATALOG_FILE}): {where} {problem}. Compare it with the other "
                         f"entries of {section} in the file.") from exc


def load_catalog(text: str | None = None) -> Catalog:
    """The catalog from `text` (JSON), or from the packaged `sample_catalog.json`.

    Raises ValueError naming the section and entry when the file does not have the expected shape.
    """
    if text is None:
        text = files(__package__).joinpath(CATALOG_FILE).read_text(encoding="utf-8")
    raw = json.loads(text)
    missing = [key for key in ("apps", "evaluations", "failure_templates") if key not in raw]
    if missing:
        raise ValueError(f"The sample catalog ({CATALOG_FILE}) lacks the sections {missing}; it needs apps, "
                         "evaluations and failure_templates.")
    apps = tuple(_entry("apps", i, app, _app) for i, app in enumerate(raw["apps"]))
    evaluations = {name: _entry("evaluations", i, spec, _evaluation)
                   for i, (name, spec) in enumerate(raw["evaluations"].items())}
    templates = [_entry("failure_templates", i, t, _template) for i, t in enumerate(raw["failure_templates"])]
    by_id = {template.template_id: template for template in templates}
    if len(by_id) != len(templates):
        raise ValueError(f"The sample catalog ({CATALOG_FILE}) repeats a failure template id; each must be unique.")
    return Catalog(apps, evaluations, by_id)


CATALOG = load_catalog()
