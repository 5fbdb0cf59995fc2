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

from digit_recognizer.errors import UserError

LOCK_NAME = ".run.lock"


@contextmanager
def hold(folder: Path) -> Iterator[None]:
    """Hold ``folder``'s run lock until the block ends, or raise :class:`UserError` at once."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode(errors="replace").strip() or "unknown"
            raise UserError(f"{folder} is in use by another run (PID {holder}); wait for it to finish, or "
                             "choose another --output-dir.") from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)
