"""Does the app's reading pipeline give the models what MNIST gave them?

Every MNIST test digit is redrawn large with pen-like strokes on a canvas-sized picture
(:func:`digit_recognizer.synthetic.canvas_check.draw_large`) and read back exactly as the app reads it (segmentation
steered by the model and the verifier, calibrated confidence). A canvas counts as read right when it reads as
exactly one item with the right digit; the share of such right answers that the verifier wrongly rejects as
"not a digit" is reported beside it. Accuracy is compared with accuracy on the original 28×28 images.

    python -m benchmarks.canvas_readback [--limit N]
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.common import load_readers, parser, save
from digit_recognizer import options
from digit_recognizer.reading.forward import predict
from digit_recognizer.reading.inference import read
from digit_recognizer.reading.verdict import NOT_A_DIGIT
from digit_recognizer.synthetic.canvas_check import draw_large
from digit_recognizer.training.data import load_raw, normalise


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--limit", type=options.positive_int, default=None, help="first N test digits (default: all 10,000)")
    args = p.parse_args()
    raw = load_raw(args.data)
    x, y = raw.x_test[: args.limit], raw.y_test[: args.limit]
    rng = np.random.default_rng(args.seed)
    canvases = [draw_large(digit, rng) for digit in x]
    results: dict = {"digits": len(x), "models": {}}
    rows = []
    for name, reader in load_readers(args).items():
        original = float(np.mean(predict(reader.model, normalise(x)).argmax(1) == y))
        right, rejected, items = np.zeros(len(x), bool), np.zeros(len(x), bool), np.zeros(len(x), int)
        start = time.perf_counter()
        for index, canvas in enumerate(canvases):
            reading = read(reader, canvas)
            items[index] = len(reading)
            right[index] = len(reading) == 1 and reading.labels[0] == y[index]
            rejected[index] = right[index] and reading.status[0] == NOT_A_DIGIT
        seconds = time.perf_counter() - start
        read_back = float(right.mean())
        results["models"][name] = {"original_accuracy": original, "redrawn_accuracy": read_back,
                                   "difference_points": 100 * (read_back - original),
                                   "read_as_one_item": float(np.mean(items == 1)),
                                   "right_but_rejected": float(rejected.sum() / max(1, right.sum())),
                                   "ms_per_canvas": 1000 * seconds / len(x)}
        rows.append(f"| {name.upper()} | {100 * original:.2f} | {100 * read_back:.2f} "
                    f"| {100 * (read_back - original):+.2f} | {100 * np.mean(items == 1):.2f} "
                    f"| {100 * rejected.sum() / max(1, right.sum()):.2f} | {1000 * seconds / len(x):.1f} |")
    table = (f"MNIST test digits redrawn large ({len(x):,}), read as the app reads them\n\n"
             "| model | original 28×28 acc % | redrawn on canvas acc % | difference (points) | read as one item % "
             "| right but rejected % | ms per canvas |\n"
             "|---|---:|---:|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n")
    save(args.out_dir, "canvas_readback", results, table)


if __name__ == "__main__":
    raise SystemExit(options.command(main))
