"""Ship a recommended model from its seed runs: the seed best on *validation* becomes ``models/{model}.keras``.

    python -m tools.collect_best runs/best-seed1 runs/best-seed2 runs/best-seed3
    python -m tools.collect_best --model best_deskew runs/deskew-seed1 runs/deskew-seed2

Each folder is the ``--output-dir`` of one ``python test.py --models {model} --seed N`` run. Every seed's
model is also kept as ``models/{model}_seed{N}.keras`` (the ensemble's members), and
``plots/{model}_seeds.{json,md}`` records each seed's accuracy with the mean and standard deviation over seeds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
from pathlib import Path

from digit_recognizer import options
from digit_recognizer.catalog import ENSEMBLE_MODELS
from digit_recognizer.errors import UserError
from digit_recognizer.outputs import results
from digit_recognizer.outputs.artifacts import write_json, write_text
from digit_recognizer.outputs.paths import MODELS_DIRNAME, PLOTS_DIRNAME, REPO_ROOT

SEED_FIELDS = ("seed", "val_accuracy", "test_accuracy", "train_seconds")


def finished_runs(folders: list[Path], name: str) -> dict[Path, dict]:
    """Each folder's results row for ``name``; a folder without a finished run stops the command."""
    rows = {}
    for folder in folders:
        row = results.load(folder / "results.json").get(name)
        if row is None or not (folder / MODELS_DIRNAME / f"{name}.keras").is_file():
            raise UserError(f"{folder} holds no finished `--models {name}` run.")
        rows[folder] = row
    return rows


def main() -> int:
    return options.command(collect)


def collect() -> None:
    """Copy the seeds' models, ship the validation-best one and rewrite the seed table.

    Every record is read before anything is copied, so a damaged one stops the command with nothing changed.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=Path, nargs="+", help="output folders of the seed runs")
    parser.add_argument("--model", choices=ENSEMBLE_MODELS, default="best", help="which model the runs trained")
    parser.add_argument("--output-dir", type=Path, default=REPO_ROOT)
    args = parser.parse_args()
    name = args.model
    models_dir, plots_dir = args.output_dir / MODELS_DIRNAME, args.output_dir / PLOTS_DIRNAME
    rows = finished_runs(args.runs, name)
    # Seeds collected before join the new ones instead of being replaced by them.
    seeds = results.load_seeds(plots_dir / f"{name}_seeds.json")
    shipped_records = results.load(args.output_dir / "results.json")
    models_dir.mkdir(parents=True, exist_ok=True)
    plots_dir.mkdir(parents=True, exist_ok=True)
    for folder, row in rows.items():
        shutil.copyfile(folder / MODELS_DIRNAME / f"{name}.keras", models_dir / f"{name}_seed{row['seed']}.keras")
    seeds |= {row["seed"]: {key: row[key] for key in SEED_FIELDS} for row in rows.values()}
    shipped = max(seeds.values(), key=lambda row: row["val_accuracy"])["seed"]
    chosen = next((folder for folder, row in rows.items() if row["seed"] == shipped), None)
    if chosen is not None:
        shutil.copyfile(chosen / MODELS_DIRNAME / f"{name}.keras", models_dir / f"{name}.keras")
        for path in (chosen / PLOTS_DIRNAME).glob(f"{name}_*"):
            shutil.copyfile(path, plots_dir / path.name)
        results.save(shipped_records | {name: rows[chosen]}, args.output_dir / "results.json",
                     args.output_dir / "results.md")

    ordered = [seeds[seed] for seed in sorted(seeds)]
    tests = [100 * row["test_accuracy"] for row in ordered]
    summary = {
        "seeds": ordered,
        "test_accuracy_mean": statistics.mean(tests) / 100,
        "test_accuracy_sd": (statistics.stdev(tests) if len(tests) > 1 else 0.0) / 100,
        "shipped_seed": shipped,
    }
    lines = ["| seed | val acc % | test acc % | train s |", "|---:|---:|---:|---:|"]
    lines += [f"| {row['seed']} | {100 * row['val_accuracy']:.2f} | {100 * row['test_accuracy']:.2f} "
              f"| {row['train_seconds']:.0f} |" for row in ordered]
    sd = f" ± {summary['test_accuracy_sd'] * 100:.3f}" if len(tests) > 1 else ""
    lines.append(f"| mean | | {summary['test_accuracy_mean'] * 100:.3f}{sd} | |")
    table = "\n".join(lines) + f"\n\nShipped as models/{name}.keras: seed {shipped} (highest validation accuracy).\n"
    write_json(plots_dir / f"{name}_seeds.json", summary)
    write_text(plots_dir / f"{name}_seeds.md", table)
    print(table, end="")


if __name__ == "__main__":
    raise SystemExit(main())
