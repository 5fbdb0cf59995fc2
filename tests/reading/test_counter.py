"""The digit counter: it counts the digits of touching pieces, its count helps the reading, and it is optional."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from benchmarks.layouts import other_writers
from digit_recognizer.errors import UserError
from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE
from digit_recognizer.reading.forward import predict
from digit_recognizer.reading.inference import read
from digit_recognizer.reading.loading import ModelShelf
from digit_recognizer.reading.reader import Reader
from digit_recognizer.synthetic.compose import compose
from digit_recognizer.training.data import RawMnist
from tools.train_counter import label_pieces


@pytest.fixture(scope="module")
def best(models_dir: Path) -> Reader:
    return ModelShelf(models_dir).reader("best")


def test_the_counter_counts_the_digits_of_touching_pieces(best: Reader, mnist: RawMnist) -> None:
    """Numbers of 2–3 MNIST test digits, every neighbour touching: the cut pieces that hold whole digits only
    (labelled as the counter's training labels them) are counted right (98.7% of 149 here)."""
    rng = np.random.default_rng(3)
    right = []
    for _ in range(150):
        picks = rng.integers(0, len(mnist.y_test), int(rng.integers(2, 4)))
        drawing = compose(mnist.x_test[picks], mnist.y_test[picks], "touching", rng)
        pieces, counts = label_pieces(drawing.image, drawing.owners)
        clean = counts >= 1
        if clean.any():
            right += list(predict(best.counter, pieces[clean]).argmax(axis=1) == counts[clean])
    assert len(right) >= 100 and np.mean(right) >= 0.95


@pytest.mark.slow
def test_the_count_reads_more_touching_numbers_of_other_writers(best: Reader) -> None:
    """Numbers of 2–3 of scikit-learn's digits (other writers), every neighbour touching: with the count, more of
    them read right (63.3% of 300 here, 56.3% without)."""
    x, y = other_writers()
    rng = np.random.default_rng(5)
    drawings = [compose(x[picks], y[picks], "touching", rng)
                for picks in (rng.integers(0, len(y), int(rng.integers(2, 4))) for _ in range(300))]
    without = replace(best, counter=None)
    right = {reader.counter is not None: np.mean([read(reader, d.image, MIN_DIGIT_SIZE).line_texts == d.lines
                                                  for d in drawings]) for reader in (best, without)}
    assert right[True] >= right[False] + 0.03, right


def test_without_a_counter_the_pieces_are_read_without_a_count(tmp_path: Path, models_dir: Path) -> None:
    for name in ("cnn.keras", "verifier.keras", "calibration.json"):
        shutil.copy(models_dir / name, tmp_path / name)
    reader = ModelShelf(tmp_path).reader("cnn")
    assert reader.counter is None
    (tmp_path / "counter.keras").write_text("broken")
    with pytest.raises(UserError, match=r"python -m tools.train_counter"):
        ModelShelf(tmp_path).reader("cnn")
