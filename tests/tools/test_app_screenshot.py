"""The README's screenshot tool refuses, in one sentence, a models folder without the model to show."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from digit_recognizer.outputs.paths import REPO_ROOT


def test_a_folder_without_the_model_is_refused_before_any_window_opens(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "tools.app_screenshot", "--model", "cnn", "--models-dir",
                           str(tmp_path), "--out", str(tmp_path / "shot.png")],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    expected = f"CNN model not found at {tmp_path / 'cnn.keras'}; train it with `python test.py --models cnn`."
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "shot.png").exists()
