"""Train the digit verifier on what the reader really proposes, and save it beside the models.

Numbers are composed from MNIST *training* digits (the study's first 48,000) in every layout the app sees,
and from digits drawn with clean pen strokes (as with a mouse;
:func:`~digit_recognizer.synthetic.sketches.pen_digit_strokes`),
and the fit family of non-digit sketches plus printed letters is drawn on the canvas; each drawing goes
through the reader's own :func:`~digit_recognizer.reading.segment.propose`. A candidate made of ≥ 90% one digit's ink
and holding ≥ 90% of that digit is a whole digit; one that holds most of two digits, or is a small part of one,
is not; anything in between is left out. Non-digit sketches give only negatives. MNIST's own training
images are added as positives. The validation digits (the last 12,000) and the measure family of
sketches are never used here.

    python -m tools.train_verifier [--data PATH] [--drawings 4000] [--epochs 6]
"""

from __future__ import annotations

import argparse
import os
import time

import cv2
import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from digit_recognizer import options
from digit_recognizer.catalog import OTHER, PARTS, VERIFIER, VERIFIER_CLASSES, WHOLE
from digit_recognizer.outputs.artifacts import save_model, write_json
from digit_recognizer.reading.drawing import CANVAS_HEIGHT, CANVAS_WIDTH, MIN_DIGIT_SIZE, render_strokes
from digit_recognizer.reading.segment import propose
from digit_recognizer.synthetic.canvas_check import letters
from digit_recognizer.synthetic.compose import LAYOUTS, compose
from digit_recognizer.synthetic.ownership import ownership
from digit_recognizer.synthetic.sketches import FAMILIES, non_digits, pen_digit_strokes
from digit_recognizer.training.data import load_raw, split
from tools.common import fitting_parser

# A whole digit: ≥ 90% of the candidate's ink is one digit's, and it holds ≥ 90% of that digit. Digit parts:
# under 60% of either (a fragment, or several digits), or most of two digits however unequal their ink (a thin 1
# touching a 3 is a tenth of the pair's ink). In between is ambiguous and left out.
WHOLE_SHARE, PART_SHARE = 0.9, 0.6
# Letters the benchmark's measured family draws by hand: never fitted on, not even printed.
MEASURED_LETTERS = "".join(kind.removeprefix("letter_") for kind in FAMILIES["measure"]
                           if kind.startswith("letter_"))
# Numbers of 1–4 digits, single digits twice as often: whole digits drawn alone are what most drawings hold.
DIGITS_PER_DRAWING = (1, 1, 2, 3, 4)
# Pen-drawn digits are stretched sideways by a factor drawn log-uniformly from this range.
PEN_STRETCH = (0.6, 2.0)
# An upright bar: its ink's minor axis under this fraction of its major axis, tilted at most this many degrees.
BAR_THINNESS, BAR_TILT = 0.35, 50


def upright_bar(image: np.ndarray) -> bool:
    """A single near-vertical stroke: a 1, whatever it was cut from (a 4's stem, an H's), so never a negative."""
    moments = cv2.moments(image)
    if moments["m00"] <= 0:
        return False
    mu20, mu02, mu11 = (moments[key] / moments["m00"] for key in ("mu20", "mu02", "mu11"))
    spread = np.sqrt(((mu20 - mu02) / 2) ** 2 + mu11**2)
    major, minor = (mu20 + mu02) / 2 + spread, (mu20 + mu02) / 2 - spread
    angle = 0.5 * np.degrees(np.arctan2(2 * mu11, mu20 - mu02))  # of the major axis, from horizontal
    return minor < BAR_THINNESS**2 * major and abs(abs(angle) - 90) <= BAR_TILT


