"""Every shipped model ranked on the test set: accuracy, size, training time and inference speed.

    python -m benchmarks.ranking [--data mnist.npz]

Rows: the study's ANN, CNN and VGG16, the recommended Best CNN and its deskewed twin, and the ensemble
averaging the probabilities of every seed of both (``models/best_seed*.keras``,
``models/best_deskew_seed*.keras``). Training times come from ``results.json`` and ``plots/*_seeds.json``;
inference is timed here (batches of 256, and one 28×28 image at a time as the app reads a digit).
Writes ``benchmarks/results/ranking.{json,md}``.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from benchmarks.common import load_models, parser, save
from digit_recognizer import options
from digit_recognizer.catalog import DISPLAY_NAMES, MODEL_NAMES
from digit_recognizer.outputs import results
from digit_recognizer.outputs.paths import PLOTS_DIRNAME, REPO_ROOT
from digit_recognizer.reading.forward import predict
from digit_recognizer.reading.loading import ModelShelf, load_model
from digit_recognizer.training.data import load_splits

BATCH = 256
SINGLE_CALLS = 50


def probabilities(models: list, images: np.ndarray) -> tuple[np.ndarray, float]:
    """Mean class probabilities of ``models`` over ``images`` and the throughput in images per second."""
    for model in models:
        model.predict(images[:BATCH], batch_size=BATCH, verbose=0)  # tracing
    start = time.perf_counter()
    mean = np.mean([model.predict(images, batch_size=BATCH, verbose=0) for model in models], axis=0)
    return mean, len(images) / (time.perf_counter() - start)


def single_image_ms(models: list, image: np.ndarray) -> float:
    """Median wall time to read one digit, the app's call."""
    for model in models:
        predict(model, image)
    times = []
    for _ in range(SINGLE_CALLS):
        start = time.perf_counter()
        np.mean([predict(model, image) for model in models], axis=0)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def _duration(seconds: float | None) -> str:
    if not seconds:
        return "—"
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.set_defaults(models=",".join(MODEL_NAMES))
    args = p.parse_args()
    splits = load_splits(args.data)
    members = ModelShelf(args.models_dir).ensemble_members()
    records = results.load(REPO_ROOT / "results.json")
    seed_tables = {name: results.load_seeds(REPO_ROOT / PLOTS_DIRNAME / f"{name}_seeds.json") for name in members}
    entries = {DISPLAY_NAMES[name]: ([model], records.get(name, {}).get("train_seconds"))
               for name, model in load_models(args).items()}
    if members:
        seconds = sum(seed["train_seconds"] for table in seed_tables.values() for seed in table.values())
        parts = " + ".join(f"{len(paths)} {DISPLAY_NAMES[name]}" for name, paths in members.items())
        label = f"Ensemble of {sum(map(len, members.values()))} ({parts})"
        entries[label] = ([load_model(path, name) for name, paths in members.items() for path in paths], seconds)
    rows = []
    for label, (models, train_seconds) in entries.items():
        mean, per_second = probabilities(models, splits.x_test)
        accuracy = float(np.mean(mean.argmax(axis=1) == splits.y_test))
        rows.append({"model": label, "test_accuracy": accuracy, "parameters": sum(m.count_params() for m in models),
                     "train_seconds": train_seconds, "images_per_second": per_second,
                     "single_image_ms": single_image_ms(models, splits.x_test[:1])})
    rows.sort(key=lambda row: -row["test_accuracy"])
    lines = ["| rank | model | test acc % | errors /10,000 | parameters | training | inference img/s (batch 256) "
             "| one digit ms |", "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for rank, row in enumerate(rows, 1):
        train = _duration(row["train_seconds"])
        errors = round((1 - row["test_accuracy"]) * len(splits.y_test))
        lines.append(f"| {rank} | {row['model']} | {100 * row['test_accuracy']:.2f} | {errors} "
                     f"| {row['parameters']:,} | {train} | {row['images_per_second']:,.0f} "
                     f"| {row['single_image_ms']:.1f} |")
    save(args.out_dir, "ranking", {"rows": rows}, "\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(options.command(main))
