"""Per-incident assets: the context an incident was seen in, its recovery plan, and its validation runs."""

import threading

import dagster as dg

from evalforge_assets import telemetry
from evalforge_assets.defs.lineage import FROM_CURRENT_SIGNATURES
from evalforge_assets.defs.recovery.partitions import incident_partitions
from evalforge_assets.defs.recovery.resources import RecoveryResource
from evalforge_assets.defs.requests import closing_request
from evalforge_assets.defs.resources import StoreResource
from evalforge_assets.models import Link, TestResult, TestRunStatus, now_iso
from evalforge_assets.recovery.related import rising_signatures


@dg.asset(partitions_def=incident_partitions, group_name="recovery", kinds={"python"},
          deps=[FROM_CURRENT_SIGNATURES])
def incident_context(context: dg.AssetExecutionContext, store: StoreResource,
                     recovery: RecoveryResource) -> dg.MaterializeResult:
    """The incident's signal, top error, evidence links and the failure signatures that rose with it."""
    with telemetry.pipeline_step("incident_context", store.get(), partition=context.partition_key), \
            closing_request(context, store.get(), last_step=False):
        return _incident_context(context, store, recovery)


def _incident_context(context: dg.AssetExecutionContext, store: StoreResource,
                      recovery: RecoveryResource) -> dg.MaterializeResult:
    db = store.get()
    service = recovery.incident_service(db)
    incident = service.store.get_incident(context.partition_key)
    if incident is None:
        raise dg.Failure(f"Incident {context.partition_key} is not in the store {db.url}; it may have been "
                         "created against another store. Check EVALFORGE_STORE for the API and Dagster.")
    gathered = recovery.context_source().gather(incident)
    related = rising_signatures(db.iter_signatures(), incident.card.detected_at)
    links = [*incident.card.datadog_summary.evidence_links, *gathered.evidence_links,
             Link(label="Dagster run", url=f"{recovery.dagster_url.rstrip('/')}/runs/{context.run.run_id}"),
             *(Link(label=f"Signature: {r.title}", url=f"/v1/signatures/{r.signature_id}") for r in related[:5])]
    unique_links = list({link.url: link for link in links}.values())
    summary = incident.card.datadog_summary.model_copy(update={
        "signal": gathered.signal if gathered.signal.error_rate_5m else incident.card.datadog_summary.signal,
        "evidence_links": unique_links,
    })
    service.set_datadog_summary(incident.incident_id, summary)
    return dg.MaterializeResult(metadata={
        "source": gathered.source,
        "notes": dg.MetadataValue.json(gathered.notes),
        "error_rate_5m": gathered.signal.error_rate_5m,
        "p95_latency_ms_5m": gathered.signal.p95_latency_ms_5m,
        "top_error": gathered.signal.top_error or "",
        "evidence_links": len(unique_links),
        "rising_signatures": dg.MetadataValue.json([r.model_dump() for r in related]),
    })


@dg.asset(partitions_def=incident_partitions, deps=[incident_context], group_name="recovery", kinds={"python"})
def recovery_plan(context: dg.AssetExecutionContext, store: StoreResource,
                  recovery: RecoveryResource) -> dg.MaterializeResult:
    """A five-check recovery validation plan, from the planner agent or, without a model, the deterministic one."""
    with telemetry.pipeline_step("recovery_plan", store.get(), partition=context.partition_key), \
            closing_request(context, store.get(), last_step=False):
        return _recovery_plan(context, store, recovery)


