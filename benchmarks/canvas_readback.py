"""Does the app's reading pipeline give the models what MNIST gave them?

Every MNIST test digit is redrawn large with pen-like strokes on a canvas-sized picture
(:func:`digit_recognizer.canvas_check.draw_large`), read back through the app's pipeline, and classified.
Accuracy on the redrawn digits is compared with accuracy on the original 28×28 images.

    python -m benchmarks.canvas_readback [--limit N]
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.common import load_models, parser, save
from digit_recognizer.canvas_check import draw_large
from digit_recognizer.data import load_raw, normalise
from digit_recognizer.preprocess import extract_digits


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--limit", type=int, default=None, help="first N test digits (default: all 10,000)")
    args = p.parse_args()
    raw = load_raw(args.data, require_full=False)
    x, y = raw.x_test[: args.limit], raw.y_test[: args.limit]
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    redrawn = np.zeros((len(x), 28, 28, 1), np.float32)
    found = np.zeros(len(x), dtype=int)
    for index, digit in enumerate(x):
        digits = extract_digits(draw_large(digit, rng))
        found[index] = len(digits)
        if len(digits) == 1:
            redrawn[index] = digits.batch[0]
    seconds = time.perf_counter() - start
    results: dict = {
        "digits": len(x),
        "segmented_as_one_digit": float(np.mean(found == 1)),
        "pipeline_ms_per_canvas": 1000 * seconds / len(x),
        "models": {},
    }
    rows = []
    for name, model in load_models(args).items():
        original = float(np.mean(model.predict(normalise(x), verbose=0).argmax(1) == y))
        # A canvas that did not read as exactly one digit counts as an error.
        read_back = float(np.mean((model.predict(redrawn, verbose=0).argmax(1) == y) & (found == 1)))
        results["models"][name] = {"original_accuracy": original, "redrawn_accuracy": read_back,
                                   "difference_points": 100 * (read_back - original)}
        rows.append(f"| {name.upper()} | {100 * original:.2f} | {100 * read_back:.2f} "
                    f"| {100 * (read_back - original):+.2f} |")
    table = (f"MNIST test digits redrawn large ({len(x):,}; {100 * results['segmented_as_one_digit']:.2f}% "
             f"segmented as exactly one digit; {results['pipeline_ms_per_canvas']:.1f} ms per canvas)\n\n"
             "| model | original 28×28 acc % | redrawn on canvas acc % | difference (points) |\n"
             "|---|---:|---:|---:|\n" + "\n".join(rows) + "\n")
    save(args.out_dir, "canvas_readback", results, table)


if __name__ == "__main__":
    main()