def label_candidates(image: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The drawing's candidates and their classes: a whole digit or digit parts (ambiguous ones dropped)."""
    candidates = propose(image, MIN_DIGIT_SIZE)
    owned = ownership(candidates, owners)
    several = np.count_nonzero(owned.coverage >= PART_SHARE, axis=1) > 1
    parts = (owned.share < PART_SHARE) | (owned.held < PART_SHARE) | several
    keep, labels = [], []
    for index, (whole, part) in enumerate(zip(owned.whole(WHOLE_SHARE), parts, strict=True)):
        if whole:
            keep.append(index), labels.append(WHOLE)
        elif part and not upright_bar(candidates.batch[index, ..., 0]):
            keep.append(index), labels.append(PARTS)
    return candidates.batch[keep], np.array(labels, np.int64)


def pen_number(digits: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Digits drawn with clean pen strokes side by side (some touching), narrow to very wide (a 7 with a long
    bar, a flat 0), and which digit owns each ink pixel."""
    height = float(rng.uniform(90, 300))
    stretch = float(np.exp(rng.uniform(*np.log(PEN_STRETCH))))
    width = 0.65 * height * stretch
    gap = float(rng.uniform(-0.1, 0.4)) * height
    scale = min(1.0, (CANVAS_WIDTH - 60) / (len(digits) * width + (len(digits) - 1) * gap))
    height, width, gap = height * scale, width * scale, gap * scale
    span = len(digits) * width + (len(digits) - 1) * gap
    left, top = float(rng.uniform(20, max(21.0, CANVAS_WIDTH - 20 - span))), (CANVAS_HEIGHT - height) / 2
    owners = np.zeros((CANVAS_HEIGHT, CANVAS_WIDTH), np.int16)
    for index, digit in enumerate(digits):
        strokes = pen_digit_strokes(int(digit), rng, (left, top, width / stretch, height))
        strokes = [[(left + (x - left) * stretch, y) for x, y in stroke] for stroke in strokes]
        ink = render_strokes(strokes) < 128
        owners[ink & (owners == 0)] = index + 1
        left += width + gap
    return np.where(owners > 0, 0, 255).astype(np.uint8), owners


def examples(x: np.ndarray, y: np.ndarray, drawings: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Candidates from composed numbers and from the fit family of non-digits, labelled."""
    batches, labels = [], []
    layouts = [layout for layout in LAYOUTS if layout != "tiny"]
    for _ in range(drawings):
        layout = layouts[int(rng.integers(len(layouts)))]
        count = int(rng.integers(3, 6)) if layout == "two_lines" else int(rng.choice(DIGITS_PER_DRAWING))
        picks = rng.integers(0, len(x), count)
        drawing = compose(x[picks], y[picks], layout, rng)
        batch, label = label_candidates(drawing.image, drawing.owners)
        batches.append(batch), labels.append(label)
    for _ in range(drawings // 2):
        batch, label = label_candidates(*pen_number(rng.integers(0, 10, int(rng.choice(DIGITS_PER_DRAWING))), rng))
        batches.append(batch), labels.append(label)
    sketches = [render_strokes(strokes) for _, strokes in non_digits("fit", drawings // 3, rng)]
    printed = [picture for _ in range(2) for _, picture in letters(rng, exclude=MEASURED_LETTERS)]
    for picture in sketches + printed:
        batch = propose(picture, MIN_DIGIT_SIZE).batch
        batch = batch[[not upright_bar(image[..., 0]) for image in batch]]
        batches.append(batch), labels.append(np.full(len(batch), OTHER, np.int64))
    return np.concatenate(batches), np.concatenate(labels)


def main(argv: list[str] | None = None) -> int:
    p = fitting_parser(__doc__.splitlines()[0])
    p.add_argument("--drawings", type=options.positive_int, default=4000,
                   help="composed numbers to draw (default: 4,000)")
    p.add_argument("--epochs", type=options.positive_int, default=6)
    args = p.parse_args(argv)
    return options.command(lambda: train(args))


def train(args: argparse.Namespace) -> int:
    raw = load_raw(args.data)
    import keras

    from digit_recognizer.reading.verifier import build

    keras.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    training = split(raw).x_train
    train_count = len(training)
    x, y = raw.x_train[:train_count], raw.y_train[:train_count]
    start = time.perf_counter()
    drawn, drawn_labels = examples(x, y, args.drawings, rng)
    plain = training[rng.choice(train_count, 20_000, replace=False)]
    images = np.concatenate([drawn, plain])
    labels = np.concatenate([drawn_labels, np.full(len(plain), WHOLE, np.int64)])
    made = time.perf_counter() - start
    counts = np.bincount(labels, minlength=len(VERIFIER_CLASSES))
    print(f"{len(images):,} examples made in {made:.0f} s: "
          + ", ".join(f"{count:,} {name}" for name, count in zip(VERIFIER_CLASSES, counts, strict=True)), flush=True)
    order = rng.permutation(len(images))
    images, labels = images[order], labels[order]
    model = build()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    weight = {index: len(labels) / (len(counts) * max(1, count)) for index, count in enumerate(counts)}
    history = model.fit(images, labels, batch_size=128, epochs=args.epochs, validation_split=0.1,
                        class_weight=weight, verbose=2)
    save_model(model, args.models_dir / f"{VERIFIER}.keras")
    write_json(args.out_dir / "verifier_training.json", {
        "examples": dict(zip(VERIFIER_CLASSES, map(int, counts), strict=True)), "drawings": args.drawings,
        "epochs": args.epochs, "seed": args.seed, "seconds_making_examples": made,
        "history": {key: [float(v) for v in values] for key, values in history.history.items()},
    })
    print(f"written: {args.models_dir / VERIFIER}.keras, {args.out_dir / 'verifier_training.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
