"""The `evalforge` command line."""

from __future__ import annotations

import os

import click
from dotenv import load_dotenv

from evalforge_assets.settings import get_settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_url", envvar="EVALFORGE_STORE", default=None, metavar="URL",
              help="Store URL: sqlite:///PATH or firestore://PROJECT (default: SQLite in EVALFORGE_HOME).")
def main(store_url: str | None) -> None:
    """Evalforge: turn production LLM failures and incidents into evals, guardrails, runbooks and recoveries."""
    # Secrets reach Dagster resources as EnvVar, which reads os.environ: make .env values visible there too.
    load_dotenv(".env", override=False)
    if store_url:
        os.environ["EVALFORGE_STORE"] = store_url
    get_settings.cache_clear()


def store_option(command: click.Command) -> click.Command:
    """Every subcommand takes --store too, so it can come after the subcommand name."""

    def apply(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        if value:
            os.environ["EVALFORGE_STORE"] = value
            get_settings.cache_clear()
        return value

    return click.option("--store", "store_url", default=None, metavar="URL", expose_value=False,
                        callback=apply, is_eager=True, help="Store URL (overrides EVALFORGE_STORE).")(command)


from evalforge_assets.cli import captures, ingest, up

__all__ = ["captures", "ingest", "main", "store_option", "up"]
