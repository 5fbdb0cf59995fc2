"""How sure must a model be before the app shows its answer? The honest-answer trade-off, measured.

Non-digits (letters in several fonts, shapes, scribbles) and real MNIST digits redrawn on the canvas are
read by each model. For each confidence threshold: the share of non-digits flagged as unsure (good), of
real digits flagged (the cost), and of the model's mistakes on real digits that get flagged.

    python -m benchmarks.unsure_threshold [--digits N]
"""

from __future__ import annotations

import numpy as np

from benchmarks.common import load_models, parser, save
from digit_recognizer.canvas_check import draw_large, letters, scribbles, shapes
from digit_recognizer.data import load_raw
from digit_recognizer.drawing import MIN_DIGIT_SIZE
from digit_recognizer.inference import UNSURE_BELOW, predict
from digit_recognizer.preprocess import extract_digits

THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99)


def lowest_confidences(model, pictures: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per picture: the least confident digit's probability (0 if nothing was found) and its label."""
    confidence, label = np.zeros(len(pictures)), np.full(len(pictures), -1)
    for index, picture in enumerate(pictures):
        digits = extract_digits(picture, MIN_DIGIT_SIZE)
        if len(digits):
            probabilities = predict(model, digits.batch)
            weakest = probabilities.max(axis=1).argmin()
            confidence[index] = probabilities[weakest].max()
            label[index] = probabilities[weakest].argmax() if len(digits) == 1 else -1
    return confidence, label


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--digits", type=int, default=2000, help="real digits to measure (default: 2,000)")
    args = p.parse_args()
    rng = np.random.default_rng(args.seed)
    groups = {"letter": letters(rng), "shape": shapes(rng), "scribble": scribbles(rng)}
    non_digits = [item for items in groups.values() for item in items]
    kinds = [kind for kind, items in groups.items() for _ in items]
    raw = load_raw(args.data, require_full=False)
    x, y = raw.x_test[: args.digits], raw.y_test[: args.digits]
    digit_pictures = [draw_large(digit, rng) for digit in x]
    results: dict = {"non_digits": {kind: kinds.count(kind) for kind in sorted(set(kinds))},
                     "digits": len(x), "thresholds": list(THRESHOLDS), "app_threshold": UNSURE_BELOW, "models": {}}
    lines = [f"Non-digits: {len(non_digits)} ({', '.join(f'{v} {k}s' for k, v in results['non_digits'].items())}); "
             f"real digits: {len(x):,} MNIST test digits redrawn on the canvas.\n"]
    for name, model in load_models(args).items():
        other_conf, _ = lowest_confidences(model, [picture for _, picture in non_digits])
        digit_conf, digit_label = lowest_confidences(model, digit_pictures)
        wrong = digit_label != y
        rows = []
        for threshold in THRESHOLDS:
            rows.append({
                "threshold": threshold,
                "non_digits_flagged": float(np.mean(other_conf < threshold)),
                "digits_flagged": float(np.mean(digit_conf < threshold)),
                "correct_digits_flagged": float(np.mean(digit_conf[~wrong] < threshold)),
                "mistakes_flagged": float(np.mean(digit_conf[wrong] < threshold)) if wrong.any() else 0.0,
                "by_kind": {kind: float(np.mean(other_conf[np.array(kinds) == kind] < threshold))
                            for kind in sorted(set(kinds))},
            })
        results["models"][name] = {"accuracy_on_redrawn": float(np.mean(~wrong)), "trade_off": rows}
        lines.append(f"\n**{name.upper()}** (accuracy on the redrawn digits {100 * np.mean(~wrong):.2f}%)\n\n"
                     "| threshold | non-digits flagged % | letters | shapes | scribbles | real digits flagged % "
                     "| its mistakes flagged % |\n|---:|---:|---:|---:|---:|---:|---:|")
        for row in rows:
            kind = row["by_kind"]
            lines.append(f"| {row['threshold']:.2f} | {100 * row['non_digits_flagged']:.1f} "
                         f"| {100 * kind['letter']:.1f} | {100 * kind['shape']:.1f} | {100 * kind['scribble']:.1f} "
                         f"| {100 * row['digits_flagged']:.1f} | {100 * row['mistakes_flagged']:.1f} |")
    save(args.out_dir, "unsure_threshold", results, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
