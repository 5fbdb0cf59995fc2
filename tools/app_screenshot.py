"""Screenshot of the app reading a number written on two lines, every model compared, for the README (needs Xvfb
and xdotool).

    python -m tools.app_screenshot [--out docs/app_screenshot.png] [--model best]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from PIL import ImageGrab

from digit_recognizer import options
from digit_recognizer.catalog import DISPLAY_NAMES
from digit_recognizer.errors import UserError
from digit_recognizer.outputs.paths import MODELS_DIRNAME, REPO_ROOT
from digit_recognizer.reading.loading import ModelShelf, missing_model
from digit_recognizer.synthetic import strokes as s
from tools.gui_driver import Window, tools_missing, virtual_display


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "app_screenshot.png")
    parser.add_argument("--model", default="best", choices=list(DISPLAY_NAMES))
    parser.add_argument("--models-dir", type=Path, default=REPO_ROOT / MODELS_DIRNAME)
    args = parser.parse_args()
    # The window would open without the model and the screenshot wait for a reading that never comes.
    model_file = ModelShelf(args.models_dir).path(args.model)
    if not model_file.is_file():
        raise missing_model(model_file, args.model)
    if tools_missing():
        raise UserError(f"install {' and '.join(tools_missing())} (apt-get install xvfb xdotool).")
    with virtual_display() as display, tempfile.TemporaryDirectory() as settings:
        window = Window(display, args.models_dir, Path(settings))
        try:
            window.click(window.layout["buttons"][args.model])
            window.event("loaded")
            height, second = 130, 40 + 130 + 50
            drawing = (s.four(150, 40, height) + s.seven(300, 40, height) + s.two(150, second, height)
                       + s.five_with_detached_bar(310, second, height) + s.cross(470, 120, 110))
            for stroke in drawing:
                window.stroke(stroke)
            window.click(window.layout["compare"])
            print(window.reading(strokes=len(drawing), model=args.model))
            time.sleep(8)  # every other model loads in the worker and reads the drawing too
            ImageGrab.grab(xdisplay=display).crop(window.geometry()).save(args.out)
            print(f"written: {args.out}")
        finally:
            window.close()


if __name__ == "__main__":
    raise SystemExit(options.command(main))
