"""The real Tk window on a virtual screen (Xvfb), driven with xdotool like a person would."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import strokes as s
from tests.gui_driver import Window, tools_missing, virtual_display


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


def test_draw_and_read_with_the_mouse(display: str, models_dir: Path, tmp_path: Path) -> None:
    window = Window(display, models_dir)
    try:
        window.click(window.layout["buttons"]["cnn"])  # blank canvas: no reading
        for stroke in s.seven(100) + s.one(380):
            window.stroke(stroke)
        window.click(window.layout["buttons"]["cnn"])
        reading = window.next_line(timeout=60)
        assert reading["model"] == "cnn" and reading["digits"] == "71"
        assert len(reading["confidences"]) == 2 and len(reading["boxes"]) == 2

        window.click(window.layout["clear"])
        window.stroke(s.one(300)[0])
        window.click(window.layout["buttons"]["ann"])
        reading = window.next_line(timeout=60)
        assert reading["model"] == "ann" and reading["digits"] == "1"
    finally:
        window.close()
    assert window.process.returncode is not None


def test_two_lines_a_touching_pair_and_an_x(display: str, models_dir: Path) -> None:
    """The user reports' cases, drawn with the mouse and read with the recommended model."""
    height, second = 130, 40 + 130 + 50
    cases = [
        (s.four(150, 40, height) + s.seven(300, 40, height) + s.two(150, second, height)
         + s.five_with_detached_bar(310, second, height), ["47", "25"]),
        (s.two(100) + s.seven(100 + 0.6 * 220 - 0.21 * 220 + 8), ["27"]),
        (s.cross(220), []),
    ]
    window = Window(display, models_dir)
    try:
        for strokes, lines in cases:
            window.click(window.layout["clear"])
            for stroke in strokes:
                window.stroke(stroke)
            window.click(window.layout["buttons"]["best"])
            reading = window.next_line(timeout=60)
            assert reading["lines"] == lines
        assert reading["status"] and set(reading["status"]) == {"not a digit"}, "the X is not a digit"
    finally:
        window.close()


def test_window_messages(display: str, models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process: blank canvas, a missing model, a broken model."""
    import tkinter as tk

    import gui_digit_recognizer as gui
    from digit_recognizer.inference import ModelShelf

    monkeypatch.setenv("DISPLAY", display)
    for name in ("cnn.keras", "verifier.keras"):
        shutil.copy(models_dir / name, tmp_path / name)
    (tmp_path / "ann.keras").write_text("broken")
    root = tk.Tk()
    try:
        app = gui.DigitApp(root, ModelShelf(tmp_path))
        assert "vgg16" in app.status.get() and "python test.py --models vgg16" in app.status.get()
        assert app.buttons["vgg16"].instate(["disabled"])
        app.recognise("cnn")
        assert app.status.get() == "Draw a digit first."
        app.strokes.append([(300.0, 80.0), (300.0, 330.0)])
        app.recognise("ann")
        assert "could not be loaded" in app.status.get() and app.buttons["ann"].instate(["disabled"])
        app.recognise("cnn")
        assert app.answer.get() == "1"
        assert len(app.panels.winfo_children()) == 1
        app.clear()
        app.strokes.extend(s.cross(220))
        app.recognise("cnn")
        assert app.answer.get() == "not a digit" and "not a digit" in app.status.get()
        app.clear()
        assert app.strokes == [] and app.answer.get() == ""
    finally:
        root.destroy()
