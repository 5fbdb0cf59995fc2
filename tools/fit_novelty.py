"""Fit the novelty score beside the app's models and set the distance from which an item is unlike any digit.

The Best CNN's penultimate features of the study's 48,000 training digits give one mean per digit and a shared
covariance (:mod:`digit_recognizer.reading.novelty`). The distance from which an item counts as far from every
digit is set on drawings the score was not fitted on: numbers composed from the *validation* digits in every
layout of :mod:`digit_recognizer.synthetic.compose` (tiny ones aside), read as the app reads them; 99% of the
items read there as digits lie nearer. The distance under which an item is near a digit, and kept whatever the
verifier says, is set on the fit family of non-digit sketches: 99.5% of the items the verifier rejects there lie
farther. Writes ``models/novelty.npz`` and ``plots/novelty.json``.

    python -m tools.fit_novelty [--data PATH] [--per-layout 60] [--non-digits 1000]
"""

from __future__ import annotations

import argparse
import os

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from digit_recognizer import options
from digit_recognizer.errors import UserError
from digit_recognizer.outputs.artifacts import write_json
from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE, render_strokes
from digit_recognizer.reading.forward import predict
from digit_recognizer.reading.inference import read
from digit_recognizer.reading.loading import ModelShelf
from digit_recognizer.reading.novelty import FEATURES_MODEL, NOVELTY_FILENAME, distances, features_model, fit, save
from digit_recognizer.reading.verdict import DIGIT, UNSURE
from digit_recognizer.synthetic.compose import LAYOUTS, compose
from digit_recognizer.synthetic.sketches import non_digits
from digit_recognizer.training.data import load_raw, normalise, split
from tools.common import fitting_parser

# The share of digits read in validation drawings that lie nearer than the distance from which an item is far.
KEPT_PERCENT = 99.0
# The share of the fit family's non-digits rejected by the verifier that lie nearer than the distance under which
# an item is near a digit (and kept, whatever the verifier says).
NEAR_PERCENT = 0.5


def main(argv: list[str] | None = None) -> int:
    p = fitting_parser(__doc__.splitlines()[0])
    p.add_argument("--per-layout", type=options.positive_int, default=60,
                   help="validation drawings per layout that set the far distance (default: 60)")
    p.add_argument("--non-digits", type=options.positive_int, default=1000,
                   help="non-digit sketches of the fit family that set the near distance (default: 1000)")
    args = p.parse_args(argv)
    return options.command(lambda: fit_and_save(args))


def fit_and_save(args: argparse.Namespace) -> int:
    raw = load_raw(args.data, require_full=True)
    training = len(split(raw).y_train)
    shelf = ModelShelf(args.models_dir)
    model = shelf.get(FEATURES_MODEL)
    features = features_model(model)
    train_features = features.predict(normalise(raw.x_train[:training]), batch_size=512, verbose=0)
    means, precision = fit(train_features, raw.y_train[:training])
    reader = shelf.reader(FEATURES_MODEL, with_novelty=False)
    rng = np.random.default_rng(args.seed)
    x, y = raw.x_train[training:], raw.y_train[training:]
    read_as_digits = []
    for layout in (layout for layout in LAYOUTS if layout != "tiny"):
        for _ in range(args.per_layout):
            picks = rng.integers(0, len(x), 1 if layout == "huge" else int(rng.integers(2, 6)))
            reading = read(reader, compose(x[picks], y[picks], layout, rng).image, MIN_DIGIT_SIZE)
            read_as_digits += [image for image, status in zip(reading.batch, reading.status, strict=True)
                               if status in (DIGIT, UNSURE)]
    found = distances(predict(features, np.stack(read_as_digits)), means, precision)
    far_from = float(np.percentile(found, KEPT_PERCENT))
    rejected = []
    for _, strokes in non_digits("fit", args.non_digits, rng):
        reading = read(reader, render_strokes(strokes), MIN_DIGIT_SIZE)
        rejected += [image for image, other in zip(reading.batch, reading.other_probability, strict=True)
                     if other >= reader.reject_from]
    if len(rejected) < 100 / NEAR_PERCENT:
        raise UserError(f"the verifier rejected {len(rejected)} items in {args.non_digits} non-digit sketches, too "
                        f"few to set the distance near a digit ({NEAR_PERCENT}% of at least {100 / NEAR_PERCENT:.0f}); "
                        "draw more with --non-digits (default: 1000).")
    unlike = distances(predict(features, np.stack(rejected)), means, precision)
    near_below = float(np.percentile(unlike, NEAR_PERCENT))
    save(args.models_dir / NOVELTY_FILENAME, model, means, precision, far_from, near_below)
    validation = distances(features.predict(normalise(x), batch_size=512, verbose=0), means, precision)
    write_json(args.out_dir / "novelty.json", {
        "features_model": FEATURES_MODEL, "training_digits": training, "per_layout": args.per_layout,
        "seed": args.seed, "items_read_as_digits": len(found), "kept_percent": KEPT_PERCENT, "far_from": far_from,
        "validation_images_far_percent": float(100 * np.mean(validation >= far_from)),
        "fit_non_digits": args.non_digits, "non_digit_items_rejected_by_the_verifier": len(unlike),
        "near_percent": NEAR_PERCENT, "near_below": near_below,
        "validation_images_near_percent": float(100 * np.mean(validation < near_below)),
    })
    print(f"far from every digit from a squared distance of {far_from:.1f} ({len(found):,} items read as digits; "
          f"{100 * np.mean(validation >= far_from):.2f}% of the 12,000 validation images are that far)")
    print(f"near a digit under a squared distance of {near_below:.1f} ({len(unlike):,} non-digit items rejected by "
          f"the verifier; {100 * np.mean(validation < near_below):.1f}% of the validation images are that near)")
    print(f"written: {args.models_dir / NOVELTY_FILENAME}, {args.out_dir / 'novelty.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
