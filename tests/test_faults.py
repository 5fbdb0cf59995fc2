"""Faults a real user causes: two runs into one folder."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from digit_recognizer.paths import REPO_ROOT
from digit_recognizer.run_lock import LOCK_NAME
from tests.conftest import run_cli


def test_a_second_run_into_the_same_folder_is_refused_and_the_first_finishes(tmp_path: Path,
                                                                            mnist_path: Path) -> None:
    args = ["--data", str(mnist_path), "--limit", "2000", "--models", "ann,cnn", "--epochs", "1", "--output-dir",
            str(tmp_path), "--quiet"]
    first = subprocess.Popen([sys.executable, str(REPO_ROOT / "test.py"), *args], cwd=REPO_ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lock = tmp_path / LOCK_NAME
        deadline = time.monotonic() + 120
        while not (lock.exists() and lock.read_text().strip() == str(first.pid)):
            assert first.poll() is None and time.monotonic() < deadline, "the first run never took the folder"
            time.sleep(0.05)
        second = run_cli(*args)
        assert second.returncode == 2
        assert f"in use by another run (PID {first.pid})" in second.stderr and "Traceback" not in second.stderr
        _, errors = first.communicate(timeout=300)
        assert first.returncode == 0, errors[-2000:]
    finally:
        if first.poll() is None:
            first.kill()
    assert (tmp_path / "results.json").is_file()
    again = run_cli(*args)
    assert again.returncode == 0, "the lock died with its run: a later run takes the folder"


def test_training_that_diverges_stops_with_one_sentence_and_writes_no_garbage(tmp_path: Path,
                                                                              mnist_path: Path) -> None:
    done = run_cli("--data", str(mnist_path), "--limit", "600", "--models", "ann", "--epochs", "2", "--lr", "1e10",
                   "--output-dir", str(tmp_path), "--quiet")
    assert done.returncode == 2, done.stderr[-2000:]
    assert "no longer a number" in done.stderr and "--lr" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "results.json").exists() and not (tmp_path / "models" / "ann.keras").exists()
