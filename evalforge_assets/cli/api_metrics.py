"""The API's environment for its metrics: prometheus-client's multiprocess mode when uvicorn runs several workers.

Each worker counts only the requests it answered; with PROMETHEUS_MULTIPROC_DIR set before the workers start,
they write their figures to files there and `/metrics` sums them (evalforge_api/metrics.py). The directory must
be empty when the workers start (files left by an earlier run would be added to this run's totals), so it is
cleared here, and private (0700): its files name routes and are read back by the API.
"""

from __future__ import annotations

import shutil
from pathlib import Path

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LEGACY_MULTIPROC_ENV = "prometheus_multiproc_dir"  # still read by prometheus-client, so never passed on by accident


def api_metrics_dir(home: Path, port: int) -> Path:
    """One directory per API port, so two `evalforge up` on one data directory (other ports) do not mix."""
    return home / "prometheus" / f"api-{port}"


def fresh_private_dir(path: Path) -> Path:
    """`path` as a new, empty directory only its owner can read, whatever was there before."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.mkdir(mode=0o700)
    path.chmod(0o700)  # mkdir's mode is reduced by the umask; this is exact
    return path


def api_environment(env: dict[str, str], home: Path, port: int, workers: int) -> dict[str, str]:
    """The API process's environment: `env` plus a fresh multiprocess metrics directory when `workers` > 1.

    With one worker the variables are removed (even if the caller's shell set them), so that process keeps its
    in-process registry. Only the API gets the directory: other processes using prometheus-client (the demo
    app) would otherwise write their own figures into it and show up in the API's /metrics."""
    api_env = {key: value for key, value in env.items() if key not in (MULTIPROC_ENV, LEGACY_MULTIPROC_ENV)}
    if workers > 1:
        api_env[MULTIPROC_ENV] = str(fresh_private_dir(api_metrics_dir(home.resolve(), port)))
    return api_env
