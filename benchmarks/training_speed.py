"""Training speed of the project's defaults against the seed's way (plain float32 Keras), per model.

The seed's way: float32, Keras's Adam, NumPy arrays into ``fit``, one batch of 32 per compiled call. The
project's defaults: what ``python test.py`` uses on this machine (bf16 where the CPU has it, 48 batches per
call, the fused Adam update). Every setting is measured in the same process, one after the other, on the
same images: training images per second over a fixed number of batches of 32 (after a warm-up that pays
for tracing), and inference images per second. ``--settings`` adds single changes (fp32+spe, bf16, ...);
``--full-run`` also times the whole default study (`python test.py`) end to end.

``--rounds N`` (default 3) measures every setting in turn N times and reports medians: the machine's pace
drifts, and the ratio within one round cancels most of the drift; one round gave the CNN ratios from 1.3× to 2.1×
on one machine.

    python -m benchmarks.training_speed [--models ann,cnn,vgg16] [--settings seed,project,bf16] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np

from benchmarks.common import cpu_name, median_range, parser, save
from benchmarks.step_profile import conv_rate, training_gflop
from digit_recognizer import catalog, options
from digit_recognizer.errors import UserError
from digit_recognizer.outputs.paths import REPO_ROOT
from digit_recognizer.recipes import STUDY
from digit_recognizer.training import precision
from digit_recognizer.training.config import RunConfig
from digit_recognizer.training.data import Splits, load_splits
from digit_recognizer.training.fit import batches, compile_model, make_optimizer, seed_everything

BATCH = 32
# Timed training batches per model: a few seconds of work each in plain float32.
STEPS = {"ann": 1440, "cnn": 288, "vgg16": 96}


@dataclass(frozen=True)
class Setting:
    policy: str
    steps_per_execution: int = 1
    jit_compile: bool | None = False  # None: where the project compiles with XLA (training.fit.xla_wins)
    fused_adam: bool = False
    # Small maps' convolution weight gradients by matrix products (training.conv_gradients).
    matmul_gradients: bool = False
    # Batch normalisation through TensorFlow's fused kernel (training.fused_batch_norm).
    fused_batch_norm: bool = False
    # Batches from the project's tf.data pipeline (training.fit.batches) instead of NumPy arrays into fit.
    pipeline: bool = False
    # Another Keras backend, or TensorFlow's (intra-op, inter-op) thread counts: measured in a process of its own.
    backend: str = "tensorflow"
    threads: tuple[int, int] | None = None

    @property
    def own_process(self) -> bool:
        return self.backend != keras.backend.backend() or self.threads is not None


SEED, PROJECT = "seed", "project"
SETTINGS = {
    SEED: Setting(precision.FLOAT32),  # plain Keras defaults: the baseline
    "fp32+spe": Setting(precision.FLOAT32, steps_per_execution=48),
    "fp32+xla": Setting(precision.FLOAT32, jit_compile=True),
    "fp32+spe+xla": Setting(precision.FLOAT32, steps_per_execution=48, jit_compile=True),
    "fp32+spe+fused": Setting(precision.FLOAT32, steps_per_execution=48, fused_adam=True),
    "fp32+spe+fused+matmul": Setting(precision.FLOAT32, steps_per_execution=48, fused_adam=True,
                                     matmul_gradients=True),
    "fp32+spe+fused+matmul+bn+1op": Setting(precision.FLOAT32, steps_per_execution=48, fused_adam=True,
                                            matmul_gradients=True, fused_batch_norm=True, pipeline=True,
                                            threads=(0, 1)),
    "fp32+spe+fused+matmul+bn+1thread": Setting(precision.FLOAT32, steps_per_execution=48, fused_adam=True,
                                                matmul_gradients=True, fused_batch_norm=True, pipeline=True,
                                                threads=(1, 0)),
    # Keras's JAX backend compiles the whole step with XLA; PyTorch's runs it eagerly, one batch per call.
    "jax": Setting(precision.FLOAT32, steps_per_execution=48, jit_compile=True, backend="jax"),
    "torch": Setting(precision.FLOAT32, backend="torch"),
    "bf16": Setting(precision.MIXED_BF16),
    "bf16+spe": Setting(precision.MIXED_BF16, steps_per_execution=48),
    "bf16+xla": Setting(precision.MIXED_BF16, jit_compile=True),
    "bf16+spe+fused": Setting(precision.MIXED_BF16, steps_per_execution=48, fused_adam=True),
    "bf16+spe+fused+matmul": Setting(precision.MIXED_BF16, steps_per_execution=48, fused_adam=True,
                                     matmul_gradients=True),
    "bf16+spe+fused+matmul+bn": Setting(precision.MIXED_BF16, steps_per_execution=48, fused_adam=True,
                                        matmul_gradients=True, fused_batch_norm=True),
}


def project_default() -> Setting:
    config = RunConfig()
    return Setting(precision.resolve(config.precision), config.steps_per_execution, config.jit_compile,
                   config.fused_adam, config.matmul_gradients, config.fused_batch_norm, pipeline=True)


class StepClock(keras.callbacks.Callback):
    """Wall time from the first training batch's start to the last one's end: the steady pace of an epoch,
    without ``fit``'s start-up and tear-down (paid once per epoch of 1,500 steps, not per step)."""

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        if batch == 0:
            self.start = time.perf_counter()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.end = time.perf_counter()


