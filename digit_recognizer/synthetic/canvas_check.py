"""MNIST test digits redrawn large with a pen on a canvas-sized picture, to measure the reading pipeline.

A digit is upscaled, its strokes thinned to the app's pen width and placed at a random spot and size on
a white canvas; reading it back through :func:`extract_digits` should give the model what MNIST gave it.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from digit_recognizer.geometry import MNIST_SIZE
from digit_recognizer.reading.drawing import CANVAS_HEIGHT, CANVAS_WIDTH, PEN_WIDTH
from digit_recognizer.reading.preprocess import stroke_width


def draw_large(digit: np.ndarray, rng: np.random.Generator, pen_width: int = PEN_WIDTH) -> np.ndarray:
    """One uint8 (28, 28) MNIST digit → dark pen strokes on a white (CANVAS_HEIGHT, CANVAS_WIDTH) canvas."""
    height = int(rng.integers(150, CANVAS_HEIGHT - 40))
    factor = height / 20  # MNIST digits are ~20 px tall
    size = round(MNIST_SIZE * factor)
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


# Letters that are commonly written like digits (O/0, l/1, S/5, Z/2, B/8, g/9, ...) or like a part of one
# (C and U an open 0, L a 4's corner) are left out of the non-digit set: flagging them would be wrong, not honest.
DIGIT_LIKE_LETTERS = set("OoDQIlijJSsZzBbGgqTtAYCcUuL")
# Cyrillic letters that look neither like a digit (ze like 3, che like 4, be and the soft sign like 6, yu like
# 10, de like an italic 9, ef a barred 0) nor like a Latin letter (a, ve, ie, er, ha, u, ...), whose own entry decides.
CYRILLIC = "ГДЖИЙЛПЦШЩжклмнпцшщ"
# Printed symbols that are neither digit-like (circles, slashed or barred 0s, a backwards E or a brace like a 3,
# ! like a 1, ? like a 2, $ like a 5, brackets like a 1 or a C) nor a kind the benchmark's measured family draws
# by hand, nor its close relative (hearts, smileys, arrows, ticks and crosses and the root sign, plus and equals
# signs and their kin, asterisks; Greek alpha, gamma and rho are a, y and p, the integral an f).
SYMBOLS = "βηλμπψωΓΔΛΠΣΨΩ∞∇∈∩∀¬@#%~^©®µ★☆♦♣♠■▲▼◆◇□△▽♪♫☀☁"
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "C:/Windows/Fonts")
# Fonts that map letters to pictures (dingbats, math and symbol sets) or to CJK only.
NOT_TEXT_FONTS = ("Symbol", "D050000L", "Math", "Fallback", "Dingbat")
# Each glyph is printed in this many fonts drawn at random from those that have it.
FONTS_PER_GLYPH = 12


def _fonts() -> list[str]:
    """Every installed TrueType or OpenType text font."""
    found = []
    for folder in map(Path, FONT_FOLDERS):
        if folder.is_dir():
            found += [str(path) for path in sorted(folder.rglob("*")) if path.suffix.lower() in (".ttf", ".otf")
                      and not any(word in path.name for word in NOT_TEXT_FONTS)]
    return found


def _has_glyph(font: ImageFont.FreeTypeFont, char: str) -> bool:
    """Whether ``font`` draws ``char`` itself rather than its 'missing glyph' box."""
    mask = np.asarray(font.getmask(char))
    missing = np.asarray(font.getmask("\uffff"))
    return mask.size > 0 and not (mask.shape == missing.shape and (mask == missing).all())


def letters(rng: np.random.Generator, exclude: str = "") -> list[tuple[str, np.ndarray]]:
    """Every non-digit-like Latin and Cyrillic letter (but ``exclude``) and printed symbol, each in
    ``FONTS_PER_GLYPH`` installed fonts at random, drawn large, dark on white: many type designs stand in for
    the many ways hands shape a glyph."""
    chars = sorted(set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") - DIGIT_LIKE_LETTERS - set(exclude))
    fonts = [ImageFont.truetype(name, 100) for name in _fonts()]
    items = []
    for char in chars + list(CYRILLIC) + list(SYMBOLS):
        having = [font for font in fonts if _has_glyph(font, char)]
        for index in rng.permutation(len(having))[:FONTS_PER_GLYPH]:
            font = having[index].font_variant(size=int(rng.integers(180, 280)))
            image = Image.new("L", (CANVAS_WIDTH, CANVAS_HEIGHT), 255)
            ImageDraw.Draw(image).text((int(rng.integers(40, 300)), 20), char, fill=0, font=font)
            if (np.asarray(image) < 128).any():
                items.append((f"printed {char} ({Path(font.path).name})", np.asarray(image)))
    return items
