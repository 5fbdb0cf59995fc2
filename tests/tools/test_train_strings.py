"""The string reader's fit and its examples: pieces of touching numbers labelled with their digits in order."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from digit_recognizer.catalog import STRING_OUTPUTS, STRING_SLOTS, STRINGS
from digit_recognizer.geometry import WIDE_SHAPE
from digit_recognizer.reading.loading import load_model
from digit_recognizer.synthetic.compose import compose
from digit_recognizer.training.data import RawMnist
from tools.common import UNSET
from tools.train_strings import label_pieces, main


def test_touching_pieces_are_labelled_with_their_digits_left_to_right(mnist: RawMnist) -> None:
    rng = np.random.default_rng(4)
    labelled = 0
    for _ in range(20):
        picks = rng.integers(0, 1000, 3)
        drawing = compose(mnist.x_train[picks], mnist.y_train[picks], "touching", rng)
        pieces, targets = label_pieces(drawing.image, drawing.owners, "".join(drawing.lines))
        assert pieces.shape[1:] == (*WIDE_SHAPE, 1) and targets.shape == (len(pieces), STRING_OUTPUTS[0])
        for target in targets:
            digits = target[target != UNSET]
            start = STRING_SLOTS[len(digits)]
            assert (target[start : start + len(digits)] == digits).all()
            assert "".join(map(str, digits)) in drawing.lines[0]
            labelled += 1
    assert labelled >= 10


def test_a_small_string_reader_fit_saves_a_model_that_loads(tmp_path: Path, mnist_path: Path) -> None:
    assert main(["--data", str(mnist_path), "--drawings", "24", "--epochs", "2",
                 "--models-dir", str(tmp_path), "--out-dir", str(tmp_path)]) == 0
    record = json.loads((tmp_path / f"{STRINGS}_training.json").read_text())
    assert sum(record["examples"].values()) > 0 and record["last_learning_rate"] < 1e-7
    assert {"loss", "slot_accuracy", "val_slot_accuracy"} <= set(record["history"])
    load_model(tmp_path / f"{STRINGS}.keras", STRINGS, STRING_OUTPUTS, (*WIDE_SHAPE, 1))
