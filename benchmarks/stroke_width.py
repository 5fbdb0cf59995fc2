"""Does a thick pen on a small digit reach the classifier like an MNIST digit? Stroke-width normalisations compared.

The training writers' pen digits (never the measuring writers': this chooses a part of the reading) are drawn
one at a time on the canvas at the pen widths and heights people use, cropped whole, and normalised to 28×28
three ways before the classifier's top class is taken:

- *none*: shrunk as drawn, the pen shrinking with the digit;
- *morphology*: dilated or eroded towards MNIST's stroke width before shrinking, when it is off by at least
  a quarter (:func:`preprocess.to_mnist` until now);
- *skeleton*: thinned to its one-pixel skeleton and redrawn at MNIST's stroke width, whatever the pen.

    python -m benchmarks.stroke_width [--models best] [--per-cell 150]
"""

from __future__ import annotations

import cv2
import numpy as np
from skimage.morphology import skeletonize

from benchmarks.common import cpu_name, load_models, parser, save
from digit_recognizer import options
from digit_recognizer.geometry import MNIST_BOX, MNIST_STROKE
from digit_recognizer.reading.forward import predict
from digit_recognizer.reading.preprocess import ink_mask, stroke_width, to_ink, to_mnist
from digit_recognizer.synthetic.compose import pen_strokes
from digit_recognizer.training import pendigits

PENS = (8, 20, 40, 60)
HEIGHTS = {"40-100 px": (40, 100), "100-200 px": (100, 200), "200-350 px": (200, 350)}


def normalised(image: np.ndarray) -> dict[str, np.ndarray]:
    """One drawn digit's whole ink → its 28×28 input by each method."""
    ink = to_ink(image)
    mask = ink_mask(ink)
    ys, xs = np.nonzero(mask)
    crop, crop_mask = ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1], mask[ys.min() : ys.max() + 1,
                                                                                 xs.min() : xs.max() + 1]
    target = MNIST_STROKE * max(crop.shape) / MNIST_BOX
    skeleton = skeletonize(crop_mask > 0).astype(np.uint8)
    size = max(1, round(target))
    redrawn = cv2.dilate(skeleton, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))) * 255
    return {"none": to_mnist(crop, 0.0), "morphology": to_mnist(crop, stroke_width(mask)),
            "skeleton": to_mnist(redrawn, target)}


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.set_defaults(models="best")
    p.add_argument("--pendigits", default=None, help="pendigits-orig.tra (default: the shared copy)")
    p.add_argument("--per-cell", type=options.positive_int, default=150,
                   help="digits per pen width and height range (default: 150)")
    args = p.parse_args()
    train, _ = pendigits.split(pendigits.load(args.pendigits))
    rng = np.random.default_rng(args.seed)
    cells: dict[tuple[int, str], tuple[dict[str, np.ndarray], np.ndarray]] = {}
    for pen in PENS:
        for band, (low, high) in HEIGHTS.items():
            if pen > high / 3.2:
                continue
            picks = [train[i] for i in rng.integers(0, len(train), args.per_cell)]
            inputs: dict[str, list[np.ndarray]] = {}
            for digit in picks:
                mask = pen_strokes(digit, int(rng.integers(max(low, round(3.2 * pen)), high + 1)), pen)
                image = np.where(np.pad(mask, 10), 0, 255).astype(np.uint8)
                for method, x in normalised(image).items():
                    inputs.setdefault(method, []).append(x)
            cells[pen, band] = ({m: np.stack(v)[..., None] for m, v in inputs.items()},
                                np.array([d.label for d in picks]))
    methods = ("none", "morphology", "skeleton")
    results: dict = {"cpu": cpu_name(), "per_cell": args.per_cell, "models": {}}
    lines = [f"The training writers' digits drawn alone, {args.per_cell} per cell, read by the plain classifier after "
             "each stroke-width normalisation; digits read right, in %.\n"]
    for name, model in load_models(args).items():
        rows, table = {}, []
        for (pen, band), (inputs, labels) in cells.items():
            right = {m: float(np.mean(predict(model, inputs[m]).argmax(axis=1) == labels)) for m in methods}
            rows[f"pen {pen}, {band}"] = right
            table.append(f"| {pen} | {band} | " + " | ".join(f"{100 * right[m]:.1f}" for m in methods) + " |")
        mean = {m: float(np.mean([row[m] for row in rows.values()])) for m in methods}
        results["models"][name] = {"cells": rows, "mean": mean}
        lines += [f"\n**{name}**\n", "| pen px | digit height | " + " | ".join(methods) + " |",
                  "|---:|---|" + "---:|" * len(methods), *table,
                  "| all | mean | " + " | ".join(f"**{100 * mean[m]:.1f}**" for m in methods) + " |"]
    save(args.out_dir, "stroke_width", results, "\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(options.command(main))
