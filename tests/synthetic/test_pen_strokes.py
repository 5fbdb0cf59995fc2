"""Writers' pen digits drawn on the canvas: as tall and as thick as asked, in every layout, owners kept."""

from __future__ import annotations

import numpy as np
import pytest

from digit_recognizer.reading.preprocess import stroke_width, whole_ink
from digit_recognizer.synthetic.compose import compose, pen_strokes
from digit_recognizer.training.pendigits import PenDigit, split


@pytest.mark.parametrize("height, pen", [(60, 8), (200, 20), (300, 40)])
def test_a_pen_digit_is_as_tall_and_thick_as_asked(pen_digits: list[PenDigit], height: int, pen: int) -> None:
    digit = next(d for d in pen_digits if d.label == 2)
    mask = pen_strokes(digit, height, pen)
    assert abs(mask.shape[0] - height) <= 2
    assert stroke_width(mask.astype(np.uint8)) == pytest.approx(pen, rel=0.25)


@pytest.mark.parametrize("layout", ["level", "uneven", "touching", "two_lines"])
def test_numbers_of_one_writer_are_laid_out_with_their_owners(pen_digits: list[PenDigit], layout: str) -> None:
    train, _ = split(pen_digits)
    picks = [train[i] for i in (0, 5, 9, 14)]
    drawing = compose(picks, [d.label for d in picks], layout, np.random.default_rng(3), pen=12, mask_of=pen_strokes)
    assert "".join(drawing.lines) == "".join(str(d.label) for d in picks)
    assert set(np.unique(drawing.owners)) == {0, 1, 2, 3, 4}
    assert ((drawing.image == 0) == (drawing.owners > 0)).all()


def test_the_whole_ink_of_a_drawn_digit_is_an_mnist_like_input(pen_digits: list[PenDigit]) -> None:
    mask = pen_strokes(pen_digits[0], 250, 20)
    image = np.where(np.pad(mask, 30), 0, 255).astype(np.uint8)
    x = whole_ink(image)
    assert x.shape == (28, 28) and x.dtype == np.float32 and x.max() == 1.0
    rows, cols = np.nonzero(x > 0.5)
    assert rows.max() - rows.min() <= 21 and cols.max() - cols.min() <= 21
    assert not whole_ink(np.full((50, 50), 255, np.uint8)).any()
