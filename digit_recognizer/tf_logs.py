"""TensorFlow's start-up banners kept off the terminal, real problems let through.

Importing TensorFlow prints informational lines from C++ before its log level applies (the oneDNN notice,
"Could not find cuda drivers", a cuInit error on machines without a GPU). They are not problems, yet they
drown the app's own output. :func:`quiet_import` captures the process's standard error while the backend
loads and passes on every line that is not such a banner. Set ``DIGITS_TF_LOGS=1`` to see them all.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
SHOW_ALL = "DIGITS_TF_LOGS"
# Lines that say nothing is wrong: absl's informational and warning lines before it is initialised (their
# prefixes are I and W plus the date), its notice about that, and the GPU probe on a machine without one.
BANNER_PREFIXES = ("I0000 ", "W0000 ", "WARNING: All log messages before absl::InitializeLog()")
BANNER_PARTS = ("failed call to cuInit", "Could not find cuda drivers", "oneDNN custom operations",
                "To enable the following instructions", "rebuild TensorFlow with the appropriate compiler flags")


def is_banner(line: str) -> bool:
    return line.startswith(BANNER_PREFIXES) or any(part in line for part in BANNER_PARTS)


def quiet_import(load: Callable[[], T]) -> T:
    """Run ``load`` (which imports TensorFlow) with standard error captured, then print its real lines."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if os.environ.get(SHOW_ALL):
        return load()
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            return load()
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            for line in captured.read().decode(errors="replace").splitlines():
                if line.strip() and not is_banner(line):
                    print(line, file=sys.stderr)
