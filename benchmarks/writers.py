"""How well does the app read writers it never saw? Real pen strokes of the measuring writers, drawn on the canvas.

The digits of :data:`digit_recognizer.training.pendigits.MEASURE_WRITERS` (no model or threshold is fitted on
them) are drawn with the app's own renderer, one writer per number, in the cases people draw: one digit (with the
app's pen, a thin 8 px and a thick 40 px one), small digits, numbers on a level line, on uneven baselines,
touching, and on two lines. Each drawing is read exactly as the app reads it (:func:`inference.read`), and
beside it by the *plain classifier*: each digit's own ink cropped the MNIST way (:func:`preprocess.to_mnist`) and
the model's top class, with no segmentation, verifier or threshold; the gap between the two is what the reading
layer costs or earns. Non-digits of both sketch families must read as nothing.

Per model and case: whole numbers read exactly right with nothing flagged, digits read right, digits rejected as
not digits, right digits flagged (unsure or not a digit), and the plain classifier's whole numbers and digits.
``--writers train`` builds the same benchmark from the training writers, ``--writers tune`` from the five of
them that a part can be fitted without (:data:`~digit_recognizer.training.pendigits.TUNE_WRITERS`: thresholds are
tuned there, on writers that part never saw, and never on the measuring writers); ``--stages`` takes parts of
the reading layer away to see what each one pays.

    python -m benchmarks.writers [--models best] [--per-case 300] [--writers measure] [--stages app]
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from benchmarks.common import add_thresholds, cpu_name, load_readers, parser, save, with_thresholds
from benchmarks.layouts import score
from digit_recognizer import options
from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE, render_strokes
from digit_recognizer.reading.forward import predict
from digit_recognizer.reading.inference import read
from digit_recognizer.reading.preprocess import whole_ink
from digit_recognizer.reading.reader import Reader
from digit_recognizer.reading.verdict import DIGIT
from digit_recognizer.synthetic.compose import Drawing
from digit_recognizer.synthetic.pen_numbers import PenNumbers
from digit_recognizer.synthetic.sketches import FAMILIES, non_digits
from digit_recognizer.training import pendigits


@dataclass(frozen=True)
class Case:
    """How one case's drawings are made: the layout, how many digits, their height range (None: the layout's
    own) and the pen's width."""

    layout: str
    digits: tuple[int, int]
    heights: tuple[float, float] | None = None
    pen: float = 20


CASES = {
    "one digit": Case("level", (1, 1), (120, 280)),
    "one digit, pen 8": Case("level", (1, 1), (120, 280), 8),
    "one digit, pen 40": Case("level", (1, 1), (120, 280), 40),
    "small digits (40-100 px, pen 8)": Case("level", (1, 3), (40, 100), 8),
    "level": Case("level", (2, 4)),
    "uneven": Case("uneven", (2, 4)),
    "touching": Case("touching", (2, 3)),
    "two lines": Case("two_lines", (4, 6), (80, 130)),
}
# What the reading layer may lose: each setting takes away the parts named, to measure what they pay.
STAGES = {
    "app": (),
    "no counter or strings": ("counter", "strings"),
    "verifier only": ("counter", "strings"),
    "confidence only": ("counter", "strings", "verifier"),
}
NON_DIGITS = 200
# Whose digits a run draws, and how the report names them.
WRITERS = {"measure": "measuring writers", "train": "training writers",
           "tune": "tuning writers (training writers a part can be fitted without)"}


def without(reader: Reader, stage: str) -> Reader:
    """The reader with the parts that ``stage`` takes away removed."""
    return replace(reader, **dict.fromkeys(STAGES[stage]))


def writers_drawings(digits: list[pendigits.PenDigit], case: Case, count: int,
                     rng: np.random.Generator) -> list[Drawing]:
    """``count`` drawings of the case, each number by one writer."""
    numbers = PenNumbers(digits)
    return [numbers.draw(case.layout, int(rng.integers(case.digits[0], case.digits[1] + 1)), rng, case.pen,
                         case.heights) for _ in range(count)]


def plain_inputs(drawing: Drawing) -> np.ndarray:
    """Each digit's own ink, cropped and normalised the MNIST way: what the plain classifier reads, (k, 28, 28, 1)."""
    return np.stack([whole_ink(np.where(drawing.owners == owner, 0, 255).astype(np.uint8))
                     for owner in range(1, int(drawing.owners.max()) + 1)])[..., None]


def plain_scores(reader: Reader, drawings: list[Drawing]) -> tuple[float, float]:
    """The plain classifier's whole numbers and digits read right."""
    batches = [plain_inputs(drawing) for drawing in drawings]
    labels = predict(reader.model, np.concatenate(batches)).argmax(axis=1)
    truths = ["".join(drawing.lines) for drawing in drawings]
    said, at = [], 0
    for batch in batches:
        said.append("".join(str(label) for label in labels[at : at + len(batch)]))
        at += len(batch)
    whole = np.mean([a == b for a, b in zip(said, truths, strict=True)])
    digits = sum(sum(x == y for x, y in zip(a, b, strict=True)) for a, b in zip(said, truths, strict=True))
    return float(whole), digits / sum(map(len, truths))


