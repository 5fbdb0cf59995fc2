"""Drive the real Tk app on a private Xvfb display with xdotool: used by the GUI tests and the screenshot tool."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from digit_recognizer.outputs.paths import REPO_ROOT

TOOLS = ("Xvfb", "xdotool")


def tools_missing() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@contextmanager
def virtual_display() -> Iterator[str]:
    """Start Xvfb on a free display number and yield its name (e.g. ":3")."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              pass_fds=(write_fd,), stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


class Window:
    """The app as a subprocess: its JSON lines on stdout, mouse and keys through xdotool."""

    def __init__(self, display: str, models_dir: Path, settings_dir: Path, options: Sequence[str] = ()) -> None:
        self.env = {**os.environ, "DISPLAY": display, "PYTHONUNBUFFERED": "1", "XDG_CONFIG_HOME": str(settings_dir)}
        self.process = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "gui_digit_recognizer.py"), "--models-dir", str(models_dir),
             "--report-layout", *options],
            cwd=REPO_ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # A thread reads the app's lines as they come: lines printed together wait in the queue, where waiting
        # on the pipe itself would miss those already taken into its buffer.
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read_lines, daemon=True).start()
        self.layout = self.next_line(timeout=30)
        assert self.layout["event"] == "ready"

    def _read_lines(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)

    def next_line(self, timeout: float) -> dict:
        try:
            return json.loads(self.lines.get(timeout=timeout))
        except queue.Empty:
            raise AssertionError(f"the app printed nothing within {timeout} s") from None

    def reading(self, strokes: int, model: str | None = None, timeout: float = 60) -> dict:
        """The next reading of a drawing of ``strokes`` strokes (by ``model``), skipping other lines."""
        while True:
            line = self.next_line(timeout)
            is_reading = "event" not in line and "digits" in line
            if is_reading and line["strokes"] == strokes and model in (None, line["model"]):
                return line

    def event(self, name: str, timeout: float = 60) -> dict:
        """The next line the app printed about ``name`` (e.g. "loaded", "stroke")."""
        while True:
            line = self.next_line(timeout)
            if line.get("event") == name:
                return line

    def geometry(self) -> tuple[int, int, int, int]:
        """The window's box on the screen now: left, top, right, bottom."""
        found = subprocess.run(["xdotool", "search", "--pid", str(self.process.pid), "--name", "Handwritten",
                                "getwindowgeometry", "--shell"], env=self.env, capture_output=True, text=True,
                               check=True, timeout=30).stdout
        values = dict(line.split("=", 1) for line in found.splitlines() if "=" in line)
        x, y, width, height = (int(values[key]) for key in ("X", "Y", "WIDTH", "HEIGHT"))
        return x, y, x + width, y + height

    def key(self, keys: str) -> None:
        self.xdotool("key", keys)

    def xdotool(self, *args: object) -> None:
        subprocess.run(["xdotool", *map(str, args)], env=self.env, check=True, timeout=30)

    def stroke(self, points: list[tuple[float, float]]) -> None:
        """Press, drag through the canvas points, release."""
        x0, y0, _, _ = self.layout["canvas"]
        first, *rest = [(round(x0 + x), round(y0 + y)) for x, y in points]
        self.xdotool("mousemove", *first, "mousedown", 1)
        for x, y in rest:
            self.xdotool("mousemove", x, y)
        self.xdotool("mouseup", 1)

    def click(self, rect: list[int]) -> None:
        x, y, width, height = rect
        self.xdotool("mousemove", x + width // 2, y + height // 2, "click", 1)

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


