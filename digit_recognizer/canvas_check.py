"""MNIST test digits redrawn large with a pen on a canvas-sized picture, to measure the reading pipeline.

A digit is upscaled, its strokes thinned to the app's pen width and placed at a random spot and size on
a white canvas; reading it back through :func:`extract_digits` should give the model what MNIST gave it.
"""

from __future__ import annotations

import cv2
import numpy as np

from digit_recognizer.drawing import CANVAS_HEIGHT, CANVAS_WIDTH, PEN_WIDTH
from digit_recognizer.preprocess import stroke_width


def draw_large(digit: np.ndarray, rng: np.random.Generator, pen_width: int = PEN_WIDTH) -> np.ndarray:
    """One uint8 (28, 28) MNIST digit → dark pen strokes on a white (CANVAS_HEIGHT, CANVAS_WIDTH) canvas."""
    height = int(rng.integers(150, CANVAS_HEIGHT - 40))
    factor = height / 20  # MNIST digits are ~20 px tall
    size = round(28 * factor)
    big = cv2.resize(digit, (size, size), interpolation=cv2.INTER_CUBIC)
    mask = (big > 127).astype(np.uint8)
    thin_by = round(stroke_width(mask) - pen_width)
    if thin_by >= 2:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (thin_by + 1, thin_by + 1))
        eroded = cv2.erode(mask, kernel)
        mask = eroded if eroded.any() else mask
    ys, xs = np.nonzero(mask)
    mask = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    if mask.shape[0] > CANVAS_HEIGHT - 10 or mask.shape[1] > CANVAS_WIDTH - 10:
        fit = min((CANVAS_HEIGHT - 10) / mask.shape[0], (CANVAS_WIDTH - 10) / mask.shape[1])
        mask = cv2.resize(mask, None, fx=fit, fy=fit, interpolation=cv2.INTER_NEAREST)
    canvas = np.full((CANVAS_HEIGHT, CANVAS_WIDTH), 255, np.uint8)
    top = int(rng.integers(5, CANVAS_HEIGHT - mask.shape[0] - 4))
    left = int(rng.integers(5, CANVAS_WIDTH - mask.shape[1] - 4))
    region = canvas[top : top + mask.shape[0], left : left + mask.shape[1]]
    region[mask > 0] = 0
    return canvas


# Letters that are commonly written like digits (O/0, l/1, S/5, Z/2, B/8, g/9, ...) are left out of the
# non-digit set: flagging them would be wrong, not honest.
DIGIT_LIKE_LETTERS = set("OoDQIlijJSsZzBbGgqTtAY")
# Printed symbols that are neither digit-like (○ ● ∂ §) nor a kind the benchmark's measured family draws by hand
# (hearts, smileys, arrows, plus and equals signs, asterisks, ticks, ampersands).
SYMBOLS = "αβγδεζηθλμξπρσφψωΓΔΘΛΞΠΣΦΨΩ∞≈≠±√∫∇∈∩\u222a∀∃¬@#$%?!{}[]~^©®µ★☆♦♣♠■▲▼◆◇□△▽♪♫☀☁✗Ж"
FONT_CANDIDATES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf")


def _fonts() -> list[str]:
    from PIL import ImageFont

    found = []
    for name in FONT_CANDIDATES:
        try:
            ImageFont.truetype(name, 12)
            found.append(name)
        except OSError:
            continue
    return found


def letters(rng: np.random.Generator, exclude: str = "") -> list[tuple[str, np.ndarray]]:
    """Every non-digit-like Latin letter (but ``exclude``) and printed symbol in each available TrueType font,
    drawn large, dark on white."""
    from PIL import Image, ImageDraw, ImageFont

    chars = sorted(set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") - DIGIT_LIKE_LETTERS - set(exclude))
    items = []
    for font_name in _fonts():
        for char in chars + list(SYMBOLS):
            font = ImageFont.truetype(font_name, int(rng.integers(180, 280)))
            image = Image.new("L", (CANVAS_WIDTH, CANVAS_HEIGHT), 255)
            ImageDraw.Draw(image).text((int(rng.integers(40, 300)), 20), char, fill=0, font=font)
            if (np.asarray(image) < 128).any():
                items.append((f"printed {char} ({font_name})", np.asarray(image)))
    return items
