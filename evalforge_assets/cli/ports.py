"""Who holds a TCP port, read from /proc, so `evalforge up` can name it before it starts anything."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

from pydantic import BaseModel

_LISTEN = "0A"  # TCP state LISTEN in /proc/net/tcp


class PortHolder(BaseModel):
    """A process listening on a port; `pid` is None when /proc does not show it (another user's process)."""

    port: int
    pid: int | None = None
    name: str | None = None
    command: str | None = None


def port_in_use(host: str, port: int) -> bool:
    """True when binding host:port fails with "address in use" (the same way uvicorn will bind it)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # uvicorn sets it too: TIME_WAIT is no owner
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def _listening_inodes(port: int, proc: Path) -> set[str]:
    inodes: set[str] = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (proc / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue  # no IPv6 table, or no /proc at all
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == _LISTEN and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(inode)
    return inodes


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return None


def _socket_links(process: Path) -> set[str]:
    links: set[str] = set()
    try:
        descriptors = list((process / "fd").iterdir())
    except OSError:
        return links  # gone meanwhile, or another user's process
    for descriptor in descriptors:
        try:
            links.add(str(descriptor.readlink()))
        except OSError:
            continue  # closed between listing and reading
    return links


def find_holder(port: int, proc: Path = Path("/proc")) -> PortHolder:
    """The process listening on `port`, as far as this user can see."""
    targets = {f"socket:[{inode}]" for inode in _listening_inodes(port, proc)}
    if targets:
        for entry in proc.iterdir():
            if not entry.name.isdigit():
                continue
            if _socket_links(entry) & targets:
                return PortHolder(port=port, pid=int(entry.name), name=_read(entry / "comm"),
                                  command=_read(entry / "cmdline"))
    return PortHolder(port=port)


def describe_holder(holder: PortHolder, what: str, option: str) -> str:
    """A sentence naming who holds the port and how to free it, or how to choose another port."""
    if holder.pid is None:
        return (f"Port {holder.port} ({what}) is already in use by a process this user cannot see (run "
                f"`ss -ltnp 'sport = :{holder.port}'` as root to find it). Stop it, or choose another port "
                f"with {option}.")
    command = f": {' '.join(holder.command.split())[:120]}" if holder.command else ""
    return (f"Port {holder.port} ({what}) is already in use by {holder.name or 'a process'} "
            f"(pid {holder.pid}{command}). Stop it with `kill {holder.pid}`, or choose another port with "
            f"{option}.")


def shared_ports(ports: dict[str, tuple[int, str]]) -> list[str]:
    """One sentence per port given to more than one server: both would listen and share its requests."""
    options: dict[int, list[str]] = {}
    for port, option in ports.values():
        options.setdefault(port, []).append(option)
    return [f"Port {port} is given to {' and '.join(given)}: each server needs a port of its own; choose another "
            f"with {given[-1]}." for port, given in options.items() if len(given) > 1]


def ports_in_use(host: str, ports: dict[str, tuple[int, str]]) -> list[str]:
    """One sentence per port that is taken; `ports` maps a role (e.g. "API") to (port, the option setting it)."""
    return [describe_holder(find_holder(port), role, option)
            for role, (port, option) in ports.items() if port_in_use(host, port)]
