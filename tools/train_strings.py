"""Train the string reader on the pieces of ink the reader really cuts from touching numbers, and save it.

Numbers of 2–4 digits are composed from MNIST *training* digits (the study's first 48,000) with every neighbour
pushed into contact, three in four of the drawings; the rest are drawn with clean pen strokes (as with a mouse),
some touching. Each drawing goes through the reader's own :func:`~digit_recognizer.reading.segment.propose`;
every piece of ink it cuts that holds 2, 3 or 4 digits whole (≥ 85% of each, no part of another) is an example,
its targets the digits left to right in the slots of its length. The validation digits (the last 12,000) are
never used here. The learning rate falls to zero along a cosine, as the counter's does.

    python -m tools.train_strings [--data PATH] [--drawings 48000] [--epochs 12]
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from digit_recognizer.catalog import STRING_OUTPUTS, STRING_SLOTS, STRINGS
from digit_recognizer.synthetic.compose import compose
from tools.common import UNSET, fit_and_save, from_training_digits, run_drawing_tool
from tools.train_counter import cut_pieces
from tools.train_verifier import pen_number

# Composed touching numbers are this share of the drawings; the rest are pen-drawn numbers.
TOUCHING_SHARE = 3 / 4
LENGTHS = tuple(STRING_SLOTS)
KINDS = tuple(f"{length} digits" for length in LENGTHS)


def label_pieces(image: np.ndarray, owners: np.ndarray, digits: str) -> tuple[np.ndarray, np.ndarray]:
    """The drawing's cut pieces that hold 2–4 whole digits and no part of another, and their slot targets."""
    pieces, whole, partial = cut_pieces(image, owners)
    counts = np.count_nonzero(whole, axis=1)
    keep = ~partial & np.isin(counts, list(STRING_SLOTS))
    targets = np.full((np.count_nonzero(keep), STRING_OUTPUTS[0]), UNSET, np.int64)
    for target, held in zip(targets, whole[keep], strict=True):
        owned = np.flatnonzero(held)
        start = STRING_SLOTS[len(owned)]
        target[start : start + len(owned)] = [int(digits[owner - 1]) for owner in owned]
    return pieces[keep], targets


def drawings(x: np.ndarray, y: np.ndarray, count: int, rng: np.random.Generator
             ) -> Iterator[tuple[np.ndarray, np.ndarray, str]]:
    """Touching numbers composed from the digits ``x`` and pen-drawn numbers, with each pixel's digit and the text."""
    for _ in range(count):
        if rng.random() < TOUCHING_SHARE:
            picks = rng.integers(0, len(x), int(rng.integers(LENGTHS[0], LENGTHS[-1] + 1)))
            drawing = compose(x[picks], y[picks], "touching", rng)
            yield drawing.image, drawing.owners, "".join(drawing.lines)
        else:
            digits = rng.integers(0, 10, int(rng.integers(LENGTHS[0], LENGTHS[-1] + 1)))
            yield *pen_number(digits, rng), "".join(map(str, digits))


def examples(x: np.ndarray, y: np.ndarray, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Pieces holding several whole digits, and their slot targets."""
    made = [label_pieces(*drawing) for drawing in drawings(x, y, count, rng)]
    return np.concatenate([pieces for pieces, _ in made]), np.concatenate([targets for _, targets in made])


def main(argv: list[str] | None = None) -> int:
    return run_drawing_tool(argv, __doc__, 48000, 12, train)


def train(args: argparse.Namespace) -> None:
    from digit_recognizer.models.strings import build

    (pieces, targets), made, rng = from_training_digits(args, examples)
    lengths = np.count_nonzero(targets != UNSET, axis=1)
    fit_and_save(args, STRINGS, build, KINDS, pieces, lengths - LENGTHS[0], made, rng, decay=True, targets=targets)

if __name__ == "__main__":
    raise SystemExit(main())
