"""The app's drawing, kept as strokes and rendered off-screen with Pillow (no screen grabs)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw

CANVAS_WIDTH = 640
CANVAS_HEIGHT = 400
# A marker-like pen: thick enough to read like MNIST's strokes once a digit is shrunk to 20 px.
PEN_WIDTH = 20
# Anything smaller than this on the canvas (a click, a slip of the pen) is not a digit.
MIN_DIGIT_SIZE = 2 * PEN_WIDTH

Point = tuple[float, float]
Stroke = Sequence[Point]


def render_strokes(
    strokes: Sequence[Stroke],
    width: int = CANVAS_WIDTH,
    height: int = CANVAS_HEIGHT,
    pen_width: int = PEN_WIDTH,
) -> np.ndarray:
    """Black round-capped strokes on white, as uint8 grey (height, width)."""
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    radius = pen_width / 2
    for stroke in strokes:
        points = [(float(x), float(y)) for x, y in stroke]
        if len(points) > 1:
            draw.line(points, fill=0, width=pen_width, joint="curve")
        for x, y in (points[0], points[-1]) if points else ():
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=0)
    return np.asarray(image)


def to_image(grey: np.ndarray) -> Image.Image:
    """A rendered drawing as a Pillow image, e.g. to save it as PNG."""
    return Image.fromarray(grey, mode="L")
