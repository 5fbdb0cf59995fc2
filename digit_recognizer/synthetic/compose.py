"""Drawings made from real handwritten digits, laid out the way people write numbers on the app's canvas.

A digit image (MNIST's 28×28, scikit-learn's 8×8, any size) becomes a pen-stroke ink mask of a chosen height
and pen width; masks are stamped onto a canvas in a layout: level, an uneven baseline, a slope, touching
neighbours, two lines, mixed sizes and pens, tiny or huge. Used to measure the reading of drawings on digits
no model trained on, and to make the verifier's training examples from training digits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from digit_recognizer.reading.drawing import CANVAS_HEIGHT, CANVAS_WIDTH, PEN_WIDTH, Stroke, render_strokes
from digit_recognizer.reading.preprocess import stroke_width
from digit_recognizer.training.pendigits import PenDigit, canvas_strokes

LAYOUTS = ("level", "uneven", "raised", "sloped", "touching", "two_lines", "mixed", "tiny", "huge")
MARGIN = 12
# A shape drawn beside a number starts this many of the number's heights right of it.
SKETCH_GAP = 0.35


def pen_digit(digit: np.ndarray, height: int, pen: float = PEN_WIDTH) -> np.ndarray:
    """A digit image (bright ink on black, any size) → a tight bool ink mask ``height`` px tall drawn with ``pen``."""
    values = digit.astype(np.float32)
    ys, xs = np.nonzero(values > 0.3 * values.max())
    values = values[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    factor = height / values.shape[0]
    size = (max(1, round(values.shape[1] * factor)), max(1, height))
    mask = (cv2.resize(values, size, interpolation=cv2.INTER_CUBIC) > 0.5 * values.max()).astype(np.uint8)
    change = round(pen - stroke_width(mask))
    if abs(change) >= 2:
        pad = max(0, change)
        mask = cv2.copyMakeBorder(mask, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (abs(change) + 1, abs(change) + 1))
        changed = (cv2.dilate if change > 0 else cv2.erode)(mask, kernel)
        mask = changed if changed.any() else mask
    ys, xs = np.nonzero(mask)
    return mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1] > 0


def pen_strokes(digit: PenDigit, height: int, pen: float = PEN_WIDTH) -> np.ndarray:
    """A writer's pen digit drawn ``height`` px tall (ink and pen together) with the app's renderer and a pen
    ``pen`` px wide → a tight bool ink mask, like :func:`pen_digit`'s."""
    inner = max(1.0, height - pen)
    strokes = canvas_strokes(digit, inner, pen, pen)
    width = int(np.ceil(max(x for stroke in strokes for x, _ in stroke) + 2 * pen))
    ink = render_strokes(strokes, width, int(np.ceil(inner + 2 * pen)), max(1, round(pen))) < 128
    ys, xs = np.nonzero(ink)
    return ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


# How a digit of some kind (an image, a writer's strokes) becomes an ink mask of a given height and pen.
MaskMaker = Callable[[object, int, float], np.ndarray]


@dataclass(frozen=True)
class Drawing:
    """A composed drawing: dark ink on a white canvas, and what a reader should answer line by line."""

    layout: str
    image: np.ndarray  # uint8 (CANVAS_HEIGHT, CANVAS_WIDTH), white background
    lines: list[str]
    owners: np.ndarray  # int16, per pixel: 0 no ink, k the k-th digit (1-based, reading order)


