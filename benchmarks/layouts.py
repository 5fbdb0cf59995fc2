"""How well does the app read what people really draw? Numbers in real layouts, and things that are not digits.

Numbers of 2–5 digits are composed from digits no model trained on — MNIST's *test* images, and scikit-learn's
8×8 digits from other writers, upscaled and redrawn — as pen strokes on the app's canvas, in the layouts of
:mod:`digit_recognizer.synthetic.compose`: level, uneven baselines, one digit raised or lowered by ⅔ of its height
(the stress case), sloped, touching neighbours, two lines, mixed sizes and pens, tiny and huge. Non-digits
come in two families of kinds (:mod:`digit_recognizer.synthetic.sketches`): the verifier was fitted on one, the other
is only measured here. Each drawing is read exactly as the app reads it (:func:`inference.read`).

Reported per model and case: whole numbers read right, digits read right, digits wrongly rejected as not
digits, non-digits rejected, and non-digits drawn beside a number read as one more digit. ``--source
validation`` builds the same benchmark from the validation digits, for choosing thresholds without looking at
the test digits.

    python -m benchmarks.layouts [--per-layout 300] [--models ann,cnn,vgg16,best]
"""

from __future__ import annotations

import difflib
import os
import time
from dataclasses import replace

import numpy as np

from benchmarks.common import add_thresholds, load_readers, parser, save, with_thresholds
from digit_recognizer import options
from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE, Stroke, render_strokes
from digit_recognizer.reading.inference import read
from digit_recognizer.reading.result import Reading
from digit_recognizer.reading.verdict import DIGIT, NOT_A_DIGIT, UNSURE
from digit_recognizer.synthetic.compose import LAYOUTS, Drawing, beside, compose
from digit_recognizer.synthetic.sketches import FAMILIES, non_digits
from digit_recognizer.training.data import load_raw, split

# Layouts built from scikit-learn's digits too (other writers); its 1,797 images are too few for all.
OTHER_WRITER_LAYOUTS = ("level", "uneven", "touching", "two_lines")
# Non-digit drawings per family: 20 of each measured kind.
NON_DIGITS = 20 * len(FAMILIES["measure"])
# What decides "not a digit": as the app, then the methods it is compared with.
REJECT_BY = ("verifier", "confidence")


def digit_counts(layout: str, rng: np.random.Generator) -> int:
    if layout in ("tiny", "huge"):
        return 1
    if layout == "two_lines":
        return int(rng.integers(4, 7))
    if layout == "touching":
        return int(rng.integers(2, 4))
    return int(rng.integers(2, 6))


def drawings(images: np.ndarray, labels: np.ndarray, layouts: tuple[str, ...], per_layout: int,
             rng: np.random.Generator) -> list[Drawing]:
    made = []
    for layout in layouts:
        for _ in range(per_layout):
            picks = rng.integers(0, len(images), digit_counts(layout, rng))
            made.append(compose(images[picks], labels[picks], layout, rng))
    return made


