"""Does bfloat16 training change results? Test accuracy over several seeds, float32 vs mixed_bfloat16.

Each model is trained with the study's settings (5 epochs, Adam 1e-5, batch 32) once per seed and
precision; the table gives mean ± sd of test accuracy and the training time of each.

    python -m benchmarks.precision_accuracy [--models ann,cnn] [--seeds 1,2,3]
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from benchmarks.common import parser, save
from digit_recognizer import options
from digit_recognizer.outputs.results import load
from digit_recognizer.training import precision
from digit_recognizer.training.config import RunConfig
from digit_recognizer.training.pipeline import run


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--seeds", type=options.seed_list, default="1,2,3", help="comma-separated seeds (default: 1,2,3)")
    p.add_argument("--precisions", type=options.name_list(precision.CHOICES, "precision"),
                   default=f"{precision.FLOAT32},{precision.MIXED_BF16}")
    p.add_argument("--steps-per-execution", type=options.positive_int, default=RunConfig().steps_per_execution)
    args = p.parse_args()
    seeds = args.seeds
    results: dict = {"seeds": seeds, "models": {}}
    rows = []
    for name in args.models:
        results["models"][name] = {}
        for policy in args.precisions:
            runs = []
            for seed in seeds:
                with tempfile.TemporaryDirectory() as scratch:
                    config = RunConfig(models=[name], seed=seed, data=args.data, output_dir=Path(scratch),
                                       precision=policy, steps_per_execution=args.steps_per_execution, verbose=0)
                    run(config)
                    record = load(config.results_json)[name]
                runs.append({"seed": seed, "test_accuracy": record["test_accuracy"],
                             "train_seconds": record["train_seconds"]})
                print(name, policy, runs[-1], flush=True)
            accuracies = [100 * r["test_accuracy"] for r in runs]
            sd = statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0
            results["models"][name][policy] = {"runs": runs, "mean": statistics.mean(accuracies), "sd": sd}
            rows.append(f"| {name.upper()} | {policy} | {statistics.mean(accuracies):.2f} ± {sd:.2f} "
                        f"| {', '.join(f'{a:.2f}' for a in accuracies)} "
                        f"| {statistics.mean(r['train_seconds'] for r in runs):.0f} |")
    table = (f"Test accuracy %, 5 epochs, Adam 1e-5, batch 32, seeds {seeds}\n\n"
             "| model | precision | mean ± sd | per seed | train s (mean) |\n|---|---|---:|---|---:|\n"
             + "\n".join(rows) + "\n")
    save(args.out_dir, "precision_accuracy", results, table)


if __name__ == "__main__":
    raise SystemExit(options.command(main))