def _recovery_plan(context: dg.AssetExecutionContext, store: StoreResource,
                   recovery: RecoveryResource) -> dg.MaterializeResult:
    from evalforge_assets.recovery.planner import PlanningContext, generate_plan

    db = store.get()
    service = recovery.incident_service(db)
    incident = db.get_incident(context.partition_key)
    if incident is None:
        raise dg.Failure(f"Incident {context.partition_key} disappeared from the store before planning.")
    summary = incident.card.datadog_summary
    planning = PlanningContext(
        incident_id=incident.incident_id, base_url=recovery.service_url, service=incident.service,
        signal=summary.signal, top_error=summary.signal.top_error, evidence_links=summary.evidence_links,
        openapi=recovery.service_openapi(),
        related_signatures=[{"title": link.label, "url": link.url} for link in summary.evidence_links
                            if link.url.startswith("/v1/signatures/")],
    )
    outcome = generate_plan(planning, model=recovery.llm_model())
    service.attach_plan(incident.incident_id, outcome.plan)
    # The first validation runs in this same Dagster run (see validation_runs), so it is not enqueued.
    service.request_test_run(incident.incident_id, actor="recovery_plan", enqueue=False)
    return dg.MaterializeResult(metadata={
        "plan_id": outcome.plan.plan_id,
        "source": outcome.source,
        "attempts": outcome.attempts,
        "fallback_reason": outcome.fallback_reason or "",
        "checks": dg.MetadataValue.json([f"P{i.priority} {i.target.method.value} {i.target.url}: {i.name}"
                                         for i in outcome.plan.items]),
    })


class ValidationConfig(dg.Config):
    run_id: str | None = None  # the TestRun to execute; default: the incident's latest


@dg.asset(partitions_def=incident_partitions, deps=[recovery_plan], group_name="recovery", kinds={"python"})
def validation_runs(context: dg.AssetExecutionContext, config: ValidationConfig, store: StoreResource,
                    recovery: RecoveryResource) -> dg.MaterializeResult:
    """One validation run of the incident's plan: each check's status written as it changes, then the
    recovery rule applied (every check passes and the error signal is back under its threshold). The last step
    of both incident_job and validation_job, so it closes the request the run serves."""
    with telemetry.pipeline_step("validation_runs", store.get(), partition=context.partition_key), \
            closing_request(context, store.get(), last_step=True):
        return _validation_run(context, config, store, recovery)


def _validation_run(context: dg.AssetExecutionContext, config: ValidationConfig, store: StoreResource,
                    recovery: RecoveryResource) -> dg.MaterializeResult:
    db = store.get()
    service = recovery.incident_service(db)
    incident = db.get_incident(context.partition_key)
    run_id = config.run_id or (incident.latest_run_id if incident else None)
    run = db.get_test_run(run_id) if run_id else None
    if incident is None or run is None:
        raise dg.Failure(f"No validation run {run_id!r} for incident {context.partition_key}; "
                         "request one with POST /api/tests/run.")
    actor = f"dagster:{context.run.run_id}"
    run = service.start_validation(run, actor)
    lock = threading.Lock()
    results = {t.test_id: t for t in run.tests}

    def on_update(result: TestResult) -> None:
        nonlocal run
        with lock:  # the runner reports from worker threads
            results[result.test_id] = result
            run = run.model_copy(update={"tests": [results[t.test_id] for t in run.tests]})
            service.update_test_run(run)

    try:
        recovery.test_runner().run(incident.card.plan, on_update)
        final_status = TestRunStatus.COMPLETED
    except Exception as exc:  # noqa: BLE001 - the run must end FAILED, not RUNNING forever, whatever broke
        context.log.error(f"Validation run {run.run_id} could not finish: {exc}")
        final_status = TestRunStatus.FAILED
    run = run.model_copy(update={"status": final_status})
    incident = service.finish_validation(run, recovery.read_signal(), actor)
    passed = sum(t.status.value == "PASS" for t in run.tests)
    return dg.MaterializeResult(metadata={
        "run_id": run.run_id,
        "status": run.status.value,
        "passed": passed,
        "failed": len(run.tests) - passed,
        "incident_state": incident.state.value,
        "finished_at": now_iso(),
        "results": dg.MetadataValue.json({t.test_id: [t.status.value, t.details] for t in run.tests}),
    })
