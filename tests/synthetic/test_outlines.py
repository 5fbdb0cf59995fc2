"""Random closed outlines drawn by hand: closed, marks apart from the outline, on the canvas, reproducibly."""

from __future__ import annotations

import cv2
import numpy as np

from digit_recognizer.reading.drawing import CANVAS_HEIGHT, CANVAS_WIDTH, MIN_DIGIT_SIZE, render_strokes
from digit_recognizer.synthetic import outlines


def _holes_and_pieces(strokes: list) -> tuple[int, int]:
    """How many closed holes the rendered ink encloses, and how many separate pieces of ink it has."""
    ink = (render_strokes(strokes) < 128).astype(np.uint8)
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    holes = sum(parent >= 0 and cv2.contourArea(contour) > 50
                for contour, (_, _, _, parent) in zip(contours, hierarchy[0], strict=True))
    return holes, cv2.connectedComponents(ink)[0] - 1


def test_outlines_are_closed_and_marked_ones_hold_separate_marks() -> None:
    drawn = outlines.drawings(200, np.random.default_rng(5))
    found = {kind: [_holes_and_pieces(strokes) for k, strokes in drawn if k == kind] for kind in outlines.KINDS}
    for kind, shapes in found.items():
        assert np.mean([holes >= 1 for holes, _ in shapes]) >= 0.9, kind
    assert np.mean([pieces >= 2 for _, pieces in found["marked"]]) >= 0.85
    assert all(pieces == 1 for kind in ("polygon", "bumpy") for _, pieces in found[kind])


def test_drawings_are_digit_sized_on_the_canvas_and_repeat_with_the_seed() -> None:
    drawn = outlines.drawings(40, np.random.default_rng(6))
    assert drawn == outlines.drawings(40, np.random.default_rng(6))
    assert [kind for kind, _ in drawn[:3]] == list(outlines.KINDS)
    for kind, strokes in drawn:
        ys, xs = np.nonzero(render_strokes(strokes) < 128)
        assert max(ys.max() - ys.min(), xs.max() - xs.min()) + 1 >= MIN_DIGIT_SIZE, kind
        assert ys.min() > 0 and xs.min() > 0 and ys.max() < CANVAS_HEIGHT - 1 and xs.max() < CANVAS_WIDTH - 1, kind