def case_scores(reader: Reader, drawings: list[Drawing]) -> tuple[dict[str, float], list[float]]:
    """The app's reading of each drawing, summed over the case, and the seconds each reading took."""
    scored, seconds = [], []
    for drawing in drawings:
        start = time.perf_counter()
        reading = read(reader, drawing.image, MIN_DIGIT_SIZE)
        seconds.append(time.perf_counter() - start)
        scored.append(score(reading, drawing.lines) | {"clean": float(
            reading.line_texts == drawing.lines and all(status == DIGIT for status in reading.status))})
    truth = sum(s["truth"] for s in scored)
    right = max(1, sum(s["read_right"] for s in scored))
    return {"whole": float(np.mean([s["clean"] for s in scored])),
            "digits": float(np.mean([s["digits"] for s in scored])),
            "digits_rejected": sum(s["rejected"] for s in scored) / truth,
            "right_flagged": sum(s["right_flagged"] for s in scored) / right}, seconds


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.set_defaults(models="ann,cnn,vgg16,best,best_deskew")
    options.add_pendigits(p)
    p.add_argument("--writers", choices=tuple(WRITERS), default="measure",
                   help="whose digits to draw: the measuring writers (report), the training writers, or the tuning "
                        "writers among them (tuning)")
    p.add_argument("--per-case", type=options.positive_int, default=300, help="drawings per case (default: 300)")
    p.add_argument("--non-digits", type=options.positive_int, default=NON_DIGITS,
                   help=f"non-digit drawings per sketch family (default: {NON_DIGITS})")
    p.add_argument("--stages", choices=tuple(STAGES), default="app",
                   help="the reading layer as the app has it, or with parts taken away")
    add_thresholds(p)
    args = p.parse_args()
    train, measure = pendigits.split(pendigits.load(args.pendigits))
    digits = {"measure": measure, "train": train, "tune": pendigits.hold_out_tuning(train)[1]}[args.writers]
    rng = np.random.default_rng(args.seed)
    cases = {name: writers_drawings(digits, case, args.per_case, rng) for name, case in CASES.items()}
    sketches = {family: [render_strokes(strokes) for _, strokes in non_digits(family, args.non_digits, rng)]
                for family in FAMILIES}
    readers = {name: without(reader, args.stages) for name, reader in with_thresholds(load_readers(args), args).items()}
    results: dict = {"cpu": cpu_name(), "writers": args.writers, "per_case": args.per_case, "stages": args.stages,
                     "models": {}}
    lines = [f"Pen digits of the {WRITERS[args.writers]} "
             f"({len({d.writer for d in digits})} writers, {len(digits)} digits), {args.per_case} drawings per case, "
             f"one writer per number, drawn with the app's renderer; reading layer: {args.stages}. 'whole': read "
             "exactly right with nothing flagged; 'plain': each digit's own ink cropped the MNIST way, the model's "
             "top class. In %.\n"]
    for name, reader in readers.items():
        per_case, seconds = {}, []
        for case, drawings in cases.items():
            row, took = case_scores(reader, drawings)
            row["plain_whole"], row["plain_digits"] = plain_scores(reader, drawings)
            per_case[case], seconds = row, seconds + took
        rejected = {family: float(np.mean([not read(reader, picture, MIN_DIGIT_SIZE).text for picture in pictures]))
                    for family, pictures in sketches.items()}
        results["models"][name] = {"cases": per_case, "non_digits_rejected": rejected,
                                   "read_ms_p50": 1000 * float(np.percentile(seconds, 50)),
                                   "read_ms_p95": 1000 * float(np.percentile(seconds, 95))}
        lines.append(f"\n**{name}** — non-digits rejected: measured family {100 * rejected['measure']:.1f}%, fit "
                     f"family {100 * rejected['fit']:.1f}%; reading a drawing "
                     f"{results['models'][name]['read_ms_p50']:.0f} ms median, "
                     f"{results['models'][name]['read_ms_p95']:.0f} ms p95 ({results['cpu']})\n")
        lines.append("| case | whole % | plain whole % | digits % | plain digits % | digits rejected % | "
                     "right digits flagged % |\n|---|---:|---:|---:|---:|---:|---:|")
        lines += [f"| {case} | {100 * row['whole']:.1f} | {100 * row['plain_whole']:.1f} | {100 * row['digits']:.1f} | "
                  f"{100 * row['plain_digits']:.1f} | {100 * row['digits_rejected']:.1f} | "
                  f"{100 * row['right_flagged']:.1f} |" for case, row in per_case.items()]
    stem = "writers" + ("" if args.writers == "measure" else "_" + args.writers) + (
        "" if args.stages == "app" else "_" + args.stages.replace(" ", "_"))
    save(args.out_dir, stem, results, "\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(options.command(main))
