"""Screenshot of the app reading a number written on two lines, for the README (needs Xvfb and xdotool).

    python -m tools.app_screenshot [--out docs/app_screenshot.png] [--model best]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from PIL import ImageGrab

from digit_recognizer.paths import MODELS_DIRNAME, REPO_ROOT
from tests import strokes as s
from tests.gui_driver import Window, tools_missing, virtual_display


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "app_screenshot.png")
    parser.add_argument("--model", default="best")
    parser.add_argument("--models-dir", type=Path, default=REPO_ROOT / MODELS_DIRNAME)
    args = parser.parse_args()
    if tools_missing():
        raise SystemExit(f"error: install {' and '.join(tools_missing())} (apt-get install xvfb xdotool).")
    with virtual_display() as display:
        window = Window(display, args.models_dir)
        try:
            height, second = 130, 40 + 130 + 50
            drawing = (s.four(150, 40, height) + s.seven(300, 40, height) + s.two(150, second, height)
                       + s.five_with_detached_bar(310, second, height) + s.cross(470, 120, 110))
            for stroke in drawing:
                window.stroke(stroke)
            window.click(window.layout["buttons"][args.model])
            print(window.next_line(timeout=60))
            time.sleep(1)
            image = ImageGrab.grab(xdisplay=display)
            right = max(r[0] + r[2] for r in window.layout["buttons"].values()) + 700
            image.crop((0, 0, min(image.width, right), window.layout["clear"][1] + 70)).save(args.out)
            print(f"written: {args.out}")
        finally:
            window.close()


if __name__ == "__main__":
    main()
