"""The `evalforge` command line."""

from __future__ import annotations

import click
from dotenv import load_dotenv

from evalforge_assets.settings import Settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_url", envvar="EVALFORGE_STORE", default=None, metavar="URL",
              help="Store URL: sqlite:///PATH or firestore://PROJECT (default: SQLite in EVALFORGE_HOME).")
@click.pass_context
def main(ctx: click.Context, store_url: str | None) -> None:
    """Evalforge: turn production LLM failures and incidents into evals, guardrails, runbooks and recoveries."""
    # Secrets reach Dagster resources as EnvVar, which reads os.environ: make .env values visible there too.
    load_dotenv(".env", override=False)
    settings = Settings()
    ctx.obj = settings.model_copy(update={"store_url": store_url}) if store_url else settings


def cli_settings() -> Settings:
    """The settings this invocation runs with: the environment, `.env`, and any --store given."""
    return click.get_current_context().find_root().obj


def store_option(command: click.Command) -> click.Command:
    """Every subcommand takes --store too, so it can come after the subcommand name."""

    def apply(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        if value:
            root = ctx.find_root()
            root.obj = root.obj.model_copy(update={"store_url": value})
        return value

    return click.option("--store", "store_url", default=None, metavar="URL", expose_value=False,
                        callback=apply, help="Store URL (overrides EVALFORGE_STORE).")(command)


from evalforge_assets.cli import captures, datadog, ingest, up

__all__ = ["captures", "cli_settings", "datadog", "ingest", "main", "store_option", "up"]
