"""`evalforge datadog setup`: create or update the Datadog monitors and webhook that detection needs."""

from __future__ import annotations

import click

from evalforge_assets.cli import cli_settings, main, store_option
from evalforge_assets.recovery.datadog_apply import apply_plan
from evalforge_assets.recovery.datadog_setup import (
    DEFAULT_WEBHOOK_NAME,
    DatadogSetupError,
    build_plan,
    connection_for_setup,
)


@main.group()
def datadog() -> None:
    """Set up Datadog for Evalforge."""


@datadog.command("setup")
@store_option
@click.option("--api-url", required=True, metavar="URL",
              help="Public base URL at which Datadog reaches Evalforge's API; the webhook posts to "
                   "URL/internal/datadog/webhook.")
@click.option("--ml-app", "ml_apps", multiple=True, metavar="NAME",
              help="An LLM application to watch for span errors (repeatable; default: DD_ML_APP, "
                   "comma-separated).")
@click.option("--webhook-name", default=DEFAULT_WEBHOOK_NAME, show_default=True,
              help="Name of the webhook integration; monitors notify @webhook-<name>.")
@click.option("--dry-run", is_flag=True, help="Print what would be created or updated and change nothing.")
def setup(api_url: str, ml_apps: tuple[str, ...], webhook_name: str, dry_run: bool) -> None:
    """Create or update, idempotently, the monitors (error rate and p95 latency of DD_SERVICE in DD_ENV, LLM
    span error rate per ml_app) and the webhook integration that sends their alerts to Evalforge."""
    settings = cli_settings()
    try:
        plan = build_plan(settings, api_url=api_url, webhook_name=webhook_name, ml_apps=ml_apps or None)
        report = apply_plan(plan, connection_for_setup(settings), dry_run=dry_run)
    except DatadogSetupError as error:
        raise click.ClickException(str(error)) from None
    for line in report.lines():
        click.echo(line)
