"""The war-room thread: one reply per change of the incident, each under a key that names the change.

The keys are what the ledger records, so a reply is posted once whoever syncs and however often:
`plan:<plan_id>` for the plan with its checks, `run:<run_id>` for each finished validation run with the failing
checks' details, `timeline:<n>` for the n-th timeline entry after the opening one (a state change, a recurrence,
RECOVERED with its durations, a monitor's note), and `summary:<n>` for the closing summary after the RECOVERED
move at entry n. All of them are pure functions of the incident record and its runs.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from evalforge_assets.models import IncidentRecord, Plan, TestRun, TestRunStatus, TestStatus, TimelineEntry
from evalforge_assets.recovery.warroom.cards import clip, escape
from evalforge_assets.recovery.warroom.report import durations, durations_line, summary_text

# chat.postMessage accepts up to 40,000 characters of text; staying well under keeps replies readable.
REPLY_LIMIT = 3900
FINISHED_RUNS = (TestRunStatus.COMPLETED, TestRunStatus.FAILED)
RESULT_MARK = {TestStatus.PASS: ":white_check_mark:", TestStatus.FAIL: ":x:", TestStatus.PENDING: ":hourglass:",
               TestStatus.RUNNING: ":hourglass_flowing_sand:"}


class ThreadPost(BaseModel):
    """One reply the thread should hold, under the ledger key that makes it happen once."""

    key: str
    text: str
    at: str  # when the change happened: replies are posted in this order


def plan_reply(plan: Plan) -> str:
    lines = [f"*Recovery plan* `{plan.plan_id}`: {len(plan.items)} checks"]
    for item in sorted(plan.items, key=lambda i: i.priority):
        lines.append(f"{item.priority}. *{escape(item.name)}* `{item.target.method.value} "
                     f"{escape(item.target.url)}`: {escape(item.what_it_checks)} (passes when "
                     f"{escape(item.pass_criteria)})")
    return clip("\n".join(lines), REPLY_LIMIT)


def run_reply(run: TestRun) -> str:
    passed = sum(t.status is TestStatus.PASS for t in run.tests)
    failing = [t for t in run.tests if t.status is TestStatus.FAIL]
    head = (f"*Validation run* `{run.run_id}` {run.status.value}: {passed} of {len(run.tests)} checks passed"
            + (f", {len(failing)} failed" if failing else ""))
    lines = [head]
    for test in run.tests:
        detail = f": {escape(test.details)}" if test.status is TestStatus.FAIL and test.details else ""
        lines.append(f"{RESULT_MARK[test.status]} {escape(test.name)}{detail}")
    return clip("\n".join(lines), REPLY_LIMIT)


def _reasons(entry: TimelineEntry) -> str:
    reasons = entry.evidence.get("reasons") or ([entry.evidence["reason"]] if entry.evidence.get("reason") else [])
    return " ".join(escape(str(reason)) for reason in reasons)


def timeline_reply(incident: IncidentRecord, index: int) -> str:
    """The reply for the timeline entry at `index` (never 0: the card announces the opening)."""
    entry = incident.timeline[index]
    why = _reasons(entry)
    suffix = f" {why}" if why else ""
    if entry.from_state == entry.to_state:
        event = entry.evidence.get("event") or "note"
        return clip(f":memo: {escape(str(event)).capitalize()} ({escape(entry.actor)}).{suffix}", REPLY_LIMIT)
    if entry.to_state == "RECOVERED":
        upto = incident.model_copy(update={"timeline": incident.timeline[: index + 1]})
        return clip(f":large_green_circle: *RECOVERED* ({escape(entry.actor)}): {durations_line(durations(upto))}."
                    f"{suffix}", REPLY_LIMIT)
    if entry.to_state == "INCIDENT_ACTIVE" and entry.from_state in ("RECOVERED", "HEALTHY"):
        return clip(f":repeat: *Recurrence*: the incident is active again ({escape(entry.actor)}).{suffix}",
                    REPLY_LIMIT)
    if entry.to_state == "INCIDENT_ACTIVE":
        return clip(f":red_circle: *Back to INCIDENT_ACTIVE* ({escape(entry.actor)}).{suffix}", REPLY_LIMIT)
    if entry.to_state == "VALIDATING" and entry.evidence.get("run_id"):
        return clip(f":large_yellow_circle: *VALIDATING*: running the plan's checks (run "
                    f"`{escape(str(entry.evidence['run_id']))}`).", REPLY_LIMIT)
    if entry.to_state == "VALIDATING":
        return clip(f":large_yellow_circle: *VALIDATING* ({escape(entry.actor)}).{suffix}", REPLY_LIMIT)
    return clip(f":white_check_mark: *Closed* ({entry.to_state}, {escape(entry.actor)}).{suffix}", REPLY_LIMIT)


def due_posts(incident: IncidentRecord, runs: Sequence[TestRun]) -> list[ThreadPost]:
    """Every reply the thread should hold for the incident as it is now, oldest change first.

    Runs come in the order they ran; a run counts once it finished. The closing summary follows each move to
    RECOVERED (a recurrence and a second recovery get a second summary).
    """
    posts: list[ThreadPost] = []
    plan = incident.card.plan
    if plan.items:
        posts.append(ThreadPost(key=f"plan:{plan.plan_id}", text=plan_reply(plan), at=plan.generated_at))
    finished = [run for run in runs if run.status in FINISHED_RUNS]
    posts += [ThreadPost(key=f"run:{run.run_id}", text=run_reply(run), at=_finished_at(run)) for run in finished]
    for index in range(1, len(incident.timeline)):
        entry = incident.timeline[index]
        posts.append(ThreadPost(key=f"timeline:{index}", text=timeline_reply(incident, index), at=entry.at))
        if entry.to_state == "RECOVERED" and entry.from_state != "RECOVERED":
            upto = incident.model_copy(update={"timeline": incident.timeline[: index + 1]})
            posts.append(ThreadPost(key=f"summary:{index}", text=clip(summary_text(upto, finished), REPLY_LIMIT),
                                    at=entry.at))
    # Stored times sort as text (models.iso); the sort is stable, so a summary stays right after its RECOVERED.
    return sorted(posts, key=lambda post: post.at)


def _finished_at(run: TestRun) -> str:
    return max([run.started_at, *(test.last_update_at for test in run.tests)])
