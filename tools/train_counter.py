"""Train the digit counter on the pieces of ink the reader really cuts, and save it beside the models.

Numbers are composed from MNIST *training* digits (the study's first 48,000): two in three touching (2–4
digits, every neighbour pushed into contact), the rest in the app's other layouts; plus digits drawn with clean
pen strokes (as with a mouse), and the fit family of non-digit sketches and printed letters. Each drawing goes
through the reader's own :func:`~digit_recognizer.reading.segment.propose`; every piece of ink it cuts is an
example, labelled by the digits whose ink it holds: k whole digits (≥ 85% of each), or "no whole number of
digits" when it holds part of a digit (15–85%), or no digit. The validation digits (the last 12,000) and the
measure family of sketches are never used here. The fit's learning rate falls to zero along a cosine, so the
counter shipped is a settled one (at a constant rate its held-out accuracy swung by points from epoch to epoch).

    python -m tools.train_counter [--data PATH] [--drawings 32000] [--epochs 12]
"""

from __future__ import annotations

import argparse
import os

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from digit_recognizer.catalog import COUNTER, COUNTER_CLASSES
from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE
from digit_recognizer.reading.segment import propose
from digit_recognizer.synthetic.compose import LAYOUTS
from digit_recognizer.synthetic.ownership import ownership
from tools.common import fit_and_save, from_training_digits, run_drawing_tool
from tools.train_verifier import DIGITS_PER_DRAWING, collect, non_digit_pictures, numbers

# Touching numbers are this share of the composed ones: the pieces that hold several digits come from them.
TOUCHING_SHARE = 2 / 3
# A piece holds a digit whole from this share of the digit's ink on, part of it from the second share.
WHOLE_SHARE, PART_SHARE = 0.85, 0.15
MOST = len(COUNTER_CLASSES) - 1
NONE = 0


def cut_pieces(image: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The drawing's cut pieces as read whole (WIDE_SHAPE), which digits each holds whole (bool, one column per
    owner of ``owners``), and whether it holds part of any digit."""
    candidates = propose(image, MIN_DIGIT_SIZE)
    coverage = ownership(candidates, owners).coverage[candidates.wide_of]
    return (candidates.wide, coverage >= WHOLE_SHARE,
            ((coverage > PART_SHARE) & (coverage < WHOLE_SHARE)).any(axis=1))


def label_pieces(image: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The drawing's cut pieces, each with how many whole digits it holds (NONE: part of one, or no digit)."""
    pieces, whole, partial = cut_pieces(image, owners)
    labels = np.where(partial, NONE, np.count_nonzero(whole, axis=1))
    keep = labels <= MOST
    return pieces[keep], labels[keep]


def examples(x: np.ndarray, y: np.ndarray, drawings: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Cut pieces from composed numbers, pen-drawn numbers and the fit family of non-digits, labelled."""
    others = [layout for layout in LAYOUTS if layout not in ("tiny", "touching")]

    def layout_and_count() -> tuple[str, int]:
        if rng.random() < TOUCHING_SHARE:
            return "touching", int(rng.integers(2, MOST + 1))
        layout = others[int(rng.integers(len(others)))]
        return layout, int(rng.integers(3, 6)) if layout == "two_lines" else int(rng.choice(DIGITS_PER_DRAWING))

    return collect(numbers(x, y, drawings, layout_and_count, rng), label_pieces,
                   lambda: non_digit_pictures(drawings // 4, 0, 1, rng),
                   lambda picture: propose(picture, MIN_DIGIT_SIZE).wide, NONE)


def main(argv: list[str] | None = None) -> int:
    return run_drawing_tool(argv, __doc__, 32000, 12, train)


def train(args: argparse.Namespace) -> None:
    from digit_recognizer.models.counter import build

    (images, labels), made, rng = from_training_digits(args, examples)
    fit_and_save(args, COUNTER, build, COUNTER_CLASSES, images, labels, made, rng, decay=True)

if __name__ == "__main__":
    raise SystemExit(main())
