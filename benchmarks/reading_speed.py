"""How long does the app take to read a drawing once the model is loaded? Three-digit numbers, timed.

Numbers of three MNIST test digits are composed on the canvas (level, and touching, the costliest case) and
read exactly as the app reads them; the first reading (warm-up) is not counted.

    python -m benchmarks.reading_speed [--models cnn] [--drawings 200]
"""

from __future__ import annotations

import platform
import time

import numpy as np

from benchmarks.common import cpu_name, load_readers, parser, save
from digit_recognizer import options
from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE
from digit_recognizer.reading.inference import read
from digit_recognizer.synthetic.compose import compose
from digit_recognizer.training.data import load_raw

LAYOUTS = ("level", "touching")


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.set_defaults(models="cnn")
    p.add_argument("--drawings", type=options.positive_int, default=200, help="drawings per layout (default: 200)")
    args = p.parse_args()
    raw = load_raw(args.data)
    rng = np.random.default_rng(args.seed)
    drawings = {layout: [compose(raw.x_test[picks], raw.y_test[picks], layout, rng)
                         for picks in rng.integers(0, len(raw.y_test), (args.drawings, 3))] for layout in LAYOUTS}
    results: dict = {"cpu": cpu_name(), "python": platform.python_version(), "models": {}}
    rows = []
    for name, reader in load_readers(args).items():
        read(reader, drawings["level"][0].image, MIN_DIGIT_SIZE)
        results["models"][name] = {}
        for layout, items in drawings.items():
            seconds = []
            for drawing in items:
                start = time.perf_counter()
                read(reader, drawing.image, MIN_DIGIT_SIZE)
                seconds.append(time.perf_counter() - start)
            p50, p95 = (1000 * float(np.percentile(seconds, q)) for q in (50, 95))
            results["models"][name][layout] = {"p50_ms": p50, "p95_ms": p95}
            rows.append(f"| {name} | {layout} | {p50:.1f} | {p95:.1f} |")
    table = (f"Reading a three-digit drawing, {args.drawings} drawings per layout, on {results['cpu']}\n\n"
             "| model | layout | median ms | p95 ms |\n|---|---|---:|---:|\n" + "\n".join(rows) + "\n")
    save(args.out_dir, "reading_speed", results, table)


if __name__ == "__main__":
    raise SystemExit(options.command(main))
