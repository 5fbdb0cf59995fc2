"""Calibrate each model's shown confidence by temperature scaling: fitted on validation, measured on test.

    python -m tools.calibrate [--data PATH] [--models ann,cnn,vgg16,best,best_deskew]

Writes ``models/calibration.json`` (the temperature per model, beside the models it belongs to; entries for
models not calibrated in this run are kept), ``benchmarks/results/calibration.{json,md}`` and one reliability
diagram per model, ``benchmarks/results/calibration_{model}.png``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from digit_recognizer import options
from digit_recognizer.catalog import DISPLAY_NAMES, MODEL_NAMES
from digit_recognizer.errors import UserError
from digit_recognizer.outputs.artifacts import read_record, write_json, write_text
from digit_recognizer.outputs.paths import MODELS_DIRNAME, REPO_ROOT, RESULTS_DIR
from digit_recognizer.reading.calibration import (
    CALIBRATION_FILENAME,
    ECE_BINS,
    apply_temperature,
    fit_temperature,
    negative_log_likelihood,
    read_calibration,
    reliability,
)
from digit_recognizer.reading.loading import ModelShelf
from digit_recognizer.training.data import Splits, load_raw, split

if TYPE_CHECKING:
    import keras

BATCH = 256
REPORT_STEM = "calibration"


def _in_model_order(entries: dict[str, dict]) -> dict[str, dict]:
    """The catalog's order (ANN first), then any other model, so merged tables read the same every run."""
    rank = {name: index for index, name in enumerate(MODEL_NAMES)}
    return {name: entries[name] for name in sorted(entries, key=lambda name: (rank.get(name, len(rank)), name))}


def calibrate(name: str, model: keras.Model, splits: Splits, out_dir: Path) -> tuple[dict, dict]:
    """Fit T on validation, score test before and after, draw the diagram; returns (record entry, report row)."""
    from digit_recognizer.outputs.plots import plot_reliability  # imports Keras: only once there are data and a model

    val = model.predict(splits.x_val, batch_size=BATCH, verbose=0)
    test = model.predict(splits.x_test, batch_size=BATCH, verbose=0)
    temperature = fit_temperature(val, splits.y_val)
    val_after, test_after = apply_temperature(val, temperature), apply_temperature(test, temperature)
    before, after = reliability(test, splits.y_test), reliability(test_after, splits.y_test)
    entry = {
        "temperature": temperature,
        "fitted_on": "validation",
        "ece_test_before": before.ece,
        "ece_test_after": after.ece,
        "nll_val_before": negative_log_likelihood(val, splits.y_val),
        "nll_val_after": negative_log_likelihood(val_after, splits.y_val),
    }
    row = {
        "temperature": temperature,
        "test_accuracy": float((test.argmax(axis=1) == splits.y_test).mean()),
        "ece_test_before": before.ece,
        "ece_test_after": after.ece,
        "nll_test_before": negative_log_likelihood(test, splits.y_test),
        "nll_test_after": negative_log_likelihood(test_after, splits.y_test),
    }
    curves = {f"before (ECE {100 * before.ece:.2f}%)": before,
              f"after, T = {temperature:.3f} (ECE {100 * after.ece:.2f}%)": after}
    title = f"{DISPLAY_NAMES.get(name, name)}: reliability on the test set"
    plot_reliability(curves, title, out_dir / f"calibration_{name}.png")
    return entry, row


def table(report: dict) -> str:
    lines = [f"Temperature T fitted on the validation split ({report['validation_images']:,} images) by minimising "
             f"the negative log-likelihood; measured on the test split ({report['test_images']:,} images), ECE over "
             f"{report['bins']} equal-width confidence bins. T > 1: the model was over-confident and its "
             "confidence is softened; T < 1: under-confident, sharpened. Accuracy is unchanged: dividing by T keeps "
             "every answer.\n",
             "| model | T | test acc % | ECE before % | ECE after % | NLL before | NLL after |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {DISPLAY_NAMES.get(name, name)} | {row['temperature']:.3f} | {100 * row['test_accuracy']:.2f} "
              f"| {100 * row['ece_test_before']:.2f} | {100 * row['ece_test_after']:.2f} "
              f"| {row['nll_test_before']:.4f} | {row['nll_test_after']:.4f} |"
              for name, row in report["models"].items()]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> None:
    """Every record is read before any model runs, so a damaged one stops the command with nothing changed."""
    splits = split(load_raw(args.data))
    record = read_calibration(args.models_dir)
    report_path = args.out_dir / f"{REPORT_STEM}.json"
    rows = read_record(report_path, lambda data: dict(data["models"]), {})
    shelf = ModelShelf(args.models_dir, runtime="keras")
    calibrated = []
    for name in args.models:
        try:
            model = shelf.get(name)
        except UserError as error:
            print(f"skipping {name}: {error}", file=sys.stderr)
            continue
        record[name], rows[name] = calibrate(name, model, splits, args.out_dir)
        calibrated.append(name)
    if not calibrated:
        raise UserError("no model could be loaded; train them with `python test.py`.")
    report = {"validation_images": len(splits.y_val), "test_images": len(splits.y_test), "bins": ECE_BINS,
              "models": _in_model_order(rows)}
    write_json(args.models_dir / CALIBRATION_FILENAME, _in_model_order(record))
    write_json(report_path, report)
    write_text(args.out_dir / f"{REPORT_STEM}.md", table(report))
    print(table(report), end="")
    print(f"written: {args.models_dir / CALIBRATION_FILENAME}, {args.out_dir / REPORT_STEM}.json, .md, "
          + ", ".join(f"calibration_{name}.png" for name in calibrated))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_data(parser)
    parser.add_argument("--models", type=options.name_list(MODEL_NAMES), default=",".join(MODEL_NAMES),
                        help="comma-separated models to calibrate")
    parser.add_argument("--models-dir", type=Path, default=REPO_ROOT / MODELS_DIRNAME)
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR, help="where reports are written")
    args = parser.parse_args()
    return options.command(lambda: run(args))


if __name__ == "__main__":
    raise SystemExit(main())
