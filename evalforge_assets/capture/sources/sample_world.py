"""The sample span source's compiled world: the catalog turned, once per process, into per (app, agent,
version) plans with their failure candidates and pools of conversations, plus the ground-truth group labels.

`sample.py` generates traces from this world; nothing here draws from a per-hour random stream.
"""

from __future__ import annotations

import random
import string
import zlib
from bisect import bisect
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from evalforge_assets.capture.sources.sample_catalog import (
    CATALOG,
    Agent,
    App,
    FailureTemplate,
    Site,
    Step,
)
from evalforge_assets.capture.sources.sample_values import GENERATORS, TemplateValues

_APPS = CATALOG.apps
_EVALUATIONS = CATALOG.evaluations
# Public: tests and benchmarks name templates through it (see `label_template_id`).
FAILURE_TEMPLATES: dict[str, FailureTemplate] = CATALOG.failure_templates
# Chance that a span with two or more ways to fail does fail; a span with a single failure template fails half
# as often and one with none never does, so about 20% of all spans fail.
FAILURE_RATE = 0.24
LABEL_SEPARATOR = "|"


@dataclass(frozen=True)
class Candidate:
    template: FailureTemplate
    site: Site
    label: str
    stack_head: str


@dataclass
class SpanPlan:
    name: str
    kind: str
    parent: int  # index into the trace's span plans; -1 for the root
    runs: float
    model: tuple[str, str] | None
    system: str | None
    calls_tool: str | None
    candidates: tuple[Candidate, ...]
    cumulative_weights: tuple[float, ...]
    failure_chance: float
    evaluations: tuple[str, ...]


@dataclass(frozen=True)
class Conversation:
    user: str
    answer: str
    step_io: dict[str, tuple[str, str]]
    metadata: dict[str, str]
    tags: tuple[str, ...]


@dataclass
class AgentPlan:
    app: App
    agent: Agent
    version: str
    spans: list[SpanPlan]  # root first, every parent before its children
    conversations: list[Conversation]


@dataclass
class World:
    plans: list[AgentPlan]
    cumulative_weights: list[float]
    mean_trace_size: float

    def pick(self, rng: random.Random) -> AgentPlan:
        return self.plans[bisect(self.cumulative_weights, rng.random() * self.cumulative_weights[-1])]


def group_label(template: FailureTemplate, site: Site, span_kind: str) -> str:
    """The ground-truth group of a failure: template, kind, app, agent, span and error type."""
    return LABEL_SEPARATOR.join((template.template_id, template.failure_kind, site.ml_app, site.agent,
                                 f"{span_kind}:{site.step}", site.error_type or "-"))


def label_template_id(label: str) -> str:
    return label.split(LABEL_SEPARATOR, 1)[0]


def _stack_head(site: Site) -> str:
    # Line numbers come from a CRC of the names so the stack is stable across processes (hash() is salted).
    package = site.ml_app.replace("-", "_")
    outer = 40 + zlib.crc32(site.agent.encode()) % 300
    inner = 20 + zlib.crc32(site.step.encode()) % 400
    return (f"Traceback (most recent call last):\n  File \"/app/{package}/agents/{site.agent}.py\", line {outer}, "
            f"in run\n    result = await self.call_step({site.step!r}, state)\n  File \"/app/{package}/steps/"
            f"{site.step}.py\", line {inner}, in {site.step}\n    return await client.invoke(payload)\n")


def _conversation(app: App, agent: Agent, rng: random.Random) -> Conversation:
    values = TemplateValues(rng)
    question, answer = rng.choice(app.dialogues)
    values["user"] = question.format_map(values)
    values["answer"] = answer.format_map(values)
    step_io = {step.name: (step.input.format_map(values), step.output.format_map(values)) for step in agent.steps}
    metadata: dict[str, str] = {}
    tags: list[str] = []
    # Personal data also leaks through metadata and tags in real apps; keep it rare, as it is there.
    roll = rng.random()
    if roll < 0.2:
        metadata["client_ip"] = values["ip"]
    elif roll < 0.3:
        metadata["customer_email"] = values["email"]
    elif roll < 0.33:
        metadata["db_dsn"] = f"{values['url_credentials']}:5432/{app.ml_app.replace('-', '_')}"
    elif roll < 0.35:
        metadata["debug"] = f"auth retry with user={values['service_user']} password={values['password']}"
    if rng.random() < 0.04:
        tags.append(f"user_email:{values['email']}")
    if rng.random() < 0.05:
        tags.append(f"client_ip:{values['ip']}")
    return Conversation(values["user"], values["answer"], step_io, metadata, tuple(tags))


