"""The pure functions under the drawing window: pen, eraser, labels, file names, settings, quiet start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from digit_recognizer.app.annotate import annotate, label_anchor
from digit_recognizer.app.settings import DEFAULT_MODEL, last_model, remember_model, settings_path
from digit_recognizer.app.texts import answer_text, default_png_name, missing_text, status_text
from digit_recognizer.reading.drawing import CANVAS_HEIGHT, PEN_WIDTH, default_pen, render_strokes, strokes_hit
from digit_recognizer.reading.lines import Box
from digit_recognizer.synthetic import strokes as s
from digit_recognizer.tf_logs import is_banner


def test_default_pen_is_the_models_pen_on_the_usual_canvas_and_scales_with_it() -> None:
    assert default_pen(CANVAS_HEIGHT) == PEN_WIDTH
    assert default_pen(2 * CANVAS_HEIGHT) == 2 * PEN_WIDTH
    assert default_pen(10) == 4


def test_the_eraser_touches_only_strokes_it_passes_over() -> None:
    strokes = s.seven(100) + s.one(380)  # the 1 is a vertical line at x = 380 from y = 80 to 300
    assert strokes_hit(strokes, (385, 200), 10) == {1}
    assert strokes_hit(strokes, (395, 200), 10) == set()
    assert strokes_hit(strokes, (380, 79), 2) == {1}, "its end counts"
    assert strokes_hit([[(50.0, 50.0)]], (52, 50), 3) == {0}, "a dot is a stroke too"


def test_labels_stay_on_the_canvas() -> None:
    assert label_anchor(Box(100, 100, 50, 80), 400) == (96, 94, "sw")
    _, y, anchor = label_anchor(Box(100, 5, 50, 80), 400)
    assert anchor == "nw" and y > 85, "a digit at the top gets its label below"
    _, y, anchor = label_anchor(Box(100, 5, 50, 390), 400)
    assert anchor == "nw" and 5 <= y < 400, "a digit filling the canvas gets its label inside"


def test_annotate_draws_the_reading_in_colour(models_dir: Path) -> None:
    from digit_recognizer.reading.inference import read
    from digit_recognizer.reading.loading import ModelShelf

    grey = render_strokes(s.seven(100) + s.one(380))
    reading = read(ModelShelf(models_dir).reader("cnn"), grey)
    picture = np.asarray(annotate(grey, reading)).astype(int)
    blue = (picture[..., 2] - picture[..., 0]) > 100
    assert blue.any() and picture.shape == (*grey.shape, 3)
    assert blue[:, :80].sum() == 0 and blue[:, 80:100].any(), "the first box starts just left of the 7"


def test_png_names_say_what_was_read() -> None:
    assert default_png_name(None, 0).startswith("digits-drawing-")
    assert default_png_name(None, 0).endswith(".png")


def test_settings_remember_the_model_and_survive_a_bad_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert last_model() == DEFAULT_MODEL
    remember_model("cnn")
    assert last_model() == "cnn" and settings_path().is_relative_to(tmp_path)
    settings_path().write_text("{not json")
    assert last_model() == DEFAULT_MODEL
    settings_path().write_text('{"model": "no such model"}')
    assert last_model() == DEFAULT_MODEL


def test_banners_are_told_from_real_problems() -> None:
    assert is_banner("I0000 00:00:1795706054.090518    8350 port.cc:153] oneDNN custom operations are on.")
    assert is_banner("E0000 00:00:1795706058.895380 cuda_platform.cc:52] failed call to cuInit: INTERNAL")
    assert is_banner("WARNING: All log messages before absl::InitializeLog() is called are written to STDERR")
    assert not is_banner("E0000 00:00:1 something real broke")
    assert not is_banner("Traceback (most recent call last):")


def test_quiet_import_hides_the_banners_of_a_real_tensorflow_import() -> None:
    code = ("from digit_recognizer.tf_logs import quiet_import\n"
            "import sys\n"
            "def load():\n"
            "    import keras\n"
            "    keras.ops.convert_to_numpy(keras.ops.ones(2))\n"
            "    print('a real problem', file=sys.stderr)\n"
            "quiet_import(load)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[2])})
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "a real problem"


def test_the_answer_and_the_status_say_what_was_read_and_what_was_set_aside(models_dir: Path) -> None:
    from digit_recognizer.reading.inference import read
    from digit_recognizer.reading.loading import ModelShelf

    reading = read(ModelShelf(models_dir).reader("cnn"), render_strokes(s.one(300) + s.cross(420)))
    assert reading.status == ["digit", "not a digit"]
    assert answer_text(reading) == "1✗"
    assert status_text(reading) == "CNN read 1; 1 not a digit."
    assert missing_text(["vgg16"]) == "No model file for VGG16 yet; train with VGG16: `python test.py --models vgg16`."
