"""Reading deploy/observability/ for the tests: the rule files, the known metric families, and the metric names a
PromQL expression uses."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
OBSERVABILITY = ROOT / "deploy" / "observability"
RULE_FILES = sorted((OBSERVABILITY / "rules").glob("*.yml"))
RULE_TESTS = sorted((OBSERVABILITY / "tests").glob("*.yml"))
DASHBOARDS = sorted((OBSERVABILITY / "grafana" / "dashboards").glob("*.json"))
FAMILIES_FILE = OBSERVABILITY / "metric_families.txt"
HISTOGRAM_SERIES = ("_bucket", "_count", "_sum")

_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool",
             "offset", "inf", "nan"}
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_MATCHERS = re.compile(r"\{[^}]*\}")
_RANGES = re.compile(r"\[[^\]]*\]")
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


def listed_families() -> set[str]:
    """metric_families.txt: one family a line, # comments."""
    lines = (line.split("#", 1)[0].strip() for line in FAMILIES_FILE.read_text().splitlines())
    return {line for line in lines if line}


def rule_groups() -> list[dict[str, Any]]:
    return [group for path in RULE_FILES for group in yaml.safe_load(path.read_text())["groups"]]


def recorded_names() -> set[str]:
    return {rule["record"] for group in rule_groups() for rule in group["rules"] if "record" in rule}


def alert_rules() -> list[dict[str, Any]]:
    return [rule for group in rule_groups() for rule in group["rules"] if "alert" in rule]


def metric_names(expr: str) -> set[str]:
    """The metric (or recorded series) names a PromQL expression reads: every name that is not a function call,
    a keyword, a label (inside {...} or a grouping) or a Grafana variable."""
    text = _STRINGS.sub('""', expr)
    text = _MATCHERS.sub("", text)
    text = _RANGES.sub("", text)
    text = _GROUPING.sub("", text)
    text = re.sub(r"\$\w+", "", text)
    text = re.sub(r"(?<![\w:])\d[\w.]*", "", text)  # numbers and durations (0.99, 5m, 1e3)
    names = set()
    for match in _NAME.finditer(text):
        name = match.group()
        follows = text[match.end():].lstrip()[:1]
        if follows == "(" or name.lower() in _KEYWORDS:
            continue
        names.add(name)
    return names


def family_of(name: str, families: set[str]) -> str:
    """A histogram's series (x_bucket, x_count, x_sum) belong to family x."""
    for suffix in HISTOGRAM_SERIES:
        if name.endswith(suffix) and name[: -len(suffix)] in families:
            return name[: -len(suffix)]
    return name
