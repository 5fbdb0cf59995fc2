"""Reading what people really draw, with the recommended model: lines, touching digits, non-digits, sizes.

The cases from the app's user reports are drawn as strokes; the layouts are also composed from MNIST *test*
digits (writers no model trained on), a few per layout, as a quick check of ``benchmarks.layouts``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE, Stroke, render_strokes
from digit_recognizer.reading.inference import read
from digit_recognizer.reading.lines import Box, group_lines, pieces
from digit_recognizer.reading.loading import ModelShelf
from digit_recognizer.reading.preprocess import ink_mask, to_grey, to_ink
from digit_recognizer.reading.reader import Reader
from digit_recognizer.reading.result import Reading
from digit_recognizer.reading.verdict import AMONG_DIGITS_FROM, DIGIT, NOT_A_DIGIT, NOT_A_DIGIT_FROM, TOO_SMALL, UNSURE
from digit_recognizer.synthetic import strokes as s
from digit_recognizer.synthetic.compose import compose
from digit_recognizer.synthetic.sketches import sketch
from digit_recognizer.training.data import RawMnist


@pytest.fixture(scope="module")
def best(models_dir: Path) -> Reader:
    return ModelShelf(models_dir).reader("best")


def read_strokes(reader: Reader, strokes: list[Stroke]) -> Reading:
    return read(reader, render_strokes(strokes), MIN_DIGIT_SIZE)


def test_a_raised_digit_stays_in_its_line(best: Reader) -> None:
    """ "427" with the 2 raised by ⅔ of its height (still overlapping the 4) reads "427", not "247"."""
    height = 150
    drawing = s.four(60, 170, height) + s.two(230, 170 - height * 2 // 3, height) + s.seven(400, 170, height)
    assert read_strokes(best, drawing).line_texts == ["427"]


def test_two_lines_are_read_line_by_line(best: Reader) -> None:
    """ "47" above "25" with a 50 px gap: two lines, no digit melted into another."""
    height, gap = 130, 50
    second = 40 + height + gap
    first_line = s.four(150, 40, height) + s.seven(300, 40, height)
    drawing = first_line + s.two(150, second, height) + s.five_with_detached_bar(310, second, height)
    reading = read_strokes(best, drawing)
    assert reading.line_texts == ["47", "25"]
    assert reading.as_dict()["lines"] == ["47", "25"]


@pytest.mark.parametrize("gap", [60, 80])
def test_a_digit_broken_far_apart_in_a_stroke_reads_as_one_digit(best: Reader, gap: int) -> None:
    """A 2 whose arc sits 60–80 px above the rest: two pieces, one above the other, that read best as one 2."""
    drawing = render_strokes(s.two_broken_apart(250, 40, 300, gap))
    assert len(pieces(ink_mask(to_ink(to_grey(drawing)))).ids) == 2
    reading = read(best, drawing, MIN_DIGIT_SIZE)
    assert reading.line_texts == ["2"] and reading.status == [DIGIT]


@pytest.mark.parametrize(
    ("name", "bar", "lines"),
    [
        ("lifted 0.15 above the body", {"rise": 0.15}, 2),
        ("lifted 0.3 above the body", {"rise": 0.3}, 2),
        ("long and gently rising, on the body's line", {"rise": 0.05, "start": 0.55, "length": 0.8, "slope": 0.1}, 1),
        ("steep, from the body's middle height", {"rise": -0.2, "start": 0.65, "length": 0.6, "slope": 0.4}, 1),
    ],
)
def test_a_5_whose_bar_was_lifted_off_up_to_its_right_reads_as_one_digit(
        best: Reader, name: str, bar: dict[str, float], lines: int) -> None:
    """Lifted above the body, bar and body are two lines, the bar not above the body: read as one glyph too, they
    make a 5. On the body's line, the two are wider than 1.5 times the line's height (a short bar, or the 5's own
    height, makes room for them): the width limit once left "5" plus a rejected bar, or "51"."""
    drawing = render_strokes(s.five_with_bar_lifted_off(150, 150, 160, **bar))
    found = pieces(ink_mask(to_ink(to_grey(drawing))))
    assert len(found.ids) == 2 and len(group_lines(found.boxes)) == lines, name
    reading = read(best, drawing, MIN_DIGIT_SIZE)
    assert reading.line_texts == ["5"] and reading.status == [DIGIT], name


def test_one_digit_above_another_or_lower_beside_it_stays_two_lines(best: Reader) -> None:
    assert read_strokes(best, s.four(280, 20, 160) + s.two(280, 240, 150)).line_texts == ["4", "2"]
    assert read_strokes(best, s.four(150, 20, 160) + s.two(340, 240, 150)).line_texts == ["4", "2"]


@pytest.mark.parametrize(
    ("name", "strokes", "expected"),
    [
        ("00 whose circles touch", s.zero(150, 100, 150) + s.zero(150 + 0.6 * 150, 100, 150), "00"),
        ("27 whose base touches the 7", s.two(100) + s.seven(100 + 0.6 * 220 - 0.21 * 220 + 8), "27"),
        ("11 joined by the flag", s.one(200) + s.one_with_flag(245), "11"),
    ],
)
def test_touching_digits_are_split(best: Reader, name: str, strokes: list[Stroke], expected: str) -> None:
    image = render_strokes(strokes)
    assert len(pieces(ink_mask(to_ink(to_grey(image)))).ids) == 1, f"{name}: the drawing is one blob of ink"
    assert read(best, image, MIN_DIGIT_SIZE).text == expected, name


def test_wide_single_digits_are_not_cut(best: Reader) -> None:
    """A 0 drawn nearly twice as wide as tall, a smooth oval 2.2 times as wide as tall, and a 7 with a long bar stay
    one item each (the verifier's glyph member may reject an oval as smooth as a machine draws it)."""
    wide_zero = [[(320 + 180 * np.cos(a), 200 + 100 * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 80)]]
    flat_zero = [[(320 + 200 * np.cos(a), 200 + 90 * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 80)]]
    wide_seven = [s.line(100, 100, 520, 100) + s.line(520, 100, 420, 330)[1:]]
    assert len(read_strokes(best, wide_zero)) == 1
    assert len(read_strokes(best, flat_zero)) == 1
    assert read_strokes(best, wide_seven).text == "7"


@pytest.mark.parametrize("name", ["X", "dash", "wave"])
def test_shapes_that_are_not_digits_are_rejected(best: Reader, name: str) -> None:
    strokes = {"X": s.cross(220), "dash": s.dash(200), "wave": s.wave(100, amplitude=15)}[name]
    reading = read_strokes(best, strokes)
    assert len(reading) >= 1 and set(reading.status) == {NOT_A_DIGIT}, f"{name}: {reading.describe(0)}"
    assert reading.as_dict()["digits"] == "" and reading.as_dict()["status"][0] == "not a digit"


def test_a_letter_whose_strokes_pass_as_1s_is_rejected_whole(best: Reader) -> None:
    """An N or a W drawn by hand: cut, each stroke is a clean 1, but the verifier is sure the whole is no digit."""
    rng = np.random.default_rng(0)
    readings = [read_strokes(best, sketch(kind, rng, (200, 80, 240, 220))) for kind in ("letter_N", "letter_W")
                for _ in range(10)]
    assert not any(set(reading.text) == {"1"} for reading in readings), [reading.text for reading in readings]
    assert np.mean([not reading.text for reading in readings]) >= 0.9


def test_each_rejection_says_why(best: Reader) -> None:
    """The verifier's certainty when it rejects; otherwise which rule did (a dash, the verifier's rejection set
    aside); "draw it bigger" for a blob."""
    cross, tiny = (read_strokes(best, strokes) for strokes in (s.cross(220), s.seven(300, 200, 20)))
    dash = read_strokes(replace(best, reject_from=1.01), s.dash(200))
    assert cross.reason(0).endswith("% sure") and dash.reason(0) == "too flat for a digit"
    assert all(reading.reason(index) == "draw it bigger" for reading in (tiny,) for index in range(len(reading)))
    assert read_strokes(best, s.seven(100)).reason(0) == ""


def judged(other: list[float], lines: list[int], too_small: list[bool] | None = None) -> list[str]:
    """How items side by side are shown, given only the verifier's P(not a digit) for each and their lines."""
    n = len(other)
    return Reading("best", [Box(120 * i, 100 * line, 60, 90) for i, line in enumerate(lines)],
                   np.zeros((n, 28, 28, 1), np.float32), lines, np.eye(10, dtype=np.float32)[[4] * n],
                   np.full(n, 0.9), np.array(other), too_small or [False] * n).status


def test_a_digit_among_digits_is_rejected_only_when_the_verifier_is_all_but_sure() -> None:
    """Beside a digit on its line an item needs P(not a digit) ≥ AMONG_DIGITS_FROM to be rejected; alone, on
    another line, or beside items that do not pass themselves, it is judged from NOT_A_DIGIT_FROM as before."""
    doubtful, sure = (NOT_A_DIGIT_FROM + AMONG_DIGITS_FROM) / 2, (1 + AMONG_DIGITS_FROM) / 2
    assert judged([0.1, doubtful], [0, 0]) == [DIGIT, DIGIT]
    assert judged([0.1, sure], [0, 0]) == [DIGIT, NOT_A_DIGIT]
    assert judged([0.1, doubtful], [0, 1]) == [DIGIT, NOT_A_DIGIT]
    assert judged([doubtful, doubtful], [0, 0]) == [NOT_A_DIGIT, NOT_A_DIGIT]
    assert judged([0.1, doubtful], [0, 0], too_small=[True, False]) == [TOO_SMALL, NOT_A_DIGIT]
    assert judged([doubtful], [0]) == [NOT_A_DIGIT]


def test_an_x_beside_digits_is_still_not_a_digit(best: Reader) -> None:
    """A letter on the line of a number: the verifier is all but sure of it, so the digits do not carry it."""
    reading = read_strokes(best, s.four(60, 100, 150) + s.seven(200, 100, 150) + s.cross(360, 100, 150))
    assert reading.line_texts == ["47"] and reading.status[-1] == NOT_A_DIGIT


def test_a_tiny_digit_asks_to_be_drawn_bigger(best: Reader) -> None:
    """A 7 about 20 px tall under the 20 px pen is a blob: no confident guess, "too small" if it is seen at all."""
    reading = read_strokes(best, s.seven(300, 200, 20))
    assert not reading.text
    assert set(reading.status) <= {TOO_SMALL}


def test_a_huge_digit_reads_right(best: Reader) -> None:
    assert read_strokes(best, s.seven(200, 8, 384)).text == "7"


def test_a_sloped_row_is_one_line(best: Reader) -> None:
    drawing = s.one(80, 230, 130) + s.seven(200, 170, 130) + s.zero(360, 110, 130)
    assert read_strokes(best, drawing).line_texts == ["170"]


@pytest.mark.parametrize(("layout", "at_least"), [("level", 0.9), ("uneven", 0.85), ("raised", 0.85),
                                                  ("sloped", 0.85), ("two_lines", 0.85), ("touching", 0.6)])
def test_numbers_by_unseen_writers(best: Reader, mnist: RawMnist, layout: str, at_least: float) -> None:
    """20 numbers per layout composed from MNIST test digits: most read right as whole numbers."""
    rng = np.random.default_rng(7)
    right = []
    for _ in range(20):
        picks = rng.integers(0, len(mnist.y_test), 4 if layout == "two_lines" else 3)
        drawing = compose(mnist.x_test[picks], mnist.y_test[picks], layout, rng)
        right.append(read(best, drawing.image, MIN_DIGIT_SIZE).line_texts == drawing.lines)
    assert np.mean(right) >= at_least


def test_the_readers_unsure_threshold_decides_what_is_shown_unsure(best: Reader) -> None:
    """The reader's threshold reaches every reading: a clear "47" is two digits at the app's threshold, and shown
    unsure once the reader asks for more confidence than any answer has."""
    drawing = s.four(150, 100, 150) + s.seven(330, 100, 150)
    assert read_strokes(best, drawing).status == [DIGIT, DIGIT]
    doubting = read_strokes(replace(best, unsure_below=1.01), drawing)
    assert doubting.line_texts == ["47"] and doubting.status == [UNSURE, UNSURE]
