"""The training writers' digits as training images: only training writers, every class, varied pens and sizes."""

from __future__ import annotations

import numpy as np

from digit_recognizer.training import pendigits, writers
from digit_recognizer.training.data import Splits
from digit_recognizer.training.pendigits import MEASURE_WRITERS, PenDigit


def test_redrawn_digits_are_mnist_like_inputs_with_their_labels(pen_digits: list[PenDigit]) -> None:
    train, _ = pendigits.split(pen_digits)
    x, y = writers.images(train[:60], copies=2, seed=0)
    assert x.shape == (120, 28, 28, 1) and x.dtype == np.float32
    assert 0 <= x.min() and x.max() == 1.0
    np.testing.assert_array_equal(y, [d.label for d in train[:60]] * 2)
    # Two redrawings of one digit differ (size, pen, slant, wobble), and the same seed draws the same images.
    assert not np.array_equal(x[0], x[60])
    np.testing.assert_array_equal(x, writers.images(train[:60], copies=2, seed=0)[0])


def test_restyling_keeps_the_strokes_apart_and_the_digit_upright_in_size(pen_digits: list[PenDigit]) -> None:
    strokes = [np.asarray(s) for s in pendigits.canvas_strokes(pen_digits[3], 1.0)]
    moved = writers.restyle(strokes, np.random.default_rng(1))
    assert [len(s) for s in moved] == [len(s) for s in strokes]
    points = np.concatenate(moved)
    assert np.allclose(points.min(axis=0), 0) and 0.8 < np.ptp(points[:, 1]) < 1.2


def test_only_training_writers_are_added_to_the_training_split(pen_digits: list[PenDigit],
                                                               monkeypatch) -> None:
    drawn: list[PenDigit] = []
    original = writers.images

    def recording(digits, copies, seed):
        drawn.extend(digits)
        return original(digits, copies, seed)

    monkeypatch.setattr(writers, "images", recording)
    empty = np.zeros((0, 28, 28, 1), np.float32)
    splits = Splits(np.zeros((5, 28, 28, 1), np.float32), np.zeros(5, np.int64), empty, np.zeros(0, np.int64),
                    empty, np.zeros(0, np.int64))
    extended = writers.with_writers(splits, copies=1, seed=0, limit=300)
    assert len(extended.y_train) == 5 + 30 and not {d.writer for d in drawn} & MEASURE_WRITERS
    assert extended.x_val is splits.x_val and extended.x_test is splits.x_test
