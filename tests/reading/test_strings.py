"""The string reader: it reads the digits of touching pieces whole, steers the reading of touching numbers, and
is optional."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from digit_recognizer.errors import UserError
from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE
from digit_recognizer.reading.forward import predict
from digit_recognizer.reading.inference import read
from digit_recognizer.reading.loading import ModelShelf
from digit_recognizer.reading.reader import Reader
from digit_recognizer.synthetic.compose import compose
from digit_recognizer.training.data import RawMnist
from tools.common import UNSET
from tools.train_strings import label_pieces


@pytest.fixture(scope="module")
def best(models_dir: Path) -> Reader:
    return ModelShelf(models_dir).reader("best")


def touching_numbers(mnist: RawMnist, count: int, seed: int) -> list:
    rng = np.random.default_rng(seed)
    return [compose(mnist.x_test[picks], mnist.y_test[picks], "touching", rng)
            for picks in (rng.integers(0, len(mnist.y_test), int(rng.integers(2, 4))) for _ in range(count))]


def test_the_string_reader_reads_the_digits_of_touching_pieces(best: Reader, mnist: RawMnist) -> None:
    """Pieces of touching numbers of MNIST test digits that hold whole digits only: most digits are read right in
    the slots of their piece's length (95.4% of 366 here)."""
    right = []
    for drawing in touching_numbers(mnist, 150, 3):
        pieces, targets = label_pieces(drawing.image, drawing.owners, "".join(drawing.lines))
        if len(pieces):
            is_set = targets != UNSET
            right += list(predict(best.strings, pieces).argmax(axis=-1)[is_set] == targets[is_set])
    assert len(right) >= 200 and np.mean(right) >= 0.9, (len(right), np.mean(right))


@pytest.mark.slow
def test_the_string_reader_reads_more_touching_numbers(best: Reader, mnist: RawMnist) -> None:
    """Touching numbers of 2–3 MNIST test digits, read by the Best CNN: more read right with the string reader
    (90.7% of 300 here, 86.3% without)."""
    drawings = touching_numbers(mnist, 300, 5)
    without = replace(best, strings=None)
    right = {reader.strings is not None: np.mean([read(reader, d.image, MIN_DIGIT_SIZE).line_texts == d.lines
                                                  for d in drawings]) for reader in (best, without)}
    assert right[True] >= right[False] + 0.02, right


def test_without_a_string_reader_the_pieces_are_read_without_one(tmp_path: Path, models_dir: Path) -> None:
    for name in ("cnn.keras", "verifier.keras", "counter.keras", "calibration.json"):
        shutil.copy(models_dir / name, tmp_path / name)
    reader = ModelShelf(tmp_path).reader("cnn")
    assert reader.strings is None and reader.counter is not None
    (tmp_path / "strings.keras").write_text("broken")
    with pytest.raises(UserError, match=r"python -m tools.train_strings"):
        ModelShelf(tmp_path).reader("cnn")
