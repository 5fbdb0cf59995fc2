"""The real Tk window on a virtual screen (Xvfb), driven with xdotool like a person would, and in-process."""

from __future__ import annotations

import os
import shutil
import time
import tkinter as tk
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from digit_recognizer.synthetic import strokes as s
from tools.gui_driver import Window, tools_missing, virtual_display


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    """A private X display; CI must have Xvfb, a developer without it gets these tests skipped."""
    missing = tools_missing()
    if missing:
        message = f"{' and '.join(missing)} needed for the GUI tests (apt-get install xvfb xdotool)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with virtual_display() as name:
        yield name


def test_reads_as_you_write_from_the_first_stroke(display: str, models_dir: Path, tmp_path: Path) -> None:
    """Strokes drawn while the model loads keep every point, the window never stalls, each pen-up brings a
    fresh reading without a click, and Ctrl+Z brings the previous reading back."""
    window = Window(display, models_dir, tmp_path)
    try:
        assert window.layout["window"][2] <= 1024, "the window fits a 1,024 px screen"
        seven = s.seven(100)
        window.stroke(seven[0])  # drawn at once, while TensorFlow and the model load in the worker
        sent = [[round(window.layout["canvas"][0] + x) - window.layout["canvas"][0],
                 round(window.layout["canvas"][1] + y) - window.layout["canvas"][1]] for x, y in seven[0]]
        # The stroke, the chosen model's loading and the first reading come in whatever order the worker's speed
        # gives (the other models load in the background meanwhile).
        seen: dict[str, dict] = {}
        while len(seen) < 3:
            line = window.next_line(60)
            if line.get("event") == "stroke" or (line.get("event") == "loaded" and line["model"] == "best"):
                seen[line["event"]] = line
            elif line.get("strokes") == 1 and "digits" in line:
                seen["reading"] = line
        got = seen["stroke"]["points"]
        # Tk merges mouse moves queued together; the stroke keeps its ends and its corner, and nearly every point.
        corner = sent[19]
        assert got[0] == sent[0] and got[-1] == sent[-1] and corner in got and len(got) >= 0.9 * len(sent)
        assert seen["loaded"]["worst_stall_ms"] < 100
        assert seen["reading"]["digits"] == "7"
        window.stroke(s.one(380)[0])
        assert window.reading(strokes=2)["digits"] == "71", "no stale answer after drawing more"
        window.click(window.layout["buttons"]["cnn"])
        reading = window.reading(strokes=2, model="cnn")
        assert reading["digits"] == "71" and len(reading["boxes"]) == 2
        window.key("ctrl+z")
        assert window.reading(strokes=1, model="cnn")["digits"] == "7"
    finally:
        window.close()
    assert window.process.returncode is not None
    assert "cuInit" not in window.process.stderr.read(), "TensorFlow's start-up banners stay off the terminal"


@pytest.mark.slow
def test_two_lines_a_touching_pair_and_an_x(display: str, models_dir: Path, tmp_path: Path) -> None:
    """The user reports' cases, drawn with the mouse and read with the recommended model."""
    height, second = 130, 40 + 130 + 50
    cases = [
        (s.four(150, 40, height) + s.seven(300, 40, height) + s.two(150, second, height)
         + s.five_with_detached_bar(310, second, height), ["47", "25"]),
        (s.two(100) + s.seven(100 + 0.6 * 220 - 0.21 * 220 + 8), ["27"]),
        (s.cross(220), []),
    ]
    window = Window(display, models_dir, tmp_path)
    try:
        for strokes, lines in cases:
            window.key("Escape")
            for stroke in strokes:
                window.stroke(stroke)
            reading = window.reading(strokes=len(strokes), model="best")
            assert reading["lines"] == lines
        assert reading["status"] and set(reading["status"]) == {"not a digit"}, "the X is not a digit"
    finally:
        window.close()


@pytest.mark.slow
def test_the_window_and_canvas_hold_still_while_models_and_readings_arrive(display: str, models_dir: Path,
                                                                           tmp_path: Path) -> None:
    """From a cold start, through the other models loading in the background, readings of one and two lines and
    "Compare all", the window keeps its size and the canvas its place and size under the pen."""
    window = Window(display, models_dir, tmp_path)
    try:
        launched = window.geometry()
        canvas = window.layout["canvas"]
        height = 130
        drawings = [s.seven(100), s.four(150, 40, height) + s.seven(300, 40, height) + s.two(150, 220, height)
                    + s.five_with_detached_bar(310, 220, height)]
        for compare in (False, True):
            if compare:
                window.click(window.layout["compare"])
            for strokes in drawings:
                window.key("Escape")
                for stroke in strokes:
                    window.stroke(stroke)
                reading = window.reading(strokes=len(strokes), model="best")
                assert reading["canvas"] == canvas and window.geometry() == launched
    finally:
        window.close()


