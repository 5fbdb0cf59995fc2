"""The digit counter's fit: its learning rate settles to zero exactly at the end of the last epoch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digit_recognizer.catalog import COUNTER_CLASSES
from digit_recognizer.geometry import WIDE_SHAPE
from digit_recognizer.reading.loading import load_model
from tools.train_counter import main


@pytest.mark.slow
def test_a_small_counter_fit_ends_at_a_settled_rate(tmp_path: Path, mnist_path: Path) -> None:
    assert main(["--data", str(mnist_path), "--drawings", "24", "--epochs", "2",
                 "--models-dir", str(tmp_path), "--out-dir", str(tmp_path)]) == 0
    record = json.loads((tmp_path / "counter_training.json").read_text())
    assert record["learning_rate"] == "cosine decay"
    assert record["last_learning_rate"] < 1e-7
    assert len(record["history"]["loss"]) == 2
    load_model(tmp_path / "counter.keras", "counter", len(COUNTER_CLASSES), (*WIDE_SHAPE, 1))
