"""The app's drawing, kept as strokes and rendered off-screen with Pillow (no screen grabs)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw

CANVAS_WIDTH = 640
CANVAS_HEIGHT = 400
# A marker-like pen: thick enough to read like MNIST's strokes once a digit is shrunk to 20 px.
PEN_WIDTH = 20


def smallest_digit(pen_width: int) -> int:
    """Anything smaller than this on the canvas (a click, a slip of the pen) is not a digit."""
    return 2 * pen_width


MIN_DIGIT_SIZE = smallest_digit(PEN_WIDTH)
# The pen's default width, as a share of the canvas height: 20 px on the 400 px canvas the models were tuned on.
PEN_SHARE = PEN_WIDTH / CANVAS_HEIGHT


def default_pen(canvas_height: int) -> int:
    """A marker-like pen for a canvas this tall (an even number of pixels, at least 4)."""
    return max(4, 2 * round(PEN_SHARE * canvas_height / 2))

Point = tuple[float, float]
Stroke = Sequence[Point]


def render_strokes(
    strokes: Sequence[Stroke],
    width: int = CANVAS_WIDTH,
    height: int = CANVAS_HEIGHT,
    pen_width: int = PEN_WIDTH,
) -> np.ndarray:
    """Black round-capped strokes on white, as uint8 grey (height, width). A round pen tip at every point too:
    Pillow's wide polylines leave hairline cracks between short segments, which a pen never does."""
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    radius = pen_width / 2
    for stroke in strokes:
        points = [(float(x), float(y)) for x, y in stroke]
        if len(points) > 1:
            draw.line(points, fill=0, width=pen_width, joint="curve")
        for x, y in points:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=0)
    return np.asarray(image)


def strokes_hit(strokes: Sequence[Stroke], point: Point, radius: float) -> set[int]:
    """The strokes that pass within ``radius`` of ``point`` (what an eraser of that size touches)."""
    hit = set()
    target = np.asarray(point, float)
    for index, stroke in enumerate(strokes):
        points = np.asarray(stroke, float).reshape(-1, 2)
        starts, ends = points[:-1] if len(points) > 1 else points, points[1:] if len(points) > 1 else points
        along = ends - starts
        length = np.maximum((along**2).sum(axis=1), 1e-9)
        t = np.clip(((target - starts) * along).sum(axis=1) / length, 0.0, 1.0)
        nearest = starts + t[:, None] * along
        if (((nearest - target) ** 2).sum(axis=1) <= radius**2).any():
            hit.add(index)
    return hit


def to_image(grey: np.ndarray) -> Image.Image:
    """A rendered drawing as a Pillow image, e.g. to save it as PNG."""
    return Image.fromarray(grey, mode="L")
