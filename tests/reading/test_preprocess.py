"""Finding digits in a drawing and normalising them like MNIST, on rendered strokes, read with the shipped CNN."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from digit_recognizer.errors import UserError
from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE, render_strokes
from digit_recognizer.reading.inference import read
from digit_recognizer.reading.loading import ModelShelf
from digit_recognizer.reading.preprocess import to_grey
from digit_recognizer.reading.reader import Reader
from digit_recognizer.reading.result import Reading
from digit_recognizer.synthetic import strokes as s


@pytest.fixture(scope="module")
def cnn(models_dir: Path) -> Reader:
    return ModelShelf(models_dir).reader("cnn")


@pytest.fixture(scope="module")
def extract_digits(cnn: Reader) -> Callable[..., Reading]:
    """What the CNN reads in a picture: its items' boxes and the 28×28 images it saw."""
    return lambda image, min_size=None: read(cnn, image, min_size)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    m = cv2.moments(image.astype(np.float32))
    return m["m10"] / m["m00"], m["m01"] / m["m00"]


def ink_extent(image: np.ndarray) -> tuple[int, int]:
    ys, xs = np.nonzero(image > 0.3)
    return int(ys.max() - ys.min() + 1), int(xs.max() - xs.min() + 1)


def test_single_digit_is_normalised_like_mnist(extract_digits: Callable[..., Reading]) -> None:
    digits = extract_digits(render_strokes(s.seven(200)))
    assert len(digits) == 1
    assert digits.batch.shape == (1, 28, 28, 1) and digits.batch.dtype == np.float32
    image = digits.batch[0, ..., 0]
    assert image.min() >= 0 and image.max() == pytest.approx(1.0)
    cx, cy = centre_of_mass(image)
    assert abs(cx - 14) < 0.6 and abs(cy - 14) < 0.6
    height, width = ink_extent(image)
    assert 18 <= height <= 22 and width < height, "the longer side fills a 20×20 box"
    assert image[0].max() == 0 and image[:, 0].max() == 0, "a black border, as in MNIST"


def test_aspect_ratio_is_kept(extract_digits: Callable[..., Reading]) -> None:
    image = extract_digits(render_strokes(s.one(300))).batch[0, ..., 0]
    height, width = ink_extent(image)
    assert height >= 18 and width <= 6, f"a 1 stays thin ({width} px wide), not squashed to a square"


def test_several_digits_left_to_right(extract_digits: Callable[..., Reading]) -> None:
    drawing = render_strokes(s.one(480) + s.zero(260) + s.seven(60))  # drawn right to left
    digits = extract_digits(drawing)
    assert len(digits) == 3
    assert [box.x for box in digits.boxes] == sorted(box.x for box in digits.boxes)
    assert digits.boxes[0].x < 100 and digits.boxes[2].x > 450


def test_nearly_touching_digits_stay_apart(extract_digits: Callable[..., Reading]) -> None:
    # "10": a full-height 1 only 20 px from the 0 is a digit of its own; so is a 2 whose base ends
    # a few pixels before the 0.
    assert len(extract_digits(render_strokes(s.one(150) + s.zero(190)))) == 2
    assert len(extract_digits(render_strokes(s.two(100) + s.zero(256)))) == 2


def test_pieces_of_one_digit_are_merged(extract_digits: Callable[..., Reading]) -> None:
    digits = extract_digits(render_strokes(s.five_with_detached_bar(200)))
    assert len(digits) == 1 and digits.labels == [5]


def test_specks_are_dropped(extract_digits: Callable[..., Reading]) -> None:
    drawing = render_strokes(s.seven(200) + s.dot(50, 50) + s.dot(600, 350) + s.dot(500, 100))
    assert len(extract_digits(drawing)) == 1
    assert len(extract_digits(drawing, MIN_DIGIT_SIZE)) == 1
    only_specks = render_strokes(s.dot(50, 50) + s.dot(300, 200) + [s.line(400, 300, 410, 305)])
    assert len(extract_digits(only_specks, MIN_DIGIT_SIZE)) == 0


def test_blank_canvas_has_no_digits(extract_digits: Callable[..., Reading]) -> None:
    digits = extract_digits(render_strokes([]))
    assert len(digits) == 0 and digits.batch.shape == (0, 28, 28, 1)


def test_polarity_colour_and_depth_do_not_matter(extract_digits: Callable[..., Reading]) -> None:
    grey = render_strokes(s.seven(200) + s.one(450))
    reference = extract_digits(grey).batch
    rgb = np.dstack([grey] * 3)
    transparent = np.dstack([np.zeros_like(grey)] * 3 + [255 - grey])  # black ink on a transparent sheet
    deep = (grey.astype(np.uint16) * 16, grey.astype(np.int32) * 257, grey * 257.0)  # 12-bit, 32-bit int, float
    for variant in (255 - grey, rgb, transparent, grey.astype(np.uint16) * 257, grey / 255.0, *deep):
        np.testing.assert_allclose(extract_digits(variant).batch, reference, atol=0.02)


@pytest.mark.parametrize(
    "bad",
    [np.zeros((2, 2, 2, 2), np.uint8), np.zeros((10, 10, 2), np.uint8), np.zeros((0, 5), np.uint8),
     np.full((10, 10), np.nan), np.array([["a"]])],
)
def test_unusable_arrays_are_refused(bad: np.ndarray) -> None:
    with pytest.raises(UserError):
        to_grey(bad)


def test_one_stroke_across_the_whole_canvas_is_read(extract_digits: Callable[..., Reading]) -> None:
    for stroke in (s.line(0, 200, 640, 200), s.line(0, 0, 640, 400), s.line(320, 0, 320, 400)):
        digits = extract_digits(render_strokes([stroke]), MIN_DIGIT_SIZE)
        assert len(digits) >= 1 and digits.batch.shape == (len(digits), 28, 28, 1)
        assert 0.0 <= digits.batch.min() and digits.batch.max() == pytest.approx(1.0)


def test_fifty_digits_at_once_in_reading_order(extract_digits: Callable[..., Reading]) -> None:
    """Three lines of ones (17 + 17 + 16), the middle line's slightly slanted: read line by line."""
    places = [(20 + 37 * col, 20 + 125 * row + col) for row in range(3) for col in range(17 if row < 2 else 16)]
    strokes = [stroke for x, top in places for stroke in s.one(x, top, 60)]
    digits = extract_digits(render_strokes(strokes), MIN_DIGIT_SIZE)
    assert len(digits) == 50 and digits.batch.shape == (50, 28, 28, 1)
    centres = np.array([(box.x + box.w / 2, box.y + box.h / 2) for box in digits.boxes])
    expected = np.array([(x, top + 30) for x, top in places])
    np.testing.assert_allclose(centres, expected, atol=2)
