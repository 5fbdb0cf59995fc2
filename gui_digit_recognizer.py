"""Draw digits with the mouse and have a trained model read them as you write.

    python gui_digit_recognizer.py [--models-dir DIR] [--runtime auto|keras]

The window is :class:`digit_recognizer.app.window.DigitApp`; models load and drawings are read in a worker
process, so the window never waits for TensorFlow. Each reading the window shows is also printed to standard
output as one JSON line. TensorFlow's start-up banners are hidden; set ``DIGITS_TF_LOGS=1`` to see them.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
import tkinter as tk
from pathlib import Path

from digit_recognizer.app.reading_worker import ReadingWorker
from digit_recognizer.app.window import DigitApp
from digit_recognizer.outputs.paths import MODELS_DIRNAME, REPO_ROOT
from digit_recognizer.reading.loading import add_runtime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw digits and have a trained model read them.")
    parser.add_argument("--models-dir", type=Path, default=REPO_ROOT / MODELS_DIRNAME,
                        help="folder holding ann.keras, cnn.keras, vgg16.keras (default: models/)")
    add_runtime(parser)
    parser.add_argument("--report-layout", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    launched = time.perf_counter()
    try:
        root = tk.Tk()
    except tk.TclError as error:
        print(f"error: cannot open a window ({error}); run this on a desktop or set DISPLAY.", file=sys.stderr)
        return 2
    worker = ReadingWorker(args.models_dir, args.runtime)
    # Closed from outside (Ctrl+C in the terminal, a session ending): leave the loop so the worker is stopped.
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: root.quit())
    app = DigitApp(root, args.models_dir, worker, report_layout=args.report_layout)
    if args.report_layout:
        root.after(200, lambda: print(json.dumps(app.layout() | {"seconds": time.perf_counter() - launched}),
                                      flush=True))
    try:
        root.mainloop()
    finally:
        worker.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
