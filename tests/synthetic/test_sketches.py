"""Non-digit sketches: every kind draws visible ink where it was asked to, reproducibly, in two disjoint families."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from digit_recognizer.reading.drawing import CANVAS_HEIGHT, CANVAS_WIDTH, MIN_DIGIT_SIZE, PEN_WIDTH, render_strokes
from digit_recognizer.synthetic.compose import beside, compose
from digit_recognizer.synthetic.sketches import FAMILIES, non_digits, pen_digit_strokes, sketch
from digit_recognizer.training.data import RawMnist

ALL_KINDS = [kind for kinds in FAMILIES.values() for kind in kinds]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_kind_draws_ink_inside_its_box(kind: str) -> None:
    rng = np.random.default_rng(0)
    for box in [(100.0, 50.0, 200.0, 250.0), (20.0, 20.0, 600.0, 90.0)]:
        strokes = sketch(kind, rng, box)
        points = np.array([point for stroke in strokes for point in stroke])
        x, y, width, height = box
        assert (points >= [x - 1e-6, y - 1e-6]).all() and (points <= [x + width + 1e-6, y + height + 1e-6]).all()
        assert (render_strokes(strokes) < 128).sum() > 500


def test_families_are_disjoint_and_not_empty() -> None:
    assert set(FAMILIES) == {"fit", "measure"}
    assert all(FAMILIES.values())
    assert not set(FAMILIES["fit"]) & set(FAMILIES["measure"])
    assert len(ALL_KINDS) == len(set(ALL_KINDS))


def test_the_same_seed_draws_the_same_strokes() -> None:
    first = non_digits("measure", 25, np.random.default_rng(7))
    assert first == non_digits("measure", 25, np.random.default_rng(7))
    assert first != non_digits("measure", 25, np.random.default_rng(8))


@pytest.mark.parametrize("family", FAMILIES)
def test_non_digits_cycle_through_every_kind(family: str) -> None:
    kinds = FAMILIES[family]
    drawings = non_digits(family, 2 * len(kinds) + 1, np.random.default_rng(1))
    assert [kind for kind, _ in drawings] == [*kinds, *kinds, kinds[0]]


@pytest.mark.parametrize("family", FAMILIES)
def test_every_drawing_is_digit_sized_and_on_the_canvas(family: str) -> None:
    for kind, strokes in non_digits(family, 3 * len(FAMILIES[family]), np.random.default_rng(2)):
        ys, xs = np.nonzero(render_strokes(strokes) < 128)
        assert max(ys.max() - ys.min(), xs.max() - xs.min()) + 1 >= MIN_DIGIT_SIZE, kind
        # Ink on the edge would mean the pen ran off the canvas.
        assert ys.min() > 0 and xs.min() > 0, kind
        assert ys.max() < CANVAS_HEIGHT - 1 and xs.max() < CANVAS_WIDTH - 1, kind


def test_unknown_kind_or_family_is_refused_with_the_valid_names() -> None:
    with pytest.raises(ValueError, match=r"letter_E.*asterisk"):
        sketch("letter_O", np.random.default_rng(0), (0, 0, 100, 100))
    with pytest.raises(ValueError, match="fit, measure"):
        non_digits("train", 3, np.random.default_rng(0))


def test_pen_drawn_digits_are_read_as_themselves(models_dir: Path) -> None:
    """The clean-stroke digits the verifier learns from are real digits: the shipped CNN reads them."""
    from digit_recognizer.reading.forward import predict
    from digit_recognizer.reading.loading import ModelShelf
    from digit_recognizer.reading.segment import propose

    model = ModelShelf(models_dir).get("cnn")
    rng = np.random.default_rng(3)
    right = []
    for index in range(60):
        digit = index % 10
        strokes = pen_digit_strokes(digit, rng, (200, 60, 200, 280))
        ys, xs = np.nonzero(render_strokes(strokes) < 128)
        assert 180 <= xs.min() and xs.max() <= 420 and 40 <= ys.min() and ys.max() <= 360
        candidates = propose(render_strokes(strokes))
        whole = max(range(len(candidates)), key=lambda i: candidates.masks[i].sum())
        right.append(int(predict(model, candidates.batch[whole : whole + 1]).argmax()) == digit)
    assert np.mean(right) >= 0.9


def test_a_shape_beside_a_number_sits_on_its_line_right_of_it(mnist: RawMnist) -> None:
    """The number's ink is kept; the shape's ink starts right of it, within the number's rows, about as tall."""
    rng = np.random.default_rng(3)
    for kind, strokes in non_digits("measure", 10, rng):
        drawing = compose(mnist.x_test[:2], mnist.y_test[:2], "level", rng)
        image = beside(drawing, strokes)
        number = drawing.owners > 0
        ys, xs = np.nonzero(number)
        added = (image < 128) & ~(drawing.image < 128)
        shape_ys, shape_xs = np.nonzero(added)
        assert (image[number] < 128).all(), kind
        assert shape_xs.min() > xs.max(), kind
        assert shape_ys.min() >= ys.min() - PEN_WIDTH and shape_ys.max() <= ys.max() + PEN_WIDTH, kind
        assert shape_ys.max() - shape_ys.min() >= 0.5 * (ys.max() - ys.min()), kind