def compiled_model(name: str, setting: Setting, alter: Callable[[keras.Model], None] | None = None) -> keras.Model:
    """The model compiled under ``setting`` as ``python test.py`` compiles it, from seed 0; ``alter`` may change
    it before its first step."""
    seed_everything(0)
    precision.apply(setting.policy)
    optimizer = make_optimizer(STUDY, steps_per_epoch=1500, fused=setting.fused_adam)
    model = compile_model(catalog.build(name), optimizer, setting.steps_per_execution, setting.jit_compile,
                          setting.matmul_gradients, setting.fused_batch_norm)
    if alter is not None:
        alter(model)
    return model


def _inputs(setting: Setting, x: np.ndarray, y: np.ndarray, shuffle: bool) -> dict:
    if setting.pipeline:
        return batches(x, y, BATCH, shuffle_seed=0 if shuffle else None)
    return {"x": x, "y": y, "batch_size": BATCH, "shuffle": shuffle}


def whole_epochs(name: str, setting: Setting, splits: Splits, epochs: int) -> float:
    """Training images per second over whole epochs of the study's split, validation and epoch changes
    included: what ``python test.py`` pays, per model."""
    model = compiled_model(name, setting)
    validation = _inputs(setting, splits.x_val, splits.y_val, shuffle=False)
    start = time.perf_counter()
    model.fit(**_inputs(setting, splits.x_train, splits.y_train, shuffle=True), epochs=epochs, verbose=0,
              validation_data=validation["x"] if setting.pipeline else (splits.x_val, splits.y_val))
    seconds = time.perf_counter() - start
    precision.apply(precision.FLOAT32)
    return epochs * len(splits.y_train) / seconds


def train_pace(model: keras.Model, setting: Setting, x: np.ndarray, y: np.ndarray, steps: int) -> float:
    """Images per second of ``model`` training on ``steps`` batches of 32, after a warm-up that pays for tracing."""
    warm = setting.steps_per_execution * BATCH * 2
    # Tracing and allocation, through the same kind of input as the timed epoch (another would trace again).
    model.fit(**_inputs(setting, x[:warm], y[:warm], shuffle=True), epochs=1, verbose=0)
    images = steps * BATCH
    clock = StepClock()
    model.fit(**_inputs(setting, x[:images], y[:images], shuffle=True), epochs=1, verbose=0, callbacks=[clock])
    return images / (clock.end - clock.start)


