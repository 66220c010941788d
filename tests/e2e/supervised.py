"""A Supervisor run as its own process, for tests that SIGTERM or SIGKILL it: `python -m tests.e2e.supervised
SPEC.json`, where the spec lists the children as {name, argv, oneshot} and the names to stop first."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from evalforge_assets.cli.supervisor import ManagedProcess, Supervisor

# A child that starts a grandchild in its own process group (as dagster dev does), then sleeps; on SIGTERM it
# writes its name to the file in $STOP_LOG (when set) and exits, unless told to ignore SIGTERM.
FAMILY = """
import os, signal, subprocess, sys, time
name, ignore = sys.argv[1], sys.argv[2] == "ignore"
def on_term(*_):
    if os.environ.get("STOP_LOG"):
        with open(os.environ["STOP_LOG"], "a") as log:
            log.write(name + "\\n")
    if not ignore:
        sys.exit(0)
signal.signal(signal.SIGTERM, on_term)
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
while True:
    time.sleep(0.05)
"""


def family(name: str, ignore_sigterm: bool = False) -> list[str]:
    return [sys.executable, "-c", FAMILY, name, "ignore" if ignore_sigterm else "obey"]


def _file_exists(path: str) -> Callable[[], bool]:
    return Path(path).exists


def main(spec_path: str) -> None:
    """Prints "supervising" once every child is ready; a start that fails prints the reason on stderr."""
    spec = json.loads(Path(spec_path).read_text())
    processes = [ManagedProcess(child["name"], child["argv"], ready_url=child.get("ready_url"),
                                oneshot=child.get("oneshot", False),
                                start_when=_file_exists(child["start_after_file"])
                                if "start_after_file" in child else None)
                 for child in spec["children"]]
    supervisor = Supervisor(processes, dict(os.environ), first_to_stop=tuple(spec.get("first_to_stop", ())))
    supervisor.start_all()
    print("supervising", flush=True)
    raise SystemExit(supervisor.wait())


if __name__ == "__main__":
    main(sys.argv[1])
