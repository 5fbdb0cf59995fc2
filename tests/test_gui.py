"""The real Tk window on a virtual screen (Xvfb), driven with xdotool like a person would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from digit_recognizer.paths import REPO_ROOT

TOOLS = ("Xvfb", "xdotool")


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    """A private X display; CI must have Xvfb, a developer without it gets these tests skipped."""
    if not all(shutil.which(tool) for tool in TOOLS):
        message = "Xvfb and xdotool are needed (apt-get install xvfb xdotool)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              pass_fds=(write_fd,), stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


class Window:
    """The app as a subprocess: its JSON lines on stdout, mouse and keys through xdotool."""

    def __init__(self, display: str, models_dir: Path) -> None:
        self.env = {**os.environ, "DISPLAY": display, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "gui_digit_recognizer.py"), "--models-dir", str(models_dir),
             "--report-layout"],
            cwd=REPO_ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.layout = self.next_line(timeout=30)
        assert self.layout["event"] == "ready"

    def next_line(self, timeout: float) -> dict:
        import selectors

        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise AssertionError(f"the app printed nothing within {timeout} s")
        return json.loads(self.process.stdout.readline())

    def xdotool(self, *args: object) -> None:
        subprocess.run(["xdotool", *map(str, args)], env=self.env, check=True, timeout=30)

    def stroke(self, points: list[tuple[int, int]]) -> None:
        x0, y0, _, _ = self.layout["canvas"]
        self.xdotool("mousemove", x0 + points[0][0], y0 + points[0][1], "mousedown", 1)
        for x, y in points[1:]:
            self.xdotool("mousemove", x0 + x, y0 + y)
        self.xdotool("mouseup", 1)

    def click(self, rect: list[int]) -> None:
        x, y, width, height = rect
        self.xdotool("mousemove", x + width // 2, y + height // 2, "click", 1)

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def segment(x0: int, y0: int, x1: int, y1: int, steps: int = 15) -> list[tuple[int, int]]:
    return [(round(x0 + (x1 - x0) * i / steps), round(y0 + (y1 - y0) * i / steps)) for i in range(steps + 1)]


def test_draw_and_read_with_the_mouse(display: str, models_dir: Path, tmp_path: Path) -> None:
    window = Window(display, models_dir)
    try:
        window.click(window.layout["buttons"]["cnn"])  # blank canvas: no reading
        window.stroke(segment(100, 100, 230, 100) + segment(230, 100, 160, 320)[1:])  # a 7
        window.stroke(segment(380, 90, 380, 320))  # a 1
        window.click(window.layout["buttons"]["cnn"])
        reading = window.next_line(timeout=60)
        assert reading["model"] == "cnn" and reading["digits"] == "71"
        assert len(reading["confidences"]) == 2 and len(reading["boxes"]) == 2

        window.click(window.layout["clear"])
        window.stroke(segment(300, 80, 300, 330))
        window.click(window.layout["buttons"]["ann"])
        reading = window.next_line(timeout=60)
        assert reading["model"] == "ann" and reading["digits"] == "1"
    finally:
        window.close()
    assert window.process.returncode is not None


def test_window_messages(display: str, models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process: blank canvas, a missing model, a broken model."""
    import tkinter as tk

    import gui_digit_recognizer as gui
    from digit_recognizer.inference import ModelShelf

    monkeypatch.setenv("DISPLAY", display)
    shutil.copy(models_dir / "cnn.keras", tmp_path / "cnn.keras")
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
        assert app.strokes == [] and app.answer.get() == ""
    finally:
        root.destroy()
