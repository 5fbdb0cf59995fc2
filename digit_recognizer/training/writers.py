"""The training writers' pen digits as extra training images, drawn the way people draw on the app's canvas.

MNIST's 500 writers wrote with one kind of pen on paper; the app's users draw with a mouse or a stylus at any
size and pen width. Each training writer's digit (:func:`pendigits.split`) is redrawn several times with the app's
own renderer, its strokes changed the ways writers differ (slant, width for height, a smooth elastic wobble), at
a height of 40 to 350 px and a pen of 6 to 60 px, then cropped and normalised exactly as a reading crops a
digit (:func:`preprocess.whole_ink`). The measuring writers are never drawn here.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from digit_recognizer.reading.drawing import render_strokes
from digit_recognizer.reading.preprocess import whole_ink
from digit_recognizer.training import pendigits
from digit_recognizer.training.data import Splits

HEIGHTS = (40.0, 350.0)
PENS = (6.0, 60.0)
# The segmentation calls a digit under three pen widths tall too small; the pen stays under this share of the height.
MOST_PEN_SHARE = 1 / 3.2
SLANT = 0.35  # horizontal shift per unit of height, either way
ASPECT = (0.7, 1.4)  # width scaled by
WOBBLE = 0.04  # elastic displacement, as a share of the height


def restyle(strokes: Sequence[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """One digit's strokes ((n, 2) points, y down) as another writer might have drawn them: slanted, wider or
    narrower, and bent by a smooth wobble; the result is in units of the digit's height, its top-left at 0."""
    slant, aspect = rng.uniform(-SLANT, SLANT), rng.uniform(*ASPECT)
    frequency, phase = rng.uniform(0.5, 1.5, 2), rng.uniform(0, 2 * np.pi, 2)
    amplitude = rng.uniform(-WOBBLE, WOBBLE, 2)
    points = np.concatenate(strokes)
    low, height = points.min(axis=0), max(float(np.ptp(points[:, 1])), 1.0)
    moved = []
    for stroke in strokes:
        x, y = ((stroke - low) / height).T
        moved.append(np.stack([x * aspect - slant * (y - 0.5) + amplitude[0] * np.sin(2 * np.pi * frequency[0] * y
                                                                                    + phase[0]),
                               y + amplitude[1] * np.sin(2 * np.pi * frequency[1] * x + phase[1])], axis=1))
    low = np.concatenate(moved).min(axis=0)
    return [stroke - low for stroke in moved]


def draw(digit: pendigits.PenDigit, rng: np.random.Generator) -> np.ndarray:
    """One redrawing of a pen digit, restyled, at a random height and pen, as the (28, 28) input a reading makes."""
    height = float(np.exp(rng.uniform(*np.log(HEIGHTS))))
    pen = float(rng.uniform(PENS[0], max(PENS[0], min(PENS[1], MOST_PEN_SHARE * height))))
    strokes = restyle([np.asarray(stroke) for stroke in pendigits.canvas_strokes(digit, 1.0)], rng)
    inner = max(1.0, height - pen)
    placed = [stroke * inner + pen for stroke in strokes]
    width = float(np.concatenate(placed)[:, 0].max()) + 2 * pen
    image = render_strokes(placed, int(np.ceil(width)), int(np.ceil(inner + 2 * pen)), max(1, round(pen)))
    return whole_ink(image)


def images(digits: Sequence[pendigits.PenDigit], copies: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``copies`` redrawings of every digit: float32 images (N, 28, 28, 1) in [0, 1] and their labels (N,)."""
    rng = np.random.default_rng([seed, 49])
    drawn = [draw(digit, rng) for _ in range(copies) for digit in digits]
    labels = np.array([digit.label for _ in range(copies) for digit in digits], np.int64)
    return np.stack(drawn)[..., None].astype(np.float32), labels


def taught_digits(path: str | os.PathLike | None = None, limit: int | None = None) -> list[pendigits.PenDigit]:
    """The training writers' digits a run redraws: all of them, or with ``limit`` a tenth as many as it allows."""
    digits, _ = pendigits.split(pendigits.load(path))
    return digits[: max(1, limit // 10)] if limit else digits


def extra_images(copies: int, path: str | os.PathLike | None = None, limit: int | None = None) -> int:
    """How many images :func:`with_writers` adds to the training split."""
    return copies * len(taught_digits(path, limit))


def with_writers(splits: Splits, copies: int, seed: int, path: str | os.PathLike | None = None,
                 limit: int | None = None) -> Splits:
    """The splits with ``copies`` redrawings of every training writer's digit added to the training split (with
    ``limit``, of a tenth as many digits as it allows); validation and test stay MNIST's."""
    x, y = images(taught_digits(path, limit), copies, seed)
    return replace(splits, x_train=np.concatenate([splits.x_train, x]),
                   y_train=np.concatenate([splits.y_train, y.astype(splits.y_train.dtype)]))
