"""Real pen-written digits of 30 writers (UCI pendigits, in its UNIPEN form): loaded as strokes, split by writer.

The app's canvas records strokes; so did these writers' tablet. Each digit keeps its writer, so that a model or a
threshold is tuned on some writers and measured on others, never on both: :data:`MEASURE_WRITERS` are only ever
used for measuring. Coordinates are the tablet's (500×500, y up); :func:`canvas_strokes` turns a digit into app
canvas strokes of a chosen size, drawn as smooth curves through the tablet's samples (taken every 100 ms).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.interpolate import make_interp_spline

from digit_recognizer.datasets import PENDIGITS_DEFAULT, PENDIGITS_ENV_VAR
from digit_recognizer.errors import UserError

# Ten of the 30 writers, drawn once at random (`numpy.random.default_rng(49).choice(range(1, 31), 10, replace=False)`),
# kept apart for measuring; the other 20 train and tune.
MEASURE_WRITERS = frozenset({1, 2, 8, 11, 15, 18, 20, 27, 29, 30})
# Five of the 20 training writers (`numpy.random.default_rng(51).choice(<the other 20>, 5, replace=False)`), which a
# part can be fitted without, so that its thresholds are tuned on writers it never saw.
TUNE_WRITERS = frozenset({9, 10, 24, 25, 28})
# Points per tablet sample when a stroke is redrawn as a smooth curve through its samples.
SMOOTHING = 4
_COMMENT = re.compile(r"\.COMMENT\s+(\d)\s+(\d+)\s+(\d+)")
_POINT = re.compile(r"\s*(-?\d+)\s+(-?\d+)\s*$")


@dataclass(frozen=True)
class PenDigit:
    """One digit as its writer wrote it: its class, who wrote it, and its strokes ((n, 2) tablet points, y up)."""

    label: int
    writer: int
    strokes: tuple[np.ndarray, ...]


def resolve_path(path: str | os.PathLike | None) -> Path:
    """The explicit path if given, else ``$PENDIGITS`` if set, else the shared copy beside the repository."""
    return Path(path or os.environ.get(PENDIGITS_ENV_VAR) or PENDIGITS_DEFAULT)


def load(path: str | os.PathLike | None = None) -> list[PenDigit]:
    """Every digit of a pendigits UNIPEN file (``pendigits-orig.tra``); a missing or malformed file is a
    UserError naming it."""
    source = resolve_path(path)
    if not source.is_file():
        raise UserError(f"{source}: pen digits file not found; pass pendigits-orig.tra with --pendigits or "
                        f"${PENDIGITS_ENV_VAR}.")
    try:
        text = source.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"{source}: not a readable pendigits file ({error}); copy pendigits-orig.tra again.") from None
    return parse(text, str(source))


def parse(text: str, source: str = "pendigits file") -> list[PenDigit]:
    """The digits of UNIPEN text: ``.COMMENT label writer n`` opens one, ``.PEN_DOWN`` … ``.PEN_UP`` are its strokes."""
    digits: list[PenDigit] = []
    header: tuple[int, int] | None = None
    strokes: list[np.ndarray] = []
    points: list[tuple[int, int]] | None = None

    def close_digit() -> None:
        if header is not None:
            if not strokes:
                raise UserError(f"{source}: digit {len(digits) + 1} has no strokes; copy pendigits-orig.tra again.")
            digits.append(PenDigit(header[0], header[1], tuple(strokes)))

    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(".COMMENT"):
            match = _COMMENT.match(line)
            if match is None or points is not None:
                raise UserError(f"{source}, line {number}: expected '.COMMENT label writer n' outside a stroke; "
                                "this is not a pendigits UNIPEN file.")
            close_digit()
            header, strokes = (int(match[1]), int(match[2])), []
        elif line.startswith(".PEN_DOWN"):
            if header is None or points is not None:
                raise UserError(f"{source}, line {number}: a stroke starts outside a digit; this is not a "
                                "pendigits UNIPEN file.")
            points = []
        elif line.startswith(".PEN_UP"):
            if not points:
                raise UserError(f"{source}, line {number}: a stroke without points; this is not a pendigits UNIPEN "
                                "file.")
            strokes.append(np.array(points, np.float32) * (1, -1))
            points = None
        elif points is not None:
            match = _POINT.match(line)
            if match is None:
                raise UserError(f"{source}, line {number}: expected 'x y' inside a stroke, got {line.strip()!r}.")
            points.append((int(match[1]), int(match[2])))
    if points is not None:
        raise UserError(f"{source}: the last stroke has no .PEN_UP; the file is cut short, copy it again.")
    close_digit()
    if not digits:
        raise UserError(f"{source}: holds no digits; pass pendigits-orig.tra.")
    return digits


def split(digits: Sequence[PenDigit]) -> tuple[list[PenDigit], list[PenDigit]]:
    """The digits of the training writers, and those of the measuring writers (:data:`MEASURE_WRITERS`)."""
    train = [digit for digit in digits if digit.writer not in MEASURE_WRITERS]
    measure = [digit for digit in digits if digit.writer in MEASURE_WRITERS]
    return train, measure


def hold_out_tuning(train: Sequence[PenDigit]) -> tuple[list[PenDigit], list[PenDigit]]:
    """The training writers' digits as those a part is fitted on and those of :data:`TUNE_WRITERS`, which tune it."""
    fit = [digit for digit in train if digit.writer not in TUNE_WRITERS]
    tune = [digit for digit in train if digit.writer in TUNE_WRITERS]
    return fit, tune


def canvas_strokes(digit: PenDigit, height: float, left: float = 0.0, top: float = 0.0
                   ) -> list[list[tuple[float, float]]]:
    """The digit's strokes as canvas points (y down), scaled to ``height`` px tall with its top-left ink at
    (``left``, ``top``), each a smooth curve through the tablet's samples."""
    points = np.concatenate(digit.strokes)
    low, high = points.min(axis=0), points.max(axis=0)
    scale = height / max(float(high[1] - low[1]), 1.0)
    return [[(float(x), float(y)) for x, y in (_smooth(stroke) - low) * scale + (left, top)]
            for stroke in digit.strokes]


def _smooth(stroke: np.ndarray) -> np.ndarray:
    """A cubic curve through the stroke's distinct samples, parametrised by distance along it."""
    keep = np.concatenate([[True], np.any(np.diff(stroke, axis=0) != 0, axis=1)])
    points = stroke[keep]
    if len(points) < 3:
        return points
    along = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
    curve = make_interp_spline(along, points, k=3 if len(points) > 3 else 2)
    return curve(np.linspace(0.0, along[-1], SMOOTHING * len(points)))

