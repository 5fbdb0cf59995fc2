"""How soon the app and `predict` answer, from a cold start: the real window under Xvfb, driven with xdotool.

    python -m benchmarks.app_latency [--models best] [--repeats 11] [--runtimes auto,keras]

For each runtime (``auto``: the networks exported for ONNX Runtime; ``keras``: TensorFlow), from the moment the
app is launched: the window shown; the first reading of a 3-digit number drawn at once; every model of "Compare
all" loaded; then pen-up → reading of a 3-digit number (median, p95 over ``--repeats`` drawings) with the model
alone and with "Compare all" (until every model has read it); the longest the window's event loop stalled.
``predict`` is timed from the shell on one picture and on 100. Needs Xvfb and xdotool.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from benchmarks.common import cpu_name, parser, save
from digit_recognizer import options
from digit_recognizer.catalog import DISPLAY_NAMES, ENSEMBLE
from digit_recognizer.errors import UserError
from digit_recognizer.reading.drawing import render_strokes
from digit_recognizer.reading.loading import RUNTIMES
from digit_recognizer.synthetic import strokes as s
from tools.gui_driver import Window, tools_missing, virtual_display

PICTURES = 100


def three_digits() -> list:
    return s.seven(60, 80, 200) + s.one(260, 80, 200) + s.four(360, 80, 200)


def draw(window: Window, drawing: list) -> float:
    """Draw on a cleared canvas; the moment of the last pen-up (xdotool returns once it is sent)."""
    window.key("Escape")
    for stroke in drawing:
        window.stroke(stroke)
    return time.perf_counter()


def window_figures(models_dir: Path, model: str, runtime: str, repeats: int) -> dict:
    drawing = three_digits()
    with virtual_display() as display, tempfile.TemporaryDirectory() as settings:
        launched = time.perf_counter()
        window = Window(display, models_dir, Path(settings), ["--runtime", runtime])
        figures = {"window_shown_s": time.perf_counter() - launched}
        try:
            window.click(window.layout["buttons"][model])
            for stroke in drawing:
                window.stroke(stroke)
            loaded, first = {}, None
            expected = {*window.layout["buttons"], *([ENSEMBLE] if (models_dir / "best_seed1.keras").is_file()
                                                     else [])}
            while first is None or not expected <= set(loaded):
                line = window.next_line(300)
                if line.get("event") == "loaded":
                    if line["error"]:
                        raise UserError(f"{line['model']} did not load: {line['error']}")
                    loaded[line["model"]] = time.perf_counter() - launched
                    figures["worst_stall_ms"] = max(figures.get("worst_stall_ms", 0), line["worst_stall_ms"])
                elif first is None and line.get("strokes") == len(drawing) and line.get("model") == model:
                    first = time.perf_counter() - launched
                    assert line["digits"] == "714", line["digits"]
            figures |= {"first_reading_s": first, "all_models_ready_s": max(loaded.values())}
            alone = []
            for _ in range(repeats):
                lifted = draw(window, drawing)
                assert window.reading(strokes=len(drawing), model=model)["digits"] == "714"
                alone.append(time.perf_counter() - lifted)
            window.click(window.layout["compare"])
            compared = []
            for _ in range(repeats):
                lifted, waiting = draw(window, drawing), set(expected)
                while waiting:
                    line = window.next_line(60)
                    if line.get("event") == "compared" and line["strokes"] == len(drawing):
                        waiting.discard(line["model"])
                compared.append(time.perf_counter() - lifted)
        finally:
            window.close()
    for name, values in (("alone", alone), ("compare_all", compared)):
        figures[f"pen_up_{name}_ms_p50"] = 1000 * float(np.percentile(values, 50))
        figures[f"pen_up_{name}_ms_p95"] = 1000 * float(np.percentile(values, 95))
    return figures


def predict_seconds(models_dir: Path, model: str, runtime: str, pictures: list[Path]) -> float:
    """Wall seconds of `python -m digit_recognizer predict` from the shell, cold."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "digit_recognizer", "predict", *map(str, pictures), "--model", model,
                    "--models-dir", str(models_dir), "--runtime", runtime], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.set_defaults(models=["best"])
    p.add_argument("--repeats", type=options.positive_int, default=11, help="3-digit drawings read live (default: 11)")
    p.add_argument("--runtimes", type=options.name_list(RUNTIMES, "runtime"), default=list(RUNTIMES))
    args = p.parse_args()
    model = args.models[0]
    if tools_missing():
        raise UserError(f"install {' and '.join(tools_missing())} (apt-get install xvfb xdotool).")
    isa = os.environ.get("ONEDNN_MAX_CPU_ISA")
    results: dict = {"cpu": cpu_name(), "onednn_max_cpu_isa": isa, "model": model, "repeats": args.repeats,
                     "runtimes": {}}
    with tempfile.TemporaryDirectory() as folder:
        pictures = [Path(folder) / f"{index}.png" for index in range(PICTURES)]
        Image.fromarray(render_strokes(three_digits())).save(pictures[0])
        for picture in pictures[1:]:
            picture.write_bytes(pictures[0].read_bytes())
        for runtime in args.runtimes:
            figures = window_figures(args.models_dir, model, runtime, args.repeats)
            figures["predict_one_s"] = predict_seconds(args.models_dir, model, runtime, pictures[:1])
            figures["predict_100_s"] = predict_seconds(args.models_dir, model, runtime, pictures)
            results["runtimes"][runtime] = figures
    rows = [("launch → window shown", "window_shown_s", "s", ""),
            ("launch → first reading of a 3-digit number", "first_reading_s", "s", "≤ 3 s"),
            ("launch → every model of Compare all ready", "all_models_ready_s", "s", "≤ 10 s"),
            ("worst event-loop stall while loading", "worst_stall_ms", "ms", "≤ 100 ms"),
            ("pen-up → reading, median", "pen_up_alone_ms_p50", "ms", ""),
            ("pen-up → reading, p95", "pen_up_alone_ms_p95", "ms", "≤ 100 ms"),
            ("pen-up → every Compare all reading, median", "pen_up_compare_all_ms_p50", "ms", ""),
            ("pen-up → every Compare all reading, p95", "pen_up_compare_all_ms_p95", "ms", "≤ 300 ms"),
            ("`predict`, one picture, from the shell", "predict_one_s", "s", "≤ 3 s"),
            (f"`predict`, {PICTURES} pictures, from the shell", "predict_100_s", "s", "")]
    runtimes = list(results["runtimes"])
    limited = f" (TensorFlow's oneDNN limited to {isa}; ONNX Runtime is not)" if isa else ""
    table = [f"The app and `predict` from a cold start on {results['cpu']}{limited}, {DISPLAY_NAMES[model]}, "
             f"{args.repeats} drawings each; runtime `auto` reads with the exported networks (ONNX Runtime), "
             "`keras` with TensorFlow.\n",
             "| measure | " + " | ".join(runtimes) + " | target |", "|---|" + "---:|" * len(runtimes) + "---:|"]
    for label, key, unit, target in rows:
        values = [results["runtimes"][runtime][key] for runtime in runtimes]
        shown = [f"{value:.2f} s" if unit == "s" else f"{value:.0f} ms" for value in values]
        table.append(f"| {label} | " + " | ".join(shown) + f" | {target} |")
    save(args.out_dir, "app_latency", results, "\n".join(table) + "\n")


if __name__ == "__main__":
    raise SystemExit(options.command(main))
