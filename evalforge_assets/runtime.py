"""The local runtime layout: data directory, DAGSTER_HOME with its instance config, environment for children."""

from __future__ import annotations

import os
from pathlib import Path

from evalforge_assets.private_files import ensure_private_dir
from evalforge_assets.settings import Settings

# Dequeue every second and keep concurrency low: SQLite instance storage locks under many concurrent runs.
DAGSTER_YAML = """\
telemetry:
  enabled: false
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 2
    dequeue_interval_seconds: 1
run_monitoring:
  enabled: true
  poll_interval_seconds: 5
sensors:
  use_threads: true
  num_workers: 4
"""

WORKSPACE_YAML = """\
load_from:
  - python_module:
      module_name: evalforge_assets.definitions
      location_name: evalforge
"""


def prepare_dagster_home(settings: Settings) -> Path:
    """Create the data directory and DAGSTER_HOME owner-only (keeping an existing dagster.yaml a user may have
    edited)."""
    # The data directory holds the store and raw spans: owner-only, tightened if an older version made it 0755.
    ensure_private_dir(settings.evalforge_home.resolve(), tighten_existing=True)
    home = ensure_private_dir(settings.dagster_home, tighten_existing=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    (home / "workspace.yaml").write_text(WORKSPACE_YAML)
    return home


def child_environment(settings: Settings) -> dict[str, str]:
    """The environment every process `evalforge up` starts shares, so they agree on store and data paths."""
    env = dict(os.environ)
    env["EVALFORGE_HOME"] = str(settings.evalforge_home.resolve())
    env["EVALFORGE_STORE"] = settings.resolved_store_url
    env["DAGSTER_HOME"] = str(settings.dagster_home)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env
