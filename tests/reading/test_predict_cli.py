"""`python -m digit_recognizer predict` on real picture files, good and bad, in one batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from digit_recognizer.outputs.paths import REPO_ROOT
from digit_recognizer.reading.drawing import render_strokes
from digit_recognizer.synthetic import strokes as s


def predict(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "digit_recognizer", "predict", *args], cwd=REPO_ROOT,
                          env=os.environ.copy(), capture_output=True, text=True, timeout=300)


def test_reads_every_good_image_and_reports_the_bad(tmp_path: Path, models_dir: Path) -> None:
    drawing = render_strokes(s.seven(60) + s.one(300))
    Image.fromarray(drawing).save(tmp_path / "dark_on_light.png")
    Image.fromarray(255 - drawing).convert("RGB").save(tmp_path / "light_on_dark.jpg", quality=90)
    rgba = np.dstack([np.zeros_like(drawing)] * 3 + [255 - drawing])
    Image.fromarray(rgba, "RGBA").save(tmp_path / "transparent.png")
    (tmp_path / "notes.png").write_text("this is text, not a picture")
    (tmp_path / "empty.png").write_bytes(b"")
    images = ["dark_on_light.png", "notes.png", "light_on_dark.jpg", "missing.png", "empty.png", "transparent.png"]
    result = predict("--json", "--models-dir", str(models_dir), *(str(tmp_path / name) for name in images))
    assert result.returncode == 1, "a failed image makes the exit status non-zero"
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(line["image"]).name for line in lines] == ["dark_on_light.png", "light_on_dark.jpg",
                                                            "transparent.png"]
    assert all(line["digits"] == "71" and line["model"] == "cnn" for line in lines)
    assert "notes.png: not an image file" in result.stderr
    assert "missing.png: file not found" in result.stderr
    assert "empty.png: the file is empty" in result.stderr
    assert "Traceback" not in result.stderr and "retracing" not in result.stderr


def test_plain_output_and_missing_model(tmp_path: Path, models_dir: Path) -> None:
    Image.fromarray(render_strokes(s.zero(200))).save(tmp_path / "zero.png")
    result = predict("--models-dir", str(models_dir), str(tmp_path / "zero.png"))
    assert result.returncode == 0 and result.stdout.startswith(f"{tmp_path / 'zero.png'}: 0 ")
    result = predict("--models-dir", str(tmp_path), str(tmp_path / "zero.png"))
    assert result.returncode == 2
    assert "python test.py --models cnn" in result.stderr and "Traceback" not in result.stderr


def test_unusual_picture_files(tmp_path: Path, models_dir: Path) -> None:
    """16-bit greys read like 8-bit ones; a 1×1 picture reads as blank; a 20,000² picture is refused unread."""
    drawing = render_strokes(s.seven(60) + s.one(300))
    Image.fromarray((255 - drawing).astype(np.uint16) * 257).save(tmp_path / "sixteen_bit.png")
    Image.new("L", (1, 1), 255).save(tmp_path / "one_pixel.png")
    Image.new("1", (20_000, 20_000), 1).save(tmp_path / "huge.png")
    (tmp_path / "text.png").write_text("digits: 71\n")
    names = ["sixteen_bit.png", "one_pixel.png", "huge.png", "text.png"]
    result = predict("--json", "--models-dir", str(models_dir), *(str(tmp_path / name) for name in names))
    assert result.returncode == 1
    lines = {Path(line["image"]).name: line for line in map(json.loads, result.stdout.splitlines())}
    assert lines["sixteen_bit.png"]["digits"] == "71"
    assert lines["one_pixel.png"]["digits"] == ""
    assert "huge.png: the image is too large to read safely" in result.stderr
    assert "text.png: not an image file" in result.stderr
    assert "Traceback" not in result.stderr


def test_files_that_are_no_pictures_are_named_for_what_they_are(tmp_path: Path, models_dir: Path) -> None:
    loop = tmp_path / "loop.png"
    loop.symlink_to(tmp_path / "loop.png")
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    result = predict("--models-dir", str(models_dir), str(loop), str(fifo))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "loop.png: a symbolic link to nothing (or a loop of links)" in result.stderr
    assert "pipe.png: not a regular file (a pipe or a device)" in result.stderr