def _touching_x(canvas: np.ndarray, mask: np.ndarray, top: int, x: int, overlap: int) -> int:
    """Slide ``mask`` left from ``x`` until it touches the ink on ``canvas``, then ``overlap`` px further in."""
    height, width = mask.shape
    near = cv2.dilate((canvas > 0).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    for left in range(x, max(MARGIN, x - width) - 1, -1):
        if (near[top : top + height, left : left + width] & mask).any():
            return max(MARGIN, left - overlap)
    return max(MARGIN, x - width)


def _place(items: list[tuple[np.ndarray, float]], gaps: list[float], touching: bool, rng: np.random.Generator,
           pen: float) -> np.ndarray:
    """Stamp (mask, vertical offset) items left to right on an owner canvas; touching items are pushed together."""
    canvas = np.zeros((CANVAS_HEIGHT, CANVAS_WIDTH), np.int16)
    tallest = max(mask.shape[0] for mask, _ in items)
    total = sum(mask.shape[1] for mask, _ in items) + sum(gaps)
    left = (CANVAS_WIDTH - total) / 2
    base = (CANVAS_HEIGHT + tallest) / 2
    for index, (mask, offset) in enumerate(items):
        top = int(np.clip(round(base - mask.shape[0] + offset), MARGIN, CANVAS_HEIGHT - MARGIN - mask.shape[0]))
        x = int(np.clip(round(left), MARGIN, CANVAS_WIDTH - MARGIN - mask.shape[1]))
        if touching and index:
            x = _touching_x(canvas, mask, top, x, int(rng.integers(0, max(1, round(0.4 * pen)) + 1)))
        region = canvas[top : top + mask.shape[0], x : x + mask.shape[1]]
        region[mask & (region == 0)] = index + 1
        left = x + mask.shape[1] + (gaps[index] if index < len(gaps) else 0)
    return canvas


def _fit(heights: np.ndarray, widths: np.ndarray, gap: float, room: float) -> float:
    """The factor that makes a row of digits fit ``room`` pixels."""
    need = widths.sum() + gap * heights.mean() * (len(heights) - 1)
    return min(1.0, room / need)


def compose(digits: Sequence[object], labels: Sequence[int], layout: str, rng: np.random.Generator,
            split: int | None = None, pen: float | None = None, heights: tuple[float, float] | None = None,
            mask_of: MaskMaker = pen_digit) -> Drawing:
    """Lay out ``digits`` (images, or whatever ``mask_of`` draws, with labels) on the canvas; ``split`` is where
    the second line starts, ``pen`` the pen's width (the app's default, random in "mixed") and ``heights`` the range
    of the digits' height (the layout's own by default)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose from {', '.join(LAYOUTS)}.")
    text = "".join(str(int(label)) for label in labels)
    drawn = float(rng.uniform(10, 30)) if layout == "mixed" else PEN_WIDTH
    pen = drawn if pen is None else pen
    if layout == "tiny":
        mask = mask_of(digits[0], int(rng.integers(14, 40)), pen)
        return _drawing(layout, _place([(mask, 0.0)], [], False, rng, pen), ["too small"])
    if layout == "huge":
        mask = mask_of(digits[0], int(rng.integers(330, CANVAS_HEIGHT - 2 * MARGIN)), pen)
        if mask.shape[1] > CANVAS_WIDTH - 2 * MARGIN:
            mask = mask_of(digits[0], mask.shape[0] * (CANVAS_WIDTH - 2 * MARGIN - 10) // mask.shape[1], pen)
        return _drawing(layout, _place([(mask, 0.0)], [], False, rng, pen), [text[:1]])
    if layout == "two_lines":
        split = split or len(digits) // 2
        height = float(rng.uniform(*(heights or (85, 140))))
        first = _row(digits[:split], "level", height, rng, pen, mask_of)
        second = _row(digits[split:], "level", height, rng, pen, mask_of)
        gap = int(rng.uniform(0.25, 0.5) * height)
        return _drawing(layout, _stack(first, second, gap, rng), [text[:split], text[split:]])
    height = float(rng.uniform(*(heights or (100, 170))))
    return _drawing(layout, _row(digits, layout, height, rng, pen, mask_of), [text])


def _row(digits: Sequence[object], layout: str, height: float, rng: np.random.Generator, pen: float,
         mask_of: MaskMaker) -> np.ndarray:
    """One line of digits as an owner canvas."""
    count = len(digits)
    scales = rng.uniform(0.6, 1.3, count) if layout == "mixed" else rng.uniform(0.95, 1.05, count)
    gap = 0.0 if layout == "touching" else float(rng.uniform(0.12, 0.4))
    widths = np.array([mask_of(d, round(height * s), pen).shape[1] for d, s in zip(digits, scales, strict=True)])
    factor = _fit(height * scales, widths, gap, CANVAS_WIDTH - 2 * MARGIN - 10)
    masks = [mask_of(d, max(8, round(height * s * factor)), pen) for d, s in zip(digits, scales, strict=True)]
    size = height * factor
    if layout == "uneven":
        offsets = rng.uniform(-0.35, 0.35, count) * size
    elif layout == "raised":
        offsets = np.zeros(count)
        offsets[int(rng.integers(0, count))] = rng.choice([-1, 1]) * rng.uniform(0.55, 0.7) * size
    elif layout == "sloped":
        angle = np.deg2rad(rng.uniform(4, 15) * rng.choice([-1, 1]))
        offsets = np.tan(angle) * np.cumsum([0, *(m.shape[1] + gap * size for m in masks[:-1])])
        offsets -= offsets.mean()
    else:
        offsets = np.zeros(count)
    gaps = [gap * size] * (count - 1)
    return _place(list(zip(masks, offsets, strict=True)), gaps, layout == "touching", rng, pen)


def _stack(first: np.ndarray, second: np.ndarray, gap: int, rng: np.random.Generator) -> np.ndarray:
    """Two rows one under the other with ``gap`` px of white between them, shifted sideways a little."""
    def rows(owners: np.ndarray) -> np.ndarray:
        ys = np.nonzero(owners.any(axis=1))[0]
        return owners[ys.min() : ys.max() + 1]

    top, bottom = rows(first), rows(second)
    bottom = np.where(bottom > 0, bottom + top.max(), 0).astype(np.int16)
    canvas = np.zeros((CANVAS_HEIGHT, CANVAS_WIDTH), np.int16)
    total = top.shape[0] + gap + bottom.shape[0]
    if total > CANVAS_HEIGHT - 2 * MARGIN:
        raise ValueError("the two lines do not fit the canvas; use smaller digits.")
    y = (CANVAS_HEIGHT - total) // 2
    shift = int(rng.integers(-40, 41))
    canvas[y : y + top.shape[0]] = top
    canvas[y + top.shape[0] + gap : y + total] = np.roll(bottom, shift, axis=1)
    return canvas


def _drawing(layout: str, owners: np.ndarray, lines: list[str]) -> Drawing:
    return Drawing(layout, np.where(owners > 0, 0, 255).astype(np.uint8), lines, owners)


def beside(drawing: Drawing, strokes: list[Stroke]) -> np.ndarray:
    """The drawing with a non-digit's strokes drawn right of its number, as tall as the number and on its line: a
    shape someone adds to a number, which must not pass as one more digit."""
    ys, xs = np.nonzero(drawing.owners)
    height = ys.max() - ys.min()
    points = np.concatenate([np.asarray(stroke, float) for stroke in strokes])
    low, high = points.min(axis=0), np.maximum(points.max(axis=0), points.min(axis=0) + 1)
    left = xs.max() + SKETCH_GAP * height
    scale = min(height / (high[1] - low[1]), (CANVAS_WIDTH - MARGIN - left) / (high[0] - low[0]))
    moved = [[(left + (x - low[0]) * scale, ys.min() + (y - low[1]) * scale) for x, y in stroke] for stroke in strokes]
    return np.minimum(drawing.image, render_strokes(moved))
