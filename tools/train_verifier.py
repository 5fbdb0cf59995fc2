"""Train the digit verifier on what the reader really proposes, and save it beside the models.

Numbers are composed from MNIST *training* digits (the study's first 48,000) in every layout the app sees,
and from digits drawn with clean pen strokes (as with a mouse;
:func:`~digit_recognizer.synthetic.sketches.pen_digit_strokes`),
and the fit family of non-digit sketches plus printed letters is drawn on the canvas (with ``--glyphs``, for the
verifier's second member, hand drawings of Hershey glyphs and closed outlines too:
:mod:`~digit_recognizer.synthetic.hershey`, :mod:`~digit_recognizer.synthetic.outlines`); each
drawing goes through the reader's own :func:`~digit_recognizer.reading.segment.propose`. A candidate made of
≥ 90% one digit's ink and holding ≥ 90% of that digit is a whole digit; one that holds most of two digits, or is
a small part of one, is not; anything in between is left out. Non-digit sketches give only negatives. MNIST's
own training images are added as positives, and so are the training writers' pen digits: drawn in numbers, and
redrawn alone (:mod:`digit_recognizer.training.writers`). The validation digits (the last 12,000), the measuring
writers and the measure family of sketches are never used here; with ``--without-tuning-writers`` neither are
:data:`~digit_recognizer.training.pendigits.TUNE_WRITERS`, so that the verdict's thresholds can be tuned on
writers the verifier never saw (``benchmarks.writers --writers tune``).

    python -m tools.train_verifier [--glyphs] [--without-tuning-writers] [--data PATH] [--drawings 8000] [--epochs 12]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Iterable, Iterator

import cv2
import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from digit_recognizer import options
from digit_recognizer.catalog import OTHER, PARTS, VERIFIER, VERIFIER_CLASSES, VERIFIER_GLYPHS, WHOLE
from digit_recognizer.errors import UserError
from digit_recognizer.reading.drawing import CANVAS_HEIGHT, CANVAS_WIDTH, MIN_DIGIT_SIZE, render_strokes
from digit_recognizer.reading.segment import propose
from digit_recognizer.synthetic import hershey, outlines
from digit_recognizer.synthetic.canvas_check import letters
from digit_recognizer.synthetic.compose import LAYOUTS, compose
from digit_recognizer.synthetic.ownership import ownership
from digit_recognizer.synthetic.pen_numbers import PenNumbers
from digit_recognizer.synthetic.sketches import FAMILIES, non_digits, pen_digit_strokes
from digit_recognizer.training import pendigits
from digit_recognizer.training.data import load_raw, split
from digit_recognizer.training.writers import images as writer_images
from tools.common import drawing_parser, fit_and_save, seeded

# A whole digit: ≥ 90% of the candidate's ink is one digit's, and it holds ≥ 90% of that digit. Digit parts:
# under 60% of either (a fragment, or several digits), or most of two digits however unequal their ink (a thin 1
# touching a 3 is a tenth of the pair's ink). In between is ambiguous and left out.
WHOLE_SHARE, PART_SHARE = 0.9, 0.6
# Letters the benchmark's measured family draws by hand: never fitted on, not even printed.
MEASURED_LETTERS = "".join(kind.removeprefix("letter_") for kind in FAMILIES["measure"]
                           if kind.startswith("letter_"))
# Hand-drawn glyphs leave them out in either case too: a hand's v is a small V.
MEASURED_LETTERS_ANY_CASE = MEASURED_LETTERS + MEASURED_LETTERS.swapcase()
# Numbers of 1–4 digits, single digits twice as often: whole digits drawn alone are what most drawings hold.
DIGITS_PER_DRAWING = (1, 1, 2, 3, 4)
# The training writers' numbers are drawn with pens this wide (log-uniform), px.
WRITER_PENS = (6.0, 40.0)
# Pen-drawn digits are stretched sideways by a factor drawn log-uniformly from this range.
PEN_STRETCH = (0.6, 2.0)
# An upright bar: its ink's minor axis under this fraction of its major axis, tilted at most this many degrees.
BAR_THINNESS, BAR_TILT = 0.35, 50
# Labels a drawing's examples from which digit owns each ink pixel: (images, classes).
Labeller = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


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


def non_digit_pictures(sketches: int, glyphs: int, fonts_rounds: int, rng: np.random.Generator) -> list[np.ndarray]:
    """The fit family's sketches, hand drawings of Hershey glyphs (no letter the measured family draws, in either
    case) and as many random closed outlines, then the printed letters and symbols (each round in 12 fonts drawn at
    random) that are neither the measured family's kinds nor their close relatives."""
    drawn = [render_strokes(strokes) for _, strokes in non_digits("fit", sketches, rng)]
    if glyphs:
        glyph_drawings = hershey.drawings(glyphs, rng, exclude=MEASURED_LETTERS_ANY_CASE)
        drawn += [render_strokes(strokes) for _, strokes in glyph_drawings + outlines.drawings(glyphs, rng)]
    return drawn + [picture for _ in range(fonts_rounds) for _, picture in letters(rng, exclude=MEASURED_LETTERS)]


