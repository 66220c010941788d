"""`evalforge captures export`: every stored capture as JSONL or CSV."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from contextlib import nullcontext
from pathlib import Path
from typing import IO

import click

from evalforge_assets import parts
from evalforge_assets.cli import cli_settings, main, store_option
from evalforge_assets.csv_cells import neutralize_row
from evalforge_assets.models import FailureCapture

CSV_COLUMNS = (
    "capture_id", "signature_id", "occurred_at", "detected_at", "ml_app", "agent", "failure_kind", "severity",
    "status", "assignee", "error_type", "error_message", "input_text", "output_text", "trace_id", "span_id",
    "span_name", "url", "user_hash", "reasons", "pii",
)


def capture_row(capture: FailureCapture) -> dict[str, object]:
    return {
        **{name: getattr(capture, name) for name in CSV_COLUMNS if hasattr(capture, name)},
        "failure_kind": capture.failure_kind.value,
        "severity": capture.severity.value,
        "status": capture.status.value,
        "trace_id": capture.source.trace_id,
        "span_id": capture.source.span_id,
        "span_name": capture.source.span_name,
        "url": capture.source.url,
        "reasons": "; ".join(f"{r.kind.value}:{r.rule}:{r.detail}" for r in capture.reasons),
        "pii": json.dumps(capture.pii, sort_keys=True),
    }


def write_captures(captures: Iterable[FailureCapture], out: IO[str], fmt: str) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for capture in captures:
            writer.writerow(neutralize_row(capture_row(capture)))  # cells are user text: no formulas
            count += 1
        return count
    for capture in captures:
        out.write(capture.model_dump_json() + "\n")
        count += 1
    return count


@main.group()
def captures() -> None:
    """Work with stored failure captures."""


@captures.command("export")
@store_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output).")
def export_captures(fmt: str, out: Path | None) -> None:
    """Write every stored capture, newest first: one FailureCapture per line (JSONL) or a CSV row each."""
    store = parts.store(cli_settings())
    try:
        with (out.open("w", newline="", encoding="utf-8") if out else nullcontext(sys.stdout)) as handle:
            count = write_captures(store.iter_captures(), handle, fmt)
    finally:
        store.close()
    if out:
        click.echo(f"wrote {count} capture(s) to {out}", err=True)
