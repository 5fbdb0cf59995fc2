"""Whose ink each candidate holds, on a drawing whose owners are known."""

from __future__ import annotations

import numpy as np

from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE
from digit_recognizer.reading.segment import propose
from digit_recognizer.synthetic.compose import compose
from digit_recognizer.synthetic.ownership import ownership, segmentable
from digit_recognizer.training.data import RawMnist


def test_separate_digits_are_each_owned_by_one_candidate(mnist: RawMnist) -> None:
    rng = np.random.default_rng(3)
    drawing = compose(mnist.x_test[:3], mnist.y_test[:3], "level", rng)
    candidates = propose(drawing.image, MIN_DIGIT_SIZE)
    owned = ownership(candidates, drawing.owners)
    whole = owned.whole(0.95)
    assert set(owned.owner[whole].tolist()) == {1, 2, 3}
    assert (owned.coverage[:, 0] == 0).all() and np.allclose(owned.coverage[whole].sum(axis=1), owned.held[whole])
    assert segmentable(candidates, drawing.owners, 0.95)


def test_a_drawing_is_not_segmentable_when_the_owners_disagree_with_the_ink(mnist: RawMnist) -> None:
    """Owners that split each digit down the middle: no candidate holds one owner's ink alone."""
    rng = np.random.default_rng(3)
    drawing = compose(mnist.x_test[:2], mnist.y_test[:2], "level", rng)
    halves = np.where(drawing.owners > 0, 1 + (np.arange(drawing.owners.shape[0])[:, None] > 200), 0)
    assert not segmentable(propose(drawing.image, MIN_DIGIT_SIZE), halves.astype(np.int16), 0.7)