def _check_catalog() -> None:
    """Fail loudly on a catalog typo rather than silently producing a site that never fires."""
    apps = {app.ml_app: app for app in _APPS}
    for template in FAILURE_TEMPLATES.values():
        for site in template.sites:
            app = apps.get(site.ml_app)
            agent = next((a for a in app.agents if a.name == site.agent), None) if app else None
            if agent is None or (site.step != agent.name and site.step not in {s.name for s in agent.steps}):
                raise ValueError(f"template {template.template_id} names an unknown site {site}")
            if (template.failure_kind == "error") != (site.error_type is not None):
                raise ValueError(f"template {template.template_id}: only error sites carry an error type")
            if template.evaluation and template.evaluation not in _EVALUATIONS:
                raise ValueError(f"template {template.template_id}: unknown evaluation {template.evaluation}")
            known = set(GENERATORS) | set(site.fixed) | {"tool", "model"}
            fields = {name for _, name, _, _ in string.Formatter().parse(template.message or "") if name}
            if fields - known:
                raise ValueError(f"template {template.template_id} uses fields without values: {fields - known}")


def _span_plan(app: App, agent: Agent, version: str, name: str, kind: str, parent: int, step: Step | None,
               ) -> SpanPlan:
    candidates: list[Candidate] = []
    weights: list[float] = []
    evaluations: list[str] = []
    for template in FAILURE_TEMPLATES.values():
        for site in template.sites:
            if (site.ml_app, site.agent, site.step) != (app.ml_app, agent.name, name):
                continue
            if template.evaluation and template.evaluation not in evaluations:
                evaluations.append(template.evaluation)
            if site.versions is not None and version not in site.versions:
                continue
            candidates.append(Candidate(template, site, group_label(template, site, kind), _stack_head(site)))
            weights.append(template.weight)
    return SpanPlan(
        name=name, kind=kind, parent=parent, runs=step.runs if step else 1.0,
        model=step.model if step else None, system=step.system if step else None,
        calls_tool=step.calls_tool if step else None, candidates=tuple(candidates),
        cumulative_weights=tuple(accumulate(weights)), failure_chance=FAILURE_RATE * min(1.0, sum(weights) / 2),
        evaluations=tuple(evaluations))


@lru_cache(maxsize=1)
def world() -> World:
    """Compile the catalog once per process; the conversation pools use a fixed seed so they never vary."""
    _check_catalog()
    pool_rng = random.Random("evalforge-sample-pools-v1")
    plans: list[AgentPlan] = []
    weights: list[float] = []
    total_size = 0.0
    for app in _APPS:
        agent_weight_sum = sum(agent.weight for agent in app.agents)
        for agent in app.agents:
            conversations = [_conversation(app, agent, pool_rng) for _ in range(256)]
            runs = {step.name: step.runs for step in agent.steps}
            expected_size = 1.0 + sum(step.runs * runs.get(step.parent, 1.0) for step in agent.steps)
            for version in app.versions:
                spans = [_span_plan(app, agent, version, agent.name, agent.root_kind, -1, None)]
                index_of = {agent.name: 0}
                for step in agent.steps:
                    index_of[step.name] = len(spans)
                    spans.append(_span_plan(app, agent, version, step.name, step.kind,
                                            index_of[step.parent or agent.name], step))
                plans.append(AgentPlan(app, agent, version, spans, conversations))
                weight = app.weight * agent.weight / agent_weight_sum / len(app.versions)
                weights.append(weight)
                total_size += weight * expected_size
    cumulative = list(accumulate(weights))
    return World(plans, cumulative, total_size / cumulative[-1])
