"""The closing summary of an incident (posted to the war-room thread) and its Markdown post-incident report
(written next to the other artifacts). Pure functions of the incident record and its validation runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from evalforge_assets.models import IncidentRecord, TestRun, TestStatus, TimelineEntry, parse_iso
from evalforge_assets.private_files import ensure_private_dir, write_private_bytes
from evalforge_assets.recovery.records import time_to_detect
from evalforge_assets.recovery.warroom.cards import escape


class Durations(BaseModel):
    """Seconds from the problem's start to detection, and from detection to the plan and to RECOVERED."""

    detect: float | None
    plan: float | None
    recover: float | None


def _seconds(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    return max(0.0, (parse_iso(end) - parse_iso(start)).total_seconds())


def last_recovery(incident: IncidentRecord) -> TimelineEntry | None:
    return next((e for e in reversed(incident.timeline) if e.to_state == "RECOVERED" and e.from_state
                 != "RECOVERED"), None)


def durations(incident: IncidentRecord) -> Durations:
    """Time to detect runs from the monitor's alert (`alerted_at`); without one it is not known, and the summary
    says so instead of printing 0 s. The other two run from the incident's opening here."""
    detected = incident.card.detected_at
    plan = incident.card.plan
    recovered = last_recovery(incident)
    return Durations(detect=time_to_detect(incident),
                     plan=_seconds(detected, plan.generated_at) if plan.items else None,
                     recover=_seconds(detected, recovered.at) if recovered else None)


def spoken(seconds: float | None) -> str:
    """`1m 05s` style, or `not known` when there is no figure."""
    if seconds is None:
        return "not known"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {rest:02d}s" if hours else f"{minutes}m {rest:02d}s"


def durations_line(figures: Durations) -> str:
    return (f"time to detect {spoken(figures.detect)} · to plan {spoken(figures.plan)} · "
            f"to recover {spoken(figures.recover)}")


def _failures(runs: Sequence[TestRun]) -> list[str]:
    """Each check that failed, once, with the details of its first failure."""
    seen: dict[str, str] = {}
    for run in runs:
        for test in run.tests:
            if test.status is TestStatus.FAIL and test.test_id not in seen:
                seen[test.test_id] = f"{test.name}: {test.details or 'no details'} (run {run.run_id})"
    return list(seen.values())


def what_fixed_it(incident: IncidentRecord) -> list[str]:
    """The recovery rule's reasons at the last RECOVERED move, and any monitor recovery noted before it."""
    recovered = last_recovery(incident)
    if recovered is None:
        return ["The incident has not recovered."]
    notes = [f"{e.actor}: {e.evidence.get('event')}" for e in incident.timeline
             if e.from_state == e.to_state and e.evidence.get("event") and e.at <= recovered.at]
    reasons = [str(reason) for reason in recovered.evidence.get("reasons", [])]
    return [*notes, *reasons] or [f"Moved to RECOVERED by {recovered.actor}."]


def timeline_lines(incident: IncidentRecord) -> list[str]:
    lines = []
    for entry in incident.timeline:
        move = entry.to_state if entry.from_state in (None, entry.to_state) else f"{entry.from_state} → " \
                                                                                   f"{entry.to_state}"
        note = entry.evidence.get("reason") or entry.evidence.get("event") or ""
        lines.append(f"{entry.at} {move} ({entry.actor}){f': {note}' if note else ''}")
    return lines


def summary_text(incident: IncidentRecord, runs: Sequence[TestRun]) -> str:
    """The closing summary for the thread (Slack mrkdwn, user text escaped)."""
    figures = durations(incident)
    failed = _failures(runs) or ["No check failed."]
    top_error = incident.card.datadog_summary.signal.top_error
    parts = [f"*Closing summary: {escape(incident.card.title)}*", durations_line(figures),
             "*Timeline*", *(f"• {escape(line)}" for line in timeline_lines(incident)),
             "*What failed*", *(f"• {escape(line)}" for line in failed)]
    if top_error:
        parts.append(f"• top error: {escape(top_error)}")
    parts += ["*What fixed it*", *(f"• {escape(line)}" for line in what_fixed_it(incident))]
    return "\n".join(parts)


def markdown_report(incident: IncidentRecord, runs: Sequence[TestRun], channel: str | None = None) -> str:
    """The post-incident report as Markdown."""
    figures = durations(incident)
    summary = incident.card.datadog_summary
    lines = [f"# Post-incident report: {incident.card.title}", "",
             f"- Incident: `{incident.incident_id}`", f"- Service: {incident.service}",
             f"- Detected: {incident.card.detected_at}", f"- State: {incident.state.value}",
             f"- Monitor: {summary.monitor_id or 'none'}"]
    if channel:
        lines.append(f"- War room: #{channel}")
    lines += ["", "## Durations", "", f"- Time to detect: {spoken(figures.detect)}",
              f"- Time to plan: {spoken(figures.plan)}", f"- Time to recover: {spoken(figures.recover)}",
              "", "## Signal", "", f"- Error rate (5m): {summary.signal.error_rate_5m:.1%}",
              f"- p95 latency (5m): {summary.signal.p95_latency_ms_5m:.0f} ms",
              f"- Top error: {summary.signal.top_error or 'not known'}",
              "", "## Timeline", "", *(f"- {line}" for line in timeline_lines(incident)),
              "", "## What failed", "", *(f"- {line}" for line in _failures(runs) or ["No check failed."]),
              "", "## What fixed it", "", *(f"- {line}" for line in what_fixed_it(incident)),
              "", "## Validation runs", ""]
    for run in runs:
        passed = sum(t.status is TestStatus.PASS for t in run.tests)
        lines.append(f"- `{run.run_id}` {run.status.value}: {passed} of {len(run.tests)} checks passed")
    lines += ["", "## Evidence", "", *(f"- [{link.label}]({link.url})" for link in summary.evidence_links)]
    return "\n".join(lines) + "\n"


def write_report(directory: Path, incident: IncidentRecord, runs: Sequence[TestRun],
                 channel: str | None = None) -> Path:
    """Write `<directory>/<incident_id>.md` (replaced whole, so a re-run leaves the same file)."""
    ensure_private_dir(directory)
    path = directory / f"{incident.incident_id}.md"
    write_private_bytes(path, markdown_report(incident, runs, channel).encode())
    return path
