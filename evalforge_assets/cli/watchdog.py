"""Stops what `evalforge up` started once `evalforge up` is gone, however it went (SIGKILL included).

The supervisor starts this script (by path, standard library only, so it is up in milliseconds) in its own
session, with stdin on a pipe only the supervisor holds. It writes `+PGID` for each process group it starts and
`-PGID` once that group is gone. End of input means the supervisor has exited: every group still listed gets
SIGTERM, then SIGKILL after a short grace. Process groups, not pids, because `dagster dev` starts the webserver,
daemon, code server and run workers in its own group, and they would outlive it otherwise.
"""

from __future__ import annotations

import os
import signal
import sys
import time

GRACE_SECONDS = 2.0


def _group_exists(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # the group id now belongs to someone else's processes: not ours to stop
    return True


def _signal_groups(groups: set[int], signum: int) -> None:
    for pgid in list(groups):
        try:
            os.killpg(pgid, signum)
        except (ProcessLookupError, PermissionError):
            groups.discard(pgid)


def read_groups(lines: list[str] | None = None) -> set[int]:
    """The groups still listed when the supervisor's pipe closes."""
    groups: set[int] = set()
    for line in lines if lines is not None else sys.stdin:
        line = line.strip()
        if line[:1] in ("+", "-") and line[1:].isdigit():
            (groups.add if line[0] == "+" else groups.discard)(int(line[1:]))
    return groups


def stop_groups(groups: set[int], grace_seconds: float = GRACE_SECONDS) -> None:
    _signal_groups(groups, signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    while groups and time.monotonic() < deadline:
        groups -= {pgid for pgid in groups if not _group_exists(pgid)}
        time.sleep(0.05)
    _signal_groups(groups, signal.SIGKILL)


def main() -> None:
    # Ctrl-C in the terminal is for the supervisor; this process only acts once the supervisor is gone.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stop_groups(read_groups())


if __name__ == "__main__":
    main()