def in_own_process(name: str, setting: str, steps: int, data: str | None) -> dict[str, float]:
    """:func:`throughput` of a setting that needs a process of its own (another backend, other thread counts)."""
    command = [sys.executable, "-m", "benchmarks.training_speed", "--child", setting, "--models", name,
               "--steps", str(steps)] + (["--data", str(data)] if data else [])
    env = os.environ | {"KERAS_BACKEND": SETTINGS[setting].backend}
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=REPO_ROOT)
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise UserError(f"setting {setting} failed in its own process ({last}); a backend's setting needs that "
                        "backend installed (pip install jax, or torch).")
    return json.loads(done.stdout.strip().splitlines()[-1])


def throughput(name: str, setting: Setting, x: np.ndarray, y: np.ndarray, steps: int) -> dict[str, float]:
    """Images per second training (``steps`` batches of 32) and predicting, under ``setting``."""
    model = compiled_model(name, setting)
    train = train_pace(model, setting, x, y, steps)
    shown = min(4 * steps * BATCH, 2048)
    # Warmed up on as many batches as are timed: with several steps per execution, another count traces again.
    model.predict(x[:shown], batch_size=256, verbose=0)
    start = time.perf_counter()
    model.predict(x[:shown], batch_size=256, verbose=0)
    infer = shown / (time.perf_counter() - start)
    precision.apply(precision.FLOAT32)
    return {"train_img_per_s": train, "inference_img_per_s": infer}


def alternating(name: str, settings: dict[str, Setting], x: np.ndarray, y: np.ndarray, steps: int,
                rounds: int, data: str | None = None) -> dict:
    """Each setting's median figures over ``rounds`` rounds that measure every setting in turn, and its training
    pace in each round, alone and against the seed's way's: the machine's pace drifts from minute to minute, and
    a ratio within one round, measured a minute apart, cancels most of that drift."""
    def one(setting: str) -> dict[str, float]:
        if settings[setting].own_process:
            return in_own_process(name, setting, steps, data)
        return throughput(name, settings[setting], x, y, steps)

    measured = [{setting: one(setting) for setting in settings} for _ in range(rounds)]
    seed_pace = [one[SEED]["train_img_per_s"] for one in measured]
    summary = {}
    for setting in settings:
        pace = [one[setting]["train_img_per_s"] for one in measured]
        figures = measured[0][setting]
        summary[setting] = {key: statistics.median(one[setting][key] for one in measured) for key in figures}
        summary[setting]["train_img_per_s_per_round"] = pace
        summary[setting]["train_ratio_per_round"] = [own / seed for own, seed in zip(pace, seed_pace, strict=True)]
    return summary


def full_run(data: str | None) -> float:
    """Wall seconds of `python test.py` with the study's settings, into a scratch folder."""
    with tempfile.TemporaryDirectory() as scratch:
        command = [sys.executable, str(REPO_ROOT / "test.py"), "--output-dir", scratch, "--quiet"]
        command += ["--data", str(data)] if data else []
        start = time.perf_counter()
        subprocess.run(command, check=True)
        return time.perf_counter() - start


