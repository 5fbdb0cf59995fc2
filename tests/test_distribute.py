"""tf.distribute: the study's pipeline mirrored over two logical CPU devices learns like one device."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli


def _record(out: Path, name: str) -> dict:
    return json.loads((out / "results.json").read_text())["models"][name]


def test_mirrored_over_two_cpu_devices_matches_one_device(tmp_path: Path, mnist_path: Path) -> None:
    common = ["--data", str(mnist_path), "--limit", "2000", "--models", "ann", "--epochs", "3", "--lr", "1e-3",
              "--quiet"]
    mirrored = run_cli(*common, "--split-cpu", "2", "--output-dir", str(tmp_path / "mirrored"))
    assert mirrored.returncode == 0, mirrored.stderr[-3000:]
    single = run_cli(*common, "--batch-size", "64", "--output-dir", str(tmp_path / "single"))
    assert single.returncode == 0, single.stderr[-3000:]
    two, one = _record(tmp_path / "mirrored", "ann"), _record(tmp_path / "single", "ann")
    assert (two["strategy"], two["replicas"], two["batch_size"]) == ("mirrored", 2, 32), "batch is per replica"
    assert (one["strategy"], one["replicas"], one["batch_size"]) == ("default", 1, 64)
    assert "steps per execution set to 1" in mirrored.stdout
    assert two["test_accuracy"] > 0.8 and abs(two["test_accuracy"] - one["test_accuracy"]) < 0.03, (two, one)
