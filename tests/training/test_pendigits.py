"""The writers' pen digits: loading the real file, one sentence for a broken one, and a split by writer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from digit_recognizer.datasets import PENDIGITS_ENV_VAR
from digit_recognizer.errors import UserError
from digit_recognizer.training import pendigits
from digit_recognizer.training.pendigits import MEASURE_WRITERS, PenDigit, canvas_strokes, load, parse, split

ONE_DIGIT = """.SEGMENT DIGIT 0 ? "7"
.COMMENT 7 3 1
.PEN_DOWN
 100 400
 200 400
 150 300
 120 200
.PEN_UP
"""


def test_the_real_file_holds_30_writers_of_every_class(pen_digits: list[PenDigit]) -> None:
    assert len(pen_digits) == 7494
    assert {digit.writer for digit in pen_digits} == set(range(1, 31))
    counts = np.bincount([digit.label for digit in pen_digits], minlength=10)
    np.testing.assert_array_equal(counts, [780, 779, 780, 719, 780, 720, 720, 778, 719, 719])
    assert all(len(digit.strokes) >= 1 and all(len(stroke) >= 1 for stroke in digit.strokes) for digit in pen_digits)


def test_no_writer_is_on_both_sides_of_the_split(pen_digits: list[PenDigit]) -> None:
    train, measure = split(pen_digits)
    train_writers, measure_writers = {d.writer for d in train}, {d.writer for d in measure}
    assert not train_writers & measure_writers
    assert measure_writers == MEASURE_WRITERS and len(train_writers) == 20
    assert len(train) + len(measure) == len(pen_digits)


def test_the_tuning_writers_are_training_writers_a_part_can_be_fitted_without(pen_digits: list[PenDigit]) -> None:
    train, _ = split(pen_digits)
    fit, tune = pendigits.hold_out_tuning(train)
    assert {d.writer for d in tune} == pendigits.TUNE_WRITERS and not pendigits.TUNE_WRITERS & MEASURE_WRITERS
    assert not {d.writer for d in fit} & pendigits.TUNE_WRITERS and len({d.writer for d in fit}) == 15
    assert len(fit) + len(tune) == len(train)


def test_a_digit_is_parsed_with_its_label_writer_and_strokes_upright() -> None:
    (digit,) = parse(ONE_DIGIT)
    assert (digit.label, digit.writer) == (7, 3)
    # The tablet's y grows upward; the first point (y 400) is the top of the 7, the highest on screen.
    strokes = canvas_strokes(digit, height=100, left=10, top=20)
    ys = [y for _, y in strokes[0]]
    assert ys[0] == pytest.approx(20) and max(ys) == pytest.approx(120, abs=2)
    assert min(x for x, _ in strokes[0]) == pytest.approx(10, abs=2)


@pytest.mark.parametrize("text, says", [
    ("", "holds no digits"),
    (ONE_DIGIT.replace(".PEN_UP\n", ""), "no .PEN_UP"),
    (ONE_DIGIT.replace(" 150 300", " 150 x"), "expected 'x y'"),
    (ONE_DIGIT.replace(".COMMENT 7 3 1", ".COMMENT seven"), "expected '.COMMENT label writer n'"),
    (ONE_DIGIT.replace(".PEN_DOWN\n 100 400\n 200 400\n 150 300\n 120 200\n.PEN_UP\n", ""), "has no strokes"),
])
def test_a_malformed_file_is_one_sentence(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "broken.tra"
    path.write_text(text)
    with pytest.raises(UserError, match=says) as raised:
        load(path)
    assert str(path) in str(raised.value) and "\n" not in str(raised.value)


def test_a_missing_file_names_the_option_and_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UserError, match=r"not found.*--pendigits.*PENDIGITS"):
        load(tmp_path / "nowhere.tra")
    monkeypatch.setenv(PENDIGITS_ENV_VAR, str(tmp_path / "env.tra"))
    assert pendigits.resolve_path(None) == tmp_path / "env.tra"


def test_a_binary_file_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "binary.tra"
    path.write_bytes(bytes(range(256)))
    with pytest.raises(UserError, match="not a readable pendigits file"):
        load(path)
