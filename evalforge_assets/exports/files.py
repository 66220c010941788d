"""Artifacts rendered to files with deterministic names, and the package document a webhook receives.

Layout under the exports root (a local folder or `gs://bucket/exports`):

    <export_id>/eval_cases.jsonl                 one chat-eval line per capture
    <export_id>/eval_cases.csv                   the same cases as a spreadsheet
    <export_id>/guardrails/<signature_id>.json   one rule per signature (and .yaml, same content)
    <export_id>/runbooks/<signature_id>.md       one runbook per signature

Names depend only on ids and contents are sorted by id, so re-running an export overwrites the same files
with the same bytes (for the deterministic generator) and never leaves duplicates beside them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Any

import yaml

from evalforge_assets.csv_cells import neutralize_row
from evalforge_assets.exports.artifacts import ARTIFACT_SCHEMA_VERSION, EvalCase, GuardrailRule, Runbook
from evalforge_assets.exports.delivery import ArtifactFile
from evalforge_assets.models import Artifact, Destination, ExportPackage

EVAL_CASES_JSONL = "eval_cases.jsonl"
EVAL_CASES_CSV = "eval_cases.csv"
CSV_COLUMNS = (
    "case_id", "capture_id", "signature_id", "ml_app", "agent", "span_name", "failure_kind", "severity",
    "error_type", "input", "failed_output", "expected", "criteria", "source_url", "trace_id", "span_id",
    "occurred_at", "generator",
)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def _safe(name: str) -> str:
    """Ids become file names: anything but letters, digits, dot, dash and underscore turns into `_`."""
    return _UNSAFE.sub("_", name).lstrip(".") or "_"


def _json_line(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _pretty_json(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def eval_case_files(export_id: str, cases: Sequence[EvalCase]) -> list[ArtifactFile]:
    ordered = sorted(cases, key=lambda case: case.case_id)
    jsonl = "".join(_json_line(case.to_chat_eval()) + "\n" for case in ordered)
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for case in ordered:
        meta = case.metadata
        writer.writerow(neutralize_row({  # cells are captured user and model text: no formulas
            "case_id": case.case_id, "capture_id": case.capture_id, "signature_id": meta.signature_id or "",
            "ml_app": meta.ml_app, "agent": meta.agent or "", "span_name": meta.span_name,
            "failure_kind": meta.failure_kind.value, "severity": meta.severity.value,
            "error_type": meta.error_type or "",
            "input": "\n".join(f"{message.role}: {message.content}" for message in case.messages),
            "failed_output": case.failed_output, "expected": case.expected,
            "criteria": "\n".join(case.criteria), "source_url": meta.source_url or "", "trace_id": meta.trace_id,
            "span_id": meta.span_id, "occurred_at": meta.occurred_at, "generator": meta.generator,
        }))
    base = _safe(export_id)
    return [
        ArtifactFile(Destination.eval_dataset, "eval_cases_jsonl", f"{base}/{EVAL_CASES_JSONL}", jsonl.encode(),
                     "application/jsonl", count=len(ordered)),
        ArtifactFile(Destination.eval_dataset, "eval_cases_csv", f"{base}/{EVAL_CASES_CSV}",
                     table.getvalue().encode(), "text/csv", count=len(ordered)),
    ]


def guardrail_files(export_id: str, rules: Sequence[GuardrailRule]) -> list[ArtifactFile]:
    files: list[ArtifactFile] = []
    for rule in sorted(rules, key=lambda r: r.signature_id):
        document = rule.to_document()
        stem = f"{_safe(export_id)}/guardrails/{_safe(rule.signature_id)}"
        files.append(ArtifactFile(Destination.guardrail, "guardrail_json", f"{stem}.json", _pretty_json(document),
                                  "application/json"))
        files.append(ArtifactFile(Destination.guardrail, "guardrail_yaml", f"{stem}.yaml",
                                  yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100).encode(),
                                  "application/yaml"))
    return files


def runbook_files(export_id: str, runbooks: Sequence[Runbook]) -> list[ArtifactFile]:
    return [
        ArtifactFile(Destination.runbook, "runbook_markdown",
                     f"{_safe(export_id)}/runbooks/{_safe(runbook.signature_id)}.md",
                     runbook.to_markdown().encode(), "text/markdown")
        for runbook in sorted(runbooks, key=lambda r: r.signature_id)
    ]


def package_document(package: ExportPackage, eval_cases: Sequence[EvalCase], guardrails: Sequence[GuardrailRule],
                     runbooks: Sequence[Runbook], artifacts: Sequence[Artifact]) -> dict[str, Any]:
    """What the webhook receives: the export, where its files went, and every generated artifact in full."""
    return {
        "schema_version": ARTIFACT_SCHEMA_VERSION,
        "export_id": package.export_id,
        "requested_by": package.requested_by,
        "requested_at": package.requested_at,
        "destinations": [destination.value for destination in package.destinations],
        "capture_ids": list(package.capture_ids),
        "signature_ids": list(package.signature_ids),
        "artifacts": [artifact.model_dump(mode="json") for artifact in artifacts],
        "eval_cases": [case.to_chat_eval() for case in sorted(eval_cases, key=lambda c: c.case_id)],
        "guardrails": [rule.to_document() for rule in sorted(guardrails, key=lambda r: r.signature_id)],
        "runbooks": [{"runbook_id": runbook.runbook_id, "signature_id": runbook.signature_id, "title": runbook.title,
                      "markdown": runbook.to_markdown()}
                     for runbook in sorted(runbooks, key=lambda r: r.signature_id)],
    }