def shape_beside(images: np.ndarray, labels: np.ndarray, strokes: list[Stroke],
                 rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """A level number of two digits with a non-digit drawn on its line (room for it on the canvas), and how many
    digits the number has: read as more, the shape passed as a digit."""
    picks = rng.integers(0, len(images), 2)
    return beside(compose(images[picks], labels[picks], "level", rng), strokes), len(picks)


def source_digits(data: str | os.PathLike | None, source: str) -> tuple[np.ndarray, np.ndarray]:
    """MNIST's test digits, or the validation digits of the study's split (for choosing without looking at test)."""
    raw = load_raw(data, require_full=source == "validation")
    if source == "test":
        return raw.x_test, raw.y_test
    start = len(split(raw).y_train)
    return raw.x_train[start:], raw.y_train[start:]


def other_writers() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 8×8 digits (values 0–16) as bright-on-black uint8 images."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    return (digits.images * (255 / 16)).astype(np.uint8), digits.target


def score(reading: Reading, expected: list[str]) -> dict[str, float]:
    """Whole number right, digits right (aligned), digits rejected, and digits read right (aligned, rejected items
    included) of which how many were rejected, and how many flagged (rejected or unsure); "too small" drawings want
    no digit read."""
    status = reading.status
    accepted = [item in (DIGIT, UNSURE) for item in status]
    if expected == ["too small"]:
        return {"whole": float(not any(accepted)), "digits": float(not any(accepted)), "truth": 1, "rejected": 0,
                "read_right": 0, "right_rejected": 0, "right_flagged": 0}
    truth, said = "".join(expected), "".join(reading.line_texts)
    matched = sum(block.size for block in difflib.SequenceMatcher(None, truth, said).get_matching_blocks())
    # Every item read, rejected or not, line by line (each line's items come left to right, as line_texts reads).
    order = sorted(range(len(reading)), key=lambda index: reading.lines[index])
    every = "".join(str(reading.labels[index]) for index in order)
    right = [order[at] for block in difflib.SequenceMatcher(None, truth, every).get_matching_blocks()
             for at in range(block.b, block.b + block.size)]
    return {"whole": float(reading.line_texts == expected), "digits": matched / len(truth), "truth": len(truth),
            "rejected": sum(item == NOT_A_DIGIT for item in status), "read_right": len(right),
            "right_rejected": sum(status[index] == NOT_A_DIGIT for index in right),
            "right_flagged": sum(status[index] != DIGIT for index in right)}


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.set_defaults(models="ann,cnn,vgg16,best")
    p.add_argument("--per-layout", type=options.positive_int, default=300,
                   help="drawings per layout and source (default: 300)")
    p.add_argument("--non-digits", type=options.positive_int, default=NON_DIGITS,
                   help=f"non-digit drawings per family (default: {NON_DIGITS}, 20 of each measured kind)")
    p.add_argument("--source", choices=("test", "validation"), default="test",
                   help="MNIST digits to compose from: test (report) or validation (tuning)")
    p.add_argument("--reject-by", choices=REJECT_BY, default=REJECT_BY[0],
                   help="what decides 'not a digit': the verifier (as the app), or the classifier's own calibrated "
                        "confidence, which then also steers the segmentation (the method it is compared with)")
    add_thresholds(p)
    args = p.parse_args()
    rng = np.random.default_rng(args.seed)
    mnist_x, mnist_y = source_digits(args.data, args.source)
    cases: dict[str, list[Drawing]] = {}
    for drawing in drawings(mnist_x, mnist_y, LAYOUTS, args.per_layout, rng):
        cases.setdefault(f"MNIST {drawing.layout}", []).append(drawing)
    sk_x, sk_y = other_writers()
    for drawing in drawings(sk_x, sk_y, OTHER_WRITER_LAYOUTS, args.per_layout, rng):
        cases.setdefault(f"other writers {drawing.layout}", []).append(drawing)
    sketches = {family: [(kind, render_strokes(strokes)) for kind, strokes in non_digits(family, args.non_digits, rng)]
                for family in FAMILIES}
    # Drawn from their own generator, so that the drawings above stay those of earlier runs with the same seed.
    beside_rng = np.random.default_rng([args.seed, 1])
    besides = {family: [shape_beside(mnist_x, mnist_y, strokes, beside_rng)
                        for _, strokes in non_digits(family, args.non_digits, beside_rng)] for family in FAMILIES}
    results: dict = {"source": args.source, "per_layout": args.per_layout, "cases": sorted(cases),
                     "non_digit_kinds": {family: list(kinds) for family, kinds in FAMILIES.items()}, "models": {}}
    readers = load_readers(args)
    if args.reject_by == "confidence":
        readers = {name: replace(reader, verifier=None) for name, reader in readers.items()}
    readers = with_thresholds(readers, args)
    first = next(iter(readers.values()))
    results["reject_by"] = args.reject_by
    results["reject_from"], results["among_digits_from"] = first.reject_from, first.among_digits_from
    lines = [f"Drawings composed from MNIST {args.source} digits and scikit-learn's digits (other writers), "
             f"{args.per_layout} per case; {args.non_digits} non-digits per family; 'not a digit' decided by the "
             f"{args.reject_by} from P(not a digit) = {results['reject_from']:.2f} "
             f"({results['among_digits_from']:.2f} on a line where another item passes as a digit). Whole numbers "
             "read right, digits read right, and digits wrongly rejected as not digits, in %.\n"]
    for name, reader in readers.items():
        per_case, seconds = {}, []
        for case, items in cases.items():
            scored = []
            for drawing in items:
                start = time.perf_counter()
                reading = read(reader, drawing.image, MIN_DIGIT_SIZE)
                seconds.append(time.perf_counter() - start)
                scored.append(score(reading, drawing.lines))
            truth = sum(s["truth"] for s in scored)
            per_case[case] = {"whole": float(np.mean([s["whole"] for s in scored])),
                              "digits": float(np.mean([s["digits"] for s in scored])),
                              "digits_rejected": sum(s["rejected"] for s in scored) / truth,
                              "right_but_rejected": sum(s["right_rejected"] for s in scored) / max(
                                  1, sum(s["read_right"] for s in scored))}
        rejected = {}
        for family, items in sketches.items():
            kinds = {}
            for kind, picture in items:
                reading = read(reader, picture, MIN_DIGIT_SIZE)
                kinds.setdefault(kind, []).append(not reading.text)
            rejected[family] = {"all": float(np.mean([v for values in kinds.values() for v in values])),
                                "by_kind": {kind: float(np.mean(values)) for kind, values in kinds.items()}}
        added = {family: float(np.mean([len(read(reader, picture, MIN_DIGIT_SIZE).text) > digits
                                        for picture, digits in pictures])) for family, pictures in besides.items()}
        results["models"][name] = {"cases": per_case, "non_digits_rejected": rejected,
                                   "shapes_beside_read_as_digits": added,
                                   "read_ms_p50": 1000 * float(np.percentile(seconds, 50)),
                                   "read_ms_p95": 1000 * float(np.percentile(seconds, 95))}
        lines.append(f"\n**{name}** — non-digits rejected: measured family {100 * rejected['measure']['all']:.1f}%, "
                     f"fit family {100 * rejected['fit']['all']:.1f}%; drawn beside a number, read as a digit: "
                     f"measured {100 * added['measure']:.1f}%, fit {100 * added['fit']:.1f}%; reading a drawing "
                     f"{results['models'][name]['read_ms_p50']:.0f} ms median, "
                     f"{results['models'][name]['read_ms_p95']:.0f} ms p95\n")
        lines.append("| case | whole numbers % | digits % | digits rejected % | read right but rejected % |\n"
                     "|---|---:|---:|---:|---:|")
        lines += [f"| {case} | {100 * row['whole']:.1f} | {100 * row['digits']:.1f} | "
                  f"{100 * row['digits_rejected']:.1f} | {100 * row['right_but_rejected']:.1f} |"
                  for case, row in per_case.items()]
        worst = sorted(rejected["measure"]["by_kind"].items(), key=lambda item: item[1])[:5]
        lines.append("\nMeasured non-digit kinds least rejected: "
                     + ", ".join(f"{kind} {100 * value:.0f}%" for kind, value in worst))
    stem = "layouts" + ("" if args.source == "test" else f"_{args.source}") + (
        "" if args.reject_by == REJECT_BY[0] else f"_{args.reject_by}")
    save(args.out_dir, stem, results, "\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(options.command(main))