def child(args: argparse.Namespace) -> None:
    """One setting that needs its own process: threads set before TensorFlow starts, figures printed as JSON."""
    setting = SETTINGS[args.child]
    if setting.threads is not None:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(setting.threads[0])
        tf.config.threading.set_inter_op_parallelism_threads(setting.threads[1])
    splits = load_splits(args.data)
    name = args.models[0]
    print(json.dumps(throughput(name, setting, splits.x_train, splits.y_train, args.steps or STEPS.get(name, 96))))


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--steps", type=options.positive_int, default=None,
                   help=f"training batches timed per model (default: {STEPS})")
    p.add_argument("--settings", type=options.name_list([*SETTINGS, PROJECT], "setting"),
                   default=f"{SEED},{PROJECT}", help=f"from: {', '.join([*SETTINGS, PROJECT])} (default: seed,project)")
    p.add_argument("--epochs", type=options.positive_int, default=None,
                   help="also time this many whole epochs of the study's split per model and setting")
    p.add_argument("--rounds", type=options.positive_int, default=3,
                   help="measure every setting in turn this many times and report medians (default: 3)")
    p.add_argument("--full-run", action="store_true", help="also time the whole default study end to end")
    p.add_argument("--child", choices=tuple(SETTINGS), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        return child(args)
    settings = {name: SETTINGS[name] if name != PROJECT else project_default() for name in [SEED, *args.settings]}
    splits = load_splits(args.data)
    # The machine's convolution ceiling, in the precision the project trains in here, before and after.
    policy = settings[PROJECT].policy if PROJECT in settings else precision.FLOAT32
    rates = [conv_rate(policy)]
    results: dict = {"cpu": cpu_name(), "conv_gflops": rates, "training_gflop_per_image": {},
                     "batch_size": BATCH, "steps": args.steps or STEPS, "rounds": args.rounds,
                     "settings": {name: vars(setting) for name, setting in settings.items()}, "models": {}}
    rows = []
    for model_name in args.models:
        steps = args.steps or STEPS.get(model_name, 96)
        measured = alternating(model_name, settings, splits.x_train, splits.y_train, steps, args.rounds, args.data)
        if args.epochs:
            for name, setting in settings.items():
                measured[name]["epochs_img_per_s"] = whole_epochs(model_name, setting, splits, args.epochs)
        base = measured[SEED]
        results["models"][model_name] = measured
        gflop = training_gflop(catalog.build(model_name))
        rates.append(conv_rate(policy))
        ceiling = statistics.median(rates) / gflop
        for name, figures in measured.items():
            whole = figures.get("epochs_img_per_s")
            epochs = f" | {whole:.0f} | {whole / base['epochs_img_per_s']:.2f}×" if whole else ""
            figures["of_conv_ceiling"] = figures["train_img_per_s"] / ceiling
            rows.append(f"| {model_name.upper()} | {name} | {figures['train_img_per_s']:.0f} "
                        f"| {median_range(figures['train_ratio_per_round'])}{epochs} "
                        f"| {100 * figures['of_conv_ceiling']:.0f}% | {figures['inference_img_per_s']:.0f} |")
            print(rows[-1], flush=True)
        results["training_gflop_per_image"][model_name] = gflop
    table = (f"{cpu_name()}; batch {BATCH}, {args.steps or STEPS} timed training batches per model and setting"
             + (f"; medians of {args.rounds} rounds, each measuring every setting in turn, and the range of the "
                "ratios in brackets" if args.rounds > 1 else "") + ".\n"
             + "".join(f"- {name}: {setting}\n" for name, setting in settings.items()) + "\n"
             + f"\nThe convolution ceiling: one 3×3 convolution of 64 to 64 channels on 28×28 maps, batch 32, forward, "
               f"ran at {median_range(rates, ' GFLOP/s', digits=0)}; 'of the ceiling' is a setting's training pace "
               "against that rate over the model's training GFLOP per image (three times its forward pass's: "
               + ", ".join(f"{name.upper()} {gflop:.3f}" for name, gflop in results["training_gflop_per_image"].items())
               + ").\n\n"
             + ("| model | setting | steady train img/s | vs the seed's way"
                + (f" | {args.epochs} whole epochs img/s | vs the seed's way" if args.epochs else "")
                + " | of the conv ceiling | inference img/s |\n|---|---|---:|---:|"
                + ("---:|---:|" if args.epochs else "") + "---:|---:|\n")
             + "\n".join(rows) + "\n")
    if args.full_run:
        results["full_run_seconds"] = full_run(args.data)
        table += f"\nFull default run (`python test.py`): {results['full_run_seconds']:.0f} s\n"
    save(args.out_dir, "training_speed" + ("_epochs" if args.epochs else ""), results, table)


if __name__ == "__main__":
    raise SystemExit(options.command(main))
