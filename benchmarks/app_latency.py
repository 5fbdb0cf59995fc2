"""How quick the drawing window is, measured on the real window under Xvfb, driven with xdotool.

    python -m benchmarks.app_latency [--model cnn] [--repeats 10]

Reported: seconds from launch until the window is up; the longest the window's event loop stalled while
the model loaded (a Tk timer every 10 ms measures it); how long the model took to load in the worker; and,
for a 3-digit drawing, seconds from the last pen-up until the reading arrives (median and worst of
``--repeats`` drawings). Needs Xvfb and xdotool (apt-get install xvfb xdotool).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import cpu_name, parser, save
from digit_recognizer import options
from digit_recognizer.errors import UserError
from digit_recognizer.synthetic import strokes as s
from tools.gui_driver import Window, tools_missing, virtual_display


def three_digits() -> list:
    return s.seven(60, 80, 200) + s.one(260, 80, 200) + s.four(360, 80, 200)


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.set_defaults(models="cnn")
    p.add_argument("--repeats", type=options.positive_int, default=11, help="3-digit drawings read live (default: 11)")
    args = p.parse_args()
    model = args.models[0]
    if tools_missing():
        raise UserError(f"install {' and '.join(tools_missing())} (apt-get install xvfb xdotool).")
    with virtual_display() as display, tempfile.TemporaryDirectory() as settings:
        launched = time.perf_counter()
        window = Window(display, args.models_dir, Path(settings))
        visible = time.perf_counter() - launched
        try:
            window.click(window.layout["buttons"][model])
            loaded = window.event("loaded")
            while loaded["model"] != model:
                loaded = window.event("loaded")
            live = []
            drawing = three_digits()
            for _ in range(args.repeats):
                window.key("Escape")
                for stroke in drawing[:-1]:
                    window.stroke(stroke)
                window.stroke(drawing[-1])
                lifted = time.perf_counter()  # xdotool returns once the last pen-up is sent
                reading = window.reading(strokes=len(drawing), model=model)
                live.append(time.perf_counter() - lifted)
                assert reading["digits"] == "714", reading["digits"]
        finally:
            window.close()
    results = {"cpu": cpu_name(), "model": model, "window_visible_s": visible,
               "worst_stall_while_loading_ms": loaded["worst_stall_ms"], "model_load_s": loaded["seconds"],
               "first_reading_ms": 1000 * live[0], "live_reading_ms_median": 1000 * float(np.median(live[1:])),
               "live_reading_ms_worst": 1000 * max(live[1:]),
               "repeats": args.repeats}
    table = (f"Drawing window on {results['cpu']}, model {model}:\n\n| measure | value | target |\n|---|---:|---:|\n"
             f"| launch to window up | {visible:.2f} s | ≤ 1 s |\n"
             f"| worst event-loop stall while the model loads | {loaded['worst_stall_ms']:.0f} ms | ≤ 100 ms |\n"
             f"| model load (worker) | {loaded['seconds']:.1f} s | |\n"
             f"| first reading after the model loaded | {results['first_reading_ms']:.0f} ms | ≤ 1 s |\n"
             f"| pen-up to reading, 3 digits, median of {args.repeats - 1} more | "
             f"{results['live_reading_ms_median']:.0f} ms "
             f"| ≤ 150 ms |\n| pen-up to reading, worst | {results['live_reading_ms_worst']:.0f} ms | |\n")
    save(args.out_dir, "app_latency", results, table)


if __name__ == "__main__":
    raise SystemExit(options.command(main))
