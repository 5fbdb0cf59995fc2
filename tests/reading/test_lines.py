"""Grouping pieces of ink into lines of writing, on boxes and on rendered strokes (no model needed)."""

from __future__ import annotations

import numpy as np

from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE, render_strokes
from digit_recognizer.reading.lines import Box, group_lines, line_height, pieces
from digit_recognizer.reading.preprocess import ink_mask, shrink, to_grey, to_ink
from digit_recognizer.reading.segment import propose
from digit_recognizer.synthetic import strokes as s
from digit_recognizer.synthetic.canvas_check import draw_large
from digit_recognizer.synthetic.compose import compose
from digit_recognizer.synthetic.ownership import segmentable
from digit_recognizer.training.data import RawMnist


def test_a_wandering_row_stays_one_line_in_left_to_right_order() -> None:
    """Each digit up or down by up to ⅔ of its height from its neighbour, drawn right to left."""
    boxes = [Box(400, 100, 80, 150), Box(250, 200, 80, 150), Box(100, 100, 80, 150), Box(550, 190, 80, 150)]
    assert group_lines(boxes) == [[2, 1, 0, 3]]


def test_lines_with_an_empty_band_between_them_stay_apart() -> None:
    boxes = [Box(100, 230, 80, 120), Box(100, 40, 80, 120), Box(250, 45, 80, 120), Box(260, 235, 80, 120)]
    assert group_lines(boxes) == [[1, 2], [0, 3]]


def test_a_tall_shape_beside_two_lines_does_not_join_them() -> None:
    """An X that overlaps "47" and "25" both keeps the two lines apart; it joins one of them."""
    boxes = [Box(140, 30, 100, 150), Box(290, 30, 100, 150), Box(140, 210, 100, 160), Box(290, 210, 100, 160),
             Box(460, 110, 110, 131)]
    lines = group_lines(boxes)
    assert len(lines) == 2 and {0, 1} <= set(lines[0]) and {2, 3} <= set(lines[1])


def test_a_gently_sloped_row_is_one_line() -> None:
    boxes = [Box(40 + 110 * i, 260 - 30 * i, 80, 120) for i in range(5)]
    assert group_lines(boxes) == [[0, 1, 2, 3, 4]]


def test_a_digit_broken_in_a_stroke_is_one_line_whose_height_is_the_whole_digit() -> None:
    """A 2 whose join was lost: its arc above its base, 8 px apart, alone and in a row; lines 40 px apart stay two."""
    arc, base = Box(100, 60, 120, 90), Box(90, 158, 150, 100)
    assert group_lines([arc, base]) == [[1, 0]] or group_lines([arc, base]) == [[0, 1]]
    assert line_height([arc, base]) == 198
    row = [arc, base, Box(280, 70, 90, 190), Box(420, 60, 100, 195)]
    assert len(group_lines(row)) == 1
    assert len(group_lines([*row, Box(100, 295, 120, 190), Box(280, 300, 90, 180)])) == 2


def test_a_digit_in_one_piece_is_a_candidate_whole_however_the_seams_cut_it(mnist: RawMnist) -> None:
    """MNIST digits drawn large: seams cut a wide piece into atoms, and the whole piece stays a candidate."""
    rng = np.random.default_rng(0)
    for digit in mnist.x_train[48_000:48_500]:
        canvas = draw_large(digit, rng)
        ink, factor = shrink(to_ink(to_grey(canvas)))
        found = pieces(ink_mask(ink))
        if len(found.boxes) == 1:
            assert found.boxes[0].scaled(factor) in propose(canvas).boxes


def test_small_parts_join_the_nearest_line() -> None:
    """A 5's bar above its body belongs to the body's line, not to a line of its own."""
    boxes = [Box(100, 60, 80, 130), Box(220, 70, 80, 130), Box(235, 45, 70, 15), Box(100, 260, 80, 120)]
    assert group_lines(boxes) == [[0, 1, 2], [3]]


def test_specks_are_dropped_in_linear_time() -> None:
    """A thousand specks of dust around a drawn digit leave one piece."""
    rng = np.random.default_rng(0)
    image = render_strokes(s.seven(250)).copy()
    ys, xs = rng.integers(0, image.shape[0], 1000), rng.integers(0, image.shape[1], 1000)
    image[ys, xs] = 0
    assert len(pieces(ink_mask(to_ink(to_grey(image)))).ids) == 1


def test_a_touching_pair_is_cut_into_candidates() -> None:
    """Two 0s that touch are one piece of ink; the candidates include each 0 on its own and the pair."""
    candidates = propose(render_strokes(s.zero(150) + s.zero(150 + 0.6 * 220)))
    assert candidates.atoms_per_line[0] >= 2
    widths = sorted(box.w for box in candidates.boxes)
    assert widths[-1] > 1.8 * 0.6 * 220, "the whole pair is a candidate"
    assert any(abs(box.x - 140) < 15 and abs(box.right - 292) < 25 for box in candidates.boxes), "the left 0 alone"


def test_touching_numbers_can_be_cut_into_their_digits(mnist: RawMnist) -> None:
    """100 three-digit numbers from MNIST test digits, every neighbour touching: for most of them the candidates
    include each digit alone (≥ 70% its ink, holding ≥ 70% of it), so the right reading can be chosen (91% with
    the shipped cuts; 87% with 8 cuts a piece instead of 12, 83% with 8 told apart by where they end instead of
    where they cross the middle row, 36% with at most two cuts a piece)."""
    rng = np.random.default_rng(7)
    found = []
    for _ in range(100):
        picks = rng.integers(0, len(mnist.y_test), 3)
        drawing = compose(mnist.x_test[picks], mnist.y_test[picks], "touching", rng)
        found.append(segmentable(propose(drawing.image, MIN_DIGIT_SIZE), drawing.owners, at_least=0.7))
    assert np.mean(found) >= 0.88
