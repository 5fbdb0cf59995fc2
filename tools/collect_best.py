"""Ship the recommended model from its seed runs: the seed best on *validation* becomes ``models/best.keras``.

    python -m tools.collect_best runs/best-seed1 runs/best-seed2 runs/best-seed3

Each folder is the ``--output-dir`` of one ``python test.py --models best --seed N`` run. Every seed's model
is also kept as ``models/best_seed{N}.keras`` (the ensemble's members), and ``plots/best_seeds.{json,md}``
records each seed's accuracy with the mean and standard deviation over seeds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
from pathlib import Path

from digit_recognizer import results
from digit_recognizer.artifacts import write_json, write_text
from digit_recognizer.paths import MODELS_DIRNAME, PLOTS_DIRNAME, REPO_ROOT

NAME = "best"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=Path, nargs="+", help="output folders of the seed runs")
    parser.add_argument("--output-dir", type=Path, default=REPO_ROOT)
    args = parser.parse_args()
    rows = {}
    for folder in args.runs:
        row = results.load(folder / "results.json").get(NAME)
        if row is None or not (folder / MODELS_DIRNAME / f"{NAME}.keras").is_file():
            raise SystemExit(f"error: {folder} holds no finished `--models {NAME}` run.")
        rows[folder] = row
    models_dir, plots_dir = args.output_dir / MODELS_DIRNAME, args.output_dir / PLOTS_DIRNAME
    for folder, row in rows.items():
        shutil.copyfile(folder / MODELS_DIRNAME / f"{NAME}.keras", models_dir / f"{NAME}_seed{row['seed']}.keras")
    chosen = max(rows, key=lambda folder: rows[folder]["val_accuracy"])
    shutil.copyfile(chosen / MODELS_DIRNAME / f"{NAME}.keras", models_dir / f"{NAME}.keras")
    for path in (chosen / PLOTS_DIRNAME).glob(f"{NAME}_*"):
        shutil.copyfile(path, plots_dir / path.name)
    records = results.load(args.output_dir / "results.json") | {NAME: rows[chosen]}
    results.save(records, args.output_dir / "results.json", args.output_dir / "results.md")

    seeds = sorted(rows.values(), key=lambda row: row["seed"])
    tests = [100 * row["test_accuracy"] for row in seeds]
    summary = {
        "seeds": [{key: row[key] for key in ("seed", "val_accuracy", "test_accuracy", "train_seconds")}
                  for row in seeds],
        "test_accuracy_mean": statistics.mean(tests) / 100,
        "test_accuracy_sd": (statistics.stdev(tests) if len(tests) > 1 else 0.0) / 100,
        "shipped_seed": rows[chosen]["seed"],
    }
    lines = ["| seed | val acc % | test acc % | train s |", "|---:|---:|---:|---:|"]
    lines += [f"| {row['seed']} | {100 * row['val_accuracy']:.2f} | {100 * row['test_accuracy']:.2f} "
              f"| {row['train_seconds']:.0f} |" for row in seeds]
    sd = f" ± {summary['test_accuracy_sd'] * 100:.3f}" if len(tests) > 1 else ""
    lines.append(f"| mean | | {summary['test_accuracy_mean'] * 100:.3f}{sd} | |")
    table = "\n".join(lines) + f"\n\nShipped as models/{NAME}.keras: seed {summary['shipped_seed']} " \
                                "(highest validation accuracy).\n"
    write_json(plots_dir / "best_seeds.json", summary)
    write_text(plots_dir / "best_seeds.md", table)
    print(table, end="")


if __name__ == "__main__":
    main()
