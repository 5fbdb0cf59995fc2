"""Tracing wrong readings of composed numbers to the step that failed, on real drawings read by the Best CNN."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from benchmarks.layout_errors import FAULTS, fault
from digit_recognizer.outputs.paths import REPO_ROOT
from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE
from digit_recognizer.reading.inference import read
from digit_recognizer.reading.loading import ModelShelf
from digit_recognizer.reading.verdict import DIGIT, UNSURE
from digit_recognizer.synthetic.compose import compose
from digit_recognizer.training.data import RawMnist


def test_each_fault_agrees_with_what_the_reading_says(models_dir: Path, mnist: RawMnist) -> None:
    """Touching numbers of MNIST test digits: right readings have no fault, and every wrong one has the fault
    its items show (fewer or more items than digits, or as many with one misread or rejected)."""
    reader = ModelShelf(models_dir).reader("best")
    rng = np.random.default_rng(5)
    found = []
    for _ in range(60):
        picks = rng.integers(0, len(mnist.y_test), 3)
        drawing = compose(mnist.x_test[picks], mnist.y_test[picks], "touching", rng)
        reading = read(reader, drawing.image, MIN_DIGIT_SIZE)
        found.append(kind := fault(reading, drawing))
        assert (kind == "") == (reading.line_texts == drawing.lines)
        if kind in FAULTS[1:3]:
            assert (len(reading) < 3) == (kind == "too few items")
        if kind in FAULTS[3:]:
            assert len(reading) == 3
        if kind == "misread":
            assert all(status in (DIGIT, UNSURE) for status in reading.status)
    assert 0.6 <= found.count("") / len(found) < 1 and set(found) - {""} <= set(FAULTS)


def test_the_command_writes_counts_and_the_wrong_readings(tmp_path: Path, mnist_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "benchmarks.layout_errors", "--data", str(mnist_path),
                             "--layouts", "touching", "--per-layout", "8", "--out-dir", str(tmp_path)],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    counts = json.loads((tmp_path / "layout_errors.json").read_text())["models"]["best"]["touching"]["counts"]
    assert sum(counts.values()) == 8 and set(counts) == {"right", *FAULTS}
    assert "| touching |" in (tmp_path / "layout_errors.md").read_text()
