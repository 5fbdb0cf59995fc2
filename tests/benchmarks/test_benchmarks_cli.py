"""Every measurement script and tool that reads MNIST refuses a bad data file with one sentence and exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from digit_recognizer.outputs.paths import REPO_ROOT


@pytest.mark.parametrize("module", ["benchmarks.layouts", "benchmarks.layout_errors", "benchmarks.reading_speed",
                                    "benchmarks.canvas_readback", "benchmarks.ensemble_validation",
                                    "benchmarks.precision_accuracy", "benchmarks.ranking", "benchmarks.training_speed",
                                    "benchmarks.step_bound",
                                    "tools.calibrate", "tools.train_verifier", "tools.train_counter",
                                    "tools.train_strings"])
def test_a_missing_data_file_is_one_sentence(module: str, tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", module, "--data", str(tmp_path / "missing.npz"),
                             "--out-dir", str(tmp_path)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert "missing.npz: file not found" in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.glob("*.json")), "nothing is written"
