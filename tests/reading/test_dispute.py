"""The seeds' disagreement: shapes of kinds no model saw are rejected, digits alone and numbers are not."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from digit_recognizer.reading.dispute import disagreement
from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE, render_strokes
from digit_recognizer.reading.inference import read
from digit_recognizer.reading.loading import ModelShelf
from digit_recognizer.reading.verdict import NOT_A_DIGIT
from digit_recognizer.synthetic.canvas_check import draw_large
from digit_recognizer.synthetic.compose import compose
from digit_recognizer.synthetic.sketches import non_digits
from digit_recognizer.training.data import RawMnist


@pytest.fixture(scope="module")
def shelf(models_dir: Path) -> ModelShelf:
    return ModelShelf(models_dir)


def test_disagreement_is_zero_when_seeds_agree_and_log_two_when_two_are_sure_of_different_digits() -> None:
    sure_of_3 = np.eye(10)[3]
    agree = np.stack([sure_of_3, sure_of_3])[None]
    split = np.stack([sure_of_3, np.eye(10)[8]])[None]
    unsure_alike = np.full((1, 2, 10), 0.1)
    assert disagreement(agree)[0] == pytest.approx(0, abs=1e-9)
    assert disagreement(split)[0] == pytest.approx(np.log(2))
    assert disagreement(unsure_alike)[0] == pytest.approx(0, abs=1e-9)


def test_many_measured_shapes_the_verifier_lets_through_are_rejected(shelf: ModelShelf) -> None:
    """Of 248 measured-family sketches (kinds no model was fitted on), those that pass the verifier and the novelty
    score, over a third are rejected once the seeds' disagreement joins (14 of 30 when written)."""
    reader = shelf.reader("best")
    without = replace(reader, seeds=None)
    passed, rejected_now = 0, 0
    for _, strokes in non_digits("measure", 248, np.random.default_rng(21)):
        picture = render_strokes(strokes)
        if read(without, picture, MIN_DIGIT_SIZE).text:
            passed += 1
            reading = read(reader, picture, MIN_DIGIT_SIZE)
            rejected_now += not reading.text
            assert reading.text or "the models disagree about it" in map(reading.reason, range(len(reading)))
    assert passed >= 15 and rejected_now >= passed / 3


def test_lone_digits_are_seldom_rejected_and_numbers_read_as_without_it(shelf: ModelShelf, mnist: RawMnist) -> None:
    """150 MNIST test digits redrawn alone: at most 2% more of them rejected. 60 level numbers: read exactly as
    without it, since a digit beside a digit is never judged by it."""
    reader = shelf.reader("best")
    without = replace(reader, seeds=None)
    rng = np.random.default_rng(5)
    lone = [draw_large(digit, rng) for digit in mnist.x_test[:150]]
    rejected = [NOT_A_DIGIT in read(reader, canvas).status for canvas in lone]
    rejected_before = [NOT_A_DIGIT in read(without, canvas).status for canvas in lone]
    assert np.sum(rejected) - np.sum(rejected_before) <= 3
    for _ in range(60):
        picks = rng.integers(0, 10_000, int(rng.integers(2, 6)))
        image = compose(mnist.x_test[picks], mnist.y_test[picks], "level", rng).image
        assert read(reader, image, MIN_DIGIT_SIZE).status == read(without, image, MIN_DIGIT_SIZE).status


def test_without_seeds_or_with_a_broken_one_the_reader_reads_without_the_score(
        shelf: ModelShelf, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No seed files: no score. A broken seed file: no score either, said in one sentence, and reading goes on."""
    for name in ("best", "verifier", "verifier_glyphs"):
        shutil.copy(shelf.path(name), tmp_path / f"{name}.keras")
    shutil.copy(shelf.models_dir / "calibration.json", tmp_path / "calibration.json")
    assert ModelShelf(tmp_path).reader("best").seeds is None
    (tmp_path / "best_seed1.keras").write_bytes(b"not a model")
    reader = ModelShelf(tmp_path).reader("best")
    assert reader.seeds is None
    message = capsys.readouterr().err.strip()
    assert "best_seed1" in message and "disagreement rejects nothing" in message and "Traceback" not in message
    assert read(reader, render_strokes(next(iter(non_digits("measure", 1, np.random.default_rng(0))))[1])) is not None