def wait_for(root: tk.Tk, condition, timeout: float = 60) -> None:
    """Run the window's event loop until ``condition()`` holds (the worker answers asynchronously)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the window did not get there in time")
        root.update()
        time.sleep(0.01)


@pytest.fixture
def app(display: str, models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """The window in this process, with the real worker, on a models folder with a broken and missing models."""
    from digit_recognizer.app.settings import remember_model
    from digit_recognizer.app.window import DigitApp

    monkeypatch.setenv("DISPLAY", display)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "settings"))
    folder = tmp_path / "models"
    folder.mkdir()
    for name in ("cnn.keras", "verifier.keras", "calibration.json"):
        shutil.copy(models_dir / name, folder / name)
    (folder / "ann.keras").write_text("broken")
    remember_model("cnn")
    root = tk.Tk()
    root.geometry("1024x640")
    window = DigitApp(root, folder)
    try:
        yield window
    finally:
        window.worker.close()
        root.destroy()


def draw(app, strokes: list) -> None:
    """Strokes as the mouse would add them, each followed by its pen-up reading."""
    for stroke in strokes:
        app.pad.history.append([list(old) for old in app.pad.strokes])
        app.pad.strokes.append([tuple(point) for point in stroke])
    app.pad.redraw()
    app.read_now()


def test_window_messages_fit_and_name_the_fix(app) -> None:
    root = app.root
    wait_for(root, lambda: app.root.winfo_width() > 1)
    status = app.status.get()
    assert "VGG16" in status and "python test.py --models vgg16" in status
    assert app.models.buttons["vgg16"].instate(["disabled"])
    assert app.status_label.winfo_x() + app.status_label.winfo_width() <= root.winfo_width() <= 1024
    app.select("ann")
    wait_for(root, lambda: app.models.buttons["ann"].instate(["disabled"]))
    assert "could not be loaded" in app.status.get() and "python test.py --models ann" in app.status.get()
    assert app.status_label.winfo_reqheight() < 120, "one short message, wrapped inside the window"
    app.select("cnn")
    draw(app, s.one(300))
    wait_for(root, lambda: app.answers.answer.get() == "1")
    draw(app, s.cross(420))
    wait_for(root, lambda: app.reading is not None and len(app.reading.boxes) == 2)
    assert "not a digit" in app.status.get()
    app.clear()
    assert app.pad.strokes == [] and app.answers.answer.get() == ""
    app.undo()
    wait_for(root, lambda: app.reading is not None and len(app.reading.boxes) == 2)


def test_resize_undo_eraser_copy_save_and_open(app, tmp_path: Path) -> None:
    root = app.root
    app.select("cnn")
    draw(app, s.seven(100) + s.one(380))
    wait_for(root, lambda: app.answers.answer.get() == "71")
    root.geometry("800x520")
    wait_for(root, lambda: root.winfo_width() == 800)
    root.geometry("1024x700")
    wait_for(root, lambda: root.winfo_width() == 1024)
    assert len(app.pad.strokes) == 2 and len(app.pad.canvas.find_withtag("ink")) >= 2, "resizing keeps the drawing"

    app.copy()
    assert root.clipboard_get() == "71"
    app.save_to(tmp_path / "with.png")
    saved = np.asarray(Image.open(tmp_path / "with.png").convert("RGB")).astype(int)
    assert ((saved[..., 2] - saved[..., 0]) > 100).any(), "the reading's blue boxes are drawn on the picture"
    app.tools.with_reading.set(False)
    app.save_to(tmp_path / "plain.png")
    assert Image.open(tmp_path / "plain.png").mode == "L"
    app.save_to(tmp_path / "missing-folder" / "x.png")
    assert app.status.get().startswith("Could not save") and len(app.pad.strokes) == 2

    app.tools.toggle_eraser()
    x, y = app.pad.strokes[1][5]
    app.pad.press(SimpleNamespace(x=x, y=y))  # the eraser pressed on the 1
    app.pad.release(SimpleNamespace(x=x, y=y))
    assert len(app.pad.strokes) == 1
    wait_for(root, lambda: app.answers.answer.get() == "7")
    app.undo()
    wait_for(root, lambda: app.answers.answer.get() == "71")
    app.tools.toggle_eraser()

    app.open_path(tmp_path / "nothing.png")
    assert app.status.get().endswith("file not found.") and len(app.pad.strokes) == 2, "a bad file loses nothing"
    app.open_path(tmp_path / "plain.png")
    wait_for(root, lambda: app.pad.picture is not None and app.answers.answer.get() == "71")
    assert app.pad.canvas.find_withtag("picture")
