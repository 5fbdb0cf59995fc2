"""Hand-like strokes for digits, in canvas coordinates, to test the reading pipeline without a screen."""

from __future__ import annotations

import numpy as np

from digit_recognizer.reading.drawing import Stroke


def line(x0: float, y0: float, x1: float, y1: float, steps: int = 20) -> list[tuple[float, float]]:
    return [(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t) for t in np.linspace(0, 1, steps)]


def one(x: float, top: float = 80, height: float = 220) -> list[Stroke]:
    return [line(x, top, x, top + height)]


def seven(x: float, top: float = 80, height: float = 220) -> list[Stroke]:
    width = height * 0.6
    return [line(x, top, x + width, top) + line(x + width, top, x + width * 0.35, top + height)[1:]]


def zero(x: float, top: float = 80, height: float = 220) -> list[Stroke]:
    angles = np.linspace(0, 2 * np.pi, 60)
    cx, cy, rx, ry = x + height * 0.3, top + height / 2, height * 0.3, height / 2
    return [[(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in angles]]


def five_with_detached_bar(x: float, top: float = 80, height: float = 220) -> list[Stroke]:
    """A 5 whose top bar was drawn separately and does not touch the body."""
    w = height * 0.55
    body = line(x + 5, top + 35, x, top + height * 0.45)
    angles = np.linspace(-np.pi * 0.75, np.pi * 0.8, 40)
    cx, cy, r = x + w * 0.45, top + height * 0.68, height * 0.3
    body += [(cx + r * np.cos(a), cy + r * np.sin(a)) for a in angles]
    return [body, line(x + 25, top, x + w, top)]


def five_with_bar_lifted_off(x: float, top: float = 80, height: float = 220, rise: float = 0.3, start: float = 0.35,
                             length: float = 0.6, slope: float = 0.3) -> list[Stroke]:
    """A 5 whose top bar was drawn apart, from ``start`` × height right of the body's left and ``rise`` × height above
    its top, ``length`` × height long to the right and rising ``slope`` × height (a negative rise: below the top)."""
    bar_x, bar_y = x + start * height, top - rise * height
    return [five_with_detached_bar(x, top, height)[0],
            line(bar_x, bar_y, bar_x + length * height, bar_y - slope * height)]


def dot(x: float, y: float) -> list[Stroke]:
    return [[(x, y)]]


def two(x: float, top: float = 80, height: float = 220) -> list[Stroke]:
    w = height * 0.6
    angles = np.linspace(np.pi * 1.05, np.pi * 2.25, 30)
    cx, cy, r = x + w / 2, top + w / 2, w / 2
    arc = [(cx + r * np.cos(a), cy + r * np.sin(a)) for a in angles]
    return [arc + line(*arc[-1], x, top + height)[1:] + line(x, top + height, x + w, top + height)[1:]]


def two_broken_apart(x: float, top: float = 80, height: float = 220, gap: float = 60) -> list[Stroke]:
    """A 2 whose arc was lifted off the page: its arc, then ``gap`` px lower the rest of its diagonal and its base."""
    w = height * 0.6
    angles = np.linspace(np.pi * 1.05, np.pi * 2.25, 30)
    cx, cy, r = x + w / 2, top + w / 2, w / 2
    arc = [(cx + r * np.cos(a), cy + r * np.sin(a)) for a in angles]
    end_x, end_y = arc[-1]
    return [arc, line(end_x - 0.12 * w, end_y + gap, x, top + height) + line(x, top + height, x + w, top + height)[1:]]


def wave(x: float, y: float = 200, width: float = 400, amplitude: float = 30) -> list[Stroke]:
    """A wavy line, as under a word."""
    return [[(x + width * t, y + amplitude * np.sin(6 * np.pi * t)) for t in np.linspace(0, 1, 80)]]


def four(x: float, top: float = 80, height: float = 220) -> list[Stroke]:
    w = height * 0.6
    bar = top + height * 0.65
    return [line(x + w * 0.55, top, x, bar) + line(x, bar, x + w, bar)[1:],
            line(x + w * 0.7, top + height * 0.3, x + w * 0.7, top + height)]


def one_with_flag(x: float, top: float = 80, height: float = 220) -> list[Stroke]:
    """A 1 written with a flag: a short stroke down to the left from its top, then the stem."""
    flag = height * 0.2
    return [line(x - flag, top + flag, x, top) + line(x, top, x, top + height)[1:]]


def cross(x: float, top: float = 80, height: float = 220) -> list[Stroke]:
    """The letter X."""
    width = height * 0.8
    return [line(x, top, x + width, top + height), line(x + width, top, x, top + height)]


def dash(x: float, y: float = 200, width: float = 200) -> list[Stroke]:
    return [line(x, y, x + width, y)]
