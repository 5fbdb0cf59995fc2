"""Closed outlines that no digit makes, drawn by hand with the app's pen: the non-digits nearest to a 0.

A 0 is an oval, sometimes lopsided, pointed where the pen met itself, or wobbly. A closed outline with sharp
corners, with a row of bumps, or with marks inside it is something else: a shape, a picture. Both verifiers once
took such outlines for 0s, having seen no closed outline but a triangle, a square and a circle with a cross. Each
outline here is made at random, not from a template: corners, bumps, notches and marks in random number, place
and size, then jittered like a hand (the sketches' own :func:`hand_drawn`).

A notched oval is drawn only with marks inside: alone, it is too like the pieces a cut between touching digits
leaves of a 0, 6 or 9, and taught as a non-digit it made the reader reject more touching digits.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import cycle, islice

import numpy as np

from digit_recognizer.reading.drawing import Stroke
from digit_recognizer.synthetic.sketches import hand_drawn, random_box

# Sharp corners: a polygon of this many, each inner angle well under the near-straight angle of a rounded 0.
CORNERS = (3, 6)
# Bumps round an oval: this many, each this high relative to the oval's radius (a wobbly 0 wobbles less).
BUMPS, BUMP_HEIGHT = (5, 11), (0.15, 0.3)
# Notches cut into an oval: this many, this deep relative to its radius, this wide in radians.
NOTCHES, NOTCH_DEPTH, NOTCH_WIDTH = (1, 3), (0.35, 0.6), (0.2, 0.4)
# Marks inside an outline: at least two (a dotted zero has one).
MARKS = (2, 5)


def _closed(radius: np.ndarray, angles: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The outline r(θ) as one stroke, stretched to an oval, from a random start back to it."""
    stretch = np.exp(rng.uniform(np.log(0.6), np.log(1.6)))
    points = np.c_[stretch * radius * np.cos(angles), radius * np.sin(angles)]
    outline = np.roll(points[:-1], -int(rng.integers(len(points) - 1)), axis=0)
    return np.vstack([outline, outline[:1]])


def _polygon(rng: np.random.Generator) -> list[np.ndarray]:
    corners = int(rng.integers(*CORNERS))
    angles = rng.uniform(0, 2 * np.pi) + 2 * np.pi * (np.arange(corners) + rng.uniform(-0.25, 0.25, corners)) / corners
    radius = rng.uniform(0.7, 1.0, corners)
    return [_closed(np.r_[radius, radius[0]], np.r_[angles, angles[0]], rng)]


def _bumpy(rng: np.random.Generator) -> list[np.ndarray]:
    bumps = int(rng.integers(*BUMPS))
    angles = np.linspace(0, 2 * np.pi, 24 * bumps + 1)
    height = rng.uniform(*BUMP_HEIGHT)
    wave = np.abs(np.sin(bumps * angles / 2)) if rng.random() < 0.5 else 0.5 * (1 + np.cos(bumps * angles))
    return [_closed(1 + height * wave, angles, rng)]


def _notched(rng: np.random.Generator) -> list[np.ndarray]:
    angles = np.linspace(0, 2 * np.pi, 181)
    radius = np.ones_like(angles)
    for _ in range(int(rng.integers(*NOTCHES))):
        centre, width = rng.uniform(0, 2 * np.pi), rng.uniform(*NOTCH_WIDTH)
        offset = np.angle(np.exp(1j * (angles - centre)))
        radius -= rng.uniform(*NOTCH_DEPTH) * np.clip(1 - np.abs(offset) / width, 0, None)
    return [_closed(radius, angles, rng)]


def _marked(rng: np.random.Generator) -> list[np.ndarray]:
    """An oval, a polygon or a notched oval with dots or dashes well inside it (a small drawing's wide pen may join
    the marks to each other or, rarely, to the outline)."""
    outline = (_polygon if rng.random() < 0.3 else _notched if rng.random() < 0.2 else _oval)(rng)[0]
    low, high = outline.min(axis=0), outline.max(axis=0)
    centre, half = (low + high) / 2, (high - low) / 2
    marks = []
    for _ in range(int(rng.integers(*MARKS))):
        middle = centre + half * rng.uniform(-0.35, 0.35, 2)
        angle, length = rng.uniform(0, np.pi), rng.uniform(0, 0.3) * half.min()
        step = length / 2 * np.array([np.cos(angle), np.sin(angle)])
        marks.append(np.array([middle - step, middle + step]))
    return [outline, *marks]


def _oval(rng: np.random.Generator) -> list[np.ndarray]:
    angles = np.linspace(0, 2 * np.pi, 91)
    return [_closed(np.ones_like(angles), angles, rng)]


KINDS: dict[str, Callable[[np.random.Generator], list[np.ndarray]]] = {
    "polygon": _polygon, "bumpy": _bumpy, "marked": _marked,
}


def drawings(count: int, rng: np.random.Generator) -> list[tuple[str, list[Stroke]]]:
    """``count`` hand drawings (kind name, strokes) of random outlines, cycling through the kinds."""
    return [(kind, hand_drawn(KINDS[kind], rng, random_box(rng))) for kind in islice(cycle(KINDS), count)]
