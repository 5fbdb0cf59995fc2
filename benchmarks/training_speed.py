"""Training and inference speed of each model: plain float32 Keras vs the project's default settings.

Both configurations are measured in the same process, one after the other, on the same images: training
images per second over a fixed number of batches (after a warm-up that pays for tracing), and inference
images per second. ``--full-run`` also times the whole default study (`python test.py`) end to end.

    python -m benchmarks.training_speed [--steps 40] [--full-run]
"""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np

from benchmarks.common import parser, save
from digit_recognizer import precision, registry
from digit_recognizer.data import load_splits
from digit_recognizer.paths import REPO_ROOT
from digit_recognizer.training import compile_model, seed_everything

BATCH = 32


def throughput(name: str, policy: str, x: np.ndarray, y: np.ndarray, steps: int) -> dict[str, float]:
    """Images per second training (``steps`` batches of 32) and predicting, under ``policy``."""
    seed_everything(0)
    precision.apply(policy)
    model = compile_model(registry.build(name), lr=1e-5)
    model.fit(x[: 3 * BATCH], y[: 3 * BATCH], batch_size=BATCH, epochs=1, verbose=0)  # tracing, allocation
    images = steps * BATCH
    start = time.perf_counter()
    model.fit(x[:images], y[:images], batch_size=BATCH, epochs=1, verbose=0, shuffle=True)
    train = images / (time.perf_counter() - start)
    model.predict(x[:256], batch_size=256, verbose=0)
    start = time.perf_counter()
    model.predict(x[: 4 * images], batch_size=256, verbose=0)
    infer = 4 * images / (time.perf_counter() - start)
    precision.apply(precision.FLOAT32)
    return {"train_img_per_s": train, "inference_img_per_s": infer}


def full_run(args, extra: list[str]) -> float:
    """Wall seconds of `python test.py` with the study's settings into a scratch folder."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        command = [sys.executable, str(REPO_ROOT / "test.py"), "--output-dir", scratch, "--quiet", *extra]
        if args.data:
            command += ["--data", str(args.data)]
        start = time.perf_counter()
        subprocess.run(command, check=True)
        return time.perf_counter() - start


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=40, help="training batches timed per model (default: 40)")
    p.add_argument("--full-run", action="store_true", help="also time the whole default study end to end")
    args = p.parse_args()
    splits = load_splits(args.data, limit=None)
    default_policy = precision.resolve(precision.AUTO)
    results: dict = {"default_precision": default_policy, "batch_size": BATCH, "steps": args.steps, "models": {}}
    rows = []
    for name in args.models.split(","):
        baseline = throughput(name, precision.FLOAT32, splits.x_train, splits.y_train, args.steps)
        tuned = throughput(name, default_policy, splits.x_train, splits.y_train, args.steps)
        speedup = tuned["train_img_per_s"] / baseline["train_img_per_s"]
        results["models"][name] = {"float32": baseline, "default": tuned, "train_speedup": speedup}
        rows.append(f"| {name.upper()} | {baseline['train_img_per_s']:.0f} | {tuned['train_img_per_s']:.0f} "
                    f"| {speedup:.2f}× | {baseline['inference_img_per_s']:.0f} | {tuned['inference_img_per_s']:.0f} |")
    table = (f"Training at batch {BATCH}, {args.steps} batches per model; default precision: {default_policy}\n\n"
             "| model | train img/s fp32 | train img/s default | speed-up | infer img/s fp32 | infer img/s default |\n"
             "|---|---:|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n")
    if args.full_run:
        results["full_run_seconds"] = {"default": full_run(args, [])}
        table += f"\nFull default run (`python test.py`): {results['full_run_seconds']['default']:.0f} s\n"
    save(args.out_dir, "training_speed", results, table)


if __name__ == "__main__":
    main()
