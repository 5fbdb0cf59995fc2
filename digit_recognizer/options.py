"""Option checks shared by every command, benchmark and tool, and the one way a user mistake ends a command.

argparse turns a failed check into a usage line and exit code 2; a ``UserError`` raised later (a bad data
file, a missing model, a full disk) goes through :func:`command`, which prints its one sentence and also
exits with 2. Kept free of TensorFlow imports so help comes up instantly.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from digit_recognizer.datasets import MNIST_ENV_VAR, PENDIGITS_ENV_VAR
from digit_recognizer.errors import UserError

T = TypeVar("T")
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
# numpy and Python's random accept seeds in this range.
SEEDS = (0, 2**32 - 1)
# A TensorFlow device name: /gpu:0, /cpu:0, /device:GPU:1, optionally under /job:…/replica:…/task:….
DEVICE = re.compile(r"^(/job:[\w-]+(/replica:\d+)?(/task:\d+)?)?/(device:)?(cpu|gpu):\d+$", re.IGNORECASE)


def _converted(text: str, convert: Callable[[str], T], kind: str) -> T:
    try:
        return convert(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {kind}") from None


def whole_number(text: str) -> int:
    return _converted(text, int, "a whole number")


def positive_int(text: str) -> int:
    value = whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def positive_float(text: str) -> float:
    value = _converted(text, float, "a number")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def probability(text: str) -> float:
    value = _converted(text, float, "a number")
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def seed(text: str) -> int:
    value = whole_number(text)
    if not SEEDS[0] <= value <= SEEDS[1]:
        raise argparse.ArgumentTypeError(f"must be between {SEEDS[0]} and {SEEDS[1]:,}, got {value}")
    return value


def seed_list(text: str) -> list[int]:
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise argparse.ArgumentTypeError("give at least one seed")
    return list(dict.fromkeys(seed(part) for part in parts))


def name_list(allowed: Sequence[str], what: str = "model") -> Callable[[str], list[str]]:
    """A parser of comma-separated names from ``allowed``: lower-cased, de-duplicated, in the given order."""
    def parse(text: str) -> list[str]:
        names = [name.strip().lower() for name in text.split(",") if name.strip()]
        unknown = [name for name in names if name not in allowed]
        if unknown or not names:
            raise argparse.ArgumentTypeError(f"unknown {what}(s) {', '.join(unknown) or '(none given)'}; "
                                             f"choose from {','.join(allowed)}")
        return list(dict.fromkeys(names))
    return parse


def device_list(text: str) -> list[str]:
    devices = [device.strip() for device in text.split(",") if device.strip()]
    if not devices:
        raise argparse.ArgumentTypeError("name at least one device, e.g. /gpu:0")
    wrong = [device for device in devices if not DEVICE.match(device)]
    if wrong:
        raise argparse.ArgumentTypeError(f"{', '.join(map(repr, wrong))} is not a device name; write e.g. /gpu:0 "
                                         "or /cpu:0")
    return devices


def add_data(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=None,
                        help=f"local MNIST .npz (default: ${MNIST_ENV_VAR}, else download through Keras)")


def add_pendigits(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pendigits", type=Path, default=None,
                        help=f"the writers' pen digits, pendigits-orig.tra (default: ${PENDIGITS_ENV_VAR}, else "
                             "../shared/datasets/pendigits/ beside the repository)")


def check_writable_dirs(directories: list[Path]) -> None:
    """Create each directory and write a scratch file in it, or raise UserError naming the problem."""
    for directory in directories:
        try:
            directory.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=directory):
                pass
        except OSError as error:
            reason = error.strerror or error
            raise UserError(f"cannot write to {directory} ({reason}); choose another --output-dir.") from error


def command(main: Callable[[], int | None], interrupted: str | None = None) -> int:
    """Run a command's body: a ``UserError`` is one sentence on stderr and exit code 2; Ctrl+C says
    ``interrupted`` (what was kept, how to go on) and exits with 130."""
    try:
        return main() or 0
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(interrupted or "interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
