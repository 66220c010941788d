"""The pipeline's figures at scrape time: what every process flushed into the store (`telemetry` documents),
plus incidents by state and their time to plan and to recover, computed from the stored incidents.

Scraping first flushes this API process's own pending figures (incidents opened here, copilot LLM calls), so
a scrape shows them at once. Every replica serves the same pipeline totals; sum only the HTTP families across
replicas (docs/operations.md, Metrics).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from evalforge_assets import telemetry
from evalforge_assets.models import IncidentRecord, parse_iso
from evalforge_assets.models.incidents import SystemState
from evalforge_assets.store import Store, StoreUnavailable
from evalforge_assets.telemetry.catalog import INCIDENT_BUCKETS, Family

# Incidents are a handful a day; reading them all per scrape stays cheap. Past this many, the newest count.
MAX_INCIDENTS = 5000
PAGE = 200

log = logging.getLogger("evalforge.telemetry")


def _cumulative(bounds: tuple[float, ...], per_bucket: list[float]) -> list[tuple[str, float]]:
    running, out = 0.0, []
    for bound, seen in zip([*bounds, float("inf")], per_bucket or [0.0] * (len(bounds) + 1), strict=False):
        running += seen
        out.append(("+Inf" if bound == float("inf") else repr(float(bound)), running))
    return out


def stored_family(spec: Family, stored: telemetry.TelemetryFamily | None) -> Metric:
    series = list(stored.series.values()) if stored else []
    names = list(spec.labels)
    if spec.kind == "counter":
        metric: Metric = CounterMetricFamily(spec.name, spec.help, labels=names)
        for s in series:
            metric.add_metric([s.labels[n] for n in names], s.value)
    elif spec.kind == "max_gauge":
        metric = GaugeMetricFamily(spec.name, spec.help, labels=names)
        for s in series:
            metric.add_metric([s.labels[n] for n in names], s.value)
    else:
        metric = HistogramMetricFamily(spec.name, spec.help, labels=names)
        for s in series:
            metric.add_metric([s.labels[n] for n in names], _cumulative(spec.buckets, s.buckets), s.sum)
    return metric


def _incidents(store: Store) -> Iterator[IncidentRecord]:
    cursor, seen = None, 0
    while seen < MAX_INCIDENTS:
        page = store.list_incidents(limit=PAGE, cursor=cursor)
        yield from page.items
        seen += len(page.items)
        cursor = page.next_cursor
        if not cursor:
            return


def _histogram(name: str, help_text: str, values: list[float]) -> HistogramMetricFamily:
    per_bucket = [0.0] * (len(INCIDENT_BUCKETS) + 1)
    for value in values:
        per_bucket[next((i for i, b in enumerate(INCIDENT_BUCKETS) if value <= b), len(INCIDENT_BUCKETS))] += 1
    metric = HistogramMetricFamily(name, help_text)
    metric.add_metric([], _cumulative(INCIDENT_BUCKETS, per_bucket), sum(values))
    return metric


def incident_families(store: Store) -> list[Metric]:
    by_state: Counter[str] = Counter()
    to_plan: list[float] = []
    to_recover: list[float] = []
    for incident in _incidents(store):
        by_state[incident.state.value] += 1
        detected = parse_iso(incident.card.detected_at)
        if incident.card.plan.items:
            to_plan.append(max(0.0, (parse_iso(incident.card.plan.generated_at) - detected).total_seconds()))
        recovered = next((entry.at for entry in incident.timeline
                          if entry.to_state == SystemState.RECOVERED.value), None)
        if recovered:
            to_recover.append(max(0.0, (parse_iso(recovered) - detected).total_seconds()))
    states = GaugeMetricFamily("evalforge_incidents", "Stored incidents by current state.", labels=["state"])
    for state in SystemState:
        states.add_metric([state.value], by_state.get(state.value, 0))
    return [
        states,
        _histogram("evalforge_incident_time_to_plan_seconds", "From detection to the validation plan.", to_plan),
        _histogram("evalforge_incident_time_to_recover_seconds", "From detection to RECOVERED.", to_recover),
    ]


class PipelineCollector(Collector):
    """A prometheus-client collector over the store the app uses (looked up at each scrape)."""

    def __init__(self, store: Callable[[], Store | None]) -> None:
        self._store = store

    def describe(self) -> list[Metric]:
        return []  # families depend on the store at scrape time; nothing to check at registration

    def collect(self) -> Iterator[Metric]:
        store = self._store()
        if store is None:
            return
        try:
            telemetry.flush(store)
            stored = telemetry.read_families(store)
            incidents = incident_families(store)
        except StoreUnavailable as exc:
            log.warning("pipeline metrics unavailable", extra={"error": str(exc)})
            return
        for spec in telemetry.FAMILIES.values():
            yield stored_family(spec, stored.get(spec.name))
        yield from incidents
