"""Things people draw on the canvas instead of a digit, as hand-like pen strokes in canvas coordinates.

A "not a digit" verifier must reject drawings it was never shown. So the non-digits come in two
families that differ by kind, not by seed: the verifier is fitted on ``FAMILIES["fit"]`` and measured
on ``FAMILIES["measure"]``, and a good score there means it learned "not a digit", not "not one of these".

Letters are hand-written templates (polylines and arcs in a unit box), never fonts. Letters that people
write like digits (O/0, l/1, S/5, Z/2, B/8, g/9, C and U as partial 0s, L as part of a 4, ...) are left
out: calling them non-digits would be wrong. Every drawing is jittered like a hand: slant, aspect, a small
tilt, over- or undershooting stroke ends, a smooth wobble of a few pixels and a random stroke order.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import cycle, islice

import numpy as np

from digit_recognizer.reading.drawing import CANVAS_HEIGHT, CANVAS_WIDTH, Stroke

Box = tuple[float, float, float, float]
Template = Callable[[np.random.Generator], list[np.ndarray]]

# 15 px from every edge keeps a 20 px pen's ink on the canvas.
MARGIN = 15
MIN_HEIGHT, MAX_HEIGHT = 90, 330
# Re-walking strokes every few pixels lets the wobble bend them smoothly instead of only at corners; much
# closer points only add notches where Pillow joins its wide line segments.
SPACING = 8.0


def _line(*points: tuple[float, float]) -> np.ndarray:
    return np.asarray(points, dtype=float)


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, stop: float) -> np.ndarray:
    """Points on an ellipse from angle `start` to `stop`, in degrees; 0° is right, 90° is down (canvas y)."""
    angles = np.radians(np.linspace(start, stop, max(8, int(abs(stop - start) / 6))))
    return np.c_[cx + rx * np.cos(angles), cy + ry * np.sin(angles)]


def _chain(*parts: np.ndarray) -> np.ndarray:
    return np.vstack(parts)


# Letters, each a list of strokes in a box of height 1 (y down), with the letter's natural width.
def _letter_e_upper(rng: np.random.Generator) -> list[np.ndarray]:
    middle = _line((0, 0.5), (0.45, 0.5))
    if rng.random() < 0.5:
        return [_line((0.6, 0), (0, 0), (0, 1), (0.6, 1)), middle]
    return [_line((0, 0), (0, 1)), _line((0, 0), (0.6, 0)), middle, _line((0, 1), (0.6, 1))]


def _letter_f_upper(rng: np.random.Generator) -> list[np.ndarray]:
    middle = _line((0, 0.47), (0.42, 0.47))
    if rng.random() < 0.5:
        return [_line((0.55, 0), (0, 0), (0, 1)), middle]
    return [_line((0, 0), (0, 1)), _line((0, 0), (0.55, 0)), middle]


def _letter_h_upper(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0, 0), (0, 1)), _line((0.65, 0), (0.65, 1)), _line((0, 0.5), (0.65, 0.5))]


def _letter_k_upper(rng: np.random.Generator) -> list[np.ndarray]:
    if rng.random() < 0.5:
        return [_line((0, 0), (0, 1)), _line((0.6, 0), (0.02, 0.5), (0.62, 1))]
    return [_line((0, 0), (0, 1)), _line((0.6, 0), (0, 0.58)), _line((0.2, 0.42), (0.65, 1))]


def _letter_m_upper(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0, 1), (0.05, 0), (0.4, 0.65), (0.75, 0), (0.8, 1))]


def _letter_n_upper(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0, 1), (0, 0), (0.65, 1), (0.65, 0))]


def _letter_w_upper(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0, 0), (0.22, 1), (0.45, 0.3), (0.68, 1), (0.9, 0))]


def _letter_h(rng: np.random.Generator) -> list[np.ndarray]:
    arch = _chain(_arc(0.25, 0.62, 0.25, 0.22, 180, 360), _line((0.5, 1)))
    return [_line((0, 0), (0, 1)), arch]


def _letter_k(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0, 0), (0, 1)), _line((0.45, 0.4), (0.02, 0.72), (0.45, 1))]


def _letter_m(rng: np.random.Generator) -> list[np.ndarray]:
    first = _chain(_arc(0.27, 0.3, 0.27, 0.27, 180, 360), _line((0.54, 1)))
    second = _chain(_arc(0.81, 0.3, 0.27, 0.27, 180, 360), _line((1.08, 1)))
    return [_line((0, 0), (0, 1)), first, second]


def _letter_n(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0, 0), (0, 1)), _chain(_arc(0.4, 0.32, 0.4, 0.3, 180, 360), _line((0.8, 1)))]


def _letter_r(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0, 0), (0, 1)), _arc(0.28, 0.4, 0.28, 0.3, 180, 300)]


def _letter_e(rng: np.random.Generator) -> list[np.ndarray]:
    return [_chain(_line((0.05, 0.52), (0.75, 0.52)), _arc(0.4, 0.52, 0.36, 0.46, 0, -320))]


def _letter_w(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0, 0), (0.22, 0.7), (0.45, 0.15), (0.68, 0.7), (0.9, 0))]


def _letter_x_upper(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0, 0), (0.7, 1)), _line((0.7, 0), (0, 1))]


def _letter_r_upper(rng: np.random.Generator) -> list[np.ndarray]:
    bowl_and_leg = _chain(_line((0, 0), (0.3, 0)), _arc(0.3, 0.25, 0.28, 0.25, -90, 90), _line((0.05, 0.5), (0.62, 1)))
    return [_line((0, 0), (0, 1)), bowl_and_leg]


def _letter_p_upper(rng: np.random.Generator) -> list[np.ndarray]:
    bowl = _chain(_line((0, 0), (0.3, 0)), _arc(0.3, 0.26, 0.28, 0.26, -90, 90), _line((0, 0.52)))
    return [_line((0, 0), (0, 1)), bowl]


def _letter_v_upper(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0, 0), (0.35, 1), (0.7, 0))]


def _letter_a(rng: np.random.Generator) -> list[np.ndarray]:
    return [_chain(_arc(0.3, 0.5, 0.3, 0.45, -20, -360), _line((0.6, 0.05), (0.6, 0.9), (0.7, 1)))]


def _letter_f(rng: np.random.Generator) -> list[np.ndarray]:
    return [_chain(_arc(0.38, 0.2, 0.2, 0.2, -10, -180), _line((0.18, 1))), _line((0, 0.42), (0.42, 0.42))]


def _letter_x(rng: np.random.Generator) -> list[np.ndarray]:
    return [_arc(-0.15, 0.5, 0.5, 0.55, -65, 65), _arc(0.85, 0.5, 0.5, 0.55, 115, 245)]


def _letter_y(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0, 0), (0.36, 0.5)), _line((0.7, 0), (0.12, 1), (0, 0.95))]


def _letter_p(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0, 0), (0, 1)), _chain(_arc(0.25, 0.25, 0.28, 0.22, -150, 150), _line((0, 0.42)))]


def _letter_d(rng: np.random.Generator) -> list[np.ndarray]:
    return [_arc(0.3, 0.68, 0.3, 0.32, -20, -360), _line((0.6, 0), (0.6, 1))]


# Shapes and marks, in a unit box.
def _triangle(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0.5, 0), (1, 0.87), (0, 0.87), (0.5, 0))]


def _square(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0, 0), (1, 0), (1, 1), (0, 1), (0, 0))]


def _star(rng: np.random.Generator) -> list[np.ndarray]:
    """A pentagram in one stroke, the way stars are doodled."""
    angles = np.radians(-90 + 144 * np.arange(6))
    return [np.c_[np.cos(angles), np.sin(angles)]]


def _spiral(rng: np.random.Generator) -> list[np.ndarray]:
    """Two to three turns: fewer would read as a 6 or a 0, more close up into a blob under a 20 px pen."""
    turns = rng.uniform(2, 3)
    angles = np.linspace(0, 2 * np.pi * turns, int(60 * turns))
    radius = angles / angles[-1]
    return [np.c_[radius * np.cos(angles) * rng.choice([-1, 1]), radius * np.sin(angles)]]


def _hash(rng: np.random.Generator) -> list[np.ndarray]:
    return [
        _line((0, 0.33), (1, 0.33)),
        _line((0, 0.67), (1, 0.67)),
        _line((0.33, 0), (0.33, 1)),
        _line((0.67, 0), (0.67, 1)),
    ]


def _scribble(rng: np.random.Generator) -> list[np.ndarray]:
    """One or two tangles of looping pen (random sums of sinusoids), stretched over a square.

    Up and down runs 1.25–1.6 times as fast as left and right: at the same pace the pen goes round one oval
    (a 0 gone over), at twice the pace it draws an 8. A tangle is redrawn until its path is 6 to 13 times
    the square's side: shorter ones can be a lone loop (a 0, a 6, an a), longer ones fill in to a blob
    under a 20 px pen.
    """
    while True:
        strokes = []
        for _ in range(int(rng.integers(1, 3))):
            t = np.linspace(0, rng.uniform(2.5, 3.5) * np.pi, 140)[:, None, None]
            across = rng.uniform(1, 2.5, size=3)
            rates = np.c_[across, across * rng.uniform(1.25, 1.6, size=3)]
            loops = np.sum(rng.uniform(0.3, 1, size=(3, 2)) * np.sin(rates * t + rng.uniform(0, 2 * np.pi, (3, 2))), 1)
            strokes.append(rng.normal(0, 0.5, size=2) + loops)
        # Stretched to a square: a scribble covers an area, and a long thin one would pass for a 1 or a dash.
        extent = np.ptp(np.vstack(strokes), axis=0)
        strokes = [stroke / extent for stroke in strokes]
        if 6 <= sum(np.linalg.norm(np.diff(stroke, axis=0), axis=1).sum() for stroke in strokes) <= 13:
            return strokes


def _circle_cross(rng: np.random.Generator) -> list[np.ndarray]:
    """A circle with a cross through it that reaches past the rim: a single slash would be a slashed zero."""
    return [_arc(0.5, 0.5, 0.35, 0.35, 0, 365), _line((0.5, 0), (0.5, 1)), _line((0, 0.5), (1, 0.5))]


def _wave(rng: np.random.Generator) -> list[np.ndarray]:
    periods = rng.uniform(1.5, 3)
    x = np.linspace(0, periods, int(40 * periods))
    return [np.c_[x, 0.3 * np.sin(2 * np.pi * x)]]


def _diamond(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0.5, 0), (1, 0.6), (0.5, 1.2), (0, 0.6), (0.5, 0))]


def _crescent(rng: np.random.Generator) -> list[np.ndarray]:
    """A moon: two arcs meeting at sharp horns, never a closed ring."""
    outer = _arc(0.5, 0.5, 0.5, 0.5, -70, -290)
    return [_chain(outer, _arc(0.72, 0.5, 0.36, 0.5, 110, 250)[::-1])]


def _cloud(rng: np.random.Generator) -> list[np.ndarray]:
    """Five to seven bumps round an oval, in one stroke."""
    bumps = int(rng.integers(5, 8))
    t = np.linspace(0, 2 * np.pi, 30 * bumps)
    radius = 1 + 0.18 * np.abs(np.sin(bumps * t / 2))
    return [np.c_[1.5 * radius * np.cos(t), radius * np.sin(t)]]


def _house(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0, 0.45), (0, 1), (0.8, 1), (0.8, 0.45)), _line((-0.05, 0.5), (0.4, 0), (0.85, 0.5))]


def _sun(rng: np.random.Generator) -> list[np.ndarray]:
    rays = int(rng.integers(6, 10))
    angles = 2 * np.pi * np.arange(rays) / rays + rng.uniform(0, np.pi)
    spokes = [_line((0.55 * np.cos(a), 0.55 * np.sin(a)), (np.cos(a), np.sin(a))) for a in angles]
    return [_arc(0, 0, 0.4, 0.4, 0, 365), *spokes]


def _flower(rng: np.random.Generator) -> list[np.ndarray]:
    """Petals round a centre in one looping stroke (a rose curve), sometimes with a stem."""
    petals = int(rng.choice([3, 5, 7]))
    t = np.linspace(0, np.pi, 40 * petals)
    radius = np.cos(petals * t)
    strokes = [np.c_[radius * np.cos(t), radius * np.sin(t)]]
    return strokes + ([_line((0, 0.3), (0, 1.8))] if rng.random() < 0.5 else [])


def _infinity(rng: np.random.Generator) -> list[np.ndarray]:
    t = np.linspace(0, 2 * np.pi, 80)
    return [np.c_[np.cos(t), np.sin(2 * t) / 2.2]]


def _fish(rng: np.random.Generator) -> list[np.ndarray]:
    body = _arc(0.4, 0.5, 0.4, 0.25, 30, 330)
    return [_chain(body, _line((1, 0.2), (1, 0.8)), body[:1])]


def _stick_figure(rng: np.random.Generator) -> list[np.ndarray]:
    return [
        _arc(0.4, 0.12, 0.12, 0.12, 0, 365),
        _line((0.4, 0.24), (0.4, 0.65)),
        _line((0.1, 0.4), (0.7, 0.4)),
        _line((0.15, 1), (0.4, 0.65), (0.65, 1)),
    ]


def _cube(rng: np.random.Generator) -> list[np.ndarray]:
    front, back = np.array([(0, 0.3), (0.7, 0.3), (0.7, 1), (0, 1), (0, 0.3)]), np.array([0.3, -0.3])
    edges = [_line(tuple(corner), tuple(corner + back)) for corner in front[:3]]
    return [front, _line(*(tuple(corner + back) for corner in front[:3])), *edges]


def _plus(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0.5, 0), (0.5, 1)), _line((0, 0.5), (1, 0.5))]


def _equals(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0, 0), (1, 0)), _line((0.03, 0.3), (1.02, 0.3))]


def _arrow(rng: np.random.Generator) -> list[np.ndarray]:
    """Pointing left or right, up to 40° off level: an upright arrow drifts towards a 1 or a 4."""
    strokes = [_line((0, 0), (1, 0)), _line((0.72, -0.25), (1, 0), (0.72, 0.25))]
    turn = np.radians(rng.uniform(-40, 40)) + np.pi * rng.integers(2)
    rotation = np.array([[np.cos(turn), np.sin(turn)], [-np.sin(turn), np.cos(turn)]])
    return [stroke @ rotation for stroke in strokes]


def _check(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0, 0.6), (0.3, 1), (1, 0))]


def _heart(rng: np.random.Generator) -> list[np.ndarray]:
    t = np.linspace(0, 2 * np.pi, 80)
    x = 16 * np.sin(t) ** 3
    y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
    outline = np.c_[x, y]
    if rng.random() < 0.5:
        return [outline]
    return [outline[:41], outline[40:][::-1]]  # the two halves, both drawn from the top dip down


def _zigzag(rng: np.random.Generator) -> list[np.ndarray]:
    """Six to ten low teeth in a row: fewer or taller ones turn into a Z, an N, an M or a W."""
    count = int(rng.integers(6, 11))
    return [np.c_[np.arange(count + 1) * 0.3, 0.55 * (np.arange(count + 1) % 2)]]


def _dash(rng: np.random.Generator) -> list[np.ndarray]:
    return [_line((0, 0), (1, 0))]


def _dot_cluster(rng: np.random.Generator) -> list[np.ndarray]:
    """Short dabs within 30° of level: each is a piece of its own, and a long steep one would be a 1."""
    dabs = []
    for _ in range(int(rng.integers(3, 7))):
        centre, angle, length = rng.uniform(0, 1, size=2), np.radians(rng.uniform(-30, 30)), rng.uniform(0, 0.07)
        half = length / 2 * np.array([np.cos(angle), np.sin(angle)])
        dabs.append(np.array([centre - half, centre + half]))
    return dabs


def _loop(rng: np.random.Generator) -> list[np.ndarray]:
    """Cursive e-loops in a row (a prolate cycloid), as when someone tests the pen."""
    loops, depth = int(rng.integers(3, 6)), rng.uniform(1.6, 2.2)
    t = np.linspace(-np.pi, 2 * np.pi * loops - np.pi / 2, 50 * loops)
    return [np.c_[t - depth * np.sin(t), -0.7 * depth * np.cos(t)]]


def _smiley(rng: np.random.Generator) -> list[np.ndarray]:
    return [
        _arc(0.5, 0.5, 0.5, 0.5, -90, 272),
        _line((0.35, 0.33), (0.35, 0.4)),
        _line((0.65, 0.33), (0.65, 0.4)),
        _arc(0.5, 0.5, 0.28, 0.26, 25, 155),
    ]


def _asterisk(rng: np.random.Generator) -> list[np.ndarray]:
    arms = int(rng.integers(3, 5))
    angles = np.pi / 2 + np.pi * np.arange(arms) / arms
    return [_line((np.cos(a), np.sin(a)), (-np.cos(a), -np.sin(a))) for a in angles]


# Digits as people draw them with a mouse or a stylus: clean strokes, in the common variants. They are not
# non-digits: the verifier learns from them that a whole digit can be drawn with straight lines and round arcs.
def _digit_0(rng: np.random.Generator) -> list[np.ndarray]:
    start = rng.uniform(-120, -60)
    return [_arc(0.3, 0.5, 0.3, 0.5, start, start + rng.uniform(350, 380))]


def _digit_1(rng: np.random.Generator) -> list[np.ndarray]:
    stem = _line((0.3, 0), (0.3, 1))
    if rng.random() < 0.5:
        return [stem]
    flagged = [_chain(_line((0.1, 0.2)), stem)]
    return flagged + ([_line((0.1, 1), (0.5, 1))] if rng.random() < 0.4 else [])


def _digit_2(rng: np.random.Generator) -> list[np.ndarray]:
    return [_chain(_arc(0.3, 0.28, 0.3, 0.28, 190, 370), _line((0.58, 0.38), (0, 1), (0.62, 1)))]


def _digit_3(rng: np.random.Generator) -> list[np.ndarray]:
    return [_chain(_arc(0.3, 0.25, 0.28, 0.25, 200, 450), _arc(0.3, 0.74, 0.3, 0.26, 270, 520))]


def _digit_4(rng: np.random.Generator) -> list[np.ndarray]:
    if rng.random() < 0.5:
        return [_line((0.4, 0), (0, 0.65), (0.6, 0.65)), _line((0.45, 0.3), (0.45, 1))]
    return [_line((0.05, 0), (0.05, 0.6), (0.6, 0.6)), _line((0.5, 0), (0.5, 1))]


def _digit_5(rng: np.random.Generator) -> list[np.ndarray]:
    body = _chain(_line((0.08, 0), (0.03, 0.45)), _arc(0.3, 0.7, 0.3, 0.3, 230, 500))
    return [body, _line((0.08, 0), (0.6, 0))]


def _digit_6(rng: np.random.Generator) -> list[np.ndarray]:
    return [_chain(_arc(0.5, 0.55, 0.5, 0.55, 250, 180), _arc(0.3, 0.72, 0.3, 0.28, 180, 540))]


def _digit_7(rng: np.random.Generator) -> list[np.ndarray]:
    strokes = [_line((0, 0), (0.6, 0), (0.2, 1))]
    return strokes + ([_line((0.2, 0.5), (0.55, 0.5))] if rng.random() < 0.3 else [])


def _digit_8(rng: np.random.Generator) -> list[np.ndarray]:
    return [_chain(_arc(0.3, 0.25, 0.24, 0.25, 90, 450), _arc(0.3, 0.74, 0.3, 0.26, -90, 270))]


def _digit_9(rng: np.random.Generator) -> list[np.ndarray]:
    stem = _line((0.58, 0.3), (0.5, 1)) if rng.random() < 0.6 else _arc(0.3, 0.3, 0.28, 0.7, 0, 90)
    return [_chain(_arc(0.3, 0.3, 0.28, 0.3, 0, 360), stem)]


DIGIT_TEMPLATES: dict[int, Template] = {
    0: _digit_0, 1: _digit_1, 2: _digit_2, 3: _digit_3, 4: _digit_4,
    5: _digit_5, 6: _digit_6, 7: _digit_7, 8: _digit_8, 9: _digit_9,
}


_TEMPLATES: dict[str, Template] = {
    "letter_E": _letter_e_upper,
    "letter_F": _letter_f_upper,
    "letter_H": _letter_h_upper,
    "letter_K": _letter_k_upper,
    "letter_M": _letter_m_upper,
    "letter_N": _letter_n_upper,
    "letter_W": _letter_w_upper,
    "letter_h": _letter_h,
    "letter_k": _letter_k,
    "letter_m": _letter_m,
    "letter_n": _letter_n,
    "letter_r": _letter_r,
    "letter_e": _letter_e,
    "letter_w": _letter_w,
    "triangle": _triangle,
    "square": _square,
    "star": _star,
    "spiral": _spiral,
    "hash": _hash,
    "scribble": _scribble,
    "circle_cross": _circle_cross,
    "wave": _wave,
    "diamond": _diamond,
    "crescent": _crescent,
    "cloud": _cloud,
    "house": _house,
    "sun": _sun,
    "flower": _flower,
    "infinity": _infinity,
    "fish": _fish,
    "stick_figure": _stick_figure,
    "cube": _cube,
    "letter_X": _letter_x_upper,
    "letter_R": _letter_r_upper,
    "letter_P": _letter_p_upper,
    "letter_V": _letter_v_upper,
    "letter_a": _letter_a,
    "letter_f": _letter_f,
    "letter_x": _letter_x,
    "letter_y": _letter_y,
    "letter_p": _letter_p,
    "letter_d": _letter_d,
    "plus": _plus,
    "equals": _equals,
    "arrow": _arrow,
    "check": _check,
    "heart": _heart,
    "zigzag": _zigzag,
    "dash": _dash,
    "dot_cluster": _dot_cluster,
    "loop": _loop,
    "smiley": _smiley,
    "asterisk": _asterisk,
}

FAMILIES: dict[str, tuple[str, ...]] = {
    "fit": (
        *(f"letter_{c}" for c in "EFHKMNWhkmnrew"),
        "triangle", "square", "star", "spiral", "hash", "scribble", "circle_cross", "wave",
    ),
    "measure": (
        *(f"letter_{c}" for c in "XRPVafxypd"),
        "plus", "equals", "arrow", "check", "heart", "zigzag", "dash", "dot_cluster", "loop", "smiley", "asterisk",
        "diamond", "crescent", "cloud", "house", "sun", "flower", "infinity", "fish", "stick_figure", "cube",
    ),
}


def _fit(strokes: list[np.ndarray], box: Box) -> list[np.ndarray]:
    """Scaled evenly to fill `box` on its tighter side, centred in it."""
    points = np.vstack(strokes)
    low, high = points.min(axis=0), points.max(axis=0)
    x, y, width, height = box
    scale = min(width / max(high[0] - low[0], 1e-9), height / max(high[1] - low[1], 1e-9))
    offset = np.array([x + width / 2, y + height / 2]) - (low + high) / 2 * scale
    return [stroke * scale + offset for stroke in strokes]


def _hand(strokes: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """The template as one hand would write it: wider or narrower, slanted up to 15°, tilted a little."""
    centre = np.vstack(strokes).mean(axis=0)
    slant, tilt = np.radians(rng.uniform(-15, 15)), np.radians(rng.uniform(-5, 5))
    aspect = np.exp(rng.uniform(np.log(0.8), np.log(1.25)))
    shape = np.array([[aspect, 0], [-np.tan(slant), 1]])  # row vectors: x' = aspect·x − tan(slant)·y
    rotation = np.array([[np.cos(tilt), np.sin(tilt)], [-np.sin(tilt), np.cos(tilt)]])
    return [(stroke - centre) @ shape @ rotation for stroke in strokes]


def _rewalk(stroke: np.ndarray, start: float, end: float) -> np.ndarray:
    """The stroke walked every few px from `start` px along it to `end` px; past either end it goes straight on."""
    stroke = stroke[np.r_[True, np.linalg.norm(np.diff(stroke, axis=0), axis=1) > 1e-9]]
    if len(stroke) < 2:
        return stroke
    along = np.r_[0, np.cumsum(np.linalg.norm(np.diff(stroke, axis=0), axis=1))]
    t = np.linspace(start, end, max(2, int(np.ceil(abs(end - start) / SPACING)) + 1))
    walked = np.c_[np.interp(t, along, stroke[:, 0]), np.interp(t, along, stroke[:, 1])]
    first, last = stroke[1] - stroke[0], stroke[-1] - stroke[-2]
    walked[t < 0] = stroke[0] + np.outer(t[t < 0], first / np.linalg.norm(first))
    walked[t > along[-1]] = stroke[-1] + np.outer(t[t > along[-1]] - along[-1], last / np.linalg.norm(last))
    return walked


def _pen(stroke: np.ndarray, rng: np.random.Generator, size: float) -> np.ndarray:
    """Ends that stop short or overshoot, and a smooth wobble of a few px, like a real pen stroke."""
    if len(stroke) < 2:
        return stroke
    length = float(np.linalg.norm(np.diff(stroke, axis=0), axis=1).sum())
    reach = min(0.04 * size, 0.2 * length)
    stroke = _rewalk(stroke, rng.uniform(-reach, reach), length - rng.uniform(-reach, reach))
    along = np.r_[0, np.cumsum(np.linalg.norm(np.diff(stroke, axis=0), axis=1))]
    wobble = np.zeros_like(stroke)
    for _ in range(2):
        wavelength, phase = rng.uniform(60, 200), rng.uniform(0, 2 * np.pi, size=2)
        wobble += rng.uniform(0.5, 1.8, size=2) * np.sin(2 * np.pi * along[:, None] / wavelength + phase)
    return stroke + wobble


def sketch(kind: str, rng: np.random.Generator, box: Box) -> list[list[tuple[float, float]]]:
    """Strokes of one drawing of `kind`, fitted inside box = (x, y, width, height) on the canvas."""
    if kind not in _TEMPLATES:
        raise ValueError(f"Unknown sketch kind {kind!r}; the kinds are {', '.join(_TEMPLATES)}.")
    return hand_drawn(_TEMPLATES[kind], rng, box)


def pen_digit_strokes(digit: int, rng: np.random.Generator, box: Box) -> list[list[tuple[float, float]]]:
    """Strokes of one hand-drawn ``digit`` (a clean-stroke template, jittered like a hand), fitted inside box."""
    return hand_drawn(DIGIT_TEMPLATES[digit], rng, box)


def hand_drawn(template: Template, rng: np.random.Generator, box: Box) -> list[list[tuple[float, float]]]:
    """Strokes of one drawing of ``template``, jittered like a hand and fitted inside box."""
    strokes = _fit(_hand(template(rng), rng), box)
    size = float(np.ptp(np.vstack(strokes), axis=0).max())
    strokes = _fit([_pen(stroke, rng, size) for stroke in strokes], box)
    # People start a letter with different strokes and pull some of them backwards.
    order = rng.permutation(len(strokes))
    strokes = [strokes[i][::-1] if rng.random() < 0.25 else strokes[i] for i in order]
    return [[(float(x), float(y)) for x, y in stroke] for stroke in strokes]


def non_digits(family: str, count: int, rng: np.random.Generator) -> list[tuple[str, list[Stroke]]]:
    """`count` drawings (kind name, strokes) cycling through the family's kinds, each in a :func:`random_box`."""
    if family not in FAMILIES:
        raise ValueError(f"Unknown sketch family {family!r}; the families are {', '.join(FAMILIES)}.")
    return [(kind, sketch(kind, rng, random_box(rng))) for kind in islice(cycle(FAMILIES[family]), count)]


def random_box(rng: np.random.Generator) -> Box:
    """A box 90–330 px high at a random spot 15 px inside the canvas, so that a 20 px pen's ink stays on it, and
    up to 2.5 times as wide as high: a letter fills the height, a dash or a row of loops gets the room."""
    height = rng.uniform(MIN_HEIGHT, MAX_HEIGHT)
    width = min(height * rng.uniform(0.8, 2.5), CANVAS_WIDTH - 2 * MARGIN)
    x = rng.uniform(MARGIN, CANVAS_WIDTH - MARGIN - width)
    y = rng.uniform(MARGIN, CANVAS_HEIGHT - MARGIN - height)
    return x, y, width, height
