"""A reading drawn over its picture: a box and a label per item, as the window shows it and Save PNG keeps it."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from digit_recognizer.reading.lines import Box
from digit_recognizer.reading.result import Reading

ACCENT, UNSURE_COLOUR = "#1a73e8", "#d93025"
# Boxes sit this many pixels outside the ink; a label needs this much height above a box.
BOX_MARGIN, LABEL_HEIGHT = 4, 18


def colour(reading: Reading, index: int) -> str:
    return UNSURE_COLOUR if reading.unsure[index] else ACCENT


def label_anchor(box: Box, canvas_height: int) -> tuple[int, int, str]:
    """Where an item's label goes: above its box, below it when the box touches the top, else inside it —
    never cut off by the canvas edge. Returns x, y and the Tk anchor ("sw" or "nw")."""
    x = box.x - BOX_MARGIN
    if box.y - BOX_MARGIN - LABEL_HEIGHT >= 0:
        return x, box.y - BOX_MARGIN - 2, "sw"
    if box.bottom + BOX_MARGIN + LABEL_HEIGHT <= canvas_height:
        return x, box.bottom + BOX_MARGIN + 2, "nw"
    return x + BOX_MARGIN + 2, box.y + 2, "nw"


def annotate(grey: np.ndarray, reading: Reading) -> Image.Image:
    """The picture in colour with the reading's boxes and labels drawn on it."""
    image = Image.fromarray(grey).convert("RGB")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=16)
    for index, box in enumerate(reading.boxes):
        outline = colour(reading, index)
        draw.rectangle((box.x - BOX_MARGIN, box.y - BOX_MARGIN, box.right + BOX_MARGIN, box.bottom + BOX_MARGIN),
                       outline=outline, width=2)
        x, y, anchor = label_anchor(box, image.height)
        draw.text((x, y), reading.describe(index), fill=outline, font=font, anchor="ld" if anchor == "sw" else "la")
    return image
