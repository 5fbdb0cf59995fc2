"""One run per output folder: a lock held for the whole run, so two runs never write into each other.

The lock is ``fcntl.flock`` on ``<output-dir>/.run.lock``: the kernel releases it when the holder exits,
however it exits (even ``kill -9``), so a lock left by a dead run is never stale. The file holds the
holder's PID, to name it in the message a second run gets.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".run.lock"


class FolderBusyError(Exception):
    """Another run holds the output folder; the message names its PID and what to do."""


@contextmanager
def hold(folder: Path) -> Iterator[None]:
    """Hold ``folder``'s run lock until the block ends, or raise :class:`FolderBusyError` at once."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode(errors="replace").strip() or "unknown"
            raise FolderBusyError(f"{folder} is in use by another run (PID {holder}); wait for it to finish, or "
                             "choose another --output-dir.") from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)
