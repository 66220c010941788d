"""The Slack war room in Dagster: the `war_room` asset opens it in each incident's partition, and
`war_room_sensor` keeps every active war room's card and thread in step with its incident.

Why a sensor of its own for the thread: every change of an incident (plan, validation results, state moves)
is written by whichever process made it (API, runs, the health sensor), and all of them land in the event log.
A sensor that syncs the active war rooms each tick sees them all without any of those writers calling Slack,
so no detection, planning or validation ever waits for Slack; and its own tick keeps a slow Slack from
delaying service_health_sensor's detections and launches. A tick is cheap when nothing changed: per active war
room, one read of its record and one of the event log's end.
"""

import time
from typing import Self

import dagster as dg

from evalforge_assets import parts
from evalforge_assets.defs.recovery.assets import incident_context
from evalforge_assets.defs.recovery.partitions import incident_partitions
from evalforge_assets.defs.resources import SettingsResource, StoreResource
from evalforge_assets.recovery.warroom.naming import DEFAULT_CHANNEL_PATTERN, ChannelPatternError
from evalforge_assets.recovery.warroom.routing import RoutingFileError
from evalforge_assets.recovery.warroom.service import SyncResult, WarRoom, WarRoomService
from evalforge_assets.settings import Settings
from evalforge_assets.store import Store

NOT_CONFIGURED = ("Slack is not configured, so there is no war room: set SLACK_BOT_TOKEN (a channel per incident) "
                  "or SLACK_WEBHOOK_URL (posts only).")
# Slack calls retry Retry-After themselves a few times; these retries cover a Slack that is down for a while.
WAR_ROOM_RETRY = dg.RetryPolicy(max_retries=3, delay=5, backoff=dg.Backoff.EXPONENTIAL)
# How long one evaluation of war_room_sensor watches the event log, and how often it looks. Well under the
# daemon's 5 s loop: an evaluation still running when the loop comes round is skipped for a whole loop, and
# evaluating (gRPC, resources) takes up to a second on a loaded machine; with 4 s, summaries measured 4-5 s
# late in 3 of 6 rounds (benchmarks/war_room.py), with 3 s the gap between evaluations stays about 2 s.
WATCH_SECONDS = 3.0
WATCH_POLL_SECONDS = 0.25


class WarRoomResource(SettingsResource):
    """Slack credentials (as environment references), the routing file and the channel-name pattern."""

    slack_bot_token: str | None = None
    slack_webhook_url: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_routing_file: str | None = None
    slack_channel_pattern: str = DEFAULT_CHANNEL_PATTERN
    slack_fuzzy_threshold: float = 90.0
    public_url: str = "http://127.0.0.1:8000"
    evalforge_home: str = ".evalforge"

    @classmethod
    def for_settings(cls, settings: Settings) -> Self:
        routing = settings.slack_routing_file
        return cls.from_settings(settings, slack_routing_file=str(routing) if routing else None,
                                 evalforge_home=str(settings.evalforge_home))

    def service(self, store: Store) -> WarRoomService | None:
        """The war-room service, None without Slack; a bad routing file or pattern fails with what to fix."""
        try:
            return parts.war_room_service(self.settings(), store)
        except (RoutingFileError, ChannelPatternError) as error:
            raise dg.Failure(description=str(error), allow_retries=False) from error


@dg.asset(partitions_def=incident_partitions, deps=[incident_context], group_name="recovery", kinds={"slack"},
          retry_policy=WAR_ROOM_RETRY)
def war_room(context: dg.AssetExecutionContext, store: StoreResource, slack: WarRoomResource) -> dg.MaterializeResult:
    """The incident's Slack war room: channel, topic, purpose, bookmarks, invited responders and the card."""
    service = slack.service(store.get())
    if service is None:
        return dg.MaterializeResult(metadata={"slack": NOT_CONFIGURED})
    room = service.open(context.partition_key)
    metadata = {"mode": room.mode, "channel_id": room.channel_id or "", "channel_name": room.channel_name or "",
                "invited": dg.MetadataValue.json(room.invited), "unresolved": dg.MetadataValue.json(room.unresolved),
                "card_ts": room.card_ts or ""}
    if room.error:
        # Not upstream of the plan: failing here retries the war room and holds up no recovery step.
        raise dg.Failure(description=room.error, metadata=metadata, allow_retries=room.retryable)
    return dg.MaterializeResult(metadata=metadata)


def war_room_sensor(settings: Settings, watch_seconds: float = WATCH_SECONDS) -> dg.SensorDefinition:
    """Opens and syncs the war rooms, watching the event log for `watch_seconds` per evaluation.

    Dagster's sensor daemon evaluates a sensor at most every 5 s whatever its minimum interval, so a sensor that
    synced once per evaluation would leave a war room up to 5 s behind its incident (measured by
    benchmarks/war_room.py: ready 5.2 s after detection, summary 5.8 s after RECOVERED). Each evaluation
    therefore keeps watching the event log's end for most of that loop (sensors run in their own threads, so
    no other sensor waits) and opens or syncs as soon as an event lands."""

    @dg.sensor(name="war_room_sensor", minimum_interval_seconds=settings.poll_interval_seconds,
               default_status=dg.DefaultSensorStatus.RUNNING)
    def sensor(context: dg.SensorEvaluationContext, store: StoreResource, slack: WarRoomResource) -> dg.SkipReason:
        """Open the war room of each new incident, post the thread replies each active war room's incident
        calls for and update its card, as the incidents' events arrive."""
        db = store.get()
        service = slack.service(db)
        if service is None:
            return dg.SkipReason(NOT_CONFIGURED)
        until = time.monotonic() + watch_seconds
        seen: int | None = None
        opened: list[WarRoom] = []
        results: dict[str, SyncResult] = {}
        while True:
            seq = db.last_event_seq()
            if seq != seen:  # an incident was opened or changed (every change appends an event)
                seen = seq
                # Open first: an incident of a service without incident_job (any but the watched one) gets its
                # war room only here, and the watched one's is ready without waiting for its run to start.
                opened += service.open_missing()
                for result in service.sync_active():
                    kept = results.get(result.incident_id)
                    if kept is not None:  # one line per war room: what all of this evaluation's syncs did
                        result = result.model_copy(update={"posted": [*kept.posted, *result.posted],
                                                           "card_updated": kept.card_updated or result.card_updated})
                    results[result.incident_id] = result
            if time.monotonic() + WATCH_POLL_SECONDS > until:
                break
            time.sleep(WATCH_POLL_SECONDS)
        for room in opened:
            if room.error:
                context.log.warning(f"War room of {room.incident_id}: {room.error}")
        failing = [r for r in results.values() if r.error]
        for result in failing:
            context.log.warning(f"War room of {result.incident_id}: {result.error}")
        posted = sum(len(r.posted) for r in results.values())
        updated = sum(r.card_updated for r in results.values())
        return dg.SkipReason(f"{len(results)} active war room(s): {posted} repl(ies) posted, {updated} card "
                             f"update(s), {len(failing)} failing; {len(opened)} opened.")

    return sensor