def numbers(x: np.ndarray, y: np.ndarray, drawings: int, layout_and_count: Callable[[], tuple[str, int]],
            rng: np.random.Generator, writers: PenNumbers | None = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Drawings of numbers and which digit owns each ink pixel: ``drawings`` composed from the digits ``x`` in
    the layouts ``layout_and_count`` picks, then half as many drawn with clean pen strokes, then half as many
    again of ``writers``' pen digits if given, one writer per number, with pens of 6 to 40 px."""
    for _ in range(drawings):
        layout, count = layout_and_count()
        picks = rng.integers(0, len(x), count)
        drawing = compose(x[picks], y[picks], layout, rng)
        yield drawing.image, drawing.owners
    for _ in range(drawings // 2):
        yield pen_number(rng.integers(0, 10, int(rng.choice(DIGITS_PER_DRAWING))), rng)
    for _ in range(drawings // 2 if writers else 0):
        layout, count = layout_and_count()
        drawing = writers.draw(layout, count, rng, pen=float(np.exp(rng.uniform(*np.log(WRITER_PENS)))))
        yield drawing.image, drawing.owners


def collect(drawn: Iterable[tuple[np.ndarray, np.ndarray]], label: Labeller, negatives: Callable[[], list[np.ndarray]],
            negative: Callable[[np.ndarray], np.ndarray], negative_class: int) -> tuple[np.ndarray, np.ndarray]:
    """Examples labelled from drawings of digits whose ink owners are known, then from pictures of non-digits
    (made once the drawings are done, so that the random draws repeat), all of ``negative_class``."""
    batches, labels = [], []
    for image, owners in drawn:
        batch, classes = label(image, owners)
        batches.append(batch), labels.append(classes)
    for picture in negatives():
        batch = negative(picture)
        batches.append(batch), labels.append(np.full(len(batch), negative_class, np.int64))
    return np.concatenate(batches), np.concatenate(labels)


def examples(x: np.ndarray, y: np.ndarray, drawings: int, glyphs: bool, rng: np.random.Generator,
             writers: PenNumbers) -> tuple[np.ndarray, np.ndarray]:
    """Candidates from composed numbers, pen-drawn numbers and the fit family of non-digits (with ``glyphs``,
    as many hand-drawn Hershey glyphs and as many closed outlines too), labelled."""
    layouts = [layout for layout in LAYOUTS if layout != "tiny"]

    def layout_and_count() -> tuple[str, int]:
        layout = layouts[int(rng.integers(len(layouts)))]
        return layout, int(rng.integers(3, 6)) if layout == "two_lines" else int(rng.choice(DIGITS_PER_DRAWING))

    def candidates_but_bars(picture: np.ndarray) -> np.ndarray:
        batch = propose(picture, MIN_DIGIT_SIZE).batch
        return batch[[not upright_bar(image[..., 0]) for image in batch]]

    sketches = drawings // 3
    return collect(numbers(x, y, drawings, layout_and_count, rng, writers), label_candidates,
                   lambda: non_digit_pictures(sketches, sketches if glyphs else 0, 2, rng), candidates_but_bars, OTHER)


def main(argv: list[str] | None = None) -> int:
    p = drawing_parser(__doc__.splitlines()[0], 8000, 12)
    p.add_argument("--glyphs", action="store_true",
                   help=f"fit the verifier's second member ({VERIFIER_GLYPHS}.keras): hand-drawn Hershey glyphs "
                        "and closed outlines among the non-digits too")
    p.add_argument("--without-tuning-writers", action="store_true",
                   help="leave the tuning writers out too, to tune the thresholds on them (save it with --models-dir)")
    options.add_pendigits(p)
    args = p.parse_args(argv)
    return options.command(lambda: train(args))


def train(args: argparse.Namespace) -> int:
    if args.without_tuning_writers and args.models_dir == drawing_parser("", 1, 1).get_default("models_dir"):
        raise UserError("a verifier fitted without the tuning writers must not replace the shipped one; pass "
                        "--models-dir with a folder of its own.")
    raw = load_raw(args.data)
    from digit_recognizer.models.verifier import build

    rng = seeded(args.seed)
    training = split(raw).x_train
    train_count = len(training)
    x, y = raw.x_train[:train_count], raw.y_train[:train_count]
    start = time.perf_counter()
    writer_digits, _ = pendigits.split(pendigits.load(args.pendigits))
    if args.without_tuning_writers:
        writer_digits, _ = pendigits.hold_out_tuning(writer_digits)
    drawn, drawn_labels = examples(x, y, args.drawings, args.glyphs, rng, PenNumbers(writer_digits))
    plain = training[rng.choice(train_count, 20_000, replace=False)]
    redrawn, _ = writer_images(writer_digits, 2, args.seed)
    images = np.concatenate([drawn, plain, redrawn])
    labels = np.concatenate([drawn_labels, np.full(len(plain) + len(redrawn), WHOLE, np.int64)])
    made = time.perf_counter() - start
    name = VERIFIER_GLYPHS if args.glyphs else VERIFIER
    fit_and_save(args, name, build, VERIFIER_CLASSES, images, labels, made, rng)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
