"""Files and folders only their owner can read: the data directory, the store and the raw span files hold
what production sent, so they are created 0700 (folders) and 0600 (files) whatever the process umask is."""

from __future__ import annotations

import logging
import os
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600

log = logging.getLogger("evalforge.files")


def ensure_private_dir(path: Path, tighten_existing: bool = False) -> Path:
    """Create `path` and any missing parents owner-only; an existing folder is tightened only when asked
    (the data directory is ours; a store file's folder given by the user, such as /tmp, is not)."""
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            continue  # another process made it meanwhile; it is tightened below like any folder we created
        os.chmod(folder, PRIVATE_DIR_MODE)  # mkdir's mode is filtered by the umask
    if tighten_existing and not missing:
        tighten(path, PRIVATE_DIR_MODE)
    return path


def tighten(path: Path, mode: int = PRIVATE_FILE_MODE) -> None:
    """Drop group and other permissions from a file or folder this process owns; others' files are left and
    logged, since refusing to start over them would lose more than it protects."""
    try:
        current = path.stat().st_mode & 0o777
        if current & 0o077:
            os.chmod(path, mode)
    except FileNotFoundError:
        return
    except PermissionError as exc:
        log.warning("cannot make %s owner-only: %s", path, exc, extra={"path": str(path)})


def create_private_file(path: Path) -> None:
    """Create `path` empty and owner-only if it does not exist; tighten it if it does."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        tighten(path)
        return
    os.close(descriptor)
    os.chmod(path, PRIVATE_FILE_MODE)


def write_private_bytes(path: Path, data: bytes) -> None:
    """Write `path` atomically (a reader never sees half a file) as an owner-only file."""
    tmp = path.with_name(path.name + ".tmp")
    descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    try:
        os.fchmod(descriptor, PRIVATE_FILE_MODE)  # an older tmp file may have had wider permissions
        with os.fdopen(descriptor, "wb", closefd=False) as handle:
            handle.write(data)
    finally:
        os.close(descriptor)
    tmp.replace(path)
