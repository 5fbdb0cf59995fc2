"""How the ensemble is chosen: members, ensemble sizes and test-time augmentation scored on *validation* only.

    python -m benchmarks.ensemble_validation [--data mnist.npz]

Members are every collected seed of each ensemble kind (``models/{kind}_seed*.keras``). Reports, on the
12,000 validation images: each member's errors; the mean errors over every ensemble of k seeds of one kind
and of k seeds of each kind (k = 1 … the fewest seeds a kind has), which shows what more seeds or another
kind buy; for the full ensemble, how many of its errors no member reads right (averaging cannot fix them)
and how many have the true digit as second choice; and whether test-time augmentation (averaging over
slightly rotated, zoomed or shifted copies) helps. Writes ``benchmarks/results/ensemble_validation.{json,md}`` and
``ensemble_validation_errors.png`` beside them, the full ensemble's misread digits, so a reader can judge them.
"""

from __future__ import annotations

from itertools import combinations, product

import numpy as np

from benchmarks.common import parser, save
from digit_recognizer import options
from digit_recognizer.catalog import DISPLAY_NAMES
from digit_recognizer.errors import UserError
from digit_recognizer.outputs.plots import plot_digits
from digit_recognizer.reading.loading import ModelShelf, load_model
from digit_recognizer.training.augment import warp
from digit_recognizer.training.data import load_splits

# Test-time views: (degrees, scale, shift) of the copies averaged with the image itself.
TTA_VIEWS: dict[str, list[tuple[float, float, tuple[float, float]]]] = {
    "rotations ±5°": [(5, 1, (0, 0)), (-5, 1, (0, 0))],
    "zooms ±5%": [(0, 1.05, (0, 0)), (0, 0.95, (0, 0))],
    "shifts ±1 px": [(0, 1, (1, 0)), (0, 1, (-1, 0)), (0, 1, (0, 1)), (0, 1, (0, -1))],
}


def errors(probabilities: list[np.ndarray], labels: np.ndarray) -> int:
    """Misread digits when the members' class probabilities are averaged."""
    return int(np.sum(np.mean(probabilities, axis=0).argmax(axis=1) != labels))


def subsets(kinds: dict[str, list[np.ndarray]], labels: np.ndarray) -> list[dict]:
    """Mean errors over every ensemble of k seeds of one kind, and of k seeds of each kind."""
    rows = []
    for k in range(1, min(map(len, kinds.values())) + 1):
        for name, members in kinds.items():
            scores = [errors(list(chosen), labels) for chosen in combinations(members, k)]
            rows.append({"ensemble": f"{k} {DISPLAY_NAMES[name]}", "members": k, "mean_errors": float(np.mean(scores))})
        if len(kinds) > 1:
            picks = product(*(combinations(members, k) for members in kinds.values()))
            scores = [errors([p for chosen in pick for p in chosen], labels) for pick in picks]
            rows.append({"ensemble": f"{k} of each kind", "members": k * len(kinds),
                         "mean_errors": float(np.mean(scores))})
    return rows


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    members = ModelShelf(args.models_dir).ensemble_members()
    if not members:
        raise UserError("no ensemble members (models/best_seed*.keras); collect seed runs with "
                         "`python -m tools.collect_best`.")
    splits = load_splits(args.data)
    images, labels = splits.x_val, splits.y_val
    views = {group: [np.stack([warp(image[..., 0], *view) for image in images])[..., None] for view in group_views]
             for group, group_views in TTA_VIEWS.items()}
    plain: dict[str, list[np.ndarray]] = {}
    tta: dict[str, list[np.ndarray]] = {group: [] for group in views}
    member_rows = []
    for name, paths in members.items():
        for path in paths:
            model = load_model(path, name)
            probabilities = model.predict(images, batch_size=512, verbose=0)
            plain.setdefault(name, []).append(probabilities)
            member_rows.append({"member": path.stem, "errors": errors([probabilities], labels)})
            for group, copies in views.items():
                tta[group].append(np.mean([probabilities] + [model.predict(copy, batch_size=512, verbose=0)
                                                            for copy in copies], axis=0))
    everyone = [p for kind in plain.values() for p in kind]
    mean = np.mean(everyone, axis=0)
    wrong = np.flatnonzero(mean.argmax(axis=1) != labels)
    unread = [not any(p[i].argmax() == labels[i] for p in everyone) for i in wrong]
    nobody = int(sum(unread))
    second = int(np.sum(np.argsort(-mean[wrong], axis=1)[:, 1] == labels[wrong]))
    summary = {
        "images": len(labels), "members": member_rows, "subsets": subsets(plain, labels),
        "full_ensemble_errors": len(wrong), "no_member_right": nobody, "true_digit_second": second,
        "tta_errors": {group: errors(probabilities, labels) for group, probabilities in tta.items()},
    }
    lines = [f"Validation errors in {len(labels):,} images.", "", "| member | errors |", "|---|---:|"]
    lines += [f"| {row['member']} | {row['errors']} |" for row in member_rows]
    lines += ["", "| ensemble | members | mean errors |", "|---|---:|---:|"]
    lines += [f"| {row['ensemble']} | {row['members']} | {row['mean_errors']:.1f} |" for row in summary["subsets"]]
    lines += ["", f"Full ensemble ({len(everyone)} members): {len(wrong)} errors; no member right on {nobody}; "
              f"true digit second choice on {second}.", "", "| test-time augmentation | errors |", "|---|---:|",
              f"| none | {len(wrong)} |"]
    lines += [f"| {group} | {count} |" for group, count in summary["tta_errors"].items()]
    save(args.out_dir, "ensemble_validation", summary, "\n".join(lines) + "\n")
    picture = args.out_dir / "ensemble_validation_errors.png"
    captions = [f"#{i}: {labels[i]} read {mean[i].argmax()}" for i in wrong]
    plot_digits(images[wrong], captions, unread, f"The {len(everyone)}-member ensemble's validation errors "
                f"(true digit, read as); red: no member reads it right ({nobody})", picture)
    print(f"written: {picture}")


if __name__ == "__main__":
    raise SystemExit(options.command(main))
